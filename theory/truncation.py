r"""Functional approximation error: truncated and low-temperature sampling, and the collapse they cause.

A biased sampling procedure shrinks the variance by a fixed factor every generation, even with
infinitely many samples.  **Truncation** (nothing beyond :math:`\mu_n \pm c\sigma_n` is drawn, as top-k
/ top-p sampling) keeps the fraction :math:`r(c) = 1 - 2c\phi(c)/(2\Phi(c) - 1) < 1` of the variance,
the variance of the standard normal truncated to :math:`[-c, c]` [jkb1994]_.  Refitting ``M``
samples is unbiased for the variance sampled, whatever its law, up to :math:`\rho = (M-1)/M` for the
MLE, so :math:`E[\sigma_n^2] = \sigma^2 (r\rho)^n`: a geometric collapse, deterministic when ``M =
None``; the variance of the sample variance [kendallstuart1977]_ gives :math:`E[\sigma_n^4]`.
**Temperature** :math:`T`: :math:`p^{1/T}/\int p^{1/T}` for :math:`p = N(\mu, \sigma^2)` is exactly
:math:`N(\mu, T\sigma^2)`, so the factor is :math:`T` [shumailov2024]_.

The moments of a truncated normal are evaluated without cancellation far in the tails and on narrow
intervals (``truncated_normal_variance(38, 39)``): the float path integrates the positive moments of
:math:`X - a` instead of the textbook differences.  The derivations are in :mod:`proofs.approximation`.
"""

from __future__ import annotations

import functools
import math

import mpmath
import sympy as sp

from theory import core
from theory import validation as V
from theory.core import closed_form, computed

__all__ = [
    "phi", "Phi", "truncated_normal_raw_moment", "truncated_normal_mean", "truncated_normal_variance",
    "truncated_normal_central_moment", "truncation_variance_factor", "temperature_density",
    "temperature_variance_factor", "refit_variance_factor", "truncation_expected_variance",
    "truncation_variance_second_moment", "truncation_variance_of_variance", "temperature_expected_variance",
    "temperature_variance_second_moment",
]

# parameter domains of this module
POINT = V.Real(allow_inf=True, doc=r"A real number; :math:`\pm\infty` are the limits.", example=0.5)
LOWER = V.Real(allow_inf=True, doc="Lower truncation point :math:`a`, in standard deviations around the mean "
                                   "(``-inf`` allowed).", example=-1.0)
UPPER = V.Real(allow_inf=True, doc="Upper truncation point :math:`b > a` (``inf`` allowed).", example=2.5)
ORDER = V.Integer(0, 20, doc="Order :math:`k` of the moment.", example=4, symbolic=False).as_value()
CUT = V.Real(0, lower_open=True, doc=r"Truncation point :math:`c`: nothing beyond :math:`\mu_n \pm c\sigma_n` is "
                                     "sampled.", example=1.5)
TEMPERATURE = V.Real(0, lower_open=True, doc=r"Temperature :math:`T` (:math:`T < 1` sharpens).", example=0.8)
SAMPLES = V.Optional(V.SAMPLE_SIZE, none_doc="infinitely many samples (the deterministic limit).")
X = V.Real(doc="Point at which the density is evaluated (the symbol ``x`` by default: the density as an "
               "expression).", example=0.3)
n_, M_, SIGMA2, EST = V.GENERATIONS, V.SAMPLE_SIZE, V.VARIANCE, V.ESTIMATOR


def _require_interval(a, b, **_):
    if not V.is_symbolic(a, b) and not a < b:
        raise ValueError(f"a must be below b (the truncation interval needs a < b), got a={a!r}, b={b!r}")


# ----------------------------------------------------------------------------- sympy forms
def _phi(x):
    return sp.exp(-x ** 2 / 2) / sp.sqrt(2 * sp.pi)


def _Phi(x):
    return (1 + sp.erf(x / sp.sqrt(2))) / 2


_A, _B = LOWER.symbol("a"), UPPER.symbol("b")


