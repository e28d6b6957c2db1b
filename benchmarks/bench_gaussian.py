"""Benchmarks of the Gaussian simulators: exact (sufficient statistics) vs naive (refit M samples).

Run with ``python -m pytest benchmarks/bench_gaussian.py``.  Each benchmark
times the exact simulator with pytest-benchmark and, in the same run, the
naive baseline on the same M; the rates (chain-generations per second) and
their ratio go to ``extra_info`` and are printed.

Targets (issue 2): exact >= M/4 times faster than naive for M >= 100 (a
same-run ratio, asserted), and above 1e7 chain-generations per second on one
core (an absolute rate, which no run on a shared machine can promise: recorded
in ``extra_info`` as ``meets_1e7_target``, measured 3.3e7 idle and 1.2e7-1.4e7
at a 1-minute load average of 4).
"""

import time

import pytest

from numerics import gaussian as ng

EXACT_CHAINS, EXACT_GENS = 1_000_000, 10


def _rate(method, M, chains, gens, repeats=3):
    best = float("inf")
    for r in range(repeats):
        t0 = time.perf_counter()
        ng.simulate(M, gens, chains, method=method, seed=r, record=(), quantiles=())
        best = min(best, time.perf_counter() - t0)
    return chains * gens / best


@pytest.mark.parametrize("M", [10, 100, 1000])
def test_exact_vs_naive(benchmark, M):
    naive_chains = max(200, 2_000_000 // (M * 5))
    naive_rate = _rate("naive", M, naive_chains, 5)
    benchmark.pedantic(ng.simulate, args=(M, EXACT_GENS, EXACT_CHAINS),
                       kwargs=dict(method="exact", seed=0, record=(), quantiles=()), rounds=3, iterations=1)
    exact_rate = EXACT_CHAINS * EXACT_GENS / benchmark.stats.stats.min
    ratio = exact_rate / naive_rate
    benchmark.extra_info.update({"M": M, "exact_chain_generations_per_s": exact_rate,
                                 "naive_chain_generations_per_s": naive_rate, "speedup_vs_naive": ratio,
                                 "target_speedup": M / 4 if M >= 100 else None,
                                 "meets_1e7_target": exact_rate > 1e7})
    print(f"\nM={M}: exact {exact_rate:.3g} chain-gen/s, naive {naive_rate:.3g} chain-gen/s, speed-up {ratio:.1f}x")
    if M >= 100:
        assert ratio >= M / 4
