"""Known damage to a truth document, to check that each metric catches what it should.

Each function returns a damaged *copy* (the input is never changed). :func:`make_damaged_set` writes
a whole prediction folder from a truth folder with one kind of damage per document, plus HTML and
CSV exports and a deleted and an unreadable document, and a ``damage.json`` saying what was done::

    .venv/bin/python -m budgetdoc.evaluation.damage datasets/samples /tmp/damaged
    .venv/bin/budgetdoc eval --truth datasets/samples --pred /tmp/damaged --report /tmp/damaged.md
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

from budgetdoc.evaluation.formats import grid_to_csv, grid_to_html
from budgetdoc.evaluation.text import parse_decimal
from budgetdoc.model.document import DisclosureDocument, Table
from budgetdoc.model.io import document_to_json, load_document


def _rebuild(table: Table, **changes: Any) -> Table:
    data = table.model_dump(exclude={"grid", "header"})
    data.update(changes)
    return Table.model_validate(data)


def _replace_table(doc: DisclosureDocument, index: int, tables: list[Table]) -> DisclosureDocument:
    d = doc.model_copy(deep=True)
    d.tables = d.tables[:index] + tables + d.tables[index + 1:]
    return d


def numeric_body_cells(table: Table) -> list[int]:
    """Indices of the body cells whose text is a number (candidates for a wrong digit)."""
    return [i for i, c in enumerate(table.cells)
            if c.row >= table.header_rows and parse_decimal(c.text) is not None]


def change_digit(text: str) -> str:
    """``text`` with its last digit changed (9 → 8, any other d → d + 1)."""
    for k in range(len(text) - 1, -1, -1):
        if text[k].isdigit():
            new = "8" if text[k] == "9" else str(int(text[k]) + 1)
            return text[:k] + new + text[k + 1:]
    raise ValueError(f"no digit in {text!r}")


def wrong_digit(doc: DisclosureDocument, table: int = 0, nth: int = 0) -> DisclosureDocument:
    """One wrong digit in the ``nth`` numeric body cell of table ``table``, and in the amount the
    typed row on that grid row reads from that column (as an extractor would carry it through)."""
    t = doc.tables[table]
    i = numeric_body_cells(t)[nth]
    cell = t.cells[i]
    new = change_digit(cell.text)
    cells = [c.model_dump() for c in t.cells]
    cells[i]["text"] = new
    spec = next((s for s in t.columns if s.index == cell.col), None)
    rows = []
    for r in t.rows:
        d = r.model_dump()
        side = getattr(r, "side", None)
        if (r.grid_row == cell.row and spec is not None and spec.column is not None
                and spec.column in r.amounts and (side is None or spec.side in (None, side))):
            d["amounts"][spec.column] = parse_decimal(new)
        rows.append(d)
    return _replace_table(doc, table, [_rebuild(t, cells=cells, rows=rows)])


def fill_empty(doc: DisclosureDocument, table: int = 0, nth: int = 0, text: str = "0.00") -> DisclosureDocument:
    """Invented text: the ``nth`` empty body cell of table ``table`` filled with ``text``."""
    t = doc.tables[table]
    empty = [i for i, c in enumerate(t.cells) if c.row >= t.header_rows and not c.text.strip()]
    cells = [c.model_dump() for c in t.cells]
    cells[empty[nth]]["text"] = text
    return _replace_table(doc, table, [_rebuild(t, cells=cells)])


def drop_row(doc: DisclosureDocument, table: int = 0, row: int | None = None) -> DisclosureDocument:
    """Table ``table`` without grid row ``row`` (default: its first body row) and the typed rows on it.

    Cells starting in the row go; cells spanning it lose one row of span; rows below move up.
    """
    t = doc.tables[table]
    r0 = t.header_rows if row is None else row
    if not 0 <= r0 < t.num_rows:
        raise ValueError(f"{t.id} has no row {r0} to drop ({t.num_rows} rows, {t.header_rows} header)")
    cells = []
    for c in t.cells:
        d = c.model_dump()
        if c.row == r0 and c.row_span == 1:
            continue
        if c.row <= r0 < c.row_end:
            d["row_span"] -= 1
            d["row"] = min(c.row, r0)
        elif c.row > r0:
            d["row"] -= 1
        cells.append(d)
    rows = []
    for r in t.rows:
        if r.grid_row == r0:
            continue
        d = r.model_dump()
        if r.grid_row > r0:
            d["grid_row"] -= 1
        rows.append(d)
    return _replace_table(doc, table, [_rebuild(t, cells=cells, rows=rows, num_rows=t.num_rows - 1)])


def shift_column(doc: DisclosureDocument, table: int = 0, col: int = 1) -> DisclosureDocument:
    """In every body row, the text of column ``col`` moved into column ``col + 1`` (whose text is
    lost) and ``col`` left empty: values read into the neighbouring column. Only rows where both
    slots are single cells change. Typed rows are left as they were."""
    t = doc.tables[table]
    at = {(c.row, c.col): c for c in t.cells if c.row_span == 1 and c.col_span == 1}
    new_text: dict[tuple[int, int], str] = {}
    for r in range(t.header_rows, t.num_rows):
        a, b = at.get((r, col)), at.get((r, col + 1))
        if a is not None and b is not None:
            new_text[(r, col + 1)] = a.text
            new_text[(r, col)] = ""
    cells = [c.model_dump() | ({"text": new_text[(c.row, c.col)]} if (c.row, c.col) in new_text else {})
             for c in t.cells]
    return _replace_table(doc, table, [_rebuild(t, cells=cells)])


def split_table(doc: DisclosureDocument, table: int = 0, at: int | None = None) -> DisclosureDocument:
    """Table ``table`` cut in two pieces before grid row ``at`` (default: where its second page
    starts, else the middle of the body): the first piece keeps the rows above, the second repeats
    the header rows and takes the rest, as an extractor that sees two tables would print them.
    Both keep the title; typed rows go with their grid rows."""
    t = doc.tables[table]
    if at is None:
        second = [c.row for c in t.cells if c.provenance and t.pages and c.provenance.page == t.pages[-1]]
        at = min(second) if len(t.pages) > 1 and second else (t.header_rows + t.num_rows) // 2
    if not t.header_rows < at < t.num_rows:
        raise ValueError(f"cannot split {t.id} ({t.num_rows} rows, {t.header_rows} header) at row {at}")
    head = [c.model_dump() for c in t.cells if c.row_end <= t.header_rows]
    top = [c.model_dump() for c in t.cells if c.row < at]
    for c in top:
        c["row_span"] = min(c["row_span"], at - c["row"])
    bottom = [c.model_dump() | {"row": c.row - at + t.header_rows} for c in t.cells
              if c.row >= at]
    n_bottom = t.num_rows - at + t.header_rows
    rows_top = [r.model_dump() for r in t.rows if r.grid_row < at]
    rows_bottom = [r.model_dump() | {"grid_row": r.grid_row - at + t.header_rows} for r in t.rows
                   if r.grid_row >= at]
    pages = list(t.pages)
    first = _rebuild(t, id=f"{t.id}a", cells=top, rows=rows_top, num_rows=at, pages=pages[:1],
                     bbox_by_page={})
    rest = _rebuild(t, id=f"{t.id}b", cells=head + bottom, rows=rows_bottom, num_rows=n_bottom,
                    pages=pages[1:] or pages[:1], bbox_by_page={})
    return _replace_table(doc, table, [first, rest])


def write_html_prediction(doc: DisclosureDocument, folder: Path, *, captions: bool = True) -> list[Path]:
    """One ``<id>.html`` per table (with the title as ``<caption>`` if asked), as other tools print."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for t in doc.tables:
        f = folder / f"{t.id}.html"
        body = grid_to_html(t, caption=t.title if captions else None)
        f.write_text(f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>\n', encoding="utf-8")
        out.append(f)
    return out


def write_csv_prediction(doc: DisclosureDocument, folder: Path) -> list[Path]:
    """One ``<id>.csv`` per table (a merged cell's text in its top-left slot)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for t in doc.tables:
        f = folder / f"{t.id}.csv"
        f.write_text(grid_to_csv(t), encoding="utf-8")
        out.append(f)
    return out


def _first_cross_page(doc: DisclosureDocument) -> int | None:
    return next((i for i, t in enumerate(doc.tables) if len(t.pages) > 1), None)


def make_damaged_set(truth_dir: str | Path, out_dir: str | Path) -> list[dict[str, Any]]:
    """Write a prediction folder from the sample folders in ``truth_dir``, damaged as follows
    (documents not named keep their truth, as a perfect prediction), and return (and write as
    ``damage.json``) the list of what was done.

    ``seed-clean``: a wrong digit in three numeric cells of t02, one card field and one indicator
    value changed; ``synth-0001-shanxi-clean``: the first body row of its longest table dropped;
    ``real-shanghai-putuo-shegongbu-2024-p008-clean``: the 项目支出 column shifted right; ``seed-poor-scan``:
    its first cross-page table split in two; ``synth-0002-shanxi-office-scan``: deleted;
    ``synth-0003-shanxi-poor-scan``: broken JSON; ``synth-0006-jiangsu-poor-scan``: text invented in
    two empty cells; ``synth-0004-jiangsu-clean``: HTML export;
    ``synth-0005-jiangsu-office-scan``: CSV export.
    """
    src, dst = Path(truth_dir), Path(out_dir)
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    log: list[dict[str, Any]] = []
    for folder in sorted(p for p in src.iterdir() if (p / "truth.json").is_file()):
        doc_id = folder.name
        doc = load_document(folder / "truth.json")
        out = dst / doc_id
        what = "unchanged"
        if doc_id == "seed-clean":
            t = next(i for i, x in enumerate(doc.tables) if x.id == "t02")
            for nth in (0, 3, 6):
                doc = wrong_digit(doc, t, nth)
            card = doc.cards[1]
            card.project_name = (card.project_name or "") + "X"
            ind = card.indicators[0]
            card.indicators[0] = ind.model_copy(update={"value": change_digit(ind.value)})
            what = (f"wrong digit in 3 numeric cells of t02; card {card.id}: project_name changed, "
                    f"indicator '{ind.level3}' value {ind.value} -> {card.indicators[0].value}")
        elif doc_id == "synth-0001-shanxi-clean":
            t = max(range(len(doc.tables)), key=lambda i: doc.tables[i].num_rows)
            what = f"dropped first body row of {doc.tables[t].id} ({doc.tables[t].num_rows} rows)"
            doc = drop_row(doc, t)
        elif doc_id == "real-shanghai-putuo-shegongbu-2024-p008-clean":
            t, col = 0, 4  # 项目支出 read into 上缴上级支出
            what = f"column {col} of {doc.tables[t].id} shifted into column {col + 1}"
            doc = shift_column(doc, t, col)
        elif doc_id == "seed-poor-scan":
            t = _first_cross_page(doc)
            assert t is not None
            what = f"cross-page table {doc.tables[t].id} (pages {doc.tables[t].pages}) split in two"
            doc = split_table(doc, t)
        elif doc_id == "synth-0006-jiangsu-poor-scan":
            for nth in (0, 1):
                doc = fill_empty(doc, 0, nth)
            what = f"two empty cells of {doc.tables[0].id} filled with 0.00 (invented text)"
        elif doc_id == "synth-0002-shanxi-office-scan":
            log.append({"document": doc_id, "damage": "deleted (missing prediction)"})
            continue
        elif doc_id == "synth-0003-shanxi-poor-scan":
            out.mkdir()
            (out / "prediction.json").write_text(document_to_json(doc)[:-200], encoding="utf-8")
            log.append({"document": doc_id, "damage": "prediction.json cut short (unreadable)"})
            continue
        elif doc_id == "synth-0004-jiangsu-clean":
            write_html_prediction(doc, out)
            log.append({"document": doc_id, "damage": "exported as HTML (one file per table, captions)"})
            continue
        elif doc_id == "synth-0005-jiangsu-office-scan":
            write_csv_prediction(doc, out)
            log.append({"document": doc_id, "damage": "exported as CSV (one file per table)"})
            continue
        out.mkdir()
        (out / "prediction.json").write_text(document_to_json(doc), encoding="utf-8")
        if what != "unchanged":
            log.append({"document": doc_id, "damage": what})
    (dst / "damage.json").write_text(json.dumps(log, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return log


if __name__ == "__main__":  # pragma: no cover - a convenience for people
    if len(sys.argv) != 3:
        sys.exit("usage: python -m budgetdoc.evaluation.damage TRUTH_DIR OUT_DIR")
    for entry in make_damaged_set(sys.argv[1], sys.argv[2]):
        print(f"{entry['document']}: {entry['damage']}")
