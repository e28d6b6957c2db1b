r"""Accumulate-subsample (Kazdan et al.): every model is fitted to an ``n``-subset of all data so far.

The three workflows of [kazdan2024]_, with batch size ``n``: batch 0 is ``n`` real points of
:math:`N(\mu, \sigma^2)`; model :math:`t \ge 1` fits the sample mean :math:`\mu_t` and the MLE
(:math:`\div k`) or unbiased (:math:`\div(k-1)`) variance :math:`\sigma_t^2` to

=======================  =====================================================  ==============
workflow                 training set of model ``t``                            size ``k``
=======================  =====================================================  ==============
replace                  batch :math:`B_{t-1}`                                  ``n``
accumulate               the pool :math:`P_t = B_0\cup\dots\cup B_{t-1}`         ``tn``
accumulate-subsample     a uniform ``n``-subset of :math:`P_t`, without            ``n``
                         replacement
=======================  =====================================================  ==============

and batch ``t`` is ``n`` i.i.d. draws of model ``t``; model 0 is the truth.  Replace is
:mod:`theory.gaussian` with ``M = n``, accumulate is :mod:`theory.mitigation.accumulation`.

The exact recursion
-------------------
With :math:`A = \sum_{P} x`, :math:`Q = \sum_P x^2` (:math:`\mu = 0`), sampling without replacement has
inclusion probabilities :math:`k/N` and :math:`k(k-1)/(N(N-1))`, so the fit and the new batch are linear
in the second moments of the pool, and :math:`x_t = (E A_t^2, E Q_t)` obeys
:math:`x_{t+1} = M_t x_t`, :math:`x_1 = (n\sigma^2, n\sigma^2)`
(:func:`accumulate_subsample_recursion`).  The pooled sum of squares decouples from the pool mean
(shift invariance), which gives products in closed form (gamma functions):

.. math::

    \text{MLE: } \frac{E\sigma_{t+1}^2}{E\sigma_t^2} = 1 - \frac{3n-1}{n(t+1)(n(t+1)-1)},\qquad
    \text{unbiased: } \frac{E\sigma_{t+1}^2}{E\sigma_t^2} = 1 + \frac{t-2}{(t+1)(n(t+1)-1)}.

For the MLE :math:`E\sigma_t^2 + E(\mu_t-\mu)^2 = \sigma^2` in all three workflows (the fit preserves
the mean square about :math:`\mu`, and a uniform subset is unbiased for the pool's), and the variance
settles on a **plateau** :math:`E\sigma_\infty^2 > 0` (:func:`accumulate_subsample_limit`), below
accumulate's.  With the unbiased estimator there is **no plateau**: both second moments grow without
bound, slowly, like :math:`t^{1/n}` (:func:`accumulate_subsample_growth`).  The derivations are the
theorems ``ACCUMULATE_SUBSAMPLE`` and ``ACCUMULATE_SUBSAMPLE_LIMITS`` of :mod:`proofs.mitigation`.

Evaluation: floats from the products of the ratios above (log-sums in extended precision; beyond
:math:`10^5` generations the gamma closed forms and Euler-Maclaurin tails), exact rationals from the pool recursion
(a balanced product tree of the matrices :math:`M_t`), sympy closed forms for symbolic ``t``.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

import numpy as np
import sympy as sp

from theory import gaussian as _gaussian
from theory import validation as V
from theory.core import closed_form, computed
from theory.mitigation import _common as C
from theory.mitigation._common import GaussianMoments
from theory.mitigation.accumulation import accumulate_moments

__all__ = ["accumulate_subsample_moments", "accumulate_subsample_moments_path", "accumulate_subsample_recursion",
           "accumulate_subsample_limit", "accumulate_subsample_growth", "workflow_moments", "WorkflowMoments",
           "GrowthLaw"]

SIGMA2 = V.VARIANCE
T_ = V.Generations("Number of refits: model ``t`` is fitted to a subset of the ``tn`` points of batches "
                   "``0..t-1``.", example=4, exact_max=20_000)
N_BATCH = V.SAMPLE_SIZE.with_doc("Batch size ``n``: the real points of batch 0, the synthetic points of every later "
                                 "batch, and the size of every training subset.", example=5)
EST = V.ESTIMATOR.with_doc("Variance estimator of every fit: divide the sum of squares by the training-set size "
                           "(MLE) or by the size minus one (unbiased).")
#: Largest ``t`` evaluated by vectorised products and sums; beyond, gamma closed forms and Euler-Maclaurin tails.
DIRECT = 100_000
#: Terms summed directly before an Euler-Maclaurin tail (its remainder is O(HEAD**-6) there).
HEAD = 10_000
#: Largest ``generations`` of :func:`accumulate_subsample_moments_path` (arrays of that length).
PATH_MAX = 10_000_000


class WorkflowMoments(NamedTuple):
    """The second moments of the three workflows of Kazdan et al. at the same ``t`` and ``n``."""
    replace: GaussianMoments
    accumulate: GaussianMoments
    accumulate_subsample: GaussianMoments


class GrowthLaw(NamedTuple):
    r""":math:`E\sigma_t^2 \sim` ``variance`` :math:`\cdot t^{p}` and :math:`E(\mu_t-\mu)^2 \sim`
    ``mean_error`` :math:`\cdot t^{p}`, :math:`p =` ``exponent``."""
    variance: object
    mean_error: object
    exponent: object


# ----------------------------------------------------------------------------- the pool recursion
def _fit_rows(N, k, c):
    """(E mu_t^2, E sigma_t^2) of a fit to a uniform k-subset of a pool of N points, as linear forms in
    (E A^2, E Q): E(sum_S x)^2 = al A^2 + be Q with the inclusion probabilities of sampling without replacement."""
    al = k * (k - 1) / (N * (N - 1))
    be = k / N - al
    return (al / k ** 2, be / k ** 2), (-al / (k * c), (k / N - be / k) / c)


def _pool_matrix(N, n, estimator):
    """M with (E A'^2, E Q') = M (E A^2, E Q): subset of size n from a pool of N points, then n new points."""
    c = n if estimator == "mle" else n - 1
    mu, sg = _fit_rows(N, n, c)
    return [[1 + 2 * n / N + n * n * mu[0] + n * sg[0], n * n * mu[1] + n * sg[1]],
            [n * (mu[0] + sg[0]), 1 + n * (mu[1] + sg[1])]]


def _exact_moments(t, n, estimator, sigma2):
    """(E sigma_t^2, E (mu_t - mu)^2) exactly: x_t = M_{t-1} ... M_1 x_1 by a product tree, then the fit."""
    R = C.rational
    s2 = R(sigma2)
    if t == 0:
        return C.to_sympy(s2), C.to_sympy(0 * s2)
    n_ = R(n)
    mats = [C.matrix(_pool_matrix(R(s) * n_, n_, estimator)) for s in range(1, t)]
    x = C.matrix([[n], [n]])
    if mats:
        x = C.ordered_product(mats) * x
    a2, q = x.entries()
    mu, sg = _fit_rows(R(t) * n_, n_, n_ if estimator == "mle" else n_ - 1)
    return C.to_sympy(s2 * (sg[0] * a2 + sg[1] * q)), C.to_sympy(s2 * (mu[0] * a2 + mu[1] * q))


# ----------------------------------------------------------------------------- floats
def _log_ratio(estimator, n):
    """log(E sigma_{s+1}^2 / E sigma_s^2) for s >= 1, as f(s, lib) (numpy or mpmath)."""
    if estimator == "mle":
        return lambda s, lib: lib.log1p(-(3 * n - 1) / (n * (s + 1) * (n * (s + 1) - 1)))
    return lambda s, lib: lib.log1p((s - 2) / ((s + 1) * (n * (s + 1) - 1)))


def _float_path(T, n, estimator):
    """(E sigma_t^2, E (mu_t-mu)^2) / sigma^2 for t = 0..T as float arrays (T <= PATH_MAX)."""
    nf = float(n)
    s = np.arange(1, max(T, 1), dtype=float)
    logs = np.cumsum(np.concatenate([[0.0], _log_ratio(estimator, nf)(s, np)]), dtype=np.longdouble)[:T]
    if estimator == "mle":
        logv = math.log1p(-1 / nf) + logs  # t = 1..T
        var, mean = np.exp(logv).astype(float), (-np.expm1(logv)).astype(float)
    else:
        V1 = np.exp(logs)  # E S_t^2 / sigma^2, t = 1..T (= E sigma_t^2: the subset variance is unbiased)
        t = np.arange(1, T + 1, dtype=float)
        inc = (2 * t[:-1] - 1) / (t[:-1] * nf * (t[:-1] + 1) ** 2) * V1[:-1]
        u = 1 / nf + np.concatenate([[0.0], np.cumsum(inc, dtype=np.longdouble)])
        var, mean = V1.astype(float), (u + (t - 1) / (t * nf) * V1).astype(float)
    return np.concatenate([[1.0], var]), np.concatenate([[0.0], mean])


def _float_far(t, n, estimator):
    """The same at one t > DIRECT: gamma closed forms (mpmath); the unbiased mean error's tail by Euler-Maclaurin."""
    import mpmath

    with mpmath.workdps(40 + int(math.log10(t))):  # log-gammas of size t log t, differences to 1e-40
        nn, lg = mpmath.mpf(n), mpmath.loggamma
        if estimator == "mle":
            rp, rm = [(-(2 * nn - 1) + sgn * mpmath.sqrt(3 * (4 * nn - 1))) / (2 * nn) for sgn in (1, -1)]
            log_v = (2 * mpmath.log1p(-1 / nn) + mpmath.log(nn / (nn * t - 1)) + lg(t - rp) + lg(t - rm)
                     + lg(1 - 1 / nn) - lg(1 - rp) - lg(1 - rm) - lg(t + 1) - lg(t - 1 / nn))
            return float(mpmath.exp(log_v)), float(-mpmath.expm1(log_v))
        a = mpmath.sqrt(3 / nn)
        k = lg(2 - 1 / nn) - lg(2 - a) - lg(2 + a)

        def log_var(s):
            return k + lg(s + 1 - a) + lg(s + 1 + a) - lg(s + 1) - lg(s + 1 - 1 / nn)

        v = float(mpmath.exp(log_var(mpmath.mpf(t))))
    var, mean = _float_path(HEAD, n, estimator)
    head = mean[HEAD] - (HEAD - 1) / (HEAD * n) * var[HEAD]  # u_HEAD = 1/n + sum_{s < HEAD} inc_s
    with mpmath.workdps(30):
        nn = mpmath.mpf(n)

        def inc(s):
            return (2 * s - 1) / (s * nn * (s + 1) ** 2) * mpmath.exp(log_var(s))
        tail = C.smooth_sum(inc, HEAD, t - 1)
    return v, head + float(tail) + (t - 1) / (t * n) * v


