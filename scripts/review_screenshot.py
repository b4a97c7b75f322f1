#!/usr/bin/env python
"""Regenerate docs/images/review-page.png: the review page of a scanned sample, a violation clicked.

The sample is the seed's poor-scan sample (real page images, skewed, JPEG noise) with two misreads
injected, as the tests do: t05's 137.31 read as 187.31 (the repair search puts it back) and t06's
4.74 read as 9.99 (no single edit explains it, so the identities stay violated). The page is opened
in Debian's headless Chromium (no driver download: chromedriver is named), the first violation is
clicked, and the 1400x900 view is saved as a palette PNG (a few hundred KB instead of ~1.5 MB).

Usage: .venv/bin/python scripts/review_screenshot.py [--out docs/images/review-page.png]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "datasets" / "samples" / "seed-poor-scan" / "truth.json"
WIDTH, HEIGHT = 1400, 900


def build_page(out: Path) -> Path:
    """Write the review page of the sample with the two injected misreads to ``out``."""
    from budgetdoc.checks.identities import _ref
    from budgetdoc.checks.values import write_cell
    from budgetdoc.checks.verify import verify_document
    from budgetdoc.export.review import review_html
    from budgetdoc.model import Column
    from budgetdoc.model.io import load_document

    doc = load_document(SAMPLE)
    t05 = next(t for t in doc.tables if t.id == "t05")
    row = next(r for r in t05.rows if getattr(r, "subject_code", None) == "2010350")
    write_cell(doc, _ref(t05, row, Column.basic_expenditure), "187.31")
    t06 = next(t for t in doc.tables if t.id == "t06")
    write_cell(doc, _ref(t06, t06.rows[3], Column.total), "9.99")
    verify_document(doc, repair=True)
    out.write_text(review_html(doc, json_path=SAMPLE), encoding="utf-8")
    return out


def screenshot(page: Path, *, violation: int = 1) -> Image.Image:
    """Open ``page`` in headless Chromium, click the n-th violation, and return the view."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--hide-scrollbars", f"--window-size={WIDTH},{HEIGHT}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    try:
        # the window includes no browser frame when headless, but set the view exactly anyway
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        driver.get(page.as_uri())
        driver.find_elements(By.CSS_SELECTOR, "li.violation")[violation - 1].click()
        time.sleep(3.5)  # the highlight pulses three times; take it steady
        png = driver.get_screenshot_as_png()
    finally:
        driver.quit()
    return Image.open(io.BytesIO(png)).convert("RGB")


def save_small(im: Image.Image, out: Path) -> int:
    """Save as an optimised 256-colour PNG; returns its size in bytes."""
    pal = im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out.parent.mkdir(parents=True, exist_ok=True)
    pal.save(out, format="PNG", optimize=True)
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "review-page.png")
    ap.add_argument("--violation", type=int, default=1, help="which violation to click (1-based)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        page = build_page(Path(tmp) / "seed-poor-scan.review.html")
        size = save_small(screenshot(page, violation=args.violation), args.out)
    print(f"wrote {args.out} ({size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
