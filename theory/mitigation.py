r"""Mitigations of model collapse: mixing in fresh real data, and accumulating data.

Replacing each generation's training data by samples of the previous model
collapses the model (:mod:`theory.gaussian`; Shumailov et al. 2024).  Two
remedies are exactly solvable in the Gaussian and the discrete case.

Mixing fresh real data (fraction ``alpha``)
-------------------------------------------
Every generation trains on :math:`M` samples: :math:`m_r = \alpha M` fresh
samples of the *original* distribution and :math:`m_s = M - m_r` samples of
the current model.  **Convention:** :math:`\alpha M` must be an integer (the
exact split; no rounding, no random counts), so :math:`\alpha \in \{0, 1/M,
\dots, 1\}`; :math:`\alpha = 0` is the plain "replace" process.

*Gaussian.*  Generation 0 is :math:`N(\mu,\sigma^2)`; generation :math:`n+1`
is fitted to the pooled :math:`M` samples by the sample mean and the unbiased
(:math:`\div(M-1)`) or MLE (:math:`\div M`) variance.  With
:math:`d_n = \mu_n-\mu`, :math:`a = \alpha`, :math:`b = 1-\alpha`, the pooled
mean is :math:`\mu_{n+1} = a\bar x_r + b\bar y_s` and the pooled sum of squares
splits into within- and between-group parts,

.. math::

    \sum (x-\bar x)^2 = SS_r + SS_s + \frac{m_r m_s}{M}(\bar x_r - \bar y_s)^2,

with :math:`E[SS_r] = (m_r-1)\sigma^2`, :math:`E[SS_s\mid\cdot] = (m_s-1)\sigma_n^2`
(Cochran) and :math:`\bar x_r - \bar y_s \sim N(-d_n, \sigma^2/m_r + \sigma_n^2/m_s)`.
Hence (:func:`mixing_conditional_moments`, derived with sympy)

.. math::

    E[d_{n+1}^2\mid\cdot] = b^2 d_n^2 + \frac{b}{M}\sigma_n^2 + \frac{a}{M}\sigma^2, \qquad
    E[\textstyle\sum(x-\bar x)^2\mid\cdot] = (M-1)(a\sigma^2 + b\sigma_n^2) + abM\,d_n^2 .

Taking expectations gives an affine two-dimensional recursion for
:math:`x_n = (E[d_n^2], E[\sigma_n^2])`: :math:`x_{n+1} = A x_n + c`
(:func:`mixing_recursion`).  Its stationary point (:func:`mixing_stationary`),
for the unbiased variance,

.. math::

    E[d_\infty^2] = \frac{\sigma^2 (M-1)}{M\,[(M-1) - M(1-\alpha)^2]}, \qquad
    E[\sigma_\infty^2] = \sigma^2\left[1 + \frac{1-\alpha}{(M-1) - M(1-\alpha)^2}\right],

is attracting iff the spectral radius of :math:`A` is below 1, i.e. iff
:math:`(1-\alpha)^2 < (M-1)/M`, i.e. :math:`\alpha > 1-\sqrt{1-1/M}`
(:func:`mixing_stability_threshold`; a real-data fraction large enough, as in
Bertrand et al. 2024).  The threshold is below :math:`1/M`, so **one fresh
sample per generation already stabilises the second moments**; with fewer
(in a random-count convention) the between-group term feeds the mean error
back into the variance and both grow geometrically.  For the MLE every
:math:`\alpha > 0` is stable.

*Discrete (Wright-Fisher with immigration).*  A categorical model with
probabilities :math:`x_n` on ``K`` categories; the next model is the
empirical distribution of :math:`\mathrm{Mult}(m_r, p) + \mathrm{Mult}(m_s, x_n)`
counts, ``p`` the original.  The chain no longer absorbs.  With the
heterozygosity (Gini-Simpson diversity) :math:`H = 1-\sum_k x_k^2`
(:func:`heterozygosity_recursion`),

.. math::

    E[H_{n+1}] = b\left(b-\tfrac1M\right)E[H_n] + H_p\left(1-b^2-\tfrac aM\right),
    \qquad H_\infty = H_p\,\frac{a\,(1+b-1/M)}{a(1+b) + b/M},

because :math:`E[x_n] = p` for all ``n``.  For two types the transition matrix
and its stationary law are computed exactly (:func:`wf_mixing_transition_matrix`,
:func:`wf_mixing_stationary`); its eigenvalues are
:math:`\lambda_j = m_s!/((m_s-j)!\,M^j)` (:func:`wf_mixing_eigenvalues`).

Accumulating data (Gerstgrasser et al. 2024)
--------------------------------------------
Batch :math:`D_j` holds ``M`` samples of model ``j`` (:math:`D_0` from the
original).  **Convention:** model :math:`n \ge 1` (``n`` refits) is fitted to
:math:`D_0\cup\dots\cup D_{n-1}`, i.e. :math:`nM` samples, so
:math:`\mu_n = \frac1n\sum_{j<n}\bar x_j` (this is the brief's "(n+1)M samples"
indexing shifted by one so that ``n`` counts refits as elsewhere in the
toolkit).  Adding the batch of model ``n`` to the pool,

.. math::

    \mu_{n+1} = \mu_n + \frac{\sigma_n Z_n}{(n+1)\sqrt M}, \qquad
    SS_{n+1} = SS_n\left(1 + \frac{\chi^2_{M-1} + \frac{n}{n+1}\chi^2_1}{c_n}\right),

where :math:`SS_n = c_n\sigma_n^2` is the pooled sum of squares and
:math:`c_n = nM-1` (unbiased) or :math:`nM` (MLE).  Therefore
(:func:`accumulate_moments`)

.. math::

    E[\sigma_n^2] = \sigma^2\prod_{j=2}^{n}\left(1-\frac{1}{j(jM-1)}\right)\ \text{(unbiased)},
    \qquad \sigma^2\prod_{j=1}^{n}\left(1-\frac{1}{j^2M}\right)\ \text{(MLE)},

.. math::

    E[(\mu_n-\mu)^2] = \frac1M\sum_{j=0}^{n-1}\frac{E[\sigma_j^2]}{(j+1)^2}
    \le \frac{\pi^2}{6}\frac{\sigma^2}{M},

the bound of Gerstgrasser et al. (2024).  The MLE variance tends to
:math:`\sigma^2\,\sin(\pi/\sqrt M)/(\pi/\sqrt M)` and
:math:`E[(\mu_n-\mu)^2] + E[\sigma_n^2] = \sigma^2` exactly, for every ``n``.
The error stays bounded: :math:`E[W_2^2]` lies between
:math:`E[d_n^2] + (\sqrt{E\sigma_n^2}-\sigma)^2` and
:math:`E[d_n^2] + E[(\sigma_n^2-\sigma^2)^2]/\sigma^2` (:func:`accumulate_w2_bounds`).

Conventions and sources
-----------------------
``n`` counts refits; generation 0 is the original.  Shumailov et al.,
Nature 631 (2024) (collapse; 10 % original data slows it); Gerstgrasser et al.
(2024), "Is Model Collapse Inevitable?" (accumulation); Bertrand et al. (2024,
ICLR), "On the Stability of Iterative Retraining of Generative Models on their
own Data" (enough real data gives stability); Alemohammad et al. (2024, ICLR),
"Self-Consuming Generative Models Go MAD" (fresh data prevents MADness).

Every public function accepts numbers (returns floats) or sympy
symbols/numbers (returns sympy expressions; sympy integers and rationals give
exact values).
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.stats import ChiSquared, E as _E

from theory._validation import (check_estimator, check_int, check_positive, check_probability_vector, check_real,
                                is_symbolic)

__all__ = [
    "mixing_counts", "mixing_conditional_moments", "mixing_recursion", "mixing_moments", "mixing_stationary",
    "mixing_spectral_radius", "mixing_stability_threshold", "mixing_w2_bounds",
    "accumulate_moments", "accumulate_variance_limit", "accumulate_mean_error_bound",
    "accumulate_variance_of_variance", "accumulate_w2_bounds",
    "heterozygosity_recursion", "expected_heterozygosity_mixing", "stationary_heterozygosity",
    "wf_mixing_transition_matrix", "wf_mixing_stationary", "wf_mixing_eigenvalues",
]

# canonical symbols
_a = sp.Symbol("alpha", nonnegative=True)
_M = sp.Symbol("M", integer=True, positive=True)
_n = sp.Symbol("n", integer=True, nonnegative=True)
_s2 = sp.Symbol("sigma2", positive=True)
_mr = sp.Symbol("m_r", integer=True, nonnegative=True)
_ms = sp.Symbol("m_s", integer=True, nonnegative=True)
_d2 = sp.Symbol("d2", nonnegative=True)      # (mu_n - mu)^2
_v = sp.Symbol("v", nonnegative=True)        # sigma_n^2
_Hp = sp.Symbol("H_p", nonnegative=True)     # heterozygosity of the original p
_H = sp.Symbol("H", nonnegative=True)
_C = sp.Symbol("C", nonnegative=True)        # sum_k p_k x_k
_Gp = sp.Symbol("G_p", nonnegative=True)     # sum_k p_k^2


# ----------------------------------------------------------------------------- validation and evaluation
def _is_sym(x):
    return isinstance(x, sp.Basic)


def _check_alpha(alpha):
    alpha = check_real(alpha, "alpha")
    if not is_symbolic(alpha):
        if not 0 <= float(alpha) <= 1:
            raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    return alpha


def mixing_counts(alpha, M):
    r"""Fresh and synthetic sample counts :math:`(m_r, m_s) = (\alpha M, (1-\alpha)M)`.

    Convention: :math:`\alpha M` must be an integer (within :math:`10^{-9}` for
    floats).  Symbolic input returns the symbolic products.

    Parameters
    ----------
    alpha : float in [0, 1] or sympy expression
        Fraction of fresh real samples per generation; ``alpha * M`` must be an integer (exact split).
    M : int >= 2 or sympy expression
        Training samples per generation (fresh + synthetic).

    Returns
    -------
    (m_r, m_s) : tuple of int, or of sympy expressions
        Fresh and synthetic sample counts, :math:`m_r + m_s = M`; Python ints for numeric input (also for
        sympy numbers), sympy products :math:`(\alpha M, (1-\alpha)M)` when ``alpha`` or ``M`` is symbolic.

    Raises
    ------
    ValueError
        ``alpha`` outside [0, 1] or NaN, ``M < 2``, or ``alpha * M`` not an integer.

    Notes
    -----
    .. math:: m_r = \alpha M \in \mathbb{Z}, \qquad m_s = M - m_r

    The exact-split convention of this module: no rounding, no random counts.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD".
    """
    alpha = _check_alpha(alpha)
    M = check_int(M, "M", minimum=2)
    if is_symbolic(alpha, M):
        return alpha * M, (1 - alpha) * M
    prod = sp.nsimplify(alpha) * M if _is_sym(alpha) else float(alpha) * int(M)
    mr = round(float(prod))
    if abs(float(prod) - mr) > 1e-9:
        raise ValueError(f"alpha * M must be an integer number of fresh samples (exact split convention), "
                         f"got alpha={alpha!r}, M={M} -> {float(prod)!r}")
    return int(mr), int(M) - int(mr)


def _exact_alpha(alpha, M):
    """alpha as a sympy Rational m_r / M when numeric (after validation)."""
    mr, _ = mixing_counts(alpha, M)
    if is_symbolic(alpha, M):
        return alpha
    return sp.Rational(mr, int(M))


def _finish(expr, exact):
    """sympy in -> simplified sympy out; numbers in -> float."""
    if exact:
        return sp.simplify(expr)
    return float(expr)


def _wants_sympy(*values):
    return any(_is_sym(v) for v in values)


# ----------------------------------------------------------------------------- Gaussian mixing: derivation
_Z = sp.symbols("Z1:4", real=True)


def _normal_expectation(expr, zs):
    """E[expr] for a polynomial in independent standard normals ``zs`` (moments (k-1)!! for even k)."""
    poly = sp.Poly(sp.expand(expr), *zs)
    total = sp.Integer(0)
    for powers, coeff in poly.terms():
        m = sp.Integer(1)
        for k in powers:
            m *= 0 if k % 2 else sp.factorial2(k - 1)
        total += coeff * m
    return total


@functools.lru_cache(maxsize=None)
def _chi2_mean():
    """E[chi2_k] = k, by sympy.stats."""
    k = sp.Symbol("k", positive=True)
    return sp.Lambda(k, sp.simplify(_E(ChiSquared("X", k))))


@functools.lru_cache(maxsize=None)
def _pooled_conditional(estimator):
    r"""(E[d_{n+1}^2 | d_n, v], E[sigma_{n+1}^2 | d_n, v]) in m_r, m_s, sigma2, d2, v.

    Works with the signed mean error d (d2 = d**2 substituted at the end).
    """
    d = sp.Symbol("d", real=True)
    Mt = _mr + _ms
    z1, z2, _ = _Z
    xr = sp.sqrt(_s2 / _mr) * z1           # xbar_r - mu
    ys = d + sp.sqrt(_v / _ms) * z2        # ybar_s - mu
    new_d = (_mr * xr + _ms * ys) / Mt
    e_d2 = _normal_expectation(new_d ** 2, (z1, z2))
    chi = _chi2_mean()
    e_ss = _s2 * chi(_mr - 1) + _v * chi(_ms - 1) + _mr * _ms / Mt * _normal_expectation((xr - ys) ** 2, (z1, z2))
    div = Mt - 1 if estimator == "unbiased" else Mt
    e_var = e_ss / div
    return (sp.simplify(sp.expand(e_d2).subs(d ** 2, _d2)), sp.simplify(sp.expand(e_var).subs(d ** 2, _d2)))


def mixing_conditional_moments(alpha, M, d2, variance, sigma2=1, estimator="unbiased"):
    r"""One-step conditional moments of the fit to a pooled fresh/synthetic sample.

    .. math::

        E[(\mu_{n+1}-\mu)^2\mid\mu_n,\sigma_n] = (1-\alpha)^2 d_n^2 + \frac{1-\alpha}{M}\sigma_n^2
        + \frac{\alpha}{M}\sigma^2,

    .. math::

        E[\sigma_{n+1}^2\mid\mu_n,\sigma_n] = \frac{M-1}{D}\left(\alpha\sigma^2 + (1-\alpha)\sigma_n^2\right)
        + \frac{\alpha(1-\alpha)M}{D}\,d_n^2,\qquad D = M-1\ \text{or}\ M,

    with :math:`d_n = \mu_n - \mu`.  Derived with sympy from the decomposition
    of the pooled sum of squares into within-group parts (chi-square means from
    :mod:`sympy.stats`) and the between-group term
    :math:`\frac{m_r m_s}{M}(\bar x_r-\bar y_s)^2`, whose normal expectation is
    expanded exactly; then :math:`m_r = \alpha M`.  The between-group term is
    why the mean error feeds back into the variance.

    Parameters
    ----------
    alpha : number in [0, 1] with ``alpha*M`` integer, or sympy expression
    M : int >= 2
    d2 : float >= 0
        :math:`(\mu_n - \mu)^2`.
    variance : float >= 0
        :math:`\sigma_n^2`.
    sigma2 : float > 0
        Original variance.
    estimator : {"unbiased", "mle"}

    Returns
    -------
    tuple (E[d_{n+1}^2 | .], E[sigma_{n+1}^2 | .])

    Notes
    -----
    Source: Shumailov et al. (2024) (10 % of original data); Bertrand et al. (2024).

    References
    ----------
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Cochran's theorem (within-group sums of squares).
    """
    check_estimator(estimator)
    a = _exact_alpha(alpha, M)
    d2 = check_positive(d2, "d2", allow_zero=True)
    variance = check_positive(variance, "variance", allow_zero=True)
    sigma2 = check_positive(sigma2, "sigma2")
    exact = _wants_sympy(alpha, M, d2, variance, sigma2)
    out = []
    for e in _pooled_conditional(estimator):
        e = sp.simplify(e.subs({_mr: _a * _M, _ms: (1 - _a) * _M}))
        val = e.subs({_a: a, _M: M, _d2: d2, _v: variance, _s2: sigma2})
        out.append(_finish(val, exact))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _recursion_symbolic(estimator):
    ed2, ev = (sp.expand(sp.simplify(e.subs({_mr: _a * _M, _ms: (1 - _a) * _M}))) for e in _pooled_conditional(estimator))
    A = sp.Matrix([[sp.factor(ed2.coeff(_d2)), sp.factor(ed2.coeff(_v))],
                   [sp.factor(ev.coeff(_d2)), sp.factor(ev.coeff(_v))]])
    c = sp.Matrix([sp.factor(ed2.subs({_d2: 0, _v: 0})), sp.factor(ev.subs({_d2: 0, _v: 0}))])
    return A, c


def mixing_recursion(alpha, M, sigma2=1, estimator="unbiased"):
    r"""Affine recursion :math:`x_{n+1} = A x_n + c` of :math:`x_n = (E[(\mu_n-\mu)^2], E[\sigma_n^2])`.

    .. math::

        A = \begin{pmatrix} b^2 & b/M \\ \frac{abM}{M-1} & b \end{pmatrix},\quad
        c = \sigma^2\begin{pmatrix} a/M \\ a \end{pmatrix}\ \text{(unbiased)};\qquad
        A = \begin{pmatrix} b^2 & b/M \\ ab & \frac{(M-1)b}{M} \end{pmatrix},\quad
        c = \sigma^2\begin{pmatrix} a/M \\ \frac{(M-1)a}{M} \end{pmatrix}\ \text{(MLE)},

    with :math:`a = \alpha`, :math:`b = 1-\alpha`: the expectation of
    :func:`mixing_conditional_moments` (it is affine in :math:`d_n^2` and
    :math:`\sigma_n^2`).  :math:`x_0 = (0, \sigma^2)`.

    Parameters
    ----------
    alpha : float in [0, 1] or sympy expression
        Fraction of fresh real samples per generation; ``alpha * M`` must be an integer (exact split).
    M : int >= 2 or sympy expression
        Training samples per generation (fresh + synthetic).
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`M-1` or by :math:`M`.

    Returns
    -------
    (A, c) : sympy Matrix (2x2) and sympy Matrix (2x1) for sympy input, numpy arrays otherwise.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD".
    """
    check_estimator(estimator)
    a = _exact_alpha(alpha, M)
    sigma2 = check_positive(sigma2, "sigma2")
    A, c = _recursion_symbolic(estimator)
    sub = {_a: a, _M: M}
    A, c = A.subs(sub), c.subs(sub).subs(_s2, sigma2)
    if _wants_sympy(alpha, M, sigma2):
        return sp.simplify(A), sp.simplify(c)
    return np.array(A.evalf(), dtype=float), np.array(c.evalf(), dtype=float).ravel()


def mixing_stationary(alpha, M, sigma2=1, estimator="unbiased"):
    r"""Stationary values :math:`(E[d_\infty^2], E[\sigma_\infty^2])`: the fixed point of :func:`mixing_recursion`.

    .. math::

        \text{unbiased:}\quad E[d_\infty^2] = \frac{\sigma^2(M-1)}{M[(M-1)-M(1-\alpha)^2]},\quad
        E[\sigma_\infty^2] = \sigma^2 + \frac{(1-\alpha)M}{M-1}E[d_\infty^2];

    the MLE fixed point is given by the same linear solve (``sympy.solve`` of
    :math:`(I-A)x = c`).  Valid (attracting, positive) iff ``alpha`` exceeds
    :func:`mixing_stability_threshold` (unbiased) or ``alpha > 0`` (MLE);
    otherwise ``ValueError`` for numbers.  ``alpha = 1``: :math:`(\sigma^2/M,
    \sigma^2)` unbiased, :math:`(\sigma^2/M, \sigma^2(M-1)/M)` MLE.

    Source: Bertrand et al. (2024, ICLR) (stability with enough real data);
    exact solution of the recursion derived here.

    Parameters
    ----------
    alpha : float in [0, 1] or sympy expression
        Fraction of fresh real samples per generation; ``alpha * M`` must be an integer (exact split).
    M : int >= 2 or sympy expression
        Training samples per generation (fresh + synthetic).
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`M-1` or by :math:`M`.

    Returns
    -------
    (D, V) : tuple of float, or of sympy expressions
        :math:`(E[d_\infty^2], E[\sigma_\infty^2])`: floats for numbers, sympy expressions for sympy input.

    Raises
    ------
    ValueError
        For numeric input when the spectral radius of :math:`A` is >= 1 (``alpha`` at or below
        :func:`mixing_stability_threshold`; for the MLE, ``alpha = 0``).

    References
    ----------
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data"
    (stability with enough real data);
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    check_estimator(estimator)
    a = _exact_alpha(alpha, M)
    sigma2 = check_positive(sigma2, "sigma2")
    if not is_symbolic(a, M):
        rho = mixing_spectral_radius(a, M, estimator)
        if not float(rho) < 1:
            raise ValueError(f"alpha={alpha!r} is at or below the stability threshold for M={M} "
                             f"(spectral radius {float(rho):.6g} >= 1): the second moments do not converge")
    D, V = _stationary_symbolic(estimator)
    exact = _wants_sympy(alpha, M, sigma2)
    sub = {_a: a, _M: M, _s2: sigma2}
    return _finish(D.subs(sub), exact), _finish(V.subs(sub), exact)


