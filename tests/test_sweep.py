"""numerics.sweep and ``collapse sweep``: specs, exact merging, rows as in verify, and runs on a real Dask cluster.

The runs share one small spec (2 cells x 6 blocks) and two local Dask clusters (1 and 2 workers, threads of this
process so that they start in a second) made once for the module; the output must be byte-identical with 1 and 2
workers, after a run stopped by a block limit, and after a killed ``collapse sweep`` (its own local cluster of
worker processes) continued by the same command.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from collapse import cli
from numerics import approximation, discrete, gaussian, mitigation, multivariate
from numerics import checks as ck
from numerics import sweep
from numerics.summaries import Moments, Proportion, merge_all

ROOT = Path(__file__).resolve().parents[1]
SPEC = """\
process = "gaussian"
chains = 98304
block = 16384
seed = 11
quantities = ["E[sigma_n^2]", "Var[log sigma_n^2]", "median[sigma_n^2]", "E[W2^2]"]

[grid]
M = [5, 20]
n = [100, 1, 10]
"""
BLOCKS = 12


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "spec.toml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def clients():
    import logging

    from distributed import Client, LocalCluster

    made = [LocalCluster(n_workers=n, threads_per_worker=1, processes=False, dashboard_address=":0",
                         silence_logs=logging.ERROR) for n in (1, 2)]
    clients = [Client(c) for c in made]
    yield clients
    for client, cluster in zip(clients, made):
        client.close()
        cluster.close()


@pytest.fixture(scope="module")
def reference(spec_path, clients, tmp_path_factory):
    """The uninterrupted run on 2 workers: (CSV bytes, JSON bytes)."""
    out = tmp_path_factory.mktemp("ref") / "rows.csv"
    res = sweep.run(sweep.load_spec(spec_path), out, json_path=f"{out}.json", client=clients[1], progress=False)
    assert res.complete and res.blocks_run == BLOCKS
    return out.read_bytes(), Path(f"{out}.json").read_bytes()


# ----------------------------------------------------------------------------- runs on Dask
def test_one_and_two_workers_give_the_same_bytes(spec_path, clients, reference, tmp_path):
    out = tmp_path / "one.csv"
    res = sweep.run(sweep.load_spec(spec_path), out, json_path=tmp_path / "one.json", client=clients[0],
                    progress=False)
    assert out.read_bytes() == reference[0]
    assert (tmp_path / "one.json").read_bytes() == reference[1]
    # 2 cells x 3 generations x 4 quantities, every row judged, none disagreeing
    assert len(res.rows) == 24 and not [r for r in res.rows if r["status"] == ck.DISAGREE]
    header = reference[0].decode().splitlines()[0].split(",")
    assert header[:6] == ["M", "n", "estimator", "method", "mu", "sigma2"] and header[6:] == list(sweep.COLUMNS)
    assert [r["n"] for r in res.rows[:12:4]] == [1, 10, 100]  # the generations sorted, one simulation per cell
    doc = json.loads(reference[1])
    assert doc["spec"]["grid"]["n"] == [1, 10, 100] and len(doc["rows"]) == 24


def test_a_run_stopped_by_a_block_limit_continues_to_the_same_bytes(spec_path, clients, reference, tmp_path):
    out = tmp_path / "rows.csv"
    spec = sweep.load_spec(spec_path)
    first = sweep.run(spec, out, client=clients[1], max_blocks=5, progress=False)
    assert not first.complete and first.blocks_run == 5
    assert not out.exists() and Path(sweep.state_path(out)).exists()  # nothing written to FILE yet
    second = sweep.run(spec, out, client=clients[0], max_blocks=4, progress=False)
    assert not second.complete and not out.exists()
    last = sweep.run(spec, out, client=clients[1], progress=False)
    assert last.complete and last.blocks_run == 3
    assert out.read_bytes() == reference[0]
    again = sweep.run(spec, out, client=clients[1], progress=False)  # everything recorded: nothing to compute
    assert again.blocks_run == 0 and out.read_bytes() == reference[0]


def test_a_killed_run_continues_to_the_same_bytes(spec_path, clients, reference, tmp_path):
    out = tmp_path / "rows.csv"
    state = Path(sweep.state_path(out))
    cmd = [sys.executable, "-m", "collapse", "sweep", str(spec_path), "--out", str(out), "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not state.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and its local cluster, mid-way
        proc.wait()
    assert state.exists(), proc.stderr.read().decode()
    recorded = json.loads(state.read_text())["cells"]
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    assert 1 <= sum(c["done"] + len(c["pending"]) for c in recorded.values()) < BLOCKS
    res = sweep.run(sweep.load_spec(spec_path), out, client=clients[1], progress=False)
    assert res.complete and out.read_bytes() == reference[0]


def test_a_state_of_another_spec_is_refused(spec_path, tmp_path):
    out = tmp_path / "rows.csv"
    Path(sweep.state_path(out)).write_text(json.dumps({"format": 1, "digest": "0" * 64, "process": "gaussian",
                                                       "cells": {}}))
    with pytest.raises(sweep.SweepError, match="records another sweep"):
        sweep.run(sweep.load_spec(spec_path), out, progress=False)
    assert not out.exists()


def test_an_unreachable_scheduler_is_one_line_and_exit_2(spec_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sweep, "CONNECT_TIMEOUT", 1.0)
    out = tmp_path / "rows.csv"
    assert cli.main(["sweep", str(spec_path), "--out", str(out), "--scheduler", "tcp://127.0.0.1:9"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --scheduler tcp://127.0.0.1:9: cannot connect") and err.count("\n") == 1
    assert not out.exists() and not Path(sweep.state_path(out)).exists()


# ----------------------------------------------------------------------------- bad specs
BAD = [
    ('process = "nope"\nchains = 1000\n[grid]\nM = [2]\n', "process: unknown process 'nope'"),
    ('process = "gmm"\nchains = 1000\n[grid]\nM = [2]\n', "gmm cannot be swept"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nm = [2]\n', "grid.m: unknown parameter"),
    ('process = "gaussian"\nchains = 1000\nquantities = ["E[foo]"]\n[grid]\nM = [2]\n', "unknown quantity 'E[foo]'"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nM = []\n', "grid.M: empty list"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nn = {start = 3, stop = 3}\n', "grid.n: the range"),
    ('process = "gaussian"\nchains = 1000\n[grid]\n', "grid: empty"),
    ('process = "gaussian"\nchains = 1000\n', "grid: missing"),
    ('process = "gaussian"\nchains = 10\n[grid]\nM = [2]\n', "chains must be >= 100 for process gaussian"),
    ('process = "gaussian"\n[grid]\nM = [2]\n', "chains: missing"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nM = [1]\n', "grid.M must be >= 2"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nestimator = ["mle", "x"]\n', "grid.estimator must be one of"),
    ('process = "gaussian"\nchains = 1000\nseed = -1\n[grid]\nM = [2]\n', "seed must be >= 0"),
    ('process = "gaussian"\nchain = 1000\n[grid]\nM = [2]\n', "unknown field 'chain'"),
    ('process = "mitigation"\nchains = 1000\n[grid]\nalpha = [0.25]\nM = [10]\n', "alpha * M must be an integer"),
    ('process = "multivariate"\nchains = 1000\n[grid]\nd = [5]\nM = [5]\n', "M must be >= d + 1"),
    ('process = "gaussian"\nchains = 1000\n[grid\n', "not valid TOML"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[m for _, m in BAD])
def test_bad_specs_are_one_line_errors_naming_the_field_and_write_nothing(text, message, tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text(text)
    out = tmp_path / "rows.csv"
    assert cli.main(["sweep", str(spec), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_bad_command_line_values(spec_path, tmp_path, capsys):
    assert cli.main(["sweep", str(spec_path), "--out", str(tmp_path / "no" / "rows.csv")]) == 2
    assert cli.main(["sweep", str(spec_path), "--out", str(tmp_path)]) == 2
    assert cli.main(["sweep", str(spec_path), "--out", str(tmp_path / "r.csv"), "--workers", "0"]) == 2
    assert cli.main(["sweep", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith("error: ") for line in err)
    assert "directory" in err[0] and "is a directory" in err[1] and "--workers" in err[2] and "no such" in err[3]
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- the spec, the seeds
def test_spec_grid_ranges_defaults_and_cells(tmp_path):
    doc = {"process": "mitigation", "chains": 200, "grid": {"alpha": {"start": 0.0, "stop": 0.35, "step": 0.1},
                                                             "M": 10, "n": {"start": 10, "stop": -1, "step": -5}}}
    spec = sweep.parse_spec(doc)
    values = dict(zip(spec.parameters, spec.values))
    assert values["alpha"] == (0.0, 0.1, 0.2, 0.3)  # decimal steps are exact
    assert values["n"] == (0, 5, 10) and values["M"] == (10,) and values["scheme"] == ("mix",)
    cells = spec.cells()
    assert len(cells) == 4 and cells[1]["alpha"] == 0.1 and cells[1]["n"] == (0, 5, 10)
    assert spec.block == 16384 and spec.seed == 20240724 and spec.quantities == mitigation.SWEEP_QUANTITIES
    assert sweep.parse_spec({**doc, "chains": 20001, "block": 10000}).block_sizes() == (6667, 6667, 6667)
    assert spec.digest() == sweep.parse_spec({**doc, "quantities": ["E[mu_n] (mix)"]}).digest()
    assert spec.digest() != sweep.parse_spec({**doc, "seed": 1}).digest()


def test_block_seeds_are_the_spawned_children():
    a = np.random.SeedSequence(5).spawn(4)[3].spawn(9)[7]
    b = sweep.block_seed(5, 3, 7)
    assert np.array_equal(a.generate_state(8), b.generate_state(8))


# ----------------------------------------------------------------------------- exact merging
def test_merged_moments_equal_the_unsplit_ones():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.lognormal(0, 2, 7001), rng.standard_normal(2999) + 1e3])
    parts = np.split(x, [1, 17, 4000, 4001, 9000])
    merged, whole = merge_all(Moments.of(p) for p in parts), Moments.of(x)
    assert merged.count == whole.count
    for f in ("mean", "m2", "m3", "m4"):
        assert getattr(merged, f) == pytest.approx(getattr(whole, f), rel=1e-11)
    assert merged.kurtosis == pytest.approx(whole.kurtosis, rel=1e-11)
    assert merge_all(Proportion(int((p < 1).sum()), p.size) for p in parts) == Proportion(int((x < 1).sum()), x.size)
    y = rng.random(1000)
    fromsums = sweep.moments_from_power_sums(y.size, [np.sum(y ** k) for k in range(1, 5)])
    for f in ("mean", "m2", "m3", "m4"):
        assert getattr(fromsums, f) == pytest.approx(getattr(Moments.of(y), f), rel=1e-9, abs=1e-12)


# ----------------------------------------------------------------------------- rows as collapse verify gives them
def _same_rows(got, want):
    assert [(r.quantity, r.params) for r in got] == [(r.quantity, r.params) for r in want]
    for a, b in zip(got, want):
        assert a.status == b.status, (a.quantity, a.params, a.note, b.note)
        assert a.z == pytest.approx(b.z, rel=1e-7, abs=1e-9, nan_ok=True), (a.quantity, a.params)
        if not a.note.startswith("P(X <= x_q)"):  # a quantile row is on the probability scale
            assert (a.theory, a.estimate, a.stderr) == pytest.approx((b.theory, b.estimate, b.stderr), rel=1e-9,
                                                                      nan_ok=True), (a.quantity, a.params)


def _cell(mod, **kw):
    return {**{k: v.default for k, v in mod.SWEEP_PARAMETERS.items()}, **kw}


def test_rows_agree_with_the_verify_rows_of_the_same_chains():
    def ss():  # a fresh SeedSequence each time (spawning children changes its state)
        return np.random.SeedSequence(21)

    ns = (0, 3, 12)
    cases = [
        (gaussian, _cell(gaussian, M=5, n=ns[1:], estimator="mle"),
         lambda: [r for n in ns[1:] for r in gaussian.checks_for_run(
             gaussian.simulate(5, 12, 3000, estimator="mle", seed=ss(), record=(), snapshots=ns[1:], quantiles=()),
             n)]),
        (mitigation, _cell(mitigation, scheme="accumulate", M=5, n=ns),
         lambda: [r for n in ns for r in mitigation.checks_for_run(
             mitigation.simulate_accumulate(5, 12, 3000, seed=ss(), record=(), snapshots=ns), n)]),
        (mitigation, _cell(mitigation, scheme="mix-discrete", alpha=0.25, M=4, p=1 / 3, n=ns),
         lambda: [r for n in ns for r in mitigation.checks_for_run(
             mitigation.simulate_discrete_mixing(0.25, 4, (2 / 3, 1 / 3), 12, 3000, seed=ss(), record=(),
                                                 snapshots=ns), n)]),
        (multivariate, _cell(multivariate, d=2, M=6, n=(1, 5), Sigma="general"),
         lambda: [r for n in (1, 5) for r in multivariate.checks_for_run(
             multivariate.simulate(2, 6, 5, 3000, Sigma=multivariate.example_sigma(2), mu=np.linspace(-1, 1, 2),
                                   seed=ss(), record=(), snapshots=(1, 5), quantiles=()), n)]),
        (approximation, _cell(approximation, kind="temperature", T=0.8, M=10, n=(1, 5)),
         lambda: [r for n in (1, 5) for r in approximation.checks_for_run(
             approximation.simulate_temperature(0.8, 10, 5, 3000, seed=ss(), snapshots=(1, 5)), n)]),
    ]
    for mod, cell, verify_rows in cases:
        rows = mod.sweep_rows(cell, mod.sweep_block(cell, 3000, ss()), mod.SWEEP_QUANTITIES)
        _same_rows(rows, verify_rows())
    # generation 0 (the original, the same in every chain) gives rows that cannot fail: underpowered
    cell = _cell(gaussian, M=5, n=(0,))
    assert {r.status for r in gaussian.sweep_rows(cell, gaussian.sweep_block(cell, 3000, ss()),
                                                  gaussian.SWEEP_QUANTITIES)} == {ck.UNDERPOWERED}
    cell = _cell(discrete, M=10, i=3, n=(0, 5, 20))
    sim = discrete.simulate((0.3, 0.7), 10, 600, 3000, seed=ss())
    want = (discrete.check_heterozygosity(sim, (0, 5, 20)) + discrete.check_survival(sim, 0, 3, (0, 5, 20))
            + discrete.check_absorption_distribution(sim, 3, (0, 5, 20)) + discrete.check_absorption_time(sim, 3)
            + discrete.check_fixation(sim))
    _same_rows(discrete.sweep_rows(cell, discrete.sweep_block(cell, 3000, ss()), discrete.SWEEP_QUANTITIES), want)


def test_a_wrong_theory_in_a_sweep_row_is_caught():
    cell = _cell(gaussian, M=20, n=(5,))
    parts = [gaussian.sweep_block(cell, 20000, sweep.block_seed(1, 0, b)) for b in range(3)]
    merged = {k: merge_all(p[k] for p in parts) for k in parts[0]}
    rows = {r.quantity: r for r in gaussian.sweep_rows(cell, merged, gaussian.SWEEP_QUANTITIES)}
    assert [r.status for r in rows.values()].count(ck.AGREE) == 8 and rows["Var[sigma_n^2]"].status == ck.UNDERPOWERED
    m = merged["log_variance@5"]
    wrong = sweep.mean_row("gaussian", "E[log sigma_n^2]", {}, rows["E[log sigma_n^2]"].theory - 0.03, m)  # 10 se
    assert wrong.status == ck.DISAGREE
    assert sweep.variance_row("gaussian", "Var[mu_n]", {}, rows["Var[mu_n]"].theory * 1.05, merged["mean@5"],
                              square=merged["mean_dev2@5"]).status == ck.DISAGREE
    # the chains at or below the true median counted against a wrong level
    assert sweep.quantile_row("gaussian", "median", {}, 0.78, 0.48, merged["median@5"]).status == ck.DISAGREE
