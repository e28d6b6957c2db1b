r"""The one evaluation mechanism of :mod:`theory`: every public function is declared with it.

A public theory function is written once, as mathematics, and declared with one of two decorators:

* :func:`closed_form` -- the body builds a sympy expression in the *parameter symbols* (each scalar
  numeric parameter arrives as a canonical :class:`sympy.Symbol` carrying its domain's assumptions;
  choices, vectors and flags arrive as values).  The expression is built once per combination of the
  non-symbol arguments and cached; the mechanism then evaluates it.
* :func:`computed` -- the body is an algorithm (linear algebra, quadrature, a recursion over a state
  space); it receives validated numbers and, when it supports exact arithmetic, an ``exact`` flag.

Both take the parameter *domains* (:mod:`theory.validation`) as keyword arguments, so validation, the
:class:`ValueError` naming the parameter and the numpydoc ``Parameters`` block all follow from one
declaration.  The evaluation contract, the same for every function:

=====================================  ===================================================================
arguments                              result
=====================================  ===================================================================
Python / numpy numbers                 ``float`` (accurate to ~1e-12 relative: mpmath, adaptive precision)
an array of generations ``n``          a float ``numpy.ndarray`` of the same shape
sympy expressions with free symbols    the sympy expression (:class:`NoClosedFormError` where none exists)
sympy numbers, or ``exact=True``       the exact sympy number (a ``Rational`` whenever the value is rational)
=====================================  ===================================================================

The exact number type of the toolkit is sympy's: ``Rational`` (and exact sympy numbers such as
:math:`\pi^{3/2}` where the value is irrational); an exact vector or matrix is a
``sympy.ImmutableMatrix``; an exact element-wise evaluation over an array of ``n`` is an object array
of sympy numbers.  With ``exact=True`` a float argument is read as the decimal it prints as
(``0.1`` is ``1/10``).  Results with several named parts are ``NamedTuple``\ s whose fields follow the
same contract.

Scales are variances, keyword-only, named ``sigma2`` (``Sigma`` for covariance matrices): the
decorators refuse, at import time, a scale parameter that can be passed positionally.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import re
from collections import OrderedDict
from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from theory import validation as V

__all__ = ["closed_form", "computed", "NoClosedFormError", "exact_number", "to_exact", "mp_eval",
           "FLOAT", "EXACT", "SYMBOLIC", "SCALE_NAMES", "theory_functions", "docfill"]

FLOAT, EXACT, SYMBOLIC = "float", "exact", "symbolic"

#: Names of scale parameters: variances (or covariance matrices), always keyword-only.
SCALE_NAMES = frozenset({"sigma2", "Sigma", "sigma2_gen", "h2", "delta2"})

#: Working precisions (decimal digits) tried in turn until two successive values agree.
PRECISIONS = (30, 50, 100, 200, 400)
#: Relative agreement that ends the precision escalation.
AGREEMENT = 1e-15

_EXACT_DOC = ("Return the exact sympy value (a ``Rational`` whenever the value is rational); "
              "float arguments are read as the decimals they print as.")


class NoClosedFormError(ValueError):
    """A symbolic argument reached a function that has no closed form (it is numeric only)."""


# ----------------------------------------------------------------------------- exact numbers
def exact_number(x):
    """The exact sympy number equal to ``x`` (int, Fraction, numpy/flint/sympy number; a float as its decimal).

    Examples
    --------
    >>> exact_number(0.1), exact_number(3), exact_number(Fraction(2, 6))
    (1/10, 3, 1/3)
    """
    if isinstance(x, sp.Basic):
        return x
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, (int, np.integer)):
        return sp.Integer(int(x))
    if isinstance(x, Fraction):
        return sp.Rational(x.numerator, x.denominator)
    if isinstance(x, (float, np.floating)):
        return sp.Rational(repr(float(x)))
    if hasattr(x, "p") and hasattr(x, "q"):  # python-flint fmpq
        return sp.Rational(int(x.p), int(x.q))
    if isinstance(x, numbers.Rational):
        return sp.Rational(int(x.numerator), int(x.denominator))
    return sp.sympify(x)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def to_exact(result):
    """Map a result to the toolkit's exact type: sympy numbers, ``ImmutableMatrix``, NamedTuples of them."""
    if _is_namedtuple(result):
        return type(result)(*(to_exact(v) for v in result))
    if isinstance(result, tuple):
        return tuple(to_exact(v) for v in result)
    if isinstance(result, list):
        return [to_exact(v) for v in result]
    if isinstance(result, sp.MatrixBase):
        if isinstance(result, sp.ImmutableMatrix):  # already sympy numbers: nothing to convert
            return result
        return sp.ImmutableMatrix(result.applyfunc(exact_number))
    if hasattr(result, "nrows") and hasattr(result, "ncols") and hasattr(result, "entries"):  # flint matrix
        return sp.ImmutableMatrix(result.nrows(), result.ncols(), [exact_number(v) for v in result.entries()])
    if isinstance(result, np.ndarray):
        if result.dtype == object:
            out = np.empty(result.shape, dtype=object)
            out.ravel()[:] = [to_exact(v) for v in result.ravel()]
            return out
        return result
    if isinstance(result, (bool, np.bool_, str)) or result is None:
        return result
    return exact_number(result)