@functools.lru_cache(maxsize=None)
def _stationary_symbolic(estimator):
    A, c = _recursion_symbolic(estimator)
    x = sp.Matrix(sp.symbols("D V"))
    sol = sp.solve(list((sp.eye(2) - A) * x - c), list(x), dict=True)[0]
    return sp.factor(sp.simplify(sol[x[0]])), sp.factor(sp.simplify(sol[x[1]]))


@functools.lru_cache(maxsize=None)
def _eigen_symbolic(estimator):
    A, _ = _recursion_symbolic(estimator)
    tr, det = sp.simplify(A.trace()), sp.simplify(A.det())
    disc = sp.factor(sp.simplify(tr ** 2 - 4 * det))
    return (tr + sp.sqrt(disc)) / 2, (tr - sp.sqrt(disc)) / 2


def mixing_spectral_radius(alpha, M, estimator="unbiased"):
    r"""Spectral radius of :math:`A` in :func:`mixing_recursion` (the larger root of its characteristic polynomial).

    .. math:: \lambda_+ = \tfrac12\left(\operatorname{tr}A + \sqrt{(\operatorname{tr}A)^2 - 4\det A}\right)

    (``A`` is non-negative, so its Perron root is real and equals the spectral
    radius).  The moments converge geometrically at this rate when it is < 1.

    Parameters
    ----------
    alpha : float in [0, 1] or sympy expression
        Fraction of fresh real samples per generation; ``alpha * M`` must be an integer (exact split).
    M : int >= 2 or sympy expression
        Training samples per generation (fresh + synthetic).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or sympy.Expr
        :math:`\lambda_+ \ge 0`: float for numbers, sympy expression for sympy input.

    References
    ----------
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Perron-Frobenius theorem for non-negative matrices.
    """
    check_estimator(estimator)
    a = _exact_alpha(alpha, M)
    lam = _eigen_symbolic(estimator)[0].subs({_a: a, _M: M})
    return _finish(lam, _wants_sympy(alpha, M))


