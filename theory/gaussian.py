r"""Gaussian refitting: the exactly solvable continuous case of model collapse.

The process
-----------
Generation 0 is the original distribution :math:`N(\mu, \sigma^2)`.  Generation
:math:`n+1` is the Gaussian fitted to :math:`M` i.i.d. samples
:math:`x_1, \dots, x_M` of generation :math:`n`:

.. math::

    \mu_{n+1} = \bar x, \qquad
    \sigma_{n+1}^2 = \frac{1}{M-1}\sum_i (x_i-\bar x)^2 \ \text{(unbiased)}
    \quad\text{or}\quad \frac{1}{M}\sum_i (x_i-\bar x)^2 \ \text{(MLE)}.

So ``n`` counts refits: :math:`\sigma_0 = \sigma`, and :math:`\sigma_n` is the
standard deviation of the model after ``n`` rounds of sampling and refitting.

The one fact everything rests on (Cochran's theorem): given generation
:math:`n`, :math:`(M-1)s^2/\sigma_n^2 \sim \chi^2_{M-1}` independently of
:math:`\bar x \sim N(\mu_n, \sigma_n^2/M)`.  Hence, with :math:`k = M-1`,
:math:`X_j \sim \chi^2_k` and :math:`Z_j \sim N(0,1)` all independent,

.. math::

    \sigma_n^2 = \sigma^2 \prod_{j=1}^{n} c\,X_j, \qquad
    \mu_n = \mu + \sum_{j=0}^{n-1} \sigma_j Z_j/\sqrt{M},

with :math:`c = 1/k` (unbiased) or :math:`c = 1/M` (MLE).  Every moment of
:math:`\sigma_n^2` is a power of a one-generation moment, and that one is the
Mellin transform of the chi-square, derived here with :mod:`sympy.stats`:

.. math::

    E[X^t] = \frac{2^t\,\Gamma(k/2+t)}{\Gamma(k/2)}, \qquad t > -k/2.

Its logarithm is the cumulant generating function of :math:`\log X`, whose
derivatives at 0 give :math:`E\log X = \psi(k/2) + \log 2` and the higher
cumulants :math:`\psi^{(j-1)}(k/2)`.

The collapse
------------
For the unbiased estimator :math:`E[\sigma_n^2] = \sigma^2` for every ``n``
(:math:`\sigma_n^2` is a martingale), yet :math:`\log\sigma_n^2` is a random
walk with drift :math:`\psi(k/2) + \log(2/k) < 0` (Jensen), so
:math:`\sigma_n \to 0` almost surely.  The mean is held up by ever rarer,
ever larger values: :math:`\mathrm{Var}[\sigma_n^2] = \sigma^4
(((M+1)/(M-1))^n - 1)` grows geometrically, and the median decays
geometrically.  Meanwhile :math:`\mu_n` performs a random walk, and the
expected squared Wasserstein-2 distance to the original,

.. math::

    E[W_2^2] = \mathrm{Var}[\mu_n] + E[\sigma_n^2] - 2\sigma E[\sigma_n] + \sigma^2
             = \sigma^2\left(\frac{n}{M} + 2 - 2 c_4(M)^n\right)
             \quad\text{(unbiased)},

grows without bound; for the MLE it tends to :math:`2\sigma^2`.

Conventions and sources
-----------------------
Shumailov et al., "AI models collapse when trained on recursively generated
data", Nature 631 (2024), section "Theoretical intuition" (Gaussian model
collapse); Cochran's theorem; the quality-control constant
:math:`c_4(M) = \sqrt{2/(M-1)}\,\Gamma(M/2)/\Gamma((M-1)/2)`.

Every public function accepts numbers (returns a float, or a numpy array when
``n`` is an array) or sympy symbols/numbers (returns a sympy expression; sympy
integers give exact values).  The sympy expression is the single source of
truth: numeric values are the same expression evaluated with mpmath at 30
digits, so they cannot drift from the formula.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special
from sympy.stats import ChiSquared, E

from theory._validation import (check_estimator, check_generations, check_int, check_positive, check_real,
                                is_symbolic)

__all__ = [
    "c4", "chi2_mellin", "variance_moment", "expected_variance", "variance_of_variance", "expected_std",
    "expected_log_variance", "log_variance_cumulant", "expected_mean", "mean_variance",
    "expected_w2_squared", "w2_squared_limit", "variance_cdf", "median_variance",
    "median_variance_asymptotic", "schedule_moments", "schedule_expected_w2_squared", "schedule_is_bounded",
]

# Internal canonical symbols; user symbols are substituted for them.
_n = sp.Symbol("n", integer=True, nonnegative=True)
_M = sp.Symbol("M", integer=True, positive=True)
_k = sp.Symbol("k", positive=True)  # k = M - 1 degrees of freedom
_t = sp.Symbol("t", real=True)
_s2 = sp.Symbol("sigma2", positive=True)
_s = sp.Symbol("sigma", positive=True)
_mu = sp.Symbol("mu", real=True)
_r = sp.Symbol("r", real=True)

_DPS = 30  # digits for numeric evaluation of the sympy expressions


# ----------------------------------------------------------------------------- derivation
@functools.lru_cache(maxsize=None)
def chi2_mellin():
    r"""Mellin transform :math:`E[X^t]` of :math:`X \sim \chi^2_k`, derived with sympy.stats.

    Returns
    -------
    sympy.Expr
        :math:`2^t\Gamma(k/2+t)/\Gamma(k/2)` in the symbols ``k`` (positive) and ``t``.

    Notes
    -----
    Computed as ``sympy.stats.E(ChiSquared('X', k)**t)``; valid for
    :math:`t > -k/2`.  All moments of :math:`\sigma_n^2`, :math:`\sigma_n` and
    :math:`\log\sigma_n^2` in this module are built from it.

    References
    ----------
    Cochran's theorem for :math:`(M-1)s^2/\sigma^2 \sim \chi^2_{M-1}`; the chi-square Mellin transform
    :math:`E[X^t] = 2^t\Gamma(k/2+t)/\Gamma(k/2)` (standard, e.g. Johnson, Kotz & Balakrishnan,
    "Continuous Univariate Distributions", vol. 1, ch. 18).
    """
    tpos = sp.Symbol("tpos", positive=True)
    X = ChiSquared("X", _k)
    return sp.simplify(E(X ** tpos)).subs(tpos, _t)


def _scale(estimator):
    """Per-generation factor c multiplying chi2_k: 1/(M-1) (unbiased) or 1/M (MLE)."""
    return 1 / (_M - 1) if estimator == "unbiased" else 1 / _M


@functools.lru_cache(maxsize=None)
def _ratio_moment(estimator, r=None):
    r""":math:`E[(\sigma_{n+1}^2/\sigma_n^2)^r] = c^r E[X^r]` as an expression in M (and r if None).

    For integer ``r`` the gamma ratio is a rational function of M and is
    simplified to it (e.g. ``(M+1)/(M-1)`` for r = 2, unbiased).
    """
    rr = _r if r is None else sp.nsimplify(r)
    expr = sp.powsimp(_scale(estimator) ** rr * chi2_mellin().subs({_t: rr, _k: _M - 1}), force=True)
    if r is not None and sp.Integer(rr) == rr:
        return sp.factor(sp.simplify(sp.expand_func(sp.gammasimp(expr))))
    return expr


@functools.lru_cache(maxsize=None)
def _log_ratio_cumulant(order, estimator):
    r"""j-th cumulant of :math:`\log(\sigma_{n+1}^2/\sigma_n^2)` from the CGF :math:`\log E[e^{t\log(cX)}]`."""
    cgf = sp.expand_log(sp.log(_scale(estimator) ** _t * chi2_mellin()), force=True)
    kappa = sp.diff(cgf, _t, order).subs(_t, 0)
    return sp.simplify(kappa.subs(_k, _M - 1))


# ----------------------------------------------------------------------------- evaluation helpers
def _is_array(x):
    return isinstance(x, np.ndarray) or isinstance(x, (list, tuple))


@functools.lru_cache(maxsize=None)
def _mp_function(expr, symbols):
    return sp.lambdify(symbols, expr, modules="mpmath")


def _evaluate(expr, symbols, values):
    """Evaluate ``expr`` at ``values``: sympy in -> sympy out, numbers -> float, array n -> array."""
    if any(isinstance(v, sp.Basic) for v in values):
        out = expr.subs(dict(zip(symbols, values)))
        if not is_symbolic(*values):
            out = sp.simplify(out)
        return out
    f = _mp_function(expr, symbols)
    if any(_is_array(v) for v in values):
        arrays = np.broadcast_arrays(*[np.asarray(v) for v in values])
        flat = [a.ravel() for a in arrays]
        res = np.array([_mp_float(f, [a[i] for a in flat]) for i in range(flat[0].size)], dtype=float)
        return res.reshape(arrays[0].shape)
    return _mp_float(f, values)


def _mp_float(f, values):
    with mpmath.workdps(_DPS):
        args = [mpmath.mpf(int(v)) if float(v).is_integer() else mpmath.mpf(float(v)) for v in values]
        val = f(*args)
        return float(mpmath.re(val)) if isinstance(val, mpmath.mpc) else float(val)


def _common(n, M, estimator):
    check_estimator(estimator)
    return check_generations(n), check_int(M, "M", minimum=2)


# ----------------------------------------------------------------------------- public closed forms
def c4(M):
    r"""The bias-correction constant :math:`c_4(M) = E[s]/\sigma`.

    .. math:: c_4(M) = \sqrt{\frac{2}{M-1}}\,\frac{\Gamma(M/2)}{\Gamma((M-1)/2)} < 1

    where :math:`s` is the unbiased sample standard deviation of ``M`` normal
    samples.  Derived as :math:`E[\sqrt{X/(M-1)}]` with :math:`X\sim\chi^2_{M-1}`.

    Parameters
    ----------
    M : int >= 2 or sympy expression

    Returns
    -------
    float or sympy.Expr

    References
    ----------
    ASTM quality-control constant; ../shared/references.md: c4(2) = 0.7979,
    c4(5) = 0.9400, c4(10) = 0.9727.
    """
    M = check_int(M, "M", minimum=2)
    return _evaluate(_ratio_moment("unbiased", sp.Rational(1, 2)), (_M,), (M,))


def variance_moment(n, M, r=1, sigma2=1, estimator="unbiased"):
    r"""Raw moment :math:`E[(\sigma_n^2)^r]` of the fitted variance after ``n`` refits.

    .. math::

        E[(\sigma_n^2)^r] = \sigma^{2r}\left(c^r\,\frac{2^r\,\Gamma(\tfrac{M-1}{2}+r)}
        {\Gamma(\tfrac{M-1}{2})}\right)^{n},\qquad c = \tfrac{1}{M-1}\ \text{or}\ \tfrac{1}{M}.

    Parameters
    ----------
    n : int >= 0 (or array of ints)
        Number of refits (generation).
    M : int >= 2
        Samples per generation.
    r : real > -(M-1)/2
        Order (``r = 1/2`` gives :math:`E[\sigma_n]` in units of :math:`\sigma`).
    sigma2 : float > 0
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[(\sigma_n^2)^r]`; float for numbers (numpy array of floats when ``n`` is an array), sympy
        expression for symbols.

    Notes
    -----
    Assumes Gaussian generations refitted by sample mean and variance
    (Cochran's theorem); the ``n`` chi-square factors are independent.
    Source: Shumailov et al. (2024), Gaussian model collapse.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Cochran's theorem.
    """
    n, M = _common(n, M, estimator)
    r = check_real(r, "r")
    sigma2 = check_positive(sigma2, "sigma2")
    if not is_symbolic(r, M) and float(r) <= -(int(M) - 1) / 2:
        raise ValueError(f"r must be > -(M-1)/2 = {-(int(M) - 1) / 2} for the moment to exist, got {r!r}")
    base = _ratio_moment(estimator) if is_symbolic(r) else _ratio_moment(estimator, sp.nsimplify(r))
    expr = _s2 ** _r * base ** _n
    return _evaluate(expr, (_n, _M, _r, _s2), (n, M, r, sigma2))


def expected_variance(n, M, sigma2=1, estimator="unbiased"):
    r"""Expected fitted variance :math:`E[\sigma_n^2]`.

    .. math::

        E[\sigma_n^2] = \sigma^2 \ \text{(unbiased: a martingale)}, \qquad
        E[\sigma_n^2] = \sigma^2\left(\frac{M-1}{M}\right)^n \ \text{(MLE)}.

    Source: Shumailov et al. (2024).

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\sigma_n^2]`; float for numbers (numpy array of floats when ``n`` is an array), sympy expression
        for symbols.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse (unbiased: :math:`\sigma_n^2` is a martingale).
    """
    return variance_moment(n, M, 1, sigma2, estimator)


def variance_of_variance(n, M, sigma2=1, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\sigma_n^2] = E[\sigma_n^4] - E[\sigma_n^2]^2`.

    .. math::

        \mathrm{Var}[\sigma_n^2] = \sigma^4\left[\left(\tfrac{M+1}{M-1}\right)^n - 1\right]
        \ \text{(unbiased)},\qquad
        \sigma^4\left[\left(\tfrac{M^2-1}{M^2}\right)^n - \left(\tfrac{M-1}{M}\right)^{2n}\right]
        \ \text{(MLE)},

    from :math:`E[X^2] = k(k+2)` for :math:`X\sim\chi^2_k`.  Geometric growth
    for the unbiased estimator: the mean is carried by rare large values.

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`\mathrm{Var}[\sigma_n^2]`; float for numbers (numpy array of floats when ``n`` is an array), sympy
        expression for symbols (factored).
        Computed as :math:`E[\sigma_n^4] - E[\sigma_n^2]^2` from :func:`variance_moment`.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Cochran's theorem and :math:`E[(\chi^2_k)^2] = k(k+2)`
    (../shared/references.md).
    """
    m2 = variance_moment(n, M, 2, sigma2, estimator)
    m1 = variance_moment(n, M, 1, sigma2, estimator)
    out = m2 - m1 ** 2
    return sp.factor(sp.simplify(out)) if isinstance(out, sp.Basic) else out


