"""Seeding and work splitting shared by the Monte Carlo simulators.

Reproducibility contract
------------------------
Chains are split into fixed blocks of :data:`BLOCK` consecutive chains.  Block
``b`` draws all its random numbers from its own generator, seeded by child
``b`` of ``numpy.random.SeedSequence(seed)``.  The block layout depends only on
``chains``, never on how many worker threads process the blocks or in what
order, so the same ``seed`` gives bit-identical results for any ``workers``.
"""

from __future__ import annotations

import math
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from theory.validation import check_int

#: Number of chains that share one random generator.
BLOCK = 16384


def check_seed(seed):
    """Accept None, a non-negative int or a SeedSequence; return a SeedSequence.

    Parameters
    ----------
    seed : None, int >= 0 or numpy.random.SeedSequence
        ``None`` draws fresh OS entropy (not reproducible); an int seeds ``SeedSequence(seed)``; a
        ``SeedSequence`` is returned unchanged.  ``bool`` is rejected.

    Returns
    -------
    numpy.random.SeedSequence

    Raises
    ------
    ValueError
        Any other type, or a negative integer.

    Notes
    -----
    No formula: validation.  Part of the reproducibility contract of the module docstring.

    References
    ----------
    NumPy ``SeedSequence`` documentation (https://numpy.org/doc/stable/reference/random/parallel.html):
    independent streams by spawning.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be None, a non-negative integer or a numpy SeedSequence, got {seed!r}")
    return np.random.SeedSequence(int(seed))


def blocks(seed, chains, block=BLOCK):
    """List of ``(slice, Generator)`` covering ``range(chains)`` (see module docstring).

    Parameters
    ----------
    seed : None, int >= 0 or numpy SeedSequence
    chains : int >= 1
    block : int >= 1
        Chains per generator (:data:`BLOCK`; changing it changes the random streams).

    Returns
    -------
    list of (slice, numpy.random.Generator)
        ``ceil(chains / block)`` pairs; block ``b`` covers chains ``b*block .. min((b+1)*block, chains) - 1``
        and uses ``default_rng`` of child ``b`` of ``check_seed(seed)``.

    References
    ----------
    NumPy ``SeedSequence`` documentation (https://numpy.org/doc/stable/reference/random/parallel.html):
    independent streams by spawning.
    """
    chains = check_int(chains, "chains", minimum=1)
    block = check_int(block, "block", minimum=1)
    ss = check_seed(seed)
    n_blocks = math.ceil(chains / block)
    children = ss.spawn(n_blocks)
    return [(slice(b * block, min((b + 1) * block, chains)), np.random.default_rng(child))
            for b, child in enumerate(children)]


def check_workers(workers):
    """Validate the number of worker threads (>= 1).

    Parameters
    ----------
    workers : int >= 1
        Number of worker threads (``bool`` is rejected).

    Returns
    -------
    int

    Raises
    ------
    ValueError
        Not an integer, or < 1.

    Notes
    -----
    No formula: validation.  Results do not depend on ``workers`` (module docstring).

    References
    ----------
    None (validation helper).
    """
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    return int(workers)


class BlockRunner:
    """Apply a function to every block, in a thread pool when ``workers > 1``.

    numpy's random generators and large array operations release the GIL, so
    threads give real parallelism here without copying state between processes.
    """

    def __init__(self, workers=1):
        self.workers = check_workers(workers)
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None

    def map(self, fn, items):
        if self._pool is None:
            return [fn(it) for it in items]
        return list(self._pool.map(fn, items))

    def close(self):
        if self._pool is not None:
            self._pool.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Progress:
    """A one-line progress report on stderr for long runs (silent when disabled)."""

    def __init__(self, total, label, enabled):
        self.total = max(int(total), 1)
        self.label = label
        self.enabled = bool(enabled)
        self._t0 = time.perf_counter()
        self._last = -1.0

    def update(self, done):
        """Report ``done`` of ``total``: in place on a terminal, else one line per quarter (logs stay short)."""
        if not self.enabled:
            return
        now = time.perf_counter()
        tty = sys.stderr.isatty()
        if done < self.total:
            if tty and now - self._last < 0.5:
                return
            if not tty and (4 * done) // self.total == (4 * (done - 1)) // self.total:
                return
        self._last = now
        frac = done / self.total
        eta = (now - self._t0) * (1 - frac) / frac if frac > 0 else math.nan
        line = f"{self.label}: {done}/{self.total} ({100 * frac:5.1f} %), eta {eta:5.1f} s"
        sys.stderr.write(("\r" + line + ("\n" if done >= self.total else "")) if tty else line + "\n")
        sys.stderr.flush()
