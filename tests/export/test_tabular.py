"""CSV and XLSX exports: merges kept exactly, amounts numeric, codes text, names valid, CSV round trip."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.cell_range import CellRange

from budgetdoc.export.tabular import (
    GRID_TOP_ROW,
    INDICATOR_COLUMNS,
    SUMMARY_SHEET,
    flat_header,
    grid_values,
    sheet_names,
    short_title,
    write_document_exports,
    write_table_csvs,
    write_xlsx,
)
from budgetdoc.model.document import (
    CellGrid,
    ColumnSpec,
    DisclosureDocument,
    IndicatorRow,
    PerformanceCard,
    Table,
    TableCell,
)
from budgetdoc.model.io import load_document
from budgetdoc.model.vocab import CardType, Column, TableType

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "datasets" / "seed" / "seed_truth.json"
SEED_WITH_FORMS = ROOT / "datasets" / "samples" / "seed-clean" / "truth.json"


@pytest.fixture(scope="module")
def seed() -> DisclosureDocument:
    return load_document(SEED)


@pytest.fixture(scope="module")
def seed_exports(seed: DisclosureDocument, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    return write_document_exports(seed, tmp_path_factory.mktemp("seed"), "seed")


@pytest.fixture(scope="module")
def seed_book(seed_exports: dict[str, list[Path]]) -> openpyxl.Workbook:
    return openpyxl.load_workbook(seed_exports["xlsx"][0])


@pytest.fixture(scope="module")
def forms_doc() -> DisclosureDocument:
    return load_document(SEED_WITH_FORMS)


@pytest.fixture(scope="module")
def forms_book(forms_doc: DisclosureDocument, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_xlsx(forms_doc, tmp_path_factory.mktemp("forms") / "forms.xlsx"))


def _expected_merges(grid: CellGrid) -> set[str]:
    """The worksheet ranges that the grid's spans must become, computed independently."""
    return {
        CellRange(min_row=GRID_TOP_ROW + c.row, min_col=c.col + 1,
                  max_row=GRID_TOP_ROW + c.row + c.row_span - 1, max_col=c.col + c.col_span).coord
        for c in grid.cells if c.row_span > 1 or c.col_span > 1
    }


def _merges(ws: openpyxl.worksheet.worksheet.Worksheet) -> set[str]:
    return {r.coord for r in ws.merged_cells.ranges}


def _cell(ws: openpyxl.worksheet.worksheet.Worksheet, row: int, col: int) -> object:
    return ws.cell(row=GRID_TOP_ROW + row, column=col + 1).value


# --------------------------------------------------------------------------------------------------
# XLSX


def test_every_table_sheet_keeps_exactly_the_grid_merges(seed: DisclosureDocument, seed_book) -> None:
    names, _ = sheet_names(seed)
    assert sum(len(_expected_merges(t)) for t in seed.tables) >= 20  # the seed really has merged headers
    for table, name in zip(seed.tables, names, strict=True):
        assert _merges(seed_book[name]) == _expected_merges(table), table.id


def test_card_forms_keep_their_merges(forms_doc: DisclosureDocument, forms_book) -> None:
    _, names = sheet_names(forms_doc)
    assert all(c.form is not None for c in forms_doc.cards)
    for card, name in zip(forms_doc.cards, names, strict=True):
        assert card.form is not None
        expected = _expected_merges(card.form)
        assert len(expected) > 20
        assert _merges(forms_book[name]) == expected, card.id


def test_card_form_amounts_are_numbers_and_codes_are_not(forms_doc: DisclosureDocument, forms_book) -> None:
    ws = forms_book[sheet_names(forms_doc)[1][1]]  # c02: project card printing funds in 元
    form = forms_doc.cards[1].form
    assert form is not None
    where = {c.text: (c.row, c.col) for c in form.cells}
    assert _cell(ws, *where["550,000"]) == 550000
    assert _cell(ws, *where["608-晋城经济技术开发区行政审批局"]) == "608-晋城经济技术开发区行政审批局"
    assert _cell(ws, *where["100%"]) == "100%"  # a percentage is an indicator value, kept as printed


def _amount_slots(table: Table) -> list[tuple[int, int, Decimal | None]]:
    """(grid row, grid col, typed amount) for each typed amount whose column is unambiguous."""
    out = []
    for row in table.rows:
        side = getattr(row, "side", None)
        for column, amount in row.amounts.items():
            cols = [s.index for s in table.columns if s.column == column and s.side in (None, side)]
            if len(cols) == 1:
                out.append((row.grid_row, cols[0], amount))
    return out