def expected_std(n, M, sigma=1, estimator="unbiased"):
    r"""Expected fitted standard deviation :math:`E[\sigma_n]`.

    .. math::

        E[\sigma_n] = \sigma\,c_4(M)^n \ \text{(unbiased)},\qquad
        E[\sigma_n] = \sigma\left(c_4(M)\sqrt{\tfrac{M-1}{M}}\right)^n \ \text{(MLE)},

    since :math:`E[\sqrt{X/k}] = c_4(k+1)` for :math:`X\sim\chi^2_k`.  Because
    :math:`c_4 < 1` the expected standard deviation decays geometrically even
    though the expected variance (unbiased) is constant.

    Parameters
    ----------
    n : int >= 0
    M : int >= 2
    sigma : float > 0
        Original standard deviation.
    estimator : {"unbiased", "mle"}

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\sigma_n]`; float for numbers (numpy array of floats when ``n`` is an array), sympy expression for
        symbols.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; the quality-control constant
    :math:`c_4(M)` (Cochran's theorem; ../shared/references.md).
    """
    n, M = _common(n, M, estimator)
    sigma = check_positive(sigma, "sigma")
    expr = _s * _ratio_moment(estimator, sp.Rational(1, 2)) ** _n
    return _evaluate(expr, (_n, _M, _s), (n, M, sigma))


