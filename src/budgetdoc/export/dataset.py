"""A whole archive of documents as SQL tables (数据集导出): Parquet files and one DuckDB database.

``budgetdoc extract`` writes one JSON per disclosure; an archive holds thousands. Questions such as
"every department's 项目支出" or "every failed identity" cut across documents, so this module
flattens every document into a few long tables (one row per document, table, typed row, amount,
card, indicator, check, checked cell, repair, review item and processing error) and writes them as

* ``<out>/<table>.parquet``: one file per table, always written, even when empty, with a fixed
  schema (:data:`SCHEMAS`), so a query never fails on a missing file or column;
* ``<out>/budgetdoc.duckdb``: the same tables copied into native DuckDB tables (self-contained: the
  file can be copied anywhere without the Parquet files), with column comments and the views
  :data:`VIEWS` (``failed_checks``, ``amounts``).

Amounts are ``decimal(38, 8)``, never floats: every value reads back exactly as the JSON holds it,
and an amount that would need more than 8 decimals fails its document's export rather than being
rounded. Only numbers the checks *computed* (sums, unit conversions) and indicator numbers are
rounded (half even) to 8 decimals if they ever need more.

``doc_id``, the key joining every table, is the source file's sha256 (``source.sha256``) when the
document records it, else the sha256 of the JSON's name (its path under the folder given, with the
folder's own name: ``out/2026-财政局.json``). The id is stable between exports of the same archive.
When several JSONs name one source file (page samples of one PDF, one PDF extracted twice), each of
them gets the sha256 of ``"<that id>/<JSON name>"`` instead, so ids stay unique whatever order the
files are read in.

Every file is written to a temporary name in the output folder and moved into place with
``os.replace``: a reader never sees half a file, and a killed export leaves the last one whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from budgetdoc.checks.identities import _cell_index, run_cache
from budgetdoc.checks.values import amount_col, cell_key, locate, read_cell
from budgetdoc.export.tabular import flat_header
from budgetdoc.model.document import (
    SCHEMA_NAME,
    CellRef,
    CheckResult,
    DisclosureDocument,
    EconomicRow,
    PerformanceCard,
    ProjectRow,
    Provenance,
    SubjectRow,
    Table,
    TableCell,
    TableRow,
)
from budgetdoc.model.geometry import BoundingBox
from budgetdoc.model.io import parse_document
from budgetdoc.model.vocab import TABLE_TYPE_NAMES, Unit
from budgetdoc.util.files import atomic_write_bytes

__all__ = [
    "AMOUNT_SCALE",
    "AMOUNT_TYPE",
    "DUCKDB_FILE",
    "SCHEMAS",
    "TABLE_NAMES",
    "VIEWS",
    "ExportSummary",
    "base_doc_id",
    "document_records",
    "export_dataset",
    "find_document_files",
    "unique_doc_ids",
    "write_dataset",
    "write_duckdb",
]

#: Decimal places every amount column keeps; 30 integer digits remain (10^30 元 is no budget).
AMOUNT_SCALE = 8
AMOUNT_TYPE = pa.decimal128(38, AMOUNT_SCALE)
#: Name of the DuckDB database written next to the Parquet files.
DUCKDB_FILE = "budgetdoc.duckdb"

Records = dict[str, list[dict[str, Any]]]

# --------------------------------------------------------------------------------------------------
# schemas: one list of (name, type, description) per table; descriptions become Parquet field
# metadata and DuckDB column comments

_S, _I, _F, _B = pa.string(), pa.int32(), pa.float64(), pa.bool_()
_INTS, _STRS = pa.list_(pa.int32()), pa.list_(pa.string())

_BOX = [
    ("bbox_l", _F, "left edge of the box, upright-page points (1/72 inch) from the page's left"),
    ("bbox_t", _F, "top edge of the box, points from the page's top"),
    ("bbox_r", _F, "right edge of the box, points from the page's left"),
    ("bbox_b", _F, "bottom edge of the box, points from the page's top"),
]
_REF = [
    ("table_id", _S, "table holding the cell (tables.table_id), or null"),
    ("card_id", _S, "performance card holding the amount (cards.card_id), or null"),
    ("grid_row", _I, "grid row of the cell (0-based, header rows included)"),
    ("grid_col", _I, "grid column of the cell (0-based)"),
    ("field", _S, "what a card or narrative reference names, e.g. funds[0].annual_amount"),
    ("page", _I, "1-based page of the cell in the source file"),
    *_BOX,
]
_DOC = ("doc_id", _S, "document key: source file sha256, else sha256 of the JSON name (see docs/dataset.md)")

_COLUMNS: dict[str, tuple[str, list[tuple[str, pa.DataType, str]]]] = {
    "documents": ("one row per document (部门预算/决算公开)", [
        _DOC,
        ("json_path", _S, "the document JSON the row was read from"),
        ("source_path", _S, "the input file the document was extracted from, as recorded"),
        ("source_sha256", _S, "sha256 of the input file, when recorded"),
        ("title", _S, "document title, e.g. 2026年度部门预算公开"),
        ("department", _S, "部门名称"),
        ("year", _I, "budget year"),
        ("kind", _S, "department_budget 部门预算, department_final_accounts 部门决算, unit_budget, "
                     "unit_final_accounts"),
        ("region", _S, "province/city when known, e.g. 山西省晋城市"),
        ("producer", _S, "what wrote the JSON: extractor or generator and version"),
        ("schema_version", _S, "document schema version of the JSON"),
        ("page_count", _I, "pages of the document"),
        ("table_count", _I, "tables found"),
        ("card_count", _I, "performance cards (绩效目标表) found"),
        ("value_count", _I, "rows of values for this document"),
        ("check_count", _I, "check results recorded (passed, failed, skipped)"),
        ("failed_check_count", _I, "failed identities"),
        ("repair_count", _I, "values changed by the repair search"),
        ("review_count", _I, "cells on the review list"),
        ("error_count", _I, "processing errors"),
    ]),
    "tables": ("one row per disclosure table (预算公开表)", [
        _DOC,
        ("table_id", _S, "table id within the document, e.g. t03"),
        ("table_index", _I, "position of the table in the document (0-based)"),
        ("table_type", _S, "canonical table type, e.g. expenditure_summary"),
        ("table_type_zh", _S, "the table type's usual printed name, e.g. 预算支出总表"),
        ("title", _S, "title as printed"),
        ("label", _S, "printed table label, e.g. 公开03表"),
        ("department", _S, "the 部门名称/编制部门 line"),
        ("unit", _S, "money unit of the amounts (单位): 元, 千元, 万元, 亿元"),
        ("pages", _INTS, "pages the table covers"),
        ("first_page", _I, "first page of the table"),
        ("num_rows", _I, "grid rows, header included"),
        ("num_cols", _I, "grid columns"),
        ("header_rows", _I, "leading header rows of the grid"),
        ("row_count", _I, "typed body rows (rows table)"),
        ("value_count", _I, "amounts of the typed rows (values table)"),
        ("is_empty", _B, "the table states it has no data (本表无数据)"),
        ("notes", _S, "notes printed under the table, one per line"),
    ]),
    "rows": ("one row per typed table row: a 功能分类科目, 经济分类科目, 项目 or line item (收支项目)", [
        _DOC,
        ("table_id", _S, "the table (tables.table_id)"),
        ("table_type", _S, "canonical table type"),
        ("row_index", _I, "position of the typed row in its table (0-based); joins values.row_index"),
        ("grid_row", _I, "grid row the typed row was read from"),
        ("kind", _S, "subject (功能分类科目), economic (经济分类科目), project (项目), item (收支项目)"),
        ("code", _S, "subject code (科目编码, e.g. 2010350) or economic code (e.g. 30101)"),
        ("name", _S, "subject, economic class or project name, or the item's label"),
        ("level", _S, "code level: 类, 款 or 项"),
        ("project_level", _S, "project rows: department, unit, project or total"),
        ("side", _S, "two-sided tables: revenue (收入) or expenditure (支出)"),
        ("is_total", _B, "the 合计 row"),
        ("government_economic_code", _S, "economic rows: 政府预算支出经济分类 code"),
        ("government_economic_name", _S, "economic rows: 政府预算支出经济分类 name"),
        ("value_count", _I, "amounts on the row"),
    ]),
    "values": ("one row per amount (金额): every typed table row's amounts and every card fund line's", [
        _DOC,
        ("holder", _S, "table or card"),
        ("table_id", _S, "the table, for table amounts"),
        ("card_id", _S, "the performance card, for fund amounts"),
        ("table_type", _S, "canonical table type (null for cards)"),
        ("row_index", _I, "typed row position in the table, or fund line position on the card"),
        ("grid_row", _I, "grid row of the amount's cell (null for cards)"),
        ("grid_col", _I, "grid column of the amount's cell, when known (null for cards)"),
        ("row_kind", _S, "subject, economic, project, item, or fund (card 资金来源 line)"),
        ("subject_code", _S, "支出功能分类科目 code of the row, e.g. 2010350"),
        ("economic_code", _S, "经济分类科目 code of the row, e.g. 30101"),
        ("row_name", _S, "subject/economic/project name, item label, or the fund line as printed"),
        ("level", _S, "code level: 类, 款 or 项"),
        ("side", _S, "revenue (收入) or expenditure (支出) side of a two-sided table"),
        ("is_total", _B, "a 合计 row (project tables: the total line)"),
        ("project_level", _S, "project tables: department, unit, project (one project's line) or total"),
        ("fund_source", _S, "cards: canonical fund source, e.g. total, general_public_budget"),
        ("amount_column", _S, "canonical amount column, e.g. total (合计), basic_expenditure (基本支出), "
                              "project_expenditure (项目支出); cards: period_amount (实施期) or annual_amount (年度)"),
        ("printed_header", _S, "the column header as printed, header rows joined with /"),
        ("value", AMOUNT_TYPE, "the amount, exact; null for a blank cell"),
        ("text", _S, "the cell's text as printed"),
        ("unit", _S, "money unit of the value: 元, 千元, 万元, 亿元"),
        ("page", _I, "1-based page of the cell"),
        *_BOX,
        ("raw_text", _S, "what the reader read before any repair"),
        ("source", _S, "label, text_layer, ocr, manual or repair"),
        ("confidence", _F, "the reader's own confidence"),
        ("check_status", _S, "confirmed, contradicted, repaired or unchecked (by the accounting identities)"),
        ("verified_confidence", _F, "confidence combining the reader's score and the check status"),
        ("repaired", _B, "changed by the repair search (repairs table)"),
    ]),
    "cards": ("one row per performance card (绩效目标表)", [
        _DOC,
        ("card_id", _S, "card id within the document, e.g. c02"),
        ("card_index", _I, "position of the card in the document (0-based)"),
        ("card_type", _S, "department (部门整体支出) or project (项目支出)"),
        ("title", _S, "title as printed"),
        ("year", _I, "budget year"),
        ("pages", _INTS, "pages the card covers"),
        ("first_page", _I, "first page of the card"),
        ("project_name", _S, "项目名称"),
        ("department_name", _S, "部门名称 / 主管部门"),
        ("department_code", _S, "部门代码, e.g. 608"),
        ("implementing_unit", _S, "实施单位"),
        ("project_attribute", _S, "项目属性"),
        ("project_period", _S, "项目期"),
        ("funds_unit", _S, "money unit of the funds (资金单位): project cards usually 元"),
        ("total_period_amount", AMOUNT_TYPE, "实施期资金总额 (the total fund line)"),
        ("total_annual_amount", AMOUNT_TYPE, "年度资金总额 (the total fund line)"),
        ("fund_count", _I, "fund lines (资金来源)"),
        ("indicator_count", _I, "performance indicators (绩效指标)"),
        ("period_goal", _S, "实施期目标 / 总体目标"),
        ("annual_goal", _S, "年度目标"),
    ]),
    "indicators": ("one row per performance indicator (绩效指标)", [
        _DOC,
        ("card_id", _S, "the card (cards.card_id)"),
        ("indicator_index", _I, "position on the card (0-based)"),
        ("level1", _S, "一级指标, e.g. 产出指标"),
        ("level2", _S, "二级指标, e.g. 数量指标"),
        ("level3", _S, "三级指标"),
        ("value", _S, "指标值 as printed"),
        ("value_kind", _S, "number, percent, date, text or empty"),
        ("comparator", _S, "parsed comparator: <, ≤, =, ≥, >, ≈"),
        ("number", AMOUNT_TYPE, "parsed number"),
        ("unit", _S, "parsed unit, e.g. %, 平方千米"),
        ("value_text", _S, "the value when it is not a number, e.g. 及时"),
        ("scope", _S, "project cards: period (实施期) or annual (年度)"),
        ("page", _I, "1-based page of the indicator"),
        *_BOX,
    ]),
    "checks": ("one row per check result (勾稽关系): every rule instance, passed, failed or skipped", [
        _DOC,
        ("check_index", _I, "position in the document's checks (0-based); joins check_cells"),
        ("rule_id", _S, "rule, e.g. subject.children_sum_to_parent (budgetdoc check --rules)"),
        ("status", _S, "passed, failed or skipped"),
        ("description", _S, "what was compared"),
        ("expected", AMOUNT_TYPE, "what the identity implies, from the other cells"),
        ("found", AMOUNT_TYPE, "the checked cell's value"),
        ("difference", AMOUNT_TYPE, "found - expected"),
        ("tolerance", AMOUNT_TYPE, "rounding (尾差) admitted, in the compared unit"),
        ("message", _S, "why skipped, or a note"),
        ("cell_count", _I, "cells the check names (check_cells)"),
        ("table_id", _S, "table of the checked (first) cell"),
        ("card_id", _S, "card of the checked (first) cell"),
        ("page", _I, "page of the checked (first) cell"),
    ]),
    "check_cells": ("one row per cell a check names: the checked cell first (cell_index 0), then its parts", [
        _DOC,
        ("check_index", _I, "the check (checks.check_index)"),
        ("cell_index", _I, "0 = the checked cell (found); 1.. = the cells summed into expected"),
        ("rule_id", _S, "rule of the check"),
        ("status", _S, "status of the check"),
        *_REF,
        ("term", AMOUNT_TYPE, "the cell's value as compared, in the compared unit"),
    ]),
    "repairs": ("one row per value changed by the repair search (修复)", [
        _DOC,
        ("repair_index", _I, "position in the document's repairs (0-based)"),
        *_REF,
        ("original", _S, "the text as read"),
        ("repaired", _S, "the text after repair"),
        ("rule_id", _S, "the rule that forced the change"),
        ("rule_ids", _STRS, "every identity the change made hold"),
        ("confidence", _F, "confidence in the repair"),
        ("evidence", _S, "the edit and what it fixed"),
    ]),
    "review": ("one row per cell a person should look at (复核), most doubtful first", [
        _DOC,
        ("review_rank", _I, "0 = look at first"),
        *_REF,
        ("text", _S, "the cell's text"),
        ("reason", _S, "contradicted, repaired, low_confidence or unchecked"),
        ("confidence", _F, "the value's verified confidence"),
        ("rule_ids", _STRS, "rules that failed on it, or that its repair made hold"),
    ]),
    "errors": ("one row per processing error a document records", [
        _DOC,
        ("error_index", _I, "position in the document's errors (0-based)"),
        ("stage", _S, "ingest, extract, structuring, checks …"),
        ("message", _S, "what went wrong"),
        ("file", _S, "input file"),
        ("page", _I, "1-based page"),
    ]),
}

#: The tables, in the order they are written.
TABLE_NAMES: tuple[str, ...] = tuple(_COLUMNS)


def _schema(description: str, columns: Sequence[tuple[str, pa.DataType, str]]) -> pa.Schema:
    fields = [pa.field(n, t, metadata={"description": d}) for n, t, d in columns]
    return pa.schema(fields, metadata={"description": description})


#: Fixed Arrow schema of every table (field metadata ``description`` says what each column holds).
SCHEMAS: dict[str, pa.Schema] = {name: _schema(desc, cols) for name, (desc, cols) in _COLUMNS.items()}


def _unit_case(column: str) -> str:
    whens = " ".join(f"WHEN '{u.value}' THEN {int(u.in_yuan)}" for u in Unit)
    return f"CASE {column} {whens} END"


#: Views created in the DuckDB file for the questions asked most.
VIEWS: dict[str, tuple[str, str]] = {
    "failed_checks": (
        "every failed identity with its document's department, year and JSON",
        "SELECT d.department, d.year, d.title AS document_title, d.json_path, c.* "
        "FROM checks c JOIN documents d USING (doc_id) WHERE c.status = 'failed'",
    ),
    "amounts": (
        "every value with its document's department, year and kind, and value_yuan (the value in 元)",
        "SELECT d.department, d.year, d.kind, v.*, "
        f"v.value * {_unit_case('v.unit')} AS value_yuan "
        "FROM \"values\" v JOIN documents d USING (doc_id)",
    ),
}

# --------------------------------------------------------------------------------------------------
# exact numbers

_QUANTUM = Decimal(1).scaleb(-AMOUNT_SCALE)
_MAX_DIGITS = 38 - AMOUNT_SCALE
_CONTEXT = Context(prec=38)  # room for 30 integer digits and 8 decimals (the default is 28 digits)


def _fits(value: Decimal) -> bool:
    return value.is_finite() and value.adjusted() < _MAX_DIGITS


def _exact(value: Decimal | None, where: str) -> Decimal | None:
    """An amount as the decimal column holds it: exactly, or a ValueError naming the cell.

    A read amount is never rounded: "389.23" stays 389.23, and one the column cannot hold fails
    its document's export rather than silently becoming another number."""
    if value is None:
        return None
    if not _fits(value):
        raise ValueError(f"{where}: amount {value} does not fit decimal(38, {AMOUNT_SCALE})")
    if value.as_tuple().exponent >= -AMOUNT_SCALE:  # type: ignore[operator]
        return value
    held = value.quantize(_QUANTUM, context=_CONTEXT)
    if held != value:
        raise ValueError(f"{where}: amount {value} has more than {AMOUNT_SCALE} decimals")
    return held


