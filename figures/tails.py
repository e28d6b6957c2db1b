"""Figures of tails and language: learning curves on Zipf laws, real English over generations, the histogram of
generated text, the forgetting law.  Exact values as lines, Monte Carlo as markers (+-2 s.e.).

Each function takes ``(out_dir, seed=DEFAULT_SEED, quick=False)``, writes ``NAME.pdf``, ``NAME.png`` and
``NAME.csv`` (every plotted line) through :func:`figures.style.save`, and returns the written paths;
``quick=True`` uses fewer chains and points, a smaller English vocabulary and fewer tokens per generation (a
preview, and the tests), the default the paper scale.
"""

from __future__ import annotations

import math

import numpy as np

from figures import style
from numerics import tails as nt
from numerics.engine import DEFAULT_SEED
from theory import discrete as td
from theory import tails as th

__all__ = ["FIGURES", "learning_curves_figure", "english_generations_figure", "histogram_figure",
           "forgetting_figure"]

#: Zipf law of the learning-curve figure, the cut, the clean weight of the mixture, the narrowed exponent.
V_ZIPF, BETA, K_CUT, PI_MIX, BETA_AI = 100_000, 1.5, 100, 0.1, 2.0
#: English vocabulary (quick: smaller), generations.
V_ENGLISH, V_QUICK, N_MAX = 100_000, 20_000, 50
#: Tokens per generation of the English figure (quick: smaller, so that no large ancestry kernel is built).
M_ENGLISH, M_QUICK = (1000, 10_000), (300, 1000)


def _se(x, axis=0):
    return x.std(axis=axis, ddof=1) / math.sqrt(x.shape[axis])


