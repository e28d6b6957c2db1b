r"""Multivariate Gaussian refitting in dimension :math:`d`: the collapse of the covariance.

The process
-----------
Generation 0 is :math:`N(\mu, \Sigma)` on :math:`\mathbb R^d`.  Generation :math:`n+1` is the Gaussian
fitted to :math:`M \ge d+1` i.i.d. samples of generation :math:`n` by the sample mean and
:math:`\Sigma_{n+1} = c\sum_i (x_i-\bar x)(x_i-\bar x)^\top`, :math:`c = 1/(M-1)` (unbiased) or
:math:`1/M` (MLE); ``n`` counts refits and :math:`M \ge d+1` keeps :math:`\Sigma_{n+1}` non-singular.

Why it is solvable
------------------
Given generation :math:`n` the scatter matrix is :math:`\mathrm{Wishart}_d(M-1, \Sigma_n)`, independent of
:math:`\bar x \sim N(\mu_n, \Sigma_n/M)`.  By the Bartlett decomposition one refit multiplies the
determinant by :math:`c^d\prod_{i=1}^d \chi^2_{M-i}` (independent factors): :math:`\log\det\Sigma_n` is a
sum of :math:`nd` independent log-chi-squares and every moment of :math:`\det\Sigma_n` a power of the
chi-square Mellin transform (:func:`theory.gaussian.chi2_mellin`).  The Wishart second moments make the
trace moments a linear recursion (:func:`trace_moment_matrix`).  So :math:`\Sigma` enters only through
:math:`\det\Sigma`, :math:`\operatorname{tr}\Sigma`, :math:`\operatorname{tr}\Sigma^2` (:func:`covariance_invariants`).

The collapse
------------
Unbiased: :math:`E[\Sigma_n] = \Sigma` for every ``n`` (a matrix martingale), yet
:math:`E\log\det\Sigma_n` drifts to :math:`-\infty` and even the largest eigenvalue decays at the
Lyapunov exponent :math:`\psi(\tfrac{M-1}{2}) + \log\tfrac{2}{M-1} < 0`, so :math:`\Sigma_n \to 0`
almost surely.  The mean walks away, :math:`E\|\mu_n-\mu\|^2 = n\operatorname{tr}\Sigma/M`, and
:math:`E[W_2^2]` to the original grows without bound; its one term without a closed form,
:math:`E\operatorname{tr}(\Sigma^{1/2}\Sigma_n\Sigma^{1/2})^{1/2}`, is bracketed exactly
(:func:`fidelity_bounds`).  Sources: [shumailov2024]_; Wishart theory [muirhead1982]_, ch. 3;
Lyapunov exponents [newman1986]_.  The derivations are checked step by step in
:mod:`proofs.multivariate`.

Conventions
-----------
``Sigma`` (keyword-only) is ``None`` (the identity), a positive scalar :math:`s^2` (:math:`s^2 I_d`; a
symbol is allowed) or a ``d x d`` symmetric positive-definite matrix, whose float entries are read as the
decimals they print as.  A number ``d`` expands the products and sums over :math:`i = 1..d`, a symbol
keeps ``Product``/``Sum``.  Evaluation follows :mod:`theory.core`.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import sympy as sp
from scipy import integrate, optimize, special
from sympy.polys.matrices import DomainMatrix

from theory import core
from theory import validation as V
from theory.core import closed_form, computed
from theory.gaussian import chi2_mellin

__all__ = [
    "covariance_invariants", "expected_covariance", "expected_trace", "det_moment", "expected_det",
    "variance_of_det", "log_det_cumulant", "expected_log_det", "variance_of_log_det", "lyapunov_exponent",
    "trace_moment_matrix", "trace_second_moments", "expected_trace_of_square", "expected_squared_trace",
    "variance_of_trace", "mean_squared_displacement", "fidelity_bounds", "w2_squared_bounds",
    "w2_squared_limit", "log_det_cdf", "median_log_det",
    "CovarianceInvariants", "TraceSecondMoments", "Bounds",
]


# ----------------------------------------------------------------------------- parameter domains
class _Covariance(V.Domain):
    """``None`` (the identity), a scalar :math:`s^2 > 0` (:math:`s^2 I_d`; by :class:`~theory.validation.Real`)
    or a SPD matrix (by :class:`~theory.validation.CovarianceMatrix`); ``d x d`` is checked by :func:`_require`."""

    def __init__(self, doc, example=((2.0, 0.5), (0.5, 1.0))):
        super().__init__(doc, example)
        self.scalar = V.Real(0, lower_open=True)
        self.matrix = V.CovarianceMatrix()

    def check(self, value, name):
        if value is None:
            return None
        if isinstance(value, (np.ndarray, list, tuple, sp.MatrixBase)):
            return self.matrix.check(value, name)
        return self.scalar.check(value, name)

    def describe(self):
        return "None, real > 0 or d x d symmetric positive-definite matrix"


#: ``Sigma``: the original covariance; numerics validates its own ``Sigma`` with it.
COVARIANCE = _Covariance(r"Original covariance :math:`\Sigma`: ``None`` is :math:`I_d`, a scalar :math:`s^2` is "
                         r":math:`s^2 I_d`, a matrix must be ``d x d`` symmetric positive definite.")
n_ = V.GENERATIONS
#: Largest dimension ``d``: a few forms (:func:`fidelity_bounds`) still sum ``d`` terms, seconds at this size.
D_MAX = 10_000
D = V.Integer(1, D_MAX, doc=r"Dimension :math:`d`.", example=2).as_value()
M_ = V.Integer(2, doc=r"Samples drawn from each generation to fit the next (:math:`M \ge d + 1`).", example=5)
EST = V.ESTIMATOR.with_doc("Covariance estimator: divide the scatter matrix by :math:`M-1` (unbiased) or by "
                           ":math:`M` (MLE).")
ORDER = V.Integer(1, doc="Order :math:`j` of the cumulant.", example=2, symbolic=False).as_value()
POWER = V.Real(doc=r"Order :math:`r > -(M-d)/2` of the moment (``r = 1/(2d)`` enters :func:`fidelity_bounds`).",
               example=2).as_value()
SCALAR_N = V.Integer(0, doc="Number of refits (a scalar).", example=3)


def _require(**v):
    """Relations between parameters: ``M >= d + 1`` (or ``i + 1``), ``Sigma`` is ``d x d``, the moment exists."""
    d, M, S = v.get("d", v.get("i")), v.get("M"), v.get("Sigma")
    lower = "d" if "d" in v else "i"
    if d is not None and M is not None and not V.is_symbolic(d, M) and M < d + 1:
        raise ValueError(f"M must be >= {lower} + 1 = {d + 1} (non-singular sample covariance), got {M}")
    if isinstance(S, (np.ndarray, sp.MatrixBase)) and (V.is_symbolic(d) or tuple(S.shape) != (d, d)):
        raise ValueError(f"Sigma must be a d x d matrix with d = {d}, got shape {tuple(S.shape)}")
    r = v.get("r")
    if r is not None and not V.is_symbolic(r, d, M) and not r > -sp.Rational(int(M) - int(d), 2):
        raise ValueError(f"r must be > -(M-d)/2 = {-(int(M) - int(d)) / 2} for the moment to exist, got {r!r}")


# ----------------------------------------------------------------------------- Sigma enters through three invariants
class CovarianceInvariants(NamedTuple):
    r""":math:`\log\det\Sigma`, :math:`\operatorname{tr}\Sigma`, :math:`\operatorname{tr}\Sigma^2`."""
    log_det: object
    trace: object
    trace_of_square: object


class _Invariants(NamedTuple):
    det: sp.Expr
    log_det: sp.Expr
    trace: sp.Expr
    trace_of_square: sp.Expr


def _exact_matrix(S):
    """A validated matrix as an exact ``ImmutableMatrix`` (float entries read as decimals, symmetrised)."""
    if isinstance(S, sp.MatrixBase):
        return sp.ImmutableMatrix(S)
    d = S.shape[0]
    return sp.ImmutableMatrix(d, d, lambda i, j: core.exact_number(float(S[min(i, j), max(i, j)])))


@functools.lru_cache(maxsize=64)
def _matrix_invariants(S):
    d = S.shape[0]
    if all(x.is_Rational for x in S):  # elimination over QQ: exact and fast for large d
        det = sp.QQ.to_sympy(DomainMatrix.from_list_sympy(d, d, S.tolist()).convert_to(sp.QQ).det())
        if det <= 0:
            raise ValueError("Sigma must be positive definite (its exact determinant is not positive)")
    else:
        det = sp.factor(S.det())
    return _Invariants(det, sp.log(det), S.trace(), sum(x ** 2 for x in S))


def _invariants(Sigma, d):
    """The invariants of ``Sigma`` (None, scalar or matrix) as exact or symbolic sympy numbers."""
    if Sigma is None:
        return _Invariants(sp.Integer(1), sp.Integer(0), sp.sympify(d), sp.sympify(d))
    if isinstance(Sigma, (np.ndarray, sp.MatrixBase)):
        return _matrix_invariants(_exact_matrix(Sigma))
    s2 = core.exact_number(Sigma)
    return _Invariants(s2 ** d, d * sp.log(s2), d * s2, d * s2 ** 2)


def _dim(d):
    """``d`` as a Python int when it is a number (the cache key of the per-``d`` forms), else the symbol."""
    return d if V.is_symbolic(d) else int(d)


@closed_form(d=D, Sigma=COVARIANCE, requires=_require)
def covariance_invariants(d, *, Sigma=None):
    r"""``CovarianceInvariants(log_det, trace, trace_of_square)``: :math:`(\log\det\Sigma,
    \operatorname{tr}\Sigma, \operatorname{tr}\Sigma^2)`, through which alone :math:`\Sigma` enters every result.

    Determinants multiply (:math:`\Sigma_n = L A_1\cdots` with :math:`\Sigma = LL^\top`) and the trace second
    moments are a recursion in :math:`(\operatorname{tr}\Sigma^2, (\operatorname{tr}\Sigma)^2)`.  For a
    scalar :math:`s^2`: :math:`(d\log s^2, ds^2, ds^4)`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> covariance_invariants(2, Sigma=[[2, 0.5], [0.5, 1]], exact=True)
    CovarianceInvariants(log_det=log(7/4), trace=3, trace_of_square=11/2)

    References
    ----------
    [muirhead1982]_, ch. 3.
    """
    inv = _invariants(Sigma, _dim(d))
    return CovarianceInvariants(inv.log_det, inv.trace, inv.trace_of_square)


# ----------------------------------------------------------------------------- one refit
_M = sp.Symbol("M", integer=True, positive=True)
_i = sp.Symbol("i", integer=True, positive=True)
_k, _t = sp.Symbol("k", positive=True), sp.Symbol("t", real=True)


def _scale(M, estimator):
    """:math:`c`: 1/(M-1) (unbiased) or 1/M (MLE)."""
    return 1 / (M - 1) if estimator == "unbiased" else 1 / M


def _rho(M, estimator):
    r""":math:`\rho = c(M-1)`, the one-refit factor of :math:`E[\Sigma_{n+1} \mid \Sigma_n]` (every first moment
    is built from it; a sampling bias :math:`\lambda` would multiply it)."""
    return sp.Integer(1) if estimator == "unbiased" else (M - 1) / M


#: Largest ``d`` whose products and sums over :math:`i` are written out term by term.
EXPAND_MAX = 64


def _large(d):
    return not V.is_symbolic(d) and d > EXPAND_MAX


def _over_i(term, d, kind):
    """``Product``/``Sum`` over :math:`i = 1..d`, written out for ``d <= EXPAND_MAX``; beyond, a ``Sum`` (a product
    as the exponential of a sum of logarithms) that mpmath evaluates as a loop."""
    if V.is_symbolic(d):
        return kind(term, (_i, 1, d))
    if d <= EXPAND_MAX:
        return kind(term, (_i, 1, d)).doit()
    if kind is sp.Sum:
        return sp.Sum(term, (_i, 1, d))
    log_term = sp.expand_log(sp.log(term), force=True).replace(lambda e: isinstance(e, sp.log) and isinstance(
        e.args[0], sp.gamma), lambda e: sp.loggamma(e.args[0].args[0]))
    return sp.exp(sp.Sum(log_term, (_i, 1, d)))


def _runs(d):
    r"""The arguments :math:`	frac{M-i}{2}`, :math:`i = 1..d`, as two runs of unit step: odd :math:`i` give
    :math:`x - j` with :math:`x = 	frac{M-1}{2}`, even :math:`i` give :math:`x = 	frac{M-2}{2}`,
    :math:`j = 0..m-1`.  Yields ``(x, m)``."""
    return ((_M - 1) / 2, (d + 1) // 2), ((_M - 2) / 2, d // 2)


def _psi_sum(s, d):
    r""":math:`\sum_{i=1}^d \psi^{(s)}(	frac{M-i}{2})` in closed form, by the telescoping identities
    :math:`\sum_{k<m}\psi(a+k) = (a+m-1)\psi(a+m) - (a-1)\psi(a) - m` and, for :math:`s \ge 1`,
    :math:`\sum_{k<m}\psi^{(s)}(a+k) = (a+m-1)\psi^{(s)}(a+m) - (a-1)\psi^{(s)}(a) + s[\psi^{(s-1)}(a+m) -
    \psi^{(s-1)}(a)]` on each run (:math:`a = x - m + 1`)."""
    total = 0
    for x, m in _runs(d):
        a = x - m + 1
        tel = (a + m - 1) * sp.polygamma(s, a + m) - (a - 1) * sp.polygamma(s, a)
        total += tel - m if s == 0 else tel + s * (sp.polygamma(s - 1, a + m) - sp.polygamma(s - 1, a))
    return total


def _rising_product(r, d):
    r""":math:`\prod_{i=1}^d \Gamma(	frac{M-i}{2}+r)/\Gamma(	frac{M-i}{2})` for an integer :math:`r \ge 0`:
    on a run, :math:`\prod_{j<m}\prod_{q<r}(x-j+q) = \prod_{q<r}\Gamma(x+q+1)/\Gamma(x+q-m+1)`."""
    return sp.Mul(*(sp.gamma(x + q + 1) / sp.gamma(x + q - m + 1) for x, m in _runs(d) for q in range(r)))


@functools.lru_cache(maxsize=None)
def _det_step_moment(estimator, d, r):
    r""":math:`E[(\det\Sigma_{n+1}/\det\Sigma_n)^r] = c^{rd}\prod_{i=1}^d E[(\chi^2_{M-i})^r]`, in ``_M``; for an
    integer :math:`r \ge 0` a polynomial in :math:`M` (for a large ``d``, :math:`2r` gamma ratios)."""
    if r.is_Integer and r >= 0:
        if _large(d):  # (2c)^(rd) as ((M-1)/2)^(-rd) rho^(rd): no 2^(rd) with thousands of digits
            return ((_M - 1) / 2) ** (-r * d) * _rho(_M, estimator) ** (r * d) * _rising_product(int(r), d)
        factor = sp.factor(2 ** r * sp.expand_func(sp.rf((_M - _i) / 2, r)))
    elif not V.is_symbolic(d) and not (2 * r).is_Integer:
        # log-gammas: exact products of gammas at (M-i)/2 + r do not simplify, and exact evaluation
        # (gammasimp, simplify) of them takes minutes at d = 20
        a = (_M - _i) / 2
        log_factor = r * sp.log(2) + sp.loggamma(a + r) - sp.loggamma(a)
        return _scale(_M, estimator) ** (r * d) * sp.exp(_over_i(log_factor, d, sp.Sum))
    else:
        factor = chi2_mellin(_k, _t).subs({_k: _M - _i, _t: r})
    return _scale(_M, estimator) ** (r * d) * _over_i(factor, d, sp.Product)


@functools.lru_cache(maxsize=None)
def _log_det_step_cumulant(order, estimator, d):
    r"""Cumulant of :math:`\log(\det\Sigma_{n+1}/\det\Sigma_n)`: a sum over :math:`i` of derivatives at 0 of
    :math:`\log E[(c\chi^2_{M-i})^t]`, in ``_M`` (the polygamma sum telescoped for a large ``d``)."""
    cgf = sp.expand_log(sp.log(_scale(_M, estimator) ** _t * chi2_mellin(_k, _t)), force=True)
    kappa = sp.simplify(sp.diff(cgf, _t, order).subs(_t, 0).subs(_k, _M - _i))
    if not _large(d):
        return _over_i(kappa, d, sp.Sum)
    psi = sp.polygamma(order - 1, (_M - _i) / 2)
    rest = sp.expand(kappa - psi)
    assert _i not in rest.free_symbols, kappa  # kappa = psi^(order-1)((M-i)/2) + a constant
    return d * rest + _psi_sum(order - 1, d)


def _det_moment_form(n, d, M, r, Sigma, estimator):
    inv = _invariants(Sigma, d)
    return inv.det ** r * _det_step_moment(estimator, d, r).xreplace({_M: M}) ** n


def _log_det_cumulant_form(order, n, d, M, Sigma, estimator):
    form = n * _log_det_step_cumulant(order, estimator, d).xreplace({_M: M})
    return form + _invariants(Sigma, d).log_det if order == 1 else form


# ----------------------------------------------------------------------------- first moments
def _require_matrix_at_one_n(**v):
    _require(**v)
    if isinstance(v["n"], np.ndarray) and isinstance(v["Sigma"], (np.ndarray, sp.MatrixBase)):
        raise ValueError("n must be a single generation when Sigma is a matrix (the result is a matrix)")


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require_matrix_at_one_n)
def expected_covariance(n, d, M, *, Sigma=None, estimator="unbiased"):
    r"""Expected fitted covariance :math:`E[\Sigma_n] = \rho^n\Sigma`: :math:`\rho = 1` (unbiased, a matrix
    martingale) or :math:`(M-1)/M` (MLE), since :math:`E[\mathrm{Wishart}_d(M-1, \Sigma_n)] = (M-1)\Sigma_n`.
    A matrix ``Sigma`` gives a matrix (one ``n``), ``None`` or :math:`s^2` the scalar :math:`\rho^n s^2`.

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

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, ch. 3.
    """
    if isinstance(Sigma, (np.ndarray, sp.MatrixBase)):
        return _rho(M, estimator) ** n * _exact_matrix(Sigma)
    return _rho(M, estimator) ** n * (1 if Sigma is None else core.exact_number(Sigma))


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def expected_trace(n, d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`E[\operatorname{tr}\Sigma_n] = \rho^n\operatorname{tr}\Sigma` (:math:`\rho` as in
    :func:`expected_covariance`; constant for the unbiased estimator).

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
    return _rho(M, estimator) ** n * _invariants(Sigma, _dim(d)).trace


# ----------------------------------------------------------------------------- determinant
@closed_form(n=n_, d=D, M=M_, r=POWER, Sigma=COVARIANCE, estimator=EST, requires=_require)
def det_moment(n, d, M, r=1, *, Sigma=None, estimator="unbiased"):
    r"""Raw moment :math:`E[(\det\Sigma_n)^r] = (\det\Sigma)^r\left(c^{rd}\prod_{i=1}^d
    \frac{2^r\Gamma(\frac{M-i}{2}+r)}{\Gamma(\frac{M-i}{2})}\right)^n`, :math:`r > -\frac{M-d}{2}`.

    One refit multiplies the determinant by :math:`c^d\prod_i\chi^2_{M-i}` with independent factors
    (Bartlett decomposition) and :math:`E[(\chi^2_k)^r]` is :func:`theory.gaussian.chi2_mellin`; for an
    integer ``r`` the gamma ratio is a rising factorial, a polynomial in ``M``.  Exact values (``exact=True``)
    carry any number of digits, so a float of them (``sympy.N``) serves any precision.

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
    return _det_moment_form(n, _dim(d), M, core.exact_number(r), Sigma, estimator)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def expected_det(n, d, M, *, Sigma=None, estimator="unbiased"):
    r"""Expected determinant :math:`E[\det\Sigma_n] = \det\Sigma\left(c^d\prod_{i=1}^d (M-i)\right)^n`.

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
    return _det_moment_form(n, _dim(d), M, sp.Integer(1), Sigma, estimator)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def variance_of_det(n, d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\det\Sigma_n] = (\det\Sigma)^2\left[\left(c^{2d}\prod_i (M-i)(M-i+2)\right)^n -
    \left(c^d\prod_i (M-i)\right)^{2n}\right]`, from :func:`det_moment` at ``r = 2`` and ``r = 1``.

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
    return _det_moment_form(n, d, M, sp.Integer(2), Sigma, estimator) \
        - _det_moment_form(n, d, M, sp.Integer(1), Sigma, estimator) ** 2


@closed_form(order=ORDER, n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def log_det_cumulant(order, n, d, M, *, Sigma=None, estimator="unbiased"):
    r"""Cumulant :math:`\kappa_j` of :math:`\log\det\Sigma_n`.

    .. math::

        \kappa_1 = \log\det\Sigma + n\sum_{i=1}^d\left[\psi\!\left(\tfrac{M-i}{2}\right) + \log 2c\right],
        \qquad \kappa_j = n\sum_{i=1}^d \psi^{(j-1)}\!\left(\tfrac{M-i}{2}\right)\ (j\ge 2):

    :math:`\log\det\Sigma_n - \log\det\Sigma` is a sum of :math:`nd` independent
    :math:`\log(c\chi^2_{M-i})`, whose cumulants are the derivatives at 0 of :math:`\log E[(c\chi^2_k)^t]`.

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
    return _log_det_cumulant_form(order, n, _dim(d), M, Sigma, estimator)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def expected_log_det(n, d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`E[\log\det\Sigma_n] = \log\det\Sigma + n\sum_{i=1}^d[\psi(\tfrac{M-i}{2}) + \log 2c]`: a random
    walk with negative drift.

    Each term is negative (Jensen: :math:`E\log\chi^2_{M-i} < \log(M-i) \le \log(M-1)`), so by the strong
    law :math:`\det\Sigma_n \to 0` almost surely: the :math:`d`-dimensional collapse.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_log_det(2, 2, 4, exact=True)
    -4*log(3) - 4*EulerGamma + 4

    References
    ----------
    [shumailov2024]_; [muirhead1982]_, Thm 3.2.14.
    """
    return _log_det_cumulant_form(1, n, _dim(d), M, Sigma, estimator)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def variance_of_log_det(n, d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\log\det\Sigma_n] = n\sum_{i=1}^d\psi'(\tfrac{M-i}{2})`, whatever the estimator and
    ``Sigma`` (the second cumulant of :func:`log_det_cumulant`).

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
    return _log_det_cumulant_form(2, n, _dim(d), M, Sigma, estimator)


@closed_form(i=V.Integer(1, doc=r"Index :math:`i` of the exponent (:math:`i \le d \le M - 1`).", example=1),
             M=M_, estimator=EST, requires=_require)
def lyapunov_exponent(i, M, estimator="unbiased"):
    r"""The ``i``-th Lyapunov exponent :math:`\gamma_i = \lim_n \tfrac1n\log\lambda_i(\Sigma_n) =
    \psi(\tfrac{M-i}{2}) + \log 2c` a.s. (:math:`\lambda_1 \ge \dots \ge \lambda_d`), from the products of
    Gaussian matrices :math:`\Sigma_n = c^n\Sigma^{1/2}G_1^\top\cdots G_n^\top G_n\cdots G_1\Sigma^{1/2}`.

    Independent of ``d``: :math:`\gamma_1` is the 1-D drift of :func:`theory.gaussian.expected_log_variance`
    (the *largest* eigenvalue collapses as fast as a 1-D variance); :math:`\sum_{i\le d}\gamma_i` is the drift
    of :func:`expected_log_det`.

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
    return sp.polygamma(0, (M - i) / 2) + sp.log(2 * _scale(M, estimator))


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


def _trace_second_moments(n, d, M, Sigma, estimator):
    inv = _invariants(Sigma, _dim(d))
    subs = {_n: n, _M: M, _a: inv.trace_of_square, _b: inv.trace ** 2}
    return TraceSecondMoments(*(f.xreplace(subs) for f in _trace_second_moment_forms(estimator)))


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def trace_second_moments(n, d, M, *, Sigma=None, estimator="unbiased"):
    r"""``TraceSecondMoments(expected_trace_of_square, expected_squared_trace)``: :math:`T^n` of
    :func:`trace_moment_matrix` applied to :math:`(a, b) = (\operatorname{tr}\Sigma^2, (\operatorname{tr}\Sigma)^2)`.

    .. math::

        E\operatorname{tr}\Sigma_n^2 = \frac{2a+b}{3}\lambda_+^n + \frac{a-b}{3}\lambda_-^n,\qquad
        E(\operatorname{tr}\Sigma_n)^2 = \frac{2a+b}{3}\lambda_+^n - \frac{2(a-b)}{3}\lambda_-^n,

    :math:`\lambda_+ = c^2(M-1)(M+1)` (eigenvector (1, 1)), :math:`\lambda_- = c^2(M-1)(M-2)` (eigenvector
    (1, -2)).  Unbiased: :math:`\lambda_+ = \frac{M+1}{M-1}`, the 1-D growth rate of :math:`E\sigma_n^4`.

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
    return _trace_second_moments(n, d, M, Sigma, estimator)


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def expected_trace_of_square(n, d, M, *, Sigma=None, estimator="unbiased"):
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
    return _trace_second_moments(n, d, M, Sigma, estimator).expected_trace_of_square


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def expected_squared_trace(n, d, M, *, Sigma=None, estimator="unbiased"):
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
    return _trace_second_moments(n, d, M, Sigma, estimator).expected_squared_trace


@closed_form(n=n_, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def variance_of_trace(n, d, M, *, Sigma=None, estimator="unbiased"):
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
    mean = _rho(M, estimator) ** n * _invariants(Sigma, _dim(d)).trace
    return _trace_second_moments(n, d, M, Sigma, estimator).expected_squared_trace - mean ** 2


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


# ----------------------------------------------------------------------------- distribution of log det
_BERNOULLI = [(float(sp.bernoulli(2 * k)) / (2 * k * (2 * k - 1)), 1 - 2 * k) for k in range(1, 9)]
_PHI_SERIES = [(-1) ** m / (m * (m - 1)) for m in range(2, 18)]


def _log1p(u):
    """:math:`\\log(1+u)` for complex ``u`` without cancellation at small ``|u|``."""
    x, y = u.real, u.imag
    return 0.5 * np.log1p(x * (2 + x) + y * y) + 1j * np.arctan2(y, 1 + x)


def _phi(u):
    """:math:`(1+u)\\log(1+u) - u = \\sum_{m\\ge2} (-1)^m u^m/(m(m-1))` (the series below :math:`|u| = 0.1`)."""
    out = (1 + u) * _log1p(u) - u
    small = np.abs(u) < 0.1
    us = u[small]
    out[small] = sum(coef * us ** (m + 2) for m, coef in enumerate(_PHI_SERIES))
    return out


def _log_mellin_increment(b, L, z, log2c):
    r""":math:`z\log 2c + \log\Gamma(b+z) - \log\Gamma(b)` (mod :math:`2\pi i`), real :math:`b > 0`, complex ``z``;
    ``L = log(2cb)`` free of rounding.  For :math:`b, |b+z| \ge 10`, Stirling's series as :math:`zL +
    b\varphi(z/b) - \tfrac12\log(1+z/b) + \sum_{k\le8} \frac{B_{2k}}{2k(2k-1)}[(b+z)^{1-2k} - b^{1-2k}]`: the
    log-gammas (order :math:`b\log b`) would round away a small result at large ``M``."""
    b, L, z = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(L, dtype=float),
                                  np.asarray(z, dtype=complex))
    w = b + z
    big = (b >= 10) & (np.abs(w) >= 10)
    out = np.empty(w.shape, dtype=complex)
    small = ~big
    out[small] = z[small] * log2c + special.loggamma(w[small]) - special.loggamma(b[small])
    bb, zz, ww = b[big], z[big], w[big]
    u = zz / bb
    series = sum(coef * (ww ** p - bb ** p) for coef, p in _BERNOULLI)
    out[big] = zz * L[big] + bb * _phi(u) - 0.5 * _log1p(u) + series
    return out


_GAUSS_X, _GAUSS_W = np.polynomial.legendre.leggauss(20)


def _adaptive_gauss(f, edges, density, rel=1e-14, max_panels=400_000):
    r""":math:`\int f` by adaptive bisection of the panels ``edges`` with 20-point Gauss-Legendre (``f`` vectorised);
    a panel is accepted when its halves agree within ``density`` times its width or ``rel`` relative."""
    lo, hi = np.asarray(edges[:-1], dtype=float), np.asarray(edges[1:], dtype=float)

    def gauss(a, b):
        half = (b - a)[:, None] / 2
        return (f((a + b)[:, None] / 2 + half * _GAUSS_X) * _GAUSS_W).sum(axis=1) * half[:, 0]

    total, whole = 0.0, gauss(lo, hi)
    while lo.size:
        if lo.size > max_panels:
            raise ArithmeticError("log_det_cdf: the inversion integral needs too many panels")
        mid = (lo + hi) / 2
        left, right = gauss(lo, mid), gauss(mid, hi)
        err = np.abs(whole - left - right)  # the error of the coarse panel: its halves are far better
        done = (err <= density * (hi - lo)) | (err <= rel * (np.abs(left) + np.abs(right)))
        total += math.fsum(left[done]) + math.fsum(right[done])
        keep = ~done
        lo, hi = np.concatenate([lo[keep], mid[keep]]), np.concatenate([mid[keep], hi[keep]])
        whole = np.concatenate([left[keep], right[keep]])
    return total


class _LogDetLaw:
    r"""The law of :math:`Y = \log\det\Sigma_n - \log\det\Sigma` and its CDF by exact inversion.

    :math:`K(s) = n\sum_{i=1}^d[s\log 2c + \log\Gamma(a_i+s) - \log\Gamma(a_i)]`, :math:`a_i = \tfrac{M-i}{2}`,
    for :math:`\operatorname{Re}s > -a_d`.  :math:`\delta_i = 2ca_i - 1` (exactly :math:`(1-i)/(M-1)` or
    :math:`-i/M`) gives :math:`\log 2c(a_i + s) = \log(1 + \delta_i + 2cs)` without rounding.
    """

    def __init__(self, n, d, M, estimator):
        i = np.arange(1, d + 1, dtype=float)
        self.n, self.a = n, (M - i) / 2.0
        c = 1.0 / (M - 1) if estimator == "unbiased" else 1.0 / M
        self.delta = (1 - i) / (M - 1) if estimator == "unbiased" else -i / M
        self.two_c, self.log2c = 2 * c, math.log(2 * c)
        self.edge = -self.a[-1]

    def increment(self, s, z):
        """:math:`K(s+z) - K(s)` for real ``s`` in the strip and an array of complex ``z``."""
        z = np.asarray(z, dtype=complex)[..., None]
        L = np.log1p(self.delta + self.two_c * s)
        return self.n * np.sum(_log_mellin_increment(self.a + s, L, z, self.log2c), axis=-1)

    def K(self, s):
        return float(self.increment(0.0, s).real)

    def dK(self, s):
        return self.n * float(np.sum(self.log2c + special.digamma(self.a + s)))

    def d2K(self, s):
        return self.n * float(np.sum(special.polygamma(1, self.a + s)))

    def saddle(self, y):
        r"""The minimiser of the Chernoff exponent :math:`K(s) - sy`: the root of :math:`K'(s) = y`, or the
        nearest point tried (:math:`K'` increases from :math:`-\infty` at the edge to :math:`\infty`)."""
        lo, hi = min(-0.5, self.edge / 2), 0.5
        while self.dK(hi) < y and hi < 1e15:
            hi *= 2
        for _ in range(60):
            if self.dK(lo) <= y:
                break
            lo = self.edge + (lo - self.edge) / 4
        else:
            return lo
        return hi if self.dK(hi) < y else optimize.brentq(lambda s: self.dK(s) - y, lo, hi, xtol=1e-15, rtol=1e-15)

    def tail(self, y, c):
        r""":math:`\frac{1}{\pi}\int_0^\infty \operatorname{Re}\frac{e^{K(c+it)-(c+it)y}}{c+it}\,dt`: :math:`P(Y > y)`
        for :math:`c > 0`, minus the CDF for :math:`c < 0`; cut where the (decreasing) modulus times :math:`t` is
        below :math:`10^{-17}` of the integral's scale :math:`K''(c)^{-1/2}/|c|`."""
        scale = 1.0 / math.sqrt(self.d2K(c))
        ref = scale / abs(c)

        def h(t):
            rows = max(1, 2 ** 20 // (t.shape[-1] * self.a.size))  # bound the (rows, 20, d) temporaries
            return np.concatenate([(np.exp(self.increment(c, 1j * u) - 1j * u * y) / (c + 1j * u)).real
                                   for u in np.array_split(t, max(1, -(-t.shape[0] // rows)))])

        def modulus(t):
            return math.exp(float(self.increment(c, 1j * t).real)) / abs(c + 1j * t)

        edges = [0.0, 8 * scale, 64 * scale]
        while modulus(edges[-1]) * max(edges[-1], 1.0) > 1e-17 * ref:
            if len(edges) > 200:
                raise ArithmeticError("log_det_cdf: the inversion integrand does not decay")
            edges.append(2 * edges[-1])
        floor = 1e-14 * (1 + abs(y) * scale)  # the phase K(c+it) - ity cancels terms of size |ty|
        total = _adaptive_gauss(h, edges, floor * ref / scale, floor)
        return math.exp(self.K(c) - c * y) * total / math.pi

    def cdf(self, y):
        s = self.saddle(y)
        chernoff = self.K(s) - s * y  # log of the best bound on the tail on the side of s
        if s < 0 and chernoff < -745:  # P(Y <= y) below the smallest double
            return 0.0
        if s > 0 and chernoff < -40:  # P(Y > y) < 5e-18: rounds to 1
            return 1.0
        c = s
        if abs(s) * math.sqrt(self.d2K(s)) < 1:  # near the median: a line one standard deviation of s aside
            c = math.copysign(1.0 / math.sqrt(self.d2K(0.0)), s)
            c = max(c, self.edge / 2)
        p = self.tail(y, c)
        p = 1.0 - p if c > 0 else -p
        if not -1e-12 <= p <= 1 + 1e-12:
            raise ArithmeticError(f"log_det_cdf: the inversion integral failed (got {p!r})")
        return min(max(p, 0.0), 1.0)


def _float_log_det(Sigma, d):
    return float(sp.N(_invariants(Sigma, d).log_det, 20))


@computed(y=V.Real(doc=r"Point :math:`y` at which the CDF of :math:`\log\det\Sigma_n` is evaluated.", example=-0.5),
          n=SCALAR_N, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def log_det_cdf(y, n, d, M, *, Sigma=None, estimator="unbiased"):
    r""":math:`P(\log\det\Sigma_n \le y)` by exact inversion of the moment generating function (numeric only).

    .. math::

        P(\log\det\Sigma_n \le y) = -\frac{1}{2\pi i}\int_{c-i\infty}^{c+i\infty} \frac{e^{K(s) - s(y -
        \log\det\Sigma)}}{s}\,ds \quad (c < 0), \qquad
        K(s) = n\sum_{i=1}^d \log\frac{(2c)^s\,\Gamma(\frac{M-i}{2}+s)}{\Gamma(\frac{M-i}{2})},

    and :math:`1 -` that integral for :math:`c > 0`; :math:`e^{K(s)}` is :func:`det_moment` at :math:`r = s`.
    The line passes through the saddle point :math:`K'(\hat s) = y` (no oscillation nor cancellation: tails to
    full relative precision) or, near the median, beside it; a Chernoff bound :math:`e^{K(s) - sy}` below
    :math:`10^{-320}` (or :math:`10^{-17}` for the upper tail) gives 0 (or 1).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import math
    >>> exact = 1 - math.exp(-1)  # n = d = 1, M = 3: chi-square(2)/2 <= e^0, exactly 1 - 1/e
    >>> abs(log_det_cdf(0.0, 1, 1, 3) - exact) < 1e-12
    True

    References
    ----------
    [daniels1954]_; [gilpelaez1951]_; [muirhead1982]_, Thm 3.2.15.
    """
    y = float(y) - _float_log_det(Sigma, d)
    if n == 0:
        return 1.0 if y >= 0 else 0.0
    return _LogDetLaw(n, d, M, estimator).cdf(y)


@computed(n=SCALAR_N, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, requires=_require)
def median_log_det(n, d, M, *, Sigma=None, estimator="unbiased"):
    r"""Median of :math:`\log\det\Sigma_n`: the root of :func:`log_det_cdf` ``= 1/2`` by Brent's method
    (numeric only); it falls linearly in ``n`` while :math:`E[\Sigma_n] = \Sigma`: the typical chain collapses.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import math
    >>> exact = math.log(math.log(2))  # n = d = 1, M = 3: log of the chi-square(2)/2 median, exactly ln ln 2
    >>> abs(median_log_det(1, 1, 3) - exact) < 1e-12
    True

    References
    ----------
    [daniels1954]_; [shumailov2024]_.
    """
    offset = _float_log_det(Sigma, d)
    if n == 0:
        return offset
    law = _LogDetLaw(n, d, M, estimator)
    centre = expected_log_det(n, d, M, estimator=estimator)
    spread = math.sqrt(variance_of_log_det(n, d, M, estimator=estimator))
    lo, hi = centre - 10 * spread - 1, centre + 10 * spread + 1
    return offset + optimize.brentq(lambda y: law.cdf(y) - 0.5, lo, hi, xtol=1e-12)
