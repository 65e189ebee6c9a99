"""LazyFrame in, LazyFrame out: every public frame function returns the kind it was given,
with the same rows as for the eager input."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from emerging.codes.nace import aggregate_nace
from emerging.codes.traded import classify_traded
from emerging.indices import (
    country_standardised_lq,
    employment_gini,
    krugman_others,
    location_quotient,
    lq_gini,
    presence,
    specialisation,
    standardised_lq,
    ubiquity,
    variety,
)
from emerging.io.eurostat import to_panel
from emerging.networks import (
    area_ties,
    brokerage,
    components,
    cross_border,
    disparity_filter,
    node_metrics,
    project_network,
    tie_changes,
)
from emerging.relatedness import (
    density_by_status,
    opportunity,
    proximity,
    proximity_to_matrix,
    reflections,
    relatedness_density,
)
from emerging.trends import growth


@pytest.fixture(scope="module")
def panel(demo_data):
    keep = pl.col("region").str.starts_with("CZ") | pl.col("region").str.starts_with("SK")
    return demo_data.panel.drop("flag").filter(keep & pl.col("year").is_in([2015, 2023]))


@pytest.fixture(scope="module")
def edges(demo_data):
    net = project_network(demo_data.participations, node="region")
    return net.edges


@pytest.fixture(scope="module")
def yearly_edges(demo_data):
    parts = demo_data.participations.filter(pl.col("start_year").is_in([2016, 2020]))
    return project_network(parts, node="region", slice="year").edges


@pytest.fixture(scope="module")
def raw_sbs():
    return pl.DataFrame({
        "geo": ["CZ01", "CZ02"], "nace_r2": ["C10", "C10"], "indic_sb": ["V16110"] * 2,
        "year": [2015, 2015], "value": [10.0, 20.0], "flag": [None, None],
    })


PANEL_FUNCTIONS = {
    "location_quotient": location_quotient,
    "standardised_lq": standardised_lq,
    "presence": presence,
    "specialisation": specialisation,
    "variety": variety,
    "ubiquity": ubiquity,
    "proximity": proximity,
    "relatedness_density": relatedness_density,
    "opportunity": opportunity,
    "lq_gini": lq_gini,
    "krugman_others": krugman_others,
    "employment_gini": employment_gini,
    "country_standardised_lq": country_standardised_lq,
    "reflections": reflections,
    "proximity_to_matrix": lambda p: proximity_to_matrix(proximity(p)),
    "growth": lambda p: growth(p, start=2015, end=2023),
    "classify_traded": classify_traded,
    "aggregate_nace": lambda p: aggregate_nace(p, 1),
    "density_by_status": lambda p: density_by_status(
        relatedness_density(p.collect() if isinstance(p, pl.LazyFrame) else p)
        .pipe(lambda d: d.lazy() if isinstance(p, pl.LazyFrame) else d)),
}
EDGE_FUNCTIONS = {
    "node_metrics": node_metrics,
    "cross_border": cross_border,
    "area_ties": area_ties,
    "components": components,
    "disparity_filter": disparity_filter,
    "brokerage": brokerage,
}


def _same_kind(call, frame):
    eager = call(frame)
    lazy = call(frame.lazy())
    assert isinstance(eager, pl.DataFrame)
    assert isinstance(lazy, pl.LazyFrame), f"returned {type(lazy).__name__} for a LazyFrame"
    assert_frame_equal(lazy.collect(), eager)


@pytest.mark.parametrize("name", sorted(PANEL_FUNCTIONS))
def test_panel_functions_keep_the_frame_kind(name, panel):
    _same_kind(PANEL_FUNCTIONS[name], panel)


@pytest.mark.parametrize("name", sorted(EDGE_FUNCTIONS))
def test_edge_functions_keep_the_frame_kind(name, edges):
    _same_kind(EDGE_FUNCTIONS[name], edges)


def test_tie_changes_keeps_the_frame_kind(yearly_edges):
    _same_kind(lambda e: tie_changes(e, start=2016, end=2020), yearly_edges)


def test_to_panel_keeps_the_frame_kind(raw_sbs):
    _same_kind(lambda f: to_panel(f, measure={"indic_sb": "V16110"}), raw_sbs)


#: Frame functions not in the tables above, and why.
EXEMPT = {
    "pair_frame": "builds a pair frame from arrays (first argument is not a frame)",
    "write_parquet": "writes a file and returns its path",
    # validators: the library's door; they return the collected, checked frame that the
    # computation then works on
    "validate_panel": "validator",
    "validate_edges": "validator",
    "validate_participations": "validator",
    "validate_pairs": "validator",
    "validate_layered": "validator (networks internal)",
    "coerce_dtypes": "validator step",
    "one_slice": "networks internal: picks one slice of collected edges",
    # emergence_signals returns an EmergenceSignals result (its table: tests/detect)
    "select_regions": "detect internal: the command line's region filter",
    "outcome_frames": "detect internal: stacked risk sets for fitting",
    "assign_classes": "detect internal: classes of a scored table",
    "entry_regression": "returns a table of coefficients, not rows of the frame",
    # the partner finder's evidence (emerging/networks/_evidence.py, a private module)
    "panel_at": "networks internal: partner-finder evidence",
    "finest_year": "networks internal: partner-finder evidence",
    "strength": "networks internal: partner-finder evidence",
    "proximity_row": "networks internal: partner-finder evidence",
    "feasibility": "networks internal: partner-finder evidence",
    "brokerage_by_unit": "networks internal: partner-finder evidence",
    "interreg_by_level": "reads an InterregTable; LazyFrame in, LazyFrame out checked in "
    "tests/io/test_interreg.py",
}


def _frame_functions() -> set[str]:
    import importlib
    import inspect
    import pkgutil

    import emerging

    found = set()
    for info in pkgutil.walk_packages(emerging.__path__, "emerging."):
        if info.name.startswith("emerging.maps"):
            continue  # drawings return a Drawing
        module = importlib.import_module(info.name)
        for name, func in vars(module).items():
            func = inspect.unwrap(func) if callable(func) else func
            if name.startswith("_") or not inspect.isfunction(func):
                continue
            if func.__module__ != module.__name__:
                continue
            package = importlib.import_module(info.name.rpartition(".")[0])
            if (info.name.rpartition(".")[2].startswith("_")
                    and name not in getattr(package, "__all__", ())):
                continue  # a private module's helper, not re-exported
            params = list(inspect.signature(func).parameters.values())
            returns = str(inspect.signature(func).return_annotation)
            if params and "Frame" in str(params[0].annotation) and returns.startswith("pl.DataFrame"):
                found.add(name)
    return found


def test_every_public_frame_function_is_checked():
    checked = set(PANEL_FUNCTIONS) | set(EDGE_FUNCTIONS) | {"tie_changes", "to_panel"}
    assert _frame_functions() - checked - set(EXEMPT) == set()