@functools.lru_cache(maxsize=None)
def _raw_form(k):
    r""":math:`m_k` in the symbols a, b by the recurrence (integration by parts of :math:`x^{k-1}\cdot x\phi`)."""
    Z = _Phi(_B) - _Phi(_A)
    if k == 0:
        return sp.Integer(1)
    if k == 1:
        return (_phi(_A) - _phi(_B)) / Z
    return (k - 1) * _raw_form(k - 2) - (_B ** (k - 1) * _phi(_B) - _A ** (k - 1) * _phi(_A)) / Z


@functools.lru_cache(maxsize=None)
def _central_form(k):
    m1 = _raw_form(1)
    return sum(sp.binomial(k, j) * _raw_form(j) * (-m1) ** (k - j) for j in range(k + 1))


def _bound(v):
    if isinstance(v, float) and math.isinf(v):
        return sp.oo if v > 0 else -sp.oo
    return core.exact_number(v)


def _at_bounds(form, a, b):
    """A form in (a, b) at exact or symbolic bounds; an infinite bound is taken as a limit."""
    out = form
    for sym, val in ((_A, _bound(a)), (_B, _bound(b))):
        out = sp.limit(out, sym, val) if val in (sp.oo, -sp.oo) else out.subs(sym, val)
    return out if out.free_symbols else sp.simplify(out)


# ----------------------------------------------------------------------------- cancellation-free float path
def _shift(moments, c, j):
    r""":math:`E[(V + c)^j] = \sum_i \binom{j}{i} c^{j-i} E[V^i]` from the moments of V."""
    return mpmath.fsum(mpmath.binomial(j, i) * c ** (j - i) * moments[i] for i in range(j + 1))


def _scaled_quad(f_scale, length, k):
    r""":math:`\int_0^{L} y^i e^{-f(y)} dy` for i = 0..k by quadrature in :math:`s = y/L` (one memoised integrand)."""
    memo = {}

    def g(s):
        if s not in memo:
            memo[s] = mpmath.exp(-f_scale(length * s))
        return memo[s]

    return [length ** (i + 1) * mpmath.quad(lambda s: s ** i * g(s), [0, 1]) for i in range(k + 1)]


def _tail_series(a, k):
    r""":math:`\int_0^\infty y^i e^{-ay - y^2/2} dy = \sum_n \frac{(-1/2)^n}{n!}\frac{(i+2n)!}{a^{i+2n+1}}`,
    ``i = 0..k``, for :math:`a \ge 20`: the asymptotic series of :math:`e^{-y^2/2}`, summed to its smallest term
    (about :math:`e^{-a^2/2} < 10^{-86}`) or to the working precision."""
    tol = mpmath.mpf(10) ** (-mpmath.mp.dps - 3)
    out = []
    for i in range(k + 1):
        total, prev, n = mpmath.mpf(0), mpmath.inf, 0
        while True:
            term = (-0.5) ** n / mpmath.factorial(n) * mpmath.factorial(i + 2 * n) / a ** (i + 2 * n + 1)
            if abs(term) >= prev or abs(term) <= tol * abs(total):
                break
            total, prev, n = total + term, abs(term), n + 1
        out.append(total)
    return out


def _tilted(a, D, k):
    r""":math:`I_i = \int_0^D y^i e^{-ay - y^2/2}dy` (``a >= 0``): the moments of X - a, X truncated to [a, a + D].

    Narrow intervals by quadrature, far tails by :func:`_tail_series`, otherwise by the recurrence
    :math:`I_j = (j-1)I_{j-2} - D^{j-1}E - aI_{j-1}`, :math:`E = e^{-aD - D^2/2}`."""
    if D * (a + D) < mpmath.mpf("1e-3"):
        return _scaled_quad(lambda y: a * y + y * y / 2, D, k)
    decay = mpmath.inf if mpmath.isinf(D) else a * D + D * D / 2
    E = 0 if decay > 2.31 * (mpmath.mp.dps + 50) else mpmath.exp(-decay)  # beyond: below the working precision
    if a >= 20:
        full = _tail_series(a, k)
        if not E:
            return full
        rest = _tail_series(a + D, k)  # the integral beyond D, at y = D + u
        return [full[i] - E * _shift(rest, D, i) for i in range(k + 1)]
    mills = lambda x: mpmath.sqrt(mpmath.pi / 2) * mpmath.erfc(x / mpmath.sqrt(2)) * mpmath.exp(x * x / 2)  # noqa
    out = [mills(a) - (E * mills(a + D) if E else 0)]
    if k >= 1:
        out.append(-mpmath.expm1(-decay) - a * out[0])
    for j in range(2, k + 1):
        out.append((j - 1) * out[j - 2] - (D ** (j - 1) * E if E else 0) - a * out[j - 1])
    return out


