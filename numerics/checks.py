r"""Comparison of closed forms with Monte Carlo estimates, with honest standard errors.

Every row of ``collapse verify`` is a :class:`Check`.  A Monte Carlo check
estimates a quantity from ``N`` independent chains, computes its standard error
from the same sample, and forms

.. math::  z = (\hat\theta - \theta) / \widehat{\mathrm{se}}.

It *agrees* when :math:`|z| <` :data:`Z_MAX` (4.5: with a few hundred checks
per run and fixed seeds, a correct formula fails with probability below
:math:`10^{-3}` and a run is deterministic anyway).

Power
-----
A z-test is only as good as its standard error.  For a sample mean of a
variable ``X`` with kurtosis :math:`\kappa = E(X-EX)^4/\mathrm{Var}(X)^2`, the
relative standard error of the estimated variance is
:math:`\sqrt{(\kappa-1)/N}`, and by Pearson's inequality
:math:`\gamma^2 \le \kappa - 1` the skewness of the sample mean is at most
:math:`\sqrt{(\kappa-1)/N}` too.  A check is *powered* when

.. math::  N \ge P\,(\kappa - 1), \qquad P = 100

(the SE is known to 10 % and the normal approximation of ``z`` holds at the
4.5 threshold).  Otherwise the row is reported **underpowered**: it neither
passes nor fails, because the Monte Carlo mean is then dominated by a few rare
chains and agreement or disagreement would be luck.  This is the situation of
:math:`E[\sigma_n^2]` at large ``n``: its exact kurtosis grows geometrically
in ``n`` (see :func:`theory.gaussian.variance_moment`), so a fixed budget of
chains can verify it only up to a finite horizon.  Where the theory gives the
kurtosis exactly it is used; otherwise the sample kurtosis is used (and the
row says so), which is adequate for the light-tailed quantities it is used on.

Two rules hold whatever the kurtosis:

* **Too few draws.**  A row estimated from fewer than :data:`MIN_SAMPLES`
  (= ``P`` = 100) draws is underpowered by rule.  The plug-in kurtosis of
  ``N`` draws is at most ``N - 2 + 1/(N - 1)`` whatever the law (two draws
  give exactly 1), so a few draws cannot reveal a heavy tail, and with
  ``N < P`` the sample criterion passes exactly when the sample looks
  lighter-tailed than ``kappa = 1 + N/P < 2``.
  And ``z`` with a standard error from ``N`` draws has ``N - 1`` degrees of
  freedom: :math:`P(|t_{N-1}| > 4.5)` is 2.7 times the normal tail at
  ``N = 100`` but 220 times at ``N = 10``.  (``collapse verify --chains 2``
  used to report a variance from two chains, standard error 1e-16, as a
  disagreement.)
* **No standard error.**  An infinite or undefined (NaN) standard error makes
  a row underpowered, never a disagreement: nothing was measured.
"""

from __future__ import annotations

import dataclasses
import json
import math
from fractions import Fraction
from typing import Iterable, Mapping, Optional, Sequence

import mpmath
import numpy as np

from theory.validation import check_int, check_positive, check_real_array

#: Agreement threshold on |z| for Monte Carlo checks.
Z_MAX = 4.5
#: Power factor: a mean of N draws is powered when N >= POWER_FACTOR * (kurtosis - 1).
POWER_FACTOR = 100.0
#: Fewest draws (chains) from which a z-row can agree or disagree; below it a row is underpowered by rule.
MIN_SAMPLES = 100
#: Relative tolerance of float64 evaluations compared with exact rationals.
EXACT_RTOL = 1e-9

#: Kurtosis is at least 1 (Pearson); this much rounding below 1 is tolerated.
_KURTOSIS_ROUNDING = 1e-9

AGREE = "agree"
DISAGREE = "DISAGREE"
UNDERPOWERED = "underpowered"


