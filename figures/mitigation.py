"""Figures of the mitigations: replace vs accumulate vs fresh data, the stationary state with fresh data, and
the three workflows of Kazdan et al. (replace, accumulate, accumulate-subsample) side by side.

Theory as lines, Monte Carlo as markers with 2-standard-error bars.  Each
function takes ``(out_dir, seed=..., quick=False)``, writes ``NAME.pdf``,
``NAME.png`` and ``NAME.csv`` through :func:`figures.style.save`, and returns
the paths.  ``quick=True`` draws the same figure (axes, labels, legend, CSV
columns) from fewer Monte Carlo chains: for tests and previews, not for a paper.
"""

from __future__ import annotations

import numpy as np

from figures import style
from numerics import checks as ck
from numerics import gaussian as ng
from numerics import mitigation as nm
from numerics.engine import DEFAULT_SEED
from theory import gaussian as thg
from theory import mitigation as th

__all__ = ["FIGURES", "replace_vs_accumulate_figure", "fresh_data_figure", "workflows_figure"]

M_FIG = 20
N_FIG = 200
CHAINS_FIG = 20_000
ALPHA_FIG = 0.1
#: Chains of the Gaussian and of the categorical runs at the quick scale (``quick=True``).
QUICK_CHAINS_FIG = 1_000
QUICK_DISC_CHAINS = 500


def replace_vs_accumulate_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """E[(mu_n-mu)^2] and E[W2^2] vs n: replace grows, accumulate and 10 % fresh data stay bounded (M = 20)."""
    chains = QUICK_CHAINS_FIG if quick else CHAINS_FIG
    n = np.arange(N_FIG + 1)
    marks = np.unique(np.round(np.logspace(0, np.log10(N_FIG), 12)).astype(int))
    rep = nm.simulate_mixing(0.0, M_FIG, N_FIG, chains, seed=seed, record=marks)  # alpha = 0: replace
    acc = nm.simulate_accumulate(M_FIG, N_FIG, chains, seed=seed + 1, record=marks)
    mix = nm.simulate_mixing(ALPHA_FIG, M_FIG, N_FIG, chains, seed=seed + 2, record=marks)

    d_rep = thg.mean_variance(n, M_FIG)
    w_rep = thg.expected_w2_squared(n, M_FIG)
    d_acc = th.accumulate_moments_path(N_FIG, M_FIG).mean_error
    d_mix = th.mixing_moments_path(N_FIG, ALPHA_FIG, M_FIG).mean_error
    bound = th.accumulate_mean_error_bound(M_FIG)
    d_mix_inf = th.mixing_stationary(ALPHA_FIG, M_FIG).mean_error
    acc_lo, acc_hi = np.array([th.accumulate_w2_bounds(int(k), M_FIG) for k in marks]).T
    mix_lo, mix_hi = np.array([th.mixing_w2_bounds(int(k), ALPHA_FIG, M_FIG) for k in marks]).T

    c = style.COLORS
    fig, (a, b) = style.new_figure(style.FULL, 2.7, ncols=2)
    a.plot(n[1:], d_rep[1:], color=c["vermillion"], label=r"replace: $n\sigma^2/M$")
    a.plot(n[1:], d_acc[1:], color=c["blue"], label="accumulate (exact)")
    a.plot(n[1:], d_mix[1:], color=c["green"], label=rf"fresh data $\alpha={ALPHA_FIG}$ (exact)")
    a.axhline(bound, color=c["blue"], ls=":", label=r"bound $\pi^2\sigma^2/(6M)$")
    a.axhline(d_mix_inf, color=c["green"], ls="--", lw=0.8, label=r"stationary value, $\alpha=0.1$")
    for run, col, mk in ((rep, c["vermillion"], "o"), (acc, c["blue"], "s"), (mix, c["green"], "^")):
        s = run.summaries["mean_error_sq"]
        a.errorbar(marks, s.mean, yerr=2 * s.sem, fmt=mk, color=col, ms=3.5)
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("generation $n$ (refits)")
    a.set_ylabel(r"$E[(\mu_n-\mu)^2]$ (units of $\sigma^2$)")
    a.set_title(f"(a) mean error, $M={M_FIG}$ (markers: Monte Carlo)")
    a.legend(loc="upper left")

    b.plot(n[1:], w_rep[1:], color=c["vermillion"], label=r"replace: $\sigma^2(n/M+2-2c_4^n)$")
    b.fill_between(marks, acc_lo, acc_hi, color=c["blue"], alpha=0.15, lw=0, label="accumulate: exact bounds")
    b.fill_between(marks, mix_lo, mix_hi, color=c["green"], alpha=0.15, lw=0,
                   label=rf"$\alpha={ALPHA_FIG}$: exact bounds")
    for run, col, mk, lab in ((rep, c["vermillion"], "o", "MC replace"), (acc, c["blue"], "s", "MC accumulate"),
                              (mix, c["green"], "^", rf"MC $\alpha={ALPHA_FIG}$")):
        s = run.summaries["w2_squared"]
        b.errorbar(marks, s.mean, yerr=2 * s.sem, fmt=mk, color=col, ms=3.5, label=lab)
    b.set_xscale("log")
    b.set_yscale("log")
    b.set_xlabel("generation $n$ (refits)")
    b.set_ylabel(r"$E[W_2^2]$ to the original (units of $\sigma^2$)")
    b.set_title("(b) Wasserstein-2 distance, unbiased refit")
    b.legend(loc="upper left")

    data = {"n": n, "theory_d2_replace": d_rep, "theory_d2_accumulate": d_acc, "theory_d2_mix": d_mix,
            "theory_W2_replace": w_rep, "bound_pi2_6M": [bound], "stationary_d2_mix": [d_mix_inf],
            "mc_n": marks, "mc_d2_replace": rep.summaries["mean_error_sq"].mean,
            "mc_d2_replace_sem": rep.summaries["mean_error_sq"].sem, "mc_d2_accumulate": acc.summaries["mean_error_sq"].mean,
            "mc_d2_accumulate_sem": acc.summaries["mean_error_sq"].sem, "mc_d2_mix": mix.summaries["mean_error_sq"].mean,
            "mc_d2_mix_sem": mix.summaries["mean_error_sq"].sem,
            "mc_W2_replace": rep.summaries["w2_squared"].mean, "mc_W2_replace_sem": rep.summaries["w2_squared"].sem,
            "mc_W2_accumulate": acc.summaries["w2_squared"].mean,
            "mc_W2_accumulate_sem": acc.summaries["w2_squared"].sem,
            "mc_W2_mix": mix.summaries["w2_squared"].mean, "mc_W2_mix_sem": mix.summaries["w2_squared"].sem,
            "W2_lower_accumulate": acc_lo, "W2_upper_accumulate": acc_hi, "W2_lower_mix": mix_lo,
            "W2_upper_mix": mix_hi}
    return style.save(fig, out_dir, "mitigation_replace_vs_accumulate", data)


