"""CTC output of a line recogniser: keep the top-k per frame, decode greedily with alternatives.

A PP-OCR recogniser turns a line image 48 px high into ``T`` frames (one per 8 px of the resized
width for PP-OCRv4/v6) and gives a softmax over ``[blank] + dictionary + [space]`` for each frame.
Greedy CTC decoding takes each frame's best symbol, merges repeats and drops blanks. A character is
one run of frames whose best symbol is that character; its **peak frame** is the run's frame where
that character is most probable. There, the other non-blank candidates are the alternatives the
checks use to repair numbers (``1``/``7``, ``3``/``8``, ``0``/``6``...).

Two steps, kept apart so the second is testable without the engine:

* :func:`topk_frames` (engine side) reduces the ``T×C`` probability matrix of one crop to a
  :class:`CtcFrames` record: the top ``k`` candidates of every frame where the blank is not
  near-certain (the others are omitted and read as blank, which keeps greedy decoding exact).
* :func:`decode_frames` and :func:`chars_from_frames` (pure) decode that record into characters,
  scores, alternatives and boxes along the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.ocr.types import Candidate, OcrChar, PixelBox, Quad

#: How the CTC blank is written in a recorded :class:`CtcFrames`.
BLANK = ""


class CtcFrames(BaseModel):
    """Top-k CTC candidates of one recognised crop (the recorder's raw output, JSON-friendly).

    ``frames`` holds ``(t, candidates)`` for the kept frames in increasing ``t``; candidates are
    ``(symbol, probability)`` best first, with ``""`` for the blank. ``frame_width`` is the width
    of one frame in the crop's own pixels, so frame ``t`` covers ``[t, t+1) * frame_width``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    crop_width: int = Field(ge=0)
    crop_height: int = Field(ge=0)
    num_frames: int = Field(ge=0)
    frame_width: float = Field(ge=0.0)
    frames: tuple[tuple[int, tuple[Candidate, ...]], ...] = ()


def topk_frames(
    probs: np.ndarray,
    charset: Sequence[str],
    *,
    k: int,
    frame_width: float,
    crop_width: int,
    crop_height: int,
    blank_certain: float = 0.999,
    ndigits: int = 6,
) -> CtcFrames:
    """Reduce one crop's ``T×C`` softmax to its top ``k + 1`` symbols per kept frame.

    ``charset[0]`` must be the blank. One more than ``k`` is kept so that ``k`` non-blank
    candidates remain where the blank is among the best. Frames whose best symbol is the blank
    with probability ``>= blank_certain`` are omitted.
    """
    if probs.ndim != 2 or probs.shape[1] != len(charset):
        raise ValueError(f"probs {probs.shape} do not match a charset of {len(charset)}")
    n = min(k + 1, probs.shape[1])
    best = probs.argmax(axis=1)
    keep = np.flatnonzero(~((best == 0) & (probs[np.arange(probs.shape[0]), best] >= blank_certain)))
    rows = probs[keep]
    top = np.argpartition(-rows, n - 1, axis=1)[:, :n]
    top_p = np.take_along_axis(rows, top, axis=1)
    order = np.argsort(-top_p, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    top_p = np.take_along_axis(top_p, order, axis=1)
    kept: list[tuple[int, tuple[Candidate, ...]]] = []
    for row, t in enumerate(keep):
        cands = tuple(
            (BLANK if int(i) == 0 else charset[int(i)], round(float(p), ndigits))
            for i, p in zip(top[row], top_p[row])
        )
        kept.append((int(t), cands))
    return CtcFrames(
        crop_width=crop_width,
        crop_height=crop_height,
        num_frames=int(probs.shape[0]),
        frame_width=float(frame_width),
        frames=tuple(kept),
    )


@dataclass(frozen=True)
class DecodedChar:
    """One greedy-decoded character: its frame run ``[t_start, t_end]`` and peak frame."""

    char: str
    score: float
    alternatives: tuple[Candidate, ...]
    t_start: int
    t_end: int
    t_peak: int


def decode_frames(frames: CtcFrames, *, top_k: int = 5) -> list[DecodedChar]:
    """Greedy CTC decoding of a :class:`CtcFrames`, with top-k alternatives per character.

    Omitted frames count as blank. Alternatives are the non-blank candidates at the peak frame,
    best first (the character itself first), at most ``top_k``.
    """
    out: list[DecodedChar] = []
    # current run: symbol, start, end, peak frame, peak candidates
    run: list | None = None
    prev_t = -2
    prev_sym: str | None = None

    def close() -> None:
        nonlocal run
        if run is not None:
            sym, start, end, peak_t, peak_cands = run
            alts = tuple((c, p) for c, p in peak_cands if c != BLANK)[:top_k]
            out.append(DecodedChar(sym, alts[0][1], alts, start, end, peak_t))
        run = None

    for t, cands in frames.frames:
        if not cands:
            continue
        sym, p = cands[0]
        contiguous = t == prev_t + 1
        if sym == BLANK:
            close()
        elif run is not None and contiguous and sym == prev_sym:
            run[2] = t
            if p > dict(run[4])[sym]:
                run[3], run[4] = t, cands
        else:
            close()
            run = [sym, t, t, t, cands]
        prev_t, prev_sym = t, sym
    close()
    return out


def _lerp(p: tuple[float, float], q: tuple[float, float], u: float) -> tuple[float, float]:
    return (p[0] + (q[0] - p[0]) * u, p[1] + (q[1] - p[1]) * u)


def sub_quad(quad: Quad, u0: float, u1: float) -> Quad:
    """The part of ``quad`` between fractions ``u0`` and ``u1`` of its reading direction."""
    tl, tr, br, bl = quad
    return (_lerp(tl, tr, u0), _lerp(tl, tr, u1), _lerp(bl, br, u1), _lerp(bl, br, u0))


def chars_from_frames(frames: CtcFrames, quad: Quad, *, top_k: int = 5) -> list[OcrChar]:
    """Decode ``frames`` into :class:`OcrChar` with boxes placed along ``quad``.

    ``quad`` is where the crop lies in the output coordinates (reading order, the crop's top edge
    first). A character spans from half-way to its left neighbour's centre to half-way to its right
    neighbour's; the first and last extend by half the neighbouring pitch (the whole crop for a
    single character). Spaces keep no box.
    """
    decoded = decode_frames(frames, top_k=top_k)
    if not decoded:
        return []
    width = max(frames.crop_width, 1)
    centres = [min((d.t_start + d.t_end + 1) / 2 * frames.frame_width, width) for d in decoded]
    n = len(decoded)
    chars: list[OcrChar] = []
    for i, d in enumerate(decoded):
        if n == 1:
            x0, x1 = 0.0, float(width)
        else:
            left = (centres[i - 1] + centres[i]) / 2 if i > 0 else centres[0] - (centres[1] - centres[0]) / 2
            right = (
                (centres[i] + centres[i + 1]) / 2
                if i < n - 1
                else centres[-1] + (centres[-1] - centres[-2]) / 2
            )
            x0, x1 = max(0.0, left), min(float(width), right)
            if x1 < x0:
                x0 = x1 = min(max(centres[i], 0.0), float(width))
        score = min(max(d.score, 0.0), 1.0)
        if d.char.isspace():
            chars.append(OcrChar(char=d.char, score=score, alternatives=d.alternatives))
            continue
        q = sub_quad(quad, x0 / width, x1 / width)
        chars.append(
            OcrChar(char=d.char, quad=q, box=PixelBox.from_quad(q), score=score, alternatives=d.alternatives)
        )
    return chars
