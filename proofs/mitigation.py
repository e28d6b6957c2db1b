r"""Mitigations of model collapse, derived step by step and checked by sympy.

Conventions (the same as :mod:`theory.mitigation`)
--------------------------------------------------
``n`` counts refits; generation 0 is the original distribution.

*Fresh-data mixing.*  Every generation trains on :math:`M` samples:
:math:`m_r = \alpha M` fresh samples of the original :math:`N(\mu, \sigma^2)`
and :math:`m_s = M - m_r = (1-\alpha)M` samples of the current model
:math:`N(\mu_n, \sigma_n^2)` (exact split: :math:`\alpha M` is an integer).
Generation :math:`n+1` is fitted to the pooled sample by the sample mean and
the unbiased (:math:`\div(M-1)`) or maximum-likelihood (:math:`\div M`)
variance.  With :math:`\delta_n = \mu_n - \mu`, the group means are
:math:`\bar x_r = \mu + \sigma Z_r/\sqrt{m_r}` and
:math:`\bar y_s = \mu_n + \sigma_n Z_s/\sqrt{m_s}`, and (Cochran, within each
group) the within-group sums of squares are :math:`\sigma^2 X_r` and
:math:`\sigma_n^2 X_s` with :math:`X_r \sim \chi^2_{m_r-1}`,
:math:`X_s \sim \chi^2_{m_s-1}`; :math:`Z_r, Z_s, X_r, X_s` are independent of
each other and of the past :math:`\mathcal F_n`.  The pooled sum of squares
is decomposed (part (a) of :data:`MIXING_UNBIASED`, proved as an algebraic
identity) into within- and between-group parts.

*Discrete mixing (Wright-Fisher with immigration).*  The next counts are
:math:`c_k = R_k + S_k` with :math:`R_k` the number of the :math:`m_r` fresh
draws from the original :math:`p` and :math:`S_k` the number of the
:math:`m_s` draws from the current model :math:`x` that fall into category
:math:`k`.

*Accumulation* (Gerstgrasser et al. 2024).  Batch :math:`D_j` holds :math:`M`
samples of model :math:`j`; model :math:`n \ge 1` is fitted to
:math:`D_0 \cup \dots \cup D_{n-1}`, so :math:`\mu_n = \frac1n\sum_{j<n}\bar x_j`.

Theorems
--------
:data:`MIXING_UNBIASED`  Gaussian, fresh fraction :math:`\alpha`, unbiased variance: conditional moments,
                         affine recursion, stationary values, stability threshold
                         :math:`\alpha_c = 1 - \sqrt{1-1/M}`
:data:`MIXING_MLE`       the same with the maximum-likelihood variance: stable for every
                         :math:`\alpha > 0`, and :math:`E\delta_n^2 + E\sigma_n^2 = \sigma^2`
:data:`MIXING_DISCRETE`  heterozygosity recursion and stationary diversity; no absorbing state
:data:`ACCUMULATION`     :math:`E\delta_n^2 \le \pi^2\sigma^2/(6M)` uniformly in :math:`n`
:data:`ACCUMULATE_SUBSAMPLE`         the pool recursion of accumulate-subsample; the MLE keeps
                                     :math:`E\sigma_t^2 + E\delta_t^2 = \sigma^2` in all three workflows
:data:`ACCUMULATE_SUBSAMPLE_LIMITS`  gamma closed forms; the MLE plateau; unbiased growth like :math:`t^{1/n}`
:data:`WEIGHTED_FRESH_DATA`  exact errors of the weighted loop, the threshold :math:`w_c`, the golden-ratio weight
:data:`SAMPLING_BIAS`        sampling from :math:`N(\mu_n, \lambda\sigma_n^2)`: the spread collapses, the mean freezes
:data:`KDE_CHAIN`            kernel density chains: :math:`E s_t^2 + E(m_t-\mu)^2 = \sigma^2 + t\kappa`

References
----------
Shumailov et al., Nature 631, 755-759 (2024) (collapse; keeping original data
slows it); Bertrand et al. (2024, ICLR), "On the Stability of Iterative
Retraining of Generative Models on their own Data" (stability with enough real
data); Gerstgrasser et al. (2024), "Is Model Collapse Inevitable? Breaking the
Curse of Recursion by Accumulating Real and Synthetic Data"; Kazdan et al. (2024),
"Collapse or Thrive?" (accumulate-subsample, KDEs); He, Xu, Cheng (2025), "Golden
Ratio Weighting Prevents Model Collapse"; Alemohammad et al. (2024, ICLR)
(sampling bias); Fu et al. (2024, ICML) (kernel density chains).
"""

from __future__ import annotations

import sympy as sp
from sympy.stats import Bernoulli, Binomial, ChiSquared, Normal

from .core import (PROVED, FAILED, Assume, Bound, Claim, Ex, Model, Notation, Result, Step, Theorem, by_claims,
                   check_relation, instance_of, sequence)
from .core import _peel

