"""Former home of the fact sheets; kept so that old imports keep working.

Use :func:`emerging.reports.build_report` for a pack of sheets, or
:func:`emerging.reports.region_profile` and :func:`emerging.reports.render_factsheet`.
"""

from emerging.reports.html import render_factsheet
from emerging.reports.profile import RegionProfile, region_profile

__all__ = ["RegionProfile", "region_profile", "render_factsheet"]
