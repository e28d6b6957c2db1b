"""Figures of model collapse in linear regression: exact risks as lines, Monte Carlo as markers.

Each function takes ``(out_dir, seed=DEFAULT_SEED, quick=False)``, writes ``NAME.pdf``, ``NAME.png`` and
``NAME.csv`` (every plotted line) through :func:`figures.style.save`, and returns the written paths;
``quick=True`` uses a few thousand chains (tests), the default the paper scale.
"""

from __future__ import annotations

import numpy as np

from figures import style
from numerics import regression as nr
from numerics.engine import DEFAULT_SEED
from theory import regression as th

__all__ = ["FIGURES", "generations_figure", "strong_collapse_figure"]

#: Fixed-design panel: d features, T rows, label noise sigma2 (the chain of Kazdan et al.'s code).
D_FIX, T_FIX, S2_FIX, N_FIX = 5, 20, 1.0, 30
#: Over-parameterized panel: d features, T0 rows per generator.
D_OVER, T0_OVER, N_OVER = 18, 10, 30
#: Strong-collapse panel: d features, delta^2, sigma^2, synthetic fractions.
D_MIX, DELTA2_MIX, S2_MIX, P_MIX = 5, 1.0, 1.0, (0.0, 0.05, 0.2, 0.5)


def _chains(quick):
    return 1_500 if quick else 10_000


