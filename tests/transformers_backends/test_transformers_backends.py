"""Plumbing tests of the transformers backends: Table Transformer structure and TrOCR recognition.

The models here are TINY and RANDOMLY INITIALISED (one layer, hidden size 32, small inputs), saved
with ``save_pretrained`` into a temporary folder and loaded back through ``build_structure`` /
``build_engine`` exactly as real weights would be. The tests check types, shapes, coordinates,
well-formed grids, the decoding and scoring logic, determinism and the errors for missing files.
They say NOTHING about accuracy: that is unmeasured until real weights are supplied (see
``models/cards/transformers-backends.md``).

The grid-building and decoding tests use hand-made model outputs, so they do check real behaviour.
Without torch/transformers the model tests skip; the pure grid tests still run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from budgetdoc.ocr.base import OcrEngine, OcrUnavailable
from budgetdoc.ocr.types import OcrLine, OcrResult
from budgetdoc.table_structure.backends import TableStructureBackend, build_structure
from budgetdoc.table_structure.grid import DetectedTable
from budgetdoc.table_structure.tatr import (
    TableStructureUnavailable,
    TatrObject,
    TatrTable,
    grid_from_objects,
)

STRUCTURE_LABELS = ["table", "table column", "table row", "table column header", "table projected row header",
                    "table spanning cell"]
CHARS = list("0123456789.,-年预算收入支出合计项目一般公共财政拨款 ")


# --------------------------------------------------------------------------------------------------
# helpers


def assert_well_formed(t: DetectedTable, width: int, height: int) -> None:
    """Edges increase, cells tile the grid exactly once, spans ≥ 1, boxes inside the image."""
    assert t.num_rows >= 1 and t.num_cols >= 1
    assert all(b > a for a, b in zip(t.row_edges, t.row_edges[1:]))
    assert all(b > a for a, b in zip(t.col_edges, t.col_edges[1:]))
    cover = np.zeros((t.num_rows, t.num_cols), dtype=int)
    for c in t.cells:
        assert c.row_span >= 1 and c.col_span >= 1
        assert c.row_end <= t.num_rows and c.col_end <= t.num_cols
        cover[c.row:c.row_end, c.col:c.col_end] += 1
        assert c.bbox_px == (t.col_edges[c.col], t.row_edges[c.row], t.col_edges[c.col_end], t.row_edges[c.row_end])
        l, tp, r, b = c.bbox_px
        assert 0 <= l < r <= width and 0 <= tp < b <= height
    assert (cover == 1).all()
    l, tp, r, b = t.bbox_px
    assert 0 <= l < r <= width and 0 <= tp < b <= height
    grid = t.to_cell_grid()
    assert grid.num_rows == t.num_rows and grid.num_cols == t.num_cols


def _font_path() -> str | None:
    if shutil.which("fc-match") is None:
        return None
    out = subprocess.run(["fc-match", "-f", "%{file}", "sans:lang=zh-cn"], capture_output=True, text=True,
                         check=False).stdout.strip()
    return out if out and Path(out).is_file() else None


@pytest.fixture(scope="module")
def font():
    from PIL import ImageFont

    path = _font_path()
    if path is None:
        pytest.skip("no CJK font (fc-match sans:lang=zh-cn)")
    return lambda size: ImageFont.truetype(path, size)


@pytest.fixture(scope="module")
def table_page(font) -> np.ndarray:
    return render_table_page(font)


def render_table_page(font) -> np.ndarray:
    """A grey page (600×420) with a title and a ruled 3×4 table of CJK labels and numbers."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (600, 420), 255)
    d = ImageDraw.Draw(img)
    d.text((150, 20), "2026年一般公共预算支出表", font=font(26), fill=0)
    xs, ys = [40, 240, 400, 560], [90, 140, 190, 240, 290]
    for x in xs:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    rows = [["项目", "预算数", "决算数"], ["一般公共预算", "1,234.56", "1,200.00"],
            ["财政拨款收入", "300.00", "299.50"], ["合计", "1,534.56", "1,499.50"]]
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            d.text((xs[j] + 10, ys[i] + 12), text, font=font(22), fill=0)
    d.text((40, 330), "单位：万元", font=font(20), fill=0)
    return np.asarray(img, dtype=np.uint8).copy()


