"""Project participations from CORDIS into the Participations contract.

Two layouts are read:

* the official CORDIS bulk tables (``organization.csv`` joined to ``project.csv``, both
  semicolon-separated, quoted text that may hold semicolons and line breaks), read by
  :func:`read_cordis`;
* the derived Horizon 2020 table of the ``zambujo/eunets`` repository
  (``h2020_participations_eunets.csv.gz``, comma-separated, one row per participation, with
  country codes only) and its programme-part file, read by :func:`read_h2020_eunets`.

Both return a :class:`CordisTable`: the validated participations, the rows excluded by
reason and the duplicated organisation-project rows that were merged. Nothing is dropped
without being counted.

Region is the organisation's NUTS code when present, otherwise its country code. Duplicates
(the same organisation twice in one project, e.g. as participant and as third party) are
merged into one row: the highest role is kept (coordinator > participant > partner >
associatedPartner > thirdParty > other) and the EC contributions are summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging._schema import Exclusions, validate_participations

ROLE_RANK: dict[str, int] = {
    "coordinator": 0,
    "participant": 1,
    "partner": 2,
    "associatedpartner": 3,
    "thirdparty": 4,
}
CORDIS_ORGANISATION_COLUMNS = (
    "projectID",
    "projectAcronym",
    "organisationID",
    "vatNumber",
    "name",
    "shortName",
    "SME",
    "activityType",
    "street",
    "postCode",
    "city",
    "country",
    "nutsCode",
    "geolocation",
    "organizationURL",
    "contactForm",
    "order",
    "role",
    "ecContribution",
    "netEcContribution",
    "totalCost",
    "endOfParticipation",
    "active",
)
CORDIS_PROJECT_COLUMNS = ("id", "startDate")
EUNETS_COLUMNS = ("rcn", "role", "pic", "type", "contribution", "country", "start_year")
CONTRACT = ("project", "organisation", "region", "country", "role", "start_year")


@dataclass(frozen=True, repr=False)
class CordisTable(Result):
    """Participations read from a CORDIS-style source, with what was left out.

    Attributes
    ----------
    participations
        Validated Participations frame (``project, organisation, region, country, role,
        start_year`` and, when the source has them, ``funding``, ``topic``, ``activity``,
        ``name``).
    exclusions
        Rows left out, by reason.
    duplicates
        The (project, organisation) keys that appeared more than once, with ``rows`` (how many
        source rows were merged into one participation) and the ``roles`` seen.
    source
        File(s) read.
    amounts
        EC contributions left unknown (null ``funding``, the row kept), by reason: ambiguous
        between the two thousands conventions, or unreadable (see :func:`parse_amounts`).
    """

    participations: pl.DataFrame
    exclusions: Exclusions
    duplicates: pl.DataFrame
    source: str
    amounts: dict[str, int] = field(default_factory=dict)

    def to_frame(self) -> pl.DataFrame:
        """The participations frame."""
        return self.participations

    def summary(self) -> str:
        p = self.participations
        dup = self.duplicates
        merged = int(dup["rows"].sum() - dup.height) if dup.height else 0
        years = p["start_year"]
        nuts = int((p["region"] != p["country"]).sum())
        return (
            f"{p.height:,} participations, {p['project'].n_unique():,} projects, "
            f"{p['organisation'].n_unique():,} organisations, {p['country'].n_unique()} "
            f"countries, start years {years.min()}-{years.max()}; region from a NUTS code for "
            f"{nuts:,} rows, from the country for {p.height - nuts:,}. {self.exclusions}. "
            f"{self.duplicates.height:,} duplicated organisation-project keys "
            f"({merged:,} extra rows merged). {self._amounts_text()}Source: {self.source}"
        )

    def _amounts_text(self) -> str:
        parts = [f"{n:,} {reason}" for reason, n in self.amounts.items() if n]
        return f"EC contributions: {'; '.join(parts)}. " if parts else ""

    def plot(self, ax=None):
        """Bar chart of participations per start year; returns a :class:`~emerging.maps.Drawing`."""
        from emerging.maps.data_plots import plot_participations

        return plot_participations(self, ax)

    def _html_frame(self) -> pl.DataFrame:
        return self.participations


def _read_semicolon(path: str | Path, columns: tuple[str, ...], *, what: str) -> pl.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{what} file {path} not found. Download the CORDIS bulk zip (e.g. "
            "https://cordis.europa.eu/data/cordis-h2020projects-csv.zip), unzip it and pass the "
            "path of the file."
        )
    try:
        frame = pl.read_csv(
            path,
            separator=";",
            quote_char='"',
            infer_schema=False,
            encoding="utf8-lossy",
            truncate_ragged_lines=False,
        )
    except pl.exceptions.ComputeError as err:
        raise ValueError(
            f"{what} file {path} could not be parsed as semicolon-separated CSV with quoted "
            f"fields: {err}. Check that it is the CORDIS layout and not re-saved with another "
            "separator."
        ) from err
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what} file {path}: header lacks {missing}; found {frame.columns[:8]}... "
            f"Expected the CORDIS layout {list(columns)}."
        )
    return frame


_EN = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"  # 1,234,567.89 (comma thousands, decimal point)
_EU = r"^-?\d{1,3}(\.\d{3})+(,\d+)?$"  # 1.234.567,89 (dot thousands, decimal comma)
_POINT = r"^-?\d+(\.\d+)?$"  # 1234567.89 or 1234567
_COMMA = r"^-?\d+,\d+$"  # 1234567,89


def parse_amounts(values: pl.Series) -> tuple[pl.Series, dict[str, int]]:
    """EUR amounts written in either convention, as Float64, with what could not be read.

    Spaces (also non-breaking and narrow ones) and apostrophes are thousands separators and
    are removed. Then each cell is read as ``1,234,567.89`` (comma thousands), ``1.234.567,89``
    (dot thousands, decimal comma), ``1234567.89`` or ``1234567,89``. A cell that fits both
    conventions (``1,234`` or ``123.456``: one separator followed by three digits) is read in
    the convention of the column's unambiguous cells; when the column gives no evidence, or
    both conventions occur in it, such cells are left null and counted as ambiguous. Cells
    that fit no pattern are null and counted as unreadable. Empty cells are null (unknown),
    not counted.
    """
    text = values.cast(pl.String).str.strip_chars().str.replace_all(r"[\s\u00a0\u202f']", "")
    frame = pl.DataFrame({"t": text}).with_columns(
        en=pl.col("t").str.contains(_EN),
        eu=pl.col("t").str.contains(_EU),
        point=pl.col("t").str.contains(_POINT),
        comma=pl.col("t").str.contains(_COMMA),
    )
    ambiguous = (pl.col("en") & pl.col("comma")) | (pl.col("eu") & pl.col("point"))
    evidence = frame.select(
        (~ambiguous & (pl.col("en") | pl.col("point") & pl.col("t").str.contains(r"\."))).sum()
        .alias("dot"),
        (~ambiguous & (pl.col("eu") | pl.col("comma"))).sum().alias("comma"),
    ).row(0, named=True)
    n_dot, n_comma = evidence["dot"], evidence["comma"]
    convention = "dot" if n_dot and not n_comma else "comma" if n_comma and not n_dot else None
    as_dot = pl.col("t").str.replace_all(",", "")
    as_comma = pl.col("t").str.replace_all(r"\.", "").str.replace(",", ".")
    read = (
        pl.when(pl.col("t").is_null() | (pl.col("t") == "")).then(None)
        .when(ambiguous).then(
            as_dot if convention == "dot" else as_comma if convention == "comma" else None
        )
        .when(pl.col("en") | pl.col("point")).then(as_dot)
        .when(pl.col("eu") | pl.col("comma")).then(as_comma)
        .otherwise(None)
    )
    out = frame.with_columns(
        read.cast(pl.Float64, strict=False).alias("value"),
        (ambiguous & pl.lit(convention is None)).alias("is_ambiguous"),
    )
    empty = out["t"].is_null() | (out["t"] == "")
    unreadable = out["value"].is_null() & ~empty & ~out["is_ambiguous"]
    counts = {
        "amount ambiguous between the two conventions (left unknown)": int(
            out["is_ambiguous"].sum()
        ),
        "amount unreadable (left unknown)": int(unreadable.sum()),
    }
    return out["value"].alias(values.name), counts


def _parse_year(col: str) -> pl.Expr:
    """Year of a date written ISO (2019-05-01, 2019-05-01 00:00:00) or dd/mm/yyyy."""
    text = pl.col(col).str.strip_chars()
    iso = text.str.extract(r"^(\d{4})-\d{2}-\d{2}", 1)
    dmy = text.str.extract(r"^\d{1,2}/\d{1,2}/(\d{4})", 1)
    return pl.coalesce(iso, dmy).cast(pl.Int32)


def _exclude(
    frame: pl.DataFrame, reasons: dict[str, pl.Expr]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Drop rows failing each reason in turn; count them under the first reason that applies."""
    counts: dict[str, int] = {}
    for reason, bad in reasons.items():
        mask = frame.select(bad.fill_null(True).alias("bad"))["bad"]
        counts[reason] = int(mask.sum())
        frame = frame.filter(~mask)
    return frame, counts


