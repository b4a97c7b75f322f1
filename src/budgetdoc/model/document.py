"""The typed disclosure model, from page to card (pydantic v2).

One :class:`DisclosureDocument` holds a whole 部门预算/决算公开: its pages, tables, performance cards,
narrative sections and (later) the results of the accounting checks. Every extracted value carries a
:class:`Provenance` (page, box, raw text, confidence). Amounts are exact :class:`~decimal.Decimal`
values and serialise as strings, so "389.23" never becomes 389.22999999.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from budgetdoc.model.geometry import BoundingBox, PageTransform
from budgetdoc.model.vocab import (
    CardType,
    Column,
    Comparator,
    DocumentKind,
    IndicatorScope,
    IndicatorValueKind,
    SubjectLevel,
    TableType,
    Unit,
)

SCHEMA_NAME = "budgetdoc.document"
SCHEMA_VERSION = "1.1.0"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False)


# --------------------------------------------------------------------------------------------------
# provenance


class CharCandidate(_Model):
    """One candidate character of an OCR reading, with the recogniser's probability for it."""

    char: str = Field(min_length=1, max_length=1)
    score: float = Field(ge=0.0, le=1.0)


class CharReading(_Model):
    """One character of a cell's text as the OCR read it: the character, its probability, and the
    recogniser's other candidates at that position, best first (the character itself left out).

    The repair search reads these: "187.31" whose "8" had "3" at 0.3 is a cheap change to "137.31".
    """

    char: str = Field(min_length=1, max_length=1)
    score: float | None = Field(default=None, ge=0.0, le=1.0)
    alternatives: list[CharCandidate] = Field(default_factory=list)


CheckStatus = Literal["confirmed", "contradicted", "repaired", "unchecked"]


class Provenance(_Model):
    """Where a value came from: page (1-based), box on that page, the raw text read, and confidence.

    ``source`` says what produced it: ``label`` (drawn by the generator: truth), ``text_layer`` (a
    born-digital PDF), ``ocr`` (an OCR engine), ``manual`` (typed by a person), ``repair`` (changed
    by the checks). ``confidence`` is the reader's own (OCR score; 1.0 for a text layer);
    ``check_status`` and ``verified_confidence`` add what the accounting identities say about the
    value (filled by the checks, see :mod:`budgetdoc.checks.confidence`).
    """

    page: int | None = Field(default=None, ge=1)
    bbox: BoundingBox | None = None
    raw_text: str | None = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    source: Literal["label", "text_layer", "ocr", "manual", "repair"] | None = None
    chars: list[CharReading] | None = Field(
        default=None,
        description="per-character OCR readings of the cell's text (one per character) with their alternatives "
                    "(amount cells)",
    )
    check_status: CheckStatus | None = Field(
        default=None,
        description="confirmed: every identity it takes part in holds; contradicted: one fails; "
                    "repaired: changed by the checks; unchecked: no identity covers it",
    )
    verified_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0, description="confidence combining the reader's score and the check status"
    )


# --------------------------------------------------------------------------------------------------
# pages and source


class SourceFile(_Model):
    """The input file a document was read from."""

    path: str
    sha256: str | None = None
    media_type: str | None = None
    page_count: int | None = Field(default=None, ge=0)


class Page(_Model):
    """One page: its size in points, the raster dpi used, and the transform to the delivered image."""

    number: int = Field(ge=1, description="1-based page number in the source file")
    width: float = Field(gt=0, description="upright page width in points")
    height: float = Field(gt=0, description="upright page height in points")
    dpi: float | None = Field(default=None, gt=0, description="raster resolution of the page image")
    rotation_applied: int = Field(
        default=0, description="rotation (0/90/180/270) the reader applied to make the page upright"
    )
    skew_corrected: float = Field(default=0.0, description="deskew angle the reader applied (degrees)")
    transform: PageTransform | None = Field(
        default=None, description="upright points -> pixels of the delivered image (labels, overlays)"
    )
    image: str | None = Field(default=None, description="path of the page image, relative to the JSON")
    has_text_layer: bool | None = None
    orientation: Literal["portrait", "landscape"] | None = None


