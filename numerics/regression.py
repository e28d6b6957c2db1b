r"""Monte Carlo of the linear-regression chains, and their checks against :mod:`theory.regression`.

Simulators
----------
One function per chain of :mod:`theory.regression`, vectorised over chains (batched normal equations,
``numpy.linalg.solve`` on ``(chains, d, d)`` stacks):

* :func:`simulate_replace` -- fresh designs, generators refitted to the previous generator's labels; at each
  recorded generation ``k`` a downstream fit on a fresh design is scored (its own random stream, so the
  generators' path does not depend on ``record``);
* :func:`simulate_overparameterized` -- the same loop with minimum-norm interpolation :math:`X^+Y`;
* :func:`simulate_fixed_design` -- one design per chain; ``replace``, ``accumulate`` (the normal equations
  of the stacked pool, :math:`\sum_j X^\top X` and :math:`\sum_j X^\top Y_j`) and ``accumulate-subsample`` (a
  uniform ``T``-subset of the pool each generation, fitted with ``pinv`` as in [kazdan2024]_'s code);
* :func:`simulate_mixed` -- one fit on real and synthetic rows;
* :func:`simulate_weighted` -- the weighted fresh-data chains (fixed, replicated, fresh designs, and the
  weighted-loss fit on fresh designs, which has no closed form).

Every simulator returns a :class:`RegressionRun` (a :class:`numerics.engine.Run`): per recorded generation
the mergeable moments of the per-chain risk (mean, standard error, kurtosis), optional quantiles and
per-chain snapshots.  Chains are split into the fixed blocks of :mod:`numerics._rng` (block ``b`` draws
from child ``b`` of ``SeedSequence(seed)``; inside a block, sub-chunks of a size fixed by the parameters
bound the memory), and block summaries are merged in block order: the same seed gives bit-identical
results for any number of ``workers``.

Heavy tails, and what the checks do about them
-----------------------------------------------
For a :math:`T\times d` design :math:`\mathrm{tr}(X^\top X)^{-1}` has infinite variance for
:math:`T \le d+3` and infinite kurtosis for :math:`T \le d+7` ([vonrosen1988]_), and so does the per-chain
risk: plain Monte Carlo has no valid standard error there.  Two remedies are used.

* Verification grids far from the edge (:math:`T \ge d + 8`) use plain Monte Carlo (finite kurtosis; the
  power criterion of :mod:`numerics.checks` judges the rest).
* At the edge (the rows that distinguish :math:`d/(T-d-1)` from :math:`d/(T-d)` or :math:`d/T` most sharply)
  designs are importance-sampled (``tilt``): :math:`Z = QL^\top` with :math:`Q` Haar on the Stiefel manifold
  (QR of a Gaussian matrix, signs fixed) and :math:`L` the Bartlett factor of :math:`W_r(N-2a, I)`
  ([muirhead1982]_ sec. 3.2), i.e. a draw from :math:`q(Z) \propto p(Z)\det(Z^\top Z)^{-a}`, weighted by the
  exact density ratio :math:`p/q = \det(G)^a 2^{-ar}\Gamma_r(\frac{N-2a}{2})/\Gamma_r(\frac N2)`.  The
  weighted statistic is unbiased for any :math:`a` (no use of the lemma being checked), and since
  :math:`P(\lambda_{\min}(G) < t) \asymp t^{(g+1)/2}` with :math:`g = N - r`, its fourth moment
  :math:`E_p[f^4 w^3] \asymp E[\lambda_{\min}^{3a-4}]` is finite iff :math:`a > (7-g)/6`: ``tilt="auto"`` takes
  :math:`a = \min(1, (8-g)/6, g/2)` (plain sampling from :math:`g = 8`).  Weights of independent designs
  multiply, so the grids keep at most two tilted designs per chain; every row reports its sample kurtosis.

Accumulate-subsample has an infinite mean risk from generation
:func:`theory.regression.accumulate_subsample_infinite_from` on, and no known closed form below it: its
verification row is generation 1 (exact), and the figures show its median and quartiles, never a mean.

The module follows the check protocol of :mod:`numerics.protocol`.
"""

from __future__ import annotations

import dataclasses
import math
import types
from typing import Dict, List

import numpy as np
import sympy as sp

from numerics import _rng
from numerics import checks as ck
from numerics import engine
from numerics.engine import DEFAULT_SEED, Run, Summary
from numerics.summaries import Moments, merge_all
from theory import regression as th
from theory import validation as V

__all__ = ["simulate_replace", "simulate_overparameterized", "simulate_fixed_design", "simulate_mixed",
           "simulate_weighted", "RegressionRun", "gaussian_design", "auto_tilt", "checks_for_run", "exact_checks",
           "verification_checks", "PROCESS", "MIN_CHAINS", "QUANTITIES", "FIXED_WORKFLOWS", "WEIGHTED_VARIANTS",
           "MAX_CHAIN_ELEMENTS", "MAX_CHAINS"]

PROCESS = "regression"
#: Fewest chains accepted by :func:`verification_checks`.
MIN_CHAINS = 100
#: Most chains :func:`verification_checks` accepts (16 times its default; the per-chain risks of every run are
#: kept, and the designs of a block at a time), so peak memory stays far below the machine's.
MAX_CHAINS = 1_000_000
#: Workflows of :func:`simulate_fixed_design`.
FIXED_WORKFLOWS = ("replace", "accumulate", "accumulate-subsample")
#: Variants of :func:`simulate_weighted`.
WEIGHTED_VARIANTS = ("fixed", "replicated", "fresh", "fresh-loss")
#: Quantities of :func:`checks_for_run` (the keys a ``formulas`` override may use); each override is called
#: with the arguments of the theory function it replaces.
QUANTITIES = ("replace_chain_risk", "overparameterized_chain_error", "fixed_design_chain_risk[replace]",
              "fixed_design_chain_risk[accumulate]", "accumulate_subsample_risk", "mixed_ols_risk",
              "weighted_ols_risk", "weighted_ols_risk_replicated", "weighted_ols_risk_fresh")
#: float64 elements per chain-batched temporary array; a block is processed in sub-chunks of this size.
_CHUNK_ELEMENTS = 1 << 21


@dataclasses.dataclass
class RegressionRun(Run):
    r"""A run of one regression chain (a :class:`numerics.engine.Run`, ``process="regression"``).

    ``params["chain"]`` names the simulator (``replace``, ``overparameterized``, ``fixed``, ``mixed``,
    ``weighted``); the other parameters are attributes (``run.d``, ``run.T``, ...).  ``summaries["risk"]``
    holds, per recorded generation, the mean, standard error and standard deviation of the per-chain risk
    times its importance weight (weights are 1 unless ``tilt`` is used); ``moments["risk"]`` the mergeable
    :class:`numerics.summaries.Moments` behind them (with the sample kurtosis); ``snapshots[g]`` the per-chain
    ``risk`` and ``weight`` at the snapshot generations.
    """

    moments: Dict[str, List[Moments]] = dataclasses.field(default_factory=dict)

    def statistic(self, name, generation):
        """Per-chain ``"risk"`` or ``"weight"`` at a snapshot generation."""
        V.check_choice(name, "name", ("risk", "weight"))
        return self.snapshot(generation)[name]

    def moments_at(self, generation):
        """The :class:`~numerics.summaries.Moments` of the weighted risk at a recorded generation."""
        g = ck.check_snapshot(generation, set(self.record.tolist()), "generation")
        return self.moments["risk"][int(np.searchsorted(self.record, g))]


# ----------------------------------------------------------------------------- designs
def auto_tilt(rows, cols):
    r"""The importance-sampling exponent :math:`a = \min(1, \max(0, (8-g)/6), g/2)`, :math:`g = |rows - cols|`.

    Parameters
    ----------
    rows, cols : int >= 1
        Shape of the design.

    Returns
    -------
    float
        0 (plain sampling) from :math:`g = 8` on.

    Notes
    -----
    The smallest step of 1/6 above :math:`(7-g)/6` that keeps the weighted statistic's kurtosis finite, and
    :math:`a \le g/2` so that the tilted Wishart has :math:`N - 2a \ge r` degrees of freedom (module docstring).

    References
    ----------
    [muirhead1982]_ sec. 3.2; [vonrosen1988]_.
    """
    g = abs(V.check_int(rows, "rows", minimum=1) - V.check_int(cols, "cols", minimum=1))
    return min(1.0, max(0.0, (8 - g) / 6), g / 2)


