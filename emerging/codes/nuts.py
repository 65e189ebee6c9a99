"""NUTS codes: levels, parents, countries, extra-regio units and named region sets.

A NUTS code is a two-letter country code followed by one character per level below the
country: ``CZ`` (level 0), ``CZ0`` (1), ``CZ06`` (2), ``CZ064`` (3). Extra-regio units
(territory outside any region, e.g. embassies, continental shelf) end in ``Z``: ``CZZ``,
``CZZZ``, ``CZZZZ``. Eurostat writes Greece as ``EL`` and the United Kingdom as ``UK``.

Region sets are written here as facts with their sources:

* Interreg CENTRAL EUROPE 2021-2027 programme area: all NUTS-2 regions of AT, CZ, HR, HU,
  PL, SI, SK; Baden-Württemberg, Bayern, Berlin, Brandenburg, Mecklenburg-Vorpommern,
  Sachsen, Sachsen-Anhalt, Thüringen and the Braunschweig region (DE91) of Germany; and
  Piemonte, Valle d'Aosta, Liguria, Lombardia, Bolzano/Bozen, Trento, Veneto,
  Friuli-Venezia Giulia and Emilia-Romagna of Italy (81 NUTS-2 regions, NUTS 2021 codes).
  Source: Interreg CENTRAL EUROPE programme, "Which countries and regions are part of the
  programme?" (interreg-central.eu).
* Interreg CENTRAL EUROPE 2014-2020: the same area without Braunschweig, written in the
  NUTS 2013 codes in force when the programme was adopted (e.g. ``HU10``, ``PL11``,
  ``DE41``/``DE42``, ``HR03``/``HR04``).
* ClusterCOOP (CENTRAL EUROPE 2007-2013 project on cluster co-operation): partner regions in
  Hungary, the Czech Republic, Slovakia, Piemonte (ITC1), Slovenia/Ljubljana (Zahodna
  Slovenija, SI04), Podkarpackie/Rzeszów (PL82; PL32 in NUTS 2013) and Baden-Württemberg
  (DE11-DE14). The countries named without a region are taken whole.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import polars as pl

from emerging._checks import check_regions, closest_codes  # noqa: F401  (re-exported)

EXTRA_REGIO_SUFFIX = "Z"

#: Interreg CENTRAL EUROPE 2014-2020 at NUTS-2, NUTS 2013 codes.
CENTRAL_EUROPE_2014_2020: frozenset[str] = frozenset(
    """AT11 AT12 AT13 AT21 AT22 AT31 AT32 AT33 AT34 CZ01 CZ02 CZ03 CZ04 CZ05 CZ06 CZ07 CZ08
    DE11 DE12 DE13 DE14 DE21 DE22 DE23 DE24 DE25 DE26 DE27 DE30 DE41 DE42 DE80 DED2 DED4 DED5
    DEE0 DEG0 HR03 HR04 HU10 HU21 HU22 HU23 HU31 HU32 HU33 ITC1 ITC2 ITC3 ITC4 ITH1 ITH2 ITH3
    ITH4 ITH5 PL11 PL12 PL21 PL22 PL31 PL32 PL33 PL34 PL41 PL42 PL43 PL51 PL52 PL61 PL62 PL63
    SI03 SI04 SK01 SK02 SK03 SK04""".split()
)

CLUSTERCOOP_COUNTRIES: frozenset[str] = frozenset({"HU", "CZ", "SK"})
CLUSTERCOOP_REGIONS_2021: frozenset[str] = frozenset({"ITC1", "SI04", "PL82", "DE11", "DE12", "DE13", "DE14"})


@cache
def central_europe_table() -> pl.DataFrame:
    """The 2021-2027 programme area: ``region``, ``name``, ``country``, ``tile_row``, ``tile_col``."""
    text = resources.files("emerging.codes").joinpath("data/central_europe_nuts2021.csv").read_text("utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    return pl.DataFrame(rows).with_columns(
        pl.col("region").str.slice(0, 2).alias("country"),
        pl.col("tile_row").cast(pl.Int32),
        pl.col("tile_col").cast(pl.Int32),
    ).select("region", "name", "country", "tile_row", "tile_col")


def central_europe_2021_2027() -> frozenset[str]:
    """NUTS-2 codes (NUTS 2021) of the Interreg CENTRAL EUROPE 2021-2027 programme area."""
    return frozenset(central_europe_table()["region"].to_list())


def clustercoop_regions() -> frozenset[str]:
    """NUTS-2 codes (NUTS 2021) of the ClusterCOOP partner regions (see module docstring)."""
    area = central_europe_table()
    whole = area.filter(pl.col("country").is_in(sorted(CLUSTERCOOP_COUNTRIES)))["region"]
    return frozenset(whole.to_list()) | CLUSTERCOOP_REGIONS_2021


REGION_SETS = {
    "central_europe_2021_2027": central_europe_2021_2027,
    "central_europe_2014_2020": lambda: CENTRAL_EUROPE_2014_2020,
    "clustercoop": clustercoop_regions,
}


def region_set(name: str) -> frozenset[str]:
    """Return a named region set; raise ValueError listing the valid names."""
    try:
        return REGION_SETS[name]()
    except KeyError:
        raise ValueError(
            f"unknown region set {name!r}; expected one of {sorted(REGION_SETS)}"
        ) from None


def region_names() -> dict[str, str]:
    """Names of the programme-area NUTS-2 regions and their countries, keyed by code."""
    names = dict(central_europe_table().select("region", "name").iter_rows())
    return {**COUNTRY_NAMES, **names}


@cache
def english_region_names() -> dict[str, str]:
    """English names of the programme-area NUTS-2 regions whose national name differs.

    NUTS names are national (``Wien``, ``Jihovýchod``); these are the English names the
    national statistical offices use in their English publications (``Vienna``,
    ``Southeast``), curated in ``emerging/codes/data/nuts2_english_names.csv`` with the
    office each comes from. Regions whose English name is the national one are absent;
    use :func:`display_name` for "national (English)".
    """
    text = resources.files("emerging.codes").joinpath("data/nuts2_english_names.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {r["region"]: r["name_en"] for r in rows}


def display_name(code: str, national: str | None = None) -> str:
    """``"national (English)"`` when the English name differs (``"Wien (Vienna)"``), else the
    national name; ``national`` defaults to :func:`region_names`' name (or the code)."""
    national = national or region_names().get(code, code)
    english = english_region_names().get(code)
    return f"{national} ({english})" if english and english != national else national