def log_variance_cumulant(order, n, M, sigma2=1, estimator="unbiased"):
    r"""Cumulant of order ``order`` of :math:`\log\sigma_n^2`.

    .. math::

        \kappa_1 = \log\sigma^2 + n\left[\psi\!\left(\tfrac{M-1}{2}\right) + \log 2 + \log c\right],
        \qquad \kappa_j = n\,\psi^{(j-1)}\!\left(\tfrac{M-1}{2}\right)\ (j \ge 2),

    the derivatives at 0 of the cumulant generating function
    :math:`n\log E[(cX)^t]` of a sum of ``n`` i.i.d. :math:`\log(cX)` terms.

    Parameters
    ----------
    order : int >= 1
        Order :math:`j` of the cumulant.
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`\kappa_j(\log\sigma_n^2)`; float for numbers (numpy array of floats when ``n`` is an array), sympy
        expression for symbols.

    Notes
    -----
    Cumulants of a sum of independent terms add, so :math:`\kappa_j` is linear in ``n``; only
    :math:`\kappa_1` depends on :math:`\sigma^2`.  Estimator enters only through :math:`\log c`
    in :math:`\kappa_1`.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; :math:`E\log\chi^2_k = \psi(k/2) + \log 2` and
    the higher cumulants :math:`\psi^{(j-1)}(k/2)` of :math:`\log\chi^2_k` (../shared/references.md).
    """
    order = check_int(order, "order", minimum=1)
    n, M = _common(n, M, estimator)
    sigma2 = check_positive(sigma2, "sigma2")
    expr = _n * _log_ratio_cumulant(order, estimator)
    if order == 1:
        expr = sp.log(_s2) + expr
    return _evaluate(expr, (_n, _M, _s2), (n, M, sigma2))


