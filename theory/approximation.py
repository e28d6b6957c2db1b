r"""The three error sources of model collapse, and closed forms for the two that are not sampling.

[shumailov2024]_ attribute model collapse to three errors that compound over generations (generation
:math:`n+1` is a model fitted to data sampled from generation :math:`n`):

1. **Statistical approximation error**: only finitely many samples are drawn, so the fit is random
   and the variance performs a multiplicative random walk towards 0 (:mod:`theory.gaussian`,
   :mod:`theory.discrete`).
2. **Functional expressivity error**: the model family cannot represent the target; here ONE Gaussian
   fitted to a Gaussian mixture (:mod:`theory.expressivity`, on the mixtures of :mod:`theory.mixture`).
3. **Functional approximation error**: the learning or sampling procedure is biased; here sampling
   with truncation or at low temperature, which shrinks the variance by a fixed factor every
   generation (:mod:`theory.truncation`).

The last two are present with infinitely many samples.  This module gathers the public names of
those three modules (``from theory import approximation as ta; ta.kappa(...)``).
"""

from theory import expressivity as _expressivity
from theory import mixture as _mixture
from theory import truncation as _truncation
from theory.expressivity import *  # noqa: F401,F403
from theory.mixture import *  # noqa: F401,F403
from theory.mixture import check_mixture, unpack_mixture  # noqa: F401  (compatibility helpers)
from theory.truncation import *  # noqa: F401,F403

__all__ = [*_truncation.__all__, *_mixture.__all__, *_expressivity.__all__]
