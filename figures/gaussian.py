"""Figures of Gaussian model collapse: theory as lines, Monte Carlo as markers with error bars.

Each figure function takes ``(out_dir, seed=..., quick=False)``, writes
``NAME.pdf``, ``NAME.png`` and ``NAME.csv`` (the plotted data) through
:func:`figures.style.save`, and returns the written paths.  ``quick=True``
draws the same figure (axes, labels, legend, CSV columns) from fewer Monte
Carlo chains or a shorter horizon: for tests and previews, not for a paper.
"""

from __future__ import annotations


import numpy as np

from figures import style
from numerics import checks as ck
from numerics import gaussian as ng
from numerics.engine import DEFAULT_SEED
from theory import gaussian as th

__all__ = ["FIGURES", "collapse_figure", "w2_schedule_figure"]

M_FIG = 20
N_FIG = 200
CHAINS_FIG = 20_000
PATHS_FIG = 4
#: Chains at the quick scale (``quick=True``).
QUICK_CHAINS_FIG = 1_000


def collapse_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Variance collapse at constant mean (left) and the growth of E[W2^2] (right), M = 20."""
    chains = QUICK_CHAINS_FIG if quick else CHAINS_FIG
    n = np.arange(N_FIG + 1)
    marks = np.arange(0, N_FIG + 1, 10)
    run = ng.simulate(M_FIG, N_FIG, chains, seed=seed, record=marks, paths=PATHS_FIG, quantiles=(0.5,))
    mle = ng.simulate(M_FIG, N_FIG, chains, estimator="mle", seed=seed + 1, record=marks, quantiles=())

    ev = th.expected_variance(n, M_FIG)
    es = th.expected_std(n, M_FIG)
    med = np.array([th.median_variance(int(k), M_FIG) for k in marks])
    w2u = th.expected_w2_squared(n, M_FIG)
    w2m = th.expected_w2_squared(n, M_FIG, estimator="mle")

    s_var, s_std = run.summaries["variance"], run.summaries["std"]
    # a Monte Carlo mean of sigma_n^2 is shown filled only where the check is powered (numerics.checks)
    powered = np.array([k == 0 or ck.is_powered(chains, ng.exact_kurtosis(int(k), M_FIG, "unbiased")[0])
                        for k in marks])

    fig, (a, b) = style.new_figure(style.FULL, 2.6, ncols=2)
    c = style.COLORS
    a.plot(n, ev, color=c["blue"], label=r"$E[\sigma_n^2]=\sigma^2$ (theory)")
    a.plot(n, es ** 2, color=c["vermillion"], label=r"$E[\sigma_n]^2=\sigma^2 c_4^{2n}$ (theory)")
    a.plot(marks, med, color=c["green"], label=r"median $\sigma_n^2$ (theory)")
    for i in range(PATHS_FIG):
        a.plot(n, np.exp(run.paths["log_variance"][:, i]), color="0.6", lw=0.5, alpha=0.8,
               label="sample paths of $\\sigma_n^2$" if i == 0 else None)
    a.errorbar(marks[powered], s_var.mean[powered], yerr=2 * s_var.sem[powered], fmt="o", color=c["blue"],
               label=r"MC mean $\sigma_n^2$ $\pm 2$ s.e.")
    a.plot(marks[~powered], s_var.mean[~powered], "o", mfc="none", color=c["blue"],
           label="MC mean, underpowered")
    a.errorbar(marks, s_std.mean ** 2, yerr=4 * s_std.mean * s_std.sem, fmt="s", color=c["vermillion"],
               label=r"MC $(\mathrm{mean}\ \sigma_n)^2$")
    a.plot(marks, s_var.quantiles[:, 0], "^", color=c["green"], label=r"MC median $\sigma_n^2$")
    a.set_yscale("log")
    a.set_xlabel("generation $n$ (refits)")
    a.set_ylabel(r"fitted variance $\sigma_n^2$ (units of $\sigma^2$)")
    a.set_title(f"(a) unbiased refit, $M={M_FIG}$: mean kept, mass collapses")
    a.legend(loc="lower left", ncol=1)

    b.plot(n, w2u, color=c["blue"], label=r"unbiased: $\sigma^2(n/M+2-2c_4^n)$")
    b.plot(n, w2m, color=c["orange"], label=r"MLE: $\to 2\sigma^2$")
    b.errorbar(marks, run.summaries["w2_squared"].mean, yerr=2 * run.summaries["w2_squared"].sem, fmt="o",
               color=c["blue"], label=r"MC unbiased $\pm 2$ s.e.")
    b.errorbar(marks, mle.summaries["w2_squared"].mean, yerr=2 * mle.summaries["w2_squared"].sem, fmt="s",
               color=c["orange"], label=r"MC MLE $\pm 2$ s.e.")
    b.set_xlabel("generation $n$ (refits)")
    b.set_ylabel(r"$E[W_2^2]$ to the original (units of $\sigma^2$)")
    b.set_title(f"(b) distance to the original, $M={M_FIG}$")
    b.legend(loc="upper left")

    data = {"n": n, "theory_E_var": ev, "theory_E_std_squared": es ** 2, "theory_W2_unbiased": w2u,
            "theory_W2_mle": w2m, "mc_n": marks, "theory_median_var": med, "mc_mean_var": s_var.mean,
            "mc_sem_var": s_var.sem, "mc_powered_var": powered.astype(float), "mc_mean_std": s_std.mean, "mc_mean_std_squared": s_std.mean ** 2,
            "mc_sem_std": s_std.sem, "mc_median_var": s_var.quantiles[:, 0],
            "mc_W2_unbiased": run.summaries["w2_squared"].mean, "mc_W2_unbiased_sem": run.summaries["w2_squared"].sem,
            "mc_W2_mle": mle.summaries["w2_squared"].mean, "mc_W2_mle_sem": mle.summaries["w2_squared"].sem}
    for i in range(PATHS_FIG):
        data[f"path{i}_var"] = np.exp(run.paths["log_variance"][:, i])
    return style.save(fig, out_dir, "gaussian_collapse", data)


SCHEDULES = {
    "constant $M_j=10$": lambda j: 10 + 0 * j,
    "linear $M_j=10(j+1)$": lambda j: 10 * (j + 1),
    r"$M_j=\lceil 10(j+2)\ln^2(j+2)\rceil$": lambda j: np.ceil(10 * (j + 2) * np.log(j + 2) ** 2),
    "quadratic $M_j=10(j+1)^2$": lambda j: 10 * (j + 1) ** 2,
}


#: Horizon of the schedule figure (exact theory), at paper and quick scale.
N_SCHEDULE, QUICK_N_SCHEDULE = 10_000, 1_000


def w2_schedule_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """E[W2^2] under sample-size schedules M_j: bounded only for superlinear growth (exact theory)."""
    n_max = QUICK_N_SCHEDULE if quick else N_SCHEDULE
    j = np.arange(n_max)
    fig, ax = style.new_figure(style.SINGLE, 2.4)
    data = {"n": np.arange(n_max + 1)}
    for (label, f), color in zip(SCHEDULES.items(), style.COLORS.values()):
        mom = th.schedule_moments(f(j).astype(np.int64))
        ax.plot(data["n"][1:], mom.expected_w2_squared[1:], color=color, label=label)
        data[label.replace("$", "").replace("\\", "")] = mom.expected_w2_squared
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("generation $n$ (refits)")
    ax.set_ylabel(r"$E[W_2^2]$ (units of $\sigma^2$)")
    ax.set_title("unbiased refit: bounded iff $\\sum_j 1/M_j<\\infty$")
    ax.legend(loc="upper left")
    return style.save(fig, out_dir, "gaussian_w2_schedules", data)


FIGURES = {"gaussian_collapse": collapse_figure, "gaussian_w2_schedules": w2_schedule_figure}