def _to_float_result(result):
    """Floats for a float-mode result (numbers, arrays, NamedTuples); booleans and ints stay as they are."""
    if _is_namedtuple(result):
        return type(result)(*(_to_float_result(v) for v in result))
    if isinstance(result, tuple):
        return tuple(_to_float_result(v) for v in result)
    if isinstance(result, (sp.Basic, mpmath.mpf, Fraction)):
        return float(result)
    if isinstance(result, np.floating):
        return float(result)
    return result


# ----------------------------------------------------------------------------- numeric evaluation
@functools.lru_cache(maxsize=1024)
def _lambdified(expr, symbols):
    return sp.lambdify(symbols, expr, modules="mpmath")


def _mpf(v):
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    if isinstance(v, (int, np.integer)):
        return mpmath.mpf(int(v))
    return mpmath.mpf(float(v))


def _real(val, context):
    if isinstance(val, mpmath.mpc):
        if abs(val.imag) > mpmath.mpf(10) ** (-20) * max(abs(val.real), mpmath.mpf(1)):
            raise ArithmeticError(f"{context} evaluated to the complex number {val}")
        return val.real
    return mpmath.mpf(val)


def mp_eval(f, args, context="expression"):
    """Evaluate ``f(*args)`` with mpmath until two successive precisions agree to :data:`AGREEMENT`.

    The working precision starts at 30 digits and rises (:data:`PRECISIONS`) only where the value
    needs it -- a difference of nearly equal terms, a tail probability, a power with a huge exponent --
    so the float returned is the correctly rounded value of the formula, not of its float rounding.
    A value beyond the doubles (two successive precisions round to the same infinity, or both to 0.0) is that
    float at once (an exponent of :math:`10^{200}` does not settle its digits at any precision); a value
    whose digits keep changing up to 400 digits raises :class:`ArithmeticError` -- never a silent guess.
    Integer arguments are exact: the precision starts above their number of digits (``M - j`` at
    :math:`M = 10^{100}` keeps every digit).
    """
    prev = None
    digits = max((len(str(abs(int(a)))) for a in args if isinstance(a, (int, np.integer))), default=0)
    for dps in (PRECISIONS if digits < 10 else tuple(p + digits for p in PRECISIONS)):
        with mpmath.workdps(dps):
            val = _real(f(*[_mpf(a) for a in args]), context)
            if prev is not None and (val == prev or abs(val - prev) <= AGREEMENT * abs(val)):
                return float(val)
            if prev is not None and _beyond_doubles(val) and float(val) == float(prev):
                return float(val)  # both overflow to the same infinity (or underflow to 0): the float is settled
        prev = val
    if float(val) == 0.0 and float(prev) == 0.0 or abs(val - prev) <= 1e-12 * abs(val):
        return float(val)
    raise ArithmeticError(f"{context}: no stable value up to {dps} digits ({val} vs {prev})")


