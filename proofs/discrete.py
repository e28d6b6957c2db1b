r"""Discrete model collapse (neutral Wright-Fisher resampling), derived and checked.

Conventions (the same as :mod:`theory.discrete`)
------------------------------------------------
The model of generation :math:`n` is a distribution :math:`x = (x_1, \dots, x_K)`
on :math:`K` categories.  Generation :math:`n+1` draws :math:`M` iid samples
from it and takes the empirical frequencies :math:`x'_i = c_i/M` with
:math:`c \sim \mathrm{Multinomial}(M, x)`.  Each count :math:`c_i` is the
number of the :math:`M` independent draws that fall into category :math:`i`:
:math:`c_i = B_1 + \dots + B_M` with :math:`B_r \sim \mathrm{Bernoulli}(x_i)`
iid, so its moment generating function is the :math:`M`-th power of that of
one indicator.  :math:`H = 1 - \sum_i x_i^2` is the Gini-Simpson diversity
(heterozygosity).

Theorem :data:`WRIGHT_FISHER` proves, with sympy doing every computation:
the frequencies are a martingale; :math:`\mathbb{E}[H_{n+1} \mid \mathcal F_n]
= (1 - 1/M) H_n`, hence :math:`\mathbb{E}[H_n] = H_0 (1 - 1/M)^n`; a category
of probability :math:`x_i` is lost in one generation with probability
:math:`(1 - x_i)^M`; the absorbing states are exactly the point masses; every
other state reaches a point mass in one step with positive probability; and the
fixation probability of a category equals its initial frequency (optional
stopping).  :func:`derive_eigenvalues` derives the spectrum of the two-type chain
(Feller): in the falling-factorial basis the transition operator is triangular.

References
----------
Shumailov et al., Nature 631, 755-759 (2024) (discrete collapse); Ewens,
*Mathematical Population Genetics I* (2004); Durrett, *Probability Models for
DNA Sequence Evolution* (2008).
"""

from __future__ import annotations

from typing import NamedTuple

import sympy as sp
from sympy.stats import Bernoulli, Binomial

from theory import discrete as td
from theory import validation as V

from .core import (Assume, Bound, Claim, Ex, Model, Notation, Pr, Step, Theorem, by_claims, instance_of,
                   sequence)

n = sp.Symbol("n", integer=True, nonnegative=True)
M = sp.Symbol("M", integer=True, positive=True)
K = sp.Symbol("K", integer=True, positive=True)
t = sp.Symbol("t", real=True)
i = sp.Symbol("i", integer=True, positive=True)
x = sp.IndexedBase("x")
xi = x[i]
F = sp.Symbol(r"\mathcal{F}_{n}")
H = sequence("H", "H", positive=False)
H0 = sp.Symbol("H_0", nonnegative=True)
xs = sp.Symbol("x", real=True)

#: Count of category i among the M draws of the next generation, and one draw's indicator.
c = Binomial("c_i", M, xi)
B = Bernoulli("B", xi)
MGF = Ex(sp.exp(t * c), F)

_sum_x = sp.Sum(xi, (i, 1, K))
_H_next = 1 - sp.Sum((c / M) ** 2, (i, 1, K))
_H_now = 1 - sp.Sum(xi ** 2, (i, 1, K))


def _mgf_moment(order):
    def form(lhs, rhs):
        return (lhs == Ex(c ** order if order > 1 else c, F)
                and rhs == sp.Subs(sp.Derivative(MGF, (t, order)), t, 0))
    return instance_of("the j-th moment is the j-th derivative of the moment generating function at 0", form)


def _limit_form(target_event, weight, direction):
    def form(lhs, rhs):
        return lhs == Pr(target_event) and rhs == sp.Limit(weight * MGF, t, direction)
    return form


def _definition_of_H(lhs, rhs):
    return lhs.xreplace({_H_now: H(n)}) == rhs


_tau = sp.Symbol(r"\tau")
x_tau = sp.Symbol(r"x_{i,\tau}")
x_0 = sp.Symbol(r"x_{i,0}")


