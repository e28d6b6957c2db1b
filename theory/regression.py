r"""Model collapse in linear regression: the exact finite-sample risks of the field's chains.

Conventions
-----------
Ground truth :math:`w_0 \in \mathbb R^d`.  A *design* is a matrix whose rows are i.i.d.
:math:`N(0, \Sigma)`, :math:`\Sigma \succ 0`.  OLS is :math:`\hat w = (X^\top X)^{-1}X^\top Y`.  The
*risk* is the excess test risk :math:`E\|\hat w - w_0\|_\Sigma^2 = E[(\hat w-w_0)^\top\Sigma(\hat w-w_0)]`,
averaged over the designs and the label noise.  Variances are keyword-only: ``sigma2`` is the
label-noise variance of the fit being scored, ``sigma2_gen`` that of the synthetic generators.

Everything rests on one lemma ([muirhead1982]_ ch. 3): :math:`X^\top X \sim W_d(T, \Sigma)` and, for
:math:`T \ge d+2`, :math:`E[(X^\top X)^{-1}] = \Sigma^{-1}/(T-d-1)`, so one OLS fit on labels
:math:`Xv + e`, :math:`e \sim N(0, \sigma^2 I)`, is :math:`v + (X^\top X)^{-1}X^\top e` and adds the risk

.. math::  \sigma^2\,E\,\mathrm{tr}\bigl[\Sigma (X^\top X)^{-1}\bigr] = \sigma^2\frac{d}{T-d-1}

(:func:`ols_risk`; infinite for :math:`T \in \{d, d+1\}`, undefined below).  Because every OLS error is
linear in the label noise, the risks below do not depend on :math:`\Sigma` nor on :math:`w_0`.

The chains
----------
* :func:`replace_chain_risk` -- fresh designs, each generator refitted to labels of the previous one,
  then a downstream fit [dohmatob2024]_: risk linear in the number of generations.
* :func:`overparameterized_chain_error` -- minimum-norm interpolation (:math:`d \ge T_0+2`): the model
  forgets :math:`w_0` geometrically, even without noise [dohmatob2024]_.
* :func:`fixed_design_chain_risk` -- one design for all generations, replace (linear growth) or
  accumulate (bounded by :math:`\pi^2/6` times one fit) [gerstgrasser2024]_, the chain of
  [kazdan2024]_'s code; :func:`accumulate_subsample_risk` for their third workflow.
* :func:`mixed_ols_risk` -- one fit on real and synthetic rows: the risk tends to the floor
  :math:`p^2\|w_2-w_1\|^2` as the sample grows at a fixed synthetic fraction ("strong model collapse",
  [dohmatob2025]_).
* :func:`weighted_ols_risk` -- fresh real labels weighted against synthetic ones; the stationary risk is
  :func:`weighted_stationary_factor` times one fit's, minimised at :func:`optimal_real_weight`,
  :math:`1/\varphi` for equal sizes [he2025]_ (both defined once, in ``theory._weighting``, and shared
  with the Gaussian remedy :func:`theory.mitigation.weighted_fresh_data_moments`).

The derivations are the theorems of :mod:`proofs.regression`; where a paper states only an asymptotic
form, the ``*_proportional`` functions give the limit of the exact form.  Evaluation follows
:mod:`theory.core`: numbers give floats, symbols give expressions, ``exact=True`` gives exact values.
"""

from __future__ import annotations

import math

import sympy as sp

from theory import validation as V
from theory._weighting import optimal_real_weight, weighted_stationary_factor
from theory.core import NoClosedFormError, closed_form, computed

__all__ = [
    "ols_risk", "replace_chain_risk", "replace_chain_risk_proportional", "overparameterized_chain_error",
    "overparameterized_chain_error_proportional", "fixed_design_chain_risk", "fixed_design_chain_risk_proportional",
    "accumulate_subsample_risk", "accumulate_subsample_infinite_from", "mixed_ols_bias_factor", "mixed_ols_risk",
    "mixed_ols_risk_proportional", "mixed_ols_floor", "weighted_ols_risk", "weighted_ols_risk_replicated",
    "weighted_ols_risk_fresh", "weighted_stationary_factor", "optimal_real_weight", "WORKFLOWS",
]

