"""Symbolic and exact theory of model collapse.

One module per process, each with the same evaluation contract (:mod:`theory.core`): numbers in, a
float out; sympy symbols in, a sympy expression out; sympy numbers or ``exact=True``, the exact value.

* :mod:`theory.core` -- the one evaluation mechanism (``closed_form``, ``computed``) and its contract.
* :mod:`theory.validation` -- the parameter domains every function declares (public: numerics uses it).
* :mod:`theory.gaussian` -- Gaussian refitting, sample-size schedules.
* :mod:`theory.discrete` -- categorical resampling = the neutral Wright-Fisher chain.
* :mod:`theory.mitigation` -- fresh real data, accumulation.
* :mod:`theory.multivariate` -- the multivariate Gaussian (Wishart recursion).
* :mod:`theory.approximation` -- the three error sources; gathers the next three modules.
* :mod:`theory.truncation` -- functional approximation error: truncated and low-temperature sampling.
* :mod:`theory.mixture` -- 1-D Gaussian mixtures (the ``Mixture`` type), their moments and distances.
* :mod:`theory.expressivity` -- functional expressivity error: one Gaussian fitted to a mixture.
* :mod:`theory.regression` -- linear regression chains (replace, accumulate, strong collapse, weighting).
* :mod:`theory.tails` -- Zipf tails and Hutter's learner, recursive training of a unigram model, the forgetting law.

This package imports nothing else of the toolkit.  The bibliography cited by key (``[shumailov2024]_``)
is ``docs/references.md``.
"""