# --------------------------------------------------------------------------------------------------
# tables


class TableCell(_Model):
    """One cell of a table grid: text as printed, grid position with spans, box, header flags.

    A merged cell is one :class:`TableCell` with ``row_span``/``col_span`` > 1 (never repeated
    objects). ``row`` and ``col`` are 0-based offsets in the table's grid, header rows included.
    """

    text: str = ""
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    column_header: bool = False
    row_header: bool = False
    provenance: Provenance | None = None

    @property
    def row_end(self) -> int:
        return self.row + self.row_span

    @property
    def col_end(self) -> int:
        return self.col + self.col_span


class HeaderNode(_Model):
    """A header cell in the header tree: children are the header cells directly beneath it."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    children: list[HeaderNode] = Field(default_factory=list)


class ColumnSpec(_Model):
    """What one grid column holds: its printed header path and the canonical meaning."""

    index: int = Field(ge=0)
    header: list[str] = Field(default_factory=list, description="printed header texts, top to bottom")
    column: Column | None = Field(default=None, description="canonical amount column, when it is one")
    role: Literal[
        "subject_code", "subject_code_lei", "subject_code_kuan", "subject_code_xiang",
        "subject_name", "economic_code", "economic_name", "government_economic_name",
        "project_name", "item", "amount", "unit_name", "serial", "text",
    ] | None = None
    side: Literal["revenue", "expenditure"] | None = Field(
        default=None, description="for two-sided summary tables: 收入 or 支出 side"
    )


class SubjectRow(_Model):
    """A row keyed by a 支出功能分类科目 (subject code with level 类/款/项) and its name."""

    kind: Literal["subject"] = "subject"
    grid_row: int = Field(ge=0, description="row index in the table grid")
    subject_code: str | None = Field(default=None, description="whole code, e.g. 2010350 (项)")
    subject_level: SubjectLevel | None = None
    subject_name: str = ""
    is_total: bool = Field(default=False, description="the 合计 row")
    amounts: dict[Column, Decimal | None] = Field(default_factory=dict)


class EconomicRow(_Model):
    """A row of an economic-classification table (部门预算支出经济分类 / 政府预算支出经济分类)."""

    kind: Literal["economic"] = "economic"
    grid_row: int = Field(ge=0)
    economic_code: str | None = Field(default=None, description="e.g. 30101; 3 digits = 类, 5 = 款")
    economic_level: SubjectLevel | None = None
    economic_name: str = ""
    government_economic_code: str | None = None
    government_economic_name: str | None = None
    is_total: bool = False
    amounts: dict[Column, Decimal | None] = Field(default_factory=dict)


class ProjectRow(_Model):
    """A row of a project-expenditure table (项目支出预算表): department, unit or project."""

    kind: Literal["project"] = "project"
    grid_row: int = Field(ge=0)
    project_name: str
    level: Literal["department", "unit", "project", "total"] = "project"
    subject_code: str | None = None
    amounts: dict[Column, Decimal | None] = Field(default_factory=dict)


class ItemRow(_Model):
    """A labelled line item: one side of a 收支总表 row, a 三公经费 item, a 机关运行经费 line."""

    kind: Literal["item"] = "item"
    grid_row: int = Field(ge=0)
    side: Literal["revenue", "expenditure"] | None = None
    label: str
    is_total: bool = False
    amounts: dict[Column, Decimal | None] = Field(default_factory=dict)


TableRow = Annotated[Union[SubjectRow, EconomicRow, ProjectRow, ItemRow], Field(discriminator="kind")]


class CellGrid(_Model):
    """A grid of cells with explicit spans: the layout of a table, or of a card's form.

    ``cells`` is the source of truth; ``grid`` and ``header`` are derived from it and validated:
    every cell lies inside ``num_rows`` x ``num_cols`` and no two cells overlap.
    """

    num_rows: int = Field(default=0, ge=0)
    num_cols: int = Field(default=0, ge=0)
    header_rows: int = Field(default=0, ge=0, description="number of leading grid rows that are header")
    cells: list[TableCell] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cells_fit(self) -> CellGrid:
        seen: dict[tuple[int, int], int] = {}
        for i, c in enumerate(self.cells):
            if c.row_end > self.num_rows or c.col_end > self.num_cols:
                raise ValueError(f"cell {i} ({c.row},{c.col}) spans outside the {self.num_rows}x{self.num_cols} grid")
            for r in range(c.row, c.row_end):
                for k in range(c.col, c.col_end):
                    if (r, k) in seen:
                        raise ValueError(f"cells {seen[(r, k)]} and {i} overlap at ({r},{k})")
                    seen[(r, k)] = i
        return self

    @computed_field  # type: ignore[prop-decorator]
    @property
    def grid(self) -> list[list[str]]:
        """Rows of cell text, header rows included; a merged cell's text fills every slot it spans."""
        g = [["" for _ in range(self.num_cols)] for _ in range(self.num_rows)]
        for c in self.cells:
            for r in range(c.row, c.row_end):
                for k in range(c.col, c.col_end):
                    g[r][k] = c.text
        return g

    @computed_field  # type: ignore[prop-decorator]
    @property
    def header(self) -> list[HeaderNode]:
        """The header as a tree of merged cells: roots are the top header row's cells."""
        heads = sorted((c for c in self.cells if c.column_header), key=lambda c: (c.row, c.col))
        nodes = [HeaderNode(text=c.text, row=c.row, col=c.col, row_span=c.row_span, col_span=c.col_span)
                 for c in heads]
        roots: list[HeaderNode] = []
        for i, c in enumerate(heads):
            # parent: the header cell ending right above c whose columns cover c's
            parent = next((j for j, p in enumerate(heads)
                           if p.row_end == c.row and p.col <= c.col and c.col_end <= p.col_end), None)
            (nodes[parent].children if parent is not None else roots).append(nodes[i])
        return roots

    def cell_at(self, row: int, col: int) -> TableCell | None:
        for c in self.cells:
            if c.row <= row < c.row_end and c.col <= col < c.col_end:
                return c
        return None

    def to_dataframe(self, *, header: bool = True) -> Any:
        """The grid as a pandas DataFrame; header rows become a (Multi)Index of column labels."""
        import pandas as pd

        grid = self.grid
        n = min(self.header_rows, self.num_rows) if header else 0
        body = grid[n:]
        if n == 0:
            return pd.DataFrame(body)
        cols: Any = grid[0] if n == 1 else pd.MultiIndex.from_arrays([grid[r] for r in range(n)])
        return pd.DataFrame(body, columns=cols)