# --------------------------------------------------------------------------------------------------
# grid from boxes (pure)


def _objs() -> list[TatrObject]:
    o = TatrObject
    return [
        o("table row", 0.9, (100, 50, 400, 90)), o("table row", 0.9, (100, 90, 400, 130)),
        o("table row", 0.8, (100, 130, 400, 170)), o("table row", 0.95, (100, 170, 400, 250)),
        o("table row", 0.6, (100, 52, 400, 92)),  # duplicate of row 0, lower score: suppressed
        o("table column", 0.9, (100, 50, 200, 250)), o("table column", 0.9, (200, 50, 300, 250)),
        o("table column", 0.9, (300, 50, 400, 250)),
        o("table column", 0.3, (150, 50, 250, 250)),  # below threshold
        o("table column header", 0.9, (100, 50, 400, 128)),
        o("table spanning cell", 0.8, (200, 52, 400, 88)),  # row 0, columns 1-2
        o("table projected row header", 0.7, (100, 132, 400, 168)),  # row 2, all columns
        o("table", 0.99, (100, 50, 400, 250)),
    ]


def test_grid_from_objects_rows_columns_spans_headers() -> None:
    t = grid_from_objects(_objs(), threshold=0.5, page_size=(500, 300))
    assert isinstance(t, TatrTable) and isinstance(t, DetectedTable)
    assert t.row_edges == [50, 90, 130, 170, 250]
    assert t.col_edges == [100, 200, 300, 400]
    assert t.header_rows == 2 and t.row_header_rows == [2]
    spans = {(c.row, c.col): (c.row_span, c.col_span) for c in t.cells if c.row_span * c.col_span > 1}
    assert spans == {(0, 1): (1, 2), (2, 0): (1, 3)}
    assert len(t.cells) == 12 - 1 - 2
    assert t.center == (250, 150) and t.skew_deg == 0.0
    assert_well_formed(t, 500, 300)
    grid = t.to_cell_grid()
    assert grid.header_rows == 2
    assert [c.column_header for c in grid.cells if c.row < 2] == [True] * sum(1 for c in t.cells if c.row < 2)


def test_grid_edges_meet_midway_and_clip_to_bounds() -> None:
    o = TatrObject
    objs = [o("table row", 0.9, (0, 10, 300, 40)), o("table row", 0.9, (0, 50, 300, 90)),  # gap 40..50
            o("table column", 0.9, (0, 0, 100, 500)), o("table column", 0.9, (90, 0, 310, 500))]  # overlap
    t = grid_from_objects(objs, bounds=(5, 5, 295, 95), threshold=0.5)
    assert t is not None
    assert t.row_edges == [5, 45, 95]  # rows stretch to the table's extent (the columns reach 95)
    assert t.col_edges[0] == 5 and t.col_edges[-1] == 295 and 95 <= t.col_edges[1] <= 96
    assert_well_formed(t, 300, 100)


def test_grid_conflicting_spans_best_score_wins() -> None:
    o = TatrObject
    objs = [o("table row", 0.9, (0, y, 300, y + 20)) for y in (0, 20, 40)]
    objs += [o("table column", 0.9, (x, 0, x + 100, 60)) for x in (0, 100, 200)]
    objs += [o("table spanning cell", 0.6, (0, 0, 200, 40)),  # rows 0-1, cols 0-1
             o("table spanning cell", 0.9, (100, 20, 300, 60)),  # rows 1-2, cols 1-2: wins the shared slot
             o("table spanning cell", 0.9, (210, 2, 290, 18))]  # one slot: no span
    t = grid_from_objects(objs, threshold=0.5)
    assert t is not None
    spans = [(c.row, c.col, c.row_span, c.col_span) for c in t.cells if c.row_span * c.col_span > 1]
    assert spans == [(1, 1, 2, 2)]
    assert_well_formed(t, 300, 60)


