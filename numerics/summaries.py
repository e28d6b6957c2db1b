r"""Mergeable summaries of Monte Carlo samples: combine blocks exactly, never average averages.

A sample split into blocks (threads, Dask workers, resumed runs) is summarised block by block and the
summaries are merged.  :class:`Moments` keeps the count, the mean and the central sums
:math:`M_p = \sum (x - \bar x)^p` for :math:`p = 2, 3, 4`, merged by the pairwise formulas of Chan,
Golub & LeVeque (1979) and Pébay (2008); the merged summary equals, up to rounding, the summary of the
concatenated sample, so its mean, standard error and kurtosis (the power criterion of
:mod:`numerics.checks`) do not depend on how the sample was split.  :class:`Proportion` counts
successes.  Merging in a fixed order (block index) makes the result bit-identical for any schedule.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

__all__ = ["Moments", "Proportion", "merge_all"]


@dataclasses.dataclass(frozen=True)
class Moments:
    """Count, mean and central sums of powers 2-4 of a sample (mergeable)."""

    count: int
    mean: float
    m2: float
    m3: float = 0.0
    m4: float = 0.0

    @classmethod
    def of(cls, x):
        """The summary of a 1-D sample (NaN propagates to the mean: a disagreement, never hidden)."""
        x = np.asarray(x, dtype=float).ravel()
        n = x.size
        if n == 0:
            return cls(0, 0.0, 0.0, 0.0, 0.0)
        mean = float(np.mean(x))
        d = x - mean
        d2 = d * d
        return cls(n, mean, float(d2.sum()), float((d2 * d).sum()), float((d2 * d2).sum()))

    def merge(self, other: "Moments") -> "Moments":
        """The summary of the concatenation of both samples (Pébay's pairwise update)."""
        if other.count == 0:
            return self
        if self.count == 0:
            return other
        na, nb = self.count, other.count
        n = na + nb
        delta = other.mean - self.mean
        d_n = delta / n
        mean = self.mean + nb * d_n
        m2 = self.m2 + other.m2 + delta * d_n * na * nb
        m3 = (self.m3 + other.m3 + delta * d_n * d_n * na * nb * (na - nb)
              + 3 * d_n * (na * other.m2 - nb * self.m2))
        m4 = (self.m4 + other.m4 + delta * d_n ** 3 * na * nb * (na * na - na * nb + nb * nb)
              + 6 * d_n * d_n * (na * na * other.m2 + nb * nb * self.m2) + 4 * d_n * (na * other.m3 - nb * self.m3))
        return Moments(n, mean, m2, m3, m4)

    @property
    def variance(self):
        """Sample variance (divisor ``count - 1``)."""
        return self.m2 / (self.count - 1) if self.count > 1 else math.nan

    @property
    def sem(self):
        """Standard error of the mean."""
        return math.sqrt(self.variance / self.count) if self.count > 1 else math.nan

    @property
    def kurtosis(self):
        """Sample kurtosis :math:`m_4/m_2^2` (central moments with divisor ``count``)."""
        if self.count < 2 or self.m2 <= 0:
            return math.nan
        return self.count * self.m4 / (self.m2 * self.m2)

    def as_dict(self):
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Proportion:
    """Successes out of trials (mergeable)."""

    successes: int
    trials: int

    def merge(self, other: "Proportion") -> "Proportion":
        return Proportion(self.successes + other.successes, self.trials + other.trials)

    def as_dict(self):
        return dataclasses.asdict(self)


def merge_all(parts):
    """Merge summaries in the given order (left fold); ``parts`` must be non-empty."""
    parts = list(parts)
    out = parts[0]
    for p in parts[1:]:
        out = out.merge(p)
    return out
