"""numerics.sweep and ``collapse sweep``: specs, exact merging, rows as in verify, and runs on real Dask clusters.

The runs share one small spec (the Wright-Fisher chain, 2 cells x 6 blocks: the cheapest theory to warm up on a
fresh worker) and two local Dask clusters made once for the module: the
cluster ``collapse sweep`` starts by default (``numerics.sweep._connect``: 2 worker *processes*), and one worker
thread of this process (starts in a fraction of a second).  The output must be byte-identical with 2 worker
processes and 1 worker thread, after runs stopped by a block limit, and after a ``collapse sweep`` process
killed by SIGKILL part-way (connected to the process cluster by a scheduler file) is continued by the same command.
"""

import io
import json
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from collapse import cli
from numerics import approximation, discrete, gaussian, mitigation, multivariate, regression
from numerics import checks as ck
from numerics import sweep
from numerics.summaries import Moments, Proportion, merge_all

ROOT = Path(__file__).resolve().parents[1]
SPEC = """\
process = "discrete"
chains = 24576
block = 4096
seed = 11

[grid]
M = [5, 20]
n = [20, 1, 5]
"""
BLOCKS = 12
#: The subprocess of the kill test: collapse sweep, with the state written after every block, killed by SIGKILL
#: (no cleanup, no final save) right after its KILL_AFTER-th write of the state file.
KILL_AFTER = 5
KILLED = f"""\
import os, signal, sys
from numerics import sweep
sweep.CHECKPOINT_SECONDS = 0.0
save, saves = sweep._State.save, []
def killing_save(self, process):
    save(self, process)
    saves.append(1)
    if len(saves) == {KILL_AFTER}:
        os.kill(os.getpid(), signal.SIGKILL)
sweep._State.save = killing_save
from collapse import cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "spec.toml"
    path.write_text(SPEC)
    return path


@pytest.fixture(scope="module")
def processes():
    """The local cluster of ``collapse sweep --workers 2``: two worker processes, one thread each."""
    client, cluster = sweep._connect(2, None, 60)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def thread():
    """One worker thread of this process."""
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def reference(spec_path, processes, tmp_path_factory):
    """The uninterrupted run on 2 worker processes: (CSV bytes, JSON bytes, progress text)."""
    out = tmp_path_factory.mktemp("ref") / "rows.csv"
    log = io.StringIO()
    res = sweep.run(sweep.load_spec(spec_path), out, json_path=f"{out}.json", client=processes, stream=log)
    assert res.complete and res.blocks_run == BLOCKS
    assert sorted(processes.nthreads().values()) == [1, 1]  # two workers, in two other processes
    assert len(set(processes.run(os.getpid).values()) | {os.getpid()}) == 3
    return out.read_bytes(), Path(f"{out}.json").read_bytes(), log.getvalue()


# ----------------------------------------------------------------------------- runs on Dask
def test_one_worker_thread_and_two_worker_processes_give_the_same_bytes(spec_path, thread, reference, tmp_path):
    out = tmp_path / "one.csv"
    res = sweep.run(sweep.load_spec(spec_path), out, json_path=tmp_path / "one.json", client=thread, progress=False)
    assert out.read_bytes() == reference[0]
    assert (tmp_path / "one.json").read_bytes() == reference[1]
    assert not [r for r in res.rows if r["status"] == ck.DISAGREE]
    header = reference[0].decode().splitlines()[0].split(",")
    assert header[:3] == ["M", "i", "n"] and header[3:] == list(sweep.COLUMNS)
    assert [r["n"] for r in res.rows if r["quantity"].startswith("E[H_n]")] == [1, 5, 20] * 2  # sorted generations
    doc = json.loads(reference[1])
    assert doc["spec"]["grid"]["n"] == [1, 5, 20] and len(doc["rows"]) == len(res.rows)


def test_progress_prints_the_dashboard_cells_blocks_and_time_left(reference, monkeypatch):
    log = reference[2].splitlines()
    assert log[0].startswith("Dask dashboard: http") and "2 cells x 6 blocks, 12 blocks to compute" in log[1]
    assert log[-1].startswith("sweep discrete: cells 2/2, blocks 12/12 (100.0 %)") and log[-1].endswith("done")
    # the estimate of time left: from the rate of the blocks after the first (start-up excluded), in place on a tty
    clock = iter([0.0, 10.0, 20.0, 30.0, 40.0])
    monkeypatch.setattr(sweep.time, "perf_counter", lambda: next(clock))

    class Tty(io.StringIO):
        def isatty(self):
            return True

    state, stream = sweep._State("unused", "0", 2, 4), Tty()
    bar = sweep._Progress(SimpleNamespace(process="p"), state, stream, True)
    state.add(0, 0, {"x": Moments.of(np.ones(2))})
    bar.update()
    for b in (1, 2):
        state.add(0, b, {"x": Moments.of(np.ones(2))})
    bar.update()
    state.add(0, 3, {"x": Moments.of(np.ones(2))})
    bar.update(final=True)
    lines = stream.getvalue().split("\r")[1:]
    assert lines[0] == "sweep p: cells 0/2, blocks 1/8 (12.5 %), 10 s, time left: -"
    assert lines[1] == "sweep p: cells 0/2, blocks 3/8 (37.5 %), 20 s, 25 s left"  # 2 blocks in 10 s, 5 to go
    assert lines[2] == "sweep p: cells 1/2, blocks 4/8 (50.0 %), 30 s, 27 s left\n"


def test_runs_stopped_by_a_block_limit_continue_to_the_same_bytes(spec_path, thread, processes, reference, tmp_path):
    out = tmp_path / "rows.csv"
    spec = sweep.load_spec(spec_path)
    first = sweep.run(spec, out, client=thread, max_blocks=5, progress=False)
    assert not first.complete and first.blocks_run == 5
    assert not out.exists() and Path(sweep.state_path(out)).exists()  # nothing written to FILE yet
    # the next part on the process cluster, reached by its address (as --scheduler ADDRESS does)
    second = sweep.run(spec, out, scheduler=processes.scheduler.address, max_blocks=4, progress=False)
    assert not second.complete and second.blocks_run == 4 and not out.exists()
    last = sweep.run(spec, out, client=thread, progress=False)
    assert last.complete and last.blocks_run == 3
    assert out.read_bytes() == reference[0]
    again = sweep.run(spec, out, client=thread, progress=False)  # everything recorded: nothing to compute
    assert again.blocks_run == 0 and out.read_bytes() == reference[0]


def test_a_killed_collapse_sweep_continues_to_the_same_bytes(spec_path, processes, reference, tmp_path):
    out = tmp_path / "rows.csv"
    state = Path(sweep.state_path(out))
    scheduler_file = tmp_path / "scheduler.json"  # as `dask scheduler --scheduler-file` writes it
    scheduler_file.write_text(json.dumps({"address": processes.scheduler.address}))
    cmd = [sys.executable, "-c", KILLED, "sweep", str(spec_path), "--out", str(out), "--scheduler",
           str(scheduler_file), "--quiet"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    recorded = json.loads(state.read_text())["cells"]
    assert not out.exists()
    assert sum(c["done"] + len(c["pending"]) for c in recorded.values()) == KILL_AFTER  # one block a save
    res = sweep.run(sweep.load_spec(spec_path), out, client=processes, progress=False)
    assert res.complete and res.blocks_run == BLOCKS - KILL_AFTER and out.read_bytes() == reference[0]


def test_workers_with_other_code_are_refused(spec_path, processes, tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "_fingerprint", lambda process: "another version")  # this process only
    out = tmp_path / "rows.csv"
    with pytest.raises(sweep.SweepError, match="runs another version of the toolkit"):
        sweep.run(sweep.load_spec(spec_path), out, client=processes, progress=False)
    assert not out.exists()


def test_a_state_of_another_spec_is_refused(spec_path, tmp_path):
    out = tmp_path / "rows.csv"
    Path(sweep.state_path(out)).write_text(json.dumps({"format": 1, "digest": "0" * 64, "process": "discrete",
                                                       "cells": {}}))
    with pytest.raises(sweep.SweepError, match="records another sweep"):
        sweep.run(sweep.load_spec(spec_path), out, progress=False)
    assert not out.exists()


def test_an_unreachable_scheduler_is_one_line_and_exit_2(spec_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sweep, "CONNECT_TIMEOUT", 0.5)
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
    ('process = "gaussian"\nchains = 1\n[grid]\nM = [2]\n', "chains must be >= 2 for process gaussian"),
    ('process = "approximation"\nchains = 3\n[grid]\nM = [2]\n', "chains must be >= 4 for process approximation"),
    ('process = "multivariate"\nchains = 10\nblock = 2000000\n[grid]\nd = [2]\n', "block must be <= 1000000"),
    ('process = "gaussian"\n[grid]\nM = [2]\n', "chains: missing"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nM = [1]\n', "grid.M must be >= 2"),
    ('process = "gaussian"\nchains = 1000\n[grid]\nestimator = ["mle", "x"]\n', "grid.estimator must be one of"),
    ('process = "gaussian"\nchains = 1000\nseed = -1\n[grid]\nM = [2]\n', "seed must be >= 0"),
    ('process = "gaussian"\nchain = 1000\n[grid]\nM = [2]\n', "unknown field 'chain'"),
    ('process = "mitigation"\nchains = 1000\n[grid]\nalpha = [0.25]\nM = [10]\n', "alpha * M must be an integer"),
    ('process = "multivariate"\nchains = 1000\n[grid]\nd = [5]\nM = [5]\n', "M must be >= d + 1"),
    ('process = "gaussian"\nchains = 1000\n[grid\n', "not valid TOML"),
    ('process = "regression"\nchains = 1000\n[grid]\nchain = "mixed"\nn = [1]\n', "n must be 0 for chain mixed"),
    ('process = "regression"\nchains = 1000\n[grid]\nchain = "overparameterized"\nd = 3\nT0 = 2\n',
     "d must be >= T0 + 2 = 4"),
    ('process = "regression"\nchains = 1000\n[grid]\nT = [10, 3]\n', "T must be >= d + 2 = 4"),
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


def test_regression_rows_agree_with_the_verify_rows_of_the_same_chains():
    """Each chain of a regression cell calls its simulator and the theory of checks_for_run (importance-sampled near
    the edge: T0 = d + 2, T = d + 2), whatever the sweep calls its parameters (T is the n rows of the mixed fit)."""
    def ss():
        return np.random.SeedSequence(8)

    def cell(**kw):
        return {**{k: v.default for k, v in regression.SWEEP_PARAMETERS.items()}, **kw}

    S3 = regression._sweep_sigma(3)
    cases = [
        (cell(d=3, T0=5, T=11, sigma2=0.5, sigma2_gen=2.0, Sigma="general", n=(1, 2)),
         regression.simulate_replace(2, 3, 5, 11, 3000, sigma2=0.5, sigma2_gen=2.0, Sigma=S3, tilt="auto", seed=ss(),
                                     record=(1, 2)), (1, 2)),
        (cell(chain="accumulate", d=2, T=4, sigma2=0.7, n=(1, 8)),
         regression.simulate_fixed_design(8, 2, 4, 3000, sigma2=0.7, workflow="accumulate", tilt="auto", seed=ss(),
                                          record=(1, 8)), (1, 8)),
        (cell(chain="mixed", d=3, T=5, n_synth=2, delta2=2.0, sigma2=0.5, n=(0,)),
         regression.simulate_mixed(3, 5, 2, 3000, delta2=2.0, sigma2=0.5, tilt="auto", seed=ss()), (0,)),
        (cell(chain="weighted-fresh", d=2, T=20, m=10, n=(5,), tilt="none"),
         regression.simulate_weighted(2, 20, 0.5, 5, 3000, variant="fresh", m=10, seed=ss(), record=(5,)), (5,)),
    ]
    for c, run, ns in cases:
        got = regression.sweep_rows(c, regression.sweep_block(c, 3000, ss()), regression.SWEEP_QUANTITIES)
        want = [r for n in ns for r in regression.checks_for_run(run, n)]
        assert [(r.quantity, r.params["n"]) for r in got] == [(r.quantity, n) for r, n in zip(want, ns)]
        for a, b in zip(got, want):
            assert a.status == b.status and (a.estimate, a.stderr) == (b.estimate, b.stderr)
            # (the simulators record sigma2 as sqrt(sigma2)**2: 0.7000000000000001 for 0.7)
            assert (a.theory, a.z) == pytest.approx((b.theory, b.z), rel=1e-12)
    # a quantity not selected gives no row; a wrong closed form (10 % off, about 7 standard errors) is caught
    c = cell(n=(1,))
    merged = regression.sweep_block(c, 6000, ss())
    assert regression.sweep_rows(c, merged, ("mixed_ols_risk",)) == []
    row, = regression.sweep_rows(c, merged, regression.SWEEP_QUANTITIES)
    wrong = sweep.mean_row("regression", row.quantity, row.params, row.theory * 1.1, merged["risk@1"])
    assert row.status == ck.AGREE and wrong.status == ck.DISAGREE


def test_every_process_but_gmm_has_sweep_cells():
    from numerics.protocol import SweepCells

    for name in cli.PROCESSES:
        mod = __import__(f"numerics.{name}", fromlist=["_"])
        if name == "gmm":  # one EM fit against an asymptotic standard error: numerics/protocol.py says why
            assert not isinstance(mod, SweepCells)
            continue
        assert isinstance(mod, SweepCells), name
        for pname, (domain, default) in mod.SWEEP_PARAMETERS.items():
            assert domain.check(default, pname) == default, (name, pname)
        first, (_, default) = next(iter(mod.SWEEP_PARAMETERS.items()))  # the defaults make a valid cell
        spec = sweep.parse_spec({"process": name, "chains": 1000, "grid": {first: [default]}})
        assert spec.quantities == tuple(mod.SWEEP_QUANTITIES) and len(spec.cells()) == 1


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
