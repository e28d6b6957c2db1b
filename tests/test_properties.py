"""Property-based guards (hypothesis) over the public theory functions.

* bad input: for every public theory function, a value drawn from a bad-value strategy of one of its
  parameters' domains (NaN, infinities, booleans, strings, complex numbers, non-integral floats, values
  below or above the domain's bounds, unknown choices) is a ``ValueError`` naming that parameter;
* values across the full range (M up to 10^9, n up to 10^12, scales from 1e-100 to 1e100) against
  independent mpmath oracles at 50 digits, and invariants where no oracle is simpler than the code
  (probabilities in [0, 1], distances >= 0, E[sigma_n] <= sigma, monotonicity in n).

Two profiles: ``fast`` (the default: derandomized, a few dozen examples a property, a few seconds in
all) and ``thorough`` (thousands of random examples), selected with ``COLLAPSE_HYPOTHESIS=thorough``.
"""

import math
import os
import re

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from test_theory_api import FUNCTIONS, _args
from theory import discrete as td
from theory import gaussian as tg
from theory import validation as V

settings.register_profile("fast", max_examples=30, derandomize=True, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("COLLAPSE_HYPOTHESIS", "fast"))

mpmath.mp.dps = 50
NAN, INF = float("nan"), float("inf")
BIG_M = st.integers(2, 10 ** 9)
BIG_N = st.integers(0, 10 ** 12)
SCALE = st.floats(-100, 100).map(lambda e: 10.0 ** e)
ESTIMATOR = st.sampled_from(["unbiased", "mle"])


# ----------------------------------------------------------------------------- bad input
def _bad_values(domain):
    """A strategy of values outside ``domain`` (or of the wrong kind)."""
    common = [st.just(NAN), st.booleans(), st.text(min_size=1, max_size=3), st.just(1 + 2j)]
    if isinstance(domain, V.Integer):
        out = common + [st.just(INF), st.floats(0.01, 0.99).map(lambda f: 3 + f)]
        if domain.minimum is not None:
            out.append(st.integers(domain.minimum - 10 ** 12, domain.minimum - 1))
        if domain.maximum is not None:
            out.append(st.integers(domain.maximum + 1, domain.maximum + 10 ** 12))
        return st.one_of(out)
    if isinstance(domain, V.Real):
        out = list(common)
        if not domain.allow_inf:
            out.append(st.sampled_from([INF, -INF]))
        if domain.lower is not None:
            lo = float(domain.lower)
            out.append(st.floats(-1e300, lo, exclude_max=not domain.lower_open).filter(lambda x: x < lo or (
                domain.lower_open and x == lo)))
        if domain.upper is not None:
            up = float(domain.upper)
            out.append(st.floats(up, 1e300, exclude_min=not domain.upper_open).filter(lambda x: x > up or (
                domain.upper_open and x == up)))
        return st.one_of(out)
    if isinstance(domain, V.Choice):
        return st.text(min_size=1, max_size=6).filter(lambda s: s not in domain.values)
    return None


def _cases():
    """(function, parameter, domain) for every scalar parameter with a bad-value strategy."""
    out = []
    for param in FUNCTIONS:
        f = param.values[0]
        spec = f.__theory_spec__
        for name, domain in spec.domains.items():
            if name in spec.signature.parameters and _bad_values(domain) is not None:
                out.append(pytest.param(f, name, domain, id=f"{param.id}-{name}"))
    return out


CASES = _cases()


def test_every_function_has_bad_value_cases():
    covered = {c.values[0] for c in CASES}
    assert len(covered) >= 0.9 * len(FUNCTIONS), "most public functions have a scalar parameter to spoil"


@pytest.mark.parametrize("f,name,domain", CASES)
@settings(max_examples=6)
@given(data=st.data())
def test_a_bad_value_is_a_value_error_naming_the_parameter(f, name, domain, data):
    kwargs = _args(f)
    kwargs[name] = data.draw(_bad_values(domain), label=name)
    with pytest.raises(ValueError, match=rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])"):
        f(**kwargs)


# ----------------------------------------------------------------------------- mpmath oracles
def _c4(M):
    M = mpmath.mpf(M)
    return mpmath.sqrt(2 / (M - 1)) * mpmath.exp(mpmath.loggamma(M / 2) - mpmath.loggamma((M - 1) / 2))


