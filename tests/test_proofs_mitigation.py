"""Tests of proofs/mitigation.py and proofs/multivariate.py: every derivation checks, wrong steps fail,
results match theory/, documents."""

import os
import re
import shutil
import subprocess

import pytest
import sympy as sp

from proofs import mitigation as mi
from proofs import multivariate as mv
from proofs import report
from proofs.core import FAILED, PROVED, Claim, Ex, Step, Theorem

NAMES = ["mixing_unbiased", "mixing_mle", "mixing_discrete", "accumulation", "accumulate_subsample",
         "accumulate_subsample_limits", "weighted_fresh_data", "sampling_bias", "kde_chain", "multivariate_unbiased",
         "multivariate_sampling_bias"]


@pytest.fixture(scope="module")
def results(proof_results):
    """The session's checked theorems (tests/conftest.py) of proofs/mitigation.py and proofs/multivariate.py."""
    by_name = {r.theorem.name: r for r in proof_results}
    return {t.name: by_name[t.name] for t in mi.THEOREMS + mv.THEOREMS}


# ----------------------------------------------------------------------------- every proof checks

def test_theorems_are_registered():
    names = [t.name for t in report.all_theorems()]
    for name in NAMES:
        assert name in names
    assert [t.name for t in mi.THEOREMS + mv.THEOREMS] == NAMES


def test_every_proof_checks(results):
    for name, r in results.items():
        assert r.status == PROVED, report.summary_table([r])
        assert r.counts()[FAILED] == 0


@pytest.mark.parametrize("name,labels", [
    ("mixing_unbiased", ["a", "b", "c", "d", "e", "f", "g", "h", "k", "o", "p", "q"]),
    ("mixing_mle", ["a", "b", "c", "d", "e", "f", "g", "h", "k", "o", "p", "q", "s"]),
    ("mixing_discrete", ["c", "d", "g", "i", "j", "k", "l", "m", "n", "r"]),
    ("accumulation", ["a", "b", "c", "d", "e", "g", "h"]),
    ("accumulate_subsample", ["a", "b", "c", "d", "e", "f", "g", "h1", "h2", "h3", "i1", "i2", "i3", "j", "k", "l"]),
    ("accumulate_subsample_limits", ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]),
    ("weighted_fresh_data", ["a0", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]),
    ("sampling_bias", ["a", "b", "c", "d", "e"]),
    ("kde_chain", ["a", "b", "c", "d", "e", "f", "g", "i", "j", "k", "l", "m"]),
    ("multivariate_unbiased", ["a", "b", "c", "d", "e", "f", "h", "i", "n", "o"]),
    ("multivariate_sampling_bias", ["a", "b", "c", "d", "e", "h", "j", "k"]),
])
def test_key_steps_are_proved_by_sympy_not_numeric(results, name, labels):
    r = results[name]
    by_label = {c.claim.label: c for c in r.claims}
    for lab in labels:
        cr = by_label[lab]
        assert cr.status == PROVED, (name, lab)
        items = ([cr.base] if cr.base else []) + cr.steps + [cr.conclusion]
        assert all(i.status == PROVED for i in items), (name, lab)


def test_corroborating_rows_exist_in_numerics():
    for t in mi.THEOREMS + mv.THEOREMS:
        assert t.process in ("mitigation", "multivariate", "gaussian")
        src = open(os.path.join(os.path.dirname(__file__), os.pardir, "numerics", t.process + ".py")).read()
        for q in t.corroborated_by:
            if q == "P(count=i) (mix)":
                assert 'f"P(count={i}) (mix)"' in src
            else:
                assert f'"{q}"' in src, q
        for src_name in ("Shumailov", "Bertrand", "Gerstgrasser", "Muirhead", "Kazdan", "He, Xu, Cheng",
                         "Alemohammad"):
            if src_name in t.source:
                break
        else:
            pytest.fail(f"{t.name} cites none of the sources")


# ----------------------------------------------------------------------------- wrong steps fail

def _theorem(base, claims):
    return Theorem("wrong", "wrong", "wrong", base.assumptions, claims, base.model, base.notation)


