"""The Eurostat employment datasets the toolkit reads, and one reader for each.

Every dataset is downloaded whole through the dissemination API (:func:`emerging.io.eurostat.download`,
TSV or SDMX-CSV, cached under ``data/raw/`` with a ``.source.json`` sidecar holding the URL,
the time and the sha256) and read by :func:`read_source` into a Panel with a ``unit``
column (:mod:`emerging._units`):

* ``sbs_r_nuts06_r2``: SBS by NUTS-2, NACE Rev. 2, 2008-2020 (NUTS 2010/2013 codes);
  divisions; ``V16110`` persons employed (persons).
* ``sbs_r_nuts2021``: SBS by NUTS-2 from 2021 (European business statistics, NUTS 2021);
  divisions; ``EMP_LOC_NR`` persons employed in local units (persons).
* ``nama_10r_3empers``: regional accounts employment by NUTS-3, long series; NACE A*10
  (``A``, ``B-E``, ``F``, ``G-I``, ...); ``unit=THS``, ``wstatus=EMP`` (thousand persons).
* ``nama_10r_2emhrw``: regional accounts employment by NUTS-2; A*10; ``unit=THS_PER``,
  ``wstatus=EMP`` (thousand persons).
* ``lfst_r_lfe2en2``: LFS employment by NUTS-2; sections ``A``-``U``; ``unit=THS_PER``,
  ``sex=T``, ``age=Y15-74`` (thousand persons).

A reader selects the indicator, keeps one NUTS level and one industry level (so that no
job is counted twice: ``TOTAL`` and, in A*10, ``C`` inside ``B-E`` are left out), drops
Eurostat aggregates (``EU27_2020``...) and extra-regio units, and counts every row it
leaves out by reason (:class:`SourcePanel`). The dimension order of each dataset (for
filtered downloads) is :data:`emerging.io.eurostat_api.DATASET_DIMENSIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, Exclusions, aggregate_expr
from emerging._units import with_unit
from emerging.io.eurostat import read, to_panel
from emerging.io.eurostat_api import DATASET_DIMENSIONS


@dataclass(frozen=True)
class Source:
    """How to read one Eurostat dataset into a Panel."""

    dataset: str
    title: str
    measure: dict[str, str]
    unit: str
    level: int
    industries: str  # "divisions", "sections" or "a10"
    nuts: int
    regulation: str = ""

    @property
    def dimensions(self) -> tuple[str, ...]:
        """Dimension order of the dataset (the dotted key of a filtered download)."""
        return DATASET_DIMENSIONS[self.dataset]


SOURCES: dict[str, Source] = {
    s.dataset: s
    for s in (
        Source(
            "sbs_r_nuts06_r2",
            "SBS data by NUTS 2 regions and NACE Rev. 2 (2008-2020)",
            {"indic_sb": "V16110"},
            "persons",
            2,
            "divisions",
            2013,
            "Regulation (EC) No 295/2008 (SBS)",
        ),
        Source(
            "sbs_r_nuts2021",
            "SBS by NUTS 2 regions and NACE Rev. 2 (from 2021 onwards)",
            {"indic_sbs": "EMP_LOC_NR"},
            "persons",
            2,
            "divisions",
            2021,
            "Regulation (EU) 2019/2152 (European business statistics)",
        ),
        Source(
            "nama_10r_3empers",
            "Employment (thousand persons) by NUTS 3 regions",
            {"unit": "THS", "wstatus": "EMP"},
            "thousand persons",
            3,
            "a10",
            2021,
            "Regulation (EU) No 549/2013 (ESA 2010)",
        ),
        Source(
            "nama_10r_2emhrw",
            "Employment by NUTS 2 regions (thousand persons and hours worked)",
            {"unit": "THS_PER", "wstatus": "EMP"},
            "thousand persons",
            2,
            "a10",
            2021,
            "Regulation (EU) No 549/2013 (ESA 2010)",
        ),
        Source(
            "lfst_r_lfe2en2",
            "Employment by age, economic activity and NUTS 2 regions (NACE Rev. 2), LFS",
            {"unit": "THS_PER", "sex": "T", "age": "Y15-74"},
            "thousand persons",
            2,
            "sections",
            2021,
            "Regulation (EU) 2019/1700 (IESS, labour force survey)",
        ),
    )
}
#: NACE Rev. 2 A*10 aggregation (national and regional accounts), no overlaps.
A10 = ("A", "B-E", "F", "G-I", "J", "K", "L", "M_N", "O-Q", "R-U")


@dataclass(frozen=True, repr=False)
class SourcePanel(Result):
    """A dataset read into a Panel: ``panel`` (with ``unit``), ``excluded`` rows by reason."""

    dataset: str
    panel: pl.DataFrame
    excluded: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0

    @property
    def exclusions(self) -> Exclusions:
        """Rows of the indicator left out, by reason."""
        return Exclusions(dict(self.excluded))

    def to_frame(self) -> pl.DataFrame:
        """The Panel (``region``, ``industry``, ``year``, ``value``, ``flag``, ``dataset``, ``unit``)."""
        return self.panel

    def summary(self) -> str:
        dropped = ", ".join(f"{n:,} {why}" for why, n in self.excluded.items() if n) or "none"
        return (
            f"{self.dataset}: {self.panel.height:,} rows kept of {self.rows_read:,} for the "
            f"indicator ({self.panel['unit'][0] if self.panel.height else '-'}); left out: {dropped}"
        )


def source(dataset: str) -> Source:
    """The :class:`Source` of ``dataset``; an unknown name lists the known ones."""
    if dataset not in SOURCES:
        raise ValueError(
            f"no reader for Eurostat dataset {dataset!r}; known: {sorted(SOURCES)}. Other "
            "datasets can be downloaded with emerging.io.eurostat.download() and read with "
            "emerging.io.eurostat.read() and to_panel()."
        )
    return SOURCES[dataset]


def _industry_filter(kind: str) -> pl.Expr:
    code = pl.col(INDUSTRY)
    if kind == "divisions":
        return code.str.contains(r"^[A-U]\d{2}$")
    if kind == "sections":
        return code.str.contains(r"^[A-U]$")
    return code.is_in(A10)


def read_source(
    path: str | Path, dataset: str | None = None, *, measure: dict[str, str] | None = None
) -> SourcePanel:
    """Read a downloaded Eurostat file (TSV or SDMX-CSV, plain or gzip) of a known dataset.

    ``dataset`` defaults to the file name up to the first dot or ``__``; ``measure``
    replaces the dataset's default indicator filter (e.g. ``{"indic_sbs": "LOC_NR"}``
    for local units; the unit is then ``number``).
    """
    path = Path(path)
    name = dataset or path.name.split(".")[0].split("__")[0]
    spec = source(name)
    if measure is not None:
        unit = spec.unit if measure == spec.measure else "number"
        spec = Source(**{**spec.__dict__, "measure": dict(measure), "unit": unit})
    raw = read(path)
    missing = [d for d in spec.measure if d not in raw.columns]
    if not missing:
        absent = {d: c for d, c in spec.measure.items() if c not in set(raw[d].to_list())}
        if absent:
            raise ValueError(
                f"{path}: no rows with {absent}; {name} here has "
                f"{ {d: sorted(set(raw[d].to_list()))[:8] for d in absent} }"
            )
    if missing:
        raise ValueError(
            f"{path}: expected the dimensions of {name} {list(spec.dimensions)}, but "
            f"{missing} are missing (found "
            f"{[c for c in raw.columns if c not in ('year', 'value', 'flag')]}). "
            "Is this file another dataset?"
        )
    selected = raw.filter(*(pl.col(d) == c for d, c in spec.measure.items()))
    if "freq" in selected.columns:
        selected = selected.filter(pl.col("freq") == "A").drop("freq")
    total = selected.height
    excluded: dict[str, int] = {}
    agg = aggregate_expr(pl.col("geo"))
    excluded["Eurostat aggregates (EU27_2020, EA20, ...)"] = selected.filter(agg).height
    selected = selected.filter(~agg)
    level = pl.col("geo").str.len_chars() - 2
    extra = pl.col("geo").str.ends_with("Z")
    excluded[f"other NUTS levels (NUTS-{spec.level} kept)"] = selected.filter(level != spec.level).height
    selected = selected.filter(level == spec.level)
    excluded["extra-regio units"] = selected.filter(extra).height
    selected = selected.filter(~extra)
    panel = (
        to_panel(selected, measure={}, keep_flags=True)
        if not spec.measure
        else to_panel(selected, measure=spec.measure)
    )
    keep = _industry_filter(spec.industries)
    excluded[f"industries outside the {spec.industries} (totals and overlaps)"] = panel.filter(~keep).height
    panel = panel.filter(keep)
    negative = pl.col(VALUE) < 0
    excluded["negative values (invalid)"] = panel.filter(negative).height
    panel = panel.filter(~negative | pl.col(VALUE).is_null())
    panel = with_unit(panel.with_columns(pl.lit(name).alias("dataset")), spec.unit).sort(
        REGION, INDUSTRY, "year"
    )
    if total != panel.height + sum(excluded.values()):  # internal invariant
        raise RuntimeError(f"row accounting broken for {path}: {total} != {panel.height} + {excluded}")
    return SourcePanel(dataset=name, panel=panel, excluded=excluded, rows_read=total)
