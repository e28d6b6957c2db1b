"""How long each teaching notebook takes, as a ratio to a kernel start measured in the same run.

Run with ``python -m pytest benchmarks/bench_notebooks.py``.  The baseline is a
one-cell notebook that imports the toolkit and matplotlib (what every lesson
does first), executed by the same client; a lesson's time divided by it is the
cost of the lesson itself in units of "start a kernel with the toolkit", which
does not depend on how fast or how loaded the machine is.  The seconds and the
ratio go to ``extra_info``; the ratio is asserted below :data:`MAX_RATIO`.  The
tests (``tests/test_notebooks.py``) only check that the lessons run.
"""

import os
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: A lesson costs at most this many kernel starts with the toolkit imported ("a minute each" on a machine where
#: that start takes 3 s; measured 2-8 on a loaded 2-core machine).
MAX_RATIO = 20.0

_BASELINE_SOURCE = ("import numpy as np\nimport sympy as sp\nimport matplotlib.pyplot as plt\n"
                    "import theory.gaussian, numerics.gaussian, figures.style\n")


def _run(nb):
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return time.perf_counter() - t0


def _baseline_s(repeats=2):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(_BASELINE_SOURCE)]
    return min(_run(nb) for _ in range(repeats))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_time_relative_to_a_kernel_start(benchmark, path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    base = _baseline_s()
    benchmark.pedantic(lambda: _run(nbformat.read(path, as_version=4)), rounds=1, iterations=1)
    seconds = benchmark.stats.stats.min
    ratio = seconds / base
    benchmark.extra_info.update(notebook_s=seconds, kernel_start_s=base, ratio_to_kernel_start=ratio)
    print(f"\n{path.stem}: {seconds:.1f} s = {ratio:.1f} kernel starts ({base:.1f} s)")
    assert ratio < MAX_RATIO