def expected_log_variance(n, M, sigma2=1, estimator="unbiased"):
    r""":math:`E[\log\sigma_n^2]`: a random walk with negative drift.

    .. math::

        E[\log\sigma_n^2] = \log\sigma^2 + n\left[\psi\!\left(\tfrac{M-1}{2}\right)
        + \log\tfrac{2}{M-1}\right] \ \text{(unbiased; MLE adds } n\log\tfrac{M-1}{M}\text{)}.

    The drift is negative by Jensen's inequality (:math:`E\log Y < \log EY = 0`),
    so by the strong law :math:`\log\sigma_n^2 \to -\infty` and
    :math:`\sigma_n \to 0` almost surely: the variance collapses.  Source:
    :math:`E\log\chi^2_k = \psi(k/2) + \log 2` (references.md).

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\log\sigma_n^2]` (natural log); float for numbers (numpy array of floats when ``n`` is an array),
        sympy expression for symbols.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse (:math:`\sigma_n \to 0` almost surely).
    """
    return log_variance_cumulant(1, n, M, sigma2, estimator)


def expected_mean(n, M, mu=0):
    r""":math:`E[\mu_n] = \mu`: the fitted mean is a martingale (unbiased sample mean).

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    mu : float or sympy expression, default 0
        Original mean :math:`\mu`.

    Returns
    -------
    float or sympy.Expr
        ``mu`` itself: float for numbers, sympy expression for symbols (also when ``n`` is an
        array: the value does not depend on ``n``).

    Notes
    -----
    .. math:: E[\mu_n] = \mu \quad (n \ge 0)

    since :math:`E[\mu_{n+1}\mid\mu_n] = \mu_n`.  The sample mean is the same for both estimators, so
    there is no ``estimator`` argument; ``n`` and ``M`` are only validated.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; the fitted mean is the unbiased
    sample mean, independent of :math:`s^2` (Cochran's theorem).
    """
    check_generations(n)
    check_int(M, "M", minimum=2)
    mu = check_real(mu, "mu")
    return mu if isinstance(mu, sp.Basic) else float(mu)


