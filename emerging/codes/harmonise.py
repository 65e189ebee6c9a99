"""Harmonise a panel written in mixed or older NUTS versions to one NUTS version.

Eurostat series keep the NUTS version in force when each year was published, so one file
can hold ``SI01`` (NUTS 2010) for 2008-2012 and ``SI03`` (NUTS 2013) from 2013, or Italian
``ITD*``/``ITE*`` codes (NUTS 2006) next to ``ITH*``/``ITI*``. :func:`harmonise` rewrites
such a panel in one version using the crosswalk of :mod:`emerging.codes.nuts_versions`:

* a unit that was only renamed gets its new code (a rename across a boundary change, such
  as ``SI01`` -> ``SI03``, is kept and reported as such);
* units merged into one are summed; the sum is null (and reported) when any part is null
  or absent, never a partial total;
* a unit split into several cannot be divided without inventing numbers: by default its
  series is reported and left out; with ``splits="aggregate"`` the old unit is kept and
  the newer units are summed back into it; with ``splits="apportion"`` its values are
  divided between the new units by a weight (:mod:`emerging.codes._apportion`), flagged
  ``estimated`` and listed in the report;
* units regrouped many-to-many (Ireland 2016, Norway 2021, Portugal 2024) are reported;
  where the table pairs each old unit with one new unit and only territory moved between
  them (Slovenia 2013, Saxony 2010) the pair is a rename with a boundary change.

Levels 1, 2 and 3 are covered, each through its own level of the crosswalk, which is read
from Eurostat's NUTS change tables 2003-2024 (:mod:`emerging.codes.nuts_versions`).

When old and new codes both give a value for the same year, the value of the newest NUTS
version wins, whatever either value's flag, and the overlap is counted (``conflicts``) when
the two differ. A value always beats a null; when every candidate is null, a flagged null
(e.g. confidential ``c``) is kept before a plain one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, validate_panel
from emerging.codes._apportion import apportion, describe, split_weights
from emerging.codes.nuts import closest_codes
from emerging.codes.nuts_versions import (
    TARGETS,
    VERSIONS,
    code_versions,
    lineage,
    nuts_codes,
    regulations,
)

Splits = Literal["report", "aggregate", "apportion"]
_SPLITS = ("report", "aggregate", "apportion")
_MAPPED = ("recoded", "recoded_boundary_change", "merged", "split_aggregated", "split_apportioned")


@dataclass(frozen=True, repr=False)
class HarmonisedPanel(Result):
    """A panel rewritten in one NUTS version, with a report of every code that changed.

    Attributes
    ----------
    panel
        ``region``, ``industry``, ``year``, ``value``, ``flag`` (when the input had one) and
        ``nuts_source`` (the input code or codes, e.g. ``"DE41+DE42"``).
    report
        One row per input code that was not kept as it is: ``code``, ``version`` (the NUTS
        version it was read in), ``status``, ``mapped`` (bool), ``targets``, ``rows`` (input
        rows), ``null_rows`` (output rows left null because a merged part was unknown),
        ``reason``, ``estimated_rows`` (values apportioned from it) and ``regulation`` (the
        amendment regulations behind its changes).
    target
        The NUTS version of the output.
    conflicts
        Keys where codes of two versions both gave a value and the values differ.
    estimates
        With ``splits="apportion"``: one row per estimated value kept in ``panel``:
        ``region``, ``industry``, ``year``, ``value``, ``source`` (the split unit), ``weight``
        and ``basis`` (where the weight came from).
    """

    panel: pl.DataFrame
    report: pl.DataFrame
    target: int
    conflicts: int
    estimates: pl.DataFrame = field(default_factory=pl.DataFrame)

    def to_frame(self) -> pl.DataFrame:
        """The harmonised panel."""
        return self.panel

    def not_mapped(self) -> pl.DataFrame:
        """Report rows of codes whose series are not in the output panel."""
        return self.report.filter(~pl.col("mapped"))

    def estimated(self) -> pl.DataFrame:
        """Rows of the panel whose value is an estimate (``splits="apportion"``)."""
        if "estimated" not in self.panel.columns:
            return self.panel.clear()
        return self.panel.filter(pl.col("estimated"))

    def summary(self) -> str:
        by = (
            self.report.group_by("status", "mapped")
            .agg(pl.len().alias("codes"), pl.col("rows").sum())
            .sort("status")
        )
        lines = [
            f"Harmonised to NUTS {self.target}: {self.panel.height:,} rows, "
            f"{self.panel[REGION].n_unique():,} regions; {self.conflicts:,} overlapping "
            "values differed between NUTS versions (newest kept)."
        ]
        if "estimated" in self.panel.columns:
            n = int(self.panel["estimated"].sum())
            lines.append(f"  {n:,} values ESTIMATED by apportioning split regions (column 'estimated')")
        for r in by.iter_rows(named=True):
            kept = "kept" if r["mapped"] else "NOT mapped"
            lines.append(f"  {r['status']}: {r['codes']} codes, {r['rows']:,} input rows ({kept})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _html_frame(self) -> pl.DataFrame:
        return self.report


    def plot(self, ax=None):
        """Bar chart of input rows by report status; returns a :class:`~emerging.maps.Drawing`."""
        from emerging.maps.data_plots import plot_harmonised

        return plot_harmonised(self, ax)


def _source_version(code: str, to: int, from_: int | None) -> tuple[int | None, str, str]:
    """(version, status, reason) for one input code; version None when not mappable."""
    level = len(code) - 2
    if level == 0:
        return to, "kept", ""
    if level not in (1, 2, 3):
        return (
            None,
            "unknown_code",
            f"{len(code)} characters: not a NUTS code of any level (NUTS-1/2/3 codes have 3-5)",
        )
    if code.endswith("Z" * level):
        return to, "kept", ""
    if from_ is not None:
        if code in nuts_codes(from_, level):
            return from_, "kept", ""
        return (
            None,
            "unknown_code",
            (
                f"not a NUTS {from_} code (exists in {list(code_versions(code)) or 'no version'}); "
                f"closest NUTS {from_} codes: {closest_codes(code, nuts_codes(from_, level), 3)}"
            ),
        )
    versions = code_versions(code)
    older = [v for v in versions if v <= to]
    if older:
        return max(older), "kept", ""
    if versions:
        return (
            None,
            "newer_than_target",
            (f"exists only from NUTS {versions[0]}; cannot map back to NUTS {to}"),
        )
    return (
        None,
        "unknown_code",
        (
            f"not a NUTS-{level} code of any version {VERSIONS}; closest NUTS {to} codes: "
            f"{closest_codes(code, nuts_codes(to, level), 3)}"
        ),
    )


def _note(code: str, version: int | None, status: str, targets: str, reason: str) -> dict:
    return dict(code=code, version=version, status=status, targets=targets, reason=reason)


def _renamed(code, version, to, group, boundary_changes):
    """(entry or None, report note or None) of a code that keeps its identity under one code;
    ``group``: (sources, targets, the code's rename or None, whether a boundary changed)."""
    sources, targets, renamed, boundary = group
    joined = ", ".join(targets)
    dest = renamed or targets[0]
    if (boundary or renamed) and boundary_changes == "report":
        why = f"{code} -> {dest} changed territory; left out (boundary_changes='report')"
        return None, _note(code, version, "boundary_not_mapped", dest, why)
    entry = dict(target=dest, version=version, parts=1)
    if dest == code and not boundary and not renamed:
        return entry, None
    if not (boundary or renamed):
        return entry, _note(code, version, "recoded", dest, f"NUTS {version} {code} -> NUTS {to} {dest}.")
    moved = (
        f" Territory moved between {', '.join(sources)} and {joined} on the way; "
        "values are those of the old territory."
        if renamed
        else " Boundary changed on the way; values are those of the old territory."
    )
    why = f"NUTS {version} {code} -> NUTS {to} {dest}." + moved
    return entry, _note(code, version, "recoded_boundary_change", dest, why)


def _discontinued(code: str, version: int, to: int, level: int) -> dict:
    """Report note of a code with no successor in NUTS ``to``."""
    covered = any(c.startswith(code[:2]) for c in nuts_codes(to, level))
    why = (
        f"NUTS {version} {code} was discontinued on the way to NUTS {to} and the change "
        "table names no successor; its series cannot be placed"
        if covered
        else f"NUTS {to} has no codes for country {code[:2]} (e.g. the United Kingdom "
        "after it left the EU); harmonise to an earlier version to keep it"
    )
    return _note(code, version, "discontinued_not_mapped", "", why)


def _regrouped(code, version, to, sources, targets, splits, level) -> tuple[dict | None, dict]:
    """(entry or None, report note) of a code in a merge, a split or a regrouping."""
    joined = ", ".join(targets)
    if len(targets) == 1:
        why = (
            f"{' + '.join(sources)} (NUTS {version}) summed into {joined}; null where "
            "any part is null or absent"
        )
        entry = dict(target=targets[0], version=version, parts=len(sources))
        return entry, _note(code, version, "merged", joined, why)
    if len(sources) > 1:
        why = (
            f"{', '.join(sources)} (NUTS {version}) were regrouped into {joined} "
            f"(NUTS {to}); no one-to-one or summable mapping exists at NUTS-{level}"
        )
        return None, _note(code, version, "reorganised_not_mapped", joined, why)
    if splits == "aggregate":
        why = (
            f"split into {joined} in NUTS {to}; kept as {code} with the newer units "
            "summed back (null where any of them is null)"
        )
        return dict(target=code, version=version, parts=1), _note(
            code, version, "split_aggregated", joined, why
        )
    if splits == "apportion":
        return None, _note(code, version, "split_apportioned", joined, "")
    why = (
        f"split into {joined} in NUTS {to}; the series cannot be divided without "
        f"inventing numbers. Pass splits='aggregate' to keep {code} and sum the "
        "newer units back into it, or splits='apportion' to divide it by a weight"
    )
    return None, _note(code, version, "split_not_mapped", joined, why)


def _map_code(
    code: str, *, to: int, from_: int | None, splits: str, boundary_changes: str
) -> tuple[dict | None, dict | None, tuple[str, ...]]:
    """(entry or None, report note or None, the new units of a regrouped code) of one code."""
    version, status, reason = _source_version(code, to, from_)
    if version is None:
        return None, _note(code, None, status, "", reason), ()
    level = len(code) - 2
    if level == 0 or code.endswith("Z" * level) or version == to:
        return dict(target=code, version=version, parts=1), None, ()
    lin = lineage(version, to, level)
    sources, targets, kinds = lin.groups[lin.group_of[code]]
    renamed = lin.renames.get(code)
    if not targets:
        return None, _discontinued(code, version, to, level), ()
    if (len(sources) == 1 and len(targets) == 1) or renamed:
        group = (sources, targets, renamed, "boundary" in kinds)
        entry, note = _renamed(code, version, to, group, boundary_changes)
        return entry, note, ()
    entry, note = _regrouped(code, version, to, sources, targets, splits, level)
    return entry, note, tuple(targets)


def _code_map(
    codes: list[str], *, to: int, from_: int | None, splits: str, boundary_changes: str
) -> tuple[pl.DataFrame, list[dict], dict[str, tuple[str, ...]]]:
    """Map each input code to (target code, version, parts expected); collect report rows.

    Also returns the split units to apportion: old code -> its new units.
    """
    entries: dict[str, dict] = {}
    report: list[dict] = []
    present = set(codes)
    aggregate_back: dict[str, tuple[str, int]] = {}  # newer child -> (old unit, n children)
    to_apportion: dict[str, tuple[str, ...]] = {}
    for code in codes:
        entry, note, split_into = _map_code(code, to=to, from_=from_, splits=splits,
                                            boundary_changes=boundary_changes)
        if entry is not None:
            entries[code] = entry
        if note is None:
            continue
        report.append(note)
        if note["status"] == "split_aggregated":
            aggregate_back.update({child: (code, len(split_into)) for child in split_into})
        elif note["status"] == "split_apportioned":
            to_apportion[code] = split_into
    for child, (old, n) in aggregate_back.items():
        if child in entries and old in present:
            version = entries[child]["version"]
            entries[child] = dict(target=old, version=version, parts=n)
            why = f"summed back into {old} (splits='aggregate')"
            report.append(_note(child, version, "split_aggregated", old, why))
    frame = pl.DataFrame(
        [
            dict(region=c, _target=e["target"], _version=e["version"], _parts=e["parts"])
            for c, e in entries.items()
        ],
        schema={REGION: pl.String, "_target": pl.String, "_version": pl.Int32, "_parts": pl.Int32},
    )
    return frame, report, to_apportion


def _check_options(*, to, from_, splits, boundary_changes, weights) -> None:
    """Raise ValueError naming the option, the allowed values and what was given."""
    if splits not in _SPLITS:
        raise ValueError(f"splits must be one of {_SPLITS}; got {splits!r}")
    if to not in TARGETS:
        raise ValueError(f"to must be one of {TARGETS}; got {to!r}")
    if from_ is not None and from_ not in VERSIONS:
        raise ValueError(f"from_ must be None or one of {VERSIONS}; got {from_!r}")
    if from_ is not None and from_ > to:
        raise ValueError(f"from_={from_} is newer than to={to}; harmonise forward only")
    if boundary_changes not in ("rename", "report"):
        raise ValueError(
            f"boundary_changes must be one of ('rename', 'report'); got {boundary_changes!r}"
        )
    if weights is not None and splits != "apportion":
        raise ValueError(
            f"weights= is used only with splits='apportion'; got splits={splits!r}. "
            "Pass splits='apportion' to divide split regions by these weights."
        )


def harmonise(
    panel: pl.DataFrame,
    *,
    to: Literal[2010, 2013, 2016, 2021, 2024] = 2021,
    from_: Literal[2003, 2006, 2010, 2013, 2016, 2021] | None = None,
    splits: Splits = "report",
    boundary_changes: Literal["rename", "report"] = "rename",
    weights: pl.DataFrame | None = None,
) -> HarmonisedPanel:
    """Rewrite a NUTS-1, -2 or -3 panel (or a mix of levels) in one NUTS version.

    Parameters
    ----------
    panel
        A Panel (``region``, ``industry``, ``year``, ``value``; optional ``flag``). Country
        codes and extra-regio units pass through; each NUTS level is mapped through its own
        level of the crosswalk.
    to
        Target NUTS version (2010, 2013, 2016, 2021 or 2024).
    from_
        NUTS version of every input code. ``None`` (default) infers it per code: the newest
        version not after ``to`` in which the code exists, which handles files that mix
        versions year by year (e.g. ``SI01`` up to 2012, ``SI03`` from 2013).
    splits
        ``"report"``: a unit split in a later version is left out and reported.
        ``"aggregate"``: the old unit is kept and the newer units are summed back into it.
        ``"apportion"``: the old unit's values are divided between the new units (see
        ``weights``); the output gets a Boolean column ``estimated`` and the estimates are
        listed in ``.estimates`` and the report (status ``split_apportioned``).
    boundary_changes
        A unit renamed across a boundary change (``SI01`` -> ``SI03``, ``DED1`` -> ``DED4``):
        ``"rename"`` (default) keeps its series under the new code and reports it as
        ``recoded_boundary_change``; ``"report"`` leaves it out as ``boundary_not_mapped``.
    weights
        For ``splits="apportion"``: a frame with ``region`` (every new unit of each split),
        ``weight`` (e.g. population, >= 0) and optionally ``industry``. Without it the
        weights are the new units' shares in the first year all of them have a value in
        the panel (industry by industry, else their totals). A split without weights is
        reported as ``split_no_weights``.

    Returns
    -------
    HarmonisedPanel
        ``.panel`` (validated), ``.report`` (every code not kept as it is, and why),
        ``.conflicts``, ``.estimates``.

    Notes
    -----
    A merged value is :math:`v_T = \\sum_{s \\in S(T)} v_s`, computed only when every part
    :math:`s` has a value; otherwise it is null with the parts' flags. An apportioned value
    is :math:`\\hat v_{T_j} = w_j v_S` with :math:`\\sum_j w_j = 1` (see
    :mod:`emerging.codes._apportion`); nothing else is estimated.

    Examples
    --------
    >>> import polars as pl
    >>> p = pl.DataFrame({"region": ["HU10", "HU11", "HU12"], "industry": "C",
    ...                   "year": [2015, 2016, 2016], "value": [100.0, 60.0, 40.0]})
    >>> res = harmonise(p, to=2021, splits="apportion")
    >>> res.panel.filter(pl.col("year") == 2015).select("region", "value", "estimated").rows()
    [('HU11', 60.0, True), ('HU12', 40.0, True)]
    """
    _check_options(to=to, from_=from_, splits=splits, boundary_changes=boundary_changes,
                   weights=weights)
    frame = validate_panel(panel, allow_mixed_levels=True)
    has_flag = "flag" in frame.columns
    codes = frame[REGION].unique().sort().to_list()
    code_map, report_rows, to_apportion = _code_map(
        codes, to=to, from_=from_, splits=splits, boundary_changes=boundary_changes
    )
    candidates = _candidates(frame.join(code_map, on=REGION, how="inner"), has_flag)
    estimates_note: dict[str, tuple[str, int]] = {}
    if to_apportion:
        candidates, estimates_note = _apportioned(candidates, frame, has_flag, to_apportion, weights)
    best, conflicts = _best_candidates(candidates)
    out = best.select(
        pl.col("_target").alias(REGION),
        INDUSTRY,
        YEAR,
        VALUE,
        *(["flag"] if has_flag else []),
        "nuts_source",
        *(["estimated"] if splits == "apportion" else []),
    ).sort(REGION, INDUSTRY, YEAR)
    kept_estimates = dict(
        best.filter(pl.col("estimated")).group_by("nuts_source").len().iter_rows()
    )
    _settle_apportioned(report_rows, estimates_note, kept_estimates, to)
    report = _report_frame(report_rows, frame, best, kept_estimates, to)
    estimates = _estimates_frame(best)
    if "unit" in frame.columns:  # one unit per panel (emerging._units): carried through
        units = frame["unit"].drop_nulls().unique().to_list()
        if len(units) == 1:
            out = out.with_columns(pl.lit(units[0]).alias("unit"))
    return HarmonisedPanel(
        panel=validate_panel(out, allow_mixed_levels=True, allow_empty=True),
        report=report,
        target=to,
        conflicts=conflicts,
        estimates=estimates.sort(REGION, INDUSTRY, YEAR) if estimates.height else estimates,
    )


def _estimates_frame(best: pl.DataFrame) -> pl.DataFrame:
    """One row per apportioned value kept (empty frame when nothing was apportioned)."""
    if "_w" not in best.columns:
        return pl.DataFrame()
    return best.filter(pl.col("estimated")).select(
        pl.col("_target").alias(REGION),
        INDUSTRY,
        YEAR,
        VALUE,
        pl.col("nuts_source").alias("source"),
        pl.col("_w").alias("weight"),
        "basis",
    )


def _candidates(joined: pl.DataFrame, has_flag: bool) -> pl.DataFrame:
    """Every candidate value of each target key: the rows of one-part codes as they are,
    and the merged parts summed (null unless every part has a value)."""
    if not has_flag:
        joined = joined.with_columns(pl.lit(None, dtype=pl.String).alias("flag"))
    # one-part rows (renames, unchanged codes) need no aggregation
    single = joined.filter(pl.col("_parts") == 1).select(
        "_target",
        INDUSTRY,
        YEAR,
        "_version",
        VALUE,
        "flag",
        "_parts",
        pl.col(VALUE).is_not_null().cast(pl.UInt32).alias("_known"),
        pl.col(REGION).alias("nuts_source"),
        pl.lit(False).alias("estimated"),
    )
    merged = (
        joined.filter(pl.col("_parts") > 1)
        .group_by("_target", INDUSTRY, YEAR, "_version")
        .agg(
            pl.col(VALUE).sum().alias("_sum"),
            pl.col(VALUE).count().alias("_known"),
            pl.col("_parts").first(),
            pl.col("flag").drop_nulls().str.join("").alias("_flags"),
            pl.col(REGION).sort().str.join("+").alias("nuts_source"),
        )
        .with_columns(
            pl.when(pl.col("_known") == pl.col("_parts")).then(pl.col("_sum")).alias(VALUE),
            pl.col("_flags").str.split("").list.unique().list.sort().list.join("").alias("flag"),
            pl.lit(False).alias("estimated"),
        )
        .with_columns(pl.when(pl.col("flag") != "").then(pl.col("flag")).alias("flag"))
        .select(single.columns)
    )
    return pl.concat([single, merged])


def _best_candidates(candidates: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """The one candidate kept per target key, and the number of keys where observed values
    of two versions differ.

    A value beats a null; among values the newest version wins whatever the flags (e, p, b
    mark estimates, not better data) and an observation beats an estimate; among nulls a
    flagged one (e.g. confidential "c") beats a plain one, then the newest.
    """
    is_null = pl.col(VALUE).is_null()
    ranked = candidates.sort(
        [is_null, pl.col("estimated"), is_null & pl.col("flag").is_null(), pl.col("_version")],
        descending=[False, False, False, True],
    )
    keys = ["_target", INDUSTRY, YEAR]
    overlap = (
        ranked.filter(pl.col(VALUE).is_not_null() & ~pl.col("estimated"))
        .group_by(keys)
        .agg((pl.col(VALUE).max() - pl.col(VALUE).min()).alias("_spread"), pl.len().alias("_n"))
    )
    conflicts = overlap.filter((pl.col("_n") > 1) & (pl.col("_spread") > 1e-9)).height
    return ranked.unique(keys, keep="first", maintain_order=True), conflicts


def _settle_apportioned(report_rows: list[dict], estimates_note: dict[str, tuple[str, int]],
                        kept_estimates: dict[str, int], to: int) -> None:
    """Give each apportioned split its reason, or the status ``split_no_weights``."""
    for r in report_rows:
        if r["status"] != "split_apportioned":
            continue
        how, _ = estimates_note.get(r["code"], ("", 0))
        if not how:
            r["status"] = "split_no_weights"
            r["reason"] = (
                f"split into {r['targets']} in NUTS {to}; no weights to divide it: the new "
                "units never all have a value in the same year of the panel. Pass "
                "weights=pl.DataFrame({'region': [...], 'weight': [...]}) (e.g. population "
                "of the new units), or splits='aggregate'"
            )
        else:
            n = kept_estimates.get(r["code"], 0)
            r["reason"] = f"divided between the new units by weight: {how}; {n:,} values estimated"


_REPORT_SCHEMA = {
    "code": pl.String,
    "version": pl.Int32,
    "status": pl.String,
    "targets": pl.String,
    "reason": pl.String,
    "rows": pl.Int64,
    "null_rows": pl.Int64,
    "estimated_rows": pl.Int64,
    "mapped": pl.Boolean,
    "regulation": pl.String,
}


def _report_frame(report_rows: list[dict], frame: pl.DataFrame, best: pl.DataFrame,
                  kept_estimates: dict[str, int], to: int) -> pl.DataFrame:
    """The report: one row per code not kept as it is, with its input rows, the output
    rows left null by an incomplete merge, its estimates and the regulations behind it."""
    rows_per_code = dict(frame.group_by(REGION).len().iter_rows())
    # null rows caused by incomplete merges, per input code
    incomplete = (
        best.filter((pl.col("_parts") > 1) & (pl.col("_known") > 0) & pl.col(VALUE).is_null())
        .select(pl.col("nuts_source").str.split("+").alias("code"))
        .explode("code")
        .group_by("code")
        .len()
    )
    null_rows = dict(incomplete.iter_rows())
    rows = [
        {
            **r,
            "rows": rows_per_code.get(r["code"], 0),
            "null_rows": null_rows.get(r["code"], 0),
            "estimated_rows": kept_estimates.get(r["code"], 0),
            "mapped": r["status"] in _MAPPED,
            "regulation": "; ".join(regulations(r["code"], r["version"], to))
            if r["version"] is not None and len(r["code"]) > 2
            else "",
        }
        for r in report_rows
    ]
    return (
        pl.DataFrame(rows, schema=_REPORT_SCHEMA)
        .select(
            "code", "version", "status", "mapped", "targets", "rows", "null_rows", "reason",
            "estimated_rows", "regulation",
        )
        .sort("code")
    )


def _apportioned(
    candidates: pl.DataFrame,
    frame: pl.DataFrame,
    has_flag: bool,
    groups: dict[str, tuple[str, ...]],
    weights: pl.DataFrame | None,
) -> tuple[pl.DataFrame, dict[str, tuple[str, int]]]:
    """Candidates plus the estimated rows of the split units' successors."""
    shares = split_weights(candidates, groups, weights)
    source_rows = frame.filter(pl.col(REGION).is_in(list(groups))).select(
        REGION, INDUSTRY, YEAR, VALUE, pl.col("flag") if has_flag else pl.lit(None, pl.String).alias("flag")
    )
    est = apportion(source_rows, shares)
    versions = {c: _source_version(c, 9999, None)[0] or 0 for c in groups}
    est_rows = est.select(
        "_target",
        INDUSTRY,
        YEAR,
        pl.col("_source").replace_strict(versions, return_dtype=pl.Int32).alias("_version"),
        VALUE,
        "flag",
        pl.lit(1, dtype=pl.Int32).alias("_parts"),
        pl.col(VALUE).is_not_null().cast(pl.UInt32).alias("_known"),
        pl.col("_source").alias("nuts_source"),
        pl.lit(True).alias("estimated"),
        "_w",
        "basis",
    )
    base = candidates.with_columns(
        pl.lit(None, dtype=pl.Float64).alias("_w"), pl.lit(None, dtype=pl.String).alias("basis")
    )
    notes = {s: (describe(shares, s), 0) for s in groups if shares.filter(pl.col("_source") == s).height}
    return pl.concat([base, est_rows.select(base.columns)]), notes
