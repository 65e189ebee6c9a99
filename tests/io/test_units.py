"""Units in the contract: the LQ interval and `specialised` count persons, whatever the unit."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emerging._units import UnitError, canonical_unit, persons_per_value, unit_of, with_unit
from emerging.indices import location_quotient


def _panel(values):
    n = len(values) // 2
    return pl.DataFrame(
        {
            "region": [f"CZ{k + 1:02d}" for k in range(n) for _ in range(2)],
            "industry": ["C26", "C29"] * n,
            "year": [2020] * (2 * n),
            "value": [float(v) for v in values],
        }
    )


def test_unit_names_and_codes():
    assert canonical_unit("THS_PER") == "thousand persons" == canonical_unit("THS")
    assert canonical_unit("MIO_EUR") == "EUR million"
    assert persons_per_value(with_unit(_panel([1, 2, 3, 4]), "THS_PER")) == 1000.0
    assert unit_of(_panel([1, 2, 3, 4])) == "persons"
    with pytest.raises(UnitError, match="not known"):
        canonical_unit("dozens")
    mixed = _panel([1, 2, 3, 4]).with_columns(pl.Series("unit", ["persons", "THS_PER"] * 2))
    with pytest.raises(UnitError, match="several units"):
        location_quotient(mixed)


def test_thousands_give_the_interval_of_the_person_counts():
    persons = _panel([30_000, 10_000, 10_000, 50_000])
    thousands = with_unit(persons.with_columns(pl.col("value") / 1000), "thousand persons")
    a, b = location_quotient(persons), location_quotient(thousands)
    for col in ("lq", "lq_lo", "lq_hi"):
        np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=1e-12)
    # read as persons, the thousands would give a log-interval sqrt(1000) ~ 31.6 times wider
    naive = location_quotient(persons.with_columns(pl.col("value") / 1000))
    width = lambda f: np.log(f["lq_hi"] / f["lq_lo"]).to_numpy()  # noqa: E731
    ratio = width(naive) / width(a)
    np.testing.assert_allclose(ratio, math.sqrt(1000), rtol=0.02)


def test_specialised_holds_for_more_cells_in_person_counts():
    # a small LQ excess (1.02): significant for 1.2 million persons, not for 1,200 "persons"
    vals = [510_000, 490_000] + [500_000, 500_000] * 9  # CZ01 C26: LQ 0.51 / 0.501 = 1.018
    persons = _panel(vals)
    thousands = with_unit(persons.with_columns(pl.col("value") / 1000), "THS_PER")
    wrong = persons.with_columns(pl.col("value") / 1000)
    right = location_quotient(thousands)["specialised"].to_list()
    assert right == location_quotient(persons)["specialised"].to_list()
    assert right[0] and sum(right) == 10  # CZ01 C26 (1.018) and C29 elsewhere (1.002)
    assert not any(location_quotient(wrong)["specialised"].to_list())


def test_money_has_no_count_interval():
    eur = with_unit(_panel([30.0, 10.0, 10.0, 50.0]), "EUR million")
    out = location_quotient(eur)
    assert out["lq"].round(4).to_list() == [1.875, 0.4167, 0.4167, 1.3889]
    assert out["lq_lo"].is_null().all() and out["specialised"].is_null().all()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=10**6), min_size=6, max_size=6))
def test_property_interval_invariant_to_unit_scaling(values):
    persons = _panel(values)
    scaled = with_unit(persons.with_columns(pl.col("value") / 1000), "thousand persons")
    a, b = location_quotient(persons), location_quotient(scaled)
    np.testing.assert_allclose(a["lq_lo"].to_numpy(), b["lq_lo"].to_numpy(), rtol=1e-9)