FRESH_MS = (5, 20, 100)
DISC_ALPHAS = (0.0, 0.05, 0.1, 0.25)
DISC_M = 20
DISC_P = (0.1, 0.2, 0.3, 0.4)
DISC_N = 150
DISC_CHAINS = 4000


def fresh_data_figure(out_dir, seed=DEFAULT_SEED, quick=False):
    """Stationary error vs real-data fraction (Gaussian) and diversity kept by fresh data (categorical)."""
    c = style.COLORS
    cols = [c["blue"], c["vermillion"], c["green"], c["orange"]]
    fig, (a, b, d) = style.new_figure(style.FULL, 2.5, ncols=3)
    data = {}
    # (a) stationary M * E[(mu-mu)^2] vs alpha, exact, with MC markers at a few alphas
    ss = np.random.SeedSequence(seed).spawn(len(FRESH_MS) + len(DISC_ALPHAS) + 1)
    for i, (M, col) in enumerate(zip(FRESH_MS, cols)):
        alphas = np.arange(1, M + 1) / M
        D = np.array([th.mixing_stationary(al, M).mean_error for al in alphas])
        V = np.array([th.mixing_stationary(al, M).variance for al in alphas])
        a.plot(alphas, M * D, color=col, label=rf"$M={M}$")
        a.plot(alphas, V, color=col, ls="--", lw=0.9)
        mc_al = [al for al in (0.2, 0.6) if abs(al * M - round(al * M)) < 1e-9]
        mc_d, mc_se = [], []
        for al in mc_al:
            gens = int(np.ceil(np.log(1e-6) / np.log(th.mixing_spectral_radius(al, M))))
            run = nm.simulate_mixing(al, M, gens, QUICK_CHAINS_FIG if quick else CHAINS_FIG,
                                     seed=ss[i].spawn(2)[mc_al.index(al)], record=(gens,))
            mc_d.append(M * run.summaries["mean_error_sq"].mean[0])
            mc_se.append(M * run.summaries["mean_error_sq"].sem[0])
        a.errorbar(mc_al, mc_d, yerr=2 * np.array(mc_se), fmt="o", color=col, ms=3.5)
        data[f"alpha_M{M}"] = alphas
        data[f"M_times_stationary_d2_M{M}"] = M * D
        data[f"stationary_variance_M{M}"] = V
        data[f"mc_alpha_M{M}"] = mc_al
        data[f"mc_M_times_d2_M{M}"] = mc_d
        data[f"mc_M_times_d2_sem_M{M}"] = mc_se
    a.axhline(1.0, color="0.5", lw=0.6)
    a.plot([], [], color="k", label=r"$M\,E[(\mu_\infty-\mu)^2]$")
    a.plot([], [], color="k", ls="--", lw=0.9, label=r"$E[\sigma_\infty^2]$")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel(r"fresh-data fraction $\alpha = m_r/M$")
    a.set_ylabel(r"stationary value (units of $\sigma^2$)")
    a.set_title("(a) Gaussian, unbiased refit")
    a.legend(loc="upper right", fontsize="x-small")

    # (b) E[H_n] vs n for several alpha, K = 4
    p = np.array(DISC_P)
    hp = 1 - np.sum(p ** 2)
    n = np.arange(DISC_N + 1)
    marks = np.arange(0, DISC_N + 1, 15)
    data["n"] = n
    data["mc_n"] = marks
    for j, (al, col) in enumerate(zip(DISC_ALPHAS, cols)):
        h = th.expected_heterozygosity_mixing(n, al, DISC_M, p)
        run = nm.simulate_discrete_mixing(al, DISC_M, p, DISC_N, QUICK_DISC_CHAINS if quick else DISC_CHAINS,
                                          seed=ss[len(FRESH_MS) + j], record=marks)
        b.plot(n, h / hp, color=col, label=rf"$\alpha={al}$")
        b.errorbar(marks, run.heterozygosity.mean / hp, yerr=2 * run.heterozygosity.sem / hp, fmt="o", color=col,
                   ms=3)
        data[f"theory_H_over_Hp_alpha{al}"] = h / hp
        data[f"mc_H_over_Hp_alpha{al}"] = run.heterozygosity.mean / hp
        data[f"mc_H_over_Hp_sem_alpha{al}"] = run.heterozygosity.sem / hp
    b.set_xlabel("generation $n$ (refits)")
    b.set_ylabel(r"diversity $E[H_n]/H_p$ (dimensionless)")
    b.set_title(rf"(b) categorical, $K=4$, $M={DISC_M}$")
    b.legend(loc="lower left", title="fresh fraction")

    # (c) exact stationary law of the count, two types
    M2, p2 = 20, 0.3
    i = np.arange(M2 + 1)
    width = 0.4
    for k, (al, col) in enumerate(zip((0.05, 0.25), (cols[1], cols[3]))):
        pi = th.wf_mixing_stationary(al, M2, p2)
        d.bar(i + (k - 0.5) * width, pi, width=width, color=col, label=rf"$\alpha={al}$")
        data[f"stationary_law_alpha{al}"] = pi
    data["count"] = i
    d.axvline(p2 * M2, color="0.3", ls=":", lw=0.8, label=r"$Mp$")
    d.set_xlabel(r"count of type 1 (of $M=20$)")
    d.set_ylabel(r"stationary probability $\pi_i$")
    d.set_title(rf"(c) stationary law, $p={p2}$")
    d.legend(loc="upper right")
    return style.save(fig, out_dir, "mitigation_fresh_data", data)


