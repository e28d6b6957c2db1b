"""Benchmarks of the tails slice (run with ``pytest benchmarks/bench_tails.py``; not in the default tests).

The issue's target: V = 1e5 types (Zipf(1.5)), T0 = 1e4 tokens per generation, ``generations_error`` for every
n <= 50 in seconds.  Baselines, measured in the same run:

* **direct per-type evaluation**: each type's count is a two-type Wright-Fisher chain started from Bin(T0, p_i);
  its absence probability after n generations takes n - 1 banded products with the transition matrix of
  ``theory.discrete`` and a binomial average, once per type.  Timed on a few types and scaled by V (V = 1e5 chains
  would take days); the values on those types are compared with the ancestry;
* ``method="chain"``: the same chain, its n - 1 products shared by all types (one binomial average per type).
"""

import time

import numpy as np
import pytest

from theory import discrete as td
from theory import tails as th

V, BETA, T0, N = 100_000, 1.5, 10_000, 50


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def _ancestry(p, ns):
    th._kernel.cache_clear()  # every round builds the occupancy kernel: the cost of a first call
    return th.generations_error(p, T0, ns)


def test_generations_error_full_scale(benchmark):
    p = th.zipf(V, BETA)
    ns = np.arange(1, N + 1)
    sample = (0, 10, 1000)  # types whose direct chain is run (the per-type cost does not depend on p_i)

    def direct(i):
        a = td.absence_probabilities(N - 1, T0)
        return float(td.binomial_expectations([p[i]], a, T0)[0])

    direct_values, t_direct = _timed(lambda: [direct(i) for i in sample])
    t_direct_all = t_direct / len(sample) * V
    chain, t_chain = _timed(lambda: th.generations_error(p, T0, ns, method="chain"))
    lost = benchmark.pedantic(_ancestry, args=(p, ns), rounds=3, iterations=1)
    t = benchmark.stats.stats.mean
    absent = [th.absence_probability(float(p[i]), T0, N) for i in sample]
    diff = max(abs(a - b) for a, b in zip(direct_values, absent))  # probabilities: absolute accuracy
    benchmark.extra_info.update(seconds_all_n=t, direct_per_type_s=t_direct / len(sample),
                                direct_extrapolated_s=t_direct_all, speedup_vs_direct=t_direct_all / t,
                                chain_s=t_chain, speedup_vs_chain=t_chain / t, lost_mass_n50=float(lost[-1]),
                                max_abs_diff_chain=float(np.max(np.abs(chain - lost))), max_abs_diff_direct=diff)
    assert np.max(np.abs(chain - lost)) < 1e-12 and diff < 1e-12
    # measured under a load average of ~5 on 2 cores: ancestry 1.0 s for all 50 n (kernel included), one direct
    # chain 1.3 s, i.e. ~1.3e5 s extrapolated (a ratio of ~1e5); the chain method 1.7 s
    assert t_direct_all / t >= 1000
