r"""Discrete resampling: the categorical model refitted by empirical frequencies.

The process
-----------
A model is a categorical distribution :math:`p^{(0)} = (p_1, \dots, p_K)` over
:math:`K \ge 2` categories.  Generation :math:`n+1` is fitted by maximum
likelihood -- the empirical frequencies -- to :math:`M` samples drawn from
generation :math:`n`:

.. math::

    X^{(n+1)} \mid p^{(n)} \sim \mathrm{Multinomial}(M, p^{(n)}), \qquad
    p^{(n+1)} = X^{(n+1)} / M .

Conventions used throughout: generation :math:`n` counts refits, :math:`n = 0`
is the original model (any probability vector, not necessarily a multiple of
:math:`1/M`), and one generation draws :math:`M` samples ("haploid, :math:`M`
copies").  From generation 1 on, the model is the count vector
:math:`X^{(n)} \in \{x \in \mathbb{Z}_{\ge 0}^K : \sum_i x_i = M\}`, a Markov
chain with the multinomial transition law

.. math::

    P(x \to y) = \binom{M}{y_1, \dots, y_K} \prod_{i=1}^K \Bigl(\frac{x_i}{M}\Bigr)^{y_i}.

This is exactly the neutral Wright-Fisher model of population genetics with
:math:`M` haploid gene copies (Ewens 2004, ch. 1.4; Durrett 2008, ch. 1); the
model-collapse reading is that of Shumailov et al. (2024, sec. 3.1).  For two
categories the count :math:`i` of the first is itself a chain with
:math:`P(i \to j) = \binom{M}{j} (i/M)^j (1 - i/M)^{M-j}`, and for any
:math:`K` the count of *one* category against the rest is such a two-type chain
(the multinomial's margins are binomial), which is why many :math:`K`-type
quantities reduce to the two-type chain.

Facts the code relies on (each derived with sympy in this module)
-----------------------------------------------------------------
*Absorbing states.*  A category with zero count is never sampled again, so the
support of :math:`p^{(n)}` can only shrink.  A delta :math:`x = M e_j` goes to
itself with probability 1.  Any other state :math:`x` has at least two
categories with :math:`x_j > 0` and jumps to the delta :math:`M e_j` with
probability :math:`(x_j/M)^M > 0`, so :math:`P(x \to x) \le 1 - \sum_{j:
x_j > 0} (x_j/M)^M < 1` and, from every non-absorbing state, absorption in one
step has probability at least :math:`K^{-M}`; hence
:math:`P(T > n) \le (1 - K^{-M})^n \to 0`: the deltas are the only absorbing
states, every other state is transient, and the model collapses to a point with
probability 1 (:func:`absorbing_states`, :func:`derive_absorbing_states`).

*Martingale, fixation.*  :math:`E[X^{(n+1)}_i \mid X^{(n)}] = X^{(n)}_i`, so
each frequency is a bounded martingale; by optional stopping the probability
that category :math:`i` ends up holding everything is its initial probability
:math:`p_i` (:func:`derive_martingale`, :func:`fixation_probability`).

*Diversity.*  With the Gini-Simpson index (expected heterozygosity)
:math:`H = 1 - \sum_i p_i^2`, the multinomial second moments give
:math:`E[H^{(n+1)} \mid p^{(n)}] = (1 - 1/M)\, H^{(n)}`, hence

.. math::  E[H^{(n)}] = \Bigl(1 - \frac{1}{M}\Bigr)^n H^{(0)}

(:func:`derive_heterozygosity_recursion`, :func:`expected_heterozygosity`).

*Tails vanish first.*  A category of probability :math:`p` is absent from the
next generation with probability :math:`(1-p)^M`, decreasing in :math:`p`:
rare events are lost first, and once lost never return
(:func:`loss_probability`, :func:`expected_categories_lost`).

*Spectrum.*  On functions of the count, :math:`(Pf)(i) = E[f(X') \mid X = i]`
maps the falling factorial :math:`(i)_k = i(i-1)\cdots(i-k+1)` to
:math:`\frac{(M)_k}{M^k} i^k = \frac{(M)_k}{M^k} \sum_{m \le k} S(k, m) (i)_m`
(Stirling numbers of the second kind): :math:`P` is triangular in that basis,
and its eigenvalues are the diagonal,
:math:`\lambda_k = M! / ((M-k)!\, M^k)`, :math:`\lambda_0 = \lambda_1 = 1`
(Feller 1951; :func:`transition_eigenvalues`).  The second-largest,
:math:`\lambda_2 = 1 - 1/M`, is the heterozygosity decay ratio.

*Absorption times.*  Order the two-type states as transient
:math:`\{1, \dots, M-1\}` and absorbing :math:`\{0, M\}`, :math:`P = (Q\;R)`.
The fundamental matrix :math:`N = (I - Q)^{-1}` gives the mean absorption times
:math:`t = N \mathbf 1` and absorption probabilities :math:`B = N R` (Kemeny &
Snell).  For the small example :math:`M = 4`, :math:`t(2) = 132/29`.  Kimura's
diffusion approximation (Kimura 1955; haploid scaling) is

.. math::  t(p) \approx -2M\,[\,p \ln p + (1-p) \ln(1-p)\,],

and for :math:`K` types the mean time until a single type remains is
approximately :math:`-2M \sum_i (1 - x_i) \ln(1 - x_i)` (Littler 1975).

Exact and float evaluation
--------------------------
``exact=True`` works in rational arithmetic (python-flint ``fmpz_mat``
fraction-free solves; results are :class:`fractions.Fraction`) and is limited
to small state spaces (:data:`EXACT_MAX_M`, :data:`EXACT_MAX_STATES`); beyond
them a :class:`ValueError` names the size and suggests float mode.  Float mode
never forms the dense :math:`(M+1)^2` matrix: every binomial row is kept on a
window around its mean chosen by Bernstein's inequality, the dropped tail mass
of each row is computed (``scipy.special.bdtr``/``bdtrc``) and turned into a
rigorous error bound (:func:`solve_two_type_chain`), and the block-tridiagonal
system is solved by block elimination, which needs no pivoting because
:math:`I - Q` is a nonsingular M-matrix.

References
----------
Shumailov, Shumaylov, Zhao, Papernot, Anderson, Gal (2024), "AI models collapse
when trained on recursively generated data", Nature 631, 755-759.
Ewens (2004), *Mathematical Population Genetics I*, Springer.
Durrett (2008), *Probability Models for DNA Sequence Evolution*, Springer.
Feller (1951), "Diffusion processes in genetics", Proc. 2nd Berkeley Symp.
Kimura (1955), "Solution of a process of random genetic drift with a
continuous model", PNAS 41, 144-150.
Littler (1975), "Loss of variability at one locus in a finite population",
Math. Biosci. 25, 151-163.
Kemeny & Snell (1960), *Finite Markov Chains*, Van Nostrand.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from fractions import Fraction

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.special
import sympy as sp

from theory._validation import check_int, check_positive, check_probability_vector, is_symbolic

__all__ = [
    "EXACT_MAX_M", "EXACT_MAX_STATES", "FLOAT_MAX_STATES", "DENSE_MAX_M",
    "transition_probability", "multinomial_transition_probability", "transition_matrix",
    "multitype_states", "multitype_transition_matrix",
    "absorbing_states", "derive_absorbing_states", "derive_martingale",
    "derive_heterozygosity_recursion", "derive_eigenvalues",
    "fixation_probability", "expected_heterozygosity", "loss_probability",
    "expected_categories_lost", "expected_mass_lost", "transition_eigenvalues",
    "TwoTypeSolution", "solve_two_type_chain", "expected_absorption_times",
    "expected_absorption_time", "absorption_probabilities",
    "absorption_time_distribution", "survival_probability", "survival_probabilities",
    "expected_surviving_categories", "expected_time_to_collapse",
    "kimura_absorption_time", "littler_time_to_collapse",
]

#: Largest M for exact two-type absorption times (the folded fmpz solve takes ~20 s at M = 300).
EXACT_MAX_M = 320
#: Largest number of count states for exact K-type computations (distributions, collapse time).
EXACT_MAX_STATES = 5000
#: Largest number of count states for float K-type computations.
FLOAT_MAX_STATES = 3_000_000
#: Largest M for which a dense float transition matrix is formed (8 (M+1)^2 bytes).
DENSE_MAX_M = 10_000
#: Default per-row tail mass left out of a banded binomial row (before the exact tail is computed).
DEFAULT_TAIL = 1e-16

_M_SYM = sp.Symbol("M", positive=True, integer=True)


# ----------------------------------------------------------------------------- validation
def _check_M(M, name="M"):
    return check_int(M, name, minimum=1)


def _check_count(i, M, name="i"):
    return check_int(i, name, minimum=0, maximum=M if not is_symbolic(M) else None)


def _check_exact(exact):
    if not isinstance(exact, (bool, np.bool_)):
        raise ValueError(f"exact must be True or False, got {exact!r}")
    return bool(exact)


def _check_counts(counts, M=None, name="counts"):
    try:
        arr = np.asarray(counts)
    except (TypeError, ValueError) as exc:  # pragma: no cover - numpy accepts nearly anything
        raise ValueError(f"{name} must be a 1-D sequence of non-negative integers: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size < 2:
        raise ValueError(f"{name} must have at least 2 categories (K >= 2), got {arr.size}")
    try:
        farr = arr.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers, got {counts!r}") from None
    if not np.all(np.isfinite(farr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.any(farr != np.round(farr)) or np.any(farr < 0):
        raise ValueError(f"{name} must be non-negative integers, got {counts!r}")
    out = [int(v) for v in farr]
    if M is not None and sum(out) != M:
        raise ValueError(f"{name} must sum to M={M}, sums to {sum(out)}")
    if sum(out) < 1:
        raise ValueError(f"{name} must sum to M >= 1, sums to {sum(out)}")
    return out


def _check_n(n, name="n"):
    return check_int(n, name, minimum=0)


# ----------------------------------------------------------------------------- transition law
def transition_probability(i, j, M, exact=False):
    r"""Two-type transition probability :math:`P(i \to j)` of the count chain.

    .. math::  P(i \to j) = \binom{M}{j} \Bigl(\frac{i}{M}\Bigr)^j \Bigl(1 - \frac{i}{M}\Bigr)^{M-j}

    Parameters
    ----------
    i, j : int or sympy expression
        Counts of the first category in generations ``n`` and ``n+1``, in ``0..M``.
    M : int or sympy expression
        Samples per generation (haploid copies), ``M >= 1``.
    exact : bool
        Return a :class:`fractions.Fraction` instead of a float.

    Returns
    -------
    float, Fraction or sympy expression (when any argument is symbolic).

    Notes
    -----
    Neutral Wright-Fisher model (Ewens 2004, eq. 1.41); the refitting step of
    Shumailov et al. (2024) for a two-category model.  ``0**0 = 1``.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.41);
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    i = _check_count(i, M, "i")
    j = _check_count(j, M, "j")
    exact = _check_exact(exact)
    if is_symbolic(i, j, M):
        q = sp.Integer(i) / M if not isinstance(i, sp.Basic) else i / M
        return sp.binomial(M, j) * q ** j * (1 - q) ** (M - j)
    num = math.comb(M, j) * i ** j * (M - i) ** (M - j)
    val = Fraction(num, M ** M)
    return val if exact else float(val)