@dataclasses.dataclass(frozen=True)
class Check:
    """One row of the verification table.

    Attributes
    ----------
    process : str
        ``"gaussian"``, ``"discrete"``, ...
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : dict
        Parameters of the row (``M``, ``n``, ``estimator`` ...).
    theory : float
        Closed-form value.
    estimate : float
        Monte Carlo (or float64) estimate.
    stderr : float
        Standard error of ``estimate`` (0 for exact-vs-float rows).
    z : float
        ``(estimate - theory) / stderr``; NaN for exact-vs-float rows.
    status : str
        ``"agree"``, ``"DISAGREE"`` or ``"underpowered"``.
    method : str
        ``"monte-carlo"`` or ``"exact-vs-float"``.
    note : str
        Why a row is underpowered, or what power criterion was used.
    interval : tuple (lower, upper), optional
        For a quantity the theory only brackets (:func:`interval_check`):
        the exact bounds; ``theory`` then holds the point of the interval
        nearest to the estimate.
    """

    process: str
    quantity: str
    params: Mapping[str, object]
    theory: float
    estimate: float
    stderr: float
    z: float
    status: str
    method: str = "monte-carlo"
    note: str = ""
    interval: Optional[tuple] = None

    @property
    def ok(self) -> bool:
        """False only for a disagreeing row (underpowered rows are not failures)."""
        return self.status != DISAGREE

    def as_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["params"] = {k: (v if isinstance(v, (int, float, str, bool)) else str(v)) for k, v in self.params.items()}
        if self.interval is not None:
            d["interval"] = [None if not math.isfinite(float(b)) else float(b) for b in self.interval]
        for key in ("theory", "estimate", "stderr", "z"):
            v = d[key]
            d[key] = None if v is None or (isinstance(v, float) and not math.isfinite(v)) else float(v)
        return d


