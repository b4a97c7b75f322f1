"""Accounting checks on a DisclosureDocument: identities now, the declarative rules engine later."""

from budgetdoc.checks.identities import DEFAULT_TOLERANCE, RULES, check_document, summarize

__all__ = ["DEFAULT_TOLERANCE", "RULES", "check_document", "summarize"]
