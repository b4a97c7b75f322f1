"""Make a rendered (or real) upright page look scanned, recording exactly where every point went.

:func:`degrade` takes an upright page image rendered at ``render_dpi`` and returns the delivered
image with its :class:`~budgetdoc.model.geometry.PageTransform`: the exact affine map from upright
page points to the delivered image's pixels (resampling, quarter-turn rotation, skew, canvas
growth). Labels drawn through that transform land on the delivered pixels (to well under a pixel,
up to the rounding of the canvas size).

Order of operations:

1. **Ruling lines** (before any geometry): fade them (``faint_line_prob``) and/or cut gaps into them
   (``broken_line_prob``). The pixels of ruling lines come from the renderer's line mask when given,
   else from a morphological search for long thin dark horizontal/vertical runs.
2. **Resample** to the delivered dpi (area averaging when shrinking).
3. **Rotate**: an optional quarter turn (90/180/270°, counter-clockwise as seen on the image) plus a
   small skew, about the page; the canvas grows to keep every corner; new area is white.
4. **Photometric**: paper tone and ink level, uneven illumination, speckle (salt and pepper), blur,
   sensor noise. JPEG compression happens when the page is written (``jpeg_quality``).

Presets (:data:`PRESETS`):

=============  ==========  ===========  ====================  ===================================
preset         dpi         skew / turn  grain, blur, noise    other
=============  ==========  ===========  ====================  ===================================
clean          as render   none         none                  PNG, white paper, no effects
office-scan    200         ±1°, none    0-3, 0.3-0.7, 1-2.5   JPEG 82-88, background removal 10,
                                                              paper 238-250, ink 10-35, uneven
                                                              light up to 6 %, faint rules on
                                                              25 % of pages, rare dust
poor-scan      150/175/    ±3°, 15 %    3-8, 0.6-1.3, 1.5-4   JPEG 60-70, background removal 12,
               200         90/180/270                         paper 215-240, ink 25-70, uneven
                                                              light up to 20 %, faint rules 60 %,
                                                              broken rules 50 %, speckle 0.06 %
=============  ==========  ===========  ====================  ===================================

(grain: noise before the blur, in grey levels; blur: Gaussian σ in delivered pixels; noise: after
the blur. Background removal: pixels within that many grey levels of the paper become paper.)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import cv2
import numpy as np
from PIL import Image

from budgetdoc.model.geometry import POINTS_PER_INCH, PageTransform


@dataclass(frozen=True)
class DegradePreset:
    """A named recipe of scan defects; ranges are ``(low, high)`` drawn uniformly per page.

    ``dpi``: delivered resolutions to choose from (empty: keep the render dpi; never upsampled).
    ``skew_deg``: the skew is uniform in ``[-skew_deg, skew_deg]`` degrees.
    ``rotate_prob`` / ``rotations``: chance of a quarter turn and which ones (counter-clockwise).
    ``grain_sigma`` / ``blur_sigma`` / ``noise_sigma``: paper grain (noise before the blur), Gaussian
    blur (delivered pixels) and sensor noise after it (grey levels).
    ``background_clip``: the scanner's background removal: pixels within this many grey levels of
    the paper become paper (noise survives only on and around the ink).
    ``illumination``: the most an uneven light darkens part of the page (0.2 = 20 %).
    ``paper`` / ``ink``: grey levels of blank paper and of full-black ink.
    ``faint_line_prob`` / ``faint_line_level``: chance the ruling lines are faded, and the grey level
    (range) they fade to; ``broken_line_prob``: chance of gaps along the rules.
    ``speckle``: fraction of pixels turned into dust (dark) or drop-outs (white).
    ``image_format`` / ``jpeg_quality``: how the delivered page is to be encoded.
    ``grey_levels``: posterize to this many evenly spaced grey levels and return a palette ("P")
    image, so PNG stores it in 1/2/4 bits per pixel (None: 256 levels, mode "L").
    """

    name: str
    description: str
    dpi: tuple[int, ...] = ()
    skew_deg: float = 0.0
    rotate_prob: float = 0.0
    rotations: tuple[int, ...] = (90, 180, 270)
    blur_sigma: tuple[float, float] = (0.0, 0.0)
    grain_sigma: tuple[float, float] = (0.0, 0.0)
    noise_sigma: tuple[float, float] = (0.0, 0.0)
    background_clip: float = 0.0
    illumination: float = 0.0
    paper: tuple[int, int] = (255, 255)
    ink: tuple[int, int] = (0, 0)
    faint_line_prob: float = 0.0
    faint_line_level: tuple[int, int] = (140, 190)
    broken_line_prob: float = 0.0
    speckle: float = 0.0
    image_format: Literal["png", "jpeg"] = "png"
    jpeg_quality: tuple[int, int] = (85, 85)
    grey_levels: int | None = None


PRESETS: dict[str, DegradePreset] = {
    "clean": DegradePreset(
        name="clean",
        description="born-digital look: the rendered page as it is (no skew, no noise), PNG",
    ),
    "office-scan": DegradePreset(
        name="office-scan",
        description="a decent office scanner: 200 dpi, skew up to ±1°, mild blur and noise, JPEG ~85, "
                    "slightly uneven light, occasionally faint ruling lines",
        dpi=(200,), skew_deg=1.0, blur_sigma=(0.3, 0.7), grain_sigma=(0.0, 3.0), noise_sigma=(1.0, 2.5),
        background_clip=10.0, illumination=0.06, paper=(238, 250), ink=(10, 35), faint_line_prob=0.25,
        faint_line_level=(120, 170), speckle=0.00003, image_format="jpeg", jpeg_quality=(82, 88),
    ),
    "poor-scan": DegradePreset(
        name="poor-scan",
        description="a poor scan or photocopy: 150-200 dpi, skew up to ±3°, sometimes turned 90/180/270°, "
                    "strong blur and noise, JPEG 60-70, uneven light, faint and broken ruling lines, speckle",
        dpi=(150, 175, 200), skew_deg=3.0, rotate_prob=0.15, blur_sigma=(0.6, 1.3), grain_sigma=(3.0, 8.0),
        noise_sigma=(1.5, 4.0), background_clip=12.0, illumination=0.2, paper=(215, 240), ink=(25, 70), faint_line_prob=0.6, faint_line_level=(130, 205),
        broken_line_prob=0.5, speckle=0.0006, image_format="jpeg", jpeg_quality=(60, 70),
    ),
}


@dataclass
class DegradedPage:
    """The delivered page: image (mode "L"), its dpi, the points → pixels transform, what was drawn."""

    image: Image.Image
    dpi: float
    transform: PageTransform
    params: dict[str, Any] = field(default_factory=dict)
    image_format: Literal["png", "jpeg"] = "png"
    jpeg_quality: int = 85


def get_preset(preset: str | DegradePreset) -> DegradePreset:
    if isinstance(preset, DegradePreset):
        return preset
    try:
        return PRESETS[preset]
    except KeyError:
        raise ValueError(f"unknown degradation preset {preset!r}; choose from {sorted(PRESETS)}") from None


# --------------------------------------------------------------------------------------------------
# geometry


def _rotation(quarter: int, skew: float) -> np.ndarray:
    """2x2 matrix turning image vectors (x right, y down) counter-clockwise as seen, by
    ``quarter`` (exact) plus ``skew`` degrees."""
    q = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[quarter % 360]
    qm = np.array([[q[0], q[1]], [-q[1], q[0]]], dtype=np.float64)
    if skew == 0.0:
        return qm
    t = math.radians(skew)
    c, s = math.cos(t), math.sin(t)
    return np.array([[c, s], [-s, c]], dtype=np.float64) @ qm


def page_transform(width_pt: float, height_pt: float, *, scale: tuple[float, float], rotation: int,
                   skew: float) -> tuple[PageTransform, tuple[int, int], np.ndarray]:
    """The transform for a page scaled by ``scale`` pixels per point, then turned; the canvas size
    that holds all its corners; and the 2x3 map from scaled-upright pixels to canvas pixels."""
    sx, sy = scale
    w1, h1 = width_pt * sx, height_pt * sy
    rot = _rotation(rotation, skew)
    corners = rot @ np.array([[0.0, w1, w1, 0.0], [0.0, 0.0, h1, h1]])
    lo = corners.min(axis=1)
    hi = corners.max(axis=1)
    size = (max(1, int(math.ceil(hi[0] - lo[0] - 1e-6))), max(1, int(math.ceil(hi[1] - lo[1] - 1e-6))))
    m = np.hstack([rot, -lo.reshape(2, 1)])  # scaled pixels -> canvas pixels
    full = m[:, :2] @ np.diag([sx, sy])
    matrix = [float(full[0, 0]), float(full[0, 1]), float(m[0, 2]), float(full[1, 0]), float(full[1, 1]),
              float(m[1, 2])]
    matrix = [0.0 if abs(v) < 1e-12 else v for v in matrix]
    return PageTransform(matrix=matrix, rotation=rotation % 360, skew_degrees=float(skew)), size, m


def _warp(arr: np.ndarray, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Apply a continuous-coordinate affine map (pixel i spans [i, i+1)) with OpenCV (pixel centres
    at integers): the translation shifts by ``A @ (0.5, 0.5) - (0.5, 0.5)``."""
    a = m[:, :2]
    t = m[:, 2] + a @ np.array([0.5, 0.5]) - np.array([0.5, 0.5])
    mc = np.hstack([a, t.reshape(2, 1)])
    return cv2.warpAffine(arr, mc, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


# --------------------------------------------------------------------------------------------------
# ruling lines


def find_rules(arr: np.ndarray, dpi: float) -> np.ndarray:
    """Boolean mask of long thin dark horizontal and vertical runs (ruling lines)."""
    dark = (arr < 160).astype(np.uint8)
    k = max(15, int(round(dpi * 0.3))) | 1  # a run of at least ~0.3 inch (odd: no anchor shift)
    h = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    v = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, k)))
    return (h | v).astype(bool)