def _computed(value: Decimal | None) -> Decimal | None:
    """A computed number (a check's sum, a unit conversion, an indicator's figure): rounded half even
    to the column's scale in the rare case it needs more; None when it cannot be held at all."""
    if value is None or not _fits(value):
        return None
    if value.as_tuple().exponent >= -AMOUNT_SCALE:  # type: ignore[operator]
        return value
    return value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN, context=_CONTEXT)


# --------------------------------------------------------------------------------------------------
# one document → records


def _box(bbox: BoundingBox | None) -> dict[str, float | None]:
    if bbox is None:
        return {"bbox_l": None, "bbox_t": None, "bbox_r": None, "bbox_b": None}
    return {"bbox_l": bbox.l, "bbox_t": bbox.t, "bbox_r": bbox.r, "bbox_b": bbox.b}


def _provenance(prov: Provenance | None) -> dict[str, Any]:
    p = prov or Provenance()
    return {"page": p.page, **_box(p.bbox), "raw_text": p.raw_text, "source": p.source,
            "confidence": p.confidence, "check_status": p.check_status,
            "verified_confidence": p.verified_confidence}


def _locate(doc: DisclosureDocument, ref: CellRef, cells: dict[str, dict]) -> CellRef:
    """``ref`` with page and box from the cell's provenance, like :func:`~budgetdoc.checks.values.locate`
    but reading table cells from a prebuilt index (``locate`` scans the table for every cell)."""
    if ref.page is not None and ref.bbox is not None:
        return ref
    if ref.table_id is None:
        return locate(doc, ref)
    cell = cells.get(ref.table_id, {}).get((ref.row, ref.col))
    prov = cell.provenance if isinstance(cell, TableCell) else None
    if prov is None:
        return ref
    return ref.model_copy(update={"page": ref.page or prov.page, "bbox": ref.bbox or prov.bbox})


