"""Tests of proofs/: every derivation checks, wrong steps fail, documents are valid."""

import os
import re
import shutil
import subprocess

import pytest
import sympy as sp

from proofs import core, discrete, gaussian, report
from proofs.core import FAILED, NUMERIC, PROVED, Bound, Claim, Ex, Step, Theorem, jensen


@pytest.fixture(scope="module")
def results(proof_results):
    return proof_results


def _by_name(results, name):
    return next(r for r in results if r.theorem.name == name)


# ----------------------------------------------------------------------------- every proof checks

ALL_THEOREMS = ["gaussian_unbiased", "gaussian_mle", "gaussian_schedule", "discrete_wright_fisher",
                "mixing_unbiased", "mixing_mle", "mixing_discrete", "accumulation",
                "accumulate_subsample", "accumulate_subsample_limits", "weighted_fresh_data", "sampling_bias",
                "kde_chain", "multivariate_unbiased", "multivariate_sampling_bias",
                "regression_replace", "regression_fixed_design", "regression_strong_collapse", "regression_minnorm",
                "regression_weighted", "regression_subsample_infinite", "tails_hutter", "tails_generations",
                "tails_forgetting"]


def test_all_theorems_are_present(results):
    names = [r.theorem.name for r in results]
    assert names == ALL_THEOREMS


def test_every_proof_checks(results):
    for r in results:
        assert r.status != FAILED, report.summary_table([r])
        assert r.counts()[FAILED] == 0


@pytest.mark.parametrize("name,labels", [
    ("gaussian_unbiased", "abcdefghijk"),   # martingale, E[s^2], E[s], c4<1, E log, drift<0, E mu, Var mu, W2, bound, limit
    ("gaussian_mle", "abcdefghij"),
    ("gaussian_schedule", "abcdefgh"),
    ("discrete_wright_fisher", "abcdefghijkl"),
])
def test_important_claims_are_proved_not_just_numeric(results, name, labels):
    r = _by_name(results, name)
    status = {c.claim.label: c.status for c in r.claims}
    assert set(status) == set(labels)
    for lab in labels:
        assert status[lab] == PROVED, (name, lab)


def test_main_prints_summary_and_exits_zero(capsys):
    assert report.main() == 0
    out = capsys.readouterr().out
    for name in ("gaussian_unbiased", "gaussian_mle", "gaussian_schedule", "discrete_wright_fisher"):
        assert name in out
    assert "0 failed" in out


def test_cli_proofs_command(tmp_path, capsys):
    from collapse import cli
    assert cli.main(["proofs", "--format", "markdown", "--out", str(tmp_path)]) == 0
    assert sorted(os.listdir(tmp_path)) == sorted(f"{r.theorem.name}.md" for r in report.check_all())


# ----------------------------------------------------------------------------- wrong steps fail

def _theorem(claims, base=gaussian.UNBIASED):
    return Theorem("wrong", "wrong", "wrong", base.assumptions, claims, base.model, base.notation)


def test_wrong_std_exponent_fails():
    n, S, sigma, X, k = gaussian.n, gaussian.S, gaussian.sigma, gaussian.X, gaussian.k
    c4 = gaussian.C4(gaussian.M)
    wrong = Claim("c", Ex(S(n)), "=", sigma * c4 ** (n + 1), [
        Step("=", Ex(S(n) * sp.sqrt(X / k)), "model"),
        Step("=", Ex(S(n)) * Ex(sp.sqrt(X / k)), "independence"),
        Step("=", sigma * c4 ** (n + 2), "induction hypothesis"),
    ], induction=n)
    r = _theorem([wrong]).check()
    assert r.status == FAILED
    assert r.claims[0].base.status == FAILED  # E[sigma_0] = sigma, not sigma c4


def test_wrong_std_step_in_the_middle_fails():
    n, S, sigma, X, k = gaussian.n, gaussian.S, gaussian.sigma, gaussian.X, gaussian.k
    c4 = gaussian.C4(gaussian.M)
    wrong = Claim("c", Ex(S(n)), "=", sigma * c4 ** n, [
        Step("=", Ex(S(n) * sp.sqrt(X / k)), "model"),
        Step("=", Ex(S(n)) * Ex(sp.sqrt(X / k)) ** 2, "independence (wrong: squared)"),
        Step("=", sigma * c4 ** (n + 1), "induction hypothesis"),
    ], induction=n)
    r = _theorem([wrong]).check()
    assert [s.status for s in r.claims[0].steps] == [PROVED, FAILED, FAILED]