def test_amounts_are_numeric_cells_equal_to_the_typed_amounts(seed: DisclosureDocument, seed_book) -> None:
    names, _ = sheet_names(seed)
    checked = 0
    for table, name in zip(seed.tables, names, strict=True):
        ws = seed_book[name]
        for r, k, amount in _amount_slots(table):
            value = _cell(ws, r, k)
            if amount is None:
                assert not isinstance(value, (int, float)), (table.id, r, k, value)
            else:
                assert isinstance(value, (int, float)), (table.id, r, k, value)
                assert Decimal(str(value)) == amount, (table.id, r, k)
                checked += 1
    assert checked >= 100


def test_known_total_is_a_number_with_the_printed_scale(seed: DisclosureDocument, seed_book) -> None:
    t02 = seed.tables[1]
    assert t02.grid[2][:3] == ["合计", "", "389.23"]
    cell = seed_book[sheet_names(seed)[0][1]].cell(row=GRID_TOP_ROW + 2, column=3)
    assert cell.value == pytest.approx(389.23) and cell.data_type == "n"
    assert cell.number_format == "#,##0.00"


def test_subject_codes_stay_text(seed: DisclosureDocument, seed_book) -> None:
    names, _ = sheet_names(seed)
    codes = 0
    for table, name in zip(seed.tables, names, strict=True):
        ws = seed_book[name]
        code_cols = [s.index for s in table.columns if s.role and "code" in s.role]
        for r in range(table.header_rows, table.num_rows):
            for k in code_cols:
                text = table.grid[r][k]
                if re.fullmatch(r"\d+", text):
                    assert _cell(ws, r, k) == text and isinstance(_cell(ws, r, k), str)
                    codes += 1
    assert codes >= 10


def _table(rows: list[list[str]], header_rows: int = 1, columns: list[ColumnSpec] | None = None,
           **kw: object) -> Table:
    cells = [TableCell(text=t, row=r, col=k, column_header=r < header_rows)
             for r, row in enumerate(rows) for k, t in enumerate(row)]
    fields: dict[str, object] = {"id": "t1", "title": "2026年测试表", "table_type": TableType.other}
    fields.update(kw)
    return Table(num_rows=len(rows), num_cols=len(rows[0]) if rows else 0, header_rows=header_rows,
                 cells=cells, columns=columns or [], **fields)


def test_without_column_specs_codes_stay_text_and_amounts_become_numbers() -> None:
    t = _table([
        ["科目编码", "科目名称", "金额", "序号"],
        ["2010301", "行政运行", "1,234.56", "1"],
        ["01", "小计", "-", "2"],
        ["201", "合计", "12", "3"],
        ["", "带单位", "12.3万元", "4"],
    ])
    v = grid_values(t)
    assert v[(1, 0)] == "2010301" and v[(2, 0)] == "01" and v[(3, 0)] == "201"
    assert v[(1, 2)] == Decimal("1234.56")
    assert v[(2, 2)] == "-"  # an empty mark is "no amount", not zero
    assert v[(3, 2)] == Decimal(12)  # a bare integer in an amount column is an amount
    assert v[(4, 2)] == "12.3万元"  # the printed unit is not silently dropped
    assert v[(1, 3)] == "1"  # an integer-only column (serials, codes) is never numeric
    assert v[(4, 0)] is None and v[(0, 2)] == "金额"


def test_an_amount_role_never_turns_a_zero_led_code_into_a_number() -> None:
    spec = [ColumnSpec(index=0, role="item"), ColumnSpec(index=1, role="amount", column=Column.total)]
    v = grid_values(_table([["项目", "金额"], ["2010301", "01"], ["合计", "5"]], columns=spec))
    assert v[(1, 0)] == "2010301" and v[(1, 1)] == "01" and v[(2, 1)] == Decimal(5)


def test_header_rows_are_bold_filled_and_frozen(seed: DisclosureDocument, seed_book) -> None:
    t04 = seed.tables[3]
    ws = seed_book[sheet_names(seed)[0][3]]
    assert t04.header_rows == 3
    assert ws.freeze_panes == f"A{GRID_TOP_ROW + 3}"
    for c in t04.cells:
        cell = ws.cell(row=GRID_TOP_ROW + c.row, column=c.col + 1)
        header = c.row < 3
        assert (cell.font.b, cell.fill.fill_type == "solid") == (header, header), (c.row, c.col)
    body = ws.cell(row=GRID_TOP_ROW + 3, column=1)
    assert not body.font.b and body.fill.fill_type is None
    assert 6 <= ws.column_dimensions["A"].width <= 40


