"""Predictions as HTML and CSV become the same grids as our JSON."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

from budgetdoc.evaluation.formats import (
    grid_from_rows,
    grid_to_csv,
    grid_to_html,
    read_csv_table,
    read_html_tables,
)


def _cells(grid):
    return sorted((c.row, c.col, c.row_span, c.col_span, c.text) for c in grid.cells)


def test_html_spans_thead_caption_and_br():
    html = """<html><body><p>intro</p><table><caption>2026年 收支总表</caption>
      <thead><tr><th rowspan="2">项目</th><th colspan="2">支出</th></tr><tr><th>基本</th><th>项目</th></tr></thead>
      <tbody><tr><td>合计</td><td>1,0<br>00</td><td></td></tr></tbody></table>
      <table><tr><td>x</td></tr></table></body></html>"""
    first, second = read_html_tables(html, source="p.html")
    assert first.title == "2026年 收支总表" and second.title is None
    g = first.grid
    assert (g.num_rows, g.num_cols, g.header_rows) == (3, 3, 2)
    assert _cells(g) == [(0, 0, 2, 1, "项目"), (0, 1, 1, 2, "支出"), (1, 1, 1, 1, "基本"), (1, 2, 1, 1, "项目"),
                         (2, 0, 1, 1, "合计"), (2, 1, 1, 1, "1,0\n00"), (2, 2, 1, 1, "")]
    assert second.id == "p.html#2"


def test_html_without_thead_takes_leading_th_rows_as_header_and_ignores_nested_tables():
    html = "<table><tr><th>a</th><th>b</th></tr><tr><td>1<table><tr><td>in</td></tr></table></td><td>2</td></tr></table>"
    (t,) = read_html_tables(html)
    assert t.grid.header_rows == 1
    assert t.grid.grid == [["a", "b"], ["1in", "2"]]


def test_html_bad_spans_and_overlaps_are_repaired():
    html = '<table><tr><td rowspan="x">a</td><td rowspan="9">b</td></tr><tr><td colspan="3">c</td></tr></table>'
    (t,) = read_html_tables(html)
    assert t.grid.grid == [["a", "b"], ["c", "b"]]  # rowspan clipped to the table, colspan shortened
    assert t.grid.num_cols == 2


def test_html_without_table_is_an_error_but_an_empty_file_is_no_tables():
    with pytest.raises(ValueError, match="no <table>"):
        read_html_tables("<html><body>nothing here</body></html>", source="x.html")
    assert read_html_tables("  \n") == []


@pytest.mark.parametrize("sample", ["seed-clean", "synth-0007-shanghai-clean", "real-jiangsu-gaoyuan-2018-p014-clean"])
def test_committed_sample_html_reads_back_as_the_truth_grid(truths, sample):
    for table in truths[sample].doc.tables:
        (t,) = read_html_tables((SAMPLES / sample / "tables" / f"{table.id}.html").read_text(encoding="utf-8"))
        assert t.grid.grid == table.grid
        assert t.grid.header_rows == table.header_rows
        assert _cells(t.grid) == _cells(table)


def test_our_html_writer_round_trips_with_caption(truths):
    for table in truths["seed-clean"].doc.tables:
        (t,) = read_html_tables(grid_to_html(table, caption=table.title))
        assert t.title == table.title and _cells(t.grid) == _cells(table)


def test_csv_round_trip_keeps_text_at_each_cell_start(truths):
    table = truths["seed-clean"].doc.tables[0]
    t = read_csv_table(grid_to_csv(table), source="t01.csv")
    assert (t.grid.num_rows, t.grid.num_cols, t.grid.header_rows) == (table.num_rows, table.num_cols, 0)
    for c in table.cells:
        assert t.grid.grid[c.row][c.col] == c.text
    assert t.title is None and t.table_type is None and t.rows is None


def test_csv_bom_blank_lines_short_rows_and_errors():
    t = read_csv_table("a,b,c\n\n1,2\n")
    assert t.grid.grid == [["a", "b", "c"], ["1", "2", ""]]
    with pytest.raises(ValueError, match="malformed CSV"):
        read_csv_table('a,"b\n', source="bad.csv")
    assert grid_from_rows([]).num_rows == 0


def test_one_sample_folder_as_truth_keeps_the_sample_id():
    from pathlib import Path

    from budgetdoc.evaluation.loading import load_truth

    sample = Path(__file__).resolve().parents[2] / "datasets" / "samples" / "seed-clean"
    docs, problems = load_truth(sample)
    assert [d.id for d in docs] == ["seed-clean"] and not problems