def _half_moments(m, k):
    r""":math:`\int_{-m}^{m} x^j e^{-x^2/2} dx`, ``j = 0..k`` (zero for odd ``j``), ``0 < m`` (``inf`` allowed)."""
    if m < mpmath.mpf("1e-3"):
        half = _scaled_quad(lambda x: x * x / 2, m, k)
    else:
        em = 0 if mpmath.isinf(m) else mpmath.exp(-m * m / 2)
        half = [mpmath.sqrt(mpmath.pi / 2) * mpmath.erf(m / mpmath.sqrt(2)), 1 - em]
        for j in range(2, k + 1):
            half.append((j - 1) * half[j - 2] - (m ** (j - 1) * em if em else 0))
    return [2 * h if j % 2 == 0 else mpmath.mpf(0) for j, h in enumerate(half[:k + 1])]


def _tn_moments(a, b, k):
    """Raw and central moments ``0..k`` of N(0, 1) truncated to ``[a, b]`` (mpmath numbers, ``a < b``)."""
    sign = 1
    if not (mpmath.isinf(a) and mpmath.isinf(b)) and a + b < 0:  # reflect: X on [a, b] is -X' on [-b, -a]
        a, b, sign = -b, -a, -1
    if a >= 0:  # one-sided: the moments of Y = X - a >= 0, then shifted back
        I = _tilted(a, b - a, k)
        base = [v / I[0] for v in I]
        raw = [_shift(base, a, j) for j in range(k + 1)]
    else:  # 0 inside [-m, b], m <= b: a symmetric part plus a one-sided part, all positive terms
        m = -a
        S = _half_moments(m, k)
        if b > m:
            I = _tilted(m, b - m, k)
            T = [mpmath.exp(-m * m / 2) * _shift(I, m, j) for j in range(k + 1)]
        else:
            T = [0] * (k + 1)
        raw = [(s + t) / (S[0] + T[0]) for s, t in zip(S, T)]
        base = raw
    mean = base[1] if k >= 1 else 0
    central = [_shift(base, -mean, j) for j in range(k + 1)]
    return [sign ** j * v for j, v in enumerate(raw)], [sign ** j * v for j, v in enumerate(central)]


def _moment(central, k, a, b):
    return core.mp_eval(lambda a, b: _tn_moments(a, b, k)[central][k], (a, b), "truncated normal moment")


# ----------------------------------------------------------------------------- the standard normal
@closed_form(x=POINT)
def phi(x):
    r"""Standard normal density :math:`\phi(x) = e^{-x^2/2}/\sqrt{2\pi}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> phi(0, exact=True)
    sqrt(2)/(2*sqrt(pi))
    >>> phi(1.0)
    0.24197072451914334

    References
    ----------
    [jkb1994]_, ch. 13.
    """
    return _phi(x)


@closed_form(x=POINT)
def Phi(x):
    r"""Standard normal distribution function :math:`\Phi(x) = (1 + \mathrm{erf}(x/\sqrt2))/2`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> Phi(0, exact=True)
    1/2
    >>> Phi(-10.0)  # no cancellation in the tail
    7.619853024160525e-24

    References
    ----------
    [jkb1994]_, ch. 13.
    """
    return _Phi(x)