def _ref_columns(ref: CellRef) -> dict[str, Any]:
    return {"table_id": ref.table_id, "card_id": ref.card_id, "grid_row": ref.row, "grid_col": ref.col,
            "field": ref.field, "page": ref.page, **_box(ref.bbox)}


def _row_identity(row: TableRow) -> dict[str, Any]:
    """What a typed row is called, whatever its kind: its codes, name, level, side and total flag."""
    subject_code = economic_code = level = side = None
    if isinstance(row, SubjectRow):
        subject_code, name, level = row.subject_code, row.subject_name, row.subject_level
        is_total = row.is_total
    elif isinstance(row, EconomicRow):
        economic_code, name, level = row.economic_code, row.economic_name, row.economic_level
        is_total = row.is_total
    elif isinstance(row, ProjectRow):
        subject_code, name, is_total = row.subject_code, row.project_name, row.level == "total"
    else:
        name, side, is_total = row.label, row.side, row.is_total
    return {"row_kind": row.kind, "subject_code": subject_code, "economic_code": economic_code,
            "row_name": name, "level": level.value if level else None, "side": side, "is_total": is_total,
            "project_level": row.level if isinstance(row, ProjectRow) else None}


def _row_record(doc_id: str, table: Table, index: int, row: TableRow) -> dict[str, Any]:
    ident = _row_identity(row)
    return {
        "doc_id": doc_id, "table_id": table.id, "table_type": table.table_type.value, "row_index": index,
        "grid_row": row.grid_row, "kind": row.kind, "code": ident["subject_code"] or ident["economic_code"],
        "name": ident["row_name"], "level": ident["level"], "project_level": ident["project_level"],
        "side": ident["side"],
        "is_total": ident["is_total"],
        "government_economic_code": row.government_economic_code if isinstance(row, EconomicRow) else None,
        "government_economic_name": row.government_economic_name if isinstance(row, EconomicRow) else None,
        "value_count": len(row.amounts),
    }