def test_sheet_names_are_valid_and_unique(seed: DisclosureDocument, seed_book) -> None:
    assert seed_book.sheetnames[0] == SUMMARY_SHEET
    assert len(seed_book.sheetnames) == 1 + len(seed.tables) + len(seed.cards)
    folded = [n.casefold() for n in seed_book.sheetnames]
    assert len(set(folded)) == len(folded)
    for name in seed_book.sheetnames:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)


def test_clashing_and_invalid_titles_still_give_distinct_sheets(tmp_path: Path) -> None:
    title = "2026年[项目]:支出/预算?表*" + "很长的标题" * 10
    doc = DisclosureDocument(tables=[_table([["a"], ["1.00"]], id="T1", title=title),
                                     _table([["a"], ["2.00"]], id="t1", title=title),
                                     _table([["a"], ["3.00"]], id="summary", title="")])
    names, _ = sheet_names(doc)
    assert len({n.casefold() for n in names + [SUMMARY_SHEET]}) == 4
    book = openpyxl.load_workbook(write_xlsx(doc, tmp_path / "x.xlsx"))
    assert book.sheetnames == [SUMMARY_SHEET, *names]
    assert [book[n].cell(row=GRID_TOP_ROW + 1, column=1).value for n in names] == [1, 2, 3]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_summary_lists_tables_and_cards(seed: DisclosureDocument, seed_book) -> None:
    rows = list(seed_book[SUMMARY_SHEET].iter_rows(values_only=True))
    by_id = {r[0]: r for r in rows if r and r[0]}
    t07 = by_id["t07"]
    assert t07[1] == seed.tables[6].title and t07[4] == "万元" and t07[10] == "yes"
    assert by_id["t02"][10] == "no" and by_id["t02"][9] == len(seed.tables[1].rows)
    assert by_id["c01"][5] == len(seed.cards[0].indicators) and by_id["c01"][6] == "no"
    link = seed_book[SUMMARY_SHEET].cell(row=GRID_TOP_ROW + 1, column=13)
    assert link.hyperlink is not None and sheet_names(seed)[0][0] in link.hyperlink.location


def test_empty_table_and_formless_card_export(seed: DisclosureDocument, seed_book) -> None:
    t_names, c_names = sheet_names(seed)
    t07 = seed.tables[6]
    assert t07.is_empty
    notes = [c.value for c in seed_book[t_names[6]]["A"] if c.value]
    assert "注：本表无数据" in notes
    card = seed.cards[0]
    assert card.form is None
    values = [v for row in seed_book[c_names[0]].iter_rows(values_only=True) for v in row if v is not None]
    assert "一级指标" in values and card.indicators[0].level3 in values
    assert card.fields[0].value in values  # without a form, the printed key/values are shown
    assert Decimal(100) in {Decimal(str(v)) for v in values if isinstance(v, (int, float))}