def _beyond_doubles(val):
    """True when ``val`` rounds to an infinity or to zero as a double (an exponent far outside the float range)."""
    x = float(val)
    return math.isinf(x) or (x == 0.0 and val != 0)


def _float_eval(expr, symbols, values, context):
    """Float evaluation of an expression (or a NamedTuple/tuple of them); array generations element-wise."""
    if _is_namedtuple(expr) or isinstance(expr, tuple):
        parts = [_float_eval(e, symbols, values, context) for e in expr]
        return type(expr)(*parts) if _is_namedtuple(expr) else tuple(parts)
    if isinstance(expr, sp.MatrixBase):  # a column vector becomes a 1-D array; array n: shape n.shape + (r, c)
        entries = [[_float_eval(e, symbols, values, context) for e in row] for row in expr.tolist()]
        shape = np.broadcast_shapes(*(np.shape(e) for row in entries for e in row))
        out = np.stack([np.stack([np.broadcast_to(e, shape) for e in row], axis=-1) for row in entries], axis=-2)
        return out[..., 0] if expr.shape[1] == 1 else out
    expr = sp.sympify(expr)
    if not expr.free_symbols & set(symbols):
        return float(expr) if expr.is_Number else float(sp.N(expr, 50))
    if _digits(expr) > 300:  # lambdify prints numbers as Python ints: keep 450 digits of the huge ones
        expr = expr.xreplace({r: _float450(r) for r in expr.atoms(sp.Rational) if _rational_digits(r) > 300})
    f = _lambdified(expr, symbols)
    arrays = [i for i, v in enumerate(values) if isinstance(v, np.ndarray)]
    if not arrays:
        return mp_eval(f, values, context)
    arr = values[arrays[0]]
    out = np.empty(arr.shape, dtype=float)
    for idx in range(arr.size):
        vals = [v.ravel()[idx] if isinstance(v, np.ndarray) else v for v in values]
        out.ravel()[idx] = mp_eval(f, vals, context)
    return out


def _digits(expr):
    """About the most decimal digits of the numerator and denominator of a rational in ``expr``."""
    return max((_rational_digits(r) for r in expr.atoms(sp.Rational)), default=0)


def _float450(r):
    """A huge rational as a 450-digit sympy Float (without printing its integers)."""
    with mpmath.workprec(1500):
        return sp.Float._new((mpmath.mpf(int(r.p)) / int(r.q))._mpf_, 1500)


def _rational_digits(r):
    return int((abs(int(r.p)).bit_length() + int(r.q).bit_length()) * 0.30103) + 1


def _tidy(expr):
    """Simplify a fully numeric sympy result cheaply: rationals stay, gamma ratios are reduced.

    Expressions holding numbers of more than 60 digits are left as they are: ``simplify`` can take
    minutes on them and would not make them shorter.
    """
    expr = expr.doit() if hasattr(expr, "doit") else expr
    if expr.is_Rational or expr.is_Float or _digits(expr) > 60:
        return expr
    if expr.has(sp.gamma, sp.factorial, sp.binomial):
        expr = sp.gammasimp(expr)
    if sp.count_ops(expr) < 150:
        expr = sp.simplify(expr)
    return expr


def _exact_eval(expr, subs, numeric):
    if _is_namedtuple(expr) or isinstance(expr, tuple):
        parts = [_exact_eval(e, subs, numeric) for e in expr]
        return type(expr)(*parts) if _is_namedtuple(expr) else tuple(parts)
    out = sp.sympify(expr).subs(subs)
    if isinstance(out, sp.MatrixBase):
        return sp.ImmutableMatrix(out.applyfunc(_tidy) if numeric else out)
    return _tidy(out) if numeric and not out.free_symbols else out


