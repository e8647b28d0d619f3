"""Vega-Lite specs of the dashboard's charts. Each reads its data from the JSON API by URL.

So a chart shows exactly the rows its CSV/JSON download gives, and the page's HTML carries
only the spec. Specs are plain dicts: the browser renders them with vega-embed
(``static/app.js``), which also gives the PNG/SVG downloads.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier only; nothing is fetched
OBLIGATIONS = ["defense", "offense", "neutral", "nonagg", "consul", "entente"]


def api_url(endpoint: str, **query) -> str:
    """``/api/<endpoint>?...`` with None left out and lists repeated (``state=A&state=B``)."""
    pairs = []
    for k, v in query.items():
        for x in v if isinstance(v, list | tuple) else [v]:
            if x is not None and x is not False:
                pairs.append((k, "true" if x is True else x))
    return f"/api/{endpoint}" + (f"?{urlencode(pairs)}" if pairs else "")


def _base(title: str, url: str, **extra) -> dict:
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"url": url, "format": {"type": "json", "property": "data"}},
        "config": {"font": "system-ui, sans-serif", "view": {"stroke": None}},
        **extra,
    }


def line(title: str, url: str, x: str, y: str, *, x_type: str = "quantitative", y_title: str | None = None,
         color: str | None = None, fold: list[str] | None = None,
         band: tuple[str, str] | None = None, y_format: str | None = None,
         labels: dict[str, str] | None = None, filter_: str | None = None) -> dict:  # fmt: skip
    """A line per series over time; ``fold`` turns several columns into series (named by ``labels``);
    ``band`` adds an interval; ``filter_`` (a Vega expression) keeps some rows."""
    # Vega-Lite specs are JSON trees: dict[str, Any] is their type.
    xenc: dict[str, Any] = {"field": x, "type": x_type, "title": None}
    if x_type == "quantitative":
        xenc["axis"] = {"format": "d"}
    transform: list[dict[str, Any]] = [{"fold": fold, "as": ["series", "value"]}] if fold else []
    if filter_:
        transform.insert(0, {"filter": filter_})
    if fold and labels:  # readable legend entries; json.dumps quotes names such as "Côte d'Ivoire" safely
        expr = "".join(f"datum.series === {json.dumps(k)} ? {json.dumps(v)} : " for k, v in labels.items())
        transform.append({"calculate": expr + "datum.series", "as": "series"})
    yfield = "value" if fold else y
    enc: dict[str, Any] = {"x": xenc, "y": {"field": yfield, "type": "quantitative", "title": y_title or y}}
    if y_format:
        enc["y"]["axis"] = {"format": y_format}
    series = "series" if fold else color
    if series:
        enc["color"] = {"field": series, "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
    enc["tooltip"] = [{"field": x, "type": x_type}, *([{"field": series}] if series else []),
                      {"field": yfield, "type": "quantitative", "format": ".4~g"}]  # fmt: skip
    layers = []
    if band:
        layers.append({"mark": {"type": "area", "opacity": 0.2},
                       "encoding": {"x": xenc, "y": {"field": band[0], "type": "quantitative"},
                                    "y2": {"field": band[1]}}})  # fmt: skip
    layers.append({"mark": {"type": "line", "point": {"size": 18}}, "encoding": enc})
    spec = _base(title, url, layer=layers)
    if transform:
        spec["transform"] = transform
    return spec


def obligations(title: str, url: str) -> dict:
    """Years × obligation type: in force, not in force, or no data (outside the source's coverage)."""
    spec = _base(title, url, height=150)
    spec["transform"] = [
        {"fold": OBLIGATIONS, "as": ["obligation", "v"]},
        {"calculate": "datum.v === null ? 'no data' : (datum.v === 1 ? 'in force' : 'none')", "as": "state"},
    ]
    spec["mark"] = {"type": "rect"}
    spec["encoding"] = {
        "x": {"field": "year", "type": "ordinal", "title": None,
              "axis": {"labelExpr": "datum.value % 10 === 0 ? datum.value : ''", "labelAngle": 0}},
        "y": {"field": "obligation", "type": "nominal", "sort": OBLIGATIONS, "title": None},
        "color": {"field": "state", "type": "nominal", "title": None,
                  "legend": {"orient": "bottom", "symbolStrokeColor": "#888", "symbolStrokeWidth": 1},
                  "scale": {"domain": ["in force", "none", "no data"], "range": ["#1b6ca8", "#e8edf2", "#ffffff"]}},
        "tooltip": [{"field": "year"}, {"field": "obligation"}, {"field": "state"}],
    }  # fmt: skip
    return spec


def bars(title: str, url: str, y: str, x: str, *, color: str | None = None) -> dict:
    enc = {
        "y": {"field": y, "type": "nominal", "sort": None, "title": None},
        "x": {"field": x, "type": "quantitative", "title": x},
        "tooltip": [{"field": y}, {"field": x, "type": "quantitative", "format": ".4~g"}, {"field": "n"}],
    }
    if color:
        enc["color"] = {"field": color, "type": "nominal", "title": None, "legend": {"orient": "bottom"}}
    # A discrete height (one step per bar) cannot be fitted to a container: the width is fixed instead.
    return _base(title, url, width=820, height={"step": 16}, mark={"type": "bar"}, encoding=enc)


def directions(title: str, urls: dict[str, str], x: str, y: str, *, y_title: str | None = None) -> dict:
    """One line per URL (both directions of a flow): Vega-Lite layers each read their own data, so every line
    is exactly one API response (the downloads)."""
    layers = []
    for label, url in urls.items():
        layers.append({
            "data": {"url": url, "format": {"type": "json", "property": "data"}},
            "transform": [{"calculate": json.dumps(label), "as": "direction"}],
            "mark": {"type": "line", "point": {"size": 18}},
            "encoding": {
                "x": {"field": x, "type": "quantitative", "title": None, "axis": {"format": "d"}},
                "y": {"field": y, "type": "quantitative", "title": y_title or y},
                "color": {"field": "direction", "type": "nominal", "title": None, "legend": {"orient": "bottom"}},
                "tooltip": [{"field": x}, {"field": "direction"},
                            {"field": y, "type": "quantitative", "format": ",.1f"}],
            },
        })  # fmt: skip
    spec = _base(title, next(iter(urls.values())), layer=layers)
    del spec["data"]  # each layer has its own
    return spec


def facets(title: str, url: str, *, x: str, y: str, facet: str, color: str, x_type: str = "quantitative",
           y_title: str | None = None, calculate: list[dict] | None = None, filter_: str | None = None,
           fold: list[str] | None = None, columns: int = 3) -> dict:  # fmt: skip
    """Small multiples (one panel per ``facet`` value), a line per ``color`` value in each.

    Facets cannot be fitted to a container, so the panels have a fixed size (three fill the page's width)."""
    transform: list[dict] = []
    if fold:
        transform.append({"fold": fold, "as": ["series", "value"]})
    if filter_:
        transform.append({"filter": filter_})
    transform += calculate or []
    xenc: dict[str, Any] = {"field": x, "type": x_type, "title": None}
    if x_type == "quantitative":
        xenc["axis"] = {"format": "d"}
    spec = _base(title, url, facet={"field": facet, "type": "nominal", "title": None}, columns=columns,
                 spec={"width": 240, "height": 120, "mark": {"type": "line", "point": {"size": 12}},
                       "encoding": {"x": xenc, "y": {"field": y, "type": "quantitative", "title": y_title or y},
                                    "color": {"field": color, "type": "nominal", "title": None,
                                              "legend": {"orient": "bottom"}},
                                    "tooltip": [{"field": x, "type": x_type}, {"field": color},
                                                {"field": y, "type": "quantitative", "format": ".4~g"}]}})  # fmt: skip
    del spec["width"], spec["height"]
    if transform:
        spec["transform"] = transform
    return spec