def mixing_stability_threshold(M, estimator="unbiased"):
    r"""Smallest real-data fraction that keeps the second moments bounded.

    .. math::

        \alpha_c = 1 - \sqrt{1 - 1/M} \in \left(\tfrac{1}{2M}, \tfrac1M\right) \ \text{(unbiased)},
        \qquad \alpha_c = 0 \ \text{(MLE)}.

    Derivation: ``A`` is a non-negative 2x2 matrix, so its Perron root is < 1
    iff :math:`(1-A_{11})(1-A_{22}) > A_{12}A_{21}` (with :math:`A_{11},
    A_{22} < 1`); for the unbiased estimator this reduces (sympy) to
    :math:`\alpha\,[(M-1) - M(1-\alpha)^2] > 0`.  Since
    :math:`\alpha_c < 1/M`, every exact split with at least one fresh sample
    is stable (Bertrand et al. 2024 state stability for a large enough real
    fraction; here the exact threshold).

    Parameters
    ----------
    M : int >= 2 or sympy expression
        Training samples per generation.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or sympy.Expr
        :math:`\alpha_c`: float for numbers, sympy expression for sympy ``M``
        (``sympy.Integer(0)`` for the MLE).

    References
    ----------
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data"
    (stability for a large enough
    real fraction; here the exact threshold of the second moments).
    """
    check_estimator(estimator)
    M = check_int(M, "M", minimum=2)
    if estimator == "mle":
        return sp.Integer(0) if _is_sym(M) else 0.0
    expr = _threshold_symbolic()
    return _finish(expr.subs(_M, M), _is_sym(M))