def test_wrong_stationary_value_fails():
    """(1 - alpha) instead of (1 - alpha)^2 in the stationary mean error."""
    T = mi.MIXING_UNBIASED
    a, M, s = mi.alpha, mi.M, mi.sigma
    wrong_d = s ** 2 * (M - 1) / (M * ((M - 1) - M * (1 - a)))
    A, c = mi._matrix(M - 1)
    v = s ** 2 + (1 - a) * M / (M - 1) * wrong_d
    claim = Claim("g", A[0, 0] * wrong_d + A[0, 1] * v + c[0], "=", wrong_d, [
        Step("=", wrong_d, "wrong closed form"),
    ])
    r = _theorem(T, [claim]).check()
    assert r.status == FAILED and r.claims[0].steps[0].status == FAILED


def test_wrong_conditional_moment_fails():
    T = mi.MIXING_UNBIASED
    D, S, n, F, a, M, s = mi.D, mi.S, mi.n, mi.F, mi.alpha, mi.M, mi.sigma
    wrong = Claim("b", Ex(D(n + 1) ** 2, F), "=", (1 - a) * D(n) ** 2 + (1 - a) * S(n) ** 2 / M + a * s ** 2 / M, [
        Step("=", Ex(mi._NEW_DELTA ** 2, F), "definition"),
        Step("=", (1 - a) * D(n) ** 2 + (1 - a) * S(n) ** 2 / M + a * s ** 2 / M, "wrong: (1-a) for (1-a)^2"),
    ])
    r = _theorem(T, [wrong]).check()
    assert [x.status for x in r.claims[0].steps] == [PROVED, FAILED]


def test_wrong_threshold_fails():
    """1 - sqrt(1 - 2/M) is not where det(I - A) vanishes."""
    T = mi.MIXING_UNBIASED
    A, _ = mi._matrix(mi.M - 1)
    a, M = mi.alpha, mi.M
    ac = 1 - sp.sqrt(1 - 2 / M)
    claim = Claim("k", (1 - A[0, 0]) * (1 - A[1, 1]) - A[0, 1] * A[1, 0], "=",
                  a * M * (a - ac) * (2 - a - ac) / (M - 1), [Step("=", a * M * (a - ac) * (2 - a - ac) / (M - 1), "x")])
    assert _theorem(T, [claim]).check().status == FAILED


def test_wrong_heterozygosity_rate_fails():
    T = mi.MIXING_DISCRETE
    claims = [c for c in T.claims if c.label in "abcdefghijk"]
    b, M = 1 - mi.alpha, mi.M
    wrong = Claim("l", Ex(mi.H(mi.n + 1)), "=", b * (b - 1 / M) * Ex(mi.H(mi.n)), [
        Step("=", Ex(Ex(mi.H(mi.n + 1), mi.F)), "tower property", rule=mi.TOWER),
        Step("=", b * (b - 1 / M) * Ex(mi.H(mi.n)), "wrong: the immigration term is dropped"),
    ])
    r = _theorem(T, claims + [wrong]).check()
    assert r.claims[-1].status == FAILED


def test_wrong_accumulation_weight_fails():
    """1/(j+1) instead of 1/(j+1)^2 in the mean error."""
    T = mi.ACCUMULATION
    D, S, n, j, M = mi.D, mi.S, mi.n, mi.j, mi.M
    Sn = sp.Sum(Ex(S(j) ** 2) / (j + 1), (j, 0, n - 1)) / M
    wrong = Claim("b", Ex(D(n) ** 2), "=", Sn, [
        Step("=", Ex((D(n) + S(n) * mi.Z_n / ((n + 1) * sp.sqrt(M))) ** 2), "model"),
        Step("=", Ex(D(n) ** 2) + Ex(S(n) ** 2) / ((n + 1) ** 2 * M), "expand"),
        Step("=", Sn.subs(n, n + 1), "induction hypothesis"),
    ], induction=n)
    r = _theorem(T, [wrong]).check()
    assert r.claims[0].steps[-1].status == FAILED


