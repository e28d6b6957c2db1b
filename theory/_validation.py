"""Argument validation shared by the theory layer (and re-used by numerics).

Every public function of the toolkit validates its parameters through these
helpers so that bad input gives one kind of answer: a :class:`ValueError`
whose message names the offending parameter.  Sympy symbols pass through
unchecked (a symbolic derivation states its assumptions on the symbol), but a
sympy *number* is checked like a Python number.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import sympy as sp

ESTIMATORS = ("unbiased", "mle")


def is_symbolic(*values) -> bool:
    """True when any value is a sympy expression that is not a plain number."""
    return any(isinstance(v, sp.Basic) and not v.is_number for v in values)


def _as_real(value, name):
    if isinstance(value, sp.Basic):
        if not value.is_number:
            return None
        value = complex(value)
        if value.imag != 0:
            raise ValueError(f"{name} must be real, got {value!r}")
        value = value.real
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, got the boolean {value!r}")
    if not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r} of type {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    return value


def check_int(value, name, minimum=None, maximum=None):
    """Validate an integer parameter; return it as int (a sympy Integer stays one, for exact results).

    Symbols are returned unchanged.  Floats are accepted only when integral
    (``10.0``) because numpy and CLI parsing produce them; ``2.5`` is refused.
    """
    if isinstance(value, sp.Basic) and not value.is_number:
        return value
    x = _as_real(value, name)
    if not math.isfinite(x) or x != int(x):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    x = int(x)
    if minimum is not None and x < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {x}")
    if maximum is not None and x > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {x}")
    return sp.Integer(x) if isinstance(value, sp.Basic) else x


def check_generations(n, name="n"):
    """Validate a generation count ``n >= 0``, or a non-empty array of them (returned as an int array)."""
    if isinstance(n, (np.ndarray, list, tuple)):
        arr = np.asarray(n)
        if arr.size == 0:
            raise ValueError(f"{name} must not be empty")
        for v in arr.ravel():
            check_int(v, name, minimum=0)
        return arr.astype(int)
    return check_int(n, name, minimum=0)


def check_positive(value, name, allow_zero=False):
    """Validate a positive (or non-negative) finite real; symbols pass through."""
    if isinstance(value, sp.Basic) and not value.is_number:
        return value
    x = _as_real(value, name)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if x < 0 or (x == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_real(value, name):
    """Validate a finite real number; symbols pass through."""
    if isinstance(value, sp.Basic) and not value.is_number:
        return value
    x = _as_real(value, name)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_estimator(estimator):
    """Validate the variance estimator name: ``"unbiased"`` or ``"mle"``."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    return estimator


def check_probability_vector(p, name="p", tol=1e-12):
    """Validate a probability vector: 1-D, finite, non-negative, sums to 1 within ``tol``.

    Returns a float64 numpy array.
    """
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a 1-D sequence of probabilities: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size < 2:
        raise ValueError(f"{name} must have at least 2 categories (K >= 2), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative, got min {arr.min()!r}")
    total = float(arr.sum())
    if abs(total - 1.0) > tol:
        raise ValueError(f"{name} must sum to 1 (within {tol:g}), sums to {total!r}")
    return arr


def check_real_array(values, name, *, ndim=1, min_size=1, finite=True, minimum=None, maximum=None):
    """Validate an array of real numbers; return it as a float64 numpy array.

    Parameters
    ----------
    values : array_like
        Numbers (booleans and strings are refused).
    name : str
        Parameter name used in the error messages.
    ndim : int or None
        Required number of dimensions (``None``: any).
    min_size : int
        Least number of elements.
    finite : bool
        Refuse NaN and inf.
    minimum, maximum : float, optional
        Closed bounds on every element.
    """
    if values is None or isinstance(values, (str, bytes)):
        raise ValueError(f"{name} must be an array of numbers, got {values!r}")
    try:
        arr = np.asarray(values)
        if arr.dtype == bool or arr.dtype.kind not in "iufO":
            raise TypeError
        arr = arr.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of real numbers, got {_short(values)}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} element(s), got {arr.size}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    if minimum is not None and np.any(arr < minimum):
        raise ValueError(f"{name} must be >= {minimum}, got min {arr.min()!r}")
    if maximum is not None and np.any(arr > maximum):
        raise ValueError(f"{name} must be <= {maximum}, got max {arr.max()!r}")
    return arr


def check_generation_list(values, name, maximum=None):
    """Validate a collection of generation indices ``0 <= g <= maximum``; return them sorted, unique, as an int array.

    A bare number or a string is refused (it would be ambiguous: ``record=5``
    could mean "generation 5" or "every generation up to 5").
    """
    if isinstance(values, (set, frozenset)):
        values = sorted(values, key=repr)
    if values is None or isinstance(values, (str, bytes)) or not _is_flat_sequence(values):
        raise ValueError(f"{name} must be a 1-D sequence of generations, got {_short(values)}")
    return np.array(sorted({check_int(v, name, minimum=0, maximum=maximum) for v in values}), dtype=int)


def _is_flat_sequence(values):
    try:
        return np.ndim(np.asarray(values, dtype=object)) == 1 or len(values) == 0
    except (TypeError, ValueError):
        return False


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."
