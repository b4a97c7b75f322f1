"""The typed document model: geometry, vocabularies, and the disclosure document."""

from budgetdoc.model.document import *  # noqa: F401,F403
from budgetdoc.model.document import SCHEMA_NAME, SCHEMA_VERSION
from budgetdoc.model.geometry import BoundingBox, PageTransform
from budgetdoc.model.io import document_json_schema, dump_document, load_document
from budgetdoc.model.vocab import (
    TABLE_TYPE_NAMES,
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

__all__ = [
    "SCHEMA_NAME", "SCHEMA_VERSION", "BoundingBox", "PageTransform", "document_json_schema",
    "dump_document", "load_document", "TABLE_TYPE_NAMES", "CardType", "Column", "Comparator",
    "DocumentKind", "IndicatorScope", "IndicatorValueKind", "SubjectLevel", "TableType", "Unit",
    "DisclosureDocument", "Table", "TableCell", "PerformanceCard", "IndicatorRow", "IndicatorValue",
    "FundLine", "Provenance", "Page", "SubjectRow", "EconomicRow", "ProjectRow", "ItemRow",
    "ColumnSpec", "CellGrid", "HeaderNode", "NarrativeSection", "StatedFigure", "CheckResult", "CardField",
    "KeyTask", "SourceFile", "CellRef", "Repair", "ProcessingError", "CharReading", "CharCandidate",
    "CheckStatus", "ReviewItem",
]