def _lgamma_ratio(r, nu, N):
    """log Gamma_r(nu/2) - log Gamma_r(N/2) (the pi powers cancel)."""
    return sum(math.lgamma((nu - j) / 2) - math.lgamma((N - j) / 2) for j in range(r))


def gaussian_design(rng, size, rows, cols, tilt=0.0):
    r"""``size`` standard Gaussian ``rows x cols`` matrices, plain or importance-sampled; with log-weights.

    Parameters
    ----------
    rng : numpy.random.Generator
    size : int >= 1
    rows, cols : int >= 1
    tilt : float >= 0, default 0
        :math:`a`: draw from :math:`q \propto p\,\det(G)^{-a}`, :math:`G` the smaller Gram matrix
        (:math:`Z^\top Z` if rows >= cols, else :math:`ZZ^\top`); needs :math:`N - 2a \ge r`
        (:math:`N, r` the larger and smaller dimension).

    Returns
    -------
    Z : ndarray (size, rows, cols)
    log_weight : ndarray (size,)
        :math:`\log p/q = a\log\det G - ar\log 2 + \log\Gamma_r(\frac{N-2a}2) - \log\Gamma_r(\frac N2)`
        (zeros for ``tilt = 0``).

    Notes
    -----
    :math:`Z = QL^\top`, :math:`Q` Haar on the Stiefel manifold (QR of a Gaussian matrix with the signs of
    :math:`R`'s diagonal fixed) independent of :math:`L`, the Bartlett factor of :math:`W_r(N-2a, I)`
    (:math:`L_{ii}^2 \sim \chi^2_{N-2a-i+1}`, :math:`L_{ij} \sim N(0,1)` below the diagonal).  Under :math:`p`,
    :math:`Z = QG^{1/2}`-type polar factors are independent with :math:`G \sim W_r(N, I)`, so only the
    Wishart law is tilted.

    References
    ----------
    [muirhead1982]_ sec. 3.2 (Bartlett decomposition, Wishart density).
    """
    if tilt == 0:
        return rng.standard_normal((size, rows, cols)), np.zeros(size)
    tall = rows >= cols
    N, r = (rows, cols) if tall else (cols, rows)
    nu = N - 2 * tilt
    if nu < r:
        raise ValueError(f"tilt must be <= (max(rows, cols) - min(rows, cols))/2 = {(N - r) / 2:g} for a "
                         f"{rows} x {cols} design, got {tilt!r}")
    G = rng.standard_normal((size, N, r))
    Q, R = np.linalg.qr(G)
    Q = Q * np.sign(np.diagonal(R, axis1=1, axis2=2))[:, None, :]
    L = np.zeros((size, r, r))
    lower = np.tril_indices(r, -1)
    L[:, lower[0], lower[1]] = rng.standard_normal((size, len(lower[0])))
    diag = np.sqrt(rng.chisquare(nu - np.arange(r), size=(size, r)))
    L[:, np.arange(r), np.arange(r)] = diag
    Z = Q @ np.swapaxes(L, 1, 2)
    log_det = 2 * np.log(diag).sum(axis=1)
    log_w = tilt * log_det - tilt * r * math.log(2) + _lgamma_ratio(r, nu, N)
    return (Z if tall else np.swapaxes(Z, 1, 2)), log_w


def _tilt(tilt, rows, cols):
    if isinstance(tilt, str):
        V.check_choice(tilt, "tilt", ("auto",))
        return auto_tilt(rows, cols)
    a = float(V.check_real(tilt, "tilt", 0))
    if a > abs(rows - cols) / 2:
        raise ValueError(f"tilt must be <= |rows - cols|/2 = {abs(rows - cols) / 2:g} for a {rows} x {cols} design, "
                         f"got {tilt!r}")
    return a


def _design(rng, size, rows, d, half, tilt):
    Z, log_w = gaussian_design(rng, size, rows, d, tilt)
    return (Z if half is None else Z @ half), log_w


def _ols(X, Y):
    """Batched OLS through the normal equations: X (c, T, d), Y (c, T) -> (c, d)."""
    G = np.swapaxes(X, 1, 2) @ X
    return np.linalg.solve(G, np.einsum("ctd,ct->cd", X, Y)[..., None])[..., 0]


def _labels(rng, X, w, s):
    """X w + N(0, s^2): X (c, T, d), w (c, d) or (d,)."""
    mean = np.einsum("ctd,cd->ct", X, w) if w.ndim == 2 else X @ w
    return mean + s * rng.standard_normal(mean.shape)


def _risk(w, w0, Sigma):
    e = w - w0
    if Sigma is None:
        return np.einsum("cd,cd->c", e, e)
    return np.einsum("cd,de,ce->c", e, Sigma, e)


# ----------------------------------------------------------------------------- argument handling
def _check_sigma(Sigma, d):
    """(Sigma, Sigma^(1/2)) as float arrays, or (None, None) for the identity."""
    if Sigma is None:
        return None, None
    S = V.CovarianceMatrix().check(Sigma, "Sigma")
    if isinstance(S, sp.MatrixBase):
        S = np.array(S.tolist(), dtype=float)
    if S.shape != (d, d):
        raise ValueError(f"Sigma must be a {d} x {d} matrix (d = {d}), got shape {S.shape}")
    vals, vecs = np.linalg.eigh(S)
    return S, (vecs * np.sqrt(vals)) @ vecs.T


def _check_w0(w0, d):
    if w0 is None:
        out = np.zeros(d)
        out[0] = 1.0
        return out
    out = V.check_real_array(w0, "w0")
    if out.shape != (d,):
        raise ValueError(f"w0 must be a vector of length d = {d}, got shape {out.shape}")
    return out


def _check_rows(name, rows, d, minimum_gap=0):
    rows = V.check_int(rows, name, minimum=1)
    if rows < d + minimum_gap:
        raise ValueError(f"{name} must be >= d{f' + {minimum_gap}' if minimum_gap else ''} = {d + minimum_gap} "
                         f"for the OLS fit to exist, got {rows}")
    return rows


def _check_noise(value, name):
    return float(V.check_real(value, name, 0))


#: The most float64 elements one chain may hold at once (a design, or the label pool of accumulate-subsample).
MAX_CHAIN_ELEMENTS = 1 << 26


def _check_size(name, per_chain, what):
    """ValueError naming ``name`` when one chain would hold more than :data:`MAX_CHAIN_ELEMENTS` floats."""
    if per_chain > MAX_CHAIN_ELEMENTS:
        raise ValueError(f"{name} is too large: one chain would hold {what} = {per_chain} float64 values, more than "
                         f"the limit MAX_CHAIN_ELEMENTS = {MAX_CHAIN_ELEMENTS} (512 MiB)")


