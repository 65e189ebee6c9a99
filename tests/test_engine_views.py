"""The engine's row-level fast paths: runs found on Arrow string views, gathers by a
row-length index piece by piece, block indices, and frames in many chunks."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

import emerging
from emerging import _engine
from emerging._arrow import with_string_views
from emerging._engine import CodedPanel, dense_codes, take_rows
from emerging.indices._coded import _hashed_codes

LONG = "a region code longer than twelve bytes"  # not inline: a view points into a buffer


def _chunked(values: list[str], cuts: list[int]) -> pl.Series:
    """``values`` as a String column in several chunks (cut at ``cuts``)."""
    bounds = [0, *cuts, len(values)]
    parts = [pl.Series("k", values[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return pl.concat(parts, rechunk=False)


@pytest.mark.parametrize("piece", [3, 1 << 20])
def test_runs_on_views_match_hashed_codes_in_any_chunking(monkeypatch, piece):
    monkeypatch.setattr(_engine, "_VIEW_PIECE", piece)  # piece starts inside runs
    runs = ["AT11", LONG, LONG + "!", "CZ01", LONG, "", "SK02"]
    values = [w for w in runs for _ in range(7)] * 3
    keys = _chunked(values, [5, 7, 30, 31, 100])  # chunk edges inside and between runs
    assert keys.n_chunks() == 6
    keys = pl.concat([keys, _chunked([LONG] * 9, [4])], rechunk=False)  # a LONG stored twice
    codes, names = dense_codes(keys)
    want_codes, want_names = _hashed_codes(keys)
    assert names.to_list() == want_names.to_list() == sorted(set(keys.to_list()))
    assert np.array_equal(codes, want_codes)
    starts, run_values = _engine._runs(keys)
    full = keys.to_list()
    expected = [k for k in range(len(full)) if k == 0 or full[k] != full[k - 1]]
    assert starts.tolist() == expected
    assert run_values.to_list() == [full[k] for k in expected]


def test_string_views_of_a_sliced_column_start_at_its_offset():
    s = pl.Series(["x", "yy", LONG, "zzz"]).slice(1, 2)
    views = with_string_views(s, lambda vs: [v.copy() for v in vs])
    assert sum(len(v) for v in views) == 2
    assert (views[0][:, 0] & 0xFFFFFFFF).tolist() == [2, len(LONG)]  # the lengths


@pytest.mark.parametrize("dtype", [np.int32, np.uint32, np.int64])
def test_take_rows_is_fancy_indexing(monkeypatch, dtype):
    monkeypatch.setattr(_engine, "_INDEX_BLOCK", 7)  # many pieces, a ragged last one
    rng = np.random.default_rng(0)
    table = rng.random(50)
    index = rng.integers(0, 50, 1001).astype(dtype)
    assert np.array_equal(take_rows(table, index), table[index])


def _panel(order: str) -> pl.DataFrame:
    rng = np.random.default_rng(4)
    regions, industries, years = ["AT11", "AT12", "CZ01"], ["C10", "C20", "G46", "J62"], [2018, 2019, 2020]
    grid = pl.DataFrame({"region": regions}).join(pl.DataFrame({"industry": industries}), how="cross")
    grid = grid.join(pl.DataFrame({"year": pl.Series(years, dtype=pl.Int32)}), how="cross")
    frame = grid.with_columns(value=pl.Series(rng.integers(0, 50, grid.height).astype(float)))
    if order == "shuffled":
        return frame[rng.permutation(frame.height)]
    return frame


@pytest.mark.parametrize("order", ["series", "shuffled"])
def test_block_index_equals_the_flat_indices(order):
    coded = CodedPanel.from_panel(_panel(order))
    buffer = np.empty(11, dtype=np.intp)
    for name in ("yr", "yi"):
        got = coded.block_index(name, slice(3, 14), buffer)
        assert np.array_equal(got, getattr(type(coded), name).func(coded)[3:14])


@pytest.mark.parametrize("order", ["series", "shuffled"])
def test_a_frame_in_many_chunks_gives_the_rechunked_results(order):
    frame = _panel(order)
    chunks = pl.concat([frame.slice(k, 5) for k in range(0, frame.height, 5)], rechunk=False)
    assert chunks["region"].n_chunks() > 1
    emerging.clear_cache()
    got = emerging.location_quotient(chunks)
    want = emerging.location_quotient(frame.rechunk())
    assert got.equals(want)
    assert got.columns == [*frame.columns, "lq", "lq_reason", "unknown_share", "lq_lo",
                           "lq_hi", "alq", "specialised"]


def test_lq_columns_share_the_read_only_row_arrays():
    from emerging.indices.lq import economy_of, lq_frame

    coded = CodedPanel.from_panel(_panel("shuffled"))
    out, rows = lq_frame(coded, economy_of(coded, "all", None), level=0.95)
    assert "lq" not in rows["nan"]  # every LQ is defined in this panel
    assert not rows["lq"].flags.writeable
    with pytest.raises(ValueError):
        rows["lq"][0] = 1.0  # the frame's column would change with it
    assert np.array_equal(out["lq"].to_numpy(), rows["lq"])