def multinomial_transition_probability(x, y, exact=False):
    r"""K-type transition probability :math:`P(x \to y)` of the count chain.

    .. math::  P(x \to y) = \binom{M}{y_1, \dots, y_K} \prod_i (x_i / M)^{y_i},
               \qquad M = \sum_i x_i = \sum_i y_i .

    Parameters
    ----------
    x, y : sequence of int
        Count vectors of generations ``n`` and ``n+1`` (same length ``K >= 2``,
        same total ``M``).
    exact : bool
        Return a :class:`fractions.Fraction` instead of a float.

    Returns
    -------
    float or fractions.Fraction
        :math:`P(x \to y) \in [0, 1]`; Fraction when ``exact``.

    Notes
    -----
    Neutral K-allele Wright-Fisher model (Ewens 2004, sec. 1.4); ``0**0 = 1``.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", sec. 1.4;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    x = _check_counts(x, name="x")
    M = sum(x)
    y = _check_counts(y, M=M, name="y")
    exact = _check_exact(exact)
    if len(x) != len(y):
        raise ValueError(f"y must have the same number of categories as x ({len(x)}), got {len(y)}")
    coef = math.factorial(M)
    for yi in y:
        coef //= math.factorial(yi)
    num = coef
    for xi, yi in zip(x, y):
        num *= xi ** yi
    val = Fraction(num, M ** M)
    return val if exact else float(val)


def _binomial_rows_int(M):
    """Integer matrix ``A[i][j] = C(M, j) i^j (M-i)^(M-j)`` (= ``M^M P(i -> j)``)."""
    pw = [[k ** e for e in range(M + 1)] for k in range(M + 1)]
    return [[math.comb(M, j) * pw[i][j] * pw[M - i][M - j] for j in range(M + 1)] for i in range(M + 1)]


def _log_factorials(M):
    return scipy.special.gammaln(np.arange(M + 1, dtype=float) + 1.0)


def transition_matrix(M, exact=False):
    r"""Two-type transition matrix :math:`P_{ij} = \binom{M}{j} (i/M)^j (1-i/M)^{M-j}`, ``i, j = 0..M``.

    Parameters
    ----------
    M : int
        Samples per generation, ``1 <= M``; float mode needs ``M <= DENSE_MAX_M``
        (the matrix is dense), exact mode ``M <= EXACT_MAX_M``.
    exact : bool
        ``True``: a sympy ``ImmutableMatrix`` of Rationals; ``False``: a float64
        array whose rows are computed in log space (``gammaln``, ``xlogy``) and
        renormalised to sum to 1.

    Returns
    -------
    sympy.ImmutableMatrix or numpy.ndarray, shape (M + 1, M + 1)
        Row-stochastic matrix; Rationals when ``exact``, float64 otherwise.

    Notes
    -----
    State ``i`` is the count of the first category; ``0`` and ``M`` are the
    absorbing deltas.  Ewens (2004), eq. (1.41).

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.41);
    Durrett (2008), "Probability Models for DNA Sequence Evolution", ch. 1;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    exact = _check_exact(exact)
    if exact:
        if M > EXACT_MAX_M:
            raise ValueError(f"M={M} gives an exact {M + 1}x{M + 1} rational matrix; exact mode is limited to "
                             f"M <= {EXACT_MAX_M}; use exact=False (float64)")
        den = sp.Integer(M) ** M
        rows = _binomial_rows_int(M)
        return sp.ImmutableMatrix(M + 1, M + 1, lambda a, b: sp.Integer(rows[a][b]) / den)
    if M > DENSE_MAX_M:
        raise ValueError(f"M={M} would need a dense {M + 1}x{M + 1} float matrix ({8 * (M + 1) ** 2 / 1e9:.1f} GB); "
                         f"dense mode is limited to M <= {DENSE_MAX_M}; use solve_two_type_chain (banded)")
    G = _log_factorials(M)
    j = np.arange(M + 1, dtype=float)
    q = j / M
    logp = (G[M] - G[None, :] - G[::-1][None, :]
            + scipy.special.xlogy(j[None, :], q[:, None]) + scipy.special.xlog1py((M - j)[None, :], -q[:, None]))
    P = np.exp(logp)
    P /= P.sum(axis=1, keepdims=True)
    return P


# ----------------------------------------------------------------------------- K-type state spaces
def _n_compositions(M, K):
    return math.comb(M + K - 1, K - 1)


def multitype_states(M, K):
    r"""All count vectors of ``K`` categories summing to ``M`` (stars and bars), lexicographic.

    Returns an ``(C(M+K-1, K-1), K)`` int array.  Raises ValueError when that
    number exceeds :data:`FLOAT_MAX_STATES`.

    Parameters
    ----------
    M : int >= 1
        Samples per generation (haploid copies).
    K : int >= 2
        Number of categories.

    Returns
    -------
    numpy.ndarray of int64, shape (C(M+K-1, K-1), K)
        Every count vector :math:`x \in \mathbb{Z}_{\ge 0}^K` with :math:`\sum_i x_i = M`, in lexicographic
        order of the bar positions (the first row is :math:`(0, \dots, 0, M)`).

    Notes
    -----
    The number of states (stars and bars) is

    .. math:: \#\{x \in \mathbb{Z}_{\ge 0}^K : \textstyle\sum_i x_i = M\} = \binom{M+K-1}{K-1}.

    Raises ``ValueError`` when it exceeds :data:`FLOAT_MAX_STATES`.

    References
    ----------
    Feller (1968), "An Introduction to Probability Theory and Its Applications", vol. 1, sec. II.5
    (occupancy, stars and bars); the state space of the K-allele Wright-Fisher chain, Ewens (2004), "Mathematical
    Population Genetics I",
    sec. 1.4.
    """
    M = _check_M(M)
    K = check_int(K, "K", minimum=2)
    n = _n_compositions(M, K)
    if n > FLOAT_MAX_STATES:
        raise ValueError(f"K={K}, M={M} has {n} count states (C(M+K-1, K-1)); the limit is {FLOAT_MAX_STATES}")
    bars = np.array(list(itertools.combinations(range(M + K - 1), K - 1)), dtype=np.int64).reshape(n, K - 1)
    edges = np.concatenate([np.full((n, 1), -1), bars, np.full((n, 1), M + K - 1)], axis=1)
    return np.diff(edges, axis=1) - 1


