"""Rule-based layout for budget disclosures: roles of the text lines around the tables.

Disclosure pages are plain: a centred title, a label ("预算公开表1"), a 部门名称 line and a 单位
line above each table, notes ("注：本表无数据") under it, a page number at the foot, and narrative
pages of headed paragraphs. Rules on the lines' text and position read that better than a generic
layout model trained on papers and magazines (the ``rapid-layout`` comparison is in
``eval/RESULTS.md``): they know that "单位：万元" is a unit line and that a table with no title above
it continues the previous page's.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Sequence

from budgetdoc.layout.types import BlockKind, BoxPx, LayoutBlock, PageLayout, TableContext, TextLine
from budgetdoc.model.vocab import TableType
from budgetdoc.parsing import classify_table_title, normalize, parse_unit
from budgetdoc.structuring.tables import EMPTY_MARKERS, read_label

__all__ = ["RulesLayout", "assign_tables", "classify_line", "is_card_title", "is_title_text", "table_context"]

_PAGE_NUMBER_RE = re.compile(r"^[-—–－―~·一_\s]*(?:第)?\d{1,4}(?:页)?(?:/\d{1,4}|共\d{1,4}页)?[-—–－―~·一_\s]*$")
_DEPARTMENT_RE = re.compile(r"^(?:部门名称|编制部门|编制单位|预算单位|单位名称|填报单位|部门|单位)[:：]")
_NOTE_RE = re.compile(r"^(?:注|备注|说明|附注)\s*\d?[:：.、]")
_HEADING_RE = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")
_CARD_RE = re.compile(r"绩效目标|绩效指标|绩效自评")


def is_card_title(text: str) -> bool:
    """A performance card's title (绩效目标表 / 绩效自评表)."""
    s = normalize(text)
    return bool(_CARD_RE.search(s)) and "表" in s


def is_title_text(text: str) -> bool:
    """Text that names a table or card: "…表" that the title classifier knows, or a card title."""
    s = normalize(text)
    if not s or "表" not in s or len(s) > 60:
        return False
    return is_card_title(s) or classify_table_title(s) is not TableType.other


def classify_line(line: TextLine, *, page_height: float) -> BlockKind:
    """The role of one line from its text and vertical position alone (tables not considered)."""
    s = normalize(line.text)
    y = (line.box_px[1] + line.box_px[3]) / 2
    at_edge = y > 0.88 * page_height or y < 0.08 * page_height
    if at_edge and _PAGE_NUMBER_RE.match(s) and any(ch.isdigit() for ch in s):
        return "page_number"
    if parse_unit(s) is not None and len(s) <= 12 and not re.match(r"^(?:部门|编制|预算单位|单位名称)", s):
        return "unit_line"  # "单位：万元", "金额单位：元"
    if _DEPARTMENT_RE.match(s):
        return "department_line"
    label = read_label([s])
    if label and len(s) - len(normalize(label)) <= 1:
        return "table_label"
    if _NOTE_RE.match(s) or any(m in s for m in EMPTY_MARKERS):
        return "note"
    if is_title_text(s):
        return "title"
    if _HEADING_RE.match(s) and len(s) <= 40:
        return "heading"
    return "text"


def assign_tables(lines: Sequence[TextLine], kinds: Sequence[BlockKind], tables: Sequence[BoxPx], height: float,
                  choose_title: Callable[[list[int], BoxPx], list[int]], continues: Callable[[int, int], bool]
                  ) -> tuple[list[int | None], list[TableContext]]:
    """Each table's lines (shared by the layout backends): above it, its title (``choose_title``
    picks it among the free lines above), the lines between title and table, and a label above the
    title; under it, a note and the lines that ``continue`` it. Returns the owner table of each line
    and each table's context."""
    owner: list[int | None] = [None] * len(lines)
    contexts: list[TableContext] = []
    prev_bottom = 0.0
    for ti, box in enumerate(tables):
        next_top = tables[ti + 1][1] if ti + 1 < len(tables) else height
        above = [i for i, ln in enumerate(lines)
                 if owner[i] is None and prev_bottom - 2 <= ln.box_px[1] and ln.box_px[3] <= box[1] + 4]
        title_ids = choose_title(above, box)
        if title_ids:
            first = min(above.index(i) for i in title_ids)
            context_ids = [i for i in above[first:] if i not in title_ids]
            context_ids += [i for i in above[:first] if kinds[i] == "table_label"]
        else:
            context_ids = [i for i in above if kinds[i] in ("table_label", "department_line", "unit_line")]
        below = [i for i, ln in enumerate(lines)
                 if owner[i] is None and ln.box_px[1] >= box[3] - 4 and ln.box_px[3] <= next_top + 4]
        note_ids: list[int] = []
        for i in below:
            if kinds[i] == "note" or (note_ids and kinds[i] == "text" and continues(note_ids[-1], i)):
                note_ids.append(i)
            else:
                break
        for i in title_ids + context_ids + note_ids:
            owner[i] = ti
        contexts.append(table_context(lines, title_ids, context_ids, note_ids))
        prev_bottom = box[3]
    return owner, contexts


