// dyadwatch serve: charts (vega-embed), image downloads, search-as-you-type, recent dyads.
// No inline script anywhere: the Content-Security-Policy allows scripts from this server only, and
// Vega's expressions run through vega-interpreter instead of eval.
"use strict";

function renderCharts(root = document) {
  const els = root.querySelectorAll(".vega[data-spec]");
  if (!els.length) return;
  if (!window.vegaEmbed) {
    els.forEach((el) => { el.textContent = "Charts need JavaScript: the chart library did not load."; });
    return;
  }
  els.forEach((el) => {
    const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    window.vegaEmbed(el, spec, {
      actions: false, renderer: "svg", defaultStyle: false,
      ast: true, expr: window.vegaExpressionInterpreter,
      tooltip: { disableDefaultStyle: true },
    }).then((res) => {
      el.vegaView = res.view;
      el.dataset.rendered = "1";
    }).catch((err) => {
      el.dataset.rendered = "error";
      el.textContent = "This chart could not be drawn: " + err.message;
    });
  });
}

function imageDownloads(root = document) {
  root.querySelectorAll("button.dl-img").forEach((btn) => {
    btn.addEventListener("click", async () => {
      const el = document.getElementById(btn.dataset.chart);
      if (!el || !el.vegaView) return;
      const url = await el.vegaView.toImageURL(btn.dataset.format, btn.dataset.format === "png" ? 2 : 1);
      const a = document.createElement("a");
      a.href = url;
      a.download = btn.dataset.name + "." + btn.dataset.format;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  });
}

function combo(input) {
  const list = document.getElementById(input.getAttribute("aria-controls"));
  let timer = null, active = -1;
  const options = () => Array.from(list.querySelectorAll("[role=option]"));
  const close = () => { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; };
  const choose = (li) => { input.value = li.dataset.name; input.dataset.iso3 = li.dataset.iso3; close(); };
  const highlight = (i) => {
    const opts = options();
    opts.forEach((o, j) => o.setAttribute("aria-selected", j === i ? "true" : "false"));
    active = i;
    if (opts[i]) input.setAttribute("aria-activedescendant", opts[i].id);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    delete input.dataset.iso3;
    const q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(async () => {
      const r = await fetch("/api/countries?q=" + encodeURIComponent(q));
      if (!r.ok) return;
      const hits = (await r.json()).data;
      list.replaceChildren();
      hits.forEach((h, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + i;
        li.dataset.iso3 = h.iso3;
        li.dataset.name = h.name;
        li.textContent = h.name + " (" + h.iso3 + ")";
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      active = -1;
    }, 120);
  });
  input.addEventListener("keydown", (e) => {
    const opts = options();
    if (list.hidden || !opts.length) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, opts.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(opts[active]); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

function recentDyads() {
  const KEY = "dyadwatch.recent";
  let recent = [];
  try { recent = JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { recent = []; }
  const h1 = document.querySelector("h1[data-dyad]");
  if (h1) {
    const d = h1.dataset.dyad;
    recent = [{ dyad: d, label: h1.textContent }, ...recent.filter((r) => r.dyad !== d)].slice(0, 8);
    try { localStorage.setItem(KEY, JSON.stringify(recent)); } catch (e) { /* private mode: no list */ }
  }
  const ul = document.getElementById("recent");
  if (!ul) return;
  if (!recent.length) {
    const li = document.createElement("li");
    li.className = "note";
    li.textContent = ul.dataset.empty;
    ul.appendChild(li);
  }
  recent.forEach((r) => {
    const [a, b] = r.dyad.split("-");
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = "/dyad/" + encodeURIComponent(a) + "/" + encodeURIComponent(b);
    link.textContent = r.label;
    li.appendChild(link);
    ul.appendChild(li);
  });
}

// Sections marked data-lazy are fetched after the first paint (their data can take seconds on a full
// warehouse): the server renders each as HTML, autoescaped like the page, and it replaces the placeholder.
function lazySections() {
  document.querySelectorAll("section[data-lazy]").forEach(async (sec) => {
    let html;
    try {
      const r = await fetch(sec.dataset.lazy, { headers: { Accept: "text/html" } });
      if (!r.ok) throw new Error("HTTP " + r.status);
      html = await r.text();
    } catch (err) {
      sec.querySelector(".loading").textContent = "This section could not be loaded (" + err.message + ").";
      sec.dataset.lazy = "";
      sec.removeAttribute("data-lazy");
      return;
    }
    const tpl = document.createElement("template");
    tpl.innerHTML = html;
    const fresh = tpl.content.firstElementChild;
    sec.replaceWith(fresh);
    renderCharts(fresh);
    imageDownloads(fresh);
  });
}

// GET forms leave empty fields out of the URL, so a permalink holds only what the reader chose.
function cleanForms() {
  document.querySelectorAll("form.controls[method=get]").forEach((form) => {
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      for (const [k, v] of new FormData(form)) if (String(v).trim() !== "") q.append(k, v);
      const s = q.toString();
      window.location.assign(form.getAttribute("action") + (s ? "?" + s : ""));
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  cleanForms();
  renderCharts();
  imageDownloads();
  lazySections();
  document.querySelectorAll("input[role=combobox]").forEach(combo);
  recentDyads();
});