def test_termwise_rule_needs_its_premise():
    T = mi.ACCUMULATION
    bound = next(c for c in T.claims if c.label == "h")
    r = _theorem(T, [c for c in T.claims if c.label in "b"] + [bound]).check()  # (g) missing
    assert r.claims[-1].status == FAILED
    assert "not proved" in r.claims[-1].steps[1].method


def test_wrong_log_det_drift_fails():
    """Drift with the degrees of freedom M - i + 1 instead of M - i."""
    T = mv.WISHART
    claims = [c for c in T.claims if c.label in "ab"]
    wrong_drift = sp.Sum(sp.polygamma(0, (mv.M - mv.i + 1) / 2) + sp.log(2 / (mv.M - 1)), (mv.i, 1, mv.d))
    n, LG, X_i, M, i, d = mv.n, mv.LG, mv.X_i, mv.M, mv.i, mv.d
    wrong = Claim("e", Ex(LG(n)), "=", sp.log(mv.det0) + n * wrong_drift, [
        Step("=", Ex(LG(n) + sp.Sum(sp.log(X_i / (M - 1)), (i, 1, d))), "model"),
        Step("=", Ex(LG(n)) + sp.Sum(Ex(sp.log(X_i / (M - 1))), (i, 1, d)), "linearity"),
        Step("=", sp.log(mv.det0) + (n + 1) * wrong_drift, "wrong degrees of freedom"),
    ], induction=n)
    r = _theorem(T, claims + [wrong]).check()
    assert r.claims[-1].status == FAILED and r.claims[-1].steps[-1].status == FAILED


def test_wrong_expected_det_factor_fails():
    T = mv.WISHART
    a = next(c for c in T.claims if c.label == "a")
    wrong_rho = sp.Product((mv.M - mv.i + 1) / (mv.M - 1), (mv.i, 1, mv.d))
    wrong = Claim("b", Ex(mv.G(mv.n)), "=", mv.det0 * wrong_rho ** mv.n, [
        Step("=", Ex(Ex(mv.G(mv.n + 1), mv.F)), "tower property", rule=mv.TOWER),
        Step("=", wrong_rho * Ex(mv.G(mv.n)), "wrong: (M - i + 1)"),
        Step("=", mv.det0 * wrong_rho ** (mv.n + 1), "induction hypothesis"),
    ], induction=mv.n)
    r = _theorem(T, [a, wrong]).check()
    assert r.claims[-1].status == FAILED


# ----------------------------------------------------------------------------- agreement with theory/

def test_multivariate_agrees_with_theory_module():
    tmv = pytest.importorskip("theory.multivariate")
    claims = {c.label: c for c in mv.WISHART.claims}
    k_to_M = lambda e: mv._encode_k(e)
    for n, d, M in ((3, 2, 5), (4, 3, 7), (2, 1, 4)):
        sub = {mv.n: n, mv.d: d, mv.M: M}
        det_pr = k_to_M(claims["b"].rhs).xreplace({**sub, mv.det0: 1}).doit()
        assert sp.simplify(det_pr - tmv.expected_det(sp.Integer(n), sp.Integer(d), sp.Integer(M))) == 0
        ld_pr = k_to_M(claims["e"].rhs).xreplace({**sub, mv.det0: 1}).doit()
        ld_th = tmv.expected_log_det(sp.Integer(n), sp.Integer(d), sp.Integer(M))
        assert abs(sp.N(ld_pr - ld_th, 30)) < 1e-25
        drift = k_to_M(mv.DRIFT).xreplace(sub).doit()
        assert abs(sp.N(drift - sum(tmv.lyapunov_exponent(i, M) for i in range(1, d + 1)), 15)) < 1e-10
        msd_pr = claims["n"].rhs.xreplace({**sub, mv.tr0: d})
        assert sp.simplify(msd_pr - tmv.mean_squared_displacement(sp.Integer(n), sp.Integer(d), sp.Integer(M))) == 0
        assert tmv.expected_trace(sp.Integer(n), sp.Integer(d), sp.Integer(M)) == claims["k"].rhs.xreplace({mv.tr0: d})
    # symbolic: the drift term equals theory's Lyapunov exponent expression
    i, M = mv.i, mv.M
    assert sp.simplify(k_to_M(sp.polygamma(0, mv.KD(i) / 2) + sp.log(2 / (M - 1)))
                       - (sp.polygamma(0, (M - i) / 2) + sp.log(2 / (M - 1)))) == 0