COUNTRY_NAMES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CH": "Switzerland", "CY": "Cyprus",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "EL": "Greece",
    "ES": "Spain", "FI": "Finland", "FR": "France", "HR": "Croatia", "HU": "Hungary",
    "IE": "Ireland", "IS": "Iceland", "IT": "Italy", "LI": "Liechtenstein", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway",
    "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden", "SI": "Slovenia",
    "SK": "Slovakia", "UK": "United Kingdom", "AL": "Albania", "ME": "Montenegro",
    "MK": "North Macedonia", "RS": "Serbia", "TR": "Türkiye",
}


# ---------------------------------------------------------------- code arithmetic


def nuts_level(code: str) -> int:
    """NUTS level of a code: ``len(code) - 2`` (``CZ`` -> 0, ``CZ064`` -> 3)."""
    if len(code) < 2 or len(code) > 5:
        raise ValueError(f"{code!r} is not a NUTS code: expected 2 to 5 characters, e.g. 'CZ06'")
    return len(code) - 2


def nuts_parent(code: str, level: int) -> str:
    """The ancestor of ``code`` at ``level`` (0-3); raises if ``level`` is below the code's."""
    own = nuts_level(code)
    if not 0 <= level <= own:
        raise ValueError(f"cannot take the level-{level} parent of {code!r} (level {own})")
    return code[: level + 2]


def nuts_country(code: str) -> str:
    """Country part of a NUTS code (``EL`` for Greece, ``UK`` for the United Kingdom)."""
    return code[:2]


def is_extra_regio(code: str) -> bool:
    """True for extra-regio units (``CZZ``, ``CZZZ``, ``CZZZZ``): the code ends in ``Z``."""
    return nuts_level(code) > 0 and code.endswith(EXTRA_REGIO_SUFFIX)


def nuts_level_expr(code: pl.Expr) -> pl.Expr:
    """Polars expression: NUTS level of a code column (``len - 2``)."""
    return (code.str.len_chars().cast(pl.Int32) - 2).cast(pl.Int8)


def nuts_parent_expr(code: pl.Expr, level: int) -> pl.Expr:
    """Polars expression: ancestor code at ``level``."""
    return code.str.slice(0, level + 2)


def is_extra_regio_expr(code: pl.Expr) -> pl.Expr:
    """Polars expression: True for extra-regio codes."""
    return (code.str.len_chars() > 2) & code.str.ends_with(EXTRA_REGIO_SUFFIX)
