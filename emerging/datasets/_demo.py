"""The embedded demo: a SIMULATED Central Europe with known, planted signals.

Nothing in this module is real data. The region codes and names are the real NUTS-2 regions
of the Interreg CENTRAL EUROPE 2021-2027 programme area (NUTS 2021) and the industries are
real NACE Rev. 2 divisions, but every number is drawn from a random generator, so that the
toolkit can be shown end to end and tested against signals whose truth is known.

How the panel is simulated (all years 2008-2023 at once, no loops over regions or
industries):

* Region size: log-normal total employment, larger for capital regions.
* Industry size: log-normal shares of total employment.
* Spatially clustered specialisations: every industry has one or two "centres" on the
  tile grid (:func:`emerging.codes.nuts.central_europe_table`) and a Gaussian field of
  specialisation around them, plus independent region-industry noise.
* Time: a common business cycle, a drift per region-industry and year-to-year noise.
* Zeros where the expected employment is tiny, and a few confidential cells (null value,
  flag ``c``).

Planted signals (the ground truth is returned with the data, see :class:`DemoData`):

* ``emerging``: region-industry pairs whose LQ starts well below 1 and rises through 1 in
  the later years, with accelerating growth from 2014 on.
* ``declining``: pairs whose LQ starts high and falls steadily.
* ``trend``: pairs with a constant, known log-linear growth rate relative to the rest
  (``slope`` column: the planted yearly log growth).
* ``related_pair``: two industries (C21 pharmaceuticals and M72 scientific R&D) that share
  one specialisation field, so that they co-occur across regions far more than by chance.
* ``community``: groups of regions across borders whose organisations co-operate mostly
  among themselves in the simulated projects.

Participations: organisations located in the regions (more in larger regions), with an
industry drawn from their region's structure; projects with 2-20 partners, most drawn from
one planted community or from one country, and partners in the same NACE section preferred.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR
from emerging.codes.nuts import central_europe_table

FIRST_YEAR, LAST_YEAR = 2008, 2023

#: NACE divisions of the simulated panel: the SBS business economy (B-N, S95).
DIVISIONS: tuple[str, ...] = tuple(
    "B05 B06 B07 B08 B09 C10 C11 C12 C13 C14 C15 C16 C17 C18 C19 C20 C21 C22 C23 C24 C25 C26 "
    "C27 C28 C29 C30 C31 C32 C33 D35 E36 E37 E38 E39 F41 F42 F43 G45 G46 G47 H49 H50 H51 H52 "
    "H53 I55 I56 J58 J59 J60 J61 J62 J63 L68 M69 M70 M71 M72 M73 M74 M75 N77 N78 N79 N80 N81 "
    "N82 S95".split()
)

CAPITALS = ("AT13", "CZ01", "HU11", "PL91", "SK01", "SI04", "HR05", "DE30", "ITC4", "DE21")

#: Planted emerging pairs: (region, industry).
EMERGING = (
    ("CZ06", "C26"), ("SK02", "C27"), ("HU22", "C29"), ("PL22", "J62"), ("SI03", "C22"),
    ("AT22", "J62"), ("PL82", "C30"), ("HU33", "C21"), ("HR05", "J62"), ("DED2", "C26"),
)
#: Planted declining pairs.
DECLINING = (
    ("CZ08", "C24"), ("PL22", "B05"), ("SK04", "C13"), ("HU31", "C20"), ("DEE0", "C19"),
    ("ITC1", "C14"),
)
#: Planted constant trends: (region, industry, yearly log growth relative to the rest).
TRENDS = (("AT31", "C28", 0.06), ("CZ05", "C16", -0.05), ("PL51", "C29", 0.08))
#: The planted related industry pair.
RELATED_PAIR = ("C21", "M72")
#: Planted cross-border co-operation communities.
COMMUNITIES: dict[str, tuple[str, ...]] = {
    "Danube metropolitan": ("AT13", "AT12", "SK01", "SK02", "HU11", "HU22"),
    "Saxony-Bohemia-Silesia": ("DED2", "DED4", "CZ04", "CZ05", "PL51", "PL52"),
    "Alpine": ("AT33", "AT32", "ITH1", "ITH2", "DE21", "SI04"),
    "Oder": ("DE40", "DE80", "PL42", "PL43", "DE30"),
}


@dataclass(frozen=True, repr=False)
class DemoData(Result):
    """Simulated Central Europe (see the module docstring: nothing here is real data).

    Attributes
    ----------
    panel
        Panel of employment: ``region``, ``industry``, ``year``, ``value`` (null for a
        confidential cell) and ``flag`` (``"c"`` for confidential, else null).
    participations
        Participations contract: ``project``, ``organisation``, ``region``, ``country``,
        ``role``, ``start_year``, ``industry``, ``topic``, ``funding``, plus ``org_type``.
    regions
        ``region``, ``name``, ``country``, ``tile_row``, ``tile_col``.
    truth
        Ground truth: ``kind`` (emerging, declining, trend, related_pair, community),
        ``region``, ``industry``, ``other`` (second industry or community name),
        ``slope`` (planted yearly log growth, for trends).
    seed
        The seed that made it.
    """

    panel: pl.DataFrame
    participations: pl.DataFrame
    regions: pl.DataFrame
    truth: pl.DataFrame
    seed: int

    def summary(self) -> str:
        p, q = self.panel, self.participations
        return (
            "SIMULATED demo data (not real statistics): "
            f"{p[REGION].n_unique()} regions x {p[INDUSTRY].n_unique()} industries x "
            f"{p[YEAR].n_unique()} years ({p.height:,} rows, {p[VALUE].null_count()} confidential); "
            f"{q['organisation'].n_unique():,} organisations in {q['project'].n_unique():,} projects; "
            f"ground truth: {dict(self.truth.group_by('kind', maintain_order=True).len().iter_rows())}"
        )

    def to_frame(self) -> pl.DataFrame:
        """The simulated employment panel."""
        return self.panel


def demo(seed: int = 2024) -> DemoData:
    """Build the simulated demo (deterministic for a seed, well under a second).

    Examples
    --------
    >>> d = demo()
    >>> d.panel.columns
    ['region', 'industry', 'year', 'value', 'flag']
    >>> d.truth.filter(kind="related_pair")["industry"].to_list()
    ['C21']
    """
    rng = np.random.default_rng(seed)
    regions = central_europe_table()
    panel = _simulate_panel(rng, regions)
    participations = _simulate_participations(rng, regions, panel)
    return DemoData(panel, participations, regions, _truth(), seed)


def _truth() -> pl.DataFrame:
    rows = [("emerging", r, i, None, None) for r, i in EMERGING]
    rows += [("declining", r, i, None, None) for r, i in DECLINING]
    rows += [("trend", r, i, None, s) for r, i, s in TRENDS]
    rows += [("related_pair", None, RELATED_PAIR[0], RELATED_PAIR[1], None)]
    rows += [("community", r, None, name, None) for name, rs in COMMUNITIES.items() for r in rs]
    return pl.DataFrame(
        rows,
        schema={"kind": pl.String, REGION: pl.String, INDUSTRY: pl.String, "other": pl.String,
                "slope": pl.Float64},
        orient="row",
    )


def _positions(codes: list[str], all_codes: list[str]) -> np.ndarray:
    index = {c: k for k, c in enumerate(all_codes)}
    return np.array([index[c] for c in codes])


def _simulate_panel(rng: np.random.Generator, regions: pl.DataFrame) -> pl.DataFrame:
    codes = regions[REGION].to_list()
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    t = years - FIRST_YEAR
    size, share, spec = _structure(rng, regions, codes)
    drift = rng.normal(0.0, 0.012, size=spec.shape)
    cycle = np.cumsum(rng.normal(0.01, 0.02, size=len(years)))
    noise = rng.normal(0.0, 0.035, size=(*spec.shape, len(years)))
    log_e = (
        np.log(size)[:, None, None]
        + np.log(share)[None, :, None]
        + spec[:, :, None]
        + drift[:, :, None] * t[None, None, :]
        + cycle[None, None, :]
        + noise
    )
    planted = _plant_signals(log_e, spec, drift, size, share, t, codes)
    value = _censored(rng, log_e, planted)  # region, industry, year order
    n_r, n_i, n_t = log_e.shape
    return pl.DataFrame(
        {
            REGION: np.repeat(np.arange(n_r), n_i * n_t),
            INDUSTRY: np.tile(np.repeat(np.arange(n_i), n_t), n_r),
            YEAR: np.tile(years.astype(np.int32), n_r * n_i),
            VALUE: value,
        }
    ).with_columns(
        pl.col(REGION).replace_strict(dict(enumerate(codes)), return_dtype=pl.String),
        pl.col(INDUSTRY).replace_strict(dict(enumerate(DIVISIONS)), return_dtype=pl.String),
        pl.col(VALUE).fill_nan(None),
        pl.when(pl.col(VALUE).is_nan()).then(pl.lit("c")).alias("flag"),
    )


def _structure(rng: np.random.Generator, regions: pl.DataFrame, codes: list[str]):
    """Region sizes, industry shares and the ``(region, industry)`` log-specialisation:
    spatially clustered fields on the tile grid plus independent noise."""
    n_r, n_i = len(codes), len(DIVISIONS)
    size = rng.lognormal(mean=12.6, sigma=0.55, size=n_r)  # business-economy employment
    size[_positions([c for c in CAPITALS if c in codes], codes)] *= 2.2
    share = rng.lognormal(mean=0.0, sigma=1.0, size=n_i)
    share /= share.sum()
    # Spatial specialisation fields on the tile grid.
    xy = regions.select("tile_col", "tile_row").to_numpy().astype(float)
    n_centres = 2
    centres = xy[rng.integers(0, n_r, size=(n_i, n_centres))]  # (i, c, 2)
    d2 = ((xy[None, None, :, :] - centres[:, :, None, :]) ** 2).sum(-1)  # (i, c, r)
    width = rng.uniform(1.0, 2.2, size=(n_i, 1, 1))
    field = (np.exp(-d2 / (2 * width**2)) * rng.uniform(0.6, 1.4, size=(n_i, n_centres, 1))).sum(1)
    ri, mi = DIVISIONS.index(RELATED_PAIR[0]), DIVISIONS.index(RELATED_PAIR[1])
    field[mi] = field[ri]  # the planted related pair shares one field
    spec = 1.3 * field.T + rng.normal(0.0, 0.35, size=(n_r, n_i))  # (r, i) log-specialisation
    return size, share, spec


def _plant_signals(log_e, spec, drift, size, share, t, codes: list[str]) -> np.ndarray:
    """Write the planted emerging, declining and trend paths into ``log_e`` (in place);
    return the ``(region, industry)`` mask of planted pairs.

    Planted paths are written as log-LQ paths: replace the pair's specialisation by
    log(reference level) + path, where the reference level is the industry's size-weighted
    mean specialisation, so that the LQ follows the path closely. With a_r the region's
    share-weighted mean of exp(spec) and b_i the industry's size-weighted mean,
    LQ_ri = exp(s_ri) * sum_r w_r a_r / (a_r b_i), so s_ri = path + log(a_r b_i /
    sum_r w_r a_r) puts the LQ on the path.
    """
    weights = size / size.sum()
    region_mean = np.exp(spec) @ share
    industry_mean = weights @ np.exp(spec)

    def plant(pairs, path):
        r = _positions([r for r, *_ in pairs], codes)
        i = np.array([DIVISIONS.index(i) for _, i, *_ in pairs])
        target = np.log(region_mean[r] * industry_mean[i] / (weights @ region_mean))
        log_e[r, i, :] += (target - spec[r, i])[:, None] - drift[r, i][:, None] * t + path
        return r, i

    # Emerging: LQ about 0.55 in 2008, accelerating from 2014, through 1 around 2020.
    after = np.clip(t - 6, 0, None).astype(float)
    r_e, i_e = plant(EMERGING, np.log(0.55) + 0.005 * t + 0.013 * after**2)
    # Declining: LQ about 2.2 in 2008, shrinking 6 % a year relative to the rest.
    r_d, i_d = plant(DECLINING, np.log(2.2) - 0.06 * t)
    # Constant trends with a known yearly log growth relative to the rest.
    slopes = np.array([s for *_, s in TRENDS])
    r_t, i_t = plant(TRENDS, (slopes[:, None] * (t - t.mean())[None, :]))
    planted = np.zeros(spec.shape, dtype=bool)
    planted[np.r_[r_e, r_d, r_t], np.r_[i_e, i_d, i_t]] = True
    return planted


def _censored(rng: np.random.Generator, log_e: np.ndarray, planted: np.ndarray) -> np.ndarray:
    """Whole persons, zeros for rare and tiny activities, NaN for confidential cells
    (planted series kept complete); flattened in region, industry, year order.

    Rare activities (mining, tobacco, coke, water and air transport) are absent from about
    a third of the regions; below 15 persons a cell is 0.
    """
    rare = np.isin(DIVISIONS, ("B05", "B06", "B07", "B09", "C12", "C19", "H50", "H51"))
    absent = rare[None, :] & (rng.random(planted.shape) < 0.35) & ~planted
    log_e[absent] = -np.inf
    employment = np.round(np.exp(log_e))
    employment[employment < 15] = 0.0  # tiny activities are absent
    confidential = (rng.random(employment.shape) < 0.004) & (employment > 0)
    employment[planted] = np.maximum(employment[planted], 15.0)
    confidential &= ~planted[:, :, None]  # keep planted series complete
    return np.where(confidential, np.nan, employment).ravel()


_ORG_TYPES = np.array(["PRC", "HES", "REC", "PUB", "OTH"])
_ORG_TYPE_P = np.array([0.5, 0.2, 0.15, 0.1, 0.05])
_TOPICS = np.array(["digital", "industry", "energy", "transport", "health", "environment"])


def _simulate_participations(
    rng: np.random.Generator, regions: pl.DataFrame, panel: pl.DataFrame
) -> pl.DataFrame:
    codes = np.asarray(regions[REGION].to_list())
    orgs = _organisations(rng, codes, panel)
    n_projects = 1500
    size = np.clip(rng.geometric(0.17, size=n_projects) + 1, 2, 20)
    kind = rng.choice(3, size=n_projects, p=[0.55, 0.25, 0.20])  # community, country, open
    community = rng.integers(len(COMMUNITIES), size=n_projects)
    country = rng.choice(np.unique(orgs["country"]), size=n_projects)
    in_pool = np.where(
        (kind == 0)[:, None],
        orgs["community"][None, :] == community[:, None],
        np.where((kind == 1)[:, None], orgs["country"][None, :] == country[:, None], True),
    )  # (project, organisation)
    project, org = _partners(rng, in_pool, size, orgs)
    first = np.r_[True, project[1:] != project[:-1]]
    start = rng.integers(FIRST_YEAR, LAST_YEAR + 1, size=n_projects)
    topic = rng.choice(_TOPICS, size=n_projects)
    funding = np.round(rng.lognormal(12.0, 1.0, size=project.size), -2)
    return pl.DataFrame(
        {
            "project": np.char.add("P", np.char.zfill(project.astype(str), 5)),
            "organisation": np.char.add("O", np.char.zfill(org.astype(str), 5)),
            REGION: codes[orgs["region"][org]],
            "country": orgs["country"][org],
            "role": np.where(first, "coordinator", "participant"),
            "start_year": start[project].astype(np.int32),
            INDUSTRY: np.asarray(DIVISIONS)[orgs["industry"][org]],
            "topic": topic[project],
            "funding": funding,
            "org_type": orgs["type"][org],
        }
    )


def _organisations(rng: np.random.Generator, codes: np.ndarray,
                   panel: pl.DataFrame) -> dict[str, np.ndarray]:
    """The simulated organisations: more in larger regions, industry drawn from the region's
    structure in the last year; their region (index), industry (index), type, activity,
    NACE section, planted community (-1: none) and country."""
    n_r = len(codes)
    latest = panel.filter(pl.col(YEAR) == LAST_YEAR).fill_null(0.0)
    matrix = (
        latest.pivot(on=INDUSTRY, index=REGION, values=VALUE)
        .join(pl.DataFrame({REGION: codes}), on=REGION, how="right")
        .select(DIVISIONS)
        .to_numpy()
    )
    total = matrix.sum(1)
    n_orgs = 2400
    p_region = total**0.8 / (total**0.8).sum()
    org_region = rng.choice(n_r, size=n_orgs, p=p_region)
    cum = np.cumsum(matrix / total[:, None], axis=1)[org_region]
    org_industry = (cum < rng.random(n_orgs)[:, None]).sum(1).clip(max=len(DIVISIONS) - 1)
    community_of = np.full(n_r, -1)
    for k, members in enumerate(COMMUNITIES.values()):
        community_of[np.isin(codes, members)] = k
    return {
        "region": org_region,
        "industry": org_industry,
        "type": rng.choice(_ORG_TYPES, size=n_orgs, p=_ORG_TYPE_P),
        "activity": rng.pareto(1.5, size=n_orgs) + 1.0,
        "section": np.asarray([d[0] for d in DIVISIONS])[org_industry],
        "community": community_of[org_region],
        "country": np.asarray([c[:2] for c in codes])[org_region],
    }


def _partners(rng: np.random.Generator, in_pool: np.ndarray, size: np.ndarray,
              orgs: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(project, organisation) index pairs: up to ``size`` partners per project from its
    pool, by activity, partners of the lead partner's NACE section 3x as likely."""
    lead = np.argmax(np.where(in_pool, rng.random(in_pool.shape), -1.0), axis=1)
    section = orgs["section"]
    same_section = section[None, :] == section[lead][:, None]
    weight = orgs["activity"][None, :] * np.where(same_section, 3.0, 1.0)
    # Weighted sampling without replacement for all projects at once (Efraimidis & Spirakis
    # 2006): keep the k largest keys u^(1/w), i.e. the k smallest Exp(1)/w.
    keys = np.where(in_pool, rng.exponential(size=in_pool.shape) / weight, np.inf)
    order = np.argsort(keys, axis=1)
    k = np.minimum(size, in_pool.sum(1))
    take = np.arange(order.shape[1])[None, :] < k[:, None]
    return np.nonzero(take)[0], order[take]