FIGURES = {"mitigation_replace_vs_accumulate": replace_vs_accumulate_figure,
           "mitigation_fresh_data": fresh_data_figure}


WF_N = 10
WF_T = 1000
WF_MARKS = {False: (1, 2, 3, 5, 8, 12, 20, 30, 50), True: (1, 3, 10)}
WF_CHAINS = {False: 20_000, True: 2_000}


def workflows_figure(out_dir, seed=20240724, quick=False):
    """Replace, accumulate and accumulate-subsample side by side (Kazdan et al.), n = 10, exact and Monte Carlo.

    (a) MLE variance: replace collapses geometrically, accumulate and accumulate-subsample settle on plateaus;
    (b) MLE mean error (the two parts add up to sigma^2 in every workflow); (c) unbiased variance: no plateau
    for accumulate-subsample, growth like C t^(1/n).  Lines: exact values for t <= 1000; markers: Monte Carlo
    means with 2-standard-error bars (``quick``: fewer chains and generations, for tests).
    """
    n = WF_N
    t = np.unique(np.round(np.logspace(0, np.log10(WF_T), 150)).astype(int))
    marks = np.array(WF_MARKS[quick])
    chains = WF_CHAINS[quick]
    T_mc = int(marks[-1])
    ss = np.random.SeedSequence(seed).spawn(6)
    theory, mc = {}, {}
    for e, est in enumerate(("mle", "unbiased")):
        rep = th.GaussianMoments(thg.expected_variance(t, n, estimator=est), thg.mean_variance(t, n, estimator=est))
        acc = th.accumulate_moments_path(WF_T, n, estimator=est)
        sub = th.accumulate_subsample_moments_path(WF_T, n, estimator=est)
        theory[est] = {"replace": (rep.variance, rep.mean_error), "accumulate": (acc.variance[t], acc.mean_error[t]),
                       "accumulate-subsample": (sub.variance[t], sub.mean_error[t])}
        runs = {"replace": nm.simulate_mixing(0.0, n, T_mc, chains, estimator=est, seed=ss[3 * e], record=marks),
                "accumulate": nm.simulate_accumulate(n, T_mc, chains, estimator=est, seed=ss[3 * e + 1], record=marks),
                "accumulate-subsample": nm.simulate_accumulate_subsample(n, T_mc, chains, estimator=est,
                                                                         seed=ss[3 * e + 2], record=marks)}
        mc[est] = {wf: (r.summaries["variance"], r.summaries["mean_error_sq"]) for wf, r in runs.items()}
    plateau_acc = th.accumulate_variance_limit(n, estimator="mle")
    plateau_sub = th.accumulate_subsample_limit(n).variance
    growth = th.accumulate_subsample_growth(n)
    asymptote = growth.variance * t.astype(float) ** growth.exponent

    c = style.COLORS
    cols = {"replace": c["vermillion"], "accumulate": c["blue"], "accumulate-subsample": c["green"]}
    marker = {"replace": "o", "accumulate": "s", "accumulate-subsample": "^"}
    fig, (a, b, d) = style.new_figure(style.FULL, 2.6, ncols=3)
    data = {"t": t, "mc_t": marks}
    for ax, est, k, title in ((a, "mle", 0, "(a) variance, MLE"), (b, "mle", 1, "(b) mean error, MLE"),
                              (d, "unbiased", 0, "(c) variance, unbiased")):
        name = "variance" if k == 0 else "mean_error"
        for wf in cols:
            y = theory[est][wf][k]
            ax.plot(t, y, color=cols[wf], label=f"{wf} (exact)")
            s = mc[est][wf][k]
            # the unbiased replace variance is heavy-tailed: a mean over the chains is shown filled only where
            # it is powered (numerics.checks), as in the Gaussian figures
            ok = np.array([not (est == "unbiased" and wf == "replace" and k == 0)
                           or ck.is_powered(chains, ng.exact_kurtosis(int(g), n, est)[0]) for g in marks])
            ax.errorbar(marks[ok], s.mean[ok], yerr=2 * s.sem[ok], fmt=marker[wf], color=cols[wf], ms=3)
            if not ok.all():
                ax.plot(marks[~ok], s.mean[~ok], marker[wf], mfc="none", color=cols[wf], ms=3,
                        label="MC, underpowered")
            data[f"{name}_{est}_{wf}"] = y
            data[f"mc_{name}_{est}_{wf}"] = s.mean
            data[f"mc_{name}_{est}_{wf}_sem"] = s.sem
        ax.set_xscale("log")
        ax.set_xlabel("generation $t$ (refits)")
        ax.set_title(title + rf", $n={n}$")
    a.axhline(plateau_acc, color=cols["accumulate"], ls=":", lw=0.8, label="plateaus")
    a.axhline(plateau_sub, color=cols["accumulate-subsample"], ls=":", lw=0.8)
    a.set_ylim(0, 1.05)
    a.set_ylabel(r"$E[\sigma_t^2]$ (units of $\sigma^2$)")
    a.plot([], [], "o", color="0.4", ms=3, label=r"Monte Carlo $\pm2$ s.e.")
    a.legend(loc="center right", fontsize="x-small")
    b.axhline(1 - plateau_sub, color=cols["accumulate-subsample"], ls=":", lw=0.8,
              label=r"$\sigma^2 - E[\sigma_\infty^2]$")
    b.set_ylabel(r"$E[(\mu_t-\mu)^2]$ (units of $\sigma^2$)")
    b.legend(loc="upper left", fontsize="x-small")
    d.plot(t, asymptote, color=cols["accumulate-subsample"], ls="--", lw=0.8, label=r"$C\,t^{1/n}$: no plateau")
    d.set_ylim(0.5, 1.7)
    d.set_ylabel(r"$E[\sigma_t^2]$ (units of $\sigma^2$)")
    d.legend(loc="upper left", fontsize="x-small")
    data.update({"plateau_accumulate_mle": [plateau_acc], "plateau_accumulate_subsample_mle": [plateau_sub],
                 "mean_error_plateau_accumulate_subsample_mle": [1 - plateau_sub],
                 "growth_C_t_pow_1_over_n_unbiased": asymptote})
    return style.save(fig, out_dir, "mitigation_workflows", data)


FIGURES["mitigation_workflows"] = workflows_figure
