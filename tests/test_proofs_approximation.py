"""proofs.approximation: the sympy derivations equal the closed forms stated in theory.truncation."""

import pytest
import sympy as sp

from proofs import approximation as pa
from theory import truncation as tt

a, b = sp.symbols("a b", real=True)


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_recurrence_equals_direct_integration(k):
    diff = sp.simplify(sp.expand(pa.derive_truncated_normal_raw_moment(k) - tt.truncated_normal_raw_moment(k, a, b)))
    if diff != 0:  # fall back to a dense numeric identity check at exact points
        for av, bv in ((-1, 2), (0, 3), (-3, -1), (sp.Rational(1, 2), 4)):
            assert abs(sp.N(diff.subs({a: av, b: bv}), 40)) < 1e-35


def test_a_wrong_recurrence_is_caught():
    wrong = tt.truncated_normal_raw_moment(2, a, b) + tt.phi(b) / (tt.Phi(b) - tt.Phi(a))  # sign error
    diff = pa.derive_truncated_normal_raw_moment(2) - wrong
    assert abs(sp.N(diff.subs({a: -1, b: 2}), 30)) > 1e-3


def test_symmetric_factor_and_temperature():
    assert sp.simplify(pa.derive_symmetric_truncation_factor() - tt.truncation_variance_factor(pa.c)) == 0
    dens = tt.temperature_density(pa.T, pa.mu, sigma2=pa.sigma2, x=pa.x)
    assert sp.simplify(pa.derive_temperature_density() - dens) == 0
    assert pa.derive_temperature_variance_factor() == tt.temperature_variance_factor(pa.T)
