r"""The weighting factor shared by the weighted fresh-data chains, and its minimiser (private, re-exported).

A chain whose step mixes a fresh real estimate (weight :math:`w`) with a synthetic one refitted to the
previous step (weight :math:`1-w`, a set :math:`k` times smaller than the real one) contracts its error by
:math:`(1-w)^2` and adds noise :math:`w^2/k + (1-w)^2` times that of the synthetic fit, so its stationary error
is proportional to one factor.  Two processes have it: the Gaussian remedy
:func:`theory.mitigation.weighted_fresh_data_moments` (the mean error, :math:`m = n/k` synthetic samples) and
the weighted OLS chains of :mod:`theory.regression`.  They re-export the functions below, defined once here so
that neither process module imports the other.
"""

from __future__ import annotations

import sympy as sp

from theory import validation as V
from theory.core import closed_form

__all__ = ["weighted_stationary_factor", "optimal_real_weight"]

WEIGHT = V.Real(0, 1, lower_open=True, doc="Weight :math:`w` of the real data (``1 - w`` on the synthetic data); "
                                           "``w = 0`` has no stationary value.", example=0.6)
RATIO = V.Real(0, lower_open=True, doc="Size ratio :math:`k = n/m` of the real to the synthetic set.", example=2)


@closed_form(w=WEIGHT, k=RATIO)
def weighted_stationary_factor(w, k=1):
    r"""The factor :math:`g(w) = \frac{k(1-w)^2 + w^2}{w(2-w)}` of every weighted fresh-data chain's stationary error.

    Each step's fresh noise has variance :math:`w^2/k + (1-w)^2` times that of the synthetic fit and the error
    contracts by :math:`(1-w)^2`; the geometric sum gives :math:`g`.  Minimised at :func:`optimal_real_weight`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> weighted_stationary_factor(1, exact=True), weighted_stationary_factor(0.5, 1, exact=True)
    (1, 2/3)

    References
    ----------
    [he2025]_.
    """
    return (k * (1 - w) ** 2 + w ** 2) / (w * (2 - w))


@closed_form(k=RATIO)
def optimal_real_weight(k):
    r"""The real-data weight minimising :func:`weighted_stationary_factor`: :math:`w^*(k) = (\sqrt{k^2+4k}-k)/2`;
    :math:`1/\varphi = (\sqrt5-1)/2` at :math:`k = 1`.

    :math:`g'(w) = \frac{2(w^2+kw-k)}{w^2(2-w)^2}`: the unique root in :math:`(0, 1)` of :math:`w^2 + kw - k`.
    The one definition for the Gaussian weighted fresh-data remedy (:math:`m = n/k` synthetic samples) and
    the weighted OLS chains of :mod:`theory.regression`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> optimal_real_weight(1, exact=True)
    -1/2 + sqrt(5)/2
    >>> sp.simplify(optimal_real_weight(1, exact=True) - 1 / sp.GoldenRatio)
    0
    >>> optimal_real_weight(2, exact=True)
    -1 + sqrt(3)

    References
    ----------
    [he2025]_ (the golden-ratio weight).
    """
    return (sp.sqrt(k ** 2 + 4 * k) - k) / 2
