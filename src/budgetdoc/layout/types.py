"""Typed input and output of the layout stage: text lines in, labelled blocks and table contexts out."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

BoxPx = tuple[float, float, float, float]

BlockKind = Literal[
    "title",  # a table's or card's printed title, "2026年部门收支总表"
    "table_label",  # "预算公开表1", "公开06表"
    "department_line",  # "部门名称：…", "编制部门：…" (may carry the unit as well)
    "unit_line",  # "单位：万元"
    "page_number",  # "— 3 —", "第3页"
    "note",  # "注：本表无数据" under a table
    "heading",  # a section heading of the narrative, "第三部分 …", "一、…"
    "text",  # any other line
]


class TextLine(BaseModel):
    """One line of text on the upright page image (pixels), read by OCR or from a text layer."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    box_px: BoxPx
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    source: Literal["ocr", "text_layer"] = "ocr"

    @property
    def height(self) -> float:
        return self.box_px[3] - self.box_px[1]

    @property
    def center_x(self) -> float:
        return (self.box_px[0] + self.box_px[2]) / 2


class LayoutBlock(BaseModel):
    """A line with its layout role; ``table`` is the index of the page table it belongs to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: BlockKind
    line: TextLine
    table: int | None = None


class TableContext(BaseModel):
    """What is printed around one table of a page: its title (empty when the table continues from
    the previous page), the lines between the title and the table (label, 部门名称, 单位), and the
    notes under it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = ""
    title_box: BoxPx | None = None
    context_lines: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    is_card: bool = False

    @property
    def continues_previous(self) -> bool:
        """No title and no label above the table: it carries on from the previous page."""
        return not self.title


class PageLayout(BaseModel):
    """The layout of one page: every line's role, each table's context (in table order), and the
    regions that look like a table with no rules (a title and aligned lines under it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    blocks: list[LayoutBlock] = Field(default_factory=list)
    tables: list[TableContext] = Field(default_factory=list)
    borderless_regions: list[BoxPx] = Field(default_factory=list)

    def lines_of(self, *kinds: BlockKind) -> list[TextLine]:
        return [b.line for b in self.blocks if b.kind in kinds]