def test_wrong_diversity_ratio_fails():
    d = discrete
    claims = list(d.WRIGHT_FISHER.claims[:4])
    wrong = Claim("e", Ex(d.H(d.n + 1), d.F), "=", (1 - 2 / d.M) * d.H(d.n), [
        Step("=", Ex(d._H_next, d.F), "definition"),
        Step("=", 1 - sp.Sum(Ex(d.c ** 2, d.F), (d.i, 1, d.K)) / d.M ** 2, "linearity"),
        Step("=", (1 - 2 / d.M) * d._H_now, "wrong ratio"),
        Step("=", (1 - 2 / d.M) * d.H(d.n), "definition of H_n"),
    ])
    r = _theorem(claims + [wrong], d.WRIGHT_FISHER).check()
    assert r.claims[-1].status == FAILED
    assert r.claims[-1].steps[2].status == FAILED


def test_wrong_variance_martingale_ratio_fails():
    n, S, X, k, F = gaussian.n, gaussian.S, gaussian.X, gaussian.k, gaussian.F
    wrong = Claim("a", Ex(S(n + 1) ** 2, F), "=", S(n) ** 2 * (1 - 1 / gaussian.M), [
        Step("=", Ex(S(n) ** 2 * X / k, F), "model"),
        Step("=", S(n) ** 2 * (1 - 1 / gaussian.M), "wrong: MLE ratio for the unbiased estimator"),
    ])
    assert _theorem([wrong]).check().status == FAILED


def test_chain_must_reach_the_statement():
    n, S, sigma, X, k, F = gaussian.n, gaussian.S, gaussian.sigma, gaussian.X, gaussian.k, gaussian.F
    claim = Claim("a", Ex(S(n + 1) ** 2, F), "=", 2 * S(n) ** 2, [
        Step("=", Ex(S(n) ** 2 * X / k, F), "model"),
    ])
    r = _theorem([claim]).check()
    assert r.claims[0].steps[0].status == PROVED
    assert r.claims[0].conclusion.status == FAILED


def test_strict_chain_cannot_prove_equality():
    c4 = gaussian.C4(gaussian.M)
    X, k = gaussian.X, gaussian.k
    claim = Claim("d", c4, "=", 1, [
        Step("=", Ex(sp.sqrt(X / k)), "sympy.stats"),
        Step("<", sp.sqrt(Ex(X / k)), "Jensen", rule=jensen(sp.sqrt, X / k)),
        Step("=", 1, "E chi2"),
    ])
    r = _theorem([claim]).check()
    assert all(s.status == PROVED for s in r.claims[0].steps)
    assert r.claims[0].conclusion.status == FAILED


def test_jensen_with_a_convex_function_fails():
    X, k = gaussian.X, gaussian.k
    claim = Claim("x", Ex(sp.exp(X / k)), "<", sp.exp(Ex(X / k)), [
        Step("<", sp.exp(Ex(X / k)), "Jensen (wrong: exp is convex)", rule=jensen(sp.exp, X / k)),
    ])
    assert _theorem([claim]).check().status == FAILED


def test_inequality_without_its_premise_fails():
    n, M, sigma = gaussian.n, gaussian.M, gaussian.sigma
    c4 = gaussian.C4(M)
    claim = Claim("j", sigma ** 2 * (n / M + 2 - 2 * c4 ** n), ">=", sigma ** 2 * n / M, [
        Step(">=", sigma ** 2 * n / M, "no premise given"),
    ])
    assert _theorem([claim]).check().status == FAILED
    # and with the premise it is proved
    claim.steps[0].bounds = [Bound(c4 ** n, "(0,1]", "(d)")]
    assert _theorem([claim]).check().status == PROVED


def test_main_exits_nonzero_on_failure(capsys):
    n, S, X, k, F = gaussian.n, gaussian.S, gaussian.X, gaussian.k, gaussian.F
    wrong = Claim("a", Ex(S(n + 1) ** 2, F), "=", 2 * S(n) ** 2, [
        Step("=", 2 * S(n) ** 2, "wrong"),
    ])
    assert report.main(theorems=[_theorem([wrong])]) == 1
    assert "FAILED" in capsys.readouterr().out


