r"""Absorption of the two-type chain: mean times and fixation probabilities from every starting count.

Order the states as transient :math:`\{1, \dots, M-1\}` and absorbing :math:`\{0, M\}`,
:math:`P = (Q\;R)`.  The fundamental matrix :math:`N = (I - Q)^{-1}` gives the mean absorption times
:math:`t = N\mathbf 1` and the absorption probabilities :math:`B = NR` [kemenysnell1960]_; e.g. for
:math:`M = 4`, :math:`t_2 = 132/29`.  Exactly: a fraction-free flint solve (the times are symmetric,
:math:`t_i = t_{M-i}`, so the system folds onto :math:`i \le M/2`).  In floats: a banded solve with a
rigorous truncation bound (:func:`solve_two_type_chain`).  Kimura's diffusion approximation
[kimura1955]_ (haploid scaling) is :math:`t(p) \approx -2M[p\ln p + (1-p)\ln(1-p)]`.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import mpmath
import numpy as np
import scipy.special
import sympy as sp

from theory import validation as V
from theory.core import computed
from theory.discrete import _kernel as K
from theory.discrete._common import EXACT_MAX_M, I_, M_, P_SCALAR, TAIL, require_counts

__all__ = ["TwoTypeSolution", "solve_two_type_chain", "expected_absorption_times", "expected_absorption_time",
           "absorption_probabilities", "kimura_absorption_time", "SOLVE_MAX_M"]

#: Largest M of the banded float solve (about a minute at M = 10^5).
SOLVE_MAX_M = 120_000
#: Largest M of the exact (unfolded) absorption probabilities.
EXACT_MAX_M_PROBABILITIES = 120


class TwoTypeSolution(NamedTuple):
    """Mean absorption times and fixation probabilities of the two-type chain (float64, banded solve).

    ``times[i]`` is the mean number of generations until absorption from count ``i``; ``fixation[i]``
    the probability of absorption at ``M`` (theory: ``i/M``); ``dropped_mass`` the largest binomial
    mass of one row left out of the banded matrix; ``time_error_bound`` and ``fixation_error_bound``
    rigorous bounds on ``t_true - t`` and ``b_true - b`` (both ``>= 0``) caused by the truncation;
    ``half_width`` the largest half-width of a kept row window.  The arrays are read-only (cached).
    """
    M: int
    times: np.ndarray
    fixation: np.ndarray
    dropped_mass: float
    time_error_bound: float
    fixation_error_bound: float
    half_width: int


def _block_bounds(M, lo, hi):
    """Consecutive blocks of interior states ``1..M-1`` such that every row's window
    (clipped to the interior) lies in its own and the two neighbouring blocks."""
    r = np.arange(M + 1)
    lo_i = np.maximum(lo, 1)
    hi_i = np.minimum(hi, M - 1)
    h = np.maximum(np.maximum(hi_i - r, r - lo_i), 1)
    bounds = [1]
    while bounds[-1] < M:
        s = bounds[-1]
        b = int(h[s])
        for _ in range(4):
            b = int(h[max(1, s - b):min(M, s + 2 * b + 1)].max())
        bounds.append(min(M, s + b))
    while True:  # merge blocks until the block-tridiagonal structure holds (merging only widens blocks)
        nb = len(bounds) - 1
        bad = None
        for k in range(nb):
            s, e = bounds[k], bounds[k + 1]
            if k + 2 <= nb and hi_i[s:e].max() >= bounds[k + 2]:
                bad = k + 2  # remove the boundary after block k+1: block k+1 absorbs block k+2
                break
            if k >= 1 and lo_i[s:e].min() < bounds[k - 1]:
                bad = k - 1  # remove the boundary before block k-1
                break
        if bad is None:
            return bounds
        del bounds[bad]


def _window_block(M, rows, c0, c1, lo, hi):
    """Dense block of ``P(i -> j)`` for ``i`` in ``rows``, ``j`` in ``c0..c1-1``, zero outside each row window."""
    a, b = np.maximum(lo[rows], c0), np.minimum(hi[rows], c1 - 1) + 1  # the window of each row inside the block
    lens = np.maximum(b - a, 0)
    r = np.repeat(np.arange(rows.size), lens)
    c = np.arange(lens.sum()) - np.repeat(np.cumsum(lens) - lens, lens) + np.repeat(a, lens)
    B = np.zeros((rows.size, c1 - c0))
    B[r, c - c0] = K.binomial_pmf(c, M, rows[r])
    return B


@functools.lru_cache(maxsize=8)
def _solve(M, tail):
    if M == 1:
        z = np.zeros(2)
        return _read_only(TwoTypeSolution(1, z, np.array([0.0, 1.0]), 0.0, 0.0, 0.0, 0))
    lo, hi = K.windows(M, np.arange(M + 1), tail)
    bounds = _block_bounds(M, lo, hi)
    nb = len(bounds) - 1
    lo_c, hi_c = lo.copy(), hi.copy()  # each row's window clipped to its own and the neighbouring blocks
    for k in range(nb):
        s, e = bounds[k], bounds[k + 1]
        lo_c[s:e] = np.maximum(lo[s:e], bounds[k - 1] if k > 0 else 1)
        hi_c[s:e] = np.minimum(hi[s:e], bounds[k + 2] - 1 if k + 2 <= nb else M - 1)
    rows_all = np.arange(M + 1)
    q_all = rows_all / M
    below, above = K.tails(M, q_all, lo_c, hi_c)
    p0 = K.binomial_pmf(0, M, rows_all)   # (1-q)^M, the jump to 0
    pM = K.binomial_pmf(M, M, rows_all)   # q^M, the jump to M
    drop = (np.where(lo_c > 1, np.maximum(below - p0, 0.0), 0.0)
            + np.where(hi_c < M - 1, np.maximum(above - pM, 0.0), 0.0))
    target = 1.0 - p0 - pM - drop  # kept interior mass of each row
    Gs, zs, S_prev_inv_U, z_prev = [], [], None, None
    for k in range(nb):  # forward block elimination (no pivoting: I - Q is a nonsingular M-matrix)
        s, e = bounds[k], bounds[k + 1]
        c0 = bounds[k - 1] if k > 0 else 1
        c1 = bounds[k + 2] if k + 2 <= nb else M
        rows = np.arange(s, e)
        B = _window_block(M, rows, c0, c1, lo_c, hi_c)
        B *= (target[rows] / B.sum(axis=1))[:, None]
        A = -B
        A[np.arange(e - s), rows - c0] += 1.0
        L, D, U = A[:, : s - c0], A[:, s - c0: e - c0], A[:, e - c0:]
        f = np.stack([np.ones(e - s), pM[rows]], axis=1)
        if k > 0:
            D = D - L @ S_prev_inv_U
            f = f - L @ z_prev
        sol = np.linalg.solve(D, np.concatenate([U, f], axis=1))
        S_prev_inv_U, z_prev = sol[:, : U.shape[1]], sol[:, U.shape[1]:]
        Gs.append(S_prev_inv_U)
        zs.append(z_prev)
    x = [None] * nb
    x[nb - 1] = zs[nb - 1]
    for k in range(nb - 2, -1, -1):
        x[k] = zs[k] - Gs[k] @ x[k + 1]
    X = np.concatenate(x, axis=0)
    times = np.concatenate([[0.0], X[:, 0], [0.0]])
    fix = np.concatenate([[0.0], X[:, 1], [1.0]])
    delta = float(drop[1:M].max())
    tmax = float(times.max())
    t_bound = delta * tmax * tmax / (1 - delta * tmax) if delta * tmax < 1 else math.inf
    b_bound = delta * tmax / (1 - delta * tmax) if delta * tmax < 1 else math.inf
    half = int(max(np.max(hi_c[1:M] - rows_all[1:M]), np.max(rows_all[1:M] - lo_c[1:M])))
    return _read_only(TwoTypeSolution(M, times, fix, delta, t_bound, b_bound, half))


def _read_only(sol):
    sol.times.flags.writeable = False
    sol.fixation.flags.writeable = False
    return sol


def _require_solvable(M, **_):
    if not V.is_symbolic(M) and M > SOLVE_MAX_M:
        raise ValueError(f"M = {M}: the banded solve costs ~M^2 log(1/tail) operations; M <= {SOLVE_MAX_M}")


@computed(M=M_, tail=TAIL, requires=_require_solvable)
def solve_two_type_chain(M, *, tail=K.TAIL):
    r"""Mean absorption times and fixation probabilities of the two-type chain from every count, in float64
    (numeric only).

    Solves :math:`(I - Q)t = \mathbf 1` and :math:`(I - Q)b = R_{\cdot M}` (:math:`R_{iM} = (i/M)^M`).
    Row :math:`i` of :math:`Q` is kept on a window around its mean (Bernstein's inequality with
    target ``tail``), evaluated by Loader's form and rescaled to the exact binomial mass of the window
    (``bdtr``/``bdtrc``), so row sums, to which :math:`t` is most sensitive (:math:`\max t \approx
    1.39M`), stay at rounding level.  The banded :math:`I - Q` is split into blocks at least as wide as
    the windows (block tridiagonal) and solved by block elimination without pivoting (Schur
    complements of M-matrices are M-matrices).

    Error bound: dropping entries gives :math:`Q' \le Q` with row deficits at most :math:`\delta`
    (``dropped_mass``), so :math:`0 \le t - t' \le \delta t'^2_{\max}/(1 - \delta t'_{\max})` and
    :math:`0 \le b - b' \le \delta t_{\max}`.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    TwoTypeSolution

    Examples
    --------
    >>> s = solve_two_type_chain(4)
    >>> bool(abs(s.times[2] - float(expected_absorption_time(2, 4, exact=True))) < 1e-14)  # 132/29
    True

    References
    ----------
    [kemenysnell1960]_, thm. 3.3.5; [ewens2004]_, sec. 2.8; [loader2000]_ (rows).
    """
    return _solve(M, float(tail))


def _exact_times_all(M):
    """Exact ``t[0..M]`` by a fraction-free solve of the symmetry-folded system.

    ``t`` is symmetric (``t_i = t_{M-i}``), so ``(I - Q) t = 1`` folds onto ``i = 1..floor(M/2)``; rows are
    scaled by ``M^M`` to integers and solved with flint's ``fmpz_mat.solve``.
    """
    import flint

    if M == 1:
        return [0, 0]
    h, MM, A = M // 2, M ** M, K.int_rows(M)
    rows = []
    for i in range(1, h + 1):
        r = [0] * h
        for j in range(1, M):
            r[min(j, M - j) - 1] -= A[i][j]
        r[i - 1] += MM
        rows.append(r)
    sol = flint.fmpz_mat(rows).solve(flint.fmpz_mat([[MM]] * h))
    half = [sol[k, 0] for k in range(h)]
    t = [0] + half
    return t + [t[M - i] for i in range(h + 1, M)] + [0]


def _require_exact_M(M):
    if M > EXACT_MAX_M:
        raise ValueError(f"M = {M}: the exact two-type chain has {M + 1} states and its {M // 2}x{M // 2} rational "
                         f"system has entries of ~{int(M * math.log2(M))} bits; exact mode is limited to "
                         f"M <= {EXACT_MAX_M} (about 15 s at M = 300); use exact=False (float64)")


@computed(exact=True, M=M_)
def expected_absorption_times(M, *, exact=False):
    r"""Mean absorption times :math:`t_i`, ``i = 0..M``, of the two-type chain (numeric only).

    :math:`t = (I - Q)^{-1}\mathbf 1` on :math:`\{1, \dots, M-1\}`, :math:`t_0 = t_M = 0`.  Exact: a
    column ``ImmutableMatrix`` of Rationals (``M <= EXACT_MAX_M``); float: :func:`solve_two_type_chain`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_absorption_times(4, exact=True).T
    Matrix([[0, 107/29, 132/29, 107/29, 0]])
    >>> float(expected_absorption_times(4)[2])  # 132/29
    4.551724137931035

    References
    ----------
    [kemenysnell1960]_, thm. 3.3.5; [ewens2004]_, sec. 2.8; [shumailov2024]_, sec. 3.1.
    """
    if exact:
        _require_exact_M(M)
        import flint

        return flint.fmpq_mat(M + 1, 1, _exact_times_all(M))  # mapped to an ImmutableMatrix by theory.core
    _require_solvable(M)
    return np.array(_solve(M, K.TAIL).times)


@computed(exact=True, i=I_, M=M_, requires=require_counts)
def expected_absorption_time(i, M, *, exact=False):
    r"""Mean number of generations :math:`t_i = E[T \mid X_0 = i]` until one of two categories holds all ``M``
    samples (numeric only).

    :math:`T = \min\{n \ge 0 : X_n \in \{0, M\}\}` and :math:`t = (I - Q)^{-1}\mathbf 1`; collapse
    happens in finite expected time [shumailov2024]_.  Kimura's approximation:
    :func:`kimura_absorption_time`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_absorption_time(2, 4, exact=True)
    132/29
    >>> expected_absorption_time(0, 10**5)
    0.0

    References
    ----------
    [kemenysnell1960]_; [ewens2004]_, sec. 2.8; [shumailov2024]_, sec. 3.1.
    """
    if i in (0, M):
        return 0 if exact else 0.0
    if exact:
        _require_exact_M(M)
        return _exact_times_all(M)[i]
    _require_solvable(M)
    return float(_solve(M, K.TAIL).times[i])


@computed(exact=True, M=M_)
def absorption_probabilities(M, *, exact=False):
    r"""Probabilities :math:`b_i` of absorption at ``M`` (fixation of the first category), ``i = 0..M``
    (numeric only).

    :math:`b = (I - Q)^{-1}R_{\cdot M}` with :math:`R_{iM} = (i/M)^M`, computed from the chain (not from
    the closed form ``i/M`` of :func:`fixation_probability`, which it verifies).  Exact: a fraction-free
    solve (``M <= 120``); float: :func:`solve_two_type_chain`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> absorption_probabilities(3, exact=True).T
    Matrix([[0, 1/3, 2/3, 1]])

    References
    ----------
    [kemenysnell1960]_, thm. 3.3.7; [ewens2004]_, eq. (1.49); [shumailov2024]_, sec. 3.1.
    """
    import flint

    if not exact:
        _require_solvable(M)
        return np.array(_solve(M, K.TAIL).fixation)
    if M > EXACT_MAX_M_PROBABILITIES:
        raise ValueError(f"M = {M}: exact absorption probabilities solve an unfolded {M - 1}x{M - 1} rational system; "
                         f"exact mode is limited to M <= {EXACT_MAX_M_PROBABILITIES}; use exact=False (float64)")
    if M == 1:
        return flint.fmpq_mat(2, 1, [0, 1])
    A, MM = K.int_rows(M), M ** M
    rows = [[(MM if a == b else 0) - A[a][b] for b in range(1, M)] for a in range(1, M)]
    sol = flint.fmpz_mat(rows).solve(flint.fmpz_mat([[A[a][M]] for a in range(1, M)]))
    return flint.fmpq_mat(M + 1, 1, [0] + [sol[k, 0] for k in range(M - 1)] + [1])


@computed(exact=True, symbolic=True, p=P_SCALAR, M=M_)
def kimura_absorption_time(p, M, *, exact=False):
    r"""Kimura's diffusion approximation :math:`t(p) \approx -2M[p\ln p + (1-p)\ln(1-p)]` of the mean absorption
    time from frequency ``p``.

    Haploid, ``M`` copies (diploid populations of ``N`` individuals: ``M = 2N``, Kimura's
    :math:`-4N[\dots]`); relative error :math:`O(1/M)` in the interior (exact value:
    :func:`expected_absorption_time`).  :math:`0 \ln 0 = 0`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> kimura_absorption_time(sp.Rational(1, 2), 10)
    20*log(2)
    >>> kimura_absorption_time(0.5, 10)
    13.862943611198906

    References
    ----------
    [kimura1955]_; [ewens2004]_, eq. (4.20).
    """
    if exact:
        p = sp.sympify(p)
        return -2 * M * sum(x * sp.log(x) for x in (p, 1 - p) if x != 0)
    return float(-2 * mpmath.mpf(M) * float(scipy.special.xlogy(p, p) + scipy.special.xlog1py(1 - p, -p)))
