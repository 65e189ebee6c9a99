"""``index.html`` of a batch: a sortable, filterable table of the regions with their headline
figures, and a tile map whose tiles link to the sheets."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from emerging.reports.profile import ReportBatch


def _map_svg(batch: ReportBatch, frame: pl.DataFrame, out: Path) -> Path | None:
    import matplotlib.pyplot as plt

    from emerging.codes.nuts import central_europe_2021_2027
    from emerging.maps.factsheet import linked_tile_map
    from emerging.maps.style import save_figure

    area = sorted(central_europe_2021_2027())
    with_sheet = frame.filter(pl.col("region").is_in(area))["region"].to_list()
    if not with_sheet:
        return None
    values = batch.headline.filter(pl.col("region").is_in(area)).select(
        "region", pl.col("n_specialised").cast(pl.Float64))
    links = {r: f"sheets/{r}.html" for r in with_sheet}
    source = "Source: simulated demo data" if batch.data.simulated else "Source: Eurostat SBS"
    fig, ax = linked_tile_map(values, "n_specialised", links=links,
                              title=f"Specialisations per region, {batch.end}: outlined "
                              "regions link to their sheet", units="industries", source=source)
    for patch in ax.patches:
        if patch.get_gid() in links:
            patch.set(edgecolor="black", linewidth=1.8, zorder=2.5)
    path = save_figure(fig, out / "figures" / "index_map", formats=("svg",))[0]
    plt.close(fig)
    return path


def write_index(batch: ReportBatch, rows: list[dict], out: Path, formats) -> list[Path]:
    """Write ``out/index.html``; return the files written."""
    from emerging.reports.html import environment, stylesheet, version

    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(
        schema={"region": pl.String})
    map_path = _map_svg(batch, frame, out) if rows else None
    svg = map_path.read_text("utf-8") if map_path else ""
    svg = svg[svg.find("<svg"):] if svg else ""
    ext = "html" if "html" in formats else ("pdf" if "pdf" in formats else None)
    page = environment().get_template("index.html").render(
        rows=rows, ext=ext, svg=svg, css=stylesheet("sheet.css"), batch=batch,
        simulated=batch.data.simulated, version=version(),
    )
    path = out / "index.html"
    path.write_text(page, "utf-8")
    return [path] + ([map_path] if map_path else [])