# ----------------------------------------------------------------------------- declaration
class _Spec:
    """The validated declaration of one theory function."""

    def __init__(self, func, domains, kind, exact, symbolic, requires=None):
        self.func, self.kind, self.exact, self.symbolic, self.requires = func, kind, exact, symbolic, requires
        sig = inspect.signature(func)
        params = [p for p in sig.parameters.values() if p.name != "exact"]
        names = [p.name for p in params]
        missing = [n for n in names if n not in domains]
        extra = [n for n in domains if n not in names]
        if missing or extra:
            raise TypeError(f"{func.__qualname__}: parameters without a domain {missing}, domains without a "
                            f"parameter {extra}")
        for p in params:
            if p.name in SCALE_NAMES and p.kind is not inspect.Parameter.KEYWORD_ONLY:
                raise TypeError(f"{func.__qualname__}: scale {p.name!r} must be keyword-only")
            if p.name == "sigma":
                raise TypeError(f"{func.__qualname__}: scales are variances named sigma2, not sigma")
        self.params = params
        self.domains = domains
        if kind == "closed_form" or exact:
            params = params + [sig.parameters.get("exact") or
                               inspect.Parameter("exact", inspect.Parameter.KEYWORD_ONLY, default=False)]
            self.domains = dict(domains, exact=V.Flag(_EXACT_DOC))
        self.signature = sig.replace(parameters=params)
        self.passes_exact = "exact" in sig.parameters
        self.slots = tuple(n for n in names if domains[n].slot)
        self.symbols = {n: domains[n].symbol(n) for n in self.slots}
        self._cache = OrderedDict()

    # --- argument handling
    def bind(self, args, kwargs):
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"{self.func.__name__}(): {exc}") from None
        bound.apply_defaults()
        values = {}
        for name, value in bound.arguments.items():
            values[name] = self.domains[name].check(value, name)
        if self.requires is not None:
            self.requires(**{n: v for n, v in values.items() if n != "exact"})
        return values

    def mode(self, values):
        exact = values.pop("exact", False)
        flat = []
        for v in values.values():
            if isinstance(v, (tuple, list)) or (isinstance(v, np.ndarray) and v.dtype == object):
                flat.extend(np.asarray(v, dtype=object).ravel())
            elif isinstance(v, sp.MatrixBase):
                flat.extend(v)
            else:
                flat.append(v)
        if any(isinstance(v, sp.Basic) and v.free_symbols for v in flat):
            return SYMBOLIC
        if exact or any(isinstance(v, sp.Basic) for v in flat):
            return EXACT
        return FLOAT

    def guard_exact(self, values):
        for name in self.domains:  # symbol slots and the integers that shape a formula alike
            dom = self.domains[name]
            limit = getattr(dom, "exact_max", None) or getattr(getattr(dom, "inner", None), "exact_max", None)
            v = values.get(name)
            if limit is not None and isinstance(v, (numbers.Real, sp.Number)) and not isinstance(v, bool) and \
                    abs(v) > limit:
                raise ValueError(f"{name} = {v} is beyond exact evaluation (limit {name} <= {limit}: the exact "
                                 f"value would have too many digits); evaluate in floats instead")

    def symbolic_error(self, values):
        for name, v in values.items():
            items = v if isinstance(v, (tuple, list, np.ndarray, sp.MatrixBase)) else [v]
            if any(isinstance(x, sp.Basic) and x.free_symbols for x in np.asarray(items, dtype=object).ravel()):
                return NoClosedFormError(f"{self.func.__name__} has no closed form (it is numeric only): {name} "
                                         f"must be a number, got {V.short_repr(v)}")
        return NoClosedFormError(f"{self.func.__name__} has no closed form")

    # --- closed forms
    def expression(self, values):
        """The cached sympy form for these non-slot arguments (slots replaced by their symbols)."""
        key = tuple((n, _hashable(v)) for n, v in values.items() if n not in self.slots or v is None)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        call = {n: (self.symbols[n] if n in self.slots and values[n] is not None else values[n]) for n in values}
        form = self.func(**call)
        self._cache[key] = form
        if len(self._cache) > 256:
            self._cache.popitem(last=False)
        return form