def _is_repaired(key: tuple, prov: Provenance | None, repaired: set) -> bool:
    return key in repaired or (prov is not None and prov.check_status == "repaired")


def _table_values(doc_id: str, table: Table, repaired: set) -> list[dict[str, Any]]:
    """One record per typed amount of ``table``, with the printed cell's text and provenance."""
    cells = _cell_index(table)
    headers = flat_header(table)
    unit = table.unit.value if table.unit else None
    out: list[dict[str, Any]] = []
    for index, row in enumerate(table.rows):
        ident = _row_identity(row)
        for column, value in row.amounts.items():
            col = amount_col(table, row, column)
            cell = cells.get((row.grid_row, col)) if col is not None else None
            prov = cell.provenance if isinstance(cell, TableCell) else None
            key = cell_key(CellRef(table_id=table.id, row=row.grid_row, col=col))
            out.append({
                "doc_id": doc_id, "holder": "table", "table_id": table.id, "card_id": None,
                "table_type": table.table_type.value, "row_index": index, "grid_row": row.grid_row,
                "grid_col": col, **ident, "fund_source": None, "amount_column": column.value,
                "printed_header": headers[col] if col is not None and col < len(headers) else None,
                "value": _exact(value, f"{table.id} row {row.grid_row} {column.value}"),
                "text": cell.text if isinstance(cell, TableCell) else None, "unit": unit,
                **_provenance(prov),
                "repaired": _is_repaired(key, prov, repaired),
            })
    return out