# ----------------------------------------------------------------------------- closed forms in t
def _roots(n):
    d = sp.sqrt(3 * (4 * n - 1))
    return (-(2 * n - 1) + d) / (2 * n), (-(2 * n - 1) - d) / (2 * n)


def _variance_closed(t, n, estimator):
    """E sigma_t^2 / sigma^2 for t >= 1 as gamma functions (the products of the ratios of the module docstring)."""
    g = sp.gamma
    if estimator == "mle":
        rp, rm = _roots(n)
        return ((n - 1) ** 2 / (n * (n * t - 1)) * g(t - rp) * g(t - rm) * g(1 - 1 / n)
                / (g(1 - rp) * g(1 - rm) * g(t + 1) * g(t - 1 / n)))
    a = sp.sqrt(3 / n)
    return g(t + 1 - a) * g(t + 1 + a) * g(2 - 1 / n) / (g(2 - a) * g(2 + a) * g(t + 1) * g(t + 1 - 1 / n))


def _symbolic(t, n, estimator, sigma2):
    n, sigma2 = sp.sympify(n), sp.sympify(sigma2)
    var = _variance_closed(t, n, estimator)
    if estimator == "mle":
        return GaussianMoments(sigma2 * var, sigma2 * (1 - var))
    s = sp.Dummy("s", integer=True, positive=True)
    inc = (2 * s - 1) / (s * n * (s + 1) ** 2) * _variance_closed(s, n, estimator)
    return GaussianMoments(sigma2 * var, sigma2 * (1 / n + sp.Sum(inc, (s, 1, t - 1)) + (t - 1) / (t * n) * var))


