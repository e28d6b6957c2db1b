"""The check protocol every process module of :mod:`numerics` follows (written down once).

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
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional, Protocol, runtime_checkable

from numerics.checks import Check

__all__ = ["ProcessChecks", "REQUIRED"]

#: The names a process module must export.
REQUIRED = ("PROCESS", "MIN_CHAINS", "checks_for_run", "exact_checks", "verification_checks")


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