def test_grid_without_rows_or_columns() -> None:
    t = grid_from_objects([], bounds=(10, 20, 110, 70))
    assert t is not None and (t.num_rows, t.num_cols) == (1, 1) and t.bbox_px == (10, 20, 110, 70)
    assert grid_from_objects([]) is None
    only_rows = [TatrObject("table row", 0.9, (0, 0, 50, 10)), TatrObject("table row", 0.9, (0, 10, 50, 20))]
    t = grid_from_objects(only_rows)
    assert t is not None and (t.num_rows, t.num_cols) == (2, 1)


def test_grid_random_boxes_always_tile() -> None:
    rng = np.random.default_rng(7)
    labels = STRUCTURE_LABELS
    for _ in range(200):
        objs = []
        for _ in range(int(rng.integers(0, 25))):
            l, t = rng.uniform(0, 400, 2)
            w, h = rng.uniform(0, 200, 2)
            objs.append(TatrObject(str(rng.choice(labels)), float(rng.uniform()),
                                   (float(l), float(t), float(min(l + w, 500)), float(min(t + h, 500)))))
        tbl = grid_from_objects(objs, bounds=(0, 0, 500, 500), threshold=0.3)
        assert tbl is not None
        assert_well_formed(tbl, 500, 500)
        assert tbl.header_rows <= tbl.num_rows


def test_missing_packages_say_what_to_install(monkeypatch, tmp_path: Path) -> None:
    from budgetdoc.ocr import build_engine

    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails, installed or not
    with pytest.raises(TableStructureUnavailable, match=r"torch.*budgetdoc\[transformers\]"):
        build_structure({"kind": "table-transformer", "model_dir": str(tmp_path)})
    with pytest.raises(OcrUnavailable, match=r"torch.*budgetdoc\[transformers\]"):
        build_engine({"kind": "trocr", "model_dir": str(tmp_path)})


# --------------------------------------------------------------------------------------------------
# tiny Table Transformer models


def _tiny_tatr(labels: list[str], seed: int):
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("transformers")
    backbone = tf.ResNetConfig(num_channels=3, embedding_size=8, hidden_sizes=[8, 8, 16, 16], depths=[1, 1, 1, 1],
                               layer_type="basic", out_features=["stage4"])  # stride 32, as ResNet-18
    cfg = tf.TableTransformerConfig(
        backbone_config=backbone, use_timm_backbone=False, use_pretrained_backbone=False, num_queries=24,
        d_model=32, encoder_layers=1, decoder_layers=1, encoder_ffn_dim=64, decoder_ffn_dim=64,
        encoder_attention_heads=2, decoder_attention_heads=2,
        id2label=dict(enumerate(labels)), label2id={name: i for i, name in enumerate(labels)})
    torch.manual_seed(seed)
    return tf.TableTransformerForObjectDetection(cfg).eval()


@pytest.fixture(scope="module")
def tatr_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tatr_structure")
    _tiny_tatr(STRUCTURE_LABELS, seed=0).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tatr_det_dir(tmp_path_factory) -> Path:
    """A tiny detection model rigged to say "table" at (0.1–0.9 W, 0.2–0.6 H) for every query."""
    torch = pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("tatr_detection")
    model = _tiny_tatr(["table", "table rotated"], seed=1)
    with torch.no_grad():
        cls = model.class_labels_classifier
        cls.weight.zero_()
        cls.bias.copy_(torch.tensor([8.0, 0.0, 0.0]))
        last = model.bbox_predictor.layers[-1]
        last.weight.zero_()
        target = torch.tensor([0.5, 0.4, 0.8, 0.4])  # cx, cy, w, h
        last.bias.copy_(torch.log(target / (1 - target)))
    model.save_pretrained(folder)
    return folder


