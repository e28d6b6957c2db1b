r"""The law of a sum of independent log-gamma variables, by exact inversion of its moment generating function.

A variance after ``n`` Gaussian refits is :math:`\sigma^2\prod_j cX_j` with :math:`X_j\sim\chi^2_{M-1}`
(:mod:`theory.gaussian`), a determinant :math:`\det\Sigma\prod_{j,i} cX_{ji}` with
:math:`X_{ji}\sim\chi^2_{M-i}` (Bartlett); so :math:`Y = \sum_j\sum_i \log(cX_{ji})` with cumulant
generating function

.. math::

    K(s) = n\sum_i\left[s\log 2c + \log\Gamma(a_i+s) - \log\Gamma(a_i)\right],\qquad \operatorname{Re}s > -\min a_i,

and :math:`P(Y\le y) = -\frac{1}{2\pi i}\int_{c-i\infty}^{c+i\infty} e^{K(s)-sy}\,\frac{ds}{s}` for
:math:`c<0` (:math:`1-` the same integral for :math:`c>0`) [daniels1954]_.  The line passes through the
saddle point :math:`K'(\hat s) = y`, where the integrand neither oscillates nor cancels, so a tail keeps its
relative precision down to the smallest double; near the median (where the saddle point is near the pole
at 0) it passes one standard deviation of :math:`s` aside.  Every term of :math:`K(c+it)-K(c)` keeps its
relative precision (shift-and-Stirling, below): log-gammas of order :math:`a\log a` would round a small
increment away at a huge ``M``.  Private, the one implementation behind :func:`theory.gaussian.variance_cdf`
(one shape :math:`a = (M-1)/2`) and :func:`theory.multivariate.log_det_cdf` (shapes :math:`a_i = (M-i)/2`,
:math:`i = 1..d`); at :math:`d = 1` the two laws are the same.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy import optimize, special

__all__ = ["LogGammaSumLaw", "SIZE_MAX"]

#: Largest number of refits ``n`` and sample size ``M`` of the numeric law: its cumulants, the saddle point and
#: the contour stay inside doubles (the domains of the public functions declare it, so beyond is a ValueError).
SIZE_MAX = 10 ** 15

_BERNOULLI = [(float(sp.bernoulli(2 * k)) / (2 * k * (2 * k - 1)), 1 - 2 * k) for k in range(1, 9)]
_PHI_SERIES = [(-1) ** m / (m * (m - 1)) for m in range(2, 18)]
_GAUSS_X, _GAUSS_W = np.polynomial.legendre.leggauss(20)


def _log1p(u):
    """:math:`\\log(1+u)` for complex ``u`` without cancellation at small ``|u|``."""
    x, y = u.real, u.imag
    return 0.5 * np.log1p(x * (2 + x) + y * y) + 1j * np.arctan2(y, 1 + x)


def _expm1(x):
    """:math:`e^x - 1` for complex ``x`` without cancellation at small ``|x|``."""
    a, b = x.real, x.imag
    return np.expm1(a) * np.cos(b) - 2 * np.sin(b / 2) ** 2 + 1j * np.exp(a) * np.sin(b)


def _phi(u, w, log_w):
    """:math:`(1+u)\\log(1+u) - u = \\sum_{m\\ge2} (-1)^m u^m/(m(m-1))` (the series below :math:`|u| = 0.1`), with
    ``w`` :math:`= 1+u` and ``log_w`` its logarithm computed without cancellation by the caller."""
    out = w * log_w - u
    small = np.abs(u) < 0.1
    us = u[small]
    out[small] = sum(coef * us ** (m + 2) for m, coef in enumerate(_PHI_SERIES))
    return out


def _log_mellin_increment(b, e, z, two_c):
    r""":math:`z\log 2c + \log\Gamma(b+z) - \log\Gamma(b)` (mod :math:`2\pi i`) for real :math:`b > 0` and complex
    ``z`` with :math:`b + \operatorname{Re}z > 0`; ``e`` is :math:`2cb - 1`, free of rounding.

    Shifted by :math:`m` steps of :math:`\log\Gamma(x+1) = \log\Gamma(x) + \log x` until :math:`b + m` and
    :math:`b + m + \operatorname{Re}z \ge 10`, then Stirling's series as :math:`zL + b'\varphi(z/b') -
    \tfrac12\log(1+z/b') + \sum_{k\le8}\frac{B_{2k}}{2k(2k-1)}[(b'+z)^{1-2k} - b'^{1-2k}]`, :math:`b' = b+m`,
    :math:`L = \log 2cb' = \log(1 + e + 2cm)`: every term keeps its relative precision.
    """
    b, e, z = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(e, dtype=float),
                                  np.asarray(z, dtype=complex))
    m = np.ceil(np.maximum(0.0, 10.0 - np.minimum(b, b + z.real)))
    shifted = b + m
    u = z / shifted
    # 1 + u = (b' + z)/b' directly where it is small (z near -b at a huge b: 1 + u in floats would round to 0)
    near = u.real < -0.5
    w = np.where(near, (shifted + z) / shifted, 1 + u)
    log1p_u = np.empty_like(u)
    log1p_u[near] = np.log(w[near])
    log1p_u[~near] = _log1p(u[~near])
    series = sum(coef * shifted ** p * _expm1(p * log1p_u) for coef, p in _BERNOULLI)  # (b'+z)^p - b'^p
    acc = z * np.log1p(e + two_c * m) + shifted * _phi(u, w, log1p_u) - 0.5 * log1p_u + series
    for j in range(int(m.max(initial=0))):
        step = j < m
        bj, zj = b[step] + j, z[step]
        q = zj / bj  # log(1 + q), as log((b + j + z)/(b + j)) where 1 + q is small
        near = q.real < -0.5
        term = np.empty_like(q)
        term[near] = np.log((bj[near] + zj[near]) / bj[near])
        term[~near] = _log1p(q[~near])
        acc[step] -= term
    return acc


def _adaptive_gauss(f, edges, density, rel=1e-14, max_panels=400_000):
    r""":math:`\int f` by adaptive bisection of the panels ``edges`` with 20-point Gauss-Legendre (``f`` vectorised);
    a panel is accepted when its halves agree within ``density`` times its width or ``rel`` relative."""
    lo, hi = np.asarray(edges[:-1], dtype=float), np.asarray(edges[1:], dtype=float)

    def gauss(a, b):
        half = (b - a)[:, None] / 2
        return (f((a + b)[:, None] / 2 + half * _GAUSS_X) * _GAUSS_W).sum(axis=1) * half[:, 0]

    total, whole = 0.0, gauss(lo, hi)
    while lo.size:
        if lo.size > max_panels:
            raise ArithmeticError("the inversion integral needs too many panels")
        mid = (lo + hi) / 2
        left, right = gauss(lo, mid), gauss(mid, hi)
        err = np.abs(whole - left - right)  # the error of the coarse panel: its halves are far better
        done = (err <= density * (hi - lo)) | (err <= rel * (np.abs(left) + np.abs(right)))
        total += math.fsum(left[done]) + math.fsum(right[done])
        keep = ~done
        lo, hi = np.concatenate([lo[keep], mid[keep]]), np.concatenate([mid[keep], hi[keep]])
        whole = np.concatenate([left[keep], right[keep]])
    return total


class LogGammaSumLaw:
    r"""The law of :math:`Y = \sum_{j=1}^n\sum_i \log(cX_{ji})`, :math:`X_{ji}\sim\chi^2_{2a_i}` independent.

    ``a`` are the shapes :math:`a_i > 0` (floats), ``delta`` the exact :math:`2ca_i - 1` (so that
    :math:`\log 2c(a_i + s) = \log(1 + \delta_i + 2cs)` is free of rounding), ``two_c`` is :math:`2c`.
    """

    def __init__(self, n, a, delta, two_c):
        self.n = float(n)
        self.a = np.atleast_1d(np.asarray(a, dtype=float))
        self.delta = np.atleast_1d(np.asarray(delta, dtype=float))
        self.two_c, self.log2c = float(two_c), math.log(two_c)
        self.edge = -float(self.a.min())

    def increment(self, s, z):
        """:math:`K(s+z) - K(s)` for real ``s`` in the strip and an array of complex ``z``."""
        z = np.asarray(z, dtype=complex)[..., None]
        return self.n * np.sum(_log_mellin_increment(self.a + s, self.delta + self.two_c * s, z, self.two_c), axis=-1)

    def K(self, s):
        return float(self.increment(0.0, s).real)

    def dK(self, s):
        # log 2c + psi(a + s) = log(1 + delta + 2cs) + (psi(b) - log b): both parts without cancellation
        b = self.a + s
        return self.n * float(np.sum(np.log1p(self.delta + self.two_c * s) + _psi_minus_log(b)))

    def d2K(self, s):
        return self.n * float(np.sum(special.polygamma(1, self.a + s)))

    def saddle(self, y):
        r"""The minimiser of the Chernoff exponent :math:`K(s) - sy`: the root of :math:`K'(s) = y`, or the
        nearest point tried (:math:`K'` increases from :math:`-\infty` at the edge to :math:`\infty`)."""
        lo, hi = max(-0.5, self.edge / 2), 0.5  # inside the strip (the edge is -1/2 at M = 2)
        while self.dK(hi) < y and hi < 1e100:  # beyond, y is so high that the bound at hi already gives 1
            hi *= 2
        for _ in range(200):
            if self.dK(lo) <= y:
                break
            closer = self.edge + (lo - self.edge) / 4
            if closer == lo or self.a.min() + closer <= 0:  # as close to the edge as floats go
                return lo
            lo = closer
        else:
            return lo
        if self.dK(hi) < y:
            return hi
        return optimize.brentq(lambda s: self.dK(s) - y, lo, hi, xtol=1e-300, rtol=4 * np.finfo(float).eps)

    def tail(self, y, c):
        r""":math:`\frac{1}{\pi}\int_0^\infty \operatorname{Re}\frac{e^{K(c+it)-(c+it)y}}{c+it}\,dt`: :math:`P(Y > y)`
        for :math:`c > 0`, minus the CDF for :math:`c < 0`; cut where the (decreasing) modulus times :math:`t` is
        below :math:`10^{-17}` of the integral's scale :math:`K''(c)^{-1/2}/|c|`."""
        scale = 1.0 / math.sqrt(self.d2K(c))
        ref = scale / abs(c)

        def h(t):
            rows = max(1, 2 ** 20 // (t.shape[-1] * self.a.size))  # bound the (rows, 20, d) temporaries
            return np.concatenate([(np.exp(self.increment(c, 1j * u) - 1j * u * y) / (c + 1j * u)).real
                                   for u in np.array_split(t, max(1, -(-t.shape[0] // rows)))])

        def modulus(t):
            return math.exp(float(self.increment(c, 1j * t).real)) / abs(c + 1j * t)

        edges = [0.0, 8 * scale, 64 * scale]
        while modulus(edges[-1]) * max(edges[-1], 1.0) > 1e-17 * ref:
            if len(edges) > 200:
                raise ArithmeticError("the inversion integrand does not decay")
            edges.append(2 * edges[-1])
        floor = 1e-14 * (1 + abs(y) * scale)  # the phase K(c+it) - ity cancels terms of size |ty|
        total = _adaptive_gauss(h, edges, floor * ref / scale, floor)
        return math.exp(self.K(c) - c * y) * total / math.pi

    def cdf(self, y):
        r""":math:`P(Y \le y)`, to ~1e-12 relative in the lower tail down to the smallest double (at most 6e-12
        against 60-digit mpmath, ``tests/test_properties.py``), ~1e-16 absolute in the upper."""
        s = self.saddle(y)
        chernoff = self.K(s) - s * y  # log of the best bound on the tail on the side of s
        if s < 0 and chernoff < -746:  # P(Y <= y) below the smallest double
            return 0.0
        if s > 0 and chernoff < -40:  # P(Y > y) < 5e-18: rounds to 1
            return 1.0
        c = s
        if abs(s) * math.sqrt(self.d2K(s)) < 1:  # near the median: a line one standard deviation of s aside
            c = math.copysign(1.0 / math.sqrt(self.d2K(0.0)), s if s != 0 else 1.0)
            c = max(c, self.edge / 2)
        p = self.tail(y, c)
        p = 1.0 - p if c > 0 else -p
        if not -1e-12 <= p <= 1 + 1e-12:
            raise ArithmeticError(f"the inversion integral failed (got {p!r})")
        return min(max(p, 0.0), 1.0)


def _psi_minus_log(b):
    r""":math:`\psi(b) - \log b` for real :math:`b > 0`, without the cancellation of two terms of size
    :math:`\log b` (asymptotic series above 10, after the recurrence :math:`\psi(b) = \psi(b+1) - 1/b`)."""
    b = np.asarray(b, dtype=float)
    m = np.ceil(np.maximum(0.0, 10.0 - b))
    shifted = b + m
    inv2 = 1.0 / shifted ** 2
    # psi(x) - log x = -1/(2x) - sum B_2k / (2k x^2k)
    series = -0.5 / shifted - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (
        1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))))
    out = series + np.where(m > 0, np.log(shifted) - np.log(b), 0.0)  # psi(b') - log b' + log(b'/b)
    for j in range(int(m.max(initial=0))):
        out = out - np.where(j < m, 1.0 / (b + j), 0.0)
    return out