_FUND_HEADERS = {"period_amount": "实施期资金", "annual_amount": "年度资金"}


def _card_values(doc_id: str, doc: DisclosureDocument, card: PerformanceCard,
                 repaired: set) -> list[dict[str, Any]]:
    """One record per fund amount printed on ``card`` (实施期 and 年度, where the card has them)."""
    unit = card.funds_unit.value if card.funds_unit else None
    out: list[dict[str, Any]] = []
    for index, line in enumerate(card.funds):
        for attr, header in _FUND_HEADERS.items():
            if getattr(line, attr) is None:
                continue
            ref = CellRef(card_id=card.id, field=f"funds[{index}].{attr}")
            cell = read_cell(doc, ref)
            if cell is None:  # cannot happen: the line and its amount exist
                continue
            prov = cell.provenance
            out.append({
                "doc_id": doc_id, "holder": "card", "table_id": None, "card_id": card.id, "table_type": None,
                "row_index": index, "grid_row": None, "grid_col": None, "row_kind": "fund",
                "subject_code": None, "economic_code": None, "row_name": line.source, "level": None,
                "side": None, "is_total": line.canonical == "total", "project_level": None,
                "fund_source": line.canonical,
                "amount_column": attr, "printed_header": header,
                "value": _exact(cell.value, f"{card.id} {ref.field}"), "text": cell.text, "unit": unit,
                **_provenance(prov),
                "repaired": _is_repaired(cell_key(ref), prov, repaired),
            })
    return out


