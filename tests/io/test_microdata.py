"""Microdata aggregation: hand-summed cells, every rejected record counted, any row order, Dask."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from emerging.io.microdata import Aggregation, RecordColumns, aggregate_records, partial_aggregate

RECORDS = pl.DataFrame(
    {
        "region": ["CZ064", "cz064 ", "CZ063", "CZ063", "SK010", "CZ0", "CZZZZ", "XX9999", None, "CZ064"],
        "activity": ["26.11", "2612", "C2611", "26110", "C 29.10", "2611", "2611", "2611", "2611", "A2611"],
        "year": [2020, 2020, 2020, 2021, 2020, 2020, 2020, 2020, 2020, 2020],
        "employees": [10.0, 5.0, 7.0, 4.0, 100.0, 3.0, 2.0, 1.0, 8.0, 6.0],
    }
)


def test_cells_are_hand_summed_and_units_counted():
    agg = aggregate_records(RECORDS, nuts_level=2, nace_level=2)
    got = {
        (r["region"], r["industry"], r["year"]): (r["value"], r["units"])
        for r in agg.panel.iter_rows(named=True)
    }
    # CZ06 C26 2020: 10 + 5 + 7 (CZ064 twice, one with lower case and a trailing blank; CZ063 once)
    assert got == {
        ("CZ06", "C26", 2020): (22.0, 3),
        ("CZ06", "C26", 2021): (4.0, 1),  # national five-digit sub-class 26110 cut to NACE 2611
        ("SK01", "C29", 2020): (100.0, 1),
    }
    reasons = dict(agg.exclusion_table.select("reason", "records").iter_rows())
    assert reasons == {
        "region code coarser than NUTS-2": 1,
        "extra-regio region (NUTS code ending in Z)": 1,
        "region code is not a NUTS code": 1,
        "missing region code": 1,
        "section letter contradicts the NACE division": 1,
    }
    assert agg.records == RECORDS.height  # nothing lost: accepted + excluded = read
    assert agg.exclusions.total == 5 and agg.exclusions.counts["missing region code"] == 1
    assert agg.panel.schema["value"] == pl.Float64 and agg.panel.schema["year"] == pl.Int32


def test_levels_nuts3_class_and_section():
    fine = aggregate_records(RECORDS, nuts_level=3, nace_level=4)
    cells = set(fine.panel.select("region", "industry").iter_rows())
    assert ("CZ064", "C2611") in cells and ("CZ064", "C2612") in cells and ("SK010", "C2910") in cells
    coarse = aggregate_records(RECORDS, nuts_level=0, nace_level=1)
    # at NUTS-0 the NUTS-1 code CZ0 (3) and the extra-regio unit CZZZZ (2) belong to CZ: 22 + 3 + 2
    assert dict(coarse.panel.filter(pl.col("year") == 2020).select("region", "value").iter_rows()) == {
        "CZ": 27.0,
        "SK": 100.0,
    }


def test_value_problems_are_counted_not_summed():
    recs = pl.DataFrame(
        {
            "region": ["AT130"] * 5,
            "activity": ["62.01"] * 5,
            "year": [2019, 2019, 2019, 2019, None],
            "employees": [3.0, None, -1.0, float("inf"), 2.0],
        }
    )
    agg = aggregate_records(recs)
    assert agg.panel.rows() == [("AT13", "J62", 2019, 3.0, 1)]
    assert dict(agg.exclusion_table.select("reason", "records").iter_rows()) == {
        "missing head count": 1,
        "negative head count": 1,
        "non-finite head count": 1,
        "missing or non-integer year": 1,
    }


def test_region_map_and_column_names():
    recs = RECORDS.rename({"region": "nuts", "employees": "persons"})
    agg = aggregate_records(
        recs, columns=RecordColumns(region="nuts", value="persons"), region_map={"SK010": "SK021"}
    )
    assert "SK02" in agg.panel["region"].to_list() and "SK01" not in agg.panel["region"].to_list()


def test_clear_errors():
    with pytest.raises(KeyError, match="RecordColumns"):
        aggregate_records(RECORDS.rename({"employees": "staff"}))
    with pytest.raises(TypeError, match="leading zeros"):
        aggregate_records(RECORDS.with_columns(pl.lit(111).alias("activity")))
    with pytest.raises(ValueError, match="nuts_level"):
        aggregate_records(RECORDS, nuts_level=4)
    with pytest.raises(ValueError, match="nace_level"):
        aggregate_records(RECORDS, nace_level=0)


def _random_records(n: int, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    regions = np.array(["CZ010", "CZ020", "SK010", "HU110", "PL911", "AT130", "CZZZZ", "bad"])
    activities = np.array(["26.11", "29.10", "2620", "C1011", "62.01", "00.11", "01.11"])
    return pl.DataFrame(
        {
            "region": regions[rng.integers(0, len(regions), n)],
            "activity": activities[rng.integers(0, len(activities), n)],
            "year": rng.integers(2015, 2020, n).astype(np.int32),
            "employees": rng.integers(0, 500, n).astype(np.float64),
        }
    )


def test_streaming_in_memory_and_row_order_agree():
    recs = _random_records(20_000)
    a = aggregate_records(recs.lazy())
    b = aggregate_records(recs.sample(fraction=1.0, shuffle=True, seed=3), streaming=False)
    assert a.panel.equals(b.panel) and a.exclusion_table.equals(b.exclusion_table)
    # independent oracle: a plain group_by over the rows we know are valid
    valid = recs.filter(
        pl.col("region").is_in(["CZ010", "CZ020", "SK010", "HU110", "PL911", "AT130"]),
        pl.col("activity") != "00.11",
    )
    oracle = (
        valid.with_columns(
            pl.col("region").str.slice(0, 4),
            pl.col("activity")
            .replace(
                {
                    "26.11": "C26",
                    "29.10": "C29",
                    "2620": "C26",
                    "C1011": "C10",
                    "62.01": "J62",
                    "01.11": "A01",
                }
            )
            .alias("industry"),
        )
        .group_by("region", "industry", "year")
        .agg(pl.col("employees").sum().alias("value"), pl.len().alias("units"))
        .sort("region", "industry", "year")
    )
    assert a.panel.select("region", "industry", "year", "value").equals(
        oracle.select("region", "industry", pl.col("year").cast(pl.Int32), "value")
    )
    assert a.panel["units"].to_list() == oracle["units"].to_list()
    assert a.records == recs.height


def test_partial_aggregate_is_lazy():
    assert isinstance(partial_aggregate(RECORDS.lazy()), pl.LazyFrame)


def test_summary_and_html():
    agg = aggregate_records(RECORDS)
    assert isinstance(agg, Aggregation)
    assert "10 records -> 3 cells" in agg.summary()
    html = aggregate_records(RECORDS.with_columns(pl.lit("<script>").alias("activity")))._repr_html_()
    assert "<script>" not in html


def test_dask_on_a_local_cluster_equals_polars():
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    from emerging.io.microdata import aggregate_records_dask

    recs = _random_records(30_000, seed=7)
    ddf = dd.from_pandas(recs.to_pandas(), npartitions=6)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster):
            got = aggregate_records_dask(ddf)
    want = aggregate_records(recs)
    assert got.panel.select("region", "industry", "year", "units").equals(
        want.panel.select("region", "industry", "year", "units")
    )
    np.testing.assert_allclose(
        got.panel["value"].to_numpy(), want.panel["value"].to_numpy(), rtol=0, atol=1e-9
    )
    assert got.exclusion_table.select("reason", "records").equals(
        want.exclusion_table.select("reason", "records")
    )


def test_batches_add_up_to_one_pass(monkeypatch):
    import emerging.io.microdata as microdata

    recs = _random_records(20_000, seed=11)
    whole = aggregate_records(recs.lazy())
    monkeypatch.setattr(microdata, "BATCH_ROWS", 3_000)  # 7 batches, the last one short
    batched = aggregate_records(recs.lazy())
    assert batched.panel.select("region", "industry", "year", "units").equals(
        whole.panel.select("region", "industry", "year", "units")
    )
    np.testing.assert_allclose(batched.panel["value"].to_numpy(), whole.panel["value"].to_numpy(), atol=1e-9)
    assert batched.exclusion_table.select("reason", "records").equals(
        whole.exclusion_table.select("reason", "records")
    )