# ----------------------------------------------------------------------------- public functions
@computed(exact=True, symbolic=True, t=T_, n=N_BATCH, estimator=EST, sigma2=SIGMA2)
def accumulate_subsample_moments(t, n, *, estimator="mle", sigma2=1, exact=False):
    r"""Exact :math:`(E\sigma_t^2, E(\mu_t-\mu)^2)` of accumulate-subsample: model ``t`` fits an ``n``-subset of
    the ``tn`` pooled points.

    .. math::

        E\sigma_t^2 = \sigma^2\,\frac{n-1}{n}\prod_{s=1}^{t-1}\Bigl(1-\frac{3n-1}{n(s+1)(n(s+1)-1)}\Bigr),\qquad
        E(\mu_t-\mu)^2 = \sigma^2 - E\sigma_t^2 \quad\text{(MLE)};

    .. math::

        E\sigma_t^2 = \sigma^2 V_t,\ V_t = \prod_{s=1}^{t-1}\Bigl(1+\frac{s-2}{(s+1)(n(s+1)-1)}\Bigr),\quad
        E(\mu_t-\mu)^2 = \sigma^2\Bigl[\frac1n + \sum_{s=1}^{t-1}\frac{(2s-1)V_s}{s\,n(s+1)^2} + \frac{t-1}{tn}V_t\Bigr]
        \quad\text{(unbiased)}.

    The subset is uniform without replacement (a fresh draw every generation; at ``t = 1`` it is the whole
    batch 0).  Floats at any ``t``; exact rationals from the pool recursion
    (:func:`accumulate_subsample_recursion`) with ``exact=True`` (``t = 1000`` in well under a second);
    symbolic ``t`` (``t >= 1``): gamma functions, with a ``Sum`` for the unbiased mean error.  The MLE
    settles on a plateau; the unbiased moments grow like :math:`t^{1/n}` (no plateau).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments
        ``(variance, mean_error)``.

    Examples
    --------
    >>> accumulate_subsample_moments(2, 2, exact=True)  # MLE: the two parts add up to sigma^2
    GaussianMoments(variance=7/24, mean_error=17/24)
    >>> accumulate_subsample_moments(3, 5, estimator="unbiased", exact=True)
    GaussianMoments(variance=17/18, mean_error=11/27)
    >>> round(accumulate_subsample_moments(10 ** 9, 10).variance, 6)  # the MLE plateau
    0.738991

    References
    ----------
    [kazdan2024]_ (the workflow); [gerstgrasser2024]_ (accumulate).
    """
    if V.is_symbolic(t, n, sigma2):
        return _symbolic(t, n, estimator, sigma2)
    if isinstance(t, np.ndarray):
        if not exact and t.max() <= DIRECT:
            var, mean = _float_path(int(t.max()), n, estimator)
            return GaussianMoments(var[t] * sigma2, mean[t] * sigma2)
        return C.per_generation(lambda x: accumulate_subsample_moments.__wrapped__(
            x, n, estimator=estimator, sigma2=sigma2, exact=exact), t, exact)
    if exact:
        var, mean = _exact_moments(t, n, estimator, sigma2)
        return GaussianMoments(var, mean)
    if t <= DIRECT:
        var, mean = _float_path(t, n, estimator)
        return GaussianMoments(var[-1] * sigma2, mean[-1] * sigma2)
    var, mean = _float_far(t, n, estimator)
    return GaussianMoments(var * sigma2, mean * sigma2)