#: Workflows of the fixed-design chain with a closed form (accumulate-subsample: :func:`accumulate_subsample_risk`).
WORKFLOWS = ("replace", "accumulate")


def _because(domain, reason):
    """A copy of ``domain`` whose ValueError also says why the value is refused."""
    base = type(domain)

    def check(self, value, name):
        try:
            return base.check(self, value, name)
        except ValueError as exc:
            raise ValueError(f"{exc} ({reason})") from None

    new = object.__new__(type(f"Reasoned{base.__name__}", (base,), {"check": check}))
    new.__dict__.update(domain.__dict__)
    return new


# ----------------------------------------------------------------------------- parameter domains
GEN = V.Generations("Number of synthetic generations (generators fitted after the truth).", example=3)
FITS = V.Generations("Number of fits; model 1 is fitted to the real labels, ``n = 0`` is :math:`w_0` itself.",
                     example=3)
DIM = V.Integer(1, doc="Dimension :math:`d` of the parameter (features).", example=3)
ROWS = V.Integer(1, doc="Rows :math:`T` of the scored fit's design (:math:`T \\ge d+2`).", example=8)
ROWS0 = V.Integer(1, doc="Rows :math:`T_0` of each generator's design.", example=7)
ROWS0_OVER = V.Integer(1, doc="Rows :math:`T_0` of each generator's design (:math:`d \\ge T_0+2`).", example=2)
DIM_OVER = V.Integer(1, doc="Dimension :math:`d \\ge T_0 + 2` (over-parameterized).", example=5)
NOISE = _because(V.Real(0, doc=r"Label-noise variance :math:`\sigma^2` of the fit being scored.", example=0.5),
                 "a variance is never negative")
NOISE_GEN = _because(V.Real(0, doc=r"Label-noise variance :math:`\sigma^2_{\rm gen}` of the synthetic generators.",
                            example=0.5), "a variance is never negative")
NORM2 = _because(V.Real(0, doc=r"Squared norm :math:`\|w_0\|^2` of the truth.", example=1.5),
                 "a squared norm is never negative")
WORKFLOW = V.Choice(*WORKFLOWS, doc="``replace``: model :math:`i` sees only the labels of model :math:`i-1`; "
                                    "``accumulate``: all label sets so far, stacked.")
PHI = V.Real(0, 1, lower_open=True, upper_open=True, doc=r"Limit :math:`\phi` of :math:`d/T` (< 1).", example=0.25)
PHI0 = V.Real(0, 1, lower_open=True, upper_open=True, doc=r"Limit :math:`\phi_0` of :math:`d/T_0` (< 1).",
              example=0.5)
PSI = V.Real(1, lower_open=True, doc=r"Limit :math:`\psi` of :math:`d/T_0` (> 1).", example=2.5)
SAMPLES = V.Integer(1, doc="Total rows :math:`n = n_{\\rm real} + n_{\\rm synth}` of the one fit (:math:`n \\ge d+2`).",
                    example=10)
SYNTH = V.Integer(0, doc="Synthetic rows :math:`n_{\\rm synth} \\le n`.", example=4)
FRACTION = V.Real(0, 1, doc=r"Synthetic fraction :math:`p = n_{\rm synth}/n`.", example=0.25)
DELTA2 = _because(V.Real(0, doc=r"Squared distance :math:`\delta^2 = \|w_2 - w_1\|^2` of the synthetic labeller "
                                r"from the truth.", example=2.0), "a squared distance is never negative")
WEIGHT = _because(V.Real(0, 1, lower_open=True, doc="Weight :math:`w` of the real labels (``1 - w`` on the synthetic "
                                                    "ones).", example=0.6),
                  "w is the weight of the real labels: w = 0 trains on synthetic labels alone")
STEP = V.Optional(V.Generations("Step :math:`t` of the chain (:math:`\\hat w_0` is fitted to real labels).",
                                example=2), none_doc="the stationary value, :math:`t \\to \\infty`.")
COPIES = V.Integer(1, doc="Size ratio :math:`k`: the real design is ``k`` copies of the ``n/k`` synthetic rows.",
                   example=2)