# ----------------------------------------------------------------------------- agreement with theory/ (mitigation)

def _notation_value(theorem, sym):
    return next(nt for nt in theorem.notation if nt.cls == sym).meaning()


def test_mixing_agrees_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    a, M, s = mi.alpha, mi.M, mi.sigma
    d2, v = sp.Symbol("d2", nonnegative=True), sp.Symbol("v", nonnegative=True)
    for T, est, div in ((mi.MIXING_UNBIASED, "unbiased", M - 1), (mi.MIXING_MLE, "mle", M)):
        # conditional moments (b), (d)
        b, d = (next(c for c in T.claims if c.label == lab) for lab in "bd")
        sub = {mi.D(mi.n): sp.sqrt(d2), mi.S(mi.n): sp.sqrt(v)}
        th_v, th_d2 = tm.mixing_conditional_moments(a, M, d2, v, sigma2=s ** 2, estimator=est)
        assert sp.simplify(b.rhs.xreplace(sub) - th_d2) == 0
        assert sp.simplify(d.rhs.xreplace(sub) - th_v) == 0
        # recursion (e), (f)
        A, c = tm.mixing_recursion(a, M, sigma2=s ** 2, estimator=est)
        A2, c2 = mi._matrix(div)
        assert sp.simplify(A - A2) == sp.zeros(2, 2) and sp.simplify(c - c2) == sp.zeros(2, 1)
        # stationary values
        V_th, D_th = tm.mixing_stationary(a, M, sigma2=s ** 2, estimator=est)
        D_pr = _notation_value(T, mi.D_inf)
        V_pr = _notation_value(T, mi.V_inf)
        assert sp.simplify(D_pr - D_th) == 0, est
        assert sp.simplify(V_pr - V_th) == 0, est
    # threshold
    beta = _notation_value(mi.MIXING_UNBIASED, mi.beta_c)
    ac = _notation_value(mi.MIXING_UNBIASED, mi.alpha_c).xreplace({mi.beta_c: beta})
    assert sp.simplify(ac - tm.mixing_stability_threshold(M)) == 0
    # the MLE stationary value in the brief's form
    assert sp.simplify(_notation_value(mi.MIXING_MLE, mi.D_inf) - s ** 2 / (1 - a + M * a * (2 - a))) == 0


def test_discrete_agrees_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    a, M = mi.alpha, mi.M
    q = sp.Symbol("q", positive=True)
    Hp = 2 * q * (1 - q)
    lam_th, c_th = tm.heterozygosity_recursion(a, M, q)
    lam_pr = _notation_value(mi.MIXING_DISCRETE, mi.lam)
    l_claim = next(c for c in mi.MIXING_DISCRETE.claims if c.label == "l")
    const_pr = (l_claim.rhs - mi.lam * Ex(mi.H(mi.n))).xreplace({mi.H_p: Hp})
    assert sp.simplify(lam_pr - lam_th) == 0
    assert sp.simplify(const_pr - c_th) == 0
    h_pr = _notation_value(mi.MIXING_DISCRETE, mi.H_inf).xreplace({mi.H_p: Hp})
    assert sp.simplify(h_pr - tm.stationary_heterozygosity(a, M, q)) == 0
    b = 1 - a
    assert sp.simplify(h_pr - Hp * a * (2 - a - 1 / M) / (a * (2 - a) + b / M)) == 0


def test_accumulation_agrees_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    h = next(c for c in mi.ACCUMULATION.claims if c.label == "h")
    assert sp.simplify(h.rhs - tm.accumulate_mean_error_bound(mi.M, sigma2=mi.sigma ** 2)) == 0
    # the exact E[d_n^2] of theory.mitigation satisfies the proved formula (b) with its own E[sigma_j^2]
    b = next(c for c in mi.ACCUMULATION.claims if c.label == "b")
    M, n = 5, 6
    variances = [tm.accumulate_moments(jj, M, exact=True).variance for jj in range(n)]
    proved = b.rhs.xreplace({mi.n: n, mi.M: M}).doit().replace(
        lambda e: isinstance(e, Ex), lambda e: variances[int(e.args[0].args[0].args[0])])
    assert sp.simplify(proved - tm.accumulate_moments(n, M, exact=True).mean_error) == 0


