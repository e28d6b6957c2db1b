r"""The three error sources of model collapse, and closed forms for the two that are not sampling.

Shumailov et al. (2024) attribute model collapse to three errors that compound
over generations (generation :math:`n+1` is a model fitted to data sampled
from generation :math:`n`):

1. **Statistical approximation error** -- only finitely many samples are
   drawn, so the fit is random; low-probability regions are missed and, over
   generations, the variance performs a multiplicative random walk towards 0.
   This is the only error in :mod:`theory.gaussian` (Gaussian refitted on
   ``M`` samples) and :mod:`theory.discrete` (Wright-Fisher resampling).
2. **Functional expressivity error** -- the model family cannot represent the
   target.  Here: ONE Gaussian fitted to a two-component mixture.  The error is
   present with infinitely many samples; it is the distance from the target to
   the closest (maximum-likelihood) member of the family.
3. **Functional approximation error** -- the learning or sampling procedure is
   biased.  Here: sampling with truncation (top-k / top-p style: the tails
   beyond :math:`c\sigma` are never emitted) or at low temperature.  The error
   is deterministic and shrinks the variance by a fixed factor each generation,
   with infinitely many samples too.

Expressivity: moment matching
-----------------------------
The maximum-likelihood Gaussian for data from
:math:`p = \sum_i w_i N(\mu_i, s_i^2)` with infinitely many samples minimises
:math:`KL(p\,\|\,q)` over Gaussians :math:`q`, i.e. matches the first two moments:

.. math::

    \mu = \sum_i w_i \mu_i, \qquad \sigma^2 = \sum_i w_i (s_i^2 + \mu_i^2) - \mu^2 .

Because the fitted Gaussian has the same variance as :math:`p`,
:math:`E_p[-\log q] = \tfrac12\log(2\pi e\sigma^2) = H(q)`, so

.. math::

    KL(p\,\|\,q) = \tfrac12\log(2\pi e\,\sigma^2) - H(p) \;\ge 0,

(the Gaussian maximises entropy at fixed variance); the mixture entropy
:math:`H(p)` has no closed form and is computed by quadrature.  In one
dimension the squared Wasserstein-2 distance is the :math:`L^2` distance of the
quantile functions; writing :math:`Q_p` for the quantile function of
:math:`p` and :math:`\kappa = \int_0^1 \Phi^{-1}(u) Q_p(u)\,du = E[Z\,Q_p(\Phi(Z))]`,

.. math::

    W_2^2(N(m, s^2), p) = (m-\mu)^2 + s^2 + \sigma^2 - 2 s\kappa ,

so the irreducible error is :math:`2\sigma^2 - 2\sigma\kappa` (:math:`\kappa \le \sigma`
by Cauchy-Schwarz, with equality iff :math:`p` is Gaussian).  When the fitted
Gaussian is then refitted recursively on ``M`` samples it joins the Gaussian
collapse of :mod:`theory.gaussian` with :math:`\sigma^2` the mixture variance,
and by the display above

.. math::

    E[W_2^2(N(\mu_n,\sigma_n^2), p)] = \mathrm{Var}[\mu_n] + E[\sigma_n^2]
    + \sigma^2 - 2\kappa\,E[\sigma_n] .

Approximation: truncation and temperature
------------------------------------------
The standard normal truncated to :math:`[a, b]` (Johnson, Kotz & Balakrishnan,
*Continuous Univariate Distributions* vol. 1, 2nd ed., 1994, sec. 10.1) has,
with :math:`Z = \Phi(b) - \Phi(a)`,

.. math::

    E X = \frac{\phi(a)-\phi(b)}{Z}, \qquad
    \mathrm{Var} X = 1 + \frac{a\phi(a) - b\phi(b)}{Z} - \left(\frac{\phi(a)-\phi(b)}{Z}\right)^2,

and raw moments by the recurrence
:math:`m_k = (k-1) m_{k-2} - (b^{k-1}\phi(b) - a^{k-1}\phi(a))/Z`.  For the
symmetric cut :math:`[-c, c]` the variance factor is

.. math::

    r(c) = 1 - \frac{2c\,\phi(c)}{2\Phi(c) - 1} < 1 .

Sampling generation :math:`n` truncated to :math:`[\mu_n + a\sigma_n, \mu_n + b\sigma_n]`
and refitting with infinitely many samples gives the deterministic geometric
collapse :math:`\sigma_n^2 = \sigma^2 r^n`.  With ``M`` samples and the unbiased
(:math:`\div(M-1)`) or MLE (:math:`\div M`) variance, the sample variance is
unbiased for the truncated variance whatever the law, so by the tower property

.. math::

    E[\sigma_n^2] = \sigma^2\,(r\,\rho)^n, \qquad \rho = 1 \ \text{(unbiased)},\ \tfrac{M-1}{M}\ \text{(MLE)},

and with the fourth central moment :math:`\mu_4` of the truncated law,
:math:`E[\sigma_{n+1}^4 \mid \sigma_n] = \sigma_n^4\,q` where
:math:`q = (E[SS^2]/\sigma_n^4)/d^2`, :math:`E[SS^2] = (M-1)^2[v^2 + (\mu_4 - \tfrac{M-3}{M-1}v^2)/M]`
(:math:`SS = \sum (x_i-\bar x)^2`, :math:`v = r\sigma_n^2`, :math:`d = M-1` or :math:`M`),
so :math:`E[\sigma_n^4] = \sigma^4 q^n`.

Sampling at temperature :math:`T` draws from :math:`p^{1/T}/\int p^{1/T}`; for
:math:`p = N(\mu, \sigma^2)` this is exactly :math:`N(\mu, T\sigma^2)` (derived
below with sympy), so the shrink factor is :math:`T` per generation and all of
:mod:`theory.gaussian` applies with :math:`\sigma_n^2` multiplied by :math:`T^n`.

Conventions
-----------
Generation 0 is the original distribution; ``n`` counts refits.  Truncation
points are in units of the current model's standard deviation around its mean.
``M=None`` means infinitely many samples (the deterministic limit).  Every
function accepts numbers (returns a float) or sympy symbols / numbers (returns
a sympy expression; sympy integers give exact values); the sympy expression is
the single source of truth and numbers are evaluated from it with mpmath at 30
digits.  Functions that need quadrature (mixture entropy, KL, W2, TV) are
numeric only and say so.

Sources: Shumailov et al., "AI models collapse when trained on recursively
generated data", Nature 631 (2024) (the three error sources); Johnson, Kotz &
Balakrishnan (1994) (truncated normal moments); the variance of the sample
variance, e.g. Kendall & Stuart, *The Advanced Theory of Statistics* vol. 1;
Cover & Thomas, *Elements of Information Theory*, 2nd ed. (2006) (entropy, KL);
Villani, *Topics in Optimal Transportation* (2003), sec. 2.2, and Dowson &
Landau, J. Multivariate Anal. 12 (1982) (:math:`W_2` by quantile functions).

Bad input (NaN, booleans, strings, wrong shapes, a mixture that is not a
``(weights, means, variances)`` triple, ...) raises :class:`ValueError` naming
the parameter.  Pointwise functions (:func:`phi`, :func:`Phi`,
:func:`mixture_pdf`, :func:`mixture_cdf`) accept ``+-inf`` as the limits of a
density or CDF; the mixture evaluators are elementwise over arrays of any
shape but refuse empty arrays and NaN.
"""

from __future__ import annotations

import functools
import math
import numbers

import mpmath
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

from theory import gaussian as _gaussian
from theory._validation import (check_estimator, check_int, check_positive, check_real, check_real_array,
                                is_symbolic)

__all__ = [
    "phi", "Phi", "truncated_normal_raw_moment", "truncated_normal_mean", "truncated_normal_variance",
    "truncated_normal_central_moment", "derive_truncated_normal_raw_moment", "truncation_variance_factor",
    "temperature_density", "temperature_variance_factor", "refit_variance_factor",
    "truncation_expected_variance", "truncation_variance_second_moment", "truncation_variance_of_variance",
    "temperature_expected_variance", "temperature_variance_second_moment",
    "check_mixture", "unpack_mixture", "mixture_moments", "mixture_pdf", "mixture_cdf", "mixture_quantile", "mixture_entropy",
    "expressivity_kl", "kappa", "w2_squared_gaussians_to_mixture", "w2_squared_to_gaussian", "expressivity_w2_squared",
    "expressivity_recursive_w2_squared", "l2_squared", "w2_squared", "total_variation", "kl_divergence",
]

_DPS = 30
_x = sp.Symbol("x", real=True)
_a = sp.Symbol("a", real=True)
_b = sp.Symbol("b", real=True)
_c = sp.Symbol("c", positive=True)
_T = sp.Symbol("T", positive=True)
_n = sp.Symbol("n", integer=True, nonnegative=True)
_M = sp.Symbol("M", integer=True, positive=True)
_s2 = sp.Symbol("sigma2", positive=True)
_mu = sp.Symbol("mu", real=True)


def _check_point(x, name="x"):
    """A real number, ``+-inf`` (the limits of a density or CDF) or a sympy expression; NaN, booleans, strings refused."""
    if isinstance(x, sp.Basic) and not x.is_number:
        return x
    if isinstance(x, (float, sp.Basic)) and _is_inf(x):
        return x
    return check_real(x, name)


