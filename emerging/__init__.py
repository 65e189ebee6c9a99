"""emerging: find emerging industries in Central European regions and the cross-border
co-operation that can grow them.

Public API re-exports only; nothing heavy runs at import. The light contract and the
location quotient are imported at once; every other public function is imported on
first use (PEP 562 module ``__getattr__``), so ``import emerging`` stays fast while
``emerging.shift_share`` or ``from emerging import complexity`` work as usual.
"""

from __future__ import annotations

import importlib

from emerging._schema import (
    SchemaError,
    validate_edges,
    validate_pairs,
    validate_panel,
    validate_participations,
)
from emerging.indices.lq import location_quotient, presence

__version__ = "0.1.0"

#: Public name -> module that defines it (imported on first access).
_LAZY: dict[str, str] = {
    # data in
    "demo": "emerging.datasets._demo",
    "read_tsv": "emerging.io.eurostat",
    "read_sdmx_csv": "emerging.io.eurostat",
    "to_panel": "emerging.io.eurostat",
    "read_table": "emerging.io.tables",
    "read_source": "emerging.io.sources",
    "read_cordis": "emerging.io.cordis",
    "read_h2020_eunets": "emerging.io.cordis",
    "load_nuts": "emerging.io.gisco",
    "harmonise": "emerging.codes.harmonise",
    "estimate_confidential": "emerging.io.confidential",
    "aggregate_records": "emerging.io.microdata",
    # specialisation
    "standardised_lq": "emerging.indices.lq",
    "regional_diversity": "emerging.indices.diversity",
    "industry_concentration": "emerging.indices.concentration",
    "cluster_stars": "emerging.indices.stars",
    "specialisation_profile": "emerging.indices.profile",
    # dynamics
    "growth": "emerging.trends._growth",
    "specialisation_changes": "emerging.trends._growth",
    "shift_share": "emerging.trends._shift_share",
    "trend_slopes": "emerging.trends.slopes",
    "portfolio": "emerging.trends._portfolio",
    # capabilities
    "proximity": "emerging.relatedness._proximity",
    "relatedness_density": "emerging.relatedness.density",
    "complexity": "emerging.relatedness._complexity",
    "opportunity": "emerging.relatedness._opportunity",
    "risk_reward": "emerging.relatedness._risk_reward",
    "analyse_relatedness": "emerging.relatedness.analysis",
    # co-operation
    "project_network": "emerging.networks.build",
    "node_metrics": "emerging.networks.metrics",
    "cross_border": "emerging.networks.metrics",
    "communities": "emerging.networks._communities",
    "find_partners": "emerging.networks.partners",
    "cooperation_summary": "emerging.networks.summary",
    "suggest_partners": "emerging.networks.partners",
    # detection and outputs
    "emergence_signals": "emerging.detect.signals",
    "flag_emerging": "emerging.detect.rules",
    "emergence_scores": "emerging.detect.score",
    "backtest": "emerging.detect._backtest",
    "traded_industries": "emerging.codes.traded",
    "classify_traded": "emerging.codes.traded",
    "tile_map": "emerging.maps.tilegrid",
    "choropleth": "emerging.maps._choropleth",
    "save_figure": "emerging.maps.style",
    "region_profile": "emerging.reports",
    "render_factsheet": "emerging.reports",
    "build_report": "emerging.reports",
    # the memo of coded panels (a frame passed to several functions is coded once)
    "clear_cache": "emerging._memo",
    "set_memo": "emerging._memo",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'emerging' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "SchemaError",
    "location_quotient",
    "presence",
    "validate_edges",
    "validate_pairs",
    "validate_panel",
    "validate_participations",
    *_LAZY,
]
