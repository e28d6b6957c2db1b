r"""The distance to the original: the random walk of the mean, the exact bracket of :math:`E[W_2^2]`."""

from __future__ import annotations

from typing import NamedTuple

import sympy as sp

from theory.core import closed_form
from theory import validation as V
from theory.multivariate.model import (BIAS, COVARIANCE, D, EST, M_, _det_step_moment, _dim, _invariants, _is_one, _lam,
                                       _lam_rho, _M, _require, _rho, n_)

__all__ = ["mean_squared_displacement", "fidelity_bounds", "w2_squared_bounds", "w2_squared_limit", "Bounds"]


# ----------------------------------------------------------------------------- mean and W2
class Bounds(NamedTuple):
    """An exact bracket ``lower <= value <= upper``."""
    lower: object
    upper: object


def _geometric_sum(q, n):
    r""":math:`\sum_{j=0}^{n-1} q^j` in closed form (``n`` when :math:`q = 1`; a ``Piecewise`` when a symbolic
    sampling bias leaves :math:`q = 1` open)."""
    gap = sp.simplify(q - 1)
    if gap == 0:
        return n
    generic = sp.simplify((1 - q ** n) / (1 - q))
    return sp.Piecewise((n, sp.Eq(q, 1)), (generic, True)) if gap.is_zero is None else generic