# ----------------------------------------------------------------------------- numerical fallback

def _numeric_theorem(bound):
    M, k = gaussian.M, gaussian.k
    drift = sp.polygamma(0, k / 2) + sp.log(2 / k)
    c4 = gaussian.C4(M)
    claims = [
        Claim("x", drift, "<", 0, [Step("<", 0, "no Jensen: numeric fallback", grid={k: range(1, 25)})]),
        Claim("y", c4, "<", bound, [Step("<", bound, "numeric fallback", grid={M: range(2, 30)})]),
    ]
    return _theorem(claims)


def test_numeric_fallback_is_labelled_as_such(tmp_path):
    r = _numeric_theorem(1).check()
    assert [c.status for c in r.claims] == [NUMERIC, NUMERIC]
    assert "checked numerically on the grid" in r.claims[0].steps[0].method
    assert r.counts() == {PROVED: 2, NUMERIC: 2, FAILED: 0}  # 2 chain conclusions proved, 2 steps numeric
    tex = report.to_latex(r)
    md = report.to_markdown(r)
    assert tex.count(r"\text{[checked numerically]}") == 2 and r"\text{[proved]}" not in tex
    assert md.count("**checked numerically**") >= 2
    assert report.main(theorems=[_numeric_theorem(1)]) == 0


def test_numeric_fallback_finds_counterexample():
    r = _numeric_theorem(sp.Rational(9, 10)).check()  # c4(5) = 0.94 > 0.9
    step = r.claims[1].steps[0]
    assert step.status == FAILED and "counterexample" in step.method


def test_grid_check_exact_rationals():
    a = sp.Symbol("a", positive=True)
    res = core.check_relation(sp.Integer(0), "<", (a - 1) ** 2 + sp.Rational(1, 10) + sp.sin(a) ** 2 * 0, core.Context(None, []),
                              grid={a: [sp.Rational(1, 2), 1, 2]})
    assert res.status in (PROVED, NUMERIC)


# ----------------------------------------------------------------------------- agreement with theory/

def test_gaussian_proofs_agree_with_theory_module():
    tg = pytest.importorskip("theory.gaussian")
    n, M, s = gaussian.n, gaussian.M, gaussian.sigma
    c4 = gaussian.c4_formula(M)
    q = c4 * sp.sqrt((M - 1) / M)
    k = M - 1
    expected = {
        ("expected_variance", "unbiased"): s ** 2,
        ("expected_variance", "mle"): s ** 2 * ((M - 1) / M) ** n,
        ("expected_std", "unbiased"): s * c4 ** n,
        ("expected_std", "mle"): s * q ** n,
        ("expected_log_variance", "unbiased"): sp.log(s ** 2) + n * (sp.polygamma(0, k / 2) + sp.log(2 / k)),
        ("expected_log_variance", "mle"): sp.log(s ** 2) + n * (sp.polygamma(0, k / 2) + sp.log(2 / M)),
        ("mean_variance", "unbiased"): n * s ** 2 / M,
        ("mean_variance", "mle"): s ** 2 * (1 - ((M - 1) / M) ** n),
        ("expected_w2_squared", "unbiased"): s ** 2 * (n / M + 2 - 2 * c4 ** n),
        ("expected_w2_squared", "mle"): s ** 2 * (2 - 2 * q ** n),
    }
    # the right-hand sides above are exactly the proved claims (checked here against the theorems)
    proved = {("expected_variance", "unbiased"): gaussian.UNBIASED.claims[1].rhs,
              ("expected_std", "unbiased"): gaussian.UNBIASED.claims[2].rhs,
              ("mean_variance", "unbiased"): gaussian.UNBIASED.claims[7].rhs,
              ("expected_w2_squared", "unbiased"): gaussian.UNBIASED.claims[8].rhs,
              ("expected_variance", "mle"): gaussian.MLE.claims[1].rhs,
              ("mean_variance", "mle"): gaussian.MLE.claims[7].rhs,
              ("expected_w2_squared", "mle"): gaussian.MLE.claims[8].rhs}
    expand = lambda e: e.replace(lambda a: isinstance(a, gaussian.C4), lambda a: gaussian.c4_formula(a.args[0])) \
        .xreplace({gaussian.q: q, gaussian.k: k})
    for key, e in proved.items():
        assert sp.simplify(expand(e) - expected[key]) == 0, key
    for (fn, est), e in expected.items():
        theory = getattr(tg, fn)(n, M, sigma2=s ** 2, estimator=est)
        vals = {n: 3, M: 7, s: sp.Rational(3, 2)}
        assert abs(sp.N((theory - e).xreplace(vals), 30)) < 1e-25, (fn, est)
    assert abs(sp.N(tg.c4(M).xreplace({M: 9}) - c4.xreplace({M: 9}), 30)) < 1e-25