def test_tatr_through_registry_on_rendered_page(tatr_dir: Path, table_page: np.ndarray) -> None:
    backend = build_structure({"kind": "table-transformer", "model_dir": str(tatr_dir), "threshold": 0.0})
    assert isinstance(backend, TableStructureBackend) and backend.name == "table-transformer"
    h, w = table_page.shape
    tables = backend.find_tables(table_page, dpi=150)
    assert len(tables) == 1  # no detector, no region: the page's ink is one table
    t = tables[0]
    assert isinstance(t, TatrTable)
    assert_well_formed(t, w, h)
    # the table lies within the page's ink
    assert t.bbox_px[0] >= 38 and t.bbox_px[2] <= 562 and t.bbox_px[1] >= 18 and t.bbox_px[3] <= 360
    # deterministic, and the same backend object state gives the same answer
    again = build_structure({"kind": "table-transformer", "model_dir": str(tatr_dir), "threshold": 0.0})
    assert again.find_tables(table_page, dpi=150) == tables
    # a BGR page gives the same tables as its grey
    bgr = np.repeat(table_page[:, :, None], 3, axis=2)
    assert backend.find_tables(bgr, dpi=150) == tables


def test_tatr_regions_and_whole_page_switch(tatr_dir: Path, table_page: np.ndarray) -> None:
    h, w = table_page.shape
    backend = build_structure({"kind": "table-transformer", "model_dir": str(tatr_dir), "threshold": 0.0})
    region = (40.0, 90.0, 560.0, 290.0)
    tables = backend.find_tables(table_page, dpi=150, regions=[region])
    assert len(tables) == 1
    l, t, r, b = tables[0].bbox_px
    assert region[0] <= l < r <= region[2] and region[1] <= t < b <= region[3]
    assert_well_formed(tables[0], w, h)
    off = build_structure({"kind": "table-transformer", "model_dir": str(tatr_dir), "whole_page": False})
    assert off.find_tables(table_page, dpi=150) == []
    # a high threshold keeps no row or column: one cell per region
    strict = build_structure({"kind": "table-transformer", "model_dir": str(tatr_dir), "threshold": 1.0})
    (one,) = strict.find_tables(table_page, dpi=150, regions=[region])
    assert (one.num_rows, one.num_cols, one.bbox_px) == (1, 1, region)


def test_tatr_detection_model_finds_the_rigged_table(tatr_dir: Path, tatr_det_dir: Path,
                                                     table_page: np.ndarray) -> None:
    h, w = table_page.shape
    backend = build_structure({"kind": "table-transformer", "model_dir": str(tatr_dir),
                               "detection_model_dir": str(tatr_det_dir), "threshold": 1.0})
    ((box, score),) = backend.detect(table_page)  # 24 identical boxes suppressed to one
    assert box == pytest.approx((0.1 * w, 0.2 * h, 0.9 * w, 0.6 * h), abs=0.5)
    assert score > 0.99
    (t,) = backend.find_tables(table_page, dpi=150)
    assert t.bbox_px == pytest.approx(box, abs=0.01)


def test_tatr_errors(tmp_path: Path, tatr_det_dir: Path) -> None:
    pytest.importorskip("transformers")
    missing = tmp_path / "no-such-model"
    with pytest.raises(TableStructureUnavailable, match="no-such-model") as ei:
        build_structure({"kind": "table-transformer", "model_dir": str(missing)})
    assert isinstance(ei.value, OcrUnavailable) and isinstance(ei.value, ImportError)
    (tmp_path / "empty").mkdir()
    with pytest.raises(TableStructureUnavailable, match="config.json"):
        build_structure({"kind": "table-transformer", "model_dir": str(tmp_path / "empty")})
    with pytest.raises(TableStructureUnavailable, match="not a structure-recognition model"):
        build_structure({"kind": "table-transformer", "model_dir": str(tatr_det_dir)})
    with pytest.raises(ValueError):
        build_structure({"kind": "table-transformer", "model_dir": str(tatr_det_dir), "thresold": 0.3})


