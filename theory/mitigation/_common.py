"""Parameter domains and result types shared by the mitigation modules."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import sympy as sp

from theory import validation as V

#: ``alpha``: the fraction of fresh real samples (``alpha * M`` fresh samples, an integer).
ALPHA = V.Real(0, 1, doc=r"Fraction :math:`\alpha` of fresh real samples per generation; :math:`\alpha M` must be "
                         "an integer (the exact split).", example=0.2)
#: ``M`` for a mixing loop: the training sample size (fresh + synthetic).
MIX_M = V.SAMPLE_SIZE.with_doc("Training samples per generation (fresh + synthetic).", example=10)
#: ``M`` for accumulation: the batch size.
BATCH_M = V.SAMPLE_SIZE.with_doc("Samples added to the pool per generation (the batch size); model ``n`` is fitted to "
                                 ":math:`nM` samples.", example=5)
ESTIMATOR = V.ESTIMATOR.with_doc("Variance estimator: divide the pooled sum of squares by its size minus one "
                                 "(unbiased) or by its size (MLE).")


class GaussianMoments(NamedTuple):
    """Second moments of a Gaussian loop: :math:`E[\\sigma_n^2]` and :math:`E[(\\mu_n-\\mu)^2]`."""
    variance: object
    mean_error: object


class Bounds(NamedTuple):
    """A lower and an upper bound."""
    lower: object
    upper: object


def fresh_count(alpha, M):
    """The number of fresh samples :math:`m_r = \\alpha M` (an integer), or ValueError naming ``alpha``."""
    if V.is_symbolic(alpha, M):
        return alpha * M
    prod = sp.Rational(alpha) * int(M) if isinstance(alpha, sp.Basic) else alpha * int(M)
    mr = round(float(prod))
    if abs(float(prod) - mr) > 1e-9:
        raise ValueError(f"alpha * M must be an integer number of fresh samples (exact split convention), "
                         f"got alpha={alpha!r}, M={M} -> {float(prod)!r}")
    return mr


def require_split(alpha, M, **_):
    """``requires`` hook: ``alpha * M`` is an integer."""
    fresh_count(alpha, M)


def exact_alpha(alpha, M):
    """alpha as the exact fraction m_r / M (sympy), or the symbol itself."""
    if V.is_symbolic(alpha, M):
        return alpha
    return sp.Rational(fresh_count(alpha, M), int(M))


def log_sum(log_factor, lo, hi, *, direct=2_000_000):
    r""":math:`\sum_{j=lo}^{hi-1}` ``log_factor(j, lib)`` to double precision for any ``hi``.

    ``log_factor(j, lib)`` evaluates the term with ``lib.log1p`` etc., ``lib`` being numpy (on an array
    of ``j``) or mpmath (on one ``j``).  Up to ``direct`` terms are summed directly (vectorised, ``math.fsum``); the rest, for ``hi`` up
    to :math:`10^{18}`, as the difference of two infinite tails computed by ``mpmath.nsum`` with the
    Euler-Maclaurin method (the terms are smooth and decay like :math:`j^{-2}`).
    """
    import mpmath

    if hi <= lo:
        return 0.0
    cut = min(hi, lo + direct)
    total = math.fsum(log_factor(np.arange(lo, cut, dtype=float), np))
    if hi > cut:
        with mpmath.workdps(30):
            f = lambda j: log_factor(j, mpmath)  # noqa: E731
            total += float(mpmath.nsum(f, [cut, mpmath.inf], method="euler-maclaurin")
                           - mpmath.nsum(f, [hi, mpmath.inf], method="euler-maclaurin"))
    return total


# ----------------------------------------------------------------------------- exact products (remedies)
try:  # python-flint (a dependency): exact rationals with fast gcds and FFT multiplication
    from flint import fmpq as _fmpq
    from flint import fmpq_mat as _fmpq_mat
except ImportError:  # pragma: no cover - the dependency is declared in setup.cfg
    _fmpq = _fmpq_mat = None


def rational(x):
    """An exact rational (flint ``fmpq``) from an int, a Fraction or a sympy Rational."""
    if isinstance(x, _fmpq):
        return x
    if isinstance(x, sp.Rational):
        return _fmpq(int(x.p), int(x.q))
    if hasattr(x, "numerator"):
        return _fmpq(int(x.numerator), int(x.denominator))
    return _fmpq(int(x))


def matrix(rows):
    """A flint rational matrix from nested lists of exact rationals."""
    return _fmpq_mat(len(rows), len(rows[0]), [rational(v) for row in rows for v in row])


def ordered_product(mats):
    r""":math:`A_{T}\cdots A_2 A_1` of ``mats = [A_1, ..., A_T]`` by a balanced product tree.

    Adjacent factors are multiplied pairwise, level by level, so the numbers grow evenly and the cost is
    a few multiplications of the final size (:math:`O(M(d)\log T)` for :math:`d` final digits) instead of
    :math:`T` multiplications of a growing product by small factors.
    """
    mats = list(mats)
    while len(mats) > 1:
        nxt = [mats[i + 1] * mats[i] for i in range(0, len(mats) - 1, 2)]
        if len(mats) % 2:
            nxt.append(mats[-1])
        mats = nxt
    return mats[0]


def to_sympy(x):
    """A flint ``fmpq`` (canonical: coprime, positive denominator) as a sympy Rational, without a second gcd."""
    p, q = int(x.p), int(x.q)
    coprime = getattr(sp.Rational, "from_coprime_ints", None)  # sympy >= 1.13
    return sp.Integer(p) if q == 1 else (coprime(p, q) if coprime else sp.Rational(p, q))


def smooth_sum(f, a, b):
    r""":math:`\sum_{s=a}^{b} f(s)` for a smooth, slowly varying ``f`` and large ``a`` (mpmath, current precision).

    Euler-Maclaurin: :math:`\int_a^b f + \frac{f(a)+f(b)}{2} + \frac{f'(b)-f'(a)}{12} - \frac{f'''(b)-f'''(a)}{720}`,
    the integral by tanh-sinh quadrature on geometrically growing pieces.  For terms that behave like
    powers :math:`s^{-p}` the remainder is :math:`O(a^{-p-5})`: negligible for :math:`a \ge 10^6`.
    """
    import mpmath

    if b < a:
        return mpmath.mpf(0)
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    cuts = [a]
    while cuts[-1] * 16 < b:
        cuts.append(cuts[-1] * 16)
    cuts.append(b)
    integral = mpmath.fsum(mpmath.quad(f, [lo, hi]) for lo, hi in zip(cuts[:-1], cuts[1:]))
    d1 = mpmath.diff(f, b) - mpmath.diff(f, a)
    d3 = mpmath.diff(f, b, 3) - mpmath.diff(f, a, 3)
    return integral + (f(a) + f(b)) / 2 + d1 / 12 - d3 / 720


def per_generation(f, generations, exact):
    """``f(t)`` (a NamedTuple) for each ``t`` of an array of generations, as a NamedTuple of arrays."""
    parts = [f(int(t)) for t in np.asarray(generations).ravel()]
    return _stack(parts, object if exact else float, np.shape(generations))


def _stack(items, dtype, shape):
    if isinstance(items[0], tuple) and hasattr(items[0], "_fields"):  # NamedTuples (possibly nested)
        return type(items[0])(*(_stack([it[i] for it in items], dtype, shape) for i in range(len(items[0]))))
    out = np.empty(len(items), dtype=dtype)
    out[:] = items
    return out.reshape(shape)
