"""The Eurostat dissemination API: dataset addresses and cached downloads into ``data/raw/``.

Endpoint: ``https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/<dataset>/<key>``
with ``format=SDMX-CSV`` or ``format=TSV`` and ``compressed=true`` (gzip). The key is dotted,
one position per dimension in the dataset's order; the pre-2023 bulk download service has
been retired.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from emerging.io.cache import DEFAULT_RAW_DIR, fetch

API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data"
#: Dimension order (the dotted key) of the datasets the toolkit uses by default: ``freq``
#: first, then the dimensions in the order of the bulk TSV's first column.
DATASET_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "sbs_r_nuts06_r2": ("freq", "nace_r2", "indic_sb", "geo"),
    "nama_10r_2gdp": ("freq", "unit", "geo"),
    "sbs_r_nuts2021": ("freq", "nace_r2", "indic_sbs", "geo"),
    "nama_10r_3empers": ("freq", "unit", "wstatus", "nace_r2", "geo"),
    "nama_10r_2emhrw": ("freq", "unit", "wstatus", "nace_r2", "geo"),
    "lfst_r_lfe2en2": ("freq", "unit", "sex", "age", "nace_r2", "geo"),
}
Format = Literal["sdmx-csv", "tsv"]
_FORMATS = {"sdmx-csv": ("SDMX-CSV", "csv"), "tsv": ("TSV", "tsv")}


def api_url(
    dataset: str,
    *,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    fmt: Format = "sdmx-csv",
    dimensions: Sequence[str] | None = None,
) -> str:
    """Address of a dataset in the Eurostat dissemination API (SDMX 2.1 REST).

    Filters become the dotted series key: one position per dimension in the dataset's
    order, several codes joined by ``+``, an empty position for "all".

    >>> api_url("sbs_r_nuts06_r2", filters={"indic_sb": "V16110", "geo": ["CZ06", "SK01"]})
    'https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/sbs_r_nuts06_r2/..V16110.CZ06+SK01?format=SDMX-CSV&compressed=true'
    """
    if fmt not in _FORMATS:
        raise ValueError(f"fmt must be one of {tuple(_FORMATS)}; got {fmt!r}")
    if not re.match(r"^[A-Za-z0-9_]+$", dataset):
        raise ValueError(
            f"dataset must be a Eurostat code such as 'sbs_r_nuts06_r2'; got {dataset!r}"
        )
    path = dataset
    if filters:
        dims = tuple(dimensions or DATASET_DIMENSIONS.get(dataset, ()))
        if not dims:
            raise ValueError(
                f"filters for {dataset!r} need the dataset's dimension order: pass "
                "dimensions=('freq', ..., 'geo') as listed in its Eurostat metadata"
            )
        unknown = sorted(set(filters) - set(dims))
        if unknown:
            raise ValueError(
                f"unknown dimension filter(s) {unknown} for {dataset!r}; its dimensions are "
                f"{list(dims)}"
            )
        parts = []
        for dim in dims:
            codes = filters.get(dim, ())
            codes = [codes] if isinstance(codes, str) else list(codes)
            parts.append("+".join(codes))
        path = f"{dataset}/{'.'.join(parts)}"
    return f"{API}/{path}?format={_FORMATS[fmt][0]}&compressed=true"


def raw_file_name(
    dataset: str, filters: Mapping[str, str | Sequence[str]] | None, fmt: Format
) -> str:
    """File name under ``data/raw/`` for a dataset and its filters (stable across runs)."""
    suffix = ""
    if filters:
        parts = []
        for dim in sorted(filters):
            codes = filters[dim]
            codes = [codes] if isinstance(codes, str) else sorted(codes)
            parts.append(f"{dim}-{'+'.join(codes)}")
        suffix = "__" + "_".join(parts)
        if len(suffix) > 80:
            suffix = "__" + hashlib.sha256(suffix.encode()).hexdigest()[:12]
    return f"{dataset}{suffix}.{_FORMATS[fmt][1]}.gz"


def download(  # noqa: PLR0913  (filters, format, cache and network settings)
    dataset: str,
    *,
    filters: Mapping[str, str | Sequence[str]] | None = None,
    fmt: Format = "sdmx-csv",
    raw_dir: str | Path = DEFAULT_RAW_DIR,
    dimensions: Sequence[str] | None = None,
    refresh: bool = False,
    timeout: float = 60.0,
    retries: int = 3,
    show_progress: bool = True,
) -> Path:
    """Download a Eurostat dataset (optionally filtered) into ``raw_dir``; return the path.

    Uses :func:`emerging.io.cache.fetch`: timeouts, retries on server errors, a progress bar,
    an atomic write and a sidecar ``<file>.source.json`` (URL, time, sha256). A file already
    at the path is used as it is (unless ``refresh``), which is also how a manually
    downloaded file is picked up when the machine is offline.

    Raises
    ------
    emerging.io.cache.OfflineError
        No network: the message gives the URL to open in a browser and the exact path to
        save the file at.
    ValueError
        Unknown format or dimension filters.
    """
    url = api_url(dataset, filters=filters, fmt=fmt, dimensions=dimensions)
    path = Path(raw_dir) / raw_file_name(dataset, filters, fmt)
    return fetch(
        url, path, refresh=refresh, timeout=timeout, retries=retries, show_progress=show_progress
    )
