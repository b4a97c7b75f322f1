"""The document model: derived grid and header, validation, JSON round trip, committed schema."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError

from budgetdoc.model import (
    SCHEMA_VERSION,
    Column,
    DisclosureDocument,
    SubjectRow,
    Table,
    TableCell,
    TableType,
    Unit,
)
from budgetdoc.model.io import COMMITTED_SCHEMAS, document_to_json, parse_document, upgrade

ROOT = Path(__file__).resolve().parents[2]


def _table(**kw) -> Table:
    # 项目(2 cols) | 本年收入(2 cols) over 科目编码 | 科目名称 | 合计 | 一般公共预算
    cells = [
        TableCell(text="项目", row=0, col=0, col_span=2, column_header=True),
        TableCell(text="本年收入", row=0, col=2, col_span=2, column_header=True),
        TableCell(text="科目编码", row=1, col=0, column_header=True),
        TableCell(text="科目名称", row=1, col=1, column_header=True),
        TableCell(text="合计", row=1, col=2, column_header=True),
        TableCell(text="一般公共预算", row=1, col=3, column_header=True),
        TableCell(text="201", row=2, col=0),
        TableCell(text="一般公共服务支出", row=2, col=1),
        TableCell(text="326.40", row=2, col=2),
        TableCell(text="326.40", row=2, col=3),
    ]
    base = dict(id="t02", title="2026年预算收入总表", table_type=TableType.revenue_summary, unit=Unit.ten_thousand_yuan,
                num_rows=3, num_cols=4, header_rows=2, cells=cells)
    base.update(kw)
    return Table(**base)


def test_grid_repeats_merged_text_in_every_slot():
    t = _table()
    assert t.grid[0] == ["项目", "项目", "本年收入", "本年收入"]
    assert t.grid[2] == ["201", "一般公共服务支出", "326.40", "326.40"]


def test_header_tree_nests_cells_under_their_merged_parent():
    roots = _table().header
    assert [r.text for r in roots] == ["项目", "本年收入"]
    assert [c.text for c in roots[1].children] == ["合计", "一般公共预算"]


def test_overlapping_or_out_of_grid_cells_are_rejected():
    with pytest.raises(ValidationError, match="overlap"):
        _table(cells=_table().cells + [TableCell(text="x", row=0, col=1)])
    with pytest.raises(ValidationError, match="outside"):
        _table(cells=_table().cells + [TableCell(text="x", row=2, col=3, col_span=2)])


def test_dataframe_has_multilevel_header_and_body():
    df = _table().to_dataframe()
    assert df.shape == (1, 4)
    assert list(df.columns[2]) == ["本年收入", "合计"]
    assert df.iloc[0, 1] == "一般公共服务支出"


def test_amounts_round_trip_exactly_as_strings():
    row = SubjectRow(grid_row=2, subject_code="201", subject_name="一般公共服务支出",
                     amounts={Column.total: Decimal("326.40"), Column.general_public_budget: None})
    doc = DisclosureDocument(tables=[_table(rows=[row])])
    data = json.loads(document_to_json(doc))
    assert data["tables"][0]["rows"][0]["amounts"] == {"total": "326.40", "general_public_budget": None}
    back = parse_document(data)
    assert back == doc
    assert back.tables[0].rows[0].amounts[Column.total] == Decimal("326.40")


def test_unknown_version_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="cannot upgrade"):
        upgrade({"schema_name": "budgetdoc.document", "version": "0.0.1"})
    with pytest.raises(ValueError, match="not a budgetdoc document"):
        upgrade({"schema_name": "something.else"})
    assert upgrade({"version": SCHEMA_VERSION})["version"] == SCHEMA_VERSION


@pytest.mark.parametrize("path", sorted(COMMITTED_SCHEMAS))
def test_committed_json_schema_matches_the_code(path):
    committed = (ROOT / path).read_text(encoding="utf-8")
    assert committed == COMMITTED_SCHEMAS[path](), f"{path} is stale: run `budgetdoc schema --write .`"


def test_written_documents_validate_against_the_committed_schema():
    schema = json.loads((ROOT / "schema/document.schema.json").read_text(encoding="utf-8"))
    doc = DisclosureDocument(tables=[_table()])
    jsonschema.validate(json.loads(document_to_json(doc)), schema)
    bad = json.loads(document_to_json(doc))
    bad["tables"][0]["table_type"] = "not_a_type"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


@pytest.mark.parametrize("data", [[1], "text", {"schema_name": "budgetdoc.document", "tables": 5},
                                  {"schema_name": "budgetdoc.document", "cards": [3]}])
def test_malformed_json_is_a_value_error_naming_the_file(tmp_path, data):
    import json

    from budgetdoc.model.io import load_document

    p = tmp_path / "odd.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="odd.json"):
        load_document(p)
