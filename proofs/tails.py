r"""Tails and language, derived step by step and checked by sympy.

Conventions (the same as :mod:`theory.tails`)
---------------------------------------------
A memorizing learner trained on ``T`` samples of :math:`q` misses type ``i`` with probability
:math:`(1-q_i)^T`; generation 1 is the empirical law of ``T0`` samples of :math:`p`, generation :math:`j+1`
that of ``T0`` samples of generation :math:`j`; a Poisson rate is refitted by the mean of ``n`` draws.

Theorems
--------
:data:`HUTTER`       the memorizing learner's error; a type of positive training probability is eventually seen
                     (a limit), so a cut tail leaves the plateau :math:`\sum_{i>k} p_i`; the Zipf learning curve
                     :math:`C_\beta T^{-(\beta-1)/\beta}` (the integral with sympy, the exponent as a limit) and
                     the plateau :math:`k^{-(\beta-1)}/((\beta-1)\zeta(\beta))`
:data:`GENERATIONS`  ``n`` generations then ``T = T0`` is ``n + 1`` generations with ``T = None``; one refit maps
                     the moments of a frequency through the occupancy kernel :math:`K(r, j) = S(r, j)(M)_j/M^r`
                     (the ancestry), a stochastic kernel whose mean number of parents tends to the Galton-Watson
                     map :math:`x \mapsto 1 - e^{-x}` (a limit)
:data:`FORGETTING`   the Poisson refit is a critical Galton-Watson process, a word of count ``c`` is forgotten with
                     probability :math:`f_k(0)^c = e^{-c q_{k-1}}`, the stated bound :math:`1 - e^{-c/k}` holds,
                     the increments of :math:`1/q_k` tend to 1/2 (a limit: the median is about :math:`2c/\ln 2`),
                     and the mean forgetting time is infinite

Steps that sympy proves only for each value of one integer on a stated grid (the other symbols free) are
labelled "checked numerically", as every grid check is.

References
----------
[hutter2021]_, [dohmatob2024tails]_, [suresh2025]_, [athreyaney1972]_, [kingman1982]_, [feller1968]_.
"""

from __future__ import annotations

import functools

import sympy as sp
from sympy.stats import Bernoulli, Poisson

from . import discrete as _discrete
from .core import (FAILED, NUMERIC, PROVED, Assume, Bound, Claim, Ex, Notation, Pr, Result, Step, Theorem,
                   by_claims, check_relation, convergence, instance_of)

