"""Figures of discrete resampling (neutral Wright-Fisher): theory against Monte Carlo.

Each entry of :data:`FIGURES` writes one figure (PDF, PNG and the plotted data
as CSV) through :func:`figures.style.save`.  ``quick=True`` draws the same
figure (axes, labels, legend, CSV columns) from fewer Monte Carlo chains or a
smaller range of ``M``: for tests and previews, not for a paper.
"""

from __future__ import annotations

import numpy as np

from figures import style
from numerics import discrete as nd
from numerics.engine import DEFAULT_SEED
from theory import discrete as th

#: Chains of the Monte Carlo figures at paper and at quick scale.
DIVERSITY_CHAINS, QUICK_DIVERSITY_CHAINS = 4000, 500
ABSORPTION_CHAINS, QUICK_ABSORPTION_CHAINS = 20000, 2000
#: Sample sizes of the Kimura figure (exact chain solved for each); the quick scale stops at 512.
KIMURA_MS = np.array([4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096])
QUICK_KIMURA_MAX_M = 512


def fig_diversity(out_dir, seed=DEFAULT_SEED, quick=False):
    """Diversity decay: E[H_n]/H_0 = (1 - 1/M)^n (lines) against Monte Carlo (points, +-2 SE)."""
    fig, ax = style.new_figure()
    data = {}
    gens = 200
    n = np.arange(gens + 1)
    p = [0.4, 0.3, 0.2, 0.1]
    H0 = 1 - sum(q * q for q in p)
    seeds = np.random.SeedSequence(seed).spawn(3)
    for (M, color), ss in zip(((10, "vermillion"), (40, "blue"), (160, "green")), seeds):
        sim = nd.simulate(p, M, gens, QUICK_DIVERSITY_CHAINS if quick else DIVERSITY_CHAINS, seed=ss)
        mean = sim.mean_heterozygosity() / H0
        var = sim.H_moments[:, 1] / sim.chains - (sim.H_moments[:, 0] / sim.chains) ** 2
        se = np.sqrt(np.maximum(var, 0) / sim.chains) / H0
        theory = np.array([th.expected_heterozygosity(k, p, M) for k in n]) / H0
        ax.plot(n, theory, color=style.COLORS[color], label=f"theory, M = {M}")
        sel = n[::10]
        ax.errorbar(sel, mean[sel], yerr=2 * se[sel], fmt="o", ms=2.5, color=style.COLORS[color],
                    label=f"Monte Carlo, M = {M}")
        data[f"theory_M{M}"] = theory
        data[f"mc_M{M}"] = mean
        data[f"mc_se_M{M}"] = se
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1.5)
    ax.set_xlabel("generation n")
    ax.set_ylabel(r"$E[H_n] / H_0$ (Gini-Simpson diversity)")
    ax.legend(fontsize="x-small", ncol=2)
    return style.save(fig, out_dir, "discrete_diversity", {"generation": n, **data})


def fig_survival(out_dir, seed=DEFAULT_SEED, quick=False):
    """Survival probability of a category against its initial probability i/M, for several n (tails vanish first).

    Exact theory only: ``quick`` changes nothing.
    """
    fig, ax = style.new_figure()
    M = 200
    x = np.arange(1, M + 1) / M
    data = {"initial_probability": x}
    colors = ("black", "vermillion", "orange", "blue", "green")
    for n, c in zip((1, 10, 50, 200, 1000), colors):
        s = th.survival_probabilities(n, M)[1:]
        ax.plot(x, s, color=style.COLORS[c], label=f"n = {n}")
        data[f"survival_n{n}"] = s
    ax.plot(x, x, ls="--", color="0.5", label=r"$n\to\infty$: $p$ (fixation)")
    data["fixation_limit"] = x
    ax.set_xscale("log")
    ax.set_xlabel(r"initial probability $p = i/M$ of the category")
    ax.set_ylabel(r"$P(X_n > 0)$, still present at generation n")
    ax.set_title(f"M = {M}", fontsize="small")
    ax.legend(fontsize="x-small")
    return style.save(fig, out_dir, "discrete_survival", data)


def fig_absorption_time(out_dir, seed=DEFAULT_SEED, quick=False):
    """Absorption-time distribution: exact pmf (from the chain) against a Monte Carlo histogram."""
    fig, ax = style.new_figure()
    M, horizon = 20, 120
    data = {"generation": np.arange(horizon + 1)}
    for (i, color), ss in zip(((10, "blue"), (2, "vermillion")), np.random.SeedSequence(seed).spawn(2)):
        pmf = th.absorption_time_distribution(i, M, horizon)
        sim = nd.simulate([i / M, 1 - i / M], M, 2000, QUICK_ABSORPTION_CHAINS if quick else ABSORPTION_CHAINS,
                          seed=ss)
        T = sim.absorption_time
        hist = np.bincount(np.clip(T, 0, horizon + 1), minlength=horizon + 2)[: horizon + 1] / T.size
        n = np.arange(horizon + 1)
        ax.bar(n, hist, width=1.0, color=style.COLORS[color], alpha=0.35, label=f"Monte Carlo, i = {i}")
        ax.plot(n, pmf, color=style.COLORS[color], label=f"exact pmf, i = {i}")
        data[f"exact_pmf_i{i}"] = pmf
        data[f"mc_freq_i{i}"] = hist
    ax.set_xlabel("absorption time T (generations)")
    ax.set_ylabel("probability P(T = n)")
    ax.set_title(f"two categories, M = {M}", fontsize="small")
    ax.legend(fontsize="x-small")
    return style.save(fig, out_dir, "discrete_absorption_time", data)


def fig_kimura_error(out_dir, seed=DEFAULT_SEED, quick=False):
    """Relative error of Kimura's diffusion approximation of the mean absorption time against M."""
    fig, ax = style.new_figure()
    Ms = KIMURA_MS[KIMURA_MS <= QUICK_KIMURA_MAX_M] if quick else KIMURA_MS
    data = {"M": Ms}
    for pfrac, color in ((0.5, "blue"), (0.125, "vermillion"), (1 / 64, "green")):
        err = []
        for M in Ms:
            i = int(round(pfrac * M))
            if i < 1:
                err.append(np.nan)
                continue
            exact = th.solve_two_type_chain(int(M)).times[i]
            err.append(abs(th.kimura_absorption_time(i / M, int(M)) / exact - 1))
        err = np.array(err)
        ax.plot(Ms, err, "o-", ms=3, color=style.COLORS[color], label=f"p = {pfrac:g}")
        data[f"rel_error_p{pfrac:g}"] = err
    ax.plot(Ms, 1.0 / Ms, ls="--", color="0.5", label=r"$1/M$")
    data["one_over_M"] = 1.0 / Ms
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("samples per generation M")
    ax.set_ylabel("relative error of Kimura's t(p)")
    ax.legend(fontsize="x-small")
    return style.save(fig, out_dir, "discrete_kimura_error", data)


FIGURES = {
    "discrete_diversity": fig_diversity,
    "discrete_survival": fig_survival,
    "discrete_absorption_time": fig_absorption_time,
    "discrete_kimura_error": fig_kimura_error,
}