def _hashable(v):
    if isinstance(v, np.ndarray):
        return (v.shape, tuple(v.ravel().tolist()))
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, sp.MatrixBase):
        return sp.ImmutableMatrix(v)
    return v


def _exactify(value):
    """Numbers (and containers of them) as exact sympy numbers, for exact evaluation."""
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, np.ndarray):
        if value.dtype == object or value.dtype.kind == "f":
            out = np.empty(value.shape, dtype=object)
            out.ravel()[:] = [exact_number(v) for v in value.ravel()]
            return out
        return value
    if isinstance(value, tuple) and not _is_namedtuple(value):
        return tuple(_exactify(v) for v in value)
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value.applyfunc(exact_number))
    if isinstance(value, (numbers.Number, np.number)):
        return exact_number(value)
    return value


def _plain(value):
    """sympy numbers as Python numbers (Integer -> int, Rational -> Fraction), for algorithmic bodies."""
    if isinstance(value, sp.Integer):
        return int(value)
    if isinstance(value, sp.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, tuple) and not _is_namedtuple(value):
        return tuple(_plain(v) for v in value)
    return value


_REGISTRY = []


def theory_functions():
    """Every function declared with :func:`closed_form` or :func:`computed`, in declaration order."""
    return list(_REGISTRY)


def closed_form(*, requires=None, **domains):
    """Declare a closed form: the body maps parameter symbols to a sympy expression (or a NamedTuple of them).

    The wrapper validates every argument against its domain, builds (once, cached) the expression for
    the non-symbol arguments, and evaluates it under the contract of this module; it gains a
    keyword-only ``exact`` flag.  Scalar numeric parameters (integers, reals, generations) reach the
    body as canonical symbols; ``None`` of an :class:`~theory.validation.Optional` arrives as ``None``.
    ``requires(**values)`` checks relations between validated parameters (``i <= M``) and raises
    :class:`ValueError` naming the parameter; it must let symbols pass.
    """
    def decorate(func):
        spec = _Spec(func, domains, "closed_form", True, True, requires)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            values = spec.bind(args, kwargs)
            mode = spec.mode(values)
            if mode == EXACT:  # the values that shape the formula must be exact too
                values = {n: v if n in spec.slots else _exactify(v) for n, v in values.items()}
            form = spec.expression(values)
            slots = [n for n in spec.slots if values[n] is not None]
            if mode == FLOAT:
                return _float_eval(form, tuple(spec.symbols[n] for n in slots), [values[n] for n in slots],
                                   func.__name__)
            spec.guard_exact(values)
            if mode == EXACT:
                if any(isinstance(values[n], np.ndarray) for n in slots):
                    return _elementwise_exact(form, spec, slots, values)
                subs = {spec.symbols[n]: exact_number(values[n]) for n in slots}
                return _exact_eval(form, subs, True)
            subs = {spec.symbols[n]: values[n] for n in slots}
            return _exact_eval(form, subs, False)

        return _finish(wrapper, spec)
    return decorate


def _elementwise_exact(form, spec, slots, values):
    arr_name = next(n for n in slots if isinstance(values[n], np.ndarray))
    arr = values[arr_name]
    out = np.empty(arr.shape, dtype=object)
    for idx, v in enumerate(arr.ravel()):
        subs = {spec.symbols[n]: exact_number(v if n == arr_name else values[n]) for n in slots}
        out.ravel()[idx] = _exact_eval(form, subs, True)
    return out