# --------------------------------------------------------------------------------------------------
# tiny TrOCR models


def _save_trocr(folder: Path, fast_tokenizer, *, seed: int, image_size=(32, 96)) -> None:
    torch = pytest.importorskip("torch")
    tf = pytest.importorskip("transformers")
    vocab = len(fast_tokenizer)
    start, eos, pad = (fast_tokenizer.convert_tokens_to_ids(t) for t in ("<s>", "</s>", "<pad>"))
    enc = tf.ViTConfig(image_size=list(image_size), patch_size=8, num_channels=3, hidden_size=32,
                       num_hidden_layers=1, num_attention_heads=2, intermediate_size=64)
    dec = tf.TrOCRConfig(vocab_size=vocab, d_model=32, decoder_layers=1, decoder_attention_heads=2,
                         decoder_ffn_dim=64, max_position_embeddings=128, pad_token_id=pad, bos_token_id=start,
                         eos_token_id=eos, decoder_start_token_id=start)
    cfg = tf.VisionEncoderDecoderConfig.from_encoder_decoder_configs(enc, dec)
    cfg.decoder_start_token_id, cfg.pad_token_id, cfg.eos_token_id = start, pad, eos
    torch.manual_seed(seed)
    model = tf.VisionEncoderDecoderModel(config=cfg).eval()
    with torch.no_grad():  # never pick a special token, so the random model reads some characters
        w = model.decoder.output_projection.weight
        for t in (start, pad, fast_tokenizer.convert_tokens_to_ids("<unk>")):
            w[t].zero_()
    model.save_pretrained(folder)
    fast_tokenizer.save_pretrained(folder)
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5], "resample": 2, "rescale_factor": 1 / 255,
        "size": {"height": image_size[0], "width": image_size[1]}, "processor_class": "TrOCRProcessor"}))


def _char_tokenizer():
    tf = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {t: i for i, t in enumerate(specials + CHARS)}
    tk = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Split(pattern="", behavior="isolated")
    tk.decoder = decoders.Fuse()
    return tf.PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                      unk_token="<unk>")


def _byte_tokenizer():
    tf = pytest.importorskip("transformers")
    from tokenizers import ByteLevelBPETokenizer

    bt = ByteLevelBPETokenizer()
    bt.train_from_iterator(["2026年预算收入", "支出合计 1,234.56"], vocab_size=262, min_frequency=1,
                           special_tokens=["<s>", "<pad>", "</s>", "<unk>"])
    return tf.PreTrainedTokenizerFast(tokenizer_object=bt._tokenizer, bos_token="<s>", eos_token="</s>",
                                      pad_token="<pad>", unk_token="<unk>")


@pytest.fixture(scope="module")
def trocr_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("trocr_char")
    _save_trocr(folder, _char_tokenizer(), seed=0)
    return folder


@pytest.fixture(scope="module")
def trocr_bytes_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("trocr_bytes")
    _save_trocr(folder, _byte_tokenizer(), seed=1)
    return folder


@pytest.fixture(scope="module")
def crops(font) -> list[np.ndarray]:
    from PIL import Image, ImageDraw

    out = []
    for text, size in (("2026年预算", 24), ("1,234.56", 20), ("一般公共预算财政拨款收入合计", 22)):
        img = Image.new("RGB", (int(size * 0.9 * len(text)) + 16, size + 14), (255, 255, 255))
        ImageDraw.Draw(img).text((8, 4), text, font=font(size), fill=(0, 0, 0))
        out.append(np.asarray(img)[:, :, ::-1].copy())  # BGR, as OcrEngine takes
    return out


def _engine(folder: Path, **kw):
    from budgetdoc.ocr import build_engine

    return build_engine({"kind": "trocr", "model_dir": str(folder), "max_new_tokens": 8, **kw})