def _wright_fisher():
    claims = [
        Claim("a", MGF, "=", (1 - xi + xi * sp.exp(t)) ** M, [
            Step("=", Ex(sp.exp(t * B), F) ** M, r"$c_i = B_1 + \dots + B_M$, independent draws: the moment "
                                                 r"generating function factorises (definition of the model)"),
            Step("=", (1 - xi + xi * sp.exp(t)) ** M, "Bernoulli moment generating function (sympy.stats)"),
        ], text="moment generating function of a count"),
        Claim("b", Ex(c, F), "=", M * xi, [
            Step("=", sp.Subs(sp.Derivative(MGF, t), t, 0), "first moment from the moment generating function",
                 rule=_mgf_moment(1)),
            Step("=", M * xi, "differentiate (a) (sympy)"),
        ], text="expected count"),
        Claim("c", Ex(c ** 2, F), "=", M * xi + M * (M - 1) * xi ** 2, [
            Step("=", sp.Subs(sp.Derivative(MGF, (t, 2)), t, 0), "second moment from the moment generating function",
                 rule=_mgf_moment(2)),
            Step("=", M * xi + M * (M - 1) * xi ** 2, "differentiate (a) twice (sympy)"),
        ], text="second moment of a count"),
        Claim("d", Ex(c / M, F), "=", xi, [
            Step("=", Ex(c, F) / M, "linearity"),
            Step("=", xi, "(b)"),
        ], text=r"the frequencies $x'_i = c_i/M$ are a martingale"),
        Claim("e", Ex(H(n + 1), F), "=", (1 - 1 / M) * H(n), [
            Step("=", Ex(_H_next, F), r"definition $H_{n+1} = 1 - \sum_i x_i'^2$"),
            Step("=", 1 - sp.Sum(Ex(c ** 2, F), (i, 1, K)) / M ** 2, "linearity over the K categories"),
            Step("=", 1 - sp.Sum(xi * (1 - xi) / M + xi ** 2, (i, 1, K)), "(c)"),
            Step("=", (1 - 1 / M) * _H_now, r"$\sum_i x_i = 1$"),
            Step("=", (1 - 1 / M) * H(n), r"definition $H_n = 1 - \sum_i x_i^2$",
                 rule=instance_of("definition of H_n", _definition_of_H)),
        ], text="diversity decays by the factor 1 - 1/M per generation, in conditional expectation"),
        Claim("f", Ex(H(n)), "=", H0 * (1 - 1 / M) ** n, [
            Step("=", Ex(Ex(H(n + 1), F)), "tower property",
                 rule=instance_of("tower property E[Y] = E[E[Y | F_n]]",
                                  lambda lhs, rhs: rhs == Ex(Ex(lhs.args[0], F)) and len(lhs.args) == 1)),
            Step("=", (1 - 1 / M) * Ex(H(n)), "(e) and linearity"),
            Step("=", H0 * (1 - 1 / M) ** (n + 1), "induction hypothesis"),
        ], text="expected diversity", induction=n),
        Claim("g", Pr(sp.Eq(c, 0)), "=", (1 - xi) ** M, [
            Step("=", sp.Limit(MGF, t, -sp.oo), r"dominated convergence: $e^{t c_i} \to 1\{c_i = 0\}$ as "
                                                r"$t \to -\infty$, bounded by 1",
                 rule=instance_of("dominated convergence, exp(t c) -> 1{c = 0}", _limit_form(sp.Eq(c, 0), 1, -sp.oo))),
            Step("=", (1 - xi) ** M, "(a) and sympy.limit"),
        ], text="a category of probability $x_i$ is lost in one generation with probability $(1-x_i)^M$"),
        Claim("h", Ex(c ** 2, F) - Ex(c, F) ** 2, "=", M * xi * (1 - xi), [
            Step("=", M * xi + M * (M - 1) * xi ** 2 - M ** 2 * xi ** 2, "(b), (c)"),
            Step("=", M * xi * (1 - xi), "algebra"),
        ], text=r"conditional variance of a count; a state is absorbing iff $x' = x$ almost surely iff every "
                r"count has zero conditional variance (its mean is $M x_i$ by (b))"),
        Claim("i", sp.ConditionSet(xs, sp.Eq(M * xs * (1 - xs), 0), sp.Interval(0, 1)), "=", sp.FiniteSet(0, 1), [
            Step("=", sp.FiniteSet(0, 1), "sympy.solveset"),
        ], text=r"by (h) the variance vanishes iff $x_i \in \{0, 1\}$: the absorbing states are exactly the point "
                r"masses (deltas)"),
        Claim("j", Pr(sp.Eq(c, M)), "=", xi ** M, [
            Step("=", sp.Limit(sp.exp(-t * M) * MGF, t, sp.oo), r"dominated convergence: $e^{t(c_i - M)} \to "
                                                               r"1\{c_i = M\}$ as $t \to \infty$, bounded by 1",
                 rule=instance_of("dominated convergence, exp(t (c - M)) -> 1{c = M}",
                                  _limit_form(sp.Eq(c, M), sp.exp(-t * M), sp.oo))),
            Step("=", xi ** M, "(a) and sympy.limit"),
        ], text=r"probability that category $i$ takes over in one generation"),
        Claim("k", xi ** M, ">", 0, [
            Step(">", 0, r"positive base", bounds=[Bound(xi, ">0", "category i present")]),
        ], text=r"from a state that is not a delta, a delta is reached in one step with probability at least "
                r"$\min_{x_i > 0} x_i^M > 0$; the state space is finite, so every non-delta state is transient and "
                r"the chain is absorbed at a finite time $\tau$ almost surely"),
        Claim("l", Pr(sp.Eq(x_tau, 1)), "=", x_0, [
            Step("=", Ex(x_tau), r"$x_{i,\tau} \in \{0, 1\}$ at absorption, by (i)",
                 rule=by_claims("expectation of an indicator", "i")),
            Step("=", x_0, r"optional stopping for the bounded martingale $x_{i,n}$ (d) at the a.s. finite time "
                           r"$\tau$ (j), (k)",
                 rule=by_claims("optional stopping theorem (bounded martingale, finite stopping time)",
                                "d", "j", "k")),
        ], text="fixation probability equals the initial frequency"),
    ]
    return Theorem(
        name="discrete_wright_fisher",
        title="Discrete model collapse (neutral Wright-Fisher resampling)",
        statement=(r"Resampling a distribution on $K$ categories by the empirical frequencies of $M$ draws: the "
                   r"frequencies are a martingale; $\mathbb{E}[H_n] = H_0(1 - 1/M)^n$ for the diversity "
                   r"$H = 1 - \sum_i x_i^2$; a category of probability $x_i$ is lost in one generation with "
                   r"probability $(1 - x_i)^M$; the absorbing states are exactly the point masses and all other "
                   r"states are transient; category $i$ fixes with probability $x_{i,0}$."),
        assumptions=[Assume(M, r"$M \ge 1$ is an integer (draws per generation)"),
                     Assume(K, r"$K \ge 2$ categories"),
                     Assume(xi, r"$x_i \ge 0$, $\sum_{i=1}^K x_i = 1$ (current frequencies)"),
                     Assume(n, r"$n \ge 0$ is an integer (the generation)")],
        claims=claims,
        model=Model(index=n, transition={H(n + 1): _H_next}, initial={H(0): H0}, given=F, text=[
            r"Given the frequencies $x$ of generation $n$ ($\mathcal F_n$), the counts of generation $n+1$ are "
            r"$c \sim \mathrm{Multinomial}(M, x)$ and $x'_i = c_i/M$.",
            r"$c_i = B_1 + \dots + B_M$ with $B_r \sim \mathrm{Bernoulli}(x_i)$ independent (one indicator per "
            r"draw), so $\mathbb{E}[e^{t c_i} \mid \mathcal F_n] = \mathbb{E}[e^{t B}]^M$.",
            r"$H_n = 1 - \sum_i x_i^2$, $H_0$ its initial value; $\tau$ is the absorption time, "
            r"$x_{i,\tau}$ the frequency of category $i$ then."]),
        notation=[Notation(MGF, lambda: Ex(sp.exp(t * B), F) ** M,
                           r"$\mathbb{E}[e^{t c_i} \mid \mathcal F_n] = \mathbb{E}[e^{t B}]^M$ (independent draws)"),
                  Notation(_sum_x, lambda: sp.Integer(1), r"$\sum_{i=1}^K x_i = 1$")],
        corroborated_by=["E[H_n]", "P(fixation)", "P(loss in one generation)"],
        process="discrete",
        source="Shumailov et al., Nature 631, 755-759 (2024) (discrete distributions with exact approximation); "
               "neutral Wright-Fisher model, Ewens (2004), Durrett (2008)",
        remarks=[r"Parts (i)-(l) are the Nature paper's discrete collapse: the chain is absorbed with probability "
                 r"one in a point mass, and a category with small probability is lost first and fast: "
                 r"$(1 - x_i)^M \approx e^{-M x_i}$ by (g)."],
    )


