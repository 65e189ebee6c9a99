"""NUTS versions 2003-2024: the code set of every version and the crosswalk between them.

Both tables are generated from Eurostat's own NUTS change tables (the "NUTS history"
workbooks; Source: Eurostat) by :mod:`emerging.codes._generate_crosswalk` and committed, so
the runtime needs no Excel reader:

``data/nuts_codes.csv``
    ``version, level, code, name, source``: every NUTS-1, -2 and -3 code (extra-regio units
    included) of NUTS 2003, 2006, 2010, 2013, 2016, 2021 and 2024. ``source`` is
    ``eurostat_table``; for the EFTA and candidate countries that a change table leaves out
    it is ``gisco`` (the GISCO file of that version) or ``carried from NUTS <year>``.
``data/nuts_crosswalk.csv``
    one row per pair of an old and a new unit that share territory, for every code that
    changed between two consecutive versions, with the kind of change (``recode``,
    ``boundary``, ``split``, ``merge``, ``reorganised``, ``new``, ``discontinued``), how the
    pair was read from the table (``link``: ``table``, ``comment``, ``label``, ``nuts3``,
    ``parent``; see the generator), the amendment regulation behind it and Eurostat's own
    words for the change.

A code not listed is unchanged between two consecutive versions. The tests check the code
sets against the GISCO geometries of NUTS 2010, 2013, 2016, 2021 and 2024 and against every
code in the real SBS file, and that regenerating the tables gives the same bytes.

References: Regulation (EC) No 1059/2003 and its amendments, Commission Regulations
(EC) No 105/2007, (EU) No 31/2011, (EU) No 1319/2013, (EU) 2016/2066 and Commission
Delegated Regulations (EU) 2019/1755 and 2023/674; https://ec.europa.eu/eurostat/web/nuts/history.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl

from emerging._result import Result

#: NUTS versions, oldest first.
VERSIONS: tuple[int, ...] = (2003, 2006, 2010, 2013, 2016, 2021, 2024)
#: Versions that :func:`emerging.codes.harmonise.harmonise` can write.
TARGETS: tuple[int, ...] = (2010, 2013, 2016, 2021, 2024)
#: NUTS levels the crosswalk covers.
LEVELS: tuple[int, ...] = (1, 2, 3)
CHANGE_KINDS: tuple[str, ...] = (
    "recode",
    "boundary",
    "merge",
    "split",
    "reorganised",
    "new",
    "discontinued",
)
_PRIMARY_LINKS = ("table", "comment", "label")


def _read_data(name: str) -> list[dict[str, str]]:
    text = resources.files("emerging.codes").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@cache
def nuts_changes() -> pl.DataFrame:
    """The crosswalk as a frame, one row per (old unit, new unit) sharing territory.

    Columns: ``from_version``, ``from_code`` (null for a new unit with no predecessor),
    ``to_version``, ``to_code`` (null for a unit discontinued without a stated successor),
    ``change``, ``note`` (the regulation and Eurostat's words), ``level``, ``link``,
    ``regulation``, ``eurostat_change``.
    """
    frame = pl.DataFrame(_read_data("nuts_crosswalk.csv")).with_columns(
        pl.col("from_version").cast(pl.Int32),
        pl.col("to_version").cast(pl.Int32),
        pl.col("level").cast(pl.Int32),
        pl.when(pl.col("from_code") != "").then(pl.col("from_code")).alias("from_code"),
        pl.when(pl.col("to_code") != "").then(pl.col("to_code")).alias("to_code"),
    )
    bad = frame.filter(~pl.col("change").is_in(CHANGE_KINDS))
    if bad.height:  # a broken data file is a packaging bug, not user input
        raise ValueError(f"nuts_crosswalk.csv: unknown change kinds {bad['change'].unique().to_list()}")
    note = pl.concat_str(
        [pl.col("regulation"), pl.lit("; Eurostat: "), pl.col("eurostat_change")]
    ).alias("note")
    return frame.select(
        "from_version", "from_code", "to_version", "to_code", "change", note,
        "level", "link", "regulation", "eurostat_change",
    )


@cache
def _codes() -> dict[tuple[int, int], dict[str, str]]:
    out: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for row in _read_data("nuts_codes.csv"):
        out[(int(row["version"]), int(row["level"]))][row["code"]] = row["name"]
    return dict(out)


def _check_version(version: int, allowed: Iterable[int], what: str = "version") -> None:
    allowed = tuple(allowed)
    if version not in allowed:
        raise ValueError(f"{what} must be one of {allowed}; got {version!r}")


@cache
def nuts_codes(version: int, level: int | None = None) -> frozenset[str]:
    """All codes of NUTS ``version`` at ``level`` (1-3; None for all three), extra-regio included."""
    _check_version(version, VERSIONS)
    levels = LEVELS if level is None else (level,)
    for lv in levels:
        _check_version(lv, LEVELS, "level")
    return frozenset(c for lv in levels for c in _codes().get((version, lv), {}))


@cache
def nuts2_codes(version: int) -> frozenset[str]:
    """All NUTS-2 codes of ``version`` without the extra-regio units (``..ZZ``)."""
    return frozenset(c for c in nuts_codes(version, 2) if not c.endswith("ZZ"))


def nuts_names(version: int) -> dict[str, str]:
    """Code -> name (as written in the change table, national language) of every unit of ``version``."""
    _check_version(version, VERSIONS)
    return {c: n for lv in LEVELS for c, n in _codes().get((version, lv), {}).items()}


@cache
def nuts2021_names() -> dict[str, str]:
    """NUTS-2 code -> Latin name of the 334 NUTS 2021 regions (GISCO)."""
    return {row["code"]: row["name"] for row in _read_data("nuts2021_nuts2.csv")}


@cache
def _all_codes() -> dict[str, tuple[int, ...]]:
    found: dict[str, list[int]] = defaultdict(list)
    for (version, _), codes in sorted(_codes().items()):
        for code in codes:
            found[code].append(version)
    return {c: tuple(sorted(set(v))) for c, v in found.items()}


def code_versions(code: str) -> tuple[int, ...]:
    """NUTS versions in which ``code`` (level 1, 2 or 3) exists (empty if none)."""
    return _all_codes().get(code, ())


def is_nuts_code(code: str) -> bool:
    """True when ``code`` is a country code or a NUTS-1/2/3 code of some version 2003-2024."""
    if len(code) == 2:
        return code[:2] in _countries()
    return code in _all_codes()


@cache
def _countries() -> frozenset[str]:
    return frozenset(c[:2] for c in _all_codes())


@dataclass(frozen=True, repr=False)
class Lineage(Result):
    """How the units of one NUTS version and level relate to those of a later version.

    ``groups`` maps each group id to ``(sources, targets, kinds)``: a connected set of old
    codes and the new codes they became, and the kinds of change met on the way. One source
    and one target is a rename (or no change); several sources and one target a merge; one
    source and several targets a split; several of each a reorganisation. ``renames`` holds,
    for a reorganisation whose direct links (table, comment or same label) pair each old
    unit with exactly one new unit, that pairing: territory moved between the units, but
    each keeps its identity (Slovenia 2013: ``SI01`` -> ``SI03``, ``SI02`` -> ``SI04``).
    """

    source: int
    target: int
    groups: dict[int, tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]]
    group_of: dict[str, int]
    renames: dict[str, str]
    level: int = 2

    def summary(self) -> str:
        kinds: dict[str, int] = defaultdict(int)
        for _, _, found in self.groups.values():
            for kind in found:
                kinds[kind] += 1
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "no changes"
        return (
            f"NUTS {self.source} to NUTS {self.target}: {len(self.group_of):,} codes in "
            f"{len(self.groups):,} groups ({counted})"
        )

    def to_frame(self) -> pl.DataFrame:
        """One row per source code: ``code``, ``group``, ``targets``, ``siblings``, ``kind``, ..."""
        rows = []
        for code, gid in sorted(self.group_of.items()):
            sources, targets, kinds = self.groups[gid]
            rows.append(
                {
                    "code": code,
                    "group": gid,
                    "targets": list(targets),
                    "siblings": list(sources),
                    "kind": _kind(sources, targets),
                    "boundary_change": bool(kinds & {"boundary", "reorganised"})
                    or (len(sources) > 1 and len(targets) > 1),
                    "renamed_to": self.renames.get(code),
                }
            )
        return pl.DataFrame(rows, infer_schema_length=None)


def _kind(sources: tuple[str, ...], targets: tuple[str, ...]) -> str:
    if len(targets) == 0:
        return "dissolved"
    if len(sources) == 1 and len(targets) == 1:
        return "unchanged" if sources == targets else "recode"
    if len(targets) == 1:
        return "merge"
    if len(sources) == 1:
        return "split"
    return "reorganised"


def _compose(
    source: int, target: int, level: int, links: tuple[str, ...] | None
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """old code -> the codes of ``target`` it became, and the change kinds on the way."""
    reach: dict[str, set[str]] = {c: {c} for c in nuts_codes(source, level)}
    kinds: dict[str, set[str]] = defaultdict(set)
    changes = nuts_changes().filter(pl.col("level") == level)
    for v in VERSIONS[VERSIONS.index(source) : VERSIONS.index(target)]:
        nxt_codes = nuts_codes(VERSIONS[VERSIONS.index(v) + 1], level)
        step: dict[str, set[str]] = defaultdict(set)
        step_kind: dict[str, set[str]] = defaultdict(set)
        rows = changes.filter((pl.col("from_version") == v) & pl.col("from_code").is_not_null())
        for row in rows.iter_rows(named=True):
            step_kind[row["from_code"]].add(row["change"])
            if row["to_code"] is not None and (links is None or row["link"] in links):
                step[row["from_code"]].add(row["to_code"])
        for old, now in reach.items():
            nxt: set[str] = set()
            for code in now:
                if code in step_kind:
                    nxt |= step[code]
                    kinds[old] |= step_kind[code]
                elif code in nxt_codes:
                    nxt.add(code)
            reach[old] = nxt
    return reach, kinds


@cache
def lineage(source: int, target: int, level: int = 2) -> Lineage:
    """Compose the crosswalk steps from ``source`` to ``target`` (``source <= target``) at ``level``."""
    _check_version(source, VERSIONS, "source version")
    _check_version(target, VERSIONS, "target version")
    _check_version(level, LEVELS, "level")
    if source > target:
        raise ValueError(
            f"cannot map NUTS {source} codes back to NUTS {target}: harmonise forward only "
            f"(to a version >= {source})"
        )
    reach, kinds = _compose(source, target, level, None)
    # connected components of the bipartite relation (union-find on a few thousand codes)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for old, now in reach.items():
        find("s:" + old)
        for code in now:
            parent[find("s:" + old)] = find("t:" + code)
    members: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for old in reach:
        members[find("s:" + old)][0].append(old)
    for code in {c for now in reach.values() for c in now}:
        members[find("t:" + code)][1].append(code)
    primary, _ = _compose(source, target, level, _PRIMARY_LINKS)
    groups, group_of, renames = {}, {}, {}
    for gid, (_, (sources, targets)) in enumerate(sorted(members.items())):
        group_kinds = frozenset(k for s in sources for k in kinds[s])
        groups[gid] = (tuple(sorted(sources)), tuple(sorted(targets)), group_kinds)
        for s in sources:
            group_of[s] = gid
        if len(sources) > 1 and len(targets) > 1:
            pairs = {s: primary[s] for s in sources}
            firsts = [next(iter(t)) for t in pairs.values() if len(t) == 1]
            if len(firsts) == len(sources) == len(targets) and len(set(firsts)) == len(firsts):
                renames.update({s: next(iter(t)) for s, t in pairs.items()})
    return Lineage(
        source=source, target=target, groups=groups, group_of=group_of, renames=renames, level=level
    )


@cache
def _changes_by_step() -> dict[tuple[int, int], dict[str, tuple[set[str], str]]]:
    """(from_version, level) -> old code -> (new codes, regulation)."""
    out: dict[tuple[int, int], dict[str, tuple[set[str], str]]] = defaultdict(dict)
    frame = nuts_changes().filter(pl.col("from_code").is_not_null())
    for row in frame.iter_rows(named=True):
        step = out[(row["from_version"], row["level"])]
        targets, _ = step.get(row["from_code"], (set(), row["regulation"]))
        if row["to_code"] is not None:
            targets.add(row["to_code"])
        step[row["from_code"]] = (targets, row["regulation"])
    return dict(out)


def regulations(code: str, source: int, target: int) -> list[str]:
    """The amendment regulations that changed ``code`` (or what it became) from ``source`` to ``target``."""
    level = len(code) - 2
    current, found = {code}, []
    for v in VERSIONS[VERSIONS.index(source) : VERSIONS.index(target)]:
        step = _changes_by_step().get((v, level), {})
        nxt = set()
        for c in current:
            if c in step:
                targets, reg = step[c]
                nxt |= targets
                if reg not in found:
                    found.append(reg)
            else:
                nxt.add(c)
        current = nxt
    return found
