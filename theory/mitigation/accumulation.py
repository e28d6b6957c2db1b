r"""Accumulating data (Gerstgrasser et al.): every model is fitted to all the data so far.

Batch :math:`D_j` holds ``M`` samples of model ``j`` (:math:`D_0` from the original); model
:math:`n \ge 1` is fitted to :math:`D_0\cup\dots\cup D_{n-1}`, i.e. :math:`nM` samples, so ``n``
counts refits as elsewhere.  Adding the batch of model ``n`` to the pool,

.. math::

    \mu_{n+1} = \mu_n + \frac{\sigma_n Z_n}{(n+1)\sqrt M}, \qquad
    SS_{n+1} = SS_n\Bigl(1 + \frac{\chi^2_{M-1} + \frac{n}{n+1}\chi^2_1}{c_n}\Bigr),

with :math:`SS_n = c_n\sigma_n^2` and :math:`c_n = nM - 1` (unbiased) or :math:`nM` (MLE).  Hence

.. math::

    E[\sigma_n^2] = \sigma^2\prod_{j=2}^{n}\Bigl(1-\frac{1}{j(jM-1)}\Bigr)\ \text{(unbiased)},\quad
    \sigma^2\prod_{j=1}^{n}\Bigl(1-\frac{1}{j^2M}\Bigr)\ \text{(MLE)},\qquad
    E[(\mu_n-\mu)^2] = \frac1M\sum_{j<n}\frac{E[\sigma_j^2]}{(j+1)^2} \le \frac{\pi^2\sigma^2}{6M}.

The variance tends to a positive limit (no collapse); for the MLE
:math:`E[(\mu_n-\mu)^2] + E[\sigma_n^2] = \sigma^2` exactly.  The derivation is the theorem
``ACCUMULATION`` of :mod:`proofs.mitigation`.  Source: [gerstgrasser2024]_.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import sympy as sp

from theory import validation as V
from theory.core import closed_form, computed
from theory.mitigation._common import BATCH_M, ESTIMATOR, Bounds, GaussianMoments, log_sum

__all__ = ["accumulate_moments", "accumulate_moments_path", "accumulate_variance_limit",
           "accumulate_mean_error_bound", "accumulate_variance_of_variance", "accumulate_w2_bounds"]

SIGMA2 = V.VARIANCE
N_EXACT = V.Generations("Number of refits; model ``n`` is fitted to :math:`nM` samples.", example=4,
                        exact_max=20_000)
#: Largest ``n`` of the O(n) float recursion of :func:`accumulate_variance_of_variance`.
VARIANCE_OF_VARIANCE_MAX_N = 10_000_000


def _first(M, estimator):
    """E[sigma_1^2]/sigma^2: 1 (unbiased) or (M-1)/M (MLE)."""
    return 1 if estimator == "unbiased" else (M - 1) / M


def _step(j, M, estimator):
    """E[sigma_j^2]/E[sigma_{j-1}^2] for j >= 2 (any estimator; the MLE formula also holds at j = 1)."""
    return 1 - 1 / (j * (j * M - 1)) if estimator == "unbiased" else 1 - 1 / (j * j * M)


def _log_step(M, estimator):
    if estimator == "unbiased":
        return lambda j, lib: lib.log1p(-1 / (j * (j * M - 1)))
    return lambda j, lib: lib.log1p(-1 / (j * j * M))


def _exact_path(n, M, estimator):
    """[E sigma_0^2, ..., E sigma_n^2] / sigma^2 as Fractions."""
    M = Fraction(M)
    out = [Fraction(1)]
    for j in range(1, n + 1):
        out.append(out[-1] * (_first(M, estimator) if j == 1 else _step(j, M, estimator)))
    return out


def _float_path(n, M, estimator):
    """E sigma_j^2 / sigma^2 for j = 0..n (floats, by cumulative log-factors)."""
    j = np.arange(2, n + 1, dtype=float)
    logs = np.concatenate([[0.0, math.log(_first(M, estimator))], _log_step(M, estimator)(j, np)])[: n + 1]
    return np.exp(np.cumsum(logs))


_DIRECT = 2_000_000


def _float_moments(n, M, estimator):
    """(E sigma_n^2, E d_n^2) / sigma^2 for any n (see accumulate_moments)."""
    import mpmath

    if n <= _DIRECT:
        vs = _float_path(n, M, estimator)
        return float(vs[-1]), math.fsum(vs[:-1] / np.arange(1, n + 1) ** 2) / M
    N = _DIRECT
    vs = _float_path(N, M, estimator)
    v_n = vs[-1] * math.exp(log_sum(_log_step(M, estimator), N + 1, n + 1))
    head = math.fsum(vs[:-1] / np.arange(1, N + 1) ** 2)
    # tail j = N..n-1: V_j = V_N exp(L_j), L_j = sum_{i=N+1}^{j} log f(i) = -(1/M)(1/(N+1/2) - 1/(j+1/2)) + O(N^-2)
    with mpmath.workdps(30):
        g = lambda j: mpmath.exp(-(1 / mpmath.mpf(M)) * (1 / (N + 0.5) - 1 / (j + 0.5))) / (j + 1) ** 2  # noqa
        tail = mpmath.nsum(g, [N, mpmath.inf], method="euler-maclaurin") - mpmath.nsum(
            g, [n, mpmath.inf], method="euler-maclaurin")
    return v_n, (head + float(vs[-1] * tail)) / M


@computed(exact=True, symbolic=True, n=N_EXACT, M=BATCH_M, sigma2=SIGMA2, estimator=ESTIMATOR)
def accumulate_moments(n, M, *, sigma2=1, estimator="unbiased", exact=False):
    r"""Exact :math:`(E[\sigma_n^2], E[(\mu_n-\mu)^2])` when model ``n`` is fitted to all :math:`nM` samples so far.

    .. math::

        E[\sigma_n^2] = \sigma^2\prod_{j=2}^{n}\Bigl(1-\tfrac{1}{j(jM-1)}\Bigr)\ \text{(unbiased)},\quad
        \sigma^2\prod_{j=1}^{n}\Bigl(1-\tfrac{1}{j^2M}\Bigr)\ \text{(MLE)},\quad
        E[(\mu_n-\mu)^2] = \frac1M\sum_{j<n}\frac{E[\sigma_j^2]}{(j+1)^2}.

    Floats at any ``n`` (direct sums to :math:`2\cdot10^6` terms, then Euler-Maclaurin tails);
    exact rationals with ``exact=True``; ``Sum``/``Product`` expressions for symbolic ``n`` (``n >= 1``).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments

    Examples
    --------
    >>> accumulate_moments(3, 4, estimator="mle", exact=True)
    GaussianMoments(variance=175/256, mean_error=81/256)
    >>> m = accumulate_moments(3, 4, estimator="mle")
    >>> round(m.variance + m.mean_error, 15)  # exactly sigma^2 for the MLE
    1.0

    References
    ----------
    [gerstgrasser2024]_; [shumailov2024]_.
    """
    if V.is_symbolic(n, M, sigma2):
        j, i = sp.Symbol("j", integer=True, positive=True), sp.Symbol("i", integer=True, positive=True)
        lo = 2 if estimator == "unbiased" else 1
        Vj = sp.Product(_step(i, M, estimator), (i, lo, j))
        var = sigma2 * sp.Product(_step(i, M, estimator), (i, lo, n)).doit()
        return GaussianMoments(var, sigma2 / M * (1 + sp.Sum(Vj / (j + 1) ** 2, (j, 1, n - 1))))
    if exact:
        vs = _exact_path(n, M, estimator)
        return GaussianMoments(vs[-1] * sigma2, sum(vs[j] / (j + 1) ** 2 for j in range(n)) / M * sigma2)
    v, d = _float_moments(n, M, estimator)
    return GaussianMoments(v * sigma2, d * sigma2)


@computed(generations=V.Integer(0, 10 ** 8, doc="Last generation ``N``; values for ``n = 0..N``.", example=5),
          M=BATCH_M, sigma2=SIGMA2, estimator=ESTIMATOR)
def accumulate_moments_path(generations, M, *, sigma2=1, estimator="unbiased"):
    r"""Float arrays of :func:`accumulate_moments` for :math:`n = 0..N` (numeric only).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments
        Two float arrays of length ``generations + 1``.

    Examples
    --------
    >>> accumulate_moments_path(2, 4, estimator="mle").variance.tolist()  # exactly 1, 3/4, 45/64
    [1.0, 0.75, 0.703125]

    References
    ----------
    [gerstgrasser2024]_.
    """
    vs = _float_path(generations, M, estimator)
    d = np.concatenate([[0.0], np.cumsum(vs[:-1] / np.arange(1, generations + 1) ** 2) / M])
    return GaussianMoments(vs * sigma2, d * sigma2)


@closed_form(M=BATCH_M, sigma2=SIGMA2, estimator=ESTIMATOR)
def accumulate_variance_limit(M, *, sigma2=1, estimator="unbiased"):
    r""":math:`\lim_n E[\sigma_n^2] > 0` under accumulation: no collapse.

    .. math::

        \text{MLE: } \sigma^2\frac{\sin(\pi/\sqrt M)}{\pi/\sqrt M}, \qquad
        \text{unbiased: } \sigma^2\frac{\Gamma(2-1/M)}{\Gamma(2-r_+)\Gamma(2-r_-)},\quad
        r_\pm = \frac{1\pm\sqrt{1+4M}}{2M}

    (Euler's sine product; the unbiased factors :math:`(j-r_+)(j-r_-)/(j(j-1/M))` telescope into gamma
    functions).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> accumulate_variance_limit(4, estimator="mle", exact=True)
    2/pi

    References
    ----------
    [gerstgrasser2024]_.
    """
    if estimator == "mle":
        x = 1 / sp.sqrt(M)
        return sigma2 * sp.sin(sp.pi * x) / (sp.pi * x)
    rp, rm = (1 + sp.sqrt(1 + 4 * M)) / (2 * M), (1 - sp.sqrt(1 + 4 * M)) / (2 * M)
    return sigma2 * sp.gamma(2 - 1 / M) / (sp.gamma(2 - rp) * sp.gamma(2 - rm))


@closed_form(M=BATCH_M, sigma2=SIGMA2)
def accumulate_mean_error_bound(M, *, sigma2=1):
    r"""Gerstgrasser et al.'s bound :math:`E[(\mu_n-\mu)^2] \le \frac{\pi^2}{6}\frac{\sigma^2}{M}` for every ``n``.

    Every factor of :math:`E[\sigma_j^2]` is below 1 and :math:`\sum_{j\ge1} j^{-2} = \pi^2/6`; both
    estimators.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> accumulate_mean_error_bound(6, exact=True)
    pi**2/36

    References
    ----------
    [gerstgrasser2024]_.
    """
    return sigma2 * sp.pi ** 2 / (6 * M)


def _ratios(M, estimator):
    """(q1, q2, r1(m), r2(m) - r1(m)^2, r2(m)) of the first two moments of sigma^2 (m = k + 1, k >= 1)."""
    if estimator == "unbiased":
        return (1, (M + 1) / (M - 1), lambda m: (M * m * m - m - 1) / (m * (M * m - 1)),
                lambda m: 2 * (M * m * m - 2 * m + 1) / (m * m * (M * m - 1) ** 2),
                lambda m: (M ** 2 * m ** 4 - 2 * M * m ** 3 + (m - 1) ** 2 + 2) / (m * m * (M * m - 1) ** 2))
    return ((M - 1) / M, (M - 1) * (M + 1) / (M * M), lambda m: (M * m * m - 1) / (M * m * m),
            lambda m: 2 * (M * m * m - 2 * m + 1) / (M * M * m ** 4),
            lambda m: (M * M * m ** 4 - 4 * m + 3) / (M * M * m ** 4))


def _require_feasible(n, M, sigma2=None, estimator=None):
    if not V.is_symbolic(n) and n > VARIANCE_OF_VARIANCE_MAX_N:
        raise ValueError(f"n must be <= {VARIANCE_OF_VARIANCE_MAX_N} (an O(n) recursion), got {n}")


@computed(exact=True, n=V.Generations("Number of refits (>= 1).", example=4, exact_max=20_000, minimum=1),
          M=BATCH_M, sigma2=SIGMA2, estimator=ESTIMATOR, requires=_require_feasible)
def accumulate_variance_of_variance(n, M, *, sigma2=1, estimator="unbiased", exact=False):
    r"""Exact :math:`\mathrm{Var}[\sigma_n^2]` under accumulation, without cancellation.

    With :math:`m_k = E[\sigma_k^2]`, :math:`E[\sigma_{k+1}^2] = r_1 m_k`, :math:`E[\sigma_{k+1}^4] =
    r_2 E[\sigma_k^4]` (ratios of the conditional moments of the pooled sum of squares),

    .. math::

        \mathrm{Var}[\sigma_{k+1}^2] = r_2\,\mathrm{Var}[\sigma_k^2] + (r_2 - r_1^2)\,m_k^2,\qquad
        r_2 - r_1^2 = \frac{2(M j^2 - 2j + 1)}{j^2(Mj-1)^2}\ \text{(unbiased)},\
        \frac{2(M j^2 - 2j + 1)}{M^2 j^4}\ \text{(MLE)},\ j = k + 1,

    a sum of positive terms (no difference of raw moments).  Exact or numeric only (no closed form in
    symbolic ``n``); :math:`O(n)`, so ``n`` is limited to ``VARIANCE_OF_VARIANCE_MAX_N``.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> accumulate_variance_of_variance(1, 5, exact=True)  # (M + 1)/(M - 1) - 1
    1/2
    >>> accumulate_variance_of_variance(2, 5, estimator="mle", exact=True)
    463/1250

    References
    ----------
    [gerstgrasser2024]_; [cochran1934]_.
    """
    q1, q2, r1, gap, r2 = _ratios(Fraction(M) if exact else float(M), estimator)
    if exact:
        m1, var = Fraction(q1), Fraction(q2) - Fraction(q1) ** 2
        for k in range(1, n):
            m = Fraction(k + 1)
            var, m1 = r2(m) * var + gap(m) * m1 * m1, m1 * r1(m)
        return var * Fraction(sigma2) ** 2
    m = np.arange(2, n + 1, dtype=float)
    log_m1 = math.log(q1) + np.concatenate([[0.0], np.cumsum(np.log(r1(m)))])  # log m_k, k = 1..n
    log_r2 = np.concatenate([np.cumsum(np.log(r2(m))[::-1])[::-1], [0.0]])  # sum_{i > k} log r2, k = 1..n
    terms = gap(m) * np.exp(2 * log_m1[:-1] + log_r2[1:])
    s2 = float(sigma2)
    return (math.fsum(terms) + (q2 - q1 * q1) * math.exp(log_r2[0])) * s2 * s2  # inf, not OverflowError, at 1e300


@computed(n=V.Integer(1, VARIANCE_OF_VARIANCE_MAX_N, doc="Number of refits.", example=4), M=BATCH_M, sigma2=SIGMA2,
          estimator=ESTIMATOR)
def accumulate_w2_bounds(n, M, *, sigma2=1, estimator="unbiased"):
    r"""Bounds on :math:`E[W_2^2]` under accumulation (numeric only).

    .. math::

        E[d_n^2] + (\sqrt{E\sigma_n^2}-\sigma)^2 \le E[W_2^2] \le
        E[d_n^2] + \frac{\mathrm{Var}[\sigma_n^2] + (E\sigma_n^2-\sigma^2)^2}{\sigma^2},

    the upper bound from :math:`(s-\sigma)^2 = (s^2-\sigma^2)^2/(s+\sigma)^2`.  Both are
    :math:`O(1/M)` uniformly in ``n``.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    Bounds

    Examples
    --------
    >>> b = accumulate_w2_bounds(5, 10)
    >>> 0 < b.lower < b.upper < 1  # exact functions of accumulate_moments(5, 10, exact=True)
    True

    References
    ----------
    [gerstgrasser2024]_; [villani2003]_.
    """
    var, d = accumulate_moments(n, M, estimator=estimator)  # at sigma^2 = 1: both bounds scale with sigma^2
    vv = accumulate_variance_of_variance(n, M, estimator=estimator)
    gap, excess = math.sqrt(var) - 1, var - 1
    return Bounds(sigma2 * (d + gap * gap), sigma2 * (d + vv + excess * excess))
