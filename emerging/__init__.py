"""emerging: find emerging industries in Central European regions and the cross-border
co-operation that can grow them.

Public API re-exports only; nothing heavy runs at import (geopandas, statsmodels,
networkx and matplotlib are imported inside the functions that need them).
"""

from emerging._schema import (
    SchemaError,
    validate_edges,
    validate_panel,
    validate_participations,
)
from emerging.indices.lq import location_quotient, presence

__version__ = "0.1.0"

__all__ = [
    "SchemaError",
    "location_quotient",
    "presence",
    "validate_edges",
    "validate_panel",
    "validate_participations",
]
