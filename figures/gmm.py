"""Figures of the paper's GMM experiment: densities (or samples) at selected generations and the distance to the original.

``gmm_authors`` runs :data:`AUTHORS_CHAINS` chains of the authors' own setting
(:func:`numerics.gmm.simulate_authors`: one 2-D blob N(0, I_2), 2 full-covariance
components, 2050 generations) and draws it in the layout of their notebook;
about 30 s with two workers.

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
from numerics.engine import DEFAULT_SEED
from theory import approximation as ta

__all__ = ["FIGURES", "gmm_collapse_figure", "gmm_authors_figure"]

GENERATIONS = 2000
CHAINS = 4
SHOWN = (0, 50, 100, 150, 200, 350, 2000)  # the paper's generations
QUICK_GENERATIONS = 200
QUICK_CHAINS = 2


def gmm_collapse_figure(out_dir, seed=DEFAULT_SEED, generations=None, chains=None, workers=2, quick=False):
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


AUTHORS_CHAINS = 4
#: The authors' final values (notebook cells 4 and 6): component sds and L2^2 of their one run at fit 2049.
AUTHORS_FINAL = {"generation": 2049, "sd": (0.010000734451561242, 0.0111500785863738), "l2_squared": 536.2797190879907}


#: The quick scale (tests, previews): 60 generations of 2 chains, the same layout.
QUICK_AUTHORS = dict(generations=60, chains=2)


def gmm_authors_figure(out_dir, seed=DEFAULT_SEED, generations=None, chains=None, workers=2, quick=False):
    r"""The authors' 2-D setting (``SETTINGS["authors"]``) in the layout of their notebook.

    Top: the real data and the 1000 samples of chain 0 at generations 0, 50,
    100, 150, 200, 350 and 2000, coloured by the fitted GMM's component (as
    the notebook's ``gmm_example.pdf``); bottom: :math:`\|p_0 - p^{(m)}\|_2^2`
    (the notebook's ``l2_example.pdf``) and the component standard deviations
    :math:`\sqrt{\mathrm{tr}\,\Sigma_k/2}` of every chain, with the authors'
    final values marked.  Default scale: 4 chains of 2050 generations, about
    30 s with 2 workers; ``quick=True``: :data:`QUICK_AUTHORS`.
    """
    scale = QUICK_AUTHORS if quick else dict(generations=gmm.AUTHORS_SETTINGS["generations"], chains=AUTHORS_CHAINS)
    generations = scale["generations"] if generations is None else generations
    chains = scale["chains"] if chains is None else chains
    shown = tuple(g for g in gmm.AUTHORS_SETTINGS["snapshots"] if g < generations)
    run = gmm.simulate_authors(chains, generations=generations, snapshots=shown, seed=seed, workers=workers)
    c = style.COLORS
    comp_colors = (c["blue"], c["orange"])
    others = (c["green"], c["sky"], c["purple"], c["yellow"])
    fig = style.new_figure(style.FULL, 4.0)[0]
    fig.clf()
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.3, 2.0])
    data = {}
    panels = [("real data", run.real_data[0], run.real_labels[0], "real")]
    panels += [(f"$m={g}$", run.snapshot_samples[0, i], run.snapshot_labels[0, i], f"m{g}")
               for i, g in enumerate(shown)]
    axes = top.subplots(1, 8, sharey=True)
    for i, ax in enumerate(axes):
        if i >= len(panels):
            ax.set_visible(False)
            continue
        title, X, lab, key = panels[i]
        for k in range(2):
            sel = lab == k
            ax.scatter(X[sel, 0], X[sel, 1], s=0.3, lw=0, color=comp_colors[k], rasterized=True,
                       label=f"component {k + 1} (of the fit shown)" if i == 0 else None)
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_title(("(a) " if i == 0 else "") + title, fontsize=7)
        ax.set_xticks([-2, 0, 2])
        ax.set_yticks([-2, 0, 2])
        ax.tick_params(labelsize=6)
        ax.set_xlabel("$x_1$", fontsize=7, labelpad=1)
        data[f"{key}_chain0_x1"], data[f"{key}_chain0_x2"] = X[:, 0], X[:, 1]
        data[f"{key}_chain0_component"] = lab + 1
    axes[0].set_ylabel("$x_2$", fontsize=7, labelpad=1)
    top.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2, markerscale=6,
               fontsize=6)
    m = np.arange(generations)
    data["generation_m"] = m
    ax, ax2 = bottom.subplots(1, 2)
    sd = run.component_sd
    for k in range(chains):
        style_k = dict(lw=1.1, color="k") if k == 0 else dict(lw=0.5, color=others[(k - 1) % len(others)])
        ax.plot(m, run.l2_squared[k], **style_k,
                label="chain 0 (top row)" if k == 0 else ("other chains" if k == 1 else None))
        data[f"L2sq_chain{k}"] = run.l2_squared[k]
        for j in range(2):
            ax2.plot(m, sd[k, :, j], **style_k, label="chain 0" if (k, j) == (0, 0) else None)
            data[f"sd_chain{k}_component{j + 1}"] = sd[k, :, j]
    if generations > AUTHORS_FINAL["generation"]:
        mark = dict(color=c["vermillion"], ms=6, mew=1.3, ls="none", label="authors' run, $m=2049$")
        ax.plot([AUTHORS_FINAL["generation"]], [AUTHORS_FINAL["l2_squared"]], "x", **mark)
        ax2.plot([AUTHORS_FINAL["generation"]] * 2, AUTHORS_FINAL["sd"], "x", **mark)
    ax.set_yscale("log")
    ax.set_xlabel("generation $m$ (refits on synthetic data)")
    ax.set_ylabel(r"$\|p_0-p^{(m)}\|_2^2$ (units of $x^{-2}$)")
    ax.set_title(r"(b) $L_2^2$ to $p_0$, the fit to the real data")
    ax.legend(loc="lower right")
    ax2.set_yscale("log")
    ax2.set_xlabel("generation $m$ (refits on synthetic data)")
    ax2.set_ylabel(r"$\sqrt{\mathrm{tr}\,\Sigma_k/2}$ (units of $x$)")
    ax2.set_title("(c) component standard deviations")
    ax2.legend(loc="upper right")
    data["authors_final_generation"] = [AUTHORS_FINAL["generation"]]
    data["authors_final_L2sq"] = [AUTHORS_FINAL["l2_squared"]]
    data["authors_final_sd"] = list(AUTHORS_FINAL["sd"])
    fig.suptitle(r"The authors' setting: one blob $N(0, I_2)$; 2 full-covariance components refitted by EM to "
                 r"$N=1000$ of their own samples", fontsize=7)
    return style.save(fig, out_dir, "gmm_authors", data)


FIGURES = {"gmm_collapse": gmm_collapse_figure, "gmm_authors": gmm_authors_figure}
