"""NUTS versions: the crosswalk of NUTS-2 code changes and the code set of every version.

The crosswalk ``data/nuts_changes.csv`` lists, for each pair of consecutive NUTS versions
(2006 -> 2010 -> 2013 -> 2016 -> 2021 -> 2024), every NUTS-2 code that changed: one row per
pair of an old and a new unit that share territory, with the kind of change
(``recode``, ``boundary``, ``merge``, ``split``, ``new``) and the amendment regulation it
comes from (Commission Regulations (EU) No 31/2011, No 1319/2013, 2016/2066, 2019/1755 and
2023/674). A code not listed is unchanged between two consecutive versions.

The code set of each version is derived from the NUTS 2021 list (GISCO, 334 NUTS-2 regions,
``data/nuts2021_nuts2.csv``) by undoing (or applying) the changes step by step, so the
crosswalk and the code lists cannot disagree silently: the tests check the derived NUTS 2016
set against the GISCO NUTS 2016 geometries and the derived older sets against every NUTS-2
code in the real SBS file.

Coverage: NUTS-2 only; the 2021 -> 2024 step is partial (only the Portuguese changes were
verified). Extra-regio units (``..ZZ``) exist in every version and are not listed.
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

#: NUTS versions, oldest first. 2006 is the version before NUTS 2010 (ITD/ITE codes of Italy).
VERSIONS: tuple[int, ...] = (2006, 2010, 2013, 2016, 2021, 2024)
#: Versions that can be harmonised to (2024 is partial in the crosswalk, so it is not offered).
TARGETS: tuple[int, ...] = (2010, 2013, 2016, 2021)
CHANGE_KINDS: tuple[str, ...] = ("recode", "boundary", "merge", "split", "new")


def _read_data(name: str) -> list[dict[str, str]]:
    text = resources.files("emerging.codes").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


@cache
def nuts_changes() -> pl.DataFrame:
    """The crosswalk of NUTS-2 changes as a frame.

    Columns: ``from_version`` (Int32), ``from_code`` (String, null for a unit with no
    predecessor), ``to_version`` (Int32), ``to_code`` (String), ``change``
    (recode/boundary/merge/split/new) and ``note`` (what changed and the regulation).
    """
    frame = pl.DataFrame(_read_data("nuts_changes.csv")).with_columns(
        pl.col("from_version").cast(pl.Int32),
        pl.col("to_version").cast(pl.Int32),
        pl.when(pl.col("from_code") != "").then(pl.col("from_code")).alias("from_code"),
    )
    bad = frame.filter(~pl.col("change").is_in(CHANGE_KINDS))
    if bad.height:  # a broken data file is a packaging bug, not user input
        raise ValueError(
            f"nuts_changes.csv: unknown change kinds {bad['change'].unique().to_list()}"
        )
    return frame


@cache
def nuts2021_names() -> dict[str, str]:
    """NUTS-2 code -> Latin name of the 334 NUTS 2021 regions (GISCO)."""
    return {row["code"]: row["name"] for row in _read_data("nuts2021_nuts2.csv")}


def _step(version: int) -> list[tuple[str | None, str]]:
    """(from_code, to_code) pairs of the step from ``version`` to the next version."""
    rows = nuts_changes().filter(pl.col("from_version") == version)
    return list(zip(rows["from_code"].to_list(), rows["to_code"].to_list(), strict=True))


def _removed_added(version: int) -> tuple[set[str], set[str]]:
    pairs = _step(version)
    old = {a for a, _ in pairs if a is not None}
    new = {b for _, b in pairs}
    return old - new, new - old


@cache
def nuts2_codes(version: int) -> frozenset[str]:
    """All NUTS-2 codes (without extra-regio units) valid in ``version``.

    Derived from the NUTS 2021 list and the crosswalk: going back one version removes the
    codes a step added and restores the codes it removed.
    """
    _check_version(version, VERSIONS)
    codes = set(nuts2021_names())
    if version < 2021:
        for v in reversed(VERSIONS[VERSIONS.index(version) : VERSIONS.index(2021)]):
            removed, added = _removed_added(v)
            codes = (codes - added) | removed
    elif version > 2021:
        for v in VERSIONS[VERSIONS.index(2021) : VERSIONS.index(version)]:
            removed, added = _removed_added(v)
            codes = (codes - removed) | added
    return frozenset(codes)


def code_versions(code: str) -> tuple[int, ...]:
    """NUTS versions in which the NUTS-2 ``code`` exists (empty if none)."""
    return tuple(v for v in VERSIONS if code in nuts2_codes(v))


def _check_version(version: int, allowed: Iterable[int], what: str = "version") -> None:
    allowed = tuple(allowed)
    if version not in allowed:
        raise ValueError(f"{what} must be one of {allowed}; got {version!r}")


@dataclass(frozen=True, repr=False)
class Lineage(Result):
    """How the units of one NUTS version relate to the units of a later version.

    ``groups`` maps each group id to ``(sources, targets, kinds)``: the connected set of old
    codes and the new codes they became, and the kinds of change met on the way. A group
    with one source and one target is a rename (or no change); several sources and one
    target a merge; one source and several targets a split; several of each a
    reorganisation that cannot be mapped at this level.
    """

    source: int
    target: int
    groups: dict[int, tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]]
    group_of: dict[str, int]

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
        """One row per source code: ``code``, ``group``, ``targets``, ``siblings``, ``kind``."""
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
                    "boundary_change": "boundary" in kinds,
                }
            )
        return pl.DataFrame(rows)


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


@cache
def lineage(source: int, target: int) -> Lineage:
    """Compose the crosswalk steps from ``source`` to ``target`` (``source <= target``)."""
    _check_version(source, VERSIONS, "source version")
    _check_version(target, VERSIONS, "target version")
    if source > target:
        raise ValueError(
            f"cannot map NUTS {source} codes back to NUTS {target}: harmonise forward only "
            f"(to a version >= {source})"
        )
    reach, kinds = _reach(source, target)
    groups, group_of = _groups(reach, kinds)
    return Lineage(source=source, target=target, groups=groups, group_of=group_of)


def _reach(source: int, target: int) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Old code -> set of current codes, and the change kinds met on the way."""
    reach: dict[str, set[str]] = {c: {c} for c in nuts2_codes(source)}
    kinds: dict[str, set[str]] = defaultdict(set)
    for v in VERSIONS[VERSIONS.index(source) : VERSIONS.index(target)]:
        step: dict[str, set[str]] = defaultdict(set)
        step_kind: dict[str, str] = {}
        for row in nuts_changes().filter(pl.col("from_version") == v).iter_rows(named=True):
            if row["from_code"] is not None:
                step[row["from_code"]].add(row["to_code"])
                step_kind[row["from_code"]] = row["change"]
        for old, now in reach.items():
            nxt: set[str] = set()
            for code in now:
                if code in step:
                    nxt |= step[code]
                    kinds[old].add(step_kind[code])
                else:
                    nxt.add(code)
            reach[old] = nxt
    return reach, kinds


def _groups(reach: dict[str, set[str]], kinds: dict[str, set[str]]):
    """Connected components of the bipartite old -> new relation (union-find on a few
    hundred codes): ``groups`` (id -> sources, targets, kinds) and ``group_of``."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for old, now in reach.items():
        for code in now:
            parent[find("s:" + old)] = find("t:" + code)
        find("s:" + old)
    members: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for old in reach:
        members[find("s:" + old)][0].append(old)
    for code in {c for now in reach.values() for c in now}:
        members[find("t:" + code)][1].append(code)
    groups, group_of = {}, {}
    for gid, (_root, (sources, targets)) in enumerate(sorted(members.items())):
        group_kinds = frozenset(k for s in sources for k in kinds[s])
        groups[gid] = (tuple(sorted(sources)), tuple(sorted(targets)), group_kinds)
        for s in sources:
            group_of[s] = gid
    return groups, group_of
