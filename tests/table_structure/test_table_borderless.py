"""Borderless fallback: rows and columns from the alignment of synthetic text boxes."""

from __future__ import annotations

from budgetdoc.table_structure.assign import TextBox, assign_text
from budgetdoc.table_structure.borderless import BorderlessOptions, borderless_table, column_gaps, text_rows

# three columns at x 100-220 | 300-380 | 450-530, rows 24 px apart (72 dpi: 1 px = 1 pt)
COLS = [(100, 220), (300, 380), (450, 530)]


def _row(y: float, texts: list[str], cols: list[tuple[int, int]] = COLS) -> list[TextBox]:
    return [TextBox(text=t, box_px=(c[0], y, c[0] + 12 * len(t), y + 14)) for t, c in zip(texts, cols) if t]


def _body() -> list[TextBox]:
    rows = [["一般公共服务支出", "326.40", "326.40"], ["外交支出", "", ""], ["社会保障和就业支出", "29.66", "29.66"],
            ["卫生健康支出", "11.87", "11.87"], ["住房保障支出", "21.30", "21.30"], ["合计", "389.23", "389.23"]]
    return [b for i, r in enumerate(rows) for b in _row(200 + 24 * i, r)]


def test_rows_and_columns() -> None:
    t = borderless_table(_body(), dpi=72)
    assert t is not None and t.source == "borderless"
    assert (t.num_rows, t.num_cols) == (6, 3)
    assert len(t.cells) == 18 and all(c.row_span == c.col_span == 1 for c in t.cells)
    texts = assign_text(t, _body()).texts()
    assert texts[(2, 0)] == "社会保障和就业支出" and texts[(5, 2)] == "389.23"
    assert (1, 1) not in texts  # empty cell
    t.to_cell_grid(texts=texts)  # a valid grid


def test_spanning_header_box() -> None:
    """A header over columns 1-2 crosses the gap between them: one cell spanning two columns."""
    header = [TextBox(text="项目", box_px=(100, 170, 124, 184)), TextBox(text="2026年预算数", box_px=(330, 170, 500, 184))]
    t = borderless_table(header + _body(), dpi=72, options=BorderlessOptions(max_cross=0.2))
    assert t is not None and (t.num_rows, t.num_cols) == (7, 3)
    head = [(c.col, c.col_span) for c in t.cells if c.row == 0]
    assert head == [(0, 1), (1, 2)]


def test_region_filter_and_too_few() -> None:
    title = TextBox(text="2026年预算收支总表", box_px=(150, 100, 400, 120))
    t = borderless_table([title, *_body()], dpi=72, region=(90, 190, 600, 400))
    assert t is not None and t.num_rows == 6
    assert borderless_table([title], dpi=72) is None
    assert borderless_table(_row(200, ["甲", "乙", "丙"]), dpi=72) is None  # one row


def test_text_rows_overlap() -> None:
    a = TextBox(text="a", box_px=(0, 0, 10, 10))
    b = TextBox(text="b", box_px=(20, 3, 30, 13))  # 7 of 10 px shared: same row
    c = TextBox(text="c", box_px=(0, 9, 10, 19))  # 1 px shared with the row: next row
    assert [[x.text for x in r] for r in text_rows([c, b, a])] == [["a", "b"], ["c"]]


def test_column_gaps() -> None:
    rows = [[TextBox(text="x", box_px=(0, 0, 10, 5)), TextBox(text="y", box_px=(30, 0, 40, 5))],
            [TextBox(text="z", box_px=(0, 10, 35, 15))]]
    assert column_gaps(rows, min_gap=5, max_cross=0) == []
    assert column_gaps(rows, min_gap=5, max_cross=1) == [(10, 30)]