@functools.lru_cache(maxsize=None)
def _threshold_symbolic():
    A, _ = _recursion_symbolic("unbiased")
    cond = sp.factor(sp.simplify((1 - A[0, 0]) * (1 - A[1, 1]) - A[0, 1] * A[1, 0]))
    roots = [r for r in sp.solve(cond, _a) if r != 0]
    # the root in (0, 1): 1 - sqrt((M-1)/M)
    root = [r for r in roots if float(r.subs(_M, 10)) < 1 and float(r.subs(_M, 10)) > 0][0]
    return sp.simplify(root)


def _mixing_iterate(n, A, c, x0, exact):
    x = x0
    out = [x]
    for _ in range(n):
        x = (A * x + c) if exact else (A @ x + c)
        out.append(x)
    return out


def mixing_moments(n, alpha, M, sigma2=1, estimator="unbiased"):
    r"""Exact :math:`(E[(\mu_n-\mu)^2], E[\sigma_n^2])` after ``n`` refits with real-data fraction ``alpha``.

    .. math::

        x_n = A^n x_0 + \sum_{j<n} A^j c = x_\infty + A^n (x_0 - x_\infty),\qquad x_0 = (0, \sigma^2),

    with :math:`A^n = \frac{\lambda_+^n (A-\lambda_- I) - \lambda_-^n (A-\lambda_+ I)}{\lambda_+-\lambda_-}`
    (Cayley-Hamilton) for symbolic ``n``; by exact iteration of
    :func:`mixing_recursion` for integer ``n`` (rationals for sympy input).
    :math:`\alpha = 0` reproduces :func:`theory.gaussian.mean_variance` and
    :func:`theory.gaussian.expected_variance`; :math:`E[\mu_n] = \mu`.

    Parameters
    ----------
    n : int >= 0 or sympy symbol
    alpha, M, sigma2, estimator : as in :func:`mixing_recursion`

    Returns
    -------
    tuple of two floats / sympy expressions.

    References
    ----------
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD".
    """
    check_estimator(estimator)
    a = _exact_alpha(alpha, M)
    sigma2 = check_positive(sigma2, "sigma2")
    if _is_sym(n) and not n.is_number:
        if is_symbolic(a, M) or float(a) > 0:
            A, c = _recursion_symbolic(estimator)
            lp, lm = _eigen_symbolic(estimator)
            I2 = sp.eye(2)
            An = (lp ** n * (A - lm * I2) - lm ** n * (A - lp * I2)) / (lp - lm)
            D, V = _stationary_symbolic(estimator)
            xinf = sp.Matrix([D, V])
            x = xinf + An * (sp.Matrix([0, _s2]) - xinf)
            x = x.subs({_a: a, _M: M, _s2: sigma2})
            return sp.simplify(x[0]), sp.simplify(x[1])
        A, c = _recursion_symbolic(estimator)
        raise ValueError("mixing_moments with symbolic n needs alpha > 0 (alpha = 0 is theory.gaussian)")
    n = check_int(n, "n", minimum=0)
    exact = _wants_sympy(alpha, M, sigma2, n)
    if exact:
        A, c = mixing_recursion(a, sp.sympify(M), sp.sympify(sigma2), estimator)
        xs = _mixing_iterate(int(n), A, c, sp.Matrix([0, sp.sympify(sigma2)]), True)
        return sp.simplify(xs[-1][0]), sp.simplify(xs[-1][1])
    A, c = mixing_recursion(alpha, M, sigma2, estimator)
    x = _mixing_iterate(int(n), A, c, np.array([0.0, float(sigma2)]), False)[-1]
    return float(x[0]), float(x[1])


def mixing_moments_path(generations, alpha, M, sigma2=1, estimator="unbiased"):
    r"""Float arrays ``(E[d_n^2], E[sigma_n^2])`` for n = 0..generations (iteration of :func:`mixing_recursion`).

    Parameters
    ----------
    generations : int >= 0
        Last generation ``N``; values for ``n = 0..N``.
    alpha : float in [0, 1]
        Fraction of fresh real samples; ``alpha * M`` an integer.
    M : int >= 2
        Training samples per generation (fresh + synthetic).
    sigma2 : float > 0, default 1
        Original variance.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`M-1` or by :math:`M`.

    Returns
    -------
    (D, V) : tuple of two numpy float arrays of length ``generations + 1``
        :math:`E[(\mu_n-\mu)^2]` and :math:`E[\sigma_n^2]` for :math:`n = 0, \dots, N`; ``D[0] = 0``,
        ``V[0] = sigma2``.

    Notes
    -----
    .. math:: x_{n+1} = A x_n + c, \qquad x_0 = (0, \sigma^2)

    the float iteration of :func:`mixing_recursion` (same values as :func:`mixing_moments`).

    References
    ----------
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it);
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Alemohammad et al. (2024, ICLR), "Self-Consuming Generative Models Go MAD".
    """
    generations = check_int(generations, "generations", minimum=0)
    A, c = mixing_recursion(alpha, M, sigma2, estimator)
    xs = np.array(_mixing_iterate(generations, A, c, np.array([0.0, float(sigma2)]), False))
    return xs[:, 0], xs[:, 1]


__all__.append("mixing_moments_path")


def _c4_float(m):
    return math.sqrt(2.0 / (m - 1)) * math.exp(math.lgamma(m / 2) - math.lgamma((m - 1) / 2))


def mixing_w2_bounds(n, alpha, M, sigma=1, estimator="unbiased"):
    r"""Lower and upper bounds on :math:`E[W_2^2(N(\mu_n,\sigma_n^2), N(\mu,\sigma^2))]` under mixing.

    .. math::

        E[d_n^2] + \left(\sqrt{E\sigma_n^2}-\sigma\right)^2 \;\le\; E[W_2^2] \;\le\;
        E[d_n^2] + E[\sigma_n^2] + \sigma^2 - 2\sigma^2 c_4(m_r)\sqrt{\frac{m_r-1}{D}},

    (:math:`D = M-1` or :math:`M`; :math:`n \ge 1`).  Lower: Jensen,
    :math:`E\sigma_n \le \sqrt{E\sigma_n^2}`.  Upper: the pooled sum of squares
    is at least the fresh group's :math:`SS_r \sim \sigma^2\chi^2_{m_r-1}`, so
    :math:`E\sigma_n \ge \sigma c_4(m_r)\sqrt{(m_r-1)/D}` (for :math:`m_r < 2`
    the term is 0).  Both stay bounded in ``n`` when ``alpha`` is above the
    stability threshold.  Numeric only.

    Parameters
    ----------
    n : int >= 1
        Number of refits.
    alpha : float in [0, 1]
        Fraction of fresh real samples; ``alpha * M`` an integer.
    M : int >= 2
        Training samples per generation (fresh + synthetic).
    sigma : float > 0, default 1
        Original standard deviation :math:`\sigma`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`M-1` or by :math:`M`.

    Returns
    -------
    (lower, upper) : tuple of float
        Bounds on :math:`E[W_2^2]` to the original :math:`N(\mu, \sigma^2)`.

    References
    ----------
    Bertrand et al. (2024, ICLR), "On the Stability of Iterative Retraining of Generative Models on their own Data";
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it); one-dimensional
    Gaussian :math:`W_2^2 = (m_1-m_2)^2 + (s_1-s_2)^2`.
    """
    n = check_int(n, "n", minimum=1)
    sigma = float(check_positive(sigma, "sigma"))
    mr, _ = mixing_counts(alpha, M)
    D, V = mixing_moments(int(n), alpha, M, sigma ** 2, estimator)
    lower = D + (math.sqrt(V) - sigma) ** 2
    div = M - 1 if estimator == "unbiased" else M
    es_low = sigma * _c4_float(mr) * math.sqrt((mr - 1) / div) if mr >= 2 else 0.0
    return lower, D + V + sigma ** 2 - 2 * sigma * es_low


# ----------------------------------------------------------------------------- accumulation
@functools.lru_cache(maxsize=None)
def _acc_factor_fn(estimator):
    """(factor(j, M) for j >= 2, first(M)) as plain-arithmetic functions of the sympy-derived ratios.

    They use only + - * / so Fractions stay exact and floats stay fast.
    """
    r1 = _acc_step_factor(estimator)
    q1 = _acc_ratios(estimator)[2]
    return sp.lambdify((_n, _M), r1, modules=[{}]), sp.lambdify((_M,), q1, modules=[{}])


