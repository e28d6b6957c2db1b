"""The one theory API, enforced: every public theory function obeys the evaluation contract of theory.core.

For every public function of every theory module (its ``__all__``) this test checks that it is declared
with :func:`theory.core.closed_form` or :func:`theory.core.computed` and then calls it

* with numbers: a float (or float array, or a NamedTuple of them; booleans/ints where documented);
* with sympy symbols for its scalar parameters: a sympy expression, or :class:`NoClosedFormError`;
* where exact evaluation exists, with ``exact=True``: the exact sympy type, equal to the float value;
* with its scale passed positionally: a ``TypeError``.

Arguments come from each parameter domain's ``example``; ``ARGS`` overrides them where parameters are
related (``i <= M``) or where a function needs sympy input by nature.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil

import numpy as np
import pytest
import sympy as sp

import theory
from theory import core
from theory import validation as V

j = sp.Symbol("j", integer=True, nonnegative=True)

#: Argument overrides by "module.function" (keyword arguments merged over the domain examples).
ARGS = {
    "gaussian.schedule_expected_w2_squared": dict(n=2, M_of_j=3 + 0 * j, j=j),
    "gaussian.schedule_is_bounded": dict(M_of_j=(j + 1) ** 2, j=j),
    "mitigation.wf_mixing_transition_matrix": dict(alpha=0.5, M=6),
    "mitigation.wf_mixing_stationary": dict(alpha=0.5, M=6),
    "mitigation.wf_mixing_eigenvalues": dict(alpha=0.5, M=6),
    "truncation.temperature_density": dict(x=0.3),
    "regression.accumulate_subsample_risk": dict(n=1, d=3, T=8),
    "regression.weighted_ols_risk_replicated": dict(d=2, n=8, k=2, w=0.6),
}
#: Functions whose numeric result is documented as bool or int rather than float.
NON_FLOAT = {"gaussian.schedule_is_bounded", "mitigation.mixing_counts",
             "regression.accumulate_subsample_infinite_from",
             "discrete.solve_two_type_chain", "discrete.absorbing_states",
             "tails.median_forgetting_time"}

MODULES = sorted(m.name for m in pkgutil.iter_modules(theory.__path__)
                 if not m.name.startswith("_") and m.name not in ("core", "validation"))


def _public(module):
    mod = importlib.import_module(f"theory.{module}")
    for name in getattr(mod, "__all__", []):
        obj = getattr(mod, name)
        if inspect.isfunction(obj):
            yield f"{module}.{name}", obj


def _unique(pairs):
    """Each function once, under the first module that exports it (a facade re-exports its parts)."""
    seen = {}
    for key, f in pairs:
        seen.setdefault(id(f), (key, f))
    return list(seen.values())


_ALIASES = {}
for _m in MODULES:
    for _k, _f in _public(_m):
        _ALIASES.setdefault(id(_f), []).append(_k)
FUNCTIONS = [pytest.param(f, id=key) for key, f in _unique((k, f) for m in MODULES for k, f in _public(m))]


def _key(f):
    """The "module.function" names of ``f`` that the ARGS / NON_FLOAT tables may use."""
    return _ALIASES[id(f)]


def _args(f):
    spec = f.__theory_spec__
    kwargs = {p.name: spec.domains[p.name].example for p in spec.signature.parameters.values()
              if p.name != "exact" and p.default is inspect.Parameter.empty}
    for key in _key(f):
        kwargs.update(ARGS.get(key, {}))
    return kwargs


def _is_float_result(x):
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return all(_is_float_result(v) for v in x)
    if isinstance(x, np.ndarray):
        return x.dtype.kind in "fi"
    return isinstance(x, float)


def _is_exact_result(x):
    if isinstance(x, tuple):
        return all(_is_exact_result(v) for v in x)
    if isinstance(x, np.ndarray):
        return x.dtype == object and all(_is_exact_result(v) for v in x.ravel())
    if isinstance(x, sp.MatrixBase):
        return all(_is_exact_result(v) for v in x)
    return isinstance(x, sp.Basic) and not x.free_symbols and not x.has(sp.Float)


def _floats(x):
    if isinstance(x, tuple):
        return np.concatenate([np.ravel(_floats(v)) for v in x])
    if isinstance(x, sp.MatrixBase):
        return np.array([float(v) for v in x], dtype=float)
    if isinstance(x, np.ndarray):
        return np.array([float(v) for v in x.ravel()], dtype=float)
    return np.array([float(x)])


def _needs_sympy(f):
    return any(isinstance(d, (V.SymbolicExpression, V.SymbolParameter)) for d in f.__theory_spec__.domains.values())


@pytest.mark.parametrize("module", MODULES)
def test_every_public_function_is_declared(module):
    undeclared = [key for key, f in _public(module) if not hasattr(f, "__theory_spec__")]
    assert not undeclared, f"not declared with theory.core.closed_form/computed: {undeclared}"


@pytest.mark.parametrize("f", FUNCTIONS)
def test_numbers_give_floats(f):
    if _needs_sympy(f):
        pytest.skip("takes sympy expressions by nature")
    out = f(**_args(f))
    if set(_key(f)) & NON_FLOAT:
        assert isinstance(out, (bool, int, np.ndarray, tuple))
    else:
        assert _is_float_result(out), (type(out), out)


@pytest.mark.parametrize("f", FUNCTIONS)
def test_symbols_give_expressions_or_the_documented_error(f):
    spec = f.__theory_spec__
    kwargs = _args(f)
    slots = [n for n in spec.slots if getattr(spec.domains[n], "symbolic", True)]
    if not slots:
        pytest.skip("no scalar numeric parameter")
    for name in slots:
        kwargs[name] = spec.symbols[name]
    if spec.kind == "closed_form" or spec.symbolic:
        out = f(**kwargs)
        assert isinstance(out, (sp.Basic, tuple, bool)), type(out)
    else:
        with pytest.raises(core.NoClosedFormError, match="no closed form"):
            f(**kwargs)
        assert "numeric only" in f.__doc__ or "no closed form" in f.__doc__, "the docstring must say so"


@pytest.mark.parametrize("f", FUNCTIONS)
def test_exact_gives_the_one_exact_type(f):
    spec = f.__theory_spec__
    if "exact" not in spec.signature.parameters:
        pytest.skip("no exact evaluation")
    kwargs = _args(f)
    exact = f(**kwargs, exact=True)
    assert _is_exact_result(exact), (type(exact), exact)
    if not _needs_sympy(f):
        approx = f(**kwargs)
        np.testing.assert_allclose(_floats(exact), _floats(approx), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("f", FUNCTIONS)
def test_scales_are_keyword_only(f):
    params = f.__theory_spec__.signature.parameters
    scales = [p for p in params.values() if p.name in core.SCALE_NAMES]
    for p in scales:
        assert p.kind is inspect.Parameter.KEYWORD_ONLY
        positional = [q for q in params.values() if q.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
        args = [_args(f).get(q.name, q.default) for q in positional]
        with pytest.raises(TypeError):
            f(*args, f.__theory_spec__.domains[p.name].example)
    assert "sigma" not in params


def test_declaration_refuses_a_positional_scale():
    with pytest.raises(TypeError, match="keyword-only"):
        @core.closed_form(n=V.GENERATIONS, sigma2=V.VARIANCE)
        def bad(n, sigma2=1):  # pragma: no cover - never called
            return sigma2 * n


def test_declaration_refuses_an_undeclared_parameter():
    with pytest.raises(TypeError, match="without a domain"):
        @core.closed_form(n=V.GENERATIONS)
        def bad(n, M):  # pragma: no cover - never called
            return n * M


def test_precision_rises_where_cancellation_needs_it():
    # (1 + x) - 1 at x = 1e-40: 30 digits give 0, the escalation gives x to full precision
    def f(x):
        return (1 + x) - 1

    assert core.mp_eval(f, (1e-40,)) == pytest.approx(1e-40, rel=1e-15)
    assert math.isclose(core.mp_eval(f, (0.5,)), 0.5)
