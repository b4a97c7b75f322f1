#!/usr/bin/env python
"""Build ``seed_truth.json``: the hand-checked content truth of the seed disclosure.

The seed (``000_6835dc16bfc66720.txt`` next to this script; a copy of
``/work/shared/seeds/000_6835dc16bfc66720.txt``) is the text of a real 2026 Shanxi 部门预算公开 of
晋城经济技术开发区行政审批局: 13 tables as tab-separated rows, 6 performance cards, narrative.

This script *is* the transcription. Table body rows are copied verbatim from the seed (tab-separated
strings below; ``tests/datasets/test_seed_truth.py`` checks that every one occurs in the seed), the
header merges are written out by hand, and the cards and the narrative figures are hand-read. Every
amount is parsed from its printed text with :func:`budgetdoc.parsing.amounts.parse_amount`, so the
scale is kept ("21.30" stays ``Decimal("21.30")``); every 指标值 is kept as printed and parsed with
:func:`budgetdoc.parsing.indicators.parse_indicator_value`.

No pages or boxes: this is the content truth; the renderer adds geometry later.

Run ``python datasets/seed/build_seed_truth.py`` (``--check`` compares with the committed JSON
instead of writing it). The output is deterministic: rerunning gives the same bytes.

Reading decisions (the seed's text rendering loses some cell structure; each is a judgement call):

* A space between two CJK characters inside a table cell is a line wrap in a narrow printed cell
  ("财政专户管理 资金", "国有资本经营预 算", "金匠工业园区北区区域水资源论证 评估经费"); the cell text is
  stored without it (:func:`unwrap`). Narrative text keeps its printed spaces.
* Body rows are never merged: the text rendering cannot tell a 合计 cell spanning 科目编码+科目名称
  from a 合计 cell next to an empty one, so body rows are one cell per grid slot. Header merges are
  reconstructed from the header layout (the brief's reading of the tab structure).
* 表九 (国有资本经营预算收支预算表): the first header row prints 国有资本经营预算支出 one tab after
  国有资本经营预算收入, but the revenue side has three columns (收入科目编码, 科目名称,
  国有资本经营收入预算), so the revenue group spans cols 0-2 and the expenditure group cols 3-7.
  Its single printed 合计 row is the total row of both sides: one revenue and one expenditure
  ItemRow, both labelled 合计.
* 表十二/十三: the "1 2 3 4 5 6 7" numbering row is a header row (cells ``column_header=True``) but
  it is left out of ``ColumnSpec.header`` (it numbers the columns; it does not name them).
* 收支总表/财政拨款收支总表: a printed row gives one ItemRow per side that prints a label; the blank
  revenue half of rows 6-30 gives none. The page break inside 表一 and 表四 is ignored.
* Card indicator rows: merged 一级/二级指标 cells are carried down. Where the text rendering shifts a
  row's cells one column left (``\\t成本指标\\t项目总成本\\t<55万元\\t成本指标…``), the shift is undone
  so that both blocks stay aligned: 成本指标 and 时效指标 in those rows are 二级指标 under 产出指标,
  as in every other row of the same cards. The individual ambiguities are listed at each card.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from decimal import Decimal
from pathlib import Path

from budgetdoc.model import (
    CardField,
    CardType,
    Column,
    ColumnSpec,
    DisclosureDocument,
    DocumentKind,
    EconomicRow,
    FundLine,
    IndicatorRow,
    IndicatorScope,
    ItemRow,
    KeyTask,
    NarrativeSection,
    PerformanceCard,
    ProjectRow,
    SourceFile,
    StatedFigure,
    SubjectLevel,
    SubjectRow,
    Table,
    TableCell,
    TableType,
    Unit,
)
from budgetdoc.model.io import document_to_json, dump_document
from budgetdoc.parsing.amounts import parse_amount
from budgetdoc.parsing.indicators import parse_indicator_value

HERE = Path(__file__).resolve().parent
SEED_NAME = "000_6835dc16bfc66720.txt"
SEED_PATH = HERE / SEED_NAME
#: Where the JSON records the seed: the copy in this folder, relative to the repository root.
SEED_REL_PATH = f"datasets/seed/{SEED_NAME}"
OUTPUT = HERE / "seed_truth.json"

DEPARTMENT = "晋城经济技术开发区行政审批局"
DEPARTMENT_CODE = "608"
YEAR = 2026

_CJK = r"[\u4e00-\u9fff（）]"
_WRAP_RE = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def unwrap(text: str) -> str:
    """Drop a line wrap inside a narrow table cell: "财政专户管理 资金" -> "财政专户管理资金"."""
    return _WRAP_RE.sub("", text)


def amount(text: str) -> Decimal | None:
    """A printed amount exactly as printed (scale kept); None for a blank cell."""
    value = parse_amount(text)
    if value is None and text.strip():
        raise ValueError(f"not an amount: {text!r}")
    return value


# ==================================================================================================
# tables: the printed body rows, verbatim from the seed (tab-separated, one string per printed row)
# ==================================================================================================

T01_BODY = """\
一、一般公共预算\t389.23\t一、一般公共服务支出\t326.40\t326.40\t
二、政府性基金预算\t\t二、外交支出\t\t\t
三、国有资本经营预算\t\t三、国防支出\t\t\t
四、财政专户管理资金\t\t四、公共安全支出\t\t\t
五、单位资金\t\t五、教育支出\t\t\t
\t\t六、科学技术支出\t\t\t
\t\t七、文化旅游体育与传媒支出\t\t\t
\t\t八、社会保障和就业支出\t29.66\t29.66\t
\t\t九、社会保险基金支出\t\t\t
\t\t十、卫生健康支出\t11.87\t11.87\t
\t\t十一、节能环保支出\t\t\t
\t\t十二、城乡社区支出\t\t\t
\t\t十三、农林水支出\t\t\t
\t\t十四、交通运输支出\t\t\t
\t\t十五、资源勘探工业信息等支出\t\t\t
\t\t十六、商业服务业等支出\t\t\t
\t\t十七、金融支出\t\t\t
\t\t十八、援助其他地区支出\t\t\t
\t\t十九、自然资源海洋气象等支出\t\t\t
\t\t二十、住房保障支出\t21.30\t21.30\t
\t\t二十一、粮油物资储备支出\t\t\t
\t\t二十二、国有资本经营预算支出\t\t\t
\t\t二十三、灾害防治及应急管理支出\t\t\t
\t\t二十四、预备费\t\t\t
\t\t二十五、其他支出\t\t\t
\t\t二十六、转移性支出\t\t\t
\t\t二十七、债务还本支出\t\t\t
\t\t二十八、债务付息支出\t\t\t
\t\t二十九、债务发行费用支出\t\t\t
\t\t三十、抗疫特别国债安排的支出\t\t\t
本年收入合计\t389.23\t本年支出合计\t389.23\t389.23\t
上年结转\t\t年终结转\t\t\t
收入总计\t389.23\t支出总计\t389.23\t389.23\t
"""

T02_BODY = """\
合计\t\t389.23\t389.23\t\t\t\t\t
201\t一般公共服务支出\t326.40\t326.40\t\t\t\t\t
20103\t政府办公厅（室）及相关机构事务\t326.40\t326.40\t\t\t\t\t
2010350\t事业运行\t137.31\t137.31\t\t\t\t\t
2010399\t其他政府办公厅（室）及相关机构事务支出\t189.09\t189.09\t\t\t\t\t
208\t社会保障和就业支出\t29.66\t29.66\t\t\t\t\t
20805\t行政事业单位养老支出\t29.66\t29.66\t\t\t\t\t
2080502\t事业单位离退休\t2.57\t2.57\t\t\t\t\t
2080505\t机关事业单位基本养老保险缴费支出\t18.06\t18.06\t\t\t\t\t
2080506\t机关事业单位职业年金缴费支出\t9.03\t9.03\t\t\t\t\t
210\t卫生健康支出\t11.87\t11.87\t\t\t\t\t
21011\t行政事业单位医疗\t11.87\t11.87\t\t\t\t\t
2101102\t事业单位医疗\t8.12\t8.12\t\t\t\t\t
2101103\t公务员医疗补助\t3.75\t3.75\t\t\t\t\t
221\t住房保障支出\t21.30\t21.30\t\t\t\t\t
22102\t住房改革支出\t21.30\t21.30\t\t\t\t\t
2210201\t住房公积金\t21.30\t21.30\t\t\t\t\t
"""

T03_BODY = """\
合计\t\t389.23\t200.14\t189.09
201\t一般公共服务支出\t326.40\t137.31\t189.09
20103\t政府办公厅（室）及相关机构事务\t326.40\t137.31\t189.09
2010350\t事业运行\t137.31\t137.31\t
2010399\t其他政府办公厅（室）及相关机构事务支出\t189.09\t\t189.09
208\t社会保障和就业支出\t29.66\t29.66\t
20805\t行政事业单位养老支出\t29.66\t29.66\t
2080502\t事业单位离退休\t2.57\t2.57\t
2080505\t机关事业单位基本养老保险缴费支出\t18.06\t18.06\t
2080506\t机关事业单位职业年金缴费支出\t9.03\t9.03\t
210\t卫生健康支出\t11.87\t11.87\t
21011\t行政事业单位医疗\t11.87\t11.87\t
2101102\t事业单位医疗\t8.12\t8.12\t
2101103\t公务员医疗补助\t3.75\t3.75\t
221\t住房保障支出\t21.30\t21.30\t
22102\t住房改革支出\t21.30\t21.30\t
2210201\t住房公积金\t21.30\t21.30\t
"""

T04_BODY = """\
一、一般公共预算\t389.23\t一、一般公共服务支出\t326.40\t326.40\t\t
二、政府性基金预算\t\t二、外交支出\t\t\t\t
三、国有资本经营预算\t\t三、国防支出\t\t\t\t
\t\t四、公共安全支出\t\t\t\t
\t\t五、教育支出\t\t\t\t
\t\t六、科学技术支出\t\t\t\t
\t\t七、文化旅游体育与传媒支出\t\t\t\t
\t\t八、社会保障和就业支出\t29.66\t29.66\t\t
\t\t九、社会保险基金支出\t\t\t\t
\t\t十、卫生健康支出\t11.87\t11.87\t\t
\t\t十一、节能环保支出\t\t\t\t
\t\t十二、城乡社区支出\t\t\t\t
\t\t十三、农林水支出\t\t\t\t
\t\t十四、交通运输支出\t\t\t\t
\t\t十五、资源勘探工业信息等支出\t\t\t\t
\t\t十六、商业服务业等支出\t\t\t\t
\t\t十七、金融支出\t\t\t\t
\t\t十八、援助其他地区支出\t\t\t\t
\t\t十九、自然资源海洋气象等支出\t\t\t\t
\t\t二十、住房保障支出\t21.30\t21.30\t\t
\t\t二十一、粮油物资储备支出\t\t\t\t
\t\t二十二、国有资本经营预算支出\t\t\t\t
\t\t二十三、灾害防治及应急管理支出\t\t\t\t
\t\t二十四、预备费\t\t\t\t
\t\t二十五、其他支出\t\t\t\t
\t\t二十六、转移性支出\t\t\t\t
\t\t二十七、债务还本支出\t\t\t\t
\t\t二十八、债务付息支出\t\t\t\t
\t\t二十九、债务发行费用支出\t\t\t\t
\t\t三十、抗疫特别国债安排的支出\t\t\t\t
本年收入合计\t389.23\t本年支出合计\t389.23\t389.23\t\t
上年财政拨款结转\t\t年终结转\t\t\t\t
一、一般公共预算\t\t\t\t\t\t
二、政府性基金预算\t\t\t\t\t\t
三、国有资本经营预算\t\t\t\t\t\t
收入总计\t389.23\t支出总计\t389.23\t389.23\t\t
"""

T05_BODY = """\
合计\t\t389.23\t200.14\t189.09
201\t一般公共服务支出\t326.40\t137.31\t189.09
20103\t政府办公厅（室）及相关机构事务\t326.40\t137.31\t189.09
2010350\t事业运行\t137.31\t137.31\t
2010399\t其他政府办公厅（室）及相关机构事务支出\t189.09\t\t189.09
208\t社会保障和就业支出\t29.66\t29.66\t
20805\t行政事业单位养老支出\t29.66\t29.66\t
2080502\t事业单位离退休\t2.57\t2.57\t
2080505\t机关事业单位基本养老保险缴费支出\t18.06\t18.06\t
2080506\t机关事业单位职业年金缴费支出\t9.03\t9.03\t
210\t卫生健康支出\t11.87\t11.87\t
21011\t行政事业单位医疗\t11.87\t11.87\t
2101102\t事业单位医疗\t8.12\t8.12\t
2101103\t公务员医疗补助\t3.75\t3.75\t
221\t住房保障支出\t21.30\t21.30\t
22102\t住房改革支出\t21.30\t21.30\t
2210201\t住房公积金\t21.30\t21.30\t
"""

T06_BODY = """\
合计\t\t200.14\t185.20\t14.95
工资福利支出\t\t182.63\t182.63\t
基本工资\t工资福利支出\t45.57\t45.57\t
津贴补贴\t工资福利支出\t4.74\t4.74\t
绩效工资\t工资福利支出\t65.91\t65.91\t
机关事业单位基本养老保险缴费\t工资福利支出\t18.06\t18.06\t
职业年金缴费\t工资福利支出\t9.03\t9.03\t
职工基本医疗保险缴费\t工资福利支出\t8.12\t8.12\t
公务员医疗补助缴费\t工资福利支出\t3.75\t3.75\t
其他社会保障缴费\t工资福利支出\t0.50\t0.50\t
住房公积金\t工资福利支出\t21.30\t21.30\t
其他工资福利支出\t工资福利支出\t5.64\t5.64\t
商品和服务支出\t\t14.95\t\t14.95
办公费\t商品和服务支出\t6.35\t\t6.35
印刷费\t商品和服务支出\t0.50\t\t0.50
差旅费\t商品和服务支出\t3.00\t\t3.00
委托业务费\t商品和服务支出\t3.60\t\t3.60
其他交通费用\t商品和服务支出\t1.50\t\t1.50
对个人和家庭的补助\t\t2.57\t2.57\t
退休费\t离退休费\t2.57\t2.57\t
"""

T12_BODY = """\
晋城经济技术开发区行政审批局\t189.09\t189.09\t\t\t\t
晋城经济技术开发区行政审批局\t189.09\t189.09\t\t\t\t
开发区行政审批局专项业务费\t29.72\t29.72\t\t\t\t
政府统一服务经费\t100.00\t100.00\t\t\t\t
审批事项办理工作经费\t29.07\t29.07\t\t\t\t
开发区主城区区域评估经费\t3.30\t3.30\t\t\t\t
金匠工业园区北区区域水资源论证 评估经费\t27.00\t27.00\t\t\t\t
"""
T07_BODY = """\
合计\t\t
"""

T08_BODY = """\
合计\t\t\t\t
"""

T09_BODY = """\
合计\t\t\t\t\t\t\t
"""

T10_BODY = """\
因公出国（境）费\t\t\t\t
公务接待费\t\t\t\t
公务用车购置及运行费\t\t\t\t
①公务用车购置费\t\t\t\t
②公务用车运行维护费\t\t\t\t
合计\t\t\t\t
"""

T11_BODY = """\
部门合计\t\t\t\t
"""

T13_BODY = ""

#: Notes printed under the tables.
NOTE_ROUNDING = "注：本套报表因取数时四舍五入，部分金额可能存在尾差"
NOTE_EMPTY = "注：本表无数据"

# ==================================================================================================
# table layout: header cells (row, col, printed text, row_span, col_span) and column meanings
# ==================================================================================================

C = Column
REV, EXP = "revenue", "expenditure"

# column meaning: (canonical Column or None, role, side)
SUBJECT_CODE = (None, "subject_code", None)
SUBJECT_NAME = (None, "subject_name", None)


def amt(column: Column, side: str | None = None) -> tuple[Column, str, str | None]:
    return (column, "amount", side)


def numbering(n: int, row: int) -> list[tuple[int, int, str, int, int]]:
    """The "1 2 3 …" column-numbering header row."""
    return [(row, k, str(k + 1), 1, 1) for k in range(n)]


def h(row: int, col: int, text: str, rs: int = 1, cs: int = 1) -> tuple[int, int, str, int, int]:
    return (row, col, text, rs, cs)


FUNCTION_3COL_HEADER = [  # 支出总表, 一般公共预算支出表: 项目 | 2026年预算数 over 合计/基本支出/项目支出
    h(0, 0, "项目", 1, 2), h(0, 2, "2026年预算数", 1, 3),
    h(1, 0, "科目编码"), h(1, 1, "科目名称"), h(1, 2, "合计"), h(1, 3, "基本支出"), h(1, 4, "项目支出"),
]
FUNCTION_3COL_COLUMNS = [SUBJECT_CODE, SUBJECT_NAME, amt(C.total), amt(C.basic_expenditure),
                         amt(C.project_expenditure)]

#: One entry per table, in printed order. ``rows`` says how the body rows are typed.
TABLE_SPECS: list[dict] = [
    dict(
        id="t01", label="预算公开表1", title="2026年预算收支总表",
        table_type=TableType.revenue_expenditure_summary, num_cols=6, header_rows=2,
        header=[
            h(0, 0, "收入", 1, 2), h(0, 2, "支出", 1, 4),
            h(1, 0, "项目"), h(1, 1, "2026年"), h(1, 2, "项目"), h(1, 3, "2026年合计"),
            h(1, 4, "当年预算安排"), h(1, 5, "上年结转安排"),
        ],
        columns=[(None, "item", REV), amt(C.total, REV), (None, "item", EXP), amt(C.total, EXP),
                 amt(C.current_year, EXP), amt(C.carryover, EXP)],
        body=T01_BODY, rows="two_sided", notes=[NOTE_ROUNDING],
    ),
    dict(
        id="t02", label="预算公开表2", title="2026年预算收入总表",
        table_type=TableType.revenue_summary, num_cols=9, header_rows=2,
        header=[
            h(0, 0, "项目", 1, 2), h(0, 2, "本年收入", 1, 6), h(0, 8, "上年结转", 2, 1),
            h(1, 0, "科目编码"), h(1, 1, "科目名称"), h(1, 2, "合计"), h(1, 3, "一般公共预算"),
            h(1, 4, "政府性基金"), h(1, 5, "国有资本经营预算"), h(1, 6, "财政专户管理资金"), h(1, 7, "单位资金"),
        ],
        # 合计 here is 本年收入's 合计 (上年结转 is a column of its own beside 本年收入)
        columns=[SUBJECT_CODE, SUBJECT_NAME, amt(C.total), amt(C.general_public_budget),
                 amt(C.government_fund), amt(C.state_capital), amt(C.special_account), amt(C.unit_funds),
                 amt(C.carryover)],
        body=T02_BODY, rows="subject",
    ),
    dict(
        id="t03", label=None, title="2026年预算支出总表",
        table_type=TableType.expenditure_summary, num_cols=5, header_rows=2,
        header=FUNCTION_3COL_HEADER, columns=FUNCTION_3COL_COLUMNS, body=T03_BODY, rows="subject",
    ),
    dict(
        id="t04", label=None, title="2026年财政拨款收支总表",
        table_type=TableType.fiscal_appropriation_summary, num_cols=7, header_rows=3,
        header=[
            h(0, 0, "收入", 1, 2), h(0, 2, "支出", 1, 5),
            h(1, 0, "项目", 2, 1), h(1, 1, "金额", 2, 1), h(1, 2, "项目", 2, 1), h(1, 3, "金额", 1, 4),
            h(2, 3, "小计"), h(2, 4, "一般公共预算"), h(2, 5, "政府性基金预算"), h(2, 6, "国有资本经营预算"),
        ],
        columns=[(None, "item", REV), amt(C.total, REV), (None, "item", EXP), amt(C.total, EXP),
                 amt(C.general_public_budget, EXP), amt(C.government_fund, EXP), amt(C.state_capital, EXP)],
        body=T04_BODY, rows="two_sided",
    ),
    dict(
        id="t05", label=None, title="2026年一般公共预算支出预算表（不含上年结转）",
        table_type=TableType.general_public_budget_expenditure, num_cols=5, header_rows=2,
        header=FUNCTION_3COL_HEADER, columns=FUNCTION_3COL_COLUMNS, body=T05_BODY, rows="subject",
    ),
    dict(
        id="t06", label=None, title="2026年一般公共预算安排基本支出分经济科目表（不含上年结转）",
        table_type=TableType.general_public_budget_basic_economic, num_cols=5, header_rows=2,
        header=[
            h(0, 0, "部门预算支出经济科目名称", 2, 1), h(0, 1, "政府预算支出经济科目名称", 2, 1),
            h(0, 2, "2026年预算数", 1, 3), h(1, 2, "合计"), h(1, 3, "人员经费"), h(1, 4, "公用经费"),
        ],
        columns=[(None, "economic_name", None), (None, "government_economic_name", None), amt(C.total),
                 amt(C.personnel), amt(C.public_funds)],
        body=T06_BODY, rows="economic",
    ),
    dict(
        id="t07", label=None, title="2026年政府性基金预算收入表（不含上年结转）",
        table_type=TableType.government_fund_revenue, num_cols=3, header_rows=2,
        header=[h(0, 0, "项目", 1, 2), h(0, 2, "政府性基金收入预算", 2, 1),
                h(1, 0, "收入科目编码"), h(1, 1, "科目名称")],
        columns=[SUBJECT_CODE, SUBJECT_NAME, amt(C.total)],
        body=T07_BODY, rows="subject", is_empty=True, notes=[NOTE_EMPTY],
    ),
    dict(
        id="t08", label=None, title="2026年政府性基金预算支出表（不含上年结转）",
        table_type=TableType.government_fund_expenditure, num_cols=5, header_rows=1,
        header=[h(0, 0, "科目编码"), h(0, 1, "科目名称"), h(0, 2, "合计"), h(0, 3, "基本支出"), h(0, 4, "项目支出")],
        columns=FUNCTION_3COL_COLUMNS, body=T08_BODY, rows="subject", is_empty=True, notes=[NOTE_EMPTY],
    ),
    dict(
        id="t09", label="部门公开表9", title="2026年国有资本经营预算收支预算表（不含上年结转）",
        table_type=TableType.state_capital_operation, num_cols=8, header_rows=3,
        header=[
            # ambiguity: the rendering puts 国有资本经营预算支出 at col 2; the revenue side has 3 columns
            h(0, 0, "国有资本经营预算收入", 1, 3), h(0, 3, "国有资本经营预算支出", 1, 5),
            h(1, 0, "项目", 1, 2), h(1, 2, "国有资本经营收入预算", 2, 1), h(1, 3, "科目编码", 2, 1),
            h(1, 4, "科目名称", 2, 1), h(1, 5, "合计", 2, 1), h(1, 6, "基本支出", 2, 1), h(1, 7, "项目支出", 2, 1),
            h(2, 0, "收入科目编码"), h(2, 1, "科目名称"),
        ],
        columns=[(None, "subject_code", REV), (None, "subject_name", REV), amt(C.total, REV),
                 (None, "subject_code", EXP), (None, "subject_name", EXP), amt(C.total, EXP),
                 amt(C.basic_expenditure, EXP), amt(C.project_expenditure, EXP)],
        body=T09_BODY, rows="state_capital", is_empty=True, notes=[NOTE_EMPTY],
    ),
    dict(
        id="t10", label="预算公开表10", title="2026年财政拨款安排“三公”经费支出预算表",
        table_type=TableType.three_public_expenses, num_cols=5, header_rows=2,
        header=[h(0, 0, "项目", 2, 1), h(0, 1, "2026年预算数", 1, 4), h(1, 1, "合计"), h(1, 2, "一般公共预算"),
                h(1, 3, "政府性基金预算"), h(1, 4, "国有资本经营预算")],
        columns=[(None, "item", None), amt(C.total), amt(C.general_public_budget), amt(C.government_fund),
                 amt(C.state_capital)],
        body=T10_BODY, rows="items", is_empty=True, notes=[NOTE_EMPTY],
    ),
    dict(
        id="t11", label=None, title="2026年财政拨款安排机关运行经费预算表",
        table_type=TableType.agency_operating_expenses, num_cols=5, header_rows=2,
        header=[h(0, 0, "单位名称", 2, 1), h(0, 1, "2026预算数", 1, 4), h(1, 1, "合计"), h(1, 2, "一般公共预算"),
                h(1, 3, "政府性基金预算"), h(1, 4, "国有资本经营预算")],
        columns=[(None, "unit_name", None), amt(C.total), amt(C.general_public_budget), amt(C.government_fund),
                 amt(C.state_capital)],
        body=T11_BODY, rows="items", is_empty=True, notes=[NOTE_EMPTY],
    ),
    dict(
        id="t12", label=None, title="2026年项目支出预算表（本年预算）",
        table_type=TableType.project_expenditure, num_cols=7, header_rows=3, numbering_row=2,
        header=[
            h(0, 0, "项目名称", 2, 1), h(0, 1, "合计", 2, 1), h(0, 2, "2026年财政拨款", 1, 3),
            h(0, 5, "财政专户管理 资金", 2, 1), h(0, 6, "单位资金", 2, 1),
            h(1, 2, "一般公共预算"), h(1, 3, "政府性基金 预算"), h(1, 4, "国有资本经营预 算"),
            *numbering(7, 2),
        ],
        columns=[(None, "project_name", None), amt(C.total), amt(C.general_public_budget),
                 amt(C.government_fund), amt(C.state_capital), amt(C.special_account), amt(C.unit_funds)],
        # the seed prints the department name twice: the department row, then its (only) unit
        body=T12_BODY, rows="project", project_levels=["department", "unit"],
    ),
    dict(
        id="t13", label=None, title="2026年项目支出预算表（上年结转）",
        table_type=TableType.project_expenditure_carryover, num_cols=5, header_rows=3, numbering_row=2,
        header=[
            h(0, 0, "项目名称", 2, 1), h(0, 1, "合计", 2, 1), h(0, 2, "2026年财政拨款", 1, 3),
            h(1, 2, "一般公共预算"), h(1, 3, "政府性基金 预算"), h(1, 4, "国有资本 经营预算"),
            *numbering(5, 2),
        ],
        columns=[(None, "project_name", None), amt(C.total), amt(C.general_public_budget),
                 amt(C.government_fund), amt(C.state_capital)],
        body=T13_BODY, rows="project", is_empty=True, notes=[NOTE_EMPTY],
    ),
]

#: Labels of the total lines of the two-sided tables.
TOTAL_LABELS = {"本年收入合计", "本年支出合计", "收入总计", "支出总计", "合计", "部门合计"}


def body_lines(body: str) -> list[str]:
    return body.splitlines()


def _build_cells(spec: dict) -> tuple[list[TableCell], list[list[str]]]:
    ncols, nhead = spec["num_cols"], spec["header_rows"]
    cells: list[TableCell] = []
    covered: set[tuple[int, int]] = set()
    for row, col, text, rs, cs in spec["header"]:
        cells.append(TableCell(text=unwrap(text), row=row, col=col, row_span=rs, col_span=cs, column_header=True))
        covered.update((r, k) for r in range(row, row + rs) for k in range(col, col + cs))
    for r in range(nhead):  # header slots left blank by the merges above (none in the seed) get empty cells
        for k in range(ncols):
            if (r, k) not in covered:
                cells.append(TableCell(text="", row=r, col=k, column_header=True))
    body: list[list[str]] = []
    for i, line in enumerate(body_lines(spec["body"])):
        texts = [unwrap(t) for t in line.split("\t")]
        if len(texts) != ncols:
            raise ValueError(f"{spec['id']}: body row {i} has {len(texts)} cells, expected {ncols}: {line!r}")
        body.append(texts)
        for k, t in enumerate(texts):
            cells.append(TableCell(text=t, row=nhead + i, col=k))
    cells.sort(key=lambda c: (c.row, c.col))
    return cells, body


def _column_specs(spec: dict, cells: list[TableCell]) -> list[ColumnSpec]:
    skip = spec.get("numbering_row")
    out = []
    for k, (column, role, side) in enumerate(spec["columns"]):
        path = [c.text for c in cells
                if c.column_header and c.row != skip and c.col <= k < c.col_end and c.text]
        out.append(ColumnSpec(index=k, header=path, column=column, role=role, side=side))
    if len(out) != spec["num_cols"]:
        raise ValueError(f"{spec['id']}: {len(out)} column specs for {spec['num_cols']} columns")
    return out


def _amounts(texts: list[str], columns: list[ColumnSpec], side: str | None = None) -> dict:
    return {c.column: amount(texts[c.index]) for c in columns
            if c.column is not None and (side is None or c.side == side)}


def _label_col(columns: list[ColumnSpec], side: str | None) -> int:
    return next(c.index for c in columns if c.side == side and c.role in ("item", "unit_name", "subject_name"))


def _typed_rows(spec: dict, columns: list[ColumnSpec], body: list[list[str]]) -> list:
    nhead, kind = spec["header_rows"], spec["rows"]
    rows: list = []
    for i, texts in enumerate(body):
        g = nhead + i
        if kind == "subject":
            first = texts[0]
            if first == "合计":
                rows.append(SubjectRow(grid_row=g, subject_name="合计", is_total=True,
                                       amounts=_amounts(texts, columns)))
            else:
                level = {3: SubjectLevel.lei, 5: SubjectLevel.kuan, 7: SubjectLevel.xiang}[len(first)]
                rows.append(SubjectRow(grid_row=g, subject_code=first, subject_level=level,
                                       subject_name=texts[1], amounts=_amounts(texts, columns)))
        elif kind == "economic":
            name, gov = texts[0], texts[1]
            total = name == "合计"
            rows.append(EconomicRow(
                grid_row=g, economic_name=name, is_total=total,
                # codes are not printed; group rows (no 政府预算经济科目) are 类, the rest 款
                economic_level=None if total else (SubjectLevel.kuan if gov else SubjectLevel.lei),
                government_economic_name=gov or None, amounts=_amounts(texts, columns)))
        elif kind == "two_sided":
            for side in (REV, EXP):
                label = texts[_label_col(columns, side)]
                if label:
                    rows.append(ItemRow(grid_row=g, side=side, label=label, is_total=label in TOTAL_LABELS,
                                        amounts=_amounts(texts, columns, side)))
        elif kind == "state_capital":
            # one printed 合计 row, the total row of both sides (see the module docstring)
            if texts[0] != "合计" or any(texts[1:]):
                raise ValueError(f"{spec['id']}: unexpected row {texts}")
            for side in (REV, EXP):
                rows.append(ItemRow(grid_row=g, side=side, label="合计", is_total=True,
                                    amounts=_amounts(texts, columns, side)))
        elif kind == "items":
            label = texts[0]
            rows.append(ItemRow(grid_row=g, label=label, is_total=label in TOTAL_LABELS,
                                amounts=_amounts(texts, columns)))
        elif kind == "project":
            levels = spec.get("project_levels", [])
            level = levels[i] if i < len(levels) else "project"
            rows.append(ProjectRow(grid_row=g, project_name=texts[0], level=level,
                                   amounts=_amounts(texts, columns)))
        else:
            raise ValueError(kind)
    return rows


def build_table(spec: dict) -> Table:
    cells, body = _build_cells(spec)
    columns = _column_specs(spec, cells)
    return Table(
        id=spec["id"], title=spec["title"], table_type=spec["table_type"], label=spec["label"],
        department=DEPARTMENT, unit=Unit.ten_thousand_yuan,
        num_rows=spec["header_rows"] + len(body), num_cols=spec["num_cols"], header_rows=spec["header_rows"],
        cells=cells, columns=columns, rows=_typed_rows(spec, columns, body),
        is_empty=spec.get("is_empty", False), notes=list(spec.get("notes", [])),
    )


def build_tables() -> list[Table]:
    return [build_table(s) for s in TABLE_SPECS]


# ==================================================================================================
# performance cards
# ==================================================================================================
#
# Indicator blocks: one line per printed 三级指标 row, "一级指标|二级指标|三级指标|指标值"; an empty
# 一级/二级 field carries the merged cell down from the row above. A level row with nothing under it
# (经济效益, 生态效益, 可持续影响) is a line with empty 三级指标 and 指标值.

DEPARTMENT_CARD_TITLE = "县(区)级预算部门(单位)整体支出绩效目标申报表"
PROJECT_CARD_TITLE = "晋城经济技术开发区县(区)级预算部门(单位)项目支出绩效目标表"

# c01, 年度绩效指标 (seed lines 452-486). Ambiguities:
# * 中介超市维护费(按年) ≤2.5万元 is printed in the 时效指标 block (between 审批工作及时性 and the row
#   where 成本指标 starts); transcribed there, although it reads as a cost indicator.
# * From 工商注册档案整理标准 on, the rendering shifts cells left (page break): these rows are read as
#   further 成本指标 lines; "效益指标\t经济效益指标" and "生态效益指标" likewise.
C01_INDICATORS = """\
产出指标|数量指标|窗口业务受理工作完成率|100%
||编制报告数量|≥4个
||评审项目数量|≥5个
||可服务经开区行政审批窗口代办事项|58项
||可服务经开区招商引资项目、投资建设项目、工业类用地项目全生命周期审批事项|98项
||软件系统运维数量|1套
|质量指标|评估报告通过专家评审率|100%
||人员经费保障率|100%
||评审报告合格率|100%
||评审报告使用性|100%
||资金管理规范性|规范
||政府采购规范性|规范
||中介超市运行稳定率|≥98%
||工资及补助发放时间|每月
|时效指标|窗口业务办理及时性|及时
||审批工作及时性|及时
||中介超市维护费(按年)|≤2.5万元
|成本指标|免费刻公章费用标准|≤96元/套
||工商注册档案整理标准|≤5.8元/份
||消防设计审查收费标准|1.0元/平方米
||消防验收备案抽查标准|0.9元/平方米
||水土保持技术审查费|≤1.5万元/项
||节能技术审查费|≤1.5万元/项
||排污评审成本|≤3000元/项
||环评技术审查费|≤2万元/项
||协助窗口业务受理工作费用(按年)|≤27.22万元
效益指标|经济效益指标||
|社会效益指标|减轻企业负担|减轻
||提高项目审批时效|提高
||优化营商环境|优化
|生态效益指标||
|可持续影响指标||
满意度指标|服务对象满意度指标|项目单位满意度|满意
||单位工作人员满意度|满意
"""

# c02 金匠工业园区北区区域水资源论证评估经费 (seed lines 508-521): both blocks print the same rows.
# Ambiguities: "\t成本指标\t项目总成本\t<55万元…" is shifted one column left (成本指标 read as 二级指标
# under 产出指标, as in the annual block's own 二级指标 column); "节约社会资源\t\t\t节约…" is read as a
# third 社会效益 line; "满意度指标\t服务对象满意度…" is shifted left too.
C02_PERIOD = """\
产出指标|数量指标|评估面积|9.84平方千米
||金匠工业园区北区区域水资源论证评估完成率|100%
|质量指标|评估报告通过专家评审率|100%
|时效指标|报告通过批复时间|2027年12月底前
||报告编制完成时间|2026年12月底前
|成本指标|项目总成本|<55万元
效益指标|经济效益||
|社会效益|减轻企业负担|减轻
||提高审批效率|提高
||节约社会资源|节约
|生态效益||
|可持续影响||
满意度指标|服务对象满意度|入驻企业满意度|>90%
"""
C02_ANNUAL = C02_PERIOD

# c03 开发区行政审批局专项业务费 (seed lines 543-556). The blocks differ:
# * 质量指标: the annual block lists 中介超市运行稳定率 before 窗口业务受理工作办结率.
# * 成本指标: the annual block lists 协助窗口业务受理工作费用(按年) first, and prints it ≤27.22万元 where the
#   period block prints ≤27.2万元 (both transcribed as printed).
# * 效益指标 rows (lines 552-553) are garbled by the rendering:
#     "\t效益指标\t经济效益\t\t经济效益\t\t社会效益\t保障窗口业务工作的正常开展"
#     "社会效益\t\t提升政务服务水平\t提升\t社会效益\t保障窗口业务工作的正常开展\t保障\t"
#   Read as: both blocks have an empty 经济效益 row; the period block's 社会效益 is 提升政务服务水平 = 提升,
#   the annual block's 社会效益 is 保障窗口业务工作的正常开展 = 保障 (the tail of line 552 is taken as the
#   same annual 社会效益 cell spilling onto the 经济效益 line, not as a second indicator without a value).
# * 时效指标 and 成本指标 rows are shifted one column left (read as 二级指标 under 产出指标).
C03_PERIOD = """\
产出指标|数量指标|软件系统运维数量|1套
||窗口业务受理工作完成率|100%
|质量指标|窗口业务受理工作办结率|≥95%
||中介超市运行稳定率|≥98%
||中介超市维护时间|24小时应急响应
|时效指标|窗口业务办理及时性|及时
|成本指标|中介超市维护费(按年)|<2.5万元
||协助窗口业务受理工作费用(按年)|≤27.2万元
效益指标|经济效益||
|社会效益|提升政务服务水平|提升
|生态效益||
|可持续影响||
满意度指标|服务对象满意度|办事群众满意度|≥90%
"""
C03_ANNUAL = """\
产出指标|数量指标|软件系统运维数量|1套
||窗口业务受理工作完成率|100%
|质量指标|中介超市运行稳定率|≥98%
||窗口业务受理工作办结率|≥95%
||中介超市维护时间|24小时应急响应
|时效指标|窗口业务办理及时性|及时
|成本指标|协助窗口业务受理工作费用(按年)|≤27.22万元
||中介超市维护费(按年)|<2.5万元
效益指标|经济效益||
|社会效益|保障窗口业务工作的正常开展|保障
|生态效益||
|可持续影响||
满意度指标|服务对象满意度|办事群众满意度|≥90%
"""

# c04 开发区主城区区域评估经费 (seed lines 578-589): both blocks print the same rows; no 经济效益 row.
# Its 成本指标 row is shifted left as in c02. 入住企业满意度 (not 入驻) as printed.
C04_PERIOD = """\
产出指标|数量指标|评估报告完成率|100%
||评估面积|约4平方公里
|质量指标|评估报告通过专家评审率|100%
|时效指标|尾款支付时间|2026年4季度
|成本指标|项目尾款|3.3万元
效益指标|社会效益|减轻企业负担|减轻
||提高审批效率|提高
||节约社会资源|节约
|生态效益||
|可持续影响||
满意度指标|服务对象满意度|入住企业满意度|≥90%
"""
C04_ANNUAL = C04_PERIOD

# c05 政府统一服务经费 (seed lines 611-630): both blocks print the same rows. No indicator header row
# is printed; the 绩效指标 label is split over a page break ("绩效指" / "标"). Ambiguity: after the page
# break the 二级指标 column prints "取中预算" for the last three cost rows (消防验收备案抽查标准, 排污评审成本,
# 环评技术审查费). Read as the continuation of the merged 成本指标 cell (its text split by the page break,
# like 绩效指标), so those rows stay under 成本指标; the printed "取中预算" is kept as a card field.
C05_PERIOD = """\
产出指标|数量指标|编制报告数量|≥4个
||评审项目数量|≥5个
|质量指标|评审报告合格率|100%
||评审报告使用性|100%
|时效指标|项目评审时间|≤20工作日
||编制报告完成及时性|及时
||刻制公章完成时间|24小时之内
|成本指标|免费刻公章费用标准|≤96元/套
||工商注册档案整理标准|≤5.8元/份
||消防设计审查费标准|1.0元/平方米
||消防验收备案抽查标准|0.9元/平方米
||排污评审成本|≤3000元/项
||环评技术审查费|≤2万元/项
效益指标|社会效益|提升项目落地效率|≥85%
||优化营商环境|优化
||减轻企业负担|减轻
|生态效益||
|可持续影响||
满意度指标|服务对象满意度|项目单位满意度|≥90%
"""
C05_ANNUAL = C05_PERIOD

# c06 审批事项办理工作经费 (seed lines 652-663): both blocks print the same rows.
C06_PERIOD = """\
产出指标|数量指标|可服务经开区行政审批窗口代办事项|58项
||可服务经开区招商引资项目、投资建设项目、工业类用地项目全生命周期审批事项|98项
|质量指标|事项办结率|≥90%
|时效指标|业务办理及时性|及时
|成本指标|全年经费|≤29.07万元
效益指标|经济效益||
|社会效益|提升政务服务业务办理效率|提升
||提高服务水平|提高
|生态效益||
|可持续影响||
满意度指标|服务对象满意度|服务企业满意度评价|≥90%
"""
C06_ANNUAL = C06_PERIOD


#: Seed line numbers (1-based, inclusive) of each card's indicator rows, for the tests' cross-check.
INDICATOR_SEED_LINES = {"c01": (452, 486), "c02": (508, 521), "c03": (543, 556), "c04": (578, 589),
                        "c05": (611, 630), "c06": (652, 663)}


def indicators(block: str, scope: IndicatorScope | None) -> list[IndicatorRow]:
    out: list[IndicatorRow] = []
    level1 = level2 = ""
    for line in block.splitlines():
        parts = line.split("|")
        if len(parts) != 4:
            raise ValueError(f"indicator line needs 4 fields: {line!r}")
        l1, l2, l3, value = parts
        if l1:
            level1, level2 = l1, ""
        if l2:
            level2 = l2
        if not (level1 and level2):
            raise ValueError(f"indicator line without 一级/二级指标: {line!r}")
        out.append(IndicatorRow(level1=level1, level2=level2, level3=l3, value=value,
                                parsed=parse_indicator_value(value), scope=scope))
    return out


DEPARTMENT_CARD_TEXT = {
    '部门职责': '集中行使行政许可权,并承担相应的法律责任;负责开发区行政审批制度改革以及相关工作体系、体制机制创新和完善工作;负责规范行政审批行为,优化审批流程,提高审批效率;负责行政审批信息化建设和管理。',
    '部门战略目标': '优化营商环境和提高政务服务能力水平,使企业少跑腿、不跑腿,提高服务效率。',
    '年度绩效目标': '紧紧围绕党工委、管委会的安排部署,紧扣“生态创新”发展战略,在场景建设上开放赋能,在做优服务优势上积极作为。',
}
DEPARTMENT_KEY_TASKS = [
    ('开发区行政审批制度改革以及相关工作体系、体制机制创新和完善工作', '深化场景创新,强化产业协同'),
    ('规范行政审批行为,优化审批流程', '持续优化服务,全力创新生态'),
    ('提高审批效率', '深化审批改革,提升政务效能'),
]
C02_TEXT = {
    '项目概况': '为进一步提高行政审批效率,优化营商环境形成整体性、区域化评估结果,提供给进入该区域的建设项目共享使用。根据<山西省水资源论证区域评估管理办法>要求,由于金匠北区水资源取水口发生变化,需重新评估论证。评估范围:金匠工业园区北区面积:9.84平方公里。根据2020年实际编制费用测算,编制水资源论证评估报告需要55万元,26年申请资金27万元。',
    '立项依据': '山西省水利厅关于印发《山西省水资源论证区域评估管理办法》的通知晋水规发[2022]1号',
    '项目设立必要性': '通过开展区域评估,变项目的单个评审为区域的整体评审,变申请后评审为申请前服务,形成整体性、区域化评估结果,提供给进入该区域的建设项目共享使用,逐步解决建设项目评估评审手续多、耗时长等问题,进一步提高审批效率,减轻企业负担,节约社会资源,加快建设项目落地。',
    '保证项目实施的制度、措施': '依据山西省水利厅<水资源论证区域评估管理办法>晋水规发[2022]1号文件执行',
    '项目实施计划': '2026年初根据采购流程规定选择技术力量强、社会信用好、符合资质(资信)要求的中介服务机构进行区域评估,并根据合同约定按时完成评估报告,年底前。',
    '实施期目标/总体目标': '完成水资源论证区域评估,保证区域评估的完整性,提供给进入该区域的建设项目共享使用,进一步提高审批效率,减轻企业负担,节约社会资源,加快建设项目落地。',
    '年度目标/总体目标': '完成水资源论证区域评估,保证区域评估的完整性,提供给进入该区域的建设项目共享使用,进一步提高审批效率,减轻企业负担,节约社会资源,加快建设项目落地。',
}
C03_TEXT = {
    '项目概况': '该项目主要包含一、本部门窗口业务受理工作(涉及业务包括企业设立登记、证照发放、企业注销登记、证照回收、公章发放、企业变更登记、营业执照增补换发、股权出质设立变更注销、司法协助股权冻结、企业锁定、政务网市场主体登记信息维护、工商登记档案管理、企业迁移、企业、公检法以及各主管部门的企业信息查询、档案查询、企业数据的统计、对接市审批局工商登记科完成各项工作、窗口业务受理、资料形式审查、咨询接待、办结发证)预计27.22万元。二、为中介超市提供修复BUG、清除BUG同时对中介超市软件基础升级迭代和安全技术防护服务,中介超市预算维护费用2.5万元。',
    '立项依据': '晋城经济技术开发区行政审批局工作职责',
    '项目设立必要性': '政务窗口是优化政务服务、高效办成一件事的重要一环,协助完成政务窗口受理等工作事项,可以保证窗口业务工作的正常开展,提高政务服务水平,让群众和企业感受到服务的便捷高效。',
    '保证项目实施的制度、措施': '严格遵守财务制度及相关法律、法规,履行行政审批职责',
    '项目实施计划': '2026年全年开展窗口业务受理工作,根据协议(合同期限2025年8月1日至2026年7月31日)按季度支付协助政务服务窗口受理费用,7月签订下一年度服务协议;中介超市日常运维(包含服务器租用、日常监测、24小时故障响应等),根据合同6月底前支付维护费用。',
    '实施期目标/总体目标': '协助完成政务窗口受理等工作事项,保障窗口业务工作的正常开展,提高服务水平;根据系统的使用情况以及故障情况及时进行数据更新和系统的修复,保障中介超市运行系统运行稳定。',
    '年度目标/总体目标': '协助完成政务窗口受理等工作事项,保障窗口业务工作的正常开展,提高服务水平;根据系统的使用情况以及故障情况及时进行数据更新和系统的修复,保障中介超市运行系统运行稳定。',
}
C04_TEXT = {
    '项目概况': '为进一步提高行政审批效率,优化营商环境,根据《山西省建设项目区域评估实施意见(试行)》(晋工改〔2019〕1号)和《晋城市人民政府办公室关于全面开展工程建设项目审批制度改革实施方案的通知》(晋市政办〔2019〕22号)《晋城市人民政府办公室关于印发晋城市深化企业投资项目承诺制改革实施方案的通知》(晋市政办〔2019〕34号)1.工作目标:按照相关规定程序,选择技术力量强、社会信用好、符合资质(资信)要求的中介机构进行区域评估,形成整体性、区域化评估结果,提供给进入该区域的建设项目共享使用。2.2023年政府采购项目,中标单位为:山西绿景环保科技有限公司,2023年7月签订合同,总价33万元,11月完成报告编制,12月通过水利厅的批复,根据合同约定,质保期3年内提供相关咨询服务,3年有效期届满后支付尾款3.3万元。',
    '立项依据': '《山西省建设项目区域评估实施意见(试行)》(晋工改〔2019〕1号)、《晋城市人民政府办公室关于全面开展工程建设项目审批制度改革实施方案的通知》(晋市政办〔2019〕22号)、《晋城市人民政府办公室关于印发晋城市深化企业投资项目承诺制改革实施方案的通知》(晋市政办〔2019〕34号)、《晋城经济技术开发区管理委员会关于印发《开展区域评估的实施方案》的通知》(晋市开管〔2019〕25号)、晋城市水务局《晋市水便〔2022〕36号)',
    '项目设立必要性': '通过开展区域评估,变项目的单个评审为区域的整体评审,变申请后评审为申请前服务,形成整体性、区域化评估结果,提供给进入该区域的建设项目共享使用,逐步解决建设项目评估评审手续多、耗时长等问题,进一步提高审批效率,减轻企业负担,节约社会资源,加快建设项目落地。',
    '保证项目实施的制度、措施': '严格执行《晋城经济技术开发区管理委员会晋市开管〔2019〕25号《晋城经济技术开发区管理委员会关于印发《开展区域评估的实施方案》的通知》》文件',
    '项目实施计划': '根据合同支付款项。',
    '实施期目标/总体目标': '通过开展区域评估,变项目的单个评审为区域的整体评审,变申请后评审为申请前服务,形成整体性、区域化评估结果,提供给进入该区域的建设项目共享使用,逐步解决建设项目评估评审手续多、耗时长等问题,进一步提高审批效率,减轻企业负担,节约社会资源,加快建设项目落地。',
    '年度目标/总体目标': '',
}
C05_TEXT = {
    '项目概况': '1.根据开发区工委[2021]25次会议纪要,优化营商环境需要政府提供免费服务事项。为企业编制环评、能评、水土保持、取水许可、危险气象等报告,预计4个项目编制费20万元。2.为开展工作,根据《建设项目环境保护管理条例》、《生态环境部建设项目环境影响报告书(表)审批程序规定》等文件要求,需行政审批局委托第三方开展项目可行性研究报告、初步设计、环境影响评价、节能审查、排污许可证核发技术审查水土保持、防洪评价等评估事项。预计5-6个项目评审费7万元。3.根据《关于做好政府购买建设工程消防设计审查验收技术性公共服务有关工作的通知》文件要求,需开展消防设计审查和消防验收备案抽查工作,委托第三方开展,预计服务费55万元(消防设计审查费标准1.0元/平方米,不足2000平按2000元、消防验收备案抽查标准0.9元/平方米,不足5000元按5000元),实施过程根据具体服务项目面积为准,标准按合同约定执行。4.为进一步做好“承诺制+标准地+全代办”工作,根据区委工委[2021]25次会议纪要,办理政府统一服务开办事项方面的免费服务(档案整理、企业免费刻章等)、企业注册登记等相关费用7万元。5.保障政府统一服务工作的宣传资料、文件印刷3万元及项目编制、评审、审查等业务考察学习差旅等费用8万元。',
    '立项依据': '开发区工委[2021]25次会议纪要晋城经济技术开发区行政审批局晋市开审函〔2019〕1号“关于转发《关于印发〈晋城市工程建设项目审批制度改革中介服务管理暂行办法(试行)的通知〉等文件的通知》、《建设项目环境保护管理条例》、《生态环境部建设项目环境影响报告书(表)审批程序规定》、晋城市行政审批服务管理局晋城市能源局关于进一步优化承诺制“一本制”项目节能手续办理的实施意见晋市审管发〔2022〕50号《晋城市人民政府办公室关于印发晋城市2021年优化营商环境130条的通知》(晋市政办函〔2021〕17号)文件《关于做好政府购买建设工程消防设计审查验收技术性公共服务有关工作的通知》',
    '项目设立必要性': '保障优化营商环境政府提供免费服务事项工作的正常开展。进一步提升开发区营商环境,为开发区企业办理设立、变更、注销事项。',
    '保证项目实施的制度、措施': '严格遵守财务制度及相关法律、法规,履行行政审批职责。',
    '项目实施计划': '1.全年开展优化营商环境政府为企业编制环评、能评等报告。2.根据项目情况委托咨询单位,确定价格,中介超市发布、编制单位竞价,完成报告编制。委托第三方开展项目可行性研究报告、初步设计、环境影响评价、节能审查、排污许可证核发技术审查等工作。根据项目情况,项目开工前完成相关事项文本编制,报送审批局,审批局组织第三方开展评估工作,根据服务合同要求时限完成项目评审并出具评估报告,待事项批复后,填写项目验收单,支付费用。3.为开发区所有新办企业免费刻章(公章,财务章,法人章,发票章),档案整理、营业执照印刷,办理政府统一服务开办事项方面的免费服务、企业注册登记等。4.全年开展消防设计审查和消防验收备案抽查工作。5.根据业务需要支付宣传资料、文件印刷及项目编制、评审、审查等业务考察学习差旅等费用。',
    '实施期目标/总体目标': '1.全年开展优化营商环境,政府为企业编制环评、能评等报告。2.完成全年涉及可行性研究报告、初步设计、环境影响评价、节能审查、排污许可证核发等工作范围内申报项目的技术审查等工作,出具符合规定要求的评估报告。3.办理政府统一服务开办事项方面的免费服务、企业注册登记等相关事项,使企业少跑腿、不跑腿。优化营商环境,提升服务效率。4.开展消防设计审查和消防验收备案抽查工作。5.进一步优化营商环境,服务好企业。',
    '年度目标/总体目标': '1.全年开展优化营商环境,政府为企业编制环评、能评等报告。2.完成全年涉及可行性研究报告、初步设计、环境影响评价、节能审查、排污许可证核发等工作范围内申报项目的技术审查等工作,出具符合规定要求的评估报告。3.办理政府统一服务开办事项方面的免费服务、企业注册登记等相关事项,使企业少跑腿、不跑腿。优化营商环境,提升服务效率。4.开展消防设计审查和消防验收备案抽查工作。5.进一步优化营商环境,服务好企业。',
}
C06_TEXT = {
    '项目概况': '为贯彻落实党中央、国务院关于深化“放管服”改革和优化营商环境的部署,省委、省政府领代办制度要求,2025年通过购买服务方式确定购买“帮代办”服务,3月与中介机构为晋城市园区人力资源有限公司签订合同(合同期限为2025年3月10日-2026年3月9日),合同金额为31.388万元。服务内容包:1.服务经开区行政审批窗口58项审批事项的代办服务;2.服务经开区招商引资项目、投资建设项目、工业类用地项目全生命周期7个阶段98个审批事项的代办服务;3.常驻金匠园区帮代办服务。2026年预计3月按流程购买服务,服务金额为29.07万元。',
    '立项依据': '关于建立开发区投资项目建设领代办工作制度的通知 晋政办发〔2021〕50号',
    '项目设立必要性': '为解决审批职能事项增多与现有人员力量不足之间的矛盾,购买服务可以提升行政审批效率,增强企业及群众的满意度。',
    '保证项目实施的制度、措施': '制定《审批事项办理服务项目人员培训方案》、《审批事项办理服务项目人员管理方案》以及《审批事项办理服务项目突发事件应急预案》等。',
    '项目实施计划': '根据窗口和企业实际需求,全年为窗口58项审批事项和区内企业、招商引资项目全生命周期7个阶段98个审批事项进行领、代办服务。',
    '实施期目标/总体目标': '通过购买服务方式完成行政审批事项办理“帮代办”服务内容,提升行政审批效率、政务服务效能,增强企业及群众的满意度,打造一流的政务服务环境。',
    '年度目标/总体目标': '通过购买服务方式完成行政审批事项办理“帮代办”服务内容,提升行政审批效率、政务服务效能,增强企业及群众的满意度,打造一流的政务服务环境。',
}

#: The 其他人员数 row prints "其他人员数\t\t\t0人\t" (shifted by the rendering); read as 其他人员数 = 0人.
DEPARTMENT_FACTS = [
    ("部门名称", f"{DEPARTMENT_CODE}-{DEPARTMENT}"),
    ("内设职能部门数", "6个"),
    ("所属预算单位数", "1个"),
    ("核定的人员编制数", "9人"),
    ("实际在职人员总数", "9人"),
    ("其中:在编人员数", "9人"),
    ("其他人员数", "0人"),
]
#: 年度预算情况 (万元): (printed label, canonical, printed amount)
DEPARTMENT_FUNDS_BY_SOURCE = [
    ("合计", "total", "389.23"),
    ("其中:一般公共预算资金", "general_public_budget", "389.23"),
    ("政府性基金预算资金", "government_fund", "0.00"),
    ("国有资本经营预算资金", "state_capital", "0.00"),
    ("社会保险基金预算资金", "social_insurance_fund", "0.00"),
    ("专户管理资金", "special_account", "0.00"),
]
DEPARTMENT_FUNDS_BY_DIRECTION = [
    ("合计", "total", "389.23"),
    ("其中:基本支出", "basic_expenditure", "200.14"),
    ("项目支出", "project_expenditure", "189.09"),
]


def build_department_card() -> PerformanceCard:
    facts = dict(DEPARTMENT_FACTS)
    funds = [FundLine(source=s, canonical=c, annual_amount=amount(a)) for s, c, a in DEPARTMENT_FUNDS_BY_SOURCE]
    funds += [FundLine(source=s, canonical=c, direction=True, annual_amount=amount(a))
              for s, c, a in DEPARTMENT_FUNDS_BY_DIRECTION]
    fields = [CardField(key=k, value=v) for k, v in DEPARTMENT_FACTS]
    fields += [CardField(key=k, value=DEPARTMENT_CARD_TEXT[k]) for k in ("部门职责", "部门战略目标")]
    fields += [CardField(key=f"按资金来源划分/{s}", value=a) for s, _, a in DEPARTMENT_FUNDS_BY_SOURCE]
    fields += [CardField(key=f"按资金方向划分/{s}", value=a) for s, _, a in DEPARTMENT_FUNDS_BY_DIRECTION]
    fields.append(CardField(key="年度绩效目标", value=DEPARTMENT_CARD_TEXT["年度绩效目标"]))
    return PerformanceCard(
        id="c01", card_type=CardType.department, title=DEPARTMENT_CARD_TITLE, year=YEAR,
        department_name=DEPARTMENT, department_code=DEPARTMENT_CODE,
        internal_divisions=facts["内设职能部门数"], subordinate_units=facts["所属预算单位数"],
        authorized_staff=facts["核定的人员编制数"], actual_staff=facts["实际在职人员总数"],
        established_staff=facts["其中:在编人员数"], other_staff=facts["其他人员数"],
        responsibilities=DEPARTMENT_CARD_TEXT["部门职责"], strategic_goal=DEPARTMENT_CARD_TEXT["部门战略目标"],
        key_tasks=[KeyTask(function=f, task=t) for f, t in DEPARTMENT_KEY_TASKS],
        funds_unit=Unit.ten_thousand_yuan, funds=funds,
        annual_goal=DEPARTMENT_CARD_TEXT["年度绩效目标"],
        # the department card has one block, 年度绩效指标; IndicatorRow.scope is for project cards
        indicators=indicators(C01_INDICATORS, None),
        fields=fields,
    )


#: 项目资金(元) rows: (canonical, printed label in the 实施期 block, printed label in the 年度 block)
PROJECT_FUND_ROWS = [
    ("total", "实施期资金总额:", "年度资金总额:"),
    ("central", "其中:中央财政资金", "其中:中央财政资金"),
    ("provincial", "省级财政资金", "省级财政资金"),
    ("municipal_county", "市县(区)财政资金", "市县(区)财政资金"),
    ("self_raised", "单位自筹", "单位自筹"),
    ("other", "其他资金", "其他资金"),
]

#: The five project cards in seed order. funds: printed (实施期, 年度) per PROJECT_FUND_ROWS; "" = blank.
PROJECT_CARDS = [
    dict(id="c02", project_name="金匠工业园区北区区域水资源论证评估经费",
         attribute="延续性项目(阶段开展)", period="3年",
         funds=[("550,000", "270,000"), ("0", "0"), ("0", "0"), ("550,000", "270,000"), ("0", "0"), ("", "")],
         texts=C02_TEXT, blocks=(C02_PERIOD, C02_ANNUAL)),
    dict(id="c03", project_name="开发区行政审批局专项业务费",
         attribute="经常性项目(长期开展)", period="99年",
         funds=[("297,200", "297,200"), ("0", "0"), ("0", "0"), ("297,200", "297,200"), ("0", "0"), ("", "")],
         texts=C03_TEXT, blocks=(C03_PERIOD, C03_ANNUAL)),
    # c04: 总体目标 prints one text only, in the 实施期目标 column; the 年度目标 cell is blank (kept blank,
    # although for a one-year project the text may well be one cell merged over both columns).
    dict(id="c04", project_name="开发区主城区区域评估经费",
         attribute="一次性项目(1年结束)", period="1年",
         funds=[("33,000", "33,000"), ("0", "0"), ("0", "0"), ("33,000", "33,000"), ("0", "0"), ("", "")],
         texts=C04_TEXT, blocks=(C04_PERIOD, C04_ANNUAL)),
    dict(id="c05", project_name="政府统一服务经费",
         attribute="经常性项目(长期开展)", period="99年",
         funds=[("1,000,000", "1,000,000"), ("0", "0"), ("0", "0"), ("1,000,000", "1,000,000"), ("0", "0"),
                ("", "")],
         texts=C05_TEXT, blocks=(C05_PERIOD, C05_ANNUAL),
         extra_fields=[("绩效指标/成本指标(续页)", "取中预算")]),
    dict(id="c06", project_name="审批事项办理工作经费",
         attribute="经常性项目(长期开展)", period="99年",
         funds=[("290,700", "290,700"), ("0", "0"), ("0", "0"), ("290,700", "290,700"), ("0", "0"), ("", "")],
         texts=C06_TEXT, blocks=(C06_PERIOD, C06_ANNUAL)),
]

PROJECT_TEXT_KEYS = ["项目概况", "立项依据", "项目设立必要性", "保证项目实施的制度、措施", "项目实施计划"]


def build_project_card(spec: dict) -> PerformanceCard:
    texts = spec["texts"]
    funds = []
    for (canonical, period_label, annual_label), (p, a) in zip(PROJECT_FUND_ROWS, spec["funds"], strict=True):
        source = "实施期资金总额/年度资金总额" if canonical == "total" else period_label
        assert canonical == "total" or period_label == annual_label
        funds.append(FundLine(source=source, canonical=canonical, period_amount=amount(p), annual_amount=amount(a)))
    fields = [
        CardField(key="项目名称", value=spec["project_name"]),
        CardField(key="主管部门及代码", value=f"{DEPARTMENT_CODE}-{DEPARTMENT}"),
        CardField(key="实施单位", value=DEPARTMENT),
        CardField(key="项目属性", value=spec["attribute"]),
        CardField(key="项目期", value=spec["period"]),
    ]
    for block, col in (("实施期", 0), ("年度", 1)):
        for (canonical, period_label, annual_label), printed in zip(PROJECT_FUND_ROWS, spec["funds"], strict=True):
            label = (period_label, annual_label)[col]
            key = label.rstrip(":") if canonical == "total" else f"{block}/{label}"
            fields.append(CardField(key=key, value=printed[col]))
    fields += [CardField(key=k, value=texts[k]) for k in PROJECT_TEXT_KEYS]
    fields += [CardField(key=k, value=texts[k]) for k in ("实施期目标/总体目标", "年度目标/总体目标")]
    fields += [CardField(key=k, value=v) for k, v in spec.get("extra_fields", [])]
    period_block, annual_block = spec["blocks"]
    return PerformanceCard(
        id=spec["id"], card_type=CardType.project, title=PROJECT_CARD_TITLE, year=YEAR,
        project_name=spec["project_name"], department_name=DEPARTMENT, department_code=DEPARTMENT_CODE,
        implementing_unit=DEPARTMENT, project_attribute=spec["attribute"], project_period=spec["period"],
        funds_unit=Unit.yuan, funds=funds,
        overview=texts["项目概况"], basis=texts["立项依据"], necessity=texts["项目设立必要性"],
        safeguards=texts["保证项目实施的制度、措施"], plan=texts["项目实施计划"],
        period_goal=texts["实施期目标/总体目标"] or None, annual_goal=texts["年度目标/总体目标"] or None,
        indicators=indicators(period_block, IndicatorScope.period) + indicators(annual_block, IndicatorScope.annual),
        fields=fields,
    )


def build_cards() -> list[PerformanceCard]:
    return [build_department_card()] + [build_project_card(s) for s in PROJECT_CARDS]


# ==================================================================================================
# narrative
# ==================================================================================================
#
# (part, heading, paragraphs, figures). Paragraphs are verbatim; a paragraph that a page break cut in
# the middle of a sentence is joined back (四: "支出包括：一般" / "公共服务支出…"; the attachment's last
# sentence), and the page footer "— 1 —" is dropped. Figures: (phrase as printed, kind, label, unit);
# the value is the one number in the phrase.

_NUM_RE = re.compile(r"\d+(?:\.\d+)?")

SECTIONS = [
    ("第一部分", "一、本部门职责", [
        "集中行使行政许可权，并承担相应的法律责任；负责开发区行政审批制度改革以及相关工作体系、体制机制创新和完善工作；负责规范行政审批行为，优化审批流程，提高审批效率；负责行政审批信息化建设和管理。",
    ], []),
    ("第一部分", "二、机构设置情况", [
        "部门预算构成主要为本级单位预算，无下属预算单位。本级单位由综合办公室、项目审批科、政务服务科、营商环境科、改革创新科、准入准营科6个科室构成。",
    ], [
        ("6个科室", "count", "内设科室", "个"),
    ]),
    ("第三部分", "一、部门预算收支数据变动情况及原因", [
        "2026年度晋城经济技术开发区行政审批局预算收入总计389.23万元，其中：本年收入389.23万元，上年结转0万元，比上年增长35.12万元，增长9.92%，主要原因是本年度项目资金预算较上年增加；本年部门预算支出总计389.23万元，其中：本年预算安排389.23万元，上年结转0万元，比上年增长35.12万元，增长9.92%，主要原因是本年度项目资金预算较上年增加。",
    ], [
        ("预算收入总计389.23万元", "amount", "预算收入总计", None),
        ("本年收入389.23万元", "amount", "本年收入", None),
        ("上年结转0万元", "amount", "上年结转（收入）", None),
        ("比上年增长35.12万元", "change_amount", "预算收入总计", None),
        ("增长9.92%", "change_percent", "预算收入总计", None),
        ("部门预算支出总计389.23万元", "amount", "预算支出总计", None),
        ("本年预算安排389.23万元", "amount", "本年预算安排", None),
        ("上年结转0万元", "amount", "上年结转（支出）", None),
        ("比上年增长35.12万元", "change_amount", "预算支出总计", None),
        ("增长9.92%", "change_percent", "预算支出总计", None),
    ]),
    ("第三部分", "二、收入预算情况说明", [
        "2026年度晋城经济技术开发区行政审批局预算收入389.23万元，主要包括一般公共预算拨款收入389.23万元，占100.00%；政府性基金预算拨款收入0万元，占0%；国有资本经营预算拨款收入0万元，占0%；财政专户管理资金收入0万元，占0%；单位资金0万元，占0%；上年结转0万元，占0%。",
    ], [
        ("预算收入389.23万元", "amount", "预算收入", None),
        ("一般公共预算拨款收入389.23万元", "amount", "一般公共预算拨款收入", None),
        ("占100.00%", "share", "一般公共预算拨款收入", None),
        ("政府性基金预算拨款收入0万元", "amount", "政府性基金预算拨款收入", None),
        ("占0%", "share", "政府性基金预算拨款收入", None),
        ("国有资本经营预算拨款收入0万元", "amount", "国有资本经营预算拨款收入", None),
        ("占0%", "share", "国有资本经营预算拨款收入", None),
        ("财政专户管理资金收入0万元", "amount", "财政专户管理资金收入", None),
        ("占0%", "share", "财政专户管理资金收入", None),
        ("单位资金0万元", "amount", "单位资金", None),
        ("占0%", "share", "单位资金", None),
        ("上年结转0万元", "amount", "上年结转", None),
        ("占0%", "share", "上年结转", None),
    ]),
    ("第三部分", "三、支出预算情况说明", [
        "2026年度晋城经济技术开发区行政审批局支出预算389.23万元，其中：基本支出200.14万元，占51.42%；项目支出189.09万元，占48.58%。",
    ], [
        ("支出预算389.23万元", "amount", "支出预算", None),
        ("基本支出200.14万元", "amount", "基本支出", None),
        ("占51.42%", "share", "基本支出", None),
        ("项目支出189.09万元", "amount", "项目支出", None),
        ("占48.58%", "share", "项目支出", None),
    ]),
    ("第三部分", "四、财政拨款收支预算总体情况说明", [
        # one paragraph: the page break falls inside "一般|公共服务支出"
        "2026年度晋城经济技术开发区行政审批局财政拨款收支总预算389.23万元。其中：一般公共预算拨款389.23万元，政府性基金预算拨款0万元，国有资本经营预算拨款0万元。其中：当年拨款收入389.23万元，上年结转收入0万元。支出包括：一般公共服务支出326.40万元、社会保障和就业支出29.66万元、卫生健康支出11.87万元、住房保障支出21.30万元等。",
    ], [
        ("财政拨款收支总预算389.23万元", "amount", "财政拨款收支总预算", None),
        ("一般公共预算拨款389.23万元", "amount", "一般公共预算拨款", None),
        ("政府性基金预算拨款0万元", "amount", "政府性基金预算拨款", None),
        ("国有资本经营预算拨款0万元", "amount", "国有资本经营预算拨款", None),
        ("当年拨款收入389.23万元", "amount", "当年拨款收入", None),
        ("上年结转收入0万元", "amount", "上年结转收入", None),
        ("一般公共服务支出326.40万元", "amount", "一般公共服务支出", None),
        ("社会保障和就业支出29.66万元", "amount", "社会保障和就业支出", None),
        ("卫生健康支出11.87万元", "amount", "卫生健康支出", None),
        ("住房保障支出21.30万元", "amount", "住房保障支出", None),
    ]),
    ("第三部分", "五、一般公共预算支出情况说明", [
        "(一) 一般公共预算当年支出规模变化情况",
        "2026年度晋城经济技术开发区行政审批局一般公共预算当年支出389.23万元,比上年增加35.12万元,增长9.92%。",
        "(二) 一般公共预算当年支出结构情况",
        "2026年度晋城经济技术开发区行政审批局一般公共预算当年支出389.23万元,主要用于以下方面:一般公共预算支出326.40万元,占83.86%;社会保障和就业支出29.66万元,占7.62%;卫生健康支出11.87万元,占3.05%;住房保障支出21.30万元,占5.47%等。",
        "一般公共预算当年拨款结构图",  # a chart's caption; the chart itself is not in the text
    ], [
        ("一般公共预算当年支出389.23万元", "amount", "一般公共预算当年支出", None),
        ("比上年增加35.12万元", "change_amount", "一般公共预算当年支出", None),
        ("增长9.92%", "change_percent", "一般公共预算当年支出", None),
        ("一般公共预算当年支出389.23万元", "amount", "一般公共预算当年支出", None),
        # printed "一般公共预算支出" where the 类 is 一般公共服务支出 (326.40 in every table): kept as printed
        ("一般公共预算支出326.40万元", "amount", "一般公共预算支出", None),
        ("占83.86%", "share", "一般公共预算支出", None),
        ("社会保障和就业支出29.66万元", "amount", "社会保障和就业支出", None),
        ("占7.62%", "share", "社会保障和就业支出", None),
        ("卫生健康支出11.87万元", "amount", "卫生健康支出", None),
        ("占3.05%", "share", "卫生健康支出", None),
        ("住房保障支出21.30万元", "amount", "住房保障支出", None),
        ("占5.47%", "share", "住房保障支出", None),
    ]),
    ("第三部分", "六、一般公共预算基本支出情况说明", [
        "2026年度晋城经济技术开发区行政审批局一般公共预算安排基本支出200.14万元,其中:",
        "人员经费185.20万元,主要包括:其他工资福利支出、其他社会保障缴费、公务员医疗补助缴费、绩效工资、基本工资、住房公积金、机关事业单位基本养老保险缴费、退休费、津贴补贴、职工基本医疗保险缴费、职业年金缴费等;",
        "公用经费14.95万元,主要包括:办公费、印刷费、其他交通费用、委托业务费、差旅费等。",
    ], [
        ("基本支出200.14万元", "amount", "基本支出", None),
        ("人员经费185.20万元", "amount", "人员经费", None),
        ("公用经费14.95万元", "amount", "公用经费", None),
    ]),
    ("第三部分", "七、“三公”经费增减变动原因说明", [
        "本部门无“三公”经费预算。",
    ], []),
    ("第三部分", "八、机关运行经费增减变动原因说明", [
        "本部门无机关运行经费。",
    ], []),
    ("第三部分", "九、政府采购情况", [
        "2026年晋城经济技术开发区行政审批局政府采购预算总额32.97万元。其中：政府采购货物预算1.17万元、政府采购工程预算0万元、政府采购服务预算31.80万元。",
    ], [
        ("政府采购预算总额32.97万元", "amount", "政府采购预算总额", None),
        ("政府采购货物预算1.17万元", "amount", "政府采购货物预算", None),
        ("政府采购工程预算0万元", "amount", "政府采购工程预算", None),
        ("政府采购服务预算31.80万元", "amount", "政府采购服务预算", None),
    ]),
    ("第三部分", "十、绩效管理情况", [
        "1、整体绩效目标",
        "2026年编报部门整体支出绩效目标，涉及部门预算资金389.23万元，其中基本支出200.14万元，项目支出189.09万元；机关及下属预算单位1个，其中1个单位（包括机关）编报了单位整体绩效目标，涉及资金389.23万元。",
        "（部门整体目标表公开情况见附件）",
        "2、项目绩效目标",
        "2026年晋城经济技术开发区行政审批局纳入绩效目标管理的二级项目5个，共计金额189.09万元。其中：其他运转类项目5个，涉及金额189.09万元；特定目标类项目0个，涉及金额0万元。公开项目绩效目标5个，涉及项目金额189.09万元，占部门（单位）项目支出总额的100%。其中：其他运转类项目5个，涉及项目金额189.09万元；特定目标类项目0个，涉及项目金额0万元。",
        "（项目绩效目标表公开情况见附件）",
    ], [
        ("部门预算资金389.23万元", "amount", "整体绩效目标涉及部门预算资金", None),
        ("基本支出200.14万元", "amount", "基本支出", None),
        ("项目支出189.09万元", "amount", "项目支出", None),
        ("预算单位1个", "count", "机关及下属预算单位", "个"),
        ("1个单位", "count", "编报单位整体绩效目标的单位", "个"),
        ("涉及资金389.23万元", "amount", "单位整体绩效目标涉及资金", None),
        ("二级项目5个", "count", "纳入绩效目标管理的二级项目", "个"),
        ("共计金额189.09万元", "amount", "纳入绩效目标管理的二级项目金额", None),
        ("其他运转类项目5个", "count", "其他运转类项目", "个"),
        ("涉及金额189.09万元", "amount", "其他运转类项目金额", None),
        ("特定目标类项目0个", "count", "特定目标类项目", "个"),
        ("涉及金额0万元", "amount", "特定目标类项目金额", None),
        ("公开项目绩效目标5个", "count", "公开项目绩效目标", "个"),
        ("涉及项目金额189.09万元", "amount", "公开项目绩效目标金额", None),
        ("占部门（单位）项目支出总额的100%", "share", "公开项目绩效目标金额", None),
        ("其他运转类项目5个", "count", "公开的其他运转类项目", "个"),
        ("涉及项目金额189.09万元", "amount", "公开的其他运转类项目金额", None),
        ("特定目标类项目0个", "count", "公开的特定目标类项目", "个"),
        ("涉及项目金额0万元", "amount", "公开的特定目标类项目金额", None),
    ]),
    ("第三部分", "十一、国有资产占有使用情况", [
        "1、车辆情况：",
        "截至2025年12月31日，晋城经济技术开发区行政审批局共有公务用车编制0辆，实有0辆，其中：领导用车0辆，机要通信用车0辆，应急保障用车0辆，执法执勤用车0辆，特种专业技术用车0辆，事业单位业务用车0辆，其他公务用车0辆。",
        "2、房屋情况：",
        "截至2025年12月31日，晋城经济技术开发区行政审批局使用的办公用房建筑总面积92平方米。",
        "3、其他国有资产占有使用情况：",
        "截至2025年12月31日，晋城经济技术开发区行政审批局占有使用价值50万元（原值）以上的通用设备0台（套）；晋城经济技术开发区行政审批局占有使用价值100万元（原值）以上的通用设备0台（套）。",
    ], [
        ("公务用车编制0辆", "count", "公务用车编制", "辆"),
        ("实有0辆", "count", "实有公务用车", "辆"),
        ("领导用车0辆", "count", "领导用车", "辆"),
        ("机要通信用车0辆", "count", "机要通信用车", "辆"),
        ("应急保障用车0辆", "count", "应急保障用车", "辆"),
        ("执法执勤用车0辆", "count", "执法执勤用车", "辆"),
        ("特种专业技术用车0辆", "count", "特种专业技术用车", "辆"),
        ("事业单位业务用车0辆", "count", "事业单位业务用车", "辆"),
        ("其他公务用车0辆", "count", "其他公务用车", "辆"),
        ("办公用房建筑总面积92平方米", "other", "办公用房建筑总面积", "平方米"),
        ("通用设备0台（套）", "count", "价值50万元（原值）以上的通用设备", "台（套）"),
        ("通用设备0台（套）", "count", "价值100万元（原值）以上的通用设备", "台（套）"),
    ]),
    ("第三部分", "十二、其他说明", [
        "（一）政府购买服务指导性目录",
        "我部门无政府购买服务指导性目录。",
        "（二）其他",
        "我部门无其他说明。",
    ], []),
    # attached after 十二: the 财政管理运营部 notice forwarding the province's 政府购买服务指导性目录
    (None, "晋城经济技术开发区 财政管理运营部文件", [
        "晋市开财〔2024〕122号",
        "关于转发《山西省财政厅 关于印发山西省部门政府购买服务 指导性目录的通知》的通知",
        "区各相关单位：",
        "现将《山西省财政厅关于印发山西省部门政府购买服务指导性目录的通知》（晋财综【2024】37号）转发给你们，请遵照执行。",
        "附件：山西省财政厅关于印发山西省部门政府购买服务指导性目录的通知",
        "晋城经济技术开发区财政管理运营部",
        "2024年9月23日",
        "晋城经济技术开发区财政管理运营部",
        "2024年9月23日印发",
        "山西省财政厅文件",
        "晋财综〔2024〕37号",
        "山西省财政厅关于印发 山西省部门政府购买服务指导性 目录的通知",
        "各市财政局,省直有关单位:",
        "根据《山西省人民政府办公厅关于印发山西省政府购买服务实施办法的通知》(晋政办发〔2021〕12号)和《山西省财政厅关于印发山西省政府购买服务指导性目录及编制部门政府购买服务指导性目录工作的通知》(晋财综〔2021〕34号)有关规定,结合省直部门修改增设意见,我们修订了《山西省部门政府购买服务指导性目录》。现印发给你们,请遵照执行。",
        # joined over the page break (and its footer "— 1 —")
        "本目录自印发之日起施行,《山西省财政厅关于印发〈山西省部门政府购买服务指导性目录)的通知》(晋财综[2023]43号)同时废止。",
    ], []),
    ("第四部分", "名词解释", [
        "一、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
        "二、项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
        "三、“三公”经费：指省直部门用财政拨款安排的因公出国（境）费用、公务用车购置及运行费和公务接待费。其中：因公出国（境）费用反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置费反映公务用车购置支出（含车辆购置税、牌照费）；公务用车运行维护费反映单位按规定保留的公务用车燃料费、维修费、过路过桥费、保险费、安全奖励费用等支出；公务接待费反映机关和参公事业单位按规定开支的各类公务接待（含外宾接待）支出。",
        "四、机关运行经费：指行政单位和参照公务员法管理的事业单位使用财政拨款安排的基本支出中的公用经费支出。",
        "五、政府购买服务：根据我国现行政策规定，政府购买服务，是指充分发挥市场机制作用，将国家机关属于自身职责范围且适合通过市场化方式提供的服务事项，按照政府采购方式和程序，交由符合条件的服务供应商承担，并根据服务数量和质量等情况向其支付费用的行为。",
        "六、财政专户管理资金：",
        "专指教育收费，包括目前在财政专户管理的高中以上学费、住宿费，高校委托培养费，党校收费，教育考试考务费，函大、电大、夜大及短训班培训费等。",
        "七、单位资金：是指除政府预算资金和财政专户管理资金以外的资金，包括事业收入、事业单位经营收入、上级补助收入、附属单位上缴收入、其他收入。",
        "八、上年结转：指以前年度预算安排、结转到本年仍按原规定用途继续使用的资金。",
        "九、一般公共预算：是指以税收为主体的财政收入，安排用于保障和改善民生、推动经济社会发展、维护国家安全、维持国家机构正常运转等方面的收支预算。",
        "十、政府性基金预算：是对依照法律、行政法规的规定在一定期限内向特定对象征收、收取或者以其他方式筹集的资金，专项用于特定公共事业发展的收支预算。",
        "十一、国有资本经营预算：是对国有资本收益作出支出安排的收支预算。",
        "十二、财政拨款：包含一般公共预算、政府性基金预算、国有资本经营预算。",
    ], []),
]


def figure(phrase: str, kind: str, label: str | None, unit: str | None) -> StatedFigure:
    numbers = _NUM_RE.findall(phrase)
    if len(numbers) != 1:
        raise ValueError(f"a figure phrase needs exactly one number: {phrase!r}")
    if unit is None:
        rest = phrase[phrase.rindex(numbers[0]) + len(numbers[0]):]
        unit = next((u for u in ("万元", "%") if rest.startswith(u)), None)
        if unit is None:
            raise ValueError(f"no unit after the number in {phrase!r}")
    return StatedFigure(text=phrase, label=label, kind=kind, value=Decimal(numbers[0]), unit=unit)


def build_sections() -> list[NarrativeSection]:
    out = []
    for part, heading, paragraphs, figures in SECTIONS:
        text = "\n".join(paragraphs)
        for phrase, *_ in figures:  # every phrase is printed in the section, as often as it is listed
            wanted = sum(1 for f in figures if f[0] == phrase)
            if text.count(phrase) < wanted:
                raise ValueError(f"{heading}: {phrase!r} printed {text.count(phrase)}x, listed {wanted}x")
        out.append(NarrativeSection(part=part, heading=heading, text=text,
                                    figures=[figure(*f) for f in figures]))
    return out


# ==================================================================================================
# the document
# ==================================================================================================


def build_document() -> DisclosureDocument:
    seed = SEED_PATH.read_bytes()
    return DisclosureDocument(
        title="2026年度部门预算公开",
        department=DEPARTMENT,
        year=YEAR,
        kind=DocumentKind.department_budget,
        region="山西省晋城市",
        source=SourceFile(path=SEED_REL_PATH, sha256=hashlib.sha256(seed).hexdigest(), media_type="text/plain"),
        tables=build_tables(),
        cards=build_cards(),
        sections=build_sections(),
        producer="seed truth (hand-checked)",
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the committed JSON, do not write")
    ap.add_argument("--output", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    doc = build_document()
    if args.check:
        same = args.output.exists() and args.output.read_text(encoding="utf-8") == document_to_json(doc)
        print(f"{args.output}: {'up to date' if same else 'DIFFERS from the builder output'}")
        return 0 if same else 1
    dump_document(doc, args.output)
    print(f"wrote {args.output}: {len(doc.tables)} tables, {len(doc.cards)} cards, {len(doc.sections)} sections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