def phi(x):
    r"""Standard normal density, as a sympy expression.

    .. math::  \phi(x) = \frac{e^{-x^2/2}}{\sqrt{2\pi}} .

    The building block of every truncated-normal formula of this module
    (Johnson, Kotz & Balakrishnan 1994, sec. 10.1).

    Parameters
    ----------
    x : float, sympy number or sympy expression
        A real number; ``+-inf`` are allowed (the limit :math:`\phi(\pm\infty) = 0`).

    Returns
    -------
    sympy.Expr
        :math:`\phi(x)` (not simplified; a number argument gives a numeric sympy expression).

    Raises
    ------
    ValueError
        ``x`` NaN, complex, a boolean, a string or None.

    References
    ----------
    Johnson, N. L., Kotz, S. & Balakrishnan, N., *Continuous Univariate
    Distributions* vol. 1, 2nd ed., Wiley (1994), ch. 13 and sec. 10.1.
    """
    x = _check_point(x)
    return sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)


def Phi(x):
    r"""Standard normal cumulative distribution function, as a sympy expression.

    .. math::  \Phi(x) = \int_{-\infty}^x \phi(t)\,dt = \frac{1 + \mathrm{erf}(x/\sqrt2)}{2} .

    Parameters
    ----------
    x : float, sympy number or sympy expression
        A real number; ``+-inf`` are allowed (the limits :math:`\Phi(-\infty) = 0`,
        :math:`\Phi(\infty) = 1`).

    Returns
    -------
    sympy.Expr
        :math:`\Phi(x)`.

    Raises
    ------
    ValueError
        ``x`` NaN, complex, a boolean, a string or None.

    References
    ----------
    Johnson, Kotz & Balakrishnan (1994), ch. 13 (the normal distribution).
    """
    x = _check_point(x)
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


# ----------------------------------------------------------------------------- evaluation helpers
@functools.lru_cache(maxsize=None)
def _mp_function(expr, symbols):
    return sp.lambdify(symbols, expr, modules="mpmath")


def _mp_arg(v):
    v = float(v)
    return mpmath.mpf(int(v)) if v.is_integer() else mpmath.mpf(v)


def _evaluate(expr, symbols, values):
    """sympy in -> sympy out (simplified when fully numeric); numbers -> float (mpmath, 30 digits)."""
    if any(isinstance(v, sp.Basic) for v in values):
        out = expr.subs(dict(zip(symbols, values)))
        return out if is_symbolic(*values) else sp.simplify(out)
    with mpmath.workdps(_DPS):
        val = _mp_function(expr, symbols)(*[_mp_arg(v) for v in values])
        return float(mpmath.re(val)) if isinstance(val, mpmath.mpc) else float(val)


def _check_interval(a, b):
    a = check_real(a, "a") if not _is_inf(a) else a
    b = check_real(b, "b") if not _is_inf(b) else b
    if not is_symbolic(a, b) and float(a) >= float(b):
        raise ValueError(f"the truncation interval needs a < b, got a={a!r}, b={b!r}")
    return a, b


def _is_inf(v):
    return v in (sp.oo, -sp.oo) or (isinstance(v, float) and math.isinf(v))


def _symbolic_bound(v):
    if isinstance(v, sp.Basic):
        return v
    if isinstance(v, float) and math.isinf(v):
        return sp.oo if v > 0 else -sp.oo
    return sp.nsimplify(v) if isinstance(v, numbers.Integral) else sp.Float(v)


def _check_c(c):
    c = check_positive(c, "c")
    return c


def _check_M(M):
    """M = None (infinitely many samples) or an integer >= 2."""
    if M is None:
        return None
    return check_int(M, "M", minimum=2)


# ----------------------------------------------------------------------------- truncated normal
@functools.lru_cache(maxsize=None)
def _raw_moment_expr(k):
    r"""JKB recurrence :math:`m_k = (k-1)m_{k-2} - (b^{k-1}\phi(b) - a^{k-1}\phi(a))/Z` in symbols a, b."""
    Z = Phi(_b) - Phi(_a)
    if k == 0:
        return sp.Integer(1)
    if k == 1:
        return (phi(_a) - phi(_b)) / Z
    return (k - 1) * _raw_moment_expr(k - 2) - (_b ** (k - 1) * phi(_b) - _a ** (k - 1) * phi(_a)) / Z


def _eval_ab(expr, a, b):
    """Evaluate an expression in (a, b); infinite bounds are taken as limits (sympy)."""
    a, b = _check_interval(a, b)
    if _is_inf(a) or _is_inf(b):
        out = expr
        for sym, val in ((_a, _symbolic_bound(a)), (_b, _symbolic_bound(b))):
            out = sp.limit(out, sym, val) if _is_inf(val) else out.subs(sym, val)
        out = sp.simplify(out)
        if isinstance(a, sp.Basic) or isinstance(b, sp.Basic):
            return out
        return float(sp.N(out, _DPS))
    return _evaluate(expr, (_a, _b), (a, b))


def truncated_normal_raw_moment(k, a, b):
    r"""Raw moment :math:`m_k = E[X^k]` of the standard normal truncated to :math:`[a, b]`.

    .. math::

        m_0 = 1,\quad m_1 = \frac{\phi(a)-\phi(b)}{Z},\quad
        m_k = (k-1)\,m_{k-2} - \frac{b^{k-1}\phi(b) - a^{k-1}\phi(a)}{Z},\qquad Z = \Phi(b)-\Phi(a)

    (integration by parts of :math:`x^{k-1}\cdot x\phi(x)`).
    :func:`derive_truncated_normal_raw_moment` derives the same quantity by
    direct integration; the tests assert that the two sympy expressions are
    equal.  Infinite bounds are taken as sympy limits.

    Parameters
    ----------
    k : int >= 0
        Order of the moment.
    a : float, sympy number or sympy expression
        Lower truncation point in standard deviations around the mean; ``-inf`` allowed.
    b : float, sympy number or sympy expression
        Upper truncation point, ``a < b``; ``inf`` allowed.

    Returns
    -------
    float or sympy expression
        A float (30-digit mpmath evaluation) for numbers; a sympy expression
        for sympy input (exact for sympy integers and rationals).

    Raises
    ------
    ValueError
        ``k`` not an integer >= 0.
    ValueError
        ``a`` or ``b`` NaN, a boolean or not a number; ``a >= b``.

    References
    ----------
    Johnson, N. L., Kotz, S. & Balakrishnan, N., *Continuous Univariate
    Distributions* vol. 1, 2nd ed., Wiley (1994), sec. 10.1 (the truncated normal).
    """
    k = int(check_int(k, "k", minimum=0))
    return _eval_ab(_raw_moment_expr(k), a, b)


def derive_truncated_normal_raw_moment(k):
    r"""Derive :math:`E[X^k]` for :math:`X \sim N(0,1)` truncated to :math:`[a,b]` by sympy integration.

    .. math::  E[X^k] = \frac{\int_a^b x^k\,\phi(x)\,dx}{\Phi(b)-\Phi(a)} .

    The independent derivation against which :func:`truncated_normal_raw_moment`
    (the textbook recurrence) is tested.

    Parameters
    ----------
    k : int >= 0
        Order of the moment.

    Returns
    -------
    sympy.Expr
        The moment in the real symbols ``a`` and ``b``.

    Raises
    ------
    ValueError
        ``k`` not an integer >= 0.

    References
    ----------
    Johnson, N. L., Kotz, S. & Balakrishnan, N., *Continuous Univariate
    Distributions* vol. 1, 2nd ed., Wiley (1994), sec. 10.1 (the truncated normal).
    """
    k = int(check_int(k, "k", minimum=0))
    return sp.integrate(_x ** k * phi(_x), (_x, _a, _b)) / (Phi(_b) - Phi(_a))


def truncated_normal_mean(a, b):
    r"""Mean of the standard normal truncated to :math:`[a, b]`.

    .. math::  E[X] = \frac{\phi(a)-\phi(b)}{\Phi(b)-\Phi(a)} ,

    the raw moment :math:`m_1` of :func:`truncated_normal_raw_moment`; equals
    ``scipy.stats.truncnorm.mean(a, b)``.  For :math:`N(\mu,\sigma^2)`
    truncated to :math:`[\mu+a\sigma, \mu+b\sigma]` the mean is
    :math:`\mu + \sigma E[X]`.

    Parameters
    ----------
    a : float, sympy number or sympy expression
        Lower truncation point in standard deviations around the mean; ``-inf`` allowed.
    b : float, sympy number or sympy expression
        Upper truncation point, ``a < b``; ``inf`` allowed.

    Returns
    -------
    float or sympy expression
        A float (30-digit mpmath evaluation) for numbers; a sympy expression
        for sympy input (exact for sympy integers and rationals).

    Raises
    ------
    ValueError
        ``a`` or ``b`` NaN, a boolean or not a number; ``a >= b``.

    References
    ----------
    Johnson, N. L., Kotz, S. & Balakrishnan, N., *Continuous Univariate
    Distributions* vol. 1, 2nd ed., Wiley (1994), sec. 10.1 (the truncated normal).
    """
    return truncated_normal_raw_moment(1, a, b)


@functools.lru_cache(maxsize=None)
def _variance_expr():
    Z = Phi(_b) - Phi(_a)
    return 1 + (_a * phi(_a) - _b * phi(_b)) / Z - ((phi(_a) - phi(_b)) / Z) ** 2


