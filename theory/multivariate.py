r"""Multivariate Gaussian refitting in dimension :math:`d`: collapse of the covariance.

The process
-----------
Generation 0 is :math:`N(\mu, \Sigma)` on :math:`\mathbb R^d`.  Generation
:math:`n+1` is the Gaussian fitted to :math:`M \ge d+1` i.i.d. samples
:math:`x_1, \dots, x_M` of generation :math:`n`:

.. math::

    \mu_{n+1} = \bar x, \qquad
    \Sigma_{n+1} = c \sum_i (x_i - \bar x)(x_i - \bar x)^\top, \qquad
    c = \tfrac{1}{M-1}\ \text{(unbiased)}\ \text{or}\ \tfrac{1}{M}\ \text{(MLE)}.

``n`` counts refits: :math:`\Sigma_0 = \Sigma`.  :math:`M \ge d+1` keeps
:math:`\Sigma_{n+1}` non-singular (almost surely).

The facts everything rests on
-----------------------------
Given generation :math:`n`, :math:`\sum_i (x_i-\bar x)(x_i-\bar x)^\top \sim
\mathrm{Wishart}_d(k, \Sigma_n)` with :math:`k = M-1`, independent of
:math:`\bar x \sim N(\mu_n, \Sigma_n/M)` (Muirhead 1982, Thm 3.1.2).  With
:math:`\Sigma_n = L_n L_n^\top` (Cholesky) and the Bartlett decomposition
:math:`W = A A^\top \sim \mathrm{Wishart}_d(k, I)`, :math:`A` lower triangular
with independent :math:`A_{ii}^2 \sim \chi^2_{k-i+1}` and :math:`A_{ij} \sim
N(0,1)` (:math:`i>j`) (Muirhead 1982, Thm 3.2.14),

.. math::

    L_{n+1} = \sqrt c\, L_n A_{n+1}, \qquad
    \det\Sigma_{n+1} = \det\Sigma_n \cdot c^d \prod_{i=1}^d \chi^2_{M-i}.

So :math:`\log\det\Sigma_n` is a sum of ``n d`` independent log-chi-square
terms, and every moment of :math:`\det\Sigma_n` follows from the chi-square
Mellin transform :func:`theory.gaussian.chi2_mellin`.  The Wishart second
moments (Muirhead 1982, Thm 3.3.15: :math:`\mathrm{Cov}(W_{ij}, W_{kl}) =
k(\Sigma_{ik}\Sigma_{jl} + \Sigma_{il}\Sigma_{jk})`) give

.. math::

    E[\operatorname{tr} W^2] = k(k+1)\operatorname{tr}\Sigma^2 + k(\operatorname{tr}\Sigma)^2,
    \qquad E[(\operatorname{tr} W)^2] = 2k\operatorname{tr}\Sigma^2 + k^2(\operatorname{tr}\Sigma)^2,

a linear map on :math:`(\operatorname{tr}\Sigma_n^2, (\operatorname{tr}\Sigma_n)^2)`
whose ``n``-th power sympy diagonalises (eigenvalues :math:`c^2k(k+2)` and
:math:`c^2k(k-1)`).

The collapse in ``d`` dimensions
--------------------------------
Unbiased: :math:`E[\Sigma_n] = \Sigma` for every ``n``, yet
:math:`E[\log\det\Sigma_n] = \log\det\Sigma + n\sum_{i=1}^d[\psi(\tfrac{M-i}{2})
+ \log\tfrac{2}{M-1}]` drifts to :math:`-\infty`, and even the *largest*
eigenvalue decays: the Lyapunov exponents of :math:`\Sigma_n` are
:math:`\gamma_i = \psi(\tfrac{M-i}{2}) + \log(2c) < 0` (Newman 1986 for
products of Gaussian matrices), so :math:`\Sigma_n \to 0` almost surely.
Meanwhile :math:`E\|\mu_n-\mu\|^2 = n\operatorname{tr}\Sigma/M` and the expected
squared Wasserstein-2 distance to the original grows without bound:

.. math::

    E[W_2^2] = E\|\mu_n-\mu\|^2 + E\operatorname{tr}\Sigma_n + \operatorname{tr}\Sigma
    - 2E[F_n], \qquad F_n = \operatorname{tr}(\Sigma^{1/2}\Sigma_n\Sigma^{1/2})^{1/2}.

:math:`E[F_n]` has no known closed form for :math:`d>1, n\ge1`; it is bracketed
exactly by :func:`fidelity_bounds` (AM-GM with the Mellin transform of the
determinant below, a concavity argument with :math:`c_4(d(M-1)+1)` above), and
the bracket closes geometrically in ``n`` and is exact for :math:`d=1`.

Conventions and sources
-----------------------
Shumailov et al., "AI models collapse when trained on recursively generated
data", Nature 631 (2024), multivariate Gaussian model collapse; Bartlett
decomposition and Wishart moments: R. J. Muirhead, *Aspects of Multivariate
Statistical Theory*, Wiley 1982, ch. 3; :math:`E[\det S] = \det\Sigma
\prod_{i=1}^d (M-i)/(M-1)` (../shared/references.md); Lyapunov exponents of
Gaussian matrix products: C. M. Newman, "The distribution of Lyapunov
exponents: exact results for random matrices", Comm. Math. Phys. 103 (1986).

Parameters common to every function: ``n`` (refits, int >= 0, or an array of
them), ``d`` (dimension, int >= 1), ``M`` (samples per generation,
int >= d + 1), ``Sigma`` and ``estimator`` (``"unbiased"`` or ``"mle"``).
``Sigma`` is ``None`` (the identity), a positive scalar ``s2`` (meaning
``s2 * I``; a sympy symbol allowed) or a ``d x d`` symmetric positive-definite
matrix (numpy array: float results; sympy ``Matrix``: exact results).  The
results depend on ``Sigma`` only through :math:`\log\det\Sigma`,
:math:`\operatorname{tr}\Sigma` and :math:`\operatorname{tr}\Sigma^2`.

Numbers in -> float out (an array for array ``n``); sympy in -> sympy out,
symbolic ``d`` and ``M`` allowed (products and sums over :math:`i=1..d` stay
``Product``/``Sum``); sympy integers give exact values.  The sympy expression
is the single source of truth: floats are that expression evaluated by mpmath
at 30 digits.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

from theory._validation import (check_estimator, check_generations, check_int, check_positive, check_real,
                                is_symbolic)
from theory.gaussian import chi2_mellin

__all__ = [
    "check_sigma", "expected_covariance", "expected_trace", "det_moment", "expected_det", "variance_of_det",
    "log_det_cumulant", "expected_log_det", "variance_of_log_det", "lyapunov_exponent",
    "trace_moment_matrix", "trace_second_moments", "expected_trace_of_square", "expected_squared_trace",
    "variance_of_trace", "mean_squared_displacement", "fidelity_bounds", "w2_squared_bounds",
    "w2_squared_limit", "log_det_cdf", "median_log_det",
]

# Canonical internal symbols; the user's values are substituted for them.
_n = sp.Symbol("n", integer=True, nonnegative=True)
_d = sp.Symbol("d", integer=True, positive=True)
_M = sp.Symbol("M", integer=True, positive=True)
_i = sp.Symbol("i", integer=True, positive=True)
_r = sp.Symbol("r", real=True)
_ld = sp.Symbol("logdetSigma", real=True)  # log det Sigma
_t1 = sp.Symbol("trSigma", positive=True)  # tr Sigma
_t2 = sp.Symbol("trSigma2", positive=True)  # tr Sigma^2
_k = sp.Symbol("k", positive=True)
_t = sp.Symbol("t", real=True)

_SYMS = (_n, _d, _M, _ld, _t1, _t2)
_DPS = 30


# ----------------------------------------------------------------------------- validation
def _as_sympy_matrix(Sigma):
    return isinstance(Sigma, sp.MatrixBase)


def check_sigma(Sigma, d):
    r"""Validate ``Sigma`` against dimension ``d``; return its invariants.

    Parameters
    ----------
    Sigma : None, positive scalar (number or sympy), numpy array or sympy Matrix
        ``None`` is the identity, a scalar ``s2`` is ``s2 * I``, a matrix must
        be ``d x d``, symmetric, finite and positive definite (checked by a
        Cholesky factorisation for numpy input, by sympy for a numeric sympy
        Matrix).
    d : int >= 1 or sympy expression

    Returns
    -------
    dict
        ``{"logdet": log det Sigma, "tr": tr Sigma, "tr2": tr Sigma^2}``;
        sympy values for sympy input (exact for a rational sympy Matrix),
        floats otherwise.

    Raises
    ------
    ValueError
        Naming ``"Sigma"`` (wrong shape, not symmetric, not positive definite,
        NaN) or ``"d"``.

    Notes
    -----
    .. math::

        \log\det\Sigma, \qquad \operatorname{tr}\Sigma, \qquad \operatorname{tr}\Sigma^2 = \sum_{ij}\Sigma_{ij}^2

    (for a scalar ``s2``: :math:`d\log s_2`, :math:`d s_2`, :math:`d s_2^2`).  Every closed form of this module
    depends on ``Sigma`` only through these three invariants.  numpy symmetry is checked with ``rtol = 1e-12``.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3 (Wishart moments depend on these
    invariants).
    """
    d = check_int(d, "d", minimum=1)
    if Sigma is None:
        if isinstance(d, sp.Basic):
            return {"logdet": sp.Integer(0), "tr": d, "tr2": d}
        return {"logdet": 0.0, "tr": float(d), "tr2": float(d)}
    if _as_sympy_matrix(Sigma):
        S = sp.Matrix(Sigma)
        if is_symbolic(d) or S.shape != (int(d), int(d)):
            raise ValueError(f"Sigma must be a d x d matrix with d = {d}, got shape {S.shape}")
        if any(not e.is_number for e in S):
            raise ValueError("Sigma as a sympy Matrix must have numeric entries (use a scalar symbol for s2 * I)")
        if S != S.T:
            raise ValueError("Sigma must be symmetric")
        if not S.is_positive_definite:
            raise ValueError("Sigma must be positive definite")
        return {"logdet": sp.log(S.det()), "tr": S.trace(), "tr2": (S * S).trace()}
    if isinstance(Sigma, (np.ndarray, list, tuple)):
        try:
            S = np.asarray(Sigma, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("Sigma must be a numeric d x d matrix") from None
        if is_symbolic(d) or S.shape != (int(d), int(d)):
            raise ValueError(f"Sigma must be a d x d matrix with d = {d}, got shape {S.shape}")
        if not np.all(np.isfinite(S)):
            raise ValueError("Sigma must be finite (no NaN or inf)")
        if not np.allclose(S, S.T, rtol=1e-12, atol=0):
            raise ValueError("Sigma must be symmetric")
        try:
            L = np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            raise ValueError("Sigma must be positive definite (Cholesky factorisation failed)") from None
        return {"logdet": float(2 * np.log(np.diag(L)).sum()), "tr": float(np.trace(S)), "tr2": float(np.sum(S * S))}
    s2 = check_positive(Sigma, "Sigma")
    if isinstance(s2, sp.Basic) or isinstance(d, sp.Basic):
        s2, dd = sp.sympify(s2), sp.sympify(d)
        return {"logdet": dd * sp.log(s2), "tr": dd * s2, "tr2": dd * s2 ** 2}
    return {"logdet": d * math.log(s2), "tr": d * float(s2), "tr2": d * float(s2) ** 2}


def _check_dM(d, M):
    d = check_int(d, "d", minimum=1)
    M = check_int(M, "M", minimum=2)
    if not is_symbolic(d, M) and int(M) < int(d) + 1:
        raise ValueError(f"M must be >= d + 1 = {int(d) + 1} (non-singular sample covariance), got {M}")
    return d, M


def _common(n, d, M, Sigma, estimator):
    check_estimator(estimator)
    n = check_generations(n)
    d, M = _check_dM(d, M)
    return n, d, M, check_sigma(Sigma, d)


# ----------------------------------------------------------------------------- derivation
def _scale(estimator):
    """c: 1/(M-1) (unbiased) or 1/M (MLE)."""
    return 1 / (_M - 1) if estimator == "unbiased" else 1 / _M


def _rho(estimator):
    """rho = c (M-1) = E[Sigma_{n+1}] / Sigma_n (matrix-wise)."""
    return sp.Integer(1) if estimator == "unbiased" else (_M - 1) / _M


@functools.lru_cache(maxsize=None)
def _det_ratio_moment(estimator, r=None):
    r""":math:`E[(\det\Sigma_{n+1}/\det\Sigma_n)^r] = c^{rd}\prod_{i=1}^d E[(\chi^2_{M-i})^r]` (``Product`` over i)."""
    rr = _r if r is None else sp.nsimplify(r)
    factor = chi2_mellin(_k, _t).subs({_t: rr, _k: _M - _i})
    if r is not None and sp.Integer(rr) == rr and rr >= 0:
        # Gamma(a + r)/Gamma(a) is the rising factorial (a)_r: a polynomial in M and i
        a = (_M - _i) / 2
        assert sp.simplify(factor - 2 ** rr * sp.gamma(a + rr) / sp.gamma(a)) == 0
        factor = sp.factor(2 ** rr * sp.expand_func(sp.rf(a, rr)))
    return _scale(estimator) ** (rr * _d) * sp.Product(factor, (_i, 1, _d))


@functools.lru_cache(maxsize=None)
def _log_det_step_cumulant(order, estimator):
    r"""Cumulant of :math:`\log(\det\Sigma_{n+1}/\det\Sigma_n)`: a ``Sum`` over i of log-chi-square cumulants."""
    cgf = sp.expand_log(sp.log(_scale(estimator) ** _t * chi2_mellin(_k, _t)), force=True)
    kappa = sp.simplify(sp.diff(cgf, _t, order).subs(_t, 0).subs(_k, _M - _i))
    return sp.Sum(kappa, (_i, 1, _d))


@functools.lru_cache(maxsize=None)
def trace_moment_matrix(estimator="unbiased"):
    r"""The one-step map :math:`T` of :math:`(E\operatorname{tr}\Sigma_n^2, E(\operatorname{tr}\Sigma_n)^2)`.

    .. math::

        \begin{pmatrix} E\operatorname{tr}\Sigma_{n+1}^2 \\ E(\operatorname{tr}\Sigma_{n+1})^2 \end{pmatrix}
        = c^2 \begin{pmatrix} k(k+1) & k \\ 2k & k^2 \end{pmatrix}
        \begin{pmatrix} E\operatorname{tr}\Sigma_n^2 \\ E(\operatorname{tr}\Sigma_n)^2 \end{pmatrix},
        \qquad k = M - 1,

    from the Wishart identities :math:`E[\operatorname{tr}W^2] = k(k+1)\operatorname{tr}\Sigma^2 +
    k(\operatorname{tr}\Sigma)^2` and :math:`E[(\operatorname{tr}W)^2] = k^2(\operatorname{tr}\Sigma)^2 +
    2k\operatorname{tr}\Sigma^2` for :math:`W\sim\mathrm{Wishart}_d(k,\Sigma)`
    (Muirhead 1982, Thm 3.3.15), applied conditionally on :math:`\Sigma_n`.
    The map does not depend on ``d`` and is closed for any :math:`\Sigma`.

    Parameters
    ----------
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    sympy.Matrix in the symbol ``M``.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.3.15 (Wishart
    second moments).
    """
    check_estimator(estimator)
    k = _M - 1
    return _scale(estimator) ** 2 * sp.Matrix([[k * (k + 1), k], [2 * k, k ** 2]])


@functools.lru_cache(maxsize=None)
def _trace_second_moment_exprs(estimator):
    """(E tr Sigma_n^2, E (tr Sigma_n)^2) via sympy's diagonalisation of T^n."""
    T = trace_moment_matrix(estimator)
    P, D = T.diagonalize()
    coef = (P.inv() * sp.Matrix([_t2, _t1 ** 2])).applyfunc(sp.factor)
    lam = [sp.factor(D[j, j]) for j in range(2)]
    return tuple(sum(sp.factor(P[row, j] * coef[j]) * lam[j] ** _n for j in range(2)) for row in range(2))


