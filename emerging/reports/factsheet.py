"""One-page regional fact sheets as self-contained HTML (figures embedded, no external files).

A fact sheet shows, for one region: its name, headline figures, the top specialisations
(industry, employment, LQ and its change, European Cluster Observatory stars), a tile map
of its strongest specialisation across Central Europe with the region outlined, the
industries flagged as emerging with the evidence for each flag, the best candidates for
diversification (risk-reward matrix of Balland et al. 2019), and a data note (source,
years, confidential cells, method).

:func:`region_profile` gathers the numbers (by calling the indices and detection layers);
:func:`render_factsheet` turns a profile into HTML. The split keeps the statistics
testable without HTML and lets a notebook show the same profile as tables.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from importlib import resources
from string import Template

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, EmptySelectionError, validate_panel
from emerging.codes.nace import nace_label
from emerging.codes.nuts import (
    COUNTRY_NAMES,
    central_europe_2021_2027,
    check_regions,
    region_names,
)
from emerging.detect.rules import DEFAULT_RULES, EmergenceFlags, Rule, flag_emerging
from emerging.detect.signals import emergence_signals
from emerging.indices.lq import location_quotient
from emerging.indices.stars import cluster_stars
from emerging.relatedness._risk_reward import risk_reward


@dataclass(frozen=True)
class RegionProfile(Result):
    """The numbers behind a fact sheet for one region."""

    region: str
    name: str
    start: int
    end: int
    employment: float
    specialisations: pl.DataFrame  # industry, label, value, lq, lq_change, stars
    candidates: pl.DataFrame  # industry, label, density, pci, quadrant
    flags: pl.DataFrame  # industry, label, evidence
    lq_map: pl.DataFrame  # region, lq of the top specialisation, for the map
    map_industry: str | None
    n_specialised: int
    lq_threshold: float
    unknown_cells: int
    rules: tuple[Rule, ...]
    source: str
    simulated: bool

    def to_frame(self) -> pl.DataFrame:
        """The top specialisations listed on the fact sheet."""
        return self.specialisations

    def summary(self) -> str:
        return (
            f"{self.name} ({self.region}), {self.start}-{self.end}: employment "
            f"{self.employment:,.0f}; {self.n_specialised} industries with LQ >= "
            f"{self.lq_threshold:g}; {self.flags.height} flagged as emerging; "
            f"{self.unknown_cells} confidential cells. Source: {self.source}"
            + (" (simulated)" if self.simulated else "")
        )


def region_profile(
    panel: pl.DataFrame,
    region: str,
    *,
    start: int | None = None,
    end: int | None = None,
    flags: EmergenceFlags | None = None,
    rules: tuple[Rule, ...] = DEFAULT_RULES,
    top: int = 10,
    candidates: int = 5,
    lq_threshold: float = 1.25,
    source: str = "Eurostat",
    simulated: bool = False,
) -> RegionProfile:
    """Collect the fact-sheet numbers for ``region`` from a panel.

    Parameters
    ----------
    panel
        Panel of employment of one NUTS level holding ``region``.
    start, end
        Window for LQ change and emergence (default: first and last year of the panel).
    flags
        Precomputed flags for the whole panel (saves recomputation for many regions);
        computed with ``rules`` when omitted.
    top
        Number of specialisations listed.
    candidates
        Number of diversification candidates listed (risk-reward matrix in ``end``).
    lq_threshold
        LQ counted as a specialisation in the headline figure.
    """
    frame = validate_panel(panel)
    check_regions([region], frame[REGION].unique().to_list())
    years = frame[YEAR].unique().sort()
    start = years[0] if start is None else start
    end = years[-1] if end is None else end
    if flags is None:
        flags = flag_emerging(emergence_signals(frame, start=start, end=end), rules)
    else:
        window = flags.to_frame().select("start", "end").unique().rows()
        if window != [(start, end)]:
            raise ValueError(
                f"flags were computed for the window(s) {window}, not {start}-{end}; pass "
                "the same start and end, or leave flags out to compute them here"
            )
    lq = location_quotient(frame.filter(pl.col(YEAR).is_in([start, end])))
    own = lq.filter(pl.col(REGION) == region)
    wide = own.pivot(on=YEAR, index=INDUSTRY, values=["lq", VALUE])
    s, e = str(start), str(end)
    specialisations = (
        wide.select(
            INDUSTRY,
            pl.col(f"{VALUE}_{e}").alias(VALUE),
            pl.col(f"lq_{e}").alias("lq"),
            (pl.col(f"lq_{e}") - pl.col(f"lq_{s}")).alias("lq_change"),
        )
        .filter(pl.col("lq").is_not_null() & (pl.col(VALUE) > 0))
        .sort("lq", descending=True)
    )
    end_panel = frame.filter(pl.col(YEAR) == end)
    stars = (
        cluster_stars(end_panel).to_frame().filter(pl.col(REGION) == region)
        .select(INDUSTRY, pl.col("eco_stars").fill_null(0).alias("stars"))
    )
    specialisations = specialisations.join(stars, on=INDUSTRY, how="left")
    try:
        diversification = risk_reward(end_panel, region, year=end).top(candidates)
    except EmptySelectionError:
        diversification = pl.DataFrame(schema={INDUSTRY: pl.String, "density": pl.Float64,
                                               "pci": pl.Float64, "quadrant": pl.String})
    map_industry = specialisations[INDUSTRY][0] if specialisations.height else None
    lq_map = lq.filter((pl.col(YEAR) == end) & (pl.col(INDUSTRY) == map_industry)).select(
        REGION, "lq"
    )
    own_flags = (
        flags.flagged().filter(pl.col(REGION) == region).select(INDUSTRY, "evidence")
    )
    label = pl.col(INDUSTRY).map_elements(nace_label, return_dtype=pl.String).alias("label")
    end_rows = own.filter(pl.col(YEAR) == end)
    return RegionProfile(
        region=region,
        name=region_names().get(region, region),
        start=start,
        end=end,
        employment=float(end_rows[VALUE].sum()),
        specialisations=specialisations.head(top).with_columns(label),
        candidates=diversification.select(INDUSTRY, "density", "pci", "quadrant").with_columns(label),
        flags=own_flags.with_columns(label),
        lq_map=lq_map,
        map_industry=map_industry,
        n_specialised=int((end_rows["lq"] >= lq_threshold).sum()),
        lq_threshold=lq_threshold,
        unknown_cells=int(end_rows[VALUE].null_count()),
        rules=flags.rules,
        source=source,
        simulated=simulated,
    )


def _table(
    frame: pl.DataFrame, columns: dict[str, str], numeric: dict[str, str], stars: str | None = None
) -> str:
    if frame.height == 0:
        return "<p>None in this window.</p>"
    head = "".join(f"<th>{html.escape(title)}</th>" for title in columns.values())
    rows = []
    for row in frame.iter_rows(named=True):
        cells = []
        for col in columns:
            value = row[col]
            if col == stars:
                title = f"{value or 0} of 3 European Cluster Observatory stars"
                cells.append(f'<td title="{title}">{"★" * (value or 0) + "☆" * (3 - (value or 0))}</td>')
            elif col in numeric and value is not None:
                cells.append(f'<td class="num">{format(value, numeric[col])}</td>')
            else:
                cells.append(f"<td>{html.escape('' if value is None else str(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _map_png(profile: RegionProfile) -> str:
    """The tile map of the top specialisation's LQ, the focal region outlined, as <img>."""
    if profile.map_industry is None:
        return ""
    from emerging.maps.tilegrid import tile_map

    on_grid = profile.lq_map.filter(pl.col(REGION).is_in(sorted(central_europe_2021_2027())))
    fig, ax = tile_map(
        on_grid,
        column="lq",
        diverging_at=1.0,
        units="LQ",
        title=f"LQ in {profile.map_industry}, {profile.end}",
        source="Source: simulated demo data" if profile.simulated else f"Source: {profile.source}",
    )
    for tile in ax.patches:  # outline the focal region's tile
        if tile.get_gid() == profile.region:
            tile.set(edgecolor="black", linewidth=2.2, zorder=3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    alt = f"Tile map of the location quotient in {profile.map_industry}"
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def render_factsheet(profile: RegionProfile, *, include_map: bool = True) -> str:
    """Render a :class:`RegionProfile` as one self-contained HTML page (A4 when printed)."""
    template = Template(
        resources.files("emerging.reports").joinpath("templates/factsheet.html").read_text("utf-8")
    )
    banner = (
        '<div class="banner"><b>Simulated data.</b> These numbers come from the embedded '
        "demo (a simulated Central Europe with planted signals), not from official "
        "statistics. Use them to learn the toolkit, not to inform policy.</div>"
        if profile.simulated
        else ""
    )
    rule_text = "Flagged when all of these hold: " + "; ".join(
        r.description for r in profile.rules
    ) + "."
    note = (
        f"Data: {html.escape(profile.source)}, persons employed by NACE Rev. 2 division, "
        f"{profile.start}-{profile.end}. LQ: the industry's share of the region's "
        "employment divided by its share in all regions of the panel. "
        f"{profile.unknown_cells} confidential or unknown cell(s) of this region in "
        f"{profile.end} are left out of the sums (never counted as zero). Made with emerging."
    )
    return template.substitute(
        title=html.escape(f"{profile.name} ({profile.region}): fact sheet"),
        region=html.escape(profile.region),
        region_name=html.escape(profile.name),
        country_name=html.escape(COUNTRY_NAMES.get(profile.region[:2], profile.region[:2])),
        start=profile.start,
        end=profile.end,
        banner=banner,
        employment=f"{profile.employment:,.0f}",
        n_specialised=profile.n_specialised,
        lq_threshold=f"{profile.lq_threshold:g}",
        n_flagged=profile.flags.height,
        specialisations=_table(
            profile.specialisations,
            {INDUSTRY: "NACE", "label": "Industry", VALUE: "Employed", "lq": "LQ",
             "lq_change": f"LQ change since {profile.start}", "stars": "Cluster stars"},
            {VALUE: ",.0f", "lq": ".2f", "lq_change": "+.2f"},
            stars="stars",
        ),
        candidates=_table(
            profile.candidates,
            {INDUSTRY: "NACE", "label": "Industry", "density": "Relatedness density (0-100)",
             "pci": "Complexity (PCI)", "quadrant": "Quadrant"},
            {"density": ".1f", "pci": "+.2f"},
        ),
        map=_map_png(profile) if include_map else "",
        rule_text=html.escape(rule_text),
        flags=_table(profile.flags, {INDUSTRY: "NACE", "label": "Industry", "evidence": "Evidence"}, {}),
        data_note=note,
    )