def _close(value, oracle, rtol=1e-11):
    """Relative agreement, or both below the smallest normal double (an underflow to 0 is right)."""
    oracle = mpmath.mpf(oracle)
    if abs(oracle) < mpmath.mpf("2.3e-308"):
        return abs(value) <= 2.3e-308
    return abs(mpmath.mpf(value) - oracle) <= rtol * abs(oracle)


@given(M=BIG_M)
def test_c4_against_mpmath(M):
    assert _close(tg.c4(M), _c4(M), 1e-13)


@given(n=BIG_N, M=BIG_M, s2=SCALE)
def test_expected_std_against_mpmath(n, M, s2):
    value = tg.expected_std(n, M, sigma2=s2)
    assert _close(value, mpmath.sqrt(s2) * _c4(M) ** n)
    assert value <= math.sqrt(s2) * (1 + 1e-15)  # E[sigma_n] <= sigma


@given(n=BIG_N, M=BIG_M, s2=SCALE)
def test_mle_variance_against_mpmath(n, M, s2):
    oracle = mpmath.mpf(s2) * (1 - mpmath.mpf(1) / M) ** n
    assume(oracle < mpmath.mpf("1.7e308"))
    assert _close(tg.expected_variance(n, M, sigma2=s2, estimator="mle"), oracle)


@given(n=BIG_N, M=BIG_M, s2=SCALE)
def test_unbiased_w2_against_mpmath(n, M, s2):
    """E[W2^2] = sigma^2 (n/M + 2 - 2 c4^n) for the unbiased estimator: >= 0 and growing without bound."""
    oracle = mpmath.mpf(s2) * (mpmath.mpf(n) / M + 2 - 2 * _c4(M) ** n)
    value = tg.expected_w2_squared(n, M, sigma2=s2)
    assert value >= 0
    assert _close(value, oracle, 1e-9)


@given(n=st.integers(0, 10 ** 6), M=BIG_M, estimator=ESTIMATOR)
def test_w2_never_decreases_in_n(n, M, estimator):
    a, b = (tg.expected_w2_squared(k, M, estimator=estimator) for k in (n, n + 1))
    assert b >= a * (1 - 1e-12)


@given(n=st.integers(1, 10 ** 6), M=BIG_M, estimator=ESTIMATOR, u=st.floats(-6, 6))
def test_variance_cdf_is_a_cdf(n, M, estimator, u):
    """P(sigma_n^2 <= x) lies in [0, 1] and never decreases in x (x around the typical value)."""
    k1 = tg.log_variance_cumulant(1, n, M, estimator=estimator)
    k2 = tg.log_variance_cumulant(2, n, M, estimator=estimator)
    y = k1 + u * math.sqrt(k2)
    assume(abs(y) < 700)
    lo, hi = (tg.variance_cdf(math.exp(v), n, M, estimator=estimator) for v in (y, y + 0.1 * math.sqrt(k2)))
    assert 0.0 <= lo <= hi <= 1.0


@given(p=st.floats(0, 1), M=BIG_M)
def test_loss_probability_against_mpmath(p, M):
    assert _close(td.loss_probability(p, M), (1 - mpmath.mpf(p)) ** M)


@given(n=st.integers(0, 30), M=BIG_M, data=st.data())
def test_survival_is_a_probability_or_a_named_limit(n, M, data):
    """P(a type with i copies survives n generations) is in [0, 1] and never increases in n; a size out
    of reach is a ValueError naming M, never a hang or a wrong value (n is kept small: the exact
    iteration costs about n times the spread of reachable counts, seconds at n = 100, M = 10^4)."""
    i = data.draw(st.integers(0, M), label="i")
    try:
        a = td.survival_probability(n, i, M)
        b = td.survival_probability(n + 1, i, M)
    except ValueError as e:
        assert "M" in str(e)
        return
    assert 0.0 <= b <= a <= 1.0
    assert a == (0.0 if i == 0 else 1.0 if i == M else a)


@given(n=st.integers(0, 10 ** 4), M=st.integers(2, 10 ** 6), data=st.data())
def test_heterozygosity_decays_exactly(n, M, data):
    w = np.array(data.draw(st.lists(st.floats(0.01, 1), min_size=2, max_size=6), label="weights"))
    p = w / w.sum()
    h0 = 1 - float(np.sum(p * p))
    assume(abs(float(p.sum()) - 1) < 1e-12)
    assert _close(td.expected_heterozygosity(n, p, M), mpmath.mpf(h0) * (1 - mpmath.mpf(1) / M) ** n, 1e-9)
