r"""Gaussian refitting: the exactly solvable continuous case of model collapse.

The process
-----------
Generation 0 is :math:`N(\mu, \sigma^2)`.  Generation :math:`n+1` is the Gaussian fitted to
:math:`M` i.i.d. samples of generation :math:`n` by the sample mean and the unbiased
(:math:`\div (M-1)`) or maximum-likelihood (:math:`\div M`) variance, so ``n`` counts refits.

Everything rests on Cochran's theorem: given generation :math:`n`,
:math:`(M-1)s^2/\sigma_n^2 \sim \chi^2_{M-1}` independently of :math:`\bar x \sim N(\mu_n,
\sigma_n^2/M)`.  With :math:`k = M-1`, :math:`X_j \sim \chi^2_k` and :math:`Z_j \sim N(0,1)` all
independent,

.. math::

    \sigma_n^2 = \sigma^2 \prod_{j=1}^{n} c\,X_j, \qquad
    \mu_n = \mu + \sum_{j=0}^{n-1} \sigma_j Z_j/\sqrt{M}, \qquad c = 1/k \text{ or } 1/M.

Every moment of :math:`\sigma_n^2` is a power of a one-generation moment, the chi-square Mellin
transform :math:`E[X^t] = 2^t\Gamma(k/2+t)/\Gamma(k/2)` (:func:`chi2_mellin`, computed by
:mod:`sympy.stats`); its logarithm is the cumulant generating function of :math:`\log X`.

The collapse
------------
For the unbiased estimator :math:`E[\sigma_n^2] = \sigma^2` for every ``n`` (a martingale), yet
:math:`\log\sigma_n^2` is a random walk with drift :math:`\psi(k/2) + \log(2/k) < 0`, so
:math:`\sigma_n \to 0` almost surely; :math:`\mathrm{Var}[\sigma_n^2]` grows geometrically and the
median decays geometrically.  The mean performs a random walk and

.. math::

    E[W_2^2] = \mathrm{Var}[\mu_n] + E[\sigma_n^2] - 2\sigma E[\sigma_n] + \sigma^2
             = \sigma^2\left(\frac{n}{M} + 2 - 2 c_4(M)^n\right) \to \infty \quad\text{(unbiased)},

while for the MLE it tends to :math:`2\sigma^2`.  Source: [shumailov2024]_ (Gaussian model collapse);
[cochran1934]_.  The derivations are checked step by step in :mod:`proofs.gaussian`.

Sampling bias
-------------
With the keyword ``bias`` :math:`= \lambda \in (0, 1]` every generation samples from
:math:`N(\mu_n, \lambda\sigma_n^2)` instead (a sampler that favours the mode, [alemohammad2024]_), so
:math:`\sigma_{n+1}^2 = \lambda c\,\sigma_n^2 X` and :math:`\mu_{n+1} = \mu_n + \sqrt{\lambda}\sigma_n Z/\sqrt M`:
:math:`\sigma_n^2` is :math:`\lambda^n` times its unbiased-sampling value (every moment and quantile of
it scales accordingly, :math:`E\log\sigma_n^2` gains :math:`n\log\lambda`), and

.. math::

    \mathrm{Var}[\mu_n] = \frac{\lambda\sigma^2}{M}\,\frac{1-(\lambda\rho)^n}{1-\lambda\rho}
    \to \frac{\lambda\sigma^2}{M(1-\lambda\rho)}\quad(\lambda\rho < 1),

:math:`\rho = 1` (unbiased) or :math:`(M-1)/M` (MLE): with :math:`\lambda < 1` the variance collapses in
expectation even for the unbiased estimator, and the random walk of the mean freezes.  ``bias = 1`` is
the process above, exactly.

Evaluation follows :mod:`theory.core`: numbers give floats, symbols give expressions, sympy numbers or
``exact=True`` give exact values.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import mpmath
import numpy as np
import sympy as sp
from scipy import optimize, special
from sympy.stats import ChiSquared, E

from theory import _log_gamma_law, core
from theory import validation as V
from theory.core import closed_form, computed

__all__ = [
    "c4", "chi2_mellin", "variance_moment", "expected_variance", "variance_of_variance", "expected_std",
    "expected_log_variance", "log_variance_cumulant", "expected_mean", "mean_variance",
    "expected_w2_squared", "w2_squared_limit", "variance_cdf", "median_variance",
    "median_variance_asymptotic", "schedule_moments", "schedule_expected_w2_squared", "schedule_is_bounded",
    "ScheduleMoments",
]

# parameter domains of this module
n_, M_, SIGMA2, EST = V.GENERATIONS, V.SAMPLE_SIZE, V.VARIANCE, V.ESTIMATOR
ORDER = V.Integer(1, doc="Order :math:`j` of the cumulant.", example=2, exact_max=1000).as_value()
#: Largest order ``|r|`` of a moment built as explicit sympy numbers (exact evaluation is limited to it).
EXPAND_MAX = 16
POWER = V.Real(doc="Order :math:`r > -(M-1)/2` of the moment.", example=2, exact_max=EXPAND_MAX).as_value()
SCHEDULE = V.RealArray(minimum=2, doc=r"Sample sizes :math:`M_0, M_1, \dots` (integers >= 2): "
                                      r"generation ``j + 1`` is fitted to ``schedule[j]`` samples.",
                       example=(5, 10, 20))
M_OF_J = V.SymbolicExpression(r"Sample size :math:`M_j` fitting generation ``j + 1``, a sympy expression in "
                              "``j``.")
J = V.SymbolParameter("The index symbol of ``M_of_j``.")
BIAS = V.Real(0, 1, lower_open=True, doc=r"Sampling bias :math:`\lambda`: every generation samples from "
                                         r":math:`N(\mu_n, \lambda\sigma_n^2)` (1: unbiased sampling).",
              example=0.8).as_value()


# ----------------------------------------------------------------------------- building blocks
_k, _t = sp.Symbol("k", positive=True), sp.Symbol("t", real=True)


@functools.lru_cache(maxsize=None)
def _mellin():
    """:math:`E[X^t]` of :math:`X\\sim\\chi^2_k` by ``sympy.stats`` (valid for :math:`t > -k/2`)."""
    tpos = sp.Symbol("tpos", positive=True)
    return sp.simplify(E(ChiSquared("X", _k) ** tpos)).subs(tpos, _t)


def _scale(M, estimator):
    return 1 / (M - 1) if estimator == "unbiased" else 1 / M


@functools.lru_cache(maxsize=None)
def _ratio_moment(M, estimator, r):
    r""":math:`E[(\sigma_{n+1}^2/\sigma_n^2)^r] = c^r E[X^r]`; a rational function of M for integer ``r``.

    Beyond :data:`EXPAND_MAX` the order stays an unevaluated number (mpmath evaluates the gamma ratio): sympy
    would expand :math:`2^r` into :math:`|r|` bits and the gamma ratio into :math:`|r|` factors."""
    if not V.is_symbolic(r) and abs(r) > EXPAND_MAX:  # unevaluated: sympy would expand 2**r to |r| bits
        form = (_scale(M, estimator) ** _t * _mellin()).subs(_k, M - 1)
        form = form.replace(lambda e: e.is_Pow and e.exp.has(_t), lambda e: sp.exp(e.exp * sp.log(e.base)))
        return form.xreplace({_t: sp.UnevaluatedExpr(r)})  # powers as exp(r log b): mpmath, not Python ints
    expr = sp.powsimp(_scale(M, estimator) ** r * _mellin().subs({_t: r, _k: M - 1}), force=True)
    if isinstance(r, sp.Basic) and r.is_Integer or isinstance(r, int):
        return sp.factor(sp.simplify(sp.expand_func(sp.gammasimp(expr))))
    return expr


@functools.lru_cache(maxsize=None)
def _log_ratio_cumulant(M, estimator, order):
    r"""``order``-th cumulant of :math:`\log(\sigma_{n+1}^2/\sigma_n^2)`: a derivative of the CGF at 0 (above
    :data:`DERIVE_MAX`, the derivative it gives, :math:`\psi^{(j-1)}(\tfrac{M-1}{2})`, without ``j`` sympy diffs)."""
    if order > DERIVE_MAX:
        return _polygamma(order - 1, (M - 1) / 2)
    cgf = sp.expand_log(sp.log(_scale(M, estimator) ** _t * _mellin()), force=True)
    return sp.simplify(sp.diff(cgf, _t, order).subs(_t, 0).subs(_k, M - 1))


def _is_one(bias):
    return not V.is_symbolic(bias) and bias == 1


def _biased(M, estimator, r, bias):
    r""":math:`E[(\sigma_{n+1}^2/\sigma_n^2)^r] = \lambda^r c^r E[X^r]` (the unbiased-sampling expression when
    :math:`\lambda = 1`)."""
    base = _ratio_moment(M, estimator, r)
    return base if _is_one(bias) else bias ** r * base


#: Highest cumulant order derived by differentiating the CGF with sympy (the proofs' route); beyond, its result.
DERIVE_MAX = 8
#: Highest polygamma order left to mpmath's ``polygamma`` (its time grows like the order squared; 100 s at 1e6).
POLYGAMMA_MAX = 1000


def _polygamma(m, a):
    r""":math:`\psi^{(m)}(a)`, :math:`m \ge 1`; above :data:`POLYGAMMA_MAX` as :math:`(-1)^{m+1}m!\,\zeta(m+1, a)`
    (Hurwitz zeta: milliseconds at any order; the factorial unevaluated, not an exact integer of ``m log m`` digits)."""
    if m <= POLYGAMMA_MAX:
        return sp.polygamma(m, a)
    return (-1) ** (m + 1) * sp.factorial(m, evaluate=False) * sp.zeta(m + 1, a, evaluate=False)


def _moment_order(r):
    return sp.nsimplify(r) if not isinstance(r, sp.Basic) else r


def _require_moment_exists(n, M, r, sigma2, estimator, bias=1):
    if not V.is_symbolic(M, r) and r <= -(int(M) - 1) / 2:
        raise ValueError(f"r must be > -(M-1)/2 = {-(int(M) - 1) / 2} for the moment to exist, got {r!r}")


# ----------------------------------------------------------------------------- closed forms
def _require_mellin_exists(k, t):
    if not V.is_symbolic(k, t) and not t > -k / 2:
        raise ValueError(f"t must be > -k/2 = {-k / 2} for the moment to exist, got {t!r}")


@closed_form(k=V.Real(0, lower_open=True, doc="Degrees of freedom :math:`k`.", example=4),
             t=V.Real(doc="Order :math:`t > -k/2`.", example=1.5), requires=_require_mellin_exists)
def chi2_mellin(k, t):
    r"""Mellin transform :math:`E[X^t] = 2^t\,\Gamma(k/2+t)/\Gamma(k/2)` of :math:`X \sim \chi^2_k`.

    Computed as ``sympy.stats.E(ChiSquared('X', k)**t)``; every moment of :math:`\sigma_n^2`,
    :math:`\sigma_n` and :math:`\log\sigma_n^2` here is built from it.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> chi2_mellin(3, 2, exact=True)
    15
    >>> chi2_mellin(4, 0.5)
    1.8799712059732503

    References
    ----------
    [jkb1994]_, ch. 18.
    """
    return _mellin().subs({_k: k, _t: t})


@closed_form(M=M_)
def c4(M):
    r"""The bias-correction constant :math:`c_4(M) = E[s]/\sigma = \sqrt{2/(M-1)}\,\Gamma(M/2)/\Gamma((M-1)/2)`.

    :math:`s` is the unbiased sample standard deviation of ``M`` normal samples; :math:`c_4 < 1`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> c4(2, exact=True)
    sqrt(2)/sqrt(pi)
    >>> round(c4(10), 4)
    0.9727

    References
    ----------
    [cochran1934]_; [jkb1994]_.
    """
    return _ratio_moment(M, "unbiased", sp.Rational(1, 2))


@closed_form(n=n_, M=M_, r=POWER, sigma2=SIGMA2, estimator=EST, bias=BIAS, requires=_require_moment_exists)
def variance_moment(n, M, r=1, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Raw moment :math:`E[(\sigma_n^2)^r] = \sigma^{2r}\left(c^r\,2^r\Gamma(\tfrac{M-1}{2}+r)/
    \Gamma(\tfrac{M-1}{2})\right)^{n}`, :math:`c = 1/(M-1)` or :math:`1/M`.

    The ``n`` chi-square factors of :math:`\sigma_n^2` are independent (Cochran), so the moment is
    the ``n``-th power of the one-generation moment; a sampling bias multiplies it by :math:`\lambda^{rn}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> variance_moment(2, 3, 2, exact=True)
    4
    >>> variance_moment(2, 3, 2)
    4.0

    References
    ----------
    [shumailov2024]_; [cochran1934]_.
    """
    return sigma2 ** r * _biased(M, estimator, _moment_order(r), bias) ** n


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def expected_variance(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Expected fitted variance: :math:`E[\sigma_n^2] = \sigma^2` (unbiased: a martingale),
    :math:`\sigma^2((M-1)/M)^n` (MLE); :math:`\sigma^2(\lambda\rho)^n` with a sampling bias :math:`\lambda`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_variance(3, 4, estimator="mle", exact=True)
    27/64
    >>> expected_variance(3, 4, sigma2=2.0, estimator="mle")
    0.84375
    >>> expected_variance(3, 4, bias=0.5, exact=True)  # collapses in expectation even when unbiased
    1/8

    References
    ----------
    [shumailov2024]_.
    """
    return sigma2 * _biased(M, estimator, 1, bias) ** n


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def variance_of_variance(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r""":math:`\mathrm{Var}[\sigma_n^2] = \sigma^4[((M+1)/(M-1))^n - 1]` (unbiased), :math:`\sigma^4[((M^2-1)/M^2)^n
    - ((M-1)/M)^{2n}]` (MLE).

    From :math:`E[X^2] = k(k+2)`: geometric growth for the unbiased estimator, whose mean is carried
    by ever rarer, ever larger values.  A sampling bias multiplies it by :math:`\lambda^{2n}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> variance_of_variance(2, 3, exact=True)
    3
    >>> variance_of_variance(2, 3, sigma2=2.0)
    12.0

    References
    ----------
    [shumailov2024]_; [cochran1934]_.
    """
    m2 = sigma2 ** 2 * _biased(M, estimator, 2, bias) ** n
    m1 = sigma2 * _biased(M, estimator, 1, bias) ** n
    return sp.factor(sp.simplify(m2 - m1 ** 2))


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def expected_std(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Expected fitted standard deviation: :math:`E[\sigma_n] = \sigma c_4(M)^n` (unbiased),
    :math:`\sigma (c_4(M)\sqrt{(M-1)/M})^n` (MLE).

    Because :math:`c_4 < 1` it decays geometrically although :math:`E[\sigma_n^2]` (unbiased) is constant;
    a sampling bias multiplies it by :math:`\lambda^{n/2}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_std(1, 2, exact=True)
    sqrt(2)/sqrt(pi)
    >>> expected_std(1, 2, sigma2=4) == 2 * expected_std(1, 2)
    True

    References
    ----------
    [shumailov2024]_; [cochran1934]_.
    """
    return sp.sqrt(sigma2) * _biased(M, estimator, sp.Rational(1, 2), bias) ** n


@closed_form(order=ORDER, n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def log_variance_cumulant(order, n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Cumulant :math:`\kappa_j` of :math:`\log\sigma_n^2`.

    .. math::

        \kappa_1 = \log\sigma^2 + n\left[\psi\!\left(\tfrac{M-1}{2}\right) + \log 2c\right], \qquad
        \kappa_j = n\,\psi^{(j-1)}\!\left(\tfrac{M-1}{2}\right)\ (j \ge 2),

    the derivatives at 0 of the cumulant generating function :math:`n\log E[(cX)^t]`; a sampling bias
    adds :math:`n\log\lambda` to :math:`\kappa_1` only.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> log_variance_cumulant(1, 1, 3, exact=True)
    -EulerGamma
    >>> log_variance_cumulant(2, 1, 3)
    1.6449340668482264

    References
    ----------
    [shumailov2024]_; [jkb1994]_.
    """
    expr = n * _log_ratio_cumulant(M, estimator, int(order))
    if order == 1 and not _is_one(bias):
        expr = expr + n * sp.log(bias)
    return sp.log(sigma2) + expr if order == 1 else expr


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def expected_log_variance(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r""":math:`E[\log\sigma_n^2] = \log\sigma^2 + n[\psi(\tfrac{M-1}{2}) + \log\tfrac{2}{M-1}]` (unbiased; the MLE
    adds :math:`n\log\tfrac{M-1}{M}`, a sampling bias :math:`n\log\lambda`).

    The drift is negative (Jensen), so by the strong law :math:`\sigma_n \to 0` almost surely.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_log_variance(1, 3, exact=True)
    -EulerGamma
    >>> expected_log_variance(10, 3)  # -10 * Euler's gamma
    -5.772156649015328
    >>> expected_log_variance(1, 3, bias=0.5, exact=True)
    -log(2) - EulerGamma

    References
    ----------
    [shumailov2024]_.
    """
    drift = _log_ratio_cumulant(M, estimator, 1)
    return sp.log(sigma2) + n * (drift if _is_one(bias) else drift + sp.log(bias))


@closed_form(n=n_, M=M_, mu=V.LOCATION)
def expected_mean(n, M, mu=0):
    r""":math:`E[\mu_n] = \mu`: the fitted mean is a martingale (the sample mean is unbiased).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_mean(5, 10, 3, exact=True)
    3
    >>> expected_mean(5, 10, 0.5)
    0.5

    References
    ----------
    [shumailov2024]_; [cochran1934]_.
    """
    return mu + 0 * n


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def mean_variance(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r""":math:`\mathrm{Var}[\mu_n] = \frac1M\sum_{j<n} E[\sigma_j^2] = n\sigma^2/M` (unbiased),
    :math:`\sigma^2[1-((M-1)/M)^n]` (MLE).

    :math:`\mu_{j+1} = \mu_j + \sigma_j Z_j/\sqrt M` with :math:`Z_j` independent of the past; for the
    MLE :math:`\mathrm{Var}[\mu_n] + E[\sigma_n^2] = \sigma^2` exactly.  With a sampling bias
    :math:`\lambda < 1`, :math:`\mathrm{Var}[\mu_n] = \frac{\lambda}{M}\sum_{j<n}E[\sigma_j^2]
    = \frac{\lambda\sigma^2}{M}\frac{1-(\lambda\rho)^n}{1-\lambda\rho}`: bounded, the walk freezes
    (a symbolic :math:`\lambda` gives the ``Piecewise`` that includes :math:`\lambda\rho = 1`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mean_variance(5, 10, exact=True)
    1/2
    >>> mean_variance(2, 4, estimator="mle", exact=True)
    7/16
    >>> mean_variance(2, 4, bias=0.5, exact=True)  # (1/8)(1 + 1/2)
    3/16

    References
    ----------
    [shumailov2024]_; [cochran1934]_.
    """
    j = sp.Symbol("j", integer=True, nonnegative=True)
    expr = sp.piecewise_fold(sp.simplify(sp.summation(_biased(M, estimator, 1, bias) ** j / M, (j, 0, n - 1))))
    if isinstance(expr, sp.Piecewise) and not V.is_symbolic(bias):
        # geometric series in a ratio that is 1 for no M >= 2: keep the generic branch
        expr = expr.args[-1].expr if expr.args[-1].cond == sp.true else expr.args[0].expr
    return (1 if _is_one(bias) else bias) * sigma2 * sp.powsimp(sp.simplify(expr), force=True)


@functools.lru_cache(maxsize=None)
def _w2_expr(n, M, sigma2, estimator, bias=1):
    var_mu = mean_variance.__wrapped__(n, M, sigma2=sigma2, estimator=estimator, bias=bias)
    e_var = expected_variance.__wrapped__(n, M, sigma2=sigma2, estimator=estimator, bias=bias)
    e_std = expected_std.__wrapped__(n, M, sigma2=sigma2, estimator=estimator, bias=bias)
    # keep the four terms visible; merge a**n/b**n into (a/b)**n so each geometric term has one base
    return sp.powsimp(var_mu + e_var - 2 * sp.sqrt(sigma2) * e_std + sigma2, force=True)


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def expected_w2_squared(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Exact :math:`E[W_2^2(N(\mu_n,\sigma_n^2), N(\mu,\sigma^2))] = \mathrm{Var}[\mu_n] + E[\sigma_n^2]
    - 2\sigma E[\sigma_n] + \sigma^2`.

    Unbiased: :math:`\sigma^2(n/M + 2 - 2c_4(M)^n)`, growing linearly without bound.  MLE:
    :math:`\sigma^2(2 - 2(c_4\sqrt{(M-1)/M})^n) \to 2\sigma^2`.  Uses
    :math:`W_2^2 = (m_1-m_2)^2 + (s_1-s_2)^2` in one dimension; the three moments carry the sampling bias.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_w2_squared(3, 3, exact=True)
    3 - pi**(3/2)/4
    >>> expected_w2_squared(100, 10)
    11.874944383383784
    >>> expected_w2_squared(100, 10, sigma2=4) == 4 * expected_w2_squared(100, 10)
    True

    References
    ----------
    [shumailov2024]_ (states :math:`E[W_2^2]\to\infty`; this is the exact value).
    """
    return _w2_expr(n, M, sigma2, estimator, bias)


@closed_form(M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def w2_squared_limit(M, *, sigma2=1, estimator="unbiased", bias=1):
    r""":math:`\lim_{n\to\infty} E[W_2^2] = \infty` (unbiased) or :math:`2\sigma^2` (MLE);
    :math:`\sigma^2 + \lambda\sigma^2/(M(1-\lambda\rho))` with a sampling bias :math:`\lambda\rho < 1`.

    Every geometric term :math:`b^n` of :func:`expected_w2_squared` has a base :math:`0 < b < 1`
    (:math:`c_4 < 1`, proved in :mod:`proofs.gaussian`), so only :math:`\sigma^2(n/M + 2)` (unbiased)
    or :math:`2\sigma^2` (MLE) remains.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> w2_squared_limit(10, estimator="mle", exact=True)
    2
    >>> w2_squared_limit(10)
    inf
    >>> w2_squared_limit(10, bias=0.5, exact=True)  # the spread dies, the mean freezes
    11/10

    References
    ----------
    [shumailov2024]_.
    """
    if _is_one(bias):
        return sp.oo + 0 * M if estimator == "unbiased" else 2 * sigma2 + 0 * M
    rho = _ratio_moment(M, estimator, 1)
    generic = sigma2 + bias * sigma2 / (M * (1 - bias * rho))
    if V.is_symbolic(bias) and estimator == "unbiased":
        return sp.Piecewise((sp.oo, sp.Eq(bias, 1)), (generic, True))
    return generic


# ----------------------------------------------------------------------------- distribution of sigma_n^2
#: ``n`` and ``M`` of the numeric law: at most :data:`theory._log_gamma_law.SIZE_MAX` (beyond, a ValueError).
LAW_N = V.Integer(0, _log_gamma_law.SIZE_MAX, doc=f"Number of refits (a scalar, at most "
                                                  f"{_log_gamma_law.SIZE_MAX:.0e}).", example=3)
LAW_M = V.Integer(2, _log_gamma_law.SIZE_MAX, doc=f"Samples drawn from each generation to fit the next (at most "
                                                  f"{_log_gamma_law.SIZE_MAX:.0e}).", example=10)


def _law(n, M, estimator):
    r"""The law of :math:`\log(\sigma_n^2/\sigma^2)`: ``n`` terms :math:`\log cX`, :math:`X\sim\chi^2_{M-1}`;
    :math:`2c\cdot\frac{M-1}{2} - 1` is exactly 0 (unbiased) or :math:`-1/M` (MLE)."""
    unbiased = estimator == "unbiased"
    return _log_gamma_law.LogGammaSumLaw(n, (M - 1) / 2, 0.0 if unbiased else -1 / M,
                                         2 / (M - 1) if unbiased else 2 / M)


@computed(x=V.Real(0, lower_open=True, doc="Point at which the CDF is evaluated.", example=0.8),
          n=LAW_N, M=LAW_M, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def variance_cdf(x, n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""CDF :math:`P(\sigma_n^2 \le x)` by inversion of the moment generating function through its saddle point
    (numeric only: no closed form).

    With :math:`y = \log(x/\sigma^2)` and :math:`K(s) = n[s\log 2c + \log\Gamma(\tfrac{M-1}{2}+s) -
    \log\Gamma(\tfrac{M-1}{2})]` the cumulant generating function of :math:`\log(\sigma_n^2/\sigma^2)` (the
    Mellin transform :func:`chi2_mellin` at :math:`t = s`),

    .. math::

        P(\sigma_n^2 \le x) = -\frac{1}{2\pi i}\int_{c-i\infty}^{c+i\infty} e^{K(s)-sy}\,\frac{ds}{s}
        \quad (c < 0;\ 1 - \text{the same for } c > 0),

    along the line through the saddle point :math:`K'(\hat s) = y` (beside it near the median): no
    oscillation, no cancellation, so the lower tail keeps its relative precision (~1e-12) down to the smallest
    double at any ``M`` and ``n`` (at ``n = 1``, where it is the incomplete gamma function
    :math:`P(\tfrac{M-1}{2}, x/(2c\sigma^2))`, scipy's ``gammainc`` is 12% off at :math:`10^{-12}` and
    :math:`M = 10^8`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import math
    >>> abs(variance_cdf(1.0, 1, 3) - (1 - math.exp(-1))) < 1e-12  # exactly 1 - 1/e (chi-square(2) at 2)
    True
    >>> from scipy.special import k1
    >>> abs(variance_cdf(1.0, 2, 3) - (1 - 2 * float(k1(2)))) < 1e-12  # product of two Exp(1): 1 - 2 K_1(2)
    True

    References
    ----------
    [daniels1954]_; [shumailov2024]_.
    """
    if n == 0:
        return 1.0 if x >= sigma2 else 0.0
    # a sampling bias scales sigma_n^2 by lambda^n
    return _law(n, M, estimator).cdf(math.log(x) - math.log(sigma2) - n * math.log(bias))


@computed(n=LAW_N, M=LAW_M, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def median_variance(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Median of :math:`\sigma_n^2`: the root of :func:`variance_cdf` ``= 1/2`` (numeric only).

    Brent's method on :math:`\log\sigma_n^2`, bracketed by :math:`\kappa_1 \pm (10\sqrt{\kappa_2}+1)`
    (:func:`log_variance_cumulant`), to ``xtol = 1e-12``.  It decays geometrically while the mean
    stays at :math:`\sigma^2` (unbiased): the typical chain collapses long before the mean shows it.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> median_variance(0, 5, sigma2=2.0)
    2.0
    >>> import math
    >>> abs(median_variance(1, 3) - math.log(2)) < 1e-12  # exactly ln 2 (chi-square(2) median / 2)
    True

    References
    ----------
    [daniels1954]_; [shumailov2024]_.
    """
    log_sigma2 = math.log(sigma2)
    if n == 0:
        return _exp(log_sigma2)
    cdf = _law(n, M, estimator).cdf
    centre = log_variance_cumulant(1, n, M, estimator=estimator)
    spread = math.sqrt(log_variance_cumulant(2, n, M, estimator=estimator))
    lo, hi = centre - 10 * spread - 1, centre + 10 * spread + 1
    y = optimize.brentq(lambda y: cdf(y) - 0.5, lo, hi, xtol=1e-12)
    return _exp(log_sigma2 + y + n * math.log(bias))  # a sampling bias scales sigma_n^2 by lambda^n


def _exp(v):
    """:math:`e^v` rounded to a double (``inf`` above the largest, as a float evaluation of a closed form)."""
    return math.exp(v) if v < 709.78 else float(mpmath.exp(v))


@closed_form(n=n_, M=M_, sigma2=SIGMA2, estimator=EST, bias=BIAS)
def median_variance_asymptotic(n, M, *, sigma2=1, estimator="unbiased", bias=1):
    r"""Large-``n`` median of :math:`\sigma_n^2` (Cornish-Fisher to :math:`O(1/n)`):
    :math:`\sigma^2\exp(\kappa_1 - \kappa_3/(6\kappa_2))`.

    With the cumulants of :func:`log_variance_cumulant`; at ``n = 0`` it is not :math:`\sigma^2` (the
    expansion is for large ``n``).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> median_variance_asymptotic(10, 2, exact=True)
    exp(-10*EulerGamma + 14*zeta(3)/(3*pi**2))/1024
    >>> median_variance_asymptotic(10, 2)
    5.366915248108064e-06

    References
    ----------
    [cornishfisher1937]_; [shumailov2024]_.
    """
    k1 = sp.log(sigma2) + n * _log_ratio_cumulant(M, estimator, 1) + (0 if _is_one(bias) else n * sp.log(bias))
    k2 = n * _log_ratio_cumulant(M, estimator, 2)
    k3 = n * _log_ratio_cumulant(M, estimator, 3)
    return sp.exp(k1 - sp.simplify(k3 / (6 * k2)))


# ----------------------------------------------------------------------------- sample-size schedules
class ScheduleMoments(NamedTuple):
    """Exact moments along a sample-size schedule, for generations ``0..N`` (arrays of length ``N + 1``)."""
    n: np.ndarray
    expected_variance: np.ndarray
    expected_std: np.ndarray
    mean_variance: np.ndarray
    expected_w2_squared: np.ndarray


def _require_integral_schedule(schedule, sigma2, estimator):
    if np.any(schedule != np.round(schedule)):
        raise ValueError("schedule must hold integers >= 2 (sample sizes M_0, M_1, ...)")


@computed(schedule=SCHEDULE, sigma2=SIGMA2, estimator=EST, requires=_require_integral_schedule)
def schedule_moments(schedule, *, sigma2=1, estimator="unbiased"):
    r"""Exact moments when generation ``j+1`` is fitted to ``schedule[j]`` samples (numeric only).

    .. math::

        E[\sigma_n^2] = \sigma^2\prod_{j<n} \rho(M_j),\quad
        E[\sigma_n] = \sigma\prod_{j<n} c_4(M_j)\sqrt{\rho(M_j)},\quad
        \mathrm{Var}[\mu_n] = \sum_{j<n} E[\sigma_j^2]/M_j,

    :math:`\rho = 1` (unbiased) or :math:`(M-1)/M` (MLE); :math:`E[W_2^2]` combined as in
    :func:`expected_w2_squared`.  :math:`\log c_4(M_j)` comes from the mpmath evaluation of :func:`c4`
    (a difference of log-gammas loses every digit at large :math:`M`), so the products stay exact
    to double precision at any :math:`M`.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    ScheduleMoments
        Arrays of length ``N + 1`` (generations ``0..N``).

    Examples
    --------
    >>> schedule_moments([4, 4], estimator="mle").expected_variance.tolist()  # exactly (3/4)^n
    [1.0, 0.75, 0.5625]

    References
    ----------
    [shumailov2024]_ (growing sample sizes; superlinear growth bounds the error).
    """
    m = schedule.astype(float)
    uniq, inverse = np.unique(schedule.astype(np.int64), return_inverse=True)
    log_c4 = np.array([math.log(c4(int(v))) for v in uniq])[inverse]
    log_rho = np.zeros_like(m) if estimator == "unbiased" else np.log1p(-1.0 / m)
    ev = sigma2 * np.exp(np.concatenate([[0.0], np.cumsum(log_rho)]))
    es = math.sqrt(sigma2) * np.exp(np.concatenate([[0.0], np.cumsum(log_c4 + 0.5 * log_rho)]))
    vm = np.concatenate([[0.0], np.cumsum(ev[:-1] / m)])
    # E W2^2 = Var mu + E s^2 - 2 sigma E s + sigma^2, with the last three as sigma^2 (a + 1 - 2b):
    # written as (sqrt(ev) - sqrt(sigma2))^2 + 2 sqrt(sigma2)(sqrt(ev) - es) to avoid cancellation
    root = np.sqrt(ev)
    w2 = vm + (root - math.sqrt(sigma2)) ** 2 + 2 * math.sqrt(sigma2) * (root - es)
    return ScheduleMoments(np.arange(len(m) + 1), ev, es, vm, w2)


@computed(symbolic=True, n=V.Integer(0, doc="Number of refits.", example=3), M_of_j=M_OF_J, j=J,
          sigma2=SIGMA2, estimator=EST)
def schedule_expected_w2_squared(n, M_of_j, j, *, sigma2=1, estimator="unbiased"):
    r"""Symbolic :math:`E[W_2^2]` after ``n`` generations under the schedule :math:`M_j` (unevaluated
    ``Sum``/``Product``).

    .. math::

        E[W_2^2] = \sigma^2\left(\sum_{j=0}^{n-1}\frac{1}{M_j} + 2 - 2\prod_{j=0}^{n-1} c_4(M_j)\right)
        \quad\text{(unbiased)}.

    :math:`M_j` is the number of samples drawn from generation ``j`` to fit generation ``j + 1``, so
    ``n`` refits use :math:`M_0, \dots, M_{n-1}` (the paper's :math:`M_0,\dots,M_n` for its
    generation :math:`n+1`; see ``docs/paper_comparison.md``); each must be a sample size
    (:math:`\ge 2`), so :math:`j\log^2 j` has to be shifted (``(j + 2) * log(j + 2)**2``).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> j = sp.Symbol("j", integer=True, nonnegative=True)
    >>> schedule_expected_w2_squared(2, 3 + 0 * j, j).doit()
    8/3 - pi/2

    References
    ----------
    [shumailov2024]_ (the paper's schedule :math:`M_j`).
    """
    i = sp.Dummy("i", integer=True, nonnegative=True)
    rho = sp.Integer(1) if estimator == "unbiased" else (M_of_j - 1) / M_of_j
    c4j = _ratio_moment(sp.Symbol("M", integer=True, positive=True), "unbiased", sp.Rational(1, 2)).subs(
        sp.Symbol("M", integer=True, positive=True), M_of_j)
    ev_j = sp.Product(rho.subs(j, i), (i, 0, j - 1))
    var_mu = sp.Sum(ev_j / M_of_j, (j, 0, n - 1))
    ev_n = sp.Product(rho, (j, 0, n - 1))
    es_n = sp.Product(c4j * sp.sqrt(rho), (j, 0, n - 1))
    return sigma2 * (var_mu.doit() + ev_n.doit() + 1 - 2 * es_n)


@computed(symbolic=True, M_of_j=M_OF_J, j=J, estimator=EST)
def schedule_is_bounded(M_of_j, j, *, estimator="unbiased"):
    r"""Whether :math:`\sup_n E[W_2^2] < \infty` under the schedule :math:`M_j`.

    Unbiased: bounded iff :math:`\sum_{j\ge1} 1/M_j < \infty` (``sympy.Sum(...).is_convergent()``),
    since :math:`0 \le 2 - 2\prod c_4(M_j) \le 2`: the sample size must grow superlinearly
    (:math:`j\log^2 j` suffices, :math:`j` and :math:`j\log j` do not).  MLE: always bounded.  The sum
    starts at :math:`j = 1` (finitely many terms do not decide convergence), which admits schedules
    that vanish at :math:`j = 0`.  Raises :class:`ValueError` if sympy cannot decide.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> j = sp.Symbol("j", integer=True, nonnegative=True)
    >>> schedule_is_bounded(10 * (j + 1), j), schedule_is_bounded((j + 1) ** 2, j)
    (False, True)

    References
    ----------
    [shumailov2024]_ (the error stays bounded only if the sample size grows superlinearly).
    """
    if estimator == "mle":
        return True
    jj = sp.Symbol(j.name, integer=True, positive=True)
    res = sp.Sum(1 / M_of_j.subs(j, jj), (jj, 1, sp.oo)).is_convergent()
    if res not in (sp.true, sp.false, True, False):
        raise ValueError(f"sympy could not decide convergence of sum 1/M_j for M_of_j = {M_of_j}")
    return bool(res)