# ----------------------------------------------------------------------------- argument validation
def _as_float(value, name):
    """``float(value)`` for a real number (NaN and inf allowed); ValueError naming ``name`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None


def _check_kurtosis(kurtosis, name):
    """A kurtosis is >= 1 (Pearson); NaN (unknown) and inf are allowed and make a row underpowered."""
    k = _as_float(kurtosis, name)
    if k < 1 - _KURTOSIS_ROUNDING:
        raise ValueError(f"{name} must be >= 1 (a kurtosis is at least 1), got {kurtosis!r}")
    return k


def _check_sample(sample, min_size=2):
    """A 1-D sample of real numbers (NaN allowed: it makes the estimate non-finite, a disagreement)."""
    return check_real_array(sample, "sample", min_size=min_size, finite=False)


def _append(note, text):
    return (note + "; " if note else "") + text


def check_snapshot(n, snapshots, name="n"):
    """Validate a generation ``n`` at which a run kept every chain (a key of ``snapshots``); return it as int.

    Used by the ``checks_for_run`` functions: a check needs the per-chain
    values of generation ``n``.

    Parameters
    ----------
    n : int >= 0
        Generation to check.
    snapshots : container of int
        Generations at which the run kept every chain (e.g. the keys of ``run.snapshots``).
    name : str, default "n"
        Parameter name used in error messages.

    Returns
    -------
    int
        ``n``.

    Raises
    ------
    ValueError
        ``n`` not an int >= 0, or not in ``snapshots``.

    Notes
    -----
    No formula: validation only.  Generation 0 is the original model; ``n`` counts refits.

    References
    ----------
    None (bookkeeping helper).
    """
    n = check_int(n, name, minimum=0)
    if n not in snapshots:
        raise ValueError(f"{name}={n} is not a snapshot generation of the run (it kept {sorted(snapshots)}); "
                         f"simulate with snapshots=(..., {n})")
    return n


# ----------------------------------------------------------------------------- checks
def z_check(process, quantity, params, theory, estimate, stderr, *, powered=True, note="", z_max=Z_MAX,
            n_samples=None):
    r"""Compare ``estimate +- stderr`` with ``theory``; return a :class:`Check`.

    .. math::  z = (\hat\theta - \theta) / \widehat{\mathrm{se}}, \qquad \text{agree iff } |z| < z_{\max}.

    ``powered=False`` makes the row underpowered whatever ``z`` is, and so
    does ``n_samples < MIN_SAMPLES`` (:data:`MIN_SAMPLES`, module docstring).
    An infinite or undefined (NaN) standard error makes the row underpowered:
    nothing was measured, so it neither passes nor fails.  A zero standard
    error with a non-zero discrepancy is a disagreement (a Monte Carlo
    estimate cannot be more exact than its SE).  A non-finite ``theory`` or
    ``estimate`` is a disagreement (never agreement, never "underpowered"),
    noted in the row: these are the values being judged, so the table reports
    them rather than aborting.

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    theory : float
        Closed-form value :math:`\theta`.
    estimate : float
        Monte Carlo estimate :math:`\hat\theta`.
    stderr : float >= 0
        Its standard error (NaN or inf when unknown).
    powered : bool, default True
        ``False`` makes the row underpowered.
    note : str, default ""
        Text stored in the row.
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.
    n_samples : int >= 1, optional
        Number of draws the estimate and its standard error come from; fewer
        than :data:`MIN_SAMPLES` make the row underpowered.

    Returns
    -------
    Check
        One row: ``status`` is ``"agree"``, ``"DISAGREE"`` or ``"underpowered"``.

    Raises
    ------
    ValueError
        ``theory``, ``estimate`` or ``stderr`` not a real number, ``stderr < 0``,
        ``z_max`` not a positive finite number, ``n_samples`` not an int >= 1.

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests).
    """
    theory = _as_float(theory, "theory")
    estimate = _as_float(estimate, "estimate")
    stderr = _as_float(stderr, "stderr")
    if stderr < 0:
        raise ValueError(f"stderr must be >= 0 (NaN or inf when unknown), got {stderr!r}")
    z_max = float(check_positive(z_max, "z_max"))
    if n_samples is not None:
        n_samples = check_int(n_samples, "n_samples", minimum=1)
    diff = estimate - theory
    if stderr > 0 and math.isfinite(stderr):
        z = diff / stderr
    elif stderr == 0:
        z = 0.0 if diff == 0 else math.copysign(math.inf, diff)
    else:  # inf or NaN: no standard error, no z
        z = math.nan
    if not math.isfinite(theory):
        status, z = DISAGREE, math.nan
        note = _append(note, "non-finite theory")
    elif not math.isfinite(estimate):
        status, z = DISAGREE, math.nan
        note = _append(note, "non-finite estimate")
    elif not math.isfinite(stderr):
        status = UNDERPOWERED
        note = _append(note, f"underpowered: {'infinite' if stderr > 0 else 'undefined (NaN)'} standard error")
    elif n_samples is not None and n_samples < MIN_SAMPLES:
        status = UNDERPOWERED
        if not note.startswith("underpowered"):
            note = _append(note, f"underpowered: {n_samples} draws < {MIN_SAMPLES}, too few for a standard error")
    elif not powered:
        status = UNDERPOWERED
    else:
        status = AGREE if abs(z) < z_max else DISAGREE
    return Check(process, quantity, dict(params), theory, estimate, stderr, z, status, "monte-carlo", note)


def exact_check(process, quantity, params, exact, value, *, rtol=EXACT_RTOL, note=""):
    r"""Compare a float64 evaluation ``value`` with an exact (rational) ``exact``.

    Agrees when ``|value - exact| <= rtol * |exact|`` (absolute error
    ``<= rtol`` when ``exact = 0``).  The ``z`` column is NaN and the
    ``stderr`` column holds the relative error.  A non-finite ``exact`` or
    ``value`` is a disagreement.

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    exact : int, Fraction or float
        Exact (rational) value.
    value : float
        float64 evaluation to judge.
    rtol : float >= 0, default :data:`EXACT_RTOL` (1e-9)
        Relative tolerance.
    note : str, default ""
        Text stored in the row (default: the relative error).

    Returns
    -------
    Check
        ``method = "exact-vs-float"``, ``stderr`` = relative error, ``z`` = NaN.

    Raises
    ------
    ValueError
        ``exact`` or ``value`` not a real number, ``rtol`` negative or not finite.

    Notes
    -----
    .. math:: \text{agree} \iff |v - e| \le \mathrm{rtol}\,|e| \quad (|v| \le \mathrm{rtol} \text{ if } e = 0)

    References
    ----------
    None (numerical comparison; the exact values cite their own sources).
    """
    exact_f = _as_float(exact, "exact")
    value = _as_float(value, "value")
    rtol = float(check_positive(rtol, "rtol", allow_zero=True))
    err = abs(value - exact_f)
    rel = err / abs(exact_f) if exact_f != 0 else err
    status = AGREE if (math.isfinite(value) and math.isfinite(exact_f) and rel <= rtol) else DISAGREE
    if not math.isfinite(exact_f):
        note = _append(note, "non-finite exact value")
    return Check(process, quantity, dict(params), exact_f, value, rel, math.nan, status, "exact-vs-float",
                 note or f"relative error {rel:.1e} (tolerance {rtol:.0e})")


def _check_raw(raw, count):
    """The first ``count`` raw moments: ints/Fractions (exact) or finite numbers (strings and mpmath allowed)."""
    if raw is None or isinstance(raw, (str, bytes)) or not hasattr(raw, "__len__"):
        raise ValueError(f"raw must be a sequence of the first {count} raw moments, got {raw!r}")
    if len(raw) < count:
        raise ValueError(f"raw must hold the first {count} raw moments, got {len(raw)}")
    for i, x in enumerate(list(raw)[:count]):
        if isinstance(x, (bool, np.bool_)):
            raise ValueError(f"raw[{i}] must be a number, got {x!r}")
        if isinstance(x, (int, Fraction)):
            continue
        try:
            v = x if isinstance(x, mpmath.mpf) else mpmath.mpf(str(x))
        except (TypeError, ValueError):
            raise ValueError(f"raw[{i}] must be a number, got {x!r}") from None
        if not mpmath.isfinite(v):
            raise ValueError(f"raw[{i}] must be finite, got {x!r}")
    return list(raw)[:count]


def _central_moments(raw):
    """Central moments mu_0..mu_J from raw moments [E X, ..., E X^J] (exact or 60-digit mpmath)."""
    exact = all(isinstance(m, (int, Fraction)) for m in raw)
    if exact:
        m = [Fraction(1)] + [Fraction(x) for x in raw]
    else:
        mpmath.mp.dps = 60
        m = [mpmath.mpf(1)] + [x if isinstance(x, mpmath.mpf) else mpmath.mpf(str(x)) for x in raw]
    mean = m[1]
    return [sum(math.comb(j, i) * m[i] * (-mean) ** (j - i) for i in range(j + 1)) for j in range(len(m))]


def kurtosis_from_raw_moments(raw: Sequence) -> float:
    r"""Kurtosis ``E(X-mu)^4 / Var(X)^2`` from raw moments ``[E X, E X^2, E X^3, E X^4]``.

    Exact ``Fraction``/int inputs are combined exactly; anything else (floats,
    strings, mpmath numbers) is combined with 60-digit mpmath so that the
    cancellation in the central moments of heavy-tailed variables does not
    destroy the result.  Returns ``inf`` when the variance is zero.

    Parameters
    ----------
    raw : sequence of length >= 4
        :math:`E X, E X^2, E X^3, E X^4` as ints/Fractions (exact) or finite numbers (floats, strings, mpmath).

    Returns
    -------
    float
        Kurtosis :math:`\mu_4/\mu_2^2 \ge 1`; ``inf`` when :math:`\mu_2 = 0`.

    Notes
    -----
    .. math:: \mu_j = \sum_{i=0}^{j}\binom{j}{i} E[X^i]\,(-E X)^{j-i}, \qquad \kappa = \mu_4/\mu_2^2

    References
    ----------
    Pearson (1905) (kurtosis); [casellaberger2002]_, ch. 5 (sample mean and
    variance) and ch. 10
    (large-sample tests).
    """
    mu = _central_moments(_check_raw(raw, 4))
    if mu[2] <= 0:
        return math.inf
    return float(mu[4] / mu[2] ** 2)


def kurtosis_of_square_from_raw_moments(raw: Sequence) -> float:
    r"""Kurtosis of ``Y = (X - EX)^2`` from the raw moments ``E X, ..., E X^8`` of X.

    ``Y`` is the summand of the sample variance, so this decides whether a
    Monte Carlo variance is powered: ``E Y^j = mu_{2j}`` and
    ``kurt Y = (mu_8 - 4 mu_2 mu_6 + 6 mu_2^2 mu_4 - 3 mu_2^4) / (mu_4 - mu_2^2)^2``.

    Parameters
    ----------
    raw : sequence of length >= 8
        :math:`E X, \dots, E X^8` as ints/Fractions (exact) or finite numbers (60-digit mpmath).

    Returns
    -------
    float
        Kurtosis of :math:`Y = (X - EX)^2`; ``inf`` when :math:`\mathrm{Var}\,Y = \mu_4 - \mu_2^2 = 0`.

    Notes
    -----
    .. math:: \kappa_Y = \frac{\mu_8 - 4\mu_2\mu_6 + 6\mu_2^2\mu_4 - 3\mu_2^4}{(\mu_4 - \mu_2^2)^2}

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests).
    """
    mu = _central_moments(_check_raw(raw, 8))
    var_y = mu[4] - mu[2] ** 2
    if var_y <= 0:
        return math.inf
    return float((mu[8] - 4 * mu[2] * mu[6] + 6 * mu[2] ** 2 * mu[4] - 3 * mu[2] ** 4) / var_y ** 2)


def sample_kurtosis(x: np.ndarray) -> float:
    r"""Plain moment estimator of the kurtosis :math:`m_4 / m_2^2` of a 1-D sample.

    :math:`m_j = \frac1N\sum_i (x_i - \bar x)^j`.  NaN for a constant sample,
    or one holding NaN (the power criterion then calls the row underpowered).

    Parameters
    ----------
    x : array_like of float
        1-D sample (NaN allowed: the result is then NaN).

    Returns
    -------
    float
        :math:`m_4/m_2^2`; NaN for a constant sample or one holding NaN.

    Notes
    -----
    .. math:: \hat\kappa = \frac{\frac1N\sum_i (x_i-\bar x)^4}{\bigl(\frac1N\sum_i (x_i-\bar x)^2\bigr)^2}

    The biased (plug-in) estimator; no small-sample correction.

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests).
    """
    x = check_real_array(x, "x", finite=False)
    d = x - x.mean()
    m2 = np.mean(d * d)
    if m2 == 0:
        return math.nan
    return float(np.mean(d ** 4) / m2 ** 2)


def is_powered(n_samples: int, kurtosis: float) -> bool:
    r"""Power criterion ``N >= POWER_FACTOR * (kurtosis - 1)`` and ``N >= MIN_SAMPLES`` (see module docstring).

    ``kurtosis`` None, NaN (unknown) or inf gives False, and so does
    ``n_samples < MIN_SAMPLES`` whatever the kurtosis.

    Parameters
    ----------
    n_samples : int >= 1
        Number of i.i.d. draws :math:`N`.
    kurtosis : float >= 1, NaN, inf or None
        Kurtosis :math:`\kappa` of the summand.

    Returns
    -------
    bool
        ``N >= POWER_FACTOR * (kurtosis - 1)`` and ``N >= MIN_SAMPLES``; False for None, NaN or inf.

    Notes
    -----
    .. math:: N \ge \max(P\,(\kappa - 1),\ N_{\min}), \qquad P = N_{\min} = 100

    The relative SE of the estimated variance is :math:`\sqrt{(\kappa-1)/N}` (at most 10 % when powered).

    References
    ----------
    [pearson1916]_, kurtosis >= skewness^2 + 1, for the power criterion (module docstring);
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests).
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    if kurtosis is None:
        return False
    kurtosis = _check_kurtosis(kurtosis, "kurtosis")
    if not math.isfinite(kurtosis) or n_samples < MIN_SAMPLES:
        return False
    return n_samples >= POWER_FACTOR * max(kurtosis - 1.0, 0.0)