@computed(generations=V.Integer(0, PATH_MAX, doc="Last generation ``T``; values for ``t = 0..T``.", example=5),
          n=N_BATCH, estimator=EST, sigma2=SIGMA2)
def accumulate_subsample_moments_path(generations, n, *, estimator="mle", sigma2=1):
    r"""Float arrays of :func:`accumulate_subsample_moments` for :math:`t = 0..T` (numeric only).

    The products and sums of :func:`accumulate_subsample_moments`, vectorised (log-ratios summed in
    extended precision): no recursion in raw moments, whose float differences cancel.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments
        Two float arrays of length ``generations + 1``.

    Examples
    --------
    >>> accumulate_subsample_moments_path(2, 2).variance.tolist()  # exactly 1, 1/2, 7/24
    [1.0, 0.5, 0.2916666666666667]

    References
    ----------
    [kazdan2024]_.
    """
    var, mean = _float_path(generations, n, estimator)
    return GaussianMoments(var * sigma2, mean * sigma2)


@functools.lru_cache(maxsize=None)
def _recursion(t, n, estimator):
    return sp.ImmutableMatrix([[sp.factor(sp.together(e)) for e in row] for row in _pool_matrix(t * n, n, estimator)])


@closed_form(t=V.Integer(1, doc="Generation of the pool: :math:`P_t` holds the ``tn`` points of batches ``0..t-1``.",
                         example=3), n=N_BATCH, estimator=EST)