# ----------------------------------------------------------------------------- truncated normal
@computed(symbolic=True, exact=True, k=ORDER, a=LOWER, b=UPPER, requires=_require_interval)
def truncated_normal_raw_moment(k, a, b, *, exact=False):
    r"""Raw moment :math:`m_k = E[X^k]` of the standard normal truncated to :math:`[a, b]`.

    .. math::

        m_0 = 1,\quad m_1 = \frac{\phi(a)-\phi(b)}{Z},\quad
        m_k = (k-1)\,m_{k-2} - \frac{b^{k-1}\phi(b) - a^{k-1}\phi(a)}{Z},\qquad Z = \Phi(b)-\Phi(a).

    Infinite bounds are limits.  Derived by direct integration in :mod:`proofs.approximation`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncated_normal_raw_moment(2, 0, sp.oo, exact=True)  # the half-normal
    1

    References
    ----------
    [jkb1994]_, ch. 13 sec. 10.1.
    """
    return _at_bounds(_raw_form(k), a, b) if exact else _moment(0, k, a, b)


@computed(symbolic=True, exact=True, a=LOWER, b=UPPER, requires=_require_interval)
def truncated_normal_mean(a, b, *, exact=False):
    r"""Mean :math:`E[X] = (\phi(a)-\phi(b))/(\Phi(b)-\Phi(a))` of the standard normal truncated to :math:`[a, b]`.

    For :math:`N(\mu,\sigma^2)` cut at :math:`\mu+a\sigma, \mu+b\sigma`: :math:`\mu + \sigma E[X]`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncated_normal_mean(0, sp.oo, exact=True)
    sqrt(2)/sqrt(pi)
    >>> truncated_normal_mean(38.0, 39.0)
    38.02627946657587

    References
    ----------
    [jkb1994]_, ch. 13 sec. 10.1.
    """
    return _at_bounds(_raw_form(1), a, b) if exact else _moment(0, 1, a, b)


@computed(symbolic=True, exact=True, a=LOWER, b=UPPER, requires=_require_interval)
def truncated_normal_variance(a, b, *, exact=False):
    r"""Variance :math:`1 + \frac{a\phi(a) - b\phi(b)}{Z} - \left(\frac{\phi(a)-\phi(b)}{Z}\right)^2` of the
    standard normal truncated to :math:`[a, b]`, :math:`Z = \Phi(b) - \Phi(a)`.

    Times :math:`\sigma^2` for :math:`N(\mu,\sigma^2)`; positive also where the textbook form cancels.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncated_normal_variance(0, sp.oo, exact=True)
    (-2 + pi)/pi
    >>> truncated_normal_variance(11, 13)  # about 1/a**2 - 6/a**4
    0.007880681464886024

    References
    ----------
    [jkb1994]_, ch. 13 sec. 10.1.
    """
    return _at_bounds(_central_form(2), a, b) if exact else _moment(1, 2, a, b)


@computed(symbolic=True, exact=True, k=ORDER, a=LOWER, b=UPPER, requires=_require_interval)
def truncated_normal_central_moment(k, a, b, *, exact=False):
    r"""Central moment :math:`E[(X-m_1)^k] = \sum_{j} \binom{k}{j}\, m_j\, (-m_1)^{k-j}` of the standard normal
    truncated to :math:`[a, b]` (raw moments :math:`m_j` of :func:`truncated_normal_raw_moment`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncated_normal_central_moment(3, -1, 1, exact=True)
    0

    References
    ----------
    [jkb1994]_, ch. 13 sec. 10.1.
    """
    return _at_bounds(_central_form(k), a, b) if exact else _moment(1, k, a, b)


@functools.lru_cache(maxsize=None)
def _factor_form(c):
    return 1 - 2 * c * _phi(c) / (2 * _Phi(c) - 1)


@closed_form(c=CUT)
def truncation_variance_factor(c):
    r"""Variance shrink factor :math:`r(c) = 1 - \frac{2c\,\phi(c)}{2\Phi(c) - 1} \in (0, 1)` of truncation to
    :math:`[\mu - c\sigma, \mu + c\sigma]`.

    :func:`truncated_normal_variance` at :math:`a = -c, b = c` (the mean term vanishes by symmetry; the
    reduction is checked in :mod:`proofs.approximation`).  :math:`r(c) \approx c^2/3` for small ``c``.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncation_variance_factor(1, exact=True)
    -sqrt(2)*exp(-1/2)/(sqrt(pi)*erf(sqrt(2)/2)) + 1
    >>> round(truncation_variance_factor(2), 4)
    0.7737

    References
    ----------
    [jkb1994]_, ch. 13 sec. 10.1; [shumailov2024]_ (functional approximation error).
    """
    return _factor_form(c)