n = sp.Symbol("n", integer=True, nonnegative=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
M = sp.Symbol("M", integer=True, positive=True)
alpha = sp.Symbol("alpha", positive=True)
sigma = sp.Symbol("sigma", positive=True)
_m = sp.Symbol("m", integer=True, nonnegative=True)
_u = sp.Symbol("u", positive=True)

#: fresh and synthetic sample counts (notation: m_r = alpha M, m_s = (1 - alpha) M)
m_r = sp.Symbol("m_r", positive=True)
m_s = sp.Symbol("m_s", positive=True)

S = sequence("sigma", r"\sigma", positive=True)
D = sequence("delta", r"\delta")
SS = sequence("SS", r"\mathrm{SS}", positive=True)
F = sp.Symbol(r"\mathcal{F}_{n}")

Z_r = Normal("Z_r", 0, 1)
Z_s = Normal("Z_s", 0, 1)
X_r = ChiSquared("X_r", m_r - 1)
X_s = ChiSquared("X_s", m_s - 1)

#: the stability threshold, the stationary values, trace and determinant of A (notation)
alpha_c = sp.Symbol(r"\alpha_c", positive=True)
beta_c = sp.Symbol(r"\beta_c", positive=True)
D_inf = sp.Symbol(r"\mathbb{E}[\delta_\infty^2]", positive=True)
V_inf = sp.Symbol(r"\mathbb{E}[\sigma_\infty^2]", positive=True)
tau = sp.Symbol(r"\tau", real=True)
Delta = sp.Symbol(r"\Delta", real=True)
lam_plus = sp.Symbol(r"\lambda_+", real=True)

ASSUME_M = Assume(M, r"$M$ is an integer, $M \ge 2$ (encoded for sympy as $M = m + 2$, $m \ge 0$ an integer)",
                  _m + 2)
ASSUME_ALPHA = Assume(alpha, r"$0 < \alpha < 1$ with $m_r = \alpha M$ an integer, so $m_r, m_s \ge 1$ "
                             r"(encoded for sympy as $\alpha = 1/(1+u)$, $u > 0$)", 1 / (1 + _u))
ASSUME_SIGMA = Assume(sigma, r"$\sigma > 0$")
ASSUME_N = Assume(n, r"$n \ge 0$ is an integer (the generation)")

SOURCE_MIX = ("Shumailov et al., Nature 631, 755-759 (2024) (keeping a share of the original data slows collapse); "
              "Bertrand et al. (2024, ICLR), On the Stability of Iterative Retraining of Generative Models on their "
              "own Data (stability with a large enough fraction of real data); exact recursion as in "
              "theory.mitigation")


def _tower(lhs, rhs):
    return len(lhs.args) == 1 and rhs == Ex(Ex(lhs.args[0], F))


TOWER = instance_of("tower property E[Y] = E[E[Y | F_n]]", _tower)


# --------------------------------------------------------------------------
# Gaussian mixing
# --------------------------------------------------------------------------

#: pooled-sample identity for two groups of sizes m_1, m_2: samples x_1..x_{m_1} and y_1..y_{m_2}
m_1 = sp.Symbol("m_1", integer=True, positive=True)
m_2 = sp.Symbol("m_2", integer=True, positive=True)
_i = sp.Symbol("i", integer=True, positive=True)
_l = sp.Symbol("l", integer=True, positive=True)
_x = sp.IndexedBase("x")
_y = sp.IndexedBase("y")
xbar_r = sp.Symbol(r"\bar{x}_1")
ybar_s = sp.Symbol(r"\bar{y}_2")
xbar = sp.Symbol(r"\bar{z}")
_SS_r = sp.Sum((_x[_i] - xbar_r) ** 2, (_i, 1, m_1))
_SS_s = sp.Sum((_y[_l] - ybar_s) ** 2, (_l, 1, m_2))

_POOL_NOTATION = [
    Notation(xbar, lambda: (m_1 * xbar_r + m_2 * ybar_s) / (m_1 + m_2),
             r"$\bar z = (m_1\bar x_1 + m_2\bar y_2)/(m_1 + m_2)$, the pooled mean of two groups"),
    Notation(xbar_r, lambda: sp.Sum(_x[_i], (_i, 1, m_1)) / m_1,
             r"$\bar x_1 = \frac{1}{m_1}\sum_{i=1}^{m_1} x_i$ (group 1: $x_1, \dots, x_{m_1}$)"),
    Notation(ybar_s, lambda: sp.Sum(_y[_l], (_l, 1, m_2)) / m_2,
             r"$\bar y_2 = \frac{1}{m_2}\sum_{l=1}^{m_2} y_l$ (group 2: $y_1, \dots, y_{m_2}$)"),
]
_COUNT_NOTATION = [
    Notation(m_r, lambda: alpha * M, r"$m_r = \alpha M$ fresh samples"),
    Notation(m_s, lambda: (1 - alpha) * M, r"$m_s = (1-\alpha)M$ synthetic samples"),
]

_b = 1 - alpha
_NEW_DELTA = (m_r / M) * sigma * Z_r / sp.sqrt(m_r) + (m_s / M) * (D(n) + S(n) * Z_s / sp.sqrt(m_s))
_BETWEEN = sigma * Z_r / sp.sqrt(m_r) - D(n) - S(n) * Z_s / sp.sqrt(m_s)
_NEW_SS = sigma ** 2 * X_r + S(n) ** 2 * X_s + (m_r * m_s / M) * _BETWEEN ** 2


def _matrix(div):
    """A and c of x_{n+1} = A x_n + c, x_n = (E delta_n^2, E sigma_n^2); div = M - 1 or M."""
    A = sp.Matrix([[_b ** 2, _b / M], [alpha * _b * M / div, (M - 1) * _b / div]])
    c = sp.Matrix([alpha * sigma ** 2 / M, (M - 1) * alpha * sigma ** 2 / div])
    return A, c


def _mixing(estimator):
    unbiased = estimator == "unbiased"
    div = M - 1 if unbiased else M
    A, c = _matrix(div)
    cond_d2 = _b ** 2 * D(n) ** 2 + _b * S(n) ** 2 / M + alpha * sigma ** 2 / M
    cond_ss = (M - 1) * (alpha * sigma ** 2 + _b * S(n) ** 2) + alpha * _b * M * D(n) ** 2
    if unbiased:
        d_inf = sigma ** 2 * (M - 1) / (M * ((M - 1) - M * _b ** 2))
        v_inf = sigma ** 2 + _b * M / (M - 1) * D_inf
        d_text = r"$\mathbb{E}[\delta_\infty^2] = \sigma^2(M-1)/(M[(M-1) - M(1-\alpha)^2])$"
        v_text = r"$\mathbb{E}[\sigma_\infty^2] = \sigma^2 + (1-\alpha)M\,\mathbb{E}[\delta_\infty^2]/(M-1)$"
        p1 = alpha * M * (alpha - alpha_c) * (2 - alpha - alpha_c) / (M - 1)
    else:
        d_inf = sigma ** 2 / (1 - alpha + M * alpha * (2 - alpha))
        v_inf = sigma ** 2 - D_inf
        d_text = r"$\mathbb{E}[\delta_\infty^2] = \sigma^2/(1 - \alpha + M\alpha(2-\alpha))$"
        v_text = r"$\mathbb{E}[\sigma_\infty^2] = \sigma^2 - \mathbb{E}[\delta_\infty^2]$"
        p1 = alpha * (M + _b - M * _b ** 2) / M
    sq = sp.sqrt(tau ** 2 - 4 * Delta)
    T_g = sp.Symbol("T", real=True)
    De_g = sp.Symbol("Q", real=True)
    claims = [
        Claim("a", sp.Sum((_x[_i] - xbar) ** 2, (_i, 1, m_1)) + sp.Sum((_y[_l] - xbar) ** 2, (_l, 1, m_2)), "=",
              _SS_r + _SS_s + (m_1 * m_2 / (m_1 + m_2)) * (xbar_r - ybar_s) ** 2, [
                  Step("=", _SS_r + m_1 * (xbar_r - xbar) ** 2 + _SS_s + m_2 * (ybar_s - xbar) ** 2,
                       r"within each group $\sum_i (x_i - c)^2 = \sum_i (x_i - \bar x_1)^2 + m_1(\bar x_1 - c)^2$ "
                       r"(the deviations from the group mean sum to 0)"),
                  Step("=", _SS_r + _SS_s + (m_1 * m_2 / (m_1 + m_2)) * (xbar_r - ybar_s) ** 2,
                       r"$\bar z = (m_1\bar x_1 + m_2\bar y_2)/(m_1 + m_2)$; algebra"),
              ], text=r"pooled sum of squares of two groups (any sizes $m_1, m_2 \ge 1$) = within-group parts + "
                      r"between-group part, an identity in the samples; applied with $m_1 = m_r$, $m_2 = m_s$, "
                      r"$m_1 + m_2 = M$"),
        Claim("b", Ex(D(n + 1) ** 2, F), "=", cond_d2, [
            Step("=", Ex(_NEW_DELTA ** 2, F), r"definition of the model: $\delta_{n+1} = (m_r(\bar x_r - \mu) + "
                                              r"m_s(\bar y_s - \mu))/M$"),
            Step("=", m_r * sigma ** 2 / M ** 2 * Ex(Z_r ** 2, F) + m_s ** 2 * D(n) ** 2 / M ** 2
                 + m_s * S(n) ** 2 / M ** 2 * Ex(Z_s ** 2, F),
                 r"expand; $\delta_n, \sigma_n$ are $\mathcal F_n$-measurable, $Z_r, Z_s$ independent of "
                 r"$\mathcal F_n$ and of each other with mean 0 (sympy.stats)"),
            Step("=", cond_d2, r"$\mathbb{E}[Z^2] = 1$; $m_r = \alpha M$, $m_s = (1-\alpha)M$"),
        ], text="conditional mean squared error of the next fitted mean"),
        Claim("c", Ex(SS(n + 1), F), "=", cond_ss, [
            Step("=", Ex(_NEW_SS, F), r"(a); Cochran within each group: $\sum_i(x_i-\bar x_r)^2 = \sigma^2 X_r$, "
                                      r"$\sum_l (y_l - \bar y_s)^2 = \sigma_n^2 X_s$; "
                                      r"$\bar x_r - \bar y_s = \sigma Z_r/\sqrt{m_r} - \delta_n - "
                                      r"\sigma_n Z_s/\sqrt{m_s}$"),
            Step("=", sigma ** 2 * Ex(X_r, F) + S(n) ** 2 * Ex(X_s, F)
                 + (m_r * m_s / M) * (sigma ** 2 / m_r + D(n) ** 2 + S(n) ** 2 / m_s),
                 r"expand; independence; $\mathbb{E}[Z] = 0$, $\mathbb{E}[Z^2] = 1$ (sympy.stats)"),
            Step("=", sigma ** 2 * (m_r - 1) + S(n) ** 2 * (m_s - 1)
                 + (m_r * m_s / M) * (sigma ** 2 / m_r + D(n) ** 2 + S(n) ** 2 / m_s),
                 r"$\mathbb{E}[\chi^2_k] = k$ (sympy.stats)"),
            Step("=", cond_ss, r"$m_r = \alpha M$, $m_s = (1-\alpha)M$; algebra"),
        ], text=r"conditional mean of the pooled sum of squares: the between-group term feeds "
                r"$\delta_n^2$ back into the variance"),
        Claim("d", Ex(S(n + 1) ** 2, F), "=", cond_ss / div, [
            Step("=", Ex(SS(n + 1), F) / div, r"definition: $\sigma_{n+1}^2 = \mathrm{SS}_{n+1}/%s$" % ("(M-1)" if unbiased else "M")),
            Step("=", cond_ss / div, "(c)"),
        ], text="conditional mean of the next variance"),
        Claim("e", Ex(D(n + 1) ** 2), "=", A[0, 0] * Ex(D(n) ** 2) + A[0, 1] * Ex(S(n) ** 2) + c[0], [
            Step("=", Ex(Ex(D(n + 1) ** 2, F)), "tower property", rule=TOWER),
            Step("=", A[0, 0] * Ex(D(n) ** 2) + A[0, 1] * Ex(S(n) ** 2) + c[0], "(b) and linearity"),
        ], text=r"first row of the affine recursion $x_{n+1} = A x_n + c$, "
                r"$x_n = (\mathbb{E}[\delta_n^2], \mathbb{E}[\sigma_n^2])$"),
        Claim("f", Ex(S(n + 1) ** 2), "=", A[1, 0] * Ex(D(n) ** 2) + A[1, 1] * Ex(S(n) ** 2) + c[1], [
            Step("=", Ex(Ex(S(n + 1) ** 2, F)), "tower property", rule=TOWER),
            Step("=", A[1, 0] * Ex(D(n) ** 2) + A[1, 1] * Ex(S(n) ** 2) + c[1], "(d) and linearity"),
        ], text="second row of the affine recursion"),
        Claim("g", A[0, 0] * D_inf + A[0, 1] * V_inf + c[0], "=", D_inf, [
            Step("=", D_inf, "substitute the closed forms; sympy simplifies"),
        ], text=r"the stationary mean error is a fixed point of the first row"),
        Claim("h", A[1, 0] * D_inf + A[1, 1] * V_inf + c[1], "=", V_inf, [
            Step("=", V_inf, "substitute the closed forms; sympy simplifies"),
        ], text=r"the stationary variance is a fixed point of the second row"),
        Claim("i", Ex(D(n + 1) ** 2) - D_inf, "=",
              A[0, 0] * (Ex(D(n) ** 2) - D_inf) + A[0, 1] * (Ex(S(n) ** 2) - V_inf), [
                  Step("=", A[0, 0] * (Ex(D(n) ** 2) - D_inf) + A[0, 1] * (Ex(S(n) ** 2) - V_inf), "(e), (g)"),
              ], text=r"the deviation from the stationary point evolves by $A$ (first row)"),
        Claim("j", Ex(S(n + 1) ** 2) - V_inf, "=",
              A[1, 0] * (Ex(D(n) ** 2) - D_inf) + A[1, 1] * (Ex(S(n) ** 2) - V_inf), [
                  Step("=", A[1, 0] * (Ex(D(n) ** 2) - D_inf) + A[1, 1] * (Ex(S(n) ** 2) - V_inf), "(f), (h)"),
              ], text=r"second row: $x_n - x_\infty = A^n(x_0 - x_\infty)$"),
        Claim("k", (1 - A[0, 0]) * (1 - A[1, 1]) - A[0, 1] * A[1, 0], "=", p1, [
            Step("=", p1, "algebra" + (r"; $\alpha_c = 1 - \sqrt{1 - 1/M}$" if unbiased else "")),
        ], text=r"$\det(I - A)$, the characteristic polynomial of $A$ at 1"),
        Claim("l", 1 - (T_g + sp.sqrt(T_g ** 2 - 4 * De_g)) / 2, "=",
              2 * (1 - T_g + De_g) / (2 - T_g + sp.sqrt(T_g ** 2 - 4 * De_g)), [
                  Step("=", 2 * (1 - T_g + De_g) / (2 - T_g + sp.sqrt(T_g ** 2 - 4 * De_g)),
                       r"rationalise: $(2 - T)^2 - (T^2 - 4Q) = 4(1 - T + Q)$"),
              ], text=r"for real $T < 2$, $Q$ with $T^2 \ge 4Q$: the larger root of $\lambda^2 - T\lambda + Q$ "
                      r"is below 1 iff $1 - T + Q > 0$"),
        Claim("m", tau ** 2 - 4 * Delta, ">=", 0, [
            Step("=", (A[0, 0] - A[1, 1]) ** 2 + 4 * A[0, 1] * A[1, 0], r"$\tau = \operatorname{tr}A$, "
                                                                         r"$\Delta = \det A$; algebra"),
            Step(">=", 0, r"square plus a product of non-negative entries"),
        ], text=r"the eigenvalues $\lambda_\pm = (\tau \pm \sqrt{\tau^2 - 4\Delta})/2$ of $A$ are real; "
                r"$\lambda_+ \ge |\lambda_-|$ as $\tau \ge 0$, so $\lambda_+$ is the spectral radius"),
        Claim("n", 2 - tau, ">", 0, [
            Step("=", 2 - A[0, 0] - A[1, 1], r"$\tau = \operatorname{tr}A$"),
            Step(">", 0, r"$0 < \alpha < 1$"),
        ], text=r"hypothesis $T < 2$ of (l)"),
    ]
    if unbiased:
        claims += [
            Claim("o", (1 - lam_plus) / (alpha - alpha_c), "=",
                  2 * alpha * M * (2 - alpha - alpha_c) / ((M - 1) * (2 - tau + sq)), [
                      Step("=", 2 * ((1 - A[0, 0]) * (1 - A[1, 1]) - A[0, 1] * A[1, 0])
                           / ((alpha - alpha_c) * (2 - tau + sq)),
                           r"(l) with $T = \tau$, $Q = \Delta$, $1 - \tau + \Delta = \det(I-A)$; hypotheses (m), (n)",
                           rule=by_claims("identity (l)", "l", "m", "n")),
                      Step("=", 2 * alpha * M * (2 - alpha - alpha_c) / ((M - 1) * (2 - tau + sq)), "(k)"),
                  ], text=r"for $\alpha \ne \alpha_c$"),
            Claim("p", 2 * alpha * M * (2 - alpha - alpha_c) / ((M - 1) * (2 - tau + sq)), ">", 0, [
                Step(">", 0, r"$0 < \alpha < 1$, $0 < \alpha_c < 1$, $M \ge 2$ (sympy)"),
            ], text=r"so $1 - \lambda_+$ has the sign of $\alpha - \alpha_c$: the spectral radius is $< 1$ iff "
                    r"$\alpha > \alpha_c = 1 - \sqrt{1-1/M}$, and $= 1$ at $\alpha_c$ (by (l), (k))"),
            Claim("q0", beta_c, "<", 1, [
                Step("=", sp.sqrt(1 - 1 / M), r"definition of $\beta_c$"),
                Step("<", 1, r"$M \ge 2$ (sympy)"),
            ], text=r"$0 < \beta_c < 1$"),
            Claim("q", alpha_c, "<", 1 / M, [
                Step("=", 1 - beta_c, r"definition of $\alpha_c$"),
                Step("<", 1 - beta_c ** 2, r"$0 < \beta_c < 1$, so $\beta_c^2 < \beta_c$",
                     bounds=[Bound(beta_c, "(0,1)", "(q0)")]),
                Step("=", 1 / M, r"definition of $\beta_c$"),
            ], text=r"the threshold is below $1/M$: one fresh sample per generation ($m_r \ge 1$) already "
                    r"stabilises the second moments"),
            Claim("r", sp.Limit(Ex(D(n) ** 2), n, sp.oo), "=", D_inf, [
                Step("=", D_inf, r"$x_n - x_\infty = A^n(x_0 - x_\infty) \to 0$ when the spectral radius of $A$ "
                                 r"is below 1",
                     rule=by_claims("linear recursion with spectral radius < 1 converges to its fixed point",
                                    "i", "j", "m", "o", "p", "q0", "q")),
            ], text=r"for every $\alpha \ge 1/M > \alpha_c$ the moments converge to the stationary values (the "
                    r"same argument gives $\mathbb{E}[\sigma_n^2] \to \mathbb{E}[\sigma_\infty^2]$)"),
        ]
    else:
        claims += [
            Claim("o", 1 - lam_plus, "=", 2 * alpha * (M + _b - M * _b ** 2) / (M * (2 - tau + sq)), [
                Step("=", 2 * ((1 - A[0, 0]) * (1 - A[1, 1]) - A[0, 1] * A[1, 0]) / (2 - tau + sq),
                     r"(l) with $T = \tau$, $Q = \Delta$; hypotheses (m), (n)",
                     rule=by_claims("identity (l)", "l", "m", "n")),
                Step("=", 2 * alpha * (M + _b - M * _b ** 2) / (M * (2 - tau + sq)), "(k)"),
            ], text=r"distance of the spectral radius from 1"),
            Claim("p", 2 * alpha * (M + _b - M * _b ** 2) / (M * (2 - tau + sq)), ">", 0, [
                Step(">", 0, r"$0 < \alpha < 1$, $M \ge 2$ (sympy)"),
            ], text=r"the spectral radius is below 1 for every $\alpha > 0$: no threshold for the MLE"),
            Claim("q", Ex(D(n + 1) ** 2) + Ex(S(n + 1) ** 2) - sigma ** 2, "=",
                  _b * (Ex(D(n) ** 2) + Ex(S(n) ** 2) - sigma ** 2), [
                      Step("=", _b * (Ex(D(n) ** 2) + Ex(S(n) ** 2) - sigma ** 2), "(e), (f); algebra"),
                  ], text=r"$u_n = \mathbb{E}[\delta_n^2] + \mathbb{E}[\sigma_n^2] - \sigma^2$ satisfies "
                          r"$u_{n+1} = (1-\alpha)u_n$"),
            Claim("r", Ex(D(0) ** 2) + Ex(S(0) ** 2) - sigma ** 2, "=", 0, [
                Step("=", 0, r"$\delta_0 = 0$, $\sigma_0 = \sigma$"),
            ], text=r"$u_0 = 0$"),
            Claim("s", Ex(D(n) ** 2) + Ex(S(n) ** 2), "=", sigma ** 2, [
                Step("=", sigma ** 2, r"induction on $n$: $u_{n+1} = (1-\alpha)u_n$ and $u_0 = 0$ give $u_n = 0$",
                     rule=by_claims("induction on n", "q", "r")),
            ], text=r"conservation: $\mathbb{E}[\delta_n^2] + \mathbb{E}[\sigma_n^2] = \sigma^2$ for every $n$ "
                    r"(in particular at the stationary point, (h))"),
            Claim("t", sp.Limit(Ex(D(n) ** 2), n, sp.oo), "=", D_inf, [
                Step("=", D_inf, r"$x_n - x_\infty = A^n(x_0 - x_\infty) \to 0$ when the spectral radius of $A$ "
                                 r"is below 1",
                     rule=by_claims("linear recursion with spectral radius < 1 converges to its fixed point",
                                    "i", "j", "m", "o", "p")),
            ], text=r"convergence to the stationary values for every $\alpha > 0$"),
        ]
    A_text = sp.latex(A)
    notation = _POOL_NOTATION + [
        Notation(D_inf, lambda: d_inf, d_text),
        Notation(V_inf, lambda: v_inf.xreplace({D_inf: d_inf}), v_text),
        Notation(lam_plus, lambda: (tau + sp.sqrt(tau ** 2 - 4 * Delta)) / 2,
                 r"$\lambda_+ = (\tau + \sqrt{\tau^2 - 4\Delta})/2$, the larger eigenvalue of $A$"),
        Notation(tau, lambda: A.trace(), r"$\tau = \operatorname{tr} A$"),
        Notation(Delta, lambda: A.det(), r"$\Delta = \det A$"),
    ] + ([Notation(alpha_c, lambda: 1 - beta_c, r"$\alpha_c = 1 - \beta_c$"),
          Notation(beta_c, lambda: sp.sqrt(1 - 1 / M), r"$\beta_c = \sqrt{1 - 1/M}$")]
         if unbiased else []) + _COUNT_NOTATION
    est = "unbiased" if unbiased else "maximum-likelihood"
    div_tex = "(M-1)" if unbiased else "M"
    model = Model(
        index=n,
        transition={D(n + 1): _NEW_DELTA, SS(n + 1): _NEW_SS, S(n + 1): sp.sqrt(_NEW_SS / div)},
        initial={S(0): sigma, D(0): sp.Integer(0)},
        given=F,
        text=[r"Generation $0$ is $N(\mu, \sigma^2)$.  Generation $n+1$ is fitted to $m_r = \alpha M$ fresh samples "
              r"$x_i$ of $N(\mu,\sigma^2)$ and $m_s = (1-\alpha)M$ samples $y_l$ of $N(\mu_n, \sigma_n^2)$ by the "
              r"pooled sample mean and the %s variance $\sigma_{n+1}^2 = \mathrm{SS}_{n+1}/%s$ "
              r"($\mathrm{SS}$ the pooled sum of squares)." % (est, div_tex),
              r"$\delta_n = \mu_n - \mu$; $\bar x_r = \mu + \sigma Z_r/\sqrt{m_r}$, "
              r"$\bar y_s = \mu_n + \sigma_n Z_s/\sqrt{m_s}$; within-group sums of squares $\sigma^2 X_r$, "
              r"$\sigma_n^2 X_s$ with $X_r \sim \chi^2_{m_r - 1}$, $X_s \sim \chi^2_{m_s-1}$ (Cochran; "
              r"$\chi^2_0 = 0$); $Z_r, Z_s \sim N(0,1)$, $X_r$, $X_s$ independent of each other and of the past "
              r"$\mathcal F_n$.",
              r"Hence $\delta_{n+1} = (m_r/M)\sigma Z_r/\sqrt{m_r} + (m_s/M)(\delta_n + \sigma_n Z_s/\sqrt{m_s})$ "
              r"and, by (a), $\mathrm{SS}_{n+1} = \sigma^2 X_r + \sigma_n^2 X_s + (m_r m_s/M)(\sigma Z_r/\sqrt{m_r}"
              r" - \delta_n - \sigma_n Z_s/\sqrt{m_s})^2$; $\sigma_0 = \sigma$, $\delta_0 = 0$.",
              r"$x_n = (\mathbb{E}[\delta_n^2], \mathbb{E}[\sigma_n^2])$ satisfies $x_{n+1} = A x_n + c$ with "
              r"$A = %s$." % A_text],
    )
    if unbiased:
        statement = (r"Mixing a fraction $\alpha$ of fresh data into each generation of $M$ samples (unbiased "
                     r"variance): $\mathbb{E}[\delta_{n+1}^2 \mid \mathcal F_n] = (1-\alpha)^2\delta_n^2 + "
                     r"(1-\alpha)\sigma_n^2/M + \alpha\sigma^2/M$ and $\mathbb{E}[\mathrm{SS}_{n+1} \mid \mathcal F_n]"
                     r" = (M-1)(\alpha\sigma^2 + (1-\alpha)\sigma_n^2) + \alpha(1-\alpha)M\delta_n^2$; the second "
                     r"moments follow an affine recursion whose spectral radius is below 1 iff "
                     r"$\alpha > \alpha_c = 1 - \sqrt{1 - 1/M}$ ($< 1/M$), and then converge to "
                     r"$\mathbb{E}[\delta_\infty^2] = \sigma^2(M-1)/(M[(M-1) - M(1-\alpha)^2])$, "
                     r"$\mathbb{E}[\sigma_\infty^2] = \sigma^2 + (1-\alpha)M\,\mathbb{E}[\delta_\infty^2]/(M-1)$.")
        corroborated = ["E[(mu_n-mu)^2] (mix)", "E[sigma_n^2] (mix)", "E[(mu_inf-mu)^2] stationary (mix)",
                        "E[sigma_inf^2] stationary (mix)", "spectral radius at alpha_c (mix)"]
    else:
        statement = (r"Mixing a fraction $\alpha$ of fresh data (maximum-likelihood variance): the same conditional "
                     r"moments with the divisor $M$; the recursion is stable for every $\alpha > 0$, "
                     r"$\mathbb{E}[\delta_n^2] + \mathbb{E}[\sigma_n^2] = \sigma^2$ for every $n$, and "
                     r"$\mathbb{E}[\delta_\infty^2] = \sigma^2/(1 - \alpha + M\alpha(2-\alpha))$.")
        corroborated = ["E[(mu_n-mu)^2] (mix)", "E[sigma_n^2] (mix)", "E[(mu_inf-mu)^2] stationary (mix)",
                        "E[sigma_inf^2] stationary (mix)", "E[(mu_n-mu)^2]+E[sigma_n^2] = sigma^2 (mix, MLE)"]
    return Theorem(
        name="mixing_" + ("unbiased" if unbiased else "mle"),
        title="Fresh-data mixing stabilises Gaussian refitting (%s variance)" % est,
        statement=statement,
        assumptions=[ASSUME_M, ASSUME_ALPHA, ASSUME_SIGMA, ASSUME_N],
        claims=claims,
        model=model,
        notation=notation,
        corroborated_by=corroborated,
        process="mitigation",
        source=SOURCE_MIX,
        remarks=[r"Parts (i), (j): $x_n - x_\infty = A^n(x_0 - x_\infty)$, so the second moments converge "
                 r"geometrically at rate $\lambda_+$ exactly when $\lambda_+ < 1$ (parts (l)-(p)).  "
                 r"For $\alpha = 0$ (no fresh data) $\det(I - A) = 0$ and the process is the collapsing one of "
                 r"theorem gaussian_" + ("unbiased" if unbiased else "mle") + "."],
    )


MIXING_UNBIASED = _mixing("unbiased")
MIXING_MLE = _mixing("mle")


# --------------------------------------------------------------------------
# Discrete mixing (Wright-Fisher with immigration)
# --------------------------------------------------------------------------

K = sp.Symbol("K", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)
t = sp.Symbol("t", real=True)
p = sp.IndexedBase("p")
x = sp.IndexedBase("x")
pk, xk = p[k], x[k]
H = sequence("H", "H")
C = sequence("C", "C")
H_p = sp.Symbol("H_p", nonnegative=True)
H_inf = sp.Symbol(r"H_\infty", nonnegative=True)
lam = sp.Symbol(r"\lambda", real=True)

#: fresh and synthetic counts of category k (m_r = alpha M, m_s = (1 - alpha) M written out)
_mr = alpha * M
_ms = (1 - alpha) * M
R_k = Binomial("R_k", _mr, pk)
S_k = Binomial("S_k", _ms, xk)
B_p = Bernoulli("B_p", pk)
B_x = Bernoulli("B_x", xk)
MGF_R = Ex(sp.exp(t * R_k), F)
MGF_S = Ex(sp.exp(t * S_k), F)

_H_next = 1 - sp.Sum(((R_k + S_k) / M) ** 2, (k, 1, K))
_C_next = sp.Sum(pk * (R_k + S_k) / M, (k, 1, K))
_sum_p2 = sp.Sum(pk ** 2, (k, 1, K))
_sum_x2 = sp.Sum(xk ** 2, (k, 1, K))
_sum_px = sp.Sum(pk * xk, (k, 1, K))


def _mgf_moment(mgf, count, order):
    def form(lhs, rhs):
        return lhs == Ex(count ** order, F) and rhs == sp.Subs(sp.Derivative(mgf, (t, order)), t, 0)
    return instance_of("the j-th moment is the j-th derivative of the moment generating function at 0", form)


def _definitions(lhs, rhs):
    """H_n = 1 - sum x_k^2, C_n = sum p_k x_k, H_p = 1 - sum p_k^2 (definitions)."""
    sub = {_sum_x2: 1 - H(n), _sum_px: C(n), _sum_p2: 1 - H_p}
    return sp.simplify(lhs.xreplace(sub) - rhs) == 0


DEFINITIONS = instance_of(r"definitions of H_n, C_n and H_p", _definitions)


def closed_unit_interval(var, bounds=()):
    """Rule: an inequality for ``var`` in the closed interval [0, 1], by the case split
    ``var = s/(1+s)`` with ``s >= 0`` (the interval [0, 1)) and ``var = 1``; each case is checked by
    :func:`proofs.core.check_relation` (with the further premises ``bounds``)."""
    def rule(lhs, rel, rhs, ctx, assumptions):
        sdum = sp.Dummy("s", nonnegative=True)
        methods = []
        for case, value in (("[0,1)", sdum / (1 + sdum)), ("{1}", sp.Integer(1))):
            res = check_relation(sp.sympify(lhs).xreplace({var: value}), rel, sp.sympify(rhs).xreplace({var: value}),
                                 ctx, assumptions, bounds)
            if res.status != PROVED:
                return Result(FAILED, f"case {var} in {case}: {res.method}")
            methods.append(f"{var} in {case}: {res.method}")
        return Result(PROVED, "case split on the closed interval [0, 1]: " + "; ".join(methods))
    return rule


def _independence(lhs, rhs):
    return lhs == Ex(R_k * S_k, F) and rhs == Ex(R_k, F) * Ex(S_k, F)


def _mixing_discrete():
    b = 1 - alpha
    lam_v = b * (b - 1 / M)
    const = H_p * (1 - b ** 2 - alpha / M)
    h_inf = H_p * alpha * (2 - alpha - 1 / M) / (alpha * (2 - alpha) + (1 - alpha) / M)
    cond_h = lam_v * H(n) + 2 * alpha * b * (1 - C(n)) + alpha * (alpha - 1 / M) * H_p
    claims = [
        Claim("a", MGF_R, "=", (1 - pk + pk * sp.exp(t)) ** _mr, [
            Step("=", Ex(sp.exp(t * B_p), F) ** _mr, r"$R_k$ counts $m_r$ independent fresh draws, each in "
                                                     r"category $k$ with probability $p_k$: the moment generating "
                                                     r"function factorises (definition of the model)"),
            Step("=", (1 - pk + pk * sp.exp(t)) ** _mr, "Bernoulli moment generating function (sympy.stats)"),
        ], text="moment generating function of the fresh count"),
        Claim("b", MGF_S, "=", (1 - xk + xk * sp.exp(t)) ** _ms, [
            Step("=", Ex(sp.exp(t * B_x), F) ** _ms, r"$S_k$ counts $m_s$ independent draws from the current model"),
            Step("=", (1 - xk + xk * sp.exp(t)) ** _ms, "Bernoulli moment generating function (sympy.stats)"),
        ], text="moment generating function of the synthetic count"),
        Claim("c", Ex(R_k, F), "=", _mr * pk, [
            Step("=", sp.Subs(sp.Derivative(MGF_R, t), t, 0), "first moment from the MGF",
                 rule=_mgf_moment(MGF_R, R_k, 1)),
            Step("=", _mr * pk, "differentiate (a) (sympy)"),
        ], text="mean of the fresh count"),
        Claim("d", Ex(R_k ** 2, F), "=", _mr * pk + _mr * (_mr - 1) * pk ** 2, [
            Step("=", sp.Subs(sp.Derivative(MGF_R, (t, 2)), t, 0), "second moment from the MGF",
                 rule=_mgf_moment(MGF_R, R_k, 2)),
            Step("=", _mr * pk + _mr * (_mr - 1) * pk ** 2, "differentiate (a) twice (sympy)"),
        ], text="second moment of the fresh count"),
        Claim("e", Ex(S_k, F), "=", _ms * xk, [
            Step("=", sp.Subs(sp.Derivative(MGF_S, t), t, 0), "first moment from the MGF",
                 rule=_mgf_moment(MGF_S, S_k, 1)),
            Step("=", _ms * xk, "differentiate (b) (sympy)"),
        ], text="mean of the synthetic count"),
        Claim("f", Ex(S_k ** 2, F), "=", _ms * xk + _ms * (_ms - 1) * xk ** 2, [
            Step("=", sp.Subs(sp.Derivative(MGF_S, (t, 2)), t, 0), "second moment from the MGF",
                 rule=_mgf_moment(MGF_S, S_k, 2)),
            Step("=", _ms * xk + _ms * (_ms - 1) * xk ** 2, "differentiate (b) twice (sympy)"),
        ], text="second moment of the synthetic count"),
        Claim("g", Ex(R_k * S_k, F), "=", _mr * _ms * pk * xk, [
            Step("=", Ex(R_k, F) * Ex(S_k, F), "fresh and synthetic draws are independent given the past",
                 rule=instance_of("independence: E[RS | F] = E[R | F] E[S | F]", _independence)),
            Step("=", _mr * _ms * pk * xk, "(c), (e)"),
        ], text="cross moment"),
        Claim("h", Ex((R_k + S_k) / M, F), "=", alpha * pk + b * xk, [
            Step("=", (Ex(R_k, F) + Ex(S_k, F)) / M, "linearity"),
            Step("=", alpha * pk + b * xk, r"(c), (e); $m_r = \alpha M$, $m_s = (1-\alpha)M$"),
        ], text=r"the next frequencies are pulled towards $p$: $\mathbb{E}[x'_k \mid \mathcal F_n] = "
                r"\alpha p_k + (1-\alpha)x_k$"),
        Claim("i", Ex(H(n + 1), F), "=", cond_h, [
            Step("=", Ex(_H_next, F), r"definition $H_{n+1} = 1 - \sum_k x_k'^2$, $x'_k = (R_k + S_k)/M$"),
            Step("=", 1 - sp.Sum(Ex(R_k ** 2, F) + 2 * Ex(R_k * S_k, F) + Ex(S_k ** 2, F), (k, 1, K)) / M ** 2,
                 "linearity over the K categories"),
            Step("=", 1 - sp.Sum(_mr * pk + _mr * (_mr - 1) * pk ** 2 + 2 * _mr * _ms * pk * xk
                                 + _ms * xk + _ms * (_ms - 1) * xk ** 2, (k, 1, K)) / M ** 2, "(d), (f), (g)"),
            Step("=", 1 - (_mr + _ms + _mr * (_mr - 1) * _sum_p2 + 2 * _mr * _ms * _sum_px
                           + _ms * (_ms - 1) * _sum_x2) / M ** 2, r"$\sum_k p_k = \sum_k x_k = 1$"),
            Step("=", cond_h, r"$H_n = 1 - \sum_k x_k^2$, $C_n = \sum_k p_k x_k$, $H_p = 1 - \sum_k p_k^2$; "
                              r"$m_r = \alpha M$, $m_s = (1-\alpha)M$", rule=DEFINITIONS),
        ], text=r"conditional expected diversity; it involves the overlap $C_n = \sum_k p_k x_{k,n}$"),
        Claim("j", Ex(C(n + 1), F), "=", alpha * (1 - H_p) + b * C(n), [
            Step("=", Ex(_C_next, F), r"definition $C_{n+1} = \sum_k p_k x'_k$"),
            Step("=", sp.Sum(pk * (Ex(R_k, F) + Ex(S_k, F)), (k, 1, K)) / M, "linearity"),
            Step("=", alpha * _sum_p2 + b * _sum_px, r"(c), (e); $m_r = \alpha M$, $m_s = (1-\alpha)M$"),
            Step("=", alpha * (1 - H_p) + b * C(n), "definitions of $C_n$ and $H_p$", rule=DEFINITIONS),
        ], text="conditional expected overlap with the original"),
        Claim("k", Ex(C(n)), "=", 1 - H_p, [
            Step("=", Ex(Ex(C(n + 1), F)), "tower property", rule=TOWER),
            Step("=", alpha * (1 - H_p) + b * Ex(C(n)), "(j) and linearity"),
            Step("=", 1 - H_p, "induction hypothesis"),
        ], text=r"$\mathbb{E}[C_n] = \sum_k p_k^2$ for every $n$ ($x_0 = p$)", induction=n),
        Claim("l", Ex(H(n + 1)), "=", lam * Ex(H(n)) + const, [
            Step("=", Ex(Ex(H(n + 1), F)), "tower property", rule=TOWER),
            Step("=", lam_v * Ex(H(n)) + 2 * alpha * b * (1 - Ex(C(n))) + alpha * (alpha - 1 / M) * H_p,
                 "(i) and linearity"),
            Step("=", lam * Ex(H(n)) + const, r"(k); $\lambda = (1-\alpha)(1 - \alpha - 1/M)$"),
        ], text=r"$\mathbb{E}[H_{n+1}] = b(b - 1/M)\,\mathbb{E}[H_n] + H_p(1 - b^2 - \alpha/M)$, $b = 1-\alpha$"),
        Claim("m", lam * H_inf + const, "=", H_inf, [
            Step("=", H_inf, "substitute the closed forms; sympy simplifies"),
        ], text=r"$H_\infty$ is the fixed point of (l)"),
        Claim("n", Ex(H(n)), "=", H_inf + (H_p - H_inf) * lam ** n, [
            Step("=", lam * Ex(H(n)) + const, "(l)"),
            Step("=", lam * Ex(H(n)) + (1 - lam) * H_inf, "(m)"),
            Step("=", lam * (H_inf + (H_p - H_inf) * lam ** n) + (1 - lam) * H_inf, "induction hypothesis"),
            Step("=", H_inf + (H_p - H_inf) * lam * lam ** n, "algebra"),
            Step("=", H_inf + (H_p - H_inf) * lam ** (n + 1), r"$\lambda\lambda^n = \lambda^{n+1}$"),
        ], text=r"exact expected diversity ($H_0 = H_p$)", induction=n),
        Claim("o", 1 - lam, ">", 0, [
            Step("=", 1 - lam_v, r"definition of $\lambda$"),
            Step(">", 0, r"$0 < \alpha < 1$ (sympy)"),
        ], text=r"$\lambda < 1$"),
        Claim("p", 1 + lam, ">", 0, [
            Step("=", 1 + lam_v, r"definition of $\lambda$"),
            Step(">", 0, r"$0 < \alpha < 1$, $M \ge 2$ (sympy)"),
        ], text=r"$\lambda > -1$; with (o), $|\lambda| < 1$, so by (n) $\mathbb{E}[H_n] \to H_\infty$ "
                r"geometrically"),
        Claim("q", Ex(R_k ** 2, F) + 2 * Ex(R_k * S_k, F) + Ex(S_k ** 2, F) - (Ex(R_k, F) + Ex(S_k, F)) ** 2,
              "=", _mr * pk * (1 - pk) + _ms * xk * (1 - xk), [
                  Step("=", _mr * pk * (1 - pk) + _ms * xk * (1 - xk), "(c)-(g); algebra"),
              ], text=r"conditional variance of the next count $c_k = R_k + S_k$"),
        Claim("r", _mr * pk * (1 - pk) + _ms * xk * (1 - xk), ">", 0, [
            Step(">", 0, r"$0 < p_k < 1$ (all $p_k > 0$, $K \ge 2$), $0 \le x_k \le 1$, $0 < \alpha < 1$",
                 rule=closed_unit_interval(xk, [Bound(pk, "(0,1)", "hypothesis: 0 < p_k, K >= 2")])),
        ], text=r"every count has positive conditional variance in every state, so $x' \ne x$ with positive "
                r"probability: no state is absorbing (unlike the collapsing chain, theorem "
                r"discrete_wright_fisher (i))"),
    ]
    return Theorem(
        name="mixing_discrete",
        title="Fresh-data mixing in the discrete model (Wright-Fisher with immigration)",
        statement=(r"With $m_r = \alpha M$ fresh draws from the original $p$ and $m_s = (1-\alpha)M$ draws from the "
                   r"current model: $\mathbb{E}[H_{n+1}] = b(b - 1/M)\,\mathbb{E}[H_n] + H_p(1 - b^2 - \alpha/M)$ "
                   r"($b = 1 - \alpha$, $H = 1 - \sum_k x_k^2$), so $\mathbb{E}[H_n] \to H_\infty = H_p\,"
                   r"\alpha(2 - \alpha - 1/M)/(\alpha(2-\alpha) + (1-\alpha)/M) > 0$; every count has positive "
                   r"conditional variance, so the chain has no absorbing state."),
        assumptions=[ASSUME_M, ASSUME_ALPHA, Assume(K, r"$K \ge 2$ categories"),
                     Assume(pk, r"$0 < p_k$, $\sum_k p_k = 1$ (original distribution; so $p_k < 1$)"),
                     Assume(xk, r"$x_k \ge 0$, $\sum_k x_k = 1$ (current model)"), ASSUME_N],
        claims=claims,
        model=Model(index=n, transition={H(n + 1): _H_next, C(n + 1): _C_next},
                    initial={H(0): H_p, C(0): 1 - H_p}, given=F, text=[
            r"Given the current model $x$ ($\mathcal F_n$), the next counts are $c_k = R_k + S_k$ with "
            r"$R \sim \mathrm{Multinomial}(m_r, p)$ and $S \sim \mathrm{Multinomial}(m_s, x)$ independent; "
            r"$x'_k = c_k/M$.",
            r"$R_k$ ($S_k$) is a sum of $m_r$ ($m_s$) independent Bernoulli($p_k$) (Bernoulli($x_k$)) indicators.",
            r"$H_n = 1 - \sum_k x_{k,n}^2$, $C_n = \sum_k p_k x_{k,n}$, $H_p = 1 - \sum_k p_k^2$; $x_0 = p$, so "
            r"$H_0 = H_p$ and $C_0 = 1 - H_p$."]),
        notation=[Notation(MGF_R, lambda: Ex(sp.exp(t * B_p), F) ** _mr,
                           r"$\mathbb{E}[e^{t R_k} \mid \mathcal F_n] = \mathbb{E}[e^{t B_p}]^{m_r}$ (independent "
                           r"draws)"),
                  Notation(MGF_S, lambda: Ex(sp.exp(t * B_x), F) ** _ms,
                           r"$\mathbb{E}[e^{t S_k} \mid \mathcal F_n] = \mathbb{E}[e^{t B_x}]^{m_s}$"),
                  Notation(sp.Sum(pk, (k, 1, K)), lambda: sp.Integer(1), r"$\sum_k p_k = 1$"),
                  Notation(sp.Sum(xk, (k, 1, K)), lambda: sp.Integer(1), r"$\sum_k x_k = 1$"),
                  Notation(lam, lambda: lam_v, r"$\lambda = (1-\alpha)(1 - \alpha - 1/M)$"),
                  Notation(H_inf, lambda: h_inf,
                           r"$H_\infty = H_p\,\alpha(2 - \alpha - 1/M)/(\alpha(2-\alpha) + (1-\alpha)/M)$")]
,
        corroborated_by=["E[H_n] (mix)", "E_pi[H] = H_inf (mix)", "P(count=i) (mix)"],
        process="mitigation",
        source="Shumailov et al., Nature 631, 755-759 (2024) (setting); Wright-Fisher model with immigration, "
               "Ewens (2004); Bertrand et al. (2024, ICLR); exact recursion as in theory.mitigation",
        remarks=[r"For $\alpha = 0$, $\lambda = 1 - 1/M$ and $H_\infty = 0$: the neutral Wright-Fisher decay of "
                 r"theorem discrete_wright_fisher.  For $\alpha > 0$ the diversity stays bounded away from 0 and "
                 r"(r) rules out absorption; with all $p_k > 0$ the fresh draws can place mass in every category, "
                 r"which is why the chain mixes instead of fixing."],
    )


MIXING_DISCRETE = _mixing_discrete()


# --------------------------------------------------------------------------
# Accumulation (Gerstgrasser et al. 2024)
# --------------------------------------------------------------------------

Z_n = Normal("Z_n", 0, 1)
W_n = ChiSquared("W_n", M - 1)
Y_n = ChiSquared("Y_n", 1)
X_1 = ChiSquared("X_1", M - 1)
xb = sp.IndexedBase(r"\bar{x}")
mu = sp.Symbol("mu", real=True)
r_n = 1 - 1 / ((n + 1) * ((n + 1) * M - 1))


def termwise(target, upper, *labels):
    """Rule: ``c * Sum(f) <= c * Sum(g)`` (same limits, ``c > 0``) because ``f_j <= g_j`` for every index.

    The summand inequality is checked by sympy with ``target`` (an expression of
    the summation index, e.g. ``E[sigma_j^2]``) replaced by ``upper/(1 + s)``,
    ``s >= 0`` — the premise ``0 < target <= upper``, which must be proved in
    the claims ``labels``.  The replacement is made for one generic index ``j``,
    so it encodes the premise for each term separately.
    """
    def rule(lhs, rel, rhs, ctx, assumptions, proved_labels=()):
        missing = [lab for lab in labels if lab not in proved_labels]
        if missing:
            return Result(FAILED, f"termwise comparison: premises {missing} not proved")
        if rel not in ("<=", "<"):
            return Result(FAILED, "termwise comparison proves only <=")
        (cl, sl), (cr, sr) = _const_sum(lhs), _const_sum(rhs)
        if sl is None or sr is None or sl.limits != sr.limits or sp.simplify(cl - cr) != 0:
            return Result(FAILED, "termwise comparison: not c*Sum(f) vs c*Sum(g) with the same limits and c")
        if not sp.sympify(cl).is_positive:
            return Result(FAILED, "termwise comparison: the common factor is not positive")
        s = sp.Dummy("s", nonnegative=True)
        f = sl.function.xreplace({target: upper / (1 + s)})
        res = check_relation(f, "<=", sr.function, ctx, assumptions)
        if res.status != PROVED:
            return Result(FAILED, "termwise comparison: summand inequality not proved: " + res.method)
        return Result(PROVED, f"termwise comparison of the summands ({res.method}) under the premise "
                              f"0 < {target} <= {upper} from part(s) {', '.join(labels)}; sums of inequalities")
    rule.needs_labels = True
    return rule


def peel_last(var):
    """Rule: ``Sum_{j=a}^{var} f_j = Sum_{j=a}^{var-1} f_j + f_var`` applied to every such sum, then sympy
    proves the two sides equal."""
    def rule(lhs, rel, rhs, ctx, assumptions):
        if rel != "=":
            return Result(FAILED, "peel_last proves equalities only")
        if sp.simplify(_peel(sp.sympify(lhs), var) - rhs) == 0:
            return Result(PROVED, f"split off the last term of the sums over j <= {var}; difference simplifies to 0")
        return Result(FAILED, "the sides differ after splitting off the last term")
    return rule


def _const_sum(e):
    sums = [f for f in sp.Mul.make_args(e) if isinstance(f, sp.Sum)]
    if len(sums) != 1:
        return None, None
    return sp.Mul(*[f for f in sp.Mul.make_args(e) if f is not sums[0]]), sums[0]


def partial_sum_of_series(lhs, rel, rhs, ctx, assumptions):
    """Rule: ``c * Sum(f, (j, a, b)) <= c * Sum(f, (j, a, oo))`` for ``f >= 0`` (sympy) and ``c > 0``."""
    (cl, sl), (cr, sr) = _const_sum(lhs), _const_sum(rhs)
    if sl is None or sr is None or sl.function != sr.function or rel != "<=" or sp.simplify(cl - cr) != 0:
        return Result(FAILED, "not a partial sum compared with its series")
    (jl, al, _), (jr, ar, br) = sl.limits[0], sr.limits[0]
    if jl != jr or al != ar or br != sp.oo or not sp.sympify(cl).is_positive:
        return Result(FAILED, "not a partial sum compared with its series")
    jj = sp.Dummy("j", integer=True, nonnegative=True)
    if not sl.function.xreplace({jl: jj + al}).is_nonnegative:
        return Result(FAILED, "sympy could not prove the terms non-negative")
    return Result(PROVED, "partial sum of a series with non-negative terms (sympy proves the terms >= 0)")


def series_value(lhs, rel, rhs, ctx, assumptions):
    """Rule: evaluate infinite sums with ``sympy.Sum.doit`` and compare."""
    if rel != "=":
        return Result(FAILED, "series_value proves equalities only")
    if sp.simplify(sp.sympify(lhs).doit() - sp.sympify(rhs).doit()) == 0:
        return Result(PROVED, "sympy evaluates the series (Sum.doit)")
    return Result(FAILED, "sympy's value of the series differs")


def _accumulation():
    Sn = sp.Sum(Ex(S(j) ** 2) / (j + 1) ** 2, (j, 0, n - 1)) / M
    bound_sum = sp.Sum(sigma ** 2 / (j + 1) ** 2, (j, 0, n - 1)) / M
    series = sp.Sum(sigma ** 2 / (j + 1) ** 2, (j, 0, sp.oo)) / M
    claims = [
        Claim("a", sp.Sum(xb[j], (j, 0, n)) / (n + 1), "=",
              sp.Sum(xb[j], (j, 0, n - 1)) / n + (xb[n] - sp.Sum(xb[j], (j, 0, n - 1)) / n) / (n + 1), [
                  Step("=", (sp.Sum(xb[j], (j, 0, n - 1)) + xb[n]) / (n + 1), "split off the last batch mean",
                       rule=peel_last(n)),
                  Step("=", sp.Sum(xb[j], (j, 0, n - 1)) / n + (xb[n] - sp.Sum(xb[j], (j, 0, n - 1)) / n) / (n + 1),
                       "algebra"),
              ], text=r"for $n \ge 1$: $\mu_{n+1} = \mu_n + (\bar x_n - \mu_n)/(n+1)$ with "
                      r"$\mu_n = \frac1n\sum_{j<n}\bar x_j$; the batch mean of model $n$ is "
                      r"$\bar x_n = \mu_n + \sigma_n Z_n/\sqrt M$, so "
                      r"$\delta_{n+1} = \delta_n + \sigma_n Z_n/((n+1)\sqrt M)$ (also for $n = 0$: "
                      r"$\mu_1 = \bar x_0$)"),
        Claim("b", Ex(D(n) ** 2), "=", Sn, [
            Step("=", Ex((D(n) + S(n) * Z_n / ((n + 1) * sp.sqrt(M))) ** 2), "definition of the model, (a)"),
            Step("=", Ex(D(n) ** 2) + 2 * Ex(D(n) * S(n)) * Ex(Z_n) / ((n + 1) * sp.sqrt(M))
                 + Ex(S(n) ** 2) * Ex(Z_n ** 2) / ((n + 1) ** 2 * M),
                 r"expand; $Z_n$ independent of $(\delta_n, \sigma_n)$"),
            Step("=", Ex(D(n) ** 2) + Ex(S(n) ** 2) / ((n + 1) ** 2 * M), r"$\mathbb{E}[Z]=0$, $\mathbb{E}[Z^2]=1$"),
            Step("=", Sn.subs(n, n + 1), "induction hypothesis"),
        ], text=r"$\mathbb{E}[\delta_n^2] = \frac1M\sum_{j<n}\mathbb{E}[\sigma_j^2]/(j+1)^2$", induction=n),
        Claim("c", Ex(S(1) ** 2), "=", sigma ** 2, [
            Step("=", Ex(sigma ** 2 * X_1 / (M - 1)), r"model 1 is fitted to $D_0$ alone (Cochran)"),
            Step("=", sigma ** 2, r"$\mathbb{E}[\chi^2_{M-1}] = M - 1$ (sympy.stats)"),
        ], text="first refit"),
        Claim("d", Ex(S(n + 1) ** 2, F), "=", r_n * S(n) ** 2, [
            Step("=", Ex(S(n) ** 2 * (n * M - 1 + W_n + n * Y_n / (n + 1)) / ((n + 1) * M - 1), F),
                 r"for $n \ge 1$: pooled sum of squares $\mathrm{SS}_{n+1} = \mathrm{SS}_n + \sigma_n^2 W_n + "
                 r"\frac{nM\cdot M}{(n+1)M}(\bar x_n - \mu_n)^2$ (the decomposition of theorem mixing_unbiased (a)) "
                 r"with $\mathrm{SS}_n = (nM-1)\sigma_n^2$, $W_n \sim \chi^2_{M-1}$, "
                 r"$M(\bar x_n - \mu_n)^2/\sigma_n^2 = Y_n \sim \chi^2_1$"),
            Step("=", S(n) ** 2 * (n * M - 1 + M - 1 + n / (n + 1)) / ((n + 1) * M - 1),
                 r"independence; $\mathbb{E}[\chi^2_k] = k$ (sympy.stats)"),
            Step("=", r_n * S(n) ** 2, "algebra"),
        ], text=r"for $n \ge 1$ the unbiased variance of the pooled data is a supermartingale"),
        Claim("e", r_n, "<=", 1, [
            Step("<=", 1, r"$n \ge 0$, $M \ge 2$ (sympy)"),
        ], text=r"the factor is at most 1 (and positive)"),
        Claim("f", r_n, ">=", 0, [
            Step(">=", 0, r"$n \ge 0$, $M \ge 2$ (sympy)"),
        ], text=r"the factor is non-negative"),
        Claim("g", Ex(S(n) ** 2), "<=", sigma ** 2, [
            Step("<=", sigma ** 2, r"induction on $n$: $\mathbb{E}[\sigma_0^2] = \sigma^2$, (c), and "
                                   r"$\mathbb{E}[\sigma_{n+1}^2] = r_n\mathbb{E}[\sigma_n^2] \le "
                                   r"\mathbb{E}[\sigma_n^2]$ for $n \ge 1$ by (d), (e)",
                 rule=by_claims("induction on n (monotone sequence)", "c", "d", "e", "f")),
        ], text=r"$0 < \mathbb{E}[\sigma_j^2] \le \sigma^2$ for every $j$ (no collapse of the variance either)"),
        Claim("h", Ex(D(n) ** 2), "<=", sp.pi ** 2 * sigma ** 2 / (6 * M), [
            Step("=", Sn, "(b)"),
            Step("<=", bound_sum, r"$\mathbb{E}[\sigma_j^2] \le \sigma^2$ termwise, (g)",
                 rule=termwise(Ex(S(j) ** 2), sigma ** 2, "g")),
            Step("<=", series, "partial sum of a series with positive terms", rule=partial_sum_of_series),
            Step("=", sp.pi ** 2 * sigma ** 2 / (6 * M), r"$\sum_{k \ge 1} 1/k^2 = \pi^2/6$ (sympy)",
                 rule=series_value),
        ], text=r"the bound of Gerstgrasser et al.: uniformly in $n$"),
    ]
    return Theorem(
        name="accumulation",
        title="Accumulating data keeps the Gaussian error bounded",
        statement=(r"If model $n$ is fitted to all $nM$ samples generated so far (unbiased variance), then "
                   r"$\mu_n = \frac1n\sum_{j<n}\bar x_j$, $\mathbb{E}[(\mu_n - \mu)^2] = \frac1M\sum_{j<n}"
                   r"\mathbb{E}[\sigma_j^2]/(j+1)^2$, $\mathbb{E}[\sigma_j^2] \le \sigma^2$, and hence "
                   r"$\mathbb{E}[(\mu_n - \mu)^2] \le \pi^2\sigma^2/(6M)$ for every $n$."),
        assumptions=[ASSUME_M, ASSUME_SIGMA, ASSUME_N],
        claims=claims,
        model=Model(
            index=n,
            transition={D(n + 1): D(n) + S(n) * Z_n / ((n + 1) * sp.sqrt(M)),
                        S(n + 1): S(n) * sp.sqrt((n * M - 1 + W_n + n * Y_n / (n + 1)) / ((n + 1) * M - 1))},
            initial={S(0): sigma, D(0): sp.Integer(0), S(1): sigma * sp.sqrt(X_1 / (M - 1))},
            given=F,
            text=[r"Batch $D_j$ holds $M$ samples of model $j$ ($D_0$ of $N(\mu, \sigma^2)$); model $n \ge 1$ is "
                  r"fitted to $D_0 \cup \dots \cup D_{n-1}$ by the sample mean $\mu_n$ and the unbiased variance "
                  r"$\sigma_n^2 = \mathrm{SS}_n/(nM - 1)$.",
                  r"$\delta_n = \mu_n - \mu$; the batch of model $n$ has mean $\mu_n + \sigma_n Z_n/\sqrt M$ and "
                  r"within-batch sum of squares $\sigma_n^2 W_n$, $Z_n \sim N(0,1)$, $W_n \sim \chi^2_{M-1}$, "
                  r"$Y_n = Z_n^2 \sim \chi^2_1$, independent of the past $\mathcal F_n$ (Cochran).",
                  r"Transition: $\delta_{n+1} = \delta_n + \sigma_n Z_n/((n+1)\sqrt M)$ (all $n \ge 0$); "
                  r"$\sigma_{n+1}^2 = \sigma_n^2 (nM - 1 + W_n + \frac{n}{n+1}Y_n)/((n+1)M - 1)$ ($n \ge 1$); "
                  r"$\sigma_1^2 = \sigma^2 X_1/(M-1)$, $X_1 \sim \chi^2_{M-1}$; $\delta_0 = 0$, "
                  r"$\sigma_0 = \sigma$."]),
        notation=[],
        corroborated_by=["E[(mu_n-mu)^2] (accumulate)", "E[sigma_n^2] (accumulate)",
                         "E[(mu_n-mu)^2] <= pi^2 sigma^2/(6M)"],
        process="mitigation",
        source="Gerstgrasser et al. (2024), Is Model Collapse Inevitable? Breaking the Curse of Recursion by "
               "Accumulating Real and Synthetic Data; exact moments as in theory.mitigation",
        remarks=[r"Compare theorem gaussian_unbiased (h): replacing the data gives $\mathbb{E}[\delta_n^2] = "
                 r"n\sigma^2/M \to \infty$; accumulating weights the $j$-th innovation by $1/(j+1)^2$, a "
                 r"summable series."],
    )


ACCUMULATION = _accumulation()


# --------------------------------------------------------------------------
# Remedies of issue 13: accumulate-subsample (Kazdan et al.), weighted fresh data (He, Xu, Cheng),
# sampling bias (Alemohammad et al.), kernel density chains (Kazdan et al.; Fu et al.)
# --------------------------------------------------------------------------

SOURCE_KAZDAN = ("Kazdan et al. (2024), Collapse or Thrive? Perils and Promises of Synthetic Data in a "
                 "Self-Generating World, arXiv:2410.16713; exact moments as in theory.mitigation.subsample")

t_s = sp.Symbol("t", integer=True, positive=True)
_Np, _kp, _cp = sp.symbols("N k c", positive=True)  # pool size, subset size, variance divisor
_A = sp.Symbol("A", real=True)  # sum of the pooled points (mu = 0)
_Q = sp.Symbol("Q", positive=True)  # their sum of squares
_SSp = sp.Symbol(r"\mathrm{SS}", positive=True)  # Q - A^2/N
nb = sp.Symbol("n", integer=True, positive=True)  # batch size
_mu_t, _s_t = sp.Symbol(r"\mu_t", real=True), sp.Symbol(r"\sigma_t", positive=True)
Z_b = Normal("Z_b", 0, 1)


def _srswor_square(N, k):
    """E[(sum_S x)^2] as the symbolic identity of sampling without replacement."""
    return k * _Q / N + k * (k - 1) / (N * (N - 1)) * (_A ** 2 - _Q)


def _enumerated(N, k):
    """(average over all k-subsets of (sum_S x)^2, A, Q) for an explicit pool x_1..x_N."""
    import itertools

    xs = sp.symbols(f"x_1:{N + 1}", real=True)
    subsets = list(itertools.combinations(xs, k))
    return sp.Add(*[sp.Add(*S) ** 2 for S in subsets]) / len(subsets), sp.Add(*xs), sp.Add(*[x ** 2 for x in xs])


def _fit(N, k, c):
    """(E[mu_t^2 | pool], E[sigma_t^2 | pool]) of the fit to a uniform k-subset (divisor c)."""
    es2 = _srswor_square(N, k)
    return es2 / k ** 2, (k * _Q / N - es2 / k) / c


def _pool_next(N, k, c, replace=False):
    """(E[A'^2 | pool], E[Q' | pool]) after the fit and n new points."""
    emu2, esig2 = _fit(N, k, c)
    a2b, qb = nb ** 2 * emu2 + nb * esig2, nb * (emu2 + esig2)
    if replace:
        return a2b, qb
    return _A ** 2 + 2 * nb * _A ** 2 / N + a2b, _Q + qb


#: The stated matrices M_t (t-th step of the pool recursion, N = tn, k = n), MLE and unbiased.
SUBSAMPLE_MATRIX = {
    "mle": sp.Matrix([[(nb ** 2 * t_s ** 2 + 2 * nb ** 2 * t_s + nb ** 2 - nb * t_s - 4 * nb + 1)
                       / (nb * t_s * (nb * t_s - 1)),
                       (2 * nb * t_s - nb - t_s) / (t_s * (nb * t_s - 1))],
                      [0, (t_s + 1) / t_s]]),
    "unbiased": sp.Matrix([[(nb * t_s ** 2 + 2 * nb * t_s + nb - t_s - 4) / (t_s * (nb * t_s - 1)),
                            nb * (2 * t_s - 1) / (t_s * (nb * t_s - 1))],
                           [-1 / (nb * t_s * (nb * t_s - 1)),
                            (nb * t_s ** 2 + nb * t_s - 1) / (t_s * (nb * t_s - 1))]]),
}
#: E[SS_{t+1}] / E[SS_t] of the pool (N = tn), MLE and unbiased.
SUBSAMPLE_SS_FACTOR = {
    "mle": (nb ** 2 * t_s ** 2 + nb * (2 * nb - 1) * t_s + nb ** 2 - 4 * nb + 1) / (nb * (t_s + 1) * (nb * t_s - 1)),
    "unbiased": (nb * (t_s + 1) ** 2 - 3) / ((t_s + 1) * (nb * t_s - 1)),
}


def _accumulate_subsample():
    N, k, c = _Np, _kp, _cp
    e5, A5, Q5 = _enumerated(5, 2)
    e6, A6, Q6 = _enumerated(6, 4)
    I = sp.Integer
    emu2, esig2 = _fit(N, k, c)
    S2 = (_Q - _A ** 2 / N) / (N - 1)
    claims = [
        Claim("a", sp.binomial(N - 1, k - 1) / sp.binomial(N, k), "=", k / N, [
            Step("=", k / N, "ratio of binomial coefficients (gammasimp)"),
        ], text=r"a uniform $k$-subset of $N$ points contains a given point with probability $k/N$"),
        Claim("b", sp.binomial(N - 2, k - 2) / sp.binomial(N, k), "=", k * (k - 1) / (N * (N - 1)), [
            Step("=", k * (k - 1) / (N * (N - 1)), "ratio of binomial coefficients (gammasimp)"),
        ], text=r"and a given pair with probability $k(k-1)/(N(N-1))$; hence, with "
                r"$\sum_{i \ne j} x_i x_j = A^2 - Q$, "
                r"$\mathbb{E}[(\sum_S x)^2 \mid P] = \frac kN Q + \frac{k(k-1)}{N(N-1)}(A^2 - Q)$ and "
                r"$\mathbb{E}[\sum_S x^2 \mid P] = \frac kN Q$"),
        Claim("c", e5, "=", _srswor_square(I(5), I(2)).subs({_A: A5, _Q: Q5}), [
            Step("=", _srswor_square(I(5), I(2)).subs({_A: A5, _Q: Q5}),
                 "average over the 10 subsets of an explicit pool; polynomial identity"),
        ], text=r"check of (a), (b) by enumeration: $N = 5$, $k = 2$"),
        Claim("d", e6, "=", _srswor_square(I(6), I(4)).subs({_A: A6, _Q: Q6}), [
            Step("=", _srswor_square(I(6), I(4)).subs({_A: A6, _Q: Q6}),
                 "average over the 15 subsets of an explicit pool; polynomial identity"),
        ], text=r"and $N = 6$, $k = 4$"),
        Claim("e", emu2, "=", _A ** 2 / N ** 2 + (N - k) / (N * k) * S2, [
            Step("=", _A ** 2 / N ** 2 + (N - k) / (N * k) * S2, r"$\mu_t = \frac1k\sum_S x$; (b); algebra"),
        ], text=r"$\mathbb{E}[\mu_t^2 \mid P] = \bar x^2 + \frac{N-k}{Nk}S^2$ ($\bar x = A/N$, "
                r"$S^2 = (Q - A^2/N)/(N-1)$: the finite-population correction)"),
        Claim("f", esig2, "=", (k - 1) / c * S2, [
            Step("=", (k - 1) / c * S2, r"$\sigma_t^2 = (\sum_S x^2 - (\sum_S x)^2/k)/c$; (a), (b); algebra"),
        ], text=r"$\mathbb{E}[\sigma_t^2 \mid P] = \frac{k-1}{c}S^2$: unbiased for the pool's $S^2$ when "
                r"$c = k - 1$"),
        Claim("g", Ex((nb * _mu_t + sp.sqrt(nb) * _s_t * Z_b) ** 2), "=", nb ** 2 * _mu_t ** 2 + nb * _s_t ** 2, [
            Step("=", nb ** 2 * _mu_t ** 2 + nb * _s_t ** 2, r"$\mathbb{E}[Z] = 0$, $\mathbb{E}[Z^2] = 1$ "
                                                              r"(sympy.stats)"),
        ], text=r"the $n$ new points of $N(\mu_t, \sigma_t^2)$ have sum $a = n\mu_t + \sqrt n\sigma_t Z$, so "
                r"$\mathbb{E}[a^2 \mid \mu_t, \sigma_t] = n^2\mu_t^2 + n\sigma_t^2$; their sum of squares has "
                r"mean $n(\mu_t^2 + \sigma_t^2)$, and $\mathbb{E}[Aa \mid P] = nA\,\mathbb{E}[\mu_t \mid P] = "
                r"nA^2/N$"),
    ]
    notation = []
    for est, lab in (("mle", "h"), ("unbiased", "i")):
        cc = nb if est == "mle" else nb - 1
        a2n_v, qn_v = _pool_next(t_s * nb, nb, cc)
        sub = r"\mathrm{MLE}" if est == "mle" else r"\mathrm{unb}"
        a2n = sp.Symbol(r"\mathbb{E}[A_{t+1}^2 \mid P_t]_{%s}" % sub)
        qn = sp.Symbol(r"\mathbb{E}[Q_{t+1} \mid P_t]_{%s}" % sub)
        notation += [Notation(a2n, (lambda v=a2n_v: v), r"$\mathbb{E}[A_{t+1}^2 \mid P_t] = \mathbb{E}[(A + a)^2 "
                                                         r"\mid P_t]$ (%s): the expression of (e), (f), (g) with "
                                                         r"$N = tn$, $k = n$" % est),
                     Notation(qn, (lambda v=qn_v: v), r"$\mathbb{E}[Q_{t+1} \mid P_t] = Q + \mathbb{E}[q_b \mid "
                                                       r"P_t]$ (%s)" % est)]
        Mt = SUBSAMPLE_MATRIX[est]
        claims += [
            Claim(lab + "1", a2n, "=", Mt[0, 0] * _A ** 2 + Mt[0, 1] * _Q, [
                Step("=", Mt[0, 0] * _A ** 2 + Mt[0, 1] * _Q,
                     r"$A' = A + a$: (e), (f), (g) with $N = tn$, $k = n$, $c = %s$; algebra" % sp.latex(cc)),
            ], text=r"first row of $M_t$ (%s): $\mathbb{E}[A_{t+1}^2 \mid P_t]$" % est),
            Claim(lab + "2", qn, "=", Mt[1, 0] * _A ** 2 + Mt[1, 1] * _Q, [
                Step("=", Mt[1, 0] * _A ** 2 + Mt[1, 1] * _Q, r"$Q' = Q + q_b$: (e), (f), (g); algebra"),
            ], text=r"second row of $M_t$ (%s): $\mathbb{E}[Q_{t+1} \mid P_t]$" % est),
            Claim(lab + "3", qn - a2n / ((t_s + 1) * nb), "=", SUBSAMPLE_SS_FACTOR[est] * (_Q - _A ** 2 / (t_s * nb)), [
                      Step("=", SUBSAMPLE_SS_FACTOR[est] * (_Q - _A ** 2 / (t_s * nb)),
                           r"(%s1), (%s2); algebra: only $\mathrm{SS}_t = Q - A^2/N$ remains" % (lab, lab)),
                  ], text=r"the pooled sum of squares decouples from the pool mean (shift invariance): "
                          r"$\mathbb{E}[\mathrm{SS}_{t+1} \mid P_t] = f_t\,\mathrm{SS}_t$ (%s)" % est),
        ]
    claims += [
        Claim("j", emu2 + esig2.subs(c, k), "=", _Q / N, [
            Step("=", _Q / N, "(e), (f) with $c = k$; algebra"),
        ], text=r"MLE: $\mathbb{E}[\mu_t^2 + \sigma_t^2 \mid P] = Q/N$ for any subset size $k \le N$ "
                r"(the whole pool $k = N$: accumulate; the last batch: replace)"),
        Claim("k", _pool_next(t_s * nb, nb, nb)[1] / ((t_s + 1) * nb), "=", _Q / (t_s * nb), [
            Step("=", _Q / (t_s * nb), "(j), $N' = N + n$; algebra"),
        ], text=r"MLE, accumulate-subsample: $\mathbb{E}[Q_{t+1}/N_{t+1} \mid P_t] = Q_t/N_t$ "
                r"(the same with $k = N$ for accumulate)"),
        Claim("l", _pool_next(nb, nb, nb, replace=True)[1] / nb, "=", _Q / nb, [
            Step("=", _Q / nb, "(j) with $N = k = n$; algebra"),
        ], text=r"MLE, replace: $\mathbb{E}[Q_{t+1}/n \mid B_{t-1}] = Q_t/n$"),
        Claim("m", Ex(_mu_t ** 2 + _s_t ** 2), "=", sigma ** 2, [
            Step("=", sigma ** 2, r"induction on $t$: $\mathbb{E}[\mu_t^2 + \sigma_t^2] = \mathbb{E}[Q_t/N_t]$ by "
                                  r"(j) and the tower property, constant in $t$ by (k), (l), and "
                                  r"$\mathbb{E}[Q_1/N_1] = \mathbb{E}[x^2] = \sigma^2$ for the real batch",
                 rule=by_claims("induction on t with the tower property", "j", "k", "l")),
        ], text=r"the MLE keeps $\mathbb{E}[\sigma_t^2] + \mathbb{E}[(\mu_t - \mu)^2] = \sigma^2$ in all three "
                r"workflows ($\mu = 0$): what the variance loses, the mean error gains"),
    ]
    return Theorem(
        name="accumulate_subsample",
        title="Accumulate-subsample: the exact recursion of the pool's second moments",
        statement=(r"Pool $P_t = B_0 \cup \dots \cup B_{t-1}$ of $N = tn$ points with sum $A_t$ and sum of squares "
                   r"$Q_t$ ($\mu = 0$); model $t$ fits the mean and the variance (divisor $c = n$ MLE, $n - 1$ "
                   r"unbiased) of a uniform $n$-subset drawn without replacement, and batch $t$ is $n$ draws of "
                   r"model $t$.  Then $(\mathbb{E}A_{t+1}^2, \mathbb{E}Q_{t+1}) = M_t(\mathbb{E}A_t^2, "
                   r"\mathbb{E}Q_t)$ with the matrices $M_t$ of (h), (i); the pooled sum of squares obeys "
                   r"$\mathbb{E}\mathrm{SS}_{t+1} = f_t\,\mathbb{E}\mathrm{SS}_t$; and with the MLE "
                   r"$\mathbb{E}\sigma_t^2 + \mathbb{E}(\mu_t - \mu)^2 = \sigma^2$ in the replace, accumulate and "
                   r"accumulate-subsample workflows."),
        assumptions=[Assume(_Np, r"$N \ge 2$ pooled points, $2 \le k \le N$"), Assume(nb, r"$n \ge 2$"),
                     Assume(t_s, r"$t \ge 1$"), ASSUME_SIGMA],
        claims=claims,
        notation=notation,
        corroborated_by=["E[sigma_t^2] (accumulate-subsample)", "E[(mu_t-mu)^2] (accumulate-subsample)",
                         "E[sigma_t^2]+E[(mu_t-mu)^2] = sigma^2 (accumulate-subsample, MLE)",
                         "E[S_t^2] pool (accumulate-subsample)", "E[(pool mean-mu)^2] (accumulate-subsample)"],
        process="mitigation",
        source=SOURCE_KAZDAN,
        remarks=[r"The recursion costs $O(t)$ matrix products; theory.mitigation evaluates it exactly by a balanced "
                 r"product tree (rationals) and in floats through the decoupled products of (h3), (i3), which "
                 r"involve no difference of raw moments."],
    )


ACCUMULATE_SUBSAMPLE = _accumulate_subsample()


def gamma_identity(lhs, rel, rhs, ctx, assumptions):
    r"""Rule: an equality of gamma expressions proved by ``sympy.gammasimp`` (:math:`\Gamma(x+1) = x\Gamma(x)`)."""
    if rel != "=":
        return Result(FAILED, "gamma_identity proves equalities only")
    d = sp.gammasimp(ctx.evaluate(lhs) - ctx.evaluate(rhs))
    if d != 0:
        d = sp.gammasimp(sp.expand_func(d))
    if d == 0 or sp.factor(sp.together(d)) == 0:
        return Result(PROVED, "difference simplifies to 0 (gammasimp: Gamma(x + 1) = x Gamma(x))")
    return Result(FAILED, f"gammasimp leaves {d}")


def _subsample_variance_closed(est, tt):
    g = sp.gamma
    if est == "mle":
        d = sp.sqrt(3 * (4 * nb - 1))
        rp, rm = (-(2 * nb - 1) + d) / (2 * nb), (-(2 * nb - 1) - d) / (2 * nb)
        return ((nb - 1) ** 2 / (nb * (nb * tt - 1)) * g(tt - rp) * g(tt - rm) * g(1 - 1 / nb)
                / (g(1 - rp) * g(1 - rm) * g(tt + 1) * g(tt - 1 / nb)))
    a = sp.sqrt(3 / nb)
    return g(tt + 1 - a) * g(tt + 1 + a) * g(2 - 1 / nb) / (g(2 - a) * g(2 + a) * g(tt + 1) * g(tt + 1 - 1 / nb))


def _accumulate_subsample_limits():
    ratio = {"mle": 1 - (3 * nb - 1) / (nb * (t_s + 1) * (nb * (t_s + 1) - 1)),
             "unbiased": 1 + (t_s - 2) / ((t_s + 1) * (nb * (t_s + 1) - 1))}
    Gm, Gu = _subsample_variance_closed("mle", t_s), _subsample_variance_closed("unbiased", t_s)
    s = sp.Symbol("s", integer=True, positive=True)
    d = sp.sqrt(3 * (4 * nb - 1))
    rp, rm = (-(2 * nb - 1) + d) / (2 * nb), (-(2 * nb - 1) - d) / (2 * nb)
    a = sp.sqrt(3 / nb)
    _n2 = sp.Symbol("m", integer=True, nonnegative=True)
    N = t_s * nb
    S2, Eg = sp.Symbol("S^2", positive=True), sp.Symbol(r"\mathbb{E}[\sigma_t^2 \mid P]", positive=True)
    xbar2 = sp.Symbol(r"\bar x_t^2", nonnegative=True)
    # E[xbar_{t+1}^2 | P] from the accumulate step: (A + a)^2/(N + n)^2 with E[a^2] = n^2 E mu_t^2 + n E sigma_t^2
    a2_next = (xbar2 * N ** 2 * (1 + 2 * nb / N) + nb ** 2 * (xbar2 + (N - nb) / (N * nb) * S2) + nb * Eg)
    claims = [
        Claim("a", SUBSAMPLE_SS_FACTOR["mle"] * (N - 1) / ((t_s + 1) * nb - 1), "=", ratio["mle"], [
            Step("=", ratio["mle"], r"$\mathbb{E}\sigma_t^2 = \frac{n-1}{n}\,\mathbb{E}\mathrm{SS}_t/(tn-1)$ "
                                    r"(theorem accumulate_subsample (f), (h3)); algebra"),
        ], text=r"MLE: $\mathbb{E}\sigma_{t+1}^2/\mathbb{E}\sigma_t^2 = 1 - \frac{3n-1}{n(t+1)(n(t+1)-1)}$"),
        Claim("b", SUBSAMPLE_SS_FACTOR["unbiased"] * (N - 1) / ((t_s + 1) * nb - 1), "=", ratio["unbiased"], [
            Step("=", ratio["unbiased"], r"$\mathbb{E}\sigma_t^2 = \mathbb{E}S_t^2 = \mathbb{E}\mathrm{SS}_t/(tn-1)$ "
                                         r"(theorem accumulate_subsample (f), (i3)); algebra"),
        ], text=r"unbiased: $\mathbb{E}\sigma_{t+1}^2/\mathbb{E}\sigma_t^2 = 1 + \frac{t-2}{(t+1)(n(t+1)-1)}$"),
        Claim("c", Gm.subs(t_s, t_s + 1) / Gm, "=", ratio["mle"], [
            Step("=", ratio["mle"], r"$\Gamma(x+1) = x\Gamma(x)$ (gammasimp)", rule=gamma_identity),
        ], text=r"the gamma closed form of theory.mitigation (MLE) has the ratios (a) ..."),
        Claim("d", Gm.subs(t_s, 1), "=", (nb - 1) / nb, [
            Step("=", (nb - 1) / nb, "gammasimp", rule=gamma_identity),
        ], text=r"... and the right value at $t = 1$ (the MLE fit to batch 0): it is $\mathbb{E}\sigma_t^2/\sigma^2$"),
        Claim("e", Gu.subs(t_s, t_s + 1) / Gu, "=", ratio["unbiased"], [
            Step("=", ratio["unbiased"], r"$\Gamma(x+1) = x\Gamma(x)$ (gammasimp)", rule=gamma_identity),
        ], text=r"the same for the unbiased closed form ..."),
        Claim("f", Gu.subs(t_s, 1), "=", 1, [
            Step("=", 1, "gammasimp", rule=gamma_identity),
        ], text=r"... which is 1 at $t = 1$"),
        Claim("g", sp.Limit(t_s * (1 - ratio["mle"]), t_s, sp.oo), "=", 0, [
            Step("=", 0, "sympy limit"),
        ], text=r"MLE: the factors are $1 - O(t^{-2})$, so $\prod_t$ converges to a positive limit: a "
                r"plateau, not a collapse"),
        Claim("h", -rp - rm - 1 + 1 / nb - 1, "=", 0, [
            Step("=", 0, r"root sums; algebra"),
        ], text=r"the powers of $t$ in the closed form cancel ($\Gamma(t+a)/\Gamma(t+b) \sim t^{a-b}$ and the "
                r"factor $1/(nt-1)$): $\mathbb{E}\sigma_\infty^2 = \sigma^2(\frac{n-1}{n})^2\,"
                r"\Gamma(1-\frac1n)/(\Gamma(1-r_+)\Gamma(1-r_-))$"),
        Claim("i", sp.Limit(t_s * (ratio["unbiased"] - 1), t_s, sp.oo), "=", 1 / nb, [
            Step("=", 1 / nb, "sympy limit"),
        ], text=r"unbiased: the factors are $1 + \frac{1}{nt} + O(t^{-2})$: no plateau, growth like "
                r"$t^{1/n}$"),
        Claim("j", (1 - a) + (1 + a) - 1 - (1 - 1 / nb), "=", 1 / nb, [
            Step("=", 1 / nb, "algebra"),
        ], text=r"the power of $t$ in the unbiased closed form: $\mathbb{E}\sigma_t^2 \sim C t^{1/n}$, "
                r"$C = \sigma^2\Gamma(2-\frac1n)/(\Gamma(2-\sqrt{3/n})\Gamma(2+\sqrt{3/n}))$"),
        Claim("k", a2_next.subs(Eg, S2) / (N + nb) ** 2 - xbar2, "=",
              ((t_s - 1) / (t_s * nb) * S2 + S2 / nb) / (t_s + 1) ** 2, [
                  Step("=", ((t_s - 1) / (t_s * nb) * S2 + S2 / nb) / (t_s + 1) ** 2,
                       r"(accumulate_subsample (e), (f), (g)) with $c = n - 1$; algebra"),
              ], text=r"unbiased: the pool mean $\bar x_t$ is a martingale with "
                      r"$\mathbb{E}\bar x_{t+1}^2 - \mathbb{E}\bar x_t^2 = \frac{2t-1}{tn(t+1)^2}\mathbb{E}S_t^2$; "
                      r"with $\mathbb{E}\mu_t^2 = \mathbb{E}\bar x_t^2 + \frac{t-1}{tn}\mathbb{E}S_t^2$ this is the "
                      r"mean-error sum of theory.mitigation"),
    ]
    return Theorem(
        name="accumulate_subsample_limits",
        title="Accumulate-subsample: closed forms, the MLE plateau, and growth without plateau (unbiased)",
        statement=(r"Under accumulate-subsample with batch size $n$, $\mathbb{E}\sigma_t^2$ is a product of the "
                   r"factors (a) (MLE) or (b) (unbiased), i.e. the gamma functions of theory.mitigation.  For the "
                   r"MLE the variance settles on a plateau $\sigma^2(\frac{n-1}{n})^2\Gamma(1-\frac1n)/"
                   r"(\Gamma(1-r_+)\Gamma(1-r_-)) > 0$; for the unbiased estimator there is no plateau: "
                   r"$\mathbb{E}\sigma_t^2 \sim Ct^{1/n}$."),
        assumptions=[Assume(nb, r"$n \ge 2$ (encoded as $n = m + 2$)", _n2 + 2), Assume(t_s, r"$t \ge 1$"),
                     ASSUME_SIGMA],
        claims=claims,
        corroborated_by=["E[sigma_t^2] (accumulate-subsample)", "E[(mu_t-mu)^2] (accumulate-subsample)"],
        process="mitigation",
        source=SOURCE_KAZDAN,
        remarks=[r"Kazdan et al. report that the test loss under accumulate-subsample 'apparently plateaus': for "
                 r"the MLE the second moments do (below accumulate's plateau); with the unbiased estimator they "
                 r"grow slowly and without bound, like $t^{1/n}$.  The plateau and the growth constant are checked "
                 r"against the float evaluation at $t = 10^{12}$ by `collapse verify`."],
    )


ACCUMULATE_SUBSAMPLE_LIMITS = _accumulate_subsample_limits()


# weighted fresh data (He, Xu, Cheng)
w_ = sp.Symbol("w", positive=True)
m_syn = sp.Symbol("m", integer=True, positive=True)
kk = sp.Symbol("k", positive=True)
Dw = sequence("D", r"\delta")
Vw = sequence("v", "v", positive=True)
Z_1, Z_2, Z_0 = Normal("Z_1", 0, 1), Normal("Z_2", 0, 1), Normal("Z_0", 0, 1)
X_m = ChiSquared("X_m", m_syn - 1)
Y_real = ChiSquared("Y_n", nb - 1)
Y_0 = ChiSquared("Y_0", nb - 1)
rho_w = (1 - w_) ** 2 * (m_syn + 1) / (m_syn - 1)
c_w = 2 * sigma ** 4 * ((1 - w_) ** 2 / (m_syn - 1) + w_ ** 2 / (nb - 1))
b_w = sigma ** 2 * ((1 - w_) ** 2 / m_syn + w_ ** 2 / nb)
D_stat = b_w / (1 - (1 - w_) ** 2)
V_stat = c_w / (1 - rho_w)
w_c = 1 - sp.sqrt((m_syn - 1) / (m_syn + 1))


def _weighted():
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    g = (kk * (1 - w_) ** 2 + w_ ** 2) / (w_ * (2 - w_))
    w_star = (sp.sqrt(kk ** 2 + 4 * kk) - kk) / 2
    _u, _mm, _nn = sp.Symbol("u", positive=True), sp.Symbol("m_0", integer=True, nonnegative=True),\
        sp.Symbol("n_0", integer=True, nonnegative=True)
    claims = [
        Claim("a0", Ex(X_m * Y_real, F), "=", (m_syn - 1) * (nb - 1), [
            Step("=", (m_syn - 1) * (nb - 1), r"independence: $\mathbb{E}[X_m Y_n] = \mathbb{E}X_m\,\mathbb{E}Y_n$ "
                                              r"(sympy.stats; gammasimp)", rule=gamma_identity),
        ], text=r"the synthetic and the real sample variances are independent"),
        Claim("a", Ex(Dw(tt + 1) ** 2, F), "=", (1 - w_) ** 2 * Dw(tt) ** 2 + (1 - w_) ** 2 * Vw(tt) / m_syn
              + w_ ** 2 * sigma ** 2 / nb, [
                  Step("=", (1 - w_) ** 2 * Dw(tt) ** 2 + (1 - w_) ** 2 * Vw(tt) / m_syn + w_ ** 2 * sigma ** 2 / nb,
                       r"definition of the model; $Z_1, Z_2$ independent of $\mathcal F_t$ and of each other "
                       r"(sympy.stats)"),
              ], text="conditional mean squared error of the weighted mean"),
        Claim("b", Ex(Vw(tt + 1), F), "=", (1 - w_) * Vw(tt) + w_ * sigma ** 2, [
            Step("=", (1 - w_) * Vw(tt) + w_ * sigma ** 2, r"$\mathbb{E}[\chi^2_k] = k$ (sympy.stats)"),
        ], text="conditional mean of the weighted variance"),
        Claim("c", Ex(Vw(tt)), "=", sigma ** 2, [
            Step("=", Ex((1 - w_) * Vw(tt) * X_m / (m_syn - 1) + w_ * sigma ** 2 * Y_real / (nb - 1)),
                 "definition of the model"),
            Step("=", sigma ** 2, r"linearity, independence, $\mathbb{E}[\chi^2_k] = k$, induction hypothesis"),
        ], text=r"$\mathbb{E}v_t = \sigma^2$ for every $t$ (base: $v_0 = \sigma^2 Y_0/(n-1)$)", induction=tt),
        Claim("d", Ex(Dw(tt + 1) ** 2), "=", (1 - w_) ** 2 * Ex(Dw(tt) ** 2) + b_w, [
            Step("=", Ex(Ex(Dw(tt + 1) ** 2, F)), "tower property",
                 rule=instance_of("tower property E[Y] = E[E[Y | F_t]]",
                                  lambda lhs, rhs: rhs == Ex(Ex(lhs.args[0], F)))),
            Step("=", (1 - w_) ** 2 * Ex(Dw(tt) ** 2) + b_w, "(a), (c), linearity"),
        ], text=r"$D_{t+1} = (1-w)^2 D_t + \sigma^2[(1-w)^2/m + w^2/n]$"),
        Claim("e", Ex((Vw(tt + 1) - sigma ** 2) ** 2, F), "=",
              (1 - w_) ** 2 * ((m_syn + 1) / (m_syn - 1) * Vw(tt) ** 2 - 2 * Vw(tt) * sigma ** 2 + sigma ** 4)
              + 2 * w_ ** 2 * sigma ** 4 / (nb - 1), [
                  Step("=", (1 - w_) ** 2 * ((m_syn + 1) / (m_syn - 1) * Vw(tt) ** 2 - 2 * Vw(tt) * sigma ** 2
                                            + sigma ** 4) + 2 * w_ ** 2 * sigma ** 4 / (nb - 1),
                       r"expand; $\mathbb{E}[\chi^2_k] = k$, $\mathbb{E}[(\chi^2_k)^2] = k(k+2)$ (sympy.stats)"),
              ], text=r"conditional squared error of the weighted variance"),
        Claim("f", Ex((Vw(tt + 1) - sigma ** 2) ** 2), "=", rho_w * Ex((Vw(tt) - sigma ** 2) ** 2) + c_w, [
            Step("=", Ex(Ex((Vw(tt + 1) - sigma ** 2) ** 2, F)), "tower property",
                 rule=instance_of("tower property E[Y] = E[E[Y | F_t]]",
                                  lambda lhs, rhs: rhs == Ex(Ex(lhs.args[0], F)))),
            Step("=", rho_w * Ex((Vw(tt) - sigma ** 2) ** 2) + c_w, r"(e), (c): $\mathbb{E}v_t = \sigma^2$; algebra"),
        ], text=r"$V_{t+1} = \rho V_t + 2\sigma^4[(1-w)^2/(m-1) + w^2/(n-1)]$, "
                r"$\rho = (1-w)^2\frac{m+1}{m-1}$"),
        Claim("g", Ex(Dw(tt) ** 2), "=", D_stat + (sigma ** 2 / nb - D_stat) * (1 - w_) ** (2 * tt), [
            Step("=", (1 - w_) ** 2 * Ex(Dw(tt) ** 2) + b_w, "(d)"),
            Step("=", D_stat + (sigma ** 2 / nb - D_stat) * (1 - w_) ** (2 * tt + 2), "induction hypothesis; algebra"),
        ], text=r"closed form of the mean error ($0 < w$; base $D_0 = \sigma^2/n$)", induction=tt),
        Claim("h", Ex(Vw(tt) ** 2), "=", sigma ** 4 + V_stat + (2 * sigma ** 4 / (nb - 1) - V_stat) * rho_w ** tt, [
            Step("=", Ex(Ex(Vw(tt + 1) ** 2, F)), "tower property",
                 rule=instance_of("tower property E[Y] = E[E[Y | F_t]]",
                                  lambda lhs, rhs: rhs == Ex(Ex(lhs.args[0], F)))),
            Step("=", rho_w * Ex((Vw(tt) - sigma ** 2) ** 2) + c_w + sigma ** 4,
                 r"(e) and (c): $\mathbb{E}v_t = \sigma^2$; algebra"),
            Step("=", sigma ** 4 + V_stat + (2 * sigma ** 4 / (nb - 1) - V_stat) * rho_w ** (tt + 1),
                 "(c), induction hypothesis; algebra"),
        ], text=r"closed form of the variance error $V_t = \mathbb{E}v_t^2 - \sigma^4 = V_\infty + (V_0 - V_\infty)"
                r"\rho^t$ ($\rho \ne 1$; base $V_0 = 2\sigma^4/(n-1)$)", induction=tt),
        Claim("i", rho_w - 1, "=", (m_syn + 1) / (m_syn - 1) * (w_c - w_) * (2 - w_ - w_c), [
            Step("=", (m_syn + 1) / (m_syn - 1) * (w_c - w_) * (2 - w_ - w_c),
                 r"$w_c = 1 - \sqrt{(m-1)/(m+1)}$; algebra"),
        ], text=r"$\rho - 1$ has the sign of $w_c - w$ ($2 - w - w_c > 0$): the variance error has a stationary "
                r"value iff $w > w_c$, and grows geometrically below $w_c$ (linearly at $w_c$, where $\rho = 1$)"),
        Claim("j", sp.diff(g, w_), "=", 2 * (w_ ** 2 + kk * w_ - kk) / (w_ ** 2 * (2 - w_) ** 2), [
            Step("=", 2 * (w_ ** 2 + kk * w_ - kk) / (w_ ** 2 * (2 - w_) ** 2), "differentiate; algebra"),
        ], text=r"with $m = n/k$, $D_\infty = \frac{\sigma^2}{n}g(w)$, $g(w) = \frac{k(1-w)^2 + w^2}{w(2-w)}$: "
                r"$g'$ vanishes only where $w^2 + kw - k = 0$"),
        Claim("k", w_star ** 2 + kk * w_star - kk, "=", 0, [
            Step("=", 0, "algebra"),
        ], text=r"$w^*(k) = (\sqrt{k^2+4k} - k)/2$ is that root (the other one is negative), a minimum since "
                r"$g \to \infty$ at $w \to 0$"),
        Claim("l", w_star.subs(kk, 1), "=", 1 / sp.GoldenRatio, [
            Step("=", 1 / sp.GoldenRatio, r"$\varphi = (1+\sqrt5)/2$"),
        ], text=r"equal real and synthetic sample sizes: the reciprocal of the golden ratio"),
    ]
    return Theorem(
        name="weighted_fresh_data",
        title="Weighted fresh data: exact errors and the golden-ratio weight",
        statement=(r"With $\hat\mu_t = (1-w)\bar y + w\bar x$ and $v_t = (1-w)s_y^2 + w s_x^2$ ($m$ synthetic samples "
                   r"of the previous model, $n$ fresh real samples), $\mathbb{E}v_t = \sigma^2$, the mean error "
                   r"and the variance error obey the affine recursions (d), (f) with the closed forms (g), (h); the "
                   r"variance error has a stationary value iff $w > w_c = 1 - \sqrt{(m-1)/(m+1)}$, and with "
                   r"$m = n/k$ the stationary mean error is smallest at $w^*(k) = (\sqrt{k^2+4k}-k)/2$ "
                   r"($1/\varphi$ at $k = 1$)."),
        assumptions=[Assume(w_, r"$0 < w < 1$"), Assume(m_syn, r"$m \ge 2$"), Assume(nb, r"$n \ge 2$"),
                     Assume(kk, r"$k > 0$"), ASSUME_SIGMA],
        claims=claims,
        model=Model(index=tt,
                    transition={Dw(tt + 1): (1 - w_) * (Dw(tt) + sp.sqrt(Vw(tt) / m_syn) * Z_1)
                                + w_ * sigma * Z_2 / sp.sqrt(nb),
                                Vw(tt + 1): (1 - w_) * Vw(tt) * X_m / (m_syn - 1)
                                + w_ * sigma ** 2 * Y_real / (nb - 1)},
                    initial={Dw(0): sigma * Z_0 / sp.sqrt(nb), Vw(0): sigma ** 2 * Y_0 / (nb - 1)},
                    given=F,
                    text=[r"$\delta_t = \hat\mu_t - \mu$; step 0 fits $n$ real samples: "
                          r"$\delta_0 = \sigma Z_0/\sqrt n$, $v_0 = \sigma^2 Y_0/(n-1)$.",
                          r"Step $t+1$ (Cochran for each group): $\bar y = \hat\mu_t + \sqrt{v_t/m}\,Z_1$, "
                          r"$s_y^2 = v_t X_m/(m-1)$, $\bar x = \mu + \sigma Z_2/\sqrt n$, $s_x^2 = \sigma^2 Y_n/(n-1)$ "
                          r"with $Z_1, Z_2 \sim N(0,1)$, $X_m \sim \chi^2_{m-1}$, $Y_n \sim \chi^2_{n-1}$ independent "
                          r"of each other and of the past $\mathcal F_t$."]),
        corroborated_by=["E[(mu_t-mu)^2] (weighted)", "E[(v_t-sigma^2)^2] (weighted)", "E[v_t] (weighted)",
                         "optimal real weight (weighted)"],
        process="mitigation",
        source=("He, Xu, Cheng (2025), Golden Ratio Weighting Prevents Model Collapse, arXiv:2502.18049; exact "
                "moments as in theory.mitigation.weighted"),
        remarks=[r"At $w = 0$ the mean error is a random walk, $\sigma^2/n + t\sigma^2/m$.  The threshold $w_c \approx "
                 r"1/(m+1)$ for large $m$ vanishes in He et al.'s asymptotic regime; at $m = 2$ it is "
                 r"$1 - 1/\sqrt3 \approx 0.42$."],
    )


WEIGHTED_FRESH_DATA = _weighted()


# sampling bias (Alemohammad et al.)
lam_b = sp.Symbol(r"\lambda", positive=True)
kb = sp.Symbol("k", integer=True, positive=True)
X_b = ChiSquared("X_{n+1}", kb)
Z_nb = Normal("Z_{n+1}", 0, 1)


def _sampling_bias():
    q = lam_b  # lambda * rho with rho = 1 (unbiased)
    var_mu = lam_b * sigma ** 2 * (1 - q ** n) / (M * (1 - q))
    drift = sp.log(lam_b) + sp.polygamma(0, kb / 2) + sp.log(2 / kb)
    claims = [
        Claim("a", Ex(S(n + 1) ** 2, F), "=", lam_b * S(n) ** 2, [
            Step("=", Ex(lam_b * S(n) ** 2 * X_b / kb, F), r"definition of the model"),
            Step("=", lam_b * S(n) ** 2, r"$\mathbb{E}[\chi^2_k] = k$ (sympy.stats)"),
        ], text=r"a sampler of variance $\lambda\sigma_n^2$ makes the unbiased refit lose the factor $\lambda$"),
        Claim("b", Ex(S(n) ** 2), "=", sigma ** 2 * lam_b ** n, [
            Step("=", Ex(Ex(S(n + 1) ** 2, F)), "tower property"),
            Step("=", lam_b * Ex(S(n) ** 2), "(a)"),
            Step("=", sigma ** 2 * lam_b ** (n + 1), "induction hypothesis"),
        ], text=r"$\mathbb{E}\sigma_n^2 = \sigma^2\lambda^n$: collapse in expectation (no martingale any more)",
            induction=n),
        Claim("c", Ex(D(n) ** 2), "=", var_mu, [
            Step("=", Ex((D(n) + sp.sqrt(lam_b) * S(n) * Z_nb / sp.sqrt(M)) ** 2), "definition of the model"),
            Step("=", Ex(D(n) ** 2) + lam_b * Ex(S(n) ** 2) / M, r"expand; $\mathbb{E}Z = 0$, $\mathbb{E}Z^2 = 1$"),
            Step("=", var_mu.subs(n, n + 1), "induction hypothesis, (b); algebra"),
        ], text=r"$\operatorname{Var}\mu_n = \frac{\lambda\sigma^2}{M}\frac{1-\lambda^n}{1-\lambda}$", induction=n),
        Claim("d", var_mu, "<=", lam_b * sigma ** 2 / (M * (1 - lam_b)), [
            Step("<=", lam_b * sigma ** 2 / (M * (1 - lam_b)), r"$0 < \lambda^n \le 1$",
                 bounds=[Bound(lam_b ** n, "(0,1]", "hypothesis on lambda")]),
        ], text=r"the random walk of the mean freezes: bounded uniformly in $n$ (it grows like $n\sigma^2/M$ "
                r"at $\lambda = 1$)"),
        Claim("e", Ex(sp.log(S(n) ** 2)), "=", sp.log(sigma ** 2) + n * drift, [
            Step("=", Ex(sp.log(lam_b * S(n) ** 2 * X_b / kb)), "definition of the model"),
            Step("=", sp.log(sigma ** 2) + (n + 1) * drift,
                 r"log of a product; induction hypothesis; $\mathbb{E}\log\chi^2_k = \psi(k/2) + \log 2$"),
        ], text=r"the log-variance drift gains $\log\lambda$ per generation", induction=n),
    ]
    return Theorem(
        name="sampling_bias",
        title="Sampling bias: the spread collapses, the mean freezes",
        statement=(r"If every generation samples $M$ points from $N(\mu_n, \lambda\sigma_n^2)$, $0 < \lambda < 1$, and "
                   r"refits the unbiased variance, then $\mathbb{E}\sigma_n^2 = \sigma^2\lambda^n$, "
                   r"$\operatorname{Var}\mu_n = \frac{\lambda\sigma^2}{M}\frac{1-\lambda^n}{1-\lambda} \le "
                   r"\frac{\lambda\sigma^2}{M(1-\lambda)}$ and $\mathbb{E}\log\sigma_n^2 = \log\sigma^2 + "
                   r"n[\log\lambda + \psi(\frac{M-1}{2}) + \log\frac{2}{M-1}]$ (the MLE multiplies by "
                   r"$((M-1)/M)^n$ as without bias)."),
        assumptions=[ASSUME_M, Assume(kb, r"$k = M - 1 \ge 1$ (encoded as $k = m + 1$)", _m + 1),
                     Assume(lam_b, r"$0 < \lambda < 1$ (encoded as $\lambda = 1/(1+u)$, $u > 0$)", 1 / (1 + _u)),
                     ASSUME_SIGMA, ASSUME_N],
        claims=claims,
        model=Model(index=n,
                    transition={S(n + 1): S(n) * sp.sqrt(lam_b * X_b / kb),
                                D(n + 1): D(n) + sp.sqrt(lam_b) * S(n) * Z_nb / sp.sqrt(M)},
                    initial={S(0): sigma, D(0): sp.Integer(0)}, given=F,
                    text=[r"Generation $n+1$ is fitted (sample mean, unbiased variance) to $M$ samples of "
                          r"$N(\mu_n, \lambda\sigma_n^2)$; Cochran: $\sigma_{n+1}^2 = \lambda\sigma_n^2 X_{n+1}/k$, "
                          r"$\delta_{n+1} = \delta_n + \sqrt\lambda\,\sigma_n Z_{n+1}/\sqrt M$, $k = M - 1$, "
                          r"$X_{n+1} \sim \chi^2_k$ and $Z_{n+1} \sim N(0,1)$ independent of $\mathcal F_n$."]),
        corroborated_by=["E[sigma_n^2]", "Var[mu_n]", "E[log sigma_n^2]"],
        process="gaussian",
        source=("Alemohammad et al. (2024, ICLR), Self-Consuming Generative Models Go MAD, arXiv:2307.01850 "
                "(sampling bias); exact moments as in theory.gaussian (keyword bias)"),
    )


SAMPLING_BIAS = _sampling_bias()


# kernel density chains (Kazdan et al.; Fu et al.)
kap = sp.Symbol(r"\kappa", positive=True)
hh = sp.Symbol("h", positive=True)


def _kde():
    from sympy.stats import Uniform

    tt = sp.Symbol("t", integer=True, nonnegative=True)
    N = _Np
    Dk, Vk = sp.Symbol("D", nonnegative=True), sp.Symbol("V", nonnegative=True)
    qk, ak = sp.Symbol("q", positive=True), sp.Symbol("a", nonnegative=True)
    eps_g, eps_u = Normal("varepsilon_G", 0, hh), Uniform("varepsilon_U", -hh, hh)
    xs = sp.symbols("x_1:4", real=True)
    A3, Q3 = sp.Add(*xs), sp.Add(*[x ** 2 for x in xs])
    e1, e2 = sp.Symbol(r"\mathbb{E}\varepsilon", real=True), sp.Symbol(r"\mathbb{E}\varepsilon^2", positive=True)

    def batch(NN, A2, QQ):
        """(E (sum y)^2, E sum y^2) of n samples given stored sums (E y = A/N, E y^2 = Q/N + kappa)."""
        return nb * (QQ / NN + kap) + nb * (nb - 1) * A2 / NN ** 2, nb * (QQ / NN + kap)

    # replace, N = n: A^2 = n^2 D, Q = n (V + D)
    a2r, qr = batch(nb, nb ** 2 * Dk, nb * (Vk + Dk))
    D1, V1 = a2r / nb ** 2, qr / nb - a2r / nb ** 2
    r = (nb - 1) / nb
    Vt = (nb - 1) * kap + r ** tt * ((nb - 1) * sigma ** 2 / nb - (nb - 1) * kap)
    # accumulate, N = (t+1) n: A^2 = N^2 a, Q = N q; the new batch is added to the stored points
    Na = (tt + 1) * nb
    a2b, qbt = batch(Na, Na ** 2 * ak, Na * qk)
    a_next = (Na ** 2 * ak * (1 + 2 * nb / Na) + a2b) / (Na + nb) ** 2
    q_next = (Na * qk + qbt) / (Na + nb)
    claims = [
        Claim("a", Ex(eps_g ** 2), "=", hh ** 2, [Step("=", hh ** 2, "sympy.stats")],
              text=r"Gaussian kernel: $\kappa = h^2$ (and $\mathbb{E}\varepsilon = 0$)"),
        Claim("b", Ex(eps_u ** 2), "=", hh ** 2 / 3, [Step("=", hh ** 2 / 3, "sympy.stats")],
              text=r"top-hat kernel on $[-h, h]$: $\kappa = h^2/3$ (and $\mathbb{E}\varepsilon = 0$)"),
        Claim("c", sp.Add(*[(x ** 2 + 2 * x * e1 + e2) for x in xs]) / 3, "=", Q3 / 3 + kap, [
            Step("=", Q3 / 3 + kap, r"$\mathbb{E}\varepsilon = 0$, $\mathbb{E}\varepsilon^2 = \kappa$ (a), (b); "
                                    r"algebra"),
        ], text=r"a sample $y = x_U + \varepsilon$ with $U$ uniform on the $N$ stored points (here $N = 3$): "
                r"$\mathbb{E}[y^2 \mid P] = \frac1N\sum_i \mathbb{E}(x_i + \varepsilon)^2 = Q/N + \kappa$; "
                r"likewise $\mathbb{E}[y \mid P] = A/N$: only the kernel's variance enters"),
        Claim("d", D1, "=", Dk + (Vk + kap) / nb, [
            Step("=", Dk + (Vk + kap) / nb, r"$n$ iid samples: $\mathbb{E}(\sum y)^2 = n\mathbb{E}y^2 + "
                                            r"n(n-1)(\mathbb{E}y)^2$; $N = n$; algebra"),
        ], text=r"replace: $D = (m_t - \mu)^2$, $V = s_t^2$ of the stored points; "
                r"$\mathbb{E}[D' \mid \cdot] = D + (V + \kappa)/n$, a random walk of the mean"),
        Claim("e", V1, "=", (nb - 1) / nb * (Vk + kap), [
            Step("=", (nb - 1) / nb * (Vk + kap), "algebra"),
        ], text=r"replace: $\mathbb{E}[V' \mid \cdot] = \frac{n-1}{n}(V + \kappa)$"),
        Claim("f", D1 + V1, "=", Dk + Vk + kap, [
            Step("=", Dk + Vk + kap, "(d), (e)"),
        ], text=r"replace: each generation adds the kernel variance to $\mathbb{E}s_t^2 + \mathbb{E}(m_t-\mu)^2$"),
        Claim("g", (nb - 1) * sigma ** 2 / nb + sigma ** 2 / nb, "=", sigma ** 2, [
            Step("=", sigma ** 2, "algebra"),
        ], text=r"model 0 stores $n$ real points: $\mathbb{E}s_0^2 + \mathbb{E}(m_0-\mu)^2 = \sigma^2$"),
        Claim("h", sp.Symbol(r"\mathbb{E}s_t^2 + \mathbb{E}(m_t-\mu)^2"), "=", sigma ** 2 + tt * kap, [
            Step("=", sigma ** 2 + tt * kap, r"induction on $t$ with the tower property: (f), (g)",
                 rule=by_claims("induction on t", "f", "g")),
        ], text=r"the identity $\mathbb{E}s_t^2 + \mathbb{E}(m_t-\mu)^2 = \sigma^2 + t\kappa$ "
                r"($= \sigma^2 + th^2$ for the Gaussian kernel)"),
        Claim("i", Vt.subs(tt, tt + 1), "=", (nb - 1) / nb * (Vt + kap), [
            Step("=", (nb - 1) / nb * (Vt + kap), "algebra"),
        ], text=r"the closed form $\mathbb{E}s_t^2 = (n-1)\kappa + (\frac{n-1}{n})^t(\frac{n-1}{n}\sigma^2 - "
                r"(n-1)\kappa)$ satisfies (e) ..."),
        Claim("j", Vt.subs(tt, 0), "=", (nb - 1) * sigma ** 2 / nb, [
            Step("=", (nb - 1) * sigma ** 2 / nb, "algebra"),
        ], text=r"... and the initial value: the variance inflates to $(n-1)\kappa$ (the KDE's own variance "
                r"$s_t^2 + \kappa \to n\kappa$) instead of collapsing, while $\mathbb{E}(m_t - \mu)^2 = "
                r"\sigma^2 + t\kappa - \mathbb{E}s_t^2$ grows linearly"),
        Claim("k", q_next, "=", qk + kap / (tt + 2), [
            Step("=", qk + kap / (tt + 2), r"$N = (t+1)n$ points, the batch is added; algebra"),
        ], text=r"accumulate: $q_t = \mathbb{E}Q_t/N_t = \mathbb{E}s_t^2 + \mathbb{E}(m_t-\mu)^2$ grows by "
                r"$\kappa/(t+2)$"),
        Claim("l", (sigma ** 2 + kap * (sp.harmonic(tt + 2) - 1)) - (sigma ** 2 + kap * (sp.harmonic(tt + 1) - 1)),
              "=", kap / (tt + 2), [
                  Step("=", kap / (tt + 2), "harmonic numbers (expand_func)"),
              ], text=r"so $q_t = \sigma^2 + \kappa(H_{t+1} - 1)$ ($q_0 = \sigma^2$): logarithmic growth"),
        Claim("m", a_next, "=", ak * (1 - 1 / ((tt + 2) ** 2 * nb)) + (qk + kap) / ((tt + 2) ** 2 * nb), [
            Step("=", ak * (1 - 1 / ((tt + 2) ** 2 * nb)) + (qk + kap) / ((tt + 2) ** 2 * nb),
                 r"$\mathbb{E}[A'^2 \mid \cdot] = A^2 + 2nA^2/N + \mathbb{E}(\sum y)^2$; algebra"),
        ], text=r"accumulate: the mean error $a_t = \mathbb{E}(m_t-\mu)^2$; its increments are "
                r"$O(\log t/t^2)$, so it converges"),
    ]
    return Theorem(
        name="kde_chain",
        title="Kernel density chains: variance inflation and the identity of the replace chain",
        statement=(r"A kernel density estimate with fixed bandwidth, refitted on $n$ of its own samples (replace) "
                   r"or on all samples so far (accumulate), has $\mathbb{E}s_t^2 + \mathbb{E}(m_t-\mu)^2 = "
                   r"\sigma^2 + t\kappa$ (replace) and $\sigma^2 + \kappa(H_{t+1}-1)$ (accumulate), with "
                   r"$\kappa = h^2$ for the Gaussian and $h^2/3$ for the top-hat kernel; under replace the variance "
                   r"inflates to $(n-1)\kappa$ and the mean performs a random walk."),
        assumptions=[Assume(nb, r"$n \ge 2$"), Assume(kap, r"$\kappa > 0$, the kernel variance"), ASSUME_SIGMA],
        claims=claims,
        notation=[Notation(e1, lambda: sp.Integer(0), r"$\mathbb{E}\varepsilon = 0$ (a), (b)"),
                  Notation(e2, lambda: kap, r"$\mathbb{E}\varepsilon^2 = \kappa$ (a), (b)")],
        corroborated_by=["E[s_t^2] (kde)", "E[(m_t-mu)^2] (kde)", "E[s_t^2]+E[(m_t-mu)^2] (kde)",
                         "only the kernel variance enters (kde)"],
        process="mitigation",
        source=("Kazdan et al. (2024), arXiv:2410.16713 (KDEs under replace and accumulate); Fu et al. (2024, ICML), "
                "Towards Theoretical Understandings of Self-Consuming Generative Models, arXiv:2402.11778; exact "
                "moments as in theory.mitigation.kde"),
    )


KDE_CHAIN = _kde()

#: The theorems of the remedies of issue 13.
REMEDY_THEOREMS = (ACCUMULATE_SUBSAMPLE, ACCUMULATE_SUBSAMPLE_LIMITS, WEIGHTED_FRESH_DATA, SAMPLING_BIAS, KDE_CHAIN)

#: The mitigation theorems in document order.
THEOREMS = (MIXING_UNBIASED, MIXING_MLE, MIXING_DISCRETE, ACCUMULATION) + REMEDY_THEOREMS