def table_context(lines: Sequence[TextLine], title_ids: list[int], context_ids: list[int],
                  note_ids: list[int]) -> TableContext:
    """A table's context from the indices of its title lines (in reading order), the lines between
    title and table, and its notes."""
    title = "".join(lines[i].text.strip() for i in title_ids)
    box = None
    if title_ids:
        bxs = [lines[i].box_px for i in title_ids]
        box = (min(b[0] for b in bxs), min(b[1] for b in bxs), max(b[2] for b in bxs), max(b[3] for b in bxs))
    ordered = sorted(context_ids, key=lambda i: (lines[i].box_px[1], lines[i].box_px[0]))
    return TableContext(title=title, title_box=box, context_lines=[lines[i].text for i in ordered],
                        notes=[lines[i].text for i in note_ids], is_card=is_card_title(title))


def _complete_title(text: str) -> bool:
    """A line that ends a title ("…表", "…表（不含上年结转）"): the start of no wrapped title."""
    return bool(re.search(r"表(?:[（(][^）)]*[）)])?$", normalize(text)))


def _inside(line: TextLine, box: BoxPx, tol: float = 2.0) -> bool:
    cx = (line.box_px[0] + line.box_px[2]) / 2
    cy = (line.box_px[1] + line.box_px[3]) / 2
    return box[0] - tol <= cx <= box[2] + tol and box[1] - tol <= cy <= box[3] + tol


