"""Synthetic benchmark panels shared by the bench scripts, in the row order a user meets.

The L panel: 1,170 regions x 615 industries (NACE-class-like codes over the real divisions)
x 20 years = 14.4 M rows, about 55 % zeros, log-normal sizes, with NUTS-3-length region
codes. ``order`` picks the row order:

- ``"file"``: as a Eurostat bulk file comes when made tidy: one series per industry and
  region, years newest first (the order of ``read_tsv``);
- ``"sorted"``: region, industry, year ascending;
- ``"shuffled"``: a random permutation.
"""

from __future__ import annotations

import numpy as np
import polars as pl

ORDERS = ("file", "sorted", "shuffled")


def nace_like_codes(n: int) -> list[str]:
    """``n`` distinct class-level codes spread over the real NACE divisions."""
    from emerging.codes.nace import nace_labels

    divisions = nace_labels().filter(pl.col("level") == 2)["industry"].to_list()
    return sorted(
        f"{divisions[k % len(divisions)]}{k // len(divisions) // 9 + 1}{k // len(divisions) % 9 + 1}"
        for k in range(n)
    )


def l_panel(
    order: str = "file", *, regions: int = 1170, industries: int = 615, years: int = 20, seed: int = 0
) -> pl.DataFrame:
    """The L panel (or a smaller one) in the given row order."""
    if order not in ORDERS:
        raise ValueError(f"order={order!r}: choose one of {ORDERS}")
    rng = np.random.default_rng(seed)
    n = regions * industries * years
    # industry-major, region, year: the file order before the years are reversed
    ind = np.repeat(np.arange(industries, dtype=np.int32), regions * years)
    reg = np.tile(np.repeat(np.arange(regions, dtype=np.int32), years), industries)
    yr = np.tile(np.arange(years - 1, -1, -1, dtype=np.int32), regions * industries)
    size = rng.normal(0, 1, regions)[reg] + rng.normal(0, 1, industries)[ind]
    value = np.exp(3.0 + size + rng.normal(0, 0.3, n)).round()
    value[rng.random(n) < 0.55] = 0.0
    if order == "sorted":
        perm = np.lexsort((yr, ind, reg))
    elif order == "shuffled":
        perm = rng.permutation(n)
    else:
        perm = None
    if perm is not None:
        ind, reg, yr, value = ind[perm], reg[perm], yr[perm], value[perm]
    region_codes = pl.Series([f"R{r // 100:02d}{r % 100:02d}"[:5] for r in range(regions)])
    return pl.DataFrame(
        {
            "region": region_codes.gather(reg),
            "industry": pl.Series(nace_like_codes(industries)).gather(ind),
            "year": (2000 + yr).astype(np.int32),
            "value": value,
        }
    )