def _table_record(doc_id: str, index: int, table: Table) -> dict[str, Any]:
    return {
        "doc_id": doc_id, "table_id": table.id, "table_index": index, "table_type": table.table_type.value,
        "table_type_zh": TABLE_TYPE_NAMES.get(table.table_type), "title": table.title, "label": table.label,
        "department": table.department, "unit": table.unit.value if table.unit else None,
        "pages": list(table.pages), "first_page": min(table.pages) if table.pages else None,
        "num_rows": table.num_rows, "num_cols": table.num_cols, "header_rows": table.header_rows,
        "row_count": len(table.rows), "value_count": sum(len(r.amounts) for r in table.rows),
        "is_empty": table.is_empty, "notes": "\n".join(table.notes) or None,
    }


def _card_record(doc_id: str, index: int, card: PerformanceCard) -> dict[str, Any]:
    total = card.fund("total")
    return {
        "doc_id": doc_id, "card_id": card.id, "card_index": index, "card_type": card.card_type.value,
        "title": card.title, "year": card.year, "pages": list(card.pages),
        "first_page": min(card.pages) if card.pages else None, "project_name": card.project_name,
        "department_name": card.department_name, "department_code": card.department_code,
        "implementing_unit": card.implementing_unit, "project_attribute": card.project_attribute,
        "project_period": card.project_period,
        "funds_unit": card.funds_unit.value if card.funds_unit else None,
        "total_period_amount": _exact(total.period_amount, f"{card.id} total period") if total else None,
        "total_annual_amount": _exact(total.annual_amount, f"{card.id} total annual") if total else None,
        "fund_count": len(card.funds), "indicator_count": len(card.indicators),
        "period_goal": card.period_goal, "annual_goal": card.annual_goal,
    }


def _indicator_records(doc_id: str, card: PerformanceCard) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for index, ind in enumerate(card.indicators):
        p = ind.parsed
        prov = ind.provenance or Provenance()
        out.append({
            "doc_id": doc_id, "card_id": card.id, "indicator_index": index, "level1": ind.level1,
            "level2": ind.level2, "level3": ind.level3, "value": ind.value,
            "value_kind": p.kind.value if p else None,
            "comparator": p.comparator.value if p and p.comparator else None,
            "number": _computed(p.number) if p else None, "unit": p.unit if p else None,
            "value_text": p.text if p else None, "scope": ind.scope.value if ind.scope else None,
            "page": prov.page, **_box(prov.bbox),
        })
    return out


def _check_records(doc_id: str, doc: DisclosureDocument, cells: dict[str, dict]) -> tuple[list, list]:
    """The ``checks`` and ``check_cells`` records: each result, and each cell it names, located."""
    checks: list[dict[str, Any]] = []
    check_cells: list[dict[str, Any]] = []
    for i, r in enumerate(doc.checks):
        located = [_locate(doc, ref, cells) for ref in r.cells]
        first = located[0] if located else CellRef()
        checks.append({
            "doc_id": doc_id, "check_index": i, "rule_id": r.rule_id, "status": r.status,
            "description": r.description, "expected": _computed(r.expected), "found": _computed(r.found),
            "difference": _difference(r), "tolerance": _computed(r.tolerance), "message": r.message,
            "cell_count": len(r.cells), "table_id": first.table_id, "card_id": first.card_id,
            "page": first.page,
        })
        for j, ref in enumerate(located):
            term = r.terms[j] if j < len(r.terms) else None
            check_cells.append({"doc_id": doc_id, "check_index": i, "cell_index": j, "rule_id": r.rule_id,
                                "status": r.status, **_ref_columns(ref), "term": _computed(term)})
    return checks, check_cells


def _difference(r: CheckResult) -> Decimal | None:
    return _computed(r.found - r.expected) if r.found is not None and r.expected is not None else None


def document_records(doc: DisclosureDocument, doc_id: str) -> Records:
    """``doc`` flattened into records of every table in :data:`TABLE_NAMES` (keys = column names).

    Every typed amount becomes one ``values`` record, blank cells included (value null), located by
    its grid cell's provenance; card fund lines give one record per amount they hold. The
    ``documents`` record's ``json_path`` is left None (:func:`export_dataset` knows the file). Raises
    ValueError naming the cell when an amount cannot be held exactly (see :func:`_exact`).
    """
    repaired = {cell_key(r.cell) for r in doc.repairs}
    with run_cache():  # the document is not changed here: memoise the column and cell lookups
        cells = {t.id: _cell_index(t) for t in doc.tables}
        values = [v for t in doc.tables for v in _table_values(doc_id, t, repaired)]
        values += [v for c in doc.cards for v in _card_values(doc_id, doc, c, repaired)]
        checks, check_cells = _check_records(doc_id, doc, cells)
        repairs = [{"doc_id": doc_id, "repair_index": i, **_ref_columns(_locate(doc, r.cell, cells)),
                    "original": r.original, "repaired": r.repaired, "rule_id": r.rule_id,
                    "rule_ids": list(r.rule_ids), "confidence": r.confidence, "evidence": r.evidence}
                   for i, r in enumerate(doc.repairs)]
        review = [{"doc_id": doc_id, "review_rank": i, **_ref_columns(_locate(doc, it.cell, cells)),
                   "text": it.text, "reason": it.reason, "confidence": it.confidence,
                   "rule_ids": list(it.rule_ids)}
                  for i, it in enumerate(doc.review)]
    records: Records = {
        "documents": [_document_record(doc, doc_id, len(values))],
        "tables": [_table_record(doc_id, i, t) for i, t in enumerate(doc.tables)],
        "rows": [_row_record(doc_id, t, i, r) for t in doc.tables for i, r in enumerate(t.rows)],
        "values": values,
        "cards": [_card_record(doc_id, i, c) for i, c in enumerate(doc.cards)],
        "indicators": [r for c in doc.cards for r in _indicator_records(doc_id, c)],
        "checks": checks,
        "check_cells": check_cells,
        "repairs": repairs,
        "review": review,
        "errors": [{"doc_id": doc_id, "error_index": i, "stage": e.stage, "message": e.message,
                    "file": e.file, "page": e.page} for i, e in enumerate(doc.errors)],
    }
    return records


