"""The numbers on a sheet: hand-computed on tiny panels and checked against the indices."""

from fractions import Fraction

import numpy as np
import polars as pl
import pytest

from emerging.indices import location_quotient
from emerging.maps.factsheet import nonempty_breaks
from emerging.reports import ReportInputError, build_report, compute_batch, region_profile
from emerging.reports.errors import check_profile_regions, nuts_change_explanation


def _tiny():
    # 3 regions x 2 industries x 2 years; C10 traded, F41 local
    rows = []
    values = {("AT11", "C10"): (10, 20), ("AT11", "F41"): (30, 30),
              ("AT12", "C10"): (40, 40), ("AT12", "F41"): (10, 20),
              ("CZ01", "C10"): (50, 60), ("CZ01", "F41"): (50, 40)}
    for (r, i), (a, b) in values.items():
        rows += [(r, i, 2020, float(a)), (r, i, 2021, float(b))]
    return pl.DataFrame(rows, schema=["region", "industry", "year", "value"], orient="row",
                        schema_overrides={"year": pl.Int32})


def test_headline_figures_by_hand():
    p = region_profile(_tiny(), "AT11", start=2020, end=2021)
    h = {r["key"]: r for r in p.headline.iter_rows(named=True)}
    assert h["employment"]["region"] == 50
    assert h["employment"]["country"] == 50 + 60  # AT11 + AT12
    assert h["growth"]["region"] == pytest.approx(float((Fraction(50, 40) - 1) * 100))
    assert h["growth"]["all"] == pytest.approx(float((Fraction(210, 190) - 1) * 100))
    assert h["traded_share"]["region"] == pytest.approx(float(Fraction(20, 50) * 100))
    assert h["traded_share"]["all"] == pytest.approx(float(Fraction(120, 210) * 100))
    assert h["wage"]["region"] is None  # no wages in a bare panel: omitted, with a note
    assert any("Wages" in n for n in p.notes)


def test_one_definition_of_a_specialisation(demo_batch):
    p = demo_batch.profile("CZ06")
    lq = location_quotient(demo_batch.data.panel).filter(region="CZ06", year=demo_batch.end)
    assert p.n_specialised == int(lq["specialised"].sum())
    assert (p.specialisations["lq_lo"] > 1).all()
    # listed largest first, each with its interval around the point value
    assert p.specialisations["value"].is_sorted(descending=True)
    assert ((p.specialisations["lq_lo"] <= p.specialisations["lq"])
            & (p.specialisations["lq"] <= p.specialisations["lq_hi"])).all()
    # the shortlist: 'nascent' = specialised beyond noise now, 'emerging' = not yet (LQ < 1)
    ends = lq.join(p.emerging.select("industry", "class"), on="industry")
    assert (ends.filter(pl.col("class") == "nascent")["lq_lo"] > 1).all()
    assert (ends.filter(pl.col("class") == "emerging")["lq"] < 1).all()
    assert set(p.emerging["industry"]) <= demo_batch.traded
    # stars only on traded industries, each starred row with a footnote
    starred = p.specialisations.filter(pl.col("stars") > 0)
    assert starred["traded"].all() and starred["star_note"].is_not_null().all()
    assert len(p.star_notes) == starred.height


def test_named_and_marked_simulated(demo_batch):
    p = demo_batch.profile("CZ06")
    assert p.name == "Jihovýchod"
    assert p.emerging["class"].is_in(["emerging", "nascent"]).all()
    assert "ROC AUC" in p.backtest and "persistence" in p.backtest
    assert p.simulated and not p.stale


def test_candidates_are_traded_not_excluded_and_explained(demo_batch):
    for region in ("CZ06", "SK02", "HU22"):
        p = demo_batch.profile(region)
        codes = set(p.candidates["industry"].to_list())
        assert codes and codes <= demo_batch.traded
        assert not codes & set(demo_batch.exclusions)
        assert p.candidates["reason"].str.starts_with("related to the region's ").all()
        # the scores differ: the ranking says something (not one quadrant for every row)
        assert p.candidates["score"].n_unique() > 1
        assert p.candidates["score"].is_sorted(descending=True)


