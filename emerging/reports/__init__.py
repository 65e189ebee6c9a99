"""Fact sheets and brief packs: HTML, PDF (A4, at most two pages), XLSX annex, DOCX brief,
Markdown, figures (PNG 300 dpi; SVG and PDF on request), a batch index and a comparison sheet.

* :func:`build_report` - the whole pack for a set of regions (what ``emerging report`` runs);
* :func:`compute_batch` / :class:`ReportBatch` - the whole-panel indicators, once per batch;
* :func:`region_profile` / :class:`RegionProfile` - the numbers of one sheet;
* :func:`render_factsheet` - one self-contained HTML page.
"""

from emerging.reports.build import ReportSummary, build_report
from emerging.reports.errors import ReportInputError
from emerging.reports.html import render_factsheet
from emerging.reports.profile import RegionProfile, ReportBatch, compute_batch, region_profile

__all__ = [
    "RegionProfile",
    "ReportBatch",
    "ReportInputError",
    "ReportSummary",
    "build_report",
    "compute_batch",
    "region_profile",
    "render_factsheet",
]
