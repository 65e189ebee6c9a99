"""Generate the shipped traded/local table of NACE divisions (emerging/codes/data/traded_divisions.csv).

Reads the real SBS file (see analyses/_sbs.py), measures the mean locational Gini of every
division over 2008-2014 and applies the cut-off and the local-by-nature list of
emerging.codes.traded.

    python analyses/traded_divisions.py

(the repository root is put first on the path, so this checkout's package is used)
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from _sbs import REPO, sbs_nuts2  # noqa: E402

from emerging.codes.traded import classify_traded  # noqa: E402


def main() -> None:
    table = classify_traded(sbs_nuts2()).with_columns(pl.col("gini").round(4))
    out = REPO / "emerging" / "codes" / "data" / "traded_divisions.csv"
    table.write_csv(out)
    print(f"{out}: {table.height} divisions, {int(table['traded'].sum())} traded")


if __name__ == "__main__":
    main()