SAMPLES_W = V.Integer(1, doc="Rows :math:`n` of the (real) design.", example=8)
SYNTH_ROWS = V.Integer(1, doc="Rows :math:`m` of each fresh synthetic design (:math:`m \\ge d+2`).", example=6)


def _need_rows(name, rows, d, offset=0):
    """ValueError unless ``rows >= d + 2`` (symbols pass): below it one OLS fit has infinite or no risk."""
    if V.is_symbolic(rows, d):
        return
    if rows - offset < d + 2:
        raise ValueError(f"{name} must be >= d + 2 = {d + 2}: the OLS risk sigma2 d/(T - d - 1) is infinite for "
                         f"T = d or d + 1 and undefined below (E tr (X^T X)^-1 diverges), got {name} = {rows}")


def _requires_T(d, T, **_):
    _need_rows("T", T, d)


def _requires_T0_T(d, T0, T, **_):
    _need_rows("T0", T0, d)
    _need_rows("T", T, d)


def _requires_over(d, T0, **_):
    if not V.is_symbolic(d, T0) and d < T0 + 2:
        raise ValueError(f"d must be >= T0 + 2 = {T0 + 2} for the over-parameterized chain: E tr (X X^T)^-1 = "
                         f"T0/(d - T0 - 1) is infinite for d = T0 or T0 + 1 (and d < T0 is not over-parameterized), "
                         f"got d = {d}")


def _requires_mixed(d, n, n_synth, **_):
    _need_rows("n", n, d)
    if not V.is_symbolic(n, n_synth) and n_synth > n:
        raise ValueError(f"n_synth must be <= n = {n} (the synthetic rows are part of the n rows of the fit), "
                         f"got {n_synth}")


def _requires_weighted(d, n, **_):
    _need_rows("n", n, d)


def _requires_replicated(d, n, k, **_):
    if V.is_symbolic(d, n, k):
        return
    if n % k:
        raise ValueError(f"n must be a multiple of k = {k} (the real design is k copies of the n/k synthetic rows), "
                         f"got n = {n}")
    if n // k < d + 2:
        raise ValueError(f"n must be >= k (d + 2) = {k * (d + 2)}: the n/k synthetic rows need >= d + 2 for a finite "
                         f"OLS risk, got n = {n}")


def _requires_fresh(d, n, m, **_):
    _need_rows("n", n, d)
    _need_rows("m", m, d)


def _c(sigma2, d, T):
    """The one-fit OLS risk sigma2 d / (T - d - 1)."""
    return sigma2 * d / (T - d - 1)


# ----------------------------------------------------------------------------- one fit
@closed_form(d=DIM, T=ROWS, sigma2=NOISE, requires=_requires_T)
def ols_risk(d, T, *, sigma2=1):
    r"""Risk of one OLS fit on a fresh :math:`T\times d` design: :math:`E\|\hat w - w_0\|_\Sigma^2 =
    \sigma^2 d/(T-d-1)`.

    From :math:`\hat w - w_0 = (X^\top X)^{-1}X^\top e` and :math:`E[(X^\top X)^{-1}] = \Sigma^{-1}/(T-d-1)`
    (Wishart, :math:`T \ge d+2`); the classical :math:`\sigma^2 d/T` is its large-:math:`T` form.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> ols_risk(3, 5, exact=True)   # T = d + 2: sigma2 * d
    3
    >>> ols_risk(2, 10, sigma2=0.5)
    0.14285714285714285

    References
    ----------
    [muirhead1982]_, ch. 3 (inverse Wishart mean).
    """
    return _c(sigma2, d, T)