class Table(CellGrid):
    """A disclosure table, possibly spanning several pages.

    ``rows`` are the typed reading of the body rows. An empty table (本表无数据) has ``is_empty`` and
    its note.
    """

    id: str = Field(description="stable id within the document, e.g. t01")
    title: str = Field(description="title as printed, e.g. 2026年预算收支总表")
    table_type: TableType
    label: str | None = Field(default=None, description="printed table label, e.g. 预算公开表1, 公开01表")
    department: str | None = Field(default=None, description="the 部门名称/编制部门 line")
    unit: Unit | None = None
    pages: list[int] = Field(default_factory=list)
    columns: list[ColumnSpec] = Field(default_factory=list)
    rows: list[TableRow] = Field(default_factory=list)
    is_empty: bool = Field(default=False, description="the table states it has no data (本表无数据)")
    notes: list[str] = Field(default_factory=list, description="notes printed under the table, e.g. 注：本表无数据")
    title_provenance: Provenance | None = None
    bbox_by_page: dict[int, BoundingBox] = Field(
        default_factory=dict, description="the table's box on each page it covers"
    )


# --------------------------------------------------------------------------------------------------
# performance cards


class IndicatorValue(_Model):
    """A parsed 指标值: comparator, number and unit, or free text ("及时", "2027年12月底前")."""

    raw: str
    kind: IndicatorValueKind
    comparator: Comparator | None = None
    number: Decimal | None = None
    unit: str | None = None
    text: str | None = Field(default=None, description="the text when the value is not a number")


