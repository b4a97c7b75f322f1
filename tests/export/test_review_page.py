"""The review page (``budgetdoc review``): escaped, self-contained, every flagged cell drawn, and in a real
browser a click on a violation highlights its cells on the page image and in the table.

The document is the poor-scan sample of the seed (real page images, skewed) with two injected misreads:
t05's 137.31 read as 187.31 (a confusion the repair search puts back) and t06's 4.74 read as 9.99
(two digits: no single edit explains it, so the identities stay violated).
"""

from __future__ import annotations

import base64
import io
import json
import shutil
import time
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from budgetdoc.checks.identities import _ref
from budgetdoc.checks.values import write_cell
from budgetdoc.checks.verify import verify_document
from budgetdoc.cli import app
from budgetdoc.export.review import MAX_IMAGE_WIDTH, cell_key, review_html, review_path, write_review
from budgetdoc.model import Column
from budgetdoc.model.document import CellRef, DisclosureDocument, Provenance
from budgetdoc.model.io import dump_document, load_document

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "datasets" / "samples" / "seed-poor-scan" / "truth.json"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
EVIL = "<script>alert('x')</script>&<b>"


def injected() -> DisclosureDocument:
    """The sample with one repairable and one unrepairable misread, verified."""
    doc = load_document(SAMPLE)
    t05 = next(t for t in doc.tables if t.id == "t05")
    row = next(r for r in t05.rows if getattr(r, "subject_code", None) == "2010350")
    write_cell(doc, _ref(t05, row, Column.basic_expenditure), "187.31")
    t06 = next(t for t in doc.tables if t.id == "t06")
    write_cell(doc, _ref(t06, t06.rows[3], Column.total), "9.99")
    verify_document(doc, repair=True)
    return doc


