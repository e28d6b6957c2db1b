r"""The K-type chain: count vectors, the multinomial transition law, absorbing states, time to collapse.

The model of generation :math:`n \ge 1` is the count vector :math:`x` of :math:`K` categories summing
to :math:`M`; :math:`P(x \to y) = \binom{M}{y_1, \dots, y_K}\prod_i (x_i/M)^{y_i}` [ewens2004]_.  The
deltas :math:`M e_j` are the only absorbing states (proved in :mod:`proofs.discrete`), and the
chain is exchangeable, so the time until one category holds everything is computed on the chain
lumped by permutations (states = partitions of :math:`M`) [kemenysnell1960]_.  Littler's diffusion
approximation [littler1975]_: :math:`E[T] \approx -2M\sum_i (1 - x_i)\ln(1 - x_i)`.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import mpmath
import numpy as np
import scipy.special
import sympy as sp

from theory.core import computed, exact_number
from theory.discrete._common import (COUNTS, EXACT_MAX_STATES, FLOAT_MAX_STATES, K_, M_, X_COUNTS, X_VECTOR,
                                     Y_COUNTS)

__all__ = ["multinomial_transition_probability", "multitype_states", "MultitypeChain", "multitype_transition_matrix",
           "absorbing_states", "expected_time_to_collapse", "littler_time_to_collapse"]

#: Largest total M of an exact multinomial transition probability (M^M has ~M log10 M digits).
EXACT_MAX_TOTAL = 20_000


class MultitypeChain(NamedTuple):
    """The K-type chain on its count states: ``states`` (one count vector per row, see :func:`multitype_states`)
    and the row-stochastic transition matrix ``P`` on them (exact: both ``ImmutableMatrix``)."""
    states: np.ndarray
    P: np.ndarray


def _require_same_shape(x, y):
    if len(y) != len(x):
        raise ValueError(f"y must have the same number of categories as x ({len(x)}), got {len(y)}")
    if sum(y) != sum(x):
        raise ValueError(f"y must sum to M = sum(x) = {sum(x)}, sums to {sum(y)}")
    if sum(x) < 1:
        raise ValueError("x must sum to M >= 1")


@computed(exact=True, x=X_COUNTS, y=Y_COUNTS, requires=_require_same_shape)
def multinomial_transition_probability(x, y, *, exact=False):
    r"""K-type transition probability :math:`P(x \to y) = \binom{M}{y_1, \dots, y_K}\prod_i (x_i/M)^{y_i}`,
    :math:`M = \sum_i x_i` (numeric only).

    Float: in log space with mpmath (no exact big integers at any ``M``); :math:`0^0 = 1`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> multinomial_transition_probability([1, 1, 1], [3, 0, 0], exact=True)
    1/27
    >>> multinomial_transition_probability([1, 1], [1, 1])
    0.5

    References
    ----------
    [ewens2004]_, sec. 1.4; [shumailov2024]_, sec. 3.1.
    """
    M = sum(x)
    if any(b > 0 and a == 0 for a, b in zip(x, y)):
        return 0 if exact else 0.0
    if exact:
        if M > EXACT_MAX_TOTAL:
            raise ValueError(f"x sums to M = {M}: the exact value has a denominator M^M; exact mode is limited to "
                             f"M <= {EXACT_MAX_TOTAL}; use exact=False (float64)")
        return sp.Rational(math.factorial(M) * math.prod(a ** b for a, b in zip(x, y)),
                           math.prod(math.factorial(b) for b in y) * M ** M)
    with mpmath.workdps(30 + len(str(M))):
        log_p = mpmath.loggamma(M + 1) - sum(mpmath.loggamma(b + 1) for b in y) \
            + sum(b * mpmath.log(mpmath.mpf(a) / M) for a, b in zip(x, y) if b > 0)
        return float(mpmath.exp(log_p))


#: Most entries (states x K) of an enumeration of count states.
STATE_ENTRIES_MAX = 3 * 10 ** 7


def _n_compositions(M, K):
    """:math:`\binom{M+K-1}{K-1}`, exact up to ~1e15 and a float (log-gamma; ``inf`` beyond doubles) above: never
    a binomial of millions of digits (``M = K = 10**9`` took minutes), since it is only compared with a limit."""
    k = min(K - 1, M)
    if M + K > 10 ** 18:
        return math.inf
    log_n = math.lgamma(M + K) - math.lgamma(k + 1) - math.lgamma(M + K - k)
    if log_n > 35:
        return math.exp(log_n) if log_n < 709 else math.inf
    return math.comb(M + K - 1, k)


def _count_text(n):
    return str(n) if isinstance(n, int) else (f"~{n:.3g}" if math.isfinite(n) else "more than 1e308")


def _states(M, K):
    n = _n_compositions(M, K)
    if n > FLOAT_MAX_STATES:
        raise ValueError(f"K = {K}, M = {M} has {_count_text(n)} count states (C(M+K-1, K-1)); the limit is "
                         f"{FLOAT_MAX_STATES}")
    if n * K > STATE_ENTRIES_MAX:  # M = 1, K = 3e6 has 3e6 states but 9e12 entries
        raise ValueError(f"K = {K}, M = {M}: the {n} count states have {n * K} entries; at most "
                         f"{STATE_ENTRIES_MAX:.0e}")
    bars = np.array(list(itertools.combinations(range(M + K - 1), K - 1)), dtype=np.int64).reshape(n, K - 1)
    edges = np.concatenate([np.full((n, 1), -1), bars, np.full((n, 1), M + K - 1)], axis=1)
    return np.diff(edges, axis=1) - 1


@computed(M=M_, K=K_)
def multitype_states(M, K):
    r"""All count vectors of ``K`` categories summing to ``M`` (stars and bars), one per row (numeric only).

    There are :math:`\binom{M+K-1}{K-1}` of them, in lexicographic order of the bar positions (the first
    row is :math:`(0, \dots, 0, M)`); at most :data:`FLOAT_MAX_STATES`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> multitype_states(2, 2).tolist()  # exactly C(3, 1) = 3 states
    [[0, 2], [1, 1], [2, 0]]

    References
    ----------
    [feller1968]_, sec. II.5 (occupancy); [ewens2004]_, sec. 1.4.
    """
    return _states(M, K)


def _multinomial_logprob(M, x_states, y_states):
    """``log P(x -> y)`` for all pairs (rows x, columns y), float64."""
    G = scipy.special.gammaln(np.arange(M + 1, dtype=float) + 1.0)
    x = np.asarray(x_states, dtype=float)
    y = np.asarray(y_states, dtype=float)
    logx = np.where(x > 0, np.log(np.where(x > 0, x, 1.0) / M), -1e300 / max(M, 1))
    coef = G[M] - G[np.asarray(y_states)].sum(axis=1)
    return coef[None, :] + logx @ y.T


def _multinomial_numerators(M, x_states, y_states):
    """Integer ``M^M P(x -> y)`` for all pairs (python ints)."""
    fact = [math.factorial(k) for k in range(M + 1)]
    coefs = [fact[M] // math.prod(fact[int(v)] for v in y) for y in y_states]
    return [[0 if any(int(b) and not a for a, b in zip(x, y)) else c * math.prod(int(a) ** int(b) for a, b in zip(x, y))
             for y, c in zip(y_states, coefs)] for x in (list(map(int, x)) for x in x_states)]


@computed(exact=True, M=M_, K=K_)
def multitype_transition_matrix(M, K, *, exact=False):
    r"""Transition matrix :math:`P(x \to y) = \binom{M}{y_1, \dots, y_K}\prod_i (x_i/M)^{y_i}` of the K-type
    chain on :func:`multitype_states` (numeric only).

    Dense: at most 20000 states in floats, 400 exactly (Rationals).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    MultitypeChain
        ``(states, P)``.

    Examples
    --------
    >>> multitype_transition_matrix(2, 2, exact=True).P
    Matrix([
    [  1,   0,   0],
    [1/4, 1/2, 1/4],
    [  0,   0,   1]])

    References
    ----------
    [ewens2004]_, sec. 1.4; [shumailov2024]_, sec. 3.1.
    """
    n = _n_compositions(M, K)
    limit = 400 if exact else 20000
    if n > limit:
        raise ValueError(f"K = {K}, M = {M} has {_count_text(n)} count states; a dense "
                         f"{'exact' if exact else 'float'} transition matrix is limited to {limit} states"
                         + ("; use exact=False (float64)" if exact else ""))
    states = _states(M, K)
    if exact:
        den = M ** M
        num = _multinomial_numerators(M, states, states)
        return MultitypeChain(sp.ImmutableMatrix(states.tolist()),
                              sp.ImmutableMatrix([[sp.Rational(v, den) for v in row] for row in num]))
    return MultitypeChain(states, np.exp(_multinomial_logprob(M, states, states)))


@computed(M=M_, K=K_.with_doc(r"Number of categories :math:`K \ge 2`.", example=2))
def absorbing_states(M, K=2):
    r"""The absorbing states of the K-type chain, found by exact enumeration (numeric only).

    A state is absorbing iff :math:`P(x \to x) = \binom{M}{x}\prod_i (x_i/M)^{x_i} = 1`, evaluated in integers
    for every count vector (at most :data:`EXACT_MAX_STATES`): they are exactly the ``K`` deltas
    :math:`M e_j`, "the only absorbing states are delta functions" [shumailov2024]_ (proved for all
    ``M, K`` in :mod:`proofs.discrete`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> absorbing_states(5, 3)  # exactly the three deltas
    ((0, 0, 5), (0, 5, 0), (5, 0, 0))

    References
    ----------
    [shumailov2024]_, sec. 3.1; [ewens2004]_, sec. 1.4.
    """
    n = _n_compositions(M, K)
    if n > EXACT_MAX_STATES:
        raise ValueError(f"K = {K}, M = {M} has {_count_text(n)} count states; exact enumeration is limited to "
                         f"{EXACT_MAX_STATES} states")
    states = [tuple(int(v) for v in x) for x in _states(M, K)]
    stay = (_multinomial_numerators(M, [x], [x])[0][0] for x in states)
    return tuple(x for x, v in zip(states, stay) if v == M ** M)


def _partitions(M, K):
    """Partitions of ``M`` into at most ``K`` parts, as length-K non-increasing tuples (zeros padded)."""
    out = []

    def rec(rem, k, mx, prefix):
        if k == 0:
            if rem == 0:
                out.append(tuple(prefix))
            return
        for v in range(min(rem, mx), -1, -1):
            if v * k < rem:
                break
            rec(rem - v, k - 1, v, prefix + [v])

    rec(M, K, M, [])
    return out


def _lumped_chain(M, K, exact):
    """Transition matrix of the chain lumped by permutation of categories (states = partitions).

    The neutral chain is exchangeable, so ``P(x -> class(y))`` depends on ``x`` only through its sorted
    counts: it is lumpable ([kemenysnell1960]_, sec. 6.3).
    """
    parts = _partitions(M, K)
    index = {pt: a for a, pt in enumerate(parts)}
    comps = _states(M, K)
    cls = np.array([index[tuple(sorted(c, reverse=True))] for c in comps.tolist()])
    if exact:
        P = [[0] * len(parts) for _ in parts]
        for a, row in enumerate(_multinomial_numerators(M, parts, comps.tolist())):
            for c, v in zip(cls.tolist(), row):
                P[a][c] += v
        return parts, P
    prob = np.exp(_multinomial_logprob(M, np.array(parts), comps))
    return parts, np.stack([np.bincount(cls, weights=prob[a], minlength=len(parts)) for a in range(len(parts))])


def _require_some_counts(counts):
    if sum(counts) < 1:
        raise ValueError("counts must sum to M >= 1, sums to 0")


@computed(exact=True, counts=COUNTS, requires=_require_some_counts)
def expected_time_to_collapse(counts, *, exact=False):
    r"""Mean number of generations until one of ``K`` categories holds all :math:`M = \sum_k c_k` samples
    (numeric only).

    :math:`t = (I - Q)^{-1}\mathbf 1` on the chain lumped by permutations of the categories (states =
    partitions of ``M`` into at most ``K`` parts); categories with zero count are dropped first; two
    types reduce to :func:`expected_absorption_time`.  Limits: :math:`\binom{M+K-1}{K-1}` count states
    at most :data:`EXACT_MAX_STATES` (exact; 300 lumped states) or :data:`FLOAT_MAX_STATES` (float;
    5000 lumped states).  Diffusion approximation: :func:`littler_time_to_collapse`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_time_to_collapse([2, 2], exact=True)
    132/29

    References
    ----------
    [kemenysnell1960]_, sec. 6.3 and thm. 3.3.5; [littler1975]_; [ewens2004]_, sec. 5.4; [shumailov2024]_.
    """
    M = sum(counts)
    nz = sorted((c for c in counts if c > 0), reverse=True)
    K = len(nz)
    if K == 1:
        return 0 if exact else 0.0
    kind = "exact" if exact else "float"
    n_comp = _n_compositions(M, K)
    limit = EXACT_MAX_STATES if exact else FLOAT_MAX_STATES
    if n_comp > limit:
        raise ValueError(f"counts: K = {K} non-empty categories with M = {M} give {_count_text(n_comp)} count states "
                         f"(C(M+K-1, K-1)); {kind} mode is limited to {limit} states"
                         + ("; use exact=False (float64)" if exact else ""))
    n_part = len(_partitions(M, K))
    plimit = 300 if exact else 5000
    if n_part > plimit:
        raise ValueError(f"counts: K = {K}, M = {M} lumps to {n_part} states; {kind} mode is limited to {plimit} "
                         "lumped states" + ("; use exact=False (float64)" if exact else ""))
    parts, P = _lumped_chain(M, K, exact)
    start = parts.index(tuple(nz))
    trans = [a for a, pt in enumerate(parts) if pt[1] > 0]
    pos = trans.index(start)
    if exact:
        import flint

        MM = M ** M
        rows = [[(MM if a == b else 0) - P[a][b] for b in trans] for a in trans]
        return exact_number(flint.fmpz_mat(rows).solve(flint.fmpz_mat([[MM]] * len(trans)))[pos, 0])
    t = np.linalg.solve(np.eye(len(trans)) - P[np.ix_(trans, trans)], np.ones(len(trans)))
    return float(t[pos])


@computed(exact=True, symbolic=True, x=X_VECTOR, M=M_)
def littler_time_to_collapse(x, M, *, exact=False):
    r"""Littler's diffusion approximation :math:`E[T] \approx -2M\sum_{i=1}^K (1 - x_i)\ln(1 - x_i)` of the mean time
    until one of ``K`` types remains.

    Haploid, ``M`` copies; for ``K = 2`` it is :func:`kimura_absorption_time`; :math:`0 \ln 0 = 0`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> littler_time_to_collapse([sp.Rational(1, 2), sp.Rational(1, 2)], 10)
    20*log(2)
    >>> littler_time_to_collapse([0.25, 0.25, 0.5], 4)
    6.224773591661152

    References
    ----------
    [littler1975]_; [ewens2004]_, eq. (5.92).
    """
    if exact:
        return -2 * M * sum((1 - sp.sympify(v)) * sp.log(1 - sp.sympify(v)) for v in x if sp.sympify(v) != 1)
    return float(-2 * mpmath.mpf(M) * math.fsum(scipy.special.xlog1py(1 - x, -x)))
