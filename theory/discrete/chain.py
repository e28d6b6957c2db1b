r"""The two-type chain: its transition law, its matrix and its spectrum.

The count :math:`i` of the first of two categories is a Markov chain on :math:`\{0, \dots, M\}` with
binomial rows, :math:`P(i \to j) = \binom{M}{j}(i/M)^j(1-i/M)^{M-j}`; ``0`` and ``M`` are absorbing.
In the falling-factorial basis :math:`(i)_k` the operator is triangular, so its eigenvalues are
:math:`\lambda_k = (M)_k/M^k` [feller1951]_ (derived in :func:`proofs.discrete.derive_eigenvalues`).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from theory import validation as V
from theory.core import closed_form, computed
from theory.discrete import _kernel as K
from theory.discrete._common import DENSE_MAX_M, EXACT_MAX_M, I_, J_, M_, M_BINOMIAL, require_counts

__all__ = ["transition_probability", "transition_matrix", "transition_eigenvalue", "transition_eigenvalues"]

#: Largest M of the float eigenvalue vector (80 MB).
EIGENVALUES_MAX_M = 10 ** 7


@closed_form(i=I_, j=J_, M=M_BINOMIAL, requires=require_counts)
def transition_probability(i, j, M):
    r"""Two-type transition probability :math:`P(i \to j) = \binom{M}{j}(i/M)^j(1-i/M)^{M-j}` (:math:`0^0 = 1`).

    The refitting step of [shumailov2024]_ for two categories: the neutral Wright-Fisher model
    ([ewens2004]_, eq. 1.41).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> transition_probability(1, 0, 2, exact=True)
    1/4
    >>> transition_probability(1, 2, 10**6)  # C(M, 2) M^-2 (1 - 1/M)^(M-2): no exact big integers
    0.1839398125556351

    References
    ----------
    [ewens2004]_, eq. (1.41); [shumailov2024]_, sec. 3.1.
    """
    q = i / M
    return sp.binomial(M, j) * q ** j * (1 - q) ** (M - j)


def _require_dense(M, exact=False):
    if exact and M > EXACT_MAX_M:
        raise ValueError(f"M = {M} gives an exact {M + 1}x{M + 1} rational matrix; exact mode is limited to "
                         f"M <= {EXACT_MAX_M}; use exact=False (float64)")
    if M > DENSE_MAX_M:
        raise ValueError(f"M = {M} would need a dense {M + 1}x{M + 1} float matrix ({8 * (M + 1) ** 2 / 1e9:.1f} GB); "
                         f"M <= {DENSE_MAX_M}; theory.discrete.solve_two_type_chain and the distributions use a "
                         "banded matrix instead")


@computed(exact=True, M=M_)
def transition_matrix(M, *, exact=False):
    r"""Two-type transition matrix :math:`P_{ij} = \binom{M}{j}(i/M)^j(1-i/M)^{M-j}`, ``i, j = 0..M``
    (numeric only).

    State ``i`` is the count of the first category; ``0`` and ``M`` are the absorbing deltas.  Float
    rows by Loader's saddle-point form (every entry to ~1e-13 relative down to 1e-300), renormalised
    to sum to 1; exact: an ``ImmutableMatrix`` of Rationals (``M <= EXACT_MAX_M``).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> transition_matrix(2, exact=True)
    Matrix([
    [  1,   0,   0],
    [1/4, 1/2, 1/4],
    [  0,   0,   1]])
    >>> transition_matrix(2)[1].round(15).tolist()
    [0.25, 0.5, 0.25]

    References
    ----------
    [ewens2004]_, eq. (1.41); [durrett2008]_, ch. 1; [loader2000]_ (float rows).
    """
    _require_dense(M, exact)
    if exact:  # a flint matrix, mapped to an ImmutableMatrix of Rationals by theory.core
        import flint

        return flint.fmpq_mat(K.flint_matrix(M)) * flint.fmpq(1, M ** M)
    return K.build_dense(M)


def _require_j_at_most_M(j, M):
    require_counts(j=j, M=M)


@closed_form(j=J_.with_doc("Index :math:`j` of the eigenvalue, :math:`0 \\le j \\le M`."), M=M_BINOMIAL,
             requires=_require_j_at_most_M)
def transition_eigenvalue(j, M):
    r"""Eigenvalue :math:`\lambda_j = (M)_j/M^j = \prod_{k<j}(1 - k/M)` of the two-type transition matrix.

    :math:`\lambda_0 = \lambda_1 = 1` (the two absorbing states); :math:`\lambda_2 = 1 - 1/M` is the
    decay ratio of the expected heterozygosity.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> transition_eigenvalue(2, 10, exact=True)
    9/10
    >>> import sympy as sp
    >>> M = sp.Symbol("M", positive=True, integer=True)
    >>> transition_eigenvalue(2, M)
    (M - 1)/M

    References
    ----------
    [feller1951]_; [ewens2004]_, eq. (1.58).
    """
    return sp.ff(M, j) / M ** j


@computed(exact=True, symbolic=True, M=M_.with_doc(M_.doc + " Float: ``M <= 10**7``; exact: ``M <= 1000``."))
def transition_eigenvalues(M, *, exact=False):
    r"""All eigenvalues :math:`\lambda_j = M!/((M-j)!\,M^j)`, ``j = 0..M``, of the two-type transition matrix.

    Float: :math:`\log\lambda_j = -D(M-j, M) - \tfrac12\ln\tfrac{M-j}{M} + \delta(M) - \delta(M-j)` with the
    deviance :math:`D` and Stirling remainder :math:`\delta` of [loader2000]_ (no cancellation, ~1e-13
    relative at any ``M``); exact: a column ``ImmutableMatrix`` of Rationals; a symbolic ``M``: the
    expression :math:`(M)_j/M^j` in a symbol ``j`` (:func:`transition_eigenvalue`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> transition_eigenvalues(3, exact=True).T
    Matrix([[1, 1, 2/3, 2/9]])
    >>> transition_eigenvalues(4)
    array([1.     , 1.     , 0.75   , 0.375  , 0.09375])

    References
    ----------
    [feller1951]_; [ewens2004]_, eq. (1.58).
    """
    if V.is_symbolic(M):
        return transition_eigenvalue(sp.Symbol("j", integer=True, nonnegative=True), M)
    if exact:
        if M > 1000:
            raise ValueError(f"M = {M}: exact eigenvalues have denominators up to M^M; exact mode is limited to "
                             "M <= 1000; use exact=False (float64)")
        lam = [sp.Integer(1)]
        for k in range(1, M + 1):
            lam.append(lam[-1] * sp.Rational(M - k + 1, M))
        return sp.ImmutableMatrix(lam)
    if M > EIGENVALUES_MAX_M:
        raise ValueError(f"M = {M}: the float eigenvalue vector has M + 1 entries; M <= {EIGENVALUES_MAX_M}")
    m = np.arange(M, 0, -1, dtype=float)  # M - j for j = 0..M-1
    log_lam = -K.bd0(m, float(M)) - 0.5 * np.log(m / M) + K.stirlerr(float(M)) - K.stirlerr(m)
    last = K.stirlerr(float(M)) + 0.5 * np.log(2 * np.pi * M) - M  # log(M!/M^M)
    return np.exp(np.concatenate([log_lam, [last]]))
