"""Figure of multivariate Gaussian collapse: theory as lines, Monte Carlo as markers with error bars.

``multivariate_collapse`` writes ``NAME.pdf``, ``NAME.png`` and ``NAME.csv`` (the
plotted data) through :func:`figures.style.save` and returns the written paths.
``quick=True`` draws the same figure (axes, labels, legend, CSV columns) from
fewer Monte Carlo chains: for tests and previews, not for a paper.
"""

from __future__ import annotations

import numpy as np

from figures import style
from numerics import multivariate as nm
from numerics.engine import DEFAULT_SEED
from theory import multivariate as th

__all__ = ["FIGURES", "collapse_figure"]

#: (d, M) pairs of panel (a): M = 2d, the same samples-per-dimension ratio.
DIMS = ((2, 4), (5, 10), (20, 40))
N_FIG = 40
CHAINS_FIG = {2: 20_000, 5: 8_000, 20: 1_500}
W2_CASE = (5, 10)
W2_CHAINS = 8_000
#: Chains at the quick scale (``quick=True``).
QUICK_CHAINS_FIG = {2: 1_000, 5: 400, 20: 100}
QUICK_W2_CHAINS = 400


def collapse_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """(a) log det Sigma_n / d: exact mean and median vs Monte Carlo; (b) E[W2^2] Monte Carlo inside its exact bracket."""
    n = np.arange(N_FIG + 1)
    marks = np.arange(0, N_FIG + 1, 4)
    fig, (a, b) = style.new_figure(style.FULL, 2.7, ncols=2)
    colors = list(style.COLORS.values())
    data = {"n": n, "mc_n": marks}
    for (d, M), color, s in zip(DIMS, colors, range(len(DIMS))):
        run = nm.simulate(d, M, N_FIG, (QUICK_CHAINS_FIG if quick else CHAINS_FIG)[d], seed=seed + s, record=marks,
                          quantiles=(0.5,))
        mean_th = th.expected_log_det(n, d, M) / d
        med_th = np.array([th.median_log_det(int(k), d, M) for k in marks]) / d
        sm = run.summaries["log_det"]
        a.plot(n, mean_th, color=color, label=f"$d={d}$, $M={M}$: $E$ (theory)")
        a.plot(marks, med_th, color=color, ls="--", lw=0.8)
        a.errorbar(marks, sm.mean / d, yerr=2 * sm.sem / d, fmt="o", ms=3, color=color)
        a.plot(marks, sm.quantiles[:, 0] / d, "^", mfc="none", ms=4, color=color)
        key = f"d{d}_M{M}"
        data.update({f"theory_mean_logdet_over_d_{key}": mean_th, f"theory_median_logdet_over_d_{key}": med_th,
                     f"mc_mean_logdet_over_d_{key}": sm.mean / d, f"mc_sem_logdet_over_d_{key}": sm.sem / d,
                     f"mc_median_logdet_over_d_{key}": sm.quantiles[:, 0] / d})
    a.plot([], [], "ko", ms=3, label=r"MC mean $\pm 2$ s.e.")
    a.plot([], [], "k^", mfc="none", ms=4, label="MC median (dashed: theory)")
    a.axhline(0, color="0.6", lw=0.5)
    a.set_xlabel("generation $n$ (refits)")
    a.set_ylabel(r"$\log\det\Sigma_n\,/\,d$ (nats, $\Sigma_0=I$)")
    a.set_title(r"(a) unbiased refit: $\det\Sigma_n\to0$ while $E[\Sigma_n]=I$")
    a.legend(loc="lower left")

    d, M = W2_CASE
    run = nm.simulate(d, M, N_FIG, QUICK_W2_CHAINS if quick else W2_CHAINS, seed=seed + 10, record=marks,
                      quantiles=())
    lo, up = th.w2_squared_bounds(n, d, M)
    msd = th.mean_squared_displacement(n, d, M)
    sw = run.summaries["w2_squared"]
    b.fill_between(n, lo, up, color=style.COLORS["sky"], alpha=0.4, lw=0, label=r"exact bracket of $E[W_2^2]$ (top $\to n\,\mathrm{tr}\Sigma/M+2\,\mathrm{tr}\Sigma$)")
    b.plot(n, msd, color=style.COLORS["vermillion"], ls="--", label=r"$E\|\mu_n-\mu\|^2 = n\,\mathrm{tr}\Sigma/M$")
    b.errorbar(marks, sw.mean, yerr=2 * sw.sem, fmt="o", ms=3, color=style.COLORS["blue"],
               label=r"MC $E[W_2^2]$ $\pm 2$ s.e.")
    b.set_xlabel("generation $n$ (refits)")
    b.set_ylabel(r"$E[W_2^2]$ to the original (units of $\sigma^2$)")
    b.set_title(f"(b) distance to the original, $d={d}$, $M={M}$, $\\Sigma=I$")
    b.legend(loc="upper left")
    data.update({"theory_W2_lower": lo, "theory_W2_upper": up, "theory_mean_sq_disp": msd,
                 "mc_W2": sw.mean, "mc_W2_sem": sw.sem})
    return style.save(fig, out_dir, "multivariate_collapse", data)


FIGURES = {"multivariate_collapse": collapse_figure}