def _fade_rules(arr: np.ndarray, mask: np.ndarray, rng: np.random.Generator, p: DegradePreset,
                dpi: float, params: dict[str, Any]) -> np.ndarray:
    faint = rng.random() < p.faint_line_prob
    broken = rng.random() < p.broken_line_prob
    params["faint_lines"] = None
    params["broken_lines"] = None
    if not (faint or broken) or not mask.any():
        return arr
    out = arr.astype(np.float32)
    h, w = arr.shape
    if faint:
        level = float(rng.uniform(*p.faint_line_level))
        # fading varies smoothly along the page (a worn toner drum, a light photocopy)
        cells = rng.random((6, 6)).astype(np.float32)
        field_ = cv2.resize(cells, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1)
        target = level * (0.6 + 0.4 * field_)
        out = np.where(mask, np.maximum(out, target), out)
        params["faint_lines"] = round(level, 1)
    if broken:
        block = max(3, int(round(dpi / 25)))  # gaps of about 1 mm
        frac = float(rng.uniform(0.04, 0.12))
        gh, gw = -(-h // block), -(-w // block)
        gaps = rng.random((gh, gw)) < frac
        gaps = np.repeat(np.repeat(gaps, block, axis=0), block, axis=1)[:h, :w]
        out = np.where(mask & gaps, 255.0, out)
        params["broken_lines"] = round(frac, 3)
    return out.clip(0, 255).astype(np.uint8)


# --------------------------------------------------------------------------------------------------
# the whole thing


def degrade(image: Image.Image, *, width_pt: float, height_pt: float, render_dpi: float,
            preset: str | DegradePreset, rng: np.random.Generator,
            line_mask: Image.Image | np.ndarray | None = None) -> DegradedPage:
    """Degrade an upright page image rendered at ``render_dpi`` (its pixel x = points x · dpi/72).

    ``line_mask`` (optional, same size, non-zero on ruling-line pixels) says which pixels are rules
    for the faint/broken-line effects; without it they are found morphologically. Returns the
    delivered image, its dpi, the exact points → pixels :class:`PageTransform`, and every parameter
    drawn (``params``), for the sample's meta.
    """
    p = get_preset(preset)
    arr = np.asarray(image.convert("L"), dtype=np.uint8).copy()
    h0, w0 = arr.shape
    s_in = render_dpi / POINTS_PER_INCH
    if abs(w0 - width_pt * s_in) > 2.5 or abs(h0 - height_pt * s_in) > 2.5:
        raise ValueError(f"image {w0}x{h0} px is not a {width_pt:g}x{height_pt:g} pt page at {render_dpi:g} dpi")
    params: dict[str, Any] = {"preset": p.name, "render_dpi": float(render_dpi)}

    # 1. ruling lines, at render resolution
    if p.faint_line_prob > 0 or p.broken_line_prob > 0:
        if line_mask is not None:
            mask = np.asarray(line_mask) > 0
            if mask.shape != arr.shape:
                raise ValueError(f"line mask {mask.shape} does not match the image {arr.shape}")
        else:
            mask = find_rules(arr, render_dpi)
        arr = _fade_rules(arr, mask, rng, p, render_dpi, params)

    # 2. resample
    dpi = float(render_dpi)
    if p.dpi:
        choice = float(p.dpi[int(rng.integers(len(p.dpi)))])
        dpi = min(choice, float(render_dpi))
    if dpi != render_dpi:
        w1 = max(1, int(round(w0 * dpi / render_dpi)))
        h1 = max(1, int(round(h0 * dpi / render_dpi)))
        arr = cv2.resize(arr, (w1, h1), interpolation=cv2.INTER_AREA)
        fx, fy = w1 / w0, h1 / h0
    else:
        fx = fy = 1.0
    params["dpi"] = dpi

    # 3. rotation and skew
    rotation = 0
    if p.rotate_prob > 0 and rng.random() < p.rotate_prob:
        rotation = int(p.rotations[int(rng.integers(len(p.rotations)))])
    skew = round(float(rng.uniform(-p.skew_deg, p.skew_deg)), 3) if p.skew_deg > 0 else 0.0
    # the canvas is computed from the upright raster's own size, so no row or column is cut
    sx, sy = s_in * fx, s_in * fy
    transform, size, m = page_transform(arr.shape[1] / sx, arr.shape[0] / sy, scale=(sx, sy),
                                        rotation=rotation, skew=skew)
    if rotation or skew:
        arr = _warp(arr, m, size)
    params.update(rotation=rotation, skew_degrees=skew)

    # 4. photometric
    out = arr.astype(np.float32)
    paper = float(rng.uniform(*p.paper)) if p.paper != (255, 255) else 255.0
    ink = float(rng.uniform(*p.ink)) if p.ink != (0, 0) else 0.0
    if paper != 255.0 or ink != 0.0:
        out = ink + out * ((paper - ink) / 255.0)
    params.update(paper=round(paper, 1), ink=round(ink, 1))
    hh, ww = out.shape
    grain = float(rng.uniform(*p.grain_sigma)) if p.grain_sigma[1] > 0 else 0.0
    if grain > 0.05:
        out += rng.standard_normal(out.shape, dtype=np.float32) * grain
    params["grain_sigma"] = round(grain, 3)
    blur = float(rng.uniform(*p.blur_sigma)) if p.blur_sigma[1] > 0 else 0.0
    if blur > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), sigmaX=blur, sigmaY=blur)
    params["blur_sigma"] = round(blur, 3)
    noise = float(rng.uniform(*p.noise_sigma)) if p.noise_sigma[1] > 0 else 0.0
    if noise > 0.05:
        out += rng.standard_normal(out.shape, dtype=np.float32) * noise
    params["noise_sigma"] = round(noise, 3)
    if p.background_clip > 0:  # the scanner's automatic background removal
        out = np.where(out > paper - p.background_clip, paper, out)
    params["background_clip"] = p.background_clip
    illum = 0.0
    if p.illumination > 0:
        illum = float(rng.uniform(0.3, 1.0)) * p.illumination
        coarse = rng.random((3, 3)).astype(np.float32)
        gx, gy = rng.uniform(-1, 1, size=2)
        lin = (np.linspace(-1, 1, ww, dtype=np.float32)[None, :] * gx
               + np.linspace(-1, 1, hh, dtype=np.float32)[:, None] * gy)
        smooth = cv2.resize(coarse, (ww, hh), interpolation=cv2.INTER_CUBIC) + 0.5 * lin
        smooth = (smooth - smooth.min()) / max(1e-6, float(smooth.max() - smooth.min()))
        out *= 1.0 - illum * smooth
    params["illumination"] = round(illum, 3)
    if p.speckle > 0:
        n = int(rng.poisson(p.speckle * hh * ww))
        ys = rng.integers(0, hh, n)
        xs = rng.integers(0, ww, n)
        dark = rng.random(n) < 0.7
        vals = np.where(dark, rng.uniform(0, 90, n), 255.0).astype(np.float32)
        out[ys, xs] = vals
        big = dark & (rng.random(n) < 0.3)  # some dust is 2x2
        out[np.minimum(ys[big] + 1, hh - 1), xs[big]] = vals[big]
        out[ys[big], np.minimum(xs[big] + 1, ww - 1)] = vals[big]
        params["speckles"] = n
    result = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    image_out = Image.fromarray(result)
    if p.grey_levels:
        image_out = posterize(result, p.grey_levels)
    params["grey_levels"] = p.grey_levels

    quality = int(rng.integers(p.jpeg_quality[0], p.jpeg_quality[1] + 1)) if p.image_format == "jpeg" else 0
    params["image_format"] = p.image_format
    params["jpeg_quality"] = quality or None
    params["size_px"] = [int(result.shape[1]), int(result.shape[0])]
    return DegradedPage(image=image_out, dpi=dpi, transform=transform, params=params,
                        image_format=p.image_format, jpeg_quality=quality or 85)


def posterize(arr: np.ndarray, levels: int) -> Image.Image:
    """``levels`` evenly spaced greys as a palette image (PNG then uses 1, 2 or 4 bits per pixel)."""
    if not 2 <= levels <= 256:
        raise ValueError(f"grey levels must be 2..256, not {levels}")
    idx = np.rint(arr.astype(np.float32) * ((levels - 1) / 255.0)).astype(np.uint8)
    im = Image.frombytes("P", (arr.shape[1], arr.shape[0]), idx.tobytes())
    grey = [int(round(i * 255 / (levels - 1))) for i in range(levels)]
    im.putpalette([v for g in grey for v in (g, g, g)])
    return im


def preset_table() -> list[dict[str, Any]]:
    """Every preset as a plain dict (for ``--help``, docs and the sample meta)."""
    return [asdict(p) for p in PRESETS.values()]