def accumulate_subsample_recursion(t, n, *, estimator="mle"):
    r"""The matrix :math:`M_t` of the exact pool recursion :math:`(E A_{t+1}^2, E Q_{t+1}) = M_t (E A_t^2, E Q_t)`.

    :math:`A_t`, :math:`Q_t`: sum and sum of squares of the ``tn`` pooled points (:math:`\mu = 0`);
    :math:`(E A_1^2, E Q_1) = (n\sigma^2, n\sigma^2)`.  Composed of the moments of a uniform subset without
    replacement, :math:`E(\sum_S x)^2 = \frac kN Q + \frac{k(k-1)}{N(N-1)}(A^2 - Q)`, the fit, and the ``n``
    new points :math:`E a^2 = n^2E\mu_t^2 + nE\sigma_t^2`, :math:`E[Aa] = \frac nN E A^2`.  For the MLE

    .. math::

        M_t = \begin{pmatrix} \frac{n^2t^2+2n^2t+n^2-nt-4n+1}{nt(nt-1)} & \frac{2nt-n-t}{t(nt-1)}\\
        0 & \frac{t+1}{t}\end{pmatrix}.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    sympy.ImmutableMatrix (exact or symbolic) or 2x2 float array

    Examples
    --------
    >>> accumulate_subsample_recursion(1, 2, exact=True)
    Matrix([
    [7/2, 1],
    [  0, 2]])

    References
    ----------
    [kazdan2024]_; [cochran1934]_ (sampling without replacement).
    """
    return _recursion(t, n, estimator)


@closed_form(n=N_BATCH, estimator=EST, sigma2=SIGMA2)
def accumulate_subsample_limit(n, *, estimator="mle", sigma2=1):
    r""":math:`\lim_t (E\sigma_t^2, E(\mu_t-\mu)^2)` under accumulate-subsample: a plateau for the MLE, none otherwise.

    MLE (the product of :func:`accumulate_subsample_moments` converges: its factors are :math:`1 - O(t^{-2})`):

    .. math::

        E\sigma_\infty^2 = \sigma^2\Bigl(\frac{n-1}{n}\Bigr)^2
        \frac{\Gamma(1-1/n)}{\Gamma(1-r_+)\Gamma(1-r_-)} = \sigma^2\Bigl[1 - \frac{\pi^2/2-2}{n} + O(n^{-2})\Bigr],
        \quad r_\pm = \frac{-(2n-1)\pm\sqrt{3(4n-1)}}{2n},

    and :math:`E(\mu_\infty-\mu)^2 = \sigma^2 - E\sigma_\infty^2`; the plateau is below accumulate's
    (:func:`theory.mitigation.accumulate_variance_limit`).  Unbiased: **no plateau** -- both moments grow
    without bound like :math:`t^{1/n}` (:func:`accumulate_subsample_growth`), returned as ``oo``.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments

    Examples
    --------
    >>> accumulate_subsample_limit(2, exact=True).variance  # (1/4) Gamma(1/2) / (Gamma(1-r+) Gamma(1-r-))
    sqrt(pi)/(4*gamma(7/4 - sqrt(21)/4)*gamma(sqrt(21)/4 + 7/4))
    >>> round(accumulate_subsample_limit(10).variance, 6)
    0.738991
    >>> accumulate_subsample_limit(10, estimator="unbiased")
    GaussianMoments(variance=inf, mean_error=inf)

    References
    ----------
    [kazdan2024]_ (the test loss "apparently plateaus"; for the MLE it does).
    """
    if estimator == "unbiased":
        return GaussianMoments(sp.oo + 0 * n, sp.oo + 0 * n)
    rp, rm = _roots(n)
    v = sigma2 * ((n - 1) / n) ** 2 * sp.gamma(1 - 1 / n) / (sp.gamma(1 - rp) * sp.gamma(1 - rm))
    return GaussianMoments(v, sigma2 - v)


