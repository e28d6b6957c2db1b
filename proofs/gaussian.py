r"""Gaussian model collapse, derived step by step and checked by sympy.

Conventions (the same as :mod:`theory.gaussian`)
------------------------------------------------
Generation 0 is :math:`N(\mu, \sigma^2)`.  Generation :math:`n+1` is fitted to
:math:`M \ge 2` iid samples of generation :math:`n`: :math:`\mu_{n+1}` is the
sample mean and :math:`\sigma_{n+1}^2` is either the unbiased sample variance
:math:`S/(M-1)` or the maximum-likelihood variance :math:`S/M`, with :math:`S`
the sum of squared deviations.  By Cochran's theorem
:math:`S/\sigma_n^2 = X_{n+1} \sim \chi^2_k`, :math:`k = M - 1`, independent
of the sample mean, so with :math:`Z_{n+1} \sim N(0, 1)` independent of
:math:`X_{n+1}` and of the past :math:`\mathcal F_n`,

.. math::

    \sigma_{n+1} = \sigma_n \sqrt{X_{n+1}/k}\ \text{(unbiased)}, \qquad
    \sigma_{n+1} = \sigma_n \sqrt{X_{n+1}/M}\ \text{(MLE)}, \qquad
    \delta_{n+1} = \delta_n + \sigma_n Z_{n+1}/\sqrt{M},

where :math:`\delta_n = \mu_n - \mu`.  The Wasserstein-2 distance between
one-dimensional Gaussians is
:math:`W_2^2(N(m_1, s_1^2), N(m_2, s_2^2)) = (m_1 - m_2)^2 + (s_1 - s_2)^2`, so
:math:`W_2^2(N(\mu_n, \sigma_n^2), N(\mu, \sigma^2)) = \delta_n^2 + (\sigma_n - \sigma)^2`.

Theorems
--------
:data:`UNBIASED`   the Nature paper's one-dimensional Gaussian collapse theorem
:data:`MLE`        the same process with the maximum-likelihood variance
:data:`SCHEDULE`   a sample size :math:`M_n` that changes with the generation

Every claim is an induction on :math:`n` (or a direct chain) whose steps are
evaluated by :class:`proofs.core.Context`: the transition is substituted,
expectations of the innovations :math:`X_{n+1}, Z_{n+1}` are computed by
:mod:`sympy.stats`, and the state moments come from the induction hypothesis
or from earlier claims.

References
----------
Shumailov et al., "AI models collapse when trained on recursively generated
data", Nature 631, 755-759 (2024); Cochran's theorem and the constant
:math:`c_4` as in ``references.md``.
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import ChiSquared, Normal

from .core import (Assume, Bound, Claim, Ex, Model, Notation, Step, Theorem, convergence, jensen,
                   sequence)

n = sp.Symbol("n", integer=True, nonnegative=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
M = sp.Symbol("M", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
sigma = sp.Symbol("sigma", positive=True)
q = sp.Symbol("q", positive=True)
_m = sp.Symbol("m", integer=True, nonnegative=True)

#: sigma_n (positive) and delta_n = mu_n - mu.
S = sequence("sigma", r"\sigma", positive=True)
D = sequence("delta", r"\delta")
F = sp.Symbol(r"\mathcal{F}_{n}")

X = ChiSquared("X_{n+1}", k)
Z = Normal("Z_{n+1}", 0, 1)


class C4(sp.Function):
    r"""The constant :math:`c_4(M) = \sqrt{2/(M-1)}\,\Gamma(M/2)/\Gamma((M-1)/2)`."""

    nargs = 1

    def _latex(self, printer, exp=None):
        s = r"c_4\left(%s\right)" % printer._print(self.args[0])
        return s if exp is None else r"c_4\left(%s\right)^{%s}" % (printer._print(self.args[0]), exp)

    def _sympystr(self, printer):
        return "c4(%s)" % printer._print(self.args[0])


def c4_formula(Mv):
    """:math:`c_4(M)` as gamma functions (references.md)."""
    return sp.sqrt(2 / (Mv - 1)) * sp.gamma(Mv / 2) / sp.gamma((Mv - 1) / 2)


C4_NOTATION = Notation(C4, c4_formula, r"$c_4(M) = \sqrt{2/(M-1)}\,\Gamma(M/2)/\Gamma((M-1)/2)$")

ASSUME_M = Assume(M, r"$M$ is an integer, $M \ge 2$ (encoded for sympy as $M = m + 2$, $m \ge 0$ an integer)",
                  _m + 2)
ASSUME_K = Assume(k, r"$k = M - 1 \ge 1$, the degrees of freedom of the sum of squared deviations "
                     r"(encoded as $k = m + 1$)", _m + 1)
ASSUME_SIGMA = Assume(sigma, r"$\sigma > 0$")
ASSUME_N = Assume(n, r"$n \ge 0$ is an integer (the generation)")

_W2 = D(n) ** 2 + (S(n) - sigma) ** 2
_MODEL_TEXT_COMMON = [
    r"Generation $0$ is $N(\mu, \sigma^2)$; generation $n+1$ is fitted to $M$ iid samples of generation $n$ "
    r"by the sample mean and the {est} sample variance.",
    r"Cochran's theorem: $X_{{n+1}} = S/\sigma_n^2 \sim \chi^2_k$ ($S$ the sum of squared deviations) is "
    r"independent of the sample mean and of the past $\mathcal F_n$; $Z_{{n+1}} \sim N(0,1)$ is independent "
    r"of both.",
    r"$\delta_n = \mu_n - \mu$, so $\mathbb{{E}}[\delta_n] = 0$ (part (g)) gives "
    r"$\operatorname{{Var}}[\mu_n] = \mathbb{{E}}[\delta_n^2]$, and "
    r"$W_2^2(N(\mu_n,\sigma_n^2), N(\mu,\sigma^2)) = \delta_n^2 + (\sigma_n - \sigma)^2$ "
    r"(closed form of $W_2$ between one-dimensional Gaussians).",
]


def _model(scale, est):
    return Model(
        index=n,
        transition={S(n + 1): S(n) * sp.sqrt(X / scale), D(n + 1): D(n) + S(n) * Z / sp.sqrt(M)},
        initial={S(0): sigma, D(0): sp.Integer(0)},
        given=F,
        text=[t.format(est=est) for t in _MODEL_TEXT_COMMON]
        + [r"Transition: $\sigma_{n+1} = \sigma_n \sqrt{X_{n+1}/%s}$, "
           r"$\delta_{n+1} = \delta_n + \sigma_n Z_{n+1}/\sqrt{M}$; $\sigma_0 = \sigma$, $\delta_0 = 0$."
           % sp.latex(scale)],
    )


def _common_claims(scale, ratio, std_base, log_drift, prefix_drift_text):
    """Claims (a)-(h) shared by the unbiased and the MLE process.

    ``scale`` is k (unbiased) or M (MLE); ``ratio = k/scale`` is E[X/scale];
    ``std_base`` the factor of E[sigma_n] per generation; ``log_drift`` the
    per-generation drift of E[log sigma_n^2].
    """
    Y = X / scale
    return [
        Claim("a", Ex(S(n + 1) ** 2, F), "=", ratio * S(n) ** 2, [
            Step("=", Ex(S(n) ** 2 * X / scale, F), "definition of the model (Cochran)"),
            Step("=", S(n) ** 2 * Ex(X, F) / scale, r"$\sigma_n$ is $\mathcal F_n$-measurable, "
                                                    r"$X_{n+1}$ independent of $\mathcal F_n$"),
            Step("=", ratio * S(n) ** 2, r"$\mathbb{E}[\chi^2_k] = k$ (sympy.stats)"),
        ], text="conditional mean of the next variance" + (" (martingale)" if ratio == 1 else "")),
        Claim("b", Ex(S(n) ** 2), "=", sigma ** 2 * ratio ** n, [
            Step("=", Ex(Ex(S(n + 1) ** 2, F)), "tower property"),
            Step("=", ratio * Ex(S(n) ** 2), "by (a) and linearity"),
            Step("=", sigma ** 2 * ratio ** (n + 1), "induction hypothesis"),
        ], text=r"expected variance", induction=n),
        Claim("c", Ex(S(n)), "=", sigma * std_base ** n, [
            Step("=", Ex(S(n) * sp.sqrt(Y)), "definition of the model (Cochran)"),
            Step("=", Ex(S(n)) * Ex(sp.sqrt(Y)), r"independence of the chi-square factor from $\sigma_n$"),
            Step("=", sigma * std_base ** n * Ex(sp.sqrt(Y)), "induction hypothesis"),
            Step("=", sigma * std_base ** (n + 1), r"$\mathbb{E}[\sqrt{\chi^2_k}]$ (sympy.stats) and the "
                                                  r"definition of $c_4$"),
        ], text=r"expected standard deviation", induction=n),
        Claim("d", std_base, "<", 1, [
            Step("=", Ex(sp.sqrt(Y)), r"$\mathbb{E}[\sqrt{\chi^2_k}]$ (sympy.stats)"),
            Step("<", sp.sqrt(Ex(Y)), "Jensen (strict concavity of the square root)",
                 rule=jensen(sp.sqrt, Y, why_nondegenerate="X_{n+1} is non-degenerate")),
            Step("=", sp.sqrt(ratio), r"$\mathbb{E}[\chi^2_k] = k$"),
        ] + ([] if ratio == 1 else [Step("<", 1, r"$k < M$")]),
            text=r"the standard deviation shrinks in expectation each generation"),
        Claim("e", Ex(sp.log(S(n) ** 2)), "=", sp.log(sigma ** 2) + n * log_drift, [
            Step("=", Ex(sp.log(S(n) ** 2 * Y)), "definition of the model (Cochran)"),
            Step("=", Ex(sp.log(S(n) ** 2)) + Ex(sp.log(Y)), "log of a product, linearity, independence"),
            Step("=", sp.log(sigma ** 2) + (n + 1) * log_drift,
                 r"induction hypothesis; $\mathbb{E}[\log\chi^2_k] = \psi(k/2) + \log 2$ (sympy.stats)"),
        ], text=r"expected log-variance: a random walk with drift", induction=n),
        Claim("f", log_drift, "<", 0, [
            Step("=", Ex(sp.log(Y)), r"$\mathbb{E}[\log\chi^2_k] = \psi(k/2) + \log 2$ (sympy.stats)"),
            Step("<", sp.log(Ex(Y)), "Jensen (strict concavity of log)",
                 rule=jensen(sp.log, Y, why_nondegenerate="X_{n+1} is non-degenerate")),
            Step("=", sp.log(ratio), r"$\mathbb{E}[\chi^2_k] = k$"),
        ] + ([] if ratio == 1 else [Step("<", 0, r"$k < M$")]),
            text=prefix_drift_text),
        Claim("g", Ex(D(n)), "=", 0, [
            Step("=", Ex(D(n) + S(n) * Z / sp.sqrt(M)), "definition of the model"),
            Step("=", Ex(D(n)) + Ex(S(n)) * Ex(Z) / sp.sqrt(M), r"linearity; $Z_{n+1}$ independent of $\sigma_n$"),
            Step("=", 0, r"induction hypothesis; $\mathbb{E}[Z] = 0$"),
        ], text=r"the fitted mean is unbiased: $\mathbb{E}[\mu_n] = \mu$", induction=n),
    ]


def _unbiased():
    c4 = C4(M)
    drift = sp.polygamma(0, k / 2) + sp.log(2 / k)
    claims = _common_claims(k, sp.Integer(1), c4, drift,
                            r"the drift of $\log\sigma_n^2$ is negative, so by the strong law of large numbers "
                            r"$\log\sigma_n^2 \to -\infty$ and $\sigma_n \to 0$ almost surely")
    claims += [
        Claim("h", Ex(D(n) ** 2), "=", n * sigma ** 2 / M, [
            Step("=", Ex((D(n) + S(n) * Z / sp.sqrt(M)) ** 2), "definition of the model"),
            Step("=", Ex(D(n) ** 2) + 2 * Ex(D(n) * S(n)) * Ex(Z) / sp.sqrt(M) + Ex(S(n) ** 2) * Ex(Z ** 2) / M,
                 r"expand; $Z_{n+1}$ independent of $(\delta_n, \sigma_n)$"),
            Step("=", Ex(D(n) ** 2) + sigma ** 2 / M, r"$\mathbb{E}[Z]=0$, $\mathbb{E}[Z^2]=1$, (b)"),
            Step("=", (n + 1) * sigma ** 2 / M, "induction hypothesis"),
        ], text=r"$\operatorname{Var}[\mu_n] = \mathbb{E}[\delta_n^2]$ grows linearly", induction=n),
        Claim("i", Ex(_W2), "=", sigma ** 2 * (n / M + 2 - 2 * c4 ** n), [
            Step("=", Ex(D(n) ** 2) + Ex(S(n) ** 2) - 2 * sigma * Ex(S(n)) + sigma ** 2, "linearity"),
            Step("=", n * sigma ** 2 / M + sigma ** 2 - 2 * sigma ** 2 * c4 ** n + sigma ** 2, "(h), (b), (c)"),
            Step("=", sigma ** 2 * (n / M + 2 - 2 * c4 ** n), "algebra"),
        ], text=r"exact expected squared Wasserstein-2 distance to generation 0"),
        Claim("j", sigma ** 2 * (n / M + 2 - 2 * c4 ** n), ">=", sigma ** 2 * n / M, [
            Step(">=", sigma ** 2 * n / M, r"$0 < c_4(M)^n \le 1$ by (d) and $n \ge 0$",
                 bounds=[Bound(c4 ** n, "(0,1]", "(d)")]),
        ], text="a lower bound linear in n"),
        Claim("k", sp.Limit(sigma ** 2 * n / M, n, sp.oo), "=", sp.oo, [
            Step("=", sp.oo, "sympy.limit"),
        ], text=r"hence by (i), (j) $\mathbb{E}[W_2^2] \to \infty$"),
    ]
    return Theorem(
        name="gaussian_unbiased",
        title="Gaussian model collapse (unbiased variance estimator)",
        statement=(r"Refitting $N(\mu_n, \sigma_n^2)$ by the sample mean and the unbiased sample variance of "
                   r"$M \ge 2$ samples: $\sigma_n^2$ is a martingale with $\mathbb{E}[\sigma_n^2] = \sigma^2$; "
                   r"$\mathbb{E}[\sigma_n] = \sigma\,c_4(M)^n$ with $c_4(M) < 1$; "
                   r"$\mathbb{E}[\log\sigma_n^2] = \log\sigma^2 + n(\psi(k/2) + \log(2/k))$ with negative drift, "
                   r"so $\sigma_n \to 0$ almost surely; $\operatorname{Var}[\mu_n] = n\sigma^2/M$; and "
                   r"$\mathbb{E}[W_2^2] = \sigma^2(n/M + 2 - 2c_4(M)^n) \to \infty$."),
        assumptions=[ASSUME_M, ASSUME_K, ASSUME_SIGMA, ASSUME_N],
        claims=claims,
        model=_model(k, "unbiased"),
        notation=[C4_NOTATION],
        corroborated_by=["E[sigma_n^2]", "E[sigma_n]", "E[log sigma_n^2]", "Var[mu_n]", "E[W2^2]"],
        process="gaussian",
        source="Shumailov et al., Nature 631, 755-759 (2024), Gaussian collapse theorem (one dimension); "
               "Cochran's theorem and c4 as in references.md",
        remarks=[r"$\log\sigma_n^2 = \log\sigma^2 + \sum_{j=1}^{n}\log(X_j/k)$ is a random walk with iid increments "
                 r"of mean $\psi(k/2) + \log(2/k) < 0$ (parts (e), (f)); by the strong law of large numbers "
                 r"$\frac{1}{n}\log\sigma_n^2 \to \psi(k/2) + \log(2/k)$ almost surely, so $\sigma_n \to 0$ "
                 r"almost surely although $\mathbb{E}[\sigma_n^2] = \sigma^2$ for every $n$.",
                 r"Parts (i)-(k): the expected squared $W_2$ distance to the original distribution diverges "
                 r"linearly in $n$, driven by the random walk of the fitted mean."],
    )


def _mle():
    r = k / M
    qv = C4(M) * sp.sqrt(r)
    drift = sp.polygamma(0, k / 2) + sp.log(2 / M)
    claims = _common_claims(M, r, q, drift,
                            r"negative drift of $\log\sigma_n^2$: $\sigma_n \to 0$ almost surely")
    claims += [
        Claim("h", Ex(D(n) ** 2), "=", sigma ** 2 * (1 - r ** n), [
            Step("=", Ex((D(n) + S(n) * Z / sp.sqrt(M)) ** 2), "definition of the model"),
            Step("=", Ex(D(n) ** 2) + 2 * Ex(D(n) * S(n)) * Ex(Z) / sp.sqrt(M) + Ex(S(n) ** 2) * Ex(Z ** 2) / M,
                 r"expand; $Z_{n+1}$ independent of $(\delta_n, \sigma_n)$"),
            Step("=", Ex(D(n) ** 2) + sigma ** 2 * r ** n / M, r"$\mathbb{E}[Z]=0$, $\mathbb{E}[Z^2]=1$, (b)"),
            Step("=", sigma ** 2 * (1 - r ** (n + 1)), "induction hypothesis; $1 - 1/M = k/M$"),
        ], text=r"$\operatorname{Var}[\mu_n] = \mathbb{E}[\delta_n^2]$ stays bounded", induction=n),
        Claim("i", Ex(_W2), "=", sigma ** 2 * (2 - 2 * q ** n), [
            Step("=", Ex(D(n) ** 2) + Ex(S(n) ** 2) - 2 * sigma * Ex(S(n)) + sigma ** 2, "linearity"),
            Step("=", sigma ** 2 * (1 - r ** n) + sigma ** 2 * r ** n - 2 * sigma ** 2 * q ** n + sigma ** 2,
                 "(h), (b), (c)"),
            Step("=", sigma ** 2 * (2 - 2 * q ** n), "algebra"),
        ], text=r"exact expected squared Wasserstein-2 distance to generation 0"),
        Claim("j", sp.Limit(sigma ** 2 * (2 - 2 * q ** n), n, sp.oo), "=", 2 * sigma ** 2, [
            Step("=", 2 * sigma ** 2, r"$0 < q < 1$ by (d); sympy.limit",
                 bounds=[Bound(q, "(0,1)", "(d)")]),
        ], text=r"$\mathbb{E}[W_2^2] \to 2\sigma^2$: finite, the distance to $N(\mu, \sigma^2)$ of a point mass "
                r"at a random location with variance $\sigma^2$"),
    ]
    return Theorem(
        name="gaussian_mle",
        title="Gaussian model collapse (maximum-likelihood variance estimator)",
        statement=(r"Refitting by the sample mean and the maximum-likelihood variance $S/M$: "
                   r"$\mathbb{E}[\sigma_n^2] = \sigma^2((M-1)/M)^n$; "
                   r"$\mathbb{E}[\sigma_n] = \sigma q^n$ with $q = c_4(M)\sqrt{(M-1)/M} < 1$; "
                   r"$\mathbb{E}[\log\sigma_n^2] = \log\sigma^2 + n(\psi(k/2) + \log(2/M))$; "
                   r"$\operatorname{Var}[\mu_n] = \sigma^2(1 - ((M-1)/M)^n)$; "
                   r"$\mathbb{E}[W_2^2] = 2\sigma^2(1 - q^n) \to 2\sigma^2$."),
        assumptions=[ASSUME_M, ASSUME_K, ASSUME_SIGMA, ASSUME_N],
        claims=claims,
        model=_model(M, "maximum-likelihood"),
        notation=[Notation(q, lambda: qv, r"$q = c_4(M)\sqrt{(M-1)/M}$"), C4_NOTATION],
        corroborated_by=["E[sigma_n^2]", "E[sigma_n]", "E[log sigma_n^2]", "Var[mu_n]", "E[W2^2]"],
        process="gaussian",
        source="Shumailov et al., Nature 631, 755-759 (2024) (variant with the MLE variance); references.md",
        remarks=[r"The variance collapses geometrically in expectation and $\sigma_n \to 0$ almost surely; "
                 r"the fitted mean performs a random walk whose total variance $\sigma^2\sum_n ((M-1)/M)^n/M "
                 r"= \sigma^2$ is finite, so $\mathbb{E}[W_2^2]$ converges to $2\sigma^2$."],
    )


#: Sample-size schedule: M_j samples are used to fit generation j + 1.
MS = sequence("M", "M", positive=True, deterministic=True)
KS = sequence("k", "k", positive=True, deterministic=True)
XS = ChiSquared("X_{n+1}", KS(n))


def _encode_schedule(e):
    return e.replace(lambda a: isinstance(a, MS), lambda a: KS(a.args[0]) + 1)


def _schedule():
    Sn = sp.Sum(1 / MS(j), (j, 0, n - 1))
    Pn = sp.Product(C4(MS(j)), (j, 0, n - 1))
    model = Model(
        index=n,
        transition={S(n + 1): S(n) * sp.sqrt(XS / KS(n)), D(n + 1): D(n) + S(n) * Z / sp.sqrt(MS(n))},
        initial={S(0): sigma, D(0): sp.Integer(0)},
        given=F,
        text=[r"As in the unbiased theorem, but generation $n+1$ is fitted to $M_n \ge 2$ samples: "
              r"$\sigma_{n+1} = \sigma_n\sqrt{X_{n+1}/k_n}$ with $X_{n+1} \sim \chi^2_{k_n}$, $k_n = M_n - 1$, "
              r"and $\delta_{n+1} = \delta_n + \sigma_n Z_{n+1}/\sqrt{M_n}$.",
              r"$W_2^2(N(\mu_n,\sigma_n^2), N(\mu,\sigma^2)) = \delta_n^2 + (\sigma_n - \sigma)^2$."],
    )
    i2 = sp.Symbol("i", integer=True, positive=True)
    claims = [
        Claim("a", Ex(S(n) ** 2), "=", sigma ** 2, [
            Step("=", Ex(S(n) ** 2 * XS / KS(n)), "definition of the model (Cochran)"),
            Step("=", Ex(S(n) ** 2) * Ex(XS) / KS(n), "independence of the chi-square factor"),
            Step("=", sigma ** 2, r"induction hypothesis; $\mathbb{E}[\chi^2_{k_n}] = k_n$"),
        ], text="the variance stays a martingale", induction=n),
        Claim("b", Ex(S(n)), "=", sigma * Pn, [
            Step("=", Ex(S(n) * sp.sqrt(XS / KS(n))), "definition of the model (Cochran)"),
            Step("=", Ex(S(n)) * Ex(sp.sqrt(XS / KS(n))), "independence of the chi-square factor"),
            Step("=", sigma * Pn.subs(n, n + 1), r"induction hypothesis; $\mathbb{E}[\sqrt{\chi^2_{k_n}/k_n}] "
                                                 r"= c_4(M_n)$"),
        ], text="expected standard deviation", induction=n),
        Claim("c", Ex(D(n) ** 2), "=", sigma ** 2 * Sn, [
            Step("=", Ex((D(n) + S(n) * Z / sp.sqrt(MS(n))) ** 2), "definition of the model"),
            Step("=", Ex(D(n) ** 2) + Ex(S(n) ** 2) / MS(n), r"expand; $\mathbb{E}[Z]=0$, $\mathbb{E}[Z^2]=1$"),
            Step("=", sigma ** 2 * Sn.subs(n, n + 1), "induction hypothesis and (a)"),
        ], text=r"$\operatorname{Var}[\mu_n] = \sigma^2\sum_{j<n} 1/M_j$", induction=n),
        Claim("d", Ex(_W2), "=", sigma ** 2 * (Sn + 2 - 2 * Pn), [
            Step("=", Ex(D(n) ** 2) + Ex(S(n) ** 2) - 2 * sigma * Ex(S(n)) + sigma ** 2, "linearity"),
            Step("=", sigma ** 2 * (Sn + 2 - 2 * Pn), "(a), (b), (c)"),
        ], text="exact expected squared Wasserstein-2 distance"),
        Claim("e", sigma ** 2 * Sn, "<=", sigma ** 2 * (Sn + 2 - 2 * Pn), [
            Step("<=", sigma ** 2 * (Sn + 2 - 2 * Pn), r"$0 < \prod_{j<n} c_4(M_j) \le 1$ as $0 < c_4 < 1$ "
                                                      r"(theorem gaussian_unbiased (d))",
                 bounds=[Bound(Pn, "(0,1]", "gaussian_unbiased (d)")]),
        ], text="lower bound"),
        Claim("f", sigma ** 2 * (Sn + 2 - 2 * Pn), "<=", sigma ** 2 * (Sn + 2), [
            Step("<=", sigma ** 2 * (Sn + 2), r"$\prod_{j<n} c_4(M_j) > 0$",
                 bounds=[Bound(Pn, "(0,1]", "gaussian_unbiased (d)")]),
        ], text=r"upper bound; with (e): $\mathbb{E}[W_2^2]$ is bounded in $n$ iff $\sum_j 1/M_j < \infty$"),
        Claim("g", sp.Sum(1 / (i2 + 1), (i2, 1, sp.oo)), "=", sp.oo, [
            Step("=", sp.oo, "harmonic series diverges (sympy Sum.is_convergent)", rule=convergence(False)),
        ], text=r"linear growth $M_j = j + 2$ is not enough: $\sum_j 1/M_j = \infty$"),
        Claim("h", sp.Sum(1 / ((i2 + 1) * sp.log(i2 + 1) ** 2), (i2, 1, sp.oo)), "<", sp.oo, [
            Step("<", sp.oo, "integral test (sympy Sum.is_convergent)", rule=convergence(True)),
        ], text=r"superlinear growth $M_j \ge (j+2)\log^2(j+2)$ is enough (rounding $M_j$ up to an integer "
                r"only decreases $1/M_j$)"),
    ]
    return Theorem(
        name="gaussian_schedule",
        title="Sample-size schedules that keep the Gaussian error bounded",
        statement=(r"If generation $n+1$ is fitted to $M_n \ge 2$ samples (unbiased variance), then "
                   r"$\mathbb{E}[W_2^2] = \sigma^2\bigl(\sum_{j<n} 1/M_j + 2 - 2\prod_{j<n} c_4(M_j)\bigr)$, "
                   r"which is bounded in $n$ if and only if $\sum_j 1/M_j < \infty$: the sample size must grow "
                   r"superlinearly ($M_j \sim j\log^2 j$ suffices, $M_j \sim j$ does not)."),
        assumptions=[Assume(MS(j), r"$M_j \ge 2$ integers (encoded as $M_j = k_j + 1$, $k_j \ge 1$)",
                            _encode_schedule), ASSUME_SIGMA, ASSUME_N],
        claims=claims,
        model=model,
        notation=[C4_NOTATION],
        corroborated_by=["E[sigma_n^2] (schedule)", "E[sigma_n] (schedule)", "Var[mu_n] (schedule)",
                         "E[W2^2] (schedule)"],
        process="gaussian",
        source="Shumailov et al., Nature 631, 755-759 (2024): bounded error requires superlinear sample growth",
        remarks=[r"By (e) and (f), $\sigma^2 \sum_{j<n} 1/M_j \le \mathbb{E}[W_2^2] \le "
                 r"\sigma^2(\sum_{j<n} 1/M_j + 2)$, so $\sup_n \mathbb{E}[W_2^2] < \infty$ exactly when the "
                 r"series $\sum_j 1/M_j$ converges; (g) and (h) give the two examples."],
    )


UNBIASED = _unbiased()
MLE = _mle()
SCHEDULE = _schedule()

#: The Gaussian theorems in document order.
THEOREMS = (UNBIASED, MLE, SCHEDULE)