def truncated_normal_variance(a, b):
    r"""Variance of the standard normal truncated to :math:`[a, b]` (the general variance factor).

    .. math::

        \mathrm{Var} = 1 + \frac{a\phi(a) - b\phi(b)}{Z} - \left(\frac{\phi(a)-\phi(b)}{Z}\right)^2,
        \qquad Z = \Phi(b) - \Phi(a).

    Equals ``scipy.stats.truncnorm.var(a, b)``.  Multiply by :math:`\sigma^2`
    for :math:`N(\mu,\sigma^2)` truncated to :math:`[\mu+a\sigma, \mu+b\sigma]`.

    Parameters
    ----------
    a : float, sympy number or sympy expression
        Lower truncation point in standard deviations around the mean; ``-inf`` allowed.
    b : float, sympy number or sympy expression
        Upper truncation point, ``a < b``; ``inf`` allowed.

    Returns
    -------
    float or sympy expression
        A float (30-digit mpmath evaluation) for numbers; a sympy expression
        for sympy input (exact for sympy integers and rationals).

    Raises
    ------
    ValueError
        ``a`` or ``b`` NaN, a boolean or not a number; ``a >= b``.

    References
    ----------
    Johnson, N. L., Kotz, S. & Balakrishnan, N., *Continuous Univariate
    Distributions* vol. 1, 2nd ed., Wiley (1994), sec. 10.1 (the truncated normal).
    """
    return _eval_ab(_variance_expr(), a, b)


@functools.lru_cache(maxsize=None)
def _central_moment_expr(k):
    m1 = _raw_moment_expr(1)
    return sum(sp.binomial(k, j) * _raw_moment_expr(j) * (-m1) ** (k - j) for j in range(k + 1))


def truncated_normal_central_moment(k, a, b):
    r"""Central moment :math:`E[(X-EX)^k]` of the standard normal truncated to :math:`[a, b]`.

    .. math::  E[(X - m_1)^k] = \sum_{j=0}^k \binom{k}{j}\, m_j\, (-m_1)^{k-j},

    from the raw moments :math:`m_j` of :func:`truncated_normal_raw_moment`.
    The fourth central moment enters :func:`truncation_variance_second_moment`.

    Parameters
    ----------
    k : int >= 0
        Order of the moment.
    a : float, sympy number or sympy expression
        Lower truncation point in standard deviations around the mean; ``-inf`` allowed.
    b : float, sympy number or sympy expression
        Upper truncation point, ``a < b``; ``inf`` allowed.

    Returns
    -------
    float or sympy expression
        A float (30-digit mpmath evaluation) for numbers; a sympy expression
        for sympy input (exact for sympy integers and rationals).

    Raises
    ------
    ValueError
        ``k`` not an integer >= 0.
    ValueError
        ``a`` or ``b`` NaN, a boolean or not a number; ``a >= b``.

    References
    ----------
    Johnson, N. L., Kotz, S. & Balakrishnan, N., *Continuous Univariate
    Distributions* vol. 1, 2nd ed., Wiley (1994), sec. 10.1 (the truncated normal).
    """
    k = int(check_int(k, "k", minimum=0))
    return _eval_ab(_central_moment_expr(k), a, b)


@functools.lru_cache(maxsize=None)
def _symmetric_factor_expr():
    # the general formula at a = -c, b = c; phi is even, so the squared (mean) term vanishes
    expr = sp.simplify(_variance_expr().subs({_a: -_c, _b: _c}))
    textbook = 1 - 2 * _c * phi(_c) / (2 * Phi(_c) - 1)
    if sp.simplify(expr - textbook) != 0:  # pragma: no cover - guards the derivation
        raise ArithmeticError("symmetric truncation factor does not reduce to 1 - 2c phi(c)/(2 Phi(c) - 1)")
    return textbook


def truncation_variance_factor(c):
    r"""Variance shrink factor :math:`r(c)` of the normal truncated to :math:`[\mu - c\sigma, \mu + c\sigma]`.

    .. math::

        r(c) = 1 - \frac{2c\,\phi(c)}{2\Phi(c) - 1}
             = 1 - \frac{c\sqrt{2/\pi}\,e^{-c^2/2}}{\mathrm{erf}(c/\sqrt2)} \in (0, 1),

    obtained from :func:`truncated_normal_variance` at :math:`a=-c, b=c` (the
    mean term vanishes by symmetry; the reduction is checked by sympy).  E.g.
    :math:`r(1) = 0.2911`, :math:`r(2) = 0.7737`, :math:`r(3) = 0.9733`.

    Parameters
    ----------
    c : float > 0 or sympy expression
        Truncation point in standard deviations.

    Returns
    -------
    float or sympy expression
        A float (30-digit mpmath evaluation) for numbers; a sympy expression
        for sympy input (exact for sympy integers and rationals).

    Raises
    ------
    ValueError
        ``c`` not a positive finite number.

    References
    ----------
    Johnson, Kotz & Balakrishnan (1994), sec. 10.1; Shumailov et al. (2024)
    (functional approximation error).
    """
    c = _check_c(c)
    return _evaluate(_symmetric_factor_expr(), (_c,), (c,))


# ----------------------------------------------------------------------------- temperature
def temperature_density(T, mu=_mu, sigma2=_s2):
    r"""Density of :math:`N(\mu,\sigma^2)` sampled at temperature ``T``, derived by sympy integration.

    .. math::

        p_T(x) = \frac{p(x)^{1/T}}{\int p^{1/T}\,dx}
               = \frac{1}{\sqrt{2\pi T\sigma^2}}\exp\!\left(-\frac{(x-\mu)^2}{2T\sigma^2}\right),
        \qquad p = N(\mu, \sigma^2),

    i.e. sampling a Gaussian at temperature :math:`T` gives exactly
    :math:`N(\mu, T\sigma^2)`.  The normalising integral is computed by sympy
    (not assumed), and the result is simplified.

    Parameters
    ----------
    T : float > 0 or sympy expression
        Temperature (``T < 1`` sharpens, ``T > 1`` flattens).
    mu : float or sympy expression, optional
        Mean :math:`\mu` (finite); the symbol ``mu`` by default.
    sigma2 : float > 0 or sympy expression, optional
        Variance :math:`\sigma^2`; the positive symbol ``sigma2`` by default.

    Returns
    -------
    sympy.Expr
        The density as an expression in the real symbol ``x``.

    Raises
    ------
    ValueError
        ``T`` or ``sigma2`` not a positive finite number, ``mu`` NaN or
        infinite (or a boolean, string, None).

    References
    ----------
    Shumailov et al. (2024), functional approximation error (low-temperature
    sampling as a biased sampling procedure).
    """
    T = check_positive(T, "T")
    mu = check_real(mu, "mu")
    sigma2 = check_positive(sigma2, "sigma2")
    p = sp.exp(-(_x - _mu) ** 2 / (2 * _s2)) / sp.sqrt(2 * sp.pi * _s2)
    pt = sp.powsimp(p ** (1 / _T), force=True)
    norm = sp.integrate(pt, (_x, -sp.oo, sp.oo), conds="none")
    dens = sp.simplify(pt / norm)
    return dens.subs({_T: T, _mu: mu, _s2: sigma2})


@functools.lru_cache(maxsize=None)
def _temperature_factor_expr():
    dens = temperature_density(_T)
    mean = sp.simplify(sp.integrate(_x * dens, (_x, -sp.oo, sp.oo), conds="none"))
    var = sp.simplify(sp.integrate((_x - mean) ** 2 * dens, (_x, -sp.oo, sp.oo), conds="none"))
    return sp.simplify(var / _s2)


def temperature_variance_factor(T):
    r"""Variance factor of sampling a Gaussian at temperature ``T``: exactly :math:`T`.

    .. math::

        \frac{p(x)^{1/T}}{\int p^{1/T}} = N(x;\mu, T\sigma^2)\quad\Rightarrow\quad
        \frac{\mathrm{Var}}{\sigma^2} = T,

    derived by sympy integration of :func:`temperature_density` (not assumed).
    ``T < 1`` shrinks the variance by :math:`T` per generation (functional
    approximation error), ``T > 1`` inflates it.

    Parameters
    ----------
    T : float > 0 or sympy expression
        Temperature.

    Returns
    -------
    float or sympy expression
        :math:`T` (a float for a number, sympy for sympy input).

    Raises
    ------
    ValueError
        ``T`` not a positive finite number.

    References
    ----------
    Shumailov et al. (2024) (functional approximation error: low-temperature sampling).
    """
    T = check_positive(T, "T")
    return _evaluate(_temperature_factor_expr(), (_T,), (T,))


