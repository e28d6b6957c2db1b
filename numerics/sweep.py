r"""``collapse sweep``: the checks of a process over a parameter grid, on Dask, resumable and bit-reproducible.

A sweep runs the rows of ``collapse verify`` (theory, estimate +- standard error, z, status) at every
point of a parameter grid, with as many chains per point as a question needs.  It knows a process only
through the sweep cells of :mod:`numerics.protocol` (``SWEEP_PARAMETERS``, ``SWEEP_QUANTITIES``,
``sweep_block``, ``sweep_rows``); the scheduling is Dask's (:mod:`distributed`): a local cluster with one
worker process per core by default, or an existing cluster by its scheduler address (dask-jobqueue on
Slurm/PBS, dask-kubernetes, ...; see ``docs/cluster.md``).

The spec
--------
A TOML file (read with :mod:`tomllib`)::

    process = "gaussian"
    quantities = ["E[sigma_n^2]", "E[log sigma_n^2]", "median[sigma_n^2]"]   # default: all
    chains = 1048576          # per cell; at least the process's MIN_CHAINS
    block = 16384             # chains per task (default numerics.engine.BLOCK)
    seed = 20240724           # default numerics.engine.DEFAULT_SEED

    [grid]
    M = [2, 5, 20, 100]
    n = {start = 0, stop = 101, step = 10}     # Python's range: 0, 10, ..., 100
    estimator = ["unbiased", "mle"]

A grid entry is a list, a single value, or a range ``{start, stop, step}`` (``stop`` excluded, as in
:func:`range`; ``step`` defaults to 1; decimal steps are exact: ``{start = 0, stop = 0.5, step = 0.1}``
gives 0.0, 0.1, ..., 0.4).  Parameters the grid leaves out take the process's defaults.  Every value
is validated by its :mod:`theory.validation` domain, so a bad one is refused before any work, in one
line naming the field (:class:`SpecError`).

Cells, blocks and seeds
-----------------------
A cell is one point of the grid (all generations ``n`` of a process's ``SWEEP_GENERATIONS`` share one
cell: one simulation passes them all).  Cells are numbered in the order of the process's
``SWEEP_PARAMETERS`` (the first varies slowest).  The ``chains`` of a cell are split into
:math:`B = \lceil \text{chains}/\text{block} \rceil` blocks of as equal sizes as possible (they differ
by at most one chain), and block ``b`` of cell ``c`` draws from
``SeedSequence(seed, spawn_key=(c, b))``, the same stream as ``SeedSequence(seed).spawn(C)[c].spawn(B)[b]``.
Each (cell, block) is one Dask task returning mergeable summaries (:mod:`numerics.summaries`); the
summaries of a cell are merged in block order (a left fold), whatever order the tasks finish in, so
the output is byte-identical for any number of workers and any placement of the tasks.

Resuming
--------
Finished blocks are recorded in ``FILE.state.json`` next to the output: for each cell, the merge of its
first ``k`` blocks (the prefix of the fold) and the blocks finished beyond it.  The file is rewritten
atomically (a temporary file renamed over it) at most every few seconds and when the run stops, for
whatever reason (a block limit, Ctrl-C, a failed task).  Running the same command again loads it and
computes only the missing blocks; because the prefix is the same left fold and JSON keeps every float
exactly, the output is byte-identical to that of an uninterrupted run.  The state records a digest of
the spec (everything but the selected quantities, which do not change the blocks) and of the code (the
toolkit's ``numerics/`` and ``theory/`` sources): a state of another spec or another version of the code is
refused, not mixed in.

Output
------
A tidy CSV, one row per cell, generation and row quantity: the sweep parameters as columns (the
generation as its own column), then ``quantity, theory, lower, upper, estimate, stderr, z, status,
chains, note`` (``lower``/``upper`` for a quantity the theory brackets).  With ``--json`` the same rows
as JSON with the resolved spec.  Both are written atomically, and only when every block is done:
nothing is written to the output on an error or a partial run.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import importlib
import importlib.util
import io
import itertools
import json
import math
import os
import sys
import tempfile
import threading
import time
import tomllib
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from numerics import checks as ck
from numerics.engine import BLOCK, DEFAULT_SEED
from numerics.protocol import SWEEP_REQUIRED
from numerics.summaries import Moments, Proportion
from theory import validation as V

__all__ = ["Spec", "SpecError", "SweepError", "SweepResult", "load_spec", "parse_spec", "run", "main",
           "mean_row", "variance_row", "quantile_row", "proportion_row", "interval_row", "moments_from_power_sums",
           "block_seed", "COLUMNS"]

#: Top-level fields of a spec.
FIELDS = ("process", "grid", "quantities", "chains", "block", "seed")
#: Result columns of the CSV after the parameter columns.
COLUMNS = ("quantity", "theory", "lower", "upper", "estimate", "stderr", "z", "status", "chains", "note")
_STATE_FORMAT = 1
#: Seconds between two rewrites of the state file while blocks finish.
CHECKPOINT_SECONDS = 5.0
#: Seconds to wait for a scheduler given by its address.
CONNECT_TIMEOUT = 10.0
#: Seconds between two counts of the workers (the number of blocks in flight follows them).
WINDOW_SECONDS = 2.0
#: Dask configuration of the local cluster's workers.  Dask's nanny starts workers with
#: ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's adaptive mmap threshold: every array of a block of
#: 16384 chains (128 KiB and more) is then mapped and unmapped afresh, and the page faults took as much CPU as the
#: simulation (measured: a block's CPU time doubled, half of it system time).  ``None`` unsets it (Dask's
#: documented way); ``docs/cluster.md`` gives the same setting for workers started by ``dask worker``.
WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


class SpecError(ValueError):
    """A bad spec: the message is one line naming the field."""


class SweepError(RuntimeError):
    """A sweep that cannot start or go on (unreachable scheduler, a state of another spec): one line."""


# ============================================================================= rows from merged summaries
def mean_row(process, quantity, params, theory, m: Moments, *, kurtosis=None):
    r"""The ``collapse verify`` row of :math:`E[X] = \theta` from a merged :class:`~numerics.summaries.Moments`.

    Estimate :math:`\bar x`, standard error :math:`\sqrt{M_2/(N-1)/N}`, power criterion with ``kurtosis``
    (exact, from the theory) or else the sample kurtosis :math:`N M_4/M_2^2`: the same numbers as
    :func:`numerics.checks.mean_check` on the unsplit sample, up to rounding.
    """
    exact = kurtosis is not None
    return ck.mean_check_from_summary(process, quantity, params, theory, m.mean, m.sem, m.count,
                                      kurtosis=kurtosis if exact else m.kurtosis, kurtosis_is_exact=exact)


def variance_row(process, quantity, params, theory, m: Moments, *, kurtosis_of_square=None,
                 square: Optional[Moments] = None):
    r"""The row of :math:`\mathrm{Var}[X] = \theta` from a merged ``Moments`` of X (as :func:`numerics.checks.variance_check`).

    .. math:: s^2 = \frac{M_2}{N-1}, \qquad \widehat{\mathrm{se}} = \sqrt{\frac{M_4 - M_2^2/N}{(N-1)N}}

    (the standard error of the mean of :math:`(x_i - \bar x)^2`).  The power criterion needs the kurtosis
    of :math:`Y = (X - EX)^2`: ``kurtosis_of_square`` when the theory gives it, else that of ``square``, a
    ``Moments`` of :math:`(X - EX)^2` with :math:`EX` from the theory (NaN without either: underpowered).
    """
    n = m.count
    est = m.m2 / (n - 1) if n > 1 else math.nan
    se = math.sqrt(max(m.m4 - m.m2 * m.m2 / n, 0.0) / ((n - 1) * n)) if n > 1 else math.nan
    exact = kurtosis_of_square is not None
    k = kurtosis_of_square if exact else (square.kurtosis if square is not None else math.nan)
    return ck.mean_check_from_summary(process, quantity, params, theory, est, se, n, kurtosis=k,
                                      kurtosis_is_exact=exact)


def quantile_row(process, quantity, params, theory_quantile, q, p: Proportion, *, point_mass=False):
    r"""The row of a quantile :math:`x_q` as the proportion test :math:`P(X \le x_q) = q`.

    ``p`` counts the chains at or below the theoretical quantile; the row is on the probability scale
    (theory ``q``, estimate the fraction) because a sample quantile cannot be merged; its note names
    :math:`x_q`.  The z and status are those of :func:`numerics.checks.quantile_check`.  The test needs a
    continuous law: ``point_mass=True`` (generation 0, the original in every chain) gives an underpowered row.
    """
    x_q = float(theory_quantile)
    if point_mass:
        return ck.z_check(process, quantity, params, q, p.successes / p.trials, 0.0, powered=False,
                          note=f"underpowered: a point mass at x_q = {x_q:.6g} (every chain holds the original) has "
                               "no quantile test")
    if not math.isfinite(x_q):
        return ck.z_check(process, quantity, params, x_q, math.nan, math.nan, note="non-finite theory quantile")
    row = ck.proportion_check(process, quantity, params, q, p.successes, p.trials)
    note = (f"P(X <= x_q) = {q} at the theoretical quantile x_q = {x_q:.6g}; "
            f"fraction of chains at or below it {p.successes / p.trials:.5f}")
    return dataclasses.replace(row, note=note + (f"; {row.note}" if row.status == ck.UNDERPOWERED else ""))


def proportion_row(process, quantity, params, theory, p: Proportion):
    """The row of a probability from a merged :class:`~numerics.summaries.Proportion` (:func:`numerics.checks.proportion_check`)."""
    return ck.proportion_check(process, quantity, params, theory, p.successes, p.trials)


def interval_row(process, quantity, params, lower, upper, m: Moments):
    r"""The row of :math:`l \le E[X] \le u` from a merged ``Moments`` (as :func:`numerics.checks.interval_check`).

    z is measured from the point of the interval nearest to the mean; sample kurtosis for the power criterion.
    """
    lo = -math.inf if lower is None else float(lower)
    hi = math.inf if upper is None else float(upper)
    row = ck.mean_check_from_summary(process, quantity, params, min(max(m.mean, lo), hi), m.mean, m.sem, m.count,
                                     kurtosis=m.kurtosis, kurtosis_is_exact=False)
    return dataclasses.replace(row, interval=(lo, hi), note=f"bounds [{lo:.6g}, {hi:.6g}]; {row.note}")


def moments_from_power_sums(count, sums):
    r"""A :class:`~numerics.summaries.Moments` from the power sums :math:`S_k = \sum x^k`, ``k = 1..4``.

    .. math:: M_2 = S_2 - N\bar x^2,\quad M_3 = S_3 - 3\bar x S_2 + 2N\bar x^3,\quad
        M_4 = S_4 - 4\bar x S_3 + 6\bar x^2 S_2 - 3N\bar x^4

    (for simulators that stream power sums; fine for bounded statistics, cancellation otherwise).
    """
    s1, s2, s3, s4 = (float(s) for s in sums[:4])
    mean = s1 / count
    return Moments(int(count), mean, max(s2 - count * mean * mean, 0.0),
                   s3 - 3 * mean * s2 + 2 * count * mean ** 3,
                   max(s4 - 4 * mean * s3 + 6 * mean * mean * s2 - 3 * count * mean ** 4, 0.0))


# ============================================================================= the spec
@dataclasses.dataclass(frozen=True)
class Spec:
    """A validated sweep spec (:func:`load_spec`).

    ``values[i]`` holds the values of parameter ``parameters[i]`` (its default alone when the grid leaves
    it out); ``generations`` names the parameter one simulation covers at every value (or None).
    """

    source: str
    process: str
    parameters: Tuple[str, ...]
    values: Tuple[tuple, ...]
    generations: Optional[str]
    quantities: Tuple[str, ...]
    chains: int
    block: int
    seed: int

    @property
    def module(self):
        """The process module of :mod:`numerics`."""
        return importlib.import_module(f"numerics.{self.process}")

    def cells(self) -> List[Dict[str, object]]:
        """The cells in seed order: parameter dicts (the generation parameter as the tuple of its values)."""
        axes = [(v,) if name == self.generations else v for name, v in zip(self.parameters, self.values)]
        return [dict(zip(self.parameters, point)) for point in itertools.product(*axes)]

    def block_sizes(self) -> Tuple[int, ...]:
        """Chains of each block of a cell: ``ceil(chains / block)`` blocks of sizes differing by at most one."""
        nb = -(-self.chains // self.block)
        q, r = divmod(self.chains, nb)
        return tuple(q + (1 if b < r else 0) for b in range(nb))

    def canonical(self) -> dict:
        """The spec as plain JSON data (what the digest and the JSON output record)."""
        return {"process": self.process, "grid": {n: list(v) for n, v in zip(self.parameters, self.values)},
                "generations": self.generations, "quantities": list(self.quantities), "chains": self.chains,
                "block": self.block, "seed": self.seed}

    def digest(self) -> str:
        """SHA-256 of everything that determines the blocks: the spec without its quantities, and the code (:func:`_fingerprint`)."""
        doc = {k: v for k, v in self.canonical().items() if k != "quantities"}
        doc["format"] = _STATE_FORMAT
        doc["code"] = _fingerprint(self.process)
        return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def block_seed(seed, cell, block):
    """The ``SeedSequence`` of block ``block`` of cell ``cell``: ``SeedSequence(seed).spawn(...)[cell].spawn(...)[block]``."""
    return np.random.SeedSequence(int(seed), spawn_key=(int(cell), int(block)))


def _fingerprint(process):
    """SHA-256 of the toolkit's ``numerics/`` and ``theory/`` sources beside ``numerics.<process>``.

    A block's numbers depend on more than the process's module (the engine and the seeding of ``numerics``, the
    theory a block may use): any change of that code is a new fingerprint, so a state or a worker of another
    version is never mixed in.
    """
    root = Path(importlib.util.find_spec(f"numerics.{process}").origin).resolve().parents[1]
    h = hashlib.sha256()
    for package in ("numerics", "theory"):
        for path in sorted((root / package).rglob("*.py")):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load_spec(path, processes: Optional[Sequence[str]] = None) -> Spec:
    """Read and validate a TOML spec; :class:`SpecError` (one line, naming the field) when it is wrong.

    ``processes`` restricts the process names (``collapse.cli.PROCESSES``); by default any module of
    :mod:`numerics` that defines sweep cells.
    """
    path = str(path)
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        raise SpecError(f"{path}: no such spec file") from None
    except IsADirectoryError:
        raise SpecError(f"{path}: is a directory, not a spec file") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML ({exc})") from None
    return parse_spec(doc, source=path, processes=processes)


def parse_spec(doc: Mapping, source="spec", processes: Optional[Sequence[str]] = None) -> Spec:
    """Validate a spec given as a mapping (the parsed TOML); see the module docstring for the fields."""
    def fail(msg):
        raise SpecError(f"{source}: {msg}")

    if not isinstance(doc, Mapping):
        fail("a spec is a TOML table")
    unknown = [k for k in doc if k not in FIELDS]
    if unknown:
        fail(f"unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
    process = doc.get("process")
    if process is None:
        fail("process: missing" + (f" (one of {', '.join(processes)})" if processes else ""))
    mod = _process_module(process, processes, fail)
    params = mod.SWEEP_PARAMETERS
    gen = getattr(mod, "SWEEP_GENERATIONS", None)

    grid = doc.get("grid")
    if grid is None:
        fail(f"grid: missing (a table of parameters: {', '.join(params)})")
    if not isinstance(grid, Mapping):
        fail(f"grid: must be a table of parameters ({', '.join(params)}), got {grid!r}")
    if not grid:
        fail(f"grid: empty (give lists or ranges of parameters: {', '.join(params)})")
    for name in grid:
        if name not in params:
            fail(f"grid.{name}: unknown parameter of process {process} (parameters: {', '.join(params)})")
    values = []
    for name, (domain, default) in params.items():
        if name not in grid:
            values.append((default,))
            continue
        raw = _grid_values(name, grid[name], fail)
        try:
            vals = [domain.check(v, f"grid.{name}") for v in raw]
        except ValueError as exc:
            fail(str(exc).splitlines()[0])
        if name == gen:
            vals = sorted(set(vals))
        elif len(set(map(repr, vals))) < len(vals):
            fail(f"grid.{name}: a value is given twice ({vals})")
        values.append(tuple(vals))

    quantities = doc.get("quantities", list(mod.SWEEP_QUANTITIES))
    if isinstance(quantities, str):
        quantities = [quantities]
    if not isinstance(quantities, list) or not quantities:
        fail(f"quantities: a non-empty list of quantity names (of {', '.join(mod.SWEEP_QUANTITIES)})")
    for q in quantities:
        if q not in mod.SWEEP_QUANTITIES:
            fail(f"quantities: unknown quantity {q!r} of process {process} (quantities: "
                 f"{', '.join(mod.SWEEP_QUANTITIES)})")
    quantities = tuple(dict.fromkeys(quantities))

    min_chains = max(int(getattr(mod, "MIN_CHAINS", 2)), 2)
    if "chains" not in doc:
        fail(f"chains: missing (chains per cell, at least {min_chains} for process {process})")
    chains = _int_field(doc, "chains", 1, fail)
    if chains < min_chains:
        fail(f"chains must be >= {min_chains} for process {process} (numerics.{process}.MIN_CHAINS), got {chains}")
    max_chains = getattr(mod, "MAX_CHAINS", None)
    block = _int_field(doc, "block", 2, fail, default=min(BLOCK, max_chains or BLOCK))
    if max_chains is not None and block > max_chains:
        fail(f"block must be <= {max_chains} for process {process} (numerics.{process}.MAX_CHAINS: the chains of a "
             f"block are held in memory at once), got {block}")
    seed = _int_field(doc, "seed", 0, fail, default=DEFAULT_SEED)
    spec = Spec(source, process, tuple(params), tuple(values), gen, quantities, chains, block, seed)

    check = getattr(mod, "sweep_check", None)
    if check is not None:
        for cell in spec.cells():
            try:
                check(cell)
            except ValueError as exc:
                shown = ", ".join(f"{k}={v}" for k, v in cell.items() if k != gen)
                fail(f"grid: the cell {shown}: {str(exc).splitlines()[0]}")
    return spec


def _process_module(process, processes, fail):
    if not isinstance(process, str) or (processes is not None and process not in processes) or \
            not process.isidentifier():
        fail(f"process: unknown process {process!r}" + (f" (one of {', '.join(processes)})" if processes else ""))
    try:
        mod = importlib.import_module(f"numerics.{process}")
    except ModuleNotFoundError:
        fail(f"process: unknown process {process!r} (no module numerics.{process})")
    missing = [n for n in SWEEP_REQUIRED if not hasattr(mod, n)]
    if missing:
        fail(f"process: {process} cannot be swept: numerics.{process} defines no sweep cells "
             f"({', '.join(missing)}; see numerics/protocol.py)")
    return mod


def _int_field(doc, name, minimum, fail, default=None):
    if name not in doc:
        return default
    try:
        return V.check_int(doc[name], name, minimum=minimum)
    except ValueError as exc:
        fail(str(exc).splitlines()[0])


def _grid_values(name, value, fail):
    """The list of values of a grid entry: a list, a scalar or a range table ``{start, stop, step}``."""
    if isinstance(value, list):
        if not value:
            fail(f"grid.{name}: empty list")
        if any(isinstance(v, (list, dict)) for v in value):
            fail(f"grid.{name}: a list of single values, got {value!r}")
        return value
    if isinstance(value, Mapping):
        extra = [k for k in value if k not in ("start", "stop", "step")]
        if extra or "start" not in value or "stop" not in value:
            fail(f"grid.{name}: a range is {{start, stop, step}} (step optional), got {dict(value)!r}")
        try:
            start, stop, step = (_exact(value.get(k, 1), f"grid.{name}.{k}") for k in ("start", "stop", "step"))
        except ValueError as exc:
            fail(str(exc))
        if step == 0:
            fail(f"grid.{name}.step: must not be 0")
        count = max(0, math.ceil((stop - start) / step))
        if count == 0:
            fail(f"grid.{name}: the range {dict(value)!r} is empty (stop is excluded, as in Python's range)")
        if count > 10_000_000:
            fail(f"grid.{name}: the range {dict(value)!r} has {count} values (at most 10^7)")
        floats = any(isinstance(value.get(k, 1), float) for k in ("start", "stop", "step"))
        pts = (start + i * step for i in range(count))
        return [float(x) if floats else int(x) for x in pts]
    return [value]


def _exact(x, name):
    """A range bound as an exact Fraction (a float by its decimal repr, so 0.1 is 1/10)."""
    if isinstance(x, bool) or not isinstance(x, (int, float)) or (isinstance(x, float) and not math.isfinite(x)):
        raise ValueError(f"{name}: must be a finite number, got {x!r}")
    return Fraction(repr(x)) if isinstance(x, float) else Fraction(x)


# ============================================================================= one block (runs on a worker)
#: One task at a time per worker process: the theory (sympy, mpmath and their caches) is not thread-safe, so a
#: worker with several threads runs its tasks one after the other (use one thread per worker process).
_TASK_LOCK = threading.Lock()


def _block_task(process, params, chains, seed, cell, block, code):
    """Summaries of block ``block`` of cell ``cell`` (a Dask task; pure: same arguments, same result).

    ``code`` is the client's :func:`_fingerprint`: a worker with other code (one that joined after the check of
    :func:`_check_workers_code`) fails the task instead of computing other numbers.
    """
    if _worker_code(process) != code:
        raise RuntimeError("this worker runs another version of the toolkit (numerics/, theory/) than the client")
    mod = importlib.import_module(f"numerics.{process}")
    with _TASK_LOCK:
        return mod.sweep_block(params, chains, block_seed(seed, cell, block))


@functools.lru_cache(maxsize=None)
def _worker_code(process):
    """The fingerprint of this worker's code, computed once per process."""
    return _fingerprint(process)


