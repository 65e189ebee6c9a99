"""The inputs of the co-operation commands, read once from a data folder or the demo.

``emerging partners`` and ``emerging networks`` take ``--data DIR``: a folder laid out as
``shared/data`` (``cooperation/``, ``employment/``, ``geo/``), or a folder holding CORDIS
bulk tables (``organization.csv`` and ``project.csv``, e.g. unzipped by
``emerging fetch --dataset cordis-h2020``), or nothing, for the embedded SIMULATED demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

H2020 = Path("cooperation") / "h2020_participations_eunets.csv.gz"
PARTS = Path("cooperation") / "h2020_programme_parts_eunets.csv.gz"
INTERREG = Path("cooperation") / "interreg_2014_2020_keep_eu_by_nuts3.csv"
SBS = Path("employment") / "sbs_r_nuts06_r2.tsv.gz"
GEO = Path("geo") / "gisco_nuts2021_60m"


@dataclass(frozen=True)
class CooperationInputs:
    """What was found: participations, and where available an employment panel, the
    Interreg table and region geometries; ``sources`` names each file read."""

    participations: pl.DataFrame
    panel: pl.DataFrame | None = None
    interreg: object | None = None
    data: Path | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def geometry(self, level: int):
        """GISCO NUTS 2021 polygons (EPSG:3035) of ``level`` from the data folder, or None."""
        if self.data is None:
            return None
        path = self.data / GEO / f"NUTS_RG_60M_2021_3035_LEVL_{level}.geojson"
        if not path.is_file():
            return None
        from emerging.io.gisco import read_nuts_geojson

        return read_nuts_geojson(path)

    def describe(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.sources.items())


def cooperation_inputs(data: str | Path | None = None, *, programme_parts: bool = False,
                       panel: bool = True) -> CooperationInputs:
    """Read the co-operation inputs from ``data`` (see the module docstring) or the demo.

    CORDIS bulk tables in ``data`` (or ``data/cordis-h2020``, ``data/cordis-horizon``) win
    over the derived H2020 table, since they carry NUTS codes. ``panel=False`` skips the
    employment panel and the Interreg table (networks need neither).
    """
    if data is None:
        from emerging.datasets import demo

        d = demo()
        return CooperationInputs(
            participations=d.participations, panel=d.panel,
            sources={"data": "embedded SIMULATED demo (not real figures)"},
        )
    data = Path(data)
    if not data.is_dir():
        raise FileNotFoundError(f"--data {data} is not a folder")
    sources: dict[str, str] = {}
    cordis = next(
        (d for d in (data, data / "cordis-h2020", data / "cordis-horizon")
         if (d / "organization.csv").is_file() and (d / "project.csv").is_file()),
        None,
    )
    if cordis is not None:
        from emerging.io.cordis import read_cordis

        table = read_cordis(cordis / "organization.csv", cordis / "project.csv")
        sources["participations"] = table.summary()
    elif (data / H2020).is_file():
        from emerging.io.cordis import read_h2020_eunets

        table = read_h2020_eunets(data / H2020, data / PARTS if programme_parts else None)
        sources["participations"] = (
            f"{table.summary()} (country codes only: region networks need the CORDIS bulk "
            "tables, see `emerging fetch --dataset cordis-h2020`)"
        )
    else:
        raise FileNotFoundError(
            f"no participations in {data}: expected organization.csv + project.csv (CORDIS "
            f"bulk tables, `emerging fetch --dataset cordis-h2020`) or {H2020}"
        )
    employment = None
    if panel and (data / SBS).is_file():
        from emerging.io.eurostat import read_tsv, to_panel

        raw = to_panel(read_tsv(data / SBS), measure={"indic_sb": "V16110"})
        employment = raw.filter(
            ~pl.col("region").str.ends_with("Z") & (pl.col("industry").str.len_chars() == 3)
        ).select("region", "industry", "year", "value")
        sources["panel"] = f"{SBS} (persons employed by NACE division; NUTS 2010/2013 codes)"
    interreg = None
    if panel and (data / INTERREG).is_file():
        from emerging.io.interreg import read_interreg

        interreg = read_interreg(data / INTERREG)
        sources["interreg"] = str(INTERREG)
    return CooperationInputs(
        participations=table.participations, panel=employment, interreg=interreg, data=data,
        sources=sources,
    )
