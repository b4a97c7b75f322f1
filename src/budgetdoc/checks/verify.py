"""The verification stage: check the identities, repair what they single out, score every value.

``verify_document`` is what ``budgetdoc extract`` runs after structuring, and what ``budgetdoc
check --repair`` runs on any document JSON: the identities (:mod:`budgetdoc.checks.identities`),
the repair search (:mod:`budgetdoc.checks.repair`), then each amount's check status and combined
confidence and the review list (:mod:`budgetdoc.checks.confidence`).
"""

from __future__ import annotations

from decimal import Decimal

from budgetdoc.checks.confidence import assign_confidence, review_list
from budgetdoc.checks.identities import DEFAULT_TOLERANCE, check_document
from budgetdoc.checks.repair import RepairReport, repair_document
from budgetdoc.model.document import DisclosureDocument

__all__ = ["verify_document"]


def verify_document(doc: DisclosureDocument, tolerance: Decimal = DEFAULT_TOLERANCE, *,
                    repair: bool = True) -> RepairReport:
    """Check ``doc`` (in place): ``checks``, ``repairs`` (when ``repair``), per-value check status and
    confidence, and ``review``. Returns the repair report (no repairs when ``repair`` is False)."""
    if repair:
        report = repair_document(doc, tolerance)
    else:
        doc.checks = check_document(doc, tolerance)
        report = RepairReport(failed_before=sum(r.status == "failed" for r in doc.checks), results=doc.checks)
        report.failed_after = report.failed_before
    assign_confidence(doc)
    doc.review = review_list(doc)
    return report
