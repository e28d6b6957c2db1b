r"""Mixing fresh real data into Gaussian refitting: an affine recursion of the second moments.

Every generation trains on :math:`M` samples: :math:`m_r = \alpha M` fresh samples of the original
:math:`N(\mu, \sigma^2)` and :math:`m_s = M - m_r` samples of the current model (the exact-split
convention: :math:`\alpha M` is an integer; :math:`\alpha = 0` is plain replacement,
:mod:`theory.gaussian`).  With :math:`d_n = \mu_n - \mu`, :math:`a = \alpha`, :math:`b = 1 - \alpha` and
the divisor :math:`D = M - 1` (unbiased) or :math:`M` (MLE), the pooled fit satisfies

.. math::

    E[d_{n+1}^2\mid\cdot] = b^2 d_n^2 + \tfrac{b}{M}\sigma_n^2 + \tfrac{a}{M}\sigma^2, \qquad
    E[\sigma_{n+1}^2\mid\cdot] = \tfrac{M-1}{D}(a\sigma^2 + b\sigma_n^2) + \tfrac{abM}{D} d_n^2,

(the between-group part of the pooled sum of squares feeds the mean error back into the variance),
so :math:`x_n = (E[d_n^2], E[\sigma_n^2])` follows :math:`x_{n+1} = A x_n + c`.  Its spectral radius
is below 1 iff :math:`\alpha > \alpha_c = 1 - \sqrt{1 - 1/M}` (unbiased; :math:`\alpha_c = 0` for the
MLE), and :math:`\alpha_c < 1/M`: one fresh sample per generation stabilises the second moments.
The derivation is the theorem ``MIXING_UNBIASED``/``MIXING_MLE`` of :mod:`proofs.mitigation`.
Sources: [shumailov2024]_ (a share of original data slows collapse), [bertrand2024]_ (stability with
enough real data), [alemohammad2024]_.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import sympy as sp

from theory import gaussian as _gaussian
from theory import validation as V
from theory.core import closed_form, computed
from theory.mitigation._common import (ALPHA, ESTIMATOR, MIX_M, Bounds, GaussianMoments, exact_alpha,
                                           fresh_count, require_split)

__all__ = ["mixing_counts", "mixing_conditional_moments", "mixing_recursion", "mixing_moments",
           "mixing_moments_path", "mixing_stationary", "mixing_spectral_radius", "mixing_stability_threshold",
           "mixing_w2_bounds", "MixingCounts", "AffineRecursion"]

SIGMA2 = V.VARIANCE


class MixingCounts(NamedTuple):
    """Fresh and synthetic sample counts of one generation."""
    fresh: object
    synthetic: object


class AffineRecursion(NamedTuple):
    """:math:`x_{n+1} = A x_n + c` for :math:`x_n = (E[(\\mu_n-\\mu)^2], E[\\sigma_n^2])`."""
    A: object
    c: object


def _A_c(a, M, sigma2, estimator):
    b = 1 - a
    D = M - 1 if estimator == "unbiased" else M
    A = sp.Matrix([[b ** 2, b / M], [a * b * M / D, (M - 1) * b / D]])
    c = sp.Matrix([a * sigma2 / M, (M - 1) * a * sigma2 / D])
    return A, c


@computed(symbolic=True, alpha=ALPHA, M=MIX_M)
def mixing_counts(alpha, M):
    r"""Fresh and synthetic sample counts :math:`(m_r, m_s) = (\alpha M, (1-\alpha)M)`.

    :math:`\alpha M` must be an integer (within :math:`10^{-9}` for floats): no rounding, no random
    counts.  Symbolic input gives the symbolic products.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    MixingCounts
        ``(fresh, synthetic)``, ints (sympy products for symbols).

    Examples
    --------
    >>> mixing_counts(0.1, 20)  # exactly 2 fresh, 18 synthetic
    MixingCounts(fresh=2, synthetic=18)

    References
    ----------
    [shumailov2024]_; [bertrand2024]_.
    """
    mr = fresh_count(alpha, M)
    if V.is_symbolic(alpha, M):
        return MixingCounts(alpha * M, (1 - alpha) * M)
    return MixingCounts(int(mr), int(M) - int(mr))


@closed_form(alpha=ALPHA, M=MIX_M, d2=V.Real(0, doc=r"Squared mean error :math:`(\mu_n-\mu)^2`.", example=0.3),
             variance=V.Real(0, doc=r"Model variance :math:`\sigma_n^2`.", example=1.5), sigma2=SIGMA2,
             estimator=ESTIMATOR, requires=require_split)
def mixing_conditional_moments(alpha, M, d2, variance, *, sigma2=1, estimator="unbiased"):
    r"""One-step conditional moments of the fit to a pooled fresh/synthetic sample.

    .. math::

        E[d_{n+1}^2\mid\cdot] = (1-\alpha)^2 d_n^2 + \tfrac{1-\alpha}{M}\sigma_n^2 + \tfrac{\alpha}{M}\sigma^2,
        \quad E[\sigma_{n+1}^2\mid\cdot] = \tfrac{M-1}{D}(\alpha\sigma^2 + (1-\alpha)\sigma_n^2)
        + \tfrac{\alpha(1-\alpha)M}{D}d_n^2.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments
        ``(variance, mean_error)`` = :math:`(E[\sigma_{n+1}^2\mid\cdot], E[d_{n+1}^2\mid\cdot])`.

    Examples
    --------
    >>> mixing_conditional_moments(1/2, 4, 0, 1, exact=True)
    GaussianMoments(variance=1, mean_error=1/4)

    References
    ----------
    [bertrand2024]_; [cochran1934]_ (within-group sums of squares).
    """
    A, c = _A_c(alpha, M, sigma2, estimator)
    x = A * sp.Matrix([d2, variance]) + c
    return GaussianMoments(sp.factor(x[1]), sp.factor(x[0]))


@closed_form(alpha=ALPHA, M=MIX_M, sigma2=SIGMA2, estimator=ESTIMATOR, requires=require_split)
def mixing_recursion(alpha, M, *, sigma2=1, estimator="unbiased"):
    r"""Affine recursion :math:`x_{n+1} = A x_n + c` of :math:`x_n = (E[(\mu_n-\mu)^2], E[\sigma_n^2])`.

    .. math::

        A = \begin{pmatrix} b^2 & b/M \\ abM/D & (M-1)b/D \end{pmatrix},\qquad
        c = \sigma^2\begin{pmatrix} a/M \\ (M-1)a/D \end{pmatrix},

    :math:`a = \alpha`, :math:`b = 1-\alpha`, :math:`D = M-1` (unbiased) or :math:`M` (MLE);
    :math:`x_0 = (0, \sigma^2)`.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    AffineRecursion
        ``(A, c)``: a 2x2 and a length-2 float array (``ImmutableMatrix`` when exact or symbolic).

    Examples
    --------
    >>> mixing_recursion(1/2, 4, exact=True).c.T
    Matrix([[1/8, 1/2]])

    References
    ----------
    [bertrand2024]_; [shumailov2024]_.
    """
    return AffineRecursion(*_A_c(alpha, M, sigma2, estimator))


#: Longest path of :func:`mixing_moments_path` (two float arrays of ``N + 1`` entries: 1.6 GB at the limit).
PATH_MAX = 10 ** 8
#: Generations per block of the path: each block is ``A^r x_s + sum_{j<r} A^j c`` from tabulated powers.
PATH_BLOCK = 4096


def _augmented_power(A, c, x0, n):
    """:math:`A^n x_0 + \\sum_{j<n} A^j c` by squaring the 3x3 augmented matrix (all entries >= 0: no
    cancellation in floats; exact for Fractions)."""
    T = [[A[0][0], A[0][1], c[0]], [A[1][0], A[1][1], c[1]], [0 * c[0], 0 * c[0], 1 + 0 * c[0]]]

    def mul(X, Y):
        return [[sum(X[i][k] * Y[k][j] for k in range(3)) for j in range(3)] for i in range(3)]

    R = [[1 + 0 * c[0] if i == j else 0 * c[0] for j in range(3)] for i in range(3)]
    while n:
        if n & 1:
            R = mul(R, T)
        T = mul(T, T)
        n >>= 1
    v = (x0[0], x0[1], 1)
    return [sum(R[i][k] * v[k] for k in range(3)) for i in range(2)]


def _numbers(alpha, M, sigma2, estimator, exact):
    """A and c as nested lists of Fractions (exact) or floats."""
    mr = fresh_count(alpha, M)
    a, M_ = (Fraction(mr, M), Fraction(M)) if exact else (mr / M, float(M))
    b, D = 1 - a, (M_ - 1 if estimator == "unbiased" else M_)
    s2 = Fraction(sigma2) if exact else float(sigma2)
    return ([[b * b, b / M_], [a * b * (M_ / D), (M_ - 1) / D * b]], [a * s2 / M_, a * s2 * ((M_ - 1) / D)],
            (0 * s2, s2))  # (M - 1)/D first: (M - 1) a sigma^2 overflows at sigma^2 = 1e300 before the division


@computed(exact=True, symbolic=True, n=V.GENERATIONS.with_doc("Number of refits.", example=4), alpha=ALPHA,
          M=MIX_M, sigma2=SIGMA2, estimator=ESTIMATOR, requires=lambda n, alpha, M, **_: require_split(alpha, M))
def mixing_moments(n, alpha, M, *, sigma2=1, estimator="unbiased", exact=False):
    r"""Exact :math:`(E[\sigma_n^2], E[(\mu_n-\mu)^2])` after ``n`` refits with real-data fraction ``alpha``.

    .. math::

        x_n = A^n x_0 + \sum_{j<n} A^j c, \qquad x_0 = (0, \sigma^2),

    computed by squaring the augmented matrix (:math:`O(\log n)` products, all entries non-negative:
    no cancellation); for symbolic ``n`` by Cayley-Hamilton,
    :math:`A^n = \frac{\lambda_+^n (A-\lambda_- I) - \lambda_-^n (A-\lambda_+ I)}{\lambda_+-\lambda_-}`
    (valid for :math:`0 < \alpha < 1`).  :math:`\alpha = 0` reproduces :mod:`theory.gaussian`.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments

    Examples
    --------
    >>> mixing_moments(2, 1/2, 4, exact=True)
    GaussianMoments(variance=13/12, mean_error=5/16)
    >>> round(mixing_moments(10**12, 0.2, 5).variance, 12)  # the stationary value (exactly 2), at once
    2.0

    References
    ----------
    [shumailov2024]_; [bertrand2024]_; [alemohammad2024]_.
    """
    if V.is_symbolic(n, alpha, M, sigma2):
        a = exact_alpha(alpha, M)
        A, c = _A_c(a, M, sigma2, estimator)
        if not V.is_symbolic(a) and a == 0:
            return GaussianMoments(_gaussian.expected_variance(n, M, sigma2=sigma2, estimator=estimator),
                                   _gaussian.mean_variance(n, M, sigma2=sigma2, estimator=estimator))
        tr, det = A.trace(), A.det()
        root = sp.sqrt(sp.factor(sp.simplify(tr ** 2 - 4 * det)))
        lp, lm = (tr + root) / 2, (tr - root) / 2
        I2 = sp.eye(2)
        An = (lp ** n * (A - lm * I2) - lm ** n * (A - lp * I2)) / (lp - lm)
        xinf = (I2 - A).LUsolve(c)
        x = xinf + An * (sp.Matrix([0, sigma2]) - xinf)
        # simplify is cheap for numeric alpha and M (symbolic n, sigma2) but takes minutes on the general
        # symbolic expression, where it also barely shortens it: keep that one as derived
        tidy = sp.simplify if not V.is_symbolic(a, M) else (lambda e: e)
        return GaussianMoments(tidy(x[1]), tidy(x[0]))
    A, c, x0 = _numbers(alpha, M, sigma2, estimator, exact)
    d, v = _augmented_power(A, c, x0, int(n))
    return GaussianMoments(v, d)


@computed(generations=V.Integer(0, PATH_MAX, doc="Last generation ``N``; values for ``n = 0..N``.", example=5),
          alpha=ALPHA,
          M=MIX_M, sigma2=SIGMA2, estimator=ESTIMATOR,
          requires=lambda generations, alpha, M, **_: require_split(alpha, M))
def mixing_moments_path(generations, alpha, M, *, sigma2=1, estimator="unbiased"):
    r"""Float arrays of :func:`mixing_moments` for :math:`n = 0..N` (iterating :math:`x_{n+1} = Ax_n + c`; numeric only).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments
        Two float arrays of length ``generations + 1``.

    Examples
    --------
    >>> mixing_moments_path(2, 0.5, 4).mean_error.tolist()  # exactly 0, 1/4, 5/16
    [0.0, 0.25, 0.3125]

    References
    ----------
    [bertrand2024]_.
    """
    A, c, x0 = _numbers(alpha, M, sigma2, estimator, False)
    A, c = np.array(A), np.array(c)
    xs = np.empty((generations + 1, 2))
    xs[0] = x0
    block = min(generations, PATH_BLOCK)
    powers, sums = np.empty((block + 1, 2, 2)), np.empty((block + 1, 2))  # A^r and sum_{j<r} A^j c
    powers[0], sums[0] = np.eye(2), 0.0
    for r in range(block):
        powers[r + 1] = np.einsum("ij,jk->ik", A, powers[r])
        sums[r + 1] = np.einsum("ij,j->i", A, sums[r]) + c
    for start in range(0, generations, max(block, 1)):  # x_{s+r} = A^r x_s + sum_{j<r} A^j c (terms >= 0)
        k = min(block, generations - start)
        xs[start + 1:start + k + 1] = np.einsum("rij,j->ri", powers[1:k + 1], xs[start]) + sums[1:k + 1]
    return GaussianMoments(xs[:, 1], xs[:, 0])


def _require_stable(alpha, M, sigma2=None, estimator="unbiased"):
    require_split(alpha, M)
    if not V.is_symbolic(alpha, M):
        rho = mixing_spectral_radius(alpha, M, estimator=estimator)
        if not rho < 1:
            raise ValueError(f"alpha={alpha!r} is at or below the stability threshold for M={M} (spectral radius "
                             f"{rho:.6g} >= 1): the second moments do not converge")


@closed_form(alpha=ALPHA, M=MIX_M, sigma2=SIGMA2, estimator=ESTIMATOR, requires=_require_stable)
def mixing_stationary(alpha, M, *, sigma2=1, estimator="unbiased"):
    r"""Stationary :math:`(E[\sigma_\infty^2], E[d_\infty^2])`: the fixed point of :func:`mixing_recursion`.

    .. math::

        \text{unbiased:}\ E[d_\infty^2] = \frac{\sigma^2(M-1)}{M[(M-1)-M(1-\alpha)^2]},\quad
        E[\sigma_\infty^2] = \sigma^2 + \frac{(1-\alpha)M}{M-1}E[d_\infty^2].

    Valid iff ``alpha`` exceeds :func:`mixing_stability_threshold` (ValueError otherwise).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments

    Examples
    --------
    >>> mixing_stationary(1/2, 4, exact=True)
    GaussianMoments(variance=5/4, mean_error=3/8)

    References
    ----------
    [bertrand2024]_; [shumailov2024]_.
    """
    A, c = _A_c(alpha, M, sigma2, estimator)
    x = (sp.eye(2) - A).LUsolve(c)
    return GaussianMoments(sp.factor(sp.simplify(x[1])), sp.factor(sp.simplify(x[0])))


@closed_form(alpha=ALPHA, M=MIX_M, estimator=ESTIMATOR, requires=require_split)
def mixing_spectral_radius(alpha, M, *, estimator="unbiased"):
    r"""Spectral radius :math:`\lambda_+ = \frac12(\operatorname{tr}A + \sqrt{(\operatorname{tr}A)^2 - 4\det A})`
    of :func:`mixing_recursion` (its Perron root: ``A`` is non-negative).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixing_spectral_radius(0, 10, exact=True)  # plain replacement: a Jordan block at 1
    1

    References
    ----------
    [bertrand2024]_.
    """
    A, _ = _A_c(alpha, M, 1, estimator)
    tr, det = A.trace(), A.det()
    return (tr + sp.sqrt(sp.factor(sp.simplify(tr ** 2 - 4 * det)))) / 2


@closed_form(M=MIX_M, estimator=ESTIMATOR)
def mixing_stability_threshold(M, *, estimator="unbiased"):
    r"""Smallest real-data fraction keeping the second moments bounded: :math:`\alpha_c = 1 - \sqrt{1-1/M}`
    (unbiased), :math:`0` (MLE).

    ``A`` is non-negative, so its Perron root is below 1 iff :math:`(1-A_{11})(1-A_{22}) > A_{12}A_{21}`,
    which reduces to :math:`\alpha[(M-1) - M(1-\alpha)^2] > 0`.  :math:`\alpha_c \in (\tfrac1{2M},
    \tfrac1M)`: one fresh sample per generation suffices.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixing_stability_threshold(4, exact=True)
    1 - sqrt(3)/2

    References
    ----------
    [bertrand2024]_ (stability for a large enough real fraction; here the exact threshold).
    """
    return 1 - sp.sqrt((M - 1) / M) if estimator == "unbiased" else 0 * M


@computed(n=V.Integer(1, doc="Number of refits.", example=4), alpha=ALPHA, M=MIX_M, sigma2=SIGMA2,
          estimator=ESTIMATOR, requires=lambda n, alpha, M, **_: require_split(alpha, M))
def mixing_w2_bounds(n, alpha, M, *, sigma2=1, estimator="unbiased"):
    r"""Bounds on :math:`E[W_2^2(N(\mu_n,\sigma_n^2), N(\mu,\sigma^2))]` under mixing (numeric only).

    .. math::

        E[d_n^2] + (\sqrt{E\sigma_n^2}-\sigma)^2 \le E[W_2^2] \le
        E[d_n^2] + E[\sigma_n^2] + \sigma^2 - 2\sigma^2 c_4(m_r)\sqrt{(m_r-1)/D}.

    Lower: Jensen (:math:`E\sigma_n \le \sqrt{E\sigma_n^2}`).  Upper: the pooled sum of squares is at
    least the fresh group's :math:`\sigma^2\chi^2_{m_r-1}` (the term is 0 for :math:`m_r < 2`).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    Bounds

    Examples
    --------
    >>> b = mixing_w2_bounds(3, 0.5, 4)
    >>> b.lower <= b.upper  # both exact functions of mixing_moments(3, 1/2, 4, exact=True)
    True

    References
    ----------
    [bertrand2024]_; [villani2003]_ (:math:`W_2` between Gaussians).
    """
    mr = fresh_count(alpha, M)
    V_, D_ = mixing_moments(n, alpha, M, estimator=estimator)  # at sigma^2 = 1: both bounds scale with sigma^2
    div = M - 1 if estimator == "unbiased" else M
    es_low = _gaussian.c4(mr) * math.sqrt((mr - 1) / div) if mr >= 2 else 0.0
    gap = math.sqrt(V_) - 1
    return Bounds(sigma2 * (D_ + gap * gap), sigma2 * (D_ + V_ + 1 - 2 * es_low))
