"""Regional fact sheets and brief packs from the real Eurostat SBS employment data.

Runs `emerging build` on ../shared/data/employment/sbs_r_nuts06_r2.tsv.gz (persons employed
and wages at NUTS-2 x NACE division, harmonised to NUTS 2021; split regions such as HU10 and
PL12 are reported, not divided) and then `emerging report` for the requested regions: HTML,
PDF, XLSX, DOCX and Markdown per region, every figure, an index and a comparison sheet, in
figures/real_factsheets/. The window defaults to 2010-2014: 2014 is the latest complete year
of this 2017 vintage.

    python analyses/real_factsheets.py --regions CZ06,SK02,SI04
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from emerging.io.build import build
from emerging.reports import build_report

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMERGING_SHARED_DATA", REPO.parent / "shared" / "data"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=DATA / "employment")
    parser.add_argument("--processed", type=Path, default=REPO / "data" / "processed")
    parser.add_argument("--regions", default="CZ06,SK02,SI04,AT31,HU22,PL22")
    parser.add_argument("--start", type=int, default=2010)
    parser.add_argument("--end", type=int, default=2014)
    parser.add_argument("--out", type=Path, default=REPO / "figures" / "real_factsheets")
    args = parser.parse_args()

    print(build(args.raw, args.processed, indicators=("V16110", "V13320")).summary())
    summary = build_report(args.processed, regions=args.regions, out=args.out,
                           start=args.start, end=args.end)
    print(summary.summary())


if __name__ == "__main__":
    main()
