"""TrOCR-style recogniser: a ``transformers`` ``VisionEncoderDecoderModel`` read from a local folder.

Options::

    build_engine({"kind": "trocr", "model_dir": "/models/trocr-zh-printed", "batch_size": 8})

``model_dir`` is a ``save_pretrained`` folder holding the model (``config.json``, weights, usually
``generation_config.json``), its tokenizer (``tokenizer.json`` or the slow tokenizer's files) and,
optionally, ``preprocessor_config.json``. Nothing is ever downloaded (``local_files_only=True``); a
missing folder, file or package raises :class:`~budgetdoc.ocr.base.OcrUnavailable` naming it.

* **Input.** Each crop is turned to RGB, resized to the encoder's input size (``size`` in
  ``preprocessor_config.json``, else the encoder's ``image_size``) with the resampling filter named
  there (bilinear by default), scaled to [0, 1] and normalised with the file's ``image_mean``/
  ``image_std`` (0.5/0.5, TrOCR's, without the file). This is what ``ViTImageProcessor`` does;
  budgetdoc does it itself so the result does not depend on torchvision being installed.
* **Decoding** is greedy (one beam, no sampling, no repetition rules: a number such as
  ``1,111,111`` must be allowed to repeat), batched ``batch_size`` crops at a time, at most
  ``max_new_tokens`` tokens. The generation settings saved with the checkpoint are ignored.
* **Confidence.** Each token's probability is its softmax over the raw logits at its step. A
  character gets the probability of the token that completed it (the lowest, when it took several
  byte-level tokens); a line's ``confidence`` is the mean over its characters (for a line read as
  empty: the mean over the tokens generated, end-of-sequence included). Where a token is exactly
  one character, ``alternatives`` are the ``top_k`` one-character tokens at that step, best first
  (those below 0.001 left out).
  Characters have no boxes (the decoder does not say where they are); words and lines take the
  crop's box.
* **Spacing.** Tokenizers of the BERT family decode ``预 算`` with spaces between CJK characters;
  ``join_cjk_spaces`` (default) drops a space between two wide characters.
* **Pages.** TrOCR has no text detector. :meth:`TrOcrEngine.recognize_page` finds lines with
  budgetdoc's model-free projection line finder (:func:`budgetdoc.ocr.projection.projection_lines`:
  ink bands split at wide gaps, long rules dropped) and recognises each box; good enough for
  titles and notes around tables, not for dense or skewed text. ``page_lines="none"`` makes it
  raise instead, for pipelines that only read cell crops.

Accuracy is **unmeasured** until real weights are supplied: the tests here build tiny randomly
initialised models and check only the plumbing (see ``models/cards/transformers-backends.md``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from budgetdoc.ocr.base import OcrUnavailable, as_bgr
from budgetdoc.ocr.types import (
    Candidate,
    OcrChar,
    OcrLine,
    OcrResult,
    PixelBox,
    Quad,
    char_class,
    words_from_chars,
)

__all__ = ["TrOcrEngine", "TrOcrOptions"]

_PIL_RESAMPLE_DEFAULT = 2  # PIL.Image.BILINEAR, what ViTImageProcessor uses
_MIN_ALTERNATIVE = 1e-3  # alternatives less likely than this are not kept


class TrOcrOptions(BaseModel):
    """A TrOCR-style ``VisionEncoderDecoderModel`` from a local folder (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["trocr"] = "trocr"
    model_dir: Path
    batch_size: int = Field(default=8, ge=1, le=256, description="crops per forward pass")
    max_new_tokens: int = Field(default=64, ge=1, le=512, description="longest line, in tokens")
    top_k: int = Field(default=5, ge=1, le=20, description="alternatives kept per one-character token")
    join_cjk_spaces: bool = Field(default=True, description="drop spaces decoded between two CJK characters")
    page_lines: Literal["projection", "none"] = Field(
        default="projection", description="how recognize_page finds lines ('none': it raises)")
    device: str = "cpu"
    num_threads: int | None = Field(default=None, ge=1, description="torch intra-op threads (process-wide)")


def _import() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as e:
        raise OcrUnavailable(
            f"the trocr backend needs torch and transformers ({e.name or e} not installed): "
            "pip install 'budgetdoc[transformers]'"
        ) from e
    return torch, transformers


def _first(*values: Any) -> Any:
    for v in values:
        if v is not None:
            return v
    return None


def _input_size(pre: dict[str, Any], encoder_cfg: Any) -> tuple[int, int]:
    """``(height, width)`` of the encoder's input."""
    size = pre.get("size")
    if isinstance(size, int):
        return size, size
    if isinstance(size, dict):
        if "height" in size and "width" in size:
            return int(size["height"]), int(size["width"])
        if "shortest_edge" in size:
            return int(size["shortest_edge"]), int(size["shortest_edge"])
    img = getattr(encoder_cfg, "image_size", 384)
    if isinstance(img, (list, tuple)):
        return int(img[0]), int(img[1])
    return int(img), int(img)


class TrOcrEngine:
    """:class:`~budgetdoc.ocr.base.OcrEngine` over a TrOCR-style model (built by ``build_engine``)."""

    name = "trocr"

    def __init__(self, options: TrOcrOptions):
        self.options = options
        torch, transformers = _import()
        self._torch = torch
        self._transformers_version = transformers.__version__
        folder = Path(options.model_dir).expanduser()
        if not folder.is_dir():
            raise OcrUnavailable(f"trocr model folder not found: {folder} (see models/cards/transformers-backends.md)")
        if not (folder / "config.json").is_file():
            raise OcrUnavailable(f"no config.json in the trocr model folder {folder}")
        if options.num_threads is not None:
            torch.set_num_threads(options.num_threads)
        try:
            model = transformers.VisionEncoderDecoderModel.from_pretrained(str(folder), local_files_only=True)
        except (ImportError, OSError, ValueError) as e:
            raise OcrUnavailable(f"cannot load the trocr model in {folder}: {e}") from e
        try:
            tok = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        except (ImportError, OSError, ValueError, TypeError) as e:
            raise OcrUnavailable(f"cannot load the tokenizer in {folder} (tokenizer.json or the slow "
                                 f"tokenizer's files belong next to the model): {e}") from e
        self._model = model.to(options.device).eval()
        self._tok = tok
        self._folder = folder

        pre: dict[str, Any] = {}
        if (folder / "preprocessor_config.json").is_file():
            pre = json.loads((folder / "preprocessor_config.json").read_text(encoding="utf-8"))
        self._size = _input_size(pre, model.config.encoder)
        self._resample = int(pre.get("resample", _PIL_RESAMPLE_DEFAULT))
        self._rescale = float(pre.get("rescale_factor", 1 / 255)) if pre.get("do_rescale", True) else 1.0
        if pre.get("do_normalize", True):
            self._mean = np.array(pre.get("image_mean") or (0.5, 0.5, 0.5), dtype=np.float32)
            self._std = np.array(pre.get("image_std") or (0.5, 0.5, 0.5), dtype=np.float32)
        else:
            self._mean, self._std = np.zeros(3, np.float32), np.ones(3, np.float32)

        cfg, gen, dec = model.config, model.generation_config, model.config.decoder
        start = _first(cfg.decoder_start_token_id, getattr(gen, "decoder_start_token_id", None),
                       getattr(dec, "decoder_start_token_id", None), dec.bos_token_id, tok.bos_token_id,
                       tok.cls_token_id)
        eos = _first(getattr(gen, "eos_token_id", None), cfg.eos_token_id, dec.eos_token_id, tok.eos_token_id,
                     tok.sep_token_id)
        if isinstance(eos, (list, tuple)):
            eos = eos[0] if eos else None
        pad = _first(cfg.pad_token_id, getattr(gen, "pad_token_id", None), dec.pad_token_id, tok.pad_token_id, eos)
        if start is None or eos is None:
            raise OcrUnavailable(f"the trocr model in {folder} names no decoder start / end-of-sequence token")
        self._eos = int(eos)
        self._special = {int(i) for i in tok.all_special_ids} | {int(start), int(eos)}
        if pad is not None:
            self._special.add(int(pad))
        self._gen = transformers.GenerationConfig(
            max_new_tokens=options.max_new_tokens, num_beams=1, do_sample=False,
            decoder_start_token_id=int(start), bos_token_id=int(start), eos_token_id=int(eos),
            pad_token_id=None if pad is None else int(pad), output_logits=True, return_dict_in_generate=True,
            use_cache=True)
        # generate() fills every setting left unset from the model's own generation config (a
        # checkpoint's num_beams=4 or no_repeat_ngram_size=3): give the model ours, so none leaks in
        self._model.generation_config = self._gen
        self._one_char: dict[int, str | None] = {}

    @property
    def version(self) -> str:
        return f"transformers {self._transformers_version}"

    # -- preprocessing -------------------------------------------------------------------------

    def _pixels(self, crops: list[np.ndarray]) -> Any:
        from PIL import Image

        h, w = self._size
        out = np.empty((len(crops), 3, h, w), dtype=np.float32)
        for i, c in enumerate(crops):
            rgb = np.ascontiguousarray(as_bgr(c)[:, :, ::-1])
            img = np.asarray(Image.fromarray(rgb).resize((w, h), resample=self._resample), dtype=np.float32)
            out[i] = ((img * self._rescale - self._mean) / self._std).transpose(2, 0, 1)
        return self._torch.from_numpy(out).to(self.options.device)

    # -- decoding ------------------------------------------------------------------------------

    def _single(self, tid: int) -> str | None:
        """The one character token ``tid`` decodes to on its own, or ``None``."""
        if tid not in self._one_char:
            s = None
            if tid not in self._special:
                d = self._tok.decode([tid], skip_special_tokens=True, clean_up_tokenization_spaces=False).strip()
                if len(d) == 1 and d != "\ufffd":
                    s = d
            self._one_char[tid] = s
        return self._one_char[tid]

    def _alternatives(self, probs: np.ndarray, ch: str) -> tuple[Candidate, ...]:
        k = self.options.top_k
        order = np.argsort(-probs, kind="stable")[: 4 * k + 4]
        alts: list[Candidate] = []
        seen: set[str] = set()
        for tid in order:
            if alts and probs[tid] < _MIN_ALTERNATIVE:
                break
            s = self._single(int(tid))
            if s is None or s in seen:
                continue
            seen.add(s)
            alts.append((s, min(1.0, float(probs[tid]))))
            if len(alts) == k:
                break
        if not alts or alts[0][0] != ch:  # the chosen token is the argmax; guard anyway
            alts = [(ch, alts[0][1] if alts else 0.0)] + [a for a in alts if a[0] != ch][: k - 1]
        return tuple(alts)

    def _line(self, tokens: list[int], probs: np.ndarray, quad: Quad) -> OcrLine:
        """One crop's line from its generated tokens (decoder start left out) and their step probs."""
        pieces: list[tuple[str, float, tuple[Candidate, ...] | None]] = []
        all_p: list[float] = []
        ids: list[int] = []
        pending: list[float] = []
        pending_steps: list[int] = []
        text = ""
        for step, tid in enumerate(tokens):
            p = float(probs[step, tid])
            all_p.append(p)
            if tid == self._eos:
                break
            if tid in self._special:
                continue
            ids.append(tid)
            pending.append(p)
            pending_steps.append(step)
            s = self._tok.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)
            if s.endswith("\ufffd"):
                continue  # a character cut between byte-level tokens: wait for the rest
            keep = 0
            while keep < min(len(s), len(text)) and s[keep] == text[keep]:
                keep += 1
            if keep < len(text):  # the decoder rewrote earlier text (rare): drop what changed
                pieces = pieces[:keep]
            new = s[keep:]
            score = min(pending)
            alts = None
            if len(new) == 1 and len(pending_steps) == 1 and self._single(tid) == new:
                alts = self._alternatives(probs[pending_steps[0]], new)
            pieces.extend((ch, score, alts) for ch in new)
            text = s
            pending, pending_steps = [], []
        # whitespace: one plain space, none at the ends, none between two CJK characters
        norm = [(" " if ch.isspace() else ch, sc, al) for ch, sc, al in pieces]
        cleaned: list[tuple[str, float, tuple[Candidate, ...] | None]] = []
        for i, item in enumerate(norm):
            if item[0] == " ":
                prev = cleaned[-1][0] if cleaned else None
                nxt = next((x[0] for x in norm[i + 1:] if x[0] != " "), None)
                if prev is None or prev == " " or nxt is None:
                    continue
                if self.options.join_cjk_spaces and char_class(prev) == "wide" and char_class(nxt) == "wide":
                    continue
            cleaned.append(item)
        chars = [OcrChar(char=ch, score=min(1.0, max(0.0, sc)), alternatives=al) for ch, sc, al in cleaned]
        scores = [c.score for c in chars if c.char != " " and c.score is not None]
        if scores:
            conf: float | None = sum(scores) / len(scores)
        else:
            conf = sum(all_p) / len(all_p) if all_p else None
        return OcrLine(text="".join(c.char for c in chars), quad=quad,
                       confidence=None if conf is None else min(1.0, max(0.0, conf)),
                       words=words_from_chars(chars, quad))

    # -- OcrEngine -----------------------------------------------------------------------------

    def recognize_crops(self, crops: list[np.ndarray]) -> list[OcrLine]:
        """One line per crop, in crop pixels (see the module docstring for scores and spacing)."""
        torch = self._torch
        out: list[OcrLine | None] = [None] * len(crops)
        todo: list[int] = []
        for i, c in enumerate(crops):
            h, w = (c.shape[0], c.shape[1]) if c.ndim >= 2 else (0, 0)
            if c.size == 0 or h < 1 or w < 1:
                quad: Quad = ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))
                out[i] = OcrLine(text="", quad=quad)
            else:
                todo.append(i)
        bs = self.options.batch_size
        for k in range(0, len(todo), bs):
            batch = todo[k:k + bs]
            pixels = self._pixels([crops[i] for i in batch])
            with torch.inference_mode():
                gen = self._model.generate(pixel_values=pixels, generation_config=self._gen)
            seqs = gen.sequences[:, 1:].cpu().numpy()  # drop the decoder start token
            steps = torch.stack(list(gen.logits), dim=1).float().softmax(-1).cpu().numpy()  # B×T×V
            for j, i in enumerate(batch):
                h, w = crops[i].shape[:2]
                quad = ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))
                n = min(seqs.shape[1], steps.shape[1])
                out[i] = self._line([int(t) for t in seqs[j, :n]], steps[j, :n], quad)
        return [ln for ln in out if ln is not None]

    def recognize_page(self, image: np.ndarray) -> OcrResult:
        """Lines found by the projection line finder, each recognised (see the module docstring)."""
        if self.options.page_lines == "none":
            raise OcrUnavailable("the trocr engine has no text detector (page_lines='none'): use "
                                 "recognize_crops, or page_lines='projection'")
        import cv2

        try:
            from budgetdoc.ocr.projection import projection_lines
        except ImportError as e:  # pragma: no cover - ships with budgetdoc
            raise OcrUnavailable(f"trocr.recognize_page needs budgetdoc.ocr.projection: {e}") from e
        t0 = time.perf_counter()
        img = as_bgr(image)
        h, w = img.shape[:2]
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        boxes: list[PixelBox] = list(projection_lines(gray))
        t1 = time.perf_counter()
        cuts = []
        for b in boxes:
            l, t = max(0, round(b.l)), max(0, round(b.t))
            r, btm = min(w, round(b.r)), min(h, round(b.b))
            if r > l and btm > t:
                cuts.append((img[t:btm, l:r], l, t))
        lines = self.recognize_crops([c for c, _, _ in cuts]) if cuts else []
        t2 = time.perf_counter()
        kept = tuple(ln.shifted(dx, dy) for ln, (_, dx, dy) in zip(lines, cuts) if ln.text.strip())
        return OcrResult(engine=self.name, engine_version=self.version, models=(self._folder.name,),
                         image_width=w, image_height=h, lines=kept,
                         timings={"det": t1 - t0, "rec": t2 - t1, "total": t2 - t0})
