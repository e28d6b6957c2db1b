r"""Parameter domains: the one place where the toolkit decides what a valid argument is.

Every public function of :mod:`theory` declares the domain of each parameter once (see
:mod:`theory.core`), in the spirit of ``scipy.stats``' ``_ShapeInfo``; validation and the
:class:`ValueError` that names the offending parameter follow from the declaration.  The
numerics layer validates its own arguments with the same domains (``check_*`` helpers below).

Rules every domain keeps
------------------------
* Integers are compared as integers (:func:`operator.index`), never through ``float``: no rounding
  above :math:`2^{53}`, no ``OverflowError`` above :math:`1.8\cdot10^{308}`.  An integral float
  (``10.0``, from numpy or a parser) counts as the integer it equals.
* Reals are checked for finiteness without converting to ``float`` (Python compares ``int`` with
  ``float`` exactly), so a huge valid integer passes and keeps its exact value.
* Booleans, strings, complex numbers and ``None`` are never numbers, also inside vectors and
  matrices (element-wise checks).
* A sympy expression with free symbols passes through unchecked where the parameter admits
  symbols (a symbolic derivation states its assumptions on the symbol); a sympy *number* is checked
  like a Python number and stays a sympy number (sympy in, sympy out).
"""

from __future__ import annotations

import math
import numbers
import operator
from fractions import Fraction

import numpy as np
import sympy as sp

__all__ = [
    "Domain", "Integer", "Real", "Choice", "Flag", "Optional", "Generations", "ProbabilityVector",
    "RealArray", "CountVector", "SymbolicExpression", "SymbolParameter", "CovarianceMatrix",
    "is_symbolic", "is_sympy_number", "short_repr",
    "check_int", "check_real", "check_positive", "check_probability", "check_choice", "check_flag",
    "check_estimator", "check_generations", "check_probability_vector", "check_real_array",
    "check_generation_list", "ESTIMATORS", "GENERATIONS", "SAMPLE_SIZE", "VARIANCE", "ESTIMATOR", "LOCATION",
]

ESTIMATORS = ("unbiased", "mle")


# ----------------------------------------------------------------------------- element tests
def is_symbolic(*values) -> bool:
    """True when any value is a sympy object with free symbols."""
    return any(isinstance(v, sp.Basic) and bool(v.free_symbols) for v in values)


def is_sympy_number(value) -> bool:
    """True for a sympy object without free symbols (``Integer(3)``, ``Rational(1, 2)``, ``pi``)."""
    return isinstance(value, sp.Basic) and not value.free_symbols


