"""The structuring stage against documents of the synthetic generator, built in memory.

Many more tables and cards than the sample set holds (every table type of the three styles, the
申报表 project cards), with the generator's own typed truth. Three things the generator types but
does not print (or prints differently from the hand-labelled seed) are known and checked as such:

* a project row's ``subject_code`` (the project tables print no code column);
* the sides of the Shanxi 国有资本经营 table's code/name columns (the seed truth gives them their
  side, the generator none; we follow the seed);
* the Shanghai “三公” table printing only blank amounts is "not empty" for the generator, while a
  Jiangsu one is "empty" (we say empty for both).
"""

from __future__ import annotations

from functools import lru_cache

from structuring_eval import card_summary, generated_documents, score_cards, score_tables, table_summary

SEEDS = range(100, 106)


@lru_cache(maxsize=1)
def _docs():
    return generated_documents(SEEDS)


@lru_cache(maxsize=1)
def _tables():
    return score_tables(_docs(), unprinted_project_codes=True)


def test_every_generated_table_is_typed_as_its_truth():
    results = _tables()
    assert len(results) >= 150
    assert len(table_summary(results)) >= 19, "table types covered"
    assert not [r.name for r in results if not r.type_ok]
    failures = [f"{r.name}: {r.problems}" for r in results if not r.rows_ok]
    assert not failures, failures


def test_generated_columns_equal_except_the_known_sides():
    for r in _tables():
        if r.columns_ok:
            continue
        assert r.sample.startswith("gen-shanxi") and r.table_type == "state_capital_operation", r.problems
        assert all("'side': None}" in p for p in r.problems if p.startswith("column")), r.problems


def test_generated_unit_department_label_and_emptiness():
    for r in _tables():
        meta = [p for p in r.problems if not p.startswith(("column", "row"))]
        if meta == ["is_empty True != False"]:
            assert r.sample.startswith("gen-shanghai") and r.table_type == "three_public_and_agency_operating"
            continue
        assert not meta, (r.name, meta)


def test_generated_cards_equal_their_printed_truth():
    results = score_cards(_docs())
    assert len(results) >= 40
    assert {r.card_type for r in results} == {"department", "project"}
    s = card_summary(results)
    for key in ("typed attributes", "fields", "funds", "indicators"):
        ok, n = s[key]
        assert n > 0 and ok == n, (key, s, [f"{r.name}: {r.problems}" for r in results if r.problems])
    assert sum(r.fields_extra + r.indicators_extra for r in results) == 0
