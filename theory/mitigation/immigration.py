r"""Fresh data in the discrete case: Wright-Fisher resampling with immigration.

A categorical model :math:`x_n` on ``K`` categories; the next model is the empirical distribution of
:math:`\mathrm{Mult}(m_r, p) + \mathrm{Mult}(m_s, x_n)` counts (:math:`m_r = \alpha M` fresh samples of
the original ``p``, exact split).  The chain no longer absorbs.  The heterozygosity (Gini-Simpson
diversity) :math:`H = 1-\sum_k x_k^2` follows an affine recursion,

.. math::

    E[H_{n+1}] = b\left(b-\tfrac1M\right)E[H_n] + H_p\left(1-b^2-\tfrac aM\right), \qquad
    H_\infty = H_p\,\frac{a\,(1+b-1/M)}{a(1+b) + b/M}, \qquad a = \alpha,\ b = 1-\alpha,

because :math:`E[x_n] = p` for all ``n`` (theorem ``MIXING_DISCRETE`` of :mod:`proofs.mitigation`).  For
two types the transition matrix, its stationary law and its eigenvalues
:math:`\lambda_j = m_s^{\underline j}/M^j` are exact.  Sources: [ewens2004]_, [durrett2008]_ (Wright-Fisher
with immigration); [shumailov2024]_ for the setting.
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import numpy as np
import sympy as sp
from scipy import stats

from theory import validation as V
from theory.core import closed_form, computed
from theory.mitigation._common import ALPHA, MIX_M, exact_alpha, fresh_count, require_split

__all__ = ["heterozygosity_recursion", "stationary_heterozygosity", "expected_heterozygosity_mixing",
           "wf_mixing_transition_matrix", "wf_mixing_stationary", "wf_mixing_eigenvalues",
           "HeterozygosityRecursion"]


class _OriginalLaw(V.Domain):
    """A probability vector, or a sympy symbol ``p`` meaning the two-type law ``(p, 1 - p)``."""

    def __init__(self):
        super().__init__("Original categorical distribution (``K >= 2`` probabilities); a sympy symbol ``p`` "
                         "means two types with probabilities ``(p, 1 - p)``.", (0.5, 0.3, 0.2))
        self._vector = V.ProbabilityVector()

    def check(self, value, name):
        if isinstance(value, sp.Basic) and value.free_symbols and not isinstance(value, sp.MatrixBase):
            return (value, 1 - value)
        return self._vector.check(value, name)

    def describe(self):
        return "1-D array of >= 2 probabilities summing to 1, or a sympy symbol"


P = _OriginalLaw()
P_TYPE1 = V.Real(0, 1, doc="Original probability of type 1.", example=0.3)
#: alpha and M of a (M + 1) x (M + 1) matrix: numbers only (its size is M + 1)
ALPHA_NUMBER = V.Real(0, 1, doc=ALPHA.doc, example=0.5, symbolic=False)
M_NUMBER = V.Integer(2, doc="Samples per generation.", example=6, symbolic=False)


class HeterozygosityRecursion(NamedTuple):
    """:math:`E[H_{n+1}] = \\lambda E[H_n] + c`."""
    rate: object
    constant: object


def _heterozygosity(p):
    return 1 - sum(sp.sympify(v) ** 2 for v in p)


def _lam_c(alpha, M, p):
    a = alpha
    b = 1 - a
    return b * (b - 1 / M), _heterozygosity(p) * (1 - b ** 2 - a / M)


@closed_form(alpha=ALPHA, M=MIX_M, p=P, requires=lambda alpha, M, p: require_split(alpha, M))
def heterozygosity_recursion(alpha, M, p):
    r"""Affine recursion :math:`E[H_{n+1}] = \lambda E[H_n] + c` of the expected Gini-Simpson diversity.

    .. math::

        \lambda = (1-\alpha)\Bigl(1-\alpha-\frac1M\Bigr),\qquad
        c = H_p\Bigl(1 - (1-\alpha)^2 - \frac{\alpha}{M}\Bigr),\qquad H_p = 1-\sum_k p_k^2;

    ``alpha = 0`` gives :math:`\lambda = 1 - 1/M`, the neutral Wright-Fisher decay.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    HeterozygosityRecursion

    Examples
    --------
    >>> heterozygosity_recursion(1/2, 4, [1/2, 1/2], exact=True)
    HeterozygosityRecursion(rate=1/8, constant=5/16)

    References
    ----------
    [ewens2004]_; [durrett2008]_; [shumailov2024]_.
    """
    return HeterozygosityRecursion(*_lam_c(alpha, M, p))


#: Largest ``M`` of the dense (M + 1) x (M + 1) chain: float (a stationary least-squares solve ~0.7 s at 1000) and
#: exact (rational elimination: ~1.6 s at 40, 30 s at 80); the eigenvalues are a vector: float and exact limits.
WF_FLOAT_MAX_M, WF_EXACT_MAX_M = 1000, 40
WF_EIGENVALUES_MAX_M, WF_EIGENVALUES_EXACT_MAX_M = 10 ** 7, 320


def _require_size(M, exact, float_max=WF_FLOAT_MAX_M, exact_max=WF_EXACT_MAX_M):
    """ValueError naming ``M`` where the chain is out of reach (before any array of its size is built)."""
    limit = exact_max if exact else float_max
    if not V.is_symbolic(M) and M > limit:
        raise ValueError(f"M = {M}: the {'exact' if exact else 'float'} two-type chain with immigration is limited "
                         f"to M <= {limit}" + ("; use exact=False (float64)" if exact and M <= float_max else ""))


def _require_fresh(alpha, M, p):
    require_split(alpha, M)
    if not V.is_symbolic(alpha, M) and fresh_count(alpha, M) == 0:
        raise ValueError("alpha must be > 0 (at least one fresh sample): without fresh data the chain absorbs")


@closed_form(alpha=ALPHA, M=MIX_M, p=P, requires=_require_fresh)
def stationary_heterozygosity(alpha, M, p):
    r"""Stationary expected diversity :math:`H_\infty = c/(1-\lambda) = H_p\frac{\alpha(2-\alpha-1/M)}
    {\alpha(2-\alpha) + (1-\alpha)/M}` (``alpha > 0``).

    ``alpha = 1``: :math:`H_p(1-1/M)`, the diversity of an empirical law of ``M`` fresh samples; equals
    :math:`E_\pi[H]` under :func:`wf_mixing_stationary`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> stationary_heterozygosity(1/2, 4, [1/2, 1/2], exact=True)
    5/14

    References
    ----------
    [ewens2004]_; [durrett2008]_.
    """
    lam, c = _lam_c(alpha, M, p)
    return sp.factor(sp.simplify(c / (1 - lam)))


@closed_form(n=V.GENERATIONS, alpha=ALPHA, M=MIX_M, p=P, requires=lambda n, alpha, M, p: require_split(alpha, M))
def expected_heterozygosity_mixing(n, alpha, M, p):
    r"""Exact :math:`E[H_n] = H_\infty + (H_p - H_\infty)\lambda^n` with real-data fraction ``alpha``.

    :math:`\lambda`, :math:`c` from :func:`heterozygosity_recursion`; for ``alpha = 0`` the neutral law
    :math:`H_p(1-1/M)^n`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_heterozygosity_mixing(2, 1/2, 4, [1/2, 1/2], exact=True)
    23/64
    >>> expected_heterozygosity_mixing(3, 0, 4, [1/2, 1/2], exact=True)  # (1/2)(3/4)^3
    27/128

    References
    ----------
    [ewens2004]_; [durrett2008]_; [shumailov2024]_.
    """
    lam, c = _lam_c(alpha, M, p)
    hp = _heterozygosity(p)
    return sp.simplify(hp * lam ** n + c * (1 - lam ** n) / (1 - lam))  # lambda < 1 for every M >= 2


def _binomial_exact(m, q):
    return [sp.binomial(m, i) * q ** i * (1 - q) ** (m - i) for i in range(m + 1)]


@computed(exact=True, symbolic=True, alpha=ALPHA_NUMBER, M=M_NUMBER, p=P_TYPE1,
          requires=lambda alpha, M, p: require_split(alpha, M))
def wf_mixing_transition_matrix(alpha, M, p, *, exact=False):
    r"""Transition matrix of the two-type count chain with immigration: :math:`P_{ij}` is the law of
    :math:`\mathrm{Bin}(m_r, p) + \mathrm{Bin}(m_s, i/M)` at ``j`` (states :math:`0..M`).

    A convolution of two binomial laws (exact-split convention); ``p`` may be a sympy symbol (``alpha`` and
    ``M``, which fix the size of the matrix, must be numbers). ``M`` is at most :data:`WF_FLOAT_MAX_M` (float) or
    :data:`WF_EXACT_MAX_M` (exact).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    numpy.ndarray or sympy.ImmutableMatrix, shape (M + 1, M + 1)

    Examples
    --------
    >>> wf_mixing_transition_matrix(1/2, 2, 1/2, exact=True)
    Matrix([
    [1/2, 1/2,   0],
    [1/4, 1/2, 1/4],
    [  0, 1/2, 1/2]])

    References
    ----------
    [ewens2004]_; [durrett2008]_.
    """
    _require_size(M, exact)
    mr = int(fresh_count(alpha, M))
    ms = M - mr
    if exact:
        q = p if isinstance(p, sp.Basic) else sp.Rational(p.numerator, p.denominator) if isinstance(
            p, Fraction) else sp.Integer(p)
        r = _binomial_exact(mr, q)
        P = sp.zeros(M + 1, M + 1)
        for i in range(M + 1):
            s = _binomial_exact(ms, sp.Rational(i, M))
            for k in range(mr + 1):
                for l in range(ms + 1):
                    P[i, k + l] += r[k] * s[l]
        return sp.ImmutableMatrix(P.applyfunc(sp.expand) if V.is_symbolic(p) else P)
    r = stats.binom.pmf(np.arange(mr + 1), mr, float(p))
    P = np.zeros((M + 1, M + 1))
    for i in range(M + 1):
        P[i] = np.convolve(r, stats.binom.pmf(np.arange(ms + 1), ms, i / M))
    return P


@computed(exact=True, alpha=ALPHA_NUMBER, M=M_NUMBER, p=P_TYPE1,
          requires=lambda alpha, M, p: _require_fresh(alpha, M, None))
def wf_mixing_stationary(alpha, M, p, *, exact=False):
    r"""Stationary distribution :math:`\pi P = \pi`, :math:`\sum_i\pi_i = 1` of
    :func:`wf_mixing_transition_matrix` (``alpha > 0``).

    Unique: with :math:`m_r \ge 1` and :math:`0 < p < 1` the chain is irreducible and aperiodic; ``p``
    in ``{0, 1}`` gives the point mass at 0 or ``M``.  Exact rational linear algebra with ``exact=True``,
    floats otherwise (exact or numeric only: no closed form in symbols).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    numpy.ndarray or sympy.ImmutableMatrix (column), length ``M + 1``

    Examples
    --------
    >>> wf_mixing_stationary(1/2, 2, 1/2, exact=True).T
    Matrix([[1/4, 1/2, 1/4]])

    References
    ----------
    [ewens2004]_; [durrett2008]_.
    """
    P = wf_mixing_transition_matrix(alpha, M, p, exact=exact)
    n = M + 1
    if exact:
        A = (P.T - sp.eye(n)).row_insert(n, sp.ones(1, n))
        sol, params = A.gauss_jordan_solve(sp.zeros(n, 1).row_insert(n, sp.Matrix([1])))
        if params.shape[0]:
            raise ArithmeticError("stationary distribution not unique")
        return sol
    A = np.vstack([P.T - np.eye(n), np.ones(n)])
    b = np.zeros(n + 1)
    b[-1] = 1
    return np.linalg.lstsq(A, b, rcond=None)[0]


@computed(exact=True, alpha=ALPHA_NUMBER, M=M_NUMBER, requires=require_split)
def wf_mixing_eigenvalues(alpha, M, *, exact=False):
    r"""Eigenvalues :math:`\lambda_j = m_s!/((m_s-j)!\,M^j)` (:math:`j \le m_s`), 0 beyond, of the two-type
    transition matrix with immigration.

    :math:`E[(\text{count})^{\underline j}\mid i]` is a polynomial in ``i`` of degree
    :math:`\min(j, m_s)` with leading coefficient :math:`m_s^{\underline j}/M^j`, so ``P`` is triangular
    on the polynomial basis; ``alpha = 0`` gives Feller's :math:`M!/((M-j)!M^j)`.  Floats by a
    cumulative product (no big integers), exact with ``exact=True`` (exact or numeric only: a list of
    ``M + 1`` values).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    numpy.ndarray or sympy.ImmutableMatrix (column), length ``M + 1``

    Examples
    --------
    >>> wf_mixing_eigenvalues(1/2, 4, exact=True).T
    Matrix([[1, 1/2, 1/8, 0, 0]])

    References
    ----------
    [feller1951]_ (the case ``alpha = 0``); [ewens2004]_.
    """
    _require_size(M, exact, WF_EIGENVALUES_MAX_M, WF_EIGENVALUES_EXACT_MAX_M)
    ms = M - int(fresh_count(alpha, M))
    if exact:
        vals = [Fraction(1)]
        for j in range(1, M + 1):
            vals.append(vals[-1] * Fraction(max(ms - j + 1, 0), M))
        return sp.ImmutableMatrix([sp.Rational(v.numerator, v.denominator) for v in vals])
    j = np.arange(1, M + 1, dtype=float)
    return np.concatenate([[1.0], np.cumprod(np.clip(ms - j + 1, 0, None) / M)])