class _Elements(HTMLParser):
    """Tags of the page by kind: SVG shapes and table cells by ``data-cell``, list items, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: dict[str, list[dict]] = defaultdict(list)
        self.tds: dict[str, list[dict]] = defaultdict(list)
        self.items: list[dict] = []
        self.images: list[str] = []
        self.scripts = 0
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "polygon" and "data-cell" in a:
            self.shapes[a["data-cell"]].append(a)
        elif tag == "td" and "data-cell" in a:
            self.tds[a["data-cell"]].append(a)
        elif tag == "li" and "data-cells" in a:
            self.items.append(a)
        elif tag == "image":
            self.images.append(a.get("href", ""))
        elif tag == "script":
            self.scripts += 1
        for k in ("src", "href"):
            if k in a and not a[k].startswith("data:"):
                self.urls.append(a[k])


def parse(html: str) -> _Elements:
    p = _Elements()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def doc() -> DisclosureDocument:
    return injected()


@pytest.fixture(scope="module")
def page(doc) -> tuple[str, _Elements]:
    html = review_html(doc, json_path=SAMPLE)
    return html, parse(html)


# --------------------------------------------------------------------------------------------------
# the HTML


def test_the_injected_errors_give_a_violation_and_a_repair(doc):
    assert [r.rule_id for r in doc.checks if r.status == "failed"]
    assert [(r.original, r.repaired) for r in doc.repairs] == [("187.31", "137.31")]
    assert doc.review and doc.review[0].reason == "contradicted"


def test_every_violation_cell_has_an_overlay_shape_and_a_table_cell(doc, page):
    _, el = page
    failed = [r for r in doc.checks if r.status == "failed"]
    keys = {cell_key(doc, c) for r in failed for c in r.cells}
    assert keys
    for key in keys:
        assert el.shapes[key], f"no overlay for {key}"
        assert el.tds[key], f"no table cell for {key}"
        assert all("bad" in a.get("class", "").split() for a in el.shapes[key] + el.tds[key]), key
    # the violations list names exactly those cells
    listed = {k for a in el.items if "violation" in a["class"].split() for k in json.loads(a["data-cells"])}
    assert listed == keys
    assert sum("violation" in a["class"].split() for a in el.items) == len(failed)


def test_repaired_and_review_cells_are_marked(doc, page):
    _, el = page
    [rep] = doc.repairs
    key = cell_key(doc, rep.cell)
    assert key == "table:t05:5:3"
    for a in el.shapes[key] + el.tds[key]:
        assert "fixed" in a["class"].split()
    assert "187.31 → 137.31" in el.tds[key][0]["title"]
    reviewed = [a for a in el.items if "review-item" in a["class"].split()]
    assert len(reviewed) == len(doc.review)
    first = json.loads(reviewed[0]["data-cells"])[0]
    assert first == cell_key(doc, doc.review[0].cell)
    assert all("review" in a["class"].split() for a in el.shapes[first])


def test_every_cell_with_a_box_is_drawn_with_its_table_row_and_col(doc, page):
    _, el = page
    t06 = next(t for t in doc.tables if t.id == "t06")
    for c in t06.cells:
        [shape] = el.shapes[f"table:t06:{c.row}:{c.col}"]
        assert (shape["data-table"], shape["data-row"], shape["data-col"]) == ("t06", str(c.row), str(c.col))


@pytest.mark.parametrize("with_form", [True, False])
def test_a_card_fund_line_is_drawn_on_its_form_cell_or_by_its_own_box(with_form):
    # c02's 市县(区)财政资金 实施期 550000 read as 520000 (no known confusion: not repaired)
    doc = load_document(SAMPLE)
    card = next(c for c in doc.cards if c.id == "c02")
    box = card.form.cell_at(6, 2).provenance.bbox
    ref = CellRef(card_id="c02", field="funds[3].period_amount")
    write_cell(doc, ref, "520000", Provenance(page=23, bbox=box, raw_text="520000", confidence=0.6, source="ocr"))
    if not with_form:
        card.form = None
    verify_document(doc, repair=True)
    assert not doc.repairs
    key = cell_key(doc, ref)
    assert key == ("card:c02:6:2" if with_form else "card:c02:funds[3].period_amount")
    el = parse(review_html(doc, json_path=SAMPLE))
    [shape] = el.shapes[key]
    assert "bad" in shape["class"].split()
    assert len(el.tds[key]) == (2 if with_form else 0)  # the form is shown under both pages of the card


def test_page_images_are_embedded_and_nothing_is_fetched(doc, page):
    html, el = page
    assert len(el.images) == len(doc.pages)
    assert all(h.startswith("data:image/jpeg;base64,") for h in el.images)
    im = Image.open(io.BytesIO(base64.b64decode(el.images[9].split(",", 1)[1])))
    assert im.format == "JPEG" and im.width <= MAX_IMAGE_WIDTH
    assert el.urls == []  # no external script, style, image or link
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    assert el.scripts == 1


def test_document_text_is_escaped_everywhere(tmp_path):
    doc = injected()
    doc.title = EVIL
    t05 = next(t for t in doc.tables if t.id == "t05")
    t05.id = 't05"><img src=x onerror=alert(1)>'
    t05.cells[0].text = EVIL
    t05.notes = [EVIL]
    for r in doc.checks:
        r.message = EVIL
    doc.review[0].text = EVIL
    html = review_html(doc, json_path=SAMPLE)
    el = parse(html)
    assert el.scripts == 1  # only the page's own script
    assert "<script>alert" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;&lt;b&gt;" in html
    # an id with quotes stays inside its attribute
    tables = {a.get("data-table") for shapes in el.shapes.values() for a in shapes}
    assert 't05"><img src=x onerror=alert(1)>' in tables


def test_a_page_without_an_image_falls_back_to_a_blank_sheet_with_its_boxes(tmp_path):
    doc = injected()
    for p in doc.pages:
        p.image = None
    doc.source = None
    el = parse(html := review_html(doc, json_path=tmp_path / "doc.json"))
    assert el.images == [] and html.count('class="blank"') == len(doc.pages)
    assert el.shapes["table:t05:5:3"]  # the boxes are still drawn, in points
    assert 'viewBox="0 0 595.3 841.9"' in html


def test_a_page_without_an_image_is_rendered_from_the_source_file(tmp_path):
    doc = load_document(SAMPLE)
    doc.pages = doc.pages[:1]
    doc.tables = doc.cards = []
    doc.pages[0].image = None
    shutil.copy(SAMPLE.parent / "pages" / "page-001.jpg", tmp_path / "scan.jpg")
    doc.source.path = "scan.jpg"  # relative to the JSON
    html = review_html(doc, json_path=tmp_path / "doc.json")
    assert "源文件渲染 (rendered from the source file)" in html
    assert len(parse(html).images) == 1


# --------------------------------------------------------------------------------------------------
# writing and the command


def _doc_file(tmp_path: Path, name: str = "doc.json") -> Path:
    """The injected document written elsewhere, its page images named by absolute path."""
    doc = injected()
    for p in doc.pages:
        p.image = str(SAMPLE.parent / p.image)
    return dump_document(doc, tmp_path / name)


def test_write_review_writes_beside_the_json(tmp_path):
    src = _doc_file(tmp_path)
    out = write_review(src)
    assert out == review_path(src) == tmp_path / "doc.review.html"
    assert parse(out.read_text(encoding="utf-8")).images
    assert not list(tmp_path.glob(".*.tmp"))


def test_the_command_writes_the_good_files_and_names_the_bad_ones(tmp_path):
    good = _doc_file(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    missing = tmp_path / "missing.json"
    shape = tmp_path / "shape.json"
    shape.write_text('{"tables": 5}', encoding="utf-8")  # JSON, but not a document
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["review", str(bad), str(good), str(missing), str(shape), "--out", str(out)])
    assert res.exit_code == 1
    assert (tmp_path / "out" / "doc.review.html").is_file()
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 3 and len(res.stderr.splitlines()) == 3
    assert [name in line for name, line in zip(("bad.json", "missing.json", "shape.json"), errors)] == [True] * 3
    assert f"wrote {tmp_path / 'out' / 'doc.review.html'}" in res.stdout


def test_the_command_keeps_same_named_documents_apart(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    files = [_doc_file(a, "truth.json"), _doc_file(b, "truth.json")]
    res = CliRunner().invoke(app, ["review", *map(str, files), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["a-truth.review.html", "b-truth.review.html"]


# --------------------------------------------------------------------------------------------------
# in a browser


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (Debian chromium, system-packages-test.txt)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the driver is named, so selenium-manager never looks for (or downloads) one
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _severe(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _in_viewport(driver, el) -> bool:
    return driver.execute_script(
        "var r = arguments[0].getBoundingClientRect();"
        "return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&"
        " r.top < window.innerHeight && r.left < window.innerWidth;", el)


def _click_and_check(driver, item) -> None:
    """Click a list item; each cell it names gets ``highlight`` on the page and in the table, shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    keys = json.loads(item.get_attribute("data-cells"))
    item.click()
    WebDriverWait(driver, 5).until(lambda d: "active" in item.get_attribute("class").split())
    time.sleep(0.3)  # let the smooth parts of scrolling settle
    shapes = tds = 0
    for key in keys:
        found = driver.execute_script(
            "var key = arguments[0]; return Array.from(document.querySelectorAll('[data-cell]'))"
            ".filter(function (e) { return e.getAttribute('data-cell') === key; });", key)
        assert found, key
        for e in found:
            assert "highlight" in e.get_attribute("class").split(), key
            assert e.is_displayed(), key
        shapes += sum(e.tag_name == "polygon" for e in found)
        tds += sum(e.tag_name == "td" for e in found)
    assert shapes and tds
    first = driver.find_element(By.CSS_SELECTOR, "polygon.highlight")
    assert _in_viewport(driver, first)  # scrolled to
    assert any(_in_viewport(driver, td) for td in driver.find_elements(By.CSS_SELECTOR, "td.highlight"))


@pytest.mark.slow
def test_clicking_a_violation_highlights_its_cells_in_a_browser(tmp_path, browser):
    from selenium.webdriver.common.by import By

    out = tmp_path / "doc.review.html"
    out.write_text(review_html(injected(), json_path=SAMPLE), encoding="utf-8")
    browser.get(out.as_uri())
    assert browser.find_elements(By.CSS_SELECTOR, "section.page")
    assert _severe(browser) == []
    _click_and_check(browser, browser.find_element(By.CSS_SELECTOR, "li.violation"))
    # a review item, and the previous highlight is cleared
    _click_and_check(browser, browser.find_elements(By.CSS_SELECTOR, "li.review-item")[-1])
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.item.active")) == 1
    assert _severe(browser) == []