@closed_form(n=N_BATCH, sigma2=SIGMA2)
def accumulate_subsample_growth(n, *, sigma2=1):
    r"""Growth law of the unbiased accumulate-subsample moments: :math:`E\sigma_t^2 \sim C t^{1/n}`, no plateau.

    .. math::

        C = \sigma^2\frac{\Gamma(2-1/n)}{\Gamma(2-\sqrt{3/n})\,\Gamma(2+\sqrt{3/n})},\qquad
        E(\mu_t-\mu)^2 \sim \frac Cn\,t^{1/n},

    from :math:`\Gamma(t+a)/\Gamma(t+b)\sim t^{a-b}` in the closed form of :func:`accumulate_subsample_moments`:
    the ratio :math:`E\sigma_{t+1}^2/E\sigma_t^2 = 1 + \frac1{nt} + O(t^{-2})`.  The subset's unbiased
    variance is unbiased for the pool's, and its mean adds its own error, so each batch spreads the pool by
    a factor about :math:`1 + 1/n`; the MLE's divisor exactly cancels it.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GrowthLaw
        ``(variance, mean_error, exponent)`` = :math:`(C, C/n, 1/n)`.

    Examples
    --------
    >>> accumulate_subsample_growth(3, exact=True).exponent
    1/3
    >>> round(accumulate_subsample_growth(10).variance, 6)
    0.789517

    References
    ----------
    [kazdan2024]_ ("slow and gradual rather than explosive degradation").
    """
    a = sp.sqrt(3 / n)
    c = sigma2 * sp.gamma(2 - 1 / n) / (sp.gamma(2 - a) * sp.gamma(2 + a))
    return GrowthLaw(c, c / n, 1 / n)


@computed(exact=True, symbolic=True, t=V.Generations("Number of refits.", example=4, exact_max=10_000), n=N_BATCH,
          estimator=EST, sigma2=SIGMA2)
def workflow_moments(t, n, *, estimator="mle", sigma2=1, exact=False):
    r"""Replace, accumulate and accumulate-subsample side by side: :math:`(E\sigma_t^2, E(\mu_t-\mu)^2)` of each.

    Replace: :math:`E\sigma_t^2 = \sigma^2\rho^t` (:math:`\rho = (n-1)/n` MLE, 1 unbiased) and
    :math:`E(\mu_t-\mu)^2 = \frac{\sigma^2}{n}\sum_{j<t}\rho^j` (:mod:`theory.gaussian`, ``M = n``);
    accumulate: :func:`theory.mitigation.accumulate_moments` (``M = n``); accumulate-subsample:
    :func:`accumulate_subsample_moments`.  For the MLE each pair sums to :math:`\sigma^2`.

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    WorkflowMoments
        ``(replace, accumulate, accumulate_subsample)``, each a :class:`GaussianMoments`.

    Examples
    --------
    >>> w = workflow_moments(2, 2, exact=True)
    >>> w.replace.variance, w.accumulate.variance, w.accumulate_subsample.variance
    (1/4, 7/16, 7/24)

    References
    ----------
    [kazdan2024]_; [gerstgrasser2024]_; [shumailov2024]_.
    """
    if isinstance(t, np.ndarray):
        return C.per_generation(lambda x: workflow_moments.__wrapped__(x, n, estimator=estimator, sigma2=sigma2,
                                                                        exact=exact), t, exact)
    kw = dict(sigma2=sigma2, estimator=estimator)
    if not V.is_symbolic(t, n, sigma2):
        kw["exact"] = exact
    rep = GaussianMoments(_gaussian.expected_variance(t, n, **kw), _gaussian.mean_variance(t, n, **kw))
    return WorkflowMoments(rep, accumulate_moments(t, n, **kw), accumulate_subsample_moments(t, n, **kw))
