"""Interreg 2014-2020 participation by NUTS-3 region (keep.eu, aggregated by region).

keep.eu (Interact) lists the projects and partners of Interreg, IPA CBC and ENI CBC
programmes. The table read here holds, for each of the 1,514 NUTS 2021 level-3 regions, the
number of 2014-2020 projects with a partner in the region, the number of partners, and the
project budgets and ERDF amounts in million EUR (columns ``NUTS_ID_matched, CNTR_CODE,
NAME_LATN, keep_No_of_projects, keep_No_of_partners, keep_Total_budgets_MEUR,
keep_ERDF_MEUR``; see ``shared/data/PROVENANCE.md`` section 3.3).

What a number means, and what a zero means
------------------------------------------
* ``partners``: partner participations located in the region (an organisation in two
  projects counts twice). Sums over regions are meaningful.
* ``projects``: projects with at least one partner in the region. A project with partners
  in three regions counts in all three, so the sum over regions (``project_links`` after
  :func:`interreg_by_level`) counts project-region links and is an upper bound on the
  number of distinct projects.
* **A zero is not always "none"**: the author of the aggregation notes that 0 can mean that
  the data is not available. A region with 0 partners is therefore flagged
  ``recorded = False`` ("no partner on record: none, or not available"); its counts stay 0
  (never imputed) and aggregates report how many of their NUTS-3 regions were on record.
* Budgets and ERDF amounts of 0 in a region that has partners on record cannot be true
  amounts (136 such rows for ERDF in the shared file): they are read as null (not
  available) and counted in :attr:`InterregTable.notes`.

Validation: the NUTS-3 code (``NUTS_ID_matched``, matched by the file's author on
country and Latin name against GISCO NUTS 2021) must be a 5-character code whose first two
letters are ``CNTR_CODE`` and whose NUTS-2 parent exists in NUTS 2021; rows without a code
(NO "Jan Mayen") or with an invalid one are excluded and counted; duplicated codes and
negative counts raise an error.

Source: keep.eu.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._result import Result
from emerging._schema import Exclusions

KEEP_COLUMNS = {
    "NUTS_ID_matched": "region",
    "CNTR_CODE": "country",
    "NAME_LATN": "name",
    "keep_No_of_projects": "projects",
    "keep_No_of_partners": "partners",
    "keep_Total_budgets_MEUR": "budget_meur",
    "keep_ERDF_MEUR": "erdf_meur",
}
SOURCE = "Source: keep.eu (Interreg, IPA CBC and ENI CBC 2014-2020)"


@dataclass(frozen=True, repr=False)
class InterregTable(Result):
    """Interreg 2014-2020 participation per NUTS-3 region (NUTS 2021), validated.

    Attributes
    ----------
    regions
        ``region`` (NUTS-3, NUTS 2021), ``country``, ``name``, ``projects``, ``partners``
        (Int64), ``budget_meur``, ``erdf_meur`` (Float64, null when not available) and
        ``recorded`` (False when the region has no partner on record: none, or no data).
    exclusions
        Rows left out, by reason.
    notes
        Cells read as not available, by reason.
    source
        The file read.
    """

    regions: pl.DataFrame
    exclusions: Exclusions
    notes: dict[str, int]
    source: str

    def to_frame(self, level: int = 3) -> pl.DataFrame:
        """The table at NUTS ``level`` (3: as read; 0-2: :func:`interreg_by_level`)."""
        return self.regions if level == 3 else interreg_by_level(self, level=level)

    def summary(self) -> str:
        r = self.regions
        on_record = int(r["recorded"].sum())
        notes = "; ".join(f"{n:,} {k}" for k, n in self.notes.items() if n) or "none"
        return (
            f"Interreg 2014-2020 (keep.eu): {r.height:,} NUTS-3 regions in "
            f"{r['country'].n_unique()} countries, {on_record:,} with partners on record "
            f"({r.height - on_record:,} with 0: none, or not available); "
            f"{int(r['partners'].sum()):,} partner participations; {self.exclusions}; "
            f"cells read as not available: {notes}. {self.source}"
        )

    def plot(self, ax=None, *, geometry=None, level: int = 3, column: str = "partners"):
        """Choropleth of ``column`` at NUTS ``level`` on ``geometry`` (GISCO, EPSG:3035);
        regions with nothing on record are drawn as "no partner on record"."""
        from emerging.maps import choropleth

        if geometry is None:
            raise ValueError(
                "plot needs geometry=, e.g. load_nuts(level=3) or read_nuts_geojson(...) of "
                "the same NUTS level"
            )
        frame = self.to_frame(level)
        recorded = "recorded" if level == 3 else "regions_recorded"
        frame = frame.with_columns(
            pl.when(pl.col(recorded).cast(pl.Int64) > 0)
            .then(pl.col(column).cast(pl.Float64))
            .alias(column)
        )
        what = {"partners": "partner participations", "projects": "projects"}.get(column, column)
        return choropleth(
            frame.select("region", column),
            geometry,
            column,
            missing="no partner on record",
            units=what,
            title=f"Interreg 2014-2020: {what} per NUTS-{level} region",
            source=f"{SOURCE}; administrative boundaries © EuroGeographics",
            ax=ax,
        )

    def _html_frame(self) -> pl.DataFrame:
        return self.regions


def read_interreg(path: str | Path) -> InterregTable:
    """Read and validate the keep.eu Interreg 2014-2020 table by NUTS-3 region.

    Parameters
    ----------
    path
        ``interreg_2014_2020_keep_eu_by_nuts3.csv`` (comma-separated, header as in the
        module docstring).

    Returns
    -------
    InterregTable
        See the module docstring for what each column means and how zeros are read.

    Raises
    ------
    FileNotFoundError, ValueError
        A missing file; a missing column, a duplicated NUTS code or a negative count (the
        message names the rows).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"Interreg file {path} not found; it is "
            "shared/data/cooperation/interreg_2014_2020_keep_eu_by_nuts3.csv"
        )
    frame = _checked_counts(path, pl.read_csv(path, infer_schema=False))
    frame, counts = _placed_rows(frame)
    dup = frame.filter(pl.col("region").is_duplicated())
    if dup.height:
        raise ValueError(
            f"{path}: NUTS codes appear more than once: {sorted(set(dup['region']))[:5]}"
        )
    recorded = pl.col("partners") > 0
    notes = {
        "budgets of 0 in regions with partners (not available)": int(
            frame.select((recorded & (pl.col("budget_meur") == 0)).sum()).item()
        ),
        "ERDF amounts of 0 in regions with partners (not available)": int(
            frame.select((recorded & (pl.col("erdf_meur") == 0)).sum()).item()
        ),
    }
    frame = frame.with_columns(
        pl.col("projects", "partners").round(0).cast(pl.Int64),
        *(
            pl.when(recorded & (pl.col(c) == 0)).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("budget_meur", "erdf_meur")
        ),
        recorded.alias("recorded"),
    ).sort("region")
    return InterregTable(
        regions=frame, exclusions=Exclusions(counts), notes=notes, source=f"{SOURCE}; {path.name}"
    )