def computed(*, exact=False, symbolic=False, requires=None, **domains):
    """Declare an algorithmic function (no single closed form).

    ``exact=True`` declares exact support: the body takes a keyword-only ``exact`` flag, receives plain
    exact numbers (``int``, :class:`~fractions.Fraction`) and may return Fractions, flint or sympy
    values -- the wrapper maps them to the toolkit's exact type (:func:`to_exact`).  Sympy *numbers* as
    arguments select exact evaluation where it exists and are read as numbers otherwise.
    ``symbolic=True`` declares that the body handles sympy symbols itself; otherwise symbols raise
    :class:`NoClosedFormError`.  ``requires`` as in :func:`closed_form`.
    """
    def decorate(func):
        spec = _Spec(func, domains, "computed", exact, symbolic, requires)
        if exact and not spec.passes_exact:
            raise TypeError(f"{func.__qualname__}: declared exact=True but has no `exact` parameter")

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            values = spec.bind(args, kwargs)
            mode = spec.mode(values)
            if mode == SYMBOLIC:
                if not symbolic:
                    raise spec.symbolic_error(values)
                if spec.passes_exact:
                    values["exact"] = True
                return func(**values)
            if mode == EXACT and exact:
                spec.guard_exact(values)
                values = {n: _plain(_exactify_plain(v)) for n, v in values.items()}
                values["exact"] = True
                return to_exact(func(**values))
            values = {n: _float_arg(v) for n, v in values.items()}
            if spec.passes_exact:
                values["exact"] = False
            return _to_float_result(func(**values))

        return _finish(wrapper, spec)
    return decorate


def _exactify_plain(value):
    """Float arguments read as decimals (Fractions) for exact algorithmic bodies; the rest unchanged."""
    if isinstance(value, float):
        return Fraction(repr(value)) if math.isfinite(value) else (sp.oo if value > 0 else -sp.oo)
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":  # keeps the shape, as an object array
        out = np.empty(value.shape, dtype=object)
        out.ravel()[:] = [Fraction(repr(float(v))) if math.isfinite(v) else (sp.oo if v > 0 else -sp.oo)
                          for v in value.ravel()]
        return out
    if isinstance(value, tuple) and not _is_namedtuple(value):
        return tuple(_plain(_exactify_plain(v)) for v in value)
    return value


def _float_arg(value):
    """sympy numbers reaching a float-mode algorithm become Python numbers (an Integer stays exact as int)."""
    if isinstance(value, sp.Integer):
        return int(value)
    if isinstance(value, sp.Basic) and value.is_number:
        return float(value)
    return value


def _finish(wrapper, spec):
    wrapper.__signature__ = spec.signature
    wrapper.__theory_spec__ = spec
    wrapper.__doc__ = docfill(wrapper.__doc__, parameters=_parameters_block(spec))
    _REGISTRY.append(wrapper)
    return wrapper


# ----------------------------------------------------------------------------- documentation
def _parameters_block(spec):
    lines = []
    symbolic_ok = spec.kind == "closed_form" or spec.symbolic
    for p in spec.signature.parameters.values():
        dom = spec.domains[p.name]
        kind = dom.describe()
        if symbolic_ok and dom.slot and getattr(dom, "symbolic", True):
            kind += ", or sympy expression"
        if p.default is not inspect.Parameter.empty:
            kind += f", default {p.default!r}"
        if p.kind is inspect.Parameter.KEYWORD_ONLY:
            kind += " (keyword-only)"
        lines.append(f"{p.name} : {kind}")
        text = dom.doc or ""
        if isinstance(dom, V.Optional) and dom.none_doc:
            text = f"{text} ``None``: {dom.none_doc}".strip()
        if text:
            lines.append(f"    {text}")
    return "\n".join(lines)


_FIELD = re.compile(r"%\((\w+)\)s")


def docfill(doc, **blocks):
    """Fill ``%(name)s`` fields of a docstring with shared blocks, indented like the field (as scipy's doccer).

    Only the named fields are replaced; any other ``%`` is left alone.
    """
    if not doc:
        return doc

    def repl(match):
        name = match.group(1)
        if name not in blocks:
            return match.group(0)
        start = doc.rfind("\n", 0, match.start()) + 1
        indent = doc[start:match.start()]
        body = blocks[name].splitlines()
        return "\n".join([body[0]] + [indent + line if line else line for line in body[1:]]) if body else ""

    return _FIELD.sub(repl, doc)
