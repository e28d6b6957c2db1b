"""Figures of the functional approximation (truncation, temperature) and functional expressivity errors.

Theory (:mod:`theory.approximation`) as lines, Monte Carlo
(:mod:`numerics.approximation`, :mod:`numerics.gaussian`) as markers with
:math:`\\pm 2` standard errors.  ``quick=True`` draws the same figure (axes,
labels, legend, CSV columns) from fewer Monte Carlo chains: for tests and
previews, not for a paper.
"""

from __future__ import annotations

import math

import numpy as np

from figures import style
from numerics import approximation as na
from numerics import gaussian as ng
from numerics.engine import DEFAULT_SEED
from theory import approximation as ta

__all__ = ["FIGURES", "truncation_figure", "expressivity_figure"]

M_FIG = 20
N_FIG = 30
CHAINS_FIG = 20_000
QUICK_CHAINS_FIG = 1_000
CUTS = (1.5, 2.0, 3.0)
TEMPERATURES = (0.8, 0.95)


def truncation_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """E[sigma_n^2] under truncated (+-c sigma) and low-temperature sampling: theory lines, MC markers, M = 20."""
    chains = QUICK_CHAINS_FIG if quick else CHAINS_FIG
    n = np.arange(N_FIG + 1)
    marks = np.arange(0, N_FIG + 1, 5)
    ss = np.random.SeedSequence(seed).spawn(len(CUTS) + len(TEMPERATURES))
    fig, ax = style.new_figure(style.SINGLE, 2.8)
    data = {"n": n, "mc_n": marks}
    colors = list(style.COLORS.values())
    for i, c in enumerate(CUTS):
        col = colors[i]
        r = ta.truncation_variance_factor(c)
        ax.plot(n, r ** n, color=col, label=f"cut $\\pm{c:g}\\sigma$: $r={r:.3f}$")
        run = na.simulate_truncation(c, M_FIG, N_FIG, chains, seed=ss[i], snapshots=marks)
        mean = np.array([run.variance(k).mean() for k in marks])
        sem = np.array([run.variance(k).std(ddof=1) / math.sqrt(chains) for k in marks])
        ax.errorbar(marks, mean, yerr=2 * sem, fmt="o", color=col, ms=2.5)
        data[f"theory_cut{c:g}"] = r ** n
        data[f"mc_cut{c:g}"], data[f"mc_cut{c:g}_sem"] = mean, sem
    for j, T in enumerate(TEMPERATURES):
        col = colors[len(CUTS) + j]
        ax.plot(n, T ** n, "--", color=col, label=f"temperature $T={T:g}$")
        run = na.simulate_temperature(T, M_FIG, N_FIG, chains, seed=ss[len(CUTS) + j], snapshots=marks)
        mean = np.array([run.variance(k).mean() for k in marks])
        sem = np.array([run.variance(k).std(ddof=1) / math.sqrt(chains) for k in marks])
        ax.errorbar(marks, mean, yerr=2 * sem, fmt="s", color=col, ms=2.5)
        data[f"theory_T{T:g}"] = T ** n
        data[f"mc_T{T:g}"], data[f"mc_T{T:g}_sem"] = mean, sem
    ax.plot([], [], "o", color="0.4", ms=2.5, label=f"MC mean, $M={M_FIG}$, $\\pm2$ s.e.")
    ax.set_yscale("log")
    ax.set_xlabel("generation $n$ (refits)")
    ax.set_ylabel(r"$E[\sigma_n^2]$ (units of $\sigma^2$)")
    ax.set_title(r"tail cutting: $E[\sigma_n^2]=\sigma^2 (r\rho)^n$, unbiased refit ($\rho=1$)")
    ax.legend(loc="lower left")
    return style.save(fig, out_dir, "approximation_truncation", data)


SEPARATIONS = np.linspace(0.0, 5.0, 21)
M_EXPR = 100
N_EXPR = 100
CHAINS_EXPR = 5_000
QUICK_CHAINS_EXPR = 500