def _document_record(doc: DisclosureDocument, doc_id: str, value_count: int) -> dict[str, Any]:
    src = doc.source
    return {
        "doc_id": doc_id, "json_path": None, "source_path": src.path if src else None,
        "source_sha256": src.sha256 if src else None, "title": doc.title, "department": doc.department,
        "year": doc.year, "kind": doc.kind.value if doc.kind else None, "region": doc.region,
        "producer": doc.producer, "schema_version": doc.version,
        "page_count": len(doc.pages) if doc.pages else (src.page_count if src else None),
        "table_count": len(doc.tables), "card_count": len(doc.cards), "value_count": value_count,
        "check_count": len(doc.checks), "failed_check_count": sum(r.status == "failed" for r in doc.checks),
        "repair_count": len(doc.repairs), "review_count": len(doc.review), "error_count": len(doc.errors),
    }


# --------------------------------------------------------------------------------------------------
# document ids

_SHA256_RE = re.compile(r"[0-9a-fA-F]{64}")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def base_doc_id(doc: DisclosureDocument, name: str) -> str:
    """The document's id before collisions are settled: its source file's sha256 when recorded, else
    the sha256 of ``name`` (the JSON's name, see the module docstring)."""
    sha = doc.source.sha256 if doc.source else None
    return sha.lower() if sha and _SHA256_RE.fullmatch(sha) else _sha256(name)


def unique_doc_ids(bases: Sequence[str], names: Sequence[str], paths: Sequence[str]) -> list[str]:
    """One id per document, unique: a base id several documents share becomes sha256("<base>/<name>")
    for each of them, and (two JSONs of one name given separately) then sha256("<id>/<path>")."""
    counts = Counter(bases)
    ids = [b if counts[b] == 1 else _sha256(f"{b}/{n}") for b, n in zip(bases, names, strict=True)]
    counts = Counter(ids)
    return [i if counts[i] == 1 else _sha256(f"{i}/{p}") for i, p in zip(ids, paths, strict=True)]


# --------------------------------------------------------------------------------------------------
# the export


@dataclass
class ExportSummary:
    """What an export wrote and what it left out (and why)."""

    out_dir: Path
    documents: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # rows written per table
    failed_checks: int = 0
    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # JSON that is not a budgetdoc document
    failed: list[tuple[Path, str]] = field(default_factory=list)  # could not be read or exported
    seconds: float = 0.0

    @property
    def values(self) -> int:
        return self.rows.get("values", 0)

    @property
    def warnings(self) -> list[str]:
        """One line per input left out, naming it."""
        skipped = [_skip_line(p, why) for p, why in self.skipped]
        return skipped + [_error_line(p, why) for p, why in self.failed]

    def line(self) -> str:
        """The one-line summary the command prints."""
        text = (f"exported {_count(self.documents, 'document')} to {self.out_dir}: "
                f"{_count(self.values, 'value')}, {_count(self.failed_checks, 'failed check')} "
                f"({self.seconds:.2f} s)")
        if self.skipped or self.failed:
            text += f"; {len(self.skipped)} skipped (not documents), {len(self.failed)} unreadable"
        return text


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _skip_line(path: Path, why: str) -> str:
    return f"warning: skipped {path}: {why}"


def _error_line(path: Path, why: str) -> str:
    return f"error: {path}: {why}"


@dataclass(frozen=True)
class _Found:
    path: Path
    name: str  # the JSON's name for ids: "<folder name>/<path under it>", or the file name


def find_document_files(inputs: Iterable[Path]) -> tuple[list[_Found], list[tuple[Path, str]]]:
    """The ``*.json`` files of ``inputs`` (folders searched recursively, in sorted order), each once,
    and the inputs that do not exist."""
    found: list[_Found] = []
    missing: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for given in inputs:
        given = Path(given)
        if given.is_dir():
            root = given.resolve().name
            items = [(p, f"{root}/{p.relative_to(given).as_posix()}".lstrip("/"))
                     for p in sorted(given.rglob("*.json")) if p.is_file()]
        elif given.is_file():
            items = [(given, given.name)]
        else:
            missing.append((given, "no such file or folder"))
            continue
        for path, name in items:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(_Found(path, name))
    return found, missing