# ----------------------------------------------------------------------------- recursion with refitting
def refit_variance_factor(M=None, estimator="unbiased"):
    r""":math:`\rho = E[\hat\sigma^2]/\mathrm{Var}` of the refit: 1 (unbiased, or ``M=None``) or :math:`(M-1)/M` (MLE).

    .. math::

        \rho = \frac{E[\hat\sigma^2]}{v} = \begin{cases} 1 & \text{unbiased } (\div(M-1)) \text{ or } M = \infty,\\
        \dfrac{M-1}{M} & \text{MLE } (\div M).\end{cases}

    The sample variance with divisor :math:`M-1` is unbiased for the variance
    :math:`v` of *any* i.i.d. law, so this factor does not depend on what was
    sampled (truncated, tempered or Gaussian).

    Parameters
    ----------
    M : int >= 2, sympy symbol or None
        Samples per refit (None: infinitely many).
    estimator : {"unbiased", "mle"}
        Variance estimator.

    Returns
    -------
    int, float or sympy expression
        :math:`\rho` (the int 1 for the unbiased estimator, so that products
        keep their type).

    Raises
    ------
    ValueError
        ``M`` not None nor an integer >= 2; an unknown ``estimator``.

    References
    ----------
    Kendall, M. G. & Stuart, A., *The Advanced Theory of Statistics* vol. 1
    (the sample variance); Shumailov et al. (2024) (the refit of each generation).
    """
    check_estimator(estimator)
    M = _check_M(M)
    if M is None or estimator == "unbiased":
        return sp.Integer(1) if isinstance(M, sp.Basic) else 1  # an int keeps float and sympy products unchanged
    return _evaluate((_M - 1) / _M, (_M,), (M,))


def _second_moment_ratio_expr(estimator):
    r""":math:`q = E[\hat\sigma^4]/\sigma_n^4` in symbols v (variance), m4 (4th central moment), M."""
    v, m4 = sp.symbols("v m4", positive=True)
    d = _M - 1 if estimator == "unbiased" else _M
    ess2 = (_M - 1) ** 2 * (v ** 2 + (m4 - (_M - 3) / (_M - 1) * v ** 2) / _M)
    return sp.simplify(ess2 / d ** 2), v, m4


def _exactify(*values):
    """When any value is sympy, turn the plain Python numbers among them into sympy numbers (ints exactly)."""
    if not any(isinstance(v, sp.Basic) for v in values):
        return values
    return tuple(v if v is None or isinstance(v, (sp.Basic, str)) else
                 (sp.Integer(v) if isinstance(v, numbers.Integral) else sp.Float(v)) for v in values)


def truncation_expected_variance(n, c, M=None, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^2]` after ``n`` generations of truncated sampling at :math:`\pm c\sigma_n` and refitting.

    .. math::

        E[\sigma_n^2] = \sigma^2\,\big(r(c)\,\rho\big)^n, \qquad
        \rho = 1\ (\text{unbiased or } M=\infty),\ \tfrac{M-1}{M}\ (\text{MLE}).

    With ``M=None`` (infinitely many samples) this is the deterministic value
    :math:`\sigma_n^2 = \sigma^2 r(c)^n`: a geometric collapse that needs no
    sampling error at all.  With finite ``M`` it holds in expectation exactly
    (tower property; the sample variance is unbiased for the truncated variance
    even though the truncated sample is not normal).

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits.
    c : float > 0 or sympy expression
        Truncation point in standard deviations (:func:`truncation_variance_factor`).
    M : int >= 2, sympy symbol or None
        Samples per refit (None: infinitely many).
    sigma2 : float > 0 or sympy expression
        Variance :math:`\sigma^2` of the original Gaussian.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.

    Returns
    -------
    float or sympy expression
        :math:`E[\sigma_n^2]`.

    Raises
    ------
    ValueError
        Naming the parameter: ``n`` not an integer >= 0, ``c`` or ``sigma2``
        not positive and finite, ``M`` not None nor an integer >= 2, an unknown
        ``estimator``.

    References
    ----------
    Shumailov et al. (2024) (functional approximation error); Johnson, Kotz &
    Balakrishnan (1994), sec. 10.1 (:math:`r(c)`).
    """
    n, c, M, sigma2 = _exactify(n, c, M, sigma2)
    n = check_int(n, "n", minimum=0)
    sigma2 = check_positive(sigma2, "sigma2")
    rho = refit_variance_factor(M, estimator)
    r = truncation_variance_factor(c)
    return _combine(sigma2 * (r * rho) ** n)


def _combine(v):
    return sp.simplify(v) if isinstance(v, sp.Basic) and not v.free_symbols else v


def _second_moment_ratio(v, m4, M, estimator):
    check_estimator(estimator)
    M = check_int(M, "M", minimum=2)
    expr, vs, ms = _second_moment_ratio_expr(estimator)
    if any(isinstance(t, sp.Basic) for t in (v, m4, M)):
        return expr.subs({vs: v, ms: m4, _M: M})
    return _evaluate(expr, (vs, ms, _M), (v, m4, M))


def truncation_variance_second_moment(n, c, M, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^4]` for truncated sampling with ``M`` samples: :math:`\sigma^4 q^n`.

    .. math::

        q = \frac{(M-1)^2}{d^2}\left[r^2 + \frac{\mu_4 - \frac{M-3}{M-1} r^2}{M}\right],\qquad
        d = M-1\ \text{(unbiased)},\ M\ \text{(MLE)},

    with :math:`r = r(c)` and :math:`\mu_4 = m_4(-c, c)` the fourth moment of the
    truncated standard normal (:func:`truncated_normal_raw_moment`; it is
    central since the cut is symmetric), from
    :math:`\mathrm{Var}[s^2] = (\mu_4 - \frac{M-3}{M-1}v^2)/M` for i.i.d. samples
    of variance :math:`v`.  For :math:`c\to\infty`, :math:`\mu_4 = 3` and
    :math:`q = (M+1)/(M-1)` (unbiased) as in :mod:`theory.gaussian`.

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits.
    c : float > 0 or sympy expression
        Truncation point in standard deviations.
    M : int >= 2 or sympy symbol
        Samples per refit (finite: with infinitely many samples :math:`\sigma_n^2` is deterministic).
    sigma2 : float > 0 or sympy expression
        Variance of the original Gaussian.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.

    Returns
    -------
    float or sympy expression
        :math:`E[\sigma_n^4]`.

    Raises
    ------
    ValueError
        Naming the parameter: ``n`` not an integer >= 0, ``c`` or ``sigma2``
        not positive and finite, ``M`` not an integer >= 2, an unknown ``estimator``.

    References
    ----------
    Johnson, Kotz & Balakrishnan (1994), sec. 10.1 (:math:`\mu_4`); Kendall &
    Stuart, *The Advanced Theory of Statistics* vol. 1 (the variance of the
    sample variance); Shumailov et al. (2024).
    """
    n, c, M, sigma2 = _exactify(n, c, M, sigma2)
    n = check_int(n, "n", minimum=0)
    sigma2 = check_positive(sigma2, "sigma2")
    c = _check_c(c)
    r = truncation_variance_factor(c)
    m4 = truncated_normal_raw_moment(4, -c, c)
    q = _second_moment_ratio(r, m4, M, estimator)
    return _combine(sigma2 ** 2 * q ** n)


def truncation_variance_of_variance(n, c, M, sigma2=1, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\sigma_n^2]` for truncated sampling with ``M`` samples and refitting.

    .. math::  \mathrm{Var}[\sigma_n^2] = E[\sigma_n^4] - E[\sigma_n^2]^2 = \sigma^4\,\big(q^n - (r\rho)^{2n}\big),

    with :math:`q` of :func:`truncation_variance_second_moment` and
    :math:`r\rho` of :func:`truncation_expected_variance`.

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits.
    c : float > 0 or sympy expression
        Truncation point in standard deviations.
    M : int >= 2 or sympy symbol
        Samples per refit.
    sigma2 : float > 0 or sympy expression
        Variance of the original Gaussian.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.

    Returns
    -------
    float or sympy expression
        :math:`\mathrm{Var}[\sigma_n^2]`.

    Raises
    ------
    ValueError
        As :func:`truncation_variance_second_moment`.

    References
    ----------
    Johnson, Kotz & Balakrishnan (1994), sec. 10.1; Kendall & Stuart vol. 1;
    Shumailov et al. (2024).
    """
    return _combine(truncation_variance_second_moment(n, c, M, sigma2, estimator)
                    - truncation_expected_variance(n, c, M, sigma2, estimator) ** 2)


