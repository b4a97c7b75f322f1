"""The domain's closed vocabularies: document kinds, table types, units, subject levels, columns.

Each enum value is a stable English identifier used in JSON; the Chinese name as printed in the
documents is in :data:`TABLE_TYPE_NAMES` and the members' docstrings.
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum


class DocumentKind(str, Enum):
    """Kind of disclosure: 部门预算 / 部门决算 / 单位预算 / 单位决算."""

    department_budget = "department_budget"  # 部门预算
    department_final_accounts = "department_final_accounts"  # 部门决算
    unit_budget = "unit_budget"  # 单位预算
    unit_final_accounts = "unit_final_accounts"  # 单位决算


class Unit(str, Enum):
    """Monetary unit printed on a table (单位：万元 / 元 / 千元 / 亿元)."""

    yuan = "元"
    thousand_yuan = "千元"
    ten_thousand_yuan = "万元"
    hundred_million_yuan = "亿元"

    @property
    def in_yuan(self) -> Decimal:
        return {
            Unit.yuan: Decimal(1),
            Unit.thousand_yuan: Decimal(1000),
            Unit.ten_thousand_yuan: Decimal(10000),
            Unit.hundred_million_yuan: Decimal(100000000),
        }[self]


class SubjectLevel(str, Enum):
    """Level of a 政府收支分类科目 code: 类 (3 digits), 款 (5), 项 (7)."""

    lei = "类"
    kuan = "款"
    xiang = "项"


class TableType(str, Enum):
    """Standard disclosure table types (部门预算/决算公开表) and their common regional variants."""

    # --- the 13 standard 部门预算 tables (Shanxi seed numbering 表一..表十三) ---
    revenue_expenditure_summary = "revenue_expenditure_summary"  # 收支总表 / 收支预算总表
    revenue_summary = "revenue_summary"  # 收入总表 / 收入预算总表
    expenditure_summary = "expenditure_summary"  # 支出总表 / 支出预算总表
    fiscal_appropriation_summary = "fiscal_appropriation_summary"  # 财政拨款收支总表
    general_public_budget_expenditure = "general_public_budget_expenditure"  # 一般公共预算支出表
    general_public_budget_basic_economic = "general_public_budget_basic_economic"  # 一般公共预算基本支出分经济科目表
    government_fund_revenue = "government_fund_revenue"  # 政府性基金预算收入表
    government_fund_expenditure = "government_fund_expenditure"  # 政府性基金预算支出表
    state_capital_operation = "state_capital_operation"  # 国有资本经营预算收支表
    three_public_expenses = "three_public_expenses"  # “三公”经费支出预算表
    agency_operating_expenses = "agency_operating_expenses"  # 机关运行经费预算表
    project_expenditure = "project_expenditure"  # 项目支出预算表（本年预算）
    project_expenditure_carryover = "project_expenditure_carryover"  # 项目支出预算表（上年结转）
    # --- regional budget variants ---
    department_financial_summary = "department_financial_summary"  # 部门财务收支预算总表 (Shanghai)
    fiscal_appropriation_expenditure = "fiscal_appropriation_expenditure"  # 财政拨款支出预算表
    fiscal_appropriation_basic_economic = "fiscal_appropriation_basic_economic"  # 财政拨款基本支出预算表（经济科目）
    state_capital_operation_expenditure = "state_capital_operation_expenditure"  # 国有资本经营预算支出表
    three_public_and_agency_operating = "three_public_and_agency_operating"  # “三公”经费和机关运行经费预算表
    government_procurement = "government_procurement"  # 政府采购预算表
    # --- 决算 tables (final accounts) ---
    final_revenue_expenditure_summary = "final_revenue_expenditure_summary"  # 收入支出决算总表
    final_revenue = "final_revenue"  # 收入决算表
    final_expenditure = "final_expenditure"  # 支出决算表
    final_fiscal_appropriation_summary = "final_fiscal_appropriation_summary"  # 财政拨款收入支出决算总表
    final_general_public_budget_expenditure = "final_general_public_budget_expenditure"  # 一般公共预算财政拨款支出决算表
    final_general_public_budget_basic = "final_general_public_budget_basic"  # 一般公共预算财政拨款基本支出决算表
    final_three_public_expenses = "final_three_public_expenses"  # 财政拨款“三公”经费支出决算表
    final_government_fund = "final_government_fund"  # 政府性基金预算财政拨款收入支出决算表
    final_state_capital_operation = "final_state_capital_operation"  # 国有资本经营预算财政拨款收入支出决算表
    other = "other"


#: Chinese name of each table type as the documents usually print it (without year or department).
TABLE_TYPE_NAMES: dict[TableType, str] = {
    TableType.revenue_expenditure_summary: "预算收支总表",
    TableType.revenue_summary: "预算收入总表",
    TableType.expenditure_summary: "预算支出总表",
    TableType.fiscal_appropriation_summary: "财政拨款收支总表",
    TableType.general_public_budget_expenditure: "一般公共预算支出预算表",
    TableType.general_public_budget_basic_economic: "一般公共预算安排基本支出分经济科目表",
    TableType.government_fund_revenue: "政府性基金预算收入表",
    TableType.government_fund_expenditure: "政府性基金预算支出表",
    TableType.state_capital_operation: "国有资本经营预算收支预算表",
    TableType.three_public_expenses: "财政拨款安排“三公”经费支出预算表",
    TableType.agency_operating_expenses: "财政拨款安排机关运行经费预算表",
    TableType.project_expenditure: "项目支出预算表（本年预算）",
    TableType.project_expenditure_carryover: "项目支出预算表（上年结转）",
    TableType.department_financial_summary: "部门财务收支预算总表",
    TableType.fiscal_appropriation_expenditure: "财政拨款支出预算表",
    TableType.fiscal_appropriation_basic_economic: "财政拨款基本支出预算表（经济科目）",
    TableType.state_capital_operation_expenditure: "国有资本经营预算支出功能分类预算表",
    TableType.three_public_and_agency_operating: "“三公”经费和机关运行经费预算表",
    TableType.government_procurement: "政府采购预算表",
    TableType.final_revenue_expenditure_summary: "收入支出决算总表",
    TableType.final_revenue: "收入决算表",
    TableType.final_expenditure: "支出决算表",
    TableType.final_fiscal_appropriation_summary: "财政拨款收入支出决算总表",
    TableType.final_general_public_budget_expenditure: "一般公共预算财政拨款支出决算表",
    TableType.final_general_public_budget_basic: "一般公共预算财政拨款基本支出决算表",
    TableType.final_three_public_expenses: "财政拨款“三公”经费支出决算表",
    TableType.final_government_fund: "政府性基金预算财政拨款收入支出决算表",
    TableType.final_state_capital_operation: "国有资本经营预算财政拨款收入支出决算表",
    TableType.other: "其他",
}


class Column(str, Enum):
    """Canonical amount columns; a table maps its printed headers onto these.

    The printed header stays on the cell; this is what checks and analysts key on.
    """

    total = "total"  # 合计 / 小计 / 金额 / 2026年预算数
    basic_expenditure = "basic_expenditure"  # 基本支出
    project_expenditure = "project_expenditure"  # 项目支出
    personnel = "personnel"  # 人员经费
    public_funds = "public_funds"  # 公用经费
    general_public_budget = "general_public_budget"  # 一般公共预算
    government_fund = "government_fund"  # 政府性基金（预算）
    state_capital = "state_capital"  # 国有资本经营预算
    special_account = "special_account"  # 财政专户管理资金
    unit_funds = "unit_funds"  # 单位资金
    fiscal_appropriation = "fiscal_appropriation"  # 财政拨款（小计）
    business_income = "business_income"  # 事业收入
    operating_income = "operating_income"  # 事业单位经营收入 / 经营收入
    other_income = "other_income"  # 其他收入
    current_year = "current_year"  # 当年预算安排 / 本年收入
    carryover = "carryover"  # 上年结转（安排）
    year_end_carryover = "year_end_carryover"  # 年末结转和结余
    initial_budget = "initial_budget"  # 年初预算数
    adjusted_budget = "adjusted_budget"  # 全年预算数 / 调整预算数
    final_amount = "final_amount"  # 决算数
    # 三公经费 columns (when items are columns, as in Shanghai and Jiangsu tables)
    overseas_travel = "overseas_travel"  # 因公出国（境）费
    official_reception = "official_reception"  # 公务接待费
    vehicle_total = "vehicle_total"  # 公务用车购置及运行费
    vehicle_purchase = "vehicle_purchase"  # 公务用车购置费
    vehicle_operation = "vehicle_operation"  # 公务用车运行维护费
    agency_operating = "agency_operating"  # 机关运行经费


class CardType(str, Enum):
    """Kind of performance card (绩效目标表)."""

    department = "department"  # 部门（单位）整体支出绩效目标申报表
    project = "project"  # 项目支出绩效目标表 / 财政项目支出绩效目标申报表


class IndicatorScope(str, Enum):
    """Which goal an indicator belongs to on a project card: 实施期目标 or 年度目标."""

    period = "period"  # 实施期
    annual = "annual"  # 年度


class Comparator(str, Enum):
    """Comparator of a parsed indicator value (指标值)."""

    lt = "<"
    le = "≤"
    eq = "="
    ge = "≥"
    gt = ">"
    approx = "≈"  # 约 …


class IndicatorValueKind(str, Enum):
    """What an indicator value is: a number (with unit), a percentage, a date/deadline, or text."""

    number = "number"
    percent = "percent"
    date = "date"
    text = "text"
    empty = "empty"