# ----------------------------------------------------------------------------- temperature
@closed_form(T=TEMPERATURE, mu=V.LOCATION, sigma2=SIGMA2, x=X)
def temperature_density(T, mu=0, *, sigma2=1, x=sp.Symbol("x", real=True)):
    r"""Density of :math:`N(\mu,\sigma^2)` sampled at temperature ``T``: :math:`p^{1/T}/\int p^{1/T}
    = N(x;\,\mu,\,T\sigma^2)`.

    Derived in :mod:`proofs.approximation`; the default ``x`` (a symbol) gives the density as an expression.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> temperature_density(sp.Rational(1, 2))
    exp(-x**2)/sqrt(pi)
    >>> temperature_density(0.5, x=0.0)  # 1/sqrt(pi)
    0.5641895835477563

    References
    ----------
    [shumailov2024]_ (low-temperature sampling as a biased sampling procedure).
    """
    return sp.exp(-(x - mu) ** 2 / (2 * T * sigma2)) / sp.sqrt(2 * sp.pi * T * sigma2)


@closed_form(T=TEMPERATURE)
def temperature_variance_factor(T):
    r"""Variance factor of sampling a Gaussian at temperature ``T``: exactly :math:`T`.

    :math:`p^{1/T}/\int p^{1/T} = N(\mu, T\sigma^2)` (:func:`temperature_density`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> temperature_variance_factor(sp.Rational(3, 4))
    3/4

    References
    ----------
    [shumailov2024]_.
    """
    return T


# ----------------------------------------------------------------------------- recursion with refitting
def _rho(M, estimator):
    """E[fitted variance] / variance sampled: 1 (unbiased, or M = None) or (M - 1)/M (MLE)."""
    return sp.Integer(1) if M is None or estimator == "unbiased" else (M - 1) / M


def _second_moment_ratio(v, m4, M, estimator):
    r""":math:`q = E[\hat\sigma^4]/\sigma_n^4` for samples of variance v and fourth central moment m4."""
    d = M - 1 if estimator == "unbiased" else M
    return (M - 1) ** 2 * (v ** 2 + (m4 - (M - 3) / (M - 1) * v ** 2) / M) / d ** 2


def _truncation_q(c, M, estimator):
    return _second_moment_ratio(_factor_form(c), _raw_form(4).subs({_A: -c, _B: c}), M, estimator)


@closed_form(M=SAMPLES, estimator=EST)
def refit_variance_factor(M=None, estimator="unbiased"):
    r""":math:`\rho = E[\hat\sigma^2]/v`: 1 (unbiased, or ``M=None``) or :math:`(M-1)/M` (MLE).

    The divisor :math:`M - 1` makes the sample variance unbiased for the variance :math:`v` of *any*
    i.i.d. law, so :math:`\rho` does not depend on what was sampled (truncated, tempered, Gaussian).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> refit_variance_factor(10, "mle", exact=True)
    9/10

    References
    ----------
    [kendallstuart1977]_ (the sample variance); [shumailov2024]_.
    """
    return _rho(M, estimator)


