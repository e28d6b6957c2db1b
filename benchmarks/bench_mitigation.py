"""Benchmark of the exact remedies of issue 13: the accumulate-subsample product tree vs the sequential recursion.

Run with ``python -m pytest benchmarks/bench_mitigation.py``.  pytest-benchmark times
``theory.mitigation.accumulate_subsample_moments(1000, 10, exact=True)`` (a balanced product tree of the
pool matrices); the sequential flint recursion of the same exact value is timed in the same run, and
the ratio goes to ``extra_info``.  The values are asserted equal.
"""

import time


def _best(fn, repeats=2):
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


# ----------------------------------------------------------------------------- exact remedies (issue 13)
def _sequential_pool_recursion(t, n):
    """The baseline: the raw pool recursion stepped sequentially in flint rationals (E sigma_t^2, MLE)."""
    from flint import fmpq

    F = fmpq
    N, a2, q = n, F(n), F(n)
    for _ in range(t - 1):
        al = F(n * (n - 1), N * (N - 1))
        es2 = al * a2 + (F(n, N) - al) * q
        emu2, esig2 = es2 / (n * n), (F(n, N) * q - es2 / n) / n
        a2, q, N = a2 + F(2 * n, N) * a2 + n * n * emu2 + n * esig2, q + n * (emu2 + esig2), N + n
    al = F(n * (n - 1), N * (N - 1))
    es2 = al * a2 + (F(n, N) - al) * q
    return (F(n, N) * q - es2 / n) / n


def test_exact_subsample_product_tree(benchmark):
    """accumulate_subsample_moments(1000, 10, exact=True) (balanced product tree) vs the sequential recursion."""
    from theory import mitigation as tm

    t, n = 1000, 10
    seq_time, seq = _best(lambda: _sequential_pool_recursion(t, n))
    tree = benchmark.pedantic(tm.accumulate_subsample_moments, args=(t, n), kwargs={"exact": True}, rounds=3,
                              iterations=1)
    ratio = seq_time / benchmark.stats.stats.min
    benchmark.extra_info.update({"t": t, "n": n, "sequential_s": seq_time, "speedup": ratio})
    print(f"\nexact accumulate-subsample t={t}, n={n}: product tree {benchmark.stats.stats.min:.3f} s, "
          f"sequential flint recursion {seq_time:.3f} s ({ratio:.1f}x)")
    assert tree.variance == int(seq.p) / __import__("sympy").Integer(int(seq.q))
    assert ratio > 2
