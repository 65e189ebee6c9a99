"""Class breaks, colours and legend labels."""

from __future__ import annotations

import numpy as np
import pytest

from emerging.maps.classify import classify, missing_entries, missing_label


def test_user_breaks_assign_known_values():
    cls = classify([0.5, 0.9, 1.0, 1.2, 3.0, np.nan], classes=[0.8, 1.0, 1.5], scheme="user")
    # classes (lower, upper]: <=0.8, (0.8, 1], (1, 1.5], (1.5, 3.0]
    assert cls.upper == (0.8, 1.0, 1.5, 3.0)
    assert cls.assign(np.array([0.5, 0.9, 1.0, 1.2, 3.0, np.nan])).tolist() == [0, 1, 1, 2, 3, -1]
    assert cls.labels == ("0.5 – 0.8", "0.8 – 1.0", "1.0 – 1.5", "1.5 – 3.0")


def test_quantiles_equal_counts():
    values = np.arange(1.0, 101.0)
    cls = classify(values, classes=4, scheme="quantiles")
    counts = np.bincount(cls.assign(values))
    assert counts.tolist() == [25, 25, 25, 25]
    assert cls.labels[0] == "1 – 25.75" or cls.labels[0].startswith("1")


def test_fisher_jenks_separates_clusters():
    values = np.array([1.0, 1.1, 1.2, 10.0, 10.5, 11.0, 50.0, 51.0])
    cls = classify(values, classes=3, scheme="fisher_jenks")
    assert cls.assign(values).tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


def test_diverging_centre_is_a_break_and_colours_split():
    values = np.array([0.3, 0.6, 0.9, 1.1, 1.6, 2.5, 4.0])
    cls = classify(values, classes=4, scheme="quantiles", diverging_at=1.0)
    assert 1.0 in cls.upper
    below = [c for c, u in zip(cls.colours, cls.upper, strict=True) if u <= 1.0]
    above = [c for c, u in zip(cls.colours, cls.upper, strict=True) if u > 1.0]
    from matplotlib.colors import to_rgb

    assert all(to_rgb(c)[2] > to_rgb(c)[0] for c in below)  # blue side
    assert all(to_rgb(c)[0] > to_rgb(c)[2] for c in above)  # red side
    # 0.9 and 1.1 land on opposite sides of the centre
    i09, i11 = cls.assign(np.array([0.9, 1.1]))
    assert cls.upper[i09] <= 1.0 < cls.upper[i11]


def test_bad_options():
    with pytest.raises(ValueError, match="scheme must be one of"):
        classify([1.0, 2.0], scheme="jenks")
    with pytest.raises(ValueError, match="scheme='user'"):
        classify([1.0, 2.0], classes=[1.5])
    with pytest.raises(ValueError, match="no non-missing values"):
        classify([np.nan, np.nan])


def test_missing_entries_group_and_name():
    entries = missing_entries(["PL22", "HU11", "AT13"], ["confidential", "confidential", None])
    assert list(entries) == ["Confidential", "No data"]
    hatch_c, regs_c = entries["Confidential"]
    assert regs_c == ["HU11", "PL22"] and hatch_c
    assert missing_label("Confidential", regs_c) == "Confidential: HU11, PL22"
    assert missing_label("No data", ["A", "B", "C", "D"]) == "No data (4 regions)"


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [2, 4, 6])
def test_fisher_jenks_matches_mapclassify(seed, k):
    import warnings

    import mapclassify

    from emerging.maps.classify import fisher_jenks_breaks

    values = np.round(np.random.default_rng(seed).lognormal(size=60), 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = mapclassify.FisherJenks(values, k=k).bins
    np.testing.assert_allclose(fisher_jenks_breaks(values, k), expected)


def test_quantiles_and_equal_interval_match_mapclassify():
    import warnings

    import mapclassify

    values = np.random.default_rng(5).gamma(2.0, size=101)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = mapclassify.Quantiles(values, k=5).bins
        e = mapclassify.EqualInterval(values, k=5).bins
    np.testing.assert_allclose(classify(values, classes=5, scheme="quantiles").upper, q)
    np.testing.assert_allclose(classify(values, classes=5, scheme="equal_interval").upper, e)


def test_user_breaks_keep_empty_classes_so_colours_stay_comparable():
    breaks = [0.5, 0.8, 1.0, 1.25, 2.0]
    high = classify([1.1, 1.5, 3.0], classes=breaks, scheme="user", diverging_at=1.0)
    wide = classify([0.2, 1.1, 1.5, 3.0], classes=breaks, scheme="user", diverging_at=1.0)
    assert high.colours == wide.colours and high.upper == wide.upper
    assert high.labels[0] == "≤ 0.50" and wide.labels[0] == "0.20 – 0.50"