@closed_form(n=n_, c=CUT, M=SAMPLES, sigma2=SIGMA2, estimator=EST)
def truncation_expected_variance(n, c, M=None, *, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^2] = \sigma^2 (r(c)\,\rho)^n` after ``n`` generations of sampling within
    :math:`\mu_n \pm c\sigma_n` and refitting.

    With ``M=None`` this is the deterministic :math:`\sigma_n^2 = \sigma^2 r(c)^n`: a geometric collapse
    without any sampling error.  With finite ``M`` it holds in expectation exactly (tower property).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> sp.simplify(truncation_expected_variance(2, 1, 4, estimator="mle", exact=True)
    ...             / truncation_variance_factor(1, exact=True) ** 2)
    9/16
    >>> truncation_expected_variance(10, 2.0, 20, sigma2=2.0, estimator="mle")
    0.09209241388821583

    References
    ----------
    [shumailov2024]_ (functional approximation error); [jkb1994]_.
    """
    return sigma2 * (_factor_form(c) * _rho(M, estimator)) ** n


@closed_form(n=n_, c=CUT, M=M_, sigma2=SIGMA2, estimator=EST)
def truncation_variance_second_moment(n, c, M, *, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^4] = \sigma^4 q^n` for truncated sampling with ``M`` samples and refitting.

    .. math::

        q = \frac{(M-1)^2}{d^2}\left[r^2 + \frac{\mu_4 - \frac{M-3}{M-1} r^2}{M}\right],\qquad
        d = M-1\ \text{(unbiased)},\ M\ \text{(MLE)},

    :math:`r = r(c)`, :math:`\mu_4` the fourth moment of the normal truncated to :math:`[-c, c]`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncation_variance_second_moment(3, 40.0, 20)  # no effective cut: exactly ((M + 1)/(M - 1))**3
    1.3501968216941245

    References
    ----------
    [jkb1994]_; [kendallstuart1977]_; [shumailov2024]_.
    """
    return sigma2 ** 2 * _truncation_q(c, M, estimator) ** n


@closed_form(n=n_, c=CUT, M=M_, sigma2=SIGMA2, estimator=EST)
def truncation_variance_of_variance(n, c, M, *, sigma2=1, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\sigma_n^2] = \sigma^4\,(q^n - (r\rho)^{2n})` for truncated sampling with ``M`` samples.

    :math:`q` of :func:`truncation_variance_second_moment`, :math:`r\rho` of
    :func:`truncation_expected_variance`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> truncation_variance_of_variance(0, 1, 5, exact=True)
    0
    >>> truncation_variance_of_variance(1, 40.0, 3)  # no effective cut: 2 sigma^4/(M - 1)
    1.0

    References
    ----------
    [jkb1994]_; [kendallstuart1977]_; [shumailov2024]_.
    """
    return sigma2 ** 2 * (_truncation_q(c, M, estimator) ** n - (_factor_form(c) * _rho(M, estimator)) ** (2 * n))


@closed_form(n=n_, T=TEMPERATURE, M=SAMPLES, sigma2=SIGMA2, estimator=EST)
def temperature_expected_variance(n, T, M=None, *, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^2] = \sigma^2 (T\rho)^n` for sampling at temperature ``T`` and refitting.

    With ``M=None`` the collapse (``T < 1``) is deterministic: :math:`\sigma_n^2 = \sigma^2 T^n`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> temperature_expected_variance(5, sp.Rational(1, 2), 10, estimator="mle")
    59049/3200000

    References
    ----------
    [shumailov2024]_ (low-temperature sampling).
    """
    return sigma2 * (T * _rho(M, estimator)) ** n


@closed_form(n=n_, T=TEMPERATURE, M=M_, sigma2=SIGMA2, estimator=EST)
def temperature_variance_second_moment(n, T, M, *, sigma2=1, estimator="unbiased"):
    r""":math:`E[\sigma_n^4] = \sigma^4 q^n`, :math:`q = T^2\frac{M+1}{M-1}` (unbiased) or
    :math:`T^2\frac{M^2-1}{M^2}` (MLE), for sampling at temperature ``T`` with ``M`` samples.

    The :math:`q` of :func:`truncation_variance_second_moment` with :math:`v = T`, :math:`\mu_4 = 3T^2`
    (Gaussian samples).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> temperature_variance_second_moment(1, 1, 3, exact=True)  # (M + 1)/(M - 1)
    2

    References
    ----------
    [kendallstuart1977]_; [shumailov2024]_.
    """
    return sigma2 ** 2 * sp.factor(sp.simplify(_second_moment_ratio(T, 3 * T ** 2, M, estimator))) ** n