def learning_curves_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Test error of Hutter's learner on Zipf(1.5), V = 1e5: clean, cut tail (plateau), mixture (grokking), narrowed."""
    p = th.zipf(V_ZIPF, BETA)
    laws = {"clean": None, "cut": th.tail_cut(p, K_CUT), "mixture": th.tail_mixture(p, K_CUT, PI_MIX),
            "narrowed": th.zipf(V_ZIPF, BETA_AI)}
    T = np.unique(np.round(np.logspace(1, 7, 13 if quick else 49)).astype(np.int64))
    exact = {k: np.array([th.memorization_error(p, int(t), q) for t in T]) for k, q in laws.items()}
    data = {"T": T, **{f"exact_{k}": v for k, v in exact.items()}}
    data["power_law_clean"] = np.array([th.learning_curve_asymptotic(float(t), BETA) for t in T])
    data["power_law_narrowed"] = np.array([th.learning_curve_asymptotic(float(t), BETA, BETA_AI) for t in T])
    data["power_law_mixture"] = np.array([th.learning_curve_asymptotic(PI_MIX * float(t), BETA) for t in T])
    plateau = 1 - math.fsum(p[:K_CUT])
    data["plateau_finite_V"] = np.full(T.size, plateau)
    marks = np.array([100, 1000, 10_000])
    chains = 60 if quick else 2000
    ss = iter(np.random.SeedSequence(seed).spawn(len(laws) * marks.size))
    c = style.COLORS
    colors = {"clean": c["blue"], "cut": c["vermillion"], "mixture": c["green"], "narrowed": c["purple"]}
    mc = {k: np.array([nt.simulate_memorization(p, int(t), chains, q=q, seed=next(ss)).statistic("error", 0)
                       for t in marks]) for k, q in laws.items()}
    data["mc_T"] = marks
    for k, x in mc.items():
        data[f"mc_{k}"], data[f"mc_se_{k}"] = x.mean(axis=1), _se(x, 1)
    fig, (a, b) = style.new_figure(style.FULL, 2.9, ncols=2)
    for ax, kinds in ((a, ("clean", "cut", "mixture")), (b, ("clean", "narrowed"))):
        for k in kinds:
            ax.plot(T, exact[k], color=colors[k], label=f"{k}: exact")
            ax.errorbar(marks, data[f"mc_{k}"], yerr=2 * data[f"mc_se_{k}"], fmt="o", ms=3, color=colors[k],
                        label=f"{k}: Monte Carlo")
    a.plot(T, data["power_law_clean"], ls="--", color=c["blue"],
           label=r"$C_\beta T^{-(\beta-1)/\beta}$ (infinite $V$)")
    a.plot(T, data["plateau_finite_V"], ls=":", color=c["vermillion"], label=r"plateau $\sum_{i>k} p_i$")
    a.plot(T, data["power_law_mixture"], ls="--", color=c["green"], label=r"$C_\beta(\pi T)^{-(\beta-1)/\beta}$")
    tg = th.grokking_time(K_CUT, BETA, PI_MIX)
    a.plot([tg], [plateau], marker="v", color="k", ls="none", label=f"$T^*$ = {tg:.3g} (grokking)")
    data["grokking_T"], data["grokking_level"] = [tg], [plateau]
    b.plot(T, data["power_law_clean"], ls="--", color=c["blue"], label=r"exponent $(\beta-1)/\beta = 1/3$")
    b.plot(T, data["power_law_narrowed"], ls="--", color=c["purple"], label=r"exponent $(\beta-1)/\beta' = 1/4$")
    for ax, title in ((a, f"cut at k = {K_CUT}, mixture $\\pi$ = {PI_MIX}"),
                      (b, f"narrowed tail: training law Zipf({BETA_AI})")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("training samples T")
        ax.set_ylabel("test error (probability)")
        ax.set_title(f"Zipf({BETA}), V = {V_ZIPF:.0e}: {title}", fontsize="small")
        ax.legend(fontsize="xx-small")
    return style.save(fig, out_dir, "tails_learning_curves", data)


def english_generations_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Real English (wordfreq): lost probability mass and vocabulary over generations, for M tokens per generation."""
    V = V_QUICK if quick else V_ENGLISH
    p = nt.english_unigram(V)
    zipf = th.zipf(V, 1.0)
    n = np.arange(1, N_MAX + 1)
    data = {"generation": n}
    c = style.COLORS
    fig, (a, b) = style.new_figure(style.FULL, 2.8, ncols=2)
    Ms = M_QUICK if quick else M_ENGLISH
    for M, col in zip(Ms, (c["vermillion"], c["blue"])):
        lost = th.generations_error(p, M, n)
        voc = th.expected_vocabulary(p, M, n)
        a.plot(n, lost, color=col, label=f"English, M = {M}: exact")
        b.plot(n, voc, color=col, label=f"English, M = {M}: exact")
        data[f"lost_M{M}"], data[f"vocabulary_M{M}"] = lost, voc
        zl = th.generations_error(zipf, M, n)
        a.plot(n, zl, ls="--", color=col, label=f"Zipf(1) on V types, M = {M}")
        data[f"lost_zipf1_M{M}"] = zl
    marks = np.array([1, 2, 5, 10, 20, 50])
    run = nt.simulate_generations(p, Ms[0], N_MAX, 60 if quick else 1000, record=marks, seed=seed,
                                  label=f"English V={V}")
    for ax, name in ((a, "lost"), (b, "vocabulary")):
        x = np.array([run.statistic(name, int(g)) for g in marks])
        ax.errorbar(marks, x.mean(axis=1), yerr=2 * _se(x, 1), fmt="o", ms=3, color=c["vermillion"],
                    label=f"Monte Carlo, M = {Ms[0]}")
        data[f"mc_{name}_M{Ms[0]}"], data[f"mc_se_{name}_M{Ms[0]}"] = x.mean(axis=1), _se(x, 1)
    data["mc_generation"] = marks
    a.set_ylabel("expected lost probability mass")
    b.set_ylabel("expected number of words present")
    b.set_yscale("log")
    for ax in (a, b):
        ax.set_xlabel("generation n")
        ax.set_xscale("log")
        ax.legend(fontsize="xx-small")
    a.set_title(f"English word frequencies (wordfreq), V = {V}", fontsize="small")
    return style.save(fig, out_dir, "tails_english_generations", data)


def histogram_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """The per-token log10-probability histogram of generated English text over generations (perplexity analogue)."""
    V = V_QUICK if quick else V_ENGLISH
    p = nt.english_unigram(V)
    M = 1000
    edges = np.arange(-8.0, -0.49, 0.5)
    centres = (edges[:-1] + edges[1:]) / 2
    shown = (1, 5, 20)
    run = nt.simulate_generations(p, M, max(shown), 60 if quick else 1000, record=shown, edges=edges, seed=seed,
                                  label=f"English V={V}")
    c = style.COLORS
    data = {"bin_centre_log10p": centres}
    fig, (a, b) = style.new_figure(style.FULL, 2.8, ncols=2)
    law = th.log_probability_histogram(p, edges, M, 1)
    expected = np.where(law.mass > 0, law.mass, np.nan)
    a.plot(centres, expected, color="k", label=r"$E[S_b] = P_b$ (every generation, exact)")
    data["expected_mass"] = expected
    for g, col in zip(shown, (c["sky"], c["orange"], c["vermillion"])):
        S = run.statistic("bins", g)
        med = np.median(S, axis=0)
        med = np.where(med > 0, med, np.nan)  # a median of 0 cannot be drawn on a log axis: the curve stops
        a.plot(centres, med, "o-", ms=2.5, lw=0.8, color=col, label=f"median over runs, n = {g} (ends where 0)")
        data[f"median_mass_n{g}"] = med
    a.set_yscale("log")
    a.set_ylim(1e-5, 0.5)
    a.set_xlabel(r"$\log_{10} p$ of a generated token under the original model")
    a.set_ylabel(r"generated mass $S_b$ in the bin")
    a.set_title(f"English, M = {M} tokens per generation", fontsize="small")
    gens = np.array([1, 2, 3, 5, 7, 10, 15, 20, 30, 50]) if quick else np.arange(1, 51)
    rare = np.flatnonzero(law.mass > 0)[:3]
    for b_idx, col in zip(rare, (c["vermillion"], c["orange"], c["green"])):
        empty = np.array([th.log_probability_histogram(p, edges, M, int(g)).empty[b_idx] for g in gens])
        label = f"[{edges[b_idx]:g}, {edges[b_idx + 1]:g})"
        b.plot(gens, empty, color=col, label=f"bin {label}: exact")
        data[f"p_empty_bin{b_idx}"] = empty
        frac = np.array([np.mean(run.statistic("bins", g)[:, b_idx] == 0) for g in shown])
        b.plot(shown, frac, "o", ms=3, color=col, label=f"bin {label}: Monte Carlo")
        data[f"mc_empty_bin{b_idx}"] = frac
    data["generation"], data["mc_generation"] = gens, np.array(shown)
    b.set_xscale("log")
    b.set_xlabel("generation n")
    b.set_ylabel("probability that the bin is empty")
    b.set_title("the rarest words vanish first", fontsize="small")
    for ax in (a, b):
        ax.legend(fontsize="xx-small")
    return style.save(fig, out_dir, "tails_logprob_histogram", data)


def forgetting_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Survival of a word of count c under Poisson refits: exact, the stated bound, Wright-Fisher, Monte Carlo."""
    k = np.unique(np.round(np.logspace(0, 4, 20 if quick else 60)).astype(np.int64))
    c_ = style.COLORS
    data = {"k": k}
    fig, ax = style.new_figure(style.SINGLE, 2.6)
    ss = iter(np.random.SeedSequence(seed).spawn(4))
    for cnt, col in ((1, c_["blue"]), (10, c_["vermillion"]), (100, c_["green"])):
        s = np.array([1 - th.forgetting_probability(cnt, int(j)) for j in k])
        bound = np.array([th.paper_survival_bound(cnt, int(j)) for j in k])
        ax.plot(k, s, color=col, label=f"c = {cnt}: exact")
        ax.plot(k, bound, ls=":", color=col, label=f"c = {cnt}: stated bound $1-e^{{-c/k}}$")
        data[f"survival_c{cnt}"], data[f"paper_bound_c{cnt}"] = s, bound
        med = th.median_forgetting_time(cnt)
        ax.plot([med], [1 - th.forgetting_probability(cnt, med)], marker="v", color=col, ls="none")
        data[f"median_k_c{cnt}"], data[f"median_survival_c{cnt}"] = [med], [1 - th.forgetting_probability(cnt, med)]
    wf = td.survival_probabilities(k[k <= 1000], 100)[:, 10]
    ax.plot(k[k <= 1000], wf, ls="--", color=c_["vermillion"], label="c = 10: Wright-Fisher, n = 100")
    data["wright_fisher_c10_n100"] = wf
    marks = np.array([1, 3, 10, 30, 100])
    run = nt.simulate_poisson_refit(10, 20, int(marks[-1]), 200 if quick else 20_000, record=marks, seed=next(ss))
    mc = np.array([1 - run.statistic("forgotten", int(j)) for j in marks])
    ax.errorbar(marks, mc.mean(axis=1), yerr=2 * _se(mc, 1), fmt="o", ms=3, color=c_["vermillion"],
                label="c = 10: Poisson refits, Monte Carlo")
    data["mc_k"], data["mc_survival_c10"], data["mc_se_c10"] = marks, mc.mean(axis=1), _se(mc, 1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1.2)
    ax.set_xlabel("refits k")
    ax.set_ylabel("P(word still present)")
    ax.legend(fontsize="xx-small", ncol=1)
    return style.save(fig, out_dir, "tails_forgetting", data)


FIGURES = {
    "tails_learning_curves": learning_curves_figure,
    "tails_english_generations": english_generations_figure,
    "tails_logprob_histogram": histogram_figure,
    "tails_forgetting": forgetting_figure,
}
