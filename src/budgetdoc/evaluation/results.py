"""Typed results of the evaluator: counts that add up, per table, per card, per document, per dataset.

Every rate is computed from pooled counts (micro average) and is ``None`` when nothing was there to
count (no numeric cell, no indicator …), never a made-up 1.0 or 0.0.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field


class _M(BaseModel):
    model_config = ConfigDict(extra="forbid")


def rate(correct: int, total: int) -> float | None:
    """``correct / total``, or ``None`` when ``total`` is 0."""
    return correct / total if total else None


class CellCounts(_M):
    """Truth cells by kind and how many the prediction got right; edits and characters for CER."""

    numeric_total: int = 0
    numeric_correct: int = 0
    text_total: int = 0
    text_correct: int = 0
    empty_total: int = 0
    empty_correct: int = 0
    cer_edits: int = 0
    cer_chars: int = 0

    def __add__(self, other: CellCounts) -> CellCounts:
        return CellCounts(**{k: getattr(self, k) + getattr(other, k) for k in CellCounts.model_fields})

    @property
    def numeric_accuracy(self) -> float | None:
        return rate(self.numeric_correct, self.numeric_total)

    @property
    def text_accuracy(self) -> float | None:
        return rate(self.text_correct, self.text_total)

    @property
    def empty_accuracy(self) -> float | None:
        return rate(self.empty_correct, self.empty_total)

    @property
    def cer(self) -> float | None:
        """Character error rate: edits over truth characters (``None`` when the truth has none)."""
        return self.cer_edits / self.cer_chars if self.cer_chars else None

    @property
    def cells(self) -> int:
        return self.numeric_total + self.text_total + self.empty_total


class PRF(_M):
    """True positives, predicted and truth counts of a set comparison; P/R/F1 from them.

    Empty cases: nothing predicted → precision 1.0 (nothing wrong was said); nothing to find →
    recall 1.0; F1 is 1.0 when both are empty and 0.0 whenever ``tp`` is 0 otherwise.
    """

    model_config = ConfigDict(extra="ignore")  # the rates come back from JSON: recomputed, not read

    tp: int = 0
    n_pred: int = 0
    n_gt: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(tp=self.tp + other.tp, n_pred=self.n_pred + other.n_pred, n_gt=self.n_gt + other.n_gt)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float:
        return self.tp / self.n_gt if self.n_gt else 1.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float:
        if self.n_pred == 0 and self.n_gt == 0:
            return 1.0
        if self.tp == 0:
            return 0.0
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r)


class CellError(_M):
    """One truth cell the prediction got wrong, with where it is on the page."""

    document: str = ""
    table: str = ""
    row: int
    col: int
    kind: Literal["numeric", "text", "empty"]
    truth: str
    pred: str
    distance: int = Field(description="edit distance between the folded texts")
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = Field(default=None, description="l, t, r, b in points")


class TableResult(_M):
    """A truth table and what the prediction made of it."""

    id: str
    title: str
    table_type: str | None = None
    pages: list[int] = Field(default_factory=list)
    matched: bool = False
    pred_id: str | None = None
    pred_title: str | None = None
    pred_table_type: str | None = None
    similarity: float = 0.0
    matched_by: Literal["content", "title", "none"] = "none"
    title_correct: bool | None = Field(default=None, description="None: the prediction format has no titles")
    type_correct: bool | None = Field(default=None, description="None: the prediction format has no types")
    alignment: str = Field(default="none", description="how rows/columns were paired: positional or dp")
    cells: CellCounts = Field(default_factory=CellCounts)
    teds: float = 0.0
    teds_struct: float = 0.0
    grits_con: float | None = None
    row_mode: Literal["typed", "grid", "n/a"] = "n/a"
    rows_total: int = 0
    rows_correct: int = 0


class CardResult(_M):
    """A truth card and what the prediction made of it."""

    id: str
    title: str
    card_type: str
    matched: bool = False
    pred_id: str | None = None
    fields_total: int = 0
    fields_correct: int = 0
    field_errors: list[tuple[str, str, str]] = Field(
        default_factory=list, description="(field, truth, prediction) of every wrong field")
    indicators: PRF = Field(default_factory=PRF)
    indicators_parsed: PRF = Field(default_factory=PRF)
    missed_indicators: list[str] = Field(default_factory=list, description="truth indicators not predicted")
    invented_indicators: list[str] = Field(default_factory=list, description="predicted, not in the truth")


class DocumentResult(_M):
    """One truth document scored against its prediction (or counted as missing/unreadable)."""

    id: str
    origin: str | None = None
    preset: str | None = None
    dpi: float | None = None
    style: str | None = None
    status: Literal["scored", "missing", "unreadable"]
    reason: str | None = None
    pred_format: Literal["json", "html", "csv"] | None = None
    pred_path: str | None = None
    tables: list[TableResult] = Field(default_factory=list)
    pred_tables: int = 0
    false_positive_tables: list[str] = Field(
        default_factory=list, description="predicted tables matched to no truth table (id: why)")
    card_form_tables: list[str] = Field(
        default_factory=list, description="predicted tables that are a truth card's form (not counted)")
    cards: list[CardResult] = Field(default_factory=list)
    pred_cards: int = 0
    unmatched_pred_indicators: int = Field(default=0, description="indicators of predicted cards paired with no truth card")
    rows_applicable: bool = True
    cards_applicable: bool = True
    figures: PRF | None = Field(default=None, description="narrative figures (kind, value, unit, label); "
                                "None: the truth has no narrative sections or the prediction format none")
    figure_values: PRF | None = Field(default=None, description="narrative figures on kind, value and unit alone")
    missed_figures: list[str] = Field(default_factory=list, description="truth figures not found (capped)")
    invented_figures: list[str] = Field(default_factory=list, description="predicted figures matching none (capped)")
    worst_cells: list[CellError] = Field(default_factory=list, description="the worst wrong cells, capped")
    seconds: float = 0.0


class Breakdown(_M):
    """Pooled scores of one group (a table type, a preset, a dpi, an origin)."""

    model_config = ConfigDict(extra="ignore")  # the rates come back from JSON: recomputed, not read

    key: str
    documents: int = 0
    tables: int = 0
    tables_found: int = 0
    cells: CellCounts = Field(default_factory=CellCounts)
    teds_sum: float = 0.0
    teds_struct_sum: float = 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def numeric_cell_accuracy(self) -> float | None:
        return self.cells.numeric_accuracy

    @computed_field  # type: ignore[prop-decorator]
    @property
    def text_cell_accuracy(self) -> float | None:
        return self.cells.text_accuracy

    @computed_field  # type: ignore[prop-decorator]
    @property
    def empty_cell_accuracy(self) -> float | None:
        return self.cells.empty_accuracy

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cer(self) -> float | None:
        return self.cells.cer

    @computed_field  # type: ignore[prop-decorator]
    @property
    def table_recall(self) -> float | None:
        return rate(self.tables_found, self.tables)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def teds(self) -> float | None:
        return self.teds_sum / self.tables if self.tables else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def teds_struct(self) -> float | None:
        return self.teds_struct_sum / self.tables if self.tables else None


class Problem(_M):
    """A prediction that could not be scored (or a truth that could not be read), and why."""

    document: str
    status: Literal["missing", "unreadable", "truth_unreadable"]
    reason: str


class Summary(_M):
    """The dataset's headline numbers (the top level of ``--json``)."""

    numeric_cell_accuracy: float | None = None
    text_cell_accuracy: float | None = None
    empty_cell_accuracy: float | None = None
    cer: float | None = None
    table_recall: float | None = None
    table_precision: float | None = None
    title_accuracy: float | None = None
    table_type_accuracy: float | None = None
    teds: float | None = None
    teds_struct: float | None = None
    grits_con: float | None = None
    row_accuracy: float | None = None
    card_field_accuracy: float | None = None
    indicator_precision: float | None = None
    indicator_recall: float | None = None
    indicator_f1: float | None = None
    indicator_parsed_f1: float | None = None
    figure_precision: float | None = None
    figure_recall: float | None = None
    figure_f1: float | None = None
    figure_value_f1: float | None = None
    documents: int = 0
    scored_documents: int = 0
    missing_predictions: int = 0
    unreadable_predictions: int = 0
    truth_tables: int = 0
    predicted_tables: int = 0
    matched_tables: int = 0
    titles_total: int = 0
    titles_correct: int = 0
    types_total: int = 0
    types_correct: int = 0
    cells: CellCounts = Field(default_factory=CellCounts)
    rows_total: int = 0
    rows_correct: int = 0
    card_fields_total: int = 0
    card_fields_correct: int = 0
    indicators: PRF = Field(default_factory=PRF)
    indicators_parsed: PRF = Field(default_factory=PRF)
    figures: PRF = Field(default_factory=PRF)
    figure_values: PRF = Field(default_factory=PRF)
    grid_only_documents: list[str] = Field(
        default_factory=list, description="predicted as HTML/CSV: row and card metrics do not apply")


class EvaluationResult(_M):
    """Everything one evaluation run found: summary, breakdowns, problems, per-document results."""

    schema_name: Literal["budgetdoc.evaluation"] = "budgetdoc.evaluation"
    version: str = "1.0.0"
    truth: str
    pred: str
    summary: Summary
    breakdowns: dict[str, list[Breakdown]] = Field(default_factory=dict)
    problems: list[Problem] = Field(default_factory=list)
    worst_cells: list[CellError] = Field(default_factory=list)
    per_document: list[DocumentResult] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)
