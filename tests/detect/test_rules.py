"""Signals and rules: hand-computed on a 2 x 2 x 2 panel, and the planted demo signals."""

import math
from fractions import Fraction

import polars as pl
import pytest

from emerging.detect.rules import (
    flag_emerging,
    grows_faster_than_reference,
    lq_crosses,
    min_cagr,
    min_employment,
    min_lq,
)
from emerging.detect.signals import emergence_signals

PANEL = pl.DataFrame(
    {
        "region": ["CZ06", "CZ06", "SK02", "SK02"] * 2,
        "industry": ["C26", "C29"] * 4,
        "year": [2015] * 4 + [2023] * 4,
        "value": [10.0, 90.0, 40.0, 60.0, 40.0, 60.0, 40.0, 60.0],
    }
)


def test_signals_by_hand():
    s = emergence_signals(PANEL, start=2015, end=2023).table.filter(region="CZ06", industry="C26")
    row = s.row(0, named=True)
    # LQ 2015 = (10/100) / (50/200) = 2/5; LQ 2023 = (40/100) / (80/200) = 1
    assert row["lq_start"] == pytest.approx(float(Fraction(2, 5)))
    assert row["lq_end"] == pytest.approx(1.0)
    assert row["cagr"] == pytest.approx(4 ** (1 / 8) - 1)
    assert row["ref_cagr"] == pytest.approx(Fraction(80, 50) ** Fraction(1, 8) - 1)
    assert row["growth_gap"] == pytest.approx(4 ** (1 / 8) - 1.6 ** (1 / 8))


def test_flag_and_evidence():
    signals = emergence_signals(PANEL, start=2015, end=2023)
    flags = flag_emerging(signals, [lq_crosses(1.0), grows_faster_than_reference()])
    flagged = flags.flagged()
    # SK02-C29 keeps its 60 jobs while C29 shrinks from 150 to 120 overall: its LQ rises
    # from (60/100)/(150/200) = 4/5 to 1 and it beats the reference, so it is flagged too.
    assert flagged.select("region", "industry").rows() == [("CZ06", "C26"), ("SK02", "C29")]
    evidence = flagged["evidence"][0]
    assert "LQ 0.4 in 2015 -> 1.0 in 2023" in evidence
    assert f"grew {100 * (4 ** (1 / 8) - 1):.1f}% a year" in evidence
    # every row carries every rule's verdict
    table = flags.to_frame()
    assert {"lq_crosses_1", "growth_above_reference", "flagged", "evidence"} <= set(table.columns)
    assert table.filter(region="CZ06", industry="C29")["flagged"].item() is False
    assert "2 of 4 region-industries flagged" in flags.summary()


def test_other_rules_by_hand():
    signals = emergence_signals(PANEL, start=2015, end=2023)
    out = flag_emerging(signals, [min_lq(1.0), min_cagr(0.1), min_employment(40)]).to_frame()
    verdicts = {(r, i): (a, b, c) for r, i, a, b, c in out.select(
        "region", "industry", "min_lq_1", "min_cagr_0.1", "min_employment_40").iter_rows()}
    assert verdicts[("CZ06", "C26")] == (True, True, True)  # cagr 18.9 %
    assert verdicts[("CZ06", "C29")] == (True, False, True)  # LQ (60/100)/(120/200) = 1
    assert 4 ** (1 / 8) - 1 > 0.1 > 0


def test_confidential_cell_gives_unassessable_flag():
    panel = PANEL.with_columns(
        pl.when((pl.col("region") == "CZ06") & (pl.col("industry") == "C26") & (pl.col("year") == 2015))
        .then(None).otherwise(pl.col("value")).alias("value")
    )
    signals = emergence_signals(panel, start=2015, end=2023)
    row = signals.table.filter(region="CZ06", industry="C26").row(0, named=True)
    assert row["cagr"] is None and row["signal_note"] == "unknown value in a year used"
    flags = flag_emerging(signals)
    assert flags.to_frame().filter(region="CZ06", industry="C26")["flagged"].item() is None
    assert "1 could not be assessed" in flags.summary()


def test_bad_options_fail_loudly():
    with pytest.raises(ValueError, match="start must be before end"):
        emergence_signals(PANEL, start=2023, end=2015)
    with pytest.raises(ValueError, match=r"as_of=2030 is not a year of the panel"):
        emergence_signals(PANEL, start=2015, end=2030)
    with pytest.raises(ValueError, match="rules is empty"):
        flag_emerging(emergence_signals(PANEL, start=2015, end=2023), [])


def test_planted_emerging_pairs_are_flagged_and_ranked_high(demo_data):
    signals = emergence_signals(demo_data.panel, start=2015, end=2023)
    flags = flag_emerging(signals, [lq_crosses(1.0), grows_faster_than_reference(), min_employment(100)])
    planted = demo_data.truth.filter(kind="emerging").select("region", "industry")
    ranked = flags.flagged().with_row_index("rank")
    found = planted.join(ranked, on=["region", "industry"])
    assert found.height == planted.height
    assert found["rank"].max() < 20  # all ten planted pairs among the top twenty by growth gap
    declining = demo_data.truth.filter(kind="declining").select("region", "industry")
    assert declining.join(flags.flagged(), on=["region", "industry"]).height == 0
    assert math.isfinite(flags.flagged()["growth_gap"].min())


def test_signals_refuse_an_unsupported_base():
    with pytest.warns(DeprecationWarning, match="use reference='reference' instead"), \
            pytest.raises(ValueError,
                          match=r"reference must be one of \('all', 'country', 'set'\); got 'reference'"):
        emergence_signals(PANEL, start=2015, end=2023, base="reference")
    with pytest.raises(ValueError, match="reference must be one of"):
        emergence_signals(PANEL, start=2015, end=2023, reference="nation")


def test_signals_old_base_spelling_warns_and_agrees():
    with pytest.warns(DeprecationWarning, match="use reference='country' instead"):
        old = emergence_signals(PANEL, start=2015, end=2023, base="country")
    new = emergence_signals(PANEL, start=2015, end=2023, reference="country")
    assert old.table.equals(new.table)


def test_employment_evidence_is_a_whole_number():
    signals = emergence_signals(PANEL, start=2015, end=2023)
    evidence = flag_emerging(signals, [min_employment(10)]).to_frame()["evidence"].to_list()
    assert "40 persons employed at the end" in evidence


def test_flags_plot_draws_each_verdict_with_its_count(demo_data):
    from emerging.maps import Drawing

    flags = flag_emerging(emergence_signals(demo_data.panel.drop("flag"), start=2015, end=2023))
    drawing = flags.plot()
    assert isinstance(drawing, Drawing)
    ax = drawing.ax
    t = flags.table.filter((pl.col("lq_start") > 0) & (pl.col("lq_end") > 0))
    flagged = int(t["flagged"].fill_null(False).sum())
    points = {c.get_label(): len(c.get_offsets()) for c in ax.collections}
    assert points[f"flagged ({flagged:,})"] == flagged > 0
    assert points[f"not flagged ({t.height - flagged - t['flagged'].null_count():,})"] > 0
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "2015" in ax.get_xlabel() and "2023" in ax.get_ylabel()
    one = flags.plot(region="CZ06").ax  # one region: its industries, flagged ones named
    names = {text.get_text() for text in one.texts}
    expected = set(flags.table.filter((pl.col("region") == "CZ06")
                                      & pl.col("flagged").fill_null(False))["industry"])
    assert names == expected and one.get_title(loc="left").startswith("CZ06")
    with pytest.raises(ValueError, match="no pair with positive LQs"):
        flags.plot(region="XX99")
