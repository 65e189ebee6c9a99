"""Co-operation networks from project participations.

``build`` projects participations onto organisations, regions or countries by sparse matrix
algebra; ``metrics`` measures them (centrality, cross-border shares, area ties, brokerage,
components, change over time); ``backbone`` filters them (disparity filter);
``communities`` finds Louvain communities; ``partners`` ranks partners across the border
(:func:`find_partners`); ``summary`` gives a fact sheet's co-operation figures
(:func:`cooperation_summary`); ``analysis`` runs it all on one network
(:func:`analyse_network`); ``figures`` lays networks out for the drawings in
:mod:`emerging.maps.flows`. networkx is imported only inside this subpackage, and only inside
the functions that need it.
"""

from emerging.networks._brokerage import brokerage
from emerging.networks._communities import Communities, adjusted_rand_index, communities
from emerging.networks.analysis import NetworkAnalysis, NetworkOptions, analyse_network
from emerging.networks.backbone import disparity_filter
from emerging.networks.build import Projection, encode, project_network, to_networkx
from emerging.networks.figures import draw_network, flow_map
from emerging.networks.metrics import (
    area_ties,
    components,
    cross_border,
    node_metrics,
    tie_changes,
)
from emerging.networks.partners import (
    PartnerOptions,
    PartnerSuggestions,
    find_partners,
    suggest_partners,
)
from emerging.networks.summary import CooperationSummary, cooperation_summary

__all__ = [
    "Communities",
    "CooperationSummary",
    "NetworkAnalysis",
    "NetworkOptions",
    "PartnerOptions",
    "PartnerSuggestions",
    "Projection",
    "adjusted_rand_index",
    "analyse_network",
    "area_ties",
    "brokerage",
    "communities",
    "components",
    "cooperation_summary",
    "cross_border",
    "disparity_filter",
    "draw_network",
    "encode",
    "find_partners",
    "flow_map",
    "node_metrics",
    "project_network",
    "suggest_partners",
    "tie_changes",
    "to_networkx",
]
