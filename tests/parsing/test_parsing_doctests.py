"""Run the examples in the parsing modules' docstrings."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["amounts", "codes", "columns", "indicators", "text", "titles", "units"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"budgetdoc.parsing.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_public_api_is_exported() -> None:
    import budgetdoc.parsing as parsing

    for name in parsing.__all__:
        assert callable(getattr(parsing, name)), name