def expressivity_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """One Gaussian fitted to a two-component mixture: the fit, the irreducible error, and its recursive refit."""
    fig, (a, b, c) = style.new_figure(style.FULL, 2.5, ncols=3)
    col = style.COLORS
    mix = na.EXPRESSIVITY_MIXTURE
    mu, var = ta.mixture_moments(mix)
    x = np.linspace(-7, 7, 561)
    p = ta.mixture_pdf(x, mix)
    q = np.exp(-0.5 * (x - mu) ** 2 / var) / math.sqrt(2 * math.pi * var)
    a.fill_between(x, p, color="0.85", lw=0, label="mixture $0.5N(-2,1)+0.5N(2,1)$")
    a.plot(x, q, color=col["vermillion"], label=f"fitted Gaussian $N({mu:g}, {var:g})$")
    a.set_xlabel("$x$")
    a.set_ylabel("density")
    a.set_title("(a) best Gaussian with infinite data")
    a.legend(loc="upper left", fontsize=5.5)

    kl, w2 = [], []
    for d in SEPARATIONS:
        m = ((0.5, 0.5), (-d / 2, d / 2), (1.0, 1.0))
        kl.append(ta.expressivity_kl(m))
        w2.append(ta.expressivity_w2_squared(m))
    b.plot(SEPARATIONS, kl, color=col["blue"], label=r"$KL(p\,\|\,q)$ (nats)")
    b.plot(SEPARATIONS, w2, color=col["green"], label=r"$W_2^2(p, q)$ (units of $x^2$)")
    b.set_xlabel(r"separation $\mu_2-\mu_1$ (units of $s$)")
    b.set_ylabel("irreducible error")
    b.set_title("(b) expressivity error vs separation")
    b.legend(loc="upper left")

    n = np.arange(N_EXPR + 1)
    marks = np.arange(0, N_EXPR + 1, 10)
    data = {"x": x, "mixture_pdf": p, "gaussian_pdf": q, "separation": SEPARATIONS, "kl": kl, "w2sq": w2,
            "n": n, "mc_n": marks}
    ss = np.random.SeedSequence(seed).spawn(2)
    for est, color, fmt, s in (("unbiased", col["blue"], "o", ss[0]), ("mle", col["orange"], "s", ss[1])):
        th = np.array([ta.expressivity_recursive_w2_squared(int(k), M_EXPR, mix, estimator=est) for k in n])
        run = ng.simulate(M_EXPR, N_EXPR, QUICK_CHAINS_EXPR if quick else CHAINS_EXPR, mu=mu, sigma2=var,
                          estimator=est, seed=s,
                          record=(), snapshots=marks, quantiles=())
        vals = [ta.w2_squared_gaussians_to_mixture(run.snapshots[k]["mean"],
                                                   sigma2=np.exp(run.snapshots[k]["log_variance"]), mixture=mix)
                for k in marks]
        mean = np.array([v.mean() for v in vals])
        sem = np.array([v.std(ddof=1) / math.sqrt(v.size) for v in vals])
        c.plot(n, th, color=color, label=f"theory, {est}")
        c.errorbar(marks, mean, yerr=2 * sem, fmt=fmt, color=color, ms=2.5, label=f"MC, {est}, $\\pm2$ s.e.")
        data[f"theory_{est}"], data[f"mc_{est}"], data[f"mc_{est}_sem"] = th, mean, sem
    irr = ta.expressivity_w2_squared(mix)
    c.axhline(irr, color="0.4", ls=":", lw=0.8, label=f"irreducible ($n=0$): {irr:.3f}")
    c.set_xlabel("generation $n$ (Gaussian refits)")
    c.set_ylabel(r"$E[W_2^2(N(\mu_n,\sigma_n^2), p)]$ (units of $x^2$)")
    c.set_title(f"(c) refitted, $M={M_EXPR}$")
    c.legend(loc="upper left")
    return style.save(fig, out_dir, "approximation_expressivity", data)


FIGURES = {"approximation_truncation": truncation_figure, "approximation_expressivity": expressivity_figure}