# ----------------------------------------------------------------------------- replace, fresh designs
@closed_form(n=GEN, d=DIM, T0=ROWS0, T=ROWS, sigma2=NOISE, sigma2_gen=NOISE_GEN, requires=_requires_T0_T)
def replace_chain_risk(n, d, T0, T, *, sigma2=1, sigma2_gen=1):
    r"""Downstream risk after ``n`` synthetic generations with fresh designs:
    :math:`\sigma^2\frac{d}{T-d-1} + n\,\sigma^2_{\rm gen}\frac{d}{T_0-d-1}`.

    :math:`\hat w_0 = w_0`; generator :math:`k = 1..n` is OLS on a fresh :math:`T_0\times d` design with labels
    :math:`X_k\hat w_{k-1} + N(0, \sigma^2_{\rm gen}I)`; the scored model is OLS on a fresh :math:`T\times d`
    design with labels :math:`X\hat w_n + N(0,\sigma^2 I)`.  The errors telescope into :math:`n+1` independent
    centred terms, so the risk grows linearly in ``n``; exact for every :math:`T, T_0 \ge d+2` and every
    :math:`\Sigma`.  Proportional limit: :func:`replace_chain_risk_proportional`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> replace_chain_risk(2, 3, 6, 7, exact=True)
    4
    >>> replace_chain_risk(10, 2, 10, 10, sigma2=0.5, sigma2_gen=2.0)  # 0.5*2/7 + 10*2*2/7
    5.857142857142857

    References
    ----------
    [dohmatob2024]_ (the unregularized case of their test-error formula); [muirhead1982]_.
    """
    return _c(sigma2, d, T) + n * _c(sigma2_gen, d, T0)


@closed_form(n=GEN, phi=PHI, phi0=PHI0, sigma2=NOISE, sigma2_gen=NOISE_GEN)
def replace_chain_risk_proportional(n, phi, phi0, *, sigma2=1, sigma2_gen=1):
    r"""Proportional limit of :func:`replace_chain_risk`, :math:`d/T\to\phi`, :math:`d/T_0\to\phi_0`:
    :math:`\sigma^2\frac{\phi}{1-\phi} + n\,\sigma^2_{\rm gen}\frac{\phi_0}{1-\phi_0}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> replace_chain_risk_proportional(2, 0.25, 0.5, exact=True)
    7/3

    References
    ----------
    [dohmatob2024]_.
    """
    return sigma2 * phi / (1 - phi) + n * sigma2_gen * phi0 / (1 - phi0)


# ----------------------------------------------------------------------------- over-parameterized
@closed_form(n=GEN, d=DIM_OVER, T0=ROWS0_OVER, sigma2_gen=NOISE_GEN, w0_norm2=NORM2, requires=_requires_over)
def overparameterized_chain_error(n, d, T0, *, sigma2_gen=0, w0_norm2=1):
    r"""Error of the minimum-norm chain: :math:`E\|\hat w_n - w_0\|^2 = (1 - r^n)\bigl(\|w_0\|^2 +
    \sigma^2_{\rm gen}\frac{T_0 d}{(d-T_0)(d-T_0-1)}\bigr)`, :math:`r = T_0/d`.

    The generators' loop of :func:`replace_chain_risk` with isotropic designs (:math:`\Sigma = I`) and
    :math:`\hat w_k = X_k^+Y_k` (:math:`d \ge T_0+2`): :math:`E[X^+X] = (T_0/d)I` and
    :math:`E(XX^\top)^{-1} = I/(d-T_0-1)` give :math:`E\|\hat w_k\|^2 = rE\|\hat w_{k-1}\|^2 + \sigma^2_{\rm gen}
    T_0/(d-T_0-1)` and :math:`E\hat w_n = r^nw_0`.  Without noise the error tends to :math:`\|w_0\|^2`
    geometrically: the chain forgets the truth ("catastrophic" collapse).  Proportional limit:
    :func:`overparameterized_chain_error_proportional`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> overparameterized_chain_error(3, 6, 2, sigma2_gen=1, exact=True)
    52/27
    >>> overparameterized_chain_error(1, 5, 3)   # noise-free: 1 - 3/5
    0.4

    References
    ----------
    [dohmatob2024]_ (exponentially fast collapse in the over-parameterized regime); [muirhead1982]_.
    """
    return (1 - (T0 / d) ** n) * (w0_norm2 + sigma2_gen * T0 * d / ((d - T0) * (d - T0 - 1)))