def test_bare_document_with_empty_grid_and_blank_card_exports(tmp_path: Path) -> None:
    doc = DisclosureDocument(
        tables=[_table([], header_rows=0, is_empty=True, notes=[])],
        cards=[PerformanceCard(id="c1", card_type=CardType.project, title="项目支出绩效目标表"),
               PerformanceCard(id="c2", card_type=CardType.project, title="x",
                               indicators=[IndicatorRow(level1="产出指标", value="=100%")])],
    )
    out = write_document_exports(doc, tmp_path, "bare")
    book = openpyxl.load_workbook(out["xlsx"][0])
    assert len(book.sheetnames) == 4
    cells = [v for row in book[book.sheetnames[-1]].iter_rows(values_only=True) for v in row]
    assert "=100%" in cells  # text that starts with "=" is not turned into a formula
    assert out["csv"][0].read_bytes() == b"\xef\xbb\xbf"  # no columns: an empty CSV, BOM only
    frame = pd.read_csv(out["csv"][2], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame["value"].tolist() == ["=100%"]
    assert len(out["csv"]) == 3


def test_no_temporary_files_are_left(seed_exports: dict[str, list[Path]]) -> None:
    folder = seed_exports["xlsx"][0].parent
    assert not [p for p in folder.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


# --------------------------------------------------------------------------------------------------
# CSV


def test_exports_layout(seed: DisclosureDocument, seed_exports: dict[str, list[Path]]) -> None:
    xlsx = seed_exports["xlsx"][0]
    assert xlsx.name == "seed.xlsx" and xlsx.is_file()
    csvs = seed_exports["csv"]
    assert len(csvs) == len(seed.tables) + len(seed.cards)
    assert all(p.parent == xlsx.parent / "seed" and p.suffix == ".csv" for p in csvs)
    assert len({p.name for p in csvs}) == len(csvs)
    assert csvs[1].name == "t02-预算收入总表.csv"


def test_csv_has_bom_and_flattened_header(seed_exports: dict[str, list[Path]]) -> None:
    raw = seed_exports["csv"][1].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(seed_exports["csv"][1], encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [
        "项目/科目编码", "项目/科目名称", "本年收入/合计", "本年收入/一般公共预算", "本年收入/政府性基金",
        "本年收入/国有资本经营预算", "本年收入/财政专户管理资金", "本年收入/单位资金", "上年结转",
    ]
    total = frame[frame["项目/科目编码"] == "合计"]
    assert total["本年收入/合计"].tolist() == ["389.23"]
    assert "2010350" in frame["项目/科目编码"].tolist()  # a code read as text keeps its digits
    assert len(frame) == 17


def test_csv_body_matches_the_printed_grid(seed: DisclosureDocument, seed_exports) -> None:
    for table, path in zip(seed.tables, seed_exports["csv"][: len(seed.tables)], strict=True):
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert list(frame.columns) == flat_header(table)
        assert frame.values.tolist() == table.grid[table.header_rows:], table.id


def test_three_row_header_flattens_without_repeats(seed: DisclosureDocument) -> None:
    t04 = seed.tables[3]
    assert flat_header(t04)[:4] == ["收入/项目", "收入/金额", "支出/项目", "支出/金额/小计"]


def test_indicator_csv(seed: DisclosureDocument, seed_exports) -> None:
    path = seed_exports["csv"][len(seed.tables)]
    assert path.name.startswith("c01-") and path.name.endswith("-indicators.csv")
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [key for key, _ in INDICATOR_COLUMNS]
    assert len(frame) == len(seed.cards[0].indicators)
    first = frame.iloc[0].to_dict()
    assert first["level1"] == "产出指标" and first["value"] == "100%"
    assert (first["kind"], first["number"], first["unit"]) == ("percent", "100", "%")
    second = frame.iloc[1].to_dict()
    assert (second["comparator"], second["number"], second["unit"]) == ("≥", "4", "个")


def test_merged_body_label_repeats_but_amount_is_written_once(tmp_path: Path) -> None:
    cells = [TableCell(text="项目", row=0, col=0, column_header=True),
             TableCell(text="金额", row=0, col=1, column_header=True),
             TableCell(text="一般公共预算资金", row=1, col=0, row_span=2),
             TableCell(text="10.00", row=1, col=1, row_span=2)]
    t = Table(id="t1", title="测试", table_type=TableType.other, num_rows=3, num_cols=2, header_rows=1,
              cells=cells)
    [path] = write_table_csvs(DisclosureDocument(tables=[t]), tmp_path)
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert frame.values.tolist() == [["一般公共预算资金", "10.00"], ["一般公共预算资金", ""]]


def test_short_title_drops_the_year_only() -> None:
    assert short_title("2026年 预算收支总表") == "预算收支总表"
    assert short_title("2026年度") == "2026年度"
    assert short_title("部门预算") == "部门预算"


def test_card_form_cells_are_judged_one_by_one() -> None:
    """A form mixes codes, counts and funds in one column: only a plain amount becomes a number."""
    texts = [["部门代码", "608"], ["年度资金", "270,000"], ["其中:中央财政资金", "0"], ["项目期", "3"],
             ["成本", "27.50"], ["指标值", "≥4个"]]
    cells = [TableCell(text=t, row=r, col=k) for r, row in enumerate(texts) for k, t in enumerate(row)]
    form = CellGrid(num_rows=6, num_cols=2, cells=cells)
    v = grid_values(form)
    assert [v[(r, 1)] for r in range(6)] == ["608", Decimal(270000), Decimal(0), "3", Decimal("27.50"), "≥4个"]
