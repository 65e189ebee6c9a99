"""One demo pack and one real-data batch per session, shared by the reader tests."""

from __future__ import annotations

import pytest

from emerging.reports import build_report, compute_batch
from emerging.reports._inputs import demo_report_data

DEMO_REGIONS = ["CZ06", "SK02", "AT13"]


@pytest.fixture(scope="session")
def demo_batch(demo_data):
    return compute_batch(demo_report_data(demo_data))


@pytest.fixture(scope="session")
def demo_pack(tmp_path_factory, demo_batch):
    out = tmp_path_factory.mktemp("pack")
    summary = build_report(demo_batch, regions=DEMO_REGIONS, out=out, progress=False,
                           workers=2, figure_formats=("png", "svg", "pdf"))
    return out, summary


@pytest.fixture(scope="session")
def real_processed(tmp_path_factory, shared_data):
    from emerging.io.build import build

    out = tmp_path_factory.mktemp("processed")
    build(shared_data / "employment", out, indicators=("V16110", "V13320"))
    return out
