r"""Discrete resampling: a categorical model refitted by its empirical frequencies, the neutral Wright-Fisher chain.

The process
-----------
A model is a categorical distribution :math:`p^{(0)} = (p_1, \dots, p_K)`, :math:`K \ge 2`.
Generation :math:`n+1` is fitted by maximum likelihood -- the empirical frequencies -- to :math:`M`
samples of generation :math:`n`:

.. math::

    X^{(n+1)} \mid p^{(n)} \sim \mathrm{Multinomial}(M, p^{(n)}), \qquad p^{(n+1)} = X^{(n+1)}/M.

``n`` counts refits; generation 0 is any probability vector, and from generation 1 on the model is
the count vector, a Markov chain with :math:`P(x \to y) = \binom{M}{y}\prod_i (x_i/M)^{y_i}`: the
neutral Wright-Fisher model with :math:`M` haploid copies [ewens2004]_ [durrett2008]_, read as model
collapse by [shumailov2024]_.  One category against the rest is a two-type chain with binomial rows,
so many K-type quantities reduce to it.

What happens
------------
* The deltas :math:`M e_j` are the only absorbing states; every other state reaches one in a single
  step with positive probability, so the model collapses to a point with probability 1.
* Each frequency is a martingale: category ``k`` takes over with probability :math:`p_k`.
* Diversity decays geometrically, :math:`E[H_n] = (1 - 1/M)^n H_0` with
  :math:`H = 1 - \sum_i p_i^2`, the second eigenvalue :math:`\lambda_2` of the chain.
* Rare categories vanish first: one of probability :math:`p` is absent after a refit with
  probability :math:`(1-p)^M`, and never returns.
* The mean time to collapse is :math:`\approx -2M[p\ln p + (1-p)\ln(1-p)]` generations [kimura1955]_:
  linear in ``M``.

The modules: :mod:`~theory.discrete.chain` (transition law, matrix, eigenvalues),
:mod:`~theory.discrete.closed_forms` (fixation, diversity, loss), :mod:`~theory.discrete.absorption`
(absorption times and probabilities), :mod:`~theory.discrete.distributions` (the law after ``n``
generations, survival, absence), :mod:`~theory.discrete.multitype` (K types, time to collapse).
The derivations are in :mod:`proofs.discrete`.  Evaluation follows :mod:`theory.core`; the exact
algorithms use python-flint integer arithmetic and return sympy values.

Examples
--------
>>> from theory import discrete as td
>>> td.expected_absorption_time(2, 4, exact=True)  # Kemeny-Snell fundamental matrix, M = 4
132/29
"""

from theory.discrete._common import DENSE_MAX_M, EXACT_MAX_M, EXACT_MAX_STATES, FLOAT_MAX_STATES
from theory.discrete.absorption import (SOLVE_MAX_M, TwoTypeSolution, absorption_probabilities,
                                        expected_absorption_time, expected_absorption_times, kimura_absorption_time,
                                        solve_two_type_chain)
from theory.discrete.chain import (transition_eigenvalue, transition_eigenvalues, transition_matrix,
                                   transition_probability)
from theory.discrete.closed_forms import (expected_categories_lost, expected_heterozygosity, expected_mass_lost,
                                          fixation_probability, loss_probability)
from theory.discrete.distributions import (absence_probabilities, absorption_time_distribution,
                                           binomial_expectations, conditional_expectations, count_distribution,
                                           expected_surviving_categories, survival_probabilities,
                                           survival_probability)
from theory.discrete.multitype import (MultitypeChain, absorbing_states, expected_time_to_collapse,
                                       littler_time_to_collapse, multinomial_transition_probability,
                                       multitype_states, multitype_transition_matrix)

__all__ = [
    "EXACT_MAX_M", "EXACT_MAX_STATES", "FLOAT_MAX_STATES", "DENSE_MAX_M", "SOLVE_MAX_M",
    "transition_probability", "transition_matrix", "transition_eigenvalue", "transition_eigenvalues",
    "fixation_probability", "expected_heterozygosity", "loss_probability", "expected_categories_lost",
    "expected_mass_lost",
    "TwoTypeSolution", "solve_two_type_chain", "expected_absorption_times", "expected_absorption_time",
    "absorption_probabilities", "kimura_absorption_time",
    "count_distribution", "conditional_expectations", "binomial_expectations", "survival_probabilities",
    "survival_probability", "absence_probabilities", "absorption_time_distribution",
    "expected_surviving_categories",
    "multinomial_transition_probability", "multitype_states", "MultitypeChain", "multitype_transition_matrix",
    "absorbing_states", "expected_time_to_collapse", "littler_time_to_collapse",
]

# The public names live at theory.discrete (their doctests run, and their tests are keyed, there).
for _name in __all__:
    _obj = globals()[_name]
    if callable(_obj):
        _obj.__module__ = __name__
del _name, _obj