def _acc_variances(n, M, exact, estimator):
    """[E sigma_0^2, ..., E sigma_n^2] / sigma^2 as Fractions (exact) or floats."""
    factor, first = _acc_factor_fn(estimator)
    one = Fraction(1) if exact else 1.0
    Mv = Fraction(int(M)) if exact else float(M)
    out = [one]
    for j in range(1, n + 1):
        out.append(out[-1] * (first(Mv) if j == 1 else factor(Fraction(j) if exact else float(j), Mv)))
    return out


def accumulate_moments(n, M, sigma2=1, estimator="unbiased"):
    r"""Exact :math:`(E[(\mu_n-\mu)^2], E[\sigma_n^2])` when model ``n`` is fitted to all ``nM`` samples so far.

    .. math::

        E[\sigma_n^2] = \sigma^2\prod_{j=2}^{n}\Bigl(1-\frac{1}{j(jM-1)}\Bigr)\ \text{(unbiased)},\qquad
        \sigma^2\prod_{j=1}^{n}\Bigl(1-\frac{1}{j^2 M}\Bigr)\ \text{(MLE)},

    .. math::

        E[(\mu_n-\mu)^2] = \frac1M\sum_{j=0}^{n-1}\frac{E[\sigma_j^2]}{(j+1)^2}.

    Derivation: given the pool of the first ``n`` batches (mean :math:`\mu_n`,
    sum of squares :math:`SS_n = c_n\sigma_n^2`), the new batch of ``M``
    samples of model ``n`` has mean :math:`\mu_n + \sigma_n Z/\sqrt M` and
    within sum of squares :math:`\sigma_n^2\chi^2_{M-1}`; pooling gives
    :math:`E[SS_{n+1}\mid\cdot] = SS_n + \sigma_n^2 (M-1+\tfrac{n}{n+1})` and
    :math:`E[(\mu_{n+1}-\mu)^2\mid\cdot] = d_n^2 + \sigma_n^2/((n+1)^2M)`
    (derived with sympy in ``_accumulate_step``).

    Convention: model ``n`` (``n`` refits) is fitted to batches
    :math:`0..n-1` (``nM`` samples); generation 0 is the original.
    Source: Gerstgrasser et al. (2024).  Symbolic ``n`` returns ``sympy``
    ``Product``/``Sum`` expressions (valid for ``n >= 1``).

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits; model ``n`` is fitted to ``nM`` samples.
    M : int >= 2 or sympy expression
        Samples added per generation (batch size).
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`c_n = nM-1` or :math:`nM`.

    Returns
    -------
    (D, V) : tuple
        :math:`(E[(\mu_n-\mu)^2], E[\sigma_n^2])`: floats for numbers, exact rationals times
        ``sigma2`` for sympy numbers, ``Sum``/``Product`` expressions for symbolic ``n`` (valid for ``n >= 1``).

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data";
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    check_estimator(estimator)
    M = check_int(M, "M", minimum=2)
    sigma2 = check_positive(sigma2, "sigma2")
    if _is_sym(n) and not n.is_number:
        j = sp.Symbol("j", integer=True, positive=True)
        i = sp.Symbol("i", integer=True, positive=True)
        lo = 2 if estimator == "unbiased" else 1
        fac = _acc_step_factor(estimator)
        Vj = sp.Product(fac.subs(_n, i), (i, lo, j))
        V = sigma2 * sp.Product(fac.subs(_n, i), (i, lo, n)).doit()
        D = sigma2 / M * (1 + sp.Sum(Vj / (j + 1) ** 2, (j, 1, n - 1)))
        return D.subs(_M, M), V.subs(_M, M)
    n = check_int(n, "n", minimum=0)
    exact = _wants_sympy(M, sigma2, n)
    vs = _acc_variances(int(n), M, exact, estimator)
    dsum = sum(vs[j] / (j + 1) ** 2 for j in range(int(n))) / (Fraction(int(M)) if exact else M)
    if exact:
        s2 = sp.sympify(sigma2)
        return sp.Rational(dsum.numerator, dsum.denominator) * s2, sp.Rational(vs[-1].numerator, vs[-1].denominator) * s2
    return float(dsum * sigma2), float(vs[-1] * sigma2)


def accumulate_moments_path(generations, M, sigma2=1, estimator="unbiased"):
    r"""Float arrays ``(E[d_n^2], E[sigma_n^2])`` for n = 0..generations under accumulation.

    Parameters
    ----------
    generations : int >= 0
        Last generation ``N``; values for ``n = 0..N``.
    M : int >= 2
        Samples added per generation.
    sigma2 : float > 0, default 1
        Original variance.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`c_n = nM-1` or :math:`nM`.

    Returns
    -------
    (D, V) : tuple of two numpy float arrays of length ``generations + 1``
        :math:`E[(\mu_n-\mu)^2]` and :math:`E[\sigma_n^2]` for :math:`n = 0, \dots, N`.

    Notes
    -----
    .. math:: D_n = \frac{1}{M}\sum_{j=0}^{n-1}\frac{V_j}{(j+1)^2}, \qquad V_n = \sigma^2\prod_{j\le n} f_j

    with the per-generation factors :math:`f_j` of :func:`accumulate_moments`, evaluated in floats.

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data".
    """
    check_estimator(estimator)
    generations = check_int(generations, "generations", minimum=0)
    M = check_int(M, "M", minimum=2)
    sigma2 = float(check_positive(sigma2, "sigma2"))
    vs = np.array(_acc_variances(generations, M, False, estimator))
    d = np.concatenate([[0.0], np.cumsum(vs[:-1] / np.arange(1, generations + 1) ** 2) / M])
    return d * sigma2, vs * sigma2


__all__.append("accumulate_moments_path")


_S = sp.Symbol("S", nonnegative=True)  # pooled sum of squares of the first n batches


def _acc_divisor(n, estimator):
    """c_n: the divisor of the pooled sum of squares of n*M samples."""
    return n * _M - 1 if estimator == "unbiased" else n * _M


@functools.lru_cache(maxsize=None)
def _accumulate_step():
    r"""Sympy derivation of one accumulation step.

    State after ``n`` refits: mean error ``d``, pooled sum of squares ``S`` of
    the ``nM`` samples and the model variance ``v``.  The new batch of ``M``
    samples of model ``n`` has mean :math:`\mu_n + \sqrt{v/M} Z` and within sum
    of squares :math:`vX`, :math:`X\sim\chi^2_{M-1}` independent of ``Z``;
    pooling (group sizes ``nM`` and ``M``) adds the between term
    :math:`\frac{nM\cdot M}{(n+1)M}(\bar x - \mu_n)^2 = \frac{n}{n+1} v Z^2`.

    Returns (E[d_{n+1}^2|.], E[SS_{n+1}|.], E[SS_{n+1}^2|.]) in n, M, d2, S, v.
    """
    d = sp.Symbol("d", real=True)
    z = _Z[0]
    X = sp.Symbol("X", positive=True)
    new_d = d + sp.sqrt(_v) * z / ((_n + 1) * sp.sqrt(_M))
    e_d2 = sp.simplify(_normal_expectation(new_d ** 2, (z,)).subs(d ** 2, _d2))
    ss_new = _S + _v * X + _n / (_n + 1) * _v * z ** 2
    kk = sp.Symbol("kk", positive=True)
    m1 = _chi2_mean()(_M - 1)
    m2 = sp.simplify(_E(ChiSquared("Y", kk) ** 2)).subs(kk, _M - 1)

    def expect(expr):
        expr = _normal_expectation(sp.expand(expr), (z,))
        moments = {0: sp.Integer(1), 1: m1, 2: m2}
        poly = sp.Poly(sp.expand(expr), X)
        return sp.factor(sp.simplify(sum(c * moments[k] for (k,), c in poly.terms())))

    return e_d2, expect(ss_new), expect(ss_new ** 2)


@functools.lru_cache(maxsize=None)
def _acc_ratios(estimator):
    r"""(r1(n), r2(n)): E[sigma_{n+1}^2] = r1 E[sigma_n^2], E[sigma_{n+1}^4] = r2 E[sigma_n^4], for n >= 1,

    and (q1, q2) for the first step from the original (S = 0, v = sigma^2).
    """
    _, e1, e2 = _accumulate_step()
    cn, cn1 = _acc_divisor(_n, estimator), _acc_divisor(_n + 1, estimator)
    r1 = sp.factor(sp.simplify(e1.subs(_S, cn * _v) / (cn1 * _v)))
    r2 = sp.factor(sp.simplify(e2.subs(_S, cn * _v) / (cn1 ** 2 * _v ** 2)))
    c1 = _acc_divisor(1, estimator)
    q1 = sp.factor(sp.simplify(e1.subs({_S: 0, _n: 0}) / (c1 * _v)))
    q2 = sp.factor(sp.simplify(e2.subs({_S: 0, _n: 0}) / (c1 ** 2 * _v ** 2)))
    return r1, r2, q1, q2


@functools.lru_cache(maxsize=None)
def _acc_step_factor(estimator):
    """E[sigma_n^2]/E[sigma_{n-1}^2] as an expression in _n (n >= 2; MLE also n = 1), from the sympy step."""
    r1 = _acc_ratios(estimator)[0]
    return sp.factor(r1.subs(_n, _n - 1))


def accumulate_variance_limit(M, sigma2=1, estimator="unbiased"):
    r""":math:`\lim_n E[\sigma_n^2]` under accumulation: positive, no collapse.

    .. math::

        \text{MLE: } \sigma^2\prod_{j\ge1}\Bigl(1-\frac{1}{j^2M}\Bigr)
        = \sigma^2\,\frac{\sin(\pi/\sqrt M)}{\pi/\sqrt M},
        \qquad
        \text{unbiased: } \sigma^2\,\frac{\Gamma(2-1/M)}{\Gamma(2-r_+)\,\Gamma(2-r_-)},\quad
        r_\pm = \frac{1\pm\sqrt{1+4M}}{2M},

    (Euler's product for the sine; the unbiased factors
    :math:`(j-r_+)(j-r_-)/(j(j-1/M))` telescope into gamma functions whose
    ratio tends to 1 because the exponents balance.)  Computed as
    ``sympy.limit`` of the ``sympy.product`` closed form.

    Parameters
    ----------
    M : int >= 2 or sympy expression
        Samples added per generation.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`c_n = nM-1` or :math:`nM`.

    Returns
    -------
    float or sympy.Expr
        :math:`\lim_n E[\sigma_n^2] > 0`: float for numbers, sympy expression for sympy input.

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data";
    Euler's sine product :math:`\sin\pi x/(\pi x) = \prod_j (1 - x^2/j^2)`.
    """
    check_estimator(estimator)
    M = check_int(M, "M", minimum=2)
    sigma2 = check_positive(sigma2, "sigma2")
    expr = _acc_limit_symbolic(estimator)
    return _finish(expr.subs({_M: M, _s2: sigma2}), _wants_sympy(M, sigma2))


@functools.lru_cache(maxsize=None)
def _acc_limit_symbolic(estimator):
    if estimator == "mle":
        x = 1 / sp.sqrt(_M)
        return _s2 * sp.sin(sp.pi * x) / (sp.pi * x)
    rp = (1 + sp.sqrt(1 + 4 * _M)) / (2 * _M)
    rm = (1 - sp.sqrt(1 + 4 * _M)) / (2 * _M)
    return _s2 * sp.gamma(2 - 1 / _M) / (sp.gamma(2 - rp) * sp.gamma(2 - rm))


def accumulate_mean_error_bound(M, sigma2=1):
    r"""Gerstgrasser et al.'s bound :math:`E[(\mu_n-\mu)^2] \le \frac{\pi^2}{6}\frac{\sigma^2}{M}` for every ``n``.

    Follows from :func:`accumulate_moments` since :math:`E[\sigma_j^2] \le
    \sigma^2` (every factor is below 1) and :math:`\sum_{j\ge1} 1/j^2 = \pi^2/6`
    (``sympy.summation``).  Holds for both estimators.

    Parameters
    ----------
    M : int >= 2 or sympy expression
        Samples added per generation.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.

    Returns
    -------
    float or sympy.Expr
        :math:`\pi^2\sigma^2/(6M)`: float for numbers, sympy expression for sympy input.

    Notes
    -----
    .. math:: E[(\mu_n-\mu)^2] = \frac1M\sum_{j=0}^{n-1}\frac{E[\sigma_j^2]}{(j+1)^2}
        \le \frac{\sigma^2}{M}\sum_{j\ge1}\frac{1}{j^2} = \frac{\pi^2}{6}\frac{\sigma^2}{M}

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data".
    """
    M = check_int(M, "M", minimum=2)
    sigma2 = check_positive(sigma2, "sigma2")
    j = sp.Symbol("j", integer=True, positive=True)
    expr = _s2 / _M * sp.summation(1 / j ** 2, (j, 1, sp.oo))
    return _finish(expr.subs({_M: M, _s2: sigma2}), _wants_sympy(M, sigma2))


def accumulate_variance_of_variance(n, M, sigma2=1, estimator="unbiased"):
    r"""Exact :math:`\mathrm{Var}[\sigma_n^2]` under accumulation (``n >= 1``).

    :math:`SS_{n+1} = SS_n (1 + W_n/c_n)` with
    :math:`W_n = \chi^2_{M-1} + \frac{n}{n+1}\chi^2_1` independent of the past, so

    .. math::

        E[\sigma_n^4] = \frac{\sigma^4 (M-1)(M+1)}{c_1^2}\prod_{j=1}^{n-1}
        \frac{c_j^2 + 2c_j E W_j + E W_j^2}{c_{j+1}^2},\quad
        E W_j = M-1+\tfrac{j}{j+1},\ \mathrm{Var} W_j = 2(M-1) + 2\bigl(\tfrac{j}{j+1}\bigr)^2,

    derived with sympy (``_accumulate_step``: conditional moments of the pooled sum of squares).  Returns a float, or an
    exact rational for sympy input.

    Parameters
    ----------
    n : int >= 1
        Number of refits.
    M : int >= 2
        Samples added per generation.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`c_n = nM-1` or :math:`nM`.

    Returns
    -------
    float or sympy.Rational
        :math:`\mathrm{Var}[\sigma_n^2]`: float for numbers, exact (rational times ``sigma2**2``)
        for sympy input.

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data";
    Cochran's theorem.
    """
    check_estimator(estimator)
    n = check_int(n, "n", minimum=1)
    M = check_int(M, "M", minimum=2)
    sigma2 = check_positive(sigma2, "sigma2")
    exact = _wants_sympy(n, M, sigma2)
    r1, r2, q1, q2 = _acc_ratio_fns(estimator)
    Mv = Fraction(int(M)) if exact else float(M)
    m1, m2 = q1(Mv), q2(Mv)
    for j in range(1, int(n)):
        jj = Fraction(j) if exact else float(j)
        m1, m2 = m1 * r1(jj, Mv), m2 * r2(jj, Mv)
    var = m2 - m1 ** 2
    if exact:
        return sp.Rational(var.numerator, var.denominator) * sp.sympify(sigma2) ** 2
    return float(var) * float(sigma2) ** 2


@functools.lru_cache(maxsize=None)
def _acc_ratio_fns(estimator):
    """The sympy-derived ratios as plain-arithmetic functions (exact on Fractions, fast on floats)."""
    r1, r2, q1, q2 = _acc_ratios(estimator)
    f = functools.partial(sp.lambdify, modules=[{}])
    return f((_n, _M), r1), f((_n, _M), r2), f((_M,), q1), f((_M,), q2)


def accumulate_w2_bounds(n, M, sigma=1, estimator="unbiased"):
    r"""Bounds on :math:`E[W_2^2]` under accumulation (numeric, ``n >= 1``).

    .. math::

        E[d_n^2] + \bigl(\sqrt{E\sigma_n^2} - \sigma\bigr)^2 \le E[W_2^2] \le
        E[d_n^2] + \frac{\mathrm{Var}[\sigma_n^2] + (E\sigma_n^2-\sigma^2)^2}{\sigma^2},

    the upper bound from :math:`(s-\sigma)^2 = (s^2-\sigma^2)^2/(s+\sigma)^2
    \le (s^2-\sigma^2)^2/\sigma^2`.  Both are :math:`O(1/M)` uniformly in ``n``:
    accumulation keeps the distance to the original bounded (Gerstgrasser et al. 2024).

    Parameters
    ----------
    n : int >= 1
        Number of refits.
    M : int >= 2
        Samples added per generation.
    sigma : float > 0, default 1
        Original standard deviation :math:`\sigma`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide the pooled sum of squares by :math:`c_n = nM-1` or :math:`nM`.

    Returns
    -------
    (lower, upper) : tuple of float
        Bounds on :math:`E[W_2^2]` to the original :math:`N(\mu, \sigma^2)`.

    References
    ----------
    Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real
    and Synthetic Data".
    """
    n = check_int(n, "n", minimum=1)
    sigma = float(check_positive(sigma, "sigma"))
    D, V = accumulate_moments(int(n), M, sigma ** 2, estimator)
    vv = accumulate_variance_of_variance(int(n), M, sigma ** 2, estimator)
    return D + (math.sqrt(V) - sigma) ** 2, D + (vv + (V - sigma ** 2) ** 2) / sigma ** 2


# ----------------------------------------------------------------------------- discrete: Wright-Fisher with immigration
def _probabilities(p):
    """(exact?, H_p, K) from a probability vector, or a sympy symbol meaning (p, 1-p)."""
    if _is_sym(p) and not p.is_number:
        return True, sp.expand(1 - p ** 2 - (1 - p) ** 2), 2
    if isinstance(p, (list, tuple)) and any(_is_sym(x) for x in p):
        vals = [sp.sympify(x) for x in p]
        if all(v.is_number for v in vals):
            check_probability_vector([float(v) for v in vals], "p")
            if sp.simplify(sum(vals) - 1) != 0:
                raise ValueError(f"p must sum to 1 exactly, sums to {sum(vals)}")
        return True, sp.expand(1 - sum(v ** 2 for v in vals)), len(vals)
    arr = check_probability_vector(p, "p")
    return False, 1.0 - float(np.sum(arr ** 2)), arr.size


@functools.lru_cache(maxsize=None)
def _heterozygosity_step():
    r"""Sympy derivation: E[H_{n+1} | x] = lam H + const, in alpha, M, H_p (with E[C_n] = G_p)."""
    p, x, z = sp.symbols("p x z", nonnegative=True)
    # binomial factorial moments from the probability generating function (1 - q + q z)^m
    def moments(m, q):
        G = (1 - q + q * z) ** m
        m1 = sp.diff(G, z).subs(z, 1)
        f2 = sp.diff(G, z, 2).subs(z, 1)
        return sp.simplify(m1), sp.simplify(f2 + m1)
    r1, r2 = moments(_mr, p)
    s1, s2 = moments(_ms, x)
    Mt = _mr + _ms
    e_x1 = (r1 + s1) / Mt                               # E[x'_k | x]
    e_x2 = sp.expand((r2 + 2 * r1 * s1 + s2) / Mt ** 2)  # E[x'_k^2 | x]
    # sum over categories: p^2 -> G_p, p x -> C, x^2 -> G = 1 - H, p -> 1, x -> 1
    poly = sp.Poly(e_x2, p, x)
    mapping = {(2, 0): _Gp, (1, 1): _C, (0, 2): 1 - _H, (1, 0): 1, (0, 1): 1}
    total = sum(coeff * mapping[m] for m, coeff in poly.terms())
    e_H = sp.expand(1 - total)
    e_C = sp.expand(sum(c * mapping[(m[0] + 1, m[1])] for m, c in sp.Poly(sp.expand(e_x1), p, x).terms()))
    # x_0 = p: E[C_0] = G_p is the fixed point of E[C'] = alpha G_p + (1 - alpha) C, so E[C_n] = G_p
    assert sp.simplify(e_C.subs(_C, _Gp) - _Gp) == 0
    e_H = e_H.subs(_C, _Gp).subs(_Gp, 1 - _Hp)
    e_H = sp.expand(e_H.subs({_mr: _a * _M, _ms: (1 - _a) * _M}))
    lam = sp.factor(e_H.coeff(_H))
    const = sp.factor(sp.simplify(e_H.subs(_H, 0)))
    return lam, const


def heterozygosity_recursion(alpha, M, p):
    r"""Affine recursion :math:`E[H_{n+1}] = \lambda E[H_n] + c` of the expected Gini-Simpson diversity.

    .. math::

        \lambda = (1-\alpha)\Bigl(1-\alpha-\frac1M\Bigr),\qquad
        c = H_p\Bigl(1 - (1-\alpha)^2 - \frac{\alpha}{M}\Bigr),\qquad H_p = 1-\sum_k p_k^2.

    Derivation (sympy): counts of category ``k`` are
    :math:`\mathrm{Bin}(m_r,p_k)+\mathrm{Bin}(m_s,x_k)` (factorial moments from
    the probability generating function); summing :math:`E[x_k'^2\mid x]`
    over ``k`` gives an expression affine in :math:`H = 1-\sum x_k^2` and
    :math:`C = \sum_k p_k x_k`; :math:`E[C_{n+1}\mid x] = \alpha G_p +
    (1-\alpha)C` with :math:`C_0 = G_p = \sum p_k^2` its fixed point, so
    :math:`E[C_n] = G_p`.  ``alpha = 0``: :math:`\lambda = 1-1/M`, the neutral
    Wright-Fisher decay.

    Parameters
    ----------
    alpha : number in [0, 1], ``alpha*M`` integer, or sympy
    M : int >= 2
    p : probability vector (K >= 2), or a sympy symbol for two types (p, 1-p)

    Returns
    -------
    (lam, c)

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I"; Durrett (2008), "Probability Models for DNA Sequence
    Evolution" (Wright-Fisher with
    immigration);
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    a = _exact_alpha(alpha, M)
    exact_p, Hp, _ = _probabilities(p)
    lam, const = _heterozygosity_step()
    exact = exact_p or _wants_sympy(alpha, M)
    sub = {_a: a, _M: M, _Hp: Hp}
    return _finish(lam.subs(sub), exact), _finish(const.subs(sub), exact)


