"""The pack as a reader meets it: PDFs counted and read, DOCX/XLSX reopened, pages in Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess

import polars as pl
import pytest

from emerging.reports import ReportInputError, build_report

DEMO_REGIONS = ["CZ06", "SK02", "AT13"]  # as in conftest.py

SECTIONS = ("Headline figures", "Top specialisations", "Emerging industries",
            "Where to diversify", "Co-operation", "Peer regions", "Data note")


def test_pdf_at_most_two_a4_pages_with_the_numbers(demo_pack, demo_batch):
    from pypdf import PdfReader

    out, summary = demo_pack
    for code in DEMO_REGIONS:
        reader = PdfReader(out / "sheets" / f"{code}.pdf")
        assert 1 <= len(reader.pages) <= 2, code
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
        text = " ".join(page.extract_text() for page in reader.pages)
        p = demo_batch.profile(code)
        assert p.name in text
        assert f"{p.headline['region'][0]:,.0f}" in text  # persons employed
        for section in SECTIONS:
            assert section in text, (code, section)
        assert "Simulated data" in reader.pages[-1].extract_text()  # banner on every page
    assert summary.pages and max(summary.pages.values()) <= 2


def test_docx_brief_reopens_with_headings_tables_and_figures(demo_pack):
    import docx

    out, _ = demo_pack
    doc = docx.Document(out / "sheets" / "CZ06.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Jihovýchod (Southeast), CZ06"  # national (English), code
    assert {"Headline figures", "Top specialisations, 2023", "Method"} <= set(headings)
    assert len(doc.tables) >= 6
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Figure ")]
    assert len(captions) == len(doc.inline_shapes) == 3
    assert [c.split(".")[0] for c in captions] == ["Figure 1", "Figure 2", "Figure 3"]


def test_xlsx_annex_one_sheet_per_table_and_metadata(demo_pack, demo_batch):
    import openpyxl

    out, _ = demo_pack
    book = openpyxl.load_workbook(out / "sheets" / "SK02.xlsx")
    assert {"headline", "specialisations", "emerging", "diversify", "peers", "metadata"} <= set(
        book.sheetnames)
    spec = book["specialisations"]
    headers = [c.value for c in spec[4]]
    assert "Persons employed (persons)" in headers and "LQ lower 95 % bound (ratio)" in headers
    p = demo_batch.profile("SK02")
    assert spec.cell(5, headers.index("Persons employed (persons)") + 1).value == pytest.approx(
        p.specialisations["value"][0])
    meta = {r[0].value: r[1].value for r in book["metadata"].iter_rows(min_row=5)}
    for field in ("source", "licence", "data vintage", "NUTS version", "toolkit", "generated",
                  "specialisation"):
        assert meta.get(field), field


def test_markdown_and_figures_in_every_format(demo_pack):
    out, _ = demo_pack
    text = (out / "sheets" / "AT13.md").read_text()
    assert text.startswith("# Wien (Vienna), AT13") and "| Industry |" in text
    for key in ("map", "employment", "diversify"):
        for ext in ("png", "svg", "pdf"):
            assert (out / "figures" / f"AT13_{key}.{ext}").stat().st_size > 1000
    from PIL import Image

    with Image.open(out / "figures" / "AT13_map.png") as im:
        assert round(im.info["dpi"][0]) == 300


def test_index_and_comparison_link_every_sheet(demo_pack):
    out, _ = demo_pack
    index = (out / "index.html").read_text()
    for code in DEMO_REGIONS:
        assert f'href="sheets/{code}.html"' in index
    assert 'id="filter"' in index and "aria-sort" in index  # filterable, sortable
    assert "sheets/CZ06.html" in index.split("<svg", 1)[1]  # the map links too
    compare = (out / "compare.html").read_text()
    assert all(f", {code}</th>" in compare for code in DEMO_REGIONS)
    assert "Jihovýchod (Southeast), CZ06" in compare and "Wien (Vienna), AT13" in compare
    assert "Jihovýchod</a> <span class=\"english\">(Southeast)</span>" in index
    for ext in ("pdf", "xlsx", "docx", "md"):
        assert (out / f"compare.{ext}").is_file()


def test_notebook_display_is_the_scoped_sheet_with_its_map(demo_batch):
    import re

    profile = demo_batch.profile("CZ06")
    html = profile._repr_html_()  # what Jupyter shows: the protocol's element, then the sheet
    assert html.startswith('<div id="emerging-result-') and "<table" not in html.split(
        '<div class="emerging-sheet"', 1)[0]  # the summary line only: the sheet has the tables
    sheet = html.split('<div class="emerging-sheet"', 1)[1]
    element = re.match(r' id="([\w-]+)">', sheet).group(1)
    css = sheet.split("<style>", 1)[1].split("</style>", 1)[0]
    assert sheet.index("<style>") < sheet.index("<header>")  # the style sits inside the element
    selectors = [sel.strip() for rule in css.split("}") if rule.strip()
                 for sel in rule.split("{")[0].split(",")]
    assert selectors and all(s.startswith(f"#{element}.emerging-sheet") for s in selectors)
    assert "@page" not in css and "body" not in css
    assert html.count('<img src="data:image/png;base64,') == 3  # the map and charts inline
    assert 'alt="Map of the location quotient' in html
    for part in ("Jihovýchod", "(Southeast)", "Headline figures", "Top specialisations"):
        assert part in html
    assert profile._repr_html_() != html  # a new element id each time: two sheets never clash


def test_report_summary_displays_its_map(demo_pack):
    _, summary = demo_pack
    html = summary._repr_html_()
    assert html.startswith('<div id="emerging-result-')
    assert '<img src="data:image/svg+xml;base64,' in html and "sheets" in html


def test_sheet_colours_come_from_the_house_palette():
    import re
    from importlib import resources

    from emerging.maps import style
    from emerging.reports.colours import SHEET_COLOURS
    from emerging.reports.html import stylesheet

    palette = {v.lower() for k, v in vars(style).items() if isinstance(v, str) and k.isupper()}
    palette |= {c.lower() for k, v in vars(style).items() if isinstance(v, tuple) and k.isupper()
                for c in v if isinstance(c, str)}
    assert {c.lower() for c in SHEET_COLOURS.values()} <= palette
    folder = resources.files("emerging.reports")
    for name in ("templates/sheet.css", "templates/print.css", "templates/index.html",
                 "templates/_sheet.html", "html.py", "xlsx.py", "docx.py", "index.py"):
        text = folder.joinpath(name).read_text("utf-8")
        assert not re.search(r"#[0-9a-fA-F]{6}\b", text), name
    css = stylesheet("sheet.css")
    for role, colour in SHEET_COLOURS.items():
        assert f"--em-{role}: {colour};" in css


def test_default_figures_are_png_only(tmp_path, demo_batch):
    summary = build_report(demo_batch, regions="SK02", out=tmp_path, formats=("html",),
                           progress=False)
    figures = {p.suffix for p in summary.written if p.parent.name == "figures"}
    assert figures == {".png", ".svg"}  # sheet figures PNG; the index map is SVG (links)
    assert not list((tmp_path / "figures").glob("SK02_*.svg"))
    with pytest.raises(ReportInputError, match="unknown figure format"):
        build_report(demo_batch, regions="SK02", out=tmp_path, figure_formats=("jpg",),
                     progress=False)


def test_unwritable_folder_and_unknown_region(tmp_path, demo_batch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ReportInputError, match="cannot create the output folder"):
        build_report(demo_batch.data, regions="CZ06", out=blocker / "out", progress=False)
    with pytest.raises(ReportInputError, match="Closest codes in the data: CZ0"):
        build_report(demo_batch.data, regions="CZ09", out=tmp_path / "x", progress=False)


def test_cli_report_exit_code_2(tmp_path):
    from typer.testing import CliRunner

    from emerging.cli import app

    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(app, ["report", "--data", "demo", "--regions", "CZ06",
                                      "--out", str(blocker / "out")])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: cannot create the output folder")


# ---------------------------------------------------------------- in a browser
CHECK = """<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="f" src="{src}" style="width:{width}px;height:900px"></iframe>
<script>
var f = document.getElementById("f");
f.addEventListener("load", function () {{
  setTimeout(function () {{
    var d = f.contentDocument, w = f.contentWindow;
    var broken = Array.prototype.filter.call(d.images, function (i) {{
      return !i.complete || i.naturalWidth === 0; }}).map(function (i) {{ return i.src.slice(-40); }});
    var wide = Array.prototype.filter.call(d.querySelectorAll("body *"), function (e) {{
      var r = e.getBoundingClientRect(); return r.right > d.documentElement.clientWidth + 1;
    }}).map(function (e) {{ return e.tagName + "." + e.className; }}).slice(0, 5);
    document.getElementById("result").textContent = JSON.stringify({{
      overflow: d.documentElement.scrollWidth - d.documentElement.clientWidth,
      broken: broken, wide: wide, images: d.images.length, svgs: d.querySelectorAll("svg").length}});
  }}, 300);
}});
</script></body></html>"""


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run_chromium(args, profile):
    exe = _chromium()
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={profile}", "--allow-file-access-from-files",
             "--enable-logging=stderr", "--v=0"]
    return subprocess.run([exe, *flags, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(_chromium() is None, reason="Debian's chromium is not installed (make test installs it)")
@pytest.mark.parametrize("page", ["index.html", "sheets/CZ06.html", "sheets/SK02.html",
                                  "sheets/AT13.html"])
def test_page_in_chromium(demo_pack, tmp_path, page):
    out, _ = demo_pack
    for width in (1280, 800):
        check = out / f"check_{width}_{page.replace('/', '_')}"
        check.write_text(CHECK.format(src=page, width=width))
        run = _run_chromium(["--virtual-time-budget=8000", "--dump-dom", check.as_uri()],
                            tmp_path / f"profile{width}")
        result = json.loads(run.stdout.split('<pre id="result">', 1)[1].split("</pre>", 1)[0])
        assert result["overflow"] <= 0, (page, width, result)
        assert result["broken"] == [], (page, result)
        errors = [line for line in run.stderr.splitlines()
                  if "CONSOLE" in line and ("Uncaught" in line or "rror" in line)]
        assert errors == [], errors
    shot = out / f"{page.replace('/', '_')}.png"
    _run_chromium(["--window-size=1280,1800", "--hide-scrollbars", f"--screenshot={shot}",
                   (out / page).as_uri()], tmp_path / "shot")
    assert shot.stat().st_size > 20_000  # looked at by hand: see the README


@pytest.mark.realdata
def test_real_data_sheets(real_processed, tmp_path):
    from pypdf import PdfReader

    summary = build_report(real_processed, regions="CZ06,SK02,SI04", out=tmp_path,
                           formats=("html", "pdf"), figure_formats=(), progress=False)
    assert max(summary.pages.values()) <= 2, summary.pages
    text = PdfReader(tmp_path / "sheets" / "CZ06.pdf").pages[0].extract_text()
    assert "Jihovýchod" in text and "Old data" in text and "2014" in text
    for code in ("HU11", "PL91"):  # split regions: until apportioned, a clear error
        with pytest.raises(ReportInputError, match="was split into"):
            build_report(real_processed, regions=code, out=tmp_path, progress=False)
    assert pl.read_parquet(real_processed / "sbs_wages_nuts2.parquet").height