# ----------------------------------------------------------------------------- evaluation
@functools.lru_cache(maxsize=256)
def _mp_function(expr, d):
    e = expr.subs(_d, d).doit() if d is not None else expr.doit()
    return sp.lambdify((_n, _M, _ld, _t1, _t2), e, modules="mpmath")


def _mp_float(f, args):
    with mpmath.workdps(_DPS):
        vals = [mpmath.mpf(int(v)) if float(v).is_integer() else mpmath.mpf(float(v)) for v in args]
        out = f(*vals)
        if isinstance(out, mpmath.mpc):
            out = out.real
        return float(out)


def _evaluate(expr, n, d, M, inv, dps=None):
    """sympy in -> sympy out (exact at sympy numbers); numbers -> float (or an mpmath number at
    ``dps`` digits when ``dps`` is given); array n -> array."""
    vals = (n, d, M, inv["logdet"], inv["tr"], inv["tr2"])
    if any(isinstance(v, sp.Basic) for v in vals):
        out = expr.subs(dict(zip(_SYMS, [sp.sympify(v) for v in vals])))
        if not is_symbolic(*vals):
            out = out.doit()
            if not out.has(sp.gamma) and sp.count_ops(out) < 100:  # gamma products: simplify is very slow
                out = sp.simplify(out)
        elif not is_symbolic(d):
            out = out.doit()
        return out
    f = _mp_function(expr, int(d))
    rest = (M, inv["logdet"], inv["tr"], inv["tr2"])
    if dps is not None:
        if isinstance(n, np.ndarray):
            raise ValueError("dps needs a scalar n")
        with mpmath.workdps(dps):
            return +f(*[mpmath.mpf(int(v)) if float(v).is_integer() else mpmath.mpf(float(v)) for v in (n, *rest)])
    if isinstance(n, np.ndarray):
        return np.array([_mp_float(f, (k, *rest)) for k in n.ravel()], dtype=float).reshape(n.shape)
    return _mp_float(f, (n, *rest))


