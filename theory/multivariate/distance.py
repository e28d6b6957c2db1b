r"""The distance to the original: the random walk of the mean, the exact bracket of :math:`E[W_2^2]`."""

from __future__ import annotations

from typing import NamedTuple

import sympy as sp

from theory.core import closed_form
from theory.multivariate.model import (COVARIANCE, D, EST, M_, _det_step_moment, _dim, _invariants, _M, _require,
                                       _rho, n_)

__all__ = ["mean_squared_displacement", "fidelity_bounds", "w2_squared_bounds", "w2_squared_limit", "Bounds"]


# ----------------------------------------------------------------------------- mean and W2
class Bounds(NamedTuple):
    """An exact bracket ``lower <= value <= upper``."""
    lower: object
    upper: object


def _geometric_sum(q, n):
    r""":math:`\sum_{j=0}^{n-1} q^j` in closed form (``n`` when :math:`q = 1`)."""
    return n if sp.simplify(q - 1) == 0 else sp.simplify((1 - q ** n) / (1 - q))


def _msd_form(n, M, trace, rho, step=1):
    r""":math:`E\|\mu_n-\mu\|^2 = \frac{s}{M}\sum_{j<n} E\operatorname{tr}\Sigma_j`, :math:`E\operatorname{tr}\Sigma_j =
    \rho^j\operatorname{tr}\Sigma`; the step :math:`s` scales the sampling covariance (1 without bias)."""
    return step * trace / M * _geometric_sum(rho, n)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def mean_squared_displacement(n, d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`E\|\mu_n - \mu\|^2 = n\operatorname{tr}\Sigma/M` (unbiased), :math:`\operatorname{tr}\Sigma[1 -
    (\frac{M-1}{M})^n]` (MLE): the random walk of the fitted mean.

    :math:`\mu_{j+1} = \mu_j + \Sigma_j^{1/2}Z_j/\sqrt M` with :math:`Z_j \sim N(0, I_d)` independent of the
    past (the sample mean is independent of the sample covariance), so the increments add
    :math:`E\operatorname{tr}\Sigma_j/M = \rho^j\operatorname{tr}\Sigma/M`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mean_squared_displacement(2, 2, 4, estimator="mle", exact=True)
    7/8

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, Thm 3.1.2.
    """
    return _msd_form(n, M, _invariants(Sigma, _dim(d)).trace, _rho(M, estimator))


def _fidelity_forms(n, d, M, Sigma, estimator):
    """(lower, upper) of :math:`E[F_n]`: :math:`d(\\det\\Sigma)^{1/d}g^n` and :math:`\\operatorname{tr}\\Sigma\\,h^n`."""
    inv = _invariants(Sigma, d)
    kd = d * (M - 1)
    c4_kd = sp.sqrt(sp.Integer(2) / kd) * sp.gamma((kd + 1) / 2) / sp.gamma(kd / 2)  # c4(d(M-1) + 1)
    h = sp.sqrt(_rho(M, estimator)) * c4_kd
    g = _det_step_moment(estimator, d, 1 / sp.sympify(2 * d)).xreplace({_M: M})
    return Bounds(d * inv.det ** (1 / sp.sympify(d)) * g ** n, inv.trace * h ** n)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def fidelity_bounds(n, d, M, *, Sigma=None, estimator="unbiased"):
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
    largest at equal :math:`\lambda_j`.  For :math:`d = 1` both are :func:`theory.gaussian.expected_std`.

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
    return _fidelity_forms(n, _dim(d), M, Sigma, estimator)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def w2_squared_bounds(n, d, M, *, Sigma=None, estimator="unbiased"):
    r"""Exact bracket ``Bounds(lower, upper)`` of :math:`E[W_2^2(N(\mu_n,\Sigma_n), N(\mu,\Sigma))] =
    E\|\mu_n-\mu\|^2 + (1+\rho^n)\operatorname{tr}\Sigma - 2E[F_n]`, with :func:`fidelity_bounds`.

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
    trace, rho = _invariants(Sigma, d).trace, _rho(M, estimator)
    base = _msd_form(n, M, trace, rho) + (1 + rho ** n) * trace
    f = _fidelity_forms(n, d, M, Sigma, estimator)
    return Bounds(base - 2 * f.upper, base - 2 * f.lower)


@closed_form(d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def w2_squared_limit(d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`\lim_n E[W_2^2] = \infty` (unbiased) or :math:`2\operatorname{tr}\Sigma` (MLE).

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

    References
    ----------
    [shumailov2024]_.
    """
    if estimator == "unbiased":
        return sp.oo + 0 * M
    return 2 * _invariants(Sigma, _dim(d)).trace + 0 * M
