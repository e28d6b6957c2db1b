r"""Functional expressivity error: ONE Gaussian fitted to a Gaussian mixture, and its recursive refitting.

With infinitely many samples the Gaussian MLE for data from a mixture :math:`p` matches its first two
moments :math:`\mu, \sigma^2`; the error left is the distance to :math:`q = N(\mu, \sigma^2)`:
:math:`KL(p\,\|\,q) = \tfrac12\log(2\pi e\sigma^2) - H(p)` and :math:`W_2^2(q, p) = 2\sigma(\sigma - \kappa)`,
both :math:`\ge 0` and zero iff :math:`p` is Gaussian [covertthomas2006]_, [villani2003]_.  Refitting
:math:`q` on ``M`` samples joins the Gaussian collapse (:mod:`theory.gaussian`), and
:math:`E[W_2^2(N(\mu_n,\sigma_n^2), p)] = E[W_2^2(N(\mu_n,\sigma_n^2), q)] + 2(\sigma - \kappa)E[\sigma_n]`.
Numeric in the mixture (quadratures), symbolic in ``n`` and ``M`` [shumailov2024]_.
"""

from __future__ import annotations

import math

from theory import gaussian as _gaussian
from theory import validation as V
from theory.core import computed
from theory.mixture import NUMERIC_MIXTURE, Mixture, kappa, kl_divergence, mixture_moments

__all__ = ["expressivity_kl", "expressivity_w2_squared", "expressivity_recursive_w2_squared"]


def _moments(mixture):
    """Mean, variance and sigma - kappa >= 0 of the mixture (the max only removes rounding)."""
    mu, var = (float(v) for v in mixture_moments(mixture))
    return mu, var, max(math.sqrt(var) - kappa(mixture), 0.0)


@computed(mixture=NUMERIC_MIXTURE)
def expressivity_kl(mixture):
    r"""Irreducible :math:`KL(p\,\|\,q) = \tfrac12\log(2\pi e\,\sigma^2) - H(p) \ge 0` from the mixture to its
    moment-matched Gaussian :math:`q` (numeric only).

    Computed as :func:`theory.mixture.kl_divergence` to :math:`q` (a non-negative integrand), which equals
    the display because :math:`E_p[(x-\mu)^2] = \sigma^2` makes the cross-entropy the entropy of :math:`q`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expressivity_kl(((0.5, 0.5), (1.0, 1.0), (2.0, 2.0))) < 1e-20  # a Gaussian: exactly 0
    True

    References
    ----------
    [shumailov2024]_; [covertthomas2006]_, Thm. 8.6.5.
    """
    return kl_divergence(mixture, Mixture((1.0,), *([float(v)] for v in mixture_moments(mixture))))


@computed(mixture=NUMERIC_MIXTURE)
def expressivity_w2_squared(mixture):
    r"""Irreducible :math:`W_2^2(N(\mu, \sigma^2), p) = 2\sigma(\sigma - \kappa) \ge 0` from the mixture to its
    moment-matched Gaussian (numeric only).

    :func:`theory.mixture.w2_squared_to_gaussian` at :math:`m = \mu`, :math:`s^2 = \sigma^2`; zero iff the
    mixture is Gaussian.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expressivity_w2_squared(((0.5, 0.5), (1.0, 1.0), (2.0, 2.0))) < 1e-12  # a Gaussian: exactly 0
    True

    References
    ----------
    [shumailov2024]_; [villani2003]_, sec. 2.2.
    """
    _, var, gap = _moments(mixture)
    return 2 * math.sqrt(var) * gap


@computed(symbolic=True, n=V.GENERATIONS, M=V.SAMPLE_SIZE, mixture=NUMERIC_MIXTURE, estimator=V.ESTIMATOR)
def expressivity_recursive_w2_squared(n, M, mixture, estimator="unbiased"):
    r""":math:`E[W_2^2(N(\mu_n,\sigma_n^2), p)] = E[W_2^2(N(\mu_n,\sigma_n^2), q)] + 2(\sigma-\kappa)E[\sigma_n]`:
    the moment-matched Gaussian :math:`q` of ``p`` refitted ``n`` times on ``M`` samples.

    :func:`theory.gaussian.expected_w2_squared` and ``expected_std`` at :math:`\sigma^2` the mixture variance;
    unbounded (unbiased) or :math:`\to 2\sigma^2` (MLE).  Symbolic ``n``, ``M``: an expression.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> n = sp.Symbol("n", integer=True, nonnegative=True)
    >>> expressivity_recursive_w2_squared(n, 2, ((0.5, 0.5), (1.0, 1.0), (2.0, 2.0)))  # a Gaussian: sp. form
    1.0*n - 4.0*(sqrt(2)/sqrt(pi))**n + 4.0

    References
    ----------
    [shumailov2024]_; [villani2003]_, sec. 2.2.
    """
    _, var, gap = _moments(mixture)
    gauss = _gaussian.expected_w2_squared(n, M, sigma2=var, estimator=estimator)
    return gauss + 2 * gap * _gaussian.expected_std(n, M, sigma2=var, estimator=estimator)
