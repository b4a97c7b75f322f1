"""The preprocess record is exact: a dot lands where the record says, in both directions, for every
quarter turn, skew and canvas; the maps are inverses; PageTransforms compose; ``fit`` recovers the
page that a turned canvas was made from."""

from __future__ import annotations

import numpy as np
import pytest
from preprocess_helpers import dark_centroid, turn

from budgetdoc.model.geometry import PageTransform
from budgetdoc.preprocess import PreprocessRecord, apply_record, make_upright, turn_matrix
from budgetdoc.preprocess.record import bbox_of
from budgetdoc.synth.degrade import page_transform


def _dot_image(w: int, h: int, x: int, y: int) -> np.ndarray:
    img = np.full((h, w), 255, np.uint8)
    img[y - 2:y + 3, x - 2:x + 3] = 0
    return img


@pytest.mark.parametrize("canvas", ["expand", "same", "fit"])
@pytest.mark.parametrize("skew", [-3.0, 0.0, 1.7])
@pytest.mark.parametrize("q", [0, 1, 2, 3])
def test_dot_lands_where_the_record_says(q, skew, canvas):
    w, h, x, y = 301, 401, 120, 90
    inp = _dot_image(w, h, x, y)
    up = make_upright(inp, quarter_turns=q, skew_degrees=skew, canvas=canvas)
    rec = up.record
    assert up.image.shape == (rec.upright_size[1], rec.upright_size[0])
    expect = rec.point_to_upright(x + 0.5, y + 0.5)
    assert dark_centroid(up.image) == pytest.approx(expect, abs=0.3)
    back = rec.point_to_input(*dark_centroid(up.image))
    assert back == pytest.approx((x + 0.5, y + 0.5), abs=0.3)


@pytest.mark.parametrize("q", [0, 1, 2, 3])
def test_quarter_turns_alone_are_exact(q):
    rng = np.random.default_rng(q)
    img = rng.integers(0, 256, (7, 11), dtype=np.uint8)
    up = make_upright(img, quarter_turns=q)
    assert np.array_equal(up.image, np.rot90(img, -q))  # no resampling
    assert up.record.skew_degrees == 0.0


def test_maps_are_inverses_and_helpers_agree():
    rec = PreprocessRecord.build((640, 480), quarter_turns=3, skew_degrees=-2.2, canvas="expand")
    pts = np.array([[0.0, 0.0], [10.5, 300.25], [639.0, 479.0]])
    assert rec.points_to_input(rec.points_to_upright(pts)) == pytest.approx(pts, abs=1e-9)
    box = (10.0, 20.0, 50.0, 60.0)
    quad = rec.quad_to_input(box)
    assert bbox_of(rec.quad_to_upright(quad)) == pytest.approx(box, abs=1e-9)
    assert rec.box_to_upright(rec.box_to_input(box))[0] <= box[0]  # the box around a turned box grows
    assert rec.box_to_input(box) == pytest.approx(
        (min(p[0] for p in quad), min(p[1] for p in quad), max(p[0] for p in quad), max(p[1] for p in quad)))
    assert PreprocessRecord.model_validate_json(rec.model_dump_json()) == rec


def test_record_matches_the_sample_generator_geometry():
    """A page turned by the generator's own ``page_transform`` comes back to the page's pixels."""
    w, h = 500, 700
    page = _dot_image(w, h, 400, 600)
    for q, skew in [(0, 2.0), (1, -1.5), (2, 0.7), (3, 3.0)]:
        img, m = turn(page, q, skew)
        rec = make_upright(img, quarter_turns=q, skew_degrees=skew, canvas="fit").record
        assert rec.upright_size == pytest.approx((w, h), abs=1)
        # upright px -> input px is the generator's map (up to the half-pixel canvas rounding)
        for p in [(0.0, 0.0), (w, 0.0), (w, h), (400.5, 600.5)]:
            assert rec.point_to_input(*p) == pytest.approx(tuple(m[:, :2] @ np.array(p) + m[:, 2]), abs=1.0)


def test_page_transforms_compose():
    label = page_transform(595.0, 842.0, scale=(2.0, 2.0), rotation=270, skew=1.25)[0]
    h, w = 1200, 1700  # any input size will do for the algebra
    rec = PreprocessRecord.build((w, h), quarter_turns=3, skew_degrees=1.25, canvas="expand")
    upright = rec.upright_transform(label)
    a, b, _, d, e, _ = upright.matrix
    assert (a, e) == pytest.approx((2.0, 2.0)) and (b, d) == pytest.approx((0.0, 0.0), abs=1e-12)
    assert upright.rotation == 0 and upright.skew_degrees == pytest.approx(0.0)
    again = rec.input_transform(upright)
    assert again.matrix == pytest.approx(label.matrix) and again.rotation == 270


def test_turn_matrix_convention_matches_page_transform():
    for q in range(4):
        pt = PageTransform(matrix=[*turn_matrix(q, 2.0)[0], 0.0, *turn_matrix(q, 2.0)[1], 0.0])
        ref = page_transform(10.0, 10.0, scale=(1.0, 1.0), rotation=90 * q, skew=2.0)[0]
        assert [pt.matrix[i] for i in (0, 1, 3, 4)] == pytest.approx([ref.matrix[i] for i in (0, 1, 3, 4)])


def test_apply_record_refuses_another_size():
    rec = PreprocessRecord.build((10, 20))
    with pytest.raises(ValueError, match="10x20|\\(10, 20\\)"):
        apply_record(np.zeros((10, 10), np.uint8), rec)


def test_rgb_images_keep_colour_and_white_fill():
    img = np.zeros((50, 80, 3), np.uint8)
    img[..., 0] = 200
    up = make_upright(img, skew_degrees=5.0, canvas="expand")
    assert up.image.shape[2] == 3
    assert tuple(up.image[0, 0]) == (255, 255, 255)  # new corner area is white
    c = up.image[up.image.shape[0] // 2, up.image.shape[1] // 2]
    assert tuple(c) == (200, 0, 0)


def test_preprocess_options_switch_steps_off():
    from preprocess_helpers import ruled_page, turn

    from budgetdoc.preprocess import PreprocessOptions, preprocess_image

    img, _ = turn(ruled_page(600, 800), 1, 1.2)
    full = preprocess_image(img, PreprocessOptions(canvas="fit"))
    assert full.record.skew_degrees == pytest.approx(1.2, abs=0.05) and full.record.quarter_turns % 2 == 1
    assert full.image.shape == pytest.approx((800, 600), abs=1)
    none = preprocess_image(img, PreprocessOptions(deskew=False, orientation=False))
    assert (none.record.quarter_turns, none.record.skew_degrees, none.orientation) == (0, 0.0, None)
    assert np.array_equal(none.image, img)
    cautious = preprocess_image(img, PreprocessOptions(min_orientation_confidence=1.0))
    assert cautious.record.quarter_turns == 0 and cautious.record.orientation_confidence is not None
    with pytest.raises(ValueError):
        PreprocessOptions(max_skew_degrees=0)
    with pytest.raises(ValueError):
        PreprocessOptions(unknown=1)