# ----------------------------------------------------------------------------- documents and CLI

def _balanced(tex):
    stack = []
    for kind, name in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, name
    assert not stack
    body = re.sub(r"\\verb\|[^|]*\|", "", tex).replace(r"\{", "").replace(r"\}", "")
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    for line in body.splitlines():
        assert line.replace(r"\$", "").count("$") % 2 == 0, line


def test_latex_documents(results, tmp_path):
    paths = report.write_documents(list(results.values()), "latex", str(tmp_path))
    assert sorted(os.path.basename(p) for p in paths) == sorted(f"{n}.tex" for n in NAMES)
    for path in paths:
        tex = open(path).read()
        assert r"\text{[FAILED]}" not in tex and r"\text{[checked numerically]}" not in tex
        _balanced(tex)
        assert "Corroborated numerically" in tex
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    for path in paths:
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", os.path.basename(path)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout[-3000:]


def test_markdown_lists_corroborating_rows(results, tmp_path):
    report.write_documents(list(results.values()), "markdown", str(tmp_path))
    md = open(os.path.join(tmp_path, "mixing_unbiased.md")).read()
    assert "`spectral radius at alpha_c (mix)`" in md and "**FAILED**" not in md
    acc = open(os.path.join(tmp_path, "accumulation.md")).read()
    assert "`E[(mu_n-mu)^2] <= pi^2 sigma^2/(6M)`" in acc