class IndicatorRow(_Model):
    """One performance indicator (绩效指标): 一级/二级/三级指标 and 指标值, merged levels carried down."""

    level1: str = ""
    level2: str = ""
    level3: str = ""
    value: str = Field(default="", description="指标值 as printed")
    parsed: IndicatorValue | None = None
    scope: IndicatorScope | None = Field(default=None, description="实施期 or 年度 (project cards)")
    provenance: Provenance | None = None


class FundLine(_Model):
    """Funds from one source (资金来源) or for one direction, for the period and/or the year."""

    source: str = Field(description="as printed, e.g. 市县(区)财政资金, 一般公共预算资金, 基本支出")
    canonical: Literal[
        "total", "central", "provincial", "municipal_county", "self_raised", "other",
        "general_public_budget", "government_fund", "state_capital", "social_insurance_fund",
        "special_account", "basic_expenditure", "project_expenditure", "unknown",
    ] = "unknown"
    direction: bool = Field(default=False, description="a by-direction line (按资金方向) not a source")
    period_amount: Decimal | None = Field(default=None, description="实施期资金 (project cards)")
    annual_amount: Decimal | None = Field(default=None, description="年度资金")
    provenance: Provenance | None = None


class KeyTask(_Model):
    """A 年度重点任务 row of a department card: 核心职能 and its 重点任务."""

    function: str
    task: str


class CardField(_Model):
    """A key/value pair as printed on the card (every field, including ones not typed below)."""

    key: str
    value: str
    provenance: Provenance | None = None


class PerformanceCard(_Model):
    """A performance-goal card (绩效目标表): department (整体支出) or project (项目支出).

    Typed fields cover what the cards commonly print; ``fields`` keeps every key/value as printed.
    Funds are in ``funds_unit`` (project cards print 元, department cards often 万元).
    """

    id: str
    card_type: CardType
    title: str
    year: int | None = None
    pages: list[int] = Field(default_factory=list)
    # identity
    project_name: str | None = Field(default=None, description="项目名称")
    department_name: str | None = Field(default=None, description="部门名称 / 主管部门")
    department_code: str | None = Field(default=None, description="部门代码, e.g. 608")
    implementing_unit: str | None = Field(default=None, description="实施单位")
    project_attribute: str | None = Field(default=None, description="项目属性")
    project_period: str | None = Field(default=None, description="项目期")
    # department card facts
    internal_divisions: str | None = Field(default=None, description="内设职能部门数")
    subordinate_units: str | None = Field(default=None, description="所属预算单位数")
    authorized_staff: str | None = Field(default=None, description="核定的人员编制数")
    actual_staff: str | None = Field(default=None, description="实际在职人员总数")
    established_staff: str | None = Field(default=None, description="其中:在编人员数")
    other_staff: str | None = Field(default=None, description="其他人员数")
    responsibilities: str | None = Field(default=None, description="部门职责")
    strategic_goal: str | None = Field(default=None, description="部门战略目标")
    key_tasks: list[KeyTask] = Field(default_factory=list, description="年度重点任务")
    # funds
    funds_unit: Unit | None = None
    funds: list[FundLine] = Field(default_factory=list)
    # narrative fields (project cards)
    overview: str | None = Field(default=None, description="项目概况")
    basis: str | None = Field(default=None, description="立项依据")
    necessity: str | None = Field(default=None, description="项目设立必要性")
    safeguards: str | None = Field(default=None, description="保证项目实施的制度、措施")
    plan: str | None = Field(default=None, description="项目实施计划")
    period_goal: str | None = Field(default=None, description="实施期目标 / 总体目标")
    annual_goal: str | None = Field(default=None, description="年度目标 / 年度绩效目标")
    indicators: list[IndicatorRow] = Field(default_factory=list)
    fields: list[CardField] = Field(default_factory=list)
    form: CellGrid | None = Field(default=None, description="the card's printed form as a cell grid, when known")

    def fund(self, canonical: str) -> FundLine | None:
        return next((f for f in self.funds if f.canonical == canonical), None)


