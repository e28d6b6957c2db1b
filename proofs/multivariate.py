r"""Multivariate Gaussian collapse (unbiased covariance), derived step by step and checked by sympy.

Conventions (the same as :mod:`theory.multivariate`)
----------------------------------------------------
Generation 0 is :math:`N(\mu, \Sigma)` on :math:`\mathbb R^d`; generation
:math:`n+1` is fitted to :math:`M \ge d+1` samples of generation :math:`n` by
the sample mean and the unbiased covariance
:math:`\Sigma_{n+1} = \frac{1}{M-1}\sum_i (x_i - \bar x)(x_i - \bar x)^\top`.
With :math:`\Sigma_n = L_n L_n^\top` and the Bartlett decomposition
:math:`W = A A^\top \sim \mathrm{Wishart}_d(M-1, I)` (:math:`A` lower
triangular, :math:`A_{ii}^2 = X_i \sim \chi^2_{k_i}`, :math:`k_i = M - i`,
:math:`A_{ij} \sim N(0,1)` for :math:`i > j`, all independent; Muirhead 1982,
Thm 3.2.14), :math:`\Sigma_{n+1} = L_n A A^\top L_n^\top/(M-1)` and

.. math::

    \det\Sigma_{n+1} = \det\Sigma_n \prod_{i=1}^d \frac{X_i}{M-1}, \qquad
    \mu_{n+1} = \mu_n + L_n Z/\sqrt M,\ Z \sim N(0, I_d).

Theorem :data:`WISHART` proves :math:`E[\det\Sigma_n] = \det\Sigma\,\rho^n`,
:math:`\rho = \prod_{i=1}^d (M-i)/(M-1)` (:math:`< 1` for :math:`d \ge 2`);
the log-determinant drift :math:`\sum_i[\psi(\tfrac{M-i}{2}) + \log\tfrac{2}{M-1}] < 0`
(Jensen), hence :math:`\det\Sigma_n \to 0` almost surely; :math:`E[\Sigma_n] = \Sigma`;
and :math:`E\|\mu_n - \mu\|^2 = n\operatorname{tr}\Sigma/M \to \infty`.
Theorem :data:`MULTIVARIATE_SAMPLING_BIAS` does the same when every generation samples from
:math:`N(\mu_n, \lambda\Sigma_n)`, :math:`\lambda < 1` (Alemohammad et al. 2024):
:math:`E[\Sigma_n] = \lambda^n\Sigma`, the log-determinant drift gains :math:`d\log\lambda` and the mean
freezes, :math:`E\|\mu_n - \mu\|^2 \le \lambda\operatorname{tr}\Sigma/(M(1-\lambda))`.

The degrees of freedom :math:`k_i = M - i` are kept as the positive symbols
:math:`k_i` while expectations are taken (so that :mod:`sympy.stats` knows the
chi-square law is proper) and replaced by :math:`M - i` when signs and
identities are checked (hypothesis encoding).

References
----------
Shumailov et al., Nature 631, 755-759 (2024) (multivariate Gaussian collapse);
R. J. Muirhead, *Aspects of Multivariate Statistical Theory* (1982), ch. 3;
``E[det S] = det Sigma prod (M-i)/(M-1)`` as in ``references.md``.
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import ChiSquared, Normal

from .core import Assume, Bound, Claim, Ex, Model, Step, Theorem, by_claims, instance_of, jensen, sequence

n = sp.Symbol("n", integer=True, nonnegative=True)
d = sp.Symbol("d", integer=True, positive=True)
M = sp.Symbol("M", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
jj = sp.Symbol("j", integer=True, positive=True)
ll = sp.Symbol("l", integer=True, positive=True)
_m = sp.Symbol("m", integer=True, nonnegative=True)
F = sp.Symbol(r"\mathcal{F}_{n}")
det0 = sp.Symbol(r"\det\Sigma", positive=True)
tr0 = sp.Symbol(r"\operatorname{tr}\Sigma", positive=True)

G = sequence("detSigma", r"\det\Sigma", positive=True)
LG = sequence("logdetSigma", r"\log\det\Sigma")
T = sequence("trSigma", r"\operatorname{tr}\Sigma", positive=True)
Sig = sequence("Sigma", r"\Sigma")
E2 = sequence("msd", r"e")
KD = sequence("k", "k", positive=True, deterministic=True)

X_i = ChiSquared("X_i", KD(i))
X_j = ChiSquared("X_j", KD(jj))
N_ij = Normal("A_{ij}", 0, 1)
N_il = Normal("A_{il}", 0, 1)
N_jl = Normal("A_{jl}", 0, 1)
Z_a = Normal("Z_a", 0, 1)
Z_b = Normal("Z_b", 0, 1)

RHO = sp.Product(KD(i) / (M - 1), (i, 1, d))
DRIFT = sp.Sum(sp.polygamma(0, KD(i) / 2) + sp.log(2 / (M - 1)), (i, 1, d))


def _encode_k(e):
    return e.replace(lambda a: isinstance(a, KD), lambda a: M - a.args[0])


def _bartlett_det(lhs, rhs):
    return lhs == Ex(G(n + 1), F) and rhs == Ex(G(n) * sp.Product(X_i / (M - 1), (i, 1, d)), F)


def _independent_product(lhs, rhs):
    """E[G_n prod_i Y_i | F] = G_n prod_i E[Y_i | F]: G_n measurable, the Y_i independent of each other and of F."""
    if not (isinstance(lhs, Ex) and len(lhs.args) == 2):
        return False
    arg = lhs.args[0]
    prods = [f for f in sp.Mul.make_args(arg) if isinstance(f, sp.Product)]
    if len(prods) != 1:
        return False
    rest = sp.Mul(*[f for f in sp.Mul.make_args(arg) if f is not prods[0]])
    p = prods[0]
    return rhs == rest * sp.Product(Ex(p.function, F), *p.limits)


def _tower(lhs, rhs):
    return len(lhs.args) == 1 and rhs == Ex(Ex(lhs.args[0], F))


TOWER = instance_of("tower property E[Y] = E[E[Y | F_n]]", _tower)


def _wishart():
    claims = [
        Claim("a", Ex(G(n + 1), F), "=", G(n) * RHO, [
            Step("=", Ex(G(n) * sp.Product(X_i / (M - 1), (i, 1, d)), F),
                 r"Bartlett: $\det\Sigma_{n+1} = \det\Sigma_n\det(AA^\top)/(M-1)^d$, $\det(AA^\top) = "
                 r"\prod_i A_{ii}^2$ (definition of the model)",
                 rule=instance_of("definition of the model (Bartlett decomposition)", _bartlett_det)),
            Step("=", G(n) * sp.Product(Ex(X_i / (M - 1), F), (i, 1, d)),
                 r"$\det\Sigma_n$ is $\mathcal F_n$-measurable; the $X_i$ are independent of each other and of "
                 r"$\mathcal F_n$", rule=instance_of("expectation of a product of independent factors",
                                                      _independent_product)),
            Step("=", G(n) * RHO, r"$\mathbb{E}[\chi^2_{k}] = k$ (sympy.stats)"),
        ], text="one refit multiplies the expected determinant by rho"),
        Claim("b", Ex(G(n)), "=", det0 * RHO ** n, [
            Step("=", Ex(Ex(G(n + 1), F)), "tower property", rule=TOWER),
            Step("=", RHO * Ex(G(n)), "(a) and linearity"),
            Step("=", det0 * RHO ** (n + 1), "induction hypothesis"),
        ], text=r"$\mathbb{E}[\det\Sigma_n] = \det\Sigma\,(\prod_{i=1}^d (M-i)/(M-1))^n$", induction=n),
        Claim("c", KD(i) / (M - 1), "<=", 1, [
            Step("=", (M - i) / (M - 1), r"$k_i = M - i$"),
            Step("<=", 1, r"$i \ge 1$, $M \ge 2$ (sympy)"),
        ], text=r"every factor of $\rho$ is at most 1 (and positive, $k_i \ge 1$)"),
        Claim("d", KD(2) / (M - 1), "<", 1, [
            Step("=", (M - 2) / (M - 1), r"$k_2 = M - 2$"),
            Step("<", 1, "sympy"),
        ], text=r"for $d \ge 2$ the factor $i = 2$ is below 1, so $\rho < 1$ and "
                r"$\mathbb{E}[\det\Sigma_n] \to 0$ geometrically (though $\mathbb{E}[\Sigma_n] = \Sigma$, (j))"),
        Claim("e", Ex(LG(n)), "=", sp.log(det0) + n * DRIFT, [
            Step("=", Ex(LG(n) + sp.Sum(sp.log(X_i / (M - 1)), (i, 1, d))),
                 r"definition of the model: the log of the Bartlett product"),
            Step("=", Ex(LG(n)) + sp.Sum(Ex(sp.log(X_i / (M - 1))), (i, 1, d)), "linearity"),
            Step("=", sp.log(det0) + (n + 1) * DRIFT, r"induction hypothesis; $\mathbb{E}[\log\chi^2_k] = "
                                                      r"\psi(k/2) + \log 2$ (sympy.stats)"),
        ], text=r"expected log-determinant: a random walk with $d$ independent log-chi-square increments per "
                r"generation", induction=n),
        Claim("f", sp.polygamma(0, KD(i) / 2) + sp.log(2 / (M - 1)), "<", 0, [
            Step("=", Ex(sp.log(X_i / (M - 1))), r"$\mathbb{E}[\log\chi^2_k] = \psi(k/2) + \log 2$ (sympy.stats)"),
            Step("<", sp.log(Ex(X_i / (M - 1))), "Jensen (strict concavity of log)",
                 rule=jensen(sp.log, X_i / (M - 1), why_nondegenerate="X_i is non-degenerate")),
            Step("=", sp.log(KD(i) / (M - 1)), r"$\mathbb{E}[\chi^2_k] = k$"),
            Step("<=", 0, r"$0 < k_i/(M-1) \le 1$ by (c)", bounds=[Bound(KD(i) / (M - 1), "(0,1]", "(c)")]),
        ], text="each increment of the log-determinant has negative mean"),
        Claim("g", DRIFT, "<", 0, [
            Step("<", 0, "a sum of d >= 1 negative terms", rule=by_claims("sum of negative terms", "f")),
        ], text=r"negative drift; $\log\det\Sigma_n - \log\det\Sigma$ is a sum of $n$ iid increments (e), so by the "
                r"strong law of large numbers $\frac1n\log\det\Sigma_n \to$ the drift $< 0$ and "
                r"$\det\Sigma_n \to 0$ almost surely"),
        Claim("h", Ex(X_i + sp.Sum(N_il ** 2, (ll, 1, i - 1))), "=", M - 1, [
            Step("=", KD(i) + i - 1, r"$\mathbb{E}[\chi^2_{k_i}] = k_i$, $\mathbb{E}[A_{il}^2] = 1$ (sympy.stats)"),
            Step("=", M - 1, r"$k_i = M - i$"),
        ], text=r"diagonal of $\mathbb{E}[AA^\top]$: $(AA^\top)_{ii} = A_{ii}^2 + \sum_{l<i} A_{il}^2$"),
        Claim("i", Ex(sp.Sum(N_il * N_jl, (ll, 1, jj - 1)) + N_ij * sp.sqrt(X_j)), "=", 0, [
            Step("=", sp.Sum(Ex(N_il) * Ex(N_jl), (ll, 1, jj - 1)) + Ex(N_ij) * Ex(sp.sqrt(X_j)),
                 "linearity; independence of the Bartlett entries"),
            Step("=", 0, r"$\mathbb{E}[A_{il}] = 0$ (sympy.stats)"),
        ], text=r"off-diagonal ($i > j$): $(AA^\top)_{ij} = \sum_{l<j} A_{il}A_{jl} + A_{ij}A_{jj}$; so "
                r"$\mathbb{E}[AA^\top] = (M-1)I$"),
        Claim("j", Ex(Sig(n + 1), F), "=", Sig(n), [
            Step("=", Sig(n), r"$\mathbb{E}[L_nAA^\top L_n^\top \mid \mathcal F_n]/(M-1) = L_n\mathbb{E}[AA^\top]"
                              r"L_n^\top/(M-1) = L_nL_n^\top$",
                 rule=by_claims("linearity of expectation, L_n F_n-measurable, E[AA^T] = (M-1) I", "h", "i")),
        ], text=r"$\Sigma_n$ is a matrix martingale, so $\mathbb{E}[\Sigma_n] = \Sigma$"),
        Claim("k", Ex(T(n)), "=", tr0, [
            Step("=", tr0, r"trace of (j), tower property and induction on $n$",
                 rule=by_claims("linearity of the trace; tower property; induction", "j")),
        ], text=r"$\mathbb{E}[\operatorname{tr}\Sigma_n] = \operatorname{tr}\Sigma$"),
        Claim("l", Ex(Z_a ** 2) + Ex(Z_a * Z_b), "=", 1, [
            Step("=", 1, r"$Z_a, Z_b$ independent $N(0,1)$ (sympy.stats)"),
        ], text=r"$\mathbb{E}[ZZ^\top] = I$: $\mathbb{E}[Z_a^2] = 1$, $\mathbb{E}[Z_aZ_b] = 0$ ($a \ne b$)"),
        Claim("m", Ex(E2(n + 1), F), "=", E2(n) + T(n) / M, [
            Step("=", E2(n) + T(n) / M, r"$e_{n+1} = \|\mu_n - \mu + L_nZ/\sqrt M\|^2$; $\mathbb{E}[Z] = 0$, "
                                        r"$\mathbb{E}[Z^\top L_n^\top L_n Z] = \operatorname{tr}(L_n^\top L_n)"
                                        r" = \operatorname{tr}\Sigma_n$ by (l)",
                 rule=by_claims("expectation of a quadratic form, E[Z Z^T] = I", "l")),
        ], text=r"conditional mean squared displacement of the fitted mean, $e_n = \|\mu_n - \mu\|^2$"),
        Claim("n", Ex(E2(n)), "=", n * tr0 / M, [
            Step("=", Ex(Ex(E2(n + 1), F)), "tower property", rule=TOWER),
            Step("=", Ex(E2(n)) + Ex(T(n)) / M, "(m) and linearity"),
            Step("=", (n + 1) * tr0 / M, "induction hypothesis and (k)"),
        ], text=r"$\mathbb{E}\|\mu_n - \mu\|^2 = n\operatorname{tr}\Sigma/M$", induction=n),
        Claim("o", sp.Limit(n * tr0 / M, n, sp.oo), "=", sp.oo, [
            Step("=", sp.oo, "sympy.limit"),
        ], text=r"the fitted mean wanders off: $\mathbb{E}\|\mu_n - \mu\|^2 \to \infty$"),
    ]
    return Theorem(
        name="multivariate_unbiased",
        title="Multivariate Gaussian collapse (unbiased covariance estimator)",
        statement=(r"Refitting $N(\mu_n, \Sigma_n)$ in dimension $d$ by the sample mean and the unbiased sample "
                   r"covariance of $M \ge d+1$ samples: $\mathbb{E}[\det\Sigma_n] = \det\Sigma\,"
                   r"(\prod_{i=1}^d (M-i)/(M-1))^n$; $\mathbb{E}[\log\det\Sigma_n] = \log\det\Sigma + "
                   r"n\sum_{i=1}^d[\psi(\frac{M-i}{2}) + \log\frac{2}{M-1}]$ with negative drift, so "
                   r"$\det\Sigma_n \to 0$ almost surely; $\mathbb{E}[\Sigma_n] = \Sigma$; and "
                   r"$\mathbb{E}\|\mu_n - \mu\|^2 = n\operatorname{tr}\Sigma/M \to \infty$."),
        assumptions=[Assume(KD(i), r"$k_i = M - i \ge 1$ for $1 \le i \le d$ (kept as a positive symbol for "
                                   r"sympy.stats, replaced by $M - i$ for the checks)", _encode_k),
                     Assume(M, r"$M \ge d + 1$ is an integer (encoded for sympy as $M = m + 2$; the steps that "
                               r"need $M > i$ use $k_i > 0$)", _m + 2),
                     Assume(d, r"$d \ge 1$ is an integer (the dimension)"),
                     Assume(n, r"$n \ge 0$ is an integer (the generation)")],
        claims=claims,
        model=Model(
            index=n,
            transition={LG(n + 1): LG(n) + sp.Sum(sp.log(X_i / (M - 1)), (i, 1, d))},
            initial={G(0): det0, LG(0): sp.log(det0), T(0): tr0, E2(0): sp.Integer(0)},
            given=F,
            text=[r"Generation $n+1$ is fitted to $M$ samples of $N(\mu_n, \Sigma_n)$; $\Sigma_n = L_nL_n^\top$.",
                  r"Bartlett: $\Sigma_{n+1} = L_nAA^\top L_n^\top/(M-1)$ with $A$ lower triangular, "
                  r"$A_{ii}^2 = X_i \sim \chi^2_{k_i}$, $k_i = M - i$, $A_{il} \sim N(0,1)$ ($i > l$), all "
                  r"independent of each other and of the past $\mathcal F_n$ (Muirhead 1982, Thm 3.2.14).",
                  r"Hence $\det\Sigma_{n+1} = \det\Sigma_n\prod_{i=1}^d X_i/(M-1)$ and "
                  r"$\log\det\Sigma_{n+1} = \log\det\Sigma_n + \sum_{i=1}^d\log(X_i/(M-1))$.",
                  r"The sample mean is independent of the sample covariance: $\mu_{n+1} = \mu_n + L_nZ/\sqrt M$, "
                  r"$Z \sim N(0, I_d)$ independent of $A$ and $\mathcal F_n$; $e_n = \|\mu_n - \mu\|^2$, $e_0 = 0$."]),
        notation=[],
        corroborated_by=["E[det Sigma_n]/det Sigma", "E[log det Sigma_n]", "E[tr Sigma_n]", "E[|mu_n-mu|^2]"],
        process="multivariate",
        source="Shumailov et al., Nature 631, 755-759 (2024) (multivariate Gaussian collapse); Bartlett decomposition "
               "and Wishart moments: Muirhead, Aspects of Multivariate Statistical Theory (1982), ch. 3; "
               "E[det S] = det Sigma prod (M-i)/(M-1) as in references.md",
        remarks=[r"As in one dimension the covariance is a martingale ((j), (k)) and yet it collapses: the "
                 r"log-determinant is a random walk with negative drift ((e)-(g)), so $\det\Sigma_n \to 0$ almost "
                 r"surely, and for $d \ge 2$ even $\mathbb{E}[\det\Sigma_n] \to 0$ ((b), (d)).  Meanwhile the "
                 r"fitted mean performs a random walk with $\mathbb{E}\|\mu_n - \mu\|^2 = n\operatorname{tr}\Sigma/M$."],
    )


WISHART = _wishart()


# ----------------------------------------------------------------------------- sampling bias
lam = sp.Symbol(r"\lambda", positive=True)
_u = sp.Symbol("u", positive=True)


def _bartlett_det_biased(lhs, rhs):
    return lhs == Ex(G(n + 1), F) and rhs == Ex(G(n) * lam ** d * sp.Product(X_i / (M - 1), (i, 1, d)), F)


def _log_det_biased(lhs, rhs):
    return lhs == Ex(LG(n + 1), F) and rhs == Ex(LG(n) + d * sp.log(lam) + sp.Sum(sp.log(X_i / (M - 1)), (i, 1, d)), F)


def _sampling_bias():
    walk = lam * tr0 * (1 - lam ** n) / (M * (1 - lam))
    claims = [
        Claim("a", Ex(G(n + 1), F), "=", lam ** d * G(n) * RHO, [
            Step("=", Ex(G(n) * lam ** d * sp.Product(X_i / (M - 1), (i, 1, d)), F),
                 r"Bartlett for $\mathrm{Wishart}_d(M-1, \lambda\Sigma_n)$: $\det\Sigma_{n+1} = "
                 r"\lambda^d\det\Sigma_n\prod_i A_{ii}^2/(M-1)^d$ (definition of the model)",
                 rule=instance_of("definition of the model (Bartlett decomposition)", _bartlett_det_biased)),
            Step("=", G(n) * lam ** d * sp.Product(Ex(X_i / (M - 1), F), (i, 1, d)),
                 r"$\det\Sigma_n$ is $\mathcal F_n$-measurable; the $X_i$ are independent of each other and of "
                 r"$\mathcal F_n$", rule=instance_of("expectation of a product of independent factors",
                                                      _independent_product)),
            Step("=", lam ** d * G(n) * RHO, r"$\mathbb{E}[\chi^2_{k}] = k$ (sympy.stats)"),
        ], text=r"one refit multiplies the expected determinant by $\lambda^d\rho$"),
        Claim("b", Ex(G(n)), "=", det0 * (lam ** d * RHO) ** n, [
            Step("=", Ex(Ex(G(n + 1), F)), "tower property", rule=TOWER),
            Step("=", lam ** d * RHO * Ex(G(n)), "(a) and linearity"),
            Step("=", det0 * (lam ** d * RHO) ** (n + 1), "induction hypothesis"),
        ], text=r"$\mathbb{E}[\det\Sigma_n] = \det\Sigma\,(\lambda^d\prod_{i=1}^d (M-i)/(M-1))^n$", induction=n),
        Claim("c0", Ex(LG(n + 1), F), "=", LG(n) + d * sp.log(lam) + DRIFT, [
            Step("=", Ex(LG(n) + d * sp.log(lam) + sp.Sum(sp.log(X_i / (M - 1)), (i, 1, d)), F),
                 r"definition of the model: the log of the Bartlett product, $\log\det(\lambda\Sigma_n) = "
                 r"d\log\lambda + \log\det\Sigma_n$",
                 rule=instance_of("definition of the model (log of the Bartlett product)", _log_det_biased)),
            Step("=", LG(n) + d * sp.log(lam) + DRIFT,
                 r"$\log\det\Sigma_n$ is $\mathcal F_n$-measurable; $\mathbb{E}[\log\chi^2_k] = \psi(k/2) + \log 2$ "
                 r"(sympy.stats)"),
        ], text=r"one refit moves the log-determinant by $d\log\lambda$ plus the unbiased-sampling drift"),
        Claim("c", Ex(LG(n)), "=", sp.log(det0) + n * (d * sp.log(lam) + DRIFT), [
            Step("=", Ex(Ex(LG(n + 1), F)), "tower property", rule=TOWER),
            Step("=", Ex(LG(n)) + d * sp.log(lam) + DRIFT, "(c0) and linearity"),
            Step("=", sp.log(det0) + (n + 1) * (d * sp.log(lam) + DRIFT), "induction hypothesis"),
        ], text=r"the log-determinant drift gains $d\log\lambda$ per generation", induction=n),
        Claim("d", Ex(X_i + sp.Sum(N_il ** 2, (ll, 1, i - 1))), "=", M - 1, [
            Step("=", KD(i) + i - 1, r"$\mathbb{E}[\chi^2_{k_i}] = k_i$, $\mathbb{E}[A_{il}^2] = 1$ (sympy.stats)"),
            Step("=", M - 1, r"$k_i = M - i$"),
        ], text=r"diagonal of $\mathbb{E}[AA^\top]$: $(AA^\top)_{ii} = A_{ii}^2 + \sum_{l<i} A_{il}^2$"),
        Claim("e", Ex(sp.Sum(N_il * N_jl, (ll, 1, jj - 1)) + N_ij * sp.sqrt(X_j)), "=", 0, [
            Step("=", sp.Sum(Ex(N_il) * Ex(N_jl), (ll, 1, jj - 1)) + Ex(N_ij) * Ex(sp.sqrt(X_j)),
                 "linearity; independence of the Bartlett entries"),
            Step("=", 0, r"$\mathbb{E}[A_{il}] = 0$ (sympy.stats)"),
        ], text=r"off-diagonal ($i > j$): so $\mathbb{E}[AA^\top] = (M-1)I$"),
        Claim("f", Ex(Sig(n + 1), F), "=", lam * Sig(n), [
            Step("=", lam * Sig(n), r"$\mathbb{E}[\lambda L_nAA^\top L_n^\top \mid \mathcal F_n]/(M-1) = "
                                    r"\lambda L_n\mathbb{E}[AA^\top]L_n^\top/(M-1) = \lambda\Sigma_n$",
                 rule=by_claims("linearity of expectation, L_n F_n-measurable, E[AA^T] = (M-1) I", "d", "e")),
        ], text=r"$\mathbb{E}[\Sigma_n] = \lambda^n\Sigma$: no martingale any more"),
        Claim("g", Ex(T(n)), "=", tr0 * lam ** n, [
            Step("=", tr0 * lam ** n, r"trace of (f), tower property and induction on $n$",
                 rule=by_claims("linearity of the trace; tower property; induction", "f")),
        ], text=r"$\mathbb{E}[\operatorname{tr}\Sigma_n] = \lambda^n\operatorname{tr}\Sigma$"),
        Claim("h", Ex(Z_a ** 2) + Ex(Z_a * Z_b), "=", 1, [
            Step("=", 1, r"$Z_a, Z_b$ independent $N(0,1)$ (sympy.stats)"),
        ], text=r"$\mathbb{E}[ZZ^\top] = I$"),
        Claim("i", Ex(E2(n + 1), F), "=", E2(n) + lam * T(n) / M, [
            Step("=", E2(n) + lam * T(n) / M,
                 r"$e_{n+1} = \|\mu_n - \mu + \sqrt\lambda L_nZ/\sqrt M\|^2$; $\mathbb{E}[Z] = 0$, "
                 r"$\mathbb{E}[Z^\top L_n^\top L_n Z] = \operatorname{tr}\Sigma_n$ by (h)",
                 rule=by_claims("expectation of a quadratic form, E[Z Z^T] = I", "h")),
        ], text=r"the steps of the fitted mean have covariance $\lambda\Sigma_n/M$"),
        Claim("j", Ex(E2(n)), "=", walk, [
            Step("=", Ex(Ex(E2(n + 1), F)), "tower property", rule=TOWER),
            Step("=", Ex(E2(n)) + lam * Ex(T(n)) / M, "(i) and linearity"),
            Step("=", walk.subs(n, n + 1), "induction hypothesis and (g); algebra"),
        ], text=(r"$\mathbb{E}\|\mu_n - \mu\|^2 = "
                 r"\frac{\lambda\operatorname{tr}\Sigma}{M}\frac{1-\lambda^n}{1-\lambda}$"), induction=n),
        Claim("k", walk, "<=", lam * tr0 / (M * (1 - lam)), [
            Step("<=", lam * tr0 / (M * (1 - lam)), r"$0 < \lambda^n \le 1$",
                 bounds=[Bound(lam ** n, "(0,1]", "hypothesis on lambda")]),
        ], text=r"the random walk of the mean freezes: bounded uniformly in $n$ (it grows like "
                r"$n\operatorname{tr}\Sigma/M$ at $\lambda = 1$)"),
    ]
    return Theorem(
        name="multivariate_sampling_bias",
        title="Multivariate sampling bias: the covariance collapses in expectation, the mean freezes",
        statement=(r"If every generation samples $M \ge d+1$ points from $N(\mu_n, \lambda\Sigma_n)$, "
                   r"$0 < \lambda < 1$, and refits the sample mean and the unbiased covariance, then "
                   r"$\mathbb{E}[\Sigma_n] = \lambda^n\Sigma$, $\mathbb{E}[\det\Sigma_n] = \det\Sigma\,"
                   r"(\lambda^d\prod_{i=1}^d (M-i)/(M-1))^n$, $\mathbb{E}[\log\det\Sigma_n] = \log\det\Sigma + "
                   r"n[d\log\lambda + \sum_{i=1}^d(\psi(\frac{M-i}{2}) + \log\frac{2}{M-1})]$ and "
                   r"$\mathbb{E}\|\mu_n - \mu\|^2 = \frac{\lambda\operatorname{tr}\Sigma}{M}\frac{1-\lambda^n}"
                   r"{1-\lambda} \le \frac{\lambda\operatorname{tr}\Sigma}{M(1-\lambda)}$ (the MLE multiplies "
                   r"every first moment by $((M-1)/M)^n$ as without bias).  For $d = 1$ this is the theorem "
                   r"sampling_bias."),
        assumptions=[Assume(KD(i), r"$k_i = M - i \ge 1$ for $1 \le i \le d$ (kept as a positive symbol for "
                                   r"sympy.stats, replaced by $M - i$ for the checks)", _encode_k),
                     Assume(M, r"$M \ge d + 1$ is an integer (encoded for sympy as $M = m + 2$)", _m + 2),
                     Assume(lam, r"$0 < \lambda < 1$ (encoded as $\lambda = 1/(1+u)$, $u > 0$)", 1 / (1 + _u)),
                     Assume(d, r"$d \ge 1$ is an integer (the dimension)"),
                     Assume(n, r"$n \ge 0$ is an integer (the generation)")],
        claims=claims,
        model=Model(
            index=n,
            transition={LG(n + 1): LG(n) + d * sp.log(lam) + sp.Sum(sp.log(X_i / (M - 1)), (i, 1, d))},
            initial={G(0): det0, LG(0): sp.log(det0), T(0): tr0, E2(0): sp.Integer(0)},
            given=F,
            text=[r"Generation $n+1$ is fitted to $M$ samples of $N(\mu_n, \lambda\Sigma_n)$; "
                  r"$\Sigma_n = L_nL_n^\top$.",
                  r"Bartlett: $\Sigma_{n+1} = \lambda L_nAA^\top L_n^\top/(M-1)$ with $A$ as in the theorem "
                  r"multivariate_unbiased, independent of the past $\mathcal F_n$.",
                  r"Hence $\log\det\Sigma_{n+1} = \log\det\Sigma_n + d\log\lambda + \sum_{i=1}^d\log(X_i/(M-1))$, "
                  r"and $\mu_{n+1} = \mu_n + \sqrt\lambda L_nZ/\sqrt M$, $Z \sim N(0, I_d)$ independent of $A$ and "
                  r"$\mathcal F_n$; $e_n = \|\mu_n - \mu\|^2$, $e_0 = 0$."]),
        corroborated_by=["E[det Sigma_n]/det Sigma", "E[log det Sigma_n]", "E[tr Sigma_n]", "E[|mu_n-mu|^2]"],
        process="multivariate",
        source="Alemohammad et al. (2024, ICLR), Self-Consuming Generative Models Go MAD, arXiv:2307.01850 "
               "(sampling bias); Bartlett decomposition: Muirhead (1982), ch. 3; exact moments as in "
               "theory.multivariate (keyword bias)",
        remarks=[r"With $\lambda < 1$ even the unbiased estimator loses its martingale: the covariance collapses "
                 r"in expectation ((f), (g)), the log-determinant drifts faster by $d\log\lambda$ per generation "
                 r"(c), and the mean stops wandering ((j), (k))."],
    )


MULTIVARIATE_SAMPLING_BIAS = _sampling_bias()

#: The multivariate theorems in document order.
THEOREMS = (WISHART, MULTIVARIATE_SAMPLING_BIAS)