# ----------------------------------------------------------------------------- symbols
t = sp.Symbol("t", real=True)
s = sp.Symbol("s", positive=True)
T = sp.Symbol("T", integer=True, positive=True)
T0 = sp.Symbol("T_0", integer=True, positive=True)
q = sp.Symbol("q", positive=True)
x = sp.Symbol("x", positive=True)
b = sp.Symbol("b", positive=True)            # beta = 1 + b > 1
beta = 1 + b
a = sp.Symbol("a", positive=True)            # the normaliser 1/zeta(beta)
zeta_b = sp.Symbol(r"\zeta(\beta)", positive=True)
k = sp.Symbol("k", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
c = sp.Symbol("c", positive=True)
lam = sp.Symbol(r"\lambda_k", positive=True)
Zk = sp.Symbol("Z_k", positive=True)
g = sp.Symbol("g_k", positive=True)          # f_k(0) in (0, 1)
g1 = sp.Symbol("g_{k+1}", positive=True)
qk = sp.Symbol("q_k", positive=True)
F = sp.Symbol(r"\mathcal{F}")
# generations
M = sp.Symbol("M", integer=True, positive=True)        # tokens per generation (T0)
r = sp.Symbol("r", integer=True, nonnegative=True)     # draws looking back
j = sp.Symbol("j", integer=True, nonnegative=True)
y = sp.Symbol("y", positive=True)                      # frequency of the other types, 1 - X/M
Yp = sp.Symbol("Y'", nonnegative=True)                 # their count in the next generation

#: Grid of the per-``r`` identities of :data:`GENERATIONS` (each proved by sympy with ``M`` and ``y`` free).
R_GRID = range(0, 7)


# ----------------------------------------------------------------------------- rules
def integral_value(lhs, rel, rhs, ctx, assumptions):
    """Rule: evaluate the integrals of the left-hand side (``Integral.doit``) and let sympy compare."""
    if rel != "=":
        return Result(FAILED, "integral_value proves equalities only")
    done = sp.sympify(lhs).replace(lambda e: isinstance(e, sp.Integral), lambda e: e.doit(conds="none"))
    res = check_relation(done, "=", rhs, ctx, assumptions)
    if res.status == PROVED:
        return Result(PROVED, f"sympy evaluates the integral; {res.method}")
    return Result(FAILED, f"sympy's value of the integral differs ({res.method})")


def for_each(symbol, values):
    """Rule: sympy proves the step for each value of the integer ``symbol`` in ``values`` with every other symbol
    free (labelled "checked numerically": a finite grid, not an induction on ``symbol``)."""
    values = list(values)

    def rule(lhs, rel, rhs, ctx, assumptions):
        for v in values:
            res = check_relation(lhs.xreplace({symbol: v}).doit(), rel, rhs.xreplace({symbol: v}).doit(), ctx,
                                 assumptions)
            if res.status != PROVED:
                return Result(FAILED, f"not proved at {symbol} = {v}: {res.method}")
        return Result(NUMERIC, f"checked on the grid {symbol} in {{{values[0]}, ..., {values[-1]}}}: sympy proves "
                               f"each instance with the other symbols free")
    return rule


@functools.lru_cache(maxsize=None)
def _wright_fisher_claim(label):
    """Check claim ``label`` of :data:`proofs.discrete.WRIGHT_FISHER` in that theorem's context (its model,
    notation and hypotheses); a claim that needs earlier claims of that theorem fails here, conservatively."""
    W = _discrete.WRIGHT_FISHER
    claims = [c for c in W.claims if c.label == label]
    return Theorem(W.name, W.title, W.statement, W.assumptions, claims, W.model, W.notation).check().claims[0]


def proved_in_wright_fisher(label, substitution):
    """Rule: the step is claim ``label`` of :data:`proofs.discrete.WRIGHT_FISHER` under ``substitution`` (checked:
    the claim must be proved there, both statements must be absence probabilities, and its right-hand side must
    become this step's after the substitution)."""
    def rule(lhs, rel, rhs, ctx, assumptions):
        cr = _wright_fisher_claim(label)
        if cr.status != PROVED:
            return Result(FAILED, f"claim ({label}) of discrete_wright_fisher is not proved")
        cl = cr.claim

        def absence(e):
            return isinstance(e, Pr) and isinstance(e.args[0], sp.Eq) and e.args[0].rhs == 0

        same = (rel == cl.rel and absence(lhs) and absence(cl.lhs)
                and sp.simplify(cl.rhs.xreplace(substitution) - rhs) == 0)
        if not same:
            return Result(FAILED, f"not an instance of claim ({label}) of discrete_wright_fisher")
        return Result(PROVED, f"claim ({label}) of theorem discrete_wright_fisher (proved there), with "
                              + ", ".join(f"{sp.sstr(k_)} -> {sp.sstr(v)}" for k_, v in substitution.items()))
    return rule


# ----------------------------------------------------------------------------- Hutter's learner
B = Bernoulli("B", q)
C_T = sp.Symbol("C_T")  # the count of a type among the T training samples
MGF_T = Ex(sp.exp(t * C_T), F)


def _limit_is_absence(lhs, rhs):
    return lhs == Pr(sp.Eq(C_T, 0)) and rhs == sp.Limit(MGF_T, t, -sp.oo)


def _hutter():
    integrand = a * x ** (-beta) * sp.exp(-T * a * x ** (-beta))
    curve = sp.gamma((beta - 1) / beta) / beta * (T * a) ** (1 / beta) / T
    C_beta = sp.gamma((beta - 1) / beta) / (beta * zeta_b ** (1 / beta))
    claims = [
        Claim("a", MGF_T, "=", (1 - q + q * sp.exp(t)) ** T, [
            Step("=", Ex(sp.exp(t * B), F) ** T, r"the count $C_T$ of a type of probability $q$ among $T$ independent "
                                                 r"draws is a sum of $T$ indicators"),
            Step("=", (1 - q + q * sp.exp(t)) ** T, "Bernoulli moment generating function (sympy.stats)"),
        ], text="moment generating function of the count of a type in the training set"),
        Claim("b", Pr(sp.Eq(C_T, 0)), "=", (1 - q) ** T, [
            Step("=", sp.Limit(MGF_T, t, -sp.oo), r"dominated convergence: $e^{tC_T} \to 1\{C_T = 0\}$ as "
                                                 r"$t\to-\infty$, bounded by 1",
                 rule=instance_of("dominated convergence, exp(t C) -> 1{C = 0}", _limit_is_absence)),
            Step("=", (1 - q) ** T, "(a) and sympy.limit"),
        ], text=r"a type of training probability $q_i$ is unseen with probability $(1-q_i)^T$, so the memorizing "
                r"learner errs on $p$ with probability $\sum_i p_i (1-q_i)^T$"),
        Claim("c", sp.Limit((1 - q) ** T, T, sp.oo), "=", 0, [
            Step("=", 0, r"$0 < q < 1$; sympy.limit", bounds=[Bound(q, "(0,1)", "a type of the training law")]),
        ], text=r"a type of positive training probability is eventually seen: on clean data, or a mixture "
                r"$\pi p + (1-\pi)\,\mathrm{tail\_cut}(p, k)$ with $\pi > 0$ (tail types have $q_i = \pi p_i$), "
                r"the error tends to 0, while data cut at the $k$-th type never show the types $i > k$ "
                r"($q_i = 0$): the error tends to the plateau $\sum_{i>k} p_i$"),
        Claim("d", sp.Integral(integrand, (x, 0, sp.oo)), "=", curve, [
            Step("=", curve, r"sympy evaluates the integral ($u = Tax^{-\beta}$ turns it into a Gamma integral)",
                 rule=integral_value),
        ], text=r"the sum $\sum_i a i^{-\beta} e^{-Ta i^{-\beta}}$ over an infinite Zipf law ($a = 1/\zeta(\beta)$, "
                r"$(1-p)^T = e^{-Tp}(1 + O(Tp^2))$) is this integral up to $O(1)$ terms"),
        Claim("e", curve.subs(a, 1 / zeta_b), "=", C_beta * T ** (-(beta - 1) / beta), [
            Step("=", C_beta * T ** (-(beta - 1) / beta), r"powers of $T$ and of $\zeta(\beta)$"),
        ], text=r"the learning curve $C_\beta T^{-(\beta-1)/\beta}$ with "
                r"$C_\beta = \Gamma(1-1/\beta)/(\beta\zeta(\beta)^{1/\beta})$"),
        Claim("f", sp.Limit(sp.log(C_beta * T ** (-(beta - 1) / beta)) / sp.log(T), T, sp.oo), "=",
              -(beta - 1) / beta, [
                  Step("=", -(beta - 1) / beta, "sympy.limit"),
              ], text=r"the learning-curve exponent $(\beta - 1)/\beta$ (a log-log slope)"),
        Claim("g", sp.Integral(a * x ** (-beta), (x, k, sp.oo)), "=", a * k ** (1 - beta) / (beta - 1), [
            Step("=", a * k ** (1 - beta) / (beta - 1), "sympy evaluates the integral", rule=integral_value),
        ], text=r"the plateau $\sum_{i>k} p_i = \zeta(\beta, k+1)/\zeta(\beta) = k^{-(\beta-1)}/((\beta-1)\zeta(\beta))"
                r"(1 + O(1/k))$ (Euler-Maclaurin: the sum is the integral minus $a k^{-\beta}/2$ plus smaller terms)"),
    ]
    return Theorem(
        name="tails_hutter",
        title="Hutter's memorizing learner on a Zipf law: the learning curve and the plateau",
        statement=(r"A learner that answers a test item correctly iff it saw its type, trained on $T$ samples of $q$, "
                   r"errs on $p$ with probability $\sum_i p_i(1-q_i)^T$; as $T \to \infty$ this tends to the mass of "
                   r"the types with $q_i = 0$.  On an infinite Zipf law $p_i = i^{-\beta}/\zeta(\beta)$, "
                   r"$\beta > 1$, clean data give $C_\beta T^{-(\beta-1)/\beta}$ with "
                   r"$C_\beta = \Gamma(1-1/\beta)/(\beta\zeta(\beta)^{1/\beta})$, and data cut at the $k$-th type "
                   r"leave the plateau $k^{-(\beta-1)}/((\beta-1)\zeta(\beta))$."),
        assumptions=[Assume(T, r"$T \ge 1$ training samples"), Assume(q, r"$0 < q_i < 1$"),
                     Assume(b, r"$\beta = 1 + b$ with $b > 0$ (an infinite Zipf law is normalisable)"),
                     Assume(k, r"$k \ge 1$ types kept")],
        claims=claims,
        notation=[Notation(MGF_T, lambda: Ex(sp.exp(t * B), F) ** T,
                           r"$\mathbb{E}[e^{tC_T}] = \mathbb{E}[e^{tB}]^T$ (independent draws)")],
        corroborated_by=["memorization_error"],
        process="tails",
        source="Hutter (2021), Learning curve theory; Dohmatob et al. (2024), A tale of tails",
        remarks=[r"The relative error of $C_\beta T^{-(\beta-1)/\beta}$ is $O(1/T)$ for the infinite law; at finite "
                 r"$V$ the missing tail adds more (theory.tails.zipf_learning_curve keeps it: relative error "
                 r"$O(T^{-3})$ against the exact sums).  A narrowed tail, $q$ Zipf with $\beta' > \beta$, gives the "
                 r"same integral with $\beta'$ in the exponential: the exponent drops to $(\beta-1)/\beta'$."],
    )


HUTTER = _hutter()


# ----------------------------------------------------------------------------- generations
class S2(sp.Function):
    """Stirling number of the second kind :math:`S(r, j)`, evaluated for integer arguments."""

    nargs = 2

    @classmethod
    def eval(cls, r_, j_):
        if r_.is_Integer and j_.is_Integer:
            return sp.Integer(sp.functions.combinatorial.numbers.stirling(int(r_), int(j_)) if j_ >= 0 else 0)
        return None

    def _latex(self, printer, exp=None):
        out = r"S(%s, %s)" % (printer._print(self.args[0]), printer._print(self.args[1]))
        return out if exp is None else r"%s^{%s}" % (out, exp)


X_n = sp.Symbol("X_n", nonnegative=True)     # the count of a type in generation n
absent_next = Pr(sp.Eq(sp.Symbol("X_{n+1}"), 0))
ERR = sp.Symbol(r"\mathrm{err}_n(T_0)")
LOST = sp.Symbol(r"\mathrm{lost}_{n+1}")
BY = Bernoulli("B_y", y)                     # one token of the next generation is of another type
MGF_Y = Ex(sp.exp(t * Yp), F)


def _moment_from_mgf(lhs, rhs):
    return (lhs == Ex((Yp / M) ** r, F)
            and rhs == sp.Subs(sp.Derivative(MGF_Y, (t, r)), t, 0) / M ** r)


def _generations():
    K = S2(r, j) * sp.ff(M, j) / M ** r          # the occupancy kernel K(r, j)
    mgf_derivative = sp.Subs(sp.Derivative((1 - y + y * sp.exp(t)) ** M, (t, r)), t, 0) / M ** r
    claims = [
        Claim("a", absent_next, "=", (1 - X_n / T0) ** T0, [
            Step("=", (1 - X_n / T0) ** T0, r"given generation $n$, the count of the type in generation $n+1$ is "
                                             r"$\mathrm{Bin}(T_0, X_n/T_0)$",
                 rule=proved_in_wright_fisher("g", {sp.IndexedBase("x")[sp.Symbol("i", integer=True, positive=True)]:
                                                    X_n / T0, sp.Symbol("M", integer=True, positive=True): T0})),
        ], text=r"a type present $X_n$ times in generation $n$ is absent from generation $n+1$ with probability "
                r"$(1-X_n/T_0)^{T_0}$"),
        Claim("b", ERR, "=", LOST, [
            Step("=", LOST,
                 r"$\mathrm{err}_n(T_0) = \sum_i p_i\mathbb{E}[(1 - X_{i,n}/T_0)^{T_0}]$ by definition (a model trained on "
                 r"$T_0$ draws from generation $n$ misses type $i$ with probability $(1 - X_{i,n}/T_0)^{T_0}$ given "
                 r"$\mathcal F_n$), $= \sum_i p_i \mathbb{E}[P(X_{i,n+1} = 0 \mid \mathcal F_n)]$ by (a), "
                 r"$= \sum_i p_i P(X_{i,n+1} = 0) = \mathrm{lost}_{n+1}$ by the tower property",
                 rule=by_claims("tower property applied to (a)", "a")),
        ], text=r"$n$ generations followed by a test model on $T = T_0$ tokens is $n + 1$ generations with "
                r"$T\to\infty$: the $T_0$ training tokens are a draw of generation $n+1$"),
        Claim("c", Ex((Yp / M) ** r, F), "=", sp.Sum(K * y ** j, (j, 0, r)), [
            Step("=", sp.Subs(sp.Derivative(MGF_Y, (t, r)), t, 0) / M ** r,
                 r"the $r$-th moment is the $r$-th derivative of the moment generating function at $t = 0$",
                 rule=instance_of("moments from the moment generating function", _moment_from_mgf)),
            Step("=", mgf_derivative, r"$Y'$ is a sum of $M$ independent indicators of probability $y$ "
                                      r"(Bernoulli moment generating function, sympy.stats)"),
            Step("=", sp.Sum(K * y ** j, (j, 0, r)), "sympy differentiates and expands",
                 rule=for_each(r, R_GRID)),
        ], text=r"one refit of the other types' frequency $y = 1 - X/M$: given generation $n$, their count "
                r"$Y' \sim \mathrm{Bin}(M, y)$ has $\mathbb{E}[(Y'/M)^r] = \sum_j K(r, j)\, y^j$ with the occupancy law "
                r"$K(r, j) = S(r, j)(M)_j/M^r$ of the number of distinct tokens among $r$ uniform draws from $M$: "
                r"$r$ tokens of generation $n+1$ have $j$ distinct parents"),
        Claim("d", sp.Sum(K, (j, 0, r)), "=", 1, [
            Step("=", 1, r"sympy sums the Stirling numbers ($\sum_j S(r, j)(M)_j = M^r$)", rule=for_each(r, R_GRID)),
        ], text=r"$K(r, \cdot)$ is a probability law ($K \ge 0$): the number $R$ of distinct ancestors is a Markov "
                r"chain going back in time, and iterating (c) from the test model to generation 1 "
                r"($X_1 \sim \mathrm{Bin}(T_0, p_i)$, so $y_0 = 1 - p_i$) gives "
                r"$\mathbb{E}[(1 - X_{i,n}/T_0)^T] = \mathbb{E}[(1-p_i)^{R}]$, $R \sim \delta_T K^n$"),
        Claim("e", sp.Sum(j * K, (j, 0, r)), "=", M * (1 - (1 - 1 / M) ** r), [
            Step("=", M * (1 - (1 - 1 / M) ** r), "sympy sums", rule=for_each(r, R_GRID)),
        ], text=r"the mean number of distinct parents of $r$ tokens"),
        Claim("f", sp.Limit((M * (1 - (1 - 1 / M) ** (x * M))) / M, M, sp.oo), "=", 1 - sp.exp(-x), [
            Step("=", 1 - sp.exp(-x), "sympy.limit"),
        ], text=r"with $r = xM$ and $M \to \infty$ the mean map $r/M \mapsto R/M$ is $x \mapsto 1 - e^{-x}$: the map "
                r"$q_{k+1} = 1 - e^{-q_k}$ of the Galton-Watson survival probability of theorem tails_forgetting, so "
                r"$n$ generations of $T_0$ tokens are worth about $T_0 q_{n-1} \approx 2T_0/n$ fresh tokens"),
    ]
    return Theorem(
        name="tails_generations",
        title="Recursive training of a unigram model: the n-then-T0 identity and the ancestry",
        statement=(r"Let $\mathrm{err}_n(T) = \sum_i p_i\mathbb{E}[(1 - X_{i,n}/T_0)^T]$ be the test error of a "
                   r"memorizing model trained on $T$ tokens of generation $n$ and $\mathrm{lost}_n = \sum_i p_i "
                   r"P(X_{i,n} = 0)$.  Then $\mathrm{err}_n(T_0) = \mathrm{lost}_{n+1}$; and one generation maps "
                   r"$\mathbb{E}[y^r]$ to $\sum_j K(r, j)\mathbb{E}[y^j]$ with the occupancy law $K$, so "
                   r"$\mathrm{err}_n(T) = \mathbb{E}[\sum_i p_i (1-p_i)^R]$, $R \sim \delta_T K^n$: a model trained on "
                   r"$T$ tokens of generation $n$ has the error of one trained on $R$ fresh tokens."),
        assumptions=[Assume(T0, r"$T_0 \ge 1$ tokens per generation"), Assume(X_n, r"$0 \le X_n \le T_0$"),
                     Assume(M, r"$M = T_0$ in (c)-(f)"), Assume(y, r"$0 < y \le 1$"),
                     Assume(r, r"$r \ge 0$ tokens looking back (the identities (c)-(e) are proved by sympy for each "
                               r"$r \le 6$)"), Assume(x, r"$x > 0$")],
        claims=claims,
        notation=[Notation(MGF_Y, lambda: Ex(sp.exp(t * BY), F) ** M,
                           r"$\mathbb{E}[e^{tY'} \mid \mathcal F] = \mathbb{E}[e^{tB}]^M$, $B \sim \mathrm{Bernoulli}(y)$ "
                           r"(independent draws)")],
        corroborated_by=["err_n(T0) = lost_n+1", "err_n(T)", "lost mass"],
        process="tails",
        source="Shumailov et al. (2024) (recursive training); Kingman (1982) (the ancestral process); Feller (1968) "
               "(occupancy)",
        remarks=[r"The general identity $\mathrm{err}_n(T) = \mathbb{E}[E(R)]$ is checked exactly, as polynomials in "
                 r"$p$, against theory.discrete's transition matrices in tests/test_theory_tails.py and by "
                 r"collapse verify; (c) for every $r$ is the factorial-moment identity "
                 r"$\mathbb{E}[(Y')_j] = (M)_j y^j$ combined with $y^r = \sum_j S(r, j)(y)_j$."],
    )


GENERATIONS = _generations()


# ----------------------------------------------------------------------------- the forgetting law
Y = Poisson("Y", lam)
X1 = Poisson("X", 1)
Z1 = Poisson("Z_1", c)
Znext = sp.Symbol("Z_{k+1}")
PGF = Ex(s ** Znext, F)
phi1 = 1 / (sp.E - 1)
k_minus_1 = sp.Symbol("m", integer=True, nonnegative=True)   # encodes k >= 1 as k = m + 1


def _markov_first_step(lhs, rhs):
    return lhs == Pr(sp.Eq(Znext, 0)) and rhs == Ex(g ** Z1)


def _forgetting():
    e = sp.Symbol("e_k", positive=True)
    phi = 1 / (1 - sp.exp(-e)) - 1 / e
    grid = {e: [sp.Rational(i, 40) for i in range(1, 41)]}
    claims = [
        Claim("a", Ex(s ** Y, F), "=", sp.exp(lam * (s - 1)), [
            Step("=", sp.exp(lam * (s - 1)), "Poisson probability generating function (sympy.stats)"),
        ], text=r"one draw $Y \sim \mathrm{Poisson}(\lambda_k)$"),
        Claim("b", PGF, "=", sp.exp(s - 1) ** Zk, [
            Step("=", Ex(s ** Y, F) ** n, r"$Z_{k+1} = n\lambda_{k+1}$ is the sum of the $n$ independent draws: the "
                                          r"generating function factorises"),
            Step("=", sp.exp(n * lam * (s - 1)), "(a)"),
            Step("=", sp.exp(s - 1) ** Zk, r"$Z_k = n\lambda_k$"),
        ], text=r"given refit $k$, $Z_{k+1}$ has the generating function $f(s)^{Z_k}$, $f(s) = e^{s-1}$: the sum of "
                r"$Z_k$ independent Poisson(1) offspring counts"),
        Claim("c", Ex(s ** X1), "=", sp.exp(s - 1), [
            Step("=", sp.exp(s - 1), "Poisson(1) generating function (sympy.stats)"),
        ], text="f is the generating function of the Poisson(1) law"),
        Claim("d", Ex(X1), "=", 1, [
            Step("=", 1, "sympy.stats"),
        ], text="mean offspring 1 (and variance 1, sympy.stats): the Galton-Watson process is critical"),
        Claim("e", Pr(sp.Eq(Znext, 0)), "=", g1 ** c, [
            Step("=", Ex(g ** Z1), r"Markov property at the first refit: $Z_1 \sim \mathrm{Poisson}(c)$ by (b), "
                                   r"and from $Z_1$ the process is forgotten within $k$ more refits with probability "
                                   r"$g_k^{Z_1}$ (induction hypothesis, $g_k = f_k(0)$; $g_0 = 0$)",
                 rule=instance_of("Markov property and the induction hypothesis P(Z_k = 0 | Z_0 = z) = g_k^z",
                                  _markov_first_step)),
            Step("=", sp.exp(c * (g - 1)), "Poisson generating function (sympy.stats)"),
            Step("=", g1 ** c, r"$g_{k+1} = f(g_k) = e^{g_k - 1}$"),
        ], text=r"by induction on $k$: a word of initial count $c$ is forgotten by refit $k+1$ with probability "
                r"$f_{k+1}(0)^c$ (any real $c \ge 0$)"),
        Claim("f", g1 ** c, "=", sp.exp(-c * qk), [
            Step("=", sp.exp(-c * qk), r"$q_k = 1 - g_k$: $g_{k+1} = e^{g_k - 1} = e^{-q_k}$"),
        ], text=r"$f_{k+1}(0)^c = e^{-c q_k}$ with $q_{k+1} = 1 - e^{-q_k}$, $q_0 = 1$: no $1 - f$ cancellation"),
        Claim("g", 1 / (1 - sp.exp(-1)) - 1, "=", phi1, [
            Step("=", phi1, "algebra"),
        ], text=r"$\varphi(x) = 1/(1 - e^{-x}) - 1/x$ at $x = 1$; with $u_k = 1/q_k$, $u_{k+1} - u_k = \varphi(q_k)$"),
        Claim("h", sp.Limit(phi, e, 0), "=", sp.Rational(1, 2), [
            Step("=", sp.Rational(1, 2), "sympy.limit"),
        ], text=r"$\varphi(q) \to 1/2$ as $q \to 0$: since $q_k \to 0$, $u_k = k/2 + o(k)$, and a word is forgotten "
                r"by refit $k$ with probability $e^{-c/u_{k-1}}$, which reaches $1/2$ when $u_{k-1} = c/\ln 2$: the "
                r"median forgetting time is $2c/\ln 2\,(1 + o(1))$"),
        Claim("i", phi, "<=", phi1, [
            Step("<=", phi1, r"$\varphi$ increases on $(0, 1]$", grid=grid),
        ], text=r"$\varphi(q) \le \varphi(1)$ for $0 < q \le 1$"),
        Claim("j", phi, ">=", sp.Rational(1, 2), [
            Step(">=", sp.Rational(1, 2), r"$\varphi$ increases from its limit $1/2$ (h)", grid=grid),
        ], text=r"so $1/2 \le u_{k+1} - u_k \le \varphi(1)$ and $1 + k/2 \le u_k \le 1 + k\varphi(1)$: the two-sided "
                r"bounds of theory.tails.forgetting_bounds"),
        Claim("k", phi1, "<", 1, [
            Step("<", 1, "e > 2"),
        ], text=r"$\varphi(1) = 1/(e-1) < 1$"),
        Claim("l", 1 + (k - 1) * phi1, "<=", k, [
            Step("<=", k, r"$(k-1)(1 - \varphi(1)) \ge 0$ for $k \ge 1$ by (k)"),
        ], text=r"so $u_{k-1} \le k$, $q_{k-1} \ge 1/k$ and the survival $1 - e^{-c q_{k-1}} \ge 1 - e^{-c/k}$: the "
                r"bound stated by Suresh et al. holds, with equality at $k = 1$; its exponent $c/k$ is half the true "
                r"$2c/(k + \ln(k)/3 + \dots)$"),
        Claim("m", sp.Sum(1 / (1 + (k - 1) * phi1), (k, 1, sp.oo)), "=", sp.oo, [
            Step("=", sp.oo, "harmonic series", rule=convergence(False)),
        ], text=r"the survival after refit $k$ is at least $1 - e^{-c/(1 + (k-1)\varphi(1))} \ge "
                r"c e^{-c}/(1 + (k-1)\varphi(1))$ ($1 - e^{-x} \ge x e^{-x} \ge x e^{-c}$ for $0 < x \le c$), so "
                r"$\mathbb{E}[\tau_c] = \sum_k P(\tau_c > k) = \infty$: the mean forgetting time is infinite for "
                r"every $c > 0$"),
    ]
    return Theorem(
        name="tails_forgetting",
        title="The forgetting law: a Poisson rate refitted by n draws is a critical Galton-Watson process",
        statement=(r"Refit a Poisson rate by the mean of $n$ draws: $Z_k = n\lambda_k$ is a Galton-Watson process with "
                   r"Poisson(1) offspring, so a word of initial count $c$ is forgotten by refit $k$ with probability "
                   r"$f_k(0)^c = e^{-c q_{k-1}}$ ($f(s) = e^{s-1}$, $q_{j+1} = 1 - e^{-q_j}$, $q_0 = 1$).  Its survival "
                   r"is at least $1 - e^{-c/k}$, its median forgetting time is $2c/\ln 2\,(1 + o(1))$, and its mean "
                   r"forgetting time is infinite."),
        assumptions=[Assume(n, r"$n \ge 1$ draws per refit"), Assume(c, r"$c = n\lambda_0 > 0$"),
                     Assume(s, r"$0 < s \le 1$"), Assume(k, r"$k \ge 1$ refits", k_minus_1 + 1),
                     Assume(g, r"$0 \le g_k = f_k(0) < 1$"), Assume(e, r"$0 < q_k \le 1$")],
        claims=claims,
        notation=[Notation(Ex(s ** Y, F) ** n, lambda: Ex(s ** Y, F) ** n, r"$n$ independent draws"),
                  Notation(Zk, lambda: n * lam, r"$Z_k = n\lambda_k$"),
                  Notation(PGF, lambda: Ex(s ** Y, F) ** n, r"$\mathbb{E}[s^{Z_{k+1}} \mid \mathcal F_k] = "
                                                           r"\mathbb{E}[s^{Y}]^n$ (independent draws)"),
                  Notation(g1, lambda: sp.exp(g - 1), r"$g_{k+1} = f(g_k) = e^{g_k - 1}$"),
                  Notation(qk, lambda: 1 - g, r"$q_k = 1 - g_k$")],
        corroborated_by=["P(forgotten by k)", "survival >= 1 - exp(-c/k) (the stated bound)"],
        process="tails",
        source="Suresh, Thangaraj, Khandavally (2025), Rate of model collapse in recursive training; Athreya & Ney "
               "(1972) for Galton-Watson processes",
        remarks=[r"With $u_k = 1/q_k$: $u_k = k/2 + \ln(k)/6 + C + O(\ln^3 k/k)$, $C = 0.8991$, so the median "
                 r"forgetting time is $2c/\ln 2 + 1 - 2C - \ln(2c/\ln 2)/3 + o(1)$ (theory.tails)."],
    )


FORGETTING = _forgetting()

#: The tails theorems in document order.
THEOREMS = (HUTTER, GENERATIONS, FORGETTING)