# --------------------------------------------------------------------------------------------------
# narrative


class StatedFigure(_Model):
    """A figure stated in the narrative text: 基本支出200.14万元, 占51.42%, 增长9.92%."""

    text: str = Field(description="the phrase as printed")
    label: str | None = Field(default=None, description="what it measures, e.g. 基本支出")
    kind: Literal["amount", "share", "change_amount", "change_percent", "count", "other"]
    value: Decimal
    unit: str | None = Field(default=None, description="万元, 元, %, 个, 辆 …")
    provenance: Provenance | None = None


class NarrativeSection(_Model):
    """A narrative section (第一部分 概况, 第三部分 情况说明 …) with the figures it states."""

    part: str | None = Field(default=None, description="e.g. 第三部分")
    heading: str
    text: str = ""
    figures: list[StatedFigure] = Field(default_factory=list)
    pages: list[int] = Field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# checks (filled by the verification stage)


class CellRef(_Model):
    """A pointer to one cell: table id, grid position, and where it is on the page."""

    table_id: str | None = None
    card_id: str | None = None
    row: int | None = None
    col: int | None = None
    field: str | None = None
    page: int | None = None
    bbox: BoundingBox | None = None


class CheckResult(_Model):
    """The outcome of one accounting rule on one instance (e.g. one parent row)."""

    rule_id: str
    status: Literal["passed", "failed", "skipped"]
    description: str | None = None
    expected: Decimal | None = None
    found: Decimal | None = None
    cells: list[CellRef] = Field(default_factory=list)
    terms: list[Decimal | None] = Field(
        default_factory=list,
        description="each cell's value as compared (in the compared unit; blank = None), aligned with cells: "
                    "found = the first, expected = the sum of the rest",
    )
    tolerance: Decimal | None = Field(default=None, description="the rounding (尾差) admitted, in the compared unit")
    message: str | None = None


class Repair(_Model):
    """A value changed by the checks: original, repaired, and the rule that forced it."""

    cell: CellRef
    original: str
    repaired: str
    rule_id: str
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    rule_ids: list[str] = Field(default_factory=list, description="every identity the change made hold")
    evidence: str | None = Field(default=None, description="why this change: the edit and what it fixed")


class ReviewItem(_Model):
    """A cell a person should look at, most doubtful first: why, and how sure the value is."""

    cell: CellRef
    text: str = ""
    reason: Literal["contradicted", "repaired", "low_confidence", "unchecked"]
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    rule_ids: list[str] = Field(default_factory=list)


class ProcessingError(_Model):
    """A structured error: stage, message, file, page."""

    stage: str
    message: str
    file: str | None = None
    page: int | None = None


# --------------------------------------------------------------------------------------------------
# document


class DisclosureDocument(_Model):
    """A whole 部门预算/决算公开 disclosure."""

    schema_name: Literal["budgetdoc.document"] = SCHEMA_NAME
    version: str = SCHEMA_VERSION
    title: str | None = Field(default=None, description="e.g. 2026年度部门预算公开")
    department: str | None = Field(default=None, description="部门名称")
    year: int | None = Field(default=None, ge=1990, le=2100)
    kind: DocumentKind | None = None
    region: str | None = Field(default=None, description="province/city when known, e.g. 山西省晋城市")
    source: SourceFile | None = None
    pages: list[Page] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    cards: list[PerformanceCard] = Field(default_factory=list)
    sections: list[NarrativeSection] = Field(default_factory=list)
    checks: list[CheckResult] = Field(default_factory=list)
    repairs: list[Repair] = Field(default_factory=list)
    review: list[ReviewItem] = Field(default_factory=list, description="cells to check first, most doubtful first")
    errors: list[ProcessingError] = Field(default_factory=list)
    producer: str | None = Field(default=None, description="what wrote this: generator, extractor, version")

    def table(self, table_type: TableType) -> Table | None:
        return next((t for t in self.tables if t.table_type == table_type), None)
