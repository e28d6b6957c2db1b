"""Every process module of numerics satisfies the check protocol (numerics/protocol.py), the same way.

``collapse verify`` and ``collapse sweep`` know a process only through these names, so each module of
``collapse.cli.PROCESSES`` must export them with the same signatures, return the one result base class
(:class:`numerics.engine.Run`), reject an unknown ``formulas`` key, and take the one ``DEFAULT_SEED``.
"""

import importlib
import inspect

import numpy as np
import pytest

from collapse.cli import PROCESSES
from numerics import checks
from numerics.engine import DEFAULT_SEED, Run
from numerics.protocol import REQUIRED, ProcessChecks


def _module(name):
    return importlib.import_module(f"numerics.{name}")


#: One small run of each process, and a generation to check it at.
RUNS = {
    "gaussian": (lambda m: m.simulate(5, 3, 200, seed=1, snapshots=(3,)), 3),
    "mitigation": (lambda m: m.simulate_mixing(0.2, 5, 3, 200, seed=1, snapshots=(3,)), 3),
    "approximation": (lambda m: m.simulate_truncation(2.0, 5, 3, 200, seed=1, snapshots=(3,)), 3),
    "regression": (lambda m: m.simulate_replace(3, 2, 10, 10, 200, seed=1, record=(3,)), 3),
    "multivariate": (lambda m: m.simulate(2, 5, 3, 200, seed=1, snapshots=(3,)), 3),
    "discrete": (lambda m: m.simulate([0.5, 0.5], 6, 300, 200, seed=1), 3),
    "gmm": (lambda m: m.simulate(2, 1, samples=100, seed=1, w2_generations=(2,)), 2),
    "tails": (lambda m: m.simulate_generations(m.th.zipf(50, 1.3), 20, 3, 200, seed=1, record=(3,)), 3),
}


def test_every_process_has_a_run_factory():
    assert sorted(RUNS) == sorted(PROCESSES)


@pytest.mark.parametrize("name", PROCESSES)
def test_module_exports_the_protocol(name):
    mod = _module(name)
    missing = [k for k in REQUIRED if not hasattr(mod, k)]
    assert not missing, f"numerics.{name} lacks {missing}"
    assert isinstance(mod, ProcessChecks)
    assert mod.PROCESS == name
    assert isinstance(mod.MIN_CHAINS, int) and isinstance(mod.MAX_CHAINS, int) and mod.MIN_CHAINS <= mod.MAX_CHAINS
    assert set(REQUIRED) <= set(mod.__all__), f"numerics.{name}.__all__ lacks {set(REQUIRED) - set(mod.__all__)}"


@pytest.mark.parametrize("name", PROCESSES)
def test_signatures_are_the_protocol_ones(name):
    mod = _module(name)
    v = inspect.signature(mod.verification_checks).parameters
    assert list(v) == ["chains", "seed", "progress"]
    assert v["chains"].default is None and v["seed"].default == DEFAULT_SEED and v["progress"].default is True
    c = inspect.signature(mod.checks_for_run).parameters
    assert list(c) == ["run", "n", "formulas"] and c["formulas"].default is None
    assert not inspect.signature(mod.exact_checks).parameters


@pytest.mark.parametrize("name", PROCESSES)
def test_checks_for_run_on_a_small_run(name):
    mod = _module(name)
    make, n = RUNS[name]
    run = make(mod)
    assert isinstance(run, Run) and run.process == name
    rows = mod.checks_for_run(run, n)
    assert rows and all(isinstance(r, checks.Check) and r.process == name for r in rows)
    assert not any(r.status == checks.DISAGREE for r in rows), [r for r in rows if r.status == checks.DISAGREE]
    with pytest.raises(ValueError, match="formulas"):
        mod.checks_for_run(run, n, formulas={"no such quantity": lambda *a: 0.0})


@pytest.mark.parametrize("name", ["discrete", "gmm"])
def test_run_summaries_match_the_raw_arrays(name):
    """The result base class's summaries of the newly converted processes are those of their raw arrays."""
    mod = _module(name)
    make, _ = RUNS[name]
    run = make(mod)
    if name == "discrete":
        assert np.allclose(run.summaries["H"].mean, run.mean_heterozygosity())
        assert np.allclose(run.summaries["S"].mean, run.mean_surviving())
    else:
        assert np.allclose(run.summaries["l2_squared"].mean, run.l2_squared.mean(axis=0))
    assert np.array_equal(run.record, np.arange(run.generations + 1))
