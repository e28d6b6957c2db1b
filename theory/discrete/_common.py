"""Parameter domains, size limits and parameter relations shared by the modules of :mod:`theory.discrete`."""

from __future__ import annotations

from theory import validation as V

#: Largest M for exact two-type absorption times (the folded flint solve takes ~15 s of CPU at M = 300).
EXACT_MAX_M = 320
#: Largest number of count states for exact K-type computations (enumeration, collapse time).
EXACT_MAX_STATES = 5000
#: Largest number of count states for float K-type computations.
FLOAT_MAX_STATES = 3_000_000
#: Largest M for which a dense float transition matrix is formed (8 (M+1)^2 bytes).
DENSE_MAX_M = 10_000

# ----------------------------------------------------------------------------- domains
M_ = V.Integer(1, doc=r"Samples per generation (haploid copies) :math:`M \ge 1`.", example=4)
#: M where exact evaluation raises M to the power M (an exact value with ~M log10 M digits).
M_POWER = V.Integer(1, doc=M_.doc, example=4, exact_max=20_000)
#: M where the float evaluation subtracts counts from M (M - j): exact only while M fits the working precision.
M_BINOMIAL = V.Integer(1, 10 ** 40, doc=M_.doc + " At most :math:`10^{40}` (``M - j`` must stay exact in the "
                                                 "working precision).", example=4, exact_max=20_000)
I_ = V.Integer(0, doc=r"Count :math:`i` of the first category, :math:`0 \le i \le M`.", example=2)
J_ = V.Integer(0, doc=r"Count :math:`j` of the first category in the next generation, :math:`0 \le j \le M`.",
               example=1)
K_ = V.Integer(2, doc=r"Number of categories :math:`K \ge 2`.", example=3)
N_ = V.Generations(doc="Number of refits (generation 0 is the original), or a 1-D array of them.", example=3)
GENERATIONS = V.Integer(0, doc="Largest number of refits returned.", example=5)
P_VECTOR = V.ProbabilityVector(doc=r"Original probability vector :math:`(p_1, \dots, p_K)`, :math:`K \ge 2`.")
X_VECTOR = V.ProbabilityVector(doc=r"Current frequencies :math:`(x_1, \dots, x_K)`, :math:`K \ge 2`.",
                               example=(0.25, 0.25, 0.5))
P_SCALAR = V.Real(0, 1, doc=r"Probability :math:`p \in [0, 1]` of a category.", example=0.25)
COUNTS = V.CountVector(doc=r"Counts :math:`(c_1, \dots, c_K)` of :math:`K \ge 2` categories.", example=(2, 1, 1))
X_COUNTS = V.CountVector(doc=r"Count vector :math:`x` of generation :math:`n` (:math:`K \ge 2` categories, "
                             r"total :math:`M`).", example=(2, 1, 1))
Y_COUNTS = V.CountVector(doc=r"Count vector :math:`y` of generation :math:`n+1` (same :math:`K` and total).",
                         example=(1, 2, 1))
F_VALUES = V.RealArray(keep_exact=True, doc=r"Values :math:`f(0), \dots, f(M)` of a function of the count.",
                       example=(0, 0.25, 0.5, 0.75, 1))
F_TABLE = V.RealArray(ndim=None, keep_exact=True,
                      doc=r"Values :math:`f(0), \dots, f(M)` of a function of the count (length :math:`M+1`), "
                          r"or a 2-D array whose rows are several such functions.", example=(0, 0.25, 0.5, 0.75, 1))
Q_VECTOR = V.RealArray(keep_exact=True, doc=r"Frequencies :math:`q \in [0, 1]` of the first category in "
                                            r"generation 0 (any real, not only multiples of :math:`1/M`).",
                       example=(0.1, 0.5))
TAIL = V.Real(0, 1e-6, lower_open=True, doc="Target binomial mass left out of each banded row (the error bound uses "
                                            "the actual mass).", example=1e-16)


# ----------------------------------------------------------------------------- relations between parameters
def _fixed(*values):
    return not V.is_symbolic(*values)


def count_at_most_M(M, **counts):
    """Each count (``i``, ``j``) lies in ``0..M``."""
    for name, c in counts.items():
        if c is not None and _fixed(c, M) and c > M:
            raise ValueError(f"{name} must be <= M = {M}, got {c}")


def require_counts(**values):
    """``requires`` hook: every count parameter (``i``, ``j``) is at most ``M``."""
    count_at_most_M(values["M"], **{k: v for k, v in values.items() if k in ("i", "j")})


def require_counts_sum_to_M(counts, M, **_):
    if _fixed(M) and sum(counts) != M:
        raise ValueError(f"counts must sum to M = {M}, sums to {sum(counts)}")


def require_values_per_count(f, M, **_):
    """``f`` holds one value per count ``0..M`` (or rows of them)."""
    if _fixed(M) and (f.ndim not in (1, 2) or f.shape[-1] != M + 1):
        raise ValueError(f"f must hold M + 1 = {M + 1} values f(0..M) (or a 2-D array of such rows), got shape "
                         f"{f.shape}")


def require_frequencies(q, **_):
    if q.ndim != 1 or any(not (0 <= v <= 1) for v in q):
        raise ValueError(f"q must be a 1-D array of frequencies in [0, 1], got {V.short_repr(q)}")
