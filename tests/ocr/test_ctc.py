"""The CTC top-k reduction and greedy decoder, on hand-made probability matrices."""

from __future__ import annotations

import numpy as np
import pytest

from budgetdoc.ocr.ctc import BLANK, CtcFrames, chars_from_frames, decode_frames, topk_frames

CHARSET = ["<blank>", "1", "7", "3", "8", ".", " "]


def probs(rows: list[dict[str, float]]) -> np.ndarray:
    """A T×C softmax: each row names some symbols' mass, the blank takes the rest."""
    m = np.zeros((len(rows), len(CHARSET)))
    for t, row in enumerate(rows):
        for sym, p in row.items():
            m[t, CHARSET.index(sym)] = p
        m[t, 0] += 1.0 - m[t].sum()
    return m


def frames_of(rows, k=3) -> CtcFrames:
    return topk_frames(probs(rows), CHARSET, k=k, frame_width=8.0, crop_width=8 * len(rows), crop_height=48)


def test_greedy_decoding_merges_repeats_and_splits_on_blank():
    f = frames_of([{"1": 0.9}, {"1": 0.95}, {}, {"1": 0.8}, {"7": 0.6, "1": 0.3}, {}, {".": 0.99}, {}])
    decoded = decode_frames(f)
    assert "".join(d.char for d in decoded) == "117."
    first, _, third = decoded[:3]
    assert (first.t_start, first.t_end, first.t_peak) == (0, 1, 1)
    assert first.score == pytest.approx(0.95)
    assert third.alternatives[0] == ("7", 0.6)
    assert third.alternatives[1][0] == "1"
    assert third.alternatives[1][1] == pytest.approx(0.3)


def test_certain_blanks_are_dropped_and_read_as_blank():
    f = frames_of([{"3": 0.9}, {}, {}, {"3": 0.9}])
    assert [t for t, _ in f.frames] == [0, 3]
    assert "".join(d.char for d in decode_frames(f)) == "33"


def test_alternatives_leave_out_the_blank_and_sum_to_at_most_one():
    f = frames_of([{"8": 0.5, "3": 0.2}], k=3)
    (d,) = decode_frames(f, top_k=3)
    assert all(sym != BLANK for sym, _ in d.alternatives)
    assert d.alternatives[0][0] == "8"
    assert sum(p for _, p in d.alternatives) <= 1.0 + 1e-9
    assert len(decode_frames(f, top_k=1)[0].alternatives) == 1


def test_char_boxes_follow_the_quad():
    f = frames_of([{}, {"1": 0.9}, {}, {}, {"7": 0.9}, {}, {}, {"3": 0.9}, {}, {}])
    quad = ((100.0, 10.0), (180.0, 10.0), (180.0, 58.0), (100.0, 58.0))
    chars = chars_from_frames(f, quad)
    assert [c.char for c in chars] == ["1", "7", "3"]
    xs = [c.box.l for c in chars] + [chars[-1].box.r]
    assert xs == sorted(xs)
    assert all(100.0 <= c.box.l <= c.box.r <= 180.0 and c.box.t == 10.0 and c.box.b == 58.0 for c in chars)
    # the middle character's box is centred on its frame (frame 4 covers x 32..40 of the crop)
    assert chars[1].box.center[0] == pytest.approx(100.0 + 36.0)


def test_empty_frames_decode_to_nothing():
    f = CtcFrames(crop_width=0, crop_height=0, num_frames=0, frame_width=0.0)
    assert decode_frames(f) == []
    assert chars_from_frames(f, ((0, 0), (0, 0), (0, 0), (0, 0))) == []