def mean_check(process, quantity, params, theory, sample, *, kurtosis=None, z_max=Z_MAX):
    r"""Check ``E[X] = theory`` from an i.i.d. ``sample`` of X.

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    theory : float
        Closed-form :math:`E[X]`.
    sample : array_like of float
        1-D i.i.d. sample of X, ``N >= 2`` (NaN allowed: the row then disagrees).
    kurtosis : float, optional
        Exact kurtosis of X, from the theory.  When omitted the sample kurtosis
        is used for the power criterion (and the row says so).
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.

    Returns
    -------
    Check
        One row: ``status`` is ``"agree"``, ``"DISAGREE"`` or ``"underpowered"``.

    Notes
    -----
    Estimate :math:`\bar x`, standard error :math:`s/\sqrt N` (``sample``
    1-D with ``N >= 2`` values), then :func:`mean_check_from_summary`.

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests);
    [pearson1916]_, kurtosis >= skewness^2 + 1, for the power criterion (module docstring).
    """
    sample = _check_sample(sample)
    if kurtosis is not None:
        kurtosis = _check_kurtosis(kurtosis, "kurtosis")
    n = sample.size
    est = float(sample.mean())
    se = float(sample.std(ddof=1) / math.sqrt(n))
    return mean_check_from_summary(process, quantity, params, theory, est, se, n,
                                   kurtosis=kurtosis if kurtosis is not None else sample_kurtosis(sample),
                                   kurtosis_is_exact=kurtosis is not None, z_max=z_max)