def stationary_heterozygosity(alpha, M, p):
    r"""Stationary expected diversity :math:`\lim_n E[H_n]` (``alpha > 0``).

    .. math::

        H_\infty = \frac{c}{1-\lambda} = H_p\,\frac{\alpha\,(2-\alpha-1/M)}{\alpha(2-\alpha) + (1-\alpha)/M}.

    ``alpha = 1``: :math:`H_p(1-1/M)`, the diversity of an empirical
    distribution of ``M`` fresh samples.  Equals :math:`E_\pi[H]` under the
    exact stationary law :func:`wf_mixing_stationary`.  Source: Wright-Fisher
    with immigration (Ewens 2004); Shumailov et al. (2024) for the setting.

    Parameters
    ----------
    alpha : float in (0, 1] or sympy expression
        Fraction of fresh samples; ``alpha * M`` an integer; ``alpha = 0`` raises ``ValueError``.
    M : int >= 2 or sympy expression
        Training samples per generation (fresh + synthetic).
    p : sequence of K >= 2 probabilities summing to 1 (floats or sympy numbers), or a sympy symbol
        Original categorical distribution; a symbol ``p`` means two types with probabilities ``(p, 1 - p)``.

    Returns
    -------
    float or sympy.Expr
        :math:`H_\infty \in [0, H_p]`: float for numbers, sympy expression for sympy input.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I"; Durrett (2008), "Probability Models for DNA Sequence
    Evolution";
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    a = _exact_alpha(alpha, M)
    if not is_symbolic(a) and float(a) == 0:
        raise ValueError("alpha must be > 0 for a non-degenerate stationary diversity (alpha = 0 absorbs: H -> 0)")
    lam, const = heterozygosity_recursion(alpha, M, p)
    out = const / (1 - lam)
    return sp.factor(sp.simplify(out)) if isinstance(out, sp.Basic) else float(out)


def expected_heterozygosity_mixing(n, alpha, M, p):
    r"""Exact :math:`E[H_n]` after ``n`` refits with real-data fraction ``alpha``.

    .. math:: E[H_n] = H_\infty + (H_p - H_\infty)\,\lambda^n,\qquad H_0 = H_p,

    with :math:`\lambda`, :math:`H_\infty` from :func:`heterozygosity_recursion`
    (for ``alpha = 0``: :math:`H_p(1-1/M)^n`, the neutral Wright-Fisher law).
    ``n`` may be a sympy symbol or a numpy array.

    Parameters
    ----------
    n : int >= 0, array of int, or sympy symbol
        Number of refits.
    alpha : float in [0, 1] or sympy expression
        Fraction of fresh real samples per generation; ``alpha * M`` must be an integer (exact split).
    M : int >= 2 or sympy expression
        Training samples per generation (fresh + synthetic).
    p : sequence of K >= 2 probabilities summing to 1 (floats or sympy numbers), or a sympy symbol
        Original categorical distribution; a symbol ``p`` means two types with probabilities ``(p, 1 - p)``.

    Returns
    -------
    float, numpy.ndarray or sympy.Expr
        :math:`E[H_n]`: float for numbers, numpy array when ``n`` is a list/array, sympy
        expression for sympy input.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I"; Durrett (2008), "Probability Models for DNA Sequence
    Evolution";
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    lam, const = heterozygosity_recursion(alpha, M, p)
    _, Hp, _ = _probabilities(p)
    if isinstance(n, (list, tuple, np.ndarray)):
        arr = np.asarray(n)
        for v in arr.ravel():
            check_int(v, "n", minimum=0)
        lam, const = float(lam), float(const)
        k = arr.astype(float)
        if lam == 1:
            return np.full(k.shape, float(Hp))
        hinf = const / (1 - lam)
        return hinf + (float(Hp) - hinf) * lam ** k
    n = check_int(n, "n", minimum=0)
    if isinstance(lam, sp.Basic) or _is_sym(n):
        lam, const, Hp = sp.sympify(lam), sp.sympify(const), sp.sympify(Hp)
        if lam == 1:
            return Hp
        hinf = const / (1 - lam)
        return sp.simplify(hinf + (Hp - hinf) * lam ** n)
    if lam == 1:
        return float(Hp)
    hinf = const / (1 - lam)
    return float(hinf + (Hp - hinf) * lam ** n)


