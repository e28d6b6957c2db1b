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
