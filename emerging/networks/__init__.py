"""Co-operation networks from project participations.

``build`` projects participations onto organisations, regions or countries by sparse matrix
algebra; ``metrics`` measures them (centrality, cross-border shares, area ties, brokerage,
components, change over time); ``backbone`` filters them (disparity filter);
``communities`` finds Louvain communities; ``partners`` ranks cross-border partner regions;
``figures`` draws them. networkx is imported only inside this subpackage, and only inside
the functions that need it.
"""

from emerging.networks._brokerage import brokerage
from emerging.networks._communities import Communities, adjusted_rand_index, communities
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
from emerging.networks.partners import PartnerSuggestions, suggest_partners

__all__ = [
    "Communities",
    "PartnerSuggestions",
    "Projection",
    "adjusted_rand_index",
    "area_ties",
    "brokerage",
    "communities",
    "components",
    "cross_border",
    "disparity_filter",
    "draw_network",
    "encode",
    "flow_map",
    "node_metrics",
    "project_network",
    "suggest_partners",
    "tie_changes",
    "to_networkx",
]