def test_discrete_proofs_agree_with_theory_module():
    td = pytest.importorskip("theory.discrete")
    from fractions import Fraction
    p = [Fraction(1, 5), Fraction(3, 10), Fraction(1, 2)]
    H0 = 1 - sum(x * x for x in p)
    for M, n in ((3, 1), (5, 4)):
        proved = discrete.WRIGHT_FISHER.claims[5].rhs.xreplace(
            {discrete.H0: sp.Rational(H0.numerator, H0.denominator), discrete.M: M, discrete.n: n})
        assert abs(float(td.expected_heterozygosity(n, p, M, exact=True)) - float(proved)) < 1e-12
    loss = discrete.WRIGHT_FISHER.claims[6].rhs.xreplace({discrete.xi: sp.Rational(1, 5), discrete.M: 6})
    assert abs(float(td.loss_probability(0.2, 6)) - float(loss)) < 1e-12
    for M, i in ((4, 1), (6, 5)):
        assert abs(float(td.fixation_probability(i, M, exact=True)) - i / M) < 1e-12


# ----------------------------------------------------------------------------- documents

def _balanced(tex):
    envs = re.findall(r"\\(begin|end)\{([^}]*)\}", tex)
    stack = []
    for kind, name in envs:
        if kind == "begin":
            stack.append(name)
        else:
            assert stack and stack.pop() == name, name
    assert not stack
    body = re.sub(r"\\verb\|[^|]*\|", "", tex)
    body = body.replace(r"\{", "").replace(r"\}", "")
    depth = 0
    for ch in body:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    for env in ("align*",):
        assert tex.count(r"\begin{%s}" % env) == tex.count(r"\end{%s}" % env)
    for line in body.splitlines():  # math delimiters $ balanced per paragraph line
        assert line.replace(r"\$", "").count("$") % 2 == 0, line


def test_latex_documents_are_valid(results, tmp_path):
    paths = report.write_documents(results, "latex", str(tmp_path))
    assert len(paths) == len(ALL_THEOREMS)
    for path in paths:
        tex = open(path).read()
        assert tex.startswith(r"\documentclass") and r"\usepackage{amsmath,amssymb}" in tex
        assert r"\text{[FAILED]}" not in tex
        _balanced(tex)
        assert "Corroborated numerically" in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_compiles_with_pdflatex(results, tmp_path):
    paths = report.write_documents(results, "latex", str(tmp_path))
    for path in paths:
        proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", os.path.basename(path)],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout[-3000:]
        assert os.path.exists(path[:-4] + ".pdf")


def test_markdown_documents(results, tmp_path):
    paths = report.write_documents(results, "markdown", str(tmp_path))
    names = {os.path.basename(p) for p in paths}
    assert names == {f"{name}.md" for name in ALL_THEOREMS}
    md = open(os.path.join(tmp_path, "gaussian_unbiased.md")).read()
    assert md.startswith("# ") and md.count("$$") % 2 == 0
    for q in ("E[sigma_n^2]", "E[sigma_n]", "E[log sigma_n^2]", "Var[mu_n]", "E[W2^2]"):
        assert f"`{q}`" in md
    assert "**FAILED**" not in md
    dmd = open(os.path.join(tmp_path, "discrete_wright_fisher.md")).read()
    for q in ("E[H_n]", "P(fixation)", "P(loss in one generation)"):
        assert f"`{q}`" in dmd
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            assert line.count("$") % 2 == 0


def test_bad_format_is_refused(capsys):
    assert report.main(fmt="html", theorems=[]) == 2
