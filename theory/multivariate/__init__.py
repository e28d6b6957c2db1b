r"""Multivariate Gaussian refitting in dimension :math:`d`: the collapse of the covariance.

The process
-----------
Generation 0 is :math:`N(\mu, \Sigma)` on :math:`\mathbb R^d`.  Generation :math:`n+1` is the Gaussian
fitted to :math:`M \ge d+1` i.i.d. samples of generation :math:`n` by the sample mean and
:math:`\Sigma_{n+1} = c\sum_i (x_i-\bar x)(x_i-\bar x)^\top`, :math:`c = 1/(M-1)` (unbiased) or
:math:`1/M` (MLE); ``n`` counts refits and :math:`M \ge d+1` keeps :math:`\Sigma_{n+1}` non-singular.

Why it is solvable
------------------
Given generation :math:`n` the scatter matrix is :math:`\mathrm{Wishart}_d(M-1, \Sigma_n)`, independent of
:math:`\bar x \sim N(\mu_n, \Sigma_n/M)`.  By the Bartlett decomposition one refit multiplies the
determinant by :math:`c^d\prod_{i=1}^d \chi^2_{M-i}` (independent factors): :math:`\log\det\Sigma_n` is a
sum of :math:`nd` independent log-chi-squares and every moment of :math:`\det\Sigma_n` a power of the
chi-square Mellin transform (:func:`theory.gaussian.chi2_mellin`).  The Wishart second moments make the
trace moments a linear recursion (:func:`trace_moment_matrix`).  So :math:`\Sigma` enters only through
:math:`\det\Sigma`, :math:`\operatorname{tr}\Sigma`, :math:`\operatorname{tr}\Sigma^2` (:func:`covariance_invariants`).

The collapse
------------
Unbiased: :math:`E[\Sigma_n] = \Sigma` for every ``n`` (a matrix martingale), yet
:math:`E\log\det\Sigma_n` drifts to :math:`-\infty` and even the largest eigenvalue decays at the
Lyapunov exponent :math:`\psi(\tfrac{M-1}{2}) + \log\tfrac{2}{M-1} < 0`, so :math:`\Sigma_n \to 0`
almost surely.  The mean walks away, :math:`E\|\mu_n-\mu\|^2 = n\operatorname{tr}\Sigma/M`, and
:math:`E[W_2^2]` to the original grows without bound; its one term without a closed form,
:math:`E\operatorname{tr}(\Sigma^{1/2}\Sigma_n\Sigma^{1/2})^{1/2}`, is bracketed exactly
(:func:`fidelity_bounds`).  Sources: [shumailov2024]_; Wishart theory [muirhead1982]_, ch. 3;
Lyapunov exponents [newman1986]_.  The derivations are checked step by step in
:mod:`proofs.multivariate`.

Sampling bias
-------------
With the keyword ``bias`` :math:`= \lambda \in (0, 1]` every generation samples from
:math:`N(\mu_n, \lambda\Sigma_n)` ([alemohammad2024]_; :mod:`theory.gaussian` in one dimension): the scatter
matrix is :math:`\mathrm{Wishart}_d(M-1, \lambda\Sigma_n)`, so :math:`\Sigma_n` is :math:`\lambda^n` times its
unbiased-sampling value, :math:`E\Sigma_n = (\lambda\rho)^n\Sigma`, :math:`E\log\det\Sigma_n` gains
:math:`nd\log\lambda`, and the mean freezes:
:math:`E\|\mu_n-\mu\|^2 = \frac{\lambda\operatorname{tr}\Sigma}{M}\frac{1-(\lambda\rho)^n}{1-\lambda\rho}`
(theorem ``MULTIVARIATE_SAMPLING_BIAS`` of :mod:`proofs.multivariate`).

Conventions
-----------
``Sigma`` (keyword-only) is ``None`` (the identity), a positive scalar :math:`s^2` (:math:`s^2 I_d`; a
symbol is allowed) or a ``d x d`` symmetric positive-definite matrix, whose float entries are read as the
decimals they print as.  A number ``d`` expands the products and sums over :math:`i = 1..d`, a symbol
keeps ``Product``/``Sum``.  Evaluation follows :mod:`theory.core`.
"""

from theory.multivariate.model import COVARIANCE, D_MAX, EXPAND_MAX, CovarianceInvariants, covariance_invariants
from theory.multivariate.moments import (TraceSecondMoments, det_moment, expected_covariance, expected_det,
                                         expected_log_det, expected_squared_trace, expected_trace,
                                         expected_trace_of_square, log_det_cumulant, lyapunov_exponent,
                                         trace_moment_matrix, trace_second_moments, variance_of_det,
                                         variance_of_log_det, variance_of_trace)
from theory.multivariate.distance import (Bounds, fidelity_bounds, mean_squared_displacement, w2_squared_bounds,
                                          w2_squared_limit)
from theory.multivariate.law import log_det_cdf, median_log_det

__all__ = [
    "covariance_invariants", "expected_covariance", "expected_trace", "det_moment", "expected_det",
    "variance_of_det", "log_det_cumulant", "expected_log_det", "variance_of_log_det", "lyapunov_exponent",
    "trace_moment_matrix", "trace_second_moments", "expected_trace_of_square", "expected_squared_trace",
    "variance_of_trace", "mean_squared_displacement", "fidelity_bounds", "w2_squared_bounds",
    "w2_squared_limit", "log_det_cdf", "median_log_det",
    "CovarianceInvariants", "TraceSecondMoments", "Bounds",
]