def test_peers_by_cosine_similarity(demo_batch):
    p = demo_batch.profile("SK02")
    end = demo_batch.data.panel.filter(pl.col("year") == demo_batch.end).drop_nulls("value")
    wide = end.pivot(on="industry", index="region", values="value").sort("region").fill_null(0)
    m = wide.drop("region").to_numpy()
    s = m / m.sum(axis=1, keepdims=True)
    s = s / np.linalg.norm(s, axis=1, keepdims=True)
    regions = wide["region"].to_list()
    sims = s @ s[regions.index("SK02")]
    sims[regions.index("SK02")] = -1
    expected = [regions[j] for j in np.argsort(-sims)[:5]]
    assert p.peers["region"].to_list() == expected
    assert p.peers["similarity"].to_list() == pytest.approx(sorted(sims, reverse=True)[:5])


def test_legend_classes_are_never_empty():
    zero_heavy = np.array([0.0] * 40 + [0.3, 1.7, 2.4])
    breaks = nonempty_breaks(zero_heavy)
    edges = [zero_heavy.min(), *breaks]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        assert a < b  # never a "0.00-0.00" class
        inside = ((zero_heavy > a) & (zero_heavy <= b)) | ((zero_heavy == a) & (a == edges[0]))
        assert inside.any()
    assert 1.0 in breaks  # LQ = 1 stays a break when the data straddle it
    assert nonempty_breaks([2.0, 2.0, 2.0]) == [2.0]


def test_unknown_region_names_the_nuts_change():
    with pytest.raises(ReportInputError) as err:
        check_profile_regions(["HU11"], ["HU21", "HU22", "HU31"], {"HU10": "split_not_mapped"})
    text = str(err.value)
    assert "HU10 was split into HU11 and HU12 in NUTS 2016" in text
    assert "--splits apportion" in text and "HU21" in text
    assert nuts_change_explanation("CZ06") is None


def test_bad_window_is_a_clear_error():
    with pytest.raises(ValueError, match="start=1999 is not in the data"):
        compute_batch(_tiny(), start=1999, end=2021)


def test_retired_region_profile_options_warn_and_unknown_ones_fail():
    import emerging
    from emerging.reports.factsheet import region_profile

    panel = emerging.demo().panel
    with pytest.warns(DeprecationWarning, match="flags"):
        profile = region_profile(panel, "CZ06", start=2015, end=2023, flags=None, simulated=True)
    assert profile.region == "CZ06"
    with pytest.raises(TypeError, match="colour"):
        region_profile(panel, "CZ06", colour="red")


def test_english_names_for_the_regions_whose_national_name_differs():
    from emerging.codes.nuts import (
        central_europe_2021_2027,
        display_name,
        english_region_names,
        region_names,
    )

    english = english_region_names()
    national = region_names()
    assert set(english) <= central_europe_2021_2027()
    assert all(english[c] != national[c] for c in english)  # only where they differ
    assert english["AT13"] == "Vienna" and english["CZ01"] == "Prague"
    assert english["PL91"] == "Warsaw capital region"
    assert display_name("AT13") == "Wien (Vienna)"
    assert display_name("HU11") == "Budapest"  # the same in English: shown once
    assert display_name("XX99") == "XX99"


def test_missing_optional_data_omits_the_section_with_a_note(tmp_path, monkeypatch):
    """No wages, no participations, no geometry for a region off the tile grid: notes, no crash."""
    from emerging.reports import figures

    panel = _tiny().with_columns(pl.col("region").replace({"CZ01": "FR10"}))
    monkeypatch.setattr(figures, "_geometries", lambda: None)  # as if GISCO files were absent
    summary = build_report(panel, regions="FR10,AT11", out=tmp_path, formats=("html", "md"),
                           progress=False, start=2020, end=2021, compare=False)
    page = (tmp_path / "sheets" / "FR10.html").read_text()
    assert "co-operation section is omitted" in page
    assert "wages per person employed are omitted" in page
    assert "No map:" in page and "FR10_map.png" not in page
    assert (tmp_path / "sheets" / "AT11.md").read_text().count("Wages are not in this data") == 1
    assert summary.regions == ("FR10", "AT11")
