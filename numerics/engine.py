r"""The one chain engine of the Monte Carlo layer, and the result type every simulator returns.

Gaussian-type chains
--------------------
Every Gaussian loop of the toolkit -- plain refitting (:mod:`numerics.gaussian`), fresh data and
accumulation (:mod:`numerics.mitigation`), truncated or tempered sampling
(:mod:`numerics.approximation`) -- is a set of independent chains whose model is a mean
:math:`\mu_n` and a variance :math:`\sigma_n^2`.  :func:`run_chains` owns everything but the law of one
generation: the state (kept as :math:`(\mu_n, \log\sigma_n^2)`, so that a variance drifting below the
smallest float64 keeps an exact logarithm instead of underflowing), the seeded blocks, the worker
threads, the streamed summaries, snapshots, paths and progress.  A process supplies ``step(rng, state,
g)``, which advances one block of chains, in place, from generation ``g - 1`` to ``g``.

Summaries at the speed of the generator
---------------------------------------
Means and standard errors are accumulated inside the workers, block by block, as exact mergeable
triples (count, mean, sum of squared deviations) combined in block order (Chan, Golub & LeVeque), so
they cost a few vector passes per block and parallelise with the simulation.  Quantiles need the whole
sample: they are computed by selection (``numpy.partition``, :math:`O(N)`), once for the
log-variance -- the quantiles of :math:`\sigma_n^2` and :math:`\sigma_n` are its monotone transforms --
and for other statistics only when asked for (``quantile_statistics``).  Only the statistics that are
asked for (``statistics``) are computed at all.

Reproducibility
---------------
Chains are split into fixed blocks of :data:`BLOCK`; block ``b`` draws from child ``b`` of
``SeedSequence(seed)`` (:mod:`numerics._rng`).  Summaries are merged in block order, so the same seed
gives bit-identical results for any number of ``workers``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable, Dict, Mapping, Optional

import numpy as np

from numerics import _rng
from theory import validation as V

__all__ = ["DEFAULT_SEED", "BLOCK", "Summary", "Run", "ChainRun", "run_chains", "CHAIN_STATISTICS",
           "chain_statistic", "check_seed"]

#: The master seed of every verification row, figure and example (a paper's publication date).
DEFAULT_SEED = 20240724
#: Chains that share one random generator (changing it changes the random streams).
BLOCK = _rng.BLOCK
check_seed = _rng.check_seed

#: Per-chain statistics of a Gaussian-type chain, computed from (mu_n, log sigma_n^2).
CHAIN_STATISTICS = ("mean", "mean_error_sq", "variance", "std", "log_variance", "w2_squared")
_LOG_FAMILY = ("variance", "std", "log_variance")


@dataclasses.dataclass
class Summary:
    """Per-recorded-generation summary of one statistic over all chains.

    ``mean``, ``sem`` (standard error of the mean) and ``std`` (sample standard deviation) are arrays
    indexed like :attr:`Run.record`; ``quantiles`` has shape ``(len(record), len(quantile_levels))``, or
    is ``None`` when they were not asked for.  Quantiles are order statistics (numpy's
    ``inverted_cdf``), so those of the variance, standard deviation and log-variance are exact monotone
    transforms of one another.
    """

    mean: np.ndarray
    sem: np.ndarray
    std: np.ndarray
    quantiles: Optional[np.ndarray] = None


@dataclasses.dataclass
class Run:
    """What every simulator of the toolkit returns.

    Attributes
    ----------
    process : str
        The process (``"gaussian"``, ``"mitigation"``, ...).
    params : dict
        The parameters of the run, by name (``M``, ``estimator``, ``alpha``, ...).
    generations, chains : int
    record : ndarray of int
        Generations at which summaries were taken.
    summaries : dict of str -> Summary
    quantile_levels : tuple of float
    snapshots : dict of int -> dict of str -> ndarray
        Every chain's state at the requested generations.
    paths : dict of str -> ndarray, or None
        Full trajectories ``(generations + 1, paths)`` of the first chains.
    """

    process: str
    params: Dict[str, object]
    generations: int
    chains: int
    record: np.ndarray
    summaries: Dict[str, Summary]
    quantile_levels: tuple = ()
    snapshots: Dict[int, Dict[str, np.ndarray]] = dataclasses.field(default_factory=dict)
    paths: Optional[Dict[str, np.ndarray]] = None

    def __getattr__(self, name):
        params = self.__dict__.get("params")
        if params is not None and name in params:
            return params[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def snapshot(self, generation):
        """The state of every chain at a snapshot ``generation`` (ValueError naming it otherwise)."""
        if generation not in self.snapshots:
            raise ValueError(f"generation {generation!r} is not a snapshot of the run (it kept "
                             f"{sorted(self.snapshots)}); simulate with snapshots=(..., {generation!r})")
        return self.snapshots[generation]


@dataclasses.dataclass
class ChainRun(Run):
    """A run of Gaussian-type chains (:func:`run_chains`): snapshots hold ``mean`` and ``log_variance``.

    ``mu`` and ``sigma2`` (the original :math:`N(\\mu, \\sigma^2)`) and the final state of every chain
    are kept; :meth:`statistic` gives any of :data:`CHAIN_STATISTICS` at a snapshot.
    """

    mu: float = 0.0
    sigma2: float = 1.0
    final_mean: Optional[np.ndarray] = None
    final_log_variance: Optional[np.ndarray] = None

    @property
    def sigma(self):
        """Standard deviation of the original, :math:`\\sqrt{\\sigma^2}`."""
        return math.sqrt(self.sigma2)

    def statistic(self, name, generation):
        """Values of statistic ``name`` (one of :data:`CHAIN_STATISTICS`) for every chain at a snapshot."""
        snap = self.snapshot(generation)
        return chain_statistic(name, snap["mean"], snap["log_variance"], self.mu, self.sigma2)


def chain_statistic(name, mean, log_var, mu, sigma2):
    """One per-chain statistic from the state :math:`(\\mu_n, \\log\\sigma_n^2)` of Gaussian-type chains."""
    if name == "mean":
        return mean
    if name == "mean_error_sq":
        return (mean - mu) ** 2
    if name == "log_variance":
        return log_var
    if name == "variance":
        return np.exp(log_var)
    if name == "std":
        return np.exp(0.5 * log_var)
    if name == "w2_squared":
        return (mean - mu) ** 2 + (np.exp(0.5 * log_var) - math.sqrt(sigma2)) ** 2
    raise ValueError(f"statistic must be one of {CHAIN_STATISTICS}, got {name!r}")


# ----------------------------------------------------------------------------- mergeable moments
def _moments(x):
    """(count, mean, sum of squared deviations) of a block from the sums of x and x^2.

    When the two sums cancel in more than 8 of their 16 digits (a mean far from 0 against a small
    spread) the sums are redone on the data shifted by its first element, so the sum of squared
    deviations keeps at least 8 correct digits.
    """
    n = x.size
    s1 = float(x.sum())
    s2 = float(np.einsum("i,i->", x, x))  # not BLAS: its threads stall on a loaded machine
    m2 = s2 - s1 * s1 / n
    if not m2 > 1e-8 * s2:
        c = x[0]
        d = x - c
        s1 = float(d.sum())
        return n, float(c) + s1 / n, max(float(np.einsum("i,i->", d, d)) - s1 * s1 / n, 0.0)
    return n, s1 / n, m2


def _merge(a, b):
    """Chan-Golub-LeVeque merge of two (count, mean, M2) triples."""
    na, ma, qa = a
    nb, mb, qb = b
    n = na + nb
    delta = mb - ma
    return n, ma + delta * nb / n, qa + qb + delta * delta * na * nb / n


def _block_summary(state, names, mu, sigma2, buffer):
    """Mergeable (count, mean, M2) of each requested statistic of one block.

    The statistics are written in place into the rows of one ``(len(names), block)`` buffer, so their
    sums and sums of squares are two passes over it (see :func:`_moments` for the cancellation guard).
    """
    mean, log_var = state["mean"], state["log_variance"]
    rows = {name: buffer[i] for i, name in enumerate(names)}
    std = rows.get("std")
    if "std" in rows or "w2_squared" in rows or "variance" in rows:  # one exp: the variance is std * std
        std = std if std is not None else np.empty_like(log_var)
        np.multiply(log_var, 0.5, out=std)
        np.exp(std, out=std)
    for name, x in rows.items():
        if name == "mean":
            x[:] = mean
        elif name == "log_variance":
            x[:] = log_var
        elif name == "variance":
            np.multiply(std, std, out=x)
        elif name in ("mean_error_sq", "w2_squared"):
            np.subtract(mean, mu, out=x)
            np.multiply(x, x, out=x)
            if name == "w2_squared":
                e = std - math.sqrt(sigma2)
                e *= e
                x += e
    n = log_var.size
    s1 = buffer.sum(axis=1)
    s2 = np.einsum("ij,ij->i", buffer, buffer)  # not BLAS: its threads stall on a loaded machine
    out = {}
    for i, name in enumerate(names):
        m2 = float(s2[i]) - float(s1[i]) ** 2 / n
        out[name] = (n, float(s1[i]) / n, m2) if m2 > 1e-8 * float(s2[i]) else _moments(buffer[i])
    return out


# ----------------------------------------------------------------------------- the engine
def run_chains(step: Callable, *, process: str, params: Mapping[str, object], generations: int, chains: int,
               mu: float, sigma2: float, seed, record=None, snapshots=(), paths=0, quantiles=(),
               statistics=CHAIN_STATISTICS, quantile_statistics=_LOG_FAMILY, extra_state: Mapping = None,
               workers=1, progress=False, label=None) -> ChainRun:
    r"""Run ``chains`` Gaussian-type chains for ``generations`` generations with one-generation law ``step``.

    Parameters
    ----------
    step : callable ``step(rng, state, g)``
        Advances one block in place from generation ``g - 1`` to ``g`` (``g = 1..generations``);
        ``state`` maps ``"mean"``, ``"log_variance"`` and every ``extra_state`` name to the block's views.
    process : str
        Name of the process (stored in the run).
    params : mapping
        The run's parameters (stored; attributes of the run).
    generations : int >= 0
    chains : int >= 1
    mu : float
        Mean of the original :math:`N(\mu, \sigma^2)`.
    sigma2 : float > 0
        Variance of the original.
    seed : None, int >= 0 or SeedSequence
    record : sequence of int or None
        Generations at which summaries are streamed (default every generation; ``()`` none).
    snapshots : sequence of int
        Generations at which every chain's ``mean`` and ``log_variance`` are kept.
    paths : int >= 0
        Keep full trajectories of the first ``paths`` chains.
    quantiles : sequence of float in [0, 1]
        Quantile levels of the summaries.
    statistics : sequence of str
        Statistics summarised (a subset of :data:`CHAIN_STATISTICS`); only these are computed.
    quantile_statistics : sequence of str
        Statistics whose quantiles are computed (the log-variance family shares one selection).
    extra_state : mapping of str -> float, optional
        Further per-chain arrays of the process's state, with their initial values.
    workers : int >= 1
        Threads; results do not depend on it.
    progress : bool
        A progress line on stderr.
    label : str, optional
        Progress label.

    Returns
    -------
    ChainRun
    """
    generations = V.check_int(generations, "generations", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    mu = float(V.check_real(mu, "mu"))
    sigma2 = float(V.check_positive(sigma2, "sigma2"))
    V.check_flag(progress, "progress")
    statistics = tuple(V.check_choice(s, "statistics", CHAIN_STATISTICS) for s in _names(statistics, "statistics"))
    qstats = tuple(V.check_choice(s, "quantile_statistics", CHAIN_STATISTICS)
                   for s in _names(quantile_statistics, "quantile_statistics"))
    record = (np.arange(generations + 1) if record is None
              else V.check_generation_list(record, "record", generations))
    snapshot_gens = set(V.check_generation_list(snapshots, "snapshots", generations).tolist())
    paths = V.check_int(paths, "paths", minimum=0, maximum=chains)
    qs = V.check_real_array(quantiles, "quantiles", min_size=0, minimum=0.0, maximum=1.0)
    quantiled = [s for s in statistics if s in qstats] if qs.size else []

    blocks = _rng.blocks(seed, chains)
    state = {"mean": np.full(chains, mu), "log_variance": np.full(chains, math.log(sigma2))}
    for name, value in (extra_state or {}).items():
        state[name] = np.full(chains, float(value))
    views = [{k: v[sl] for k, v in state.items()} for sl, _ in blocks]
    buffers = [np.empty((len(statistics), sl.stop - sl.start)) for sl, _ in blocks] if len(record) else []
    rec_index = {g: i for i, g in enumerate(record.tolist())}
    R = len(record)
    summaries = {s: Summary(np.empty(R), np.empty(R), np.empty(R),
                            np.empty((R, qs.size)) if s in quantiled else None) for s in statistics}
    snaps = {}
    path_store = ({"mean": np.empty((generations + 1, paths)), "log_variance": np.empty((generations + 1, paths))}
                  if paths else None)

    def finish(g, parts):
        if g in rec_index:
            i = rec_index[g]
            for s in statistics:
                n, m, q = parts[0][s]
                for p in parts[1:]:
                    n, m, q = _merge((n, m, q), p[s])
                sd = math.sqrt(q / (n - 1)) if n > 1 else math.nan
                summaries[s].mean[i], summaries[s].std[i], summaries[s].sem[i] = m, sd, sd / math.sqrt(n)
            if quantiled:
                _quantiles(summaries, i, state, qs, quantiled, mu, sigma2)
        if g in snapshot_gens:
            snaps[g] = {"mean": state["mean"].copy(), "log_variance": state["log_variance"].copy()}
        if path_store is not None:
            path_store["mean"][g] = state["mean"][:paths]
            path_store["log_variance"][g] = state["log_variance"][:paths]

    def work(b, g):
        rng = blocks[b][1]
        if g > 0:
            step(rng, views[b], g)
        return _block_summary(views[b], statistics, mu, sigma2, buffers[b]) if g in rec_index else None

    bar = _rng.Progress(generations, label or process, progress)
    with _rng.BlockRunner(workers) as runner:
        for g in range(generations + 1):
            parts = runner.map(lambda b: work(b, g), range(len(blocks)))
            finish(g, parts)
            if g:
                bar.update(g)
    return ChainRun(process, dict(params), generations, chains, record, summaries, tuple(qs.tolist()), snaps,
                    path_store, mu, sigma2, state["mean"], state["log_variance"])


def _names(values, name):
    if isinstance(values, str) or not isinstance(values, (tuple, list)):
        raise ValueError(f"{name} must be a tuple of statistic names, got {values!r}")
    return values


def _quantiles(summaries, i, state, qs, names, mu, sigma2):
    log_family = [s for s in names if s in _LOG_FAMILY]
    if log_family:
        ql = _order_statistics(state["log_variance"], qs)
        for s in log_family:
            summaries[s].quantiles[i] = ql if s == "log_variance" else np.exp(ql if s == "variance" else 0.5 * ql)
    for s in names:
        if s not in _LOG_FAMILY:
            x = chain_statistic(s, state["mean"], state["log_variance"], mu, sigma2)
            summaries[s].quantiles[i] = _order_statistics(x, qs)


def _order_statistics(x, qs):
    r"""numpy's ``inverted_cdf`` quantiles, i.e. the order statistics :math:`x_{(\lceil qN\rceil)}`, exactly.

    One selection (``numpy.partition``, introselect: linear time) for all levels.  Measured against
    bracketing each order statistic from its value at the previous generation (counts inside a
    window, then a partition of the window only), the single selection was faster at every size
    from 2 000 to 2 000 000 chains (five levels): the bracketing needs several masked passes per level.
    """
    k = np.clip(np.ceil(qs * x.size).astype(np.int64) - 1, 0, x.size - 1)
    return np.partition(x, np.unique(k))[k]


def check_formulas(formulas, allowed):
    """Validate a ``formulas`` override: ``None`` or a mapping from known quantity names to callables.

    An unknown key is a :class:`ValueError` listing the known ones (a typo must not silently leave the
    built-in formula in place).
    """
    if formulas is None:
        return {}
    if not isinstance(formulas, Mapping):
        raise ValueError(f"formulas must be a mapping of quantity name -> callable, got {formulas!r}")
    unknown = sorted(set(formulas) - set(allowed))
    if unknown:
        raise ValueError(f"formulas has unknown quantities {unknown}; known: {sorted(allowed)}")
    bad = [k for k, f in formulas.items() if not callable(f)]
    if bad:
        raise ValueError(f"formulas[{bad[0]!r}] must be callable")
    return dict(formulas)
