r"""Monte Carlo simulation of discrete resampling (neutral Wright-Fisher) and its checks.

The simulator
-------------
:func:`simulate` runs ``chains`` independent copies of the process of
:mod:`theory.discrete`: generation 0 is the model ``p``; generation
:math:`n+1` holds the counts :math:`X^{(n+1)} \sim \mathrm{Multinomial}(M,
X^{(n)}/M)`.  The live chains are kept in two groups:

* chains with three or more surviving categories: one
  ``Generator.multinomial`` call per generation on the whole group, each
  chain's surviving categories packed to the right when the widest chain has
  narrowed (extinct categories are exact zeros, cheap to skip, and the last
  column takes the remaining samples without a draw, so a row costs about one
  binomial per surviving category);
* chains with two surviving categories (all chains when ``K = 2``): the count
  ``x`` of one of them is refitted as :math:`\mathrm{Binomial}(M, x/M)`, by
  inversion with a cached table of the ``M + 1`` possible CDFs (for
  ``M <= 1500`` and enough work to pay for the table; otherwise
  ``Generator.binomial``).

A chain that reaches a delta (absorbing) leaves the active set -- its future is
known -- so the cost of a run is the number of *live* chain-generations.
Statistics, absorption times, removals and moves between groups are done once
per window of generations, vectorised over the window.  Chains are split into
fixed blocks seeded by :func:`numerics._rng.blocks`, so the result depends only
on ``seed``, ``chains`` and the arguments of the run.

What is recorded
----------------
Per generation ``n = 0..generations``: the sums of :math:`H^k` (Gini-Simpson
diversity :math:`H = 1 - \sum_i p_i^2`) and of :math:`S^k` (number of surviving
categories) for ``k = 1..4`` over all chains (enough for means, standard errors
and the kurtosis used by the power criterion), and for each category the number
of chains in which it is still present (the fate of rare categories).  Per
chain: the absorption time (``-1`` when not absorbed by ``generations``) and the
category that took over (``-1`` likewise).

:func:`verification_checks` compares every closed form and exact quantity of
:mod:`theory.discrete` with these estimates (z-tests with power criterion, see
:mod:`numerics.checks`) and the exact rational evaluations with the float64 ones.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
import sympy as sp
from scipy.special import gammaln

from numerics import checks
from numerics import _rng
from numerics._rng import BlockRunner, Progress, blocks
from numerics.engine import DEFAULT_SEED, Run, Summary, check_formulas
from theory import validation as V
from theory import discrete as th

PROCESS = "discrete"

__all__ = ["PROCESS", "MIN_CHAINS", "MAX_CHAINS", "DEFAULT_CHAINS", "FORMULAS", "SimulationResult", "simulate",
           "simulate_naive", "checks_for_run", "exact_checks", "verification_checks", "check_heterozygosity",
           "check_fixation", "check_loss", "check_survival", "check_absorption_time",
           "check_absorption_distribution", "check_surviving_categories", "check_time_to_collapse"]
#: Default number of chains of :func:`verification_checks`.
DEFAULT_CHAINS = 100_000
#: Fewest chains :func:`verification_checks` accepts (a sample variance needs two draws).  Rows estimated from fewer
#: than :data:`numerics.checks.MIN_SAMPLES` chains come out underpowered: they neither pass nor fail.
MIN_CHAINS = 2
#: Most chains :func:`verification_checks` accepts: the absorption time and final counts of every chain are kept
#: (about 100 bytes a chain at peak, measured), so peak memory stays near 1 GB at the limit (a larger budget would end
#: in a MemoryError).
MAX_CHAINS = 10_000_000


def _summary(sums, chains):
    """Mean, standard error and standard deviation per generation from the power sums ``sum X^k``."""
    mean = sums[:, 0] / chains
    var = np.maximum(sums[:, 1] / chains - mean * mean, 0.0) * chains / max(chains - 1, 1)
    std = np.sqrt(var)
    return Summary(mean, std / math.sqrt(chains), std)


@dataclasses.dataclass
class SimulationResult(Run):
    """Summary of a :func:`simulate` run (an :class:`numerics.engine.Run`: ``M`` and ``K`` are its ``params``;
    ``summaries`` hold the heterozygosity ``"H"`` and surviving categories ``"S"`` at every generation).

    Attributes
    ----------
    p : ndarray (K,)
        Original model (generation 0).
    absorption_time : ndarray (chains,) int64
        First ``n`` with a delta model; ``-1`` if not absorbed by ``generations``.
    fixed_category : ndarray (chains,) int64
        Category holding everything at absorption; ``-1`` if not absorbed.
    H_moments : ndarray (generations+1, 4)
        ``sum over chains of H_n^k``, ``k = 1..4``.
    S_moments : ndarray (generations+1, 4)
        ``sum over chains of S_n^k`` (surviving categories), ``k = 1..4``.
    alive : ndarray (generations+1, K) int64
        Number of chains in which category ``k`` is present at generation ``n``.
    chain_generations : int
        Live chain-generations simulated (the work done).
    """

    p: np.ndarray = None
    absorption_time: np.ndarray = None
    fixed_category: np.ndarray = None
    H_moments: np.ndarray = None
    S_moments: np.ndarray = None
    alive: np.ndarray = None
    chain_generations: int = 0

    @classmethod
    def from_sums(cls, p, M, generations, chains, absorption_time, fixed_category, H_moments, S_moments, alive,
                  chain_generations):
        """The result, with :class:`numerics.engine.Summary` of ``H_n`` and ``S_n`` from their power sums."""
        return cls(process=PROCESS, params={"M": M, "K": int(np.size(p))}, generations=generations, chains=chains,
                   record=np.arange(generations + 1), summaries={"H": _summary(H_moments, chains),
                                                                 "S": _summary(S_moments, chains)},
                   p=p, absorption_time=absorption_time, fixed_category=fixed_category, H_moments=H_moments,
                   S_moments=S_moments, alive=alive, chain_generations=chain_generations)

    def mean_heterozygosity(self):
        """Monte Carlo ``E[H_n]``, ``n = 0..generations``."""
        return self.H_moments[:, 0] / self.chains

    def mean_surviving(self):
        """Monte Carlo ``E[S_n]``, ``n = 0..generations``."""
        return self.S_moments[:, 0] / self.chains

    def survival_fraction(self):
        """Fraction of chains in which each category is present, shape ``(generations+1, K)``."""
        return self.alive / self.chains


#: Generations per bookkeeping pass: statistics, absorption times, the removal of absorbed
#: chains and the regrouping of chains are done once per window (vectorised over it).
_WINDOW = 16


def _powers_sums(V, out):
    """``out[:, k-1] += sum over axis 1 of V**k`` for ``k = 1..4`` (``V`` float, shape (L, b))."""
    V2 = V * V
    out[:, 0] += V.sum(axis=1)
    out[:, 1] += V2.sum(axis=1)
    out[:, 2] += (V2 * V).sum(axis=1)
    V2 *= V2
    out[:, 3] += V2.sum(axis=1)


def _multinomial_draw(rng, X, M):
    """One refit of every chain in ``X`` (shape ``(b, R)``, rows summing to ``M``): ``Multinomial(M, X/M)``.

    ``Generator.multinomial`` draws each row as conditional binomials with exact
    zeros for extinct categories and stops once all ``M`` samples are placed, so
    a row costs about one binomial per surviving category (none for the last
    column when it holds a survivor, see :func:`_compact_rows`).  It hands the last column
    whatever its float conditional probabilities left over; should that column
    be extinct in a chain (a rounding event of probability ~1e-13), the chain
    is redrawn, so extinct categories stay extinct exactly.
    """
    Y = rng.multinomial(M, X / M)
    dead_last = X[:, -1] == 0
    bad = np.flatnonzero(Y[:, -1][dead_last])
    while bad.size:
        rows = np.flatnonzero(dead_last)[bad]
        Y[rows] = rng.multinomial(M, X[rows] / M)
        bad = bad[Y[rows, -1] > 0]
    return Y


def _compact_rows(X, lab, width):
    """Move each chain's surviving categories (in order) to the last of ``width`` columns.

    The last column is then a surviving category of every chain: ``Generator.multinomial``
    gives it the remaining samples without a draw."""
    nz = X > 0
    dest = np.cumsum(nz, axis=1)
    dest += (width - 1) - dest[:, -1:]
    r, c = np.nonzero(nz)
    d = dest[r, c]
    X2 = np.zeros((X.shape[0], width), dtype=np.int64)
    lab2 = np.zeros((X.shape[0], width), dtype=np.int64)
    X2[r, d] = X[r, c]
    lab2[r, d] = lab[r, c]
    return X2, lab2


#: Largest ``M`` for which two-category chains use the inversion table of :func:`_binomial_table`
#: (``(M+1)^2`` doubles and ``(M+1) (C+1)`` indices), and the number ``C`` of guide cells per row.
_TABLE_MAX_M = 1500
_GUIDE_CELLS = 2048


@functools.lru_cache(maxsize=1)  # at most ~43 MB (M = 1500) kept between runs
def _binomial_table(M):
    r"""Inversion table for :math:`\mathrm{Binomial}(M, k/M)`, ``k = 0..M`` (the refit of a two-category chain).

    Returns ``(F, G)``: ``F`` (flattened ``(M+1, M+1)``) holds the CDFs
    ``F[k, j] = P(Bin(M, k/M) <= j)`` (pmf from log-gamma, normalised per row,
    relative accuracy ~1e-12; ``F[k, M] = 1``), and the guide ``G`` (flattened
    ``(M+1, C+1)``, ``C`` = :data:`_GUIDE_CELLS`) holds
    ``G[k, i] = k (M+1) + #{j : F[k, j] <= i/C}`` (``G[k, C] = k (M+1) + M``),
    so that the draw for a uniform ``u`` in cell ``i = floor(C u)`` lies in
    ``[G[k, i], G[k, i+1]]`` (as a flat index into ``F``).
    """
    C = _GUIDE_CELLS
    j = np.arange(M + 1)
    F = np.empty((M + 1, M + 1))
    F[0] = 1.0
    F[M] = 0.0
    F[M, M] = 1.0
    if M > 1:
        q = np.arange(1, M) / M
        logc = gammaln(M + 1.0) - gammaln(j + 1.0) - gammaln(M - j + 1.0)
        pmf = np.exp(logc + j * np.log(q)[:, None] + (M - j) * np.log1p(-q)[:, None])
        pmf /= pmf.sum(axis=1, keepdims=True)
        np.cumsum(pmf, axis=1, out=F[1:M])
        np.minimum(F[1:M], 1.0, out=F[1:M])
        F[1:M, M] = 1.0
    cell = np.ceil(F * C).astype(np.int64)  # exact: C is a power of two; F <= i/C  <=>  cell <= i
    cell += (np.arange(M + 1) * (C + 1))[:, None]
    G = np.cumsum(np.bincount(cell.ravel(), minlength=(M + 1) * (C + 1)))
    G[C::C + 1] -= 1  # the last cell's upper end: the draw is at most M
    return F.ravel(), G


def _table_binomial(rng, x, M, table):
    """``Binomial(M, x/M)`` for each entry of ``x`` (integers in ``0..M``) by inversion with :func:`_binomial_table`."""
    F, G = table
    C = _GUIDE_CELLS
    u = rng.random(x.size)
    base = x * (M + 1)
    gi = x * (C + 1) + (u * C).astype(np.int64)
    lo = G[gi]
    hi = G[gi + 1]
    j = lo + (F[lo] <= u)  # exact when the cell holds at most one CDF step
    wide = np.flatnonzero(hi - lo > 1)
    if 0 < wide.size <= 16:  # a few cells in the tails span several values: search their CDF steps
        for e in wide.tolist():
            j[e] = lo[e] + np.searchsorted(F[lo[e]:hi[e]], u[e], side="right")
    elif wide.size:
        w = hi[wide] - lo[wide]
        start = np.cumsum(w) - w
        pos = np.repeat(lo[wide] - start, w) + np.arange(int(w.sum()))
        below = (F[pos] <= np.repeat(u[wide], w)).astype(np.int64)
        j[wide] = lo[wide] + np.add.reduceat(below, start)
    j -= base
    return j


class _Pairs:
    """Chains with at most two surviving categories ``lab0``, ``lab1``: ``x`` (count of ``lab0``) is a
    chain of ``Binomial(M, x/M)`` draws -- one binomial per chain and generation."""

    def __init__(self, K):
        self.K = K
        self.idx = np.zeros(0, dtype=np.int64)
        self.x = np.zeros(0, dtype=np.int64)
        self.lab0 = np.zeros(0, dtype=np.int64)
        self.lab1 = np.zeros(0, dtype=np.int64)

    def add(self, idx, x, lab0, lab1):
        self.idx = np.concatenate([self.idx, idx])
        self.x = np.concatenate([self.x, x])
        self.lab0 = np.concatenate([self.lab0, lab0])
        self.lab1 = np.concatenate([self.lab1, lab1])

    def account(self, W, n, M, st):
        """Statistics of generations ``n .. n+L-1`` (rows of ``W``), absorption times, removal."""
        L, b = W.shape
        K = self.K
        rows = slice(n, n + L)
        # H = 1 - (x^2 + (M-x)^2)/M^2 = 2 x (M-x) / M^2, from exact integers
        _powers_sums((W * (M - W)) * (2.0 / (float(M) * M)), st.Hm[rows])
        has0 = W > 0
        has1 = W < M
        a0 = np.count_nonzero(has0, axis=1)
        a1 = np.count_nonzero(has1, axis=1)
        if K == 2:
            st.alive[rows, 0] += a0
            st.alive[rows, 1] += a1
        else:
            base = (np.arange(L) * K)[:, None]
            cnt = np.bincount((base + self.lab0)[has0], minlength=L * K)
            cnt += np.bincount((base + self.lab1)[has1], minlength=L * K)
            st.alive[rows] += cnt.reshape(L, K)
        two = a0 + a1 - b  # chains holding both categories (S = 2); the others have S = 1
        st.Sm[rows] += two[:, None] * np.array([1.0, 3.0, 7.0, 15.0]) + float(b)
        last = W[-1]
        self.x = last
        dead = (last == 0) | (last == M)
        if dead.any():
            cols = np.flatnonzero(dead)
            cat = np.where(last[cols] == M, self.lab0[cols], self.lab1[cols])
            fresh = st.T[self.idx[cols]] < 0
            new = cols[fresh]
            if new.size:
                sub = W[:, new]
                st.T[self.idx[new]] = n + np.argmax((sub == 0) | (sub == M), axis=0)
                st.fixed[self.idx[new]] = cat[fresh]
            if st.drop:
                st.removed[n + L] += np.bincount(cat, minlength=K)
                keep = ~dead
                self.idx, self.x = self.idx[keep], self.x[keep]
                self.lab0, self.lab1 = self.lab0[keep], self.lab1[keep]


class _Many:
    """Chains with more than two surviving categories: counts ``X`` of shape ``(b, R)``; each row holds
    a chain's surviving categories (labels ``lab``) first, extinct ones as zeros."""

    def __init__(self, X, lab, idx):
        self.X, self.lab, self.idx = X, lab, idx

    def account(self, Q, S, n, M, st, pairs):
        """Statistics from ``Q`` (sum of squared counts) and ``S`` (surviving categories) of
        generations ``n .. n+L-1``; absorption times; chains down to two categories move to ``pairs``."""
        L = Q.shape[0]
        rows = slice(n, n + L)
        H = 1.0 - Q / (float(M) * M)
        np.maximum(H, 0.0, out=H)
        _powers_sums(H, st.Hm[rows])
        _powers_sums(S.astype(float), st.Sm[rows])
        X, lab, idx = self.X, self.lab, self.idx
        last = S[-1]
        dead = last == 1
        if dead.any():
            cols = np.flatnonzero(dead)
            cat = lab[cols, np.argmax(X[cols], axis=1)]
            fresh = st.T[idx[cols]] < 0
            new = cols[fresh]
            if new.size:
                st.T[idx[new]] = n + np.argmax(S[:, new] == 1, axis=0)
                st.fixed[idx[new]] = cat[fresh]
            if st.drop:
                st.removed[n + L] += np.bincount(cat, minlength=st.K)
        # down to two categories (and, when absorbed chains are kept, absorbed): continue as a pair
        move = last == 2 if st.drop else last <= 2
        stay = last > 2
        if move.any():
            cols = np.flatnonzero(move)
            nz = X[cols] > 0
            r0 = np.argmax(nz, axis=1)
            r1 = X.shape[1] - 1 - np.argmax(nz[:, ::-1], axis=1)
            pairs.add(idx[cols], X[cols, r0], lab[cols, r0], lab[cols, r1])
        if not stay.all():
            X, lab, idx = X[stay], lab[stay], idx[stay]
            last = last[stay]
        if last.size:
            width = int(last.max())
            if width < X.shape[1]:
                X, lab = _compact_rows(X, lab, width)
        self.X, self.lab, self.idx = X, lab, idx


