r"""The law of :math:`\log\det\Sigma_n`: its CDF by exact inversion of the moment generating function, its
median."""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
from scipy import optimize, special

from theory import validation as V
from theory.core import computed
from theory.multivariate.model import BIAS, COVARIANCE, D, EST, M_, SCALAR_N, _invariants, _require
from theory.multivariate.moments import expected_log_det, variance_of_log_det

__all__ = ["log_det_cdf", "median_log_det"]


# ----------------------------------------------------------------------------- distribution of log det
_BERNOULLI = [(float(sp.bernoulli(2 * k)) / (2 * k * (2 * k - 1)), 1 - 2 * k) for k in range(1, 9)]
_PHI_SERIES = [(-1) ** m / (m * (m - 1)) for m in range(2, 18)]


def _log1p(u):
    """:math:`\\log(1+u)` for complex ``u`` without cancellation at small ``|u|``."""
    x, y = u.real, u.imag
    return 0.5 * np.log1p(x * (2 + x) + y * y) + 1j * np.arctan2(y, 1 + x)


def _expm1(x):
    """:math:`e^x - 1` for complex ``x`` without cancellation at small ``|x|``."""
    a, b = x.real, x.imag
    return np.expm1(a) * np.cos(b) - 2 * np.sin(b / 2) ** 2 + 1j * np.exp(a) * np.sin(b)


def _phi(u):
    """:math:`(1+u)\\log(1+u) - u = \\sum_{m\\ge2} (-1)^m u^m/(m(m-1))` (the series below :math:`|u| = 0.1`)."""
    out = (1 + u) * _log1p(u) - u
    small = np.abs(u) < 0.1
    us = u[small]
    out[small] = sum(coef * us ** (m + 2) for m, coef in enumerate(_PHI_SERIES))
    return out


def _log_mellin_increment(b, e, z, two_c):
    r""":math:`z\log 2c + \log\Gamma(b+z) - \log\Gamma(b)` (mod :math:`2\pi i`), real :math:`b > 0`, complex ``z``;
    ``e`` is :math:`2cb - 1`, free of rounding.  Shifted by :math:`m` steps of
    :math:`\log\Gamma(x+1) = \log\Gamma(x) + \log x` until :math:`b + m` and :math:`b + m + \operatorname{Re}z \ge 10`,
    then Stirling's series as :math:`zL + b'\varphi(z/b') - \tfrac12\log(1+z/b') + \sum_{k\le8}
    \frac{B_{2k}}{2k(2k-1)}[(b'+z)^{1-2k} - b'^{1-2k}]`, :math:`b' = b + m`, :math:`L = \log 2cb'`: every term
    keeps its relative precision (log-gammas of order :math:`b\log b` would round a small result away)."""
    b, e, z = np.broadcast_arrays(np.asarray(b, dtype=float), np.asarray(e, dtype=float),
                                  np.asarray(z, dtype=complex))
    m = np.ceil(np.maximum(0.0, 10.0 - np.minimum(b, b + z.real)))
    out = np.empty(b.shape, dtype=complex)
    far = m > 64  # only next to the edge of the strip at a huge M: tails far below the Chernoff cut
    out[far] = z[far] * math.log(two_c) + special.loggamma(b[far] + z[far]) - special.loggamma(b[far])
    near = ~far
    bb, zz, mm = b[near], z[near], m[near]
    shifted = bb + mm
    u = zz / shifted
    log1p_u = _log1p(u)
    series = sum(coef * shifted ** p * _expm1(p * log1p_u) for coef, p in _BERNOULLI)  # (b'+z)^p - b'^p
    acc = zz * np.log1p(e[near] + two_c * mm) + shifted * _phi(u) - 0.5 * log1p_u + series
    for j in range(int(mm.max(initial=0))):
        step = j < mm
        acc[step] -= _log1p(zz[step] / (bb[step] + j))
    out[near] = acc
    return out


_GAUSS_X, _GAUSS_W = np.polynomial.legendre.leggauss(20)


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
            raise ArithmeticError("log_det_cdf: the inversion integral needs too many panels")
        mid = (lo + hi) / 2
        left, right = gauss(lo, mid), gauss(mid, hi)
        err = np.abs(whole - left - right)  # the error of the coarse panel: its halves are far better
        done = (err <= density * (hi - lo)) | (err <= rel * (np.abs(left) + np.abs(right)))
        total += math.fsum(left[done]) + math.fsum(right[done])
        keep = ~done
        lo, hi = np.concatenate([lo[keep], mid[keep]]), np.concatenate([mid[keep], hi[keep]])
        whole = np.concatenate([left[keep], right[keep]])
    return total


