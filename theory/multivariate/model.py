r"""The model: the parameters (domains), how :math:`\Sigma` enters (its invariants) and one refit.

Shared by the other parts of :mod:`theory.multivariate`; ``COVARIANCE`` also validates ``Sigma`` in
:mod:`numerics.multivariate`.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
import sympy as sp
from sympy.polys.matrices import DomainMatrix

from theory import core
from theory import validation as V
from theory.core import closed_form
from theory.gaussian import BIAS as _BIAS_1D
from theory.gaussian import DERIVE_MAX, _polygamma, chi2_mellin

__all__ = ["covariance_invariants", "CovarianceInvariants"]


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
ORDER = V.Integer(1, doc="Order :math:`j` of the cumulant.", example=2, symbolic=False, exact_max=1000).as_value()
#: Largest order ``|r|`` of a determinant moment built as explicit sympy numbers (exact evaluation is limited to it).
POWER_EXPAND_MAX = 16
POWER = V.Real(doc=r"Order :math:`r > -(M-d)/2` of the moment (``r = 1/(2d)`` enters :func:`fidelity_bounds`).",
               example=2, exact_max=POWER_EXPAND_MAX).as_value()
SCALAR_N = V.Integer(0, doc="Number of refits (a scalar).", example=3)
BIAS = _BIAS_1D.with_doc(r"Sampling bias :math:`\lambda`: every generation samples from "
                         r":math:`N(\mu_n, \lambda\Sigma_n)` (1: unbiased sampling).")


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
    is built from it)."""
    return sp.Integer(1) if estimator == "unbiased" else (M - 1) / M


def _is_one(bias):
    return not V.is_symbolic(bias) and bias == 1


def _lam(bias, power):
    r""":math:`\lambda^{p}`: a sampling bias scales :math:`\Sigma_n` by :math:`\lambda^n` (exactly 1 without bias)."""
    return sp.Integer(1) if _is_one(bias) else bias ** power


def _lam_rho(M, estimator, bias):
    r""":math:`\lambda\rho`, the one-refit factor of :math:`E[\Sigma_{n+1} \mid \Sigma_n]` with a sampling bias."""
    return _rho(M, estimator) * _lam(bias, 1)


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
    if abs(r) > POWER_EXPAND_MAX:  # r as a 60-digit Float: an exact r would expand 2**r into |r| bits
        u, a = sp.Float(r, 60), (_M - _i) / 2
        log_factor = u * sp.log(2) + sp.loggamma(a + u) - sp.loggamma(a)
        return sp.exp(u * d * sp.log(_scale(_M, estimator)) + _over_i(log_factor, d, sp.Sum))
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
    if order > DERIVE_MAX:  # the derivative it gives, without order-fold sympy diffs (a Sum's doit would
        if V.is_symbolic(d) or _large(d):  # evaluate the factorial of a huge order exactly)
            return sp.Sum(_polygamma(order - 1, (_M - _i) / 2), (_i, 1, d))
        return sp.Add(*[_polygamma(order - 1, (_M - i) / 2) for i in range(1, d + 1)])
    cgf = sp.expand_log(sp.log(_scale(_M, estimator) ** _t * chi2_mellin(_k, _t)), force=True)
    kappa = sp.simplify(sp.diff(cgf, _t, order).subs(_t, 0).subs(_k, _M - _i))
    if not _large(d):
        return _over_i(kappa, d, sp.Sum)
    psi = sp.polygamma(order - 1, (_M - _i) / 2)
    rest = sp.expand(kappa - psi)
    assert _i not in rest.free_symbols, kappa  # kappa = psi^(order-1)((M-i)/2) + a constant
    return d * rest + _psi_sum(order - 1, d)


def _det_moment_form(n, d, M, r, Sigma, estimator, bias=1):
    inv = _invariants(Sigma, d)
    power = sp.Float(r, 60) if abs(r) > POWER_EXPAND_MAX else r  # det(Sigma)**r for a huge r: not |r| exact bits
    return inv.det ** power * _lam(bias, r * d * n) * _det_step_moment(estimator, d, r).xreplace({_M: M}) ** n


def _log_det_cumulant_form(order, n, d, M, Sigma, estimator, bias=1):
    form = n * _log_det_step_cumulant(order, estimator, d).xreplace({_M: M})
    if order != 1:
        return form
    return form + _invariants(Sigma, d).log_det + (0 if _is_one(bias) else n * d * sp.log(bias))
