r"""Monte Carlo simulation of multivariate Gaussian refitting, and its checks against :mod:`theory.multivariate`.

Two simulators of the same law
------------------------------
``method="naive"`` draws ``M`` samples per chain from :math:`N(\mu_n,\Sigma_n)`
each generation and refits the sample mean and covariance (batched
``matmul``), then factorises the new covariance (Cholesky).  Cost
:math:`O(M d^2)` per chain and generation.

``method="exact"`` draws the sufficient statistics.  The sample mean is
:math:`\bar x \sim N(\mu_n, \Sigma_n/M)`, independent of the scatter matrix
:math:`\sim\mathrm{Wishart}_d(M-1,\Sigma_n) = L_n A A^\top L_n^\top` with the
Bartlett factor :math:`A` (lower triangular, :math:`A_{ii}^2\sim\chi^2_{M-i}`,
:math:`A_{ij}\sim N(0,1)` below the diagonal; Muirhead 1982, Thm 3.2.14).  So

.. math::

    \mu_{n+1} = \mu_n + L_n z/\sqrt M, \qquad L_{n+1} = \sqrt c\,L_n A, \qquad
    \log\det\Sigma_{n+1} = \log\det\Sigma_n + d\log c + \sum_{i=1}^d \log A_{ii}^2,

with :math:`c = 1/(M-1)` (unbiased) or :math:`1/M` (MLE).  The product of two
lower-triangular matrices is the Cholesky factor of :math:`\Sigma_{n+1}`, so
no factorisation is needed; the cost is one batched ``d x d`` product per
chain and generation, independent of ``M``.

State and underflow
-------------------
Each chain keeps :math:`L_n = e^{s_n}\tilde L_n` with :math:`\|\tilde L_n\|_F^2 = d`
(renormalised every generation), the mean :math:`\mu_n`, and
:math:`\log\det\Sigma_n` accumulated exactly from the Bartlett diagonals (exact
method) or from the Cholesky factor of the normalised refit (naive), so that
:math:`\det\Sigma_n`, which decays geometrically, never underflows.

Memory
------
A run holds the state of every chain (:math:`O(\text{chains}\cdot d^2)`), the
per-generation summaries (:math:`O(\text{generations})`) and, only where asked,
per-chain scalar statistics at a few ``snapshots`` generations: nothing grows
with generations x chains.

Reproducibility
---------------
Seeding follows :mod:`numerics._rng`: fixed blocks of chains, one
``SeedSequence`` child each, so results are identical for any ``workers``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from fractions import Fraction
from typing import Dict

import mpmath
import numpy as np
import sympy as sp

from numerics import _rng
from numerics.engine import DEFAULT_SEED
from numerics import checks as ck
from numerics.engine import Run, Summary, check_formulas
from theory import gaussian as tg
from theory import multivariate as th
from theory.validation import check_estimator, check_generation_list, check_int, check_real, check_real_array

__all__ = ["PROCESS", "MIN_CHAINS", "simulate", "MultivariateRun", "Summary", "verification_checks",
           "checks_for_run", "exact_checks", "STATISTICS", "QUANTITIES", "MAX_CHAINS"]

#: Per-chain statistics available at recorded generations and snapshots.
STATISTICS = ("log_det", "trace", "trace_of_square", "squared_trace", "mean_sq_disp", "fidelity",
              "w2_squared", "log_lambda_max")
DEFAULT_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
METHODS = ("exact", "naive")
_CHUNK_ELEMENTS = 1 << 22  # float64 elements per temporary array (32 MiB)


@dataclasses.dataclass
class MultivariateRun(Run):
    r"""Result of :func:`simulate` (an :class:`numerics.engine.Run`: ``d``, ``M``, ``estimator``, ``method`` and the
    sampling bias ``bias`` are its ``params``; ``summaries`` hold one :class:`numerics.engine.Summary` per name
    in :data:`STATISTICS`).

    Attributes
    ----------
    mu : ndarray (d,), Sigma : ndarray (d, d)
        The original :math:`N(\\mu, \\Sigma)`.
    final_mean : ndarray (chains, d)
    final_log_det : ndarray (chains,)
        Exact :math:`\\log\\det\\Sigma_n` after the last generation.
    final_chol : ndarray (chains, d, d), final_log_scale : ndarray (chains,)
        :math:`\\Sigma_n = e^{2s}\\tilde L\\tilde L^\\top` with ``final_chol`` the
        normalised Cholesky factor :math:`\\tilde L` and ``final_log_scale`` = s.
    """

    mu: np.ndarray = None
    Sigma: np.ndarray = None
    final_mean: np.ndarray = None
    final_log_det: np.ndarray = None
    final_chol: np.ndarray = None
    final_log_scale: np.ndarray = None

    def statistic(self, name, generation):
        """Values of statistic ``name`` for every chain at a snapshot ``generation``."""
        if name not in STATISTICS:
            raise ValueError(f"statistic must be one of {STATISTICS}, got {name!r}")
        return self.snapshots[generation][name]

    def final_covariance(self):
        r""":math:`\\Sigma_n` of every chain after the last generation, shape (chains, d, d)."""
        L = self.final_chol
        return np.exp(2 * self.final_log_scale)[:, None, None] * np.einsum("bij,bkj->bik", L, L)


# ----------------------------------------------------------------------------- validation
def _check_inputs(d, M, Sigma, mu):
    d = check_int(d, "d", minimum=1)
    M = check_int(M, "M", minimum=2)
    if M < d + 1:
        raise ValueError(f"M must be >= d + 1 = {d + 1} (non-singular sample covariance), got {M}")
    S = th.COVARIANCE.check(Sigma, "Sigma")  # None, a scalar s2 (s2 I) or a symmetric positive-definite matrix
    if isinstance(S, sp.Basic) and S.free_symbols or isinstance(S, sp.MatrixBase) and S.free_symbols:
        raise ValueError(f"Sigma must be numeric, got {S!r}")
    S = np.eye(d) if S is None else float(S) * np.eye(d) if np.ndim(S) == 0 else np.array(S, dtype=float)
    if S.shape != (d, d):
        raise ValueError(f"Sigma must be a d x d matrix with d = {d}, got shape {S.shape}")
    if mu is None:
        m = np.zeros(d)
    else:
        try:
            m = np.array(mu, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("mu must be a length-d vector of finite numbers") from None
        if m.shape != (d,):
            raise ValueError(f"mu must be a vector of length d = {d}, got shape {m.shape}")
        if not np.all(np.isfinite(m)):
            raise ValueError("mu must be finite (no NaN or inf)")
    return d, M, S, m


# ----------------------------------------------------------------------------- simulation
def simulate(d, M, generations, chains, *, Sigma=None, mu=None, estimator="unbiased", method="exact", seed=None,
             record=None, snapshots=(), quantiles=DEFAULT_QUANTILES, workers=1, progress=False, bias=1.0):
    r"""Simulate ``chains`` independent runs of ``d``-dimensional Gaussian refitting.

    Parameters
    ----------
    d : int >= 1
        Dimension.
    M : int >= d + 1
        Samples per generation.
    generations : int >= 0
        Number of refits.
    chains : int >= 1
    Sigma : None, positive float or (d, d) symmetric positive-definite array
        Original covariance (``None``: identity; a float ``s2``: ``s2 * I``).
    mu : None or length-``d`` array
        Original mean (``None``: 0).
    estimator : {"unbiased", "mle"}
        Covariance estimator: divide the scatter matrix by ``M - 1`` or ``M``.
    method : {"exact", "naive"}
        Bartlett decomposition (cost independent of ``M``) or refit ``M`` samples.
    seed : int, SeedSequence or None
    record : sequence of int, optional
        Generations at which to stream summaries (default: every generation).
    snapshots : sequence of int
        Generations at which to keep every chain's statistics.
    quantiles : sequence of float in [0, 1]
    workers : int
        Threads; results do not depend on it.
    progress : bool
    bias : float in (0, 1], default 1
        Sampling bias :math:`\lambda`: each generation samples from :math:`N(\mu_n, \lambda\Sigma_n)`
        (Alemohammad et al. 2024); the exact method scales the Bartlett step by :math:`\sqrt\lambda`.

    Returns
    -------
    MultivariateRun

    Notes
    -----
    Convention: generation 0 is :math:`N(\mu,\Sigma)`; generation ``n + 1`` is
    fitted to ``M`` samples of generation ``n`` (Shumailov et al. 2024).
    Statistics (see :data:`STATISTICS`): ``log_det`` :math:`\log\det\Sigma_n`;
    ``trace``; ``trace_of_square`` :math:`\operatorname{tr}\Sigma_n^2`;
    ``squared_trace`` :math:`(\operatorname{tr}\Sigma_n)^2`; ``mean_sq_disp``
    :math:`\|\mu_n-\mu\|^2`; ``fidelity`` :math:`F_n =
    \operatorname{tr}(\Sigma^{1/2}\Sigma_n\Sigma^{1/2})^{1/2}` (sum of the singular
    values of :math:`R^\top L_n`, :math:`\Sigma = RR^\top`); ``w2_squared``
    :math:`W_2^2(N(\mu_n,\Sigma_n), N(\mu,\Sigma))`; ``log_lambda_max``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", Thm 3.2.14 (Bartlett decomposition); Thm 3.1.2
    (independence of the sample mean and covariance); Alemohammad et al., "Self-consuming generative models go
    MAD", ICLR 2024 (sampling bias).
    """
    d, M, S, m0 = _check_inputs(d, M, Sigma, mu)
    bias = float(check_real(bias, "bias", 0, 1, lower_open=True))
    generations = check_int(generations, "generations", minimum=0)
    chains = check_int(chains, "chains", minimum=1)
    check_estimator(estimator)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    record = (np.arange(generations + 1) if record is None
              else check_generation_list(record, "record", generations))
    snapshot_gens = set(check_generation_list(snapshots, "snapshots", generations).tolist())
    qs = check_real_array(quantiles, "quantiles", min_size=0, minimum=0.0, maximum=1.0)

    R = np.linalg.cholesky(S)
    scale0 = math.sqrt(float(np.sum(R * R)) / d)
    Lt = np.broadcast_to(R / scale0, (chains, d, d)).copy()
    log_scale = np.full(chains, math.log(scale0))
    log_det = np.full(chains, 2.0 * float(np.log(np.diag(R)).sum()))
    mean = np.broadcast_to(m0, (chains, d)).copy()
    trS = float(np.trace(S))

    blocks = _rng.blocks(seed, chains)
    rec_index = {g: i for i, g in enumerate(record.tolist())}
    summaries = {name: Summary(np.empty(len(record)), np.empty(len(record)), np.empty(len(record)),
                               np.empty((len(record), qs.size))) for name in STATISTICS}
    snaps = {}

    def observe(g):
        if g not in rec_index and g not in snapshot_gens:
            return
        stats = _statistics(Lt, log_scale, log_det, mean, R, m0, trS)
        if g in rec_index:
            i = rec_index[g]
            for name, v in stats.items():
                s = summaries[name]
                s.mean[i] = v.mean()
                s.std[i] = v.std(ddof=1) if chains > 1 else math.nan
                s.sem[i] = s.std[i] / math.sqrt(chains)
                if qs.size:
                    s.quantiles[i] = np.quantile(v, qs, method="inverted_cdf")
        if g in snapshot_gens:
            snaps[g] = stats

    c = 1.0 / (M - 1) if estimator == "unbiased" else 1.0 / M
    step = _step_exact if method == "exact" else _step_naive
    bar = _rng.Progress(generations, f"multivariate {method} d={d} M={M}", progress)
    observe(0)
    with _rng.BlockRunner(workers) as runner:
        for g in range(1, generations + 1):
            runner.map(lambda blk: step(blk[1], Lt[blk[0]], log_scale[blk[0]], log_det[blk[0]], mean[blk[0]],
                                        M, c, bias), blocks)
            observe(g)
            bar.update(g)
    return MultivariateRun(process=PROCESS, params={"d": d, "M": M, "estimator": estimator, "method": method,
                                                    "bias": bias},
                           generations=generations, chains=chains, record=record, summaries=summaries,
                           quantile_levels=tuple(qs.tolist()), snapshots=snaps, mu=m0, Sigma=S, final_mean=mean,
                           final_log_det=log_det, final_chol=Lt, final_log_scale=log_scale)


def _renormalise(Lt, log_scale):
    f = np.sqrt(np.einsum("bij,bij->b", Lt, Lt) / Lt.shape[1])
    Lt /= f[:, None, None]
    log_scale += np.log(f)


def _step_exact(rng, Lt, log_scale, log_det, mean, M, c, bias=1.0):
    """One generation for a block of chains, in place, by the Bartlett decomposition (samples from
    N(mean, bias * Sigma): the Wishart scale and the mean's step carry the factor bias)."""
    b, d = mean.shape
    rows = max(1, _CHUNK_ELEMENTS // (d * d))
    lower = np.tril_indices(d, -1)
    diag = np.arange(d)
    shape_diag = (M - 1 - diag) / 2.0  # chi2_{M-i}/2 ~ Gamma((M-i)/2), i = 1..d
    for lo in range(0, b, rows):
        hi = min(lo + rows, b)
        n_c = hi - lo
        z = rng.standard_normal((n_c, d))
        chi = 2.0 * rng.standard_gamma(np.broadcast_to(shape_diag, (n_c, d)))
        off = rng.standard_normal((n_c, lower[0].size))
        L = Lt[lo:hi]
        step_mean = np.einsum("bij,bj->bi", L, z)
        step_mean *= (np.exp(log_scale[lo:hi]) * (1 / math.sqrt(M) if bias == 1 else math.sqrt(bias / M)))[:, None]
        mean[lo:hi] += step_mean
        A = np.zeros((n_c, d, d))
        A[:, lower[0], lower[1]] = off
        A[:, diag, diag] = np.sqrt(chi)
        Lt[lo:hi] = L @ A
        log_det[lo:hi] += d * math.log(c * bias) + np.log(chi).sum(axis=1)
        log_scale[lo:hi] += 0.5 * math.log(c * bias)
        _renormalise(Lt[lo:hi], log_scale[lo:hi])


def _step_naive(rng, Lt, log_scale, log_det, mean, M, c, bias=1.0):
    """One generation for a block, in place, by drawing ``M`` samples per chain of N(mean, bias * Sigma) and
    refitting."""
    b, d = mean.shape
    rows = max(1, _CHUNK_ELEMENTS // (M * d))
    for lo in range(0, b, rows):
        hi = min(lo + rows, b)
        z = rng.standard_normal((hi - lo, M, d))
        y = z @ np.swapaxes(Lt[lo:hi], 1, 2)  # samples in units of exp(log_scale), centred at mu_n
        if bias != 1:
            y *= math.sqrt(bias)
        ybar = y.mean(axis=1)
        mean[lo:hi] += np.exp(log_scale[lo:hi])[:, None] * ybar
        y -= ybar[:, None, :]
        St = (np.swapaxes(y, 1, 2) @ y) * c
        try:
            Lnew = np.linalg.cholesky(St)
        except np.linalg.LinAlgError:
            raise FloatingPointError("naive refit produced a numerically singular covariance "
                                     "(use method='exact' for long runs)") from None
        log_det[lo:hi] = 2 * d * log_scale[lo:hi] + 2 * np.log(np.diagonal(Lnew, axis1=1, axis2=2)).sum(axis=1)
        Lt[lo:hi] = Lnew
        _renormalise(Lt[lo:hi], log_scale[lo:hi])


def _statistics(Lt, log_scale, log_det, mean, R, mu, trS):
    """All per-chain statistics of the current state (see :func:`simulate`)."""
    d = mean.shape[1]
    s2 = np.exp(2 * log_scale)
    trace = s2 * np.einsum("bij,bij->b", Lt, Lt)
    St = Lt @ np.swapaxes(Lt, 1, 2)
    tr_sq = s2 * s2 * np.einsum("bij,bij->b", St, St)
    ev = np.clip(np.linalg.eigvalsh(St), 0, None)  # squared singular values of Lt, ascending
    if np.allclose(R, R[0, 0] * np.eye(d)):
        fid = R[0, 0] * np.exp(log_scale) * np.sqrt(ev).sum(axis=1)
    else:
        B = R.T @ Lt  # F = sum of singular values of R^T L_n
        fid = np.exp(log_scale) * np.sqrt(np.clip(np.linalg.eigvalsh(B @ np.swapaxes(B, 1, 2)), 0, None)).sum(axis=1)
    diff = mean - mu
    msd = np.einsum("bi,bi->b", diff, diff)
    return {"log_det": log_det.copy(), "trace": trace, "trace_of_square": tr_sq, "squared_trace": trace ** 2,
            "mean_sq_disp": msd, "fidelity": fid, "w2_squared": msd + trace + trS - 2 * fid,
            "log_lambda_max": 2 * log_scale + np.log(ev[:, -1])}


# ----------------------------------------------------------------------------- verification
#: (d, M, estimator, Sigma kind) runs of the built-in verification; n in VERIFY_N.
VERIFY_RUNS = ((2, 3, "unbiased", "I"), (2, 10, "unbiased", "general"), (2, 10, "mle", "I"),
               (5, 6, "unbiased", "I"), (5, 20, "unbiased", "general"), (5, 20, "mle", "general"),
               (20, 21, "unbiased", "I"), (20, 40, "unbiased", "general"), (20, 40, "mle", "I"))
VERIFY_N = (1, 5, 20)
#: Default chains per dimension (the state is chains x d^2 floats).
VERIFY_CHAINS = {2: 60_000, 5: 25_000, 20: 4_000}
VERIFY_NAIVE = ((2, 4, 5), (5, 8, 5))  # (d, M, generations) with method="naive"
VERIFY_NAIVE_CHAINS = 20_000
#: (d, M, estimator, Sigma kind, sampling bias) runs with a sampling bias (exact method), n in VERIFY_N.
VERIFY_BIAS = ((2, 5, "unbiased", "general", 0.7),)
#: (d, M, estimator, generations, sampling bias) of the naive simulator with a sampling bias.
VERIFY_BIAS_NAIVE = (2, 4, "mle", 5, 0.7)
#: Fewest chains :func:`verification_checks` accepts (a sample variance needs two draws; every d gets at least two
#: chains).  Rows estimated from fewer than :data:`numerics.checks.MIN_SAMPLES` chains come out underpowered: they
#: neither pass nor fail.
MIN_CHAINS = 2
#: Most chains :func:`verification_checks` accepts: the snapshots of every chain, d x d factors included, are kept
#: (about 1.5 kB per chain at d = 2, measured), so peak memory stays near 1.5 GB at the limit (a larger budget would
#: end in a MemoryError).
MAX_CHAINS = 1_000_000
PROCESS = "multivariate"


def example_sigma(d):
    r"""The non-identity covariance of the verification grid: :math:`\Sigma_{ij} = s_i s_j 0.5^{|i-j|}`,
    :math:`s_i = 1 + i/d` (AR(1) correlation, unequal scales).

    Parameters
    ----------
    d : int >= 1
        Dimension.

    Returns
    -------
    numpy.ndarray, shape (d, d)
        Symmetric positive-definite covariance (0-based indices ``i = 0..d-1``, so
        :math:`s_0 = 1`).

    Notes
    -----
    .. math:: \Sigma_{ij} = s_i s_j\, 0.5^{|i-j|}, \qquad s_i = 1 + i/d

    Positive definite because the AR(1) correlation matrix :math:`0.5^{|i-j|}` is.

    References
    ----------
    A test covariance: the AR(1) correlation, [brockwelldavis1991]_, sec. 3.1.
    """
    idx = np.arange(d)
    s = 1.0 + idx / d
    return np.outer(s, s) * 0.5 ** np.abs(idx[:, None] - idx[None, :])


def _moments_from_cumulants(kappa):
    """Raw moments m_1..m_J from cumulants kappa_1..kappa_J (mpmath)."""
    m = [mpmath.mpf(1)]
    for j in range(1, len(kappa) + 1):
        m.append(sum(math.comb(j - 1, i - 1) * kappa[i - 1] * m[j - i] for i in range(1, j + 1)))
    return m[1:]


@functools.lru_cache(maxsize=None)
def _log_det_step_cumulants(d, M, estimator):
    """Cumulants 2..8 of one refit's log-determinant increment (the exact theory at n = 1, to 40 digits)."""
    return tuple(mpmath.mpf(sp.N(th.log_det_cumulant(j, 1, d, M, estimator=estimator, exact=True), 40))
                 for j in range(2, 9))


def log_det_kurtoses(n, d, M, estimator):
    r"""Exact kurtosis of log det Sigma_n and of its squared deviation, from the theory's cumulants.

    The increments are i.i.d., so the cumulants of order >= 2 are ``n`` times
    those of one refit; the mean does not affect either kurtosis.

    Parameters
    ----------
    n : int >= 0
        Number of refits.
    d : int >= 1
        Dimension.
    M : int >= d + 1
        Samples per generation.
    estimator : {"unbiased", "mle"}
        Covariance estimator.

    Returns
    -------
    (kurtosis, kurtosis_of_square) : tuple of float
        Kurtosis of :math:`\log\det\Sigma_n` and of its squared deviation
        (``inf`` for ``n = 0``, where it is a constant).

    Notes
    -----
    .. math:: \kappa_j(\log\det\Sigma_n) = n\,\kappa_j(\log\det\Sigma_1) \quad (j \ge 2), \qquad
        m_j = \sum_{i=1}^{j}\binom{j-1}{i-1}\kappa_i m_{j-i}

    (cumulants of one refit from :func:`theory.multivariate.log_det_cumulant` at 40 digits, mean set to 0).

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", Thm 3.2.14 (Bartlett decomposition);
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    with mpmath.workdps(40):
        kappa = [mpmath.mpf(0)] + [n * k for k in _log_det_step_cumulants(d, M, estimator)]
        raw = _moments_from_cumulants(kappa)
    return ck.kurtosis_from_raw_moments(raw), ck.kurtosis_of_square_from_raw_moments(raw)


@functools.lru_cache(maxsize=None)
def _det_step_moments(d, M, estimator, power):
    """E[(det Sigma_1/det Sigma)^(power j)], j = 1..8, from the exact theory to 60 digits."""
    return tuple(mpmath.mpf(sp.N(th.det_moment(1, d, M, power * j, estimator=estimator, exact=True), 60))
                 for j in range(1, 9))


def det_kurtoses(n, d, M, estimator, power=1):
    r"""Exact kurtosis of (det Sigma_n)^power and of its squared deviation, from :func:`theory.multivariate.det_moment`.

    One refit multiplies the determinant by an independent factor, so
    :math:`E[(\det\Sigma_n)^r] = E[(\det\Sigma_1)^r]^n` (for ``det Sigma = 1``).

    Parameters
    ----------
    n : int >= 0
        Number of refits.
    d : int >= 1
        Dimension.
    M : int >= d + 1
        Samples per generation.
    estimator : {"unbiased", "mle"}
        Covariance estimator.
    power : rational > 0, default 1
        :math:`X = (\det\Sigma_n/\det\Sigma)^{\mathrm{power}}`.

    Returns
    -------
    (kurtosis, kurtosis_of_square) : tuple of float
        Kurtosis of X and of :math:`(X - EX)^2`.

    Notes
    -----
    .. math:: E[X^j] = E\big[(\det\Sigma_1/\det\Sigma)^{\mathrm{power}\,j}\big]^n, \qquad j = 1, \dots, 8

    from :func:`theory.multivariate.det_moment` at 60 digits.

    References
    ----------
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", Thm 3.2.15;
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    with mpmath.workdps(60):
        raw = [m ** n for m in _det_step_moments(d, M, estimator, sp.nsimplify(power))]
    return ck.kurtosis_from_raw_moments(raw), ck.kurtosis_of_square_from_raw_moments(raw)


#: The quantities of :func:`checks_for_run` (the keys ``formulas`` may replace).
QUANTITIES = ("E[log det Sigma_n]", "Var[log det Sigma_n]", "median[log det Sigma_n]", "E[det Sigma_n]/det Sigma",
              "Var[det Sigma_n]/det Sigma^2", "E[(det Sigma_n/det Sigma)^(1/2d)]", "E[tr Sigma_n]", "Var[tr Sigma_n]",
              "E[tr Sigma_n^2]", "E[(tr Sigma_n)^2]", "E[|mu_n-mu|^2]", "E[F_n] bounds", "E[W2^2] bounds")


def checks_for_run(run, n, formulas=None):
    r"""Checks of every closed form of :mod:`theory.multivariate` at generation ``n`` of ``run``.

    Parameters
    ----------
    run : MultivariateRun
        Needs a snapshot at ``n``.
    n : int
    formulas : dict, optional
        Override the theory value of a quantity (keys as the ``quantity``
        column; values ``f(n, d, M, Sigma, estimator)``, for bounds a pair).
        Used by the tests to show that a wrong formula is caught.

    Returns
    -------
    list of numerics.checks.Check
        Rows of process ``"multivariate"`` (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    Rows: :math:`E`, :math:`\mathrm{Var}` and median of :math:`\log\det\Sigma_n` (median only for the exact
    method or when overridden), mean and variance of :math:`\det\Sigma_n/\det\Sigma`,
    :math:`E[(\det\Sigma_n/\det\Sigma)^{1/(2d)}]`, :math:`E` and :math:`\mathrm{Var}` of
    :math:`\operatorname{tr}\Sigma_n`, :math:`E\operatorname{tr}\Sigma_n^2`, :math:`E(\operatorname{tr}\Sigma_n)^2`,
    :math:`E\|\mu_n-\mu\|^2`, and the brackets of :math:`E[F_n]` and :math:`E[W_2^2]`; each a z-test

    .. math:: z = (\hat\theta - \theta)/\widehat{\mathrm{se}}

    with exact kurtoses for the determinant rows (:func:`log_det_kurtoses`, :func:`det_kurtoses`; a sampling
    bias scales :math:`\det\Sigma_n` by a constant and shifts :math:`\log\det\Sigma_n`, so they do not depend on
    it).  A run with a sampling bias is checked against the same closed forms at ``bias``.

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3.
    """
    if not isinstance(run, MultivariateRun):
        raise ValueError(f"run must be the result of simulate, got {type(run).__name__}")
    n = ck.check_snapshot(n, run.snapshots)
    formulas = check_formulas(formulas, QUANTITIES)
    d, M, est, S = run.d, run.M, run.estimator, run.Sigma
    params = {"d": d, "M": M, "n": n, "estimator": est, "method": run.method,
              "Sigma": "I" if np.array_equal(S, np.eye(d)) else "general"}
    lam = {} if run.bias == 1 else {"bias": run.bias}  # the same closed forms at bias = lambda
    params.update(lam)
    P = PROCESS

    def theory(name, f):
        return formulas[name](n, d, M, S, est) if name in formulas else f(n, d, M, Sigma=S, estimator=est, **lam)

    rows = []
    ld = run.statistic("log_det", n)
    kurt, kurt_sq = log_det_kurtoses(n, d, M, est) if n > 0 else (math.inf, math.inf)
    rows.append(ck.mean_check_from_summary(P, "E[log det Sigma_n]", params,
                                           theory("E[log det Sigma_n]", th.expected_log_det), ld.mean(),
                                           ld.std(ddof=1) / math.sqrt(ld.size), ld.size, kurtosis=kurt))
    rows.append(ck.variance_check(P, "Var[log det Sigma_n]", params,
                                  theory("Var[log det Sigma_n]", th.variance_of_log_det), ld,
                                  kurtosis_of_square=kurt_sq))
    if "median[log det Sigma_n]" in formulas or run.method == "exact":
        rows.append(ck.quantile_check(P, "median[log det Sigma_n]", params,
                                      theory("median[log det Sigma_n]", th.median_log_det), ld, 0.5, None))
    det = np.exp(ld - float(np.linalg.slogdet(S)[1]))  # det Sigma_n / det Sigma: scale-free
    dk, dk_sq = det_kurtoses(n, d, M, est)
    rows.append(ck.mean_check_from_summary(
        P, "E[det Sigma_n]/det Sigma", params,
        theory("E[det Sigma_n]/det Sigma", lambda *a, **k: th.expected_det(n, d, M, estimator=est, **lam)),
        det.mean(), det.std(ddof=1) / math.sqrt(det.size), det.size, kurtosis=dk))
    rows.append(ck.variance_check(P, "Var[det Sigma_n]/det Sigma^2", params,
                                  theory("Var[det Sigma_n]/det Sigma^2",
                                         lambda *a, **k: th.variance_of_det(n, d, M, estimator=est, **lam)), det,
                                  kurtosis_of_square=dk_sq))
    root = det ** (1.0 / (2 * d))
    rk, _ = det_kurtoses(n, d, M, est, sp.Rational(1, 2 * d))
    rows.append(ck.mean_check_from_summary(
        P, "E[(det Sigma_n/det Sigma)^(1/2d)]", params,
        theory("E[(det Sigma_n/det Sigma)^(1/2d)]",
               lambda *a, **k: th.det_moment(n, d, M, Fraction(1, 2 * d), estimator=est, **lam)),
        root.mean(), root.std(ddof=1) / math.sqrt(root.size), root.size, kurtosis=rk))
    tr = run.statistic("trace", n)
    rows.append(ck.mean_check(P, "E[tr Sigma_n]", params, theory("E[tr Sigma_n]", th.expected_trace), tr))
    rows.append(ck.variance_check(P, "Var[tr Sigma_n]", params, theory("Var[tr Sigma_n]", th.variance_of_trace),
                                  tr))
    rows.append(ck.mean_check(P, "E[tr Sigma_n^2]", params,
                              theory("E[tr Sigma_n^2]", th.expected_trace_of_square),
                              run.statistic("trace_of_square", n)))
    rows.append(ck.mean_check(P, "E[(tr Sigma_n)^2]", params,
                              theory("E[(tr Sigma_n)^2]", th.expected_squared_trace), run.statistic("squared_trace", n)))
    rows.append(ck.mean_check(P, "E[|mu_n-mu|^2]", params,
                              theory("E[|mu_n-mu|^2]", th.mean_squared_displacement), run.statistic("mean_sq_disp", n)))
    lo, up = theory("E[F_n] bounds", th.fidelity_bounds)
    rows.append(ck.interval_check(P, "E[F_n] bounds", params, lo, up, run.statistic("fidelity", n)))
    lo, up = theory("E[W2^2] bounds", th.w2_squared_bounds)
    rows.append(ck.interval_check(P, "E[W2^2] bounds", params, lo, up, run.statistic("w2_squared", n)))
    return rows


def exact_checks():
    r"""Float evaluation of each closed form against its exact sympy value at sympy integers,
    and the reduction of the ``d = 1`` bracket of E[W2^2] to the exact :mod:`theory.gaussian` value.

    Returns
    -------
    list of numerics.checks.Check
        ``exact-vs-float`` rows: twelve closed forms at
        ``(d, M, n)`` in ``{(2, 3, 7), (5, 9, 4), (20, 25, 3)}`` with :math:`\Sigma = 2I`, and at ``(3, 6, 5)`` with a
        sampling bias 4/5 (MLE: the factor :math:`\lambda\rho`), and the ``d = 1``
        bracket of :math:`E[W_2^2]` against :func:`theory.gaussian.expected_w2_squared`.

    Notes
    -----
    .. math:: |f_{\mathrm{float}} - f_{\mathrm{sympy}}| \le 10^{-9} |f_{\mathrm{sympy}}|

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse.
    """
    funcs = {"E[det Sigma_n]": th.expected_det, "Var[det Sigma_n]": th.variance_of_det,
             "E[log det Sigma_n]": th.expected_log_det, "Var[log det Sigma_n]": th.variance_of_log_det,
             "E[tr Sigma_n^2]": th.expected_trace_of_square, "E[(tr Sigma_n)^2]": th.expected_squared_trace,
             "Var[tr Sigma_n]": th.variance_of_trace, "E[|mu_n-mu|^2]": th.mean_squared_displacement,
             "E[F_n] lower": lambda *a, **k: th.fidelity_bounds(*a, **k).lower,
             "E[F_n] upper": lambda *a, **k: th.fidelity_bounds(*a, **k).upper,
             "E[W2^2] lower": lambda *a, **k: th.w2_squared_bounds(*a, **k).lower,
             "E[W2^2] upper": lambda *a, **k: th.w2_squared_bounds(*a, **k).upper}
    rows = []
    for d, M, n, est, lam in ((2, 3, 7, "unbiased", 1), (5, 9, 4, "mle", 1), (20, 25, 3, "unbiased", 1),
                              (3, 6, 5, "mle", sp.Rational(4, 5))):
        params = {"d": d, "M": M, "n": n, "estimator": est, "Sigma": "2I"}
        kw, kw_float = ({}, {}) if lam == 1 else ({"bias": lam}, {"bias": float(lam)})
        params.update(kw_float)
        for name, f in funcs.items():
            exact = f(sp.Integer(n), sp.Integer(d), sp.Integer(M), Sigma=sp.Integer(2), estimator=est, **kw)
            rows.append(ck.exact_check(PROCESS, name, params, sp.N(exact, 30),
                                       f(n, d, M, Sigma=2.0, estimator=est, **kw_float),
                                       note=f"exact value {sp.sstr(exact)[:40]}"))
    for M, n, est in ((3, 7, "unbiased"), (10, 50, "mle")):
        exact = tg.expected_w2_squared(n, M, estimator=est, exact=True)
        for side, k in (("lower", 0), ("upper", 1)):
            rows.append(ck.exact_check(PROCESS, f"E[W2^2] {side} (d=1) = theory.gaussian",
                                       {"d": 1, "M": M, "n": n, "estimator": est}, sp.N(exact, 30),
                                       th.w2_squared_bounds(n, 1, M, estimator=est)[k]))
    return rows


def _verify_chains(chains, d):
    if chains is None:
        return VERIFY_CHAINS[d]
    return max(2, round(chains * VERIFY_CHAINS[d] / VERIFY_CHAINS[2]))


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    """All multivariate rows of ``collapse verify``: every closed form on the built-in grid.

    Grid :data:`VERIFY_RUNS` (``d`` in {2, 5, 20}, identity and
    :func:`example_sigma` covariances, both estimators) at ``n`` in
    :data:`VERIFY_N` with the exact simulator, :data:`VERIFY_NAIVE` with the
    naive one, a sampling bias on :data:`VERIFY_BIAS` (exact) and :data:`VERIFY_BIAS_NAIVE` (naive), and
    :func:`exact_checks`.  ``chains`` (default
    :data:`VERIFY_CHAINS`) is the number of chains at ``d = 2``; larger ``d``
    use proportionally fewer (the state is chains x d^2 floats).

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [2, 10**6], optional
        Chains at ``d = 2`` (default: :data:`VERIFY_CHAINS` per ``d``); larger ``d`` use
        ``round(chains * VERIFY_CHAINS[d] / VERIFY_CHAINS[2])`` (at least 2).
    seed : int >= 0, SeedSequence or None, default 20240724
        Root seed; each run uses its own spawned child.
    progress : bool, default True
        Print progress lines on stderr.

    Returns
    -------
    list of numerics.checks.Check
        Rows of process ``"multivariate"`` (status ``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    z-tests as in :mod:`numerics.checks` (:math:`|z| < 4.5`, power criterion).

    References
    ----------
    Shumailov et al., "AI models collapse when trained on recursively generated data", Nature 631 (2024),
    multivariate Gaussian model collapse;
    Muirhead (1982), "Aspects of Multivariate Statistical Theory", ch. 3.
    """
    if chains is not None:
        chains = check_int(chains, "chains", minimum=MIN_CHAINS, maximum=MAX_CHAINS)
    ss = _rng.check_seed(seed)
    seeds = iter(ss.spawn(len(VERIFY_RUNS) + len(VERIFY_NAIVE) + len(VERIFY_BIAS) + 1))
    rows = []
    for d, M, est, kind in VERIFY_RUNS:
        S = np.eye(d) if kind == "I" else example_sigma(d)
        mu = None if kind == "I" else np.linspace(-1, 1, d)
        run = simulate(d, M, max(VERIFY_N), _verify_chains(chains, d), Sigma=S, mu=mu, estimator=est,
                       seed=next(seeds), record=(), snapshots=VERIFY_N, quantiles=(), progress=progress)
        for n in VERIFY_N:
            rows += checks_for_run(run, n)
    for d, M, gens in VERIFY_NAIVE:
        run = simulate(d, M, gens, min(_verify_chains(chains, 2), VERIFY_NAIVE_CHAINS), method="naive",
                       seed=next(seeds), record=(), snapshots=(gens,), quantiles=(), progress=progress)
        rows += checks_for_run(run, gens)
    for d, M, est, kind, lam in VERIFY_BIAS:
        S = np.eye(d) if kind == "I" else example_sigma(d)
        run = simulate(d, M, max(VERIFY_N), _verify_chains(chains, d), Sigma=S, estimator=est, bias=lam,
                       seed=next(seeds), record=(), snapshots=VERIFY_N, quantiles=(), progress=progress)
        for n in VERIFY_N:
            rows += checks_for_run(run, n)
    d, M, est, gens, lam = VERIFY_BIAS_NAIVE
    run = simulate(d, M, gens, min(_verify_chains(chains, 2), VERIFY_NAIVE_CHAINS), estimator=est, method="naive",
                   bias=lam, seed=next(seeds), record=(), snapshots=(gens,), quantiles=(), progress=progress)
    rows += checks_for_run(run, gens)
    rows += exact_checks()
    return rows


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the rows of checks_for_run at any (d, M, n,
# estimator, Sigma, method), from merged block summaries.
from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments, Proportion  # noqa: E402
from theory import validation as _V  # noqa: E402

#: Parameters of a sweep cell, with their domains and defaults (``Sigma``: the identity or :func:`example_sigma`).
SWEEP_PARAMETERS = {
    "d": SweepParameter(_V.Integer(1, doc="Dimension.", example=2), 2),
    "M": SweepParameter(_V.SAMPLE_SIZE.with_doc("Samples per generation (M >= d + 1)."), 10),
    "n": SweepParameter(_V.GENERATIONS, 5), "estimator": SweepParameter(_V.ESTIMATOR, "unbiased"),
    "Sigma": SweepParameter(_V.Choice("I", "general", doc="Original covariance: the identity (mean 0) or "
                                      "example_sigma(d) (mean linspace(-1, 1, d)), as in the verification."), "I"),
    "method": SweepParameter(_V.Choice(*METHODS, doc="Simulator: Bartlett or refit."), "exact")}
#: One simulation of a cell passes every generation.
SWEEP_GENERATIONS = "n"
#: Quantities a sweep may select (those of :func:`checks_for_run`).
SWEEP_QUANTITIES = ("E[log det Sigma_n]", "Var[log det Sigma_n]", "median[log det Sigma_n]", "E[det Sigma_n]/det Sigma",
                    "Var[det Sigma_n]/det Sigma^2", "E[(det Sigma_n/det Sigma)^(1/2d)]", "E[tr Sigma_n]",
                    "Var[tr Sigma_n]", "E[tr Sigma_n^2]", "E[(tr Sigma_n)^2]", "E[|mu_n-mu|^2]", "E[F_n] bounds",
                    "E[W2^2] bounds")


def sweep_check(params):
    """``M >= d + 1`` (a non-singular sample covariance; ValueError naming ``M``)."""
    if params["M"] < params["d"] + 1:
        raise ValueError(f"M must be >= d + 1 = {params['d'] + 1} (non-singular sample covariance), got {params['M']}")


def _sweep_setup(params):
    d = params["d"]
    general = params["Sigma"] == "general"
    return (example_sigma(d) if general else np.eye(d)), (np.linspace(-1, 1, d) if general else None)


@functools.lru_cache(maxsize=4096)
def _sweep_medians(n, d, M, general, estimator):
    S = example_sigma(d) if general else np.eye(d)
    return th.median_log_det(n, d, M, Sigma=S, estimator=estimator)


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` chains of one cell (:mod:`numerics.protocol`, sweep cells).

    Per generation ``n``: ``Moments`` of :math:`\log\det\Sigma_n`, of :math:`\det\Sigma_n/\det\Sigma` and its
    ``1/(2d)`` power, of every trace statistic, :math:`\|\mu_n-\mu\|^2`, :math:`F_n`, :math:`W_2^2` and
    :math:`(\operatorname{tr}\Sigma_n - E\operatorname{tr}\Sigma_n)^2`; the ``Proportion`` of chains with
    :math:`\log\det\Sigma_n` at or below its theoretical median (exact method).
    """
    d, M, ns, est = params["d"], params["M"], params["n"], params["estimator"]
    S, mu = _sweep_setup(params)
    run = simulate(d, M, max(ns), chains, Sigma=S, mu=mu, estimator=est, method=params["method"], seed=seed,
                   record=(), snapshots=ns, quantiles=())
    log_det_S = float(np.linalg.slogdet(S)[1])
    out = {}
    for n in ns:
        ld = run.statistic("log_det", n)
        det = np.exp(ld - log_det_S)
        tr = run.statistic("trace", n)
        out.update({f"log_det@{n}": Moments.of(ld), f"det@{n}": Moments.of(det),
                    f"det_root@{n}": Moments.of(det ** (1.0 / (2 * d))), f"trace@{n}": Moments.of(tr),
                    f"trace_dev2@{n}": Moments.of((tr - th.expected_trace(n, d, M, Sigma=S, estimator=est)) ** 2)})
        for stat in ("trace_of_square", "squared_trace", "mean_sq_disp", "fidelity", "w2_squared"):
            out[f"{stat}@{n}"] = Moments.of(run.statistic(stat, n))
        if params["method"] == "exact":
            median = _sweep_medians(n, d, M, params["Sigma"] == "general", est) if n else float(ld[0])
            out[f"median@{n}"] = Proportion(int(np.count_nonzero(ld <= median)), ld.size)
    return out


def sweep_rows(params, merged, quantities):
    """The rows of :func:`checks_for_run` for one cell from its merged summaries, for the selected ``quantities``."""
    d, M, est = params["d"], params["M"], params["estimator"]
    S, _ = _sweep_setup(params)
    P = PROCESS
    rows = []
    for n in params["n"]:
        p = {"d": d, "M": M, "n": n, "estimator": est, "method": params["method"], "Sigma": params["Sigma"]}
        s = {k.split("@")[0]: v for k, v in merged.items() if k.endswith(f"@{n}")}
        kw = dict(Sigma=S, estimator=est)
        kurt = {}

        def kurtoses(name):
            if name not in kurt:
                kurt[name] = {"log_det": lambda: log_det_kurtoses(n, d, M, est) if n > 0 else (math.inf, math.inf),
                              "det": lambda: det_kurtoses(n, d, M, est),
                              "root": lambda: det_kurtoses(n, d, M, est, sp.Rational(1, 2 * d))}[name]()
            return kurt[name]

        for q in quantities:
            if q == "E[log det Sigma_n]":
                rows.append(_sweep.mean_row(P, q, p, th.expected_log_det(n, d, M, **kw), s["log_det"],
                                            kurtosis=kurtoses("log_det")[0]))
            elif q == "Var[log det Sigma_n]":
                rows.append(_sweep.variance_row(P, q, p, th.variance_of_log_det(n, d, M, **kw), s["log_det"],
                                                kurtosis_of_square=kurtoses("log_det")[1]))
            elif q == "median[log det Sigma_n]":
                if params["method"] == "exact":
                    median = _sweep_medians(n, d, M, params["Sigma"] == "general", est) if n else math.nan
                    rows.append(_sweep.quantile_row(P, q, p, median, 0.5, s["median"], point_mass=n == 0))
            elif q == "E[det Sigma_n]/det Sigma":
                rows.append(_sweep.mean_row(P, q, p, th.expected_det(n, d, M, Sigma=None, estimator=est), s["det"],
                                            kurtosis=kurtoses("det")[0]))
            elif q == "Var[det Sigma_n]/det Sigma^2":
                rows.append(_sweep.variance_row(P, q, p, th.variance_of_det(n, d, M, Sigma=None, estimator=est),
                                                s["det"], kurtosis_of_square=kurtoses("det")[1]))
            elif q == "E[(det Sigma_n/det Sigma)^(1/2d)]":
                rows.append(_sweep.mean_row(P, q, p, th.det_moment(n, d, M, sp.Rational(1, 2 * d), Sigma=None,
                                                                   estimator=est), s["det_root"],
                                            kurtosis=kurtoses("root")[0]))
            elif q == "E[tr Sigma_n]":
                rows.append(_sweep.mean_row(P, q, p, th.expected_trace(n, d, M, **kw), s["trace"]))
            elif q == "Var[tr Sigma_n]":
                rows.append(_sweep.variance_row(P, q, p, th.variance_of_trace(n, d, M, **kw), s["trace"],
                                                square=s["trace_dev2"]))
            elif q == "E[tr Sigma_n^2]":
                rows.append(_sweep.mean_row(P, q, p, th.expected_trace_of_square(n, d, M, **kw), s["trace_of_square"]))
            elif q == "E[(tr Sigma_n)^2]":
                rows.append(_sweep.mean_row(P, q, p, th.expected_squared_trace(n, d, M, **kw), s["squared_trace"]))
            elif q == "E[|mu_n-mu|^2]":
                rows.append(_sweep.mean_row(P, q, p, th.mean_squared_displacement(n, d, M, **kw), s["mean_sq_disp"]))
            elif q == "E[F_n] bounds":
                lo, up = th.fidelity_bounds(n, d, M, **kw)
                rows.append(_sweep.interval_row(P, q, p, lo, up, s["fidelity"]))
            else:  # "E[W2^2] bounds"
                lo, up = th.w2_squared_bounds(n, d, M, **kw)
                rows.append(_sweep.interval_row(P, q, p, lo, up, s["w2_squared"]))
    return rows