def mean_check_from_summary(process, quantity, params, theory, estimate, stderr, n_samples, *,
                            kurtosis, kurtosis_is_exact=True, z_max=Z_MAX):
    r"""As :func:`mean_check`, from an already-summarised sample (mean, SE, N, kurtosis).

    ``kurtosis`` of X is required: NaN (unknown) or inf make the row underpowered.

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    theory : float
        Closed-form :math:`E[X]`.
    estimate : float
        Sample mean.
    stderr : float >= 0
        Its standard error.
    n_samples : int >= 1
        Sample size :math:`N`.
    kurtosis : float >= 1 or NaN
        Kurtosis of X (NaN or inf: underpowered).
    kurtosis_is_exact : bool, default True
        Whether ``kurtosis`` is exact (shown in the note).
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.

    Returns
    -------
    Check
        One row: ``status`` is ``"agree"``, ``"DISAGREE"`` or ``"underpowered"``.

    Notes
    -----
    .. math:: z = (\hat\theta - \theta)/\widehat{\mathrm{se}}, \qquad
        \text{powered iff } N \ge \max(100(\kappa - 1), 100)

    (:data:`POWER_FACTOR`, :data:`MIN_SAMPLES`).

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests);
    [pearson1916]_, kurtosis >= skewness^2 + 1, for the power criterion (module docstring).
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    if kurtosis is None:
        raise ValueError("kurtosis must be a number (NaN when unknown), got None")
    kurtosis = _check_kurtosis(kurtosis, "kurtosis")
    powered = is_powered(n_samples, kurtosis)
    src = "exact" if kurtosis_is_exact else "sample"
    need = POWER_FACTOR * max(kurtosis - 1.0, 0.0) if kurtosis is not None and math.isfinite(kurtosis) else math.inf
    if n_samples < MIN_SAMPLES:
        note = (f"underpowered: N={n_samples} < {MIN_SAMPLES} draws, too few to judge a standard error "
                f"({src} kurtosis {kurtosis:.3g})")
    elif powered:
        note = f"N={n_samples}, {src} kurtosis {kurtosis:.3g}"
    else:
        need_s = f"{need:.2g}" if math.isfinite(need) else "infinitely many"
        note = (f"underpowered: {src} kurtosis {kurtosis:.3g} needs N >= {need_s} chains, have {n_samples}; "
                "the Monte Carlo mean is dominated by rare chains")
    return z_check(process, quantity, params, theory, estimate, stderr, powered=powered, note=note, z_max=z_max,
                   n_samples=n_samples)


def variance_check(process, quantity, params, theory, sample, *, kurtosis_of_square=None, z_max=Z_MAX):
    r"""Check ``Var[X] = theory`` from an i.i.d. ``sample`` of X.

    The estimate is the unbiased sample variance; its SE is
    ``sqrt((m4 - s^4) / N)``.  The power criterion is applied to
    ``Y = (X - EX)^2`` whose sample mean the variance is (``kurtosis_of_square``
    its exact kurtosis, else the sample one).

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    theory : float
        Closed-form :math:`\mathrm{Var}[X]`.
    sample : array_like of float
        1-D i.i.d. sample of X, ``N >= 2``.
    kurtosis_of_square : float >= 1, optional
        Exact kurtosis of :math:`Y = (X-EX)^2`; default: the sample one.
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.

    Returns
    -------
    Check
        One row: ``status`` is ``"agree"``, ``"DISAGREE"`` or ``"underpowered"``.

    Notes
    -----
    .. math:: s^2 = \frac{1}{N-1}\sum_i (x_i-\bar x)^2, \qquad \widehat{\mathrm{se}} = \frac{\mathrm{sd}(y)}{\sqrt N},
        \quad y_i = (x_i-\bar x)^2

    (``sd`` with ``ddof = 1``), i.e. :math:`\sqrt{(m_4 - s^4)/N}` to leading order.

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests);
    [pearson1916]_, kurtosis >= skewness^2 + 1, for the power criterion (module docstring).
    """
    sample = _check_sample(sample)
    if kurtosis_of_square is not None:
        kurtosis_of_square = _check_kurtosis(kurtosis_of_square, "kurtosis_of_square")
    n = sample.size
    d = sample - sample.mean()
    y = d * d
    est = float(y.sum() / (n - 1))
    se = float(y.std(ddof=1) / math.sqrt(n))
    k = kurtosis_of_square if kurtosis_of_square is not None else sample_kurtosis(y)
    return mean_check_from_summary(process, quantity, params, theory, est, se, n, kurtosis=k,
                                   kurtosis_is_exact=kurtosis_of_square is not None, z_max=z_max)


def interval_check(process, quantity, params, lower, upper, sample, *, z_max=Z_MAX):
    r"""Check ``lower <= E[X] <= upper`` (exact bounds, either may be None) from an i.i.d. ``sample`` of X.

    The z-test is made against the point of ``[lower, upper]`` nearest to the
    sample mean, so ``z = 0`` inside the interval and ``z`` measures a
    violation in standard errors outside it; the power criterion of
    :func:`mean_check` (sample kurtosis) applies.  The row keeps the interval,
    and the table shows it in the theory column.

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    lower, upper : float or None
        Exact bounds on :math:`E[X]` (None: no bound; ``lower <= upper``).
    sample : array_like of float
        1-D i.i.d. sample of X, ``N >= 2``.
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.

    Returns
    -------
    Check
        With ``interval = (lower, upper)`` and ``theory`` the point of the interval nearest to the mean.

    Notes
    -----
    .. math:: z = \frac{\bar x - \mathrm{clip}(\bar x, l, u)}{s/\sqrt N}

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests);
    [pearson1916]_, kurtosis >= skewness^2 + 1, for the power criterion (module docstring).
    """
    sample = _check_sample(sample)
    lo = -math.inf if lower is None else _as_float(lower, "lower")
    hi = math.inf if upper is None else _as_float(upper, "upper")
    if math.isnan(lo) or math.isnan(hi):
        raise ValueError(f"lower and upper must not be NaN (None for no bound), got lower={lower!r}, upper={upper!r}")
    if lo > hi:
        raise ValueError(f"lower must be <= upper, got [{lo}, {hi}]")
    est = float(sample.mean())
    se = float(sample.std(ddof=1) / math.sqrt(sample.size))
    row = mean_check_from_summary(process, quantity, params, min(max(est, lo), hi), est, se, sample.size,
                                  kurtosis=sample_kurtosis(sample), kurtosis_is_exact=False, z_max=z_max)
    return dataclasses.replace(row, interval=(lo, hi), note=f"bounds [{lo:.6g}, {hi:.6g}]; {row.note}")


def proportion_check(process, quantity, params, theory, successes, trials, *, z_max=Z_MAX):
    r"""Check a probability from a binomial count, SE from the theoretical p.

    Using the theoretical ``p`` in the SE (score test) keeps the test valid when
    the observed count is 0 or ``trials``.  Underpowered when the expected
    number of successes or failures is below 10.

    .. math::  z = \frac{k/N - p}{\sqrt{p(1-p)/N}}

    A ``theory`` outside [0, 1] (or NaN) is not a probability: the row
    disagrees.  ``trials`` is an int >= 1, ``successes`` an int in [0, trials].

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    theory : float
        Probability :math:`p` (outside [0, 1] or NaN: the row disagrees).
    successes : int in [0, trials]
        Observed count :math:`k`.
    trials : int >= 1
        Number of trials :math:`N`.
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.

    Returns
    -------
    Check
        Underpowered when :math:`\min(p, 1-p) N < 10` or :math:`N <` :data:`MIN_SAMPLES`.

    References
    ----------
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests) (score test).
    """
    p = _as_float(theory, "theory")
    trials = check_int(trials, "trials", minimum=1)
    successes = check_int(successes, "successes", minimum=0, maximum=trials)
    est = successes / trials
    if not 0 <= p <= 1:
        return z_check(process, quantity, params, p, est, 0.0, note="theory is not a probability in [0, 1]",
                       z_max=z_max)
    se = math.sqrt(max(p * (1 - p), 0.0) / trials)
    powered = min(p, 1 - p) * trials >= 10
    note = f"N={trials}" if powered else f"underpowered: expected count {min(p, 1 - p) * trials:.2g} < 10"
    return z_check(process, quantity, params, p, est, se, powered=powered, note=note, z_max=z_max,
                   n_samples=trials)


def quantile_check(process, quantity, params, theory_quantile, sample, q, cdf, *, z_max=Z_MAX):
    r"""Check a quantile ``x_q`` through the CDF: ``F_hat(x_q)`` should be ``q``.

    ``cdf`` is unused by the test statistic but documents the construction:
    the empirical fraction of the sample below the theoretical quantile is a
    binomial proportion with mean ``q`` exactly when the quantile is right.
    ``q`` is in (0, 1); ``sample`` 1-D.  A non-finite ``theory_quantile`` or a
    NaN in ``sample`` is a disagreement.

    Parameters
    ----------
    process : str
        Process name shown in the table (``"gaussian"``, ``"discrete"``, ...).
    quantity : str
        Name of the closed form, e.g. ``"E[sigma_n^2]"``.
    params : mapping
        Parameters of the row (copied into the :class:`Check`).
    theory_quantile : float
        Closed-form quantile :math:`x_q`.
    sample : array_like of float
        1-D i.i.d. sample (``N >= 1``).
    q : float in (0, 1)
        Level.
    cdf : callable
        The theoretical CDF (documentation only; unused).
    z_max : float > 0, default :data:`Z_MAX` (4.5)
        Agreement threshold on :math:`|z|`.

    Returns
    -------
    Check
        ``theory`` = ``theory_quantile``, ``estimate`` = sample quantile; ``z`` from the binomial count.

    Notes
    -----
    .. math:: \#\{i : x_i \le x_q\} \sim \mathrm{Bin}(N, q) \ \text{when } F(x_q) = q \text{ (continuous } F\text{)}

    then :func:`proportion_check`.

    References
    ----------
    [serfling1980]_, sec. 2.3 (sample quantiles);
    [casellaberger2002]_, ch. 5 (sample mean and variance) and ch. 10
    (large-sample tests).
    """
    q = _as_float(q, "q")
    if not 0 < q < 1:
        raise ValueError(f"q must be a level in (0, 1), got {q!r}")
    sample = _check_sample(sample, min_size=1)
    theory_quantile = _as_float(theory_quantile, "theory_quantile")
    if not math.isfinite(theory_quantile) or np.isnan(sample).any():
        what = "non-finite theory quantile" if not math.isfinite(theory_quantile) else "NaN in the sample"
        return z_check(process, quantity, params, theory_quantile, math.nan, math.nan, note=what, z_max=z_max)
    below = int(np.count_nonzero(sample <= theory_quantile))
    chk = proportion_check(process, quantity, params, q, below, sample.size, z_max=z_max)
    return dataclasses.replace(chk, theory=float(theory_quantile), estimate=float(np.quantile(sample, q)),
                               note=f"fraction below theory {below / sample.size:.5f} vs {q}; z from that binomial"
                               + (f"; {chk.note}" if chk.status == UNDERPOWERED else ""))


# ----------------------------------------------------------------------------- reporting
def summarize(checks: Iterable[Check]) -> dict:
    """Counts of each status.

    Parameters
    ----------
    checks : iterable of Check
        Rows.

    Returns
    -------
    dict
        ``{"agree": int, "DISAGREE": int, "underpowered": int}`` (other statuses added if present).

    Notes
    -----
    No formula: a count.

    References
    ----------
    None (reporting helper).
    """
    counts = {AGREE: 0, DISAGREE: 0, UNDERPOWERED: 0}
    for c in checks:
        counts[c.status] = counts.get(c.status, 0) + 1
    return counts


def _fmt(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:.6g}"


def format_table(checks: Sequence[Check]) -> str:
    """Plain-text table: quantity, parameters, theory, estimate +- se, z, status.

    Parameters
    ----------
    checks : sequence of Check
        Rows.

    Returns
    -------
    str
        Fixed-width plain-text table with a header and a dashed rule.

    Notes
    -----
    No formula: an interval row shows ``[lower, upper]`` in the theory column, an exact-vs-float row its
    relative error.

    References
    ----------
    None (reporting helper).
    """
    header = ("process", "quantity", "parameters", "theory", "estimate +- se", "z", "agree?")
    rows = []
    for c in checks:
        params = " ".join(f"{k}={v}" for k, v in c.params.items())
        if c.method == "exact-vs-float":
            est = f"{_fmt(c.estimate)} (rel.err {c.stderr:.1e})"
        else:
            est = f"{_fmt(c.estimate)} +- {_fmt(c.stderr)}"
        theory = _fmt(c.theory) if c.interval is None else f"[{_fmt(c.interval[0])}, {_fmt(c.interval[1])}]"
        rows.append((c.process, c.quantity, params, theory, est, _fmt(c.z), c.status))
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = "  ".join("{:<%d}" % w for w in widths)
    out = [line.format(*header), line.format(*("-" * w for w in widths))]
    out += [line.format(*r) for r in rows]
    return "\n".join(out)


def to_json(checks: Sequence[Check]) -> str:
    """The rows as a JSON document ``{"summary": ..., "checks": [...]}``.

    Parameters
    ----------
    checks : sequence of Check
        Rows.

    Returns
    -------
    str
        Indented JSON with keys ``summary``, ``z_max``, ``power_factor``, ``checks`` (non-finite numbers as
        ``null``).

    Notes
    -----
    No formula.

    References
    ----------
    None (reporting helper).
    """
    return json.dumps({"summary": summarize(checks), "z_max": Z_MAX, "power_factor": POWER_FACTOR,
                       "checks": [c.as_dict() for c in checks]}, indent=2)