# ----------------------------------------------------------------------------- first moments
def expected_covariance(n, d, M, Sigma=None, estimator="unbiased"):
    r"""Expected fitted covariance :math:`E[\Sigma_n]`.

    .. math::

        E[\Sigma_n] = \rho^n\,\Sigma, \qquad \rho = 1\ \text{(unbiased: a matrix martingale)},
        \quad \rho = \tfrac{M-1}{M}\ \text{(MLE)},

    since :math:`E[\mathrm{Wishart}_d(M-1,\Sigma_n)] = (M-1)\Sigma_n`.

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    The same kind of object as ``Sigma``: ``rho**n * Sigma`` (numpy array,
    sympy Matrix), or for ``Sigma=None``/a scalar ``s2`` the scalar
    :math:`\rho^n s^2` with the understanding :math:`E[\Sigma_n] = \rho^n s^2 I`.

    Source: Shumailov et al. (2024); Muirhead (1982), Thm 3.2.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    factor = _evaluate(_rho(estimator) ** _n, n, d, M, inv)
    if Sigma is None:
        return factor
    if _as_sympy_matrix(Sigma):
        return sp.sympify(factor) * sp.Matrix(Sigma)
    if isinstance(Sigma, (np.ndarray, list, tuple)):
        S = np.asarray(Sigma, dtype=float)
        return np.multiply.outer(factor, S) if isinstance(factor, np.ndarray) else factor * S
    return factor * Sigma


def expected_trace(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`E[\operatorname{tr}\Sigma_n] = \rho^n\operatorname{tr}\Sigma` (:math:`\rho` as in
    :func:`expected_covariance`; constant for the unbiased estimator).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\operatorname{tr}\Sigma_n]`; float for numbers (numpy array when ``n`` is an array), sympy
        expression for sympy input.

    Notes
    -----
    .. math:: E[\operatorname{tr}\Sigma_n] = \rho^n\operatorname{tr}\Sigma, \qquad \rho = 1\ \text{(unbiased)},\
    \tfrac{M-1}{M}\ \text{(MLE)}

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3 (Wishart mean).
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    return _evaluate(_rho(estimator) ** _n * _t1, n, d, M, inv)


# ----------------------------------------------------------------------------- determinant
def det_moment(n, d, M, r=1, Sigma=None, estimator="unbiased", *, dps=None):
    r"""Raw moment :math:`E[(\det\Sigma_n)^r]` of the fitted generalised variance.

    .. math::

        E[(\det\Sigma_n)^r] = (\det\Sigma)^r\left(c^{rd}\prod_{i=1}^d
        \frac{2^r\,\Gamma(\tfrac{M-i}{2}+r)}{\Gamma(\tfrac{M-i}{2})}\right)^n,
        \qquad r > -\tfrac{M-d}{2},

    because one refit multiplies the determinant by :math:`c^d\prod_i\chi^2_{M-i}`
    (Bartlett decomposition, independent factors; Muirhead 1982, Thm 3.2.15)
    and :math:`E[(\chi^2_k)^r] = 2^r\Gamma(k/2+r)/\Gamma(k/2)`
    (:func:`theory.gaussian.chi2_mellin`).  For integer ``r`` the gamma ratio is
    the rising factorial, a polynomial in ``M``.

    Parameters
    ----------
    n, d, M, Sigma, estimator : see the module docstring.
    r : real
        Order; ``r = 1/(2d)`` enters :func:`fidelity_bounds`.
    dps : int, optional
        For numeric input: return an ``mpmath.mpf`` evaluated at ``dps`` digits
        instead of a float (used for exact kurtoses in :mod:`numerics.multivariate`).

    Returns
    -------
    float, numpy.ndarray, mpmath.mpf or sympy.Expr
        :math:`E[(\det\Sigma_n)^r]`; float for numbers (numpy array when ``n`` is an array), sympy expression for
        sympy input; an ``mpmath.mpf`` when ``dps`` is given.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.14 (Bartlett decomposition) and
    Thm 3.2.15 (law of the determinant);
    ../shared/references.md: :math:`E[\det S] = \det\Sigma\prod_{i=1}^d (M-i)/(M-1)`.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    r = check_real(r, "r")
    if not is_symbolic(r, d, M) and float(r) <= -(int(M) - int(d)) / 2:
        raise ValueError(f"r must be > -(M-d)/2 = {-(int(M) - int(d)) / 2} for the moment to exist, got {r!r}")
    base = _det_ratio_moment(estimator) if is_symbolic(r) else _det_ratio_moment(estimator, sp.nsimplify(r))
    expr = sp.exp(_r * _ld) * base ** _n
    if is_symbolic(r):
        return _evaluate(expr, n, d, M, inv).subs(_r, r)
    return _evaluate(expr.subs(_r, sp.nsimplify(r)), n, d, M, inv, dps)


