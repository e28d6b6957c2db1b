r"""Kernel density chains (Kazdan et al.; Fu et al.): a KDE with fixed bandwidth refitted on its own samples.

A kernel density estimate stores ``N`` points; a sample picks a stored point uniformly and adds
independent kernel noise :math:`\varepsilon` with :math:`E\varepsilon = 0`,
:math:`E\varepsilon^2 = \kappa`: :math:`\kappa = h^2` for the Gaussian kernel, :math:`h^2/3` for the
top-hat (uniform on :math:`[-h, h]`).  Model 0 stores ``n`` real points of :math:`N(\mu, \sigma^2)`.

* **replace**: model ``t`` stores ``n`` samples of model ``t - 1``;
* **accumulate**: model ``t`` stores all :math:`(t+1)n` points produced so far (model ``t - 1`` samples
  from all of its ``tn`` stored points).

Given the stored sums :math:`A = \sum x`, :math:`Q = \sum x^2` (:math:`\mu = 0`), a sample has
:math:`E y = A/N` and :math:`E y^2 = Q/N + \kappa`, so the second moments of the stored points follow
exact recursions in which **only the kernel's variance** :math:`\kappa` enters.  With :math:`s_t^2` the
divisor-:math:`N_t` variance and :math:`m_t` the mean of the stored points:

.. math::

    \text{replace: } E s_t^2 + E(m_t-\mu)^2 = \sigma^2 + t\kappa,\qquad
    \text{accumulate: } E s_t^2 + E(m_t-\mu)^2 = \sigma^2 + \kappa\,(H_{t+1} - 1)

(:math:`H` the harmonic numbers).  Under replace the variance **inflates** to :math:`(n-1)\kappa` instead of
collapsing (the KDE's own variance :math:`s_t^2 + \kappa \to n\kappa`) and the mean performs a random
walk, :math:`E(m_t-\mu)^2 \approx t\kappa`; under accumulate the mean error converges and the variance
grows like :math:`\kappa\ln t`.  The derivations are the theorem ``KDE_CHAIN`` of :mod:`proofs.mitigation`.
Sources: [kazdan2024]_, [fu2024]_.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp

from theory import validation as V
from theory.core import closed_form, computed, mp_eval
from theory.mitigation import _common as C
from theory.mitigation._common import GaussianMoments

__all__ = ["kde_chain_moments", "kde_second_moment"]

SIGMA2 = V.VARIANCE
T_ = V.Generations("Model index ``t``: model 0 stores the ``n`` real points, model ``t`` is fitted to samples of "
                   "model ``t - 1``.", example=4, exact_max=20_000)
N_ = V.SAMPLE_SIZE.with_doc("Points per batch: model 0 stores ``n`` real points, every later batch holds ``n`` "
                            "samples.", example=5)
H2 = V.Real(0, lower_open=True, doc="Squared bandwidth :math:`h^2`: the kernel's variance for the Gaussian kernel, "
                                    "three times it for the top-hat on :math:`[-h, h]`.", example=0.5)
WORKFLOW = V.Choice("replace", "accumulate", doc="Store only the last batch (replace) or every batch (accumulate).")
KERNEL = V.Choice("gaussian", "tophat", doc="Kernel: Gaussian (variance :math:`h^2`) or top-hat uniform on "
                                            ":math:`[-h, h]` (variance :math:`h^2/3`).")
#: Largest ``t`` evaluated by vectorised sums; beyond, gamma closed forms and an Euler-Maclaurin tail.
DIRECT = 100_000
#: Terms summed directly before the Euler-Maclaurin tail.
HEAD = 10_000


def _kappa(h2, kernel):
    return h2 if kernel == "gaussian" else h2 / 3


def _replace_mp(t, n, kappa, sigma2):
    """(E s_t^2, E (m_t-mu)^2) under replace, as an mpmath function (closed form; every term non-negative)."""
    import mpmath

    r_t = mpmath.exp(t * mpmath.log1p(-1 / n))
    var = (n - 1) * (kappa * -mpmath.expm1(t * mpmath.log1p(-1 / n)) + r_t * sigma2 / n)
    return var, sigma2 + t * kappa - var


def _accumulate_path(T, n, kappa, sigma2):
    """Float arrays (E s_t^2, E (m_t-mu)^2, P_t) for t = 0..T under accumulate (all terms positive)."""
    nf = float(n)
    i = np.arange(T, dtype=float)
    log_p = np.concatenate([[0.0], np.cumsum(np.log1p(-1 / ((i + 2) ** 2 * nf)), dtype=np.longdouble)])
    p = np.exp(log_p)
    harm = np.concatenate([[1.0], 1 + np.cumsum(1 / np.arange(2, T + 2, dtype=float), dtype=np.longdouble)])
    q = sigma2 + kappa * (harm - 1)  # E Q_t / N_t
    d = (q[:-1] + kappa) / ((i + 2) ** 2 * nf)
    a = p * (sigma2 / nf + np.concatenate([[0.0], np.cumsum(d / p[1:], dtype=np.longdouble)]))
    return (q - a).astype(float), a.astype(float), p


def _accumulate_far(t, n, kappa, sigma2):
    """The same at one t > DIRECT: gamma closed forms of the products and an Euler-Maclaurin tail (mpmath)."""
    import mpmath

    _, a_d, _ = _accumulate_path(HEAD, n, kappa, sigma2)
    with mpmath.workdps(40 + int(math.log10(t))):
        nn, lg = mpmath.mpf(n), mpmath.loggamma
        b = 1 / mpmath.sqrt(nn)

        def log_p(x):  # log prod_{i<x} (1 - 1/((i+2)^2 n))
            return lg(x + 2 - b) + lg(x + 2 + b) - 2 * lg(x + 2) - lg(2 - b) - lg(2 + b)

        def q(x):
            return sigma2 + kappa * (mpmath.harmonic(x + 1) - 1)

        def g(j):
            return (q(j) + kappa) / ((j + 2) ** 2 * nn) * mpmath.exp(-log_p(j + 1))

        tail = C.smooth_sum(g, HEAD, t - 1)
        a = mpmath.exp(log_p(t)) * (mpmath.mpf(a_d[-1]) / mpmath.exp(log_p(HEAD)) + tail)
        return float(q(t) - a), float(a)


def _exact(t, n, kappa, sigma2, workflow):
    R = C.rational
    n_, k, s2 = R(n), R(kappa), R(sigma2)
    if workflow == "replace":
        r = (n_ - 1) / n_
        var = (n_ - 1) * k * (1 - r ** t) + r ** t * (n_ - 1) * s2 / n_
        return C.to_sympy(var), C.to_sympy(s2 + t * k - var)
    mats = []
    for s in range(t):  # (a, q, 1) from model s to model s + 1
        u = 1 / ((R(s) + 2) ** 2 * n_)
        mats.append(C.matrix([[1 - u, u, u * k], [0, 1, k / (R(s) + 2)], [0, 0, 1]]))
    x = C.matrix([[s2 / n_], [s2], [1]])
    if mats:
        x = C.ordered_product(mats) * x
    a, q, _ = x.entries()
    return C.to_sympy(q - a), C.to_sympy(a)


def _symbolic(t, n, kappa, sigma2, workflow):
    n, kappa, sigma2 = sp.sympify(n), sp.sympify(kappa), sp.sympify(sigma2)
    if workflow == "replace":
        r = (n - 1) / n
        var = (n - 1) * kappa + r ** t * ((n - 1) * sigma2 / n - (n - 1) * kappa)
        return GaussianMoments(var, sigma2 + t * kappa - var)
    b = 1 / sp.sqrt(n)
    j = sp.Dummy("j", integer=True, nonnegative=True)

    def p(x):  # prod_{i<x} (1 - 1/((i+2)^2 n)) as gamma functions
        return sp.gamma(x + 2 - b) * sp.gamma(x + 2 + b) / (sp.gamma(x + 2) ** 2 * sp.gamma(2 - b) * sp.gamma(2 + b))

    def q(x):
        return sigma2 + kappa * (sp.harmonic(x + 1) - 1)

    a = p(t) * (sigma2 / n + sp.Sum((q(j) + kappa) / ((j + 2) ** 2 * n * p(j + 1)), (j, 0, t - 1)))
    return GaussianMoments(q(t) - a, a)


@computed(exact=True, symbolic=True, t=T_, n=N_, h2=H2, workflow=WORKFLOW, kernel=KERNEL, sigma2=SIGMA2)
def kde_chain_moments(t, n, *, h2, workflow="replace", kernel="gaussian", sigma2=1, exact=False):
    r"""Exact :math:`(E s_t^2, E(m_t-\mu)^2)` of the points stored by model ``t`` of a kernel density chain.

    With :math:`\kappa = h^2` (Gaussian) or :math:`h^2/3` (top-hat) and :math:`r = (n-1)/n`:

    .. math::

        \text{replace: } E s_t^2 = (n-1)\kappa + r^t\Bigl(\frac{n-1}{n}\sigma^2 - (n-1)\kappa\Bigr),\qquad
        E(m_t-\mu)^2 = \sigma^2 + t\kappa - E s_t^2;

    .. math::

        \text{accumulate: } a_{t+1} = a_t\Bigl(1 - \frac{1}{(t+2)^2n}\Bigr)
        + \frac{\sigma^2 + \kappa H_{t+1}}{(t+2)^2n},
        \quad a_0 = \frac{\sigma^2}{n},\quad E(m_t-\mu)^2 = a_t,\quad E s_t^2 = \sigma^2 + \kappa(H_{t+1}-1) - a_t.

    :math:`s_t^2` divides by the number of stored points (``n`` replace, :math:`(t+1)n` accumulate).
    Floats at any ``t``; exact rationals (a product tree of the accumulate recursion); symbolic ``t``:
    the closed forms (accumulate: gamma functions and a ``Sum``).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    GaussianMoments
        ``(variance, mean_error)`` = :math:`(E s_t^2, E(m_t-\mu)^2)`.

    Examples
    --------
    >>> kde_chain_moments(1, 2, h2=1, exact=True)  # replace: the two parts add up to sigma^2 + h^2
    GaussianMoments(variance=3/4, mean_error=5/4)
    >>> kde_chain_moments(1, 2, h2=3, kernel="tophat", workflow="accumulate", exact=True)  # kappa = 1
    GaussianMoments(variance=13/16, mean_error=11/16)

    References
    ----------
    [kazdan2024]_ (KDEs under replace and accumulate); [fu2024]_ (kernel density chains).
    """
    kappa = _kappa(h2, kernel)
    if V.is_symbolic(t, n, h2, sigma2):
        return _symbolic(t, n, kappa, sigma2, workflow)
    if isinstance(t, np.ndarray):
        return C.per_generation(lambda x: kde_chain_moments.__wrapped__(
            x, n, h2=h2, workflow=workflow, kernel=kernel, sigma2=sigma2, exact=exact), t, exact)
    if exact:
        return GaussianMoments(*_exact(t, n, kappa, sigma2, workflow))
    if workflow == "replace":
        return GaussianMoments(mp_eval(lambda *a: _replace_mp(*a)[0], (t, n, kappa, sigma2)),
                               mp_eval(lambda *a: _replace_mp(*a)[1], (t, n, kappa, sigma2)))
    if t <= DIRECT:
        var, mean, _ = _accumulate_path(t, n, kappa, sigma2)
        return GaussianMoments(var[-1], mean[-1])
    return GaussianMoments(*_accumulate_far(t, n, kappa, float(sigma2)))


@closed_form(t=T_, n=N_, h2=H2, workflow=WORKFLOW, kernel=KERNEL, sigma2=SIGMA2)
def kde_second_moment(t, n, *, h2, workflow="replace", kernel="gaussian", sigma2=1):
    r""":math:`E s_t^2 + E(m_t-\mu)^2`, the mean square of the stored points about :math:`\mu`:
    :math:`\sigma^2 + t\kappa` (replace) or :math:`\sigma^2 + \kappa(H_{t+1}-1)` (accumulate).

    Each sample adds the kernel variance to the mean square of the point it copies:
    :math:`E[y^2\mid\cdot] = Q/N + \kappa`.  Replace keeps only the new points (:math:`+\kappa` per
    generation, a random walk of the mean on top of an inflating spread); accumulate averages the new
    batch into :math:`(t+2)n` points (:math:`+\kappa/(t+2)`).  Only the kernel variance :math:`\kappa`
    enters (:math:`h^2`, or :math:`h^2/3` for the top-hat), so "σ² + t h²" holds for the Gaussian kernel.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> kde_second_moment(10, 5, h2=0.5, exact=True)
    6
    >>> kde_second_moment(2, 5, h2=1, workflow="accumulate", exact=True)  # 1 + H_3 - 1
    11/6

    References
    ----------
    [kazdan2024]_; [fu2024]_.
    """
    kappa = _kappa(h2, kernel)
    return sigma2 + (t * kappa if workflow == "replace" else kappa * (sp.harmonic(t + 1) - 1))