class _Stats:
    """Per-block accumulators shared by the groups."""

    def __init__(self, K, G1, n_chains, drop):
        self.K, self.drop = K, drop
        self.Hm = np.zeros((G1, 4))
        self.Sm = np.zeros((G1, 4))
        self.alive = np.zeros((G1, K), dtype=np.int64)
        self.removed = np.zeros((G1 + 1, K), dtype=np.int64)  # chains removed before generation n, by category
        self.T = np.full(n_chains, -1, dtype=np.int64)
        self.fixed = np.full(n_chains, -1, dtype=np.int64)


def _simulate_chains(p, M, G1, n_chains, rng, st, table):
    """Generations ``1 .. G1-1`` of ``n_chains`` chains, in windows of :data:`_WINDOW` generations.

    Two-category chains are refitted by inversion with ``table`` (:func:`_binomial_table`) when given,
    else with ``Generator.binomial``."""
    K = p.size
    pairs = _Pairs(K)
    many = None
    n = 1
    while n < G1:
        L = min(_WINDOW, G1 - n)
        if n == 1:  # generation 1 is drawn from the original p (not necessarily a multiple of 1/M)
            if K == 2:
                x = rng.binomial(M, p[0], size=n_chains)
                pairs.add(np.arange(n_chains), x, np.zeros(n_chains, np.int64), np.ones(n_chains, np.int64))
            else:
                X = rng.multinomial(M, p, size=n_chains)
                lab = np.tile(np.arange(K, dtype=np.int64), (n_chains, 1))
                many = _Many(X, lab, np.arange(n_chains))
        b2 = pairs.idx.size
        bm = many.idx.size if many is not None else 0
        if b2 == 0 and bm == 0:
            break
        W = np.empty((L, b2), dtype=np.int64)
        Q = np.empty((L, bm), dtype=np.int64)
        S = np.empty((L, bm), dtype=np.int64)
        prev = pairs.x
        X = many.X if bm else None
        for i in range(L):
            first = n == 1 and i == 0
            if b2:
                if first:
                    W[i] = prev
                elif table is None:
                    W[i] = rng.binomial(M, prev / M)
                else:
                    W[i] = _table_binomial(rng, prev, M, table)
                prev = W[i]
            if bm:
                if not first:
                    X = _multinomial_draw(rng, X, M)
                np.einsum("bk,bk->b", X, X, out=Q[i])
                nz = X > 0
                np.sum(nz, axis=1, out=S[i])
                st.alive[n + i] += np.bincount(many.lab[nz], minlength=K)
        if b2:
            pairs.account(W, n, M, st)
        if bm:
            many.X = X
            many.account(Q, S, n, M, st, pairs)
        n += L


