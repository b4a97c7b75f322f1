"""budgetdoc: scanned Chinese budget disclosures (部门预算/决算公开) to typed, verified data."""

__version__ = "0.1.0"