@closed_form(n=GEN, psi=PSI, sigma2_gen=NOISE_GEN, w0_norm2=NORM2)
def overparameterized_chain_error_proportional(n, psi, *, sigma2_gen=0, w0_norm2=1):
    r"""Limit :math:`d/T_0 \to \psi > 1` of :func:`overparameterized_chain_error`:
    :math:`(1-\psi^{-n})\bigl(\|w_0\|^2 + \sigma^2_{\rm gen}\psi/(\psi-1)^2\bigr)`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> overparameterized_chain_error_proportional(1, 2, sigma2_gen=1, exact=True)
    3/2

    References
    ----------
    [dohmatob2024]_.
    """
    return (1 - psi ** (-n)) * (w0_norm2 + sigma2_gen * psi / (psi - 1) ** 2)


# ----------------------------------------------------------------------------- fixed design
def _fixed(n, c, workflow):
    # accumulate: c * sum_{i<=n} 1/i^2 = c (pi^2/6 - psi_1(n + 1)), valid (and evaluable) at any n
    return n * c if workflow == "replace" else c * (sp.pi ** 2 / 6 - sp.polygamma(1, n + 1))


@closed_form(n=FITS, d=DIM, T=ROWS, sigma2=NOISE, workflow=WORKFLOW, requires=_requires_T)
def fixed_design_chain_risk(n, d, T, *, sigma2=1, workflow="replace"):
    r"""Risk of model ``n`` on one fixed design: :math:`nc` (replace) or :math:`c\sum_{i=1}^n i^{-2} \uparrow
    c\,\pi^2/6` (accumulate), :math:`c = \sigma^2 d/(T-d-1)`.

    One :math:`T\times d` design :math:`X` for every generation; model 1 is OLS on :math:`Xw_0 + e_1`, model
    :math:`i \ge 2` on :math:`X\hat w_{i-1} + e_i` (replace) or on all :math:`i` label sets stacked
    (accumulate), noise :math:`N(0, \sigma^2 I)`.  Accumulating averages the per-batch fits, so the error is
    :math:`\sum_l Ae_l/l` and the risk is bounded; written with the trigamma function,
    :math:`\sum_{i\le n} i^{-2} = \pi^2/6 - \psi_1(n+1)`.  Averaged over designs; independent of
    :math:`\Sigma`.  Accumulate-subsample has no closed form: :func:`accumulate_subsample_risk`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> fixed_design_chain_risk(4, 2, 5, workflow="accumulate", exact=True)
    205/144
    >>> fixed_design_chain_risk(4, 2, 5)   # replace: 4 * 2/2
    4.0

    References
    ----------
    [gerstgrasser2024]_ (accumulate); [dohmatob2024]_ (replace); [kazdan2024]_ (the chain of their code).
    """
    return _fixed(n, _c(sigma2, d, T), workflow)


@closed_form(n=FITS, phi=PHI, sigma2=NOISE, workflow=WORKFLOW)
def fixed_design_chain_risk_proportional(n, phi, *, sigma2=1, workflow="replace"):
    r"""Limit :math:`d/T\to\phi` of :func:`fixed_design_chain_risk`: :math:`c_\phi = \sigma^2\phi/(1-\phi)`
    times ``n`` (replace) or :math:`\sum_{i\le n} i^{-2}` (accumulate).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> fixed_design_chain_risk_proportional(2, 0.5, workflow="accumulate", exact=True)
    5/4

    References
    ----------
    [gerstgrasser2024]_.
    """
    return _fixed(n, sigma2 * phi / (1 - phi), workflow)


def _require_subsample(n, d, T, sigma2, **_):
    _need_rows("T", T, d)


