r"""Traded and local industries (NACE Rev. 2 divisions), after Porter (2003).

Porter (2003) splits industries into *traded* ones, which sell across regions and so
concentrate in the regions with an advantage, and *local* ones, which serve the local
market and so follow population, present in every region at similar shares. Delgado,
Porter & Stern (2016) refine the same idea for US cluster definitions. Emergence is a
question about traded industries: a region does not "specialise" in retail or sewerage.

The measure is computed from the data: the **locational Gini** of the industry across
regions (:func:`emerging.industry_concentration`, 0 = employment spread exactly like total
employment, 1 = all in one region), averaged over the years given. An industry is traded
when

.. math::

    G_i \ge G^* = 0.30

and it is not on the list of divisions that are local by the nature of their service
(:data:`LOCAL_BY_NATURE`: energy, water and waste networks, construction, retail and
motor trade, postal service, food service, real estate, cleaning and repair of household
goods). The cut-off 0.30 is where the 2008-2014 NUTS-2 distribution passes from the
population-serving services (retail 0.13, land transport 0.17, food service 0.21,
specialised construction 0.28, rental and leasing 0.29) to manufacturing (food 0.31,
metal products 0.33, machinery 0.46); it is a judgement on a continuous measure, so
divisions near it (repair of machinery C33 0.299, veterinary M75 0.301) can be moved with
your own ``classification``. The
override list exists because locational concentration also rises for reasons that are
not trade: confidential cells (water supply E36 is unknown in a third of the regions,
which lifts its Gini to 0.62) and lumpy public networks.

Policy exclusions (:data:`POLICY_EXCLUSIONS`, overridable): activities that reports leave
out of "opportunities" by default whatever the data say: coal and lignite (B05, EU coal
phase-out), tobacco (C12, EU health policy), extraction of crude petroleum and natural gas
(B06) and coke and refined petroleum products (C19, EU climate targets).

The shipped default (``emerging/codes/data/traded_divisions.csv``) was generated with
``python analyses/traded_divisions.py`` from the Eurostat SBS regional file
(``sbs_r_nuts06_r2``, persons employed V16110, NUTS-2 x NACE divisions, 2008-2014,
NUTS 2021 codes).

References
----------
Porter, M. E. (2003). The economic performance of regions. *Regional Studies*, 37(6-7),
549-578.
Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries.
*Journal of Economic Geography*, 16(1), 1-38.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import polars as pl

from emerging._frames import keeps_frame_kind
from emerging._schema import INDUSTRY, YEAR

#: Locational Gini at or above which a division counts as traded.
GINI_CUTOFF = 0.30

#: Divisions local by the nature of their service, whatever their measured concentration.
LOCAL_BY_NATURE: dict[str, str] = {
    "D35": "energy supply network",
    "E36": "water supply network",
    "E37": "sewerage network",
    "E38": "waste collection and treatment",
    "E39": "remediation, local service",
    "F41": "construction of buildings, local market",
    "F42": "civil engineering, local market",
    "F43": "specialised construction, local market",
    "G45": "motor trade and repair, local market",
    "G47": "retail trade, follows population",
    "H53": "postal and courier service, follows population",
    "I56": "food and beverage service, follows population",
    "L68": "real estate, local market",
    "N81": "services to buildings, local market",
    "S95": "repair of household goods, local market",
}

#: Divisions left out of opportunities by default (policy, not data).
POLICY_EXCLUSIONS: dict[str, str] = {
    "B05": "coal and lignite (EU coal phase-out)",
    "B06": "crude petroleum and natural gas (EU climate targets)",
    "C12": "tobacco products (EU health policy)",
    "C19": "coke and refined petroleum products (EU climate targets)",
}

_TABLE = "traded_divisions.csv"


@keeps_frame_kind
def classify_traded(
    panel: pl.DataFrame | pl.LazyFrame,
    *,
    year: int | None = None,
    cutoff: float = GINI_CUTOFF,
    local_by_nature: dict[str, str] | None = None,
) -> pl.DataFrame:
    """Classify every industry of ``panel`` as traded or local from its concentration.

    Parameters
    ----------
    panel
        Panel of employment of one NUTS level.
    year
        One year to measure; default: the mean locational Gini over all years.
    cutoff
        Locational Gini at or above which an industry is traded.
    local_by_nature
        Codes (with reasons) that are local whatever their Gini; default
        :data:`LOCAL_BY_NATURE`, ``{}`` for none.

    Returns
    -------
    Same kind as ``panel`` (LazyFrame in, LazyFrame out):
        ``industry``, ``gini`` (mean locational Gini), ``traded`` (Boolean) and ``reason``
        (String), sorted by industry. An industry without a Gini (zero total) is local
        with reason ``"no concentration measure"``.
    """
    from emerging.indices import industry_concentration

    if not 0 < cutoff < 1:
        raise ValueError(f"cutoff must be a locational Gini between 0 and 1; got {cutoff!r}")
    frame = panel
    if year is not None:
        years = frame[YEAR].unique().sort().to_list()
        if year not in years:
            raise ValueError(f"year={year} is not in the panel; pass one of {years}")
        frame = frame.filter(pl.col(YEAR) == year)
    local = LOCAL_BY_NATURE if local_by_nature is None else local_by_nature
    gini = (
        industry_concentration(frame).to_frame()
        .group_by(INDUSTRY).agg(pl.col("gini").mean())
    )
    nature = pl.DataFrame({INDUSTRY: list(local), "nature": list(local.values())},
                          schema={INDUSTRY: pl.String, "nature": pl.String})
    return (
        gini.join(nature, on=INDUSTRY, how="left")
        .with_columns(
            traded=pl.when(pl.col("nature").is_not_null() | pl.col("gini").is_null())
            .then(False).otherwise(pl.col("gini") >= cutoff),
            reason=pl.when(pl.col("nature").is_not_null())
            .then(pl.format("local by nature: {}", pl.col("nature")))
            .when(pl.col("gini").is_null()).then(pl.lit("no concentration measure"))
            .when(pl.col("gini") >= cutoff)
            .then(pl.format("concentrated: locational Gini {} >= {}",
                            pl.col("gini").round(2), pl.lit(cutoff)))
            .otherwise(pl.format("spread like population: locational Gini {} < {}",
                                 pl.col("gini").round(2), pl.lit(cutoff))),
        )
        .select(INDUSTRY, "gini", "traded", "reason")
        .sort(INDUSTRY)
    )


@cache
def default_table() -> pl.DataFrame:
    """The shipped classification of NACE Rev. 2 divisions (see the module docstring)."""
    path = resources.files("emerging.codes").joinpath("data", _TABLE)
    with path.open("rb") as handle:
        return pl.read_csv(handle, schema_overrides={"traded": pl.Boolean, "gini": pl.Float64})


def traded_industries(*, classification: pl.DataFrame | None = None) -> frozenset[str]:
    """Codes of the traded industries: of ``classification`` (a frame with ``industry`` and a
    Boolean ``traded``, e.g. from :func:`classify_traded` or your own), else of the shipped
    default table."""
    table = default_table() if classification is None else classification
    missing = {INDUSTRY, "traded"} - set(table.columns)
    if missing:
        raise ValueError(
            f"classification needs columns 'industry' and 'traded' (Boolean); missing "
            f"{sorted(missing)}"
        )
    return frozenset(table.filter(pl.col("traded"))[INDUSTRY].to_list())


def policy_excluded(*, exclusions: dict[str, str] | None = None) -> frozenset[str]:
    """Codes left out of opportunities by default (:data:`POLICY_EXCLUSIONS`, or yours)."""
    return frozenset(POLICY_EXCLUSIONS if exclusions is None else exclusions)
