"""Figure of the paper's GMM experiment: densities at selected generations and the distance to the original.

``gmm_collapse`` runs :data:`CHAINS` independent chains of :func:`numerics.gmm.simulate`
(``M = 1000`` samples, EM warm-started from the previous fit -- see
:mod:`numerics.gmm` for the paper-scale settings) for :data:`GENERATIONS`
generations, in two worker processes, about 30-40 s.  ``quick=True`` runs
:data:`QUICK_CHAINS` chains for :data:`QUICK_GENERATIONS` generations (a few
seconds): the density panels then show only the paper's generations up to
that horizon.  For tests and previews, not for a paper.
"""

from __future__ import annotations

import numpy as np

from figures import style
from numerics import gmm
from theory import approximation as ta

__all__ = ["FIGURES", "gmm_collapse_figure"]

GENERATIONS = 2000
CHAINS = 4
SHOWN = (0, 50, 100, 150, 200, 350, 2000)  # the paper's generations
QUICK_GENERATIONS = 200
QUICK_CHAINS = 2


def gmm_collapse_figure(out_dir, seed=20240724, generations=None, chains=None, workers=2, quick=False):
    """GMM refitted by EM on its own samples: densities of chain 0 (top) and distances of every chain (bottom)."""
    if generations is None:
        generations = QUICK_GENERATIONS if quick else GENERATIONS
    if chains is None:
        chains = QUICK_CHAINS if quick else CHAINS
    shown = [g for g in SHOWN if g <= generations]
    run = gmm.simulate(generations, chains, samples=1000, seed=seed, w2_every=10, w2_generations=shown,
                       workers=workers)
    fig = style.new_figure(style.FULL, 4.2)[0]
    fig.clf()  # replace the default axes by a 2-row grid (the figure keeps the shared style)
    grid = fig.add_gridspec(2, len(shown), height_ratios=[1, 1.3])
    x = np.linspace(-6, 6, 601)
    p0 = ta.mixture_pdf(x, gmm.ORIGINAL)
    data = {"x": x, "density_original": p0}
    c = style.COLORS
    for i, g in enumerate(shown):
        ax = fig.add_subplot(grid[0, i])
        p = ta.mixture_pdf(x, run.mixture(0, g))
        ax.fill_between(x, p0, color="0.85", lw=0, label="original" if i == 0 else None)
        ax.plot(x, p, color=c["blue"], lw=1.0, label="fitted GMM" if i == 0 else None)
        ax.set_title(f"(a) $n={g}$" if i == 0 else f"$n={g}$")
        ax.set_xlim(-6, 6)
        ax.set_yticks([])
        ax.set_xlabel("$x$")
        if i == 0:
            ax.set_ylabel("density")
            ax.legend(loc="upper left", fontsize=5)
        data[f"density_chain0_n{g}"] = p
    ax = fig.add_subplot(grid[1, : len(shown) // 2 + 1])
    n = np.arange(generations + 1)
    for k in range(chains):
        ax.plot(n[1:], run.l2_squared[k, 1:], lw=0.6, color=list(c.values())[k % 8],
                label=f"chain {k}")
        data[f"L2sq_chain{k}"] = run.l2_squared[k]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("generation $n$ (EM refits)")
    ax.set_ylabel(r"$\|p_n-p_0\|_2^2$ (1/units of $x$)")
    ax.set_title("(b) $L_2^2$ to the original (the paper's metric)")
    ax.legend(loc="lower right", ncol=2)
    ax2 = fig.add_subplot(grid[1, len(shown) // 2 + 1:])
    gw = run.w2_generations
    for k in range(chains):
        ax2.plot(gw[1:], run.w2_squared[k, 1:], "-", lw=0.8, color=list(c.values())[k % 8])
        data[f"W2sq_chain{k}"] = run.w2_squared[k]
    median_w2 = np.median(run.w2_squared, axis=0)
    ax2.plot(gw[1:], median_w2[1:], color="k", lw=1.4, label="median of chains")
    data["W2sq_median_of_chains"] = median_w2
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xlabel("generation $n$ (EM refits)")
    ax2.set_ylabel(r"$W_2^2(p_n, p_0)$ (units of $x^2$)")
    ax2.set_title("(c) $W_2^2$ to the original")
    ax2.legend(loc="lower right")
    fig.suptitle(f"GMM refitted by EM on $M=1000$ of its own samples; top: chain 0 at the paper's generations "
                 f"(grey: original $0.5N(-2,1)+0.5N(2,1)$)", fontsize=7)
    data["n"] = n
    data["w2_generations"] = gw
    return style.save(fig, out_dir, "gmm_collapse", data)


FIGURES = {"gmm_collapse": gmm_collapse_figure}
