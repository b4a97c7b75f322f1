"""Small, pure parsers for the text printed in budget disclosures (部门预算/决算公开).

Each function takes printed (or OCR-read) text and returns typed values from
:mod:`budgetdoc.model`; none of them does I/O except :func:`load_reference`, which reads the
packaged subject-code lists. All of them normalise their input first (:func:`normalize`: NFKC,
whitespace removed), so full-width forms and stray spaces are handled everywhere.
"""

from budgetdoc.parsing.amounts import amount_with_unit, clean_number_reading, format_amount, parse_amount
from budgetdoc.parsing.codes import (
    ancestors,
    join_split_code,
    load_reference,
    parent_code,
    parse_subject_code,
    subject_level,
)
from budgetdoc.parsing.columns import canonical_column, column_measure, normalize_header
from budgetdoc.parsing.indicators import format_indicator_value, is_date_value, is_unit, parse_indicator_value
from budgetdoc.parsing.narrative import sections_from_text, stated_figures
from budgetdoc.parsing.text import edit_distance, fuzzy_contains, normalize
from budgetdoc.parsing.titles import classify_table_title, detect_document_kind, strip_title_noise
from budgetdoc.parsing.units import parse_unit

__all__ = [
    "amount_with_unit",
    "ancestors",
    "canonical_column",
    "classify_table_title",
    "clean_number_reading",
    "column_measure",
    "detect_document_kind",
    "edit_distance",
    "format_amount",
    "format_indicator_value",
    "fuzzy_contains",
    "is_date_value",
    "is_unit",
    "join_split_code",
    "load_reference",
    "normalize",
    "normalize_header",
    "parent_code",
    "parse_amount",
    "parse_indicator_value",
    "parse_subject_code",
    "parse_unit",
    "sections_from_text",
    "stated_figures",
    "strip_title_noise",
    "subject_level",
]
