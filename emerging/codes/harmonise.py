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
  the newer units are summed back into it;
* units regrouped many-to-many (Ireland 2016, Norway 2021, Scotland 2016) are reported.

When old and new codes both give a value for the same year, the value of the newest NUTS
version wins, whatever either value's flag, and the overlap is counted (``conflicts``) when
the two differ. A value always beats a null; when every candidate is null, a flagged null
(e.g. confidential ``c``) is kept before a plain one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import polars as pl

from emerging._result import Result
from emerging._schema import INDUSTRY, REGION, VALUE, YEAR, validate_panel
from emerging.codes.nuts import closest_codes
from emerging.codes.nuts_versions import TARGETS, VERSIONS, code_versions, lineage, nuts2_codes

Splits = Literal["report", "aggregate"]
_SPLITS = ("report", "aggregate")
_MAPPED = ("recoded", "recoded_boundary_change", "merged", "split_aggregated")


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
        rows), ``null_rows`` (output rows left null because a merged part was unknown) and
        ``reason``.
    target
        The NUTS version of the output.
    conflicts
        Keys where codes of two versions both gave a value and the values differ.
    """

    panel: pl.DataFrame
    report: pl.DataFrame
    target: int
    conflicts: int

    def to_frame(self) -> pl.DataFrame:
        """The harmonised panel."""
        return self.panel

    def not_mapped(self) -> pl.DataFrame:
        """Report rows of codes whose series are not in the output panel."""
        return self.report.filter(~pl.col("mapped"))

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
    if level != 2:
        return (
            None,
            "level_not_covered",
            (
                f"NUTS-{level} code: the crosswalk covers NUTS-2 only; harmonise NUTS-2 series "
                "and aggregate them up, or select one level first"
            ),
        )
    if code.endswith("ZZ"):
        return to, "kept", ""
    if from_ is not None:
        if code in nuts2_codes(from_):
            return from_, "kept", ""
        return (
            None,
            "unknown_code",
            (
                f"not a NUTS {from_} code (exists in {list(code_versions(code)) or 'no version'}); "
                f"closest NUTS {from_} codes: {closest_codes(code, nuts2_codes(from_), 3)}"
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
            f"not a NUTS-2 code of any version {VERSIONS}; closest NUTS {to} codes: "
            f"{closest_codes(code, nuts2_codes(to), 3)}"
        ),
    )


def _note(code: str, version: int | None, status: str, targets: str, reason: str) -> dict:
    return dict(code=code, version=version, status=status, targets=targets, reason=reason)


def _one_to_one(
    code: str, version: int, to: int, target: str, boundary: bool, boundary_changes: str
) -> tuple[dict | None, dict | None]:
    """Entry and report note of a code that became exactly one code (maybe renamed)."""
    if boundary and boundary_changes == "report":
        why = f"{code} -> {target} changed territory; left out (boundary_changes='report')"
        return None, _note(code, version, "boundary_not_mapped", target, why)
    entry = dict(target=target, version=version, parts=1)
    if target == code and not boundary:
        return entry, None
    status = "recoded_boundary_change" if boundary else "recoded"
    why = f"NUTS {version} {code} -> NUTS {to} {target}." + (
        " Boundary changed on the way; values are those of the old territory."
        if boundary
        else ""
    )
    return entry, _note(code, version, status, target, why)


def _regrouped(
    code: str, version: int, to: int, sources: tuple[str, ...], targets: tuple[str, ...],
    splits: str,
) -> tuple[dict | None, dict]:
    """Entry (None when not mapped) and report note of a code in a merge, split or regroup."""
    joined = ", ".join(targets)
    if len(targets) == 1:
        why = (
            f"{' + '.join(sources)} (NUTS {version}) summed into {joined}; null where "
            "any part is null or absent"
        )
        entry = dict(target=targets[0], version=version, parts=len(sources))
        return entry, _note(code, version, "merged", joined, why)
    if len(sources) == 1 and splits == "aggregate":
        why = (
            f"split into {joined} in NUTS {to}; kept as {code} with the newer units "
            "summed back (null where any of them is null)"
        )
        entry = dict(target=code, version=version, parts=1)
        return entry, _note(code, version, "split_aggregated", joined, why)
    if len(sources) == 1:
        why = (
            f"split into {joined} in NUTS {to}; the series cannot be divided without "
            f"inventing numbers. Pass splits='aggregate' to keep {code} and sum the "
            "newer units back into it"
        )
        return None, _note(code, version, "split_not_mapped", joined, why)
    why = (
        f"{', '.join(sources)} (NUTS {version}) were regrouped into {joined} "
        f"(NUTS {to}); no one-to-one or summable mapping exists at NUTS-2"
    )
    return None, _note(code, version, "reorganised_not_mapped", joined, why)


def _code_map(
    codes: list[str], *, to: int, from_: int | None, splits: str, boundary_changes: str
) -> tuple[pl.DataFrame, list[dict]]:
    """Map each input code to (target code, version, parts expected); collect report rows."""
    entries: dict[str, dict] = {}
    report: list[dict] = []
    present = set(codes)
    aggregate_back: dict[str, tuple[str, int]] = {}  # newer child -> (old unit, n children)
    for code in codes:
        version, status, reason = _source_version(code, to, from_)
        if version is None:
            report.append(_note(code, None, status, "", reason))
            continue
        if len(code) != 4 or code.endswith("ZZ") or version == to:
            entries[code] = dict(target=code, version=version, parts=1)
            continue
        lin = lineage(version, to)
        sources, targets, kinds = lin.groups[lin.group_of[code]]
        if len(sources) == 1 and len(targets) == 1:
            boundary = "boundary" in kinds
            entry, note = _one_to_one(code, version, to, targets[0], boundary, boundary_changes)
        else:
            entry, note = _regrouped(code, version, to, sources, targets, splits)
            if entry is not None and len(targets) > 1:  # a split kept as the old unit
                aggregate_back.update({child: (code, len(targets)) for child in targets})
        if entry is not None:
            entries[code] = entry
        if note is not None:
            report.append(note)
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
    return frame, report


def harmonise(
    panel: pl.DataFrame,
    *,
    to: Literal[2010, 2013, 2016, 2021] = 2021,
    from_: Literal[2006, 2010, 2013, 2016, 2021] | None = None,
    splits: Splits = "report",
    boundary_changes: Literal["rename", "report"] = "rename",
) -> HarmonisedPanel:
    """Rewrite a NUTS-2 panel in one NUTS version.

    Parameters
    ----------
    panel
        A Panel (``region``, ``industry``, ``year``, ``value``; optional ``flag``). NUTS-0
        codes and extra-regio units pass through; NUTS-1 and NUTS-3 codes are reported as
        not covered.
    to
        Target NUTS version.
    from_
        NUTS version of every input code. ``None`` (default) infers it per code: the newest
        version not after ``to`` in which the code exists, which handles files that mix
        versions year by year (e.g. ``SI01`` up to 2012, ``SI03`` from 2013).
    splits
        ``"report"``: a unit split in a later version is left out and reported.
        ``"aggregate"``: the old unit is kept and the newer units are summed back into it.
    boundary_changes
        A unit renamed across a boundary change (``SI01`` -> ``SI03``, ``DED1`` -> ``DED4``):
        ``"rename"`` (default) keeps its series under the new code and reports it as
        ``recoded_boundary_change``; ``"report"`` leaves it out as ``boundary_not_mapped``.

    Returns
    -------
    HarmonisedPanel
        ``.panel`` (validated), ``.report`` (every code not kept as it is, and why),
        ``.conflicts``.

    Notes
    -----
    A merged value is :math:`v_T = \\sum_{s \\in S(T)} v_s`, computed only when every part
    :math:`s` has a value; otherwise it is null with the parts' flags. Nothing is estimated.
    """
    if splits not in _SPLITS:
        raise ValueError(f"splits must be one of {_SPLITS}; got {splits!r}")
    if to not in TARGETS:
        raise ValueError(f"to must be one of {TARGETS}; got {to!r}")
    if from_ is not None and from_ not in VERSIONS:
        raise ValueError(f"from_ must be None or one of {VERSIONS}; got {from_!r}")
    if from_ is not None and from_ > to:
        raise ValueError(f"from_={from_} is newer than to={to}; harmonise forward only")
    frame = validate_panel(panel, allow_mixed_levels=True)
    has_flag = "flag" in frame.columns
    codes = frame[REGION].unique().sort().to_list()
    if boundary_changes not in ("rename", "report"):
        raise ValueError(
            f"boundary_changes must be one of ('rename', 'report'); got {boundary_changes!r}"
        )
    code_map, report_rows = _code_map(
        codes, to=to, from_=from_, splits=splits, boundary_changes=boundary_changes
    )
    rows_per_code = dict(frame.group_by(REGION).len().iter_rows())

    joined = frame.join(code_map, on=REGION, how="inner")
    if not has_flag:
        joined = joined.with_columns(pl.lit(None, dtype=pl.String).alias("flag"))
    candidates = _candidates(joined)
    best, conflicts = _best_candidates(candidates)
    out = best.select(
        pl.col("_target").alias(REGION),
        INDUSTRY,
        YEAR,
        VALUE,
        *(["flag"] if has_flag else []),
        "nuts_source",
    ).sort(REGION, INDUSTRY, YEAR)

    # null rows caused by incomplete merges, per input code
    incomplete = (
        best.filter((pl.col("_parts") > 1) & (pl.col("_known") > 0) & pl.col(VALUE).is_null())
        .select(pl.col("nuts_source").str.split("+").alias("code"))
        .explode("code")
        .group_by("code")
        .len()
    )
    null_rows = dict(incomplete.iter_rows())
    report = _report_frame(report_rows, rows_per_code, null_rows)
    return HarmonisedPanel(
        panel=validate_panel(out, allow_mixed_levels=True, allow_empty=True),
        report=report,
        target=to,
        conflicts=conflicts,
    )


def _candidates(joined: pl.DataFrame) -> pl.DataFrame:
    """Rows per target code: one-part rows as they are, summed parts of merged units."""
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
        )
        .with_columns(pl.when(pl.col("flag") != "").then(pl.col("flag")).alias("flag"))
        .select(single.columns)
    )
    return pl.concat([single, merged])


def _best_candidates(candidates: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """One row per target key (the best candidate) and the number of conflicting keys."""
    # a value beats a null; among values the newest version wins whatever the flags (e, p, b
    # mark estimates, not better data); among nulls a flagged one (e.g. confidential "c")
    # beats a plain one, then the newest
    is_null = pl.col(VALUE).is_null()
    ranked = candidates.sort(
        [is_null, is_null & pl.col("flag").is_null(), pl.col("_version")],
        descending=[False, False, True],
    )
    keys = ["_target", INDUSTRY, YEAR]
    overlap = (
        ranked.filter(pl.col(VALUE).is_not_null())
        .group_by(keys)
        .agg((pl.col(VALUE).max() - pl.col(VALUE).min()).alias("_spread"), pl.len().alias("_n"))
    )
    conflicts = overlap.filter((pl.col("_n") > 1) & (pl.col("_spread") > 1e-9)).height
    best = ranked.unique(keys, keep="first", maintain_order=True)
    return best, conflicts


def _report_frame(report_rows: list[dict], rows_per_code: dict, null_rows: dict) -> pl.DataFrame:
    """The harmonisation report: one row per input code."""
    return (
        pl.DataFrame(
            [
                {
                    **r,
                    "rows": rows_per_code.get(r["code"], 0),
                    "null_rows": null_rows.get(r["code"], 0),
                    "mapped": r["status"] in _MAPPED,
                }
                for r in report_rows
            ],
            schema={
                "code": pl.String,
                "version": pl.Int32,
                "status": pl.String,
                "targets": pl.String,
                "reason": pl.String,
                "rows": pl.Int64,
                "null_rows": pl.Int64,
                "mapped": pl.Boolean,
            },
        )
        .select("code", "version", "status", "mapped", "targets", "rows", "null_rows", "reason")
        .sort("code")
    )