def test_trocr_through_registry_reads_crops(trocr_dir: Path, crops: list[np.ndarray]) -> None:
    from budgetdoc.ocr import build_engine
    from budgetdoc.ocr.trocr_backend import TrOcrOptions

    engine = _engine(trocr_dir)
    assert isinstance(engine, OcrEngine) and engine.name == "trocr" and "transformers" in engine.version
    assert build_engine(TrOcrOptions(model_dir=trocr_dir, max_new_tokens=8)) is engine  # cached per options
    grey = np.asarray(crops[1].mean(axis=2), dtype=np.uint8)
    blank = np.zeros((0, 0, 3), dtype=np.uint8)
    inputs = [crops[0], blank, grey, crops[2]]
    lines = engine.recognize_crops(inputs)
    assert len(lines) == len(inputs) and all(isinstance(ln, OcrLine) for ln in lines)
    assert lines[1].text == "" and lines[1].confidence is None
    for ln, crop in zip(lines, inputs):
        h, w = crop.shape[:2]
        assert ln.quad == ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))
        if crop.size == 0:
            continue
        assert ln.text and set(ln.text) <= set(CHARS)  # the random model reads *something* from its vocab
        assert len(ln.text) <= 8
        assert ln.confidence is not None and 0.0 <= ln.confidence <= 1.0
        assert "".join(c.char for c in ln.chars) == ln.text.replace(" ", "")
        for c in ln.chars:
            assert c.quad is None and 0.0 <= c.score <= 1.0
            assert c.alternatives is not None and c.alternatives[0][0] == c.char
            assert sum(p for _, p in c.alternatives) <= 1.0 + 1e-6
    # deterministic, and batching does not change the reading
    assert engine.recognize_crops(inputs) == lines
    one_by_one = _engine(trocr_dir, batch_size=1).recognize_crops(inputs)
    assert [ln.text for ln in one_by_one] == [ln.text for ln in lines]
    assert [ln.confidence for ln in one_by_one] == pytest.approx([ln.confidence for ln in lines], abs=1e-4)
    assert engine.recognize_crops([]) == []


def test_trocr_ignores_the_checkpoints_generation_settings(trocr_dir: Path, tmp_path: Path,
                                                           crops: list[np.ndarray]) -> None:
    hostile = tmp_path / "hostile"
    shutil.copytree(trocr_dir, hostile)
    gen = json.loads((hostile / "generation_config.json").read_text())
    gen.update(num_beams=3, no_repeat_ngram_size=1, repetition_penalty=5.0, length_penalty=2.0, min_new_tokens=6,
               early_stopping=True)
    (hostile / "generation_config.json").write_text(json.dumps(gen))
    expected = _engine(trocr_dir).recognize_crops(crops)
    assert any(len(set(ln.text)) < len(ln.text) for ln in expected)  # greedy repeats a character somewhere
    assert _engine(hostile).recognize_crops(crops) == expected


def _probs(n_vocab: int, picks: list[tuple[int, float]], runner_up: int | None = None) -> np.ndarray:
    """Step probabilities: at step i, token picks[i][0] has picks[i][1], runner_up the rest."""
    out = np.zeros((len(picks), n_vocab), dtype=np.float32)
    for i, (tid, p) in enumerate(picks):
        out[i, :] = (1 - p) / (n_vocab - 1) if runner_up is None else 0.0
        if runner_up is not None:
            out[i, runner_up] = 1 - p
        out[i, tid] = p
    return out