class RulesLayout:
    """Layout from rules over text lines and the tables' boxes (the default backend)."""

    name = "rules"

    def __init__(self, *, min_borderless_lines: int = 3):
        self.min_borderless_lines = min_borderless_lines

    def analyse(self, lines: Sequence[TextLine], tables: Sequence[BoxPx], *, width: float,
                height: float, image: object = None) -> PageLayout:
        """Roles of ``lines`` (upright page pixels; lines inside a table are ignored) and the
        context of each table in ``tables`` (boxes, top to bottom). The rules need no ``image``."""
        outside = [ln for ln in lines if not any(_inside(ln, t) for t in tables)]
        outside.sort(key=lambda ln: (ln.box_px[1], ln.box_px[0]))
        kinds = [classify_line(ln, page_height=height) for ln in outside]
        med_h = statistics.median([ln.height for ln in outside]) if outside else 0.0
        def choose_title(above: list[int], box: BoxPx) -> list[int]:
            title_i = self._title_index(above, outside, kinds, box, width, med_h)
            if title_i is None:
                return []
            ids = self._title_parts(title_i, above, outside, kinds, box, width)
            for j in ids:
                kinds[j] = "title"
            return ids

        def continues(prev: int, i: int) -> bool:
            # a note may run on over a few lines, but text further down is not the note
            return outside[i].box_px[1] - outside[prev].box_px[3] < max(outside[i].height, outside[prev].height)

        owner, contexts = assign_tables(outside, kinds, tables, height, choose_title, continues)
        blocks = [LayoutBlock(kind=k, line=ln, table=o) for ln, k, o in zip(outside, kinds, owner)]
        return PageLayout(blocks=blocks, tables=contexts,
                          borderless_regions=self._borderless_regions(outside, kinds, owner, tables, width, height))

    def _title_parts(self, title_i: int, above: list[int], lines: list[TextLine], kinds: list[BlockKind],
                     table: BoxPx, width: float) -> list[int]:
        """The lines of one title: the title line, pieces OCR read apart on its row, the start of
        a wrapped title above it (not a whole title of its own, such as a running header) and the
        tail wrapped below it ("…（不含上年" / "结转）")."""
        head = lines[title_i]
        part_kinds = ("text", "title", "heading")

        def same_row(a: TextLine, b: TextLine) -> bool:
            return min(a.box_px[3], b.box_px[3]) - max(a.box_px[1], b.box_px[1]) >= 0.5 * min(a.height, b.height)

        def alike(ln: TextLine) -> bool:
            return abs(ln.height - head.height) <= 0.3 * head.height

        ids = [i for i in above if i == title_i or (kinds[i] in part_kinds and same_row(lines[i], head) and alike(lines[i]))]
        pos = above.index(min(ids, key=lambda i: above.index(i)))
        for j in reversed(above[:pos]):
            top = min(lines[i].box_px[1] for i in ids)
            ln = lines[j]
            if kinds[j] in part_kinds and self._centred(ln, table, width) and top - ln.box_px[3] < 1.2 * ln.height \
                    and alike(ln) and not _complete_title(ln.text):
                ids.append(j)
            else:
                break
        ids.sort(key=lambda i: (lines[i].box_px[1], lines[i].box_px[0]))
        if not _complete_title("".join(lines[i].text for i in ids)):
            for j in above[above.index(max(ids, key=lambda i: above.index(i))) + 1:]:
                bottom = max(lines[i].box_px[3] for i in ids)
                ln = lines[j]
                if kinds[j] in part_kinds and self._centred(ln, table, width) and ln.box_px[1] - bottom < 1.2 * ln.height \
                        and alike(ln):
                    ids.append(j)
                    if _complete_title("".join(lines[i].text for i in ids)):
                        break
                else:
                    break
        # reading order: rows top to bottom, left to right within a row
        rows: list[list[int]] = []
        for i in sorted(ids, key=lambda i: lines[i].box_px[1]):
            for row in rows:
                if same_row(lines[row[0]], lines[i]):
                    row.append(i)
                    break
            else:
                rows.append([i])
        return [i for row in rows for i in sorted(row, key=lambda i: lines[i].box_px[0])]

    @staticmethod
    def _centred(line: TextLine, table: BoxPx, width: float) -> bool:
        mid = (table[0] + table[2]) / 2 if table[2] > table[0] else width / 2
        return abs(line.center_x - mid) < 0.12 * width

    def _title_index(self, above: list[int], lines: list[TextLine], kinds: list[BlockKind], table: BoxPx,
                     width: float, med_h: float) -> int | None:
        """The title of the table below ``above``: the nearest line that names a table, else the
        nearest centred line set larger than the body text."""
        for i in reversed(above):
            if kinds[i] == "title":
                return i
        for i in reversed(above):
            ln = lines[i]
            if kinds[i] in ("text", "heading") and self._centred(ln, table, width) and ln.height > 1.15 * med_h \
                    and len(normalize(ln.text)) >= 4:
                return i
        return None

    def _borderless_regions(self, lines: list[TextLine], kinds: list[BlockKind], owner: list[int | None],
                            tables: Sequence[BoxPx], width: float, height: float) -> list[BoxPx]:
        """Regions under a table title that no ruled table follows: the lines down to the next
        title, heading or page number, when there are enough of them to be a table."""
        regions: list[BoxPx] = []
        for i, k in enumerate(kinds):
            if k != "title" or owner[i] is not None:
                continue
            body: list[TextLine] = []
            for j in range(i + 1, len(lines)):
                if kinds[j] in ("title", "heading", "page_number", "note"):
                    break
                if kinds[j] in ("table_label", "department_line", "unit_line") and not body:
                    continue
                if any(lines[j].box_px[1] >= t[1] - 4 and lines[j].box_px[1] <= t[3] for t in tables):
                    break
                body.append(lines[j])
            rows = _count_rows(body)
            if rows >= self.min_borderless_lines:
                pad = 4.0
                regions.append((max(0.0, min(b.box_px[0] for b in body) - pad), min(b.box_px[1] for b in body) - pad,
                                min(width, max(b.box_px[2] for b in body) + pad),
                                min(height, max(b.box_px[3] for b in body) + pad)))
        return regions


def _count_rows(lines: list[TextLine]) -> int:
    """Distinct text rows among ``lines`` (lines whose vertical centres differ by over half a line)."""
    ys = sorted((ln.box_px[1] + ln.box_px[3]) / 2 for ln in lines)
    if not ys:
        return 0
    h = statistics.median(ln.height for ln in lines)
    n, last = 1, ys[0]
    for y in ys[1:]:
        if y - last > 0.5 * h:
            n += 1
            last = y
    return n