def multitype_transition_matrix(M, K, exact=False):
    r"""Transition matrix of the K-type count chain on :func:`multitype_states`.

    .. math::  P(x \to y) = \binom{M}{y_1, \dots, y_K} \prod_i (x_i/M)^{y_i}

    Returns ``(states, P)``; ``P`` is a sympy ``ImmutableMatrix`` of Rationals when
    ``exact`` (at most :data:`EXACT_MAX_STATES` states, and then only for
    ``C(M+K-1,K-1) <= 400`` as the matrix is dense and symbolic) and a float64
    array otherwise (at most 20000 states).  Ewens (2004), sec. 1.4.

    Parameters
    ----------
    M : int >= 1
        Samples per generation (haploid copies).
    K : int >= 2
        Number of categories.
    exact : bool, default False
        Exact rationals (at most 400 states) instead of float64 (at most 20000 states).

    Returns
    -------
    (states, P) : tuple
        ``states`` from :func:`multitype_states` (shape ``(C(M+K-1, K-1), K)``) and the row-stochastic
        ``P`` on them: sympy ``ImmutableMatrix`` of Rationals when ``exact``, float64 array otherwise.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", sec. 1.4;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    K = check_int(K, "K", minimum=2)
    exact = _check_exact(exact)
    n = _n_compositions(M, K)
    limit = 400 if exact else 20000
    if n > limit:
        raise ValueError(f"K={K}, M={M} has {n} count states; a dense {'exact' if exact else 'float'} transition "
                         f"matrix is limited to {limit} states" + ("; use exact=False (float64)" if exact else ""))
    states = multitype_states(M, K)
    if exact:
        num = _multinomial_numerators(M, states, states)
        den = sp.Integer(M) ** M
        return states, sp.ImmutableMatrix(n, n, lambda a, b: sp.Integer(num[a][b]) / den)
    return states, np.exp(_multinomial_logprob(M, states, states))


def _multinomial_logprob(M, x_states, y_states):
    """``log P(x -> y)`` for all pairs (rows x, columns y), float64."""
    G = _log_factorials(M)
    x = np.asarray(x_states, dtype=float)
    y = np.asarray(y_states, dtype=float)
    logx = np.where(x > 0, np.log(np.where(x > 0, x, 1.0) / M), -1e300 / max(M, 1))
    coef = G[M] - G[np.asarray(y_states)].sum(axis=1)
    return coef[None, :] + logx @ y.T


def _multinomial_numerators(M, x_states, y_states):
    """Integer ``M^M P(x -> y)`` for all pairs (python ints)."""
    fact = [math.factorial(k) for k in range(M + 1)]
    coefs = []
    for y in y_states:
        c = fact[M]
        for v in y:
            c //= fact[int(v)]
        coefs.append(c)
    out = []
    for x in x_states:
        xs = [int(v) for v in x]
        row = []
        for y, c in zip(y_states, coefs):
            v = c
            for xi, yi in zip(xs, y):
                yi = int(yi)
                if yi:
                    if xi == 0:
                        v = 0
                        break
                    v *= xi ** yi
            row.append(v)
        out.append(row)
    return out


# ----------------------------------------------------------------------------- absorbing states
def absorbing_states(M, K=2):
    r"""The absorbing states of the K-type chain, found by exact enumeration.

    A state :math:`x` is absorbing iff :math:`P(x \to x) = 1`.  Enumerates every
    count vector (at most :data:`EXACT_MAX_STATES`) and evaluates
    :math:`P(x \to x) = \binom{M}{x} \prod_i (x_i/M)^{x_i}` exactly.

    Parameters
    ----------
    M : int >= 1
        Samples per generation (haploid copies).
    K : int >= 2, default 2
        Number of categories; at most :data:`EXACT_MAX_STATES` count states.

    Returns
    -------
    list of tuple
        The absorbing states; they are exactly the ``K`` deltas ``M e_j`` (see
        :func:`derive_absorbing_states` for the proof for all ``M, K``).
    Notes
    -----
    Shumailov et al. (2024), sec. 3.1: "the only absorbing states are delta functions".

    References
    ----------
    Shumailov et al. (2024), Nature 631, sec. 3.1;
    Ewens (2004), "Mathematical Population Genetics I", sec. 1.4.
    """
    M = _check_M(M)
    K = check_int(K, "K", minimum=2)
    n = _n_compositions(M, K)
    if n > EXACT_MAX_STATES:
        raise ValueError(f"K={K}, M={M} has {n} count states; exact enumeration is limited to "
                         f"{EXACT_MAX_STATES} states")
    out = []
    for x in multitype_states(M, K):
        if multinomial_transition_probability(x, x, exact=True) == 1:
            out.append(tuple(int(v) for v in x))
    return out


def derive_absorbing_states():
    r"""Symbolic argument that the deltas are the only absorbing states and all others are transient.

    .. math::

        P(M e_j \to M e_j) = 1, \qquad P(x \to M e_j) = (x_j/M)^M, \qquad
        P(T > n) \le (1 - K^{-M})^n \to 0 .

    The steps, in symbols ``M, a, b, K, n`` (positive integers):

    - delta stays: for :math:`x = M e_1`, :math:`P(x \to x) = \binom{M}{M} 1^M = 1`.
    - jump to a delta: from any :math:`x`, :math:`P(x \to M e_j) = (x_j/M)^M`.
    - stay bound: for :math:`x` with two positive counts :math:`a, b`
      (:math:`a + b \le M`), :math:`P(x \to x) \le 1 - (a/M)^M - (b/M)^M < 1`,
      so :math:`x` is not absorbing.
    - escape bound: :math:`\max_j (x_j/M)^M \ge K^{-M}` since
      :math:`\max_j x_j \ge M/K`, hence :math:`P(T > n) \le (1 - K^{-M})^n \to 0`:
      every non-delta state is transient and absorption is certain.
    - support shrinks: :math:`x_i = 0 \Rightarrow P(y_i > 0) = 0`.

    Returns
    -------
    dict
        Verified facts (``bool``, ``True`` when the check passed): ``"delta_stays"``,
        ``"jump_to_delta"``, ``"stay_bound"`` (:math:`(a/M)^M + (b/M)^M > 0`),
        ``"escape_bound_vanishes"`` (checked by ``sympy.limit`` on the instance
        :math:`K = 2, M = 3`, i.e. :math:`(7/8)^n \to 0`; the general case is
        :math:`0 \le 1 - K^{-M} < 1`), ``"support_shrinks"``; and the sympy
        expressions ``"jump_probability"`` :math:`(x_j/M)^M`,
        ``"stay_upper_bound"`` :math:`1 - (a/M)^M - (b/M)^M` and
        ``"escape_bound"`` :math:`(1 - K^{-M})^n`.

    Notes
    -----
    Conventions as in the module: ``M`` samples per generation (haploid copies),
    ``K >= 2`` categories, ``T`` the absorption time.

    References
    ----------
    Shumailov et al. (2024), Nature 631, sec. 3.1 ("the only absorbing states are
    delta functions"); Ewens (2004), sec. 1.4; Kemeny & Snell (1960) (absorbing chains).
    """
    M, a, b, K, n = sp.symbols("M a b K n", positive=True, integer=True)
    t = sp.Symbol("t")
    # Delta: the marginal of the first category is Binomial(M, 1): P(X = M) = 1.
    delta_stays = sp.simplify(sp.binomial(M, M) * sp.Integer(1) ** M * sp.Integer(0) ** 0) == 1
    # Jump to a delta: multinomial pmf at y = M e_j collapses to (x_j/M)^M.
    xj = sp.Symbol("x_j", positive=True)
    jump = sp.binomial(M, M) * (xj / M) ** M
    jump_ok = sp.simplify(jump - (xj / M) ** M) == 0
    # Two distinct positive counts: two disjoint escape events of positive probability.
    stay_upper = 1 - (a / M) ** M - (b / M) ** M
    stay_bound = bool(((a / M) ** M + (b / M) ** M).is_positive)
    # Escape bound via the largest count x_max >= M/K.
    escape = (1 - K ** (-M)) ** n
    escape_limit = sp.limit((1 - sp.Rational(1, 2) ** 3) ** n, n, sp.oo) == 0
    # A zero count stays zero: MGF of the margin with p_i = 0 is (1 + 0 (e^t - 1))^M = 1 (degenerate at 0).
    support_shrinks = sp.simplify((1 + 0 * (sp.exp(t) - 1)) ** M) == 1
    return {
        "delta_stays": delta_stays,
        "jump_to_delta": jump_ok,
        "jump_probability": jump,
        "stay_bound": stay_bound,
        "stay_upper_bound": stay_upper,
        "escape_bound": escape,
        "escape_bound_vanishes": escape_limit,
        "support_shrinks": support_shrinks,
    }


# ----------------------------------------------------------------------------- symbolic derivations
def _multinomial_mgf_moments(K=3):
    """Raw moments E[X_1], E[X_1^2], E[X_1 X_2] of Multinomial(M, p) from its MGF (symbolic M, p)."""
    M = _M_SYM
    p = sp.symbols(f"p1:{K + 1}", positive=True)
    t = sp.symbols(f"t1:{K + 1}")
    mgf = sum(pi * sp.exp(ti) for pi, ti in zip(p, t)) ** M
    at0 = {ti: 0 for ti in t}
    total = {p[-1]: 1 - sum(p[:-1])}
    m1 = sp.simplify(sp.diff(mgf, t[0]).subs(at0).subs(total))
    m2 = sp.simplify(sp.diff(mgf, t[0], 2).subs(at0).subs(total))
    m11 = sp.simplify(sp.diff(mgf, t[0], t[1]).subs(at0).subs(total))
    return M, p, m1, m2, m11


def derive_martingale():
    r"""Derive :math:`E[X'_i \mid x] = M p_i` (so :math:`E[p'_i \mid p] = p_i`) from the multinomial MGF.

    The MGF of :math:`\mathrm{Multinomial}(M, p)` is
    :math:`(\sum_i p_i e^{t_i})^M`; differentiating in :math:`t_1` at 0 with
    symbolic :math:`M` gives the mean.  By symmetry the same holds for every
    category, so each frequency is a bounded martingale; with absorption certain
    (:func:`derive_absorbing_states`) optional stopping gives the fixation
    probability :math:`p_i` (:func:`fixation_probability`).

    Returns
    -------
    dict with ``"E[X_1']"`` (sympy, equals ``M*p1``), ``"E[p_1']"`` (equals ``p1``)
    and ``"martingale"`` (True once verified).  Source: Ewens (2004), sec. 1.4.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", sec. 1.4;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M, p, m1, _, _ = _multinomial_mgf_moments(3)
    ep = sp.simplify(m1 / M)
    return {"E[X_1']": m1, "E[p_1']": ep, "martingale": sp.simplify(ep - p[0]) == 0}


def derive_heterozygosity_recursion():
    r"""Derive :math:`E[H' \mid p] = (1 - 1/M) H` and :math:`E[H_n] = (1-1/M)^n H_0` with sympy.

    From the MGF, :math:`E[X_i^2] = M p_i + M(M-1) p_i^2`, so
    :math:`E[\sum_i (X_i/M)^2] = 1/M + (1 - 1/M) \sum_i p_i^2` and
    :math:`E[1 - \sum_i p_i'^2] = (1 - 1/M)(1 - \sum_i p_i^2)`.  The recursion
    :math:`h_{n+1} = (1-1/M) h_n` (tower property) is then solved by
    ``sympy.rsolve``.  Verified for ``K = 3`` with all moments symbolic; the
    per-category computation only uses the binomial margin, so it holds for all ``K``.

    Returns
    -------
    dict with ``"E[X_1'^2]"``, ``"ratio"`` (``(M-1)/M``), ``"E[H_n]"`` (in
    symbols ``n``, ``M``, ``H0``) and ``"verified"``.  Source: Ewens (2004), eq. (1.57);
    Shumailov et al. (2024), sec. 3.1.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.57);
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M, p, _, m2, _ = _multinomial_mgf_moments(3)
    p1, p2 = p[0], p[1]
    p3 = 1 - p1 - p2
    m2_of = lambda q: m2.subs(p1, q)  # noqa: E731 - the margin of any category has the same form
    e_sum_sq = sum(m2_of(q) for q in (p1, p2, p3)) / M ** 2
    H = 1 - (p1 ** 2 + p2 ** 2 + p3 ** 2)
    ratio = sp.simplify((1 - e_sum_sq) / H)
    n = sp.Symbol("n", integer=True, nonnegative=True)
    H0 = sp.Symbol("H0", nonnegative=True)
    h = sp.Function("h")
    sol = sp.rsolve(h(n + 1) - ratio * h(n), h(n), {h(0): H0})
    closed = H0 * (1 - 1 / M) ** n
    return {"E[X_1'^2]": m2, "ratio": ratio, "E[H_n]": sp.simplify(sol),
            "verified": sp.simplify(ratio - (1 - 1 / M)) == 0 and sp.simplify(sol - closed) == 0}


def derive_eigenvalues(M):
    r"""Triangular form of the two-type transition operator in the falling-factorial basis.

    :math:`(P (\cdot)_k)(i) = E[(X')_k \mid i] = \frac{(M)_k}{M^k} i^k
    = \frac{(M)_k}{M^k} \sum_{m \le k} S(k, m) (i)_m`; the matrix ``T`` with
    ``T[m, k]`` the coefficient of :math:`(i)_m` in :math:`P (i)_k` is upper
    triangular with diagonal :math:`\lambda_k = (M)_k / M^k` (Feller 1951).

    Parameters
    ----------
    M : int
        Numeric (the basis has ``M + 1`` elements); ``M <= 60``.

    Returns
    -------
    dict with ``"T"`` (sympy matrix), ``"eigenvalues"`` (its diagonal) and
    ``"similar"``: True when ``V^{-1} P V = T`` exactly for the falling-factorial
    Vandermonde ``V[i, k] = (i)_k``, i.e. ``T`` *is* the transition matrix in
    that basis.

    References
    ----------
    Feller (1951), "Diffusion processes in genetics", Proc. 2nd Berkeley Symp.;
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.58).
    """
    M = check_int(M, "M", minimum=1, maximum=60)
    T = sp.zeros(M + 1, M + 1)
    for k in range(M + 1):
        lam = sp.ff(M, k) / sp.Integer(M) ** k
        for m in range(k + 1):
            T[m, k] = lam * sp.functions.combinatorial.numbers.stirling(k, m)
    V = sp.Matrix(M + 1, M + 1, lambda i, k: sp.ff(i, k))
    P = sp.Matrix(transition_matrix(M, exact=True))
    similar = (P * V - V * T).is_zero_matrix
    return {"T": T, "eigenvalues": [T[k, k] for k in range(M + 1)], "similar": bool(similar)}


# ----------------------------------------------------------------------------- closed forms
def fixation_probability(i, M, exact=False):
    r"""Probability that a category with count ``i`` of ``M`` ends up holding everything.

    .. math::  P(X_\infty = M \mid X_0 = i) = i / M .

    The frequency is a bounded martingale and absorption is certain, so optional
    stopping gives the initial frequency (:func:`derive_martingale`).  For K
    categories, the probability that category ``j`` wins is its initial
    probability :math:`p_j` (apply this to category ``j`` against the rest).

    Parameters
    ----------
    i : int or sympy expression, ``0 <= i <= M``
    M : int or sympy expression, ``M >= 1``
    exact : bool
        Fraction instead of float.

    Returns
    -------
    float, fractions.Fraction or sympy.Expr
        :math:`i/M`; Fraction when ``exact``, sympy expression when ``i`` or ``M`` is symbolic.

    Notes
    -----
    Ewens (2004), eq. (1.49); Shumailov et al. (2024), sec. 3.1.

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.49);
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    i = _check_count(i, M, "i")
    exact = _check_exact(exact)
    if is_symbolic(i, M):
        return sp.sympify(i) / M
    return Fraction(i, M) if exact else i / M


