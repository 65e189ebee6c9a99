"""Clear errors for bad report input: unknown regions (with the NUTS change that explains them)
and output folders that cannot be written."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import polars as pl


class ReportInputError(ValueError):
    """Input the reports cannot use; the message names the problem and the fix."""


def nuts_change_explanation(code: str) -> str | None:
    """One sentence on the NUTS change that created or removed ``code``, if there was one."""
    from emerging.codes.nuts_versions import nuts_changes

    c = nuts_changes().filter(pl.col("change").is_in(["split", "merge", "recode", "new"]))
    made = c.filter(pl.col("to_code") == code)
    if made.height:
        old = sorted(set(made["from_code"].drop_nulls().to_list()))
        version = int(made["to_version"][0])
        siblings = sorted(set(c.filter(pl.col("from_code").is_in(old) & (pl.col("to_version") == version))
                              ["to_code"].to_list()))
        kind = made["change"][0]
        if kind == "split" and old:
            return (f"{'+'.join(old)} was split into {' and '.join(siblings)} in NUTS {version}; "
                    f"data published before then has only {'+'.join(old)}")
        if old:
            return f"{code} replaced {'+'.join(old)} in NUTS {version} ({kind})"
    gone = c.filter(pl.col("from_code") == code)
    if gone.height:
        new = sorted(set(gone["to_code"].to_list()))
        return (f"{code} was replaced by {', '.join(new)} in NUTS {int(gone['to_version'][0])} "
                f"({gone['change'][0]})")
    return None


def check_profile_regions(codes: Sequence[str], available: Iterable[str],
                          not_mapped: dict[str, str] | None = None, nuts_version: int = 2021) -> None:
    """Raise :class:`ReportInputError` for codes not in the data, with closest codes and the
    NUTS change (and the build option) that explains a missing split region."""
    from emerging.codes.nuts import closest_codes

    available = set(available)
    unknown = [c for c in codes if c not in available]
    if not unknown:
        return
    parts = []
    for code in unknown[:5]:
        text = f"{code} is not in the data (NUTS {nuts_version})"
        why = nuts_change_explanation(code)
        if why:
            text += f": {why}"
            olds = [o for o in (not_mapped or {}) if o in why]
            if olds and all((not_mapped or {})[o] == "split_no_weights" for o in olds):
                text += (f". The build could not apportion {', '.join(olds)} (no weights for "
                         "the split in these data); `emerging build --splits aggregate` keeps "
                         f"the old unit {', '.join(olds)}, which can be profiled instead")
            elif olds:
                text += (f". This build left {', '.join(olds)} out: rebuild with `emerging build "
                         f"--splits apportion` to estimate {code} from {', '.join(olds)} (flagged "
                         "as estimated on the sheet), or `--splits aggregate` to keep the old "
                         f"unit {', '.join(olds)}")
        close = [c for c in closest_codes(code, available) if c[:3] == code[:3]] or closest_codes(
            code, available)
        parts.append(f"{text}. Closest codes in the data: {', '.join(close[:5])}")
    raise ReportInputError("; ".join(parts))


def check_writable(out: str | Path) -> Path:
    """Create ``out`` if needed and check it can be written; one-line error otherwise."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportInputError(f"cannot create the output folder {out}: {exc.strerror}; "
                               "choose another --out") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ReportInputError(f"cannot write to the output folder {out} (permission denied); "
                               "choose another --out")
    return out