def _read(path: Path) -> tuple[DisclosureDocument | None, str | None, bool]:
    """(document, problem, is_document): a document, or why not; ``is_document`` False for a JSON
    that is something else (page labels, a run report), which is skipped rather than an error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        return None, f"cannot read JSON: {e}", True
    name = data.get("schema_name") if isinstance(data, dict) else None
    if name != SCHEMA_NAME:
        return None, f"not a budgetdoc document (schema_name={name!r})", False
    try:
        return parse_document(data), None, True
    except ValueError as e:  # pydantic's ValidationError is a ValueError
        return None, f"invalid document: {' '.join(str(e).split())[:500]}", True


def _to_arrow(name: str, records: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=SCHEMAS[name])


def _with_doc_id(table: pa.Table, doc_id: str) -> pa.Table:
    i = table.schema.get_field_index("doc_id")
    return table.set_column(i, table.schema.field(i), pa.array([doc_id] * table.num_rows, pa.string()))


def export_dataset(inputs: Iterable[Path], out_dir: Path, *,
                   log: Callable[[str], None] | None = None) -> ExportSummary:
    """Export every document found in ``inputs`` (JSON files or folders) to ``out_dir``.

    Files that are not budgetdoc documents are skipped, unreadable ones reported; neither stops the
    export. ``log`` gets a warning line naming each such file as it is met. Returns the summary.
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    summary = ExportSummary(out_dir=out)
    say = log or (lambda _line: None)
    found, summary.failed = find_document_files(inputs)
    for path, why in summary.failed:
        say(_error_line(path, why))
    per_doc: list[tuple[str, _Found, dict[str, pa.Table]]] = []
    for item in found:
        doc, problem, is_document = _read(item.path)
        if doc is None:
            (summary.failed if is_document else summary.skipped).append((item.path, problem or ""))
            say((_error_line if is_document else _skip_line)(item.path, problem or ""))
            continue
        base = base_doc_id(doc, item.name)
        try:
            records = document_records(doc, base)
        except ValueError as e:
            summary.failed.append((item.path, str(e)))
            say(_error_line(item.path, str(e)))
            continue
        records["documents"][0]["json_path"] = str(item.path)
        summary.failed_checks += records["documents"][0]["failed_check_count"]
        per_doc.append((base, item, {n: _to_arrow(n, records[n]) for n in TABLE_NAMES}))
    ids = unique_doc_ids([b for b, _, _ in per_doc], [f.name for _, f, _ in per_doc],
                         [str(f.path.resolve()) for _, f, _ in per_doc])
    merged: dict[str, pa.Table] = {}
    for n in TABLE_NAMES:
        parts = [t[n] if i == b else _with_doc_id(t[n], i) for i, (b, _, t) in zip(ids, per_doc, strict=True)]
        merged[n] = pa.concat_tables(parts) if parts else SCHEMAS[n].empty_table()
    summary.files = write_dataset(merged, out)
    summary.documents = len(per_doc)
    summary.rows = {n: t.num_rows for n, t in merged.items()}
    summary.seconds = time.perf_counter() - t0
    return summary


# --------------------------------------------------------------------------------------------------
# writing


def _parquet_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue().to_pybytes()


@contextmanager
def _replaced(path: Path) -> Iterator[Path]:
    """A temporary path in ``path``'s folder that becomes ``path`` (os.replace) when the block ends
    without error, and is removed otherwise."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def write_duckdb(tables: dict[str, pa.Table], path: Path) -> Path:
    """The tables as native DuckDB tables (commented), plus :data:`VIEWS`, written atomically."""
    import duckdb

    with _replaced(path) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            con.execute("BEGIN TRANSACTION")  # one commit, not one per table and comment
            for name, table in tables.items():
                con.register("_incoming", table)
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _incoming')
                con.unregister("_incoming")
                con.execute(f'COMMENT ON TABLE "{name}" IS {_sql_text(_COLUMNS[name][0])}')
                for col, _, desc in _COLUMNS[name][1]:
                    con.execute(f'COMMENT ON COLUMN "{name}"."{col}" IS {_sql_text(desc)}')
            for name, (desc, sql) in VIEWS.items():
                con.execute(f'CREATE VIEW "{name}" AS {sql}')
                con.execute(f'COMMENT ON VIEW "{name}" IS {_sql_text(desc)}')
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
    return path


def write_dataset(tables: dict[str, pa.Table], out_dir: Path) -> list[Path]:
    """``<table>.parquet`` for every table of :data:`TABLE_NAMES` (empty ones too), then the DuckDB file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [atomic_write_bytes(out_dir / f"{n}.parquet", _parquet_bytes(tables[n])) for n in TABLE_NAMES]
    written.append(write_duckdb({n: tables[n] for n in TABLE_NAMES}, out_dir / DUCKDB_FILE))
    return written
