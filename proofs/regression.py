r"""Model collapse in linear regression, derived step by step and checked by sympy.

Conventions (the same as :mod:`theory.regression`)
--------------------------------------------------
Ground truth :math:`w_0 \in \mathbb R^d`; a design has i.i.d. :math:`N(0, \Sigma)` rows; OLS is
:math:`\hat w = AY` with :math:`A = (X^\top X)^{-1}X^\top`; the risk is :math:`E\|\hat w - w_0\|_\Sigma^2`.

What is machine-checked, and what is cited
------------------------------------------
* Matrix algebra is proved for *general sizes*: designs are :class:`sympy.MatrixSymbol` of shape
  :math:`T\times d` with symbolic :math:`T, d`, and an identity is proved when the difference of the two sides
  expands to the zero matrix (rule :func:`matrix_identity`).
* Expectations of scalar random variables are computed by :mod:`sympy.stats` (the vanishing cross terms of
  independent centred noises; :math:`E[1/\chi^2_T] = 1/(T-2)`, the :math:`d = 1` case of the key lemma;
  :math:`E[1/\chi^2_2] = \infty`; the Beta second moment).
* Facts about Gaussian matrices that sympy cannot derive are *cited lemmas*, applied by the rule
  :func:`cited` (the lemma's value is substituted and sympy checks the rest of the step): the inverse-Wishart
  mean :math:`E\,\mathrm{tr}[\Sigma(X^\top X)^{-1}] = d/(T-d-1)` ([muirhead1982]_ sec. 3.2), Stein's identity
  for Wishart matrices ([stein1981]_), the independence of the polar factors ([olkinrubin1964]_), the Wishart
  second moments (Isserlis, [isserlis1918]_), the rotation invariance of isotropic designs.

Theorems
--------
:data:`REPLACE`        fresh-design replace chain: :math:`\sigma^2\frac{d}{T-d-1} + n\sigma^2_{\rm gen}\frac{d}{T_0-d-1}`
:data:`FIXED_DESIGN`   one design: replace :math:`nc`, accumulate :math:`c\sum_{i\le n} i^{-2} \le c\pi^2/6`
:data:`STRONG`         one fit on mixed rows: the exact risk and its floor :math:`p^2\delta^2`
:data:`MINNORM`        minimum-norm chain: :math:`(1-(T_0/d)^n)(\|w_0\|^2 + \ldots)`
:data:`WEIGHTED`       weighted fresh data: the stationary risk and the weight :math:`(\sqrt{k^2+4k}-k)/2`
:data:`SUBSAMPLE`      accumulate-subsample: an infinite risk once :math:`n(d+1) \ge T` (case :math:`d = 1`)

References
----------
[dohmatob2024]_, [gerstgrasser2024]_, [dohmatob2025]_, [he2025]_, [kazdan2024]_.
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import Beta, ChiSquared, Normal

from .core import PROVED, FAILED, Assume, Claim, Ex, Result, Step, Theorem, by_claims, check_relation
from .mitigation import partial_sum_of_series, peel_last, series_value

# ----------------------------------------------------------------------------- symbols
n = sp.Symbol("n", integer=True, nonnegative=True)
d = sp.Symbol("d", integer=True, positive=True)
T = sp.Symbol("T", integer=True, positive=True)
T0 = sp.Symbol("T_0", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
l = sp.Symbol("l", integer=True, positive=True)
j = sp.Symbol("j", integer=True, positive=True)
s = sp.Symbol("s", integer=True, nonnegative=True)
N = sp.Symbol("n", integer=True, positive=True)       # the rows of the strong-collapse fit
t = sp.Symbol("t", positive=True)
x = sp.Symbol("x", positive=True)
sigma2 = sp.Symbol("sigma^2", positive=True)
sigma2g = sp.Symbol(r"\sigma^2_{\rm gen}", positive=True)
delta2 = sp.Symbol(r"\delta^2", positive=True)
phi = sp.Symbol("phi", positive=True)
p = sp.Symbol("p", positive=True)
w = sp.Symbol("w", positive=True)
kk = sp.Symbol("k", positive=True)
c = sp.Symbol("c", positive=True)
b0 = sp.Symbol("beta_0", positive=True)   # ||w_0||^2
r = sp.Symbol("r", positive=True)
_t = sp.Symbol("tau", integer=True, nonnegative=True)

Tm, dm = sp.Symbol("T", integer=True, positive=True), sp.Symbol("d", integer=True, positive=True)
X = sp.MatrixSymbol("X", Tm, dm)
v = sp.MatrixSymbol("v", dm, 1)
e = sp.MatrixSymbol("e", Tm, 1)
Ybar = sp.MatrixSymbol(r"\bar{Y}", Tm, 1)
G = X.T * X
A = G.I * X.T


class Q(sp.Function):
    r""":math:`q(T) = E\,\mathrm{tr}[\Sigma(X^\top X)^{-1}]` for a fresh :math:`T\times d` design (the key lemma's left side)."""

    nargs = 1

    def _latex(self, printer, exp=None):
        base = r"\mathbb{E}\operatorname{tr}\left[\Sigma (X_{%s}^\top X_{%s})^{-1}\right]" % (
            printer._print(self.args[0]), printer._print(self.args[0]))
        return base if exp is None else r"\left(%s\right)^{%s}" % (base, exp)

    def _sympystr(self, printer):
        return "Etr(Sigma (X^T X)^-1)[%s]" % printer._print(self.args[0])


def key_lemma_value(rows, dim=d):
    """The cited value d/(T - d - 1) of :class:`Q`."""
    return dim / (rows - dim - 1)


KEY_LEMMA = (r"key lemma: $X^\top X \sim W_d(T, \Sigma)$ and $\mathbb{E}[(X^\top X)^{-1}] = \Sigma^{-1}/(T-d-1)$ for "
             r"$T \ge d+2$, so $\mathbb{E}\operatorname{tr}[\Sigma(X^\top X)^{-1}] = d/(T-d-1)$ (Muirhead 1982, "
             r"sec. 3.2; infinite for $T \in \{d, d+1\}$)")


# ----------------------------------------------------------------------------- rules
def matrix_identity(lhs, rel, rhs, ctx, assumptions):
    """Rule: an identity of matrix expressions (MatrixSymbol of symbolic shape) proved by expansion."""
    if rel != "=":
        return Result(FAILED, "matrix_identity proves equalities only")
    diff = sp.simplify(sp.expand((lhs - rhs).doit()))
    if diff == 0 or getattr(diff, "is_ZeroMatrix", False):
        return Result(PROVED, "matrix algebra for general sizes (sympy MatrixSymbol): the difference expands to the "
                              "zero matrix")
    return Result(FAILED, f"the difference does not vanish: {diff}")


def cited(name, source, replace):
    """Rule: apply a cited lemma ``replace(expr) -> expr`` to the previous expression, then sympy checks the step."""
    def rule(lhs, rel, rhs, ctx, assumptions):
        res = check_relation(replace(sp.sympify(lhs)), rel, rhs, ctx, assumptions)
        if res.status != PROVED:
            return Result(FAILED, f"after applying the cited {name}: {res.method}")
        return Result(PROVED, f"applies the cited {name} ({source}); the rest of the step by sympy ({res.method})")
    return rule


def sum_value(lhs, rel, rhs, ctx, assumptions):
    """Rule: evaluate finite sums (``Sum.doit``, harmonic numbers as polygamma functions) and compare."""
    if rel != "=":
        return Result(FAILED, "sum_value proves equalities only")
    diff = (sp.sympify(lhs).doit() - sp.sympify(rhs).doit()).rewrite(sp.polygamma)
    if sp.simplify(diff) == 0:
        return Result(PROVED, "sympy evaluates the sum (Sum.doit, harmonic numbers as polygamma functions)")
    return Result(FAILED, "sympy's value of the sum differs")


def _key_lemma_rule(dim=d):
    return cited("key lemma E tr[Sigma (X^T X)^-1] = d/(T-d-1)", "Muirhead 1982 sec. 3.2",
                 lambda ex: ex.replace(lambda a: isinstance(a, Q), lambda a: key_lemma_value(a.args[0], dim)))


def _ols_claims(label_shift="a", label_gram="b"):
    return [
        Claim(label_shift, A * (X * v + e) - v, "=", A * e, [
            Step("=", A * e, r"$A = (X^\top X)^{-1}X^\top$ and $AX = I$", rule=matrix_identity),
        ], text=r"OLS on labels $Xv + e$ is $v + Ae$: every fit adds the noise term $Ae$ to what it copies"),
        Claim(label_gram, sp.MatMul(G.I, X.T, X, G.I, evaluate=False), "=", G.I, [
            Step("=", G.I, r"$AA^\top = (X^\top X)^{-1}X^\top X(X^\top X)^{-1}$", rule=matrix_identity),
        ], text=r"$AA^\top = (X^\top X)^{-1}$, so $\mathbb{E}[\|Ae\|_\Sigma^2 \mid X] = \sigma^2\operatorname{tr}"
                r"[\Sigma(X^\top X)^{-1}]$"),
    ]


def _noise_claim(label):
    e1, e2 = Normal("e_1", 0, sp.sqrt(sigma2)), Normal("e_2", 0, sp.sqrt(sigma2))
    a1, a2 = sp.symbols("a_1 a_2", real=True)
    return Claim(label, Ex((a1 * e1 + a2 * e2) ** 2), "=", sigma2 * (a1 ** 2 + a2 ** 2), [
        Step("=", sigma2 * (a1 ** 2 + a2 ** 2), r"expand; $e_1, e_2$ independent, centred, variance $\sigma^2$ "
                                                r"(sympy.stats)"),
    ], text=r"independent centred noises have no cross terms: entrywise, $\mathbb{E}\|\sum_k A_ke_k\|_\Sigma^2 = "
            r"\sum_k \sigma_k^2\,\mathbb{E}\operatorname{tr}[\Sigma A_kA_k^\top]$ when every $e_k$ is independent of "
            r"the designs and of the other noises")


def _key_lemma_claim(label):
    chi = ChiSquared("X_T", t + 3)
    return Claim(label, Ex(1 / chi), "=", 1 / (t + 1), [
        Step("=", 1 / (t + 1), r"$\mathbb{E}[1/\chi^2_T] = 1/(T-2)$, $T = t + 3$ (sympy.stats)"),
    ], text=r"the key lemma at $d = 1$, where $X^\top X = \chi^2_T$: $\mathbb{E}[1/\chi^2_T] = 1/(T-2) = d/(T-d-1)$")


ASSUME_ROWS = Assume(T, r"$T, T_0 \ge d + 2$ are integers (a finite OLS risk)")
ASSUME_NOISE = Assume(sigma2, r"$\sigma^2, \sigma^2_{\rm gen} > 0$ (the case $0$ follows by continuity)")
ASSUME_N = Assume(n, r"$n \ge 0$ is an integer")


# ----------------------------------------------------------------------------- replace, fresh designs
def _replace():
    risk = n * sigma2g * key_lemma_value(T0) + sigma2 * key_lemma_value(T)
    u = sp.IndexedBase("u")
    R = sp.Symbol(r"\mathcal{R}_n")
    claims = _ols_claims() + [
        Claim("c", sp.Sum(u[k], (k, 1, n)), "=", sp.Sum(u[k], (k, 1, n - 1)) + u[n], [
            Step("=", sp.Sum(u[k], (k, 1, n - 1)) + u[n], "split off the last generation", rule=peel_last(n)),
        ], text=r"with $u_k = A_ke_k$, (a) gives $\hat w_k - w_0 = (\hat w_{k-1} - w_0) + u_k$ and $\hat w_0 = w_0$: "
                r"the error after $n$ generators is $\sum_{k \le n} u_k$, and the downstream fit adds $Ae$"),
        _noise_claim("d"),
        _key_lemma_claim("e"),
        Claim("f", R, "=", risk, [
            Step("=", sp.Sum(sigma2g * Q(T0), (k, 1, n)) + sigma2 * Q(T),
                 r"(c): $n+1$ centred terms, each noise independent of every design and of the other noises; (d) and "
                 r"(b) give each term's mean; fresh designs: $X_k$ is independent of $\hat w_{k-1}$",
                 rule=by_claims("decomposition of the risk into independent terms", "a", "b", "c", "d")),
            Step("=", n * sigma2g * Q(T0) + sigma2 * Q(T), "sum of a constant"),
            Step("=", risk, KEY_LEMMA + r"; (e) is its case $d = 1$", rule=_key_lemma_rule()),
        ], text=r"the risk $\mathcal R_n = \mathbb{E}\|\hat w^{\rm pred}_n - w_0\|_\Sigma^2$ of the downstream fit"),
        Claim("g", risk.subs(n, n + 1) - risk, "=", sigma2g * key_lemma_value(T0), [
            Step("=", sigma2g * key_lemma_value(T0), "algebra"),
        ], text="linear growth: every generation adds the same risk"),
        Claim("h", sp.Limit(phi * x / (x - phi * x - 1), x, sp.oo), "=", phi / (1 - phi), [
            Step("=", phi / (1 - phi), "sympy's limit"),
        ], text=r"proportional limit $d = \phi T$, $T \to \infty$ ($0 < \phi < 1$) of $d/(T-d-1)$: the risk tends "
                r"to $\sigma^2\frac{\phi}{1-\phi} + n\sigma^2_{\rm gen}\frac{\phi_0}{1-\phi_0}$"),
    ]
    return Theorem(
        name="regression_replace",
        title="Replace chain with fresh designs: the risk grows linearly",
        statement=(r"Let $\hat w_0 = w_0$, let generator $k = 1..n$ be OLS on a fresh $T_0 \times d$ design with labels "
                   r"$X_k\hat w_{k-1} + N(0, \sigma^2_{\rm gen} I)$, and let the scored model be OLS on a fresh "
                   r"$T\times d$ design with labels $X\hat w_n + N(0, \sigma^2 I)$.  Then its risk is "
                   r"$\sigma^2\frac{d}{T-d-1} + n\,\sigma^2_{\rm gen}\frac{d}{T_0-d-1}$ for every $\Sigma$ and $w_0$."),
        assumptions=[ASSUME_ROWS, ASSUME_NOISE, ASSUME_N],
        claims=claims,
        corroborated_by=["replace_chain_risk"],
        process="regression",
        source="Dohmatob, Feng, Kempe (2024), Model collapse demystified: the case of regression (NeurIPS); "
               "Muirhead (1982) for the key lemma; exact values as in theory.regression",
        remarks=[r"The classical large-sample form $\sigma^2 d/T + n\sigma^2_{\rm gen}d/T_0$ is the first term of the "
                 r"expansion in $1/T$; at $T = d+2$ the exact factor $d/(T-d-1) = d$ is $(d+2)$ times larger."],
    )


REPLACE = _replace()


# ----------------------------------------------------------------------------- fixed design
def _fixed():
    a = sp.IndexedBase("a")
    eps = []
    for ii in range(1, 7):
        eps.append(sp.expand((sum(a[m] for m in range(1, ii + 1)) + sum(eps)) / ii))
    c_fix = sigma2 * key_lemma_value(T)
    Racc, Rrep = sp.Symbol(r"\mathcal{R}^{\rm acc}_n"), sp.Symbol(r"\mathcal{R}^{\rm rep}_n")
    tail = sp.pi ** 2 / 6 - sp.polygamma(1, n + 1)
    claims = _ols_claims() + [
        Claim("c", sp.MatMul(i, X.T, X, G.I, X.T, Ybar, evaluate=False), "=", i * X.T * Ybar, [
            Step("=", i * X.T * Ybar, r"$X^\top X (X^\top X)^{-1} = I$", rule=matrix_identity),
        ], text=r"the stack of $i$ copies of $X$ with label sets $Y_1..Y_i$ has Gram matrix $iX^\top X$ and moment "
                r"$\sum_j X^\top Y_j = iX^\top\bar Y$; so its (unique) OLS fit is $A\bar Y = \frac1i\sum_j AY_j$, the "
                r"mean of the per-batch fits"),
        Claim("d", 1 + sp.Sum(1 / l, (j, l, i - 1)), "=", i / l, [
            Step("=", i / l, "sympy evaluates the sum"),
        ], text=r"with $\varepsilon_i = \hat w_i - w_0$ and $a_j = Ae_j$, (a) and (c) give $i\varepsilon_i = "
                r"\sum_{j\le i} a_j + \sum_{j<i}\varepsilon_j$; if $\varepsilon_j = \sum_{l \le j} a_l/l$ for $j < i$, "
                r"the coefficient of $a_l$ ($l < i$) on the right is $1 + \sum_{j=l}^{i-1} 1/l = i/l$ (and $1 = i/i$ "
                r"for $l = i$): by induction $\varepsilon_i = \sum_{l\le i} a_l/l$"),
        Claim("e", eps[-1], "=", sum(a[m] / m for m in range(1, 7)), [
            Step("=", sum(a[m] / m for m in range(1, 7)), "expand"),
        ], text=r"the recursion $\varepsilon_i = \frac1i(\sum_{j\le i} a_j + \sum_{j<i}\varepsilon_j)$ unrolled to "
                r"$i = 6$ agrees with (d)"),
        _noise_claim("f"),
        _key_lemma_claim("g"),
        Claim("h", Racc, "=", c_fix * tail, [
            Step("=", sigma2 * Q(T) * sp.Sum(1 / l ** 2, (l, 1, n)),
                 r"(d): $\varepsilon_n = \sum_{l\le n} Ae_l/l$ with independent centred $e_l$ and one design; (f), (b)",
                 rule=by_claims("decomposition of the risk into independent terms", "a", "b", "c", "d", "f")),
            Step("=", sigma2 * Q(T) * tail, r"$\sum_{l=1}^n l^{-2} = \pi^2/6 - \psi_1(n+1)$ (sympy)",
                 rule=sum_value),
            Step("=", c_fix * tail, KEY_LEMMA + r"; (g) is its case $d = 1$", rule=_key_lemma_rule()),
        ], text=r"accumulate: $\mathcal R^{\rm acc}_n = \sigma^2\frac{d}{T-d-1}\sum_{l=1}^n l^{-2}$"),
        Claim("i", c * sp.Sum(1 / l ** 2, (l, 1, n)), "<=", c * sp.pi ** 2 / 6, [
            Step("<=", c * sp.Sum(1 / l ** 2, (l, 1, sp.oo)), "partial sum of a series with positive terms",
                 rule=partial_sum_of_series),
            Step("=", c * sp.pi ** 2 / 6, r"$\sum_{l\ge1} l^{-2} = \pi^2/6$ (sympy)", rule=series_value),
        ], text=r"the bound of Gerstgrasser et al., with $c = \sigma^2 d/(T-d-1) > 0$: accumulating never costs more "
                r"than $\pi^2/6$ fits"),
        Claim("j", Rrep, "=", n * c_fix, [
            Step("=", sp.Sum(sigma2 * Q(T), (j, 1, n)),
                 r"replace: by (a), $\varepsilon_i = \varepsilon_{i-1} + Ae_i$, so $\varepsilon_n = A\sum_{j\le n} e_j$; (f), (b)",
                 rule=by_claims("decomposition of the risk into independent terms", "a", "b", "f")),
            Step("=", n * sigma2 * Q(T), "sum of a constant"),
            Step("=", n * c_fix, KEY_LEMMA, rule=_key_lemma_rule()),
        ], text=r"replace: $\mathcal R^{\rm rep}_n = n\sigma^2\frac{d}{T-d-1}$, linear in $n$"),
    ]
    return Theorem(
        name="regression_fixed_design",
        title="One fixed design: replacing grows linearly, accumulating stays below $\\pi^2/6$ fits",
        statement=(r"One $T\times d$ design $X$ for every generation; model 1 is OLS on $Xw_0 + e_1$, model $i \ge 2$ is "
                   r"OLS on $X\hat w_{i-1} + e_i$ (replace) or on all $i$ label sets stacked (accumulate), noise "
                   r"$N(0, \sigma^2 I)$.  With $c = \sigma^2 d/(T-d-1)$ the risk of model $n$ is $nc$ (replace) and "
                   r"$c\sum_{l=1}^n l^{-2} \le c\pi^2/6$ (accumulate)."),
        assumptions=[ASSUME_ROWS, ASSUME_NOISE, ASSUME_N],
        claims=claims,
        corroborated_by=["fixed_design_chain_risk[replace]", "fixed_design_chain_risk[accumulate]"],
        process="regression",
        source="Gerstgrasser et al. (2024), Is model collapse inevitable? (accumulate); Dohmatob, Feng, Kempe (2024) "
               "(replace); the chain of Kazdan et al. (2024)'s code; exact values as in theory.regression",
        remarks=[r"Averaged over designs; conditionally on $X$ both risks are the same multiples of "
                 r"$\sigma^2\operatorname{tr}[\Sigma(X^\top X)^{-1}]$."],
    )


FIXED_DESIGN = _fixed()


# ----------------------------------------------------------------------------- strong model collapse
def _strong():
    Nm, Sm = sp.Symbol("n_r", integer=True, positive=True), sp.Symbol("n_s", integer=True, positive=True)
    Xr, Xs = sp.MatrixSymbol("X_r", Nm, dm), sp.MatrixSymbol("X_s", Sm, dm)
    w1, De = sp.MatrixSymbol("w_1", dm, 1), sp.MatrixSymbol(r"\Delta", dm, 1)
    er, es = sp.MatrixSymbol("e_r", Nm, 1), sp.MatrixSymbol("e_s", Sm, 1)
    Sg = Xr.T * Xr + Xs.T * Xs
    moment = Xr.T * (Xr * w1 + er) + Xs.T * (Xs * (w1 + De) + es)
    a_sol = s * d * (N * (s + d + 1) - s * d - 2) / (N * (N - 1) * (N + 2))
    b_sol = s * d * (s + d + 1) / N - (N + 1) * a_sol
    c_closed = s * ((s + d + 1) * (N ** 2 - N + 2) - 2 * N * s * d - 4 * N) / (N * (N - 1) * (N + 2) * (N - d - 1))
    B = Beta("B", s / 2, (N - s) / 2)
    R = sp.Symbol(r"\mathcal{R}")
    risk = c_closed * delta2 + sigma2 * key_lemma_value(N)
    cb = sp.Symbol(r"\mathbb{E}\|S^{-1}W_2\Delta\|^2", positive=True)
    claims = [
        Claim("a", moment - Sg * w1, "=", Xs.T * Xs * De + Xr.T * er + Xs.T * es, [
            Step("=", Xs.T * Xs * De + Xr.T * er + Xs.T * es, "expand", rule=matrix_identity),
        ], text=r"the normal equations $S\hat w = X^\top Y$, $S = X_r^\top X_r + X_s^\top X_s$, give "
                r"$S(\hat w - w_1) = W_2\Delta + X^\top e$, $W_2 = X_s^\top X_s$: $\hat w - w_1 = S^{-1}W_2\Delta + "
                r"S^{-1}X^\top e$ (real labels from $w_1$, synthetic from $w_2 = w_1 + \Delta$)"),
        Claim("b", (N - 1 - d) / (N - d - 1), "=", 1, [
            Step("=", 1, "algebra"),
        ], text=r"Stein's identity for $S \sim W_d(n, I)$, $n \ge d+2$ (cited: Stein 1981; derived in "
                r"docs/paper_comparison.md): $\mathbb{E}[S^{-1}MS] = (nM - M^\top - \operatorname{tr}(M)I)/(n-d-1)$; "
                r"at $M = I$ both sides are $I$"),
        Claim("c", N ** 2 * b_sol + 2 * N * a_sol, "=", s * d * (s * d + 2), [
            Step("=", s * d * (s * d + 2), "algebra"),
        ], text=r"polar decomposition (cited: Olkin and Rubin 1964): $W_2 = S^{1/2}US^{1/2}$ with $U$ independent of "
                r"$S$; Wishart second moments (cited: Isserlis 1918) give $\mathbb{E}(\operatorname{tr}W_2)^2 = "
                r"n^2\beta + 2n\alpha = sd(sd+2)$ with $\alpha = \mathbb{E}\operatorname{tr}U^2$, "
                r"$\beta = \mathbb{E}(\operatorname{tr}U)^2$; the pair below solves it"),
        Claim("d", N * (N + 1) * a_sol + N * b_sol, "=", s * d * (s + d + 1), [
            Step("=", s * d * (s + d + 1), "algebra"),
        ], text=r"and $\mathbb{E}\operatorname{tr}W_2^2 = n(n+1)\alpha + n\beta = sd(s+d+1)$: so "
                r"$\alpha = \frac{sd(n(s+d+1) - sd - 2)}{n(n-1)(n+2)}$ (the system has determinant "
                r"$-n^2(n^2+n-2) \ne 0$ for $n \ge 2$)"),
        Claim("e", ((N - 1) * a_sol - b_sol) / (d * (N - d - 1)), "=", c_closed, [
            Step("=", c_closed, "algebra"),
        ], text=r"Stein's identity with $M = U$ gives $\mathbb{E}\operatorname{tr}(B^\top B) = "
                r"[(n-1)\alpha - \beta]/(n-d-1)$ for $B = S^{-1}W_2$, and rotation invariance (cited: isotropic rows) "
                r"$\mathbb{E}\|B\Delta\|^2 = \delta^2\,\mathbb{E}\operatorname{tr}(B^\top B)/d$: the bias factor $c$"),
        Claim("f", c_closed.subs(s, 0), "=", 0, [Step("=", 0, "algebra")],
              text="no synthetic rows: no bias"),
        Claim("g", c_closed.subs(s, N), "=", 1, [Step("=", 1, "algebra")],
              text=r"only synthetic rows: $B = I$, the bias is $\delta^2$"),
        Claim("h", Ex(B ** 2), "=", c_closed.subs(d, 1), [
            Step("=", c_closed.subs(d, 1), r"the second moment of a Beta$(s/2, (n-s)/2)$ variable (sympy.stats)"),
        ], text=r"$d = 1$: $B = W_2/S$ is Beta$(s/2, (n-s)/2)$, an independent check of $c$"),
        Claim("i", R, "=", risk, [
            Step("=", cb + sigma2 * Q(N), r"(a): the bias and noise terms are independent given the design, the noise "
                                          r"centred (no cross term); the noise term is $\sigma^2\operatorname{tr}S^{-1}$",
                 rule=by_claims("decomposition of the risk", "a")),
            Step("=", c_closed * delta2 + sigma2 * Q(N), "(e)",
                 rule=cited("bias factor (e)", "part (e)", lambda ex: ex.xreplace({cb: c_closed * delta2}))),
            Step("=", risk, KEY_LEMMA + r" with $\Sigma = I$, $T = n$", rule=_key_lemma_rule()),
        ], text=r"the risk $\mathcal R = \mathbb{E}\|\hat w - w_1\|^2$ for $n \ge d + 2$ rows, $s$ synthetic"),
        Claim("j", sp.Limit(c_closed.subs(s, p * x).subs(N, x), x, sp.oo), "=", p ** 2, [
            Step("=", p ** 2, "sympy's limit"),
        ], text=r"FLOOR: at a fixed synthetic fraction $p = s/n$ and fixed $d$ the bias factor tends to $p^2$"),
        Claim("k", sp.Limit(sigma2 * key_lemma_value(x), x, sp.oo), "=", 0, [
            Step("=", 0, "sympy's limit"),
        ], text=r"while the noise term $\sigma^2 d/(n-d-1)$ vanishes: $\mathcal R \to p^2\delta^2 > 0$, a floor no "
                r"sample size removes unless $p \to 0$"),
        Claim("l", sp.Limit(risk.subs({s: p * x, d: phi * x}).subs(N, x), x, sp.oo), "=",
              delta2 * (p ** 2 + p * (1 - p) * phi / (1 - phi)) + sigma2 * phi / (1 - phi), [
                  Step("=", delta2 * (p ** 2 + p * (1 - p) * phi / (1 - phi)) + sigma2 * phi / (1 - phi),
                       "sympy's limit"),
              ], text=r"proportional limit $d/n \to \phi < 1$"),
    ]
    return Theorem(
        name="regression_strong_collapse",
        title="Strong model collapse: the exact risk of one fit on mixed data, and its floor",
        statement=(r"OLS on $n \ge d+2$ isotropic rows, $s$ of them labelled by $w_2$ and the rest by $w_1$, all with "
                   r"noise $\sigma^2$, has $\mathbb{E}\|\hat w - w_1\|^2 = c\,\|w_2 - w_1\|^2 + \sigma^2\frac{d}{n-d-1}$ "
                   r"with $c = \frac{s[(s+d+1)(n^2-n+2) - 2nsd - 4n]}{n(n-1)(n+2)(n-d-1)}$; at a fixed fraction "
                   r"$p = s/n$ it tends to $p^2\|w_2 - w_1\|^2$ as $n \to \infty$."),
        assumptions=[Assume(N, r"$n \ge d + 2$ and $0 \le s \le n$ are integers; rows $N(0, I_d)$"), ASSUME_NOISE],
        claims=claims,
        corroborated_by=["mixed_ols_risk", "mixed_ols_risk -> floor p^2 delta2"],
        process="regression",
        source="Dohmatob, Feng, Subramonian, Kempe (2025), Strong model collapse (ICLR); Stein (1981); Olkin and Rubin "
               "(1964); Isserlis (1918); exact values as in theory.regression",
    )


STRONG = _strong()


# ----------------------------------------------------------------------------- minimum-norm chain
def _minnorm():
    m = sp.Function("m")
    sol = r ** _t * b0 + c * (1 - r ** _t) / (1 - r)
    cc = sigma2g * T0 / (d - T0 - 1)
    Xw = sp.MatrixSymbol("X", sp.Symbol("T_0", integer=True, positive=True), dm)
    P = Xw.T * (Xw * Xw.T).I * Xw
    PP = sp.MatMul(Xw.T, (Xw * Xw.T).I, Xw, Xw.T, (Xw * Xw.T).I, Xw, evaluate=False)
    return Theorem(
        name="regression_minnorm",
        title="Minimum-norm chain: the truth is forgotten geometrically",
        statement=(r"Fresh isotropic $T_0 \times d$ designs, $d \ge T_0 + 2$, $\hat w_k = X_k^+(X_k\hat w_{k-1} + e_k)$, "
                   r"$e_k \sim N(0, \sigma^2_{\rm gen}I)$, $\hat w_0 = w_0$: with $r = T_0/d$, "
                   r"$\mathbb{E}\|\hat w_n - w_0\|^2 = (1 - r^n)\bigl(\|w_0\|^2 + \sigma^2_{\rm gen}"
                   r"\frac{T_0 d}{(d-T_0)(d-T_0-1)}\bigr)$."),
        assumptions=[Assume(d, r"$d \ge T_0 + 2$; rows $N(0, I_d)$; $\beta_0 = \|w_0\|^2$ in the displays"),
                     ASSUME_NOISE],
        claims=[
            Claim("a", PP, "=", P, [Step("=", P, r"$XX^\top(XX^\top)^{-1} = I$", rule=matrix_identity)],
                  text=r"$P = X^+X = X^\top(XX^\top)^{-1}X$ is a projection (general sizes), so "
                       r"$\hat w_k = P_k\hat w_{k-1} + X_k^+e_k$ and $\|P_ku\|^2 = u^\top P_ku$"),
            Claim("b", m(_t + 1) - r * m(_t) - c, "=", 0, [
                Step("=", sol.subs(_t, _t + 1) - r * sol - c, r"candidate $m_\tau = r^\tau\|w_0\|^2 + "
                                                               r"c\frac{1-r^\tau}{1-r}$", rule=cited(
                                                                   "candidate solution", "definition",
                                                                   lambda ex: ex.replace(m, lambda a: sol.subs(_t, a)))),
                Step("=", 0, "algebra"),
            ], text=r"cited: $\mathbb{E}[P_k] = (T_0/d)I$ (rotation invariance, $\operatorname{tr}P = T_0$) and "
                    r"$\mathbb{E}\operatorname{tr}(X_kX_k^\top)^{-1} = T_0/(d-T_0-1)$ (the key lemma for "
                    r"$X_kX_k^\top \sim W_{T_0}(d, I)$): $m_\tau = \mathbb{E}\|\hat w_\tau\|^2$ obeys "
                    r"$m_{\tau+1} = rm_\tau + c$, $c = \sigma^2_{\rm gen}T_0/(d-T_0-1)$, solved with $m_0 = \|w_0\|^2$"),
            Claim("c", sol.subs(_t, 0), "=", b0, [Step("=", b0, "algebra")],
                  text=r"and it starts at $m_0 = \|w_0\|^2$ ($\hat w_0 = w_0$)"),
            Claim("d", sol - 2 * r ** _t * b0 + b0, "=", (1 - r ** _t) * (b0 + c / (1 - r)), [
                Step("=", (1 - r ** _t) * (b0 + c / (1 - r)), "algebra"),
            ], text=r"$\mathbb{E}\hat w_\tau = r^\tau w_0$, so $\mathbb{E}\|\hat w_\tau - w_0\|^2 = m_\tau - "
                    r"2r^\tau\|w_0\|^2 + \|w_0\|^2$"),
            Claim("e", cc / (1 - T0 / d), "=", sigma2g * T0 * d / ((d - T0) * (d - T0 - 1)), [
                Step("=", sigma2g * T0 * d / ((d - T0) * (d - T0 - 1)), "algebra"),
            ], text=r"$c/(1-r)$ with $r = T_0/d$"),
        ],
        corroborated_by=["overparameterized_chain_error"],
        process="regression",
        source="Dohmatob, Feng, Kempe (2024) (exponential collapse without noise); Muirhead (1982); exact values as "
               "in theory.regression",
    )


MINNORM = _minnorm()


# ----------------------------------------------------------------------------- weighted fresh data
def _weighted():
    q = (1 - w) ** 2
    Rs = sp.Symbol(r"R_\infty")
    vstep = sp.Symbol("v", positive=True)
    f = (kk * (1 - w) ** 2 + w ** 2) / (w * (2 - w))
    wstar = (sp.sqrt(kk ** 2 + 4 * kk) - kk) / 2
    return Theorem(
        name="regression_weighted",
        title="Weighted fresh data: the stationary risk and the golden-ratio weight",
        statement=(r"If each step contracts the error by $(1-w)^2$ and adds fresh noise of mean square "
                   r"$v = c\,(k(1-w)^2 + w^2)$, the stationary risk is $c\frac{k(1-w)^2+w^2}{w(2-w)}$, minimised over "
                   r"$(0, 1]$ exactly at $w^* = (\sqrt{k^2+4k}-k)/2$; $w^* = 1/\varphi$ at $k = 1$."),
        assumptions=[Assume(w, r"$0 < w \le 1$"), Assume(kk, r"$k > 0$")],
        claims=[
            Claim("a", q * Rs + vstep - Rs, "=", vstep - w * (2 - w) * Rs, [
                Step("=", vstep - w * (2 - w) * Rs, "algebra"),
            ], text=r"the fixed point $R_\infty = (1-w)^2R_\infty + v$ is $R_\infty = v/(w(2-w))$ (one design: "
                    r"$\hat w_t - w_0 = (1-w)(\hat w_{t-1} - w_0) + A((1-w)e_s + we_r)$ by the OLS shift)"),
            Claim("b", sp.diff(f, w), "=", 2 * (w ** 2 + kk * w - kk) / (w ** 2 * (2 - w) ** 2), [
                Step("=", 2 * (w ** 2 + kk * w - kk) / (w ** 2 * (2 - w) ** 2), "algebra"),
            ], text="the derivative of the factor has the sign of $w^2 + kw - k$"),
            Claim("c", wstar ** 2 + kk * wstar - kk, "=", 0, [Step("=", 0, "algebra")],
                  text=r"$w^*$ is its positive root; $w^* \le 1$ since $(k+2)^2 - (k^2 + 4k) = 4 > 0$, so the factor "
                       r"decreases on $(0, w^*)$ and increases on $(w^*, 1]$"),
            Claim("d", wstar.subs(kk, 1), "=", 1 / sp.GoldenRatio, [
                Step("=", 1 / sp.GoldenRatio, r"$\varphi = (1+\sqrt5)/2$"),
            ], text=r"equal sizes: the optimal real weight is the reciprocal of the golden ratio"),
        ],
        corroborated_by=["weighted_ols_risk", "weighted_ols_risk_replicated", "optimal_real_weight(1) = 1/golden ratio"],
        process="regression",
        source="He, Xu, Cheng (2025), Golden ratio weighting prevents model collapse; exact values as in "
               "theory.regression",
    )


WEIGHTED = _weighted()


# ----------------------------------------------------------------------------- accumulate-subsample
def _subsample():
    x1, x2 = sp.symbols("x_1 x_2", positive=True)
    k1, k2, g = sp.symbols("kappa_1 kappa_2 g", nonnegative=True)
    Gs = sp.Symbol("G", positive=True)
    Ssum = x1 ** 2 + x2 ** 2
    chi2 = ChiSquared("X_2", 2)
    lower = sigma2 * Ssum / Gs ** 2
    return Theorem(
        name="regression_subsample_infinite",
        title="Accumulate-subsample: the mean risk is infinite once n(d+1) >= T (checked at d = 1)",
        statement=(r"Model $i$ of accumulate-subsample is OLS on a uniform $T$-subset of the $iT$ pooled rows.  For "
                   r"$i \ge 2$ and $i(d+1) \ge T$ its mean risk is infinite.  The chain below is the case $d = 1$ "
                   r"(subset on $d + 1 = 2$ distinct design rows $x_1, x_2$); for $d > 1$ the same chain holds in the "
                   r"Loewner order, with $\operatorname{tr}[\Sigma(X_R^\top X_R)^{-1}]$ for $1/(x_1^2+x_2^2)$."),
        assumptions=[Assume(Gs, r"$G = m_1x_1^2 + m_2x_2^2 \le i(x_1^2 + x_2^2)$, multiplicities $m_r \le i$ "
                                r"(encoded as $G = i(x_1^2+x_2^2)/(1+g)$, $g \ge 0$)",
                            lambda ex: ex.xreplace({Gs: i * Ssum / (1 + g)}))],
        claims=[
            Claim("a", sigma2 * ((1 + k1) * x1 ** 2 + (1 + k2) * x2 ** 2) / Gs ** 2, ">=", lower, [
                Step(">=", lower, r"each row appears at least once ($1 + \kappa_r$ times, $\kappa_r \ge 0$) from the "
                                  r"newest batch, whose noises enter no earlier model"),
            ], text=r"given the design and the subset, the newest batch's noises alone contribute "
                    r"$\sigma^2\sum_{\rm newest} x_r^2/G^2$ to the conditional risk"),
            Claim("b", lower, ">=", sigma2 / (i ** 2 * Ssum), [
                Step(">=", sigma2 / (i ** 2 * Ssum), r"$G \le i(x_1^2 + x_2^2)$"),
            ], text=r"so the conditional risk is at least $\sigma^2/(i^2(x_1^2 + x_2^2))$"),
            Claim("c", Ex(1 / chi2), "=", sp.oo, [
                Step("=", sp.oo, r"$\mathbb{E}[1/\chi^2_2] = \int_0^\infty \frac{e^{-u/2}}{2u}\,du = \infty$ (sympy.stats)"),
            ], text=r"the two rows are i.i.d. $N(0, \sigma_x^2)$ (the subset is independent of the design): "
                    r"$x_1^2 + x_2^2 \sim \sigma_x^2\chi^2_2$ has $\mathbb{E}[1/(x_1^2+x_2^2)] = \infty$ -- the key lemma "
                    r"at $T = d + 1$; the event has positive probability iff $T \le i(d+1)$, so the risk is infinite"),
        ],
        corroborated_by=["accumulate_subsample_risk"],
        process="regression",
        source="Kazdan et al. (2024), Collapse or thrive? (the accumulate-subsample workflow); Muirhead (1982); "
               "exact values as in theory.regression",
    )


SUBSAMPLE = _subsample()

#: The regression theorems in document order.
THEOREMS = (REPLACE, FIXED_DESIGN, STRONG, MINNORM, WEIGHTED, SUBSAMPLE)