def mean_variance(n, M, sigma2=1, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\mu_n]`, the random walk of the fitted mean.

    .. math::

        \mathrm{Var}[\mu_n] = \frac{1}{M}\sum_{j=0}^{n-1} E[\sigma_j^2]
        = \frac{n\sigma^2}{M}\ \text{(unbiased)},\qquad
        \sigma^2\left[1-\left(\tfrac{M-1}{M}\right)^n\right]\ \text{(MLE)},

    because :math:`\mu_{j+1} = \mu_j + \sigma_j Z_j/\sqrt M` with
    :math:`Z_j` independent of the past (Cochran).  For the MLE
    :math:`\mathrm{Var}[\mu_n] + E[\sigma_n^2] = \sigma^2` exactly.

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`\mathrm{Var}[\mu_n]`; float for numbers (numpy array of floats when ``n`` is an array), sympy
        expression for symbols.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Cochran's theorem.
    """
    n, M = _common(n, M, estimator)
    sigma2 = check_positive(sigma2, "sigma2")
    j = sp.Symbol("j", integer=True, nonnegative=True)
    ev = _s2 * _ratio_moment(estimator, 1) ** j
    expr = sp.simplify(sp.summation(ev / _M, (j, 0, _n - 1)))
    expr = sp.piecewise_fold(expr)
    if isinstance(expr, sp.Piecewise):  # sum of a geometric series: keep the generic branch (ratio != 1)
        expr = expr.args[-1].expr if expr.args[-1].cond == sp.true else expr.args[0].expr
    return _evaluate(sp.powsimp(sp.simplify(expr), force=True), (_n, _M, _s2), (n, M, sigma2))


def expected_w2_squared(n, M, sigma=1, estimator="unbiased"):
    r"""Exact :math:`E[W_2^2(N(\mu_n,\sigma_n^2), N(\mu,\sigma^2))]`.

    .. math::

        E[W_2^2] = \mathrm{Var}[\mu_n] + E[\sigma_n^2] - 2\sigma E[\sigma_n] + \sigma^2

    using :math:`W_2^2 = (\mu_n-\mu)^2 + (\sigma_n-\sigma)^2` in one dimension.
    Unbiased: :math:`\sigma^2(n/M + 2 - 2c_4(M)^n)`, which grows linearly without
    bound.  MLE: :math:`\sigma^2\,(2 - 2(c_4\sqrt{(M-1)/M})^n)`, which tends to
    :math:`2\sigma^2` (the fit has collapsed to a point that wandered by
    :math:`\sigma`).

    Source: Shumailov et al. (2024), Gaussian model collapse, state that
    :math:`E[W_2^2]\to\infty` for the unbiased estimator; this is the exact value.

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma : float > 0 or sympy expression, default 1
        Original standard deviation :math:`\sigma`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[W_2^2]` to the original :math:`N(\mu, \sigma^2)`; float for numbers (numpy array of floats when
        ``n`` is an array), sympy expression for symbols.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; the one-dimensional Gaussian
    :math:`W_2^2 = (m_1-m_2)^2 + (s_1-s_2)^2` (../shared/references.md).
    """
    n, M = _common(n, M, estimator)
    sigma = check_positive(sigma, "sigma")
    expr = _w2_expr(estimator)
    return _evaluate(expr, (_n, _M, _s), (n, M, sigma))


@functools.lru_cache(maxsize=None)
def _w2_expr(estimator):
    var_mu = mean_variance(_n, _M, _s ** 2, estimator)
    e_var = expected_variance(_n, _M, _s ** 2, estimator)
    e_std = expected_std(_n, _M, _s, estimator)
    # keep the four terms visible; merge a**n/b**n into (a/b)**n so each geometric term has one base
    return sp.powsimp(var_mu + e_var - 2 * _s * e_std + _s ** 2, force=True)


def w2_squared_limit(M, sigma=1, estimator="unbiased"):
    r""":math:`\lim_{n\to\infty} E[W_2^2]`: :math:`\infty` (unbiased) or :math:`2\sigma^2` (MLE).

    Every geometric term :math:`b^n` of :func:`expected_w2_squared` has a base
    :math:`0 < b < 1` (:math:`b = c_4(M)` or :math:`c_4(M)\sqrt{(M-1)/M}` or
    :math:`(M-1)/M`; :math:`c_4 < 1` is proved in :mod:`proofs.gaussian`, and
    checked here by exact evaluation when ``M`` is a number), so it vanishes;
    the limit of the remaining polynomial in ``n`` is taken by ``sympy.limit``.
    Returns a float (``inf``) for numeric input, a sympy expression otherwise.

    Parameters
    ----------
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma : float > 0 or sympy expression, default 1
        Original standard deviation :math:`\sigma`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or sympy.Expr
        ``inf`` (unbiased) or :math:`2\sigma^2` (MLE): float for numbers, sympy expression (``oo`` or
        ``2*sigma**2``) when ``sigma`` is a sympy object or ``M`` is symbolic.

    Notes
    -----
    .. math::

        \lim_{n\to\infty} E[W_2^2] = \infty\ \text{(unbiased)}, \qquad 2\sigma^2\ \text{(MLE)}.

    Raises ``ArithmeticError`` if a geometric base evaluates outside (0, 1) (it never does for
    ``M >= 2``).

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse (unbounded error for the unbiased
    estimator).
    """
    check_estimator(estimator)
    M = check_int(M, "M", minimum=2)
    sigma = check_positive(sigma, "sigma")
    expr = _w2_expr(estimator)
    powers = [p for p in expr.atoms(sp.Pow) if p.exp == _n]
    for p in powers:
        if not is_symbolic(M):
            b = float(p.base.subs(_M, M))
            if not 0 < b < 1:
                raise ArithmeticError(f"base {p.base} of a geometric term is {b}, not in (0, 1)")
    lim = sp.limit(expr.subs({p: 0 for p in powers}), _n, sp.oo).subs({_M: M, _s: sigma})
    if not isinstance(sigma, sp.Basic) and not is_symbolic(M):
        return float(lim)
    return lim


# ----------------------------------------------------------------------------- distribution of sigma_n^2
def _log_cf(u, n, M, estimator):
    """log of the characteristic function of log(sigma_n^2 / sigma^2) at real u (array)."""
    k = M - 1
    c = 1.0 / k if estimator == "unbiased" else 1.0 / M
    one = 1j * u * (np.log(2.0 * c)) + special.loggamma(k / 2 + 1j * u) - special.loggamma(k / 2)
    return n * one


def variance_cdf(x, n, M, sigma2=1, estimator="unbiased"):
    r"""CDF :math:`P(\sigma_n^2 \le x)`, exact to quadrature precision (Gil-Pelaez inversion).

    .. math::

        P(\log\sigma_n^2 \le y) = \frac12 - \frac1\pi\int_0^\infty
        \frac{\operatorname{Im}\left[e^{-iuy}\varphi(u)\right]}{u}\,du,\qquad
        \varphi(u) = \sigma^{2iu}\left(c^{iu}\frac{2^{iu}\Gamma(k/2+iu)}{\Gamma(k/2)}\right)^n,

    the characteristic function of :math:`\log\sigma_n^2` being the Mellin
    transform :func:`chi2_mellin` at :math:`t = iu`.  Numeric only; ``n >= 1``.

    Parameters
    ----------
    x : float > 0
        Point at which the CDF is evaluated.
    n : int >= 0
        Number of refits (a scalar; ``n = 0`` gives the step function at :math:`\sigma^2`).
    M : int >= 2
        Samples per generation.
    sigma2 : float > 0, default 1
        Original variance.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float
        :math:`P(\sigma_n^2 \le x)` in [0, 1].  Numeric only (no sympy).

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Gil-Pelaez, "Note on the inversion
    theorem", Biometrika 38 (1951); Cochran's theorem.
    """
    n, M = _common(n, M, estimator)
    sigma2 = float(check_positive(sigma2, "sigma2"))
    x = float(check_positive(x, "x"))
    if n == 0:
        return 1.0 if x >= sigma2 else 0.0
    y = math.log(x / sigma2)
    scale = math.sqrt(n * float(special.polygamma(1, (M - 1) / 2)))

    def integrand(u):
        return np.imag(np.exp(-1j * u * y + _log_cf(u, n, M, estimator))) / u

    upper = 40.0 / scale
    val, _ = integrate.quad(integrand, 0, upper, limit=400, epsabs=1e-13, epsrel=1e-11)
    tail, _ = integrate.quad(integrand, upper, np.inf, limit=400, epsabs=1e-13)
    return float(0.5 - (val + tail) / math.pi)


def median_variance(n, M, sigma2=1, estimator="unbiased"):
    r"""Median of :math:`\sigma_n^2`, exact to quadrature precision.

    Solves :func:`variance_cdf` ``= 1/2`` by Brent's method.  The median decays
    geometrically, like :func:`median_variance_asymptotic`, while the mean stays
    at :math:`\sigma^2` (unbiased): the typical chain has collapsed long before
    the mean shows it.

    Parameters
    ----------
    n : int >= 0
        Number of refits (a scalar).
    M : int >= 2
        Samples per generation.
    sigma2 : float > 0, default 1
        Original variance.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float
        The median :math:`m` with :math:`P(\sigma_n^2 \le m) = 1/2` (``sigma2`` itself for ``n = 0``);
        numeric only.

    Notes
    -----
    .. math:: \operatorname{med}\sigma_n^2 = \sigma^2 e^{y^*}, \qquad P(\log(\sigma_n^2/\sigma^2) \le y^*) = \tfrac12

    The root :math:`y^*` is bracketed by :math:`\kappa_1 \pm (10\sqrt{\kappa_2} + 1)` (cumulants of
    :func:`log_variance_cumulant`) and found to ``xtol = 1e-12``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse; Gil-Pelaez inversion as in
    :func:`variance_cdf`.
    """
    n, M = _common(n, M, estimator)
    sigma2 = float(check_positive(sigma2, "sigma2"))
    if n == 0:
        return sigma2
    centre = float(log_variance_cumulant(1, n, M, 1.0, estimator))
    spread = math.sqrt(float(log_variance_cumulant(2, n, M, 1.0, estimator)))
    lo, hi = centre - 10 * spread - 1, centre + 10 * spread + 1
    y = optimize.brentq(lambda y: variance_cdf(math.exp(y), n, M, 1.0, estimator) - 0.5, lo, hi, xtol=1e-12)
    return sigma2 * math.exp(y)


def median_variance_asymptotic(n, M, sigma2=1, estimator="unbiased"):
    r"""Large-``n`` median of :math:`\sigma_n^2` (Edgeworth / Cornish-Fisher to O(1/n)).

    .. math::

        \operatorname{med}\sigma_n^2 \approx \sigma^2
        \exp\!\left(\kappa_1 - \frac{\kappa_3}{6\kappa_2}\right)
        = \sigma^2 \exp\!\left(n\,d - \frac{\psi''(k/2)}{6\,\psi'(k/2)}\right),

    with the drift :math:`d = \psi(k/2) + \log 2c` and cumulants of
    :func:`log_variance_cumulant`.  Symbolic in, symbolic out.

    Parameters
    ----------
    n : int >= 0 or array of int or sympy expression
        Number of refits (generation 0 is the original).
    M : int >= 2 or sympy expression
        Samples drawn from each generation to fit the next.
    sigma2 : float > 0 or sympy expression, default 1
        Original variance :math:`\sigma^2`.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Variance estimator: divide by :math:`M-1` or by :math:`M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        Approximate median of :math:`\sigma_n^2`; float for numbers (numpy array of floats when ``n`` is an array),
        sympy expression for symbols.
        Error :math:`O(1/n)` relative to the exact :func:`median_variance`; ``n = 0`` gives
        :math:`\sigma^2\exp(-\psi''/(6\psi'))`, not :math:`\sigma^2` (the expansion is for large ``n``).

    References
    ----------
    Cornish & Fisher, "Moments and cumulants in the specification of distributions" (1937);
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse.
    """
    n, M = _common(n, M, estimator)
    sigma2 = check_positive(sigma2, "sigma2")
    k1 = sp.log(_s2) + _n * _log_ratio_cumulant(1, estimator)
    k2 = _n * _log_ratio_cumulant(2, estimator)
    k3 = _n * _log_ratio_cumulant(3, estimator)
    expr = sp.exp(k1 - sp.simplify(k3 / (6 * k2)))
    return _evaluate(expr, (_n, _M, _s2), (n, M, sigma2))


# ----------------------------------------------------------------------------- sample-size schedules
def _check_schedule(schedule):
    try:
        arr = np.asarray(schedule, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("schedule must be a 1-D sequence of integers >= 2") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"schedule must be a non-empty 1-D sequence, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)) or np.any(arr < 2):
        raise ValueError("schedule must hold integers >= 2 (sample sizes M_0, M_1, ...)")
    return arr.astype(np.int64)


def schedule_moments(schedule, sigma=1, estimator="unbiased"):
    r"""Exact moments when generation ``j+1`` is fitted to ``schedule[j]`` samples.

    .. math::

        E[\sigma_n^2] = \sigma^2\prod_{j<n} \rho(M_j),\quad
        E[\sigma_n] = \sigma\prod_{j<n} c_4(M_j)\,\sqrt{\rho(M_j)},\quad
        \mathrm{Var}[\mu_n] = \sum_{j<n} \frac{E[\sigma_j^2]}{M_j},

    with :math:`\rho = 1` (unbiased) or :math:`(M-1)/M` (MLE), and
    :math:`E[W_2^2]` combined as in :func:`expected_w2_squared`.

    Parameters
    ----------
    schedule : sequence of int >= 2
        :math:`M_0, \dots, M_{N-1}`.
    sigma : float > 0
    estimator : {"unbiased", "mle"}

    Returns
    -------
    dict of numpy arrays of length ``N + 1`` (generations 0..N): ``"n"``,
    ``"expected_variance"``, ``"expected_std"``, ``"mean_variance"``,
    ``"expected_w2_squared"``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse (growing sample
    sizes; superlinear growth bounds the error); Cochran's theorem.
    """
    check_estimator(estimator)
    sched = _check_schedule(schedule)
    sigma = float(check_positive(sigma, "sigma"))
    m = sched.astype(float)
    rho = np.ones_like(m) if estimator == "unbiased" else (m - 1) / m
    log_c4 = 0.5 * np.log(2 / (m - 1)) + special.gammaln(m / 2) - special.gammaln((m - 1) / 2)
    ev = sigma ** 2 * np.concatenate([[1.0], np.cumprod(rho)])
    es = sigma * np.exp(np.concatenate([[0.0], np.cumsum(log_c4 + 0.5 * np.log(rho))]))
    vm = np.concatenate([[0.0], np.cumsum(ev[:-1] / m)])
    w2 = vm + ev - 2 * sigma * es + sigma ** 2
    return {"n": np.arange(len(m) + 1), "expected_variance": ev, "expected_std": es,
            "mean_variance": vm, "expected_w2_squared": w2}


def schedule_expected_w2_squared(n, M_of_j, j, sigma=1, estimator="unbiased"):
    r"""Symbolic :math:`E[W_2^2]` after ``n`` generations under the schedule :math:`M_j`.

    .. math::

        E[W_2^2] = \sigma^2\left(\sum_{j=0}^{n-1}\frac{1}{M_j} + 2 - 2\prod_{j=0}^{n-1} c_4(M_j)\right)
        \quad\text{(unbiased)}.

    Indexing: :math:`M_j` is the number of samples drawn from generation ``j``
    to fit generation ``j + 1``, so the first refit uses :math:`M_0` and ``n``
    refits use :math:`M_0, \dots, M_{n-1}` (the paper's :math:`M_0,\dots,M_n`
    for its generation :math:`n+1`; see ``docs/paper_comparison.md``).  Every
    :math:`M_j` with :math:`0 \le j < n` must therefore be a sample size
    (:math:`\ge 2`): a schedule such as :math:`j\log^2 j`, which is 0 at
    :math:`j = 0` and :math:`j = 1`, has to be shifted or floored here (e.g.
    ``(j + 2) * log(j + 2)**2``).  :func:`schedule_is_bounded` sums
    :math:`1/M_j` from :math:`j = 1` instead; that does not change its answer,
    because whether :math:`\sum_j 1/M_j` converges does not depend on
    finitely many terms.

    Parameters
    ----------
    n : sympy symbol or int
    M_of_j : sympy expression in ``j``
        Sample size used to fit generation ``j + 1`` (from samples of generation ``j``), ``j = 0, 1, ...``.
    j : sympy symbol
    sigma : positive number or symbol
    estimator : {"unbiased", "mle"}

    Returns
    -------
    sympy.Expr with unevaluated ``Sum`` and ``Product``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse (the paper's
    sample-size schedule :math:`M_j`; see ``docs/paper_comparison.md`` for the index shift).
    """
    check_estimator(estimator)
    if not isinstance(M_of_j, sp.Basic) or not isinstance(j, sp.Symbol):
        raise ValueError("M_of_j must be a sympy expression in the sympy symbol j")
    sigma = check_positive(sigma, "sigma")
    i = sp.Dummy("i", integer=True, nonnegative=True)
    rho = sp.Integer(1) if estimator == "unbiased" else (M_of_j - 1) / M_of_j
    c4j = _ratio_moment("unbiased", sp.Rational(1, 2)).subs(_M, M_of_j)
    ev_j = sp.Product(rho.subs(j, i), (i, 0, j - 1))
    var_mu = sp.Sum(ev_j / M_of_j, (j, 0, n - 1))
    ev_n = sp.Product(rho, (j, 0, n - 1))
    es_n = sp.Product(c4j * sp.sqrt(rho), (j, 0, n - 1))
    return sigma ** 2 * (var_mu.doit() + ev_n.doit() + 1 - 2 * es_n)


def schedule_is_bounded(M_of_j, j, estimator="unbiased"):
    r"""Whether :math:`\sup_n E[W_2^2] < \infty` under the schedule :math:`M_j`.

    Unbiased: since :math:`0 \le 2 - 2\prod c_4(M_j) \le 2`, :math:`E[W_2^2]` is
    bounded iff :math:`\sum_j 1/M_j < \infty` (decided by
    ``sympy.Sum(...).is_convergent()``): the sample size must grow
    superlinearly (:math:`j\log^2 j` suffices, :math:`j` and :math:`j\log j`
    do not) -- the paper's superlinear condition.  MLE: always bounded, because
    :math:`\mathrm{Var}[\mu_n] + E[\sigma_n^2] = \sigma^2` telescopes.

    Indexing: as in :func:`schedule_expected_w2_squared`, :math:`M_j` is the
    sample size drawn from generation ``j`` to fit generation ``j + 1``
    (``j = 0, 1, ...``).  The convergence test sums :math:`1/M_j` from
    :math:`j = 1`, not :math:`j = 0`: whether :math:`\sum_j 1/M_j` converges
    does not depend on finitely many terms, so the answer is the same for
    every starting index, and starting at 1 admits schedules written as
    :math:`j^2` or :math:`j\log^2 j`, which vanish at :math:`j = 0` (the
    latter also at :math:`j = 1`; sympy's test decides from the tail, so it is
    accepted as well).  The answer is about the tail only; to evaluate :math:`E[W_2^2]` with
    :func:`schedule_expected_w2_squared` every :math:`M_j` from :math:`j = 0`
    on must be a sample size :math:`\ge 2`.

    Parameters
    ----------
    M_of_j : sympy expression in ``j``
        Sample size used to fit generation ``j + 1``.
    j : sympy symbol
    estimator : {"unbiased", "mle"}

    Returns
    -------
    bool

    Notes
    -----
    .. math::

        \sup_n E[W_2^2] < \infty \iff \sum_{j\ge1} \frac{1}{M_j} < \infty\ \text{(unbiased)}; \qquad
        \text{always (MLE)}.

    Raises ``ValueError`` if sympy cannot decide the convergence.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    Gaussian model collapse: the error stays bounded only if the
    sample size grows superlinearly with the generation.
    """
    check_estimator(estimator)
    if not isinstance(M_of_j, sp.Basic) or not isinstance(j, sp.Symbol):
        raise ValueError("M_of_j must be a sympy expression in the sympy symbol j")
    if estimator == "mle":
        return True
    jj = sp.Symbol(j.name, integer=True, positive=True)
    res = sp.Sum(1 / M_of_j.subs(j, jj), (jj, 1, sp.oo)).is_convergent()
    if res not in (sp.true, sp.false, True, False):
        raise ValueError(f"sympy could not decide convergence of sum 1/M_j for M_j = {M_of_j}")
    return bool(res)
