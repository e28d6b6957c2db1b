r"""Mitigations of model collapse: mixing in fresh real data, and accumulating data.

Replacing each generation's training data by samples of the previous model collapses it
(:mod:`theory.gaussian`, :mod:`theory.discrete`).  Two remedies are exactly solvable, each in its module:

* :mod:`theory.mitigation.mixing` -- a fraction :math:`\alpha` of fresh real samples each generation
  (Gaussian): an affine recursion of the second moments, stable iff
  :math:`\alpha > 1 - \sqrt{1 - 1/M}` (unbiased variance) -- one fresh sample per generation suffices;
* :mod:`theory.mitigation.accumulation` -- every model fitted to all data so far (Gerstgrasser et
  al.): the variance tends to a positive limit and :math:`E[(\mu_n-\mu)^2] \le \pi^2\sigma^2/(6M)`;
* :mod:`theory.mitigation.immigration` -- fresh data in the discrete case (Wright-Fisher with
  immigration): the diversity converges to a positive stationary value.
* :mod:`theory.mitigation.subsample` -- the three workflows of Kazdan et al. side by side, and
  accumulate-subsample (every model fitted to an ``n``-subset of all data so far): an exact pool recursion;
  the MLE settles on a plateau, the unbiased estimator grows like :math:`t^{1/n}` (no plateau);
* :mod:`theory.mitigation.weighted` -- weighted fresh data (He, Xu, Cheng): exact errors, the stability
  threshold of the variance error, and the golden-ratio weight :func:`optimal_real_weight`;
* :mod:`theory.mitigation.kde` -- kernel density chains: variance inflation and
  :math:`E s_t^2 + E(m_t-\mu)^2 = \sigma^2 + t\kappa`.

A sampling bias (sampling from :math:`N(\mu_n, \lambda\sigma_n^2)`) is the keyword ``bias`` of
:mod:`theory.gaussian`.

Conventions: ``n`` counts refits, generation 0 is the original; :math:`\alpha M` fresh samples is an
integer (the exact split).  Every name is importable from :mod:`theory.mitigation` itself.  Sources:
[shumailov2024]_, [gerstgrasser2024]_, [bertrand2024]_, [alemohammad2024]_, [kazdan2024]_, [he2025]_,
[fu2024]_.
"""

from theory.mitigation._common import Bounds, GaussianMoments
from theory.mitigation.accumulation import *  # noqa: F401,F403
from theory.mitigation.accumulation import __all__ as _accumulation
from theory.mitigation.immigration import *  # noqa: F401,F403
from theory.mitigation.immigration import __all__ as _immigration
from theory.mitigation.kde import *  # noqa: F401,F403
from theory.mitigation.kde import __all__ as _kde
from theory.mitigation.mixing import *  # noqa: F401,F403
from theory.mitigation.mixing import __all__ as _mixing
from theory.mitigation.subsample import *  # noqa: F401,F403
from theory.mitigation.subsample import __all__ as _subsample
from theory.mitigation.weighted import *  # noqa: F401,F403
from theory.mitigation.weighted import __all__ as _weighted

__all__ = [*_mixing, *_accumulation, *_immigration, *_subsample, *_weighted, *_kde, "GaussianMoments", "Bounds"]