def _subchunks(size, per_chain):
    """Deterministic sub-chunk sizes covering ``size`` chains (depend only on the parameters)."""
    step = max(1, _CHUNK_ELEMENTS // max(int(per_chain), 1))
    return [min(step, size - lo) for lo in range(0, size, step)]


def _record(record, generations, default):
    if record is None:
        record = default
    rec = V.check_generation_list(record, "record", generations)
    if rec.size == 0:
        raise ValueError("record must name at least one generation")
    return rec


# ----------------------------------------------------------------------------- the block runner
def _simulate(chain, params, block, *, chains, seed, record, generations, snapshots, quantiles, workers,
              progress, weighted):
    """Run ``block(rng, size) -> (values (R, size), log_weights (R, size) or None)`` over the seeded blocks."""
    chains = V.check_int(chains, "chains", minimum=2)
    V.check_flag(progress, "progress")
    snap = V.check_generation_list(snapshots, "snapshots", generations)
    missing = sorted(set(snap.tolist()) - set(record.tolist()))
    if missing:
        raise ValueError(f"snapshots must be recorded generations (record={record.tolist()}), got {missing}")
    qs = V.check_real_array(quantiles, "quantiles", min_size=0, minimum=0.0, maximum=1.0)
    if qs.size and weighted:
        raise ValueError("quantiles need plain sampling (tilt=0): importance weights do not give order statistics")
    keep = bool(qs.size) or bool(snap.size)
    blocks = _rng.blocks(seed, chains)
    R = record.size

    def work(b):
        sl, rng = blocks[b]
        vals, log_w = block(rng, sl.stop - sl.start)
        w = np.ones_like(vals) if log_w is None else np.exp(log_w)
        prod = vals * w
        return [Moments.of(prod[r]) for r in range(R)], ((vals, w) if keep else None)

    parts = []
    bar = _rng.Progress(len(blocks), f"regression {chain}", progress)
    with _rng.BlockRunner(workers) as runner:
        step = runner.workers
        for lo in range(0, len(blocks), step):
            parts += runner.map(work, range(lo, min(lo + step, len(blocks))))
            bar.update(len(parts))
    moments = [merge_all([p[0][r] for p in parts]) for r in range(R)]
    summaries = {"risk": Summary(np.array([m.mean for m in moments]), np.array([m.sem for m in moments]),
                                 np.array([math.sqrt(m.variance) for m in moments]),
                                 np.empty((R, qs.size)) if qs.size else None)}
    snapshots_out = {}
    if keep:
        vals = np.concatenate([p[1][0] for p in parts], axis=1)
        wts = np.concatenate([p[1][1] for p in parts], axis=1)
        if qs.size:
            summaries["risk"].quantiles[:] = np.quantile(vals, qs, axis=1, method="inverted_cdf").T
        index = {g: i for i, g in enumerate(record.tolist())}
        snapshots_out = {int(g): {"risk": vals[index[g]].copy(), "weight": wts[index[g]].copy()}
                         for g in snap.tolist()}
    return RegressionRun(PROCESS, dict(params, chain=chain), generations, chains, record, summaries,
                         tuple(qs.tolist()), snapshots_out, None, {"risk": moments})


def _common(chains, seed, record, generations, snapshots, quantiles, workers, progress, weighted):
    return dict(chains=chains, seed=seed, record=record, generations=generations, snapshots=snapshots,
                quantiles=quantiles, workers=workers, progress=progress, weighted=weighted)


def _sigma_label(Sigma):
    return "I" if Sigma is None else "aniso"


# ----------------------------------------------------------------------------- simulators
def simulate_replace(n, d, T0, T, chains, *, sigma2=1.0, sigma2_gen=1.0, Sigma=None, w0=None, seed=None,
                     tilt=0.0, record=None, snapshots=(), quantiles=(), workers=1, progress=False):
    r"""The replace chain with fresh designs ([dohmatob2024]_): per-chain downstream risk at each recorded generation.

    :math:`\hat w_0 = w_0`; generator :math:`k` is OLS on a fresh :math:`T_0\times d` design with labels
    :math:`X_k\hat w_{k-1} + N(0,\sigma^2_{\rm gen})`; at each recorded :math:`k` a downstream OLS on a fresh
    :math:`T\times d` design with labels :math:`X\hat w_k + N(0,\sigma^2)` is scored by
    :math:`\|\hat w - w_0\|_\Sigma^2` (theory: :func:`theory.regression.replace_chain_risk`).

    Parameters
    ----------
    n : int >= 0
        Generators.
    d : int >= 1
    T0, T : int >= d
        Rows of the generators' and of the downstream designs (the mean risk is infinite below d + 2).
    chains : int >= 2
    sigma2, sigma2_gen : float >= 0
        Label-noise variances of the downstream fit and of the generators.
    Sigma : (d, d) array, optional
        Row covariance (default identity).
    w0 : (d,) array, optional
        Truth (default :math:`e_1`).
    seed : None, int >= 0 or SeedSequence
    tilt : float >= 0 or "auto"
        Importance sampling of every design (:func:`gaussian_design`; "auto": :func:`auto_tilt`).
    record : sequence of int, optional
        Generations scored (default ``0..n``).
    snapshots, quantiles, workers, progress
        Per-chain values kept at ``snapshots``; quantile levels of the summaries (plain sampling only);
        worker threads (results do not depend on them); a progress line.

    Returns
    -------
    RegressionRun
        ``chain="replace"``.
    """
    n = V.check_int(n, "n", minimum=0)
    d = V.check_int(d, "d", minimum=1)
    T0, T = _check_rows("T0", T0, d), _check_rows("T", T, d)
    s2, sg = _check_noise(sigma2, "sigma2"), _check_noise(sigma2_gen, "sigma2_gen")
    S, half = _check_sigma(Sigma, d)
    w0 = _check_w0(w0, d)
    _check_size("T0", T0 * d, "T0 * d")
    _check_size("T", T * d, "T * d")
    a0, a = _tilt(tilt, T0, d), _tilt(tilt, T, d)
    rec = _record(record, n, np.arange(n + 1))
    where = {g: i for i, g in enumerate(rec.tolist())}

    def block(rng, size):
        down = rng.spawn(1)[0]
        vals, logw = np.empty((rec.size, size)), np.empty((rec.size, size))
        lo = 0
        for c in _subchunks(size, (T0 + T) * d):
            w, lw = np.broadcast_to(w0, (c, d)).copy(), np.zeros(c)

            def score(k):
                X, lx = _design(down, c, T, d, half, a)
                vals[where[k], lo:lo + c] = _risk(_ols(X, _labels(down, X, w, math.sqrt(s2))), w0, S)
                logw[where[k], lo:lo + c] = lw + lx

            if 0 in where:
                score(0)
            for k in range(1, n + 1):
                X, lx = _design(rng, c, T0, d, half, a0)
                w = _ols(X, _labels(rng, X, w, math.sqrt(sg)))
                lw = lw + lx
                if k in where:
                    score(k)
            lo += c
        return vals, (logw if a0 or a else None)

    params = dict(n=n, d=d, T0=T0, T=T, sigma2=s2, sigma2_gen=sg, Sigma=_sigma_label(S), tilt=(a0, a))
    return _simulate("replace", params, block, **_common(chains, seed, rec, n, snapshots, quantiles, workers, progress,
                                                         bool(a0 or a)))


def simulate_overparameterized(n, d, T0, chains, *, sigma2_gen=0.0, w0=None, seed=None, tilt=0.0, record=None,
                               snapshots=(), quantiles=(), workers=1, progress=False):
    r"""The minimum-norm chain ([dohmatob2024]_): per-chain :math:`\|\hat w_k - w_0\|^2` at each recorded generation.

    Isotropic :math:`T_0\times d` designs (:math:`d > T_0`), :math:`\hat w_k = X_k^\top(X_kX_k^\top)^{-1}Y_k` with
    :math:`Y_k = X_k\hat w_{k-1} + N(0, \sigma^2_{\rm gen})` (theory:
    :func:`theory.regression.overparameterized_chain_error`, :math:`d \ge T_0+2`).

    Parameters
    ----------
    n : int >= 0
    d : int > T0
    T0 : int >= 1
    chains : int >= 2
    sigma2_gen : float >= 0
    w0 : (d,) array, optional
        Truth (default :math:`e_1`, :math:`\|w_0\|^2 = 1`).
    seed, tilt, record, snapshots, quantiles, workers, progress
        As in :func:`simulate_replace` (the tilt acts on :math:`XX^\top`).

    Returns
    -------
    RegressionRun
        ``chain="overparameterized"``, ``w0_norm2`` among the parameters.
    """
    n = V.check_int(n, "n", minimum=0)
    T0 = V.check_int(T0, "T0", minimum=1)
    d = V.check_int(d, "d", minimum=1)
    if d <= T0:
        raise ValueError(f"d must be > T0 = {T0} for minimum-norm interpolation (over-parameterized), got {d}")
    sg = _check_noise(sigma2_gen, "sigma2_gen")
    _check_size("d", T0 * d, "T0 * d")
    w0 = _check_w0(w0, d)
    a = _tilt(tilt, T0, d)
    rec = _record(record, n, np.arange(n + 1))
    where = {g: i for i, g in enumerate(rec.tolist())}

    def block(rng, size):
        vals, logw = np.empty((rec.size, size)), np.empty((rec.size, size))
        lo = 0
        for c in _subchunks(size, T0 * d):
            w, lw = np.broadcast_to(w0, (c, d)).copy(), np.zeros(c)
            if 0 in where:
                vals[where[0], lo:lo + c], logw[where[0], lo:lo + c] = 0.0, lw
            for k in range(1, n + 1):
                X, lx = gaussian_design(rng, c, T0, d, a)
                Y = _labels(rng, X, w, math.sqrt(sg))
                alpha = np.linalg.solve(X @ np.swapaxes(X, 1, 2), Y[..., None])[..., 0]
                w = np.einsum("ctd,ct->cd", X, alpha)
                lw = lw + lx
                if k in where:
                    vals[where[k], lo:lo + c], logw[where[k], lo:lo + c] = _risk(w, w0, None), lw
            lo += c
        return vals, (logw if a else None)

    params = dict(n=n, d=d, T0=T0, sigma2_gen=sg, w0_norm2=float(w0 @ w0), tilt=a)
    return _simulate("overparameterized", params, block,
                     **_common(chains, seed, rec, n, snapshots, quantiles, workers, progress, bool(a)))


def simulate_fixed_design(n, d, T, chains, *, sigma2=1.0, workflow="replace", Sigma=None, w0=None, seed=None,
                          tilt=0.0, record=None, snapshots=(), quantiles=(), workers=1, progress=False):
    r"""The fixed-design chain ([gerstgrasser2024]_, [kazdan2024]_): per-chain risk of models ``0..n``.

    One :math:`T\times d` design :math:`X` per chain; batch 1 is :math:`Xw_0 + e_1`; model :math:`i` is fitted to
    the newest batch (``replace``), to all :math:`i` batches stacked (``accumulate``: the normal equations of
    the pool, :math:`i X^\top X` and :math:`\sum_j X^\top Y_j`), or to a uniform :math:`T`-subset, without
    replacement, of the :math:`iT` pooled rows (``accumulate-subsample``, fitted with ``pinv`` as in the
    reference code, so a rank-deficient subset still gives a fit); batch :math:`i+1` is
    :math:`X\hat w_i + e_{i+1}`; all noise :math:`N(0,\sigma^2)`.  Model 0 is :math:`w_0` (risk 0).

    Parameters
    ----------
    n : int >= 0
        Models fitted.
    d : int >= 1
    T : int >= d
    chains : int >= 2
    sigma2 : float >= 0
    workflow : {"replace", "accumulate", "accumulate-subsample"}
    Sigma, w0, seed, tilt, record, snapshots, quantiles, workers, progress
        As in :func:`simulate_replace` (one tilted design per chain).

    Returns
    -------
    RegressionRun
        ``chain="fixed"``, ``workflow`` among the parameters.
    """
    n = V.check_int(n, "n", minimum=0)
    d = V.check_int(d, "d", minimum=1)
    T = _check_rows("T", T, d)
    V.check_choice(workflow, "workflow", FIXED_WORKFLOWS)
    s = math.sqrt(_check_noise(sigma2, "sigma2"))
    S, half = _check_sigma(Sigma, d)
    w0 = _check_w0(w0, d)
    a = _tilt(tilt, T, d)
    rec = _record(record, n, np.arange(n + 1))
    where = {g: i for i, g in enumerate(rec.tolist())}
    per_chain = T * d + (n * T if workflow == "accumulate-subsample" else 0)
    _check_size("n" if workflow == "accumulate-subsample" and n * T > T * d else "T", per_chain,
                "T * d (+ n * T pooled labels)")

    def block(rng, size):
        vals, logw = np.empty((rec.size, size)), np.empty((rec.size, size))
        lo = 0
        for c in _subchunks(size, per_chain):
            X, lw = _design(rng, c, T, d, half, a)
            if 0 in where:
                vals[where[0], lo:lo + c], logw[where[0], lo:lo + c] = 0.0, lw
            Y = _labels(rng, X, w0, s)
            gram, moment = np.swapaxes(X, 1, 2) @ X, np.einsum("ctd,ct->cd", X, Y)
            pool = np.empty((c, n * T)) if workflow == "accumulate-subsample" else None
            if pool is not None:
                pool[:, :T] = Y
            for i in range(1, n + 1):
                if workflow == "replace":
                    w = _ols(X, Y)
                elif workflow == "accumulate":
                    w = np.linalg.solve(i * gram, moment[..., None])[..., 0]
                else:
                    w = _subsample_fit(rng, X, pool[:, :i * T], T, d)
                if i in where:
                    vals[where[i], lo:lo + c], logw[where[i], lo:lo + c] = _risk(w, w0, S), lw
                if i < n:
                    Y = _labels(rng, X, w, s)
                    moment = moment + np.einsum("ctd,ct->cd", X, Y)
                    if pool is not None:
                        pool[:, i * T:(i + 1) * T] = Y
            lo += c
        return vals, (logw if a else None)

    params = dict(n=n, d=d, T=T, sigma2=s * s, workflow=workflow, Sigma=_sigma_label(S), tilt=a)
    return _simulate("fixed", params, block, **_common(chains, seed, rec, n, snapshots, quantiles, workers, progress,
                                                       bool(a)))


def _uniform_subset(rng, c, pool, size):
    """``(c, size)`` indices: per row a uniform ``size``-subset of ``range(pool)``, without replacement.

    For a pool at most four times the subset, the ``size`` smallest of ``pool`` uniform keys
    (``argpartition``); for larger pools, ``size`` uniform draws whose repeated entries are redrawn until all
    are distinct (cost ``O(size)`` instead of ``O(pool)``).  Both procedures are symmetric under relabelling the
    pool, so the subset is uniform over the ``size``-subsets.
    """
    if pool <= 4 * size:
        return np.argpartition(rng.random((c, pool)), size - 1, axis=1)[:, :size]
    pick = rng.integers(0, pool, size=(c, size))
    while True:
        order = np.argsort(pick, axis=1, kind="stable")
        srt = np.take_along_axis(pick, order, axis=1)
        dup = np.zeros(pick.shape, dtype=bool)
        np.put_along_axis(dup, order[:, 1:], srt[:, 1:] == srt[:, :-1], axis=1)
        count = int(dup.sum())
        if not count:
            return pick
        pick[dup] = rng.integers(0, pool, size=count)


def _subsample_fit(rng, X, labels, T, d):
    r"""``pinv`` fit on a uniform ``T``-subset (without replacement) of the pooled rows, per chain.

    ``labels`` is ``(c, iT)``, batch-major, on the design rows ``X`` ``(c, T, d)``; the subset comes from
    :func:`_uniform_subset`.  Where it holds at least ``d`` distinct design rows its Gram matrix is invertible
    (almost surely) and ``pinv`` is OLS, solved by the normal equations; the rare rank-deficient subsets get the
    minimum-norm fit of ``pinv``, as in the reference code.
    """
    pick = _uniform_subset(rng, labels.shape[0], labels.shape[1], T)
    rows = pick % T
    Xs = np.take_along_axis(X, rows[..., None], axis=1)
    Ys = np.take_along_axis(labels, pick, axis=1)
    srt = np.sort(rows, axis=1)
    distinct = 1 + np.count_nonzero(np.diff(srt, axis=1), axis=1)
    full = distinct >= d
    w = np.empty((X.shape[0], d))
    if full.any():
        w[full] = _ols(Xs[full], Ys[full])
    if not full.all():
        w[~full] = np.einsum("cdt,ct->cd", np.linalg.pinv(Xs[~full]), Ys[~full])
    return w


def simulate_mixed(d, n, n_synth, chains, *, delta2=1.0, sigma2=1.0, seed=None, tilt=0.0, quantiles=(),
                   snapshots=(), workers=1, progress=False):
    r"""One OLS fit on ``n`` isotropic rows, the last ``n_synth`` synthetic ([dohmatob2025]_): per-chain
    :math:`\|\hat w - w_1\|^2`.

    Real labels :math:`x^\top w_1 + N(0,\sigma^2)`, synthetic labels :math:`x^\top w_2 + N(0,\sigma^2)` with
    :math:`w_2 - w_1 = \sqrt{\delta^2}(1,\dots,1)/\sqrt d` (the risk depends on :math:`\|w_2-w_1\|^2` only;
    theory: :func:`theory.regression.mixed_ols_risk`).  The run has one "generation", 0.

    Parameters
    ----------
    d : int >= 1
    n : int >= d
        Rows of the fit.
    n_synth : int in [0, n]
    chains : int >= 2
    delta2, sigma2 : float >= 0
    seed, tilt, quantiles, snapshots, workers, progress
        As in :func:`simulate_replace`.

    Returns
    -------
    RegressionRun
        ``chain="mixed"``, ``record = [0]``.
    """
    d = V.check_int(d, "d", minimum=1)
    n = _check_rows("n", n, d)
    n_synth = V.check_int(n_synth, "n_synth", minimum=0, maximum=n)
    D2, s2 = _check_noise(delta2, "delta2"), _check_noise(sigma2, "sigma2")
    _check_size("n", n * d, "n * d")
    a = _tilt(tilt, n, d)
    w1 = np.zeros(d)
    w1[-1] = 0.7
    w2 = w1 + math.sqrt(D2) * np.ones(d) / math.sqrt(d)
    target = np.where(np.arange(n)[:, None] < n - n_synth, w1, w2)   # (n, d): row-wise labeller

    def block(rng, size):
        vals, logw = np.empty((1, size)), np.empty((1, size))
        lo = 0
        for c in _subchunks(size, n * d):
            X, lx = gaussian_design(rng, c, n, d, a)
            Y = np.einsum("ctd,td->ct", X, target) + math.sqrt(s2) * rng.standard_normal((c, n))
            vals[0, lo:lo + c], logw[0, lo:lo + c] = _risk(_ols(X, Y), w1, None), lx
            lo += c
        return vals, (logw if a else None)

    params = dict(d=d, n=n, n_synth=n_synth, delta2=D2, sigma2=s2, tilt=a)
    return _simulate("mixed", params, block, **_common(chains, seed, np.array([0]), 0, snapshots, quantiles, workers,
                                                       progress, bool(a)))


def simulate_weighted(d, n, w, t, chains, *, sigma2=1.0, variant="fixed", k=1, m=None, Sigma=None, w0=None,
                      seed=None, tilt=0.0, record=None, snapshots=(), quantiles=(), workers=1, progress=False):
    r"""The weighted fresh-data chains ([he2025]_): per-chain risk at steps ``0..t``.

    :math:`\hat w_0` is OLS on real labels; step :math:`s` draws real labels :math:`X_rw_0 + e_r` and synthetic
    labels :math:`X_s\hat w_{s-1} + e_s` (noise :math:`N(0,\sigma^2)`) and fits

    * ``fixed``: OLS on :math:`(1-w)Y_s + wY_r`, one :math:`n\times d` design :math:`X_r = X_s`
      (:func:`theory.regression.weighted_ols_risk`);
    * ``replicated``: the weighted loss :math:`\frac wn\|X_r\beta-Y_r\|^2 + \frac{1-w}m\|X_s\beta-Y_s\|^2`, fixed
      :math:`m\times d` design :math:`X_s` (:math:`m = n/k`), :math:`X_r` its ``k`` stacked copies
      (:func:`theory.regression.weighted_ols_risk_replicated`);
    * ``fresh``: fresh :math:`n`- and ``m``-row designs each step, :math:`w\hat\beta_r + (1-w)\hat\beta_s`
      (:func:`theory.regression.weighted_ols_risk_fresh`);
    * ``fresh-loss``: fresh designs, the weighted loss (no closed form; for comparison).

    Parameters
    ----------
    d : int >= 1
    n : int >= d
        Real rows.
    w : float in (0, 1]
        Weight of the real labels.
    t : int >= 0
        Steps.
    chains : int >= 2
    sigma2 : float >= 0
    variant : {"fixed", "replicated", "fresh", "fresh-loss"}
    k : int >= 1
        ``replicated``: the synthetic design has ``n/k`` rows (``n`` a multiple of ``k``).
    m : int >= d, optional
        ``fresh``/``fresh-loss``: synthetic rows per step.
    Sigma, w0, seed, tilt, record, snapshots, quantiles, workers, progress
        As in :func:`simulate_replace` (the tilt acts on every design).

    Returns
    -------
    RegressionRun
        ``chain="weighted"``, ``variant`` among the parameters.
    """
    d = V.check_int(d, "d", minimum=1)
    n = _check_rows("n", n, d)
    w = float(V.check_real(w, "w", 0, 1, lower_open=True))
    t = V.check_int(t, "t", minimum=0)
    s = math.sqrt(_check_noise(sigma2, "sigma2"))
    V.check_choice(variant, "variant", WEIGHTED_VARIANTS)
    k = V.check_int(k, "k", minimum=1)
    S, half = _check_sigma(Sigma, d)
    w0 = _check_w0(w0, d)
    if variant == "replicated":
        if n % k:
            raise ValueError(f"n must be a multiple of k = {k} (the real design is k copies of the n/k synthetic "
                             f"rows), got n = {n}")
        ms = _check_rows("n/k", n // k, d)
    elif variant in ("fresh", "fresh-loss"):
        if m is None:
            raise ValueError(f"m must be given for variant={variant!r} (synthetic rows per step)")
        ms = _check_rows("m", m, d)
    else:
        ms = n
    _check_size("n", (n * k if variant == "replicated" else n + ms) * d, "the rows of the designs times d")
    a_r, a_s = _tilt(tilt, n, d), _tilt(tilt, ms, d)
    rec = _record(record, t, np.arange(t + 1))
    where = {g: i for i, g in enumerate(rec.tolist())}

    def block(rng, size):
        vals, logw = np.empty((rec.size, size)), np.empty((rec.size, size))
        lo = 0
        for c in _subchunks(size, (n + ms) * d):
            if variant in ("fixed", "replicated"):
                Xs, lw = _design(rng, c, ms, d, half, a_s)
                Xr = Xs if variant == "fixed" else np.concatenate([Xs] * k, axis=1)
            else:
                Xr, lw = _design(rng, c, n, d, half, a_r)
            wh = _ols(Xr, _labels(rng, Xr, w0, s))
            if 0 in where:
                vals[where[0], lo:lo + c], logw[where[0], lo:lo + c] = _risk(wh, w0, S), lw
            for step in range(1, t + 1):
                if variant in ("fresh", "fresh-loss"):
                    Xr, l1 = _design(rng, c, n, d, half, a_r)
                    Xs, l2 = _design(rng, c, ms, d, half, a_s)
                    lw = lw + l1 + l2
                Yr, Ys = _labels(rng, Xr, w0, s), _labels(rng, Xs, wh, s)
                if variant == "fixed":
                    wh = _ols(Xs, (1 - w) * Ys + w * Yr)
                elif variant == "fresh":
                    wh = w * _ols(Xr, Yr) + (1 - w) * _ols(Xs, Ys)
                else:  # the weighted loss, written out as weighted normal equations
                    A = (w / n) * np.swapaxes(Xr, 1, 2) @ Xr + ((1 - w) / ms) * np.swapaxes(Xs, 1, 2) @ Xs
                    b = (w / n) * np.einsum("ctd,ct->cd", Xr, Yr) + ((1 - w) / ms) * np.einsum("ctd,ct->cd", Xs, Ys)
                    wh = np.linalg.solve(A, b[..., None])[..., 0]
                if step in where:
                    vals[where[step], lo:lo + c], logw[where[step], lo:lo + c] = _risk(wh, w0, S), lw
            lo += c
        return vals, (logw if a_r or a_s else None)

    params = dict(d=d, n=n, w=w, t=t, sigma2=s * s, variant=variant, k=k, m=ms, Sigma=_sigma_label(S),
                  tilt=(a_r, a_s))
    return _simulate("weighted", params, block, **_common(chains, seed, rec, t, snapshots, quantiles, workers,
                                                          progress, bool(a_r or a_s)))


# ----------------------------------------------------------------------------- checks
def _theory_for(run, n):
    """(quantity, theory function, its arguments) for generation ``n`` of ``run``."""
    p = run.params
    chain = p["chain"]
    if chain == "replace":
        return "replace_chain_risk", th.replace_chain_risk, (n, p["d"], p["T0"], p["T"]), \
            dict(sigma2=p["sigma2"], sigma2_gen=p["sigma2_gen"])
    if chain == "overparameterized":
        if p["d"] < p["T0"] + 2:
            raise ValueError(f"run has d = {p['d']} < T0 + 2: the error has no finite closed form to check")
        return "overparameterized_chain_error", th.overparameterized_chain_error, (n, p["d"], p["T0"]), \
            dict(sigma2_gen=p["sigma2_gen"], w0_norm2=p["w0_norm2"])
    if chain == "fixed":
        if p["workflow"] == "accumulate-subsample":
            if n > 1:
                raise ValueError(f"n must be 0 or 1 for an accumulate-subsample run: its mean risk is unknown or "
                                 f"infinite from generation 2 on (theory.regression.accumulate_subsample_risk), got {n}")
            return "accumulate_subsample_risk", th.accumulate_subsample_risk, (n, p["d"], p["T"]), \
                dict(sigma2=p["sigma2"])
        return f"fixed_design_chain_risk[{p['workflow']}]", th.fixed_design_chain_risk, (n, p["d"], p["T"]), \
            dict(sigma2=p["sigma2"], workflow=p["workflow"])
    if chain == "mixed":
        return "mixed_ols_risk", th.mixed_ols_risk, (p["d"], p["n"], p["n_synth"]), \
            dict(delta2=p["delta2"], sigma2=p["sigma2"])
    variant = p["variant"]
    if variant == "fixed":
        return "weighted_ols_risk", th.weighted_ols_risk, (p["d"], p["n"], p["w"]), dict(sigma2=p["sigma2"], t=n)
    if variant == "replicated":
        return "weighted_ols_risk_replicated", th.weighted_ols_risk_replicated, (p["d"], p["n"], p["k"], p["w"]), \
            dict(sigma2=p["sigma2"], t=n)
    if variant == "fresh":
        return "weighted_ols_risk_fresh", th.weighted_ols_risk_fresh, (p["d"], p["n"], p["m"], p["w"]), \
            dict(sigma2=p["sigma2"], t=n)
    raise ValueError("run is a weighted-loss run on fresh designs (variant='fresh-loss'): it has no closed form to "
                     "check")


def _row_params(run, n):
    p = {k: v for k, v in run.params.items() if k not in ("chain",)}
    if run.chain != "mixed":
        p = dict(p, n=n) if run.chain != "weighted" else dict(p, t=n)
    if isinstance(p.get("tilt"), tuple):
        p["tilt"] = "/".join(f"{x:g}" for x in p["tilt"])
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in p.items()}


def checks_for_run(run, n, formulas=None):
    r"""The Monte Carlo row of ``run`` at recorded generation ``n`` against its closed form.

    Parameters
    ----------
    run : RegressionRun
        A run of one of the simulators of this module.
    n : int
        A recorded generation (``0`` for a mixed run; ``0`` or ``1`` for accumulate-subsample).
    formulas : dict, optional
        ``formulas[quantity](*args, **kwargs)`` replaces the theory value, called with the arguments of the
        theory function it replaces; keys in :data:`QUANTITIES` (an unknown key is a ValueError).  Used by the
        tests to show that a wrong formula is caught.

    Returns
    -------
    list of numerics.checks.Check
        One row (``agree``, ``DISAGREE`` or ``underpowered``).

    Notes
    -----
    .. math:: z = (\bar y - \theta)/\widehat{\mathrm{se}}, \qquad y_i = f_i w_i,

    :math:`f_i` the per-chain risk and :math:`w_i` its importance weight (1 for plain sampling); powered when
    :math:`N \ge 100(\hat\kappa - 1)` with :math:`\hat\kappa` the sample kurtosis of :math:`y`.

    References
    ----------
    [dohmatob2024]_; [gerstgrasser2024]_; [dohmatob2025]_; [he2025]_; [kazdan2024]_.
    """
    if not isinstance(run, RegressionRun) or run.process != PROCESS:
        raise ValueError(f"run must be the result of a numerics.regression simulator, got {type(run).__name__}")
    formulas = engine.check_formulas(formulas, QUANTITIES)
    mom = run.moments_at(n)
    quantity, f, args, kwargs = _theory_for(run, int(n))
    theory = formulas[quantity](*args, **kwargs) if quantity in formulas else f(*args, **kwargs)
    return [ck.mean_check_from_summary(PROCESS, quantity, _row_params(run, int(n)), float(theory), mom.mean, mom.sem,
                                       mom.count, kurtosis=mom.kurtosis, kurtosis_is_exact=False)]


#: Exact-vs-float points: (quantity, callable, exact arguments).
def _exact_cases():
    R = sp.Rational
    return [
        ("ols_risk", lambda e: th.ols_risk(3, 5, sigma2=R(1, 3), exact=e)),
        ("replace_chain_risk", lambda e: th.replace_chain_risk(7, 3, 6, 9, sigma2=R(1, 2), sigma2_gen=2, exact=e)),
        ("overparameterized_chain_error",
         lambda e: th.overparameterized_chain_error(5, 9, 4, sigma2_gen=R(3, 2), w0_norm2=2, exact=e)),
        ("fixed_design_chain_risk[replace]", lambda e: th.fixed_design_chain_risk(12, 4, 9, sigma2=R(7, 10), exact=e)),
        ("fixed_design_chain_risk[accumulate]",
         lambda e: th.fixed_design_chain_risk(12, 4, 9, sigma2=R(7, 10), workflow="accumulate", exact=e)),
        ("accumulate_subsample_risk", lambda e: th.accumulate_subsample_risk(1, 4, 9, sigma2=R(7, 10), exact=e)),
        ("mixed_ols_bias_factor", lambda e: th.mixed_ols_bias_factor(5, 17, 6, exact=e)),
        ("mixed_ols_risk", lambda e: th.mixed_ols_risk(3, 5, 2, delta2=2, sigma2=R(1, 2), exact=e)),
        ("weighted_ols_risk", lambda e: th.weighted_ols_risk(3, 9, R(2, 5), t=4, exact=e)),
        ("weighted_ols_risk_replicated", lambda e: th.weighted_ols_risk_replicated(2, 12, 3, R(3, 4), t=3, exact=e)),
        ("weighted_ols_risk_fresh", lambda e: th.weighted_ols_risk_fresh(2, 20, 10, R(1, 2), t=5, exact=e)),
        ("optimal_real_weight", lambda e: th.optimal_real_weight(1, exact=e)),
    ]


def exact_checks():
    r"""Float evaluation of each closed form against its exact value, and the limits at huge sizes.

    Returns
    -------
    list of numerics.checks.Check
        ``exact-vs-float`` rows: every closed form at one rational point; :math:`1/\varphi` for
        ``optimal_real_weight(1)``; the accumulate risk at :math:`n = 10^{15}` against :math:`c\pi^2/6`; the
        strong-collapse risk at :math:`n = 10^{12}` against its floor :math:`p^2\delta^2`.

    Notes
    -----
    .. math:: |f_{\rm float} - f_{\rm exact}| \le 10^{-9}|f_{\rm exact}|

    (:data:`numerics.checks.EXACT_RTOL`); at the huge sizes the exact limit differs from the finite value by
    :math:`O(1/n)`, far below the tolerance.

    References
    ----------
    [gerstgrasser2024]_ (:math:`\pi^2/6`); [dohmatob2025]_ (the floor); [he2025]_ (:math:`1/\varphi`).
    """
    rows = []
    for name, f in _exact_cases():
        exact = f(True)
        rows.append(ck.exact_check(PROCESS, name, {"point": "rational"}, sp.N(exact, 30), f(False),
                                   note=f"exact value {sp.sstr(exact)[:40]}"))
    rows.append(ck.exact_check(PROCESS, "optimal_real_weight(1) = 1/golden ratio", {"k": 1},
                               sp.N(1 / sp.GoldenRatio, 30), th.optimal_real_weight(1)))
    c = 0.7 * 4 / (9 - 4 - 1)
    rows.append(ck.exact_check(PROCESS, "fixed_design_chain_risk[accumulate] -> c pi^2/6", {"n": "1e15", "d": 4, "T": 9},
                               sp.N(sp.Rational(7, 10) * sp.pi ** 2 / 6, 30),
                               th.fixed_design_chain_risk(10 ** 15, 4, 9, sigma2=0.7, workflow="accumulate"),
                               note=f"limit c pi^2/6, c = {c:g}"))
    rows.append(ck.exact_check(PROCESS, "mixed_ols_risk -> floor p^2 delta2", {"n": "1e12", "p": 0.5, "d": 3},
                               sp.N(sp.Rational(1, 4) * 3, 30),
                               th.mixed_ols_risk(3, 10 ** 12, 5 * 10 ** 11, delta2=3, sigma2=1.0)))
    return rows


# ----------------------------------------------------------------------------- the built-in grid
SIGMA3 = ((2.0, 0.6, 0.0), (0.6, 1.0, -0.3), (0.0, -0.3, 0.4))
SIGMA5 = tuple(tuple((s if i == j else 0.0) + 0.1 for j in range(5)) for i, s in enumerate((3.0, 1.5, 1.0, 0.5, 0.2)))


def _sigma(d):
    """A fixed anisotropic row covariance (the risks must not depend on it)."""
    if d <= 3:
        return np.array(SIGMA3)[:d, :d]
    return np.array(SIGMA5)[:d, :d]


#: Default chains per verification run.
VERIFY_CHAINS = 60_000


def _grid():
    """The verification runs: (label, simulator, arguments, keyword arguments, generations checked)."""
    kw = dict(sigma2=0.5, sigma2_gen=2.0)
    return [
        # replace, fresh designs: plain far from the edge, tilted at T0 = d + 2 and at T = d + 2
        ("replace", simulate_replace, (10, 2, 10, 10), dict(kw, Sigma=_sigma(2)), (0, 1, 2, 5, 10)),
        ("replace", simulate_replace, (1, 3, 5, 11), dict(kw, Sigma=_sigma(3), tilt="auto"), (1,)),
        ("replace", simulate_replace, (2, 3, 6, 11), dict(kw, Sigma=_sigma(3), tilt="auto"), (1, 2)),
        ("replace", simulate_replace, (3, 3, 11, 5), dict(kw, Sigma=_sigma(3), tilt="auto"), (0, 3)),
        # minimum-norm chain: noise-free (bounded), noisy near the edge (tilted) and far from it
        ("overparameterized", simulate_overparameterized, (8, 5, 3), dict(w0=np.full(5, 0.5)), (1, 2, 5, 8)),
        ("overparameterized", simulate_overparameterized, (2, 6, 3), dict(sigma2_gen=0.5, tilt="auto"), (1, 2)),
        ("overparameterized", simulate_overparameterized, (4, 12, 3), dict(sigma2_gen=0.5), (1, 4)),
        # fixed design: T = d + 2 (tilted) and T = d + 10 (plain), both workflows
        ("fixed", simulate_fixed_design, (8, 2, 4), dict(sigma2=0.7, Sigma=_sigma(2), tilt="auto"), (1, 2, 8)),
        ("fixed", simulate_fixed_design, (8, 2, 4), dict(sigma2=0.7, Sigma=_sigma(2), tilt="auto",
                                                         workflow="accumulate"), (1, 2, 8)),
        ("fixed", simulate_fixed_design, (10, 4, 14), dict(sigma2=0.7, Sigma=_sigma(4)), (1, 2, 10)),
        ("fixed", simulate_fixed_design, (10, 4, 14), dict(sigma2=0.7, Sigma=_sigma(4), workflow="accumulate"),
         (1, 2, 10)),
        ("fixed", simulate_fixed_design, (1, 3, 8), dict(Sigma=_sigma(3), tilt="auto",
                                                         workflow="accumulate-subsample"), (1,)),
        # strong collapse: edge (tilted), all-synthetic, bias only, and large n
        ("mixed", simulate_mixed, (2, 4, 4), dict(tilt="auto"), (0,)),
        ("mixed", simulate_mixed, (3, 5, 2), dict(delta2=2.0, sigma2=0.5, tilt="auto"), (0,)),
        ("mixed", simulate_mixed, (3, 6, 4), dict(delta2=1.0, sigma2=0.0, tilt="auto"), (0,)),
        ("mixed", simulate_mixed, (4, 12, 6), dict(delta2=3.0, sigma2=0.2), (0,)),
        ("mixed", simulate_mixed, (2, 40, 10), dict(delta2=4.0, sigma2=0.0), (0,)),
        ("mixed", simulate_mixed, (3, 30, 27), dict(), (0,)),
        # weighted fresh data
        ("weighted", simulate_weighted, (3, 5, float(th.optimal_real_weight(1)), 6),
         dict(sigma2=0.8, Sigma=_sigma(3), tilt="auto"), (1, 6)),
        ("weighted", simulate_weighted, (2, 10, 0.3, 8), dict(sigma2=0.8, Sigma=_sigma(2)), (1, 8)),
        ("weighted", simulate_weighted, (2, 8, float(th.optimal_real_weight(2)), 6),
         dict(variant="replicated", k=2, tilt="auto"), (6,)),
        ("weighted", simulate_weighted, (2, 20, 0.5, 5), dict(variant="fresh", m=10), (5,)),
    ]


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    r"""All regression rows of ``collapse verify``: every closed form on the built-in grid, and :func:`exact_checks`.

    Grid (:func:`_grid`): replace chain with fresh designs (plain at :math:`T, T_0 = d+8`, importance-sampled at
    :math:`T_0 = d+2, d+3` and at :math:`T = d+2`, anisotropic :math:`\Sigma`); minimum-norm chain (noise-free, and
    noisy at :math:`d = T_0+3` tilted and :math:`d = T_0+9` plain); fixed design, replace and accumulate at
    :math:`T = d+2` (tilted) and :math:`T = d+10`, accumulate-subsample at generation 1; strong collapse from
    :math:`n = d+2` to :math:`n = 40`; the weighted chains at :math:`1/\varphi` and :math:`w^*(2)`.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS], optional
        Chains per run (default :data:`VERIFY_CHAINS`).
    seed : int >= 0, SeedSequence or None, default DEFAULT_SEED
        Root seed; run ``i`` uses child ``i``.
    progress : bool, default True

    Returns
    -------
    list of numerics.checks.Check

    Notes
    -----
    Each Monte Carlo row is :func:`checks_for_run` (a z-test with the power criterion on the sample kurtosis of
    the weighted per-chain risk).

    References
    ----------
    [dohmatob2024]_; [gerstgrasser2024]_; [dohmatob2025]_; [he2025]_; [kazdan2024]_.
    """
    chains = VERIFY_CHAINS if chains is None else V.check_int(chains, "chains", minimum=MIN_CHAINS,
                                                             maximum=MAX_CHAINS)
    V.check_flag(progress, "progress")
    grid = _grid()
    seeds = _rng.check_seed(seed).spawn(len(grid))
    rows = []
    for (label, sim, args, kwargs, gens), ss in zip(grid, seeds):
        if sim is simulate_mixed:
            run = sim(*args, chains, seed=ss, progress=progress, **kwargs)
        else:
            run = sim(*args, chains, seed=ss, record=gens, progress=progress, **kwargs)
        for g in gens:
            rows += checks_for_run(run, g)
    return rows + exact_checks()


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the row of checks_for_run of every chain with a
# closed form, at any parameters, from the mergeable Moments of blocks of chains.
from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402

#: The chain of a sweep cell -> the quantity of its row (:data:`QUANTITIES`; ``fresh-loss`` has no closed form).
SWEEP_CHAINS = {"replace": "replace_chain_risk", "overparameterized": "overparameterized_chain_error",
                "fixed": "fixed_design_chain_risk[replace]", "accumulate": "fixed_design_chain_risk[accumulate]",
                "accumulate-subsample": "accumulate_subsample_risk", "mixed": "mixed_ols_risk",
                "weighted": "weighted_ols_risk", "weighted-replicated": "weighted_ols_risk_replicated",
                "weighted-fresh": "weighted_ols_risk_fresh"}
#: Parameters of a sweep cell, with their domains (those of :mod:`theory.regression`) and defaults; each chain uses
#: the parameters of its simulator (``T`` is the rows of the scored fit: the downstream fit of ``replace``, the one
#: design of ``fixed``/``accumulate``/``accumulate-subsample``, all ``n`` rows of ``mixed``, the real rows ``n`` of
#: the weighted chains).
SWEEP_PARAMETERS = {
    "chain": SweepParameter(V.Choice(*SWEEP_CHAINS, doc="The chain (its simulator and closed form)."), "replace"),
    "d": SweepParameter(th.DIM, 2), "T0": SweepParameter(th.ROWS0, 10), "T": SweepParameter(th.ROWS, 10),
    "n": SweepParameter(V.GENERATIONS, 5),
    "n_synth": SweepParameter(th.SYNTH, 2), "w": SweepParameter(th.WEIGHT, 0.5), "k": SweepParameter(th.COPIES, 1),
    "m": SweepParameter(th.SYNTH_ROWS, 10),
    "sigma2": SweepParameter(th.NOISE, 1.0), "sigma2_gen": SweepParameter(th.NOISE_GEN, 1.0),
    "delta2": SweepParameter(th.DELTA2, 1.0),
    "Sigma": SweepParameter(V.Choice("I", "general", doc="Row covariance: the identity or an AR(1) covariance with "
                                                         "unequal scales (the risks do not depend on it)."), "I"),
    "tilt": SweepParameter(V.Choice("auto", "none", doc="Importance sampling of the designs near T = d + 2 "
                                                        "(auto_tilt) or plain sampling."), "auto")}
#: One simulation of a cell passes every generation (``n``: generators, fits or steps ``t``; 0 for ``mixed``).
SWEEP_GENERATIONS = "n"
#: Quantities a sweep may select (a cell gives the row of its own chain).
SWEEP_QUANTITIES = tuple(SWEEP_CHAINS.values())
#: The parameters each chain uses (the row's parameters, with ``n``).
_SWEEP_USES = {"replace": ("d", "T0", "T", "sigma2", "sigma2_gen", "Sigma"),
               "overparameterized": ("d", "T0", "sigma2_gen"), "fixed": ("d", "T", "sigma2", "Sigma"),
               "accumulate": ("d", "T", "sigma2", "Sigma"), "accumulate-subsample": ("d", "T", "sigma2", "Sigma"),
               "mixed": ("d", "T", "n_synth", "delta2", "sigma2"), "weighted": ("d", "T", "w", "sigma2", "Sigma"),
               "weighted-replicated": ("d", "T", "k", "w", "sigma2", "Sigma"),
               "weighted-fresh": ("d", "T", "m", "w", "sigma2", "Sigma")}


def _sweep_sigma(d):
    r""":math:`\Sigma_{ij} = s_is_j0.5^{|i-j|}`, :math:`s_i = 1 + i/d` (positive definite: an AR(1) correlation)."""
    s = 1.0 + np.arange(d) / d
    return np.outer(s, s) * 0.5 ** np.abs(np.subtract.outer(np.arange(d), np.arange(d)))


def _sweep_theory_params(params):
    """The ``run.params`` a simulator would record for the cell (what :func:`_theory_for` reads)."""
    c, p = params["chain"], params
    if c in ("replace", "overparameterized"):
        return dict(chain=c, d=p["d"], T0=p["T0"], T=p["T"], sigma2=p["sigma2"], sigma2_gen=p["sigma2_gen"],
                    w0_norm2=1.0)
    if c in ("fixed", "accumulate", "accumulate-subsample"):
        return dict(chain="fixed", d=p["d"], T=p["T"], sigma2=p["sigma2"],
                    workflow="replace" if c == "fixed" else c)
    if c == "mixed":
        return dict(chain="mixed", d=p["d"], n=p["T"], n_synth=p["n_synth"], delta2=p["delta2"], sigma2=p["sigma2"])
    return dict(chain="weighted", d=p["d"], n=p["T"], w=p["w"], sigma2=p["sigma2"], k=p["k"], m=p["m"],
                variant={"weighted": "fixed", "weighted-replicated": "replicated", "weighted-fresh": "fresh"}[c])


def _sweep_theory(params, n):
    quantity, f, args, kwargs = _theory_for(types.SimpleNamespace(params=_sweep_theory_params(params)), n)
    return quantity, float(f(*args, **kwargs))


def sweep_check(params):
    """The closed form of the cell exists at its largest generation, and the cell fits the chain's simulator.

    ValueError naming the parameter: the rows the closed form needs (``T >= d + 2``, ``d >= T0 + 2``, ...), ``n``
    only 0 for ``mixed`` and at most 1 for ``accumulate-subsample``, ``Sigma`` the identity for the isotropic
    chains, and the designs within :data:`MAX_CHAIN_ELEMENTS`.
    """
    c, ns, d = params["chain"], params["n"], params["d"]
    if c == "mixed" and tuple(ns) != (0,):
        raise ValueError(f"n must be 0 for chain mixed (one fit, no generations), got {list(ns)}")
    if c == "accumulate-subsample" and max(ns) > 1:
        raise ValueError(f"n must be 0 or 1 for chain accumulate-subsample (its mean risk is unknown or infinite from "
                         f"model 2 on), got {list(ns)}")
    if c == "overparameterized" and d < params["T0"] + 2:
        raise ValueError(f"d must be >= T0 + 2 = {params['T0'] + 2} for chain overparameterized (a finite mean error: "
                         f"E tr (X X^T)^-1 = T0/(d - T0 - 1)), got d = {d}")
    if c in ("overparameterized", "mixed") and params["Sigma"] != "I":
        raise ValueError(f"Sigma must be 'I' for chain {c} (isotropic designs), got {params['Sigma']!r}")
    rows = {"T0": params["T0"], "T": params["T"], "m": params["m"]}
    for name in ("T0", "T", "m"):
        if name in _SWEEP_USES[c]:
            _check_size(name, rows[name] * d, f"{name} * d")
    _sweep_theory(params, max(ns))


def _sweep_run(params, chains, seed):
    c, ns, d = params["chain"], params["n"], params["d"]
    S = _sweep_sigma(d) if params["Sigma"] == "general" else None
    kw = dict(seed=seed, tilt="auto" if params["tilt"] == "auto" else 0.0)
    if c == "mixed":
        return simulate_mixed(d, params["T"], params["n_synth"], chains, delta2=params["delta2"],
                              sigma2=params["sigma2"], **kw)
    kw["record"] = ns
    if c == "replace":
        return simulate_replace(max(ns), d, params["T0"], params["T"], chains, sigma2=params["sigma2"],
                                sigma2_gen=params["sigma2_gen"], Sigma=S, **kw)
    if c == "overparameterized":
        return simulate_overparameterized(max(ns), d, params["T0"], chains, sigma2_gen=params["sigma2_gen"], **kw)
    if c in ("fixed", "accumulate", "accumulate-subsample"):
        return simulate_fixed_design(max(ns), d, params["T"], chains, sigma2=params["sigma2"], Sigma=S,
                                     workflow="replace" if c == "fixed" else c, **kw)
    variant = _sweep_theory_params(params)["variant"]
    return simulate_weighted(d, params["T"], params["w"], max(ns), chains, sigma2=params["sigma2"], variant=variant,
                             k=params["k"], m=params["m"] if variant == "fresh" else None, Sigma=S, **kw)


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` chains of one cell (:mod:`numerics.protocol`, sweep cells).

    The ``Moments`` of the per-chain risk times its importance weight at each generation ``n`` of the cell
    (:attr:`RegressionRun.moments`); keys ``"risk@<n>"``.
    """
    run = _sweep_run(params, chains, seed)
    return {f"risk@{n}": run.moments_at(n) for n in params["n"]}


def sweep_rows(params, merged, quantities):
    """The row of :func:`checks_for_run` at each generation of the cell (if its chain's quantity is selected)."""
    c = params["chain"]
    if SWEEP_CHAINS[c] not in quantities:
        return []
    rows = []
    for n in params["n"]:
        quantity, theory = _sweep_theory(params, n)
        p = dict({"chain": c}, **{k: params[k] for k in _SWEEP_USES[c]}, n=n)
        rows.append(_sweep.mean_row(PROCESS, quantity, p, theory, merged[f"risk@{n}"]))
    return rows