def test_trocr_decoding_scores_alternatives_and_spacing(trocr_dir: Path) -> None:
    engine = _engine(trocr_dir)
    tok = engine._tok
    ids = tok.convert_tokens_to_ids
    quad = ((0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 5.0))
    seq = [*"2026", "年", " ", "预", "算", "</s>", "<pad>"]
    picks = [(ids(t), p) for t, p in zip(seq, [0.9, 0.8, 0.7, 0.6, 0.5, 0.95, 0.4, 0.3, 0.99, 0.2])]
    line = engine._line([t for t, _ in picks], _probs(len(tok), picks, runner_up=ids("7")), quad)
    assert line.text == "2026年预算"  # the space between two CJK characters is dropped
    assert [c.score for c in line.chars] == pytest.approx([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3])
    assert line.confidence == pytest.approx(np.mean([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]))
    assert [w.text for w in line.words] == ["2026", "年预算"]
    assert line.chars[0].alternatives == (("2", pytest.approx(0.9)), ("7", pytest.approx(0.1)))
    # a space between an ASCII and a CJK character stays; with join_cjk_spaces=False every one does
    seq2 = ["合", " ", "1", "2", " ", " ", "</s>"]
    picks2 = [(ids(t), 0.9) for t in seq2]
    assert engine._line([t for t, _ in picks2], _probs(len(tok), picks2), quad).text == "合 12"
    keep = _engine(trocr_dir, join_cjk_spaces=False)
    assert keep._line([t for t, _ in picks], _probs(len(tok), picks), quad).text == "2026年 预算"
    # nothing read: empty text, confidence from the end-of-sequence step
    empty = engine._line([ids("</s>")], _probs(len(tok), [(ids("</s>"), 0.8)]), quad)
    assert empty.text == "" and empty.words == () and empty.confidence == pytest.approx(0.8)


def test_trocr_byte_level_tokens_join_into_characters(trocr_bytes_dir: Path, crops: list[np.ndarray]) -> None:
    engine = _engine(trocr_bytes_dir)
    tok = engine._tok
    ids = tok("预算12", add_special_tokens=False).input_ids
    assert len(ids) > 4  # CJK characters take several byte-level tokens
    scores = [0.9 - 0.05 * i for i in range(len(ids))]
    eos = tok.convert_tokens_to_ids("</s>")
    picks = [*zip(ids, scores), (eos, 0.9)]
    line = engine._line([t for t, _ in picks], _probs(len(tok), picks), ((0, 0), (1, 0), (1, 1), (0, 1)))
    assert line.text == "预算12"
    assert all(c.score is not None for c in line.chars)
    # a character's score is the lowest of the tokens that made it; scores fall, so it is the last one
    assert line.chars[-1].score == pytest.approx(scores[-1])
    assert line.chars[0].score >= line.chars[1].score >= line.chars[2].score
    # and the model itself runs end to end
    lines = engine.recognize_crops(crops)
    assert len(lines) == len(crops) and all(0.0 <= (ln.confidence or 0.0) <= 1.0 for ln in lines)
    assert all("\ufffd" not in ln.text for ln in lines)


def test_trocr_recognize_page_finds_lines_inside_the_image(trocr_dir: Path, table_page: np.ndarray) -> None:
    engine = _engine(trocr_dir)
    res = engine.recognize_page(table_page)
    assert isinstance(res, OcrResult) and res.engine == "trocr"
    h, w = table_page.shape
    assert (res.image_width, res.image_height) == (w, h)
    assert res.lines, "the projection finder found no line on a page with text"
    for ln in res.lines:
        assert ln.text
        assert 0 <= ln.box.l < ln.box.r <= w and 0 <= ln.box.t < ln.box.b <= h
    assert any(ln.box.t < 80 for ln in res.lines)  # the title
    assert engine.recognize_page(table_page).lines == res.lines  # deterministic
    with pytest.raises(OcrUnavailable, match="no text detector"):
        _engine(trocr_dir, page_lines="none").recognize_page(table_page)


def test_trocr_errors(tmp_path: Path, trocr_dir: Path) -> None:
    pytest.importorskip("transformers")
    with pytest.raises(OcrUnavailable, match="no-such-model"):
        _engine(tmp_path / "no-such-model")
    no_tok = tmp_path / "no-tokenizer"
    no_tok.mkdir()
    for f in ("config.json", "generation_config.json", "model.safetensors"):
        if (trocr_dir / f).exists():
            shutil.copy(trocr_dir / f, no_tok / f)
    with pytest.raises(OcrUnavailable, match="tokenizer"):
        _engine(no_tok)
    with pytest.raises(ValueError):
        _engine(trocr_dir, batch_size=0)