def temperature_expected_variance(n, T, M=None, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^2]` for sampling at temperature ``T`` and refitting.

    .. math::

        E[\sigma_n^2] = \sigma^2 (T\rho)^n, \qquad
        \rho = 1\ (\text{unbiased or } M=\infty),\ \tfrac{M-1}{M}\ (\text{MLE}).

    With ``M=None`` the collapse (``T < 1``) is deterministic: :math:`\sigma_n^2 = \sigma^2 T^n`.
    The samples are Gaussian, so every result of :mod:`theory.gaussian` holds
    with an extra factor :math:`T^n` on :math:`\sigma_n^2`.

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits.
    T : float > 0 or sympy expression
        Temperature (:func:`temperature_variance_factor`).
    M : int >= 2, sympy symbol or None
        Samples per refit (None: infinitely many).
    sigma2 : float > 0 or sympy expression
        Variance of the original Gaussian.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.

    Returns
    -------
    float or sympy expression
        :math:`E[\sigma_n^2]`.

    Raises
    ------
    ValueError
        Naming the parameter: ``n`` not an integer >= 0, ``T`` or ``sigma2``
        not positive and finite, ``M`` not None nor an integer >= 2, an unknown
        ``estimator``.

    References
    ----------
    Shumailov et al. (2024) (functional approximation error: low-temperature sampling).
    """
    n, T, M, sigma2 = _exactify(n, T, M, sigma2)
    n = check_int(n, "n", minimum=0)
    sigma2 = check_positive(sigma2, "sigma2")
    rho = refit_variance_factor(M, estimator)
    return _combine(sigma2 * (temperature_variance_factor(T) * rho) ** n)


def temperature_variance_second_moment(n, T, M, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^4] = \sigma^4 q^n` for sampling at temperature ``T`` with ``M`` samples and refitting.

    .. math::

        q = T^2\,\frac{M+1}{M-1}\ \text{(unbiased)}, \qquad q = T^2\,\frac{M^2-1}{M^2}\ \text{(MLE)},

    the general :math:`q` of :func:`truncation_variance_second_moment` with
    :math:`v = T`, :math:`\mu_4 = 3T^2` (Gaussian samples).

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits.
    T : float > 0 or sympy expression
        Temperature.
    M : int >= 2 or sympy symbol
        Samples per refit.
    sigma2 : float > 0 or sympy expression
        Variance of the original Gaussian.
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.

    Returns
    -------
    float or sympy expression
        :math:`E[\sigma_n^4]`.

    Raises
    ------
    ValueError
        Naming the parameter: ``n`` not an integer >= 0, ``T`` or ``sigma2``
        not positive and finite, ``M`` not an integer >= 2, an unknown ``estimator``.

    References
    ----------
    Kendall & Stuart vol. 1 (the variance of the sample variance); Shumailov
    et al. (2024).
    """
    n, T, M, sigma2 = _exactify(n, T, M, sigma2)
    n = check_int(n, "n", minimum=0)
    sigma2 = check_positive(sigma2, "sigma2")
    t = temperature_variance_factor(T)
    q = _second_moment_ratio(t, 3 * t ** 2, M, estimator)
    if isinstance(q, sp.Basic):
        q = sp.factor(sp.simplify(q))
    return _combine(sigma2 ** 2 * q ** n)


# ----------------------------------------------------------------------------- mixtures: expressivity
def check_mixture(weights, means, variances, *, symbolic_ok=True):
    r"""Validate a 1-D Gaussian mixture :math:`p = \sum_i w_i N(\mu_i, s_i^2)` given as ``(weights, means, variances)``.

    .. math::  w_i \ge 0, \qquad \sum_i w_i = 1, \qquad \mu_i \in \mathbb R, \qquad s_i^2 > 0 .

    Parameters
    ----------
    weights : sequence of numbers or sympy expressions
        Mixture weights :math:`w_i`, non-negative, summing to 1 (exactly for
        sympy numbers, within 1e-12 for floats).
    means : sequence of numbers or sympy expressions
        Component means :math:`\mu_i` (finite), as many as ``weights``.
    variances : sequence of numbers or sympy expressions
        Component variances :math:`s_i^2 > 0` (finite), as many as ``weights``.
    symbolic_ok : bool, keyword-only
        Accept sympy symbols (``False`` where a function integrates numerically).

    Returns
    -------
    (weights, means, variances) : three tuples
        The entries unchanged (sympy objects are kept).

    Raises
    ------
    ValueError
        Naming ``weights``, ``means`` or ``variances`` (with the index of a bad
        entry): not sequences, different or zero lengths, NaN, inf, negative
        weights, weights not summing to 1, non-positive variances, symbols when
        ``symbolic_ok`` is False; naming ``symbolic_ok`` when it is not a bool.

    References
    ----------
    Shumailov et al. (2024): the mixture is the target of the functional
    expressivity error (their GMM experiment).
    """
    if not isinstance(symbolic_ok, (bool, np.bool_)):
        raise ValueError(f"symbolic_ok must be a bool, got {symbolic_ok!r}")
    seqs = []
    for name, values in (("weights", weights), ("means", means), ("variances", variances)):
        if values is None or isinstance(values, (str, bytes)):
            raise ValueError(f"{name} must be a sequence of numbers, got {_short(values)}")
        try:
            seqs.append(list(values))
        except TypeError:
            raise ValueError(f"{name} must be a sequence of numbers, got {_short(values)}") from None
    w, m, v = seqs
    if not (len(w) == len(m) == len(v)) or len(w) == 0:
        raise ValueError(f"weights, means and variances must have the same non-zero length, "
                         f"got {len(w)}, {len(m)}, {len(v)}")
    for i, (wi, mi, vi) in enumerate(zip(w, m, v)):
        check_positive(wi, f"weights[{i}]", allow_zero=True)
        check_real(mi, f"means[{i}]")
        check_positive(vi, f"variances[{i}]")
    if any(isinstance(t, sp.Basic) for t in w):
        if not symbolic_ok and is_symbolic(*w):
            raise ValueError("weights must be numbers here (quadrature)")
        if not is_symbolic(*w):
            if sp.nsimplify(sum(w)) != 1 and abs(float(sum(w)) - 1) > 1e-12:
                raise ValueError(f"weights must sum to 1, sum to {sum(w)}")
    elif abs(sum(float(t) for t in w) - 1.0) > 1e-12:
        raise ValueError(f"weights must sum to 1 (within 1e-12), sum to {sum(float(t) for t in w)!r}")
    if not symbolic_ok and (is_symbolic(*m) or is_symbolic(*v)):
        raise ValueError("means and variances must be numbers here (quadrature)")
    return tuple(w), tuple(m), tuple(v)


def unpack_mixture(mix, name="mixture", *, symbolic_ok=True):
    """Validate a mixture passed as ONE argument ``name = (weights, means, variances)``.

    A value that is not a triple is refused naming ``name``; the errors of
    :func:`check_mixture` are prefixed with ``name`` (they still name
    ``weights``, ``means`` or ``variances``).

    Parameters
    ----------
    mix : (weights, means, variances)
        The mixture, as for :func:`check_mixture`.
    name : str, default "mixture"
        Parameter name used in error messages.
    symbolic_ok : bool, default True
        Whether sympy symbols may stand for means and variances.

    Returns
    -------
    tuple of three tuples
        ``(weights, means, variances)`` as validated by :func:`check_mixture`.

    Raises
    ------
    ValueError
        ``mix`` is not a triple, or an invalid mixture.
    """
    try:
        ok = mix is not None and not isinstance(mix, (str, bytes, dict)) and len(mix) == 3
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must be a (weights, means, variances) triple, got {_short(mix)}")
    try:
        return check_mixture(*mix, symbolic_ok=symbolic_ok)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def mixture_moments(weights, means, variances):
    r"""Mean and variance of :math:`\sum_i w_i N(\mu_i, s_i^2)` = the moment-matched (maximum-likelihood) Gaussian.

    .. math::

        \mu = \sum_i w_i\mu_i, \qquad \sigma^2 = \sum_i w_i(s_i^2 + \mu_i^2) - \mu^2
        = \sum_i w_i s_i^2 + \sum_i w_i(\mu_i - \mu)^2 .

    With infinitely many samples the Gaussian MLE converges to these moments,
    so this Gaussian is the best the family can do: the functional expressivity
    error is the distance from the mixture to it (:func:`expressivity_kl`,
    :func:`expressivity_w2_squared`).  Symbolic in, symbolic out.

    Parameters
    ----------
    weights, means, variances : sequences
        The mixture, validated by :func:`check_mixture` (sympy entries allowed).

    Returns
    -------
    (mu, sigma2) : floats or sympy expressions
        Mean and variance of the mixture.

    Raises
    ------
    ValueError
        An invalid mixture (see :func:`check_mixture`).

    References
    ----------
    Shumailov et al. (2024), functional expressivity error; the law of total
    variance.
    """
    w, m, v = check_mixture(weights, means, variances)
    if any(isinstance(t, sp.Basic) for t in (*w, *m, *v)):
        mu = sp.simplify(sum(wi * mi for wi, mi in zip(w, m)))
        var = sp.simplify(sum(wi * (vi + mi ** 2) for wi, mi, vi in zip(w, m, v)) - mu ** 2)
        return mu, var
    w, m, v = (np.asarray(t, dtype=float) for t in (w, m, v))
    mu = float(np.dot(w, m))
    return mu, float(np.dot(w, v) + np.dot(w, (m - mu) ** 2))


def _floats(w, m, v):
    w, m, v = (np.asarray([float(t) for t in x], dtype=float) for x in (w, m, v))
    return w, m, np.sqrt(v)


def _arrays(mix, name):
    """Mixture argument ``name`` -> float arrays (weights, means, standard deviations)."""
    return _floats(*unpack_mixture(mix, name, symbolic_ok=False))


def _arrays3(weights, means, variances):
    """Three mixture arguments -> float arrays (weights, means, standard deviations)."""
    return _floats(*check_mixture(weights, means, variances, symbolic_ok=False))


def _check_points(x, name):
    """Evaluation points of an elementwise function: any shape, non-empty, real, no NaN (+-inf allowed)."""
    arr = check_real_array(x, name, ndim=None, min_size=1, finite=False)
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not contain NaN")
    return arr


def _pdf(x, w, m, s):
    return np.sum(w * np.exp(-0.5 * ((x[..., None] - m) / s) ** 2) / (s * math.sqrt(2 * math.pi)), axis=-1)


def mixture_pdf(x, mix):
    r"""Density of the 1-D Gaussian mixture ``mix`` at ``x``, elementwise (numpy).

    .. math::  p(x) = \sum_i \frac{w_i}{s_i}\,\phi\!\left(\frac{x - \mu_i}{s_i}\right).

    Parameters
    ----------
    x : float or array_like of floats
        Evaluation points, any shape (not empty); ``+-inf`` allowed (density 0).
    mix : (weights, means, variances)
        The mixture, validated by :func:`check_mixture` (numbers only).

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`p(x)`, of the shape of ``x`` (a numpy scalar for a scalar ``x``).

    Raises
    ------
    ValueError
        ``x`` empty, NaN, boolean, non-numeric or None; ``mix`` not a
        ``(weights, means, variances)`` triple or an invalid mixture.

    References
    ----------
    Shumailov et al. (2024), the GMM of the functional expressivity experiment.
    """
    w, m, s = _arrays(mix, "mix")
    return _pdf(_check_points(x, "x"), w, m, s)


def mixture_cdf(x, mix):
    r"""Cumulative distribution function of the 1-D Gaussian mixture ``mix`` at ``x``, elementwise (numpy).

    .. math::  F(x) = \sum_i w_i\,\Phi\!\left(\frac{x - \mu_i}{s_i}\right).

    Parameters
    ----------
    x : float or array_like of floats
        Evaluation points, any shape (not empty); ``-inf`` gives 0 and ``inf`` gives 1.
    mix : (weights, means, variances)
        The mixture, validated by :func:`check_mixture` (numbers only).

    Returns
    -------
    numpy.ndarray or numpy.float64
        :math:`F(x)`, of the shape of ``x``.

    Raises
    ------
    ValueError
        ``x`` empty, NaN, boolean, non-numeric or None; ``mix`` invalid.

    References
    ----------
    Shumailov et al. (2024), the GMM of the functional expressivity experiment.
    """
    w, m, s = _arrays(mix, "mix")
    x = _check_points(x, "x")[..., None]
    return np.sum(w * special.ndtr((x - m) / s), axis=-1)


def _log_cdf(x, w, m, s):
    with np.errstate(divide="ignore"):
        return float(np.logaddexp.reduce(np.log(w) + special.log_ndtr((x - m) / s)))


def _quantile_scalar(z, w, m, s):
    """x with F(x) = Phi(z), solved in log space on the bracket [min(m+s z), max(m+s z)] (brentq)."""
    if z > 0:  # mirror: Q_p(Phi(z)) = -Q_{p'}(Phi(-z)) with p' the reflected mixture
        return -_quantile_scalar(-z, w, -m, s)
    lo, hi = float(np.min(m + s * z)), float(np.max(m + s * z))
    if hi - lo <= 1e-15 * max(1.0, abs(lo)):
        return lo
    target = float(special.log_ndtr(z))
    return optimize.brentq(lambda x: _log_cdf(x, w, m, s) - target, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=200)


def _symmetry_centre(w, m, s):
    """The centre ``c`` when the mixture is symmetric about ``c`` (components pair up under x -> 2c - x), else None."""
    c = float(np.dot(w, m))
    scale = float(np.max(np.abs(m)) + np.max(s))
    key = lambda d: np.array(sorted(zip(np.round(d / scale, 12), np.round(s / scale, 12), np.round(w, 12))))  # noqa: E731
    return c if np.array_equal(key(m - c), key(c - m)) else None


def mixture_quantile(u, mix):
    r"""Quantile function :math:`Q(u) = F^{-1}(u)` of the 1-D Gaussian mixture ``mix``, elementwise (Brent's method).

    .. math::

        Q(u) = x \ \text{ with } \ \log F(x) = \log u, \qquad
        x \in \Big[\min_i(\mu_i + s_i\Phi^{-1}(u)),\ \max_i(\mu_i + s_i\Phi^{-1}(u))\Big],

    a bracket that always contains the root since :math:`F` is a weighted mean
    of the component CDFs; upper-tail levels use the reflected mixture so that
    no precision is lost to :math:`1-u`.  A reference implementation (a scalar
    loop of ``scipy.optimize.brentq``).

    Parameters
    ----------
    u : float or array_like of floats
        Levels in the open interval (0, 1), any shape (not empty).
    mix : (weights, means, variances)
        The mixture, validated by :func:`check_mixture` (numbers only).

    Returns
    -------
    numpy.ndarray
        :math:`Q(u)`, of the shape of ``u`` (0-d for a scalar ``u``).

    Raises
    ------
    ValueError
        ``u`` outside (0, 1), NaN, empty, boolean, non-numeric or None;
        ``mix`` invalid.

    Notes
    -----
    The absolute accuracy is limited by the conditioning of :math:`F`: about
    :math:`10^{-16}/p(Q(u))` (the rounding of :math:`F` divided by the density).
    For a mixture symmetric about :math:`c` the median :math:`Q(1/2) = c` is
    returned exactly (Brent's method would stop within that rounding, e.g.
    :math:`9\cdot10^{-16}` instead of 0 for :math:`\tfrac12 N(-2,1) + \tfrac12 N(2,1)`).

    References
    ----------
    Brent, R. P., *Algorithms for Minimization without Derivatives* (1973), ch. 4;
    Villani, *Topics in Optimal Transportation* (2003), sec. 2.2 (the quantile
    function as the optimal map in one dimension, used by :func:`w2_squared`).
    """
    w, m, s = _arrays(mix, "mix")
    u = _check_points(u, "u")
    if np.any((u <= 0) | (u >= 1)):
        raise ValueError(f"u must lie in the open interval (0, 1), got min {u.min()!r}, max {u.max()!r}")
    z = special.ndtri(u)
    out = np.asarray(np.vectorize(lambda zz: _quantile_scalar(zz, w, m, s), otypes=[float])(z))
    centre = _symmetry_centre(w, m, s)
    if centre is not None:
        out[z == 0] = centre
    return out


def mixture_entropy(weights, means, variances):
    r"""Differential entropy of a 1-D Gaussian mixture, by adaptive quadrature (numeric only).

    .. math::  H(p) = -\int_{-\infty}^{\infty} p(x)\log p(x)\,dx, \qquad p = \sum_i w_i N(\mu_i, s_i^2),

    with :math:`\log p` evaluated by log-sum-exp and the integral split at
    the component means over :math:`[\min_i(\mu_i - 40 s_i), \max_i(\mu_i + 40 s_i)]`
    (the mass outside is below :math:`10^{-300}`).  A mixture entropy has no
    closed form.

    Parameters
    ----------
    weights, means, variances : sequences of numbers
        The mixture, validated by :func:`check_mixture` (no symbols).

    Returns
    -------
    float
        :math:`H(p)` in nats.

    Raises
    ------
    ValueError
        An invalid or symbolic mixture.

    References
    ----------
    Cover, T. M. & Thomas, J. A., *Elements of Information Theory*, 2nd ed.,
    Wiley (2006), ch. 8 (differential entropy).
    """
    w, m, s = _arrays3(weights, means, variances)

    def integrand(x):
        logp = float(np.logaddexp.reduce(np.log(w) - 0.5 * ((x - m) / s) ** 2 - np.log(s * math.sqrt(2 * math.pi))))
        return -math.exp(logp) * logp

    pts = sorted(set(np.round(m, 12)))
    lo, hi = float(np.min(m - 40 * s)), float(np.max(m + 40 * s))
    edges = [lo] + [p for p in pts if lo < p < hi] + [hi]
    return float(sum(integrate.quad(integrand, edges[i], edges[i + 1], limit=200, epsabs=1e-14, epsrel=1e-12)[0]
                     for i in range(len(edges) - 1)))


def expressivity_kl(weights, means, variances):
    r"""Irreducible :math:`KL(p\,\|\,q)` from the mixture :math:`p` to its moment-matched Gaussian :math:`q`.

    .. math:: KL(p\,\|\,q) = \tfrac12\log(2\pi e\,\sigma^2) - H(p) \;\ge 0,

    exact given the mixture entropy :math:`H(p)` (:func:`mixture_entropy`,
    quadrature, numeric only): :math:`E_p[(x-\mu)^2] = \sigma^2` makes the
    cross-entropy :math:`E_p[-\log q]` the entropy of :math:`q`.  Zero iff the
    mixture is Gaussian (the Gaussian maximises entropy at fixed variance);
    present with infinitely many samples (functional expressivity error).

    Parameters
    ----------
    weights, means, variances : sequences of numbers
        The mixture :math:`p`, validated by :func:`check_mixture`.

    Returns
    -------
    float
        :math:`KL(p\,\|\,q)` in nats.

    Raises
    ------
    ValueError
        An invalid or symbolic mixture.

    References
    ----------
    Shumailov et al. (2024) (functional expressivity error); Cover & Thomas
    (2006), Thm. 8.6.5 (maximum entropy of the Gaussian) and sec. 8.5 (KL).
    """
    _, var = mixture_moments(*_float_mix(weights, means, variances))
    return float(0.5 * math.log(2 * math.pi * math.e * var) - mixture_entropy(weights, means, variances))


def _float_mix(weights, means, variances):
    w, m, s = _arrays3(weights, means, variances)
    return tuple(w), tuple(m), tuple(s ** 2)


def kappa(weights, means, variances):
    r"""Comonotone covariance of a standard normal with the mixture, by quadrature (numeric only).

    .. math::

        \kappa = \int_0^1 \Phi^{-1}(u)\,Q_p(u)\,du = E\big[Z\,Q_p(\Phi(Z))\big],\qquad Z\sim N(0,1),

    integrated over :math:`z` on :math:`(-\infty,-8], [-8,0], [0,8], [8,\infty)`
    with quantiles from :func:`mixture_quantile`.  It is the only
    non-closed-form constant in :func:`w2_squared_to_gaussian`;
    :math:`\kappa \le \sigma` (Cauchy-Schwarz) with equality iff :math:`p` is Gaussian.

    Parameters
    ----------
    weights, means, variances : sequences of numbers
        The mixture :math:`p`, validated by :func:`check_mixture`.

    Returns
    -------
    float
        :math:`\kappa` (cached per mixture).

    Raises
    ------
    ValueError
        An invalid or symbolic mixture.

    References
    ----------
    Dowson, D. C. & Landau, B. V., "The Fréchet distance between multivariate
    normal distributions", J. Multivariate Anal. 12 (1982); Villani (2003),
    sec. 2.2 (one-dimensional optimal transport by quantile functions).
    """
    w, m, s = _arrays3(weights, means, variances)
    return _kappa(tuple(w), tuple(m), tuple(s))


@functools.lru_cache(maxsize=64)
def _kappa(w, m, s):
    w, m, s = np.array(w), np.array(m), np.array(s)
    f = lambda z: z * _quantile_scalar(z, w, m, s) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)  # noqa: E731
    return float(sum(integrate.quad(f, lo, hi, limit=400, epsabs=1e-13, epsrel=1e-12)[0]
                     for lo, hi in ((-np.inf, -8), (-8, 0), (0, 8), (8, np.inf))))


def _real_array(x, name):
    """``x`` as a float array; a ValueError naming ``name`` for non-numbers, booleans, NaN or inf."""
    if isinstance(x, sp.Basic) and not x.is_number:
        raise ValueError(f"{name} must be numbers here (quadrature), got the symbolic {x!r}")
    try:
        raw = np.asarray(x)
        if raw.dtype == bool:
            raise ValueError(f"{name} must be real numbers, got booleans")
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        if str(exc).startswith(name):
            raise
        raise ValueError(f"{name} must be a real number or an array of them: {exc}") from None
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} must not contain NaN")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no inf)")
    return arr


def w2_squared_gaussians_to_mixture(mean, sd, mixture):
    r"""Vectorised :math:`W_2^2(N(m, s^2), p)` from many Gaussians to one 1-D mixture ``p`` (numeric only).

    In one dimension :math:`W_2^2` is the :math:`L^2` distance of the quantile
    functions, :math:`\int_0^1 (m + s\Phi^{-1}(u) - Q_p(u))^2\,du`; expanding
    the square with :math:`\int\Phi^{-1} = 0`, :math:`\int(\Phi^{-1})^2 = 1`,
    :math:`\int Q_p = \mu`, :math:`\int Q_p^2 = \sigma^2 + \mu^2` gives

    .. math::

        W_2^2(N(m, s^2), p) = (m-\mu)^2 + s^2 + \sigma^2 - 2 s\kappa ,

    with :math:`\mu, \sigma^2` the mixture's mean and variance
    (:func:`mixture_moments`) and :math:`\kappa = E[Z\,Q_p(\Phi(Z))]` (:func:`kappa`,
    one adaptive quadrature per mixture, cached).  These three constants are
    computed once, so the cost per Gaussian is O(1): this is the function to
    use per chain in Monte Carlo (e.g. the chains of a Gaussian refitted to a
    mixture, :mod:`numerics.approximation`) and in figures.  It agrees with
    the direct quantile-function quadrature :func:`w2_squared` to about
    :math:`10^{-9}` relative (checked in the tests); :func:`w2_squared_to_gaussian`
    is its scalar form.

    Parameters
    ----------
    mean : float or array of floats
        Means :math:`m` of the Gaussians (finite).
    sd : float or array of floats
        Standard deviations :math:`s > 0` (note: standard deviations, not
        variances).  ``mean`` and ``sd`` are broadcast against each other
        (numpy rules), e.g. a scalar ``sd`` with an array of means.
    mixture : (weights, means, variances)
        The 1-D Gaussian mixture :math:`p`, validated by :func:`check_mixture`.

    Returns
    -------
    numpy.ndarray
        :math:`W_2^2` of the broadcast shape of ``mean`` and ``sd`` (0-d for
        two scalars), clipped at 0 against rounding.

    Raises
    ------
    ValueError
        Naming the parameter: ``mean`` or ``sd`` not real numbers, NaN or
        infinite; ``sd <= 0``; shapes of ``mean`` and ``sd`` that do not
        broadcast; ``mixture`` not a triple or an invalid mixture.

    References
    ----------
    Villani (2003), sec. 2.2 (one-dimensional :math:`W_2` by quantile
    functions); Dowson & Landau (1982) (the Gaussian-to-Gaussian case,
    :math:`\kappa = \sigma`); Shumailov et al. (2024) (functional expressivity error).
    """
    m = _real_array(mean, "mean")
    s = _real_array(sd, "sd")
    if np.any(s <= 0):
        raise ValueError(f"sd must be > 0, got min {float(np.min(s))!r}")
    try:
        shape = np.broadcast_shapes(m.shape, s.shape)
    except ValueError:
        raise ValueError(f"mean and sd must have broadcastable shapes, got mean {m.shape} and sd {s.shape}") from None
    w, mm, sd = _arrays(mixture, "mixture")
    mix = (tuple(w), tuple(mm), tuple(sd ** 2))
    mu, var = mixture_moments(*mix)
    k = kappa(*mix)
    out = (m - mu) ** 2 + s * s + var - 2 * s * k
    return np.broadcast_to(np.maximum(out, 0.0), shape).copy()


def w2_squared_to_gaussian(mean, variance, mixture):
    r""":math:`W_2^2(N(m, s^2), p)` for one Gaussian and a 1-D mixture ``p`` (scalar form).

    .. math::  W_2^2(N(m, s^2), p) = (m-\mu)^2 + s^2 + \sigma^2 - 2s\kappa ,

    the scalar form (``variance`` :math:`= s^2`, returns a float) of
    :func:`w2_squared_gaussians_to_mixture`, which takes arrays of means and
    standard deviations; :math:`\mu, \sigma^2` from :func:`mixture_moments`,
    :math:`\kappa` from :func:`kappa`.  Follows from
    :math:`W_2^2 = \int_0^1 (m + s\Phi^{-1}(u) - Q_p(u))^2 du` in one dimension.

    Parameters
    ----------
    mean : float
        Mean :math:`m` of the Gaussian (finite).
    variance : float > 0
        Variance :math:`s^2` of the Gaussian (a variance, unlike the ``sd`` of
        the vectorised form).
    mixture : (weights, means, variances)
        The mixture :math:`p`, validated by :func:`check_mixture`.

    Returns
    -------
    float
        :math:`W_2^2 \ge 0`.

    Raises
    ------
    ValueError
        ``mean`` not a finite real; ``variance`` not positive and finite;
        ``mixture`` not a triple or an invalid mixture.

    References
    ----------
    Villani (2003), sec. 2.2; Dowson & Landau (1982).
    """
    mean = float(check_real(mean, "mean"))
    variance = float(check_positive(variance, "variance"))
    return float(w2_squared_gaussians_to_mixture(mean, math.sqrt(variance), mixture))


def expressivity_w2_squared(weights, means, variances):
    r"""Irreducible :math:`W_2^2` from the mixture to its moment-matched Gaussian.

    .. math::  W_2^2(N(\mu, \sigma^2), p) = 2\sigma^2 - 2\sigma\kappa ,

    :func:`w2_squared_to_gaussian` at :math:`m = \mu`, :math:`s^2 = \sigma^2`
    (:func:`mixture_moments`).  Zero iff the mixture is Gaussian; present with
    infinitely many samples (functional expressivity error).

    Parameters
    ----------
    weights, means, variances : sequences of numbers
        The mixture :math:`p`, validated by :func:`check_mixture`.

    Returns
    -------
    float
        The irreducible :math:`W_2^2`.

    Raises
    ------
    ValueError
        An invalid or symbolic mixture.

    References
    ----------
    Shumailov et al. (2024) (functional expressivity error); Villani (2003),
    sec. 2.2 (:math:`W_2` by quantile functions).
    """
    mu, var = mixture_moments(*_float_mix(weights, means, variances))
    return w2_squared_to_gaussian(mu, var, (weights, means, variances))


def expressivity_recursive_w2_squared(n, M, weights, means, variances, estimator="unbiased"):
    r"""Exact :math:`E[W_2^2(N(\mu_n,\sigma_n^2), p)]`: the moment-matched Gaussian of ``p`` refitted ``n`` times.

    Generation 0 is the moment-matched Gaussian :math:`N(\mu, \sigma^2)` of the
    mixture (the infinite-sample fit); each later generation is refitted to
    ``M`` samples of the previous one, as in :mod:`theory.gaussian`.  Then

    .. math::

        E[W_2^2] = \mathrm{Var}[\mu_n] + E[\sigma_n^2] + \sigma^2 - 2\kappa\,E[\sigma_n],

    with :math:`\mathrm{Var}[\mu_n], E[\sigma_n^2], E[\sigma_n]` of
    :mod:`theory.gaussian` at :math:`\sigma^2` = the mixture variance.  At
    ``n = 0`` it is the irreducible :func:`expressivity_w2_squared`; for the
    unbiased estimator it grows like :math:`n\sigma^2/M` and tends to infinity,
    for the MLE it tends to :math:`2\sigma^2`.

    Parameters
    ----------
    n : int >= 0 or sympy symbol
        Number of refits.
    M : int >= 2 or sympy symbol
        Samples per refit.
    weights, means, variances : sequences of numbers
        The mixture :math:`p` (numeric: :math:`\kappa` is a quadrature).
    estimator : {"unbiased", "mle"}
        Variance estimator of the refits.

    Returns
    -------
    float or sympy expression
        :math:`E[W_2^2]` (sympy when ``n`` or ``M`` is).

    Raises
    ------
    ValueError
        ``n`` < 0 or not an integer, ``M`` < 2, an unknown ``estimator``, an
        invalid mixture.

    References
    ----------
    Shumailov et al. (2024): expressivity and statistical approximation errors
    compounded; Villani (2003), sec. 2.2.
    """
    check_estimator(estimator)
    mix = _float_mix(weights, means, variances)
    _, var = mixture_moments(*mix)
    k = kappa(*mix)
    symbolic = isinstance(n, sp.Basic) or isinstance(M, sp.Basic)
    s = sp.sqrt(sp.Float(var, _DPS)) if symbolic else math.sqrt(var)
    vm = _gaussian.mean_variance(n, M, sigma2=s ** 2, estimator=estimator)
    ev = _gaussian.expected_variance(n, M, sigma2=s ** 2, estimator=estimator)
    es = _gaussian.expected_std(n, M, sigma2=s ** 2, estimator=estimator)
    kk = sp.Float(k, _DPS) if symbolic else k
    return vm + ev + s ** 2 - 2 * kk * es


# ----------------------------------------------------------------------------- distances between mixtures
def l2_squared(mix_a, mix_b):
    r"""Squared :math:`L^2` distance :math:`\int (p_a - p_b)^2 dx` between 1-D Gaussian mixtures, in closed form.

    .. math::

        \int p_a p_b\,dx = \sum_{i,j} w_i w'_j\,\phi\!\left(\mu_i - \mu'_j;\,0,\,s_i^2 + s'^2_j\right),

    so :math:`\|p_a-p_b\|_2^2 = \langle p_a,p_a\rangle + \langle p_b,p_b\rangle - 2\langle p_a,p_b\rangle`
    (the product of two Gaussian densities integrates to a Gaussian density
    of the difference of the means).  Symbolic in, symbolic out.

    Parameters
    ----------
    mix_a, mix_b : (weights, means, variances)
        The mixtures, validated by :func:`check_mixture` (sympy entries allowed).

    Returns
    -------
    float or sympy expression
        :math:`\|p_a - p_b\|_2^2`.

    Raises
    ------
    ValueError
        ``mix_a`` or ``mix_b`` not a triple or an invalid mixture (the message
        names the argument and ``weights``, ``means`` or ``variances``).

    References
    ----------
    Shumailov et al. (2024): the distance plotted for their GMM experiment
    (the ``L2_of_gmms`` function of the authors' code).
    """
    a, b = unpack_mixture(mix_a, "mix_a"), unpack_mixture(mix_b, "mix_b")

    def inner(p, q, symbolic):
        tot = 0
        for wi, mi, vi in zip(*p):
            for wj, mj, vj in zip(*q):
                if symbolic:
                    tot += wi * wj * sp.exp(-(mi - mj) ** 2 / (2 * (vi + vj))) / sp.sqrt(2 * sp.pi * (vi + vj))
                else:
                    vv = float(vi) + float(vj)
                    tot += float(wi) * float(wj) * math.exp(-(float(mi) - float(mj)) ** 2 / (2 * vv)) / math.sqrt(
                        2 * math.pi * vv)
        return tot

    symbolic = any(isinstance(t, sp.Basic) for p in (a, b) for x in p for t in x)
    if symbolic:
        a, b = (tuple(tuple(sp.nsimplify(t) if isinstance(t, numbers.Integral) else sp.sympify(t) for t in x)
                      for x in p) for p in (a, b))
    out = inner(a, a, symbolic) + inner(b, b, symbolic) - 2 * inner(a, b, symbolic)
    if symbolic:
        return out if any(t.free_symbols for p in (a, b) for x in p for t in x if isinstance(t, sp.Basic)) \
            else sp.simplify(out)
    return float(out)


def w2_squared(mix_a, mix_b):
    r"""Squared Wasserstein-2 distance between 1-D mixtures, by quantile-function integration (numeric).

    .. math::

        W_2^2(p_a, p_b) = \int_0^1 (Q_a(u) - Q_b(u))^2\,du
        = \int_{-\infty}^{\infty} \big(Q_a(\Phi(z)) - Q_b(\Phi(z))\big)^2 \phi(z)\,dz ,

    integrated by ``scipy.integrate.quad`` with quantiles from Brent's method
    (:func:`mixture_quantile`).  The reference for the fast vectorised version
    used per generation in :mod:`numerics.gmm`.

    Parameters
    ----------
    mix_a, mix_b : (weights, means, variances)
        The mixtures, validated by :func:`check_mixture` (numbers only).

    Returns
    -------
    float
        :math:`W_2^2(p_a, p_b)`.

    Raises
    ------
    ValueError
        ``mix_a`` or ``mix_b`` not a triple, an invalid or symbolic mixture.

    References
    ----------
    Villani, C., *Topics in Optimal Transportation*, AMS (2003), sec. 2.2
    (in one dimension the optimal coupling is the quantile coupling); Dowson
    & Landau (1982) for the Gaussian case; Shumailov et al. (2024) (the
    distance of their GMM experiment).
    """
    wa, ma, sa = _arrays(mix_a, "mix_a")
    wb, mb, sb = _arrays(mix_b, "mix_b")

    def f(z):
        d = _quantile_scalar(z, wa, ma, sa) - _quantile_scalar(z, wb, mb, sb)
        return d * d * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    return float(sum(integrate.quad(f, lo, hi, limit=400, epsabs=1e-13, epsrel=1e-11)[0]
                     for lo, hi in ((-np.inf, -8), (-8, 0), (0, 8), (8, np.inf))))


def _edges(*mixes):
    pts = []
    lo, hi = math.inf, -math.inf
    for w, m, s in mixes:
        pts += list(m)
        lo, hi = min(lo, float(np.min(m - 40 * s))), max(hi, float(np.max(m + 40 * s)))
    return [lo] + sorted(p for p in set(pts) if lo < p < hi) + [hi]


def total_variation(mix_a, mix_b):
    r"""Total variation distance between 1-D mixtures, by quadrature (numeric).

    .. math::  TV(p_a, p_b) = \tfrac12\int_{-\infty}^{\infty} |p_a(x) - p_b(x)|\,dx \in [0, 1],

    integrated between the component means over
    :math:`[\min(\mu - 40s), \max(\mu + 40s)]` of both mixtures.

    Parameters
    ----------
    mix_a, mix_b : (weights, means, variances)
        The mixtures, validated by :func:`check_mixture` (numbers only).

    Returns
    -------
    float
        :math:`TV(p_a, p_b)`.

    Raises
    ------
    ValueError
        ``mix_a`` or ``mix_b`` not a triple, an invalid or symbolic mixture.

    References
    ----------
    Cover & Thomas (2006), sec. 11.6 (total variation / :math:`L^1` distance
    and Pinsker's inequality).
    """
    a, b = _arrays(mix_a, "mix_a"), _arrays(mix_b, "mix_b")
    f = lambda x: abs(float(_pdf(np.asarray(x, dtype=float), *a) - _pdf(np.asarray(x, dtype=float), *b)))  # noqa: E731
    e = _edges(a, b)
    return 0.5 * float(sum(integrate.quad(f, e[i], e[i + 1], limit=400, epsabs=1e-13)[0] for i in range(len(e) - 1)))


def kl_divergence(mix_a, mix_b):
    r"""Kullback-Leibler divergence between 1-D mixtures, by quadrature in log space (numeric).

    .. math::  KL(p_a\,\|\,p_b) = \int_{-\infty}^{\infty} p_a(x)\log\frac{p_a(x)}{p_b(x)}\,dx \;\ge 0,

    with both log-densities by log-sum-exp, integrated between the component
    means of ``mix_a`` over :math:`[\min(\mu - 40s), \max(\mu + 40s)]`.

    Parameters
    ----------
    mix_a, mix_b : (weights, means, variances)
        The mixtures :math:`p_a, p_b`, validated by :func:`check_mixture` (numbers only).

    Returns
    -------
    float
        :math:`KL(p_a\,\|\,p_b)` in nats.

    Raises
    ------
    ValueError
        ``mix_a`` or ``mix_b`` not a triple, an invalid or symbolic mixture.

    References
    ----------
    Cover & Thomas (2006), sec. 2.3 and 8.5 (relative entropy).
    """
    a, b = _arrays(mix_a, "mix_a"), _arrays(mix_b, "mix_b")

    def logp(x, w, m, s):
        return float(np.logaddexp.reduce(np.log(w) - 0.5 * ((x - m) / s) ** 2 - np.log(s * math.sqrt(2 * math.pi))))

    def f(x):
        la = logp(x, *a)
        return math.exp(la) * (la - logp(x, *b))

    wa, ma, sa = a
    lo, hi = float(np.min(ma - 40 * sa)), float(np.max(ma + 40 * sa))
    e = [lo] + sorted(p for p in set(ma.tolist()) if lo < p < hi) + [hi]
    return float(sum(integrate.quad(f, e[i], e[i + 1], limit=400, epsabs=1e-14, epsrel=1e-12)[0]
                     for i in range(len(e) - 1)))