def _binom_pmf_exact(m, q):
    return [sp.binomial(m, i) * q ** i * (1 - q) ** (m - i) for i in range(m + 1)]


def wf_mixing_transition_matrix(alpha, M, p):
    r"""Transition matrix of the two-type count chain with immigration.

    .. math::

        P_{ij} = \sum_{k} \binom{m_r}{k}p^k(1-p)^{m_r-k}\,
        \binom{m_s}{j-k}\Bigl(\frac iM\Bigr)^{j-k}\Bigl(1-\frac iM\Bigr)^{m_s-j+k},

    the law of :math:`\mathrm{Bin}(m_r, p) + \mathrm{Bin}(m_s, i/M)` (exact
    split convention), states :math:`i = 0..M` counts of type 1.  Exact
    sympy ``Matrix`` of rationals for sympy input (e.g. ``p`` as a sympy
    Rational), float ``numpy`` array otherwise (``fractions.Fraction`` input
    gives floats).

    Parameters
    ----------
    alpha : number in [0, 1] with ``alpha*M`` integer
        Fraction of fresh samples per generation.
    M : int >= 2
        Samples per generation (numbers only).
    p : number in [0, 1], or a sympy symbol
        Original probability of type 1.

    Returns
    -------
    sympy.Matrix or numpy.ndarray, shape (M + 1, M + 1)
        Row-stochastic :math:`P_{ij}`; exact sympy Matrix when ``alpha``, ``M`` or ``p`` is a sympy object
        (or ``p`` is a symbol), float numpy array otherwise (also for ``fractions.Fraction`` input).

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I"; Durrett (2008), "Probability Models for DNA Sequence
    Evolution" (Wright-Fisher model
    with immigration);
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    mr, ms = mixing_counts(alpha, M)
    if is_symbolic(alpha, M):
        raise ValueError("M and alpha must be numbers for a transition matrix")
    p = check_real(p, "p")
    if _is_sym(p) and not p.is_number:
        exact = True
    else:
        if not 0 <= float(p) <= 1:
            raise ValueError(f"p must be in [0, 1], got {p!r}")
        exact = _wants_sympy(alpha, M, p)
    M = int(M)
    if exact:
        r = _binom_pmf_exact(mr, sp.sympify(p))
        P = sp.zeros(M + 1, M + 1)
        for i in range(M + 1):
            s = _binom_pmf_exact(ms, sp.Rational(i, M))
            for k in range(mr + 1):
                for l in range(ms + 1):
                    P[i, k + l] += r[k] * s[l]
        return P
    from scipy import stats
    r = stats.binom.pmf(np.arange(mr + 1), mr, float(p))
    P = np.zeros((M + 1, M + 1))
    for i in range(M + 1):
        s = stats.binom.pmf(np.arange(ms + 1), ms, i / M)
        P[i] = np.convolve(r, s)
    return P


def wf_mixing_stationary(alpha, M, p):
    r"""Exact stationary distribution :math:`\pi` of :func:`wf_mixing_transition_matrix` (``alpha > 0``).

    Solves :math:`\pi P = \pi`, :math:`\sum_i \pi_i = 1` exactly (sympy
    linear algebra over the rationals) for sympy input, by a dense float solve
    otherwise.  Unique: with :math:`m_r \ge 1` and :math:`0 < p < 1` the chain is
    irreducible and aperiodic (no absorbing state).  ``p`` in ``{0, 1}`` gives
    the point mass at 0 or ``M``.

    Parameters
    ----------
    alpha : float in (0, 1]
        Fraction of fresh samples; ``alpha * M`` an integer >= 1.
    M : int >= 2
        Training samples per generation (fresh + synthetic).
    p : float in [0, 1] or sympy number
        Original probability of type 1.

    Returns
    -------
    list of sympy Rationals, or numpy array, of length ``M + 1``.

    Notes
    -----
    .. math:: \pi P = \pi, \qquad \sum_{i=0}^{M}\pi_i = 1

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I"; Durrett (2008), "Probability Models for DNA Sequence
    Evolution";
    Shumailov et al., Nature 631 (2024) (collapse; keeping 10 % of the original data slows it).
    """
    mr, _ = mixing_counts(alpha, M)
    if mr == 0:
        raise ValueError("alpha must be > 0: without fresh data the chain absorbs at 0 or M (no unique stationary law)")
    P = wf_mixing_transition_matrix(alpha, M, p)
    if isinstance(P, sp.MatrixBase):
        n = P.shape[0]
        A = (P.T - sp.eye(n))
        A = A.row_insert(n, sp.ones(1, n))
        b = sp.zeros(n, 1).row_insert(n, sp.Matrix([1]))
        sol, params = A.gauss_jordan_solve(b)
        if params.shape[0]:
            raise ArithmeticError("stationary distribution not unique")
        return [sp.nsimplify(sp.simplify(v)) for v in sol]
    n = P.shape[0]
    A = np.vstack([P.T - np.eye(n), np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1
    return np.linalg.lstsq(A, b, rcond=None)[0]


def wf_mixing_eigenvalues(alpha, M):
    r"""Eigenvalues of the two-type transition matrix with immigration.

    .. math::

        \lambda_j = \frac{m_s!}{(m_s-j)!\,M^j}\ (0 \le j \le m_s),\qquad \lambda_j = 0\ (m_s < j \le M).

    Reason: :math:`E[(\text{count})^{\underline j}\mid i]` is a polynomial in
    :math:`i` of degree :math:`\min(j, m_s)` whose leading coefficient is
    :math:`m_s^{\underline j}/M^j` (only the synthetic binomial depends on
    ``i``), so ``P`` is triangular on the polynomial basis.  ``alpha = 0``
    gives Feller's :math:`M!/((M-j)!M^j)`.  :math:`\lambda_1 = 1-\alpha` is
    the rate at which the mean frequency returns to ``p``; :math:`\lambda_2`
    is the :math:`\lambda` of :func:`heterozygosity_recursion`.

    Parameters
    ----------
    alpha : float in [0, 1] or sympy number
        Fraction of fresh samples; ``alpha * M`` an integer.
    M : int >= 2
        Training samples per generation.

    Returns
    -------
    list of float or of sympy.Rational, length ``M + 1``
        :math:`\lambda_0, \dots, \lambda_M`; exact when ``alpha`` or ``M`` is a sympy number.

    References
    ----------
    Feller, "Diffusion processes in genetics", Proc. Second Berkeley Symp. (1951) (the case
    ``alpha = 0``);
    Ewens (2004), "Mathematical Population Genetics I"; Durrett (2008), "Probability Models for DNA Sequence
    Evolution".
    """
    mr, ms = mixing_counts(alpha, M)
    if is_symbolic(alpha, M):
        raise ValueError("M and alpha must be numbers for the eigenvalue list")
    exact = _wants_sympy(alpha, M)
    M = int(M)
    vals = [sp.ff(ms, j) / sp.Integer(M) ** j if j <= ms else sp.Integer(0) for j in range(M + 1)]
    return vals if exact else [float(v) for v in vals]