def _merge_duplicates(
    frame: pl.DataFrame, policy: Literal["merge", "first", "error"]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    keys = ["project", "organisation"]
    repeated = frame.select(pl.struct(keys).is_duplicated().alias("d"))["d"]
    dup = (
        frame.filter(repeated)
        .group_by(keys)
        .agg(pl.len().alias("rows"), pl.col("role").unique().sort().alias("roles"))
        .filter(pl.col("rows") > 1)
        .sort(keys)
    )
    if not dup.height:
        return frame, dup
    if policy == "error":
        first = dup.head(3).to_dicts()
        raise ValueError(
            f"{dup.height:,} organisation(s) appear more than once in the same project, e.g. "
            f"{first}. Pass duplicates='merge' (keep the highest role, sum funding) or "
            "duplicates='first'."
        )
    rank = (
        pl.col("role")
        .str.to_lowercase()
        .replace_strict(ROLE_RANK, default=9, return_dtype=pl.Int32)
    )
    ordered = frame.with_row_index("_row").with_columns(rank.alias("_rank"))
    if policy == "first":
        out = ordered.sort("_row").unique(keys, keep="first", maintain_order=True)
    else:
        ordered = ordered.sort("_rank", "_row")
        aggs = [pl.col(c).first() for c in frame.columns if c not in (*keys, "funding")]
        aggs.append(pl.col("_row").min())
        if "funding" in frame.columns:
            # sum of the known contributions; null only when none is known
            aggs.append(
                pl.when(pl.col("funding").is_not_null().any())
                .then(pl.col("funding").sum())
                .otherwise(None)
                .alias("funding")
            )
        out = ordered.group_by(keys, maintain_order=True).agg(aggs).sort("_row")
    return out.select(frame.columns), dup


def _finish(
    frame: pl.DataFrame,
    *,
    counts: dict[str, int],
    duplicates: Literal["merge", "first", "error"],
    source: str,
    amounts: dict[str, int] | None = None,
) -> CordisTable:
    frame, dup = _merge_duplicates(frame, duplicates)
    if dup.height:
        counts["duplicate organisation in project (merged)"] = int(dup["rows"].sum() - dup.height)
    return CordisTable(
        participations=validate_participations(frame),
        exclusions=Exclusions(counts),
        duplicates=dup,
        source=source,
        amounts=amounts or {},
    )


def _check_duplicates_option(duplicates: str) -> None:
    options = ("merge", "first", "error")
    if duplicates not in options:
        raise ValueError(f"duplicates must be one of {options}; got {duplicates!r}")


def read_cordis(
    organisations: str | Path,
    projects: str | Path | None = None,
    *,
    duplicates: Literal["merge", "first", "error"] = "merge",
) -> CordisTable:
    """Read the official CORDIS ``organization.csv`` and ``project.csv`` into Participations.

    Parameters
    ----------
    organisations
        Path of ``organization.csv`` (semicolon-separated, CORDIS layout
        ``projectID;projectAcronym;organisationID;...;nutsCode;...;role;ecContribution;...``),
        or the folder :func:`download_cordis` returned (holding both tables).
    projects
        Path of ``project.csv`` (``id;acronym;status;title;startDate;...``); only ``id`` and
        ``startDate`` are used (and ``topics`` when present, as ``topic``). Leave it out
        when ``organisations`` is a folder.
    duplicates
        What to do when an organisation appears more than once in a project: ``"merge"``
        (keep the highest role, sum contributions), ``"first"`` (keep the first row) or
        ``"error"``.

    Returns
    -------
    CordisTable
        ``participations`` with ``project`` (projectID), ``organisation`` (organisationID,
        the PIC), ``region`` (``nutsCode`` when present, else ``country``), ``country``,
        ``role`` (lower case), ``start_year`` (year of the project's ``startDate``),
        ``funding`` (``ecContribution``, EUR), ``topic`` (project ``topics``), ``activity``
        (``activityType``) and ``name``.

    Notes
    -----
    Excluded, and counted by reason: rows without a project or organisation id; rows with
    neither a country nor a NUTS code; rows whose project is missing from ``project.csv`` or
    has no readable start date. Extra-regio NUTS codes are kept as they are. EC
    contributions in either thousands convention are read by :func:`parse_amounts`; those
    it cannot read keep their row with an unknown ``funding``, counted in ``amounts``.

    Region networks: ``region`` holds the organisation's NUTS-3 code, so
    ``project_network(table.participations, node="region", level=2)`` gives NUTS-2 (``level=1``
    NUTS-1, ``level=3`` NUTS-3) networks; organisations without a NUTS code keep their
    country code and stay country nodes (filter on ``region`` length to leave them out).
    """
    _check_duplicates_option(duplicates)
    if Path(organisations).is_dir():
        folder = Path(organisations)
        organisations, projects = folder / "organization.csv", folder / "project.csv"
    if projects is None:
        raise ValueError("pass the path of project.csv, or a folder holding both tables")
    org = _read_semicolon(organisations, CORDIS_ORGANISATION_COLUMNS, what="CORDIS organisation")
    proj = _read_semicolon(projects, CORDIS_PROJECT_COLUMNS, what="CORDIS project")
    proj = _cordis_projects(proj)
    frame = _cordis_rows(org).join(proj, on="project", how="left")
    funding, amounts = parse_amounts(frame["funding"])
    frame = frame.with_columns(funding)
    known = set(proj["project"].to_list())
    frame, counts = _exclude(
        frame,
        {
            "missing project id": pl.col("project").is_null(),
            "missing organisation id": pl.col("organisation").is_null(),
            "no country and no NUTS code": pl.col("country").is_null(),
            "project not in project file": ~pl.col("project").is_in(list(known)),
            "missing start year": pl.col("start_year").is_null(),
        },
    )
    frame = frame.select(
        *CONTRACT, "funding", *(["topic"] if "topic" in frame.columns else []), "activity", "name"
    )
    return _finish(
        frame,
        counts=counts,
        duplicates=duplicates,
        source=f"{Path(organisations).name} + {Path(projects).name}",
        amounts=amounts,
    )


def _cordis_projects(proj: pl.DataFrame) -> pl.DataFrame:
    """``project``, ``start_year`` (and ``topic``) of CORDIS ``project.csv``, one row a project."""
    return proj.select(
        pl.col("id").str.strip_chars().alias("project"),
        _parse_year("startDate").alias("start_year"),
        *([pl.col("topics").str.strip_chars().alias("topic")] if "topics" in proj.columns else []),
    ).unique("project", keep="first")


def _cordis_rows(org: pl.DataFrame) -> pl.DataFrame:
    """CORDIS ``organization.csv`` in contract columns (blank cells null; ``region`` the NUTS
    code, else the country; ``funding`` still text)."""
    blank = {
        c: pl.col(c).str.strip_chars().replace("", None)
        for c in (
            "projectID",
            "organisationID",
            "country",
            "nutsCode",
            "role",
            "activityType",
            "name",
        )
    }
    return org.select(
        blank["projectID"].alias("project"),
        blank["organisationID"].alias("organisation"),
        pl.coalesce(blank["nutsCode"], blank["country"]).str.to_uppercase().alias("region"),
        pl.coalesce(blank["country"], blank["nutsCode"].str.slice(0, 2))
        .str.to_uppercase()
        .alias("country"),
        blank["role"].str.to_lowercase().fill_null("unknown").alias("role"),
        pl.col("ecContribution").alias("funding"),
        blank["activityType"].alias("activity"),
        blank["name"].alias("name"),
    )


def read_h2020_eunets(
    participations: str | Path,
    programme_parts: str | Path | None = None,
    *,
    duplicates: Literal["merge", "first", "error"] = "merge",
) -> CordisTable:
    """Read the derived Horizon 2020 table of ``zambujo/eunets`` (country level, no NUTS).

    Parameters
    ----------
    participations
        ``h2020_participations_eunets.csv.gz`` (``rcn, role, pic, type, contribution, country,
        start_date, ..., start_year, ...``).
    programme_parts
        Optional ``h2020_programme_parts_eunets.csv.gz`` (``rcn, programme_part``). A project
        can belong to several parts: they are written into ``topic`` sorted and joined with
        ``"|"`` (e.g. ``"LEIT|SC5"``); projects without a part get a null ``topic``.
    duplicates
        As in :func:`read_cordis`.

    Returns
    -------
    CordisTable
        ``participations`` with ``project`` (rcn), ``organisation`` (pic), ``region`` (the
        country code: this table has no NUTS codes), ``country``, ``role``, ``start_year``,
        ``funding`` (EC contribution, EUR; null when NA), ``activity`` (type) and ``topic``
        when ``programme_parts`` is given.
    """
    _check_duplicates_option(duplicates)
    path = Path(participations)
    if not path.is_file():
        raise FileNotFoundError(f"H2020 participations file {path} not found.")
    # "NA" is R's missing value, except in `country`, where it is Namibia
    raw = pl.read_csv(path, infer_schema=False)
    raw = raw.with_columns(
        pl.col(c).replace({"NA": None, "": None}) for c in raw.columns if c != "country"
    ).with_columns(pl.col("country").replace("", None))
    missing = [c for c in EUNETS_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: header lacks {missing}; found {raw.columns}.")
    frame = raw.select(
        pl.col("rcn").alias("project"),
        pl.col("pic").alias("organisation"),
        pl.col("country").str.to_uppercase().alias("region"),
        pl.col("country").str.to_uppercase().alias("country"),
        pl.col("role").str.to_lowercase().fill_null("unknown").alias("role"),
        pl.col("start_year").cast(pl.Int32, strict=False),
        pl.col("contribution").cast(pl.Float64, strict=False).alias("funding"),
        pl.col("type").alias("activity"),
    )
    frame, counts = _exclude(
        frame,
        {
            "missing project id": pl.col("project").is_null(),
            "missing organisation id": pl.col("organisation").is_null(),
            "missing country": pl.col("country").is_null(),
            "missing start year": pl.col("start_year").is_null(),
        },
    )
    source = path.name
    if programme_parts is not None:
        parts = pl.read_csv(programme_parts, infer_schema=False, null_values=["NA", ""])
        if not {"rcn", "programme_part"} <= set(parts.columns):
            raise ValueError(
                f"{programme_parts}: expected columns rcn, programme_part; found {parts.columns}."
            )
        topics = (
            parts.drop_nulls()
            .group_by("rcn")
            .agg(pl.col("programme_part").unique().sort().str.join("|").alias("topic"))
            .rename({"rcn": "project"})
        )
        frame = frame.join(topics, on="project", how="left")
        source += f" + {Path(programme_parts).name}"
    return _finish(frame, counts=counts, duplicates=duplicates, source=source)

