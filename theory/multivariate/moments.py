r"""Moments of the Wishart recursion: :math:`E[\Sigma_n]`, the determinant and its logarithm, the Lyapunov
exponents, the trace second moments."""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import sympy as sp

from theory import core
from theory import validation as V
from theory.core import closed_form
from theory.multivariate.model import (BIAS, COVARIANCE, D, EST, M_, ORDER, POWER, _det_moment_form, _dim,
                                       _exact_matrix, _invariants, _is_one, _lam, _lam_rho, _log_det_cumulant_form, _M,
                                       _require, _scale, n_)

__all__ = ["expected_covariance", "expected_trace", "det_moment", "expected_det", "variance_of_det",
           "log_det_cumulant", "expected_log_det", "variance_of_log_det", "lyapunov_exponent", "trace_moment_matrix",
           "trace_second_moments", "expected_trace_of_square", "expected_squared_trace", "variance_of_trace",
           "TraceSecondMoments"]


# ----------------------------------------------------------------------------- first moments
def _require_matrix_at_one_n(**v):
    _require(**v)
    if isinstance(v["n"], np.ndarray) and isinstance(v["Sigma"], (np.ndarray, sp.MatrixBase)):
        raise ValueError("n must be a single generation when Sigma is a matrix (the result is a matrix)")


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require_matrix_at_one_n)
def expected_covariance(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Expected fitted covariance :math:`E[\Sigma_n] = (\lambda\rho)^n\Sigma`: :math:`\rho = 1` (unbiased, a matrix
    martingale without bias) or :math:`(M-1)/M` (MLE), since :math:`E[\mathrm{Wishart}_d(M-1, \lambda\Sigma_n)] =
    (M-1)\lambda\Sigma_n` (sampling bias :math:`\lambda`, [alemohammad2024]_).  A matrix ``Sigma`` gives a matrix
    (one ``n``), ``None`` or :math:`s^2` the scalar :math:`(\lambda\rho)^n s^2`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_covariance(2, 2, 5, Sigma=[[2, 1], [1, 3]], estimator="mle", exact=True)
    Matrix([
    [32/25, 16/25],
    [16/25, 48/25]])
    >>> expected_covariance(10, 3, 5)
    1.0
    >>> expected_covariance(3, 2, 5, bias=0.5, exact=True)  # collapses in expectation even when unbiased
    1/8

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, ch. 3.
    """
    if isinstance(Sigma, (np.ndarray, sp.MatrixBase)):
        return _lam_rho(M, estimator, bias) ** n * _exact_matrix(Sigma)
    return _lam_rho(M, estimator, bias) ** n * (1 if Sigma is None else core.exact_number(Sigma))


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def expected_trace(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`E[\operatorname{tr}\Sigma_n] = (\lambda\rho)^n\operatorname{tr}\Sigma` (as in
    :func:`expected_covariance`; constant for the unbiased estimator without bias).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_trace(3, 2, 4, Sigma=2, estimator="mle", exact=True)
    27/16

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, ch. 3.
    """
    return _lam_rho(M, estimator, bias) ** n * _invariants(Sigma, _dim(d)).trace


# ----------------------------------------------------------------------------- determinant
@closed_form(n=n_, d=D, M=M_, r=POWER, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def det_moment(n, d, M, r=1, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Raw moment :math:`E[(\det\Sigma_n)^r] = (\det\Sigma)^r\left(c^{rd}\prod_{i=1}^d
    \frac{2^r\Gamma(\frac{M-i}{2}+r)}{\Gamma(\frac{M-i}{2})}\right)^n`, :math:`r > -\frac{M-d}{2}`.

    One refit multiplies the determinant by :math:`c^d\prod_i\chi^2_{M-i}` with independent factors
    (Bartlett decomposition) and :math:`E[(\chi^2_k)^r]` is :func:`theory.gaussian.chi2_mellin`; for an
    integer ``r`` the gamma ratio is a rising factorial, a polynomial in ``M``.  Exact values (``exact=True``)
    carry any number of digits, so a float of them (``sympy.N``) serves any precision.  A sampling bias
    multiplies :math:`\Sigma_n` by :math:`\lambda^n` in law, hence this moment by :math:`\lambda^{rdn}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> det_moment(2, 2, 4, 2, exact=True)
    1600/729
    >>> det_moment(1, 1, 3, 0.5, exact=True)  # E[sqrt(chi2_2 / 2)]
    sqrt(pi)/2

    References
    ----------
    [muirhead1982]_, Thm 3.2.14-3.2.15; [shumailov2024]_.
    """
    return _det_moment_form(n, _dim(d), M, core.exact_number(r), Sigma, estimator, bias)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def expected_det(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Expected determinant :math:`E[\det\Sigma_n] = \det\Sigma\left(\lambda^dc^d\prod_{i=1}^d (M-i)\right)^n`.

    Unbiased: :math:`\det\Sigma(\prod_i \frac{M-i}{M-1})^n`, decaying geometrically for :math:`d \ge 2`
    although :math:`E[\Sigma_n] = \Sigma`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_det(3, 2, 5, exact=True)
    27/64

    References
    ----------
    [muirhead1982]_, Thm 3.2.15; [shumailov2024]_.
    """
    return _det_moment_form(n, _dim(d), M, sp.Integer(1), Sigma, estimator, bias)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def variance_of_det(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`\mathrm{Var}[\det\Sigma_n] = (\det\Sigma)^2\left[\left(c^{2d}\prod_i (M-i)(M-i+2)\right)^n -
    \left(c^d\prod_i (M-i)\right)^{2n}\right]`, from :func:`det_moment` at ``r = 2`` and ``r = 1`` (times
    :math:`\lambda^{2dn}` with a sampling bias).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> variance_of_det(1, 2, 3, exact=True)  # c = 1/2: E det^2 = (2*4)(1*3)/16, E det = 1/2
    5/4

    References
    ----------
    [muirhead1982]_, Thm 3.2.15; [shumailov2024]_.
    """
    d = _dim(d)
    return _det_moment_form(n, d, M, sp.Integer(2), Sigma, estimator, bias) \
        - _det_moment_form(n, d, M, sp.Integer(1), Sigma, estimator, bias) ** 2


@closed_form(order=ORDER, n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def log_det_cumulant(order, n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Cumulant :math:`\kappa_j` of :math:`\log\det\Sigma_n`.

    .. math::

        \kappa_1 = \log\det\Sigma + n\sum_{i=1}^d\left[\psi\!\left(\tfrac{M-i}{2}\right) + \log 2c\right],
        \qquad \kappa_j = n\sum_{i=1}^d \psi^{(j-1)}\!\left(\tfrac{M-i}{2}\right)\ (j\ge 2):

    :math:`\log\det\Sigma_n - \log\det\Sigma` is a sum of :math:`nd` independent
    :math:`\log(c\chi^2_{M-i})`, whose cumulants are the derivatives at 0 of :math:`\log E[(c\chi^2_k)^t]`; a
    sampling bias adds :math:`nd\log\lambda` to :math:`\kappa_1` only.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> log_det_cumulant(2, 1, 2, 3, exact=True)  # psi'(1) + psi'(1/2)
    2*pi**2/3

    References
    ----------
    [muirhead1982]_, Thm 3.2.14; [shumailov2024]_.
    """
    return _log_det_cumulant_form(order, n, _dim(d), M, Sigma, estimator, bias)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def expected_log_det(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`E[\log\det\Sigma_n] = \log\det\Sigma + n\sum_{i=1}^d[\psi(\tfrac{M-i}{2}) + \log 2c]`: a random
    walk with negative drift; a sampling bias :math:`\lambda` adds :math:`nd\log\lambda`.

    Each term is negative (Jensen: :math:`E\log\chi^2_{M-i} < \log(M-i) \le \log(M-1)`), so by the strong
    law :math:`\det\Sigma_n \to 0` almost surely: the :math:`d`-dimensional collapse.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_log_det(2, 2, 4, exact=True)
    -4*log(3) - 4*EulerGamma + 4
    >>> expected_log_det(2, 2, 4, bias=0.5, exact=True)  # adds n d log(1/2): log(3^4 2^4) = log(1296)
    -log(1296) - 4*EulerGamma + 4

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, Thm 3.2.14.
    """
    return _log_det_cumulant_form(1, n, _dim(d), M, Sigma, estimator, bias)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def variance_of_log_det(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`\mathrm{Var}[\log\det\Sigma_n] = n\sum_{i=1}^d\psi'(\tfrac{M-i}{2})`, whatever the estimator,
    ``Sigma`` and sampling bias (the second cumulant of :func:`log_det_cumulant`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> variance_of_log_det(3, 1, 3, exact=True)
    pi**2/2

    References
    ----------
    [muirhead1982]_, Thm 3.2.14; [shumailov2024]_.
    """
    return _log_det_cumulant_form(2, n, _dim(d), M, Sigma, estimator, bias)


@closed_form(i=V.Integer(1, doc=r"Index :math:`i` of the exponent (:math:`i \le d \le M - 1`).", example=1),
             M=M_, estimator=EST, bias=BIAS, requires=_require)
def lyapunov_exponent(i, M, estimator="unbiased", *, bias=1):
    r"""The ``i``-th Lyapunov exponent :math:`\gamma_i = \lim_n \tfrac1n\log\lambda_i(\Sigma_n) =
    \psi(\tfrac{M-i}{2}) + \log 2c` a.s. (:math:`\lambda_1 \ge \dots \ge \lambda_d`), from the products of
    Gaussian matrices :math:`\Sigma_n = c^n\Sigma^{1/2}G_1^\top\cdots G_n^\top G_n\cdots G_1\Sigma^{1/2}`.

    Independent of ``d``: :math:`\gamma_1` is the 1-D drift of :func:`theory.gaussian.expected_log_variance`
    (the *largest* eigenvalue collapses as fast as a 1-D variance); :math:`\sum_{i\le d}\gamma_i` is the drift
    of :func:`expected_log_det`.  A sampling bias adds :math:`\log\lambda` to every exponent.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> lyapunov_exponent(2, 4, exact=True)
    -EulerGamma + log(2/3)

    References
    ----------
    [newman1986]_; [shumailov2024]_.
    """
    gamma = sp.polygamma(0, (M - i) / 2) + sp.log(2 * _scale(M, estimator))
    return gamma if _is_one(bias) else gamma + sp.log(bias)


# ----------------------------------------------------------------------------- traces
class TraceSecondMoments(NamedTuple):
    r""":math:`(E\operatorname{tr}\Sigma_n^2,\ E(\operatorname{tr}\Sigma_n)^2)`."""
    expected_trace_of_square: object
    expected_squared_trace: object


@closed_form(M=M_, estimator=EST)
def trace_moment_matrix(M, estimator="unbiased"):
    r"""The one-refit map :math:`T = c^2 \begin{pmatrix} k(k+1) & k \\ 2k & k^2 \end{pmatrix}` (:math:`k = M-1`)
    of :math:`(E\operatorname{tr}\Sigma_n^2, E(\operatorname{tr}\Sigma_n)^2)`, whatever ``d``.

    From :math:`E\operatorname{tr}W^2 = k(k+1)\operatorname{tr}\Sigma^2 + k(\operatorname{tr}\Sigma)^2` and
    :math:`E(\operatorname{tr}W)^2 = 2k\operatorname{tr}\Sigma^2 + k^2(\operatorname{tr}\Sigma)^2` for
    :math:`W \sim \mathrm{Wishart}_d(k, \Sigma)`; eigenvalues :math:`c^2k(k+2)` and :math:`c^2k(k-1)`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> trace_moment_matrix(3, exact=True)
    Matrix([
    [3/2, 1/2],
    [  1,   1]])

    References
    ----------
    [muirhead1982]_, Thm 3.3.15.
    """
    k = M - 1
    return _scale(M, estimator) ** 2 * sp.ImmutableMatrix([[k * (k + 1), k], [2 * k, k ** 2]])


_n = sp.Symbol("n", integer=True, nonnegative=True)
_a, _b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)  # tr Sigma^2, (tr Sigma)^2


@functools.lru_cache(maxsize=None)
def _trace_second_moment_forms(estimator):
    r""":math:`T^n(a, b)` by sympy's diagonalisation of :math:`T`, in ``_n``, ``_M``, ``_a``, ``_b``."""
    P, Dg = trace_moment_matrix.__wrapped__(_M, estimator).diagonalize()
    coef = (P.inv() * sp.Matrix([_a, _b])).applyfunc(sp.factor)
    lam = [sp.factor(Dg[j, j]) for j in range(2)]
    return tuple(sum(sp.factor(P[row, j] * coef[j]) * lam[j] ** _n for j in range(2)) for row in range(2))


def _trace_second_moments(n, d, M, Sigma, estimator, bias=1):
    inv = _invariants(Sigma, _dim(d))
    subs = {_n: n, _M: M, _a: inv.trace_of_square, _b: inv.trace ** 2}
    return TraceSecondMoments(*(_lam(bias, 2 * n) * f.xreplace(subs) for f in _trace_second_moment_forms(estimator)))


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def trace_second_moments(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""``TraceSecondMoments(expected_trace_of_square, expected_squared_trace)``: :math:`T^n` of
    :func:`trace_moment_matrix` applied to :math:`(a, b) = (\operatorname{tr}\Sigma^2, (\operatorname{tr}\Sigma)^2)`.

    .. math::

        E\operatorname{tr}\Sigma_n^2 = \frac{2a+b}{3}\lambda_+^n + \frac{a-b}{3}\lambda_-^n,\qquad
        E(\operatorname{tr}\Sigma_n)^2 = \frac{2a+b}{3}\lambda_+^n - \frac{2(a-b)}{3}\lambda_-^n,

    :math:`\lambda_+ = c^2(M-1)(M+1)` (eigenvector (1, 1)), :math:`\lambda_- = c^2(M-1)(M-2)` (eigenvector
    (1, -2)).  Unbiased: :math:`\lambda_+ = \frac{M+1}{M-1}`, the 1-D growth rate of :math:`E\sigma_n^4`.  A
    sampling bias multiplies both by ``bias ** (2 * n)`` (:math:`\Sigma_n` scales by ``bias ** n`` in law).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> trace_second_moments(1, 2, 3, exact=True)
    TraceSecondMoments(expected_trace_of_square=5, expected_squared_trace=6)

    References
    ----------
    [muirhead1982]_, Thm 3.3.15; [shumailov2024]_.
    """
    return _trace_second_moments(n, d, M, Sigma, estimator, bias)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def expected_trace_of_square(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`E[\operatorname{tr}\Sigma_n^2]`, the first part of :func:`trace_second_moments`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_trace_of_square(2, 1, 3, exact=True)  # d = 1: E sigma_n^4 = ((M+1)/(M-1))^n
    4

    References
    ----------
    [muirhead1982]_, Thm 3.3.15.
    """
    return _trace_second_moments(n, d, M, Sigma, estimator, bias).expected_trace_of_square


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def expected_squared_trace(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`E[(\operatorname{tr}\Sigma_n)^2]`, the second part of :func:`trace_second_moments`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_squared_trace(1, 2, 3, exact=True)
    6

    References
    ----------
    [muirhead1982]_, Thm 3.3.15.
    """
    return _trace_second_moments(n, d, M, Sigma, estimator, bias).expected_squared_trace


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def variance_of_trace(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`\mathrm{Var}[\operatorname{tr}\Sigma_n] = E(\operatorname{tr}\Sigma_n)^2 - \rho^{2n}(\operatorname{tr}\Sigma)^2`.

    Unbiased: :math:`\frac{2a+b}{3}[(\frac{M+1}{M-1})^n - 1] - \frac{2(b-a)}{3}[1 - (\frac{M-2}{M-1})^n]` with
    :math:`a = \operatorname{tr}\Sigma^2`, :math:`b = (\operatorname{tr}\Sigma)^2`: geometric growth at the 1-D rate.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> variance_of_trace(1, 2, 3, exact=True)
    2

    References
    ----------
    [muirhead1982]_, Thm 3.3.15; [shumailov2024]_.
    """
    mean = _lam_rho(M, estimator, bias) ** n * _invariants(Sigma, _dim(d)).trace
    return _trace_second_moments(n, d, M, Sigma, estimator, bias).expected_squared_trace - mean ** 2
