"""``collapse sweep`` on Dask: the speed-up of 2 workers over 1, and the cost of a block on Dask over a direct loop.

Run with ``python -m pytest benchmarks/bench_sweep.py``.  Issue 14's targets, measured in one run on the local
clusters ``collapse sweep`` starts (``numerics.sweep._connect``: worker processes of one thread), started and
warmed before any timing (a run of the same grid with two blocks per cell: imports and the theory's caches), so
that what is timed is the sweep:

* ``examples/sweep-small.toml`` (8 cells x 32 blocks of 16384 chains, the rows computed on the workers):
  2 workers >= 1.7 times as fast as 1 on an idle 2-core machine;
* the Dask path against the naive baseline, a direct loop over the same blocks in this process (``sweep_block``,
  the merge in block order, ``sweep_rows``), one worker, blocks of 16384 chains: <= 5 % more time per block.

The timings compared are interleaved (1, 2, 1, 2 workers; direct, Dask, direct, Dask) and the best of each is
kept, so that a change of the machine's load during the benchmark does not favour one side.  The wall-clock
ratios and whether the targets were met go to ``extra_info`` (with the load averages), never to an assertion: on
a machine shared with other work a wall-clock ratio measures the other work too.  What is asserted holds with a
margin in every run, loaded or not: the two outputs are byte-identical; Dask kept both workers computing at once
for most of the 2-worker run (from its task stream: scheduling, not the machine's load, decides that); and the
CPU time of the Dask path's tasks (this process, which holds the client and the scheduler, and the worker, less
what the idle cluster spends per second of the run) is within 50 % of the direct loop's (a regression guard:
Dask's malloc setting, now unset, had doubled it).
"""

import math
import os
import tempfile
import time
from pathlib import Path

import psutil

from numerics import sweep
from numerics.summaries import merge_all

ROOT = Path(__file__).resolve().parents[1]
SMALL = Path(os.environ.get("BENCH_SWEEP_SPEC", ROOT / "examples" / "sweep-small.toml"))


def _idle():
    """Recorded with each result: an idle 2-core machine is where the targets apply."""
    return (os.cpu_count() or 1) >= 2 and os.getloadavg()[0] < 0.5


def _cluster(n):
    """The local cluster of ``collapse sweep --workers n``, warmed by a short run of the same grid."""
    client, cluster = sweep._connect(n, None, 120)
    with tempfile.TemporaryDirectory() as tmp:
        sweep.run(sweep.Spec(**{**sweep.load_spec(SMALL).__dict__, "chains": 2 * 16384, "seed": 1}),
                  Path(tmp) / "warm.csv", client=client, progress=False)
    return cluster, client


def _cpu(client):
    """CPU seconds so far of this process (client and, for a local cluster, the scheduler) and of the workers."""
    pids = client.run(os.getpid).values()
    return time.process_time() + sum(sum(psutil.Process(p).cpu_times()[:2]) for p in pids)


def _idle_cpu_rate(client, seconds=5.0):
    """CPU seconds per second that the cluster (this process and the workers) spends with nothing to do.

    Dask's periodic work (heartbeats, monitors, the dashboard, the profiler) runs by the clock, so on a loaded
    machine, where a run takes longer, it adds more CPU time to the run; subtracting it leaves the tasks' cost.
    """
    c0, t0 = _cpu(client), time.perf_counter()
    time.sleep(seconds)
    return (_cpu(client) - c0) / (time.perf_counter() - t0)


def _timed_run(spec, client, out):
    """Wall time, CPU time and task stream of one complete run (fresh output, no state)."""
    from distributed import get_task_stream

    for p in out.parent.glob(out.name + "*"):
        p.unlink()
    cpu0, t0 = _cpu(client), time.perf_counter()
    with get_task_stream(client) as ts:
        sweep.run(spec, out, client=client, progress=False)
    return time.perf_counter() - t0, _cpu(client) - cpu0, ts.data


def _both_busy(tasks, wall):
    """Fraction of ``wall`` during which two tasks were computing at once (2 workers)."""
    edges = sorted((s[k], +1 if k == "start" else -1) for t in tasks for s in t["startstops"]
                   if s["action"] == "compute" for k in ("start", "stop"))
    busy2, level, last = 0.0, 0, None
    for when, step in edges:
        if level >= 2:
            busy2 += when - last
        level, last = level + step, when
    return busy2 / wall