def _msd_form(n, M, trace, rho, step=1):
    r""":math:`E\|\mu_n-\mu\|^2 = \frac{s}{M}\sum_{j<n} E\operatorname{tr}\Sigma_j`, :math:`E\operatorname{tr}\Sigma_j =
    \rho^j\operatorname{tr}\Sigma`; the step :math:`s` scales the sampling covariance (1 without bias)."""
    return step * trace / M * _geometric_sum(rho, n)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def mean_squared_displacement(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`E\|\mu_n - \mu\|^2 = n\operatorname{tr}\Sigma/M` (unbiased), :math:`\operatorname{tr}\Sigma[1 -
    (\frac{M-1}{M})^n]` (MLE): the random walk of the fitted mean.

    :math:`\mu_{j+1} = \mu_j + \Sigma_j^{1/2}Z_j/\sqrt M` with :math:`Z_j \sim N(0, I_d)` independent of the
    past (the sample mean is independent of the sample covariance), so the increments add
    :math:`E\operatorname{tr}\Sigma_j/M = \rho^j\operatorname{tr}\Sigma/M`.  With a sampling bias :math:`\lambda`
    the steps are :math:`\sqrt\lambda\,\Sigma_j^{1/2}Z_j/\sqrt M` and
    :math:`E\|\mu_n-\mu\|^2 = \frac{\lambda\operatorname{tr}\Sigma}{M}\frac{1-(\lambda\rho)^n}{1-\lambda\rho}`:
    bounded, the walk freezes.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mean_squared_displacement(2, 2, 4, estimator="mle", exact=True)
    7/8
    >>> mean_squared_displacement(2, 2, 4, bias=0.5, exact=True)  # (1/2)(2/4)(1 + 1/2)
    3/8

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, Thm 3.1.2.
    """
    return _msd_form(n, M, _invariants(Sigma, _dim(d)).trace, _lam_rho(M, estimator, bias), _lam(bias, 1))


def _fidelity_forms(n, d, M, Sigma, estimator, bias=1):
    """(lower, upper) of :math:`E[F_n]`: :math:`d(\\det\\Sigma)^{1/d}g^n` and :math:`\\operatorname{tr}\\Sigma\\,h^n`
    (times :math:`\\lambda^{n/2}` with a sampling bias: :math:`F_n` scales as :math:`\\Sigma_n^{1/2}`)."""
    inv = _invariants(Sigma, d)
    kd = d * (M - 1)
    c4_kd = sp.sqrt(sp.Integer(2) / kd) * sp.gamma((kd + 1) / 2) / sp.gamma(kd / 2)  # c4(d(M-1) + 1)
    h = sp.sqrt(_rho(M, estimator)) * c4_kd
    g = _det_step_moment(estimator, d, 1 / sp.sympify(2 * d)).xreplace({_M: M})
    lam = _lam(bias, n / sp.Integer(2))
    return Bounds(lam * d * inv.det ** (1 / sp.sympify(d)) * g ** n, lam * inv.trace * h ** n)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def fidelity_bounds(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Exact bracket ``Bounds(lower, upper)``: :math:`d(\det\Sigma)^{1/d}g^n \le E[F_n] \le
    \operatorname{tr}\Sigma\,h^n`, :math:`F_n = \operatorname{tr}(\Sigma^{1/2}\Sigma_n\Sigma^{1/2})^{1/2}`.

    .. math::

        g = E\big[\det(cW)^{1/(2d)}\big] = c^{1/2}\prod_{i=1}^d
        \frac{2^{1/(2d)}\Gamma(\tfrac{M-i}{2}+\tfrac{1}{2d})}{\Gamma(\tfrac{M-i}{2})},\qquad
        h = \sqrt{\rho}\;c_4\big(d(M-1)+1\big).

    Lower: AM-GM on the eigenvalues and :func:`det_moment` at :math:`r = 1/(2d)`.  Upper: Hoelder,
    :math:`F_n \le \sqrt{\operatorname{tr}\Sigma\operatorname{tr}\Sigma_n}`, and
    :math:`E[\sqrt{\operatorname{tr}\Sigma_{n+1}}\mid\Sigma_n] \le h\sqrt{\operatorname{tr}\Sigma_n}`, since
    :math:`\lambda\mapsto E\sqrt{\sum_j\lambda_jX_j}` (:math:`X_j \sim \chi^2_{M-1}`) is concave and symmetric,
    largest at equal :math:`\lambda_j`.  For :math:`d = 1` both are :func:`theory.gaussian.expected_std`.  A
    sampling bias multiplies both by ``bias ** (n / 2)``.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> fidelity_bounds(1, 1, 3, exact=True)  # d = 1: both are E[sigma_1] = c4(3)
    Bounds(lower=sqrt(pi)/2, upper=sqrt(pi)/2)

    References
    ----------
    [dowsonlandau1982]_; [muirhead1982]_, Thm 3.2.14-3.2.15; [shumailov2024]_.
    """
    return _fidelity_forms(n, _dim(d), M, Sigma, estimator, bias)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def w2_squared_bounds(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Exact bracket ``Bounds(lower, upper)`` of :math:`E[W_2^2(N(\mu_n,\Sigma_n), N(\mu,\Sigma))] =
    E\|\mu_n-\mu\|^2 + (1+(\lambda\rho)^n)\operatorname{tr}\Sigma - 2E[F_n]`, with :func:`fidelity_bounds`
    (sampling bias :math:`\lambda`, 1 by default).

    The lower bound is at least :math:`E\|\mu_n-\mu\|^2 = n\operatorname{tr}\Sigma/M \to \infty` (unbiased,
    the paper's :math:`E[W_2^2]\to\infty`); the width :math:`2(\operatorname{tr}\Sigma\,h^n -
    d(\det\Sigma)^{1/d}g^n)` tends to 0 geometrically, and for :math:`d = 1` both bounds equal
    :func:`theory.gaussian.expected_w2_squared`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> w2_squared_bounds(1, 1, 2, exact=True)  # d = 1: 1/M + 2 - 2 c4(2)
    Bounds(lower=-2*sqrt(2)/sqrt(pi) + 5/2, upper=-2*sqrt(2)/sqrt(pi) + 5/2)

    References
    ----------
    [dowsonlandau1982]_; [shumailov2024]_.
    """
    d = _dim(d)
    trace, q = _invariants(Sigma, d).trace, _lam_rho(M, estimator, bias)
    base = _msd_form(n, M, trace, q, _lam(bias, 1)) + (1 + q ** n) * trace
    f = _fidelity_forms(n, d, M, Sigma, estimator, bias)
    return Bounds(base - 2 * f.upper, base - 2 * f.lower)


@closed_form(d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def w2_squared_limit(d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`\lim_n E[W_2^2] = \infty` (unbiased) or :math:`2\operatorname{tr}\Sigma` (MLE);
    :math:`\operatorname{tr}\Sigma + \frac{\lambda\operatorname{tr}\Sigma}{M(1-\lambda\rho)}` with a sampling bias
    :math:`\lambda\rho < 1` (the spread dies, the mean freezes).

    Both bounds of :func:`w2_squared_bounds` have this limit: :math:`\rho < 1` (MLE), :math:`h < 1` and
    :math:`g < 1` (Jensen: :math:`g^{2d} < E\det(cW) \le 1`), and with the MLE
    :math:`E\|\mu_n-\mu\|^2 \to \operatorname{tr}\Sigma`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> w2_squared_limit(2, 5, Sigma=[[2, 1], [1, 2]], estimator="mle", exact=True)
    8
    >>> w2_squared_limit(5, 10)
    inf
    >>> w2_squared_limit(2, 10, bias=0.5, exact=True)  # 2 + (1/2)(2)/(10 (1/2))
    11/5

    References
    ----------
    [shumailov2024]_.
    """
    trace = _invariants(Sigma, _dim(d)).trace
    if _is_one(bias):
        return sp.oo + 0 * M if estimator == "unbiased" else 2 * trace + 0 * M
    generic = trace + bias * trace / (M * (1 - _lam_rho(M, estimator, bias)))
    if V.is_symbolic(bias) and estimator == "unbiased":
        return sp.Piecewise((sp.oo, sp.Eq(bias, 1)), (generic, True))
    return generic