def expected_det(n, d, M, Sigma=None, estimator="unbiased"):
    r"""Expected determinant :math:`E[\det\Sigma_n]`.

    .. math::

        E[\det\Sigma_n] = \det\Sigma\left(\prod_{i=1}^d\frac{M-i}{M-1}\right)^n\ \text{(unbiased)},
        \qquad \det\Sigma\left(\prod_{i=1}^d\frac{M-i}{M}\right)^n\ \text{(MLE)}.

    Decays geometrically for :math:`d \ge 2` even with the unbiased estimator
    (``E[det S] = det Sigma prod (M-i)/(M-1)``, ../shared/references.md).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\det\Sigma_n]`; float for numbers (numpy array when ``n`` is an array), sympy expression for sympy
        input.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.15; ../shared/references.md.
    """
    return det_moment(n, d, M, 1, Sigma, estimator)


def variance_of_det(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\det\Sigma_n] = E[(\det\Sigma_n)^2] - E[\det\Sigma_n]^2`, from :func:`det_moment`.

    .. math::

        \mathrm{Var}[\det\Sigma_n] = (\det\Sigma)^2\left[\left(c^{2d}\prod_{i=1}^d (M-i)(M-i+2)\right)^n
        - \left(c^{d}\prod_{i=1}^d (M-i)\right)^{2n}\right].

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`\mathrm{Var}[\det\Sigma_n]`; float for numbers (numpy array when ``n`` is an array), sympy expression
        for sympy input.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.15.
    """
    m2 = det_moment(n, d, M, 2, Sigma, estimator)
    m1 = det_moment(n, d, M, 1, Sigma, estimator)
    return m2 - m1 ** 2


def log_det_cumulant(order, n, d, M, Sigma=None, estimator="unbiased", *, dps=None):
    r"""Cumulant of order ``order`` of :math:`\log\det\Sigma_n`.

    .. math::

        \kappa_1 = \log\det\Sigma + n\sum_{i=1}^d\left[\psi\!\left(\tfrac{M-i}{2}\right) + \log 2c\right],
        \qquad \kappa_j = n\sum_{i=1}^d \psi^{(j-1)}\!\left(\tfrac{M-i}{2}\right)\ (j\ge 2),

    :math:`\log\det\Sigma_n - \log\det\Sigma` being a sum of ``n d`` independent
    :math:`\log(c\,\chi^2_{M-i})` terms (Bartlett); the cumulants of each are the
    derivatives at 0 of :math:`\log E[(c\chi^2_k)^t]`.  ``dps``: as in :func:`det_moment`.

    Parameters
    ----------
    order : int >= 1
        Order :math:`j` of the cumulant.
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.
    dps : int, optional
        As in :func:`det_moment`: return an ``mpmath.mpf`` at ``dps`` digits.

    Returns
    -------
    float, numpy.ndarray, mpmath.mpf or sympy.Expr
        :math:`\kappa_j(\log\det\Sigma_n)`; float for numbers (numpy array when ``n`` is an array), sympy expression
        for sympy input.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.14 (Bartlett decomposition);
    :math:`E\log\chi^2_k = \psi(k/2) + \log 2` (../shared/references.md).
    """
    order = check_int(order, "order", minimum=1)
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    expr = _n * _log_det_step_cumulant(int(order) if not is_symbolic(order) else order, estimator)
    if order == 1:
        expr = _ld + expr
    return _evaluate(expr, n, d, M, inv, dps)


def expected_log_det(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`E[\log\det\Sigma_n]`: a random walk with negative drift.

    .. math::

        E[\log\det\Sigma_n] = \log\det\Sigma + n\sum_{i=1}^d\left[\psi\!\left(\tfrac{M-i}{2}\right)
        + \log\tfrac{2}{M-1}\right]\quad\text{(unbiased; MLE: } \log\tfrac{2}{M}\text{)}.

    Each term is negative (Jensen: :math:`E\log\chi^2_{M-i} < \log(M-i) \le \log(M-1)`),
    so by the strong law :math:`\det\Sigma_n\to 0` almost surely: the
    :math:`d`-dimensional collapse (Shumailov et al. 2024).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\log\det\Sigma_n]`; float for numbers (numpy array when ``n`` is an array), sympy expression for
        sympy input.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.14 (Bartlett decomposition).
    """
    return log_det_cumulant(1, n, d, M, Sigma, estimator)


def variance_of_log_det(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\log\det\Sigma_n] = n\sum_{i=1}^d\psi'\!\left(\tfrac{M-i}{2}\right)` (any estimator).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`\mathrm{Var}[\log\det\Sigma_n]`; float for numbers (numpy array when ``n`` is an array), sympy
        expression for sympy input.

    Notes
    -----
    .. math:: \mathrm{Var}[\log\det\Sigma_n] = \kappa_2 = n\sum_{i=1}^d\psi'\!\left(\tfrac{M-i}{2}\right)

    The second cumulant of :func:`log_det_cumulant`; it does not depend on ``Sigma`` or the estimator.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.14 (Bartlett decomposition).
    """
    return log_det_cumulant(2, n, d, M, Sigma, estimator)