def test_cli_lists_the_new_theorems(tmp_path, capsys, results, monkeypatch):
    from collapse import cli
    monkeypatch.setattr(report, "check_all", lambda theorems=None: list(results.values()))
    assert cli.main(["proofs", "--format", "latex", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in NAMES:
        assert name in out
        assert os.path.exists(os.path.join(tmp_path, f"{name}.tex"))


# ----------------------------------------------------------------------------- remedies of issue 13

def test_wrong_subsample_inclusion_probability_fails():
    """Sampling WITH replacement (pair probability k(k-1)/N^2) is not the enumerated average."""
    N, k = sp.Integer(5), sp.Integer(2)
    e, A, Q = mi._enumerated(5, 2)
    wrong = k * Q / N + k * (k - 1) / N ** 2 * (A ** 2 - Q)
    claim = Claim("c", e, "=", wrong, [Step("=", wrong, "bootstrap pair probability")])
    assert _theorem(mi.ACCUMULATE_SUBSAMPLE, [claim]).check().status == FAILED


def test_wrong_subsample_matrix_fails():
    """A wrong entry of M_t (the MLE's (t+1)/t replaced by 1) is caught."""
    t, n = mi.t_s, mi.nb
    a2n, qn = mi._pool_next(t * n, n, n)
    claim = Claim("h2", qn, "=", mi._Q, [Step("=", mi._Q, "wrong: the pool does not grow")])
    assert _theorem(mi.ACCUMULATE_SUBSAMPLE, [claim]).check().status == FAILED


def test_subsample_matrix_agrees_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    for est in ("mle", "unbiased"):
        stated = mi.SUBSAMPLE_MATRIX[est]
        for tt, n in ((1, 2), (3, 5), (7, 3)):
            got = tm.accumulate_subsample_recursion(tt, n, estimator=est, exact=True)
            assert sp.simplify(stated.subs({mi.t_s: tt, mi.nb: n}) - got) == sp.zeros(2, 2)


def test_wrong_subsample_plateau_exponent_fails():
    """Without the factor 1/(nt - 1) the powers of t do not cancel (no plateau)."""
    d = sp.sqrt(3 * (4 * mi.nb - 1))
    rp, rm = (-(2 * mi.nb - 1) + d) / (2 * mi.nb), (-(2 * mi.nb - 1) - d) / (2 * mi.nb)
    claim = Claim("h", -rp - rm - 1 + 1 / mi.nb, "=", 0, [Step("=", 0, "wrong: forgot 1/(nt-1)")])
    assert _theorem(mi.ACCUMULATE_SUBSAMPLE_LIMITS, [claim]).check().status == FAILED


def test_subsample_closed_forms_agree_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    for est in ("mle", "unbiased"):
        for n in (2, 5):
            closed = mi._subsample_variance_closed(est, mi.t_s).subs(mi.nb, n)
            for tt in (1, 2, 6):
                exact = tm.accumulate_subsample_moments(tt, n, estimator=est, exact=True).variance
                assert abs(sp.N(closed.subs(mi.t_s, tt), 30) - exact) < 1e-25


def test_wrong_weighted_variance_factor_fails():
    """Without the (m+1)/(m-1) of the synthetic variance's own noise the conditional moment is wrong."""
    T = mi.WEIGHTED_FRESH_DATA
    tt = sp.Symbol("t", integer=True, nonnegative=True)
    w, m, n, s, V = mi.w_, mi.m_syn, mi.nb, mi.sigma, mi.Vw
    wrong = (1 - w) ** 2 * (V(tt) - s ** 2) ** 2 + 2 * w ** 2 * s ** 4 / (n - 1)
    claims = [c for c in T.claims if c.label == "a0"]
    claim = Claim("e", Ex((V(tt + 1) - s ** 2) ** 2, mi.F), "=", wrong, [Step("=", wrong, "wrong")])
    r = _theorem(T, claims + [claim]).check()
    assert r.claims[-1].status == FAILED


def test_wrong_golden_ratio_fails():
    claim = Claim("l", ((sp.sqrt(5) - 1) / 2) ** 2, "=", 1 / sp.GoldenRatio, [Step("=", 1 / sp.GoldenRatio, "x")])
    assert _theorem(mi.WEIGHTED_FRESH_DATA, [claim]).check().status == FAILED


def test_weighted_agrees_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    assert sp.simplify(mi.w_c - tm.weighted_variance_error_threshold(mi.m_syn)) == 0
    for n, m, w in ((3, 2, sp.Rational(1, 3)), (10, 4, sp.Rational(3, 4))):
        sub = {mi.nb: n, mi.m_syn: m, mi.w_: w, mi.sigma: 1}
        for tt in (0, 1, 5):
            ex = tm.weighted_fresh_data_moments(tt, n, m, w, exact=True)
            d = (mi.D_stat + (mi.sigma ** 2 / mi.nb - mi.D_stat) * (1 - mi.w_) ** (2 * tt)).subs(sub)
            v = (mi.V_stat + (2 * mi.sigma ** 4 / (mi.nb - 1) - mi.V_stat) * mi.rho_w ** tt).subs(sub)
            assert sp.simplify(d - ex.mean_error) == 0 and sp.simplify(v - ex.variance_error) == 0


def test_wrong_bias_walk_fails():
    """Forgetting the lambda of the last sampling step in Var mu_n is caught."""
    T = mi.SAMPLING_BIAS
    n, s, M, lam = mi.n, mi.sigma, mi.M, mi.lam_b
    wrong = s ** 2 * (1 - lam ** n) / (M * (1 - lam))
    claims = [c for c in T.claims if c.label in ("a", "b")]
    claim = Claim("c", Ex(mi.D(n) ** 2), "=", wrong, [
        Step("=", Ex((mi.D(n) + sp.sqrt(lam) * mi.S(n) * mi.Z_nb / sp.sqrt(M)) ** 2), "model"),
        Step("=", Ex(mi.D(n) ** 2) + lam * Ex(mi.S(n) ** 2) / M, "expand"),
        Step("=", wrong.subs(n, n + 1), "induction hypothesis"),
    ], induction=n)
    r = _theorem(T, claims + [claim]).check()
    assert r.claims[-1].status == FAILED


def test_bias_agrees_with_theory_module():
    from theory import gaussian as tg
    c = next(x for x in mi.SAMPLING_BIAS.claims if x.label == "c")
    for n, M, lam in ((3, 4, sp.Rational(1, 2)), (7, 2, sp.Rational(4, 5))):
        stated = c.rhs.subs({mi.n: n, mi.M: M, mi.lam_b: lam, mi.sigma: 1})
        assert sp.simplify(stated - tg.mean_variance(n, M, bias=lam, exact=True)) == 0


def test_wrong_multivariate_bias_walk_fails():
    """The d-dimensional walk without the lambda of the mean's step is caught."""
    T = mv.MULTIVARIATE_SAMPLING_BIAS
    n, M, lam, tr0 = mv.n, mv.M, mv.lam, mv.tr0
    wrong = tr0 * (1 - lam ** n) / (M * (1 - lam))
    keep = [c for c in T.claims if c.label in "defghi"]
    walk = Claim("j", Ex(mv.E2(n)), "=", wrong, [
        Step("=", Ex(Ex(mv.E2(n + 1), mv.F)), "tower property", rule=mv.TOWER),
        Step("=", Ex(mv.E2(n)) + lam * Ex(mv.T(n)) / M, "(i)"),
        Step("=", wrong.subs(n, n + 1), "induction hypothesis"),
    ], induction=n)
    r = _theorem(T, keep + [walk]).check()
    assert r.claims[-1].status == FAILED
    assert r.claims[-2].status == PROVED  # (i), the step with lambda, is right


def test_multivariate_bias_agrees_with_theory_module():
    from theory import multivariate as tmv
    claims = {c.label: c for c in mv.MULTIVARIATE_SAMPLING_BIAS.claims}
    for n, d, M, lam in ((3, 2, 5, sp.Rational(1, 2)), (4, 3, 7, sp.Rational(4, 5))):
        sub = {mv.n: n, mv.d: d, mv.M: M, mv.lam: lam}
        msd = claims["j"].rhs.xreplace({**sub, mv.tr0: d})
        assert sp.simplify(msd - tmv.mean_squared_displacement(n, d, M, bias=lam, exact=True)) == 0
        det_pr = mv._encode_k(claims["b"].rhs).xreplace({**sub, mv.det0: 1}).doit()
        assert sp.simplify(det_pr - tmv.expected_det(n, d, M, bias=lam, exact=True)) == 0
        ld_pr = mv._encode_k(claims["c"].rhs).xreplace({**sub, mv.det0: 1}).doit()
        assert abs(sp.N(ld_pr - tmv.expected_log_det(n, d, M, bias=lam, exact=True), 30)) < 1e-25
        assert claims["g"].rhs.xreplace({**sub, mv.tr0: d}) == tmv.expected_trace(n, d, M, bias=lam, exact=True)


def test_wrong_kde_kernel_variance_fails():
    """The top-hat on [-h, h] does not have variance h^2."""
    from sympy.stats import Uniform
    claim = Claim("b", Ex(Uniform("u", -mi.hh, mi.hh) ** 2), "=", mi.hh ** 2, [Step("=", mi.hh ** 2, "wrong")])
    assert _theorem(mi.KDE_CHAIN, [claim]).check().status == FAILED


def test_wrong_kde_accumulate_increment_fails():
    """The replace identity (+kappa per generation) is wrong under accumulate."""
    T = mi.KDE_CHAIN
    k = next(c for c in T.claims if c.label == "k")
    claim = Claim("k", k.lhs, "=", sp.Symbol("q", positive=True) + mi.kap, [
        Step("=", sp.Symbol("q", positive=True) + mi.kap, "wrong")])
    assert _theorem(T, [claim]).check().status == FAILED


def test_kde_agrees_with_theory_module():
    tm = pytest.importorskip("theory.mitigation")
    i = next(c for c in mi.KDE_CHAIN.claims if c.label == "j")
    tt = i.lhs.free_symbols  # noqa: F841 (the closed form of (i), (j))
    for n, kappa in ((2, sp.Rational(1, 2)), (5, sp.Rational(3, 7))):
        for t in (0, 1, 6):
            ex = tm.kde_chain_moments(t, n, h2=kappa, exact=True)
            closed = (n - 1) * kappa + sp.Rational(n - 1, n) ** t * ((n - 1) * sp.Integer(1) / n - (n - 1) * kappa)
            assert ex.variance == closed
            assert ex.variance + ex.mean_error == 1 + t * kappa
