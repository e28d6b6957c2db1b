r"""One-dimensional Gaussian mixtures: the :class:`Mixture` value type, moments and distances.

A mixture :math:`p = \sum_i w_i N(\mu_i, s_i^2)` is a ``Mixture(weights, means, variances)``, validated
once, with ``.sds`` and ``.k``; every function taking one declares the domain :data:`MIXTURE` (a plain
triple is converted).  Closed forms (symbolic or exact entries allowed): the moments of the
moment-matched Gaussian and :math:`\|p_a - p_b\|_2^2`.  By quadrature (numeric only): entropy, KL, TV,
and :math:`W_2^2`, the :math:`L^2` distance of the quantile functions in one dimension [villani2003]_:
:math:`W_2^2(N(m, s^2), p) = (m-\mu)^2 + (s-\sigma)^2 + 2s(\sigma - \kappa)`, :math:`\kappa =
E[Z\,Q_p(\Phi(Z))] \le \sigma`.  Distances are sums of non-negative terms, so none comes out negative.
Sources: [mclachlanpeel2000]_, [covertthomas2006]_, [dowsonlandau1982]_, [shumailov2024]_.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import sympy as sp
from scipy import integrate, optimize, special

from theory import core
from theory import validation as V
from theory.core import closed_form, computed

__all__ = [
    "Mixture", "MixtureMoments", "MIXTURE", "NUMERIC_MIXTURE", "mixture_moments", "mixture_pdf", "mixture_cdf",
    "mixture_quantile", "mixture_entropy", "kappa", "w2_squared_to_gaussian", "w2_squared_gaussians_to_mixture",
    "l2_squared", "w2_squared", "total_variation", "kl_divergence",
]


# ----------------------------------------------------------------------------- the value type
class _Fields(NamedTuple):
    weights: tuple
    means: tuple
    variances: tuple


_WEIGHT = V.Real(0)
_MEAN = V.Real()
_VARIANCE = V.Real(0, lower_open=True)


def _entries(values, name, domain):
    """The checked entries of one part of a mixture (a Fraction becomes the sympy Rational it equals)."""
    if isinstance(values, (str, bytes, dict, set, frozenset, sp.Basic)) or np.ndim(values) != 1:
        raise ValueError(f"{name} must be a 1-D sequence of numbers, got {V.short_repr(values)}")
    checked = (domain.check(v, f"{name}[{i}]") for i, v in enumerate(values))
    return tuple(core.exact_number(x) if isinstance(x, Fraction) else x for x in checked)


class Mixture(_Fields):
    r"""A 1-D Gaussian mixture :math:`\sum_i w_i N(\mu_i, s_i^2)`, validated once; immutable.

    Every entry is a real number or a sympy expression (errors name e.g. ``variances[1]``); weights
    :math:`\ge 0` sum to 1 (within ``1e-12`` for floats), variances are :math:`> 0`.  Unpacks as a triple.

    Examples
    --------
    >>> p = Mixture((0.5, 0.5), (-2.0, 2.0), (1.0, 4.0))
    >>> p.k, p.sds
    (2, (1.0, 2.0))
    >>> Mixture((sp.Rational(1, 3), sp.Rational(2, 3)), (0, 1), (1, 1)).weights
    (1/3, 2/3)
    """

    __slots__ = ()

    def __new__(cls, weights, means, variances):
        w = _entries(weights, "weights", _WEIGHT)
        m = _entries(means, "means", _MEAN)
        v = _entries(variances, "variances", _VARIANCE)
        if not len(w) == len(m) == len(v) or not w:
            raise ValueError(f"weights, means and variances must have the same non-zero length, got {len(w)}, "
                             f"{len(m)}, {len(v)}")
        _check_weights(w)
        return super().__new__(cls, w, m, v)

    @property
    def k(self):
        """The number of components."""
        return len(self.weights)

    @property
    def sds(self):
        r"""The standard deviations :math:`s_i = \sqrt{s_i^2}` (floats, or sympy for sympy entries)."""
        return tuple(sp.sqrt(v) if isinstance(v, sp.Basic) else math.sqrt(v) for v in self.variances)


def _check_weights(w):
    if any(isinstance(x, sp.Basic) and x.free_symbols for x in w):
        total = sp.expand(sum(w))
        if not total.free_symbols and total != 1:
            raise ValueError(f"weights must sum to 1, sum to {total}")
    elif any(isinstance(x, float) for x in w):
        total = math.fsum(float(x) for x in w)
        if abs(total - 1.0) > 1e-12:
            raise ValueError(f"weights must sum to 1 (within 1e-12), sum to {total!r}")
    elif sp.nsimplify(sum(core.exact_number(x) for x in w)) != 1:
        raise ValueError(f"weights must sum to 1 exactly (exact entries), sum to {sum(w)}")


class MixtureMoments(NamedTuple):
    """Mean and variance of a mixture: the moment-matched (maximum-likelihood) Gaussian."""
    mean: object
    variance: object


class _MixtureDomain(V.Domain):
    """A :class:`Mixture`, or a ``(weights, means, variances)`` triple made into one; ``symbolic=False``
    refuses symbolic entries with :class:`~theory.core.NoClosedFormError` (numeric-only functions)."""

    def __init__(self, symbolic=True, doc="The Gaussian mixture :math:`p`.", example=None):
        super().__init__(doc, example or Mixture((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)))
        self.symbolic = symbolic

    def check(self, value, name):
        if not isinstance(value, Mixture):
            try:
                ok = not isinstance(value, (str, bytes, dict)) and len(value) == 3
            except TypeError:
                ok = False
            if not ok:
                raise ValueError(f"{name} must be a Mixture or a (weights, means, variances) triple, got "
                                 f"{V.short_repr(value)}")
            try:
                value = Mixture(*value)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        if not self.symbolic and V.is_symbolic(*value.weights, *value.means, *value.variances):
            raise core.NoClosedFormError(f"{name} has symbolic entries, but this function has no closed form "
                                         f"(it is numeric only)")
        return value

    def describe(self):
        return "Mixture or (weights, means, variances)" + ("" if self.symbolic else " of numbers")


#: A mixture argument: a :class:`Mixture` or a ``(weights, means, variances)`` triple (sympy entries allowed).
MIXTURE = _MixtureDomain()
#: A mixture argument of a numeric-only function (symbolic entries raise ``NoClosedFormError``).
NUMERIC_MIXTURE = _MixtureDomain(symbolic=False)
MIXTURE_A = NUMERIC_MIXTURE.with_doc("The first mixture :math:`p_a`.")
MIXTURE_B = NUMERIC_MIXTURE.with_doc("The second mixture :math:`p_b`.",
                                     Mixture((0.3, 0.7), (-1.0, 1.5), (0.5, 2.0)))


def check_mixture(weights, means, variances, *, symbolic_ok=True):
    """Compatibility helper: ``Mixture(weights, means, variances)`` (numbers only unless ``symbolic_ok``)."""
    flag = V.Flag().check(symbolic_ok, "symbolic_ok")
    return (MIXTURE if flag else NUMERIC_MIXTURE).check((weights, means, variances), "mixture")


def unpack_mixture(mix, name="mixture", *, symbolic_ok=True):
    """Compatibility helper: the domain check of :data:`MIXTURE` (:data:`NUMERIC_MIXTURE`) under ``name``."""
    return (MIXTURE if V.Flag().check(symbolic_ok, "symbolic_ok") else NUMERIC_MIXTURE).check(mix, name)


class _Values(V.Domain):
    """A real number or a non-empty array of them (any shape), element-wise checked; NaN refused."""

    def __init__(self, lower=None, upper=None, *, open_=False, allow_inf=False, doc="", example=0.5):
        super().__init__(doc, example)
        self.lower, self.upper, self.open, self.allow_inf = lower, upper, open_, allow_inf

    def check(self, value, name):
        if isinstance(value, sp.Basic) and value.free_symbols:
            raise core.NoClosedFormError(f"{name} must be numbers: this function has no closed form (it is "
                                         f"numeric only)")
        scalar = np.ndim(value) == 0 and not isinstance(value, np.ndarray)
        arr = V.check_real_array([value] if scalar else value, name, ndim=None, finite=False)
        if np.isnan(arr).any():
            raise ValueError(f"{name} must not contain NaN")
        if not self.allow_inf and not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite")
        low = self.lower is not None and ((arr <= self.lower) if self.open else (arr < self.lower)).any()
        high = self.upper is not None and ((arr >= self.upper) if self.open else (arr > self.upper)).any()
        if low or high:
            lo, hi = ("(", ")") if self.open else ("[", "]")
            raise ValueError(f"{name} must lie in {lo}{self.lower}, {self.upper}{hi}, got min {arr.min()!r}, "
                             f"max {arr.max()!r}")
        return arr[0] if scalar else arr

    def describe(self):
        return "real or array of reals"


POINTS = _Values(allow_inf=True, doc=r"Evaluation points, any shape (:math:`\pm\infty` allowed).")
LEVELS = _Values(0, 1, open_=True, doc="Levels in the open interval (0, 1), any shape.")
MEANS = _Values(doc="Means :math:`m` of the Gaussians (finite), broadcast against ``sigma2``.", example=0.0)
VARIANCES = _Values(0, open_=True, doc="Variances :math:`s^2 > 0` of the Gaussians.", example=1.5)


def _arrays(mixture):
    """Float arrays (weights, means, standard deviations) of a numeric mixture."""
    w, m, v = (np.array([float(x) for x in part]) for part in mixture)
    return w, m, np.sqrt(v)


def _exact(mixture):
    """The entries as exact sympy numbers (floats read as their decimals) or symbols."""
    return tuple(tuple(core.exact_number(x) for x in part) for part in mixture)


def _scalar(out):
    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out


# ----------------------------------------------------------------------------- closed forms
@closed_form(mixture=MIXTURE)
def mixture_moments(mixture):
    r"""Mean :math:`\mu = \sum_i w_i\mu_i` and variance :math:`\sigma^2 = \sum_i w_i s_i^2 + \sum_i w_i(\mu_i-\mu)^2`
    of the mixture: the moment-matched Gaussian.

    With infinitely many samples the Gaussian MLE converges to these moments, so the functional
    expressivity error is the distance from the mixture to :math:`N(\mu, \sigma^2)`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixture_moments(((sp.Rational(1, 3), sp.Rational(2, 3)), (-1, 2), (1, 3)))
    MixtureMoments(mean=1, variance=13/3)
    >>> mixture_moments(((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)))
    MixtureMoments(mean=0.0, variance=5.0)

    References
    ----------
    [mclachlanpeel2000]_; [shumailov2024]_ (functional expressivity error).
    """
    w, m, v = _exact(mixture)
    mu = sum(wi * mi for wi, mi in zip(w, m))
    var = sum(wi * (vi + (mi - mu) ** 2) for wi, mi, vi in zip(w, m, v))
    return MixtureMoments(sp.simplify(mu), sp.simplify(var))


def _overlap(p, q):
    r""":math:`\langle p, q\rangle = \sum_{i,j} w_i w'_j N(\mu_i - \mu'_j; 0, s_i^2 + s'^2_j)`."""
    return sum(wi * wj * sp.exp(-(mi - mj) ** 2 / (2 * (vi + vj))) / sp.sqrt(2 * sp.pi * (vi + vj))
               for wi, mi, vi in zip(*p) for wj, mj, vj in zip(*q))


@closed_form(mixture_a=MIXTURE.with_doc("The first mixture :math:`p_a`."), mixture_b=MIXTURE.with_doc(
    "The second mixture :math:`p_b`.", Mixture((0.3, 0.7), (-1.0, 1.5), (0.5, 2.0))))
def l2_squared(mixture_a, mixture_b):
    r"""Squared :math:`L^2` distance :math:`\|p_a - p_b\|_2^2 = \langle p_a,p_a\rangle + \langle p_b,p_b\rangle
    - 2\langle p_a,p_b\rangle`, in closed form.

    :math:`\langle p, q\rangle = \sum_{i,j} w_i w'_j\,N(\mu_i - \mu'_j;\,0,\,s_i^2 + s'^2_j)` (the product of
    two Gaussian densities integrates to a Gaussian density of the difference of the means).  The float
    value is evaluated at 50 digits, so nearly equal mixtures lose nothing to the difference.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> l2_squared(((1,), (0,), (1,)), ((1,), (1,), (1,)), exact=True)
    -(1 - exp(1/4))*exp(-1/4)/sqrt(pi)

    References
    ----------
    [shumailov2024]_ (the distance of their GMM experiment).
    """
    a, b = _exact(mixture_a), _exact(mixture_b)
    return _overlap(a, a) + _overlap(b, b) - 2 * _overlap(a, b)


# ----------------------------------------------------------------------------- pointwise functions
def _pdf(x, w, m, s):
    return np.sum(w * np.exp(-0.5 * ((x[..., None] - m) / s) ** 2) / (s * math.sqrt(2 * math.pi)), axis=-1)


def _logpdf(x, w, m, s):
    return float(np.logaddexp.reduce(np.log(w) - 0.5 * ((x - m) / s) ** 2 - np.log(s * math.sqrt(2 * math.pi))))


@computed(x=POINTS, mixture=NUMERIC_MIXTURE)
def mixture_pdf(x, mixture):
    r"""Density :math:`p(x) = \sum_i \frac{w_i}{s_i}\,\phi\!\left(\frac{x - \mu_i}{s_i}\right)`, element-wise
    (numeric only).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixture_pdf(0.0, ((1.0,), (0.0,), (1.0,))) == 1 / math.sqrt(2 * math.pi)  # exactly phi(0)
    True

    References
    ----------
    [mclachlanpeel2000]_.
    """
    return _scalar(_pdf(np.asarray(x, dtype=float), *_arrays(mixture)))


@computed(x=POINTS, mixture=NUMERIC_MIXTURE)
def mixture_cdf(x, mixture):
    r"""Distribution function :math:`F(x) = \sum_i w_i\,\Phi((x - \mu_i)/s_i)`, element-wise (numeric only).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixture_cdf(0.0, ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)))  # exactly 1/2 by symmetry
    0.5

    References
    ----------
    [mclachlanpeel2000]_.
    """
    w, m, s = _arrays(mixture)
    return _scalar(np.sum(w * special.ndtr((np.asarray(x, dtype=float)[..., None] - m) / s), axis=-1))


def _log_cdf(x, w, m, s):
    with np.errstate(divide="ignore"):
        return float(np.logaddexp.reduce(np.log(w) + special.log_ndtr((x - m) / s)))


def _quantile_scalar(z, w, m, s):
    """x with F(x) = Phi(z), solved in log space on the bracket [min(m+s z), max(m+s z)] (brentq)."""
    if z > 0:  # mirror: Q_p(Phi(z)) = -Q_{p'}(Phi(-z)) with p' the reflected mixture
        return -_quantile_scalar(-z, w, -m, s)
    lo, hi = float(np.min(m + s * z)), float(np.max(m + s * z))
    if hi - lo <= 1e-15 * max(1.0, abs(lo)):
        return lo
    target = float(special.log_ndtr(z))
    return optimize.brentq(lambda x: _log_cdf(x, w, m, s) - target, lo, hi, xtol=1e-14, rtol=1e-15, maxiter=200)


def _symmetry_centre(w, m, s):
    """The centre ``c`` when the mixture is symmetric about ``c`` (components pair up under x -> 2c - x), else None."""
    c = float(np.dot(w, m))
    scale = float(np.max(np.abs(m)) + np.max(s))
    key = lambda d: np.array(sorted(zip(np.round(d / scale, 12), np.round(s / scale, 12), np.round(w, 12))))  # noqa
    return c if np.array_equal(key(m - c), key(c - m)) else None


@computed(u=LEVELS, mixture=NUMERIC_MIXTURE)
def mixture_quantile(u, mixture):
    r"""Quantile function :math:`Q(u) = F^{-1}(u)`, element-wise, by Brent's method in log space (numeric only).

    Bracketed by :math:`\min_i, \max_i(\mu_i + s_i\Phi^{-1}(u))`; upper tails by reflection (no :math:`1-u`).
    Accurate to about :math:`10^{-16}/p(Q(u))`; the median of a symmetric mixture is its centre exactly.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixture_quantile(0.5, ((0.5, 0.5), (-2.0, 2.0), (1.0, 1.0)))  # exactly 0 by symmetry
    0.0

    References
    ----------
    [brent1973]_, ch. 4; [villani2003]_, sec. 2.2.
    """
    w, m, s = _arrays(mixture)
    z = special.ndtri(np.asarray(u, dtype=float))
    out = np.asarray(np.vectorize(lambda zz: _quantile_scalar(zz, w, m, s), otypes=[float])(z))
    centre = _symmetry_centre(w, m, s)
    if centre is not None:
        out[z == 0] = centre
    return _scalar(out)


# ----------------------------------------------------------------------------- quadrature
def _edges(*mixes):
    """Integration range [min(mu - 40 s), max(mu + 40 s)] of the mixtures, split at the component means."""
    lo = min(float(np.min(m - 40 * s)) for _, m, s in mixes)
    hi = max(float(np.max(m + 40 * s)) for _, m, s in mixes)
    return [lo] + sorted({float(p) for _, m, _ in mixes for p in m if lo < p < hi}) + [hi]


def _quad(f, edges, **kw):
    return math.fsum(integrate.quad(f, lo, hi, limit=400, **kw)[0] for lo, hi in zip(edges[:-1], edges[1:]))


@computed(mixture=NUMERIC_MIXTURE)
def mixture_entropy(mixture):
    r"""Differential entropy :math:`H(p) = -\int p\log p\,dx` by adaptive quadrature (numeric only: no closed form).

    :math:`\log p` by log-sum-exp; the integral split at the component means over
    :math:`[\min_i(\mu_i - 40 s_i), \max_i(\mu_i + 40 s_i)]` (the mass outside is below :math:`10^{-300}`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> abs(mixture_entropy(((1.0,), (0.0,), (1.0,))) - 0.5 * math.log(2 * math.pi * math.e)) < 1e-13  # exact
    True

    References
    ----------
    [covertthomas2006]_, ch. 8.
    """
    w, m, s = _arrays(mixture)

    def integrand(x):
        logp = _logpdf(x, w, m, s)
        return -math.exp(logp) * logp

    return _quad(integrand, _edges((w, m, s)), epsabs=1e-14, epsrel=1e-12)


@functools.lru_cache(maxsize=64)
def _kappa(w, m, s):
    w, m, s = np.array(w), np.array(m), np.array(s)
    f = lambda z: z * _quantile_scalar(z, w, m, s) * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)  # noqa: E731
    return _quad(f, [-np.inf, -8, 0, 8, np.inf], epsabs=1e-13, epsrel=1e-12)


@computed(mixture=NUMERIC_MIXTURE)
def kappa(mixture):
    r"""Comonotone covariance :math:`\kappa = \int_0^1 \Phi^{-1}(u)\,Q_p(u)\,du = E[Z\,Q_p(\Phi(Z))]` of a standard
    normal with the mixture, by quadrature (numeric only).

    :math:`\kappa \le \sigma` (Cauchy-Schwarz), equal iff :math:`p` is Gaussian.  Cached per mixture.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> abs(kappa(((1.0,), (3.0,), (4.0,))) - 2.0) < 1e-12  # a Gaussian: exactly its standard deviation
    True

    References
    ----------
    [dowsonlandau1982]_; [villani2003]_, sec. 2.2.
    """
    w, m, s = _arrays(mixture)
    return _kappa(tuple(w), tuple(m), tuple(s))


def _w2_to_gaussian(m, s, mixture):
    r""":math:`(m-\mu)^2 + (s-\sigma)^2 + 2s(\sigma-\kappa)`: three non-negative terms."""
    mu, var = (float(v) for v in mixture_moments(mixture))
    sigma = math.sqrt(var)
    gap = max(sigma - kappa(mixture), 0.0)  # kappa <= sigma; the max only removes rounding
    dm, ds = m - mu, s - sigma
    return dm * dm + ds * ds + 2 * s * gap  # products overflow to inf (a float ``** 2`` raises OverflowError)


@computed(mean=V.LOCATION.with_doc("Mean :math:`m` of the Gaussian.", 0.5), sigma2=V.VARIANCE.with_doc(
    "Variance :math:`s^2` of the Gaussian.", 1.5), mixture=NUMERIC_MIXTURE)
def w2_squared_to_gaussian(mean=0, *, sigma2=1, mixture):
    r""":math:`W_2^2(N(m, s^2), p) = (m-\mu)^2 + (s-\sigma)^2 + 2s(\sigma - \kappa)` for one Gaussian (numeric only).

    Expand :math:`W_2^2 = \int_0^1 (m + s\Phi^{-1}(u) - Q_p(u))^2du` (one dimension); :math:`\kappa \le \sigma`
    (:func:`kappa`), so each term is non-negative.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> g = ((1.0,), (1.0,), (4.0,))  # N(1, 4): W2^2 = (m - 1)^2 + (s - 2)^2 exactly
    >>> abs(w2_squared_to_gaussian(0.0, sigma2=1.0, mixture=g) - 2.0) < 1e-12
    True

    References
    ----------
    [villani2003]_, sec. 2.2; [dowsonlandau1982]_.
    """
    return _w2_to_gaussian(mean, math.sqrt(sigma2), mixture)


@computed(mean=MEANS, sigma2=VARIANCES, mixture=NUMERIC_MIXTURE)
def w2_squared_gaussians_to_mixture(mean=0, *, sigma2=1, mixture):
    r"""Vectorised :math:`W_2^2(N(m, s^2), p)` from many Gaussians to one mixture (numeric only).

    :func:`w2_squared_to_gaussian` with ``mean`` and ``sigma2`` arrays (broadcast); the mixture constants
    :math:`\mu, \sigma^2, \kappa` are computed once, so the cost per Gaussian is O(1): the function to use
    per chain in Monte Carlo.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> out = w2_squared_gaussians_to_mixture([0.0, 1.0], sigma2=[1.0, 9.0], mixture=((1.0,), (1.0,), (4.0,)))
    >>> np.allclose(out, [2.0, 1.0], rtol=0, atol=1e-12)  # exactly (m - 1)^2 + (s - 2)^2
    True

    References
    ----------
    [villani2003]_, sec. 2.2; [dowsonlandau1982]_; [shumailov2024]_.
    """
    m, v = np.asarray(mean, dtype=float), np.asarray(sigma2, dtype=float)
    try:
        shape = np.broadcast_shapes(m.shape, v.shape)
    except ValueError:
        raise ValueError(f"mean and sigma2 must have broadcastable shapes, got {m.shape} and {v.shape}") from None
    return _scalar(np.broadcast_to(_w2_to_gaussian(m, np.sqrt(v), mixture), shape).copy())


@computed(mixture_a=MIXTURE_A, mixture_b=MIXTURE_B)
def w2_squared(mixture_a, mixture_b):
    r"""Squared Wasserstein-2 distance :math:`\int_0^1 (Q_a(u) - Q_b(u))^2 du` between mixtures, by quadrature
    (numeric only).

    Integrated in :math:`z = \Phi^{-1}(u)` against :math:`\phi(z)` with quantiles from Brent's method
    (:func:`mixture_quantile`): the reference for the fast versions in :mod:`numerics.gmm`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> abs(w2_squared(((1.0,), (1.0,), (4.0,)), ((1.0,), (0.0,), (1.0,))) - 2.0) < 1e-9  # exactly 1 + 1
    True

    References
    ----------
    [villani2003]_, sec. 2.2; [dowsonlandau1982]_.
    """
    a, b = _arrays(mixture_a), _arrays(mixture_b)

    def f(z):
        d = _quantile_scalar(z, *a) - _quantile_scalar(z, *b)
        return d * d * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)

    return _quad(f, [-np.inf, -8, 0, 8, np.inf], epsabs=1e-13, epsrel=1e-11)


@computed(mixture_a=MIXTURE_A, mixture_b=MIXTURE_B)
def total_variation(mixture_a, mixture_b):
    r"""Total variation :math:`TV = \tfrac12\int |p_a - p_b|\,dx \in [0, 1]`, by quadrature (numeric only).

    Integrated between the component means over :math:`[\min(\mu - 40s), \max(\mu + 40s)]` of both.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> tv = total_variation(((1.0,), (0.0,), (1.0,)), ((1.0,), (1.0,), (1.0,)))
    >>> abs(tv - math.erf(0.5 / math.sqrt(2))) < 1e-12  # exactly 2 Phi(1/2) - 1
    True

    References
    ----------
    [covertthomas2006]_, sec. 11.6.
    """
    a, b = _arrays(mixture_a), _arrays(mixture_b)
    f = lambda x: abs(float(_pdf(np.asarray(x, dtype=float), *a) - _pdf(np.asarray(x, dtype=float), *b)))  # noqa
    return min(0.5 * _quad(f, _edges(a, b), epsabs=1e-13), 1.0)


_SERIES = [(-1) ** j / math.factorial(j) for j in range(19, 1, -1)]  # t - 1 + e^{-t} = t^2 sum_j c_j t^(j-2)


def _kl_series(t):
    out = 0.0
    for c in _SERIES:  # Horner, highest power first
        out = out * t + c
    return out * t * t




@computed(mixture_a=MIXTURE_A, mixture_b=MIXTURE_B)
def kl_divergence(mixture_a, mixture_b):
    r""":math:`KL(p_a\,\|\,p_b) = \int p_a \log\frac{p_a}{p_b}\,dx \ge 0` in nats, by quadrature (numeric only).

    Integrated as :math:`\int p_a(t - 1 + e^{-t})dx`, :math:`t = \log(p_a/p_b)` (equal, as both integrate to 1): a
    non-negative integrand, so never negative, no cancellation for nearly equal mixtures.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> kl = kl_divergence(((1.0,), (0.0,), (1.0,)), ((1.0,), (1.0,), (4.0,)))
    >>> abs(kl - (math.log(2) + 2 / 8 - 0.5)) < 1e-12  # exactly log(s_b/s_a) + (s_a^2 + d^2)/(2 s_b^2) - 1/2
    True

    References
    ----------
    [covertthomas2006]_, sec. 2.3 and 8.5.
    """
    a, b = _arrays(mixture_a), _arrays(mixture_b)

    def f(x):  # p_a (t - 1 + e^{-t}) = p_a (t - 1) + p_b >= 0, by its Taylor series near t = 0
        la, lb = _logpdf(x, *a), _logpdf(x, *b)
        t = la - lb
        if abs(t) < 0.5:
            return math.exp(la) * _kl_series(t)
        return math.exp(la) * (t - 1) + math.exp(lb)

    edges = _edges(a)
    wb, mb, sb = b
    outside = float(np.sum(wb * (special.ndtr((edges[0] - mb) / sb) + special.ndtr((mb - edges[-1]) / sb))))
    return _quad(f, edges, epsabs=1e-14, epsrel=1e-12) + outside