def lyapunov_exponent(i, M, estimator="unbiased"):
    r"""The ``i``-th Lyapunov exponent of :math:`\Sigma_n`: :math:`\lim_n \tfrac1n\log\lambda_i(\Sigma_n)`.

    .. math::

        \gamma_i = \psi\!\left(\tfrac{M-i}{2}\right) + \log(2c), \qquad i = 1, \dots, d,

    almost surely, with :math:`\lambda_1 \ge \dots \ge \lambda_d` the eigenvalues.
    In law :math:`\Sigma_n = c^n\Sigma^{1/2}G_1^\top\cdots G_n^\top G_n\cdots G_1\Sigma^{1/2}`
    with :math:`G_1` a :math:`(M-1)\times d` and :math:`G_{j\ge2}` :math:`(M-1)\times(M-1)`
    standard Gaussian matrices, whose exponents are
    :math:`\tfrac12(\psi(\tfrac{M-i}{2}) + \log 2)` (Newman 1986).  They do not
    depend on ``d``; :math:`\gamma_1` equals the 1-D drift of
    :func:`theory.gaussian.expected_log_variance`, so the *largest* eigenvalue
    collapses as fast as a 1-D variance, and :math:`\sum_{i\le d}\gamma_i` is
    the drift of :func:`expected_log_det`.

    Parameters
    ----------
    i : int >= 1 (index, i <= d <= M - 1)
    M : int >= i + 1
    estimator : {"unbiased", "mle"}

    Returns
    -------
    float or sympy.Expr
        :math:`\gamma_i < 0`: float for numbers, sympy expression for sympy input.

    References
    ----------
    Newman (1986), "The distribution of Lyapunov exponents: exact results for random matrices",
    Comm. Math. Phys. 103;
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    check_estimator(estimator)
    i = check_int(i, "i", minimum=1)
    M = check_int(M, "M", minimum=2)
    if not is_symbolic(i, M) and int(M) < int(i) + 1:
        raise ValueError(f"M must be >= i + 1 = {int(i) + 1}, got {M}")
    expr = sp.polygamma(0, (_M - _i) / 2) + sp.log(2 * _scale(estimator))
    if isinstance(i, sp.Basic) or isinstance(M, sp.Basic):
        out = expr.subs({_i: i, _M: M})
        return sp.simplify(out) if not is_symbolic(i, M) else out
    return _mp_float(sp.lambdify((_i, _M), expr, modules="mpmath"), (i, M))


# ----------------------------------------------------------------------------- traces
def trace_second_moments(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`(E[\operatorname{tr}\Sigma_n^2],\ E[(\operatorname{tr}\Sigma_n)^2])` in closed form.

    :math:`T^n` of :func:`trace_moment_matrix` by sympy's diagonalisation; with
    :math:`a = \operatorname{tr}\Sigma^2`, :math:`b = (\operatorname{tr}\Sigma)^2`,
    eigenvalues :math:`\lambda_+ = c^2(M-1)(M+1)` (eigenvector (1, 1)) and
    :math:`\lambda_- = c^2(M-1)(M-2)` (eigenvector (1, -2)):

    .. math::

        E\operatorname{tr}\Sigma_n^2 = \frac{2a+b}{3}\lambda_+^n + \frac{a-b}{3}\lambda_-^n,\qquad
        E(\operatorname{tr}\Sigma_n)^2 = \frac{2a+b}{3}\lambda_+^n - \frac{2(a-b)}{3}\lambda_-^n.

    Unbiased: :math:`\lambda_+ = \tfrac{M+1}{M-1}`, the 1-D growth rate of
    :math:`E\sigma_n^4`; for :math:`d=1` (:math:`a=b`) this is
    :func:`theory.gaussian.variance_moment` with ``r = 2``.

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    (E_tr_sq, E_sq_tr) : tuple
        :math:`(E[\operatorname{tr}\Sigma_n^2], E[(\operatorname{tr}\Sigma_n)^2])`, each float for numbers (numpy
        array when ``n`` is an array), sympy expression for sympy input.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.3.15 (Wishart second moments);
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    e1, e2 = _trace_second_moment_exprs(estimator)
    return _evaluate(e1, n, d, M, inv), _evaluate(e2, n, d, M, inv)


def expected_trace_of_square(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`E[\operatorname{tr}\Sigma_n^2]`, first entry of :func:`trace_second_moments`.

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[\operatorname{tr}\Sigma_n^2]`; float for numbers (numpy array when ``n`` is an array), sympy
        expression for sympy input.

    Notes
    -----
    .. math:: E\operatorname{tr}\Sigma_n^2 = \frac{2a+b}{3}\lambda_+^n + \frac{a-b}{3}\lambda_-^n,
        \qquad a = \operatorname{tr}\Sigma^2,\ b = (\operatorname{tr}\Sigma)^2

    with :math:`\lambda_\pm` as in :func:`trace_second_moments`.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.3.15.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    return _evaluate(_trace_second_moment_exprs(estimator)[0], n, d, M, inv)


def expected_squared_trace(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`E[(\operatorname{tr}\Sigma_n)^2]`, second entry of :func:`trace_second_moments`.

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E[(\operatorname{tr}\Sigma_n)^2]`; float for numbers (numpy array when ``n`` is an array), sympy
        expression for sympy input.

    Notes
    -----
    .. math:: E(\operatorname{tr}\Sigma_n)^2 = \frac{2a+b}{3}\lambda_+^n - \frac{2(a-b)}{3}\lambda_-^n,
        \qquad a = \operatorname{tr}\Sigma^2,\ b = (\operatorname{tr}\Sigma)^2

    with :math:`\lambda_\pm` as in :func:`trace_second_moments`.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.3.15.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    return _evaluate(_trace_second_moment_exprs(estimator)[1], n, d, M, inv)


def variance_of_trace(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`\mathrm{Var}[\operatorname{tr}\Sigma_n] = E[(\operatorname{tr}\Sigma_n)^2] - \rho^{2n}(\operatorname{tr}\Sigma)^2`.

    Unbiased, with :math:`a = \operatorname{tr}\Sigma^2`, :math:`b = (\operatorname{tr}\Sigma)^2`:

    .. math::

        \mathrm{Var}[\operatorname{tr}\Sigma_n] = \frac{2a+b}{3}\Big[\Big(\frac{M+1}{M-1}\Big)^n - 1\Big]
        - \frac{2(b-a)}{3}\Big[1 - \Big(\frac{M-2}{M-1}\Big)^n\Big],

    geometric growth at the 1-D rate :math:`(M+1)/(M-1)` (see :func:`trace_second_moments`).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`\mathrm{Var}[\operatorname{tr}\Sigma_n]`; float for numbers (numpy array when ``n`` is an array),
        sympy expression for sympy input.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.3.15;
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    e2 = _trace_second_moment_exprs(estimator)[1]
    expr = e2 - (_rho(estimator) ** _n * _t1) ** 2
    return _evaluate(expr, n, d, M, inv)


# ----------------------------------------------------------------------------- mean and W2
def mean_squared_displacement(n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`E\|\mu_n - \mu\|^2`, the random walk of the fitted mean.

    .. math::

        E\|\mu_n-\mu\|^2 = \frac1M\sum_{j=0}^{n-1}E\operatorname{tr}\Sigma_j
        = \frac{n\operatorname{tr}\Sigma}{M}\ \text{(unbiased)},\qquad
        \operatorname{tr}\Sigma\left[1-\left(\tfrac{M-1}{M}\right)^n\right]\ \text{(MLE)},

    since :math:`\mu_{j+1} = \mu_j + \Sigma_j^{1/2}Z_j/\sqrt M` with :math:`Z_j\sim N(0,I_d)`
    independent of the past (sample mean independent of the sample covariance).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or numpy.ndarray or sympy.Expr
        :math:`E\|\mu_n-\mu\|^2`; float for numbers (numpy array when ``n`` is an array), sympy expression for sympy
        input.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.1.2 (independence of sample mean and
    covariance).
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    expr = _msd_expr(estimator)
    return _evaluate(expr, n, d, M, inv)


@functools.lru_cache(maxsize=None)
def _msd_expr(estimator):
    j = sp.Symbol("j", integer=True, nonnegative=True)
    rho = _rho(estimator)
    if rho == 1:
        return _n * _t1 / _M
    return sp.simplify(_t1 / _M * (1 - rho ** _n) / (1 - rho))


@functools.lru_cache(maxsize=None)
def _fidelity_bound_exprs(estimator):
    """(lower, upper) of E F_n as expressions in the canonical symbols."""
    rho = _rho(estimator)
    kd = _d * (_M - 1)
    c4_kd = sp.sqrt(sp.Integer(2) / kd) * sp.gamma((kd + 1) / 2) / sp.gamma(kd / 2)  # c4(kd + 1)
    h = sp.sqrt(rho) * c4_kd
    g = _det_ratio_moment(estimator, None).subs(_r, 1 / (2 * _d))
    lower = _d * sp.exp(_ld / _d) * g ** _n
    upper = _t1 * h ** _n
    return lower, upper


def fidelity_bounds(n, d, M, Sigma=None, estimator="unbiased"):
    r"""Exact bracket of :math:`E[F_n]`, :math:`F_n = \operatorname{tr}(\Sigma^{1/2}\Sigma_n\Sigma^{1/2})^{1/2}`.

    .. math::

        d\,(\det\Sigma)^{1/d}\,g^n \;\le\; E[F_n] \;\le\; \operatorname{tr}\Sigma\; h^n,

    .. math::

        g = E\big[\det(c\,W)^{1/(2d)}\big] = c^{1/2}\prod_{i=1}^d
        \frac{2^{1/(2d)}\Gamma(\tfrac{M-i}{2}+\tfrac{1}{2d})}{\Gamma(\tfrac{M-i}{2})},\qquad
        h = \sqrt{\rho}\;c_4\big(d(M-1)+1\big).

    Lower: AM-GM on the eigenvalues, :math:`F_n \ge d\det(\Sigma\Sigma_n)^{1/(2d)}`, and
    :func:`det_moment` at :math:`r = 1/(2d)`.  Upper: :math:`F_n = \|\Sigma^{1/2}\Sigma_n^{1/2}\|_*
    \le \sqrt{\operatorname{tr}\Sigma\operatorname{tr}\Sigma_n}` (Hoelder), and given
    :math:`\Sigma_n` with eigenvalues :math:`\lambda_j`, :math:`\operatorname{tr}\Sigma_{n+1} =
    c\sum_j\lambda_j X_j` with i.i.d. :math:`X_j\sim\chi^2_{M-1}`; the map
    :math:`\lambda\mapsto E\sqrt{\sum_j\lambda_jX_j}` is concave and symmetric, so it is largest
    at equal :math:`\lambda_j`, where the sum is :math:`\chi^2_{d(M-1)}`: hence
    :math:`E[\sqrt{\operatorname{tr}\Sigma_{n+1}}\mid\Sigma_n] \le h\sqrt{\operatorname{tr}\Sigma_n}`.
    Both bounds equal :math:`E[F_n] = \sigma^2(\sqrt\rho\,c_4(M))^n` when :math:`d = 1`
    (:func:`theory.gaussian.expected_std`), and both tend to 0 geometrically.

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    (lower, upper)

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.14-3.2.15;
    W2 between Gaussians (../shared/references.md).
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    lo, up = _fidelity_bound_exprs(estimator)
    return _evaluate(lo, n, d, M, inv), _evaluate(up, n, d, M, inv)