def generations_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Risk against generation: fixed-design replace, accumulate, accumulate-subsample; the minimum-norm chain."""
    chains = _chains(quick)
    gens = np.arange(N_FIX + 1)
    marks = np.array([1, 2, 3, 5, 8, 12, 18, 25, 30])
    ss = np.random.SeedSequence(seed).spawn(5)
    runs = {wf: nr.simulate_fixed_design(N_FIX, D_FIX, T_FIX, chains, sigma2=S2_FIX, workflow=wf, seed=s,
                                         record=marks, quantiles=(0.25, 0.5, 0.75))
            for wf, s in zip(nr.FIXED_WORKFLOWS, ss[:3])}
    rep = th.fixed_design_chain_risk(gens, D_FIX, T_FIX, sigma2=S2_FIX)
    acc = th.fixed_design_chain_risk(gens, D_FIX, T_FIX, sigma2=S2_FIX, workflow="accumulate")
    bound = th.ols_risk(D_FIX, T_FIX, sigma2=S2_FIX) * np.pi ** 2 / 6
    infinite_from = th.accumulate_subsample_infinite_from(D_FIX, T_FIX)

    c = style.COLORS
    fig, (a, b) = style.new_figure(style.FULL, 2.8, ncols=2)
    a.plot(gens[1:], rep[1:], color=c["vermillion"], label=r"replace: $n\,\sigma^2 d/(T-d-1)$")
    a.plot(gens[1:], acc[1:], color=c["blue"], label=r"accumulate: $\sigma^2\frac{d}{T-d-1}\sum_{i=1}^{n} i^{-2}$")
    a.axhline(bound, color=c["blue"], ls=":", label=r"bound $\frac{\pi^2}{6}\sigma^2 d/(T-d-1)$")
    for wf, col, mk in (("replace", c["vermillion"], "o"), ("accumulate", c["blue"], "s")):
        s = runs[wf].summaries["risk"]
        a.errorbar(marks, s.mean, yerr=2 * s.sem, fmt=mk, color=col, ms=3.5, label=f"MC mean {wf} $\\pm 2$ s.e.")
    q = runs["accumulate-subsample"].summaries["risk"].quantiles
    a.fill_between(marks, q[:, 0], q[:, 2], color=c["green"], alpha=0.2, lw=0,
                   label="accumulate-subsample: MC quartiles")
    a.plot(marks, q[:, 1], "^-", color=c["green"], ms=3.5, label="accumulate-subsample: MC median")
    a.axvline(infinite_from, color=c["green"], ls="--", lw=0.8,
              label=f"subsample mean risk $=\\infty$ from $n={infinite_from}$")
    a.set_yscale("log")
    a.set_ylim(0.15, 100)
    a.set_xlabel("model $n$ (fits; model 1 sees real labels)")
    a.set_ylabel(r"risk $\|\hat w_n-w_0\|_\Sigma^2$ (units of $\sigma^2$)")
    a.set_title(f"(a) one fixed design, $d={D_FIX}$, $T={T_FIX}$")
    a.legend(loc="upper left", fontsize="x-small")

    over = {}
    for s2, s in zip((0.0, 0.2), ss[3:]):
        run = nr.simulate_overparameterized(N_OVER, D_OVER, T0_OVER, chains, sigma2_gen=s2, seed=s, record=marks)
        over[s2] = (th.overparameterized_chain_error(gens, D_OVER, T0_OVER, sigma2_gen=s2), run.summaries["risk"])
    for (s2, (line, summ)), col, mk in zip(over.items(), (c["purple"], c["orange"]), ("D", "v")):
        b.plot(gens, line, color=col, label=rf"exact, $\sigma^2_{{\rm gen}}={s2:g}$")
        b.errorbar(marks, summ.mean, yerr=2 * summ.sem, fmt=mk, color=col, ms=3.5,
                   label=rf"MC mean $\pm 2$ s.e., $\sigma^2_{{\rm gen}}={s2:g}$")
    b.axhline(1.0, color="0.4", ls=":", label=r"$\|w_0\|^2$: the truth forgotten")
    b.set_ylim(0, None)
    b.set_xlabel("generation $n$")
    b.set_ylabel(r"error $\|\hat w_n-w_0\|^2$ (units of $\|w_0\|^2$)")
    b.set_title(f"(b) minimum-norm chain, $d={D_OVER}$, $T_0={T0_OVER}$")
    b.legend(loc="lower right", fontsize="x-small")

    data = {"n": gens, "theory_replace": rep, "theory_accumulate": acc, "bound_pi2_6": [bound],
            "subsample_mean_infinite_from": [infinite_from], "mc_n": marks}
    for wf in ("replace", "accumulate"):
        data[f"mc_mean_{wf}"] = runs[wf].summaries["risk"].mean
        data[f"mc_sem_{wf}"] = runs[wf].summaries["risk"].sem
    for j, name in enumerate(("q25", "median", "q75")):
        data[f"mc_subsample_{name}"] = q[:, j]
    for s2, (line, summ) in over.items():
        data[f"theory_minnorm_sigma2gen_{s2:g}"] = line
        data[f"mc_minnorm_sigma2gen_{s2:g}"] = summ.mean
        data[f"mc_minnorm_sigma2gen_{s2:g}_sem"] = summ.sem
    data["w0_norm2"] = [1.0]
    return style.save(fig, out_dir, "regression_generations", data)


def strong_collapse_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Strong model collapse: risk of one fit against the sample size n, for several synthetic fractions p."""
    chains = _chains(quick) // 2
    # multiples of 20, so that p n is an integer for every p of P_MIX
    ns = 20 * np.unique(np.round(np.logspace(0, np.log10(500), 60)).astype(int))
    marks = np.array([20, 40, 160, 640])
    ss = np.random.SeedSequence(seed).spawn(len(P_MIX) * marks.size)
    c = style.COLORS
    colors = (c["black"], c["blue"], c["green"], c["vermillion"])
    fig, ax = style.new_figure(style.SINGLE, 2.8)
    data = {"n": ns, "mc_n": marks}
    it = iter(ss)
    for p, col in zip(P_MIX, colors):
        s_of = np.round(p * ns).astype(int)
        line = np.array([th.mixed_ols_risk(D_MIX, int(n), int(s), delta2=DELTA2_MIX, sigma2=S2_MIX)
                         for n, s in zip(ns, s_of)])
        mc, se = [], []
        for n in marks:
            run = nr.simulate_mixed(D_MIX, int(n), int(round(p * n)), chains, delta2=DELTA2_MIX, sigma2=S2_MIX,
                                    seed=next(it))
            mc.append(run.summaries["risk"].mean[0])
            se.append(run.summaries["risk"].sem[0])
        ax.plot(ns, line, color=col, label=f"$p={p:g}$ (exact)")
        ax.errorbar(marks, mc, yerr=2 * np.array(se), fmt="o", color=col, ms=3)
        key = f"p_{p:g}"
        data[f"theory_{key}"], data[f"mc_{key}"], data[f"mc_{key}_sem"] = line, mc, se
        if p > 0:
            floor = th.mixed_ols_floor(p, delta2=DELTA2_MIX)
            ax.axhline(floor, color=col, ls=":", lw=0.8)
            data[f"floor_{key}"] = [floor]
    ax.plot([], [], color="0.4", ls=":", label=r"floor $p^2\delta^2$")
    ax.plot([], [], "o", color="0.4", ms=3, label=r"MC mean $\pm 2$ s.e.")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rows $n$ of the fit ($pn$ synthetic)")
    ax.set_ylabel(r"risk $E\|\hat w-w_1\|^2$ (units of $\delta^2$)")
    ax.set_title(rf"strong collapse, $d={D_MIX}$, $\sigma^2=\delta^2$")
    ax.legend(loc="lower left", fontsize="x-small")
    return style.save(fig, out_dir, "regression_strong_collapse", data)


FIGURES = {"regression_generations": generations_figure, "regression_strong_collapse": strong_collapse_figure}
