"""Helpers of the preprocess tests: the labelled scan pages (loaded and preprocessed once per
session), a fast subset of them, and a synthetic ruled page turned by known angles."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from budgetdoc.preprocess import PreprocessOptions, UprightPage, preprocess_image
from budgetdoc.preprocess.benchmark import SamplePage, iter_sample_pages
from budgetdoc.synth.degrade import page_transform

SAMPLES = Path(__file__).resolve().parents[2] / "datasets" / "samples"
FIT = PreprocessOptions(canvas="fit")


@functools.cache
def scan_pages() -> tuple[SamplePage, ...]:
    """Every office-scan and poor-scan page of the sample set (85 pages)."""
    return tuple(iter_sample_pages(SAMPLES))


@functools.cache
def all_pages() -> tuple[SamplePage, ...]:
    return tuple(iter_sample_pages(SAMPLES, presets=None))


def fast_subset() -> tuple[SamplePage, ...]:
    """Every turned page, plus every 7th of the others (both presets, all sources): ~17 pages."""
    pages = scan_pages()
    unturned = [p for p in pages if p.labels.transform.rotation == 0]
    return tuple(p for p in pages if p.labels.transform.rotation) + tuple(unturned[::7])


@functools.cache
def preprocessed(key: str) -> UprightPage:
    page = next(p for p in all_pages() if p.key == key)
    return preprocess_image(page.load_gray(), FIT)


def ruled_page(width: int = 1200, height: int = 1600, seed: int = 0) -> np.ndarray:
    """A white page with a ruled table and rows of glyph-like blocks (no fonts needed)."""
    rng = np.random.default_rng(seed)
    im = Image.new("L", (width, height), 255)
    d = ImageDraw.Draw(im)
    top, left, right = 200, 100, width - 100
    rows = list(range(top, top + 40 * 25, 40))
    for y in rows:
        d.line([(left, y), (right, y)], fill=0, width=2)
    for x in (left, left + 250, left + 600, right):
        d.line([(x, top), (x, rows[-1])], fill=0, width=2)
    for y in rows[:-1]:
        x = left + 12
        while x < left + 230:
            w = int(rng.integers(10, 18))
            d.rectangle([x, y + 12, x + w, y + 28], fill=int(rng.integers(0, 60)))
            x += w + int(rng.integers(3, 7))
    d.rectangle([width // 2 - 200, 100, width // 2 + 200, 130], fill=20)  # a title bar
    return np.asarray(im)


def turn(upright: np.ndarray, quarter_turns: int, skew: float) -> tuple[np.ndarray, np.ndarray]:
    """The page turned counter-clockwise by ``quarter_turns`` x 90° then ``skew``° on a canvas that
    holds it (as the sample generator does); returns the image and the 2x3 upright px -> image px map."""
    h, w = upright.shape
    _, size, m = page_transform(float(w), float(h), scale=(1.0, 1.0), rotation=90 * quarter_turns, skew=skew)
    a = m[:, :2]
    t = m[:, 2] + a @ np.array([0.5, 0.5]) - np.array([0.5, 0.5])  # continuous -> OpenCV centres
    img = cv2.warpAffine(upright, np.hstack([a, t.reshape(2, 1)]), size, flags=cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return img, m


def dark_centroid(img: np.ndarray) -> tuple[float, float]:
    """Ink-weighted centre (continuous pixel coordinates) of the dark pixels."""
    a = 255.0 - img.astype(np.float64)
    a[a < 60] = 0
    ys, xs = np.nonzero(a)
    wts = a[ys, xs]
    return (float((xs + 0.5) @ wts / wts.sum()), float((ys + 0.5) @ wts / wts.sum()))