WRIGHT_FISHER = _wright_fisher()

#: The discrete theorems in document order.
THEOREMS = (WRIGHT_FISHER,)


# ----------------------------------------------------------------------------- the spectrum of the two-type chain
class EigenvalueDerivation(NamedTuple):
    """:func:`derive_eigenvalues`: the triangular form ``T``, its diagonal, and whether ``P V = V T`` holds exactly."""
    T: sp.Matrix
    eigenvalues: list
    similar: bool


def derive_eigenvalues(M):
    r"""Triangular form of the two-type transition operator in the falling-factorial basis, for a numeric ``M``.

    :math:`(P(\cdot)_k)(i) = E[(X')_k \mid i] = \frac{(M)_k}{M^k} i^k = \frac{(M)_k}{M^k}\sum_{m \le k} S(k, m)(i)_m`
    (the factorial moments of :math:`\mathrm{Bin}(M, i/M)`, and Stirling numbers of the second kind), so the
    matrix ``T`` with ``T[m, k]`` the coefficient of :math:`(i)_m` in :math:`P(i)_k` is upper triangular with
    diagonal :math:`\lambda_k = (M)_k/M^k` (Feller 1951).  ``similar`` is True when :math:`PV = VT` exactly
    for the falling-factorial Vandermonde :math:`V_{ik} = (i)_k`, i.e. ``T`` *is* the transition matrix of
    :func:`theory.discrete.transition_matrix` in that basis.  ``1 <= M <= 60``.
    """
    M = V.Integer(1, 60).check(M, "M")
    T = sp.zeros(M + 1, M + 1)
    for k in range(M + 1):
        lam = sp.ff(M, k) / sp.Integer(M) ** k
        for m in range(k + 1):
            T[m, k] = lam * sp.functions.combinatorial.numbers.stirling(k, m)
    Vm = sp.Matrix(M + 1, M + 1, lambda i, k: sp.ff(i, k))
    P = sp.Matrix(td.transition_matrix(M, exact=True))
    return EigenvalueDerivation(T, [T[k, k] for k in range(M + 1)], bool((P * Vm - Vm * T).is_zero_matrix))