@computed(exact=True, n=FITS, d=DIM, T=ROWS, sigma2=NOISE, requires=_require_subsample)
def accumulate_subsample_risk(n, d, T, *, sigma2=1, exact=False):
    r"""Risk of model ``n`` of accumulate-subsample where it is known exactly (numeric only).

    Model :math:`i` is OLS on a uniform :math:`T`-subset, without replacement, of the pool of :math:`iT` rows
    (:math:`i` label batches on the same design rows; batch :math:`j` labelled by model :math:`j-1`, batch 1
    real) [kazdan2024]_.  Known exactly: ``0`` at ``n = 0``; :math:`\sigma^2 d/(T-d-1)` at ``n = 1`` (the pool is
    the real batch); and :math:`+\infty` for :math:`n \ge 2` with :math:`n(d+1) \ge T`
    (:func:`accumulate_subsample_infinite_from`): with positive probability the subset holds only
    :math:`d+1` distinct design rows, each at least once from the newest batch, and the conditional risk is then
    at least :math:`\sigma^2 n^{-2}\mathrm{tr}[\Sigma(X_R^\top X_R)^{-1}]` for a :math:`(d+1)\times d` design
    :math:`X_R`, whose mean is infinite (theorem ``regression_subsample_infinite`` of :mod:`proofs.regression`, checked at :math:`d = 1`).
    For :math:`2 \le n < T/(d+1)` no closed form is known (inverse moments of Gram matrices of overlapping
    random multisets of rows): :class:`~theory.core.NoClosedFormError`.  A Monte Carlo mean there looks
    finite at realistic sizes; report medians (:mod:`numerics.regression`).

    Parameters
    ----------
    %(parameters)s

    Raises
    ------
    NoClosedFormError
        For :math:`2 \le n` and :math:`n(d+1) < T`.

    Examples
    --------
    >>> accumulate_subsample_risk(1, 3, 8, exact=True)
    3/4
    >>> accumulate_subsample_risk(2, 2, 6)   # 2 (2 + 1) >= 6: infinite
    inf

    References
    ----------
    [kazdan2024]_; [muirhead1982]_.
    """
    if n == 0:
        return 0
    if n == 1:
        return sigma2 * d / (T - d - 1) if exact else float(sigma2) * d / (T - d - 1)
    if n * (d + 1) >= T:
        return sp.oo if exact else math.inf
    raise NoClosedFormError(f"accumulate_subsample_risk has no closed form for 2 <= n < T/(d + 1) = {T / (d + 1):g} "
                            f"(n = {n}); it is infinite from n = {max(2, -(-T // (d + 1)))} on")


