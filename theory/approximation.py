r"""The three error sources of model collapse [shumailov2024]_, and where each is solved.

1. **Statistical approximation** (finitely many samples): :mod:`theory.gaussian`, :mod:`theory.discrete`.
2. **Functional expressivity** (the family cannot represent the target; one Gaussian fitted to a
   mixture): :mod:`theory.expressivity`, on the mixtures of :mod:`theory.mixture`.
3. **Functional approximation** (a biased sampling procedure: truncation, low temperature):
   :mod:`theory.truncation`.

This module gathers the public names of the last three (``from theory import approximation as ta``).
"""

from theory import expressivity as _expressivity
from theory import mixture as _mixture
from theory import truncation as _truncation
from theory.expressivity import *  # noqa: F401,F403
from theory.mixture import *  # noqa: F401,F403
from theory.mixture import check_mixture, unpack_mixture  # noqa: F401  (compatibility helpers)
from theory.truncation import *  # noqa: F401,F403

__all__ = [*_truncation.__all__, *_mixture.__all__, *_expressivity.__all__]
