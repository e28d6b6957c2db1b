r"""The check protocol every process module of :mod:`numerics` follows (written down once).

``collapse verify`` and ``collapse sweep`` know nothing about a process but this protocol:

* ``PROCESS`` -- the process name (``"gaussian"``), the same in every layer;
* ``MIN_CHAINS`` -- the fewest chains :func:`verification_checks` accepts (fewer cannot estimate the
  standard errors its rows are judged by); the CLI validates ``--chains`` against it up front;
* ``checks_for_run(run, n, formulas=None)`` -- the Monte Carlo rows of one simulated run at
  generation ``n``; ``formulas`` replaces the theory value of named quantities (an unknown name is a
  :class:`ValueError`), which is how the tests show that a wrong formula is caught;
* ``exact_checks()`` -- the rows comparing exact arithmetic with the float evaluation;
* ``verification_checks(chains=None, seed=DEFAULT_SEED, progress=True)`` -- every row of the process
  on its built-in grid (``chains=None``: the module's paper-scale default).

``tests/test_protocol.py`` checks that every module of ``collapse.cli.PROCESSES`` satisfies it.

Sweep cells (``collapse sweep``)
--------------------------------
A process that can be swept over a parameter grid (:mod:`numerics.sweep`, run on Dask) also exports,
at the end of its module in a section ``# --- sweep cells``:

* ``SWEEP_PARAMETERS`` -- ``{name: SweepParameter(domain, default)}``: the parameters a spec's grid
  may set, each with its :mod:`theory.validation` domain (which validates every grid value and names
  the field in its error) and the value used when the grid leaves it out.  Their order is the order
  of the cells (the first parameter varies slowest) and of the CSV columns.
* ``SWEEP_QUANTITIES`` -- the quantity names a spec may select (the ``quantity`` column of the rows,
  as in ``collapse verify``).
* ``SWEEP_GENERATIONS`` (optional) -- the name of the parameter that one simulation covers at every
  value at once (the generation ``n``: a chain run to the largest ``n`` passes every smaller one).
  Grid points that differ only in it form one cell; the cell's value of it is the sorted tuple of
  the requested generations, and every row carries its own ``n``.
* ``sweep_check(params)`` (optional) -- relations between one cell's parameters (``alpha * M`` an
  integer, ``M >= d + 1``); a :class:`ValueError` naming the parameter.  Called on every cell when
  the spec is loaded, so a bad combination is refused before any work.
* ``sweep_block(params, chains, seed) -> dict`` -- simulate ``chains`` chains at one cell's
  parameters with one ``numpy.random.SeedSequence`` ``seed`` and summarise them *mergeably*: a dict
  from the module's own string keys (e.g. ``"variance@5"``) to
  :class:`numerics.summaries.Moments` (means, variances: count, mean and central sums
  :math:`M_2..M_4`) or :class:`numerics.summaries.Proportion` (probabilities; quantiles as
  :math:`P(X \le x_q)`).  Every block of a cell returns the same keys.  Blocks are merged exactly,
  in block order, never by averaging averages.
* ``sweep_rows(params, merged, quantities) -> list[Check]`` -- the rows ``collapse verify`` would
  give for the cell, from the merged summaries, for the selected ``quantities``: theory, estimate
  +- standard error, z, status (the power criterion of :mod:`numerics.checks` included).  A mean
  comes from a ``Moments`` (:func:`numerics.sweep.mean_row`), a variance from its :math:`M_2` and
  :math:`M_4` (:func:`numerics.sweep.variance_row`; its power criterion needs the kurtosis of
  :math:`(X - EX)^2`, exact from the theory or from a ``Moments`` of it), a quantile :math:`x_q` as
  the proportion test :math:`P(X \le x_q) = q` (:func:`numerics.sweep.quantile_row`: the row is on
  the probability scale, its note names :math:`x_q`), a probability from a ``Proportion``
  (:func:`numerics.sweep.proportion_row`), a bracket from a ``Moments``
  (:func:`numerics.sweep.interval_row`).  A selected quantity that does not apply to a cell (another
  scheme's) gives no row there.

``tests/test_sweep.py`` checks that every process of ``collapse.cli.PROCESSES`` but ``gmm`` exports them, and
that the rows of a cell are those of ``checks_for_run`` on the same chains.

The rows of a cell are exactly those of ``checks_for_run`` on the same chains, except that a quantile
row is reported on the probability scale (a sample quantile cannot be merged) and the power criterion
of a variance row uses the sample kurtosis of :math:`(X - EX)^2` centred at the theoretical mean
rather than at the sample mean.

Not every process is sweepable: :mod:`numerics.gmm` is not.  None of its rows is a mean over chains of a
statistic of the collapse chain with a closed form: the EM rows check one fit against an asymptotic (large-``N``)
standard error (a mean of many EM fits converges to the biased finite-sample EM estimate, not to the truth, so a
cell with enough chains would disagree), the :math:`W_2^2` rows compare two quadratures exactly, and the
:math:`L_2^2`, TV and KL rows check the distance formulas of :mod:`theory.mixture` between two fixed mixtures
(a grid over mixtures would sweep :mod:`theory.mixture`, not the process).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Protocol, Tuple, runtime_checkable

from numerics.checks import Check

__all__ = ["ProcessChecks", "REQUIRED", "SweepCells", "SweepParameter", "SWEEP_REQUIRED"]

#: The names a process module must export.
REQUIRED = ("PROCESS", "MIN_CHAINS", "checks_for_run", "exact_checks", "verification_checks")
#: The names a sweepable process module exports in addition (``SWEEP_GENERATIONS`` and ``sweep_check`` optional).
SWEEP_REQUIRED = ("SWEEP_PARAMETERS", "SWEEP_QUANTITIES", "sweep_block", "sweep_rows")


class SweepParameter(NamedTuple):
    """One parameter of a process's sweep cells: its :mod:`theory.validation` domain and its default value."""

    domain: Any
    default: Any


@runtime_checkable
class ProcessChecks(Protocol):
    """A process module of :mod:`numerics` (structural type: modules satisfy it by their names)."""

    PROCESS: str
    MIN_CHAINS: int

    def checks_for_run(self, run: Any, n: int, formulas: Optional[Mapping] = None) -> List[Check]:
        ...

    def exact_checks(self) -> List[Check]:
        ...

    def verification_checks(self, chains: Optional[int] = None, seed: Any = ...,
                            progress: bool = True) -> List[Check]:
        ...


@runtime_checkable
class SweepCells(Protocol):
    """A sweepable process module (``collapse sweep``; see the module docstring)."""

    SWEEP_PARAMETERS: Dict[str, SweepParameter]
    SWEEP_QUANTITIES: Tuple[str, ...]

    def sweep_block(self, params: Mapping[str, Any], chains: int, seed: Any) -> Dict[str, Any]:
        ...

    def sweep_rows(self, params: Mapping[str, Any], merged: Mapping[str, Any],
                   quantities: Tuple[str, ...]) -> List[Check]:
        ...