def _run_block(p, M, generations, n_chains, rng, drop=True, table=None):
    """Simulate one block of chains; with ``drop`` absorbed chains leave the active set.

    Statistics of the chains in the arrays are gathered per window of
    generations; a chain removed after absorbing on category ``k`` contributes
    ``H = 0``, ``S = 1`` and presence of ``k`` to every later generation.
    """
    K = p.size
    G1 = generations + 1
    powers = np.arange(1, 5)
    st = _Stats(K, G1, n_chains, drop)
    H0 = 1.0 - float(np.sum(p * p))
    S0 = int(np.count_nonzero(p > 0))
    st.Hm[0] = n_chains * H0 ** powers
    st.Sm[0] = n_chains * float(S0) ** powers
    st.alive[0] = n_chains * (p > 0)
    start = G1 > 1
    if S0 == 1:
        st.T[:] = 0
        st.fixed[:] = int(np.argmax(p))
        if drop:
            st.removed[1, int(np.argmax(p))] = n_chains
            start = False
    if start:
        _simulate_chains(p, M, G1, n_chains, rng, st, table)
    gone = np.cumsum(st.removed[:G1], axis=0)
    st.alive += gone
    st.Sm += gone.sum(axis=1)[:, None]
    if drop:
        work = int(np.where(st.T >= 0, st.T, generations).sum())
    else:
        work = n_chains * generations
    return st.T, st.fixed, st.Hm, st.Sm, st.alive, work


