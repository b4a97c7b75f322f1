"""Tests for budgetdoc.parsing.titles: table titles to TableType, and the document kind.

The titles are every table title of the seed (its 13 tables, as printed above each table and in
the table of contents) and of the six real PDFs in ``datasets/real`` (read from their text layer:
the line(s) naming each table at the top of its page, and the table-of-contents entries).
``test_real_titles_are_in_the_text_layer`` checks that each one really is printed there.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetdoc.model.vocab import TABLE_TYPE_NAMES, DocumentKind, TableType
from budgetdoc.parsing.text import normalize
from budgetdoc.parsing.titles import classify_table_title, detect_document_kind, strip_title_noise

T = TableType
REPO = Path(__file__).resolve().parents[2]

SEED_TITLES: list[tuple[str, TableType]] = [
    # as printed above the tables (some with the label line above them)
    ("预算公开表1 2026年预算收支总表", T.revenue_expenditure_summary),
    ("预算公开表2 2026年预算收入总表", T.revenue_summary),
    ("2026年预算支出总表", T.expenditure_summary),
    ("2026年财政拨款收支总表", T.fiscal_appropriation_summary),
    ("2026年一般公共预算支出预算表（不含上年结转）", T.general_public_budget_expenditure),
    ("2026年一般公共预算安排基本支出分经济科目表（不含上年结转）", T.general_public_budget_basic_economic),
    ("2026年政府性基金预算收入表（不含上年结转）", T.government_fund_revenue),
    ("2026年政府性基金预算支出表（不含上年结转）", T.government_fund_expenditure),
    ("部门公开表9 2026年国有资本经营预算收支预算表（不含上年结转）", T.state_capital_operation),
    ("预算公开表10 2026年财政拨款安排“三公”经费支出预算表", T.three_public_expenses),
    ("2026年财政拨款安排机关运行经费预算表", T.agency_operating_expenses),
    ("2026年项目支出预算表（本年预算）", T.project_expenditure),
    ("2026年项目支出预算表（上年结转）", T.project_expenditure_carryover),
    # table of contents, with dot leaders and page numbers
    ("表一2026年预算收支总表.....\t2", T.revenue_expenditure_summary),
    ("表二2026年预算收入总表.....\t4", T.revenue_summary),
    ("表三2026年预算支出总表.....\t5", T.expenditure_summary),
    ("表四2026年财政拨款收支总表.....\t6", T.fiscal_appropriation_summary),
    ("表五2026年一般公共预算支出预算表（不含上年结转）.....\t8", T.general_public_budget_expenditure),
    ("表六2026年一般公共预算安排基本支出分经济科目表（不含上年结转）.....\t9", T.general_public_budget_basic_economic),
    ("表七2026年政府性基金预算收入表（不含上年结转）.....\t10", T.government_fund_revenue),
    ("表八2026年政府性基金预算支出表（不含上年结转）.....\t11", T.government_fund_expenditure),
    ("表九2026年国有资本经营预算收支预算表（不含上年结转）.....\t12", T.state_capital_operation),
    ("表十2026年财政拨款安排“三公”经费支出预算表.....\t12", T.three_public_expenses),
    ("表十一2026年财政拨款安排机关运行经费预算表.....\t13", T.agency_operating_expenses),
    ("表十二2026年项目支出预算表（本年预算）.....\t14", T.project_expenditure),
    ("表十三2026年项目支出预算表（上年结转）.....\t15", T.project_expenditure_carryover),
]

# file -> [(title as printed in the text layer, expected type)]
REAL_TITLES: dict[str, list[tuple[str, TableType]]] = {
    "shanghai-putuo-caizhengju-2025-budget.pdf": [
        ("2025年部门财务收支预算总表", T.department_financial_summary),
        ("2025年部门收入预算总表", T.revenue_summary),
        ("2025年部门支出预算总表", T.expenditure_summary),
        ("2025年部门财政拨款收支预算总表", T.fiscal_appropriation_summary),
        ("2025年部门一般公共预算支出功能分类预算表", T.general_public_budget_expenditure),
        ("2025年部门政府性基金预算支出功能分类预算表", T.government_fund_expenditure),
        ("2025年部门国有资本经营预算支出功能分类预算表", T.state_capital_operation_expenditure),
        ("2025年部门一般公共预算基本支出部门预算经济分类预算表", T.general_public_budget_basic_economic),
        ("2025年部门“三公”经费和机关运行经费预算表", T.three_public_and_agency_operating),
        ("4．2025年部门财政拨款收支预算总表 ……………………", T.fiscal_appropriation_summary),  # contents
        ("8．2025年部门一般公共预算基本支出部门预算经济分类预算表 …………", T.general_public_budget_basic_economic),
    ],
    "shanghai-putuo-shegongbu-2024-final-accounts.pdf": [
        ("中共上海市普陀区委社会工作部 2024 年度部门决算表 收入支出决算总表", T.final_revenue_expenditure_summary),
        ("收入决算表", T.final_revenue),
        ("支出决算表", T.final_expenditure),
        ("财政拨款收入支出决算总表", T.final_fiscal_appropriation_summary),
        ("一般公共预算财政拨款支出决算表", T.final_general_public_budget_expenditure),
        ("一般公共预算财政拨款基本支出决算表", T.final_general_public_budget_basic),
        ("财政拨款“三公”经费支出决算表", T.final_three_public_expenses),
        ("政府性基金预算财政拨款收入支出决算表", T.final_government_fund),
        ("国有资本经营预算财政拨款收入支出决算表", T.final_state_capital_operation),
        ("一、收入支出决算总表", T.final_revenue_expenditure_summary),  # contents
        ("七、财政拨款“三公”经费支出决算表", T.final_three_public_expenses),
    ],
    "shanghai-final-accounts-template-2024.pdf": [
        ("上海市 XX 局 2024 年度部门决算表 收入支出决算总表", T.final_revenue_expenditure_summary),
        ("收入决算表", T.final_revenue),
        ("支出决算表", T.final_expenditure),
        ("财政拨款收入支出决算总表", T.final_fiscal_appropriation_summary),
        ("一般公共预算财政拨款支出决算表", T.final_general_public_budget_expenditure),
        ("一般公共预算财政拨款基本支出决算表", T.final_general_public_budget_basic),
        ("财政拨款“三公”经费支出决算表", T.final_three_public_expenses),
        ("政府性基金预算财政拨款收入支出决算表", T.final_government_fund),
        ("国有资本经营预算财政拨款收入支出决算表", T.final_state_capital_operation),
    ],
    "jiangsu-gaoyuan-2017-budget.pdf": [
        ("一、2017年度江苏省高级人民法院部门收支预算总表", T.revenue_expenditure_summary),
        ("二、2017年度江苏省高级人民法院部门收入预算总表", T.revenue_summary),
        ("三、2017年度江苏省高级人民法院部门支出预算总表", T.expenditure_summary),
        ("四、2017年度江苏省高级人民法院部门财政拨款收支预算总表", T.fiscal_appropriation_summary),
        ("五、2017年度江苏省高级人民法院部门财政拨款支出预算表", T.fiscal_appropriation_expenditure),
        ("六、2017年度江苏省高级人民法院部门财政拨款基本支出预算表", T.fiscal_appropriation_basic_economic),
        ("七、2017年度江苏省高级人民法院部门政府性基金支出预算表", T.government_fund_expenditure),
        ("八、2017年度江苏省高级人民法院部门一般公共预算支出预算表", T.general_public_budget_expenditure),
        ("九、2017年度江苏省高级人民法院部门一般公共预算基本支出预算表", T.general_public_budget_basic_economic),
        ("十、2017年度江苏省高级人民法院部门一般公共预算机关运行经费支出预算表", T.agency_operating_expenses),
        ("十一、2017年江苏省高级人民法院部门一般公共预算“三公”经费、会议费、培训费支出预算表",
         T.three_public_expenses),
        ("十二、2017年江苏省高级人民法院部门政府采购预算表", T.government_procurement),
        ("五、财政拨款支出预算表", T.fiscal_appropriation_expenditure),  # contents
        ("十一、一般公共预算“三公”经费、会议费、培训费支出预算表", T.three_public_expenses),
    ],
    "jiangsu-gaoyuan-2018-budget.pdf": [
        ("一、2018年度江苏省高级人民法院收支预算总表", T.revenue_expenditure_summary),
        ("二、2018年度江苏省高级人民法院收入预算总表", T.revenue_summary),
        ("三、2018年度江苏省高级人民法院支出预算总表", T.expenditure_summary),
        ("四、2018年度江苏省高级人民法院财政拨款收支预算总表", T.fiscal_appropriation_summary),
        ("五、2018年度江苏省高级人民法院财政拨款支出预算表", T.fiscal_appropriation_expenditure),
        ("六、2018年度江苏省高级人民法院财政拨款基本支出预算表", T.fiscal_appropriation_basic_economic),
        ("七、2018年度江苏省高级人民法院一般公共预算支出预算表", T.general_public_budget_expenditure),
        ("八、2018年度江苏省高级人民法院一般公共预算基本支出预算表", T.general_public_budget_basic_economic),
        ("九、2018年江苏省高级人民法院“三公”经费、会议费、培训费支出预算表", T.three_public_expenses),
        ("十、2018年度江苏省高级人民法院政府性基金预算财政拨款支出预算表", T.government_fund_expenditure),
        ("十一、2018年度江苏省高级人民法院一般公共预算机关运行经费支出预算表", T.agency_operating_expenses),
        ("十二、2018年江苏省高级人民法院政府采购预算表", T.government_procurement),
        # contents: the title wraps onto a second line
        ("十、2018 年度江苏省高级人民法院政府性基金预算财政拨款支出预\n算表", T.government_fund_expenditure),
        ("十二、2018 年度江苏省高级人民法院政府采购支出预算表", T.government_procurement),
    ],
    "jiangsu-gaoyuan-2019-budget.pdf": [
        ("公开 01表 收支预算总表", T.revenue_expenditure_summary),
        ("公开 02表 收入预算总表", T.revenue_summary),
        ("公开 03表 支出预算总表", T.expenditure_summary),
        ("公开 04表 财政拨款收支预算总表", T.fiscal_appropriation_summary),
        ("公开05表 财政拨款支出预算表（功能科目）", T.fiscal_appropriation_expenditure),
        ("公开06表 财政拨款基本支出预算表（经济科目）", T.fiscal_appropriation_basic_economic),
        ("公开07表 一般公共预算支出预算表（功能科目）", T.general_public_budget_expenditure),
        ("公开08表 一般公共预算基本支出预算表（经济科目）", T.general_public_budget_basic_economic),
        ("公开 09表 “三公”经费、会议费、培训费支出预算表", T.three_public_expenses),
        ("公开10表 政府性基金预算财政拨款支出预算表", T.government_fund_expenditure),
        ("公开11表 一般公共预算机关运行经费支出预算表", T.agency_operating_expenses),
        ("公开12表 政府采购支出预算表", T.government_procurement),
        ("十、政府性基金财政拨款支出预算表", T.government_fund_expenditure),  # contents
    ],
}
ALL_REAL = [(f, title, t) for f, items in REAL_TITLES.items() for title, t in items]
ALL_TITLES = [(title, t) for _, title, t in ALL_REAL] + SEED_TITLES


@pytest.mark.parametrize(("title", "expected"), SEED_TITLES)
def test_seed_titles(title: str, expected: TableType) -> None:
    assert classify_table_title(title) is expected


@pytest.mark.parametrize(("file", "title", "expected"), ALL_REAL)
def test_real_titles(file: str, title: str, expected: TableType) -> None:
    assert classify_table_title(title) is expected


def test_every_seed_table_type_is_covered() -> None:
    covered = {t for _, t in SEED_TITLES}
    assert len(covered) == 13


@pytest.mark.parametrize(
    ("table_type", "name"), [(t, n) for t, n in TABLE_TYPE_NAMES.items() if t is not T.other]
)
def test_canonical_names(table_type: TableType, name: str) -> None:
    assert classify_table_title(name) is table_type
    assert classify_table_title(f"预算公开表3 2026年度{name}") is table_type


@functools.lru_cache(maxsize=None)
def _real_text(file: str) -> str | None:
    pdfium = pytest.importorskip("pypdfium2")
    path = REPO / "datasets" / "real" / file
    if not path.exists():
        return None
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


@pytest.mark.parametrize("file", sorted(REAL_TITLES))
def test_real_titles_are_in_the_text_layer(file: str) -> None:
    text = _real_text(file)
    if text is None:
        pytest.skip(f"datasets/real/{file} not present")
    flat = normalize(text)
    for title, _ in REAL_TITLES[file]:
        want = normalize(title).split("...")[0]  # contents lines: compare up to the leader dots
        # a title may be printed over two lines with another line between (label, year line)
        parts = [normalize(p) for p in title.split() if not p.startswith("…")]
        assert want in flat or all(p in flat for p in parts), title


# --- robustness ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("2026年财政拔款收支总表", T.fiscal_appropriation_summary),  # 拨 misread as 拔
        ("2026年一般公共预箅支出预算表", T.general_public_budget_expenditure),  # 算 → 箅
        ("2026年一般公共预算安排基本支岀分经济科目表", T.general_public_budget_basic_economic),  # 出 → 岀
        ("2026年政府性基預算收入表", T.government_fund_revenue),  # 金 dropped (and 预 traditional)
        ("2026年国有资本经营预算收支预算衣", T.state_capital_operation),  # 表 → 衣
        ("2026年财政拨款安排机关运行经预算表", T.agency_operating_expenses),  # 费 dropped
        ("2026年项目支出预算表(上年结轉)", T.project_expenditure_carryover),
        ("2026年预算收入总衣", T.revenue_summary),  # 表 → 衣: the similarity fallback
        ("一般公共预算财政拨款基本支岀决算表", T.final_general_public_budget_basic),
        ("财政拨款收入支出決算总表", T.final_fiscal_appropriation_summary),  # 決 for 决: fallback
    ],
)
def test_ocr_noise(title: str, expected: TableType) -> None:
    assert classify_table_title(title) is expected


def _corrupt(s: str, rng: random.Random) -> str:
    i = rng.randrange(len(s))
    op = rng.choice(["drop", "swap"])
    return s[:i] + s[i + 1:] if op == "drop" else s[:i] + "口" + s[i + 1:]


def test_single_character_noise_on_real_titles() -> None:
    # one random wrong or missing character (avoiding the 2-character keywords 决算, 三公, 总表,
    # 收支 whose loss changes the meaning) must not change the type
    rng = random.Random(20260101)
    core_titles = {strip_title_noise(t): ty for t, ty in ALL_TITLES}
    misses = []
    trials = 0
    for title, expected in core_titles.items():
        protected = {i for kw in ("决算", "三公", "总表", "收支", "收入", "支出", "上年结转", "本年预算")
                     for start in range(len(title)) if title.startswith(kw, start)
                     for i in range(start, start + len(kw))}
        for _ in range(5):
            noisy = _corrupt(title, rng)
            changed = next(i for i in range(len(title)) if i >= len(noisy) or noisy[i] != title[i])
            if changed in protected:
                continue
            trials += 1
            if classify_table_title(noisy) is not expected:
                misses.append((noisy, expected.value, classify_table_title(noisy).value))
    assert trials > 100
    assert len(misses) <= trials // 50, misses  # at most 2% misread


@pytest.mark.parametrize(
    ("title", "header", "expected"),
    [
        ("中共上海市普陀区委社会工作部 2024 年度部门决算表", "", T.other),
        ("", "", T.other),
        ("第三部分 2026年度部门预算情况说明", "", T.other),
        ("县(区)级预算部门(单位)整体支出绩效目标申报表", "", T.other),
        # narrative headings that name a table are not tables
        ("一、收支预算总表情况说明", "", T.other),
        ("九、政府采购情况", "", T.other),
        ("七、“三公”经费增减变动原因说明", "", T.other),
        ("七、财政拨款“三公”经费支出决算情况说明", "", T.other),
        ("第二部分 2026年部门预算报表", "", T.other),
        ("2026年度部门预算公开", "", T.other),
        # the header decides when the title names no table
        ("2024年度部门决算表", "项目 本年收入合计 财政拨款收入 上级补助收入 事业收入", T.final_revenue),
        ("表5", "一般公共预算支出 合计 基本支出 项目支出", T.general_public_budget_expenditure),
    ],
)
def test_title_with_header(title: str, header: str, expected: TableType) -> None:
    assert classify_table_title(title, header) is expected


def test_header_does_not_override_a_clear_title() -> None:
    title = "2026年预算收入总表"
    assert classify_table_title(title, "政府性基金 国有资本经营预算 三公") is T.revenue_summary


@pytest.mark.parametrize(
    ("title", "core"),
    [
        ("表五2026年一般公共预算支出预算表（不含上年结转）.....\t8", "一般公共预算支出预算表(不含上年结转)"),
        ("一、2017年度江苏省高级人民法院部门收支预算总表", "收支预算总表"),
        ("公开 09表 “三公”经费、会议费、培训费支出预算表", '"三公"经费、会议费、培训费支出预算表'),
        ("2025年部门一般公共预算基本支出部门预算经济分类预算表", "一般公共预算基本支出部门预算经济分类预算表"),
        ("表一一般公共预算支出预算表", "一般公共预算支出预算表"),  # 一 of 一般 is not the label's
        ("预算公开表12026年预算收支总表", "预算收支总表"),  # label number run into the year
    ],
)
def test_strip_title_noise(title: str, core: str) -> None:
    assert strip_title_noise(title) == core


# --- document kind ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("晋城经济技术开发区行政审批局\n2026年度部门预算公开\n目 录 … 部门预算构成主要为本级单位预算", DocumentKind.department_budget),
        ("上海市普陀区2025年区级部门预算\n预算主管部门：上海市普陀区财政局", DocumentKind.department_budget),
        ("中共上海市普陀区委\n社会工作部 2024 年度\n部门决算\n… 全年预算数 … 部门预算", DocumentKind.department_final_accounts),
        ("上海市 XX 局\n2024 年度部门决算", DocumentKind.department_final_accounts),
        ("2018 年度江苏省高级\n人民法院预算公开", DocumentKind.department_budget),  # no explicit marker
        ("XX学校2025年单位预算公开", DocumentKind.unit_budget),
        ("XX中心2024年度单位决算", DocumentKind.unit_final_accounts),
        ("2024年度决算公开", DocumentKind.department_final_accounts),
        ("关于印发山西省部门政府购买服务指导性目录的通知", None),
        ("", None),
    ],
)
def test_detect_document_kind(text: str, kind: DocumentKind | None) -> None:
    assert detect_document_kind(text) is kind


@pytest.mark.parametrize(
    ("file", "kind"),
    [
        ("shanghai-putuo-caizhengju-2025-budget.pdf", DocumentKind.department_budget),
        ("shanghai-putuo-shegongbu-2024-final-accounts.pdf", DocumentKind.department_final_accounts),
        ("shanghai-final-accounts-template-2024.pdf", DocumentKind.department_final_accounts),
        ("jiangsu-gaoyuan-2017-budget.pdf", DocumentKind.department_budget),
        ("jiangsu-gaoyuan-2018-budget.pdf", DocumentKind.department_budget),
        ("jiangsu-gaoyuan-2019-budget.pdf", DocumentKind.department_budget),
    ],
)
def test_detect_document_kind_real(file: str, kind: DocumentKind) -> None:
    text = _real_text(file)
    if text is None:
        pytest.skip(f"datasets/real/{file} not present")
    assert detect_document_kind(text) is kind


def test_detect_document_kind_seed() -> None:
    path = REPO / "datasets" / "seed" / "000_6835dc16bfc66720.txt"
    if not path.exists():
        pytest.skip("seed text not present")
    assert detect_document_kind(path.read_text(encoding="utf-8")) is DocumentKind.department_budget


# --- properties ---------------------------------------------------------------------------------

CORE_TITLES = sorted({(strip_title_noise(t), ty) for t, ty in ALL_TITLES})
LABELS = ["", "预算公开表3", "部门公开表9", "公开 05表", "表十二", "一、", "十一、", "附表2", "5．"]
YEARS = ["", "2026年", "2017年度", "2024 年度 "]
DEPARTMENTS = ["", "江苏省高级人民法院部门", "晋城经济技术开发区行政审批局部门", "中共上海市普陀区委社会工作部"]


@settings(max_examples=200)
@given(
    st.sampled_from(CORE_TITLES), st.sampled_from(LABELS), st.sampled_from(YEARS),
    st.sampled_from(DEPARTMENTS), st.data(),
)
def test_title_decorations_do_not_change_the_type(core: tuple[str, TableType], label: str, year: str,
                                                   department: str, data: st.DataObject) -> None:
    name, expected = core
    # a department before the year, or after it ending in 部门 (the two printed orders)
    if data.draw(st.booleans()) or not year:
        title = f"{label} {department}{year}{name}"
    else:
        title = f"{label} {year}{department}{name}"
    # wrapped or justified text: whitespace anywhere
    positions = data.draw(st.lists(st.integers(0, len(title)), max_size=4))
    for p in sorted(positions, reverse=True):
        title = title[:p] + data.draw(st.sampled_from([" ", "\n", "\u3000"])) + title[p:]
    assert classify_table_title(title) is expected, title