def w2_squared_bounds(n, d, M, Sigma=None, estimator="unbiased"):
    r"""Exact bracket of :math:`E[W_2^2(N(\mu_n,\Sigma_n), N(\mu,\Sigma))]`.

    .. math::

        E[W_2^2] = E\|\mu_n-\mu\|^2 + \rho^n\operatorname{tr}\Sigma + \operatorname{tr}\Sigma - 2E[F_n],

    with :math:`E[F_n]` bracketed by :func:`fidelity_bounds`:

    .. math::

        E\|\mu_n-\mu\|^2 + (1+\rho^n)\operatorname{tr}\Sigma - 2\operatorname{tr}\Sigma\,h^n
        \;\le\; E[W_2^2] \;\le\;
        E\|\mu_n-\mu\|^2 + (1+\rho^n)\operatorname{tr}\Sigma - 2d(\det\Sigma)^{1/d}g^n.

    The lower bound is at least :math:`E\|\mu_n-\mu\|^2 = n\operatorname{tr}\Sigma/M\to\infty`
    (unbiased): the paper's :math:`E[W_2^2]\to\infty`.  The width
    :math:`2(\operatorname{tr}\Sigma\,h^n - d(\det\Sigma)^{1/d}g^n)` tends to 0
    geometrically, so :math:`E[W_2^2] = n\operatorname{tr}\Sigma/M + 2\operatorname{tr}\Sigma
    + O(h^n)` (unbiased), and both bounds equal :func:`theory.gaussian.expected_w2_squared`
    for :math:`d=1`.  Source: W2 between Gaussians (references.md), Shumailov et al. (2024).

    Parameters
    ----------
    n : int >= 0, array of int, or sympy expression
        Number of refits (generation 0 is the original).
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    (lower, upper)

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    W2 between Gaussians :math:`|m_1-m_2|^2 + \operatorname{tr}(S_1 + S_2 - 2(S_2^{1/2}S_1S_2^{1/2})^{1/2})`
    (../shared/references.md).
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    lo_f, up_f = _fidelity_bound_exprs(estimator)
    base = _msd_expr(estimator) + (1 + _rho(estimator) ** _n) * _t1
    return _evaluate(base - 2 * up_f, n, d, M, inv), _evaluate(base - 2 * lo_f, n, d, M, inv)


def w2_squared_limit(d, M, Sigma=None, estimator="unbiased"):
    r""":math:`\lim_n E[W_2^2]`: :math:`\infty` (unbiased) or :math:`2\operatorname{tr}\Sigma` (MLE).

    Both bounds of :func:`w2_squared_bounds` have this limit: the geometric
    terms vanish because :math:`\rho<1` (MLE), :math:`h = \sqrt\rho\,c_4 < 1` and
    :math:`g < 1` (by Jensen, :math:`g^{2d} < E\det(cW) = \prod(M-i)c^d \le 1`);
    with the MLE :math:`E\|\mu_n-\mu\|^2 \to \operatorname{tr}\Sigma`.
    Returns ``inf``/a float for numeric input, a sympy expression otherwise.

    Parameters
    ----------
    d : int >= 1 or sympy expression
        Dimension.
    M : int >= d + 1 or sympy expression
        Samples drawn from each generation to fit the next.
    Sigma : None, positive scalar, numpy array or sympy Matrix, default None
        Original covariance: ``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`, a matrix must be ``d x d``
        symmetric positive definite (see :func:`check_sigma`).
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float or sympy.Expr
        ``math.inf`` (unbiased) or :math:`2\operatorname{tr}\Sigma` (MLE) for numbers; ``sympy.oo`` or a
        sympy expression when ``d``, ``M`` or ``Sigma`` is a sympy object.

    Notes
    -----
    .. math::

        \lim_{n\to\infty}E[W_2^2] = \infty\ \text{(unbiased)}, \qquad 2\operatorname{tr}\Sigma\ \text{(MLE)}.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse (the unbiased
    error is unbounded).
    """
    check_estimator(estimator)
    d, M = _check_dM(d, M)
    inv = check_sigma(Sigma, d)
    if estimator == "unbiased":
        return sp.oo if isinstance(inv["tr"], sp.Basic) or isinstance(M, sp.Basic) else math.inf
    tr = inv["tr"]
    return 2 * tr if isinstance(tr, sp.Basic) else 2.0 * float(tr)


# ----------------------------------------------------------------------------- distribution of log det
def _log_cf(u, n, d, M, estimator):
    """log characteristic function of log(det Sigma_n / det Sigma) at real u (array)."""
    c = 1.0 / (M - 1) if estimator == "unbiased" else 1.0 / M
    a = (M - np.arange(1, d + 1)) / 2.0
    one = d * 1j * u * math.log(2 * c)
    one = one + sum(special.loggamma(ai + 1j * u) - special.loggamma(ai) for ai in a)
    return n * one


def log_det_cdf(y, n, d, M, Sigma=None, estimator="unbiased"):
    r""":math:`P(\log\det\Sigma_n \le y)`, exact to quadrature precision (Gil-Pelaez inversion).

    .. math::

        P(\log\det\Sigma_n \le y) = \frac12 - \frac1\pi\int_0^\infty
        \frac{\operatorname{Im}[e^{-iuy}\varphi(u)]}{u}\,du,\qquad
        \varphi(u) = (\det\Sigma)^{iu}\Big(c^{iud}\prod_{i=1}^d
        \frac{2^{iu}\Gamma(\tfrac{M-i}{2}+iu)}{\Gamma(\tfrac{M-i}{2})}\Big)^n,

    the characteristic function being :func:`det_moment` at :math:`r = iu`.
    Numeric only.

    Parameters
    ----------
    y : float
        Point at which the CDF of :math:`\log\det\Sigma_n` is evaluated.
    n : int >= 0
        Number of refits (a plain number).
    d : int >= 1
        Dimension.
    M : int >= d + 1
        Samples drawn from each generation to fit the next.
    Sigma : None, positive float or numpy array, default None
        Original covariance (``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`); numeric only.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float
        :math:`P(\log\det\Sigma_n \le y)` in [0, 1] (``n = 0``: the step at :math:`\log\det\Sigma`).

    References
    ----------
    Gil-Pelaez, "Note on the inversion theorem", Biometrika 38 (1951);
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3, Thm 3.2.15;
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    if isinstance(n, np.ndarray) or is_symbolic(n, d, M) or isinstance(inv["logdet"], sp.Basic):
        raise ValueError("n, d, M and Sigma must be plain numbers for log_det_cdf")
    y = float(check_real(y, "y")) - float(inv["logdet"])
    if n == 0:
        return 1.0 if y >= 0 else 0.0
    d, M = int(d), int(M)
    scale = math.sqrt(float(variance_of_log_det(n, d, M, None, estimator)))

    def integrand(u):
        return np.imag(np.exp(-1j * u * y + _log_cf(u, n, d, M, estimator))) / u

    upper = 40.0 / scale
    val, _ = integrate.quad(integrand, 0, upper, limit=400, epsabs=1e-13, epsrel=1e-11)
    tail, _ = integrate.quad(integrand, upper, np.inf, limit=400, epsabs=1e-13)
    return float(0.5 - (val + tail) / math.pi)


