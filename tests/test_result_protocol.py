"""One result protocol: every result class inherits emerging._result.Result, and what
Jupyter shows is escaped and styled only inside its own element."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass

import polars as pl
import pytest

import emerging
from emerging._result import Result, html_table, scoped_html
from emerging._schema import Exclusions

PROTOCOL = ("to_frame", "summary", "_repr_html_", "plot")


def _classes():
    found = []
    for info in pkgutil.walk_packages(emerging.__path__, "emerging."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


CLASSES = _classes()
RESULTS = [c for c in CLASSES if issubclass(c, Result) and c is not Result]


def test_every_result_class_inherits_the_protocol():
    """A class that looks like a result (defines any protocol method) must be a Result."""
    rogue = [f"{c.__module__}.{c.__qualname__}" for c in CLASSES
             if any(m in vars(c) for m in PROTOCOL) and not issubclass(c, Result)
             and c.__name__ != "Drawing"]
    assert rogue == []
    names = {c.__name__ for c in RESULTS}
    # the results the issue names, and one of each layer
    assert {"EmergenceFlags", "RegionProfile", "ShiftShare", "ClusterStars", "Complexity",
            "Projection", "HarmonisedPanel", "CordisTable"} <= names


@pytest.mark.parametrize("cls", RESULTS, ids=lambda c: c.__name__)
def test_result_defines_its_own_frame_and_summary(cls):
    for method in ("to_frame", "summary"):
        assert getattr(cls, method) is not getattr(Result, method), f"{cls.__name__}.{method}"
    assert "_repr_html_" not in vars(cls), "use the protocol's _repr_html_ (override _html_frame)"


@dataclass(frozen=True, repr=False)
class _Toy(Result):
    table: pl.DataFrame

    def to_frame(self) -> pl.DataFrame:
        return self.table

    def summary(self) -> str:
        return f"Toy result for {self.table['region'][0]}"


@dataclass(frozen=True, repr=False)
class _WithExclusions(_Toy):
    exclusions: Exclusions


EVIL = "<script>alert('x')</script>"


def test_repr_html_escapes_region_names_and_scopes_its_css():
    toy = _Toy(pl.DataFrame({"region": [EVIL, "CZ01"], "value": [1.5, None]}))
    page = toy._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    element = re.match(r'<div id="(emerging-result-\d+)"', page).group(1)
    css = re.search(r"<style>(.*)</style>", page, re.S).group(1)
    selectors = [s.strip() for rule in css.split("}") if "{" in rule
                 for s in rule.split("{")[0].split(",")]
    assert selectors and all(s.startswith(f"#{element}") for s in selectors)
    assert toy._repr_html_() != page  # each rendering has its own id
    assert repr(toy) == f"<_Toy>\nToy result for {EVIL}"


def test_protocol_defaults_exclusions_and_plot():
    toy = _Toy(pl.DataFrame({"region": ["CZ01"]}))
    assert isinstance(toy.exclusions, Exclusions) and toy.exclusions.total == 0
    kept = _WithExclusions(pl.DataFrame({"region": ["CZ01"]}), Exclusions({"null value": 2}))
    assert kept.exclusions.total == 2
    with pytest.raises(NotImplementedError, match="has no drawing"):
        toy.plot()
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        toy.nope  # noqa: B018


def test_html_table_formats_and_counts():
    frame = pl.DataFrame({"n": [1234567, 2], "x": [0.123456, 12345.6], "s": ["a&b", None]})
    table = html_table(frame, rows=1)
    assert "1,234,567" in table and "0.1235" in table and "a&amp;b" in table
    assert "2 rows; first 1 shown" in table
    assert "&lt;b&gt;" in scoped_html("<b>", "x")


def test_region_profile_html_is_scoped_and_escaped():
    """The fact sheet's own CSS never reaches the notebook; a hostile name is escaped."""
    from dataclasses import replace

    from emerging import region_profile
    from emerging.datasets import demo

    data = demo()
    profile = region_profile(data.panel.drop("flag"), "CZ01", start=2015, end=2023)
    page = replace(profile, name=EVIL)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    css = re.search(r"<style>(.*)</style>", page, re.S).group(1)
    assert "body" not in css and "html" not in css
    assert page.startswith('<div id="emerging-result-')


def test_emergence_flags_html_escapes_evidence():
    from emerging.detect.rules import EmergenceFlags

    flags = EmergenceFlags(
        pl.DataFrame({"region": [EVIL], "industry": ["C26"], "flagged": [True],
                      "growth_gap": [0.1], "evidence": ["<b>LQ 1.2</b>"]}),
        rules=(),
    )
    page = flags._repr_html_()
    assert "<script>" not in page and "<b>LQ" not in page and "&lt;b&gt;LQ 1.2" in page


def test_html_tables_show_years_as_labels_and_counts_with_separators():
    from emerging._result import html_table

    out = html_table(pl.DataFrame({"year": [2014], "to_version": [2021], "as_of": [2011], "value": [12345]}))
    assert ">2014<" in out and ">2021<" in out and ">2011<" in out and ">12,345<" in out
    assert "1 row</p>" in out