def simulate(p, M, generations, chains, *, seed=None, stop_when_absorbed=True, workers=1, progress=False):
    r"""Simulate ``chains`` independent runs of categorical refitting for ``generations`` generations.

    Generation 0 is the model ``p``; generation ``n+1`` is the empirical
    frequency vector of ``M`` samples from generation ``n`` (haploid, ``M``
    copies): :math:`X^{(n+1)} \sim \mathrm{Multinomial}(M, X^{(n)}/M)`.

    Parameters
    ----------
    p : sequence of float
        Original probability vector (``K >= 2``, non-negative, sums to 1 within 1e-12).
    M : int, ``M >= 1``
        Samples per generation.
    generations : int, ``>= 0``
    chains : int, ``>= 1``
    seed : int, SeedSequence or None
        Master seed; chains are seeded in fixed blocks (:func:`numerics._rng.blocks`).
    stop_when_absorbed : bool
        Remove absorbed chains from the active set (their future is known: the
        delta stays).  ``False`` simulates every chain every generation (same
        distribution, for benchmarking the bookkeeping).
    workers : int, ``>= 1``
        Threads running blocks of chains at once; the result does not depend on it (block ``b`` always
        draws from child ``b`` of the seed, and block results are summed in block order).
    progress : bool
        One-line progress on stderr.

    Returns
    -------
    SimulationResult

    Notes
    -----
    Shumailov et al. (2024), sec. 3.1; the neutral Wright-Fisher model (Ewens 2004).
    """
    p = V.check_probability_vector(p, "p")
    M = V.check_int(M, "M", minimum=1)
    generations = V.check_int(generations, "generations", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    workers = _rng.check_workers(workers)
    if not isinstance(stop_when_absorbed, (bool, np.bool_)):
        raise ValueError(f"stop_when_absorbed must be True or False, got {stop_when_absorbed!r}")
    K = p.size
    G1 = generations + 1
    T = np.empty(chains, dtype=np.int64)
    fixed = np.empty(chains, dtype=np.int64)
    Hm = np.zeros((G1, 4))
    Sm = np.zeros((G1, 4))
    alive = np.zeros((G1, K), dtype=np.int64)
    work = 0
    # the inversion table pays for itself once there are about (M+1)^2 chain-generations to draw
    use_table = M <= _TABLE_MAX_M and chains * generations >= (M + 1) ** 2
    table = _binomial_table(M) if use_table else None
    blist = blocks(seed, chains)
    prog = Progress(len(blist), f"discrete K={K} M={M}", progress)
    drop = bool(stop_when_absorbed)
    with BlockRunner(workers) as runner:
        done = []

        def one(item):
            sl, rng = item
            out = _run_block(p, M, generations, sl.stop - sl.start, rng, drop=drop, table=table)
            done.append(1)
            prog.update(len(done))
            return out

        results = runner.map(one, blist)
    for (sl, _), (t, f, h, s, a, w) in zip(blist, results):  # summed in block order: independent of workers
        T[sl], fixed[sl] = t, f
        Hm += h
        Sm += s
        alive += a
        work += w
    return SimulationResult.from_sums(p, M, generations, chains, T, fixed, Hm, Sm, alive, int(work))


def simulate_naive(p, M, generations, chains, *, seed=None):
    """Baseline: ``Generator.multinomial`` per generation on all chains, no bookkeeping.

    Returns the final counts ``(chains, K)``; used by the benchmarks as the
    reference cost (same distribution as :func:`simulate`).
    """
    p = V.check_probability_vector(p, "p")
    M = V.check_int(M, "M", minimum=1)
    generations = V.check_int(generations, "generations", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    out = np.empty((chains, p.size), dtype=np.int64)
    for sl, rng in blocks(seed, chains):
        X = np.broadcast_to(p, (sl.stop - sl.start, p.size))
        cur = None
        for _ in range(generations):
            cur = rng.multinomial(M, X)
            X = cur / M
        out[sl] = cur if cur is not None else np.round(X * M)
    return out


# ----------------------------------------------------------------------------- check builders
def _check_sim(sim):
    """``sim`` must be a :class:`SimulationResult` (what :func:`simulate` returns)."""
    if not isinstance(sim, SimulationResult):
        raise ValueError(f"sim must be a SimulationResult from simulate(), got {type(sim).__name__}")
    return sim


def _check_ns(sim, ns):
    """Generations to check: a non-empty 1-D sequence of integers in ``0..sim.generations``."""
    out = V.check_generation_list(ns, "ns", maximum=sim.generations)
    if out.size == 0:
        raise ValueError("ns must name at least one generation")
    return out


def _check_initial_counts(sim, counts, name="counts"):
    """``counts`` must be the initial counts of ``sim``: ``len(counts) = K`` and ``counts = p * M``."""
    try:
        arr = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D sequence of integer counts") from None
    if arr.ndim != 1 or arr.size != sim.p.size:
        raise ValueError(f"{name} must hold one count per category (K = {sim.p.size}), got shape {arr.shape}")
    if not np.allclose(arr, sim.p * sim.M, rtol=0, atol=1e-9):
        raise ValueError(f"{name} must be the initial counts p * M = {(sim.p * sim.M).tolist()} of sim, "
                         f"got {arr.tolist()}")
    return [int(round(c)) for c in arr]


def _check_two_type_start(sim, i):
    """``sim`` is a two-type run started with ``i`` of ``M`` copies of type 1."""
    if sim.p.size != 2:
        raise ValueError(f"sim must be a two-type run (K = 2), got K = {sim.p.size}")
    i = V.check_int(i, "i", minimum=0, maximum=sim.M)
    if abs(sim.p[0] * sim.M - i) > 1e-9:
        raise ValueError(f"i must be the initial count p[0] * M = {sim.p[0] * sim.M:g} of sim, got {i}")
    return i


def _moment_check(quantity, params, theory, sums, n):
    """Mean check from the sums of ``X^k`` (``k = 1..4``) over ``n`` chains."""
    raw = [float(s) / n for s in sums]
    mean = raw[0]
    var = max(raw[1] - mean * mean, 0.0) * n / max(n - 1, 1)
    se = math.sqrt(var / n)
    kurt = checks.kurtosis_from_raw_moments(raw) if var > 0 else math.inf
    if var == 0 and float(theory) == mean:
        return checks.z_check(PROCESS, quantity, params, theory, mean, 0.0, note="degenerate: constant sample",
                              n_samples=n)
    return checks.mean_check_from_summary(PROCESS, quantity, params, theory, mean, se, n,
                                          kurtosis=kurt, kurtosis_is_exact=False)


def check_heterozygosity(sim, ns, formula=th.expected_heterozygosity):
    r"""``E[H_n]`` against the simulated Gini-Simpson diversity.

    .. math::  E[H_n] = H_0 (1 - 1/M)^n, \qquad H = 1 - \sum_i x_i^2.

    Parameters
    ----------
    sim : SimulationResult
    ns : sequence of int in ``0..sim.generations``
    formula : callable ``(n, p, M) -> float``
        The closed form under test (default :func:`theory.discrete.expected_heterozygosity`).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Ewens (2004), sec. 1.5; Shumailov et al. (2024).
    """
    _check_sim(sim)
    rows = []
    for n in _check_ns(sim, ns).tolist():
        theory = formula(n, sim.p, sim.M)
        rows.append(_moment_check("E[H_n] = (1-1/M)^n H_0", {"K": sim.p.size, "M": sim.M, "n": n},
                                  theory, sim.H_moments[n], sim.chains))
    return rows


def check_fixation(sim, formula=None):
    """P(category k takes over) = p_k (the frequencies are a martingale), against the fraction fixed on ``k``.

    Parameters
    ----------
    sim : SimulationResult
        A run in which every chain was absorbed.
    formula : callable ``(k, p, M) -> float``, optional
        The closed form under test (default ``p_k``).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Ewens (2004); Shumailov et al. (2024).
    """
    _check_sim(sim)
    if (sim.absorption_time < 0).any():
        raise ValueError("every chain must be absorbed: increase generations")
    rows = []
    for k, pk in enumerate(sim.p):
        theory = float(pk) if formula is None else formula(k, sim.p, sim.M)
        hits = int(np.count_nonzero(sim.fixed_category == k))
        rows.append(checks.proportion_check(PROCESS, "P(fixation of k) = p_k", {"M": sim.M, "k": k, "p_k": float(pk)},
                                            theory, hits, sim.chains))
    return rows


def check_loss(sim, formula=th.loss_probability):
    r"""P(category k absent after one refit) and the expected number of categories lost.

    .. math::  P(X_{1,k} = 0) = (1 - p_k)^M, \qquad E[\#\text{lost}] = \sum_k (1 - p_k)^M.

    Parameters
    ----------
    sim : SimulationResult
        A run with at least one generation.
    formula : callable ``(p, M) -> float``
        The closed form under test (default :func:`theory.discrete.loss_probability`).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Shumailov et al. (2024), sec. 3.1 (rare events vanish first).
    """
    _check_sim(sim)
    if sim.generations < 1:
        raise ValueError("sim must have at least one generation")
    rows = []
    for k, pk in enumerate(sim.p):
        lost = sim.chains - int(sim.alive[1, k])
        rows.append(checks.proportion_check(PROCESS, "P(lost in 1 gen) = (1-p)^M", {"M": sim.M, "p": float(pk)},
                                            formula(float(pk), sim.M), lost, sim.chains))
    K = sim.p.size
    # number lost L = K - S_1: its raw moments from those of S_1
    s = [sim.S_moments[1, j] / sim.chains for j in range(4)]
    m = [K - s[0], K * K - 2 * K * s[0] + s[1],
         K ** 3 - 3 * K * K * s[0] + 3 * K * s[1] - s[2],
         K ** 4 - 4 * K ** 3 * s[0] + 6 * K * K * s[1] - 4 * K * s[2] + s[3]]
    lost_sums = [v * sim.chains for v in m]
    rows.append(_moment_check("E[#lost in 1 gen] = sum (1-p_i)^M", {"K": K, "M": sim.M},
                              th.expected_categories_lost(sim.p, sim.M), lost_sums, sim.chains))
    return rows


def check_survival(sim, k, count, ns, formula=th.survival_probability):
    r"""P(category ``k``, started with ``count`` of ``M``, still present at ``n``) against the simulated fraction.

    .. math::  P(X_n > 0 \mid X_0 = i) = 1 - (P^n)_{i,0}

    (the other categories lumped into one: exact for any K).

    Parameters
    ----------
    sim : SimulationResult
    k : int in ``0..K-1``
        The category.
    count : int
        Its initial count; must equal ``sim.p[k] * sim.M``.
    ns : sequence of int in ``0..sim.generations``
    formula : callable ``(n, i, M) -> float``
        The closed form under test (default :func:`theory.discrete.survival_probability`).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Ewens (2004); Shumailov et al. (2024).
    """
    _check_sim(sim)
    k = V.check_int(k, "k", minimum=0, maximum=sim.p.size - 1)
    count = V.check_int(count, "count", minimum=0, maximum=sim.M)
    if abs(sim.p[k] * sim.M - count) > 1e-9:
        raise ValueError(f"count must be the initial count p[k] * M = {sim.p[k] * sim.M:g} of category k, got {count}")
    rows = []
    for n in _check_ns(sim, ns).tolist():
        theory = formula(n, count, sim.M)
        rows.append(checks.proportion_check(PROCESS, "P(X_n > 0 | X_0 = i)", {"M": sim.M, "i": count, "n": n},
                                            theory, int(sim.alive[n, k]), sim.chains))
    return rows


def _exact_time_kurtosis(i, M, horizon):
    pmf = th.absorption_time_distribution(i, M, horizon)
    n = np.arange(pmf.size, dtype=float)
    raw = [float(np.sum(pmf * n ** k)) for k in range(1, 5)]
    return checks.kurtosis_from_raw_moments(raw)


def check_absorption_time(sim, i, formula=th.expected_absorption_time, kurtosis=None):
    r"""Mean two-type absorption time from count ``i`` against the simulated times.

    .. math::  E[T \mid X_0 = i] = \bigl((I - Q)^{-1}\mathbf 1\bigr)_i.

    Parameters
    ----------
    sim : SimulationResult
        A two-type run started at ``p = (i/M, 1 - i/M)`` in which every chain was absorbed.
    i : int
        Initial count of type 1.
    formula : callable ``(i, M) -> float``
        The closed form under test (default :func:`theory.discrete.expected_absorption_time`).
    kurtosis : float, optional
        Exact kurtosis of T for the power criterion (default: sample kurtosis).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Ewens (2004); Kemeny & Snell, fundamental matrix.
    """
    _check_sim(sim)
    i = _check_two_type_start(sim, i)
    if (sim.absorption_time < 0).any():
        raise ValueError("every chain must be absorbed: increase generations")
    theory = formula(i, sim.M)
    return [checks.mean_check(PROCESS, "E[T | X_0 = i] = (I-Q)^-1 1", {"M": sim.M, "i": i}, float(theory),
                              sim.absorption_time, kurtosis=kurtosis)]


def check_absorption_distribution(sim, i, ns, pmf=None):
    """``P(T <= n)`` from the exact pmf (:func:`theory.discrete.absorption_time_distribution`) vs the simulated times.

    Parameters
    ----------
    sim : SimulationResult
        A two-type run started at ``p = (i/M, 1 - i/M)``.
    i : int
        Initial count of type 1.
    ns : sequence of int in ``0..sim.generations``
    pmf : array, optional
        The absorption-time pmf under test, ``pmf[n] = P(T = n)`` for ``n = 0..max(ns)`` at least
        (default: the exact one).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Ewens (2004).
    """
    _check_sim(sim)
    i = _check_two_type_start(sim, i)
    ns = _check_ns(sim, ns).tolist()
    if pmf is None:
        pmf = th.absorption_time_distribution(i, sim.M, max(ns))
    pmf = V.check_real_array(pmf, "pmf", minimum=0.0)
    if len(pmf) <= max(ns):
        raise ValueError(f"pmf must be 1-D with at least max(ns) + 1 = {max(ns) + 1} entries")
    cdf = np.cumsum(pmf)
    rows = []
    for n in ns:
        hits = int(np.count_nonzero((sim.absorption_time >= 0) & (sim.absorption_time <= n)))
        rows.append(checks.proportion_check(PROCESS, "P(T <= n) (exact pmf)", {"M": sim.M, "i": i, "n": n},
                                            min(float(cdf[n]), 1.0), hits, sim.chains))
    return rows


def check_surviving_categories(sim, counts, ns, formula=th.expected_surviving_categories):
    r"""Expected number of surviving categories against the simulated count.

    .. math::  E[S_n] = \sum_k P(X_{n,k} > 0 \mid X_{0,k} = c_k).

    Parameters
    ----------
    sim : SimulationResult
    counts : sequence of int
        The initial counts of ``sim`` (``p * M``).
    ns : sequence of int in ``0..sim.generations``
    formula : callable ``(n, counts, M) -> float``
        The closed form under test (default :func:`theory.discrete.expected_surviving_categories`).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Shumailov et al. (2024); Ewens (2004).
    """
    _check_sim(sim)
    counts = _check_initial_counts(sim, counts)
    return [_moment_check("E[#surviving categories at n]", {"K": len(counts), "M": sim.M, "n": n},
                          formula(n, counts, sim.M), sim.S_moments[n], sim.chains) for n in _check_ns(sim, ns).tolist()]


def check_time_to_collapse(sim, counts, formula=th.expected_time_to_collapse):
    """K-type mean time until one category holds everything, against the simulated times.

    Parameters
    ----------
    sim : SimulationResult
        A run in which every chain was absorbed.
    counts : sequence of int
        The initial counts of ``sim`` (``p * M``).
    formula : callable ``(counts) -> float``
        The closed form under test (default :func:`theory.discrete.expected_time_to_collapse`, exact on the
        chain lumped by permutations of the categories).

    Returns
    -------
    list of numerics.checks.Check

    References
    ----------
    Littler (1975) for the diffusion analogue; Ewens (2004).
    """
    _check_sim(sim)
    counts = _check_initial_counts(sim, counts)
    if (sim.absorption_time < 0).any():
        raise ValueError("every chain must be absorbed: increase generations")
    return [checks.mean_check(PROCESS, "E[T_collapse] (lumped chain)", {"K": len(counts), "M": sim.M},
                              float(formula(counts)), sim.absorption_time)]


#: The ``formulas`` keys of :func:`checks_for_run`, with the callable each replaces.
FORMULAS = ("heterozygosity", "surviving_categories", "survival", "fixation", "absorption_time",
            "time_to_collapse")


def checks_for_run(run, n, formulas=None):
    r"""Every Monte Carlo row of one :func:`simulate` run at generation ``n`` (the check protocol).

    Always :math:`E[H_n]`; when ``p * M`` are whole counts, also :math:`E[S_n]` and the survival of every
    category to ``n``; when every chain is absorbed by the end of the run, the fixation probabilities
    :math:`p_k`, the expected collapse time and, for two categories, :math:`E[T \mid X_0 = i]`.

    Parameters
    ----------
    run : SimulationResult
    n : int in ``0..run.generations``
    formulas : dict, optional
        Replacement closed forms by name (:data:`FORMULAS`; the signatures of :func:`check_heterozygosity`,
        :func:`check_surviving_categories`, :func:`check_survival`, :func:`check_fixation`,
        :func:`check_absorption_time`, :func:`check_time_to_collapse`); an unknown name is a ValueError.

    Returns
    -------
    list of numerics.checks.Check
    """
    _check_sim(run)
    n = V.check_int(n, "n", minimum=0, maximum=run.generations)
    f = check_formulas(formulas, FORMULAS)
    rows = check_heterozygosity(run, (n,), formula=f.get("heterozygosity", th.expected_heterozygosity))
    counts = run.p * run.M
    whole = np.allclose(counts, np.round(counts), rtol=0, atol=1e-9)
    counts = np.round(counts).astype(int).tolist()
    if whole:
        rows += check_surviving_categories(run, counts, (n,), formula=f.get("surviving_categories",
                                                                           th.expected_surviving_categories))
        for k, c in enumerate(counts):
            rows += check_survival(run, k, c, (n,), formula=f.get("survival", th.survival_probability))
    if (run.absorption_time >= 0).all():
        rows += check_fixation(run, formula=f.get("fixation"))
        if whole:
            rows += check_time_to_collapse(run, counts, formula=f.get("time_to_collapse",
                                                                      th.expected_time_to_collapse))
            if len(counts) == 2 and 0 < counts[0] < run.M:
                rows += check_absorption_time(run, counts[0], formula=f.get("absorption_time",
                                                                            th.expected_absorption_time))
    return rows


def _rel_max(exact_list, float_arr):
    e = np.array([float(v) for v in exact_list])
    f = np.asarray(float_arr, dtype=float)
    denom = np.where(e != 0, np.abs(e), 1.0)
    return float(np.max(np.abs(f - e) / denom))


def _identity_row(quantity, params, expected, value):
    """An exact identity between two rationals (sympy): agrees iff they are equal."""
    row = checks.exact_check(PROCESS, quantity, params, expected, float(value), rtol=0.0)
    if sp.Rational(expected) != sp.Rational(value):
        row = dataclasses.replace(row, status=checks.DISAGREE, note=f"{value} != {expected} (exact)")
    else:
        row = dataclasses.replace(row, status=checks.AGREE, note="equal as rationals")
    return row


def exact_checks():
    """Exact-vs-float and exact-vs-closed-form rows (no Monte Carlo)."""
    rows = []
    ec = checks.exact_check
    R = sp.Rational
    # the textbook example and the M = 100 target
    t4 = th.expected_absorption_time(2, 4, exact=True)
    rows.append(ec(PROCESS, "E[T] exact (= 132/29) vs float", {"M": 4, "i": 2}, t4, th.expected_absorption_time(2, 4)))
    rows.append(_identity_row("E[T] exact == 132/29", {"M": 4, "i": 2}, R(132, 29), t4))
    for M in (30, 100):
        te = th.expected_absorption_times(M, exact=True)
        tf = th.solve_two_type_chain(M).times
        err = _rel_max(te[1:-1], tf[1:-1])
        rows.append(ec(PROCESS, "E[T] exact vs float, all i (max rel err)", {"M": M}, 1.0, 1.0 + err,
                       note=f"max relative error over i = 1..M-1: {err:.1e}"))
    # fixation: chain solve vs closed form
    be = th.absorption_probabilities(12, exact=True)
    ok = all(b == R(i, 12) for i, b in enumerate(be))
    rows.append(ec(PROCESS, "P(fix) exact chain solve == i/M", {"M": 12}, 1.0, 1.0 if ok else 0.0, rtol=0.0))
    bf = th.solve_two_type_chain(1000).fixation
    err = float(np.max(np.abs(bf - np.arange(1001) / 1000)))
    rows.append(ec(PROCESS, "P(fix) float chain solve vs i/M (max abs err)", {"M": 1000}, 1.0, 1.0 + err))
    # heterozygosity closed form vs the exact distribution of the two-type chain
    M, n = 10, 6
    chain = th.conditional_expectations(n, [R(2 * j * (M - j), M * M) for j in range(M + 1)], M, exact=True)
    for i in (1, 3, 5):
        closed = th.expected_heterozygosity(n, [R(i, M), R(M - i, M)], M, exact=True)
        # E[H_n] from the chain: sum_j P^n(i, j) * 2 (j/M)(1 - j/M)
        rows.append(_identity_row("E[H_n] closed form == exact chain", {"M": M, "n": n, "i": i}, closed, chain[i]))
    # loss probability: closed form vs the exact transition matrix column 0
    P = th.transition_matrix(8, exact=True)
    for i in (1, 2, 6):
        rows.append(_identity_row("(1-p)^M == P(i -> 0) exact", {"M": 8, "i": i},
                                  th.loss_probability(R(i, 8), 8), P[i, 0]))
    # survival and absorption-time distributions: exact rational iteration vs float iteration
    se = th.survival_probabilities(25, 30, exact=True)
    sf = th.survival_probabilities(25, 30)
    err = _rel_max(se, sf)
    rows.append(ec(PROCESS, "P(X_n>0) exact vs float, all i (max rel err)", {"M": 30, "n": 25}, 1.0, 1.0 + err))
    de = th.absorption_time_distribution(7, 30, 60, exact=True)
    df = th.absorption_time_distribution(7, 30, 60)
    err = float(np.max(np.abs(np.array([float(v) for v in de]) - df)))
    rows.append(ec(PROCESS, "P(T=n) exact vs float, n<=60 (max abs err)", {"M": 30, "i": 7}, 1.0, 1.0 + err))
    se1 = th.survival_probability(1, 3, 20, exact=True)
    rows.append(_identity_row("P(X_1>0) == 1-(1-p)^M exact", {"M": 20, "i": 3},
                              1 - th.loss_probability(R(3, 20), 20), se1))
    # K-type collapse time: exact lumped solve vs float, and vs the two-type chain for K = 2
    for counts in ([4, 3, 3], [3, 3, 2, 2]):
        te_ = th.expected_time_to_collapse(counts, exact=True)
        rows.append(ec(PROCESS, "E[T_collapse] exact vs float", {"counts": str(counts)}, te_,
                       th.expected_time_to_collapse(counts)))
    # eigenvalues: the exact characteristic polynomial of P has the roots M!/((M-j)! M^j); float eigvals
    x = sp.Symbol("x")
    lam = th.transition_eigenvalues(10, exact=True)
    ok = sp.expand(sp.Matrix(th.transition_matrix(10, exact=True)).charpoly(x).as_expr()
                   - sp.prod([x - v for v in lam])) == 0
    rows.append(ec(PROCESS, "det(x - P) = prod (x - M!/((M-j)! M^j)) (exact)", {"M": 10}, 1.0, 1.0 if ok else 0.0,
                   rtol=0.0))
    Pf = th.transition_matrix(30)
    ev = np.sort(np.linalg.eigvals(Pf).real)[::-1]
    lf = th.transition_eigenvalues(30)
    for j in (2, 3, 5, 8):
        rows.append(ec(PROCESS, "lambda_j float eigvals vs formula", {"M": 30, "j": j}, lf[j], ev[j], rtol=1e-8))
    ab = th.absorbing_states(6, 3)
    rows.append(ec(PROCESS, "absorbing states (enumerated) == the K deltas", {"M": 6, "K": 3}, 3.0,
                   float(len(ab)) if sorted(ab) == sorted([(6, 0, 0), (0, 6, 0), (0, 0, 6)]) else -1.0, rtol=0.0))
    return rows


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    """Every closed form and exact quantity of :mod:`theory.discrete` against Monte Carlo and exact arithmetic.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [2, 10**7], optional
        Chains per Monte Carlo run (default :data:`DEFAULT_CHAINS`).
    seed : int
        Master seed; each run uses its own child of ``SeedSequence(seed)``.
    progress : bool
        Progress lines on stderr.

    Returns
    -------
    list of numerics.checks.Check
    """
    chains = DEFAULT_CHAINS if chains is None else V.check_int(chains, "chains", minimum=MIN_CHAINS,
                                                                maximum=MAX_CHAINS)
    seeds = iter(_rng.check_seed(seed).spawn(16))
    rows = []
    # K = 3, M = 10: diversity, fixation, run to absorption
    s1 = simulate([0.5, 0.3, 0.2], 10, 400, chains, seed=next(seeds), progress=progress)
    rows += check_heterozygosity(s1, (1, 3, 10, 25))
    rows += check_fixation(s1)
    rows += check_time_to_collapse(s1, [5, 3, 2])
    # two types, M = 20: absorption time, distribution, survival of a rare type, diversity
    M = 20
    horizon = 1200
    for i in (2, 10):
        s2 = simulate([i / M, 1 - i / M], M, horizon, chains, seed=next(seeds), progress=progress)
        rows += check_absorption_time(s2, i, kurtosis=_exact_time_kurtosis(i, M, 4000))
        pmf = th.absorption_time_distribution(i, M, 60)
        rows += check_absorption_distribution(s2, i, (5, 15, 30, 60), pmf=pmf)
        rows += check_survival(s2, 0, i, (1, 5, 20, 60))
        rows += check_heterozygosity(s2, (1, 10, 40))
    # tails: one refit of a model with rare categories
    s3 = simulate([0.5, 0.3, 0.12, 0.05, 0.03], 20, 1, chains, seed=next(seeds), progress=progress)
    rows += check_loss(s3)
    # surviving categories and rare-category fate, K = 5, M = 20 from counts
    counts = [10, 5, 3, 1, 1]
    s4 = simulate(np.array(counts) / 20, 20, 60, chains, seed=next(seeds), progress=progress)
    rows += check_surviving_categories(s4, counts, (1, 5, 20, 60))
    rows += check_survival(s4, 4, 1, (1, 3, 10))
    # K = 4 collapse time
    s5 = simulate(np.array([3, 3, 2, 2]) / 10, 10, 600, chains, seed=next(seeds), progress=progress)
    rows += check_time_to_collapse(s5, [3, 3, 2, 2])
    rows += exact_checks()
    return rows


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the two-type chain (``i`` of ``M`` copies of
# type 1 at generation 0) at any (M, i), every row of the verification from merged block summaries.
from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments, Proportion  # noqa: E402

#: Parameters of a sweep cell, with their domains and defaults.
SWEEP_PARAMETERS = {"M": SweepParameter(V.Integer(2, doc="Copies (samples) per generation.", example=20), 20),
                    "i": SweepParameter(V.Integer(0, doc="Initial count of type 1 (0 <= i <= M).", example=2), 2),
                    "n": SweepParameter(V.Integer(0, doc="Generation.", example=5), 5)}
#: One simulation of a cell passes every generation.
SWEEP_GENERATIONS = "n"
#: Quantities a sweep may select (the two-type rows of :func:`verification_checks`).
SWEEP_QUANTITIES = ("E[H_n] = (1-1/M)^n H_0", "P(X_n > 0 | X_0 = i)", "P(T <= n) (exact pmf)",
                    "E[T | X_0 = i] = (I-Q)^-1 1", "P(fixation of k) = p_k")
#: Generations simulated per ``M`` (the run goes on until every chain is absorbed, which it is by then:
#: :math:`P(T > t) \le C (1 - 1/M)^t`, below :math:`e^{-59}` at ``t = 60 M``).
SWEEP_HORIZON = 60


def sweep_check(params):
    """The initial count is at most ``M`` (ValueError naming ``i``)."""
    V.check_int(params["i"], "i", minimum=0, maximum=params["M"])


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` two-type chains run to absorption (:mod:`numerics.protocol`).

    Per generation ``n``: ``Moments`` of :math:`H_n` (from the simulator's power sums), the ``Proportion``
    of chains in which type 1 survives and of chains absorbed by ``n``; per cell: ``Moments`` of the
    absorption time :math:`T` and the ``Proportion`` of chains fixed on each type.
    """
    M, i, ns = params["M"], params["i"], params["n"]
    sim = simulate((i / M, 1 - i / M), M, max(max(ns), SWEEP_HORIZON * M), chains, seed=seed)
    T = sim.absorption_time
    out = {"absorption_time": Moments.of(T), "absorbed": Proportion(int(np.count_nonzero(T >= 0)), chains)}
    out.update({f"fixed={k}": Proportion(int(np.count_nonzero(sim.fixed_category == k)), chains) for k in (0, 1)})
    for n in ns:
        out[f"heterozygosity@{n}"] = _sweep.moments_from_power_sums(chains, sim.H_moments[n])
        out[f"alive@{n}"] = Proportion(int(sim.alive[n, 0]), chains)
        out[f"absorbed_by@{n}"] = Proportion(int(np.count_nonzero((T >= 0) & (T <= n))), chains)
    return out


def sweep_rows(params, merged, quantities):
    """The rows of the two-type checks (:func:`check_heterozygosity`, :func:`check_survival`, ...) for one cell."""
    M, i, ns = params["M"], params["i"], params["n"]
    p = (i / M, 1 - i / M)
    rows = []
    for q in quantities:
        if q == "E[H_n] = (1-1/M)^n H_0":
            for n in ns:
                h = merged[f"heterozygosity@{n}"]
                theory = th.expected_heterozygosity(n, p, M)
                par = {"K": 2, "M": M, "n": n}
                rows.append(checks.z_check(PROCESS, q, par, theory, h.mean, 0.0, note="degenerate: constant sample")
                            if h.m2 == 0 and float(theory) == h.mean else _sweep.mean_row(PROCESS, q, par, theory, h))
        elif q == "P(X_n > 0 | X_0 = i)":
            rows += [_sweep.proportion_row(PROCESS, q, {"M": M, "i": i, "n": n}, th.survival_probability(n, i, M),
                                           merged[f"alive@{n}"]) for n in ns]
        elif q == "P(T <= n) (exact pmf)":
            cdf = np.cumsum(th.absorption_time_distribution(i, M, max(ns)))
            rows += [_sweep.proportion_row(PROCESS, q, {"M": M, "i": i, "n": n}, min(float(cdf[n]), 1.0),
                                           merged[f"absorbed_by@{n}"]) for n in ns]
        elif q == "E[T | X_0 = i] = (I-Q)^-1 1":
            absorbed = merged["absorbed"]
            row = _sweep.mean_row(PROCESS, q, {"M": M, "i": i}, float(th.expected_absorption_time(i, M)),
                                  merged["absorption_time"])
            if absorbed.successes < absorbed.trials:  # an unabsorbed chain (T = -1) makes the estimate wrong
                row = dataclasses.replace(row, status=checks.DISAGREE, note=f"{absorbed.trials - absorbed.successes} "
                                          "chains not absorbed by the horizon; " + row.note)
            rows.append(row)
        else:  # "P(fixation of k) = p_k"
            rows += [_sweep.proportion_row(PROCESS, q, {"M": M, "k": k, "p_k": float(p[k])}, float(p[k]),
                                           merged[f"fixed={k}"]) for k in (0, 1)]
    return rows
