r"""The law of :math:`\log\det\Sigma_n`: its CDF by exact inversion of the moment generating function, its
median."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy import optimize

from theory import validation as V
from theory._log_gamma_law import SIZE_MAX, LogGammaSumLaw
from theory.core import computed
from theory.multivariate.model import BIAS, COVARIANCE, D, EST, _invariants, _require
from theory.multivariate.moments import expected_log_det, variance_of_log_det

__all__ = ["log_det_cdf", "median_log_det"]


# ----------------------------------------------------------------------------- distribution of log det
#: ``n`` and ``M`` of the law: at most :data:`theory._log_gamma_law.SIZE_MAX` (beyond, a ValueError naming them).
LAW_N = V.Integer(0, SIZE_MAX, doc=f"Number of refits (a scalar, at most {SIZE_MAX:.0e}).", example=3)
LAW_M = V.Integer(2, SIZE_MAX, doc=rf"Samples drawn from each generation to fit the next (:math:`M \ge d + 1`, at "
                                   rf"most {SIZE_MAX:.0e}).", example=5)


def _law(n, d, M, estimator):
    r"""The law of :math:`\log\det\Sigma_n - \log\det\Sigma`: ``n`` times ``d`` terms :math:`\log cX_{ji}`,
    :math:`X_{ji}\sim\chi^2_{M-i}` (Bartlett), shapes :math:`a_i = \tfrac{M-i}{2}`; :math:`2ca_i - 1` is exactly
    :math:`(1-i)/(M-1)` (unbiased) or :math:`-i/M` (MLE)."""
    i = np.arange(1, d + 1, dtype=float)
    if estimator == "unbiased":
        return LogGammaSumLaw(n, (M - i) / 2, (1 - i) / (M - 1), 2 / (M - 1))
    return LogGammaSumLaw(n, (M - i) / 2, -i / M, 2 / M)


def _float_log_det(Sigma, d):
    return float(sp.N(_invariants(Sigma, d).log_det, 20))


@computed(y=V.Real(doc=r"Point :math:`y` at which the CDF of :math:`\log\det\Sigma_n` is evaluated.", example=-0.5),
          n=LAW_N, d=D, M=LAW_M, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def log_det_cdf(y, n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r""":math:`P(\log\det\Sigma_n \le y)` by exact inversion of the moment generating function (numeric only).

    .. math::

        P(\log\det\Sigma_n \le y) = -\frac{1}{2\pi i}\int_{c-i\infty}^{c+i\infty} \frac{e^{K(s) - s(y -
        \log\det\Sigma)}}{s}\,ds \quad (c < 0), \qquad
        K(s) = n\sum_{i=1}^d \log\frac{(2c)^s\,\Gamma(\frac{M-i}{2}+s)}{\Gamma(\frac{M-i}{2})},

    and :math:`1 -` that integral for :math:`c > 0`; :math:`e^{K(s)}` is :func:`det_moment` at :math:`r = s`.
    The line passes through the saddle point :math:`K'(\hat s) = y` (no oscillation nor cancellation: tails to
    full relative precision) or, near the median, beside it; a Chernoff bound :math:`e^{K(s) - sy}` below
    :math:`10^{-320}` (or :math:`10^{-17}` for the upper tail) gives 0 (or 1).  A sampling bias shifts the law
    by :math:`nd\log\lambda`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import math
    >>> exact = 1 - math.exp(-1)  # n = d = 1, M = 3: chi-square(2)/2 <= e^0, exactly 1 - 1/e
    >>> abs(log_det_cdf(0.0, 1, 1, 3) - exact) < 1e-12
    True

    References
    ----------
    [daniels1954]_; [gilpelaez1951]_; [muirhead1982]_, Thm 3.2.15.
    """
    y = float(y) - _float_log_det(Sigma, d) - n * d * math.log(bias)
    if n == 0:
        return 1.0 if y >= 0 else 0.0
    return _law(n, d, M, estimator).cdf(y)


@computed(n=LAW_N, d=D, M=LAW_M, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
def median_log_det(n, d, M, *, Sigma=None, estimator="unbiased", bias=1):
    r"""Median of :math:`\log\det\Sigma_n`: the root of :func:`log_det_cdf` ``= 1/2`` by Brent's method
    (numeric only); it falls linearly in ``n`` while :math:`E[\Sigma_n] = \Sigma`: the typical chain collapses
    (a sampling bias adds :math:`nd\log\lambda`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import math
    >>> exact = math.log(math.log(2))  # n = d = 1, M = 3: log of the chi-square(2)/2 median, exactly ln ln 2
    >>> abs(median_log_det(1, 1, 3) - exact) < 1e-12
    True

    References
    ----------
    [daniels1954]_; [shumailov2024]_.
    """
    offset = _float_log_det(Sigma, d) + n * d * math.log(bias)
    if n == 0:
        return offset
    law = _law(n, d, M, estimator)
    centre = expected_log_det(n, d, M, estimator=estimator)
    spread = math.sqrt(variance_of_log_det(n, d, M, estimator=estimator))
    lo, hi = centre - 10 * spread - 1, centre + 10 * spread + 1
    return offset + optimize.brentq(lambda y: law.cdf(y) - 0.5, lo, hi, xtol=1e-12)
