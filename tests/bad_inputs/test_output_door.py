"""Bad outputs and options at the CLI, choropleth and harmonise doors: named, one line, right exit code."""

from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from emerging._schema import EmptySelectionError, SchemaError
from emerging.cli import app

runner = CliRunner()


def _out_cases(tmp_path):
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("x")
    return {
        "out-is-a-file": (str(a_file), "is a file, not a folder"),
        "out-inside-a-file": (str(a_file / "sub"), "which is a file"),
        "out-unwritable": ("/proc/emerging-cannot-write-here", "cannot be written"),
    }


@pytest.mark.parametrize("command", ["demo", "build"])
@pytest.mark.parametrize("case", ["out-is-a-file", "out-inside-a-file", "out-unwritable"])
def test_cli_bad_out_is_one_line_exit_2(tmp_path, command, case):
    path, expected = _out_cases(tmp_path)[case]
    result = runner.invoke(app, [command, "--out", path])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0] and "--out" in lines[0]
    assert "Traceback" not in result.output


def test_cli_fetch_raw_is_a_file(tmp_path):
    a_file = tmp_path / "f"
    a_file.write_text("x")
    result = runner.invoke(app, ["fetch", "--raw", str(a_file), "--no-geometries"])
    assert result.exit_code == 2 and "--raw" in result.output and "is a file" in result.output


def test_cli_messages_keep_square_brackets(tmp_path):
    # rich markup would eat "[flags]": the message must show it as typed
    result = runner.invoke(
        app, ["build", "--raw", str(tmp_path), "--out", str(tmp_path / "o"), "--splits", "[flags]"]
    )
    assert result.exit_code == 2
    assert "[flags]" in result.output and "splits must be one of" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["fetch", "--dataset", "nope", "--no-geometries"], "unknown dataset(s) ['nope']"),
        (["fetch", "--format", "xml", "--no-geometries"], "--format must be 'tsv' or 'sdmx-csv'"),
        (["build", "--nuts", "2019"], "to must be one of (2016, 2021, 2024)"),
    ],
)
def test_cli_bad_options(tmp_path, args, expected):
    result = runner.invoke(
        app, [*args, "--raw", str(tmp_path), *(["--out", str(tmp_path / "o")] if args[0] == "build" else [])]
    )
    assert result.exit_code == 2 and expected in " ".join(result.output.split())


def test_cli_build_without_raw_files_names_the_fix(tmp_path):
    result = runner.invoke(app, ["build", "--raw", str(tmp_path / "none"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "emerging fetch" in result.output


@pytest.fixture(scope="module")
def geoms(shared_data):
    from emerging.io.gisco import load_nuts

    return load_nuts(level=2, year=2021, scale="60M", download=False)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("frame", "error", "expected"),
    [
        (
            pl.DataFrame({"region": [], "lq": []}, schema={"region": pl.String, "lq": pl.Float64}),
            EmptySelectionError,
            "frame is empty",
        ),
        (pl.DataFrame({"region": ["cz06", "SK02"], "lq": [1.0, 2.0]}), SchemaError, "lower case"),
        (pl.DataFrame({"region": ["CZ06 ", "SK02"], "lq": [1.0, 2.0]}), SchemaError, "str.to_uppercase"),
    ],
    ids=["empty", "lower-case", "trailing-space"],
)
def test_choropleth_names_empty_frames_and_odd_codes(geoms, frame, error, expected):
    import matplotlib

    matplotlib.use("Agg")
    from emerging.maps import choropleth

    with pytest.raises(error, match=expected):
        choropleth(frame, geoms, "lq")


HARMONISE = [
    ({"splits": "divide"}, ValueError, "splits must be one of"),
    ({"to": 2012}, ValueError, "to must be one of"),
    ({"to": 2013, "from_": 2021}, ValueError, "forward only"),
    ({"boundary_changes": "ignore"}, ValueError, "boundary_changes must be one of"),
    (
        {"weights": pl.DataFrame({"region": ["HU11"], "weight": [1.0]})},
        ValueError,
        "only with splits='apportion'",
    ),
    (
        {"splits": "apportion", "weights": pl.DataFrame({"region": ["HU11"], "weight": [1.0]})},
        SchemaError,
        "no weight for",
    ),
    ({"splits": "apportion", "weights": {"HU11": 1.0}}, TypeError, "polars DataFrame"),
]


@pytest.mark.parametrize(("options", "error", "expected"), HARMONISE)
def test_harmonise_options(options, error, expected):
    from emerging.codes.harmonise import harmonise

    panel = pl.DataFrame({"region": ["HU10"], "industry": ["C"], "year": [2015], "value": [1.0]})
    with pytest.raises(error, match=expected):
        harmonise(panel, **options)
