"""Cross-check the parsers against the hand-checked seed truth (datasets/seed/seed_truth.json).

Every table title, column header path, amount cell, subject code and performance-indicator value
of the seed is read with the parsers and compared with what the truth says it means. Skipped when
the truth file is not present.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from budgetdoc.parsing import (
    canonical_column,
    classify_table_title,
    detect_document_kind,
    load_reference,
    parse_amount,
    parse_indicator_value,
    parse_subject_code,
    parse_unit,
    subject_level,
)

TRUTH = Path(__file__).resolve().parents[2] / "datasets" / "seed" / "seed_truth.json"
SEED_TEXT = TRUTH.with_name("000_6835dc16bfc66720.txt")


@lru_cache(maxsize=1)
def _truth() -> dict[str, Any]:
    if not TRUTH.exists():
        pytest.skip("datasets/seed/seed_truth.json not present")
    return json.loads(TRUTH.read_text(encoding="utf-8"))


def test_titles_and_units() -> None:
    truth = _truth()
    assert len(truth["tables"]) == 13
    for table in truth["tables"]:
        assert classify_table_title(table["title"]).value == table["table_type"], table["title"]
    if SEED_TEXT.exists():
        text = SEED_TEXT.read_text(encoding="utf-8")
        assert detect_document_kind(text).value == truth["kind"]
        # one 单位：万元 line per table; the 机关运行经费 table's "单位名称" header is not a unit
        units = [parse_unit(ln) for ln in text.splitlines() if ln.startswith("单位")]
        assert [u.value for u in units if u is not None] == [t["unit"] for t in truth["tables"]]
        assert units.count(None) == 1


def test_column_headers() -> None:
    for table in _truth()["tables"]:
        for spec in table["columns"]:
            got = canonical_column(spec["header"])
            assert (got.value if got else None) == spec.get("column"), (table["id"], spec["header"])


def test_amount_cells() -> None:
    checked = 0
    for table in _truth()["tables"]:
        grid = table["grid"]
        for row in table["rows"]:
            for spec in table["columns"]:
                col = spec.get("column")
                if col is None or col not in row["amounts"]:
                    continue
                if spec.get("side") and row.get("side") and spec["side"] != row["side"]:
                    continue
                cell = grid[row["grid_row"]][spec["index"]]
                want = row["amounts"][col]
                got = parse_amount(cell)
                where = (table["id"], row["grid_row"], cell)
                assert got == (Decimal(want) if want is not None else None), where
                if got is not None:
                    assert str(got) == cell.replace(",", "")  # printed scale kept
                checked += 1
    assert checked > 300


def test_subject_codes() -> None:
    reference = load_reference("function")
    checked = 0
    for table in _truth()["tables"]:
        code_cols = [s["index"] for s in table["columns"] if s.get("role") == "subject_code"]
        for row in table["rows"]:
            if row["kind"] != "subject" or not code_cols:
                continue
            cell = table["grid"][row["grid_row"]][code_cols[0]]
            code = parse_subject_code(cell)
            assert code == row["subject_code"], cell
            if code is not None:
                assert subject_level(code).value == row["subject_level"]
                if code in reference:
                    assert reference[code][0] == row["subject_name"]
                checked += 1
    assert checked > 40


def test_indicator_values() -> None:
    n = 0
    for card in _truth()["cards"]:
        for ind in card["indicators"]:
            parsed = parse_indicator_value(ind["value"]).model_dump(mode="json")
            assert parsed == ind["parsed"], ind["value"]
            n += 1
    assert n > 100


def test_card_fund_amounts() -> None:
    # project cards print funds in 元 with thousands separators ("550,000")
    n = 0
    for card in _truth()["cards"]:
        values = {parse_amount(f["value"]) for f in card["fields"]} - {None}
        for fund in card["funds"]:
            for key in ("period_amount", "annual_amount"):
                if fund.get(key) is not None:
                    assert Decimal(fund[key]) in values, (card["id"], fund["source"], fund[key])
                    n += 1
    assert n > 20