def _rows_task(process, params, merged, quantities):
    """The checks of one cell from its merged summaries (a Dask task: the theory of a cell runs on a worker)."""
    mod = importlib.import_module(f"numerics.{process}")
    with _TASK_LOCK:
        return list(mod.sweep_rows(params, merged, quantities))


def _worker_fingerprint(process):
    """The fingerprint of the toolkit's code on a worker (compared with the client's)."""
    return _fingerprint(process)


# ============================================================================= the state file
def _encode(summaries):
    out = {}
    for key, s in summaries.items():
        if isinstance(s, Moments):
            out[key] = ["m", s.count, s.mean, s.m2, s.m3, s.m4]
        elif isinstance(s, Proportion):
            out[key] = ["p", s.successes, s.trials]
        else:
            raise TypeError(f"sweep_block must return Moments or Proportion summaries, got {type(s).__name__} "
                            f"for {key!r}")
    return out


def _decode(data):
    return {k: Moments(int(v[1]), *map(float, v[2:])) if v[0] == "m" else Proportion(int(v[1]), int(v[2]))
            for k, v in data.items()}


class _State:
    """Per cell: the merge of blocks ``0..done-1`` (a left fold) and the finished blocks beyond it."""

    def __init__(self, path, digest, n_cells, n_blocks):
        self.path, self.digest, self.n_blocks = path, digest, n_blocks
        self.done = [0] * n_cells
        self.merged: List[Optional[dict]] = [None] * n_cells
        self.pending: List[Dict[int, dict]] = [dict() for _ in range(n_cells)]

    def load(self):
        if not os.path.exists(self.path):
            return self
        try:
            with open(self.path) as fh:
                doc = json.load(fh)
        except (OSError, ValueError) as exc:
            raise SweepError(f"{self.path}: unreadable sweep state ({exc}); delete it to start over") from None
        if doc.get("format") != _STATE_FORMAT or doc.get("digest") != self.digest:
            raise SweepError(f"{self.path} records another sweep (a different spec, or another version of the "
                             f"toolkit's code); delete it or choose another --out")
        for c, cell in doc["cells"].items():
            c = int(c)
            self.done[c] = int(cell["done"])
            self.merged[c] = _decode(cell["merged"]) if cell["merged"] is not None else None
            self.pending[c] = {int(b): _decode(s) for b, s in cell["pending"].items()}
        return self

    def add(self, cell, block, summaries):
        self.pending[cell][block] = summaries
        while self.done[cell] in self.pending[cell]:
            part = self.pending[cell].pop(self.done[cell])
            acc = self.merged[cell]
            if acc is not None and set(acc) != set(part):
                raise SweepError(f"cell {cell}: block {self.done[cell]} returned other summaries than block 0")
            self.merged[cell] = part if acc is None else {k: acc[k].merge(part[k]) for k in acc}
            self.done[cell] += 1

    def finished(self, cell, block):
        return block < self.done[cell] or block in self.pending[cell]

    def blocks_done(self):
        return sum(d + len(p) for d, p in zip(self.done, self.pending))

    def cells_done(self):
        return sum(d == self.n_blocks for d in self.done)

    def save(self, process):
        cells = {str(c): {"done": self.done[c], "merged": None if self.merged[c] is None else _encode(self.merged[c]),
                          "pending": {str(b): _encode(s) for b, s in sorted(self.pending[c].items())}}
                 for c in range(len(self.done)) if self.done[c] or self.pending[c]}
        _write_atomically(self.path, json.dumps({"format": _STATE_FORMAT, "digest": self.digest, "process": process,
                                                 "cells": cells}))