def _H0(p):
    if any(isinstance(v, sp.Basic) and not v.is_number for v in (p if isinstance(p, (list, tuple)) else [])):
        return 1 - sum(sp.sympify(v) ** 2 for v in p), True
    arr = check_probability_vector(p, "p")
    if isinstance(p, (list, tuple)) and all(isinstance(v, (Fraction, int, sp.Rational)) for v in p):
        fr = [Fraction(str(v)) if isinstance(v, sp.Rational) else Fraction(v) for v in p]
        if sum(fr) != 1:
            raise ValueError(f"p must sum to 1 exactly when given as fractions, sums to {sum(fr)}")
        return 1 - sum(v * v for v in fr), False
    return float(1.0 - np.sum(arr * arr)), False


def expected_heterozygosity(n, p, M, exact=False):
    r"""Expected Gini-Simpson diversity after ``n`` refits.

    .. math::

        E[H_n] = E\Bigl[1 - \sum_i p^{(n)2}_i\Bigr] = \Bigl(1 - \frac{1}{M}\Bigr)^n \Bigl(1 - \sum_i p_i^2\Bigr).

    Parameters
    ----------
    n : int or sympy expression
        Generation (number of refits, ``n >= 0``; ``n = 0`` is the original).
    p : sequence
        Original probability vector (``K >= 2``, non-negative, sums to 1 within
        1e-12), or a list of sympy expressions.
    M : int or sympy expression
        Samples per generation.
    exact : bool
        Fraction result (``p`` must then be given as ints/Fractions summing to 1).

    Returns
    -------
    float, Fraction, or sympy expression when ``n``, ``M`` or ``p`` is symbolic.

    Notes
    -----
    Derived in :func:`derive_heterozygosity_recursion`.  Ewens (2004), eq. (1.57);
    Shumailov et al. (2024), sec. 3.1 (diversity is lost geometrically).

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.57);
    Durrett (2008), "Probability Models for DNA Sequence Evolution", ch. 1;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    n = _check_n(n)
    M = _check_M(M)
    exact = _check_exact(exact)
    H0, sym_p = _H0(p)
    if sym_p or is_symbolic(n, M):
        Hs = H0 if isinstance(H0, sp.Basic) else sp.nsimplify(H0) if isinstance(H0, Fraction) else sp.Float(H0)
        if isinstance(H0, Fraction):
            Hs = sp.Rational(H0.numerator, H0.denominator)
        return Hs * (1 - sp.Integer(1) / M) ** n
    if exact:
        if not isinstance(H0, Fraction):
            raise ValueError("p must be given as ints/Fractions for exact=True")
        return H0 * (1 - Fraction(1, M)) ** n
    return float(H0) * (1.0 - 1.0 / M) ** n


def loss_probability(p, M):
    r"""Probability that a category of probability ``p`` is absent from the next generation.

    .. math::  P(X'_i = 0) = (1 - p)^M,

    decreasing in ``p`` (:math:`\partial_p = -M(1-p)^{M-1} < 0`): rare categories
    vanish first, and a vanished category never returns.

    Parameters
    ----------
    p : float in [0, 1] or sympy expression
    M : int or sympy expression, ``M >= 1``

    Returns
    -------
    float, fractions.Fraction or sympy.Expr
        :math:`(1-p)^M`: Fraction for Fraction/sympy Rational ``p``, sympy expression when ``p`` or
        ``M`` is symbolic, float otherwise.

    Notes
    -----
    Shumailov et al. (2024), sec. 3.1 (tails disappear first); Ewens (2004).

    References
    ----------
    Shumailov et al. (2024), Nature 631, sec. 3.1 (tails disappear first);
    Ewens (2004), "Mathematical Population Genetics I".
    """
    M = _check_M(M)
    if is_symbolic(p, M):
        return (1 - sp.sympify(p)) ** M
    if isinstance(p, (Fraction, sp.Rational)):
        q = Fraction(str(p)) if isinstance(p, sp.Rational) else p
        if not 0 <= q <= 1:
            raise ValueError(f"p must be in [0, 1], got {p}")
        return (1 - q) ** M
    check_positive(p, "p", allow_zero=True)
    p = float(p)
    if p > 1:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    return float(np.exp(M * np.log1p(-p))) if p < 1 else 0.0


def expected_categories_lost(p, M):
    r"""Expected number of categories lost in one generation, :math:`\sum_i (1 - p_i)^M`.

    Categories with ``p_i = 0`` count as lost (they are absent).  Shumailov et al. (2024).

    Parameters
    ----------
    p : sequence of float
        Probability vector (``K >= 2``, non-negative, sums to 1 within 1e-12).
    M : int >= 1
        Samples per generation (haploid copies).

    Returns
    -------
    float
        Expected number of categories absent from the next generation, in ``[0, K]``.

    Notes
    -----
    .. math:: E[\#\{i : X'_i = 0\}] = \sum_{i=1}^K (1 - p_i)^M

    by linearity, each count being :math:`\mathrm{Bin}(M, p_i)`; one generation from ``p``.

    References
    ----------
    Shumailov et al. (2024), Nature 631, sec. 3.1 (low-probability events are lost first);
    Ewens (2004), "Mathematical Population Genetics I".
    """
    M = _check_M(M)
    arr = check_probability_vector(p, "p")
    return float(np.sum(np.exp(M * np.log1p(-np.minimum(arr, 1.0))) * (arr < 1)))


def expected_mass_lost(p, M):
    r"""Expected original probability mass of the categories lost in one generation, :math:`\sum_i p_i (1-p_i)^M`.

    Dominated by the rare categories: the tail mass is what disappears.  Shumailov et al. (2024).

    Parameters
    ----------
    p : sequence of float
        Probability vector (``K >= 2``, non-negative, sums to 1 within 1e-12).
    M : int >= 1
        Samples per generation (haploid copies).

    Returns
    -------
    float
        Expected original probability mass of the categories absent from the next generation, in [0, 1].

    Notes
    -----
    .. math:: E\Bigl[\sum_i p_i \mathbf 1\{X'_i = 0\}\Bigr] = \sum_{i=1}^K p_i (1 - p_i)^M

    References
    ----------
    Shumailov et al. (2024), Nature 631, sec. 3.1 (the tails vanish);
    Ewens (2004), "Mathematical Population Genetics I".
    """
    M = _check_M(M)
    arr = check_probability_vector(p, "p")
    return float(np.sum(arr * np.exp(M * np.log1p(-np.minimum(arr, 1.0))) * (arr < 1)))


def transition_eigenvalues(M, exact=False):
    r"""Eigenvalues of the two-type transition matrix (Feller 1951).

    .. math::  \lambda_j = \frac{M!}{(M-j)!\, M^j} = \prod_{k<j} \Bigl(1 - \frac{k}{M}\Bigr), \qquad j = 0, \dots, M,

    so :math:`\lambda_0 = \lambda_1 = 1` (the two absorbing states) and
    :math:`\lambda_2 = 1 - 1/M` (the heterozygosity decay ratio).

    Parameters
    ----------
    M : int or sympy expression
        With a symbolic ``M`` returns the expression for symbolic ``j``
        (``sympy.ff(M, j) / M**j``).
    exact : bool
        List of Fractions instead of a float array.

    Returns
    -------
    numpy.ndarray, list of fractions.Fraction or sympy.Expr
        :math:`\lambda_0, \dots, \lambda_M` (float array, or Fractions when ``exact``); for symbolic ``M`` the
        expression :math:`(M)_j / M^j` in a symbol ``j``.

    Notes
    -----
    Derivation: :func:`derive_eigenvalues`.  Feller (1951); Ewens (2004), eq. (1.58).

    References
    ----------
    Feller (1951), "Diffusion processes in genetics", Proc. 2nd Berkeley Symp.;
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.58).
    """
    M = _check_M(M)
    exact = _check_exact(exact)
    if is_symbolic(M):
        j = sp.Symbol("j", integer=True, nonnegative=True)
        return sp.ff(M, j) / M ** j
    lam = [Fraction(1)]
    for k in range(1, M + 1):
        lam.append(lam[-1] * Fraction(M - k + 1, M))
    if exact:
        return lam
    return np.cumprod(np.concatenate([[1.0], 1.0 - np.arange(M) / M]))


# ----------------------------------------------------------------------------- the two-type chain, float
def _row_windows(M, tail):
    """Bernstein windows ``[lo, hi]`` of the binomial rows ``i = 0..M``.

    ``P(|X - Mp| >= t) <= 2 exp(-t^2 / (2 (s^2 + t/3)))``: with ``L = ln(1/tail)``,
    ``t = L/3 + sqrt(L^2/9 + 2 s^2 L)``.  The actual dropped mass is computed
    exactly afterwards, so the windows only need to be reasonable.
    """
    i = np.arange(M + 1, dtype=float)
    p = i / M
    s2 = M * p * (1 - p)
    L = math.log(1.0 / tail)
    w = L / 3 + np.sqrt(L * L / 9 + 2 * s2 * L)
    lo = np.clip(np.floor(i - w), 0, M).astype(np.int64)
    hi = np.clip(np.ceil(i + w), 0, M).astype(np.int64)
    return lo, hi


def _tails(M, p, lo, hi):
    """Exact binomial masses below ``lo`` and above ``hi`` (``scipy.special.bdtr``/``bdtrc``)."""
    below = np.where(lo > 0, scipy.special.bdtr(np.maximum(lo - 1, 0), M, p), 0.0)
    above = np.where(hi < M, scipy.special.bdtrc(np.minimum(hi, M - 1), M, p), 0.0)
    return below, above


def _window_block(M, G, rows, c0, c1, lo, hi):
    """Dense block of ``P(i -> j)`` for ``i`` in ``rows``, ``j`` in ``c0..c1-1``, zero outside each row window."""
    j = np.arange(c0, c1, dtype=float)
    q = rows.astype(float) / M
    with np.errstate(divide="ignore"):
        logp = (G[M] - G[c0:c1][None, :] - G[M - c1 + 1:M - c0 + 1][::-1][None, :]
                + scipy.special.xlogy(j[None, :], q[:, None]) + scipy.special.xlog1py((M - j)[None, :], -q[:, None]))
    B = np.exp(logp)
    jj = np.arange(c0, c1)[None, :]
    B[(jj < lo[rows][:, None]) | (jj > hi[rows][:, None])] = 0.0
    return B


@dataclasses.dataclass(frozen=True)
class TwoTypeSolution:
    """Mean absorption times and fixation probabilities of the two-type chain (float64, banded).

    Attributes
    ----------
    M : int
    times : ndarray, shape (M+1,)
        ``t[i]``, mean number of generations until absorption from count ``i``.
    fixation : ndarray, shape (M+1,)
        ``b[i]``, probability of absorption at ``M`` from ``i`` (theory: ``i/M``).
    dropped_mass : float
        Largest binomial mass of one row left out of the banded matrix.
    time_error_bound, fixation_error_bound : float
        Rigorous bounds on ``t_true - t`` and ``b_true - b`` (both >= 0) caused by
        the truncation: ``delta t'^2_max / (1 - delta t'_max)`` and
        ``delta t_max`` (see :func:`solve_two_type_chain`).
    half_width : int
        Largest half-width of a kept row window.
    """

    M: int
    times: np.ndarray
    fixation: np.ndarray
    dropped_mass: float
    time_error_bound: float
    fixation_error_bound: float
    half_width: int


def _block_bounds(M, lo, hi):
    """Consecutive blocks of interior states ``1..M-1`` such that every row's window
    (clipped to the interior) lies in its own and the two neighbouring blocks."""
    r = np.arange(M + 1)
    lo_i = np.maximum(lo, 1)
    hi_i = np.minimum(hi, M - 1)
    h = np.maximum(np.maximum(hi_i - r, r - lo_i), 1)
    bounds = [1]
    while bounds[-1] < M:
        s = bounds[-1]
        b = int(h[s])
        for _ in range(4):
            b = int(h[max(1, s - b):min(M, s + 2 * b + 1)].max())
        bounds.append(min(M, s + b))
    while True:  # merge blocks until the block-tridiagonal structure holds (merging only widens blocks)
        nb = len(bounds) - 1
        bad = None
        for k in range(nb):
            s, e = bounds[k], bounds[k + 1]
            if k + 2 <= nb and hi_i[s:e].max() >= bounds[k + 2]:
                bad = k + 2  # remove the boundary after block k+1: block k+1 absorbs block k+2
                break
            if k >= 1 and lo_i[s:e].min() < bounds[k - 1]:
                bad = k - 1  # remove the boundary before block k-1
                break
        if bad is None:
            return bounds
        del bounds[bad]


def solve_two_type_chain(M, *, tail=DEFAULT_TAIL):
    r"""Mean absorption times and fixation probabilities of the two-type chain, in float64.

    Solves :math:`(I - Q) t = \mathbf 1` and :math:`(I - Q) b = R_{\cdot M}`
    (:math:`Q` the transient block, :math:`R_{iM} = (i/M)^M`) for all starting
    counts at once.

    Method.  Row :math:`i` of :math:`Q` is kept on a window around its mean
    (Bernstein's inequality with target tail ``tail``), evaluated in log space
    (``gammaln``, ``xlogy``) and rescaled so that its sum equals the exact
    binomial mass of the window (``bdtr``/``bdtrc`` tails): the row-sum error,
    to which :math:`t` is most sensitive (:math:`\|N\|_\infty = \max t \approx
    1.39 M`), stays at rounding level.  The banded :math:`I - Q` is split into
    blocks at least as wide as the windows, making it block tridiagonal, and
    solved by block elimination without pivoting (valid: :math:`I - Q` is a
    nonsingular M-matrix, and Schur complements of M-matrices are M-matrices).

    Error bound.  Dropping entries gives :math:`Q' \le Q` with row deficits at
    most :math:`\delta` (``dropped_mass``); then
    :math:`t - t' = N (Q - Q') t' \in [0, \delta t'_{\max} t]`, so
    :math:`t_{\max} \le t'_{\max} / (1 - \delta t'_{\max})` and
    :math:`0 \le t - t' \le \delta t'^2_{\max} / (1 - \delta t'_{\max})`;
    likewise :math:`0 \le b - b' \le \delta t_{\max}`.

    Parameters
    ----------
    M : int, ``M >= 1``
    tail : float in (0, 1e-6]
        Target dropped mass per row (default 1e-16; the bound uses the actual one).

    Returns
    -------
    TwoTypeSolution

    Notes
    -----
    Kemeny & Snell (1960), thm. 3.3.5 (fundamental matrix); Ewens (2004), sec. 2.8.

    References
    ----------
    Kemeny & Snell (1960), "Finite Markov Chains", thm. 3.3.5;
    Ewens (2004), "Mathematical Population Genetics I", sec. 2.8;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    check_positive(tail, "tail")
    if not 0 < float(tail) <= 1e-6:
        raise ValueError(f"tail must be in (0, 1e-6], got {tail!r}")
    if M == 1:
        z = np.zeros(2)
        return TwoTypeSolution(1, z, np.array([0.0, 1.0]), 0.0, 0.0, 0.0, 0)
    lo, hi = _row_windows(M, float(tail))
    G = _log_factorials(M)
    bounds = _block_bounds(M, lo, hi)
    nb = len(bounds) - 1
    # clip every row's window to the interior columns of its own and its neighbouring blocks
    lo_c = lo.copy()
    hi_c = hi.copy()
    for k in range(nb):
        s, e = bounds[k], bounds[k + 1]
        left = bounds[k - 1] if k > 0 else 1
        right = bounds[k + 2] - 1 if k + 2 <= nb else M - 1
        lo_c[s:e] = np.maximum(lo[s:e], left)
        hi_c[s:e] = np.minimum(hi[s:e], right)
    rows_all = np.arange(M + 1)
    q_all = rows_all / M
    below, above = _tails(M, q_all, lo_c, hi_c)
    p0 = (1.0 - q_all) ** M                                             # (1-q)^M, the jump to 0
    pM = q_all ** M                                                     # q^M, the jump to M
    # interior mass outside the clipped window (the part actually dropped from Q)
    drop = (np.where(lo_c > 1, np.maximum(below - p0, 0.0), 0.0)
            + np.where(hi_c < M - 1, np.maximum(above - pM, 0.0), 0.0))
    # target kept interior mass: 1 - P(->0) - P(->M) - dropped
    target = 1.0 - p0 - pM - drop

    def rows_block(k, c0, c1):
        s, e = bounds[k], bounds[k + 1]
        rows = np.arange(s, e)
        return rows, _window_block(M, G, rows, c0, c1, lo_c, hi_c)

    # forward elimination over blocks
    Gs, zs = [], []
    S_prev_inv_U = None
    z_prev = None
    for k in range(nb):
        s, e = bounds[k], bounds[k + 1]
        c0 = bounds[k - 1] if k > 0 else 1
        c1 = bounds[k + 2] if k + 2 <= nb else M
        rows, B = rows_block(k, c0, c1)
        B *= (target[rows] / B.sum(axis=1))[:, None]
        A = -B
        A[np.arange(e - s), rows - c0] += 1.0
        L = A[:, : s - c0]
        D = A[:, s - c0: e - c0]
        U = A[:, e - c0:]
        f = np.stack([np.ones(e - s), pM[rows]], axis=1)
        if k > 0:
            D = D - L @ S_prev_inv_U
            f = f - L @ z_prev
        rhs = np.concatenate([U, f], axis=1)
        sol = np.linalg.solve(D, rhs)
        S_prev_inv_U = sol[:, : U.shape[1]]
        z_prev = sol[:, U.shape[1]:]
        Gs.append(S_prev_inv_U)
        zs.append(z_prev)
    x = [None] * nb
    x[nb - 1] = zs[nb - 1]
    for k in range(nb - 2, -1, -1):
        x[k] = zs[k] - Gs[k] @ x[k + 1]
    X = np.concatenate(x, axis=0)
    times = np.concatenate([[0.0], X[:, 0], [0.0]])
    fix = np.concatenate([[0.0], X[:, 1], [1.0]])
    delta = float(drop[1:M].max())
    tmax = float(times.max())
    if delta * tmax < 1:
        t_bound = delta * tmax * tmax / (1 - delta * tmax)
        b_bound = delta * tmax / (1 - delta * tmax)
    else:  # pragma: no cover - only for absurd tails
        t_bound = b_bound = math.inf
    half = int(max(np.max(hi_c[1:M] - rows_all[1:M]), np.max(rows_all[1:M] - lo_c[1:M])))
    return TwoTypeSolution(M, times, fix, delta, t_bound, b_bound, half)


# ----------------------------------------------------------------------------- the two-type chain, exact
def _exact_times_all(M):
    """Exact ``t[0..M]`` (Fractions) by a fraction-free solve of the symmetry-folded system.

    ``t`` is symmetric (``t_i = t_{M-i}``), so ``(I - Q) t = 1`` folds onto
    ``i = 1..floor(M/2)``; rows are scaled by ``M^M`` to integers and solved with
    flint's ``fmpz_mat.solve`` (exact rational result).
    """
    import flint

    if M == 1:
        return [Fraction(0), Fraction(0)]
    h = M // 2
    MM = M ** M
    pw = [[k ** e for e in range(M + 1)] for k in range(M + 1)]
    rows = []
    for i in range(1, h + 1):
        r = [0] * h
        for j in range(1, M):
            r[min(j, M - j) - 1] -= math.comb(M, j) * pw[i][j] * pw[M - i][M - j]
        r[i - 1] += MM
        rows.append(r)
    sol = flint.fmpz_mat(rows).solve(flint.fmpz_mat([[MM]] * h))
    half = [Fraction(int(sol[k, 0].p), int(sol[k, 0].q)) for k in range(h)]
    t = [Fraction(0)] + half
    t += [t[M - i] for i in range(h + 1, M)] + [Fraction(0)]
    return t


def _check_exact_M(M):
    if M > EXACT_MAX_M:
        raise ValueError(f"M={M}: the exact two-type chain has {M + 1} states and its {M // 2}x{M // 2} rational "
                         f"system has entries of ~{int(M * math.log2(M))} bits; exact mode is limited to "
                         f"M <= {EXACT_MAX_M} (about 20 s at M = 300); use exact=False (float64)")


def expected_absorption_times(M, exact=False):
    r"""Mean absorption times :math:`t_i`, ``i = 0..M``, of the two-type chain (all starting counts).

    .. math::  t = (I - Q)^{-1} \mathbf 1 \text{ on } \{1..M-1\}, \quad t_0 = t_M = 0 .

    ``exact=True`` returns a list of Fractions (``M <= EXACT_MAX_M``); otherwise a
    float64 array from :func:`solve_two_type_chain`.  Kemeny & Snell (1960);
    Ewens (2004), sec. 2.8; e.g. ``M = 4``: ``t_2 = 132/29``.

    Parameters
    ----------
    M : int >= 1
        Samples per generation (haploid copies).
    exact : bool, default False
        Fractions (``M <= EXACT_MAX_M``) instead of float64 (banded solve, any ``M``).

    Returns
    -------
    list of fractions.Fraction or numpy.ndarray, length M + 1
        :math:`t_i` for ``i = 0..M`` (``t_0 = t_M = 0``).

    References
    ----------
    Kemeny & Snell (1960), "Finite Markov Chains", thm. 3.3.5;
    Ewens (2004), "Mathematical Population Genetics I", sec. 2.8;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    exact = _check_exact(exact)
    if exact:
        _check_exact_M(M)
        return _exact_times_all(M)
    return solve_two_type_chain(M).times


def expected_absorption_time(i, M, exact=False):
    r"""Mean number of generations until one of two categories holds all ``M`` samples.

    .. math::  t_i = E[T \mid X_0 = i], \quad T = \min\{n \ge 0: X_n \in \{0, M\}\}, \quad t = (I-Q)^{-1}\mathbf 1 .

    Parameters
    ----------
    i : int, ``0 <= i <= M``
        Initial count of the first category (the original model is ``(i/M, 1 - i/M)``).
    M : int, ``M >= 1``
    exact : bool
        Fraction (``M <= EXACT_MAX_M``) or float64 (banded solve, any ``M``).

    Returns
    -------
    float or fractions.Fraction
        :math:`t_i \ge 0` (0 for ``i`` in ``{0, M}``).

    Notes
    -----
    Exact example: ``M = 4, i = 2`` gives ``132/29``.  Kimura's approximation
    :func:`kimura_absorption_time`.  Kemeny & Snell (1960); Ewens (2004), sec. 2.8;
    Shumailov et al. (2024) (collapse happens in finite expected time).

    References
    ----------
    Kemeny & Snell (1960), "Finite Markov Chains";
    Ewens (2004), "Mathematical Population Genetics I", sec. 2.8;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    i = _check_count(i, M, "i")
    exact = _check_exact(exact)
    if i in (0, M):
        return Fraction(0) if exact else 0.0
    if exact:
        _check_exact_M(M)
        return _exact_times_all(M)[i]
    return float(solve_two_type_chain(M).times[i])


def absorption_probabilities(M, exact=False):
    r"""Probabilities :math:`b_i` of absorption at ``M`` (fixation of the first category), ``i = 0..M``.

    .. math::  b = (I - Q)^{-1} R_{\cdot M}, \qquad R_{iM} = (i/M)^M,

    computed from the chain (not from the closed form ``i/M`` of
    :func:`fixation_probability`, which it verifies).  ``exact=True``: Fractions
    by a fraction-free solve (``M <= 120``); float: :func:`solve_two_type_chain`.
    Kemeny & Snell (1960), thm. 3.3.7.

    Parameters
    ----------
    M : int >= 1
        Samples per generation (haploid copies).
    exact : bool, default False
        Fractions (``M <= 120``) instead of float64 (banded solve).

    Returns
    -------
    list of fractions.Fraction or numpy.ndarray, length M + 1
        :math:`b_i` for ``i = 0..M`` (``b_0 = 0``, ``b_M = 1``); equal to ``i/M``.

    References
    ----------
    Kemeny & Snell (1960), "Finite Markov Chains", thm. 3.3.7;
    Ewens (2004), "Mathematical Population Genetics I", eq. (1.49);
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    import flint

    M = _check_M(M)
    exact = _check_exact(exact)
    if not exact:
        return solve_two_type_chain(M).fixation
    if M > 120:
        raise ValueError(f"M={M}: exact absorption probabilities solve an unfolded {M - 1}x{M - 1} rational system; "
                         "exact mode is limited to M <= 120; use exact=False (float64)")
    if M == 1:
        return [Fraction(0), Fraction(1)]
    A = _binomial_rows_int(M)
    MM = M ** M
    rows = [[(MM if a == b else 0) - A[a][b] for b in range(1, M)] for a in range(1, M)]
    rhs = [[A[a][M]] for a in range(1, M)]
    sol = flint.fmpz_mat(rows).solve(flint.fmpz_mat(rhs))
    return [Fraction(0)] + [Fraction(int(sol[k, 0].p), int(sol[k, 0].q)) for k in range(M - 1)] + [Fraction(1)]


# ----------------------------------------------------------------------------- distributions (iterating the chain)
def _banded_P(M, tail=DEFAULT_TAIL):
    """Sparse float transition matrix (rows renormalised to their exact window mass); also the dropped mass."""
    lo, hi = _row_windows(M, tail)
    G = _log_factorials(M)
    lens = hi - lo + 1
    rows = np.repeat(np.arange(M + 1), lens)
    starts = np.repeat(lo - np.concatenate([[0], np.cumsum(lens)[:-1]]), lens)
    cols = np.arange(rows.size) + starts
    q = rows / M
    jf = cols.astype(float)
    logp = (G[M] - G[cols] - G[M - cols] + scipy.special.xlogy(jf, q) + scipy.special.xlog1py(M - jf, -q))
    vals = np.exp(logp)
    p_all = np.arange(M + 1) / M
    below, above = _tails(M, p_all, lo, hi)
    target = 1.0 - below - above
    sums = np.bincount(rows, weights=vals, minlength=M + 1)
    vals *= (target / sums)[rows]
    P = scipy.sparse.csr_matrix((vals, (rows, cols)), shape=(M + 1, M + 1))
    return P, float((below + above).max())


def _survival_iter(M, target, n_max, exact):
    """``(P^n f)`` for ``n = 0..n_max`` where ``f`` is the indicator of ``target`` states; rows = n."""
    f0 = np.zeros(M + 1)
    f0[target] = 1
    if exact:
        import flint

        A = flint.fmpz_mat(_binomial_rows_int(M))
        MM = M ** M
        v = flint.fmpz_mat([[int(x)] for x in f0])
        out = [[Fraction(int(x)) for x in f0]]
        den = 1
        for _ in range(n_max):
            v = A * v
            den *= MM
            out.append([Fraction(int(v[k, 0]), den) for k in range(M + 1)])
        return out
    P, _ = _banded_P(M)
    out = np.empty((n_max + 1, M + 1))
    out[0] = f0
    v = f0
    for n in range(1, n_max + 1):
        v = P @ v
        out[n] = v
    return np.clip(out, 0.0, 1.0)


def _check_small_exact_states(M, what):
    if M + 1 > EXACT_MAX_STATES or M > 200:
        raise ValueError(f"M={M}: exact {what} iterates a {M + 1}-state rational chain; exact mode is limited to "
                         "M <= 200; use exact=False (float64)")


def absorption_time_distribution(i, M, generations, exact=False):
    r"""Distribution of the absorption time :math:`T` of the two-type chain from count ``i``.

    .. math::

        P(T > n) = \sum_{j=1}^{M-1} (P^n)_{ij}, \qquad P(T = n) = P(T > n-1) - P(T > n).

    Parameters
    ----------
    i : int, ``0 <= i <= M``
    M : int, ``M >= 1``
    generations : int, ``>= 0``
        Largest ``n`` returned.
    exact : bool
        Fractions by exact iteration of the chain (``M <= 200``); float: sparse
        banded iteration (rows truncated at 1e-16 mass, renormalised).

    Returns
    -------
    ndarray (or list of Fraction), length ``generations + 1``
        ``pmf[n] = P(T = n)``; ``pmf[0] = 1`` iff ``i`` is absorbing.

    Notes
    -----
    Ewens (2004), sec. 2.8; Shumailov et al. (2024) (finite collapse time).

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", sec. 2.8;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    M = _check_M(M)
    i = _check_count(i, M, "i")
    generations = check_int(generations, "generations", minimum=0)
    exact = _check_exact(exact)
    if exact:
        _check_small_exact_states(M, "absorption-time distributions")
    interior = list(range(1, M))
    if not interior:
        pmf = [Fraction(1)] + [Fraction(0)] * generations
        return pmf if exact else np.array([float(x) for x in pmf])
    surv = _survival_iter(M, interior, generations, exact)
    if exact:
        s = [row[i] for row in surv]
        return [1 - s[0]] + [s[n - 1] - s[n] for n in range(1, generations + 1)]
    s = surv[:, i]
    return np.concatenate([[1.0 - s[0]], -np.diff(s)])


def survival_probabilities(n, M, exact=False):
    r"""``P(X_n > 0 | X_0 = i)`` for every ``i = 0..M`` (see :func:`survival_probability`).

    Parameters
    ----------
    n : int >= 0
        Number of refits.
    M : int >= 1
        Samples per generation (haploid copies).
    exact : bool, default False
        Fractions by exact iteration (``M <= 200``) instead of float64 (banded iteration).

    Returns
    -------
    list of fractions.Fraction or numpy.ndarray, length M + 1
        :math:`s_n(i)` for ``i = 0..M`` (``s_n(0) = 0``, ``s_n(M) = 1``).

    Notes
    -----
    .. math:: s_n(i) = P(X_n > 0 \mid X_0 = i) = \sum_{j=1}^{M} (P^n)_{ij}

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I";
    Shumailov et al. (2024), Nature 631, sec. 3.1 (tails vanish).
    """
    n = _check_n(n)
    M = _check_M(M)
    exact = _check_exact(exact)
    if exact:
        _check_small_exact_states(M, "survival probabilities")
    out = _survival_iter(M, list(range(1, M + 1)), n, exact)
    return out[n] if exact else out[n].copy()


def survival_probability(n, i, M, exact=False):
    r"""Probability that a category with ``i`` of ``M`` samples is still present after ``n`` refits.

    .. math::  s_n(i) = P(X_n > 0 \mid X_0 = i) = \sum_{j \ge 1} (P^n)_{ij}, \qquad s_n \to i/M .

    Parameters
    ----------
    n : int, ``n >= 0``
    i : int, ``0 <= i <= M``
    M : int, ``M >= 1``
    exact : bool
        Fraction by exact iteration (``M <= 200``); float: banded iteration.

    Returns
    -------
    float or fractions.Fraction
        :math:`s_n(i) \in [0, 1]`.

    Notes
    -----
    For ``n = 1`` this is ``1 - (1 - i/M)^M`` (:func:`loss_probability`).  The
    count of one category against the rest is a two-type chain, so this applies
    to any ``K``.  Ewens (2004); Shumailov et al. (2024) (tails vanish).

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I";
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    n = _check_n(n)
    M = _check_M(M)
    i = _check_count(i, M, "i")
    return survival_probabilities(n, M, exact=exact)[i]


def expected_surviving_categories(n, counts, M, exact=False):
    r"""Expected number of categories still present after ``n`` refits.

    .. math::  E[\#\{k : X_{n,k} > 0\}] = \sum_k s_n(c_k),

    by linearity, each category's count being a two-type chain against the
    rest (:func:`survival_probability`).

    Parameters
    ----------
    n : int, ``>= 0``
    counts : sequence of int
        Initial counts ``c_k`` of ``K >= 2`` categories (the original model is
        ``counts / M``); must sum to ``M``.
    M : int, ``M >= 1``
    exact : bool

    Returns
    -------
    float or fractions.Fraction
        Expected number of categories present after ``n`` refits, in ``[1, K]``.

    Notes
    -----
    Ewens (2004), sec. 3 (number of alleles); Shumailov et al. (2024).

    References
    ----------
    Ewens (2004), "Mathematical Population Genetics I", sec. 3;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    n = _check_n(n)
    M = _check_M(M)
    counts = _check_counts(counts, M=M)
    s = survival_probabilities(n, M, exact=exact)
    if exact:
        return sum((s[c] for c in counts), Fraction(0))
    return float(sum(s[c] for c in counts))


# ----------------------------------------------------------------------------- K types: time to collapse
def _partitions(M, K):
    """Partitions of ``M`` into at most ``K`` parts, as length-K non-increasing tuples (zeros padded)."""
    out = []

    def rec(rem, k, mx, prefix):
        if k == 0:
            if rem == 0:
                out.append(tuple(prefix))
            return
        for v in range(min(rem, mx), -1, -1):
            if v * k < rem:
                break
            rec(rem - v, k - 1, v, prefix + [v])

    rec(M, K, M, [])
    return out


def _lumped_chain(M, K, exact):
    """Transition matrix of the chain lumped by permutation of categories (states = partitions).

    The neutral chain is exchangeable, so ``P(x -> class(y))`` depends on ``x``
    only through its sorted counts: it is lumpable (Kemeny & Snell 1960, sec. 6.3).
    """
    parts = _partitions(M, K)
    index = {pt: a for a, pt in enumerate(parts)}
    comps = multitype_states(M, K)
    cls = np.array([index[tuple(sorted(c, reverse=True))] for c in comps.tolist()])
    if exact:
        num = _multinomial_numerators(M, parts, comps.tolist())
        P = [[0] * len(parts) for _ in parts]
        for a, row in enumerate(num):
            Pa = P[a]
            for c, v in zip(cls.tolist(), row):
                if v:
                    Pa[c] += v
        return parts, P
    logp = _multinomial_logprob(M, np.array(parts), comps)
    prob = np.exp(logp)
    P = np.zeros((len(parts), len(parts)))
    for a in range(len(parts)):
        P[a] = np.bincount(cls, weights=prob[a], minlength=len(parts))
    return parts, P


def expected_time_to_collapse(counts, exact=False):
    r"""Mean number of generations until one of ``K`` categories holds all samples.

    .. math::  E[T \mid X_0 = c], \quad T = \min\{n : X_n \text{ is a delta}\}, \quad t = (I - Q)^{-1}\mathbf 1,

    on the chain lumped by permutations of the categories (states = partitions
    of ``M`` into at most ``K`` parts; exchangeability makes the lumping exact).

    Parameters
    ----------
    counts : sequence of int
        Initial counts (``K >= 2`` categories, ``M = sum(counts)``); categories
        with zero count are dropped first.
    exact : bool
        Fraction by a fraction-free solve; limited to ``C(M+K-1, K-1) <=
        EXACT_MAX_STATES`` count states (and 300 lumped states).  Float: up to
        :data:`FLOAT_MAX_STATES` count states and 5000 lumped states.

    Returns
    -------
    float or fractions.Fraction
        Mean number of generations until a single category remains (0 if only one is non-empty).

    Notes
    -----
    Two types reduce to :func:`expected_absorption_time`.  Diffusion
    approximation: :func:`littler_time_to_collapse` (Littler 1975); Ewens
    (2004), sec. 5.4; Shumailov et al. (2024).

    References
    ----------
    Kemeny & Snell (1960), "Finite Markov Chains", sec. 6.3 (lumpability) and thm. 3.3.5;
    Littler (1975), Math. Biosci. 25;
    Ewens (2004), "Mathematical Population Genetics I", sec. 5.4;
    Shumailov et al. (2024), Nature 631, sec. 3.1.
    """
    exact = _check_exact(exact)
    counts = _check_counts(counts)
    M = sum(counts)
    nz = sorted((c for c in counts if c > 0), reverse=True)
    K = len(nz)
    if K == 1:
        return Fraction(0) if exact else 0.0
    if K == 2:
        return expected_absorption_time(nz[0], M, exact=exact)
    n_comp = _n_compositions(M, K)
    limit = EXACT_MAX_STATES if exact else FLOAT_MAX_STATES
    if n_comp > limit:
        raise ValueError(f"counts: K={K} non-empty categories with M={M} give {n_comp} count states "
                         f"(C(M+K-1, K-1)); {'exact' if exact else 'float'} mode is limited to {limit} states"
                         + ("; use exact=False (float64)" if exact else ""))
    n_part = len(_partitions(M, K))
    plimit = 300 if exact else 5000
    if n_part > plimit:
        raise ValueError(f"counts: K={K}, M={M} lumps to {n_part} states; {'exact' if exact else 'float'} mode is "
                         f"limited to {plimit} lumped states" + ("; use exact=False (float64)" if exact else ""))
    parts, P = _lumped_chain(M, K, exact)
    start = parts.index(tuple(nz))
    trans = [a for a, pt in enumerate(parts) if pt[1] > 0]
    pos = {a: k for k, a in enumerate(trans)}
    if exact:
        import flint

        MM = M ** M
        rows = [[(MM if a == b else 0) - P[a][b] for b in trans] for a in trans]
        sol = flint.fmpz_mat(rows).solve(flint.fmpz_mat([[MM]] * len(trans)))
        v = sol[pos[start], 0]
        return Fraction(int(v.p), int(v.q))
    Q = P[np.ix_(trans, trans)]
    t = np.linalg.solve(np.eye(len(trans)) - Q, np.ones(len(trans)))
    return float(t[pos[start]])


# ----------------------------------------------------------------------------- diffusion approximations
def kimura_absorption_time(p, M):
    r"""Kimura's diffusion approximation of the mean absorption time from frequency ``p``.

    .. math::  t(p) \approx -2M\,[\,p \ln p + (1-p) \ln(1-p)\,]

    (haploid, ``M`` copies; for diploid populations of ``N`` individuals put
    ``M = 2N``: Kimura's ``-4N[...]``).  Relative error ``O(1/M)`` in the
    interior; see :func:`expected_absorption_time` for the exact value.

    Parameters
    ----------
    p : float in [0, 1] or sympy expression
    M : int or sympy expression

    Returns
    -------
    float or sympy.Expr
        Approximate mean absorption time in generations (sympy expression for symbolic input).

    Notes
    -----
    Kimura (1955); Ewens (2004), eq. (4.20).

    References
    ----------
    Kimura (1955), "Solution of a process of random genetic drift with a continuous model", PNAS 41;
    Ewens (2004), "Mathematical Population Genetics I", eq. (4.20).
    """
    M = _check_M(M)
    if is_symbolic(p, M):
        p = sp.sympify(p)
        return -2 * M * (p * sp.log(p) + (1 - p) * sp.log(1 - p))
    check_positive(p, "p", allow_zero=True)
    p = float(p)
    if p > 1:
        raise ValueError(f"p must be in [0, 1], got {p!r}")
    return float(-2 * M * (scipy.special.xlogy(p, p) + scipy.special.xlog1py(1 - p, -p)))


def littler_time_to_collapse(x, M):
    r"""Littler's diffusion approximation of the mean time until one of ``K`` types remains.

    .. math::  E[T] \approx -2M \sum_{i=1}^K (1 - x_i) \ln(1 - x_i)

    (haploid, ``M`` copies; for ``K = 2`` it is :func:`kimura_absorption_time`).

    Parameters
    ----------
    x : probability vector (``K >= 2``)
    M : int, ``M >= 1``

    Returns
    -------
    float or sympy.Expr
        Approximate mean time to a single type in generations (sympy expression when ``x`` holds
        symbols).

    Notes
    -----
    Littler (1975); Ewens (2004), eq. (5.92).

    References
    ----------
    Littler (1975), "Loss of variability at one locus in a finite population", Math. Biosci. 25;
    Ewens (2004), "Mathematical Population Genetics I", eq. (5.92).
    """
    M = _check_M(M)
    if isinstance(x, (list, tuple)) and is_symbolic(*x):
        return -2 * M * sum((1 - sp.sympify(v)) * sp.log(1 - sp.sympify(v)) for v in x)
    arr = check_probability_vector(x, "x")
    return float(-2 * M * np.sum(scipy.special.xlog1py(1 - arr, -arr)))
