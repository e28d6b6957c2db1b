"""proofs/tails.py: every derivation checks, wrong steps fail, the results are those of theory.tails."""

import os

import pytest
import sympy as sp

from proofs import report
from proofs import tails as pt
from proofs.core import FAILED, NUMERIC, PROVED, Bound, Claim, Step, Theorem
from theory import tails as th

NAMES = ["tails_hutter", "tails_generations", "tails_forgetting"]
#: Claims checked on a grid (labelled "checked numerically"); every other claim is proved by sympy.
NUMERIC_CLAIMS = {"tails_generations": {"c", "d", "e"}, "tails_forgetting": {"i", "j"}}


@pytest.fixture(scope="module")
def results(proof_results):
    return {r.theorem.name: r for r in proof_results if r.theorem.name in NAMES}


def test_theorems_are_registered():
    assert [t.name for t in pt.THEOREMS] == NAMES
    assert [t.name for t in report.all_theorems()][-3:] == NAMES


def test_every_claim_checks_and_only_the_grid_claims_are_numeric(results):
    assert sorted(results) == sorted(NAMES)
    for name, r in results.items():
        assert r.counts()[FAILED] == 0, report.summary_table([r])
        for cr in r.claims:
            want = NUMERIC if cr.claim.label in NUMERIC_CLAIMS.get(name, ()) else PROVED
            assert cr.status == want, (name, cr.claim.label, report.summary_table([r]))


def test_corroborating_rows_exist_in_numerics():
    src = open(os.path.join(os.path.dirname(__file__), os.pardir, "numerics", "tails.py")).read()
    for t in pt.THEOREMS:
        assert t.process == "tails"
        for q in t.corroborated_by:
            assert f'"{q}"' in src, q


def _claim(theorem, label):
    return next(c for c in theorem.claims if c.label == label)


def test_results_are_the_theory_module_formulas():
    beta = sp.Rational(3, 2)
    sub = {pt.b: beta - 1, pt.zeta_b: sp.zeta(beta), pt.T: 1000}
    curve = _claim(pt.HUTTER, "e").rhs.xreplace(sub)
    assert abs(float(curve) - th.learning_curve_asymptotic(1000, 1.5)) < 1e-12
    plateau = _claim(pt.HUTTER, "g").rhs.xreplace({pt.a: 1 / sp.zeta(beta), pt.b: beta - 1, pt.k: 100})
    assert abs(float(plateau) - th.plateau_asymptotic(100, 1.5)) < 1e-14
    kernel = _claim(pt.GENERATIONS, "c").rhs  # sum_j K(r, j) y^j: K(r, .) is the one-generation ancestor law
    for M, r in ((5, 3), (6, 6)):
        poly = sp.Poly(kernel.xreplace({pt.M: M, pt.r: r}).doit(), pt.y)
        law = th.ancestor_distribution(M, 1, T=r, exact=True)
        assert [poly.coeff_monomial(pt.y ** m) for m in range(M + 1)] == list(law)
    forgotten = _claim(pt.FORGETTING, "f").rhs  # exp(-c q_k) is P(forgotten by k + 1)
    for c, k in ((3, 4), (sp.Rational(5, 2), 9)):
        value = forgotten.xreplace({pt.c: c, pt.qk: th.lineage_survival(k, exact=True)})
        assert sp.simplify(value - th.forgetting_probability(c, k + 1, exact=True)) == 0


def _check(base, claims):
    return Theorem("wrong", "wrong", "wrong", base.assumptions, claims, base.model, base.notation).check()


def test_a_wrong_kernel_fails():
    """(M)_j replaced by M^j (sampling with replacement counted as without): caught at r = 2."""
    wrong = pt.S2(pt.r, pt.j) * pt.M ** pt.j / pt.M ** pt.r
    claim = Claim("d", sp.Sum(wrong, (pt.j, 0, pt.r)), "=", 1, [
        Step("=", 1, "wrong kernel", rule=pt.for_each(pt.r, pt.R_GRID))])
    r = _check(pt.GENERATIONS, [claim])
    assert r.status == FAILED and "r = 2" in r.claims[0].steps[0].method


def test_a_wrong_plateau_exponent_fails():
    beta = pt.beta
    claim = Claim("g", sp.Integral(pt.a * pt.x ** (-beta), (pt.x, pt.k, sp.oo)), "=", pt.a * pt.k ** (-beta) / beta, [
        Step("=", pt.a * pt.k ** (-beta) / beta, "wrong: k^-beta", rule=pt.integral_value)])
    assert _check(pt.HUTTER, [claim]).status == FAILED


def test_a_wrong_learning_curve_exponent_fails():
    C = _claim(pt.HUTTER, "f").lhs
    claim = Claim("f", C, "=", -1 / pt.beta, [Step("=", -1 / pt.beta, "wrong exponent")])
    assert _check(pt.HUTTER, [claim]).status == FAILED


def test_a_limit_without_its_premise_fails():
    """(1 - q)^T -> 0 needs 0 < q < 1: without the premise sympy cannot conclude."""
    claim = Claim("c", sp.Limit((1 - pt.q) ** pt.T, pt.T, sp.oo), "=", 0, [Step("=", 0, "no premise")])
    assert _check(pt.HUTTER, [claim]).status == FAILED
    claim.steps[0].bounds = [Bound(pt.q, "(0,1)", "premise")]
    assert _check(pt.HUTTER, [claim]).status == PROVED


def test_a_wrong_galton_watson_recursion_fails():
    """f_{k+1}(0) = e^{f_k(0)} (offspring law wrong) instead of e^{f_k(0) - 1}."""
    base = list(pt.FORGETTING.claims[:4])
    g, g1, c = pt.g, pt.g1, pt.c
    e = _claim(pt.FORGETTING, "e")
    wrong = Claim("e", e.lhs, "=", g1 ** c, [e.steps[0], e.steps[1],
                                             Step("=", sp.exp(c * g), "wrong recursion"),
                                             Step("=", g1 ** c, "definition")])
    r = _check(pt.FORGETTING, base + [wrong])
    assert r.claims[-1].status == FAILED and r.claims[-1].steps[2].status == FAILED


def test_the_stated_bound_cannot_be_reversed():
    """1 + (k-1) phi(1) <= k holds; the reverse (the stated bound tight for every k) fails."""
    lhs = 1 + (pt.k - 1) * pt.phi1
    claim = Claim("l", lhs, ">=", pt.k, [Step(">=", pt.k, "wrong direction")])
    assert _check(pt.FORGETTING, [claim]).status == FAILED


def test_a_wrong_first_refit_rule_is_refused():
    """The Wright-Fisher rule checks the claim it cites: another right-hand side is not an instance."""
    a = _claim(pt.GENERATIONS, "a")
    claim = Claim("a", a.lhs, "=", (1 - pt.X_n / pt.T0) ** (pt.T0 - 1), [
        Step("=", (1 - pt.X_n / pt.T0) ** (pt.T0 - 1), "wrong", rule=a.steps[0].rule)])
    assert _check(pt.GENERATIONS, [claim]).status == FAILED