def _write_atomically(path, text):
    """Write ``text`` to a temporary file beside ``path`` and rename it over ``path``."""
    directory, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # the permissions of a file written by open(), not mkstemp's 0600
        with os.fdopen(fd, "w", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ============================================================================= output
def _cell_rows(spec, cell, checks):
    """The output rows (dicts of the CSV columns) of one cell's checks."""
    out = []
    for r in checks:
        values = {}
        for name in spec.parameters:
            values[name] = r.params.get(name, "") if name == spec.generations else cell[name]
        lo, hi = r.interval if r.interval is not None else (None, None)
        values.update(quantity=r.quantity, theory=r.theory, lower=lo, upper=hi, estimate=r.estimate, stderr=r.stderr,
                      z=r.z, status=r.status, chains=spec.chains, note=r.note)
        out.append(values)
    return out


def _csv_value(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _to_csv(spec, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    header = list(spec.parameters) + list(COLUMNS)
    w.writerow(header)
    for r in rows:
        w.writerow([_csv_value(r[k]) for k in header])
    return buf.getvalue()


def _counts(rows):
    """Rows per status (as :func:`numerics.checks.summarize`)."""
    return {ck.AGREE: 0, ck.DISAGREE: 0, ck.UNDERPOWERED: 0, **Counter(r["status"] for r in rows)}


def _json_value(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _to_json(spec, rows):
    return json.dumps({"spec": spec.canonical(), "summary": _counts(rows), "z_max": ck.Z_MAX,
                       "power_factor": ck.POWER_FACTOR,
                       "rows": [{k: _json_value(v) for k, v in r.items()} for r in rows]}, indent=1) + "\n"


# ============================================================================= progress
class _Progress:
    """``sweep: cells c/C, blocks b/B (p %), elapsed, time left`` on stderr (in place on a terminal)."""

    def __init__(self, spec, state, stream, enabled):
        self.n_cells, self.n_blocks = len(state.done), len(state.done) * state.n_blocks
        self.state, self.stream, self.enabled, self.label = state, stream, enabled, f"sweep {spec.process}"
        self.t0 = time.perf_counter()
        self.t_first = None  # when the first block of this run finished (start-up excluded from the rate)
        self.start_blocks = state.blocks_done()
        self.last = -math.inf
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()

    def update(self, final=False):
        if not self.enabled:
            return
        now = time.perf_counter()
        if not final and now - self.last < (0.5 if self.tty else 30.0):
            return
        self.last = now
        done = self.state.blocks_done()
        ran, left = done - self.start_blocks, self.n_blocks - done
        elapsed = now - self.t0
        if ran and self.t_first is None:
            self.t_first, self.first_blocks = now, ran
        rate = (ran - self.first_blocks) / (now - self.t_first) if ran and now > self.t_first else 0.0
        eta = "done" if not left else (f"{left / rate:.0f} s left" if rate > 0 else "time left: -")
        line = (f"{self.label}: cells {self.state.cells_done()}/{self.n_cells}, blocks {done}/{self.n_blocks} "
                f"({100 * done / self.n_blocks:.1f} %), {elapsed:.0f} s, {eta}")
        self.stream.write(("\r" + line + ("\n" if final else "")) if self.tty else line + "\n")
        self.stream.flush()


# ============================================================================= the run
@dataclasses.dataclass
class SweepResult:
    """What :func:`run` did: the rows (None when the run stopped before the last block), blocks computed."""

    rows: Optional[List[dict]]
    blocks_run: int
    blocks_total: int
    seconds: float
    state_path: str

    @property
    def complete(self):
        return self.rows is not None


def state_path(out):
    """Where the finished blocks of a sweep writing ``out`` are recorded."""
    return f"{out}.state.json"


def _check_out(out, flag):
    if not out:
        raise SpecError(f"{flag}: empty path")
    if os.path.isdir(out):
        raise SpecError(f"{flag} {out!r} is a directory, not a file")
    parent = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(parent):
        raise SpecError(f"{flag} {out!r}: directory {parent!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise SpecError(f"{flag} {out!r}: directory {parent!r} is not writable")


def run(spec: Spec, out, *, json_path=None, workers=None, scheduler=None, client=None, max_blocks=None,
        progress=True, stream=None, connect_timeout=None) -> SweepResult:
    """Run (or continue) the sweep ``spec`` on Dask and write its rows to ``out`` (CSV) and ``json_path``.

    Parameters
    ----------
    spec : Spec
        From :func:`load_spec`.
    out : path
        The CSV; ``out + ".state.json"`` records the finished blocks (see the module docstring).
    json_path : path, optional
        Also write the rows as JSON.
    workers : int >= 1, optional
        Worker processes of the local cluster (default: one per core).
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``), or the path of its scheduler file
        (``dask scheduler --scheduler-file``), instead of a local cluster.
    client : distributed.Client, optional
        An existing client (tests, notebooks); neither a cluster is started nor the client closed.
    max_blocks : int >= 1, optional
        Stop after this many blocks of this run (a partial run: the state is saved, nothing is written
        to ``out``; run again to continue).
    progress : bool
        A progress line on ``stream`` (default stderr) and the dashboard address.

    Returns
    -------
    SweepResult

    Raises
    ------
    SpecError
        A bad output path or argument (before any work).
    SweepError
        Dask missing, an unreachable scheduler, a state of another spec, a failed task.
    """
    stream = sys.stderr if stream is None else stream
    connect_timeout = CONNECT_TIMEOUT if connect_timeout is None else connect_timeout
    _check_out(out, "--out")
    if json_path is not None:
        _check_out(json_path, "--json")
    try:
        workers = None if workers is None else V.check_int(workers, "--workers", minimum=1)
        max_blocks = None if max_blocks is None else V.check_int(max_blocks, "--max-blocks", minimum=1)
    except ValueError as exc:
        raise SpecError(str(exc)) from None
    if scheduler is not None and client is not None:
        raise SpecError("give either a scheduler address or a client, not both")
    cells = spec.cells()
    sizes = spec.block_sizes()
    path = state_path(out)
    state = _State(path, spec.digest(), len(cells), len(sizes)).load()
    todo = [(c, b) for c in range(len(cells)) for b in range(len(sizes)) if not state.finished(c, b)]
    if max_blocks is not None:
        todo = todo[:max_blocks]
    t0 = time.perf_counter()
    bar = _Progress(spec, state, stream, progress)
    checks = {}
    if todo:
        checks = _compute(spec, cells, sizes, todo, state, bar, workers, scheduler, client, connect_timeout, stream,
                          progress)
    total = len(cells) * len(sizes)
    if state.cells_done() < len(cells):
        return SweepResult(None, len(todo), total, time.perf_counter() - t0, path)
    for c, cell in enumerate(cells):  # cells that were complete before this run and not done on the workers
        if c not in checks:
            checks[c] = _rows_task(spec.process, cell, state.merged[c], spec.quantities)
    rows = [r for c, cell in enumerate(cells) for r in _cell_rows(spec, cell, checks[c])]
    seconds = time.perf_counter() - t0
    csv_text = _to_csv(spec, rows)
    json_text = _to_json(spec, rows) if json_path is not None else None
    _write_atomically(out, csv_text)
    if json_text is not None:
        _write_atomically(json_path, json_text)
    return SweepResult(rows, len(todo), total, seconds, path)


def _compute(spec, cells, sizes, todo, state, bar, workers, scheduler, client, timeout, stream, progress):
    own_client, cluster = client is None, None
    if client is None:
        client, cluster = _connect(workers, scheduler, timeout)
    try:
        _check_workers_code(client, spec.process)
        if progress:
            link = _dashboard(client)
            if link:
                stream.write(f"Dask dashboard: {link}\n")
            stream.write(f"sweep {spec.process}: {len(cells)} cells x {len(sizes)} blocks, "
                         f"{len(todo)} blocks to compute on {_n_threads(client)} worker threads\n")
            stream.flush()
        return _schedule(spec, cells, sizes, todo, state, bar, client)
    finally:
        if own_client:
            client.close()
            if cluster is not None:
                cluster.close()


def _schedule(spec, cells, sizes, todo, state, bar, client):
    """Submit the blocks with a bounded number in flight; fold each result into the state as it arrives.

    About three blocks per worker thread are in flight (recounted every few seconds: workers may join, as with
    dask-jobqueue's ``adapt``, or leave).  When a cell has all its blocks, its rows (the theory) are computed by a
    task too; returns them by cell.
    """
    from distributed import as_completed

    tasks = iter(todo)
    digest = spec.digest()
    code, tag = _fingerprint(spec.process), digest[:10]
    where, checks = {}, {}
    in_flight = [0]

    def submit_block():
        nxt = next(tasks, None)
        if nxt is None:
            return None
        c, b = nxt
        key = f"sweep-{spec.process}-{tag}-c{c}-b{b}"
        where[key] = (c, b)
        in_flight[0] += 1
        return client.submit(_block_task, spec.process, cells[c], sizes[b], spec.seed, c, b, code, key=key)

    def submit_rows(c):
        key = f"sweep-{spec.process}-{tag}-c{c}-rows"
        where[key] = (c, None)
        return client.submit(_rows_task, spec.process, cells[c], state.merged[c], spec.quantities, key=key)

    def fill(queue):
        while in_flight[0] < window[0]:
            fut = submit_block()
            if fut is None:
                return
            queue.add(fut)

    # the rows are wanted only when this run completes the sweep (not on a run stopped by a block limit)
    want_rows = len(todo) == len(cells) * len(sizes) - state.blocks_done()
    queue = as_completed([submit_rows(c) for c in range(len(cells)) if want_rows and state.done[c] == state.n_blocks])
    window, recount = [_window(client)], time.perf_counter() + WINDOW_SECONDS
    fill(queue)
    last_save = -math.inf
    try:
        for fut in queue:
            c, b = where.pop(fut.key)
            try:
                result = fut.result()
            except Exception as exc:  # a failed task: keep what is done, report one line
                what = f"the rows of cell {c}" if b is None else f"block {b} of cell {c}"
                raise SweepError(f"{what} ({_show(cells[c], spec.generations)}) failed: "
                                 f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from None
            fut.release()
            if b is None:
                checks[c] = result
                continue
            in_flight[0] -= 1
            _encode(result)  # type check
            state.add(c, b, result)
            if want_rows and state.done[c] == state.n_blocks:
                queue.add(submit_rows(c))
            now = time.perf_counter()
            if now >= recount:
                window[0], recount = _window(client), now + WINDOW_SECONDS
            fill(queue)
            if now - last_save >= CHECKPOINT_SECONDS:
                state.save(spec.process)
                last_save = now
            bar.update()
    finally:
        state.save(spec.process)
        bar.update(final=True)
    return checks


def _window(client):
    """Blocks to keep in flight: three per worker thread (at least four)."""
    return max(4, 3 * _n_threads(client))


def _show(cell, gen):
    return ", ".join(f"{k}={v}" for k, v in cell.items() if k != gen)


def _n_threads(client):
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # pragma: no cover - a scheduler without workers yet
        return 1


def _dashboard(client):
    try:
        services = client.scheduler_info().get("services", {})
        return client.dashboard_link if "dashboard" in services else None
    except Exception:  # pragma: no cover
        return None


def _connect(workers, scheduler, timeout):
    try:
        import logging

        from distributed import Client, LocalCluster
    except ImportError:
        raise SweepError("collapse sweep runs on Dask: pip install 'model-collapse-toolkit[cluster]' "
                         "(dask and distributed)") from None
    if scheduler is not None:
        try:
            if os.path.isfile(scheduler):  # a scheduler file (dask scheduler --scheduler-file, e.g. under srun)
                return Client(scheduler_file=scheduler, timeout=timeout), None
            return Client(scheduler, timeout=timeout), None
        except Exception as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise SweepError(f"--scheduler {scheduler}: cannot connect ({msg})") from None
    import dask

    n = workers or os.cpu_count() or 1
    # the workers import the toolkit from where this process does (a checkout, not another install)
    root = str(Path(__file__).resolve().parents[1])
    with dask.config.set(WORKER_CONFIG):
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=":0",
                               preload=[f"import sys; sys.path.insert(0, {root!r})"], silence_logs=logging.ERROR)
    return Client(cluster), cluster


def _check_workers_code(client, process):
    """The scheduler and every worker run the same toolkit code as this process (:func:`_fingerprint`)."""
    mine = _fingerprint(process)
    try:  # Dask's scheduler unpickles the tasks: it needs the toolkit too
        scheduler = client.run_on_scheduler(_worker_fingerprint, process)
    except Exception as exc:
        raise SweepError(f"the Dask scheduler cannot import the toolkit ({type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''}); install the toolkit where the scheduler "
                         "runs (it unpickles the tasks)") from None
    if scheduler != mine:
        raise SweepError("the Dask scheduler runs another version of the toolkit (numerics/, theory/) than this "
                         "client: install the same toolkit on the scheduler and every worker")
    try:
        theirs = client.run(_worker_fingerprint, process)
    except Exception as exc:
        raise SweepError(f"the Dask workers cannot import numerics.{process} ({type(exc).__name__}: {exc}); "
                         "install the toolkit on the workers") from None
    bad = [w for w, fp in theirs.items() if fp != mine]
    if bad:
        raise SweepError(f"worker {bad[0]} runs another version of the toolkit (numerics/, theory/) than this "
                         "client: install the same toolkit on every worker")


# ============================================================================= the command
def main(spec_path, out, *, json_path=None, workers=None, scheduler=None, max_blocks=None, quiet=False,
         processes=None, stdout=None, stderr=None) -> int:
    """``collapse sweep``: run the spec, print a summary; exit status 0, 1 (a row disagrees), 2 (usage), 3 (partial)."""
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    try:
        spec = load_spec(spec_path, processes=processes)
        result = run(spec, out, json_path=json_path, workers=workers, scheduler=scheduler, max_blocks=max_blocks,
                     progress=not quiet, stream=stderr)
    except (SpecError, SweepError, ValueError) as exc:
        stderr.write(f"error: {str(exc).splitlines()[0]}\n")
        return 2
    except KeyboardInterrupt:
        stderr.write(f"interrupted: finished blocks are recorded in {state_path(out)}; "
                     "run the same command to continue\n")
        return 130
    if not result.complete:
        stdout.write(f"stopped after {result.blocks_run} blocks ({result.seconds:.1f} s); finished blocks are "
                     f"recorded in {result.state_path}; run the same command to continue\n")
        return 3
    counts = _counts(result.rows)
    stdout.write(f"{len(result.rows)} rows ({counts[ck.AGREE]} agree, {counts[ck.DISAGREE]} disagree, "
                 f"{counts[ck.UNDERPOWERED]} underpowered) from {result.blocks_total} blocks "
                 f"({result.blocks_run} computed now, {result.seconds:.1f} s); wrote {out}"
                 + (f" and {json_path}" if json_path else "") + "\n")
    bad = [r for r in result.rows if r["status"] == ck.DISAGREE]
    for r in bad[:20]:
        stdout.write(f"DISAGREE {r['quantity']} at {_show({k: r[k] for k in spec.parameters}, None)}: "
                     f"theory {r['theory']:.6g}, estimate {r['estimate']:.6g} +- {r['stderr']:.3g}, z = {r['z']:.3g}\n")
    return 1 if bad else 0
