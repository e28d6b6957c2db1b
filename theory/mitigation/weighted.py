r"""Weighted fresh data (He, Xu & Cheng): every step mixes synthetic and fresh real estimates with weight ``w``.

Step 0 fits :math:`\hat\mu_0` (sample mean) and :math:`v_0` (divisor :math:`n-1`) to ``n`` real samples of
:math:`N(\mu, \sigma^2)`.  Step :math:`t \ge 1` draws ``m`` samples of :math:`N(\hat\mu_{t-1}, v_{t-1})`
(mean :math:`\bar y`, variance :math:`s_y^2`, divisor :math:`m-1`) and ``n`` fresh real samples
(:math:`\bar x`, :math:`s_x^2`, divisor :math:`n-1`) and sets

.. math::

    \hat\mu_t = (1-w)\bar y + w\bar x, \qquad v_t = (1-w)s_y^2 + w s_x^2 .

Because :math:`E v_t = \sigma^2` for every ``t``, the errors :math:`D_t = E(\hat\mu_t-\mu)^2` and
:math:`V_t = E(v_t-\sigma^2)^2` obey scalar affine recursions (only :math:`E\chi^2_k = k` and
:math:`E(\chi^2_k)^2 = k(k+2)` enter):

.. math::

    D_t = (1-w)^2 D_{t-1} + \sigma^2\Bigl[\frac{(1-w)^2}{m} + \frac{w^2}{n}\Bigr],\qquad
    V_t = \rho V_{t-1} + 2\sigma^4\Bigl[\frac{(1-w)^2}{m-1} + \frac{w^2}{n-1}\Bigr],\qquad
    \rho = (1-w)^2\frac{m+1}{m-1},

:math:`D_0 = \sigma^2/n`, :math:`V_0 = 2\sigma^4/(n-1)`.  The mean error is stationary for every
:math:`w > 0`; with :math:`m = n/k` it is :math:`\frac{\sigma^2}{n}g(w)`, :math:`g` the factor
:func:`theory.regression.weighted_stationary_factor` of the weighted OLS chains, smallest at
:func:`optimal_real_weight` (one definition, shared with :mod:`theory.regression`), the reciprocal of the
golden ratio when :math:`k = 1`.  The variance error has **no stationary value** when
:math:`\rho \ge 1`, i.e. :math:`w \le w_c = 1 - \sqrt{(m-1)/(m+1)}` (:func:`weighted_variance_error_threshold`):
then it grows geometrically (linearly at :math:`\rho = 1`).  The derivation is the theorem
``WEIGHTED_FRESH_DATA`` of :mod:`proofs.mitigation`.  Source: [he2025]_.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import sympy as sp

from theory import validation as V
from theory._weighting import optimal_real_weight
from theory.core import closed_form, computed
from theory.mitigation import _common as C

__all__ = ["weighted_fresh_data_moments", "optimal_real_weight", "weighted_variance_error_threshold",
           "WeightedMoments"]

SIGMA2 = V.VARIANCE
T_OPT = V.Optional(V.Generations("Number of weighted steps after the fit to the first ``n`` real samples.",
                                 example=4, exact_max=100_000),
                   none_doc="the stationary values (``inf`` where none exists).")
N_REAL = V.SAMPLE_SIZE.with_doc("Real samples per step (and of step 0).", example=10)
M_SYN = V.SAMPLE_SIZE.with_doc("Synthetic samples per step, drawn from the previous model.", example=5)
W = V.Real(0, 1, doc="Weight ``w`` of the real-data estimates (``1 - w`` on the synthetic ones).", example=0.5)


class WeightedMoments(NamedTuple):
    r""":math:`E(\hat\mu_t-\mu)^2` and :math:`E(v_t-\sigma^2)^2` of the weighted fresh-data loop."""
    mean_error: object
    variance_error: object


def _coefficients(n, m, w, sigma2):
    """((a, b, D0), (rho, c, V0)) of D_t = a D_{t-1} + b and V_t = rho V_{t-1} + c (plain arithmetic)."""
    u = (1 - w) ** 2
    return ((u, sigma2 * (u / m + w * w / n), sigma2 / n),
            (u * (m + 1) / (m - 1), 2 * sigma2 ** 2 * (u / (m - 1) + w * w / (n - 1)), 2 * sigma2 ** 2 / (n - 1)))


def _geometric_float(t, log_ratio, ratio_minus_one):
    r""":math:`(r^t, \sum_{j<t} r^j)` for :math:`r = e^{L}` without cancellation near :math:`r = 1`."""
    if ratio_minus_one == 0:
        return 1.0, float(t)
    if t * log_ratio > 700:  # beyond the float range: the geometric growth of a non-stationary error
        return math.inf, math.inf
    return math.exp(t * log_ratio), math.expm1(t * log_ratio) / ratio_minus_one


def _float(t, n, m, w, sigma2):
    (a, b, d0), (rho, c, v0) = _coefficients(float(n), float(m), float(w), float(sigma2))
    if w == 1:  # a = rho = 0: every step is the real-data fit
        return (d0, v0) if t == 0 else (b, c)
    la = 2 * math.log1p(-w)
    lr = la + math.log1p(2 / (m - 1))
    if t is None:
        return (b / (w * (2 - w)) if w > 0 else math.inf), (c / -math.expm1(lr) if lr < 0 else math.inf)
    pa, ga = _geometric_float(t, la, -w * (2 - w))
    pr, gr = _geometric_float(t, lr, math.expm1(lr))
    return pa * d0 + ga * b, pr * v0 + gr * c


def _exact(t, n, m, w, sigma2):
    R = C.rational
    (a, b, d0), (rho, c, v0) = _coefficients(R(n), R(m), R(w), R(sigma2))
    out = []
    for r, k, x0 in ((a, b, d0), (rho, c, v0)):
        if t is None:
            out.append(C.to_sympy(k / (1 - r)) if r < 1 else sp.oo)
        else:
            rt = r ** t
            out.append(C.to_sympy(rt * x0 + (k * t if r == 1 else k * (1 - rt) / (1 - r))))
    return WeightedMoments(*out)


def _symbolic(t, n, m, w, sigma2):
    (a, b, d0), (rho, c, v0) = _coefficients(*(sp.sympify(x) for x in (n, m, w, sigma2)))
    out = []
    for r, k, x0 in ((a, b, d0), (rho, c, v0)):
        stat = k / (1 - r)
        out.append(sp.factor(stat) if t is None else stat + (x0 - stat) * r ** t)
    return WeightedMoments(*out)


@computed(exact=True, symbolic=True, t=T_OPT, n=N_REAL, m=M_SYN, w=W, sigma2=SIGMA2)
def weighted_fresh_data_moments(t, n, m, w, *, sigma2=1, exact=False):
    r"""Exact :math:`(E(\hat\mu_t-\mu)^2, E(v_t-\sigma^2)^2)` of the weighted fresh-data loop; ``t=None``: stationary.

    .. math::

        D_t = D_\infty + (D_0 - D_\infty)(1-w)^{2t},\quad D_\infty = \sigma^2\frac{(1-w)^2/m + w^2/n}{w(2-w)};
        \qquad V_t = V_\infty + (V_0 - V_\infty)\rho^t,\quad
        V_\infty = 2\sigma^4\frac{(1-w)^2/(m-1) + w^2/(n-1)}{1-\rho}.

    ``w = 0`` (no real data after step 0): :math:`D_t = \sigma^2/n + t\sigma^2/m`, a random walk.
    ``t=None`` returns the stationary values, and ``inf`` (``oo`` if exact) where there is none: the mean
    error when ``w = 0``, the variance error when :math:`\rho \ge 1`, i.e.
    :math:`w \le w_c =` :func:`weighted_variance_error_threshold` (it then grows geometrically).  Floats
    without cancellation at any ``t``; exact rationals; symbolic ``t`` gives the closed forms above
    (valid for :math:`w > 0`, :math:`\rho \ne 1`).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    WeightedMoments
        ``(mean_error, variance_error)``.

    Examples
    --------
    >>> weighted_fresh_data_moments(1, 3, 3, 0.5, exact=True)
    WeightedMoments(mean_error=1/4, variance_error=1)
    >>> weighted_fresh_data_moments(None, 2, 2, 0.2)  # w below w_c(2) = 0.42: no stationary variance error
    WeightedMoments(mean_error=0.9444444444444445, variance_error=inf)

    References
    ----------
    [he2025]_; [cochran1934]_.
    """
    if V.is_symbolic(t, n, m, w, sigma2):
        return _symbolic(t, n, m, w, sigma2)
    if isinstance(t, np.ndarray):
        return C.per_generation(lambda x: weighted_fresh_data_moments.__wrapped__(x, n, m, w, sigma2=sigma2,
                                                                                  exact=exact), t, exact)
    if exact:
        return _exact(t, n, m, w, sigma2)
    return WeightedMoments(*_float(t, n, m, w, sigma2))


@closed_form(m=M_SYN)
def weighted_variance_error_threshold(m):
    r""":math:`w_c = 1 - \sqrt{(m-1)/(m+1)}`: the variance error has a stationary value iff :math:`w > w_c`.

    :math:`\rho = (1-w)^2(m+1)/(m-1) < 1 \iff w > w_c`; :math:`w_c \approx 1/(m+1)` for large ``m``
    (like the fresh-data threshold :func:`theory.mitigation.mixing_stability_threshold`), but
    :math:`w_c(2) = 1 - 1/\sqrt3 \approx 0.42`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> weighted_variance_error_threshold(2, exact=True)
    1 - sqrt(3)/3

    References
    ----------
    [he2025]_.
    """
    return 1 - sp.sqrt((m - 1) / (m + 1))
