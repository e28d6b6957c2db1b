r"""Derivations behind :mod:`theory.truncation`, by sympy integration (the theory module states the results).

* :func:`derive_truncated_normal_raw_moment` -- :math:`E[X^k]` of the standard normal truncated to
  :math:`[a, b]` by direct integration, against which the recurrence of
  :func:`theory.truncation.truncated_normal_raw_moment` is checked;
* :func:`derive_symmetric_truncation_factor` -- the general variance at :math:`a = -c, b = c` reduces to
  :math:`r(c) = 1 - 2c\phi(c)/(2\Phi(c) - 1)`;
* :func:`derive_temperature_density` and :func:`derive_temperature_variance_factor` -- sampling
  :math:`N(\mu, \sigma^2)` at temperature :math:`T` is sampling :math:`N(\mu, T\sigma^2)`: the normalising
  integral and the variance are computed, not assumed.

Each returns the derived sympy expression; ``tests/test_proofs_approximation.py`` checks that it equals
the closed form of :mod:`theory.truncation`.  Sources: Johnson, Kotz & Balakrishnan (1994), ch. 13
sec. 10.1; Shumailov et al. (2024) (functional approximation error).
"""

from __future__ import annotations

import sympy as sp

from theory import validation as V

__all__ = ["derive_truncated_normal_raw_moment", "derive_symmetric_truncation_factor",
           "derive_temperature_density", "derive_temperature_variance_factor"]

x = sp.Symbol("x", real=True)
a, b = sp.Symbol("a", real=True), sp.Symbol("b", real=True)
c, T = sp.Symbol("c", positive=True), sp.Symbol("T", positive=True)
mu, sigma2 = sp.Symbol("mu", real=True), sp.Symbol("sigma2", positive=True)


def _phi(t):
    return sp.exp(-t ** 2 / 2) / sp.sqrt(2 * sp.pi)


def _Phi(t):
    return (1 + sp.erf(t / sp.sqrt(2))) / 2


def derive_truncated_normal_raw_moment(k):
    r""":math:`E[X^k] = \int_a^b x^k\phi(x)\,dx / (\Phi(b)-\Phi(a))` for :math:`X \sim N(0, 1)` truncated to
    :math:`[a, b]`, integrated by sympy; an expression in the real symbols ``a``, ``b``.

    >>> sp.simplify(derive_truncated_normal_raw_moment(0))
    1
    """
    k = V.Integer(0, 20).check(k, "k")
    return sp.integrate(x ** k * _phi(x), (x, a, b)) / (_Phi(b) - _Phi(a))


def derive_symmetric_truncation_factor():
    r"""The variance :math:`m_2 - m_1^2` of the normal truncated to :math:`[-c, c]`, by integration, simplified;
    equal to :math:`1 - 2c\phi(c)/(2\Phi(c) - 1)` (the mean term vanishes by symmetry).

    >>> sp.simplify(derive_symmetric_truncation_factor() - (1 - 2 * c * _phi(c) / (2 * _Phi(c) - 1)))
    0
    """
    m1 = derive_truncated_normal_raw_moment(1).subs({a: -c, b: c})
    m2 = derive_truncated_normal_raw_moment(2).subs({a: -c, b: c})
    return sp.simplify(m2 - m1 ** 2)


def derive_temperature_density():
    r""":math:`p^{1/T}/\int p^{1/T}dx` for :math:`p = N(\mu, \sigma^2)`, the integral computed by sympy: the density
    of :math:`N(\mu, T\sigma^2)` in the symbol ``x``.

    >>> sp.simplify(derive_temperature_density().subs({T: 1, mu: 0, sigma2: 1}) - _phi(x))
    0
    """
    p = sp.exp(-(x - mu) ** 2 / (2 * sigma2)) / sp.sqrt(2 * sp.pi * sigma2)
    pt = sp.powsimp(p ** (1 / T), force=True)
    return sp.simplify(pt / sp.integrate(pt, (x, -sp.oo, sp.oo), conds="none"))


def derive_temperature_variance_factor():
    r"""The variance of :func:`derive_temperature_density` divided by :math:`\sigma^2`, integrated: :math:`T`.

    >>> derive_temperature_variance_factor()
    T
    """
    dens = derive_temperature_density()
    mean = sp.simplify(sp.integrate(x * dens, (x, -sp.oo, sp.oo), conds="none"))
    var = sp.simplify(sp.integrate((x - mean) ** 2 * dens, (x, -sp.oo, sp.oo), conds="none"))
    return sp.simplify(var / sigma2)