def _checked_counts(path: Path, raw: pl.DataFrame) -> pl.DataFrame:
    """The keep.eu columns renamed, counts and amounts as numbers, each checked."""
    missing = [c for c in KEEP_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{path}: header lacks {missing}; found {raw.columns}. Expected the keep.eu "
            f"NUTS-3 layout {list(KEEP_COLUMNS)}."
        )
    frame = raw.select(
        pl.col(c).str.strip_chars().replace("", None).alias(new) for c, new in KEEP_COLUMNS.items()
    ).with_columns(
        pl.col("projects", "partners").cast(pl.Float64, strict=False),
        pl.col("budget_meur", "erdf_meur").cast(pl.Float64, strict=False),
    )
    unreadable = frame.filter(
        pl.any_horizontal(pl.col("projects", "partners", "budget_meur", "erdf_meur").is_null())
        & pl.col("region").is_not_null()
    )
    if unreadable.height:
        raise ValueError(
            f"{path}: {unreadable.height} row(s) have an empty or non-numeric count, e.g. "
            f"{unreadable.head(3).to_dicts()}"
        )
    negative = frame.filter(
        pl.any_horizontal(pl.col("projects", "partners", "budget_meur", "erdf_meur") < 0)
    )
    if negative.height:
        raise ValueError(f"{path}: negative counts or amounts, e.g. {negative.head(3).to_dicts()}")
    return frame


def _placed_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """The rows with a NUTS 2021 NUTS-3 code of their country; the others counted by reason."""
    from emerging.codes.nuts_versions import nuts2_codes

    valid2 = sorted(nuts2_codes(2021))
    code = pl.col("region")
    reasons = {
        "no NUTS code matched": code.is_null(),
        "not a NUTS-3 code of the row's country": (code.str.len_chars() != 5)
        | (code.str.slice(0, 2) != pl.col("country")),
        "NUTS-2 parent not in NUTS 2021": ~code.str.slice(0, 4).is_in(valid2),
    }
    counts: dict[str, int] = {}
    for reason, bad in reasons.items():
        mask = frame.select(bad.fill_null(True).alias("b"))["b"]
        counts[reason] = int(mask.sum())
        frame = frame.filter(~mask)
    return frame, counts


@keeps_frame_kind
def interreg_by_level(
    table: InterregTable | pl.DataFrame | pl.LazyFrame, *, level: int = 2
) -> pl.DataFrame:
    """Sum Interreg participation from NUTS-3 to NUTS ``level`` (0, 1 or 2, NUTS 2021).

    Returns ``region, country, partners, project_links, budget_meur, erdf_meur, regions,
    regions_recorded``: ``partners`` is the sum of partner participations;
    ``project_links`` the sum of the NUTS-3 project counts (a project counts once per
    NUTS-3 region it has partners in, so this is an upper bound on distinct projects);
    budgets are sums over the NUTS-3 regions whose amount is known (null when none is);
    ``regions`` counts the NUTS-3 regions and ``regions_recorded`` those with partners on
    record. A region whose NUTS-3 regions all have 0 partners has ``regions_recorded = 0``:
    read it as "nothing on record", not as a measured zero. A LazyFrame of the NUTS-3
    table gives a LazyFrame.
    """
    if level not in (0, 1, 2):
        raise ValueError(f"level must be 0, 1 or 2 (the table is NUTS-3); got {level!r}")
    frame = table.regions if isinstance(table, InterregTable) else table
    known_sum = [
        pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c)
        for c in ("budget_meur", "erdf_meur")
    ]
    return (
        frame.group_by(pl.col("region").str.slice(0, level + 2))
        .agg(
            pl.col("country").first(),
            pl.col("partners").sum(),
            pl.col("projects").sum().alias("project_links"),
            *known_sum,
            pl.len().cast(pl.Int64).alias("regions"),
            pl.col("recorded").sum().cast(pl.Int64).alias("regions_recorded"),
        )
        .sort("region")
    )
