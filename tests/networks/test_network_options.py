"""analyse_network's options object: the same analysis through ``options=`` and keywords."""

import pytest
from polars.testing import assert_frame_equal

from emerging.networks import NetworkOptions, analyse_network


@pytest.fixture(scope="module")
def participations(demo_data):
    return demo_data.participations


def test_options_object_and_keywords_give_the_same_analysis(participations):
    settings = {"node": "region", "level": 1, "weight": "count", "communities_on": "backbone",
                "alpha": 0.2, "k": 64, "seed": 3}
    by_keywords = analyse_network(participations, start=2010, end=2020, **settings)
    by_options = analyse_network(participations, start=2010, end=2020,
                                 options=NetworkOptions(**settings))
    assert by_options.measured_on == by_keywords.measured_on == "disparity backbone (alpha 0.2)"
    assert_frame_equal(by_keywords.metrics, by_options.metrics, check_exact=False, rel_tol=1e-12)
    assert_frame_equal(by_keywords.country_pairs, by_options.country_pairs, check_exact=False,
                       rel_tol=1e-12)
    assert by_options.metrics["node"].str.len_chars().max() == 3  # NUTS-1 nodes


def test_a_keyword_overrides_the_same_field_of_options(participations):
    res = analyse_network(participations, options=NetworkOptions(node="region"), node="country")
    assert res.metrics["node"].str.len_chars().max() == 2
    assert NetworkOptions().node == "country" and NetworkOptions().weight == "fractional"


def test_bad_options_get_the_same_errors(participations):
    message = r"communities_on must be one of \('auto', 'full', 'backbone'\); got 'all'"
    with pytest.raises(ValueError, match=message):
        analyse_network(participations, communities_on="all")
    with pytest.raises(ValueError, match=message):
        NetworkOptions(communities_on="all")
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'nodes'.*'node'"):
        analyse_network(participations, nodes="region")
