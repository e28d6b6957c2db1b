"""Every source file compiles without warnings (e.g. invalid escape sequences in LaTeX docstrings)."""

import subprocess
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for d in ("theory", "numerics", "proofs", "figures", "collapse", "tests", "benchmarks")
                 for p in (ROOT / d).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_compiles_without_warnings(path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(path.read_text(), str(path), "exec")


def test_layering_theory_imports_nothing_of_ours():
    """theory/ imports nothing of ours (besides theory itself); numerics/ and proofs/ never import figures/ or the CLI."""
    code = ("import sys, importlib, pkgutil, theory\n"
            "for m in pkgutil.iter_modules(theory.__path__): importlib.import_module('theory.' + m.name)\n"
            "bad = [n for n in sys.modules if n.split('.')[0] in ('numerics', 'proofs', 'figures', 'collapse')]\n"
            "print(bad); sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    for layer in ("numerics", "proofs"):
        for p in (ROOT / layer).rglob("*.py"):
            text = p.read_text()
            assert "import figures" not in text and "from figures" not in text and "collapse" not in [
                line.split()[1].split(".")[0] for line in text.splitlines()
                if line.startswith(("import ", "from "))], p
