r"""Monte Carlo of tails and language, real English frequencies, and the checks against :mod:`theory.tails`.

Simulators (vectorised over chains, seeded by blocks)
-----------------------------------------------------
* :func:`simulate_memorization` -- Hutter's learner: ``T`` samples of ``q`` (inverse-CDF draws), error
  :math:`\sum_i p_i 1\{\text{type } i \text{ unseen}\}` per chain;
* :func:`simulate_generations` -- recursive training of a unigram model: generation 1 is ``T0`` draws from
  ``p``, generation :math:`j+1` the counts :math:`\mathrm{Multinomial}(T_0, X^{(j)}/T_0)` over the surviving
  types (one ``Generator.multinomial`` call per generation for a whole chunk of chains, survivors packed to
  the right so that the last column always holds one and no probability rounding can revive a lost type).
  At the recorded generations every chain's lost mass, vocabulary, test error of a model trained on ``T``
  tokens (its conditional expectation given the generation, and the sampled test model itself), add-delta
  log-likelihood of real text, cross-entropy of generated text and generated mass per
  :math:`\log_{10}p` bin are kept;
* :func:`simulate_poisson_refit` -- the Poisson rate refitted by the mean of ``n`` literal Poisson draws.

The Wright-Fisher (Bernoulli) forgetting rows reuse :func:`numerics.discrete.simulate`, the Gaussian ones
:func:`numerics.gaussian.simulate`.  Real English is :func:`english_unigram` (``wordfreq``, whose data ship
with the package: nothing is downloaded).  :func:`log_likelihood` is exact (through :mod:`theory.discrete`)
where the chain is small enough and Monte Carlo beyond; :func:`generated_histogram` summarises the
per-token :math:`\log_{10}p` histogram of generated text over runs (the analogue of the paper's perplexity
histograms).

Reproducibility: chains are split into the fixed blocks of :mod:`numerics._rng` (block ``b`` draws from
child ``b`` of ``SeedSequence(seed)``; inside a block, sub-chunks of a size fixed by ``T0``), so the same
seed gives the same numbers for any ``workers``.  The module follows the check protocol of
:mod:`numerics.protocol`.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import numpy as np
import sympy as sp

from numerics import _rng
from numerics import checks as ck
from numerics import discrete as nd
from numerics import engine
from numerics import gaussian as ng
from numerics.engine import DEFAULT_SEED, Run, Summary
from theory import discrete as td
from theory import gaussian as tg
from theory import tails as th
from theory import validation as V

__all__ = ["english_unigram", "simulate_memorization", "simulate_generations", "simulate_poisson_refit", "TailsRun",
           "log_likelihood", "LogLikelihood", "generated_histogram", "GeneratedHistogram", "checks_for_run",
           "exact_checks", "verification_checks", "PROCESS", "MIN_CHAINS", "MAX_CHAINS", "QUANTITIES", "LOGLIK_EXACT_MAX_M"]

PROCESS = "tails"
#: Fewest chains accepted by :func:`verification_checks`.
MIN_CHAINS = 100
#: Most chains accepted by :func:`verification_checks`: every chain's statistics at every recorded generation are
#: kept in memory (about 40 floats per chain in the English run at a tenth of the chains).
MAX_CHAINS = 10_000_000
#: Quantities of :func:`checks_for_run` by scheme (the keys a ``formulas`` override may use).  An override is
#: called with the arguments of the theory function it replaces (listed in :func:`checks_for_run`).
QUANTITIES = {"memorization": ("memorization_error",),
              "generations": ("lost mass", "vocabulary", "err_n(T)", "err_n(T) sampled", "err_n(T0) = lost_n+1",
                              "log-likelihood", "E[S_b] = P_b", "P(S_b = 0)", "E[cross-entropy]",
                              "Var[cross-entropy]"),
              "poisson": ("P(forgotten by k)",)}
#: Largest ``M`` of the exact :func:`log_likelihood` (``n`` banded products with the transition matrix).
LOGLIK_EXACT_MAX_M = 10_000
#: float64 elements of a chunk's per-chain arrays (a block is processed in sub-chunks of this size).
_CHUNK_ELEMENTS = 1 << 21

_P = th.P_  # the probability-vector domain of theory.tails (fast for float arrays)


@dataclasses.dataclass
class TailsRun(Run):
    r"""A run of :func:`simulate_memorization`, :func:`simulate_generations` or :func:`simulate_poisson_refit`.

    ``params["scheme"]`` is ``"memorization"``, ``"generations"`` or ``"poisson"``; ``params["law"]`` a short
    label of ``p``.  ``snapshots[g]`` maps each per-chain statistic to its values at generation ``g``
    (generations: ``lost``, ``vocabulary``, ``cross_entropy``, ``err_T{T}``, ``sampled_T{T}``, ``loglik``,
    ``bins``; memorization: ``error`` at ``g = 0``; poisson: ``forgotten``); ``summaries`` their mean,
    standard error and standard deviation over chains (``bins``: none).
    """

    def statistic(self, name, generation):
        """Per-chain values of statistic ``name`` at a snapshot ``generation`` (ValueError naming it otherwise)."""
        snap = self.snapshot(generation)
        if name not in snap:
            raise ValueError(f"name must be one of {sorted(snap)}, got {name!r}")
        return snap[name]


# ----------------------------------------------------------------------------- real English
_WORDS = {"words": [], "freqs": np.zeros(0)}


def english_unigram(V):
    r"""Probabilities of ``wordfreq.top_n_list("en", V)``, from ``wordfreq.word_frequency(w, "en")``, renormalised.

    Real English word frequencies [speer2022]_ (a blend of subtitles, Wikipedia, books, web text, Twitter and
    Reddit); the data ship with ``wordfreq``, nothing is downloaded.  Frequencies are rounded to three
    significant digits (468 distinct values among the top :math:`10^5` words), so many words share a
    value -- the exact theory groups them.  The word list is cached; the first call for ``V = 1e5`` takes a
    few seconds.

    Parameters
    ----------
    V : int >= 1
        Vocabulary size: the ``V`` most frequent English words (at most ``len(wordfreq.top_n_list("en",
        10**7))``, about 320 000).

    Returns
    -------
    ndarray of shape (V,)
        Decreasing probabilities summing to 1.

    References
    ----------
    [speer2022]_.
    """
    import wordfreq

    V = V_ENGLISH.check(V, "V")
    if V > len(_WORDS["freqs"]):
        words = wordfreq.top_n_list("en", V)
        if len(words) < V:
            raise ValueError(f"V = {V}: wordfreq lists only {len(words)} English words")
        have = len(_WORDS["freqs"])
        extra = np.array([wordfreq.word_frequency(w, "en") for w in words[have:]], dtype=float)
        _WORDS["words"], _WORDS["freqs"] = words, np.concatenate([_WORDS["freqs"], extra])
    f = _WORDS["freqs"][:V]
    if np.any(f <= 0):
        raise ValueError(f"V = {V}: wordfreq gives a zero frequency to a listed word")
    return f / math.fsum(f)


V_ENGLISH = V.Integer(1, 10 ** 6, doc="Vocabulary size.")


# ----------------------------------------------------------------------------- helpers
def _law(p, name="p"):
    return _P.check(p, name)


def _label(p, label):
    return label if label is not None else f"V={p.size}"


def _chunk(width):
    return max(1, _CHUNK_ELEMENTS // max(int(width), 1))


def _sample_types(rng, cdf, size):
    """Inverse-CDF draws of types (``cdf`` cumulative probabilities with ``cdf[-1] = 1``)."""
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), cdf.size - 1)


def _cdf(q):
    c = np.cumsum(q)
    c[-1] = 1.0
    return c


def _present_mass(tok, p):
    """Per row of sorted type draws ``tok``: the total probability under ``p`` of the distinct types."""
    first = np.ones(tok.shape, dtype=bool)
    np.not_equal(tok[:, 1:], tok[:, :-1], out=first[:, 1:])
    return np.einsum("ij,ij->i", first, p[tok]), first


def _runs(tok):
    """Sorted rows of type draws -> (types, counts) packed to the right (the last column is always a survivor)."""
    b, n = tok.shape
    first = np.ones((b, n), dtype=bool)
    np.not_equal(tok[:, 1:], tok[:, :-1], out=first[:, 1:])
    nruns = first.sum(axis=1)
    W = int(nruns.max())
    col = np.cumsum(first, axis=1) - 1 + (W - nruns)[:, None]
    flat = (np.arange(b)[:, None] * W + col).ravel()
    counts = np.bincount(flat, minlength=b * W).reshape(b, W)
    types = np.zeros(b * W, dtype=np.int64)
    types[flat[first.ravel()]] = tok[first]
    return types.reshape(b, W), counts


def _compact(types, counts):
    """Drop lost types, keeping survivors packed to the right."""
    nz = counts > 0
    nr = nz.sum(axis=1)
    W = int(nr.max())
    if W == counts.shape[1]:
        return types, counts
    b = counts.shape[0]
    dest = np.cumsum(nz, axis=1) - 1 + (W - nr)[:, None]
    r, c = np.nonzero(nz)
    flat = r * W + dest[r, c]
    t2 = np.zeros(b * W, dtype=np.int64)
    c2 = np.zeros(b * W, dtype=np.int64)
    t2[flat], c2[flat] = types[r, c], counts[r, c]
    return t2.reshape(b, W), c2.reshape(b, W)


def _summaries(snapshots, record):
    names = [k for k in snapshots[record[0]] if k != "bins"] if record else []
    out = {}
    for name in names:
        x = np.array([snapshots[g][name] for g in record], dtype=float)
        sd = x.std(axis=1, ddof=1) if x.shape[1] > 1 else np.full(len(record), math.nan)
        out[name] = Summary(x.mean(axis=1), sd / math.sqrt(x.shape[1]), sd)
    return out


def _record_list(record, generations, minimum=1):
    rec = V.check_generation_list(record, "record", generations)
    if rec.size and rec[0] < minimum:
        raise ValueError(f"record must hold generations >= {minimum}, got {rec[0]}")
    return rec


# ----------------------------------------------------------------------------- simulators
def simulate_memorization(p, T, chains, *, q=None, seed=None, workers=1, label=None):
    r"""Hutter's memorizing learner: per chain, ``T`` i.i.d. samples of ``q``; error :math:`\sum_i p_i 1\{i \text{ unseen}\}`.

    Its mean is :func:`theory.tails.memorization_error` ``(p, T, q)`` [hutter2021]_.

    Parameters
    ----------
    p : 1-D array of probabilities summing to 1
        Test law.
    T : int >= 0
        Training samples.
    chains : int >= 1
    q : 1-D array of probabilities, optional
        Training law (default ``p``); same length.
    seed : None, int >= 0 or SeedSequence
    workers : int >= 1
        Threads over blocks (results do not depend on it).
    label : str, optional
        Short name of the law for the rows (default ``V=<len(p)>``).

    Returns
    -------
    TailsRun
        ``scheme="memorization"``; ``snapshots[0]["error"]``.
    """
    p = _law(p)
    q = p if q is None else _law(q, "q")
    if q.size != p.size:
        raise ValueError(f"q must have the length of p ({p.size}), got {q.size}")
    T = V.check_int(T, "T", minimum=0)
    chains = V.check_int(chains, "chains", minimum=1)
    blocks = _rng.blocks(seed, chains)
    cdf = _cdf(q)
    out = np.empty(chains)
    step = _chunk(T)

    def work(b):
        sl, rng = blocks[b]
        for lo in range(sl.start, sl.stop, step):
            hi = min(lo + step, sl.stop)
            if T == 0:
                out[lo:hi] = 1.0
                continue
            tok = np.sort(_sample_types(rng, cdf, (hi - lo, T)), axis=1)
            out[lo:hi] = 1.0 - _present_mass(tok, p)[0]

    with _rng.BlockRunner(workers) as runner:
        runner.map(work, range(len(blocks)))
    snaps = {0: {"error": out}}
    params = {"scheme": "memorization", "law": _label(p, label), "T": T, "p": p, "q": q}
    return TailsRun(PROCESS, params, 0, chains, np.array([0]), _summaries(snaps, [0]), (), snaps)


def simulate_generations(p, T0, generations, chains, *, record=None, tests=(), sampled=(), delta=None, edges=None,
                         seed=None, workers=1, label=None):
    r"""Recursive training of a unigram model: generation 1 = ``T0`` draws from ``p``, generation :math:`j+1` =
    :math:`\mathrm{Multinomial}(T_0, X^{(j)}/T_0)` [shumailov2024]_.

    Parameters
    ----------
    p : 1-D array of probabilities summing to 1
        The original law (and the test law).
    T0 : int >= 1
        Tokens per generation.
    generations : int >= 1
        Last generation simulated.
    chains : int >= 1
    record : sequence of int in ``1..generations``, optional
        Generations whose per-chain statistics are kept (default: ``generations`` only).
    tests : sequence of int >= 0
        ``T`` of the test model: per chain :math:`\sum_i p_i(1-X_i/T_0)^T` (its exact conditional expectation
        given the generation; ``statistic("err_T{T}")``).
    sampled : sequence of int >= 0
        ``T`` of a test model actually sampled: ``Multinomial(T, X/T0)``, error :math:`\sum_i p_i 1\{Z_i = 0\}`
        (``statistic("sampled_T{T}")``).
    delta : float > 0, optional
        Add-delta smoothing: per chain :math:`\sum_i p_i\log((X_i+\delta)/(T_0+V\delta))` (``"loglik"``).
    edges : increasing 1-D array, optional
        Bin edges of :math:`\log_{10}p_i`: per chain the generated mass of each bin (``"bins"``, shape
        ``(chains, len(edges) - 1)``).
    seed : None, int >= 0 or SeedSequence
    workers : int >= 1
    label : str, optional

    Returns
    -------
    TailsRun
        ``scheme="generations"``; every chain's ``lost``, ``vocabulary``, ``cross_entropy`` (of generated text
        under ``p``) and the requested statistics at the recorded generations.
    """
    p = _law(p)
    T0 = V.check_int(T0, "T0", minimum=1)
    generations = V.check_int(generations, "generations", minimum=1)
    chains = V.check_int(chains, "chains", minimum=1)
    record = _record_list([generations] if record is None else record, generations)
    if not record.size:
        raise ValueError("record must not be empty")
    tests = [V.check_int(T, "tests", minimum=0) for T in _seq(tests, "tests")]
    sampled = [V.check_int(T, "sampled", minimum=0) for T in _seq(sampled, "sampled")]
    if delta is not None:
        delta = float(V.check_positive(delta, "delta"))
    bidx = None
    if edges is not None:
        edges = V.check_real_array(edges, "edges", min_size=2)
        if np.any(np.diff(edges) <= 0):
            raise ValueError("edges must be strictly increasing")
        with np.errstate(divide="ignore"):
            b = np.searchsorted(edges, np.log10(p), side="right") - 1
        bidx = np.where((b >= 0) & (b < edges.size - 1) & (p > 0), b, edges.size - 1)  # last slot: outside
    Vsize = p.size
    cdf = _cdf(p)
    neglogp = -np.log(np.where(p > 0, p, 1.0))
    snaps = {int(g): {} for g in record}
    names = ["lost", "vocabulary", "cross_entropy"] + [f"err_T{T}" for T in tests] + \
        [f"sampled_T{T}" for T in sampled] + (["loglik"] if delta is not None else [])
    for g in snaps:
        for name in names:
            snaps[g][name] = np.empty(chains)
        if bidx is not None:
            snaps[g]["bins"] = np.empty((chains, edges.size - 1))
    base = math.log(delta / (T0 + Vsize * delta)) if delta is not None else 0.0
    blocks = _rng.blocks(seed, chains)
    step = _chunk(T0)
    last = int(record[-1])

    def observe(rng, g, types, counts, sl):
        s = snaps[g]
        present = counts > 0
        pt = np.where(present, p[types], 0.0)
        x = counts / T0
        s["lost"][sl] = 1.0 - pt.sum(axis=1)
        s["vocabulary"][sl] = present.sum(axis=1)
        s["cross_entropy"][sl] = np.einsum("ij,ij->i", x, neglogp[types])
        for T in tests:
            with np.errstate(divide="ignore"):
                s[f"err_T{T}"][sl] = s["lost"][sl] + np.einsum("ij,ij->i", pt, np.exp(T * np.log1p(-x))) if T else 1.0
        for T in sampled:
            z = rng.multinomial(T, x) if T else np.zeros_like(counts)
            s[f"sampled_T{T}"][sl] = 1.0 - np.where(z > 0, pt, 0.0).sum(axis=1)
        if delta is not None:
            s["loglik"][sl] = base + np.einsum("ij,ij->i", pt, np.log1p(counts / delta))
        if bidx is not None:
            b = counts.shape[0]
            flat = (np.arange(b)[:, None] * (edges.size) + bidx[types]).ravel()
            mass = np.bincount(flat, weights=x.ravel(), minlength=b * edges.size).reshape(b, edges.size)
            s["bins"][sl] = mass[:, :-1]

    def work(k):
        sl, rng = blocks[k]
        for lo in range(sl.start, sl.stop, step):
            hi = min(lo + step, sl.stop)
            types, counts = _runs(np.sort(_sample_types(rng, cdf, (hi - lo, T0)), axis=1))
            for g in range(1, last + 1):
                if g > 1:
                    types, counts = _compact(types, rng.multinomial(T0, counts / T0))
                if g in snaps:
                    observe(rng, g, types, counts, slice(lo, hi))

    with _rng.BlockRunner(workers) as runner:
        runner.map(work, range(len(blocks)))
    params = {"scheme": "generations", "law": _label(p, label), "T0": T0, "p": p, "tests": tuple(tests),
              "sampled": tuple(sampled), "delta": delta, "edges": edges}
    return TailsRun(PROCESS, params, generations, chains, record, _summaries(snaps, list(snaps)), (), snaps)


def _seq(values, name):
    if isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise ValueError(f"{name} must be a sequence of ints >= 0, got {values!r}")
    return list(values)


def simulate_poisson_refit(c, n, generations, chains, *, record=None, seed=None, workers=1):
    r"""A Poisson rate refitted ``generations`` times by the mean of ``n`` literal Poisson draws, :math:`\lambda_0 = c/n`.

    The ``n`` draws are made one by one (the theory's Galton-Watson reduction is not assumed); a chain whose
    rate reaches 0 stays there (it is no longer simulated).  :func:`theory.tails.forgetting_probability` gives
    :math:`P(\lambda_k = 0)` [suresh2025]_.

    Parameters
    ----------
    c : float >= 0
        Initial count :math:`n\lambda_0`.
    n : int >= 1
        Draws per refit.
    generations : int >= 1
    chains : int >= 1
    record : sequence of int in ``1..generations``, optional
        Default: every generation.
    seed, workers
        As in :func:`simulate_generations`.

    Returns
    -------
    TailsRun
        ``scheme="poisson"``; ``statistic("forgotten", k)`` is 1 where :math:`\lambda_k = 0`.
    """
    c = float(V.check_real(c, "c", lower=0))
    n = V.check_int(n, "n", minimum=1)
    generations = V.check_int(generations, "generations", minimum=1)
    chains = V.check_int(chains, "chains", minimum=1)
    record = _record_list(range(1, generations + 1) if record is None else record, generations)
    snaps = {int(g): {"forgotten": np.empty(chains)} for g in record}
    blocks = _rng.blocks(seed, chains)
    step = _chunk(n)

    def work(k):
        sl, rng = blocks[k]
        for lo in range(sl.start, sl.stop, step):
            hi = min(lo + step, sl.stop)
            lam = np.full(hi - lo, c / n)
            for g in range(1, int(record[-1]) + 1):
                alive = np.flatnonzero(lam > 0)
                if alive.size:
                    lam[alive] = rng.poisson(lam[alive, None], size=(alive.size, n)).sum(axis=1) / n
                if g in snaps:
                    snaps[g]["forgotten"][lo:hi] = lam == 0

    with _rng.BlockRunner(workers) as runner:
        runner.map(work, range(len(blocks)))
    params = {"scheme": "poisson", "law": f"c={c:g}", "c": c, "n": n}
    return TailsRun(PROCESS, params, generations, chains, record, _summaries(snaps, list(snaps)), (), snaps)


# ----------------------------------------------------------------------------- language summaries
class LogLikelihood(NamedTuple):
    """Expected log-likelihood per token of real text, its standard error (0 when exact) and how it was obtained."""
    value: float
    stderr: float
    method: str


def log_likelihood(p, M, n, delta, *, chains=2000, seed=DEFAULT_SEED, method="auto"):
    r"""Expected log-likelihood per token of real text (law ``p``) under the add-delta generation-``n`` model.

    :math:`\ell_n = \sum_i p_i E[\log((X_i^{(n)}+\delta)/(M+V\delta))]`, perplexity :math:`e^{-\ell_n}`.
    ``method="auto"``: exact (:func:`theory.tails.expected_log_likelihood`, through the transition matrices of
    :mod:`theory.discrete`) for :math:`M \le` :data:`LOGLIK_EXACT_MAX_M`, Monte Carlo
    (:func:`simulate_generations`, ``chains`` runs) beyond; ``"exact"`` or ``"monte-carlo"`` force one.

    Parameters
    ----------
    p : 1-D array of probabilities summing to 1
    M : int >= 1
        Tokens per generation.
    n : int >= 0
    delta : float > 0
    chains : int >= 2
        Monte Carlo runs.
    seed : None, int >= 0 or SeedSequence
    method : {"auto", "exact", "monte-carlo"}

    Returns
    -------
    LogLikelihood
        ``(value, stderr, method)``; ``stderr = 0`` for the exact value.

    References
    ----------
    [shumailov2024]_ (perplexity of the generation-n model); [ewens2004]_.
    """
    p = _law(p)
    M = V.check_int(M, "M", minimum=1)
    n = V.check_int(n, "n", minimum=0)
    delta = float(V.check_positive(delta, "delta"))
    V.check_choice(method, "method", ("auto", "exact", "monte-carlo"))
    if method == "exact" or (method == "auto" and (M <= LOGLIK_EXACT_MAX_M or n == 0)):
        return LogLikelihood(th.expected_log_likelihood(p, M, n, delta), 0.0, "exact")
    chains = V.check_int(chains, "chains", minimum=2)
    run = simulate_generations(p, M, max(n, 1), chains, delta=delta, seed=seed)
    x = run.statistic("loglik", max(n, 1))
    return LogLikelihood(float(x.mean()), float(x.std(ddof=1) / math.sqrt(x.size)), "monte-carlo")


class GeneratedHistogram(NamedTuple):
    r"""Per-token :math:`\log_{10}p` histogram of generated text at one generation, over runs: the bin edges, the
    mean generated mass per bin and its standard error, the fraction of runs in which the bin is empty, and the
    exact expected mass (the same at every generation) and probability of an empty bin."""
    edges: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    empty_fraction: np.ndarray
    theory_mass: np.ndarray
    theory_empty: np.ndarray


def generated_histogram(run, n):
    r"""The :math:`\log_{10}p` histogram of the text generated at generation ``n`` of a run, against its exact law.

    Parameters
    ----------
    run : TailsRun
        A :func:`simulate_generations` run with ``edges`` and a snapshot at ``n``.
    n : int
        Generation.

    Returns
    -------
    GeneratedHistogram

    References
    ----------
    [shumailov2024]_ (perplexity histograms of generated text).
    """
    _check_run(run, "generations")
    if run.edges is None:
        raise ValueError("run must be simulated with edges (the log10 p bins)")
    n = ck.check_snapshot(n, run.snapshots)
    S = run.statistic("bins", n)
    law = th.log_probability_histogram(run.p, run.edges, run.T0, n)
    return GeneratedHistogram(run.edges, S.mean(axis=0), S.std(axis=0, ddof=1) / math.sqrt(S.shape[0]),
                              (S == 0).mean(axis=0), law.mass, law.empty)


# ----------------------------------------------------------------------------- checks
def _check_run(run, scheme=None):
    if not isinstance(run, TailsRun) or run.process != PROCESS:
        raise ValueError(f"run must be the result of a numerics.tails simulator, got {type(run).__name__}")
    if scheme is not None and run.scheme != scheme:
        raise ValueError(f"run must be a {scheme!r} run, got {run.scheme!r}")


def _value(formulas, name, default, *args):
    return formulas[name](*args) if name in formulas else default()


def checks_for_run(run, n, formulas=None):
    r"""The Monte Carlo rows of one run at generation ``n`` (a snapshot of the run), against :mod:`theory.tails`.

    By the run's scheme:

    * ``"memorization"`` (``n = 0``): the mean error against ``memorization_error(p, T, q)``;
    * ``"generations"``: lost mass ``generations_error(p, T0, n)`` and vocabulary ``expected_vocabulary(p, T0,
      n)``; for each test size ``T`` the conditional error ``generations_error(p, T0, n, T)`` (``"err_n(T)"``);
      for each sampled ``T`` the sampled test model (``"err_n(T) sampled"``, and ``T = T0`` against
      ``generations_error(p, T0, n + 1)``: the identity); the add-delta log-likelihood
      (``expected_log_likelihood(p, T0, n, delta)``); per :math:`\log_{10}p` bin the mean generated mass
      (``E[S_b] = P_b``) and the probability of an empty bin (``P(S_b = 0)``, from
      ``log_probability_histogram(p, edges, T0, n)``); the mean and variance of the cross-entropy of
      generated text (``generated_cross_entropy(p, T0, n)``);
    * ``"poisson"``: :math:`P(\lambda_k = 0)` against ``forgetting_probability(c, k)``.

    Parameters
    ----------
    run : TailsRun
    n : int
        A snapshot generation of the run.
    formulas : dict, optional
        Replace a theory value by quantity name (:data:`QUANTITIES` of the scheme); the callable takes the
        arguments of the theory function named above (the bin rows: ``(p, edges, T0, n)`` and return the
        array over bins).  An unknown name is a ValueError.

    Returns
    -------
    list of numerics.checks.Check
    """
    _check_run(run)
    n = ck.check_snapshot(n, run.snapshots)
    formulas = engine.check_formulas(formulas, QUANTITIES[run.scheme])
    return {"memorization": _memorization_rows, "generations": _generation_rows, "poisson": _poisson_rows}[
        run.scheme](run, n, formulas)


def _memorization_rows(run, n, formulas):
    p, q, T = run.p, run.q, run.T
    theory = _value(formulas, "memorization_error", lambda: th.memorization_error(p, T, q), p, T, q)
    return [ck.mean_check(PROCESS, "memorization_error", {"law": run.law, "T": T}, theory, run.statistic("error", 0))]


def _generation_rows(run, n, formulas):
    p, T0 = run.p, run.T0
    params = {"law": run.law, "T0": T0, "n": n}
    rows = [ck.mean_check(PROCESS, "lost mass", params,
                          _value(formulas, "lost mass", lambda: th.generations_error(p, T0, n), p, T0, n),
                          run.statistic("lost", n)),
            ck.mean_check(PROCESS, "vocabulary", params,
                          _value(formulas, "vocabulary", lambda: th.expected_vocabulary(p, T0, n), p, T0, n),
                          run.statistic("vocabulary", n))]
    for T in run.tests:
        rows.append(ck.mean_check(PROCESS, "err_n(T)", {**params, "T": T},
                                  _value(formulas, "err_n(T)", lambda: th.generations_error(p, T0, n, T), p, T0, n, T),
                                  run.statistic(f"err_T{T}", n)))
    for T in run.sampled:
        if T == T0:
            theory = _value(formulas, "err_n(T0) = lost_n+1", lambda: th.generations_error(p, T0, n + 1), p, T0, n + 1)
            rows.append(ck.mean_check(PROCESS, "err_n(T0) = lost_n+1", {**params, "T": T}, theory,
                                      run.statistic(f"sampled_T{T}", n)))
        else:
            theory = _value(formulas, "err_n(T) sampled", lambda: th.generations_error(p, T0, n, T), p, T0, n, T)
            rows.append(ck.mean_check(PROCESS, "err_n(T) sampled", {**params, "T": T}, theory,
                                      run.statistic(f"sampled_T{T}", n)))
    if run.delta is not None:
        theory = _value(formulas, "log-likelihood", lambda: th.expected_log_likelihood(p, T0, n, run.delta), p, T0, n,
                        run.delta)
        rows.append(ck.mean_check(PROCESS, "log-likelihood", {**params, "delta": run.delta}, theory,
                                  run.statistic("loglik", n)))
    if run.edges is not None:
        law = th.log_probability_histogram(p, run.edges, T0, n)
        mass = _value(formulas, "E[S_b] = P_b", lambda: law.mass, p, run.edges, T0, n)
        empty = _value(formulas, "P(S_b = 0)", lambda: law.empty, p, run.edges, T0, n)
        S = run.statistic("bins", n)
        for b in np.flatnonzero(law.mass > 0):
            bparams = {**params, "bin": f"[{run.edges[b]:g},{run.edges[b + 1]:g})"}
            rows.append(ck.mean_check(PROCESS, "E[S_b] = P_b", bparams, mass[b], S[:, b]))
            if 1e-3 < law.empty[b] < 1 - 1e-3:
                hits = int(np.count_nonzero(S[:, b] == 0))
                rows.append(ck.proportion_check(PROCESS, "P(S_b = 0)", bparams, empty[b], hits, S.shape[0]))
    ce = th.generated_cross_entropy(p, T0, n)
    x = run.statistic("cross_entropy", n)
    rows.append(ck.mean_check(PROCESS, "E[cross-entropy]", params,
                              _value(formulas, "E[cross-entropy]", lambda: ce.mean, p, T0, n), x))
    rows.append(ck.variance_check(PROCESS, "Var[cross-entropy]", params,
                                  _value(formulas, "Var[cross-entropy]", lambda: ce.variance, p, T0, n), x))
    return rows


def _poisson_rows(run, k, formulas):
    c = run.c
    theory = _value(formulas, "P(forgotten by k)", lambda: th.forgetting_probability(c, k), c, k)
    f = run.statistic("forgotten", k)
    return [ck.proportion_check(PROCESS, "P(forgotten by k)", {"c": c, "draws": run.n, "k": k}, theory,
                                int(np.count_nonzero(f)), f.size)]


# ----------------------------------------------------------------------------- exact and bound rows
def _identity(quantity, params, exact, value, note=""):
    """Two exact values that must be equal (rationals, integers): agrees iff they are."""
    row = ck.exact_check(PROCESS, quantity, params, float(exact), float(value), rtol=0.0, note=note or f"{value}")
    return dataclasses.replace(row, status=ck.AGREE if sp.sympify(exact) == sp.sympify(value) else ck.DISAGREE)


def _within(quantity, params, value, lower, upper, note=""):
    """An exact value that must lie in ``[lower, upper]`` (a bound stated by a paper, or a proved bracket)."""
    lo = -math.inf if lower is None else float(lower)
    hi = math.inf if upper is None else float(upper)
    v = float(value)
    ok = lo <= v <= hi
    return ck.Check(PROCESS, quantity, dict(params), min(max(v, lo), hi), v, 0.0, math.nan,
                    ck.AGREE if ok else ck.DISAGREE, "exact-bound", note, (lo, hi))


def exact_checks():
    r"""Exact identities, the two exact algorithms against each other, and the bounds the papers state.

    Rows: the ancestry against :mod:`theory.discrete`'s exact chain (rational ``p``; absence probabilities from
    every start count) and in floats (several ``T0``, ``n``, ``T`` including ``T > T0``); the identity
    :math:`\mathrm{err}_n(T_0) = \mathrm{lost}_{n+1}` in exact arithmetic; the forgetting law against its exact
    nested exponentials and the median against the ceiling of its expansion; the stated survival bound
    :math:`1 - e^{-c/k}` [suresh2025]_ and the two-sided bounds against the exact survival; Wright-Fisher
    forgetting at finite ``n`` below the Poisson law; the stated Gaussian bound :math:`(\sigma/\varepsilon)
    e^{-k/(4n)}` against the exact tail of :mod:`theory.gaussian`, and the exact decay rates.

    Returns
    -------
    list of numerics.checks.Check
    """
    R = sp.Rational
    rows = []
    # the ancestry against theory.discrete's exact transition matrices
    p = [R(1, 2), R(1, 3), R(1, 6)]
    for T0, n, T in ((4, 3, None), (5, 2, 3), (6, 4, 9)):
        a = th.generations_error(p, T0, n, T, exact=True)
        b = th.generations_error(p, T0, n, T, method="chain", exact=True)
        rows.append(_identity("err_n(T): ancestry == discrete chain (exact)", {"T0": T0, "n": n, "T": T}, b, a))
    for T0, n in ((6, 3), (8, 5)):
        law = th.ancestor_distribution(T0, n + 1, exact=True)
        want = td.absence_probabilities(n, T0, exact=True)
        got = [sum(law[m] * R(math.comb(T0 - i, m), math.comb(T0, m)) for m in range(1, T0 - i + 1))
               for i in range(T0 + 1)]
        worst = max(abs(g - w) for g, w in zip(got, want))
        rows.append(_identity("P(X_n = 0 | X_0 = i): ancestry == absence_probabilities, all i (exact)",
                              {"T0": T0, "n": n}, 0, worst, "largest |difference| over i (hypergeometric mixture)"))
    for T0, n in ((3, 1), (5, 3)):
        a = th.generations_error(p, T0, n, T0, exact=True)
        b = th.generations_error(p, T0, n + 1, exact=True)
        rows.append(_identity("err_n(T0) == lost_n+1 (exact)", {"T0": T0, "n": n}, b, a))
    z = th.zipf(3000, 1.4)
    for T0, n, T in ((300, 4, None), (300, 6, 100), (1000, 3, 4000), (1000, 3, 20_000)):
        rows.append(ck.exact_check(PROCESS, "err_n(T): ancestry vs discrete chain (float)",
                                   {"law": "Zipf(3000,1.4)", "T0": T0, "n": n, "T": T},
                                   th.generations_error(z, T0, n, T, method="chain"), th.generations_error(z, T0, n, T),
                                   rtol=1e-12))
    rows.append(ck.exact_check(PROCESS, "vocabulary: ancestry vs discrete chain (float)",
                               {"law": "Zipf(3000,1.4)", "T0": 300, "n": 5},
                               th.expected_vocabulary(z, 300, 5, method="chain"), th.expected_vocabulary(z, 300, 5),
                               rtol=1e-12))
    # the forgetting law
    for c, k in ((1, 1), (3, 2), (R(5, 2), 9), (40, 14)):
        rows.append(ck.exact_check(PROCESS, "P(forgotten by k) = f_k(0)^c: float vs nested exponentials",
                                   {"c": float(c), "k": k}, sp.N(th.forgetting_probability(c, k, exact=True), 30),
                                   th.forgetting_probability(float(c), k), rtol=1e-13))
    for c in (1, 10, 100, 1000, 10_000):
        k, a = th.median_forgetting_time(c), th.median_forgetting_time_asymptotic(c)
        first = th.forgetting_probability(c, k) >= 0.5 > th.forgetting_probability(c, k - 1)
        rows.append(_identity("median forgetting time == ceil(2c/ln2 + 1 - 2C - ln(2c/ln2)/3)", {"c": c},
                              math.ceil(a), k if first else -1, f"median {k}; 2c/ln 2 = {2 * c / math.log(2):.3f}"))
    for c, k in ((1, 1), (1, 100), (10, 100), (100, 1000), (100, 10_000)):
        s = 1 - th.forgetting_probability(c, k)
        paper = th.paper_survival_bound(c, k)
        lo, hi = th.forgetting_bounds(c, k)
        rows.append(_within("survival >= 1 - exp(-c/k) (the stated bound)", {"c": c, "k": k}, s, paper * (1 - 1e-14),
                            1, f"exact/bound = {s / paper:.4f}; exponent ratio {math.log1p(-s) / math.log1p(-paper):.3f}"))
        rows.append(_within("survival within the bounds from 1 + k/2 <= 1/q_k <= 1 + k/(e-1)", {"c": c, "k": k}, s, lo * (1 - 1e-14),
                            hi * (1 + 1e-14)))
    for n_ in (30, 100):
        worst = -math.inf
        for k in (1, 5, 20, 60):
            s = td.survival_probabilities(k, n_)
            worst = max(worst, max(1 - s[c] - th.forgetting_probability(c, k) for c in range(31)))
        rows.append(_within("Wright-Fisher forgetting <= Poisson law (c <= 30, k <= 60)", {"n": n_}, worst, None, 1e-12,
                            "largest P_WF(forgotten) - P_Poisson(forgotten)"))
    # the Gaussian statement
    for x, n_, M, est in ((0.25, 40, 10, "unbiased"), (0.25, 40, 10, "mle"), (0.25, 160, 10, "unbiased"),
                          (0.49, 200, 50, "mle")):
        tail = 1 - tg.variance_cdf(x, n_, M, estimator=est)
        bound = th.gaussian_paper_bound(x, n_, M)
        rows.append(_within("P(sigma_n > eps) <= (sigma/eps) exp(-n/(4M)) (the stated bound)",
                            {"eps": math.sqrt(x), "n": n_, "M": M, "estimator": est}, tail, 0, bound,
                            f"exact/bound = {tail / bound:.3g}"))
    for M in (10, 100, 1000):
        for est, target in (("unbiased", 0.25), ("mle", 1.0)):
            rate = M * th.gaussian_tail_rate(M, estimator=est)
            rows.append(_within("M x exponential rate of P(sigma_n > eps) per refit", {"M": M, "estimator": est},
                                rate, target, None, f"tends to {target} (the stated bound has 1/4: "
                                f"{'sharp' if est == 'unbiased' else '4x loose'})"))
    return rows


# ----------------------------------------------------------------------------- verification
VERIFY_CHAINS = 20_000
VERIFY_ZIPF = (500, 1.3)                 # Hutter's learner
VERIFY_GENERATIONS = (2000, 1.3, 500, (1, 3, 10), (50, 500, 3000), 50)  # V, beta, T0, ns, tests, sampled T
VERIFY_ENGLISH = (100_000, 1000, (1, 2, 5), 0.5)                         # V, M, ns, delta
VERIFY_POISSON = ((1, 20, (1, 2, 5, 20, 60)), (3, 20, (1, 2, 5, 20, 60)), (10, 50, (2, 5, 20, 60)))
VERIFY_WF = ((3, 30, (1, 5, 20, 40)), (10, 100, (2, 5, 20, 40)))
VERIFY_GAUSSIAN = ((0.25, 40, 10, "mle"), (0.25, 40, 10, "unbiased"), (0.49, 200, 50, "mle"))
EDGES = np.arange(-8.0, -0.25, 0.5)


def verification_checks(chains=None, seed=DEFAULT_SEED, progress=True):
    r"""All ``tails`` rows of ``collapse verify``: Monte Carlo of every quantity, and :func:`exact_checks`.

    Hutter's learner on Zipf(500, 1.3) (clean, cut, mixture, narrowed; ``T = 30, 300``); recursive training of
    Zipf(2000, 1.3) with ``T0 = 500`` (lost mass, vocabulary, test errors, the sampled test model and the
    identity); real English (``V = 1e5``, ``M = 1000``: vocabulary, lost mass, add-0.5 log-likelihood, the
    :math:`\log_{10}p` histogram of generated text, its cross-entropy); the Poisson refit with literal draws;
    the Wright-Fisher (Bernoulli) chain at finite ``n`` and the Gaussian tail, by the simulators of
    :mod:`numerics.discrete` and :mod:`numerics.gaussian`.

    Parameters
    ----------
    chains : int in [MIN_CHAINS, MAX_CHAINS] = [100, 10**7], optional
        Chains of the cheap runs (default :data:`VERIFY_CHAINS`); the recursive-training runs use a tenth.
    seed : int >= 0 or SeedSequence, default DEFAULT_SEED
    progress : bool, default True

    Returns
    -------
    list of numerics.checks.Check
    """
    chains = VERIFY_CHAINS if chains is None else V.check_int(chains, "chains", minimum=MIN_CHAINS,
                                                             maximum=MAX_CHAINS)
    V.check_flag(progress, "progress")
    seeds = iter(_rng.check_seed(seed).spawn(32))
    few = max(MIN_CHAINS, chains // 10)
    bar = _rng.Progress(6, "tails", progress)
    rows = []
    Vz, beta = VERIFY_ZIPF
    p = th.zipf(Vz, beta)
    for name, q in (("clean", None), ("cut k=20", th.tail_cut(p, 20)), ("mixture k=20 pi=0.2", th.tail_mixture(p, 20, 0.2)),
                    ("narrowed beta'=2", th.zipf(Vz, 2.0))):
        for T in (30, 300):
            run = simulate_memorization(p, T, chains, q=q, seed=next(seeds), label=f"Zipf({Vz},{beta}) {name}")
            rows += checks_for_run(run, 0)
    bar.update(1)
    Vg, bg, T0, ns, tests, Ts = VERIFY_GENERATIONS
    pg = th.zipf(Vg, bg)
    run = simulate_generations(pg, T0, max(ns), few, record=ns, tests=tests, sampled=(Ts, T0), seed=next(seeds),
                               label=f"Zipf({Vg},{bg})")
    for n in ns:
        rows += checks_for_run(run, n)
    bar.update(2)
    Ve, Me, nse, delta = VERIFY_ENGLISH
    pe = english_unigram(Ve)
    run = simulate_generations(pe, Me, max(nse), few, record=nse, delta=delta, edges=EDGES, seed=next(seeds),
                               label=f"English V={Ve}")
    for n in nse:
        rows += checks_for_run(run, n)
    bar.update(3)
    for c, n_, ks in VERIFY_POISSON:
        run = simulate_poisson_refit(c, n_, max(ks), chains, record=ks, seed=next(seeds))
        for k in ks:
            rows += checks_for_run(run, k)
    bar.update(4)
    for c, n_, ks in VERIFY_WF:
        sim = nd.simulate([c / n_, 1 - c / n_], n_, max(ks), chains, seed=next(seeds))
        for k in ks:
            rows.append(ck.proportion_check(PROCESS, "P(forgotten by k), Wright-Fisher (Bernoulli) chain",
                                            {"c": c, "draws": n_, "k": k}, 1 - td.survival_probability(k, c, n_),
                                            chains - int(sim.alive[k, 0]), chains))
    bar.update(5)
    for x, n_, M, est in VERIFY_GAUSSIAN:
        g = ng.simulate(M, n_, chains, estimator=est, seed=next(seeds), record=(), snapshots=(n_,), quantiles=())
        s2 = g.statistic("variance", n_)
        rows.append(ck.proportion_check(PROCESS, "P(sigma_n > eps), exact tail of theory.gaussian",
                                        {"eps": math.sqrt(x), "n": n_, "M": M, "estimator": est},
                                        1 - tg.variance_cdf(x, n_, M, estimator=est),
                                        int(np.count_nonzero(s2 > x)), s2.size))
    bar.update(6)
    return rows + exact_checks()


# --- sweep cells
# The sweep interface of numerics.protocol (``collapse sweep``): the Monte Carlo rows of checks_for_run for a Zipf
# law (memorizing learner; recursive training) or a word of count c (Poisson refits), from merged block summaries.
from numerics import sweep as _sweep  # noqa: E402
from numerics.protocol import SweepParameter  # noqa: E402
from numerics.summaries import Moments, Proportion  # noqa: E402

#: Parameters of a sweep cell, with their domains and defaults.  ``V`` and ``beta`` give the Zipf law of the
#: memorizing learner and of recursive training, ``T`` the training samples of the learner (of the test model
#: of recursive training); ``c`` and ``draws`` are the Poisson refit's initial count and draws per refit.
SWEEP_PARAMETERS = {
    "scheme": SweepParameter(V.Choice("generations", "memorization", "poisson",
                                      doc="Recursive training of a Zipf law, Hutter's learner on it, or a Poisson "
                                          "refit."), "generations"),
    "V": SweepParameter(V.Integer(1, 10 ** 6, doc="Zipf vocabulary size."), 2000),
    "beta": SweepParameter(th.BETA, 1.3),
    "T0": SweepParameter(V.Integer(1, th.ANCESTRY_MAX_T0, doc="Tokens per generation."), 500),
    "T": SweepParameter(V.Integer(0, doc="Training samples of the learner (test model)."), 50),
    "c": SweepParameter(V.Real(0, doc="Initial count of the word (Poisson refits)."), 3.0),
    "draws": SweepParameter(V.Integer(1, doc="Poisson draws per refit."), 20),
    "n": SweepParameter(V.Integer(1, doc="Generation (refit) >= 1; unused by the memorizing learner."), 5)}
#: One simulation of a cell passes every generation.
SWEEP_GENERATIONS = "n"
#: Rows of a cell by scheme (the Monte Carlo means and probabilities of :func:`checks_for_run`).
SWEEP_QUANTITIES_BY_SCHEME = {"generations": ("lost mass", "vocabulary", "err_n(T)"),
                              "memorization": ("memorization_error",), "poisson": ("P(forgotten by k)",)}
#: Quantities a sweep may select: those of every scheme (a cell gives the rows of its own scheme).
SWEEP_QUANTITIES = tuple(q for qs in SWEEP_QUANTITIES_BY_SCHEME.values() for q in qs)


def _sweep_ns(params):
    return tuple(int(n) for n in np.atleast_1d(params["n"]))  # a cell holds the sorted tuple of its generations


def _sweep_law(params):
    return th.zipf(params["V"], params["beta"]), f"Zipf({params['V']},{params['beta']:g})"


def sweep_block(params, chains, seed):
    r"""Mergeable summaries of ``chains`` chains of one cell (:mod:`numerics.protocol`, sweep cells).

    ``generations``: ``Moments`` of the lost mass, the vocabulary and the test model's conditional error at every
    generation of the cell; ``memorization``: ``Moments`` of the learner's error; ``poisson``: the ``Proportion`` of
    words forgotten by each refit.  Keys ``"<statistic>@<n>"``.
    """
    scheme, ns = params["scheme"], _sweep_ns(params)
    if scheme == "poisson":
        run = simulate_poisson_refit(params["c"], params["draws"], max(ns), chains, record=ns, seed=seed)
        return {f"forgotten@{n}": Proportion(int(np.count_nonzero(run.statistic("forgotten", n))), chains)
                for n in ns}
    p, label = _sweep_law(params)
    if scheme == "memorization":
        return {"error": Moments.of(simulate_memorization(p, params["T"], chains, seed=seed).statistic("error", 0))}
    T = params["T"]
    run = simulate_generations(p, params["T0"], max(ns), chains, record=ns, tests=(T,), seed=seed)
    out = {}
    for n in ns:
        out[f"lost@{n}"] = Moments.of(run.statistic("lost", n))
        out[f"vocabulary@{n}"] = Moments.of(run.statistic("vocabulary", n))
        out[f"err@{n}"] = Moments.of(run.statistic(f"err_T{T}", n))
    return out


def sweep_rows(params, merged, quantities):
    """The rows of :func:`checks_for_run` for one cell (those of the cell's scheme among ``quantities``)."""
    scheme, ns = params["scheme"], _sweep_ns(params)
    mine = [q for q in quantities if q in SWEEP_QUANTITIES_BY_SCHEME[scheme]]
    rows = []
    if scheme == "poisson":
        c = float(params["c"])
        for q in mine:
            # the rows of checks_for_run, plus the generation column of the sweep (n = k refits)
            rows += [_sweep.proportion_row(PROCESS, q, {"c": c, "draws": params["draws"], "k": n, "n": n},
                                           th.forgetting_probability(c, n), merged[f"forgotten@{n}"]) for n in ns]
        return rows
    p, label = _sweep_law(params)
    T, T0 = params["T"], params["T0"]
    for q in mine:
        if q == "memorization_error":
            rows.append(_sweep.mean_row(PROCESS, q, {"law": label, "T": T}, th.memorization_error(p, T),
                                        merged["error"]))
            continue
        for n in ns:
            par = {"law": label, "T0": T0, "n": n}
            if q == "lost mass":
                rows.append(_sweep.mean_row(PROCESS, q, par, th.generations_error(p, T0, n), merged[f"lost@{n}"]))
            elif q == "vocabulary":
                rows.append(_sweep.mean_row(PROCESS, q, par, th.expected_vocabulary(p, T0, n),
                                            merged[f"vocabulary@{n}"]))
            else:
                rows.append(_sweep.mean_row(PROCESS, q, {**par, "T": T}, th.generations_error(p, T0, n, T),
                                            merged[f"err@{n}"]))
    return rows
