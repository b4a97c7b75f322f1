"""Accounting checks on a DisclosureDocument: the identities (:mod:`budgetdoc.checks.identities`), run
as a declarative rulebook (:mod:`budgetdoc.checks.rules`), and their coverage of injected errors
(:mod:`budgetdoc.checks.coverage`)."""

from budgetdoc.checks.identities import DEFAULT_TOLERANCE, RULES, check_document, summarize
from budgetdoc.checks.rules import RULEBOOK, Rule, report, rule_catalogue

__all__ = ["DEFAULT_TOLERANCE", "RULEBOOK", "RULES", "Rule", "check_document", "report", "rule_catalogue", "summarize"]
