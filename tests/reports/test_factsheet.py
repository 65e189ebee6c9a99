"""Fact sheets: the numbers in the profile are right, and the page shows them."""

import polars as pl
import pytest

from emerging import location_quotient
from emerging.reports.factsheet import region_profile, render_factsheet


@pytest.fixture(scope="module")
def profile(demo_data):
    return region_profile(demo_data.panel, "CZ06", start=2015, end=2023, simulated=True)


def test_profile_numbers_match_the_indices(demo_data, profile):
    lq = location_quotient(demo_data.panel).filter(region="CZ06", year=2023)
    expected = lq.filter(pl.col("lq").is_not_null() & (pl.col("value") > 0)).sort(
        "lq", descending=True
    )
    assert profile.specialisations["industry"].to_list() == expected["industry"].head(10).to_list()
    assert profile.specialisations["lq"].to_list() == pytest.approx(expected["lq"].head(10).to_list())
    assert profile.employment == pytest.approx(lq["value"].sum())
    assert profile.n_specialised == int((lq["lq"] >= 1.25).sum())
    assert profile.name == "Jihovýchod"
    # the planted emerging pair of CZ06 is among its flags, with evidence
    assert "C26" in profile.flags["industry"].to_list()


def test_page_is_self_contained_and_says_simulated(profile):
    page = render_factsheet(profile)
    assert page.startswith("<!DOCTYPE html>")
    assert "Jihovýchod" in page and "(CZ06)" in page
    assert "Simulated data." in page
    assert 'src="data:image/png;base64,' in page  # the map is embedded, not linked
    assert "http" not in page.replace("https://", "").split("<body>")[1].split("data:image")[0]
    top = profile.specialisations.row(0, named=True)
    assert f"{top['lq']:.2f}" in page
    assert "Manufacture of computer, electronic and optical products" in page


def test_unknown_region_lists_closest_codes(demo_data):
    with pytest.raises(ValueError, match=r"'CZ6': did you mean \['CZ06'"):
        region_profile(demo_data.panel, "CZ6")


def test_flags_from_another_window_are_refused(demo_data):
    from emerging.detect.rules import flag_emerging
    from emerging.detect.signals import emergence_signals

    flags = flag_emerging(emergence_signals(demo_data.panel, start=2010, end=2020))
    with pytest.raises(ValueError, match=r"window\(s\) \[\(2010, 2020\)\], not 2015-2023"):
        region_profile(demo_data.panel, "CZ06", start=2015, end=2023, flags=flags)


def test_unknown_cells_counted_in_the_end_year(demo_data, profile):
    own = demo_data.panel.filter(region="CZ06", year=2023)
    assert profile.unknown_cells == own["value"].null_count()


def test_stars_and_candidates_come_from_their_layers(demo_data, profile):
    from emerging.indices.stars import cluster_stars
    from emerging.relatedness._risk_reward import risk_reward

    end_panel = demo_data.panel.filter(year=2023)
    stars = cluster_stars(end_panel).to_frame().filter(region="CZ06")
    expected = dict(stars.select("industry", pl.col("eco_stars").fill_null(0)).iter_rows())
    for industry, n in profile.specialisations.select("industry", "stars").iter_rows():
        assert n == expected[industry]
    top = risk_reward(end_panel, "CZ06", year=2023).top(5)
    assert profile.candidates["industry"].to_list() == top["industry"].to_list()
    page = render_factsheet(profile, include_map=False)
    assert "Where to diversify next" in page
    assert top["industry"][0] in page.split("Where to diversify next")[1]
    assert "★" in page