def short_repr(value, limit=60) -> str:
    """``repr`` cut to ``limit`` characters, for error messages."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_bool(value) -> bool:
    return isinstance(value, (bool, np.bool_))


def _real_number(value, name, allow_nan=False):
    """A real number kept in its own exact type (int, float, Fraction, sympy number); ValueError otherwise.

    numpy scalars become the Python number they equal; NaN is refused here, infinity is left to the caller.
    """
    if _is_bool(value):
        raise ValueError(f"{name} must be a number, got the boolean {value!r}")
    if isinstance(value, sp.Basic):
        if value.is_extended_real is False or (value.is_number and sp.im(value) != 0):
            raise ValueError(f"{name} must be real, got {short_repr(value)}")
        if value is sp.nan:
            raise ValueError(f"{name} must not be NaN")
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        value = float(value)
    if isinstance(value, (int, Fraction)):
        return value
    if isinstance(value, float):
        if math.isnan(value) and not allow_nan:
            raise ValueError(f"{name} must not be NaN")
        return value
    if isinstance(value, numbers.Real):  # other exact reals (e.g. gmpy2, flint): keep as a Fraction
        try:
            return Fraction(value)
        except (TypeError, ValueError):
            return float(value)
    if isinstance(value, (complex, np.complexfloating)):
        raise ValueError(f"{name} must be real, got the complex number {value!r}")
    raise ValueError(f"{name} must be a real number, got {short_repr(value)} of type {type(value).__name__}")


def _is_finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, sp.Basic):
        return bool(value.is_finite)
    return True  # int, Fraction


def _is_infinite(value) -> bool:
    return (isinstance(value, float) and math.isinf(value)) or value in (sp.oo, -sp.oo)


def _compare(value, bound, op):
    """``value op bound`` exactly (sympy numbers compared by sympy, the rest by Python)."""
    if isinstance(value, sp.Basic):
        return bool(op(value, sp.sympify(bound)))
    return op(value, bound)


# ----------------------------------------------------------------------------- domains
class Domain:
    """The set of valid values of one parameter.

    ``check(value, name)`` returns the value normalised (or raises :class:`ValueError` naming
    ``name``); ``describe()`` is the type line of the numpydoc Parameters block; ``doc`` the
    meaning of the parameter; ``example`` a valid numeric value (used by the API tests).
    ``slot`` is True for scalar numeric domains, whose parameters become symbols of a closed form.
    """

    slot = False
    symbolic = True

    def __init__(self, doc="", example=None):
        self.doc = doc
        self.example = example

    def check(self, value, name):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def symbol(self, name):
        """The canonical sympy symbol of a slot parameter, with the assumptions its domain implies."""
        raise TypeError(f"{type(self).__name__} is not a scalar domain")

    def as_value(self):
        """A copy whose numbers reach a closed form's body as values, not symbols (they shape the formula)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.slot = False
        return new

    def with_doc(self, doc, example=None):
        """A copy with another meaning (and example): one domain, many parameters."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.doc = doc
        if example is not None:
            new.example = example
        return new


def _bounds_text(lower, upper, lower_open, upper_open, unit="") -> str:
    parts = []
    if lower is not None and upper is not None:
        lo = "(" if lower_open else "["
        hi = ")" if upper_open else "]"
        return f"in {lo}{lower}, {upper}{hi}"
    if lower is not None:
        parts.append(f"{'>' if lower_open else '>='} {lower}")
    if upper is not None:
        parts.append(f"{'<' if upper_open else '<='} {upper}")
    return " ".join(parts)


class Integer(Domain):
    """An integer in ``[minimum, maximum]``; an integral float counts as the integer it equals.

    ``exact_max`` bounds the value where exact (sympy) evaluation would build a number with that many
    digits (an exponent): beyond it exact evaluation is refused with a message naming the limit.
    """

    slot = True

    def __init__(self, minimum=None, maximum=None, doc="", example=None, symbolic=True, exact_max=None):
        super().__init__(doc, example if example is not None else (minimum if minimum is not None else 0) + 3)
        self.minimum, self.maximum, self.symbolic, self.exact_max = minimum, maximum, symbolic, exact_max

    def check(self, value, name):
        if isinstance(value, sp.Basic) and value.free_symbols:
            if not self.symbolic:
                raise ValueError(f"{name} must be a number here, got the symbolic {short_repr(value)}")
            return value
        if _is_bool(value):
            raise ValueError(f"{name} must be an integer, got the boolean {value!r}")
        try:
            out = operator.index(value)
        except TypeError:
            x = _real_number(value, name)
            integral = _is_finite(x) and (x == int(x) if not isinstance(x, sp.Basic) else bool(x.is_integer))
            if not integral:
                raise ValueError(f"{name} must be an integer, got {short_repr(value)}") from None
            out = int(x)
        if self.minimum is not None and out < self.minimum:
            raise ValueError(f"{name} must be >= {self.minimum}, got {out}")
        if self.maximum is not None and out > self.maximum:
            raise ValueError(f"{name} must be <= {self.maximum}, got {out}")
        return sp.Integer(out) if isinstance(value, sp.Basic) else out

    def describe(self):
        return f"int {_bounds_text(self.minimum, self.maximum, False, False)}".rstrip()

    def symbol(self, name):
        if self.minimum is not None and self.minimum >= 1:
            return sp.Symbol(name, integer=True, positive=True)
        if self.minimum is not None and self.minimum >= 0:
            return sp.Symbol(name, integer=True, nonnegative=True)
        return sp.Symbol(name, integer=True)


class Real(Domain):
    """A finite real number in a (half-)open or closed interval; ``allow_inf`` admits :math:`\\pm\\infty`;
    ``exact_max`` bounds :math:`|x|` in exact evaluation (as for :class:`Integer`)."""

    slot = True

    def __init__(self, lower=None, upper=None, *, lower_open=False, upper_open=False, allow_inf=False, doc="",
                 example=None, symbolic=True, exact_max=None):
        if example is None:
            if lower is not None and upper is not None:
                example = (lower + upper) / 2
            elif lower is not None:
                example = lower + 1.5
            elif upper is not None:
                example = upper - 1.5
            else:
                example = 0.5
        super().__init__(doc, example)
        self.lower, self.upper, self.lower_open, self.upper_open = lower, upper, lower_open, upper_open
        self.allow_inf, self.symbolic, self.exact_max = allow_inf, symbolic, exact_max

    def check(self, value, name):
        if isinstance(value, sp.Basic) and value.free_symbols:
            if not self.symbolic:
                raise ValueError(f"{name} must be a number here, got the symbolic {short_repr(value)}")
            return value
        x = _real_number(value, name)
        if not _is_finite(x) and not (self.allow_inf and _is_infinite(x)):
            raise ValueError(f"{name} must be finite, got {short_repr(value)}")
        if self.lower is not None:
            bad = _compare(x, self.lower, operator.le if self.lower_open else operator.lt)
            if bad:
                raise ValueError(f"{name} must be {'>' if self.lower_open else '>='} {self.lower}, got "
                                 f"{short_repr(value)}")
        if self.upper is not None:
            bad = _compare(x, self.upper, operator.ge if self.upper_open else operator.gt)
            if bad:
                raise ValueError(f"{name} must be {'<' if self.upper_open else '<='} {self.upper}, got "
                                 f"{short_repr(value)}")
        return x

    def describe(self):
        return f"real {_bounds_text(self.lower, self.upper, self.lower_open, self.upper_open)}".rstrip()

    def symbol(self, name):
        if self.lower is not None and self.lower >= 0:
            if self.lower_open or self.lower > 0:
                return sp.Symbol(name, positive=True)
            return sp.Symbol(name, nonnegative=True)
        return sp.Symbol(name, real=True)


class Choice(Domain):
    """One of a fixed set of values (compared with ``==``; booleans are not integers here)."""

    def __init__(self, *values, doc=""):
        super().__init__(doc, values[0])
        self.values = values

    def check(self, value, name):
        if isinstance(value, sp.Basic) or isinstance(value, np.ndarray) or _is_bool(value) != any(
                _is_bool(v) for v in self.values):
            raise ValueError(f"{name} must be one of {self.values}, got {short_repr(value)}")
        try:
            ok = value in self.values
        except TypeError:
            ok = False
        if not ok:
            raise ValueError(f"{name} must be one of {self.values}, got {short_repr(value)}")
        return value

    def describe(self):
        return "{" + ", ".join(repr(v) for v in self.values) + "}"


class Flag(Domain):
    """A boolean (``True``/``False``, or a numpy boolean); ``"no"``, ``0`` and ``None`` are refused."""

    def __init__(self, doc=""):
        super().__init__(doc, False)

    def check(self, value, name):
        if not _is_bool(value):
            raise ValueError(f"{name} must be True or False, got {short_repr(value)}")
        return bool(value)

    def describe(self):
        return "bool"


class Optional(Domain):
    """``None`` (with the meaning given in ``none_doc``) or a value of ``inner``."""

    def __init__(self, inner, none_doc="", doc=""):
        super().__init__(doc or inner.doc, inner.example)
        self.inner, self.none_doc = inner, none_doc

    @property
    def slot(self):
        return self.inner.slot

    def check(self, value, name):
        return None if value is None else self.inner.check(value, name)

    def describe(self):
        return f"{self.inner.describe()} or None"

    def symbol(self, name):
        return self.inner.symbol(name)


class Generations(Integer):
    """A generation count ``n >= 0``, or a non-empty array of them (evaluated element-wise)."""

    def __init__(self, doc="Number of refits (generation 0 is the original).", example=3, exact_max=10_000,
                 minimum=0):
        super().__init__(minimum, None, doc, example, True, exact_max)

    def check(self, value, name):
        if isinstance(value, (np.ndarray, list, tuple, range)):
            arr = np.asarray(value, dtype=object)
            if arr.size == 0:
                raise ValueError(f"{name} must not be empty")
            if arr.ndim != 1:
                raise ValueError(f"{name} must be a 1-D array of generations, got shape {arr.shape}")
            items = [super(Generations, self).check(v, name) for v in arr]
            if any(isinstance(v, sp.Basic) for v in items):
                raise ValueError(f"{name} as an array must hold plain integers, got {short_repr(value)}")
            return np.array(items, dtype=np.int64 if max(items) < 2 ** 63 else object)
        return super().check(value, name)

    def describe(self):
        return f"int >= {self.minimum} or 1-D array of int"


def _vector_items(values, name, *, ndim=1):
    """The elements of a 1-D (or ``ndim``-D) sequence as an object array, refusing strings and scalars."""
    if values is None or isinstance(values, (str, bytes, dict, set, frozenset)) or (np.isscalar(values) and ndim) \
            or isinstance(values, sp.Basic) and not isinstance(values, sp.MatrixBase):
        raise ValueError(f"{name} must be a {ndim}-D array of numbers, got {short_repr(values)}")
    if isinstance(values, sp.MatrixBase):
        values = values.tolist() if ndim == 2 else list(values)
    try:
        arr = np.asarray(values, dtype=object)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a {ndim}-D array of numbers, got {short_repr(values)}") from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    return arr


def _check_elements(arr, name, *, allow_symbols):
    """Validate every element of an object array as a real number; return (items, kind).

    kind is "symbolic", "exact" (any sympy number or Fraction among them) or "float".
    """
    items = []
    kind = "float"
    for v in arr.ravel():
        if isinstance(v, sp.Basic) and v.free_symbols:
            if not allow_symbols:
                raise ValueError(f"{name} must hold numbers, got the symbolic {short_repr(v)}")
            kind = "symbolic"
            items.append(v)
            continue
        try:
            x = _real_number(v, name)
        except ValueError as exc:
            raise ValueError(f"{exc} (an element of {name})") from None
        if not _is_finite(x):
            raise ValueError(f"{name} must be finite (no NaN or inf), got {short_repr(v)}")
        if kind != "symbolic" and isinstance(x, (sp.Basic, Fraction)):
            kind = "exact"
        items.append(x)
    return items, kind


class ProbabilityVector(Domain):
    """A 1-D probability vector: at least ``min_size`` entries, each real and >= 0, summing to 1.

    Float entries must sum to 1 within ``tol``; exact entries (``Fraction``, sympy numbers) exactly.
    Returns a float64 array, or a tuple of sympy numbers when any entry is exact or symbolic.
    """

    def __init__(self, min_size=2, tol=1e-12, doc="", example=(0.5, 0.3, 0.2)):
        super().__init__(doc, example)
        self.min_size, self.tol = min_size, tol

    def check(self, value, name):
        arr = _vector_items(value, name)
        if arr.size < self.min_size:
            raise ValueError(f"{name} must have at least {self.min_size} entries (K >= {self.min_size}), "
                             f"got {arr.size}")
        items, kind = _check_elements(arr, name, allow_symbols=self.symbolic)
        if kind == "symbolic":
            return tuple(sp.sympify(v) for v in items)
        if kind == "exact":
            vals = tuple(sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.sympify(v)
                         for v in items)
            if any(bool(v < 0) for v in vals):
                raise ValueError(f"{name} must be non-negative, got {short_repr(value)}")
            if sp.nsimplify(sum(vals)) != 1:
                raise ValueError(f"{name} must sum to 1 exactly (exact entries), sums to {sum(vals)}")
            return vals
        out = np.array([float(v) for v in items])
        if np.any(out < 0):
            raise ValueError(f"{name} must be non-negative, got min {out.min()!r}")
        total = math.fsum(out)
        if abs(total - 1.0) > self.tol:
            raise ValueError(f"{name} must sum to 1 (within {self.tol:g}), sums to {total!r}")
        return out

    def describe(self):
        return f"1-D array of >= {self.min_size} probabilities summing to 1"


class RealArray(Domain):
    """An array of finite reals (element-wise checks); returns float64 unless ``exact`` entries are kept."""

    def __init__(self, ndim=1, min_size=1, minimum=None, maximum=None, doc="", example=(0.1, 0.2), finite=True,
                 keep_exact=False):
        super().__init__(doc, example)
        self.ndim, self.min_size, self.minimum, self.maximum = ndim, min_size, minimum, maximum
        self.finite, self.keep_exact = finite, keep_exact
        self.symbolic = keep_exact

    def check(self, value, name):
        if isinstance(value, np.ndarray) and value.dtype.kind in "iuf" and (self.ndim is None or
                                                                            value.ndim == self.ndim):
            arr = value.astype(float)
            kind = "float"
            if self.finite and not np.all(np.isfinite(arr)):
                raise ValueError(f"{name} must be finite (no NaN or inf)")
        else:
            if isinstance(value, np.ndarray) and value.dtype.kind in "bcSUV":
                raise ValueError(f"{name} must be an array of real numbers, got dtype {value.dtype}")
            if self.ndim is None and (np.isscalar(value) or isinstance(value, (numbers.Number, np.number))):
                value = np.array([value], dtype=object).reshape(())  # a 0-D array, element-checked below
            obj = _vector_items(value, name, ndim=self.ndim if self.ndim is not None else np.ndim(
                np.asarray(value, dtype=object)))
            items, kind = _check_elements(obj, name, allow_symbols=self.keep_exact) if self.finite else \
                self._items_allowing_inf(obj, name)
            if kind != "float" and self.keep_exact:
                return np.array([sp.sympify(v) if not isinstance(v, Fraction) else sp.Rational(v.numerator,
                                 v.denominator) for v in items], dtype=object).reshape(obj.shape)
            arr = np.array([float(v) for v in items], dtype=float).reshape(obj.shape)
        if arr.size < self.min_size:
            raise ValueError(f"{name} must have at least {self.min_size} element(s), got {arr.size}")
        if self.minimum is not None and np.any(arr < self.minimum):
            raise ValueError(f"{name} must be >= {self.minimum}, got min {arr.min()!r}")
        if self.maximum is not None and np.any(arr > self.maximum):
            raise ValueError(f"{name} must be <= {self.maximum}, got max {arr.max()!r}")
        return arr

    @staticmethod
    def _items_allowing_inf(obj, name):
        items = []
        for v in obj.ravel():
            try:
                items.append(_real_number(v, name, allow_nan=True))
            except ValueError as exc:
                raise ValueError(f"{exc} (an element of {name})") from None
        return items, "float"

    def describe(self):
        dims = f"{self.ndim}-D " if self.ndim else ""
        return f"{dims}array of real {_bounds_text(self.minimum, self.maximum, False, False)}".rstrip()


class CountVector(Domain):
    """A 1-D vector of non-negative integers (no booleans), at least ``min_size`` long; returns a tuple of int."""

    def __init__(self, min_size=2, doc="", example=(2, 1, 1)):
        super().__init__(doc, example)
        self.min_size = min_size
        self._int = Integer(0)

    def check(self, value, name):
        arr = _vector_items(value, name)
        if arr.size < self.min_size:
            raise ValueError(f"{name} must have at least {self.min_size} entries, got {arr.size}")
        try:
            return tuple(int(self._int.check(v, name)) for v in arr)
        except ValueError as exc:
            raise ValueError(f"{exc} (an element of {name})") from None

    def describe(self):
        return f"1-D sequence of >= {self.min_size} int >= 0"


class SymbolicExpression(Domain):
    """A sympy expression (e.g. a sample-size schedule :math:`M_j` in the symbol ``j``)."""

    def __init__(self, doc="", example=None):
        super().__init__(doc, example)

    def check(self, value, name):
        if not isinstance(value, sp.Basic) or isinstance(value, sp.MatrixBase):
            raise ValueError(f"{name} must be a sympy expression, got {short_repr(value)}")
        return value

    def describe(self):
        return "sympy expression"


class SymbolParameter(Domain):
    """A sympy ``Symbol`` (the variable of a symbolic argument)."""

    def __init__(self, doc="", example=None):
        super().__init__(doc, example)

    def check(self, value, name):
        if not isinstance(value, sp.Symbol):
            raise ValueError(f"{name} must be a sympy Symbol, got {short_repr(value)}")
        return value

    def describe(self):
        return "sympy Symbol"


class CovarianceMatrix(Domain):
    """A real symmetric positive-definite ``d x d`` matrix (numpy array, nested list or sympy Matrix).

    Returns a float64 array, or an ``ImmutableMatrix`` when any entry is a sympy number or symbol.
    Positive definiteness is checked by Cholesky (floats) or Sylvester's criterion (exact).
    """

    def __init__(self, doc="", example=((2.0, 0.5), (0.5, 1.0))):
        super().__init__(doc, example)

    def check(self, value, name):
        obj = _vector_items(value, name, ndim=2)
        if obj.shape[0] != obj.shape[1] or obj.shape[0] == 0:
            raise ValueError(f"{name} must be a square d x d matrix, got shape {obj.shape}")
        items, kind = _check_elements(obj, name, allow_symbols=True)
        if kind != "float":
            S = sp.ImmutableMatrix(obj.shape[0], obj.shape[1],
                                   [sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction)
                                    else sp.sympify(v) for v in items])
            if S != S.T:
                raise ValueError(f"{name} must be symmetric")
            if kind == "exact" and not all(bool(S[:k, :k].det() > 0) for k in range(1, S.shape[0] + 1)):
                raise ValueError(f"{name} must be positive definite")
            return S
        A = np.array([float(v) for v in items]).reshape(obj.shape)
        if not np.allclose(A, A.T, rtol=1e-12, atol=0):
            raise ValueError(f"{name} must be symmetric")
        try:
            np.linalg.cholesky(A)
        except np.linalg.LinAlgError:
            raise ValueError(f"{name} must be positive definite") from None
        return A

    def describe(self):
        return "d x d symmetric positive-definite matrix"


# ----------------------------------------------------------------------------- function-style helpers
def check_int(value, name, minimum=None, maximum=None):
    """Validate an integer parameter (see :class:`Integer`); symbols pass through."""
    return Integer(minimum, maximum).check(value, name)


def check_real(value, name, lower=None, upper=None, *, lower_open=False, upper_open=False):
    """Validate a finite real parameter (see :class:`Real`); symbols pass through."""
    return Real(lower, upper, lower_open=lower_open, upper_open=upper_open).check(value, name)


def check_positive(value, name, allow_zero=False):
    """Validate a positive (``allow_zero``: non-negative) finite real; symbols pass through."""
    return Real(0, lower_open=not allow_zero).check(value, name)


def check_probability(value, name):
    """Validate a probability in ``[0, 1]``."""
    return Real(0, 1).check(value, name)


def check_choice(value, name, choices):
    """Validate one of ``choices``."""
    return Choice(*choices).check(value, name)


def check_flag(value, name):
    """Validate a boolean flag (``True``/``False`` only)."""
    return Flag().check(value, name)


def check_estimator(estimator, name="estimator"):
    """Validate the variance estimator name: ``"unbiased"`` or ``"mle"``."""
    return Choice(*ESTIMATORS).check(estimator, name)


def check_generations(n, name="n"):
    """Validate a generation count ``n >= 0`` or a 1-D array of them (see :class:`Generations`)."""
    return Generations().check(n, name)


def check_probability_vector(p, name="p", tol=1e-12):
    """Validate a probability vector (see :class:`ProbabilityVector`); float entries give a float64 array."""
    return ProbabilityVector(tol=tol).check(p, name)


def check_real_array(values, name, *, ndim=1, min_size=1, finite=True, minimum=None, maximum=None):
    """Validate an array of real numbers element-wise; return it as a float64 array (see :class:`RealArray`)."""
    return RealArray(ndim, min_size, minimum, maximum, finite=finite).check(values, name)


def check_generation_list(values, name, maximum=None):
    """Validate a collection of generation indices ``0 <= g <= maximum``; return them sorted, unique, as int64.

    A bare number or a string is refused (``record=5`` could mean "generation 5" or "every generation up to 5").
    """
    if isinstance(values, (set, frozenset)):
        values = sorted(values, key=repr)
    arr = _vector_items(values, name) if not (isinstance(values, (list, tuple)) and len(values) == 0) else \
        np.array([], dtype=object)
    dom = Integer(0, maximum, symbolic=False)
    return np.array(sorted({dom.check(v, name) for v in arr}), dtype=np.int64)


# ----------------------------------------------------------------------------- shared parameter domains
#: ``n``: the generation (number of refits), or an array of them.
GENERATIONS = Generations()
#: ``M``: samples per generation.
SAMPLE_SIZE = Integer(2, doc="Samples drawn from each generation to fit the next.", example=10)
#: ``sigma2``: the variance of the original Gaussian.
VARIANCE = Real(0, lower_open=True, doc=r"Variance :math:`\sigma^2` of the original Gaussian.", example=2.0)
#: ``estimator``: the variance estimator of every refit.
ESTIMATOR = Choice(*ESTIMATORS, doc="Variance estimator of every refit: divide the sum of squares by "
                                    ":math:`M-1` (unbiased) or by :math:`M` (MLE).")
#: ``mu``: a location (the original mean).
LOCATION = Real(doc=r"Mean :math:`\mu` of the original Gaussian.", example=0.5)
