"""proofs/regression.py: every derivation checks, wrong steps fail, the results are those of theory.regression."""

import os

import pytest
import sympy as sp

from proofs import regression as pr
from proofs import report
from proofs.core import FAILED, PROVED, Claim, Step, Theorem
from theory import regression as th

NAMES = ["regression_replace", "regression_fixed_design", "regression_strong_collapse", "regression_minnorm",
         "regression_weighted", "regression_subsample_infinite"]


@pytest.fixture(scope="module")
def results():
    return {t.name: t.check() for t in pr.THEOREMS}


def test_theorems_are_registered():
    assert [t.name for t in pr.THEOREMS] == NAMES
    assert set(NAMES) <= {t.name for t in report.all_theorems()}


def test_every_step_is_proved_by_sympy(results):
    for name, r in results.items():
        assert r.status == PROVED, report.summary_table([r])
        counts = r.counts()
        assert counts[FAILED] == 0 and counts["checked numerically"] == 0, name


def test_corroborating_rows_exist_in_numerics():
    src = open(os.path.join(os.path.dirname(__file__), os.pardir, "numerics", "regression.py")).read()
    for t in pr.THEOREMS:
        assert t.process == "regression"
        for q in t.corroborated_by:
            assert f'"{q}"' in src, q


def test_results_are_the_theory_module_formulas():
    n, d, T, T0, s, N = pr.n, pr.d, pr.T, pr.T0, pr.s, pr.N
    replace = pr.REPLACE.claims[5].rhs
    assert sp.simplify(replace - th.replace_chain_risk(n, d, T0, T, sigma2=pr.sigma2, sigma2_gen=pr.sigma2g)) == 0
    acc = next(c for c in pr.FIXED_DESIGN.claims if c.label == "h").rhs
    assert sp.simplify(acc - th.fixed_design_chain_risk(n, d, T, sigma2=pr.sigma2, workflow="accumulate")) == 0
    rep = next(c for c in pr.FIXED_DESIGN.claims if c.label == "j").rhs
    assert sp.simplify(rep - th.fixed_design_chain_risk(n, d, T, sigma2=pr.sigma2)) == 0
    strong = next(c for c in pr.STRONG.claims if c.label == "i").rhs
    assert sp.simplify(strong - th.mixed_ols_risk(d, N, s, delta2=pr.delta2, sigma2=pr.sigma2)) == 0
    wstar = next(c for c in pr.WEIGHTED.claims if c.label == "d").lhs
    assert sp.simplify(wstar - th.optimal_real_weight(1, exact=True)) == 0


def _wrong(base, claim):
    return Theorem("wrong", "wrong", "wrong", base.assumptions, [claim]).check()


def test_a_wrong_key_lemma_step_fails():
    """The classical d/(T - d) in place of d/(T - d - 1) is not what the cited lemma gives."""
    good = pr.REPLACE.claims[5]
    wrong_rhs = pr.n * pr.sigma2g * pr.d / (pr.T0 - pr.d) + pr.sigma2 * pr.d / (pr.T - pr.d)
    steps = list(good.steps[:2]) + [Step("=", wrong_rhs, "key lemma", rule=good.steps[2].rule)]
    res = _wrong(pr.REPLACE, Claim("f", good.lhs, "=", wrong_rhs, steps))
    assert res.claims[0].steps[2].status == FAILED


def test_a_wrong_accumulate_sum_fails():
    """sum 1/l (harmonic) in place of sum 1/l^2."""
    claim = Claim("x", pr.c * sp.Sum(1 / pr.l, (pr.l, 1, pr.n)), "=", pr.c * (sp.pi ** 2 / 6 - sp.polygamma(1, pr.n + 1)),
                  [Step("=", pr.c * (sp.pi ** 2 / 6 - sp.polygamma(1, pr.n + 1)), "sum", rule=pr.sum_value)])
    assert _wrong(pr.FIXED_DESIGN, claim).status == FAILED


def test_a_wrong_floor_fails():
    good = next(c for c in pr.STRONG.claims if c.label == "j")
    claim = Claim("j", good.lhs, "=", pr.p, [Step("=", pr.p, "limit")])   # p instead of p^2
    assert _wrong(pr.STRONG, claim).status == FAILED


def test_a_wrong_matrix_identity_fails():
    claim = Claim("b", pr.A * pr.A.T, "=", pr.G, [Step("=", pr.G, "wrong", rule=pr.matrix_identity)])
    assert _wrong(pr.REPLACE, claim).status == FAILED


def test_a_wrong_golden_ratio_fails():
    claim = Claim("d", pr.WEIGHTED.claims[3].lhs, "=", sp.Rational(1, 2), [Step("=", sp.Rational(1, 2), "wrong")])
    assert _wrong(pr.WEIGHTED, claim).status == FAILED


def test_documents_render(results, tmp_path):
    paths = report.write_documents(list(results.values()), "markdown", str(tmp_path))
    assert sorted(os.path.basename(q) for q in paths) == sorted(f"{name}.md" for name in NAMES)
    md = open(os.path.join(tmp_path, "regression_strong_collapse.md")).read()
    assert "**FAILED**" not in md and "`mixed_ols_risk`" in md and md.count("$$") % 2 == 0
    tex = report.write_documents([results["regression_fixed_design"]], "latex", str(tmp_path))[0]
    assert r"\text{[FAILED]}" not in open(tex).read()