class _LogDetLaw:
    r"""The law of :math:`Y = \log\det\Sigma_n - \log\det\Sigma` and its CDF by exact inversion.

    :math:`K(s) = n\sum_{i=1}^d[s\log 2c + \log\Gamma(a_i+s) - \log\Gamma(a_i)]`, :math:`a_i = \tfrac{M-i}{2}`,
    for :math:`\operatorname{Re}s > -a_d`.  :math:`\delta_i = 2ca_i - 1` (exactly :math:`(1-i)/(M-1)` or
    :math:`-i/M`) gives :math:`\log 2c(a_i + s) = \log(1 + \delta_i + 2cs)` without rounding.
    """

    def __init__(self, n, d, M, estimator):
        i = np.arange(1, d + 1, dtype=float)
        self.n, self.a = n, (M - i) / 2.0
        c = 1.0 / (M - 1) if estimator == "unbiased" else 1.0 / M
        self.delta = (1 - i) / (M - 1) if estimator == "unbiased" else -i / M
        self.two_c, self.log2c = 2 * c, math.log(2 * c)
        self.edge = -self.a[-1]

    def increment(self, s, z):
        """:math:`K(s+z) - K(s)` for real ``s`` in the strip and an array of complex ``z``."""
        z = np.asarray(z, dtype=complex)[..., None]
        return self.n * np.sum(_log_mellin_increment(self.a + s, self.delta + self.two_c * s, z, self.two_c), axis=-1)

    def K(self, s):
        return float(self.increment(0.0, s).real)

    def dK(self, s):
        return self.n * float(np.sum(self.log2c + special.digamma(self.a + s)))

    def d2K(self, s):
        return self.n * float(np.sum(special.polygamma(1, self.a + s)))

    def saddle(self, y):
        r"""The minimiser of the Chernoff exponent :math:`K(s) - sy`: the root of :math:`K'(s) = y`, or the
        nearest point tried (:math:`K'` increases from :math:`-\infty` at the edge to :math:`\infty`)."""
        lo, hi = min(-0.5, self.edge / 2), 0.5
        while self.dK(hi) < y and hi < 1e15:
            hi *= 2
        for _ in range(60):
            if self.dK(lo) <= y:
                break
            lo = self.edge + (lo - self.edge) / 4
        else:
            return lo
        return hi if self.dK(hi) < y else optimize.brentq(lambda s: self.dK(s) - y, lo, hi, xtol=1e-15, rtol=1e-15)

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
                raise ArithmeticError("log_det_cdf: the inversion integrand does not decay")
            edges.append(2 * edges[-1])
        floor = 1e-14 * (1 + abs(y) * scale)  # the phase K(c+it) - ity cancels terms of size |ty|
        total = _adaptive_gauss(h, edges, floor * ref / scale, floor)
        return math.exp(self.K(c) - c * y) * total / math.pi

    def cdf(self, y):
        s = self.saddle(y)
        chernoff = self.K(s) - s * y  # log of the best bound on the tail on the side of s
        if s < 0 and chernoff < -745:  # P(Y <= y) below the smallest double
            return 0.0
        if s > 0 and chernoff < -40:  # P(Y > y) < 5e-18: rounds to 1
            return 1.0
        c = s
        if abs(s) * math.sqrt(self.d2K(s)) < 1:  # near the median: a line one standard deviation of s aside
            c = math.copysign(1.0 / math.sqrt(self.d2K(0.0)), s)
            c = max(c, self.edge / 2)
        p = self.tail(y, c)
        p = 1.0 - p if c > 0 else -p
        if not -1e-12 <= p <= 1 + 1e-12:
            raise ArithmeticError(f"log_det_cdf: the inversion integral failed (got {p!r})")
        return min(max(p, 0.0), 1.0)


def _float_log_det(Sigma, d):
    return float(sp.N(_invariants(Sigma, d).log_det, 20))


@computed(y=V.Real(doc=r"Point :math:`y` at which the CDF of :math:`\log\det\Sigma_n` is evaluated.", example=-0.5),
          n=SCALAR_N, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
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
    return _LogDetLaw(n, d, M, estimator).cdf(y)


@computed(n=SCALAR_N, d=D, M=M_, Sigma=COVARIANCE, estimator=EST, bias=BIAS, requires=_require)
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
    law = _LogDetLaw(n, d, M, estimator)
    centre = expected_log_det(n, d, M, estimator=estimator)
    spread = math.sqrt(variance_of_log_det(n, d, M, estimator=estimator))
    lo, hi = centre - 10 * spread - 1, centre + 10 * spread + 1
    return offset + optimize.brentq(lambda y: law.cdf(y) - 0.5, lo, hi, xtol=1e-12)
