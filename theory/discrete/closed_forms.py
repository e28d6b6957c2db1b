r"""Closed forms of the K-type chain: fixation, diversity, and the loss of rare categories.

Each frequency is a bounded martingale, so a category fixes with its initial probability; the
Gini-Simpson diversity :math:`H = 1 - \sum_i p_i^2` decays by :math:`1 - 1/M` per generation in
expectation; a category of probability :math:`p` is absent after one refit with probability
:math:`(1-p)^M`, so rare categories vanish first.  Proved in :mod:`proofs.discrete`.
"""

from __future__ import annotations

import sympy as sp

from theory.core import closed_form
from theory.discrete._common import I_, M_, M_POWER, N_, P_SCALAR, P_VECTOR, require_counts

__all__ = ["fixation_probability", "expected_heterozygosity", "loss_probability", "expected_categories_lost",
           "expected_mass_lost"]


@closed_form(i=I_, M=M_, requires=require_counts)
def fixation_probability(i, M):
    r"""Probability :math:`i/M` that a category with ``i`` of ``M`` samples ends up holding all of them.

    The frequency is a bounded martingale and absorption is certain, so optional stopping gives the
    initial frequency.  For ``K`` categories, category ``k`` wins with probability :math:`p_k` (it
    against the rest is a two-type chain).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> fixation_probability(3, 9, exact=True)
    1/3
    >>> fixation_probability(2**53, 2**53 + 1)  # integers compared and divided exactly
    0.9999999999999999

    References
    ----------
    [ewens2004]_, eq. (1.49); [shumailov2024]_, sec. 3.1.
    """
    return i / M


def _sympy(v):
    return sp.sympify(v)


@closed_form(n=N_, p=P_VECTOR, M=M_)
def expected_heterozygosity(n, p, M):
    r"""Expected Gini-Simpson diversity after ``n`` refits: :math:`E[H_n] = (1 - 1/M)^n (1 - \sum_i p_i^2)`.

    From the multinomial second moments, :math:`E[H_{n+1} \mid p^{(n)}] = (1 - 1/M) H_n`.  :math:`H_0`
    is summed as :math:`\sum_i p_i(1 - p_i)` (no cancellation when :math:`p` is nearly a point mass).

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_heterozygosity(3, [0.5, 0.5], 4, exact=True)
    27/128
    >>> import sympy as sp
    >>> n, M = sp.symbols("n M", positive=True, integer=True)
    >>> expected_heterozygosity(n, [sp.Rational(1, 2), sp.Rational(1, 2)], M)
    (1 - 1/M)**n/2

    References
    ----------
    [ewens2004]_, eq. (1.57); [durrett2008]_, ch. 1; [shumailov2024]_, sec. 3.1.
    """
    return sum(_sympy(v) * (1 - _sympy(v)) for v in p) * (1 - 1 / M) ** n


@closed_form(p=P_SCALAR, M=M_POWER)
def loss_probability(p, M):
    r"""Probability :math:`(1-p)^M` that a category of probability ``p`` is absent from the next generation.

    Decreasing in ``p`` (:math:`\partial_p = -M(1-p)^{M-1} < 0`): rare categories vanish first, and a
    vanished category never returns.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> import sympy as sp
    >>> loss_probability(sp.Rational(1, 4), 3)
    27/64
    >>> loss_probability(0.001, 10**5)  # (1 - p)^M to full precision, ~e^(-100)
    3.538527688343435e-44

    References
    ----------
    [shumailov2024]_, sec. 3.1 (the tails disappear first); [ewens2004]_.
    """
    return (1 - p) ** M


@closed_form(p=P_VECTOR, M=M_POWER)
def expected_categories_lost(p, M):
    r"""Expected number of categories lost in one generation, :math:`\sum_i (1 - p_i)^M`.

    By linearity, each count being :math:`\mathrm{Bin}(M, p_i)`; categories with :math:`p_i = 0`
    count as lost.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_categories_lost([0.5, 0.5], 2, exact=True)
    1/2
    >>> expected_categories_lost([0.9, 0.1], 10, exact=True)  # 0.1^10 + 0.9^10
    1743392201/5000000000

    References
    ----------
    [shumailov2024]_, sec. 3.1 (low-probability events are lost first); [ewens2004]_.
    """
    return sum((1 - _sympy(v)) ** M for v in p)


@closed_form(p=P_VECTOR, M=M_POWER)
def expected_mass_lost(p, M):
    r"""Expected original probability mass of the categories lost in one generation, :math:`\sum_i p_i (1-p_i)^M`.

    Dominated by the rare categories: the tail mass is what disappears.

    Parameters
    ----------
    %(parameters)s

    Examples
    --------
    >>> expected_mass_lost([0.9, 0.1], 2, exact=True)
    9/100
    >>> expected_mass_lost([0.75, 0.25], 2)  # 3/4 (1/4)^2 + 1/4 (3/4)^2
    0.1875

    References
    ----------
    [shumailov2024]_, sec. 3.1 (the tails vanish); [ewens2004]_.
    """
    return sum(_sympy(v) * (1 - _sympy(v)) ** M for v in p)
