"""Documentation that cannot drift: one bibliography, runnable examples, docstrings that do not repeat.

* every ``[key]_`` citation in the package is a key of ``docs/references.md``, and every key there is
  cited somewhere (the bibliography has no dead entries);
* no source cites a path outside the repository (``../shared``);
* every public theory function has an ``Examples`` section with a doctest (run by ``--doctest-modules``,
  see ``setup.cfg``) that shows an exact value (``exact=True`` or a sympy result);
* docstrings are at most half of the lines of ``theory/`` (shared blocks are filled by
  :func:`theory.core.docfill`, not pasted).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from test_theory_api import FUNCTIONS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ("theory", "numerics", "proofs", "figures", "collapse")
CITATION = re.compile(r"\[([a-z][a-z0-9]*\d{4}[a-z]*)\]_")
KEY = re.compile(r"^- \*\*\[([a-z][a-z0-9]*\d{4}[a-z]*)\]\*\*", re.M)


def _sources():
    return sorted(p for d in PACKAGE for p in (ROOT / d).rglob("*.py"))


def _bibliography():
    return set(KEY.findall((ROOT / "docs" / "references.md").read_text()))


def test_every_citation_is_in_the_bibliography_and_every_entry_is_cited():
    keys = _bibliography()
    cited = {}
    for p in _sources():
        for key in CITATION.findall(p.read_text()):
            cited.setdefault(key, p.relative_to(ROOT))
    for doc in (ROOT / "docs").glob("*.md"):
        if doc.name != "references.md":
            cited.update({k: doc.relative_to(ROOT) for k in CITATION.findall(doc.read_text())})
    unknown = {k: str(v) for k, v in cited.items() if k not in keys}
    assert not unknown, f"cited but not in docs/references.md: {unknown}"
    assert not keys - set(cited), f"in docs/references.md but never cited: {sorted(keys - set(cited))}"


def test_no_source_points_outside_the_repository():
    offenders = [str(p.relative_to(ROOT)) for p in _sources() if "shared/references" in p.read_text()]
    assert not offenders


@pytest.mark.parametrize("f", FUNCTIONS)
def test_every_public_theory_function_has_an_exact_example(f):
    doc = inspect.getdoc(f) or ""
    assert "Examples\n--------" in doc, "numpydoc Examples section missing"
    examples = doc.split("Examples\n--------", 1)[1]
    assert ">>>" in examples
    assert "exact" in examples or "sp." in examples, \
        "an example must show an exact value (exact=True, sympy input, or a numeric value against its exact form)"
    assert "[" in doc and "]_" in doc, "cite the source by its bibliography key"


def _docstring_lines(path):
    tree = ast.parse(path.read_text())
    total = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                total += body[0].end_lineno - body[0].lineno + 1
    return total


def test_docstrings_are_at_most_half_of_theory():
    files = sorted((ROOT / "theory").rglob("*.py"))
    doc = sum(_docstring_lines(p) for p in files)
    lines = sum(len(p.read_text().splitlines()) for p in files)
    assert doc <= lines / 2, f"docstrings {doc} of {lines} lines ({doc / lines:.0%})"


def test_theory_package_docstring_lists_every_module():
    theory = importlib.import_module("theory")
    for p in (ROOT / "theory").glob("*.py"):
        if not p.name.startswith("_"):
            assert f"theory.{p.stem}" in theory.__doc__, p.stem
