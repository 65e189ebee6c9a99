"""The argument checks of the whole package: one message and one exception type per kind of
mistake.

* bad keyword option: ``ValueError``,
  ``by must be one of ('region', 'industry'); got 'nuts'``;
* confidence level: ``ValueError``,
  ``level must be a confidence level strictly between 0 and 1 (e.g. 0.95); got 1.5``;
* fraction or probability: ``ValueError``,
  ``share must be a number strictly between 0 and 1; got 2``;
* window: ``ValueError``, ``start must be before end; got start=2020, end=2015``;
* missing year: :class:`YearNotFoundError`,
  ``year(s) [2030] not in the panel; years present: 2008-2023``;
* unknown region (or industry) code: :class:`UnknownCodeError`,
  ``unknown region code(s) ['CZ9']: 'CZ9': did you mean ['CZ01', ...]?``.

Both exception types derive from :class:`~emerging._schema.EmptySelectionError` (itself a
``ValueError``), so ``except ValueError`` keeps catching them.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any, TypeVar, get_args

from emerging._schema import EmptySelectionError

Options = TypeVar("Options")


class YearNotFoundError(EmptySelectionError):
    """A requested year is not in the data."""


class UnknownCodeError(EmptySelectionError):
    """A requested region (or industry) code is not in the data."""


def check_option(name: str, value: object, allowed: Collection[object] | object) -> None:
    """Raise ``ValueError("name must be one of (...); got 'x'")`` for a bad option.

    ``allowed`` is a collection of valid values or a ``typing.Literal`` type.

    >>> check_option("by", "region", ("region", "industry"))
    >>> check_option("by", "nuts", ("region", "industry"))
    Traceback (most recent call last):
    ...
    ValueError: by must be one of ('region', 'industry'); got 'nuts'
    """
    is_values = isinstance(allowed, Collection) and not isinstance(allowed, str)
    options = tuple(allowed) if is_values else get_args(allowed)
    if value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")


def check_fraction(name: str, value: float, *, low: float = 0.0, high: float = 1.0) -> None:
    """Raise ValueError unless ``value`` is a number with ``low < value < high``.

    >>> check_fraction("share", 2)
    Traceback (most recent call last):
    ...
    ValueError: share must be a number strictly between 0.0 and 1.0; got 2
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not low < value < high:
        raise ValueError(
            f"{name} must be a number strictly between {low} and {high}; got {value!r}"
        )


def check_level(level: float, *, name: str = "level") -> None:
    """Raise ValueError unless ``level`` is a confidence level in (0, 1).

    >>> check_level(0.9)
    >>> check_level(95)
    Traceback (most recent call last):
    ...
    ValueError: level must be a confidence level strictly between 0 and 1 (e.g. 0.95); got 95
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0.0 < level < 1.0:
        raise ValueError(
            f"{name} must be a confidence level strictly between 0 and 1 (e.g. 0.95); "
            f"got {level!r}"
        )


def check_window(start: int, end: int) -> None:
    """Raise ValueError unless ``start < end``."""
    if not start < end:
        raise ValueError(f"start must be before end; got start={start}, end={end}")


def _years_text(years: Sequence[int]) -> str:
    years = sorted(years)
    if years and years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return str(years)


def check_years(
    wanted: Iterable[int], available: Iterable[int], *, what: str = "panel", hint: str = ""
) -> None:
    """Raise :class:`YearNotFoundError` naming the years of ``wanted`` not in ``available``.

    >>> check_years([2015, 2030], range(2008, 2024))
    Traceback (most recent call last):
    ...
    emerging._checks.YearNotFoundError: year(s) [2030] not in the panel; years present: 2008-2023
    """
    present = {int(y) for y in available}
    missing = sorted({int(y) for y in wanted} - present)
    if missing:
        raise YearNotFoundError(
            f"year(s) {missing} not in the {what}; years present: {_years_text(list(present))}"
            + (f". {hint}" if hint else "")
        )


def closest_codes(code: str, valid: Iterable[str], n: int = 5) -> list[str]:
    """Up to ``n`` valid codes closest to ``code`` (same country first, then by similarity).

    >>> closest_codes("CZ011", ["CZ01", "CZ02", "SK01", "AT13"], n=1)
    ['CZ01']
    """
    valid = sorted({str(v) for v in valid})
    same_country = [v for v in valid if v[:2] == code[:2].upper()]
    pool = same_country or valid
    return difflib.get_close_matches(code.upper(), pool, n=n, cutoff=0.0)[:n]


def check_regions(codes: Sequence[str], valid: Iterable[str], *, what: str = "region") -> None:
    """Raise :class:`UnknownCodeError` for ``codes`` not in ``valid``, with the closest codes.

    >>> check_regions(["CZ01"], ["CZ01", "CZ02"])
    >>> check_regions(["CZ9"], ["CZ01", "CZ02"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    emerging._checks.UnknownCodeError: unknown region code(s) ['CZ9']: 'CZ9': did you mean [...]?
    """
    valid = {str(v) for v in valid}
    unknown = [c for c in codes if c not in valid]
    if unknown:
        hints = "; ".join(f"{c!r}: did you mean {closest_codes(c, valid)}?" for c in unknown[:5])
        raise UnknownCodeError(f"unknown {what} code(s) {unknown[:5]}: {hints}")


def merge_options(
    cls: type[Options], options: Options | None, keywords: Mapping[str, Any], *, function: str
) -> Options:
    """The options object of a function, with the keywords that name its fields applied.

    Functions with many settings take ``options=`` (a frozen dataclass that checks its own
    values) and still accept each field as a plain keyword, as they did before the object
    existed; a keyword overrides the same field of ``options``. Any other keyword is a
    ``TypeError`` that lists the valid ones.

    >>> from emerging.trends import SlopeOptions
    >>> merge_options(SlopeOptions, None, {"se": "ols"}, function="trend_slopes").se
    'ols'
    >>> merge_options(SlopeOptions, None, {"s": 1}, function="f")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: f() got an unexpected keyword argument 's'; its options ...
    """
    if options is None:
        options = cls()
    elif not isinstance(options, cls):
        raise TypeError(f"options must be a {cls.__name__}; got {type(options).__name__}")
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = [k for k in keywords if k not in names]
    if unknown:
        raise TypeError(
            f"{function}() got an unexpected keyword argument {unknown[0]!r}; its options "
            f"(keywords or fields of {cls.__name__}) are {names}"
        )
    return dataclasses.replace(options, **keywords) if keywords else options
