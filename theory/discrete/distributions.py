r"""The law of the count after ``n`` generations: distributions, survival, absence, absorption time.

Two views of :math:`P^n`: *forward*, the distribution :math:`e_i P^n` of :math:`X_n` from one start
(:func:`count_distribution`, :func:`survival_probability`, :func:`absorption_time_distribution`),
and *backward*, :math:`E[f(X_n) \mid X_0 = i] = (P^n f)(i)` from every start at once
(:func:`conditional_expectations`, :func:`survival_probabilities`, :func:`absence_probabilities`).
Generation 0 may also be a model of any frequency :math:`q` (not a multiple of :math:`1/M`): then
:math:`X_1 \sim \mathrm{Bin}(M, q)` and :func:`binomial_expectations` takes the first step.  For
:math:`K` categories, the count of one category against the rest is such a two-type chain.

Float evaluation: for :math:`M \le 1500` the full matrix (every entry relative-accurate, and so are
the results, all terms being non-negative); beyond, rows truncated to a window holding all but
1e-16 of their mass, so values are accurate to an absolute ~``n``·1e-16.  Huge ``n`` costs
:math:`\log_2 n` dense products (or nothing once the chain is absorbed in float arithmetic); work
beyond reach is refused with a ``ValueError`` naming ``n``.  Exact: flint integer arithmetic on
:math:`M^M P`, refused where denominators would exceed ~4e5 bits.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse
import sympy as sp

from theory.core import computed
from theory.discrete import _kernel as K
from theory.discrete._common import (COUNTS, F_TABLE, F_VALUES, GENERATIONS, I_, M_, N_, Q_VECTOR,
                                     require_counts, require_counts_sum_to_M, require_frequencies,
                                     require_values_per_count)

__all__ = ["count_distribution", "conditional_expectations", "binomial_expectations", "survival_probabilities",
           "survival_probability", "absence_probabilities", "absorption_time_distribution",
           "expected_surviving_categories"]

#: Largest ``len(q) * (M + 1)`` of an exact :func:`binomial_expectations`.
EXACT_MAX_TERMS = 200_000


# ----------------------------------------------------------------------------- generations
def _steps(n):
    """The distinct generations of ``n`` (an int or an array of them), sorted."""
    return sorted({int(v) for v in np.ravel(n)})


def _by_generation(n, table, exact, rows=False):
    """``table[g]`` for the generation ``n``, or for each generation of an array ``n``.

    Rows (the law or the values over the counts) give a vector for a scalar ``n`` and one row per
    generation for an array (exact: ``ImmutableMatrix``); scalars give a number, or an array over ``n``
    (exact: an object array of sympy numbers, as :func:`theory.core.closed_form` does).
    """
    if np.ndim(n) == 0:
        value = table[int(n)]
        return sp.ImmutableMatrix(value) if exact and rows else value
    items = [table[int(g)] for g in np.ravel(n)]
    if rows:
        return sp.ImmutableMatrix([list(r) for r in items]) if exact else np.stack(items)
    return np.array(items, dtype=object if exact else float)


def _rationals(nums, den):
    return [sp.Rational(v, den) for v in nums]


# ----------------------------------------------------------------------------- backward: from every start
def _backward(n, F, M, exact, what):
    """``P^g F`` for every generation ``g`` of ``n``: dict g -> array (M+1,) (or exact list)."""
    steps = _steps(n)
    if exact:
        K.check_exact_steps(M, steps[-1], what)
        return {g: _rationals(num, den) for g, (num, den) in zip(steps, K.exact_backward(M, F, steps))}
    out = K.backward(M, np.asarray(F, dtype=float).reshape(M + 1, 1), steps)
    return {g: out[k, :, 0] for k, g in enumerate(steps)}


def _indicator(M, states):
    K.check_propagation_size(M)  # before the (M + 1)-list: M = 10**9 would take a minute and 8 GB
    f = [0] * (M + 1)
    for s in states:
        f[s] = 1
    return f


@computed(exact=True, n=N_, f=F_VALUES, M=M_, requires=require_values_per_count)
def conditional_expectations(n, f, M, *, exact=False):
    r""":math:`E[f(X_n) \mid X_0 = i] = (P^n f)(i)` for every starting count ``i = 0..M`` (numeric only).

    The backward view of the chain: one pass gives all starts; an array of ``n`` gives one row per
    generation.  Survival and absence probabilities are the indicators :math:`f = 1\{j > 0\}` and
    :math:`1\{j = 0\}`; :math:`f(j) = (1 - j/M)^T` is the probability that ``T`` draws from generation
    ``n`` all miss the category.  Float, or exact (``f`` rational: a column ``ImmutableMatrix``).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> conditional_expectations(3, [0, 1, 4], 2, exact=True).T  # E[X_3^2]: the martingale's variance grows
    Matrix([[0, 15/8, 4]])
    >>> conditional_expectations(7, [0, 0.25, 0.5, 0.75, 1], 4)  # f(j) = j/M: a martingale
    array([0.  , 0.25, 0.5 , 0.75, 1.  ])

    References
    ----------
    [kemenysnell1960]_; [ewens2004]_, sec. 1.4.
    """
    return _by_generation(n, _backward(n, f, M, exact, "expectations"), exact, rows=True)


@computed(exact=True, n=N_, M=M_)
def survival_probabilities(n, M, *, exact=False):
    r""":math:`s_n(i) = P(X_n > 0 \mid X_0 = i) = \sum_{j \ge 1}(P^n)_{ij}` for every ``i = 0..M`` (numeric only).

    :math:`s_n(0) = 0`, :math:`s_n(M) = 1`, :math:`s_n(i) \to i/M`; for ``n = 1``,
    :math:`1 - (1 - i/M)^M` (:func:`loss_probability`).  An array of ``n`` gives one row per generation.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> survival_probabilities(2, 2, exact=True).T
    Matrix([[0, 5/8, 1]])
    >>> survival_probabilities(10**12, 3)  # by repeated squaring: the fixation probabilities i/M
    array([0.        , 0.33333333, 0.66666667, 1.        ])

    References
    ----------
    [ewens2004]_; [shumailov2024]_, sec. 3.1 (the tails vanish).
    """
    return _by_generation(n, _backward(n, _indicator(M, range(1, M + 1)), M, exact, "survival probabilities"),
                          exact, rows=True)


@computed(exact=True, n=N_, M=M_)
def absence_probabilities(n, M, *, exact=False):
    r""":math:`a_n(i) = P(X_n = 0 \mid X_0 = i) = (P^n)_{i0}` for every ``i = 0..M`` (numeric only).

    Computed directly (not as :math:`1 - s_n`), so small absence probabilities keep their digits;
    :math:`a_n(i) \to 1 - i/M`.  An array of ``n`` gives one row per generation.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> absence_probabilities(2, 2, exact=True).T
    Matrix([[1, 3/8, 0]])
    >>> absence_probabilities(1, 4)  # (1 - i/4)^4
    array([1.        , 0.31640625, 0.0625    , 0.00390625, 0.        ])

    References
    ----------
    [ewens2004]_; [shumailov2024]_, sec. 3.1 (the tails vanish).
    """
    return _by_generation(n, _backward(n, _indicator(M, [0]), M, exact, "absence probabilities"), exact, rows=True)


# ----------------------------------------------------------------------------- forward: from one start
def _forward(n, i, M, exact, what):
    """Distributions of ``X_g`` from ``X_0 = i`` for every generation ``g`` of ``n``: dict g -> row."""
    steps = _steps(n)
    if exact:
        K.check_exact_steps(M, steps[-1], what)
        return {g: _rationals(num, den) for g, (num, den) in zip(steps, K.exact_forward(M, i, steps))}
    out = K.forward(M, i, steps)
    return {g: out[k] for k, g in enumerate(steps)}


@computed(exact=True, n=N_, i=I_, M=M_, requires=require_counts)
def count_distribution(n, i, M, *, exact=False):
    r"""The law :math:`P(X_n = j \mid X_0 = i) = (P^n)_{ij}`, ``j = 0..M``, of the count after ``n`` refits
    (numeric only).

    The forward view: only the rows in the support of the current law are touched, so a rare start
    at a huge ``M`` stays cheap.  An array of ``n`` gives one row per generation.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> count_distribution(1, 1, 2, exact=True).T
    Matrix([[1/4, 1/2, 1/4]])
    >>> d = count_distribution(2, 1, 10**6)  # a singleton after two refits: ~exp(-(1 - 1/e)) = 0.53146 absent
    >>> [round(float(v), 5) for v in d[:3]]
    [0.53146, 0.19551, 0.13372]

    References
    ----------
    [ewens2004]_, sec. 1.4; [shumailov2024]_, sec. 3.1.
    """
    return _by_generation(n, _forward(n, i, M, exact, "distributions"), exact, rows=True)


@computed(exact=True, n=N_, i=I_, M=M_, requires=require_counts)
def survival_probability(n, i, M, *, exact=False):
    r"""Probability :math:`s_n(i) = P(X_n > 0 \mid X_0 = i)` that a category with ``i`` of ``M`` samples is still
    present after ``n`` refits (numeric only).

    :math:`s_n(i) \to i/M`; for ``n = 1`` it is :math:`1 - (1 - i/M)^M`.  The count of one category
    against the rest is a two-type chain, so this holds for any ``K``.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> survival_probability(1, 2, 10, exact=True)  # 1 - (4/5)^10
    8717049/9765625
    >>> round(survival_probability(2, 1, 10**6), 14)  # ~1 - exp(-(1 - 1/e))
    0.46853663451381

    References
    ----------
    [ewens2004]_; [shumailov2024]_, sec. 3.1.
    """
    rows = _forward(n, i, M, exact, "survival probabilities")
    # float: the row sums to 1 within a few ulps, so its tail may round above 1 (found by tests/test_properties.py)
    return _by_generation(n, {g: sum(r[1:], sp.Integer(0)) if exact else min(math.fsum(r[1:]), 1.0)
                              for g, r in rows.items()}, exact)


def _require_start(i, M, **_):
    require_counts(i=i, M=M)


@computed(exact=True, i=I_, M=M_, generations=GENERATIONS, requires=_require_start)
def absorption_time_distribution(i, M, generations, *, exact=False):
    r"""Distribution :math:`P(T = n)`, ``n = 0..generations``, of the absorption time of the two-type chain from
    count ``i`` (numeric only).

    :math:`P(T = n) = \sum_{0 < j < M} P(X_{n-1} = j)\,[(1 - j/M)^M + (j/M)^M]`, the mass absorbed at
    step ``n``, summed directly (no differences of survival probabilities); :math:`P(T = 0) = 1` iff
    ``i`` is absorbing.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> absorption_time_distribution(1, 2, 3, exact=True).T
    Matrix([[0, 1/2, 1/4, 1/8]])

    References
    ----------
    [ewens2004]_, sec. 2.8; [shumailov2024]_, sec. 3.1.
    """
    if exact:
        K.check_exact_steps(M, generations, "absorption-time distributions", "generations")
        rows = K.exact_forward(M, i, range(generations + 1))
        absorbed = [num[0] + num[M] for num, _ in rows]
        pmf = [sp.Integer(absorbed[0])]
        for n in range(1, generations + 1):
            pmf.append(sp.Rational(absorbed[n] - M ** M * absorbed[n - 1], rows[n][1]))
        return sp.ImmutableMatrix(pmf)
    return K.forward(M, i, [generations], absorbed_steps=True, name="generations")[1]


@computed(exact=True, n=N_, counts=COUNTS, M=M_, requires=require_counts_sum_to_M)
def expected_surviving_categories(n, counts, M, *, exact=False):
    r"""Expected number of categories still present after ``n`` refits, :math:`\sum_k s_n(c_k)` (numeric only).

    By linearity, each category's count being a two-type chain against the rest
    (:func:`survival_probability`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_surviving_categories(1, [2, 1, 1], 4, exact=True)  # 15/16 + 2 (1 - (3/4)^4)
    295/128

    References
    ----------
    [ewens2004]_, sec. 3; [shumailov2024]_, sec. 3.1.
    """
    distinct = sorted(set(counts))
    if exact or M <= K.DENSE_ITER_MAX or len(distinct) > 4:
        s = _backward(n, _indicator(M, range(1, M + 1)), M, exact, "survival probabilities")
        per = {g: {c: row[c] for c in distinct} for g, row in s.items()}
    else:
        per = {}
        for c in distinct:
            for g, row in _forward(n, c, M, False, "").items():
                per.setdefault(g, {})[c] = min(math.fsum(row[1:]), 1.0)
    total = {g: sum((v[c] for c in counts), sp.Integer(0) if exact else 0.0) for g, v in per.items()}
    return _by_generation(n, total, exact)


# ----------------------------------------------------------------------------- a first step from any frequency
def _require_binomial_arguments(q, f, M):
    require_frequencies(q)
    require_values_per_count(f, M)


@computed(exact=True, q=Q_VECTOR, f=F_TABLE, M=M_, requires=_require_binomial_arguments)
def binomial_expectations(q, f, M, *, exact=False):
    r""":math:`E[f(X)]` for :math:`X \sim \mathrm{Bin}(M, q)`, for every frequency in ``q`` (numeric only).

    The first refit from a model of frequency :math:`q` (any real in [0, 1]); with
    ``f = conditional_expectations(n - 1, g, M)`` it is :math:`E[g(X_n)]` from generation 0 at
    :math:`q`.  A 2-D ``f`` (several functions as rows) gives an array ``(len(q), len(f))`` (exact: an
    ``ImmutableMatrix``, a column for a 1-D ``f``).  Float:
    Loader's binomial on a window holding all but 1e-16 of the mass (absolute error ~1e-16 max|f|).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> binomial_expectations([sp.Rational(1, 3), 1], [1, 0, 0], 2)  # (2/3)^2 and 0
    Matrix([
    [4/9],
    [  0]])
    >>> binomial_expectations([0.5, 0.1], [0, 0.5, 1], 2)  # E[X/M] = q
    array([0.5, 0.1])

    References
    ----------
    [ewens2004]_, sec. 1.4; [loader2000]_.
    """
    if exact:  # exact arguments arrive flattened (a float array as a tuple of Fractions)
        q = np.asarray(q, dtype=object).ravel()
        F = np.asarray(f, dtype=object).reshape(-1, M + 1)
        if q.size * (M + 1) > EXACT_MAX_TERMS:
            raise ValueError(f"q has {q.size} frequencies with M = {M}: exact mode is limited to "
                             f"len(q) * (M + 1) <= {EXACT_MAX_TERMS}; use exact=False (float64)")
        out = np.empty((q.size, F.shape[0]), dtype=object)
        for a, qa in enumerate(q):
            qa = sp.sympify(qa)
            w = [sp.binomial(M, j) * qa ** j * (1 - qa) ** (M - j) for j in range(M + 1)]
            for b in range(F.shape[0]):
                out[a, b] = sum((wj * sp.sympify(F[b, j]) for j, wj in enumerate(w)), sp.Integer(0))
        return sp.ImmutableMatrix(out[:, :1] if np.ndim(f) == 1 and len(f) == M + 1 else out)
    out = _binomial_expectations_float(np.asarray(q, dtype=float), np.atleast_2d(np.asarray(f, dtype=float)), M)
    return out[:, 0] if f.ndim == 1 else out


def _binomial_expectations_float(q, F, M, chunk=4_000_000):
    """Binomial weights of each ``q`` on its window, as a sparse matrix applied to the rows of ``F``."""
    lo, hi = K.windows(M, M * q)
    lens = hi - lo + 1
    out = np.empty((q.size, F.shape[0]))
    FT = np.ascontiguousarray(F.T)
    start = 0
    while start < q.size:  # chunks of about `chunk` binomial terms
        stop = start + max(1, int(np.searchsorted(np.cumsum(lens[start:]), chunk)))
        ln = lens[start:stop]
        indptr = np.concatenate([[0], np.cumsum(ln)])
        rows = np.repeat(np.arange(start, stop), ln)
        cols = np.arange(indptr[-1]) - np.repeat(indptr[:-1], ln) + np.repeat(lo[start:stop], ln)
        W = scipy.sparse.csr_matrix((K.binomial_pmf(cols, M, M * q[rows]), cols, indptr), shape=(stop - start, M + 1))
        out[start:stop] = W @ FT
        start = stop
    return out