@computed(d=DIM, T=ROWS, requires=_requires_T)
def accumulate_subsample_infinite_from(d, T):
    r"""First model of accumulate-subsample with an infinite risk: :math:`\max(2, \lceil T/(d+1)\rceil)`
    (numeric only; an integer).

    See :func:`accumulate_subsample_risk`: from this generation on the subset can consist of :math:`d+1`
    distinct design rows.  The event is rare at realistic sizes (probability about :math:`10^{-16}` at
    :math:`T = 32, d = 10`, generation 3), so a Monte Carlo mean looks finite while estimating :math:`\infty`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> accumulate_subsample_infinite_from(2, 20), accumulate_subsample_risk(7, 2, 20, exact=True)
    (7, oo)

    References
    ----------
    [kazdan2024]_.
    """
    return max(2, -(-int(T) // (int(d) + 1)))


# ----------------------------------------------------------------------------- strong model collapse
@closed_form(d=DIM, n=SAMPLES, n_synth=SYNTH, requires=_requires_mixed)
def mixed_ols_bias_factor(d, n, n_synth):
    r"""The factor :math:`c` of :math:`E\|(X^\top X)^{-1}X_s^\top X_s\Delta\|^2 = c\,\|\Delta\|^2`:
    :math:`c = \frac{s[(s+d+1)(n^2-n+2) - 2nsd - 4n]}{n(n-1)(n+2)(n-d-1)}`, :math:`s` = ``n_synth``.

    For an isotropic :math:`n\times d` design whose last :math:`s` rows :math:`X_s` are synthetic
    (:math:`n \ge d+2`).  :math:`c = 0` at :math:`s = 0`, :math:`1` at :math:`s = n`, and :math:`s(s+2)/(n(n+2))`
    at :math:`d = 1` (a Beta second moment).  Derived with the polar decomposition and Stein's identity for
    Wishart matrices (:mod:`proofs.regression`).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixed_ols_bias_factor(1, 10, 4, exact=True)   # 4 * 6 / (10 * 12)
    1/5

    References
    ----------
    [dohmatob2025]_; [stein1981]_; [olkinrubin1964]_.
    """
    s = n_synth
    return s * ((s + d + 1) * (n ** 2 - n + 2) - 2 * n * s * d - 4 * n) / (n * (n - 1) * (n + 2) * (n - d - 1))


@closed_form(d=DIM, n=SAMPLES, n_synth=SYNTH, delta2=DELTA2, sigma2=NOISE, requires=_requires_mixed)
def mixed_ols_risk(d, n, n_synth, *, delta2=1, sigma2=1):
    r"""Exact :math:`E\|\hat w - w_1\|^2` of one OLS fit on ``n`` isotropic rows, ``n_synth`` synthetic:
    :math:`c\,\delta^2 + \sigma^2 d/(n-d-1)`, :math:`c` = :func:`mixed_ols_bias_factor`.

    Real labels :math:`x^\top w_1 + N(0,\sigma^2)`, synthetic labels :math:`x^\top w_2 + N(0,\sigma^2)`,
    :math:`\|w_2-w_1\|^2 = \delta^2`, :math:`n \ge d+2`.  At a fixed synthetic fraction :math:`p` it tends to
    the floor :math:`p^2\delta^2` as :math:`n \to \infty` (:func:`mixed_ols_floor`: more data cannot remove it)
    and, with :math:`d/n \to \phi`, to :func:`mixed_ols_risk_proportional`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixed_ols_risk(3, 5, 2, delta2=2, sigma2=0.5, exact=True)
    209/70

    References
    ----------
    [dohmatob2025]_ (asymptotic forms; this is the exact finite-sample value).
    """
    return mixed_ols_bias_factor.__wrapped__(d, n, n_synth) * delta2 + _c(sigma2, d, n)


@closed_form(phi=PHI, p=FRACTION, delta2=DELTA2, sigma2=NOISE)
def mixed_ols_risk_proportional(phi, p, *, delta2=1, sigma2=1):
    r"""Limit of :func:`mixed_ols_risk` with :math:`d/n\to\phi`, :math:`n_{\rm synth}/n \to p`:
    :math:`\delta^2[p^2 + p(1-p)\frac{\phi}{1-\phi}] + \sigma^2\frac{\phi}{1-\phi}`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixed_ols_risk_proportional(0.5, 0.5, exact=True)
    3/2

    References
    ----------
    [dohmatob2025]_.
    """
    return delta2 * (p ** 2 + p * (1 - p) * phi / (1 - phi)) + sigma2 * phi / (1 - phi)


@closed_form(p=FRACTION, delta2=DELTA2)
def mixed_ols_floor(p, *, delta2=1):
    r"""The floor :math:`p^2\delta^2` of :func:`mixed_ols_risk` as :math:`n\to\infty` at fixed :math:`p` and
    :math:`d`: a fixed fraction of synthetic data keeps a bias no sample size removes.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> mixed_ols_floor(0.5, delta2=2, exact=True)
    1/2

    References
    ----------
    [dohmatob2025]_ ("strong model collapse").
    """
    return p ** 2 * delta2


# ----------------------------------------------------------------------------- weighted fresh data
def _weighted(start, step_var, w, t):
    """R_t = q^t R_0 + (1 - q^t) R_inf with q = (1 - w)^2 and R_inf = step_var / (1 - q); t None: R_inf."""
    q = (1 - w) ** 2
    stationary = step_var / (w * (2 - w))
    return stationary if t is None else q ** t * start + (1 - q ** t) * stationary


@closed_form(d=DIM, n=SAMPLES_W, w=WEIGHT, sigma2=NOISE, t=STEP, requires=_requires_weighted)
def weighted_ols_risk(d, n, w, *, sigma2=1, t=None):
    r"""Risk of the weighted fresh-data chain on one design: :math:`R_\infty = c\,\frac{w^2+(1-w)^2}{w(2-w)}`,
    :math:`c = \sigma^2 d/(n-d-1)`; :math:`R_t = q^tc + (1-q^t)R_\infty`, :math:`q = (1-w)^2`.

    A fixed :math:`n\times d` design :math:`X`; :math:`\hat w_0` is OLS on real labels; step :math:`t` fits OLS to
    :math:`(1-w)Y_s + wY_r` with fresh real labels :math:`Y_r = Xw_0 + e_r` and synthetic labels
    :math:`Y_s = X\hat w_{t-1} + e_s` (both noises :math:`N(0,\sigma^2I)`).  Given :math:`X` every step is a
    multiple of :math:`\sigma^2\mathrm{tr}\,\Sigma(X^\top X)^{-1}`, so the minimising weight is
    :math:`1/\varphi` (:func:`optimal_real_weight` at :math:`k=1`) exactly, at every :math:`n, d`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> weighted_ols_risk(3, 9, 0.5, exact=True)   # 3/5 * (1/2) / (3/4)
    2/5
    >>> weighted_ols_risk(3, 9, 0.5, t=1, exact=True)   # 1/4 * 3/5 + 3/4 * 2/5
    9/20

    References
    ----------
    [he2025]_.
    """
    c = _c(sigma2, d, n)
    return _weighted(c, c * (w ** 2 + (1 - w) ** 2), w, t)


@closed_form(d=DIM, n=SAMPLES_W, k=COPIES, w=WEIGHT, sigma2=NOISE, t=STEP, requires=_requires_replicated)
def weighted_ols_risk_replicated(d, n, k, w, *, sigma2=1, t=None):
    r"""Weighted chain with a synthetic set of :math:`m = n/k` rows: :math:`R_\infty = \frac{\sigma^2d}{k(m-d-1)}
    \cdot\frac{k(1-w)^2+w^2}{w(2-w)}`, minimised at :func:`optimal_real_weight` ``(k)`` exactly.

    Fixed :math:`m\times d` synthetic design :math:`X_s`; the real design is ``k`` stacked copies of it; step
    :math:`t` fits the weighted loss :math:`\frac wn\|X_r\beta-Y_r\|^2 + \frac{1-w}m\|X_s\beta-Y_s\|^2`, which here
    equals :math:`w\hat\beta_r + (1-w)\hat\beta_s`; :math:`\hat w_0` is OLS on the real rows.
    :math:`R_t = q^tR_0 + (1-q^t)R_\infty` with :math:`R_0 = \sigma^2d/(k(m-d-1))`, :math:`q = (1-w)^2`.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> weighted_ols_risk_replicated(2, 10, 2, 1, exact=True)   # w = 1: the real-data fit, 2/(2*2)
    1/2

    References
    ----------
    [he2025]_.
    """
    c = _c(sigma2, d, n / k) / k
    return _weighted(c, c * (k * (1 - w) ** 2 + w ** 2), w, t)


@closed_form(d=DIM, n=SAMPLES_W, m=SYNTH_ROWS, w=WEIGHT, sigma2=NOISE, t=STEP, requires=_requires_fresh)
def weighted_ols_risk_fresh(d, n, m, w, *, sigma2=1, t=None):
    r"""Weighted chain with fresh designs, :math:`\hat w_t = w\hat\beta_r + (1-w)\hat\beta_s`:
    :math:`R_\infty = \sigma^2\frac{w^2a + (1-w)^2b}{w(2-w)}`, :math:`a = \frac{d}{n-d-1}`, :math:`b = \frac{d}{m-d-1}`.

    Each step draws a fresh :math:`n\times d` real design and a fresh :math:`m\times d` synthetic design (labels
    from :math:`\hat w_{t-1}`), fits OLS to each and averages them; :math:`\hat w_0` is OLS on ``n`` real rows.
    The minimising weight is :func:`optimal_real_weight` at :math:`\kappa = b/a = (n-d-1)/(m-d-1)`, which tends
    to :math:`k = n/m` at fixed :math:`d` but to :math:`k(1-\phi)/(1-k\phi)` when :math:`d/n \to \phi`.  (The
    weighted-*loss* fit on independent designs has no closed form.)

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> weighted_ols_risk_fresh(2, 20, 10, 0.5, exact=True)   # (2/17 + 2/7) / 4 / (3/4)
    16/119

    References
    ----------
    [he2025]_.
    """
    a, b = d / (n - d - 1), d / (m - d - 1)
    return _weighted(sigma2 * a, sigma2 * (w ** 2 * a + (1 - w) ** 2 * b), w, t)
