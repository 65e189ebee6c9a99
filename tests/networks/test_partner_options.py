"""find_partners' options object: the same ranking through ``options=`` and keywords."""

import dataclasses

import pytest
from polars.testing import assert_frame_equal

from emerging.networks import PartnerOptions, find_partners

SETTINGS = {"weights": {"strength": 2, "ties": 1, "distance": 1}, "existing_ties": "penalise",
            "countries": ["AT", "SK", "HU", "PL"], "brokerage": False, "level": 0.9, "top": 7}


@pytest.fixture(scope="module")
def evidence(demo_data):
    return {"industry": "C27", "panel": demo_data.panel,
            "participations": demo_data.participations}


@pytest.mark.parametrize("settings", [SETTINGS, {"regions": "central_europe_2021_2027",
                                                 "existing_ties": "ignore", "top": None}])
def test_options_object_and_keywords_give_the_same_ranking(evidence, settings):
    by_keywords = find_partners("CZ06", **evidence, **settings)
    by_options = find_partners("CZ06", **evidence, options=PartnerOptions(**settings))
    assert_frame_equal(by_keywords.table, by_options.table, check_exact=True)
    assert by_keywords.weights == by_options.weights
    assert by_keywords.notes == by_options.notes
    if settings["top"]:
        assert by_options.table.height == settings["top"]
    if "countries" in settings:
        assert set(by_options.table["country"]) <= set(settings["countries"])


def test_default_options_are_the_function_defaults(evidence):
    default = find_partners("CZ06", **evidence)
    assert_frame_equal(default.table,
                       find_partners("CZ06", **evidence, options=PartnerOptions()).table,
                       check_exact=True)
    # no Interreg frame here: the other five default weights renormalised over 0.9
    assert default.weights == pytest.approx(
        {"strength": 0.25 / 0.9, "feasibility": 0.25 / 0.9, "ties": 0.2 / 0.9,
         "brokerage": 0.1 / 0.9, "distance": 0.1 / 0.9})
    assert default.table.height == PartnerOptions().top == 20


def test_a_keyword_overrides_the_same_field_of_options(evidence):
    got = find_partners("CZ06", **evidence, options=PartnerOptions(**SETTINGS), top=3)
    want = find_partners("CZ06", **evidence, **{**SETTINGS, "top": 3})
    assert_frame_equal(got.table, want.table, check_exact=True)
    assert got.table.height == 3


@pytest.mark.parametrize(("bad", "message"), [
    ({"existing_ties": "seek"},
     r"existing_ties must be one of \('reward', 'penalise', 'ignore'\); got 'seek'"),
    ({"weights": {"size": 1}}, r"weights keys must be among \('strength', .*got \['size'\]"),
    ({"weights": {"ties": -1}}, r"weights must be non-negative with a positive sum"),
])
def test_a_bad_option_gets_the_same_error_either_way(evidence, bad, message):
    with pytest.raises(ValueError, match=message):
        find_partners("CZ06", **evidence, **bad)
    with pytest.raises(ValueError, match=message):
        PartnerOptions(**bad)


def test_unknown_keyword_and_wrong_options_type_are_type_errors(evidence):
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'weight'.*'weights'"):
        find_partners("CZ06", **evidence, weight={"ties": 1})
    with pytest.raises(TypeError, match="options must be a PartnerOptions; got dict"):
        find_partners("CZ06", **evidence, options={"top": 3})


def test_default_weights_are_not_shared_between_objects():
    one, two = PartnerOptions(), PartnerOptions()
    assert one.weights == two.weights and one.weights is not two.weights
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.top = 5
