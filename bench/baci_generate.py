"""Write a synthetic file in CEPII BACI's exact CSV layout (t,i,j,k,v,q) for tests and benchmarks.

Countries use BACI's own codes (251 France, 699 India, 842 USA, 757 Switzerland,
579 Norway, 490 "Other Asia" and M49 for the rest); products are HS6 codes
with leading zeros dropped as BACI's integer column writes them (10121 for 010121);
values are thousand USD (3 decimals), quantities tonnes. Values follow a rough
gravity shape (big exporters × big importers) so shares and ranks are not uniform.

    python bench/baci_generate.py OUT.csv --flows 8000000 --countries 200 --year 2022
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

BACI_SPECIAL = [251, 699, 842, 757, 579, 490]


def country_codes(n: int) -> np.ndarray:
    from dyadwatch import countries
    from dyadwatch.sources.comtrade import SPECIAL_CODES

    # M49 codes BACI replaces with its own (France, India, USA, Switzerland, Norway, Taiwan) or that BACI/
    # Comtrade use for areas that are not states are left out.
    m49 = sorted(
        {c.m49 for c in countries.all_countries() if c.m49} - {250, 356, 840, 756, 578, 158} - set(SPECIAL_CODES)
    )
    codes = BACI_SPECIAL + [c for c in m49 if c not in BACI_SPECIAL]
    return np.array(codes[:n])


def generate(
    out: Path,
    flows: int = 8_000_000,
    n_countries: int = 200,
    year: int = 2022,
    n_products: int = 5000,
    seed: int = 0,
    chunk: int = 1_000_000,
) -> Path:
    rng = np.random.default_rng(seed)
    codes = country_codes(n_countries)
    size = rng.pareto(1.2, len(codes)) + 1  # economic mass
    p = size / size.sum()
    chapters = rng.choice(np.arange(1, 98), n_products)
    products = np.unique(chapters * 10_000 + rng.integers(101, 9999, n_products))
    # Sample unique (i, j, k) triples without building all 200×200×5000 combinations in memory at once.
    n_pairs = len(codes) * (len(codes) - 1)
    per_pair = max(1, flows // n_pairs + 1)
    out = Path(out)
    written = 0
    with open(out, "w") as f:
        f.write("t,i,j,k,v,q\n")
        pairs = [(a, b) for a in range(len(codes)) for b in range(len(codes)) if a != b]
        rng.shuffle(pairs)
        buf_i, buf_j = [], []
        for a, b in pairs:
            buf_i.append(a)
            buf_j.append(b)
        ii = np.array(buf_i)
        jj = np.array(buf_j)
        for start in range(0, len(ii), max(1, chunk // per_pair)):
            if written >= flows:
                break
            si, sj = ii[start : start + chunk // per_pair], jj[start : start + chunk // per_pair]
            n_here = np.minimum(rng.poisson(per_pair * 2 * np.sqrt(p[si] * p[sj] * len(codes) ** 2)) + 1, len(products))
            n_here = np.minimum(n_here, flows - written - np.concatenate([[0], np.cumsum(n_here)[:-1]]).clip(0))
            n_here = n_here.clip(0)
            rows_i = np.repeat(codes[si], n_here)
            rows_j = np.repeat(codes[sj], n_here)
            ks = (
                np.concatenate([rng.choice(products, k, replace=False) for k in n_here if k > 0])
                if n_here.sum()
                else []
            )
            m = len(rows_i)
            if m == 0:
                continue
            v = np.round(rng.lognormal(3, 2.5, m) * np.repeat(np.sqrt(p[si] * p[sj]) * 200, n_here), 3)
            q = np.round(v * rng.lognormal(0, 1, m) / 1.5, 3)
            block = np.column_stack([np.full(m, year), rows_i, rows_j, ks, v, q])
            f.write("\n".join(f"{int(r[0])},{int(r[1])},{int(r[2])},{int(r[3])},{r[4]:.3f},{r[5]:.3f}" for r in block))
            f.write("\n")
            written += m
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--flows", type=int, default=8_000_000)
    ap.add_argument("--countries", type=int, default=200)
    ap.add_argument("--year", type=int, default=2022)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    generate(a.out, a.flows, a.countries, a.year, seed=a.seed)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