def median_log_det(n, d, M, Sigma=None, estimator="unbiased"):
    r"""Median of :math:`\log\det\Sigma_n` (so :math:`e^{\text{median}}` is the median determinant).

    Solves :func:`log_det_cdf` ``= 1/2`` by Brent's method; numeric only.  It
    decreases linearly in ``n`` at the rate of :func:`expected_log_det`, while
    :math:`E[\Sigma_n] = \Sigma` (unbiased): the typical chain collapses.

    Parameters
    ----------
    n : int >= 0
        Number of refits (a plain number).
    d : int >= 1
        Dimension.
    M : int >= d + 1
        Samples drawn from each generation to fit the next.
    Sigma : None, positive float or numpy array, default None
        Original covariance (``None`` is :math:`I_d`, a scalar ``s2`` is :math:`s_2 I_d`); numeric only.
    estimator : {"unbiased", "mle"}, default "unbiased"
        Covariance estimator: :math:`c = 1/(M-1)` or :math:`c = 1/M`.

    Returns
    -------
    float
        The median :math:`y^*` of :math:`\log\det\Sigma_n` (``n = 0``: :math:`\log\det\Sigma`).

    Notes
    -----
    .. math:: P(\log\det\Sigma_n \le y^*) = \tfrac12

    bracketed by :math:`\kappa_1 \pm (10\sqrt{\kappa_2} + 1)` and solved to ``xtol = 1e-12``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Gil-Pelaez inversion as in :func:`log_det_cdf`.
    """
    n, d, M, inv = _common(n, d, M, Sigma, estimator)
    if isinstance(n, np.ndarray) or is_symbolic(n, d, M) or isinstance(inv["logdet"], sp.Basic):
        raise ValueError("n, d, M and Sigma must be plain numbers for median_log_det")
    if n == 0:
        return float(inv["logdet"])
    centre = float(expected_log_det(n, d, M, Sigma, estimator))
    spread = math.sqrt(float(variance_of_log_det(n, d, M, Sigma, estimator)))
    lo, hi = centre - 10 * spread - 1, centre + 10 * spread + 1
    return float(optimize.brentq(lambda y: log_det_cdf(y, n, d, M, Sigma, estimator) - 0.5, lo, hi, xtol=1e-12))
