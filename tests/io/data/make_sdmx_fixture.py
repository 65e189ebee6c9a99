"""Rebuild sbs_sample_sdmx.csv from the real SBS bulk TSV (../shared/data); see README.md.

Run from the repository root: ``python tests/io/data/make_sdmx_fixture.py``.
"""

from __future__ import annotations

import csv
import gzip
import sys
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = HERE.parents[2].parent / "shared/data/employment/sbs_r_nuts06_r2.tsv.gz"
GEOS = {"SK0", "SK01", "SK02", "SK03", "SK04", "SKZZ", "SI01", "SI03", "DE40", "DE41", "DE42"}
SERIES = {("C29", "V16110"), ("C30", "V16110"), ("C30", "V11210")}


def selected_lines(source: Path) -> tuple[str, list[str]]:
    """The header and the real TSV lines of the chosen series, in file order."""
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        header = next(fh).rstrip("\n")
        lines = []
        for line in fh:
            nace, indic, geo = line.split("\t", 1)[0].split(",")
            if (nace, indic) in SERIES and geo in GEOS:
                lines.append(line.rstrip("\n"))
    return header, lines


def main() -> None:
    header, lines = selected_lines(SOURCE)
    years = [h.strip() for h in header.split("\t")[1:]]
    out = HERE / "sbs_sample_sdmx.csv"
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "DATAFLOW",
                "LAST UPDATE",
                "freq",
                "nace_r2",
                "indic_sb",
                "geo",
                "TIME_PERIOD",
                "OBS_VALUE",
                "OBS_FLAG",
                "CONF_STATUS",
            ]
        )
        for line in lines:
            key, *cells = line.split("\t")
            nace, indic, geo = key.split(",")
            for year, cell in sorted(zip(years, cells, strict=True)):
                number, _, flags = cell.strip().partition(" ")
                value = "" if number == ":" else number
                conf = "C" if "c" in flags else ""
                w.writerow(
                    [
                        "ESTAT:SBS_R_NUTS06_R2(1.0)",
                        "",
                        "A",
                        nace,
                        indic,
                        geo,
                        year,
                        value,
                        flags.replace("c", ""),
                        conf,
                    ]
                )
    print(f"wrote {out} from {len(lines)} lines of {SOURCE}", file=sys.stderr)


if __name__ == "__main__":
    main()