def test_two_workers_over_one_on_the_small_example(benchmark, tmp_path):
    idle, load0 = _idle(), os.getloadavg()[0]
    spec = sweep.load_spec(SMALL)
    (c1, one), (c2, two) = _cluster(1), _cluster(2)
    t1 = t2 = math.inf
    try:
        for _ in range(2):
            w1, cpu1, _ = _timed_run(spec, one, tmp_path / "one.csv")
            w2, cpu2, tasks = _timed_run(spec, two, tmp_path / "two.csv")
            if w2 < t2:
                both = _both_busy(tasks, w2)
            t1, t2 = min(t1, w1), min(t2, w2)
        benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    finally:
        for cluster, client in ((c1, one), (c2, two)):
            client.close()
            cluster.close()
    speedup = t1 / t2
    benchmark.extra_info.update({"load_average_1min": [load0, os.getloadavg()[0]], "idle": idle,
                                 "blocks": len(spec.cells()) * len(spec.block_sizes()), "one_worker_s": t1,
                                 "two_workers_s": t2, "speedup": speedup, "target": 1.7, "target_met": speedup >= 1.7,
                                 "cpu_s_one_worker": cpu1, "cpu_s_two_workers": cpu2,
                                 "fraction_of_two_worker_run_with_both_computing": both})
    print(f"\nsweep-small: 1 worker {t1:.2f} s, 2 workers {t2:.2f} s, speed-up {speedup:.2f}x; CPU {cpu1:.1f} s "
          f"vs {cpu2:.1f} s; both workers computing {100 * both:.0f} % of the 2-worker run "
          f"(load average {load0:.1f} -> {os.getloadavg()[0]:.1f})")
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert both >= 0.6


def test_per_block_overhead_of_dask_over_a_direct_loop(benchmark, tmp_path):
    idle, load0 = _idle(), os.getloadavg()[0]
    spec = sweep.load_spec(SMALL)
    mod = spec.module
    cells, sizes = spec.cells(), spec.block_sizes()

    def direct():
        out = []
        for c, cell in enumerate(cells):
            parts = [mod.sweep_block(cell, n, sweep.block_seed(spec.seed, c, b)) for b, n in enumerate(sizes)]
            merged = {k: merge_all(p[k] for p in parts) for k in parts[0]}
            out += mod.sweep_rows(cell, merged, spec.quantities)
        return out

    cluster, client = _cluster(1)
    for c, cell in enumerate(cells):  # warm this process as _cluster warmed the worker
        mod.sweep_rows(cell, mod.sweep_block(cell, 100, sweep.block_seed(1, c, 0)), spec.quantities)
    t_direct = cpu_direct = t_dask = cpu_dask = math.inf
    try:
        idle_rate = _idle_cpu_rate(client)
        for _ in range(2):
            c0, t0 = time.process_time(), time.perf_counter()
            rows = direct()
            t_direct, cpu_direct = min(t_direct, time.perf_counter() - t0), min(cpu_direct, time.process_time() - c0)
            w, cpu, _ = _timed_run(spec, client, tmp_path / "rows.csv")
            if w < t_dask:
                t_dask, cpu_dask, cpu_tasks = w, cpu, cpu - idle_rate * w
        benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    finally:
        client.close()
        cluster.close()
    n_blocks = len(cells) * len(sizes)
    overhead, cpu_overhead = t_dask / t_direct - 1, cpu_dask / cpu_direct - 1
    task_overhead = cpu_tasks / cpu_direct - 1
    benchmark.extra_info.update({"load_average_1min": [load0, os.getloadavg()[0]], "idle": idle, "blocks": n_blocks,
                                 "chains_per_block": sizes[0], "direct_s": t_direct, "dask_one_worker_s": t_dask,
                                 "direct_ms_per_block": 1e3 * t_direct / n_blocks,
                                 "overhead_ms_per_block": 1e3 * (t_dask - t_direct) / n_blocks,
                                 "overhead_fraction": overhead, "target": 0.05, "target_met": overhead <= 0.05,
                                 "cpu_s_direct": cpu_direct, "cpu_s_dask": cpu_dask,
                                 "cpu_overhead_fraction": cpu_overhead,
                                 "cpu_overhead_ms_per_block": 1e3 * (cpu_dask - cpu_direct) / n_blocks,
                                 "idle_cluster_cpu_s_per_s": idle_rate, "cpu_s_dask_tasks": cpu_tasks,
                                 "task_cpu_overhead_fraction": task_overhead,
                                 "task_cpu_overhead_ms_per_block": 1e3 * (cpu_tasks - cpu_direct) / n_blocks})
    print(f"\n{n_blocks} blocks of {sizes[0]} chains: direct loop {t_direct:.2f} s "
          f"({1e3 * t_direct / n_blocks:.1f} ms per block), Dask with 1 worker {t_dask:.2f} s: overhead "
          f"{100 * overhead:.1f} % ({1e3 * (t_dask - t_direct) / n_blocks:.2f} ms per block); CPU time "
          f"{cpu_direct:.1f} s vs {cpu_dask:.1f} s ({100 * cpu_overhead:+.1f} %, "
          f"{1e3 * (cpu_dask - cpu_direct) / n_blocks:+.2f} ms per block), of which the idle cluster's "
          f"{idle_rate:.3f} CPU s per s: the tasks' CPU {100 * task_overhead:+.1f} % "
          f"({1e3 * (cpu_tasks - cpu_direct) / n_blocks:+.2f} ms per block); load average {load0:.1f} -> "
          f"{os.getloadavg()[0]:.1f}")
    assert len(rows) == (tmp_path / "rows.csv").read_text().count("\n") - 1  # the same rows, one line each
    assert task_overhead <= 0.5  # measured +22 % at a load average of 4-6 (+94 % with Dask's malloc setting)
