r"""The numerical engine of :mod:`theory.discrete` (private): binomial rows, propagation, exact arithmetic.

* **Binomial probabilities** by Loader's saddle-point form [loader2000]_,
  :math:`\binom{M}{j}q^j(1-q)^{M-j} = e^{\delta(M)-\delta(j)-\delta(M-j)-D(j, Mq)-D(M-j, M(1-q))}
  \sqrt{M/(2\pi j(M-j))}` with the Stirling remainder :math:`\delta` and the deviance
  :math:`D(x, m) = x\ln(x/m) + m - x` evaluated without cancellation; for a count ``i`` the means
  :math:`Mq = i` and :math:`M(1-q) = M-i` are exact integers.  Relative error ~1e-15 near the mean,
  ~:math:`|\ln P|` ulp in the tails (< 1e-13 down to 1e-300) at any ``M``; a difference of
  log-gammas loses :math:`\log_{10}\ln M!` digits (3e-11 at :math:`M = 10^4`).
* **Propagation** of a distribution (forward, :math:`\pi P^n`) or of functions (backward,
  :math:`P^n f`): for :math:`M \le` :data:`DENSE_ITER_MAX` with the full dense matrix (every entry
  relative-accurate, so are the results: all terms are non-negative), beyond with rows kept on a
  window around their mean (Bernstein) and rescaled to the exact window mass, built in blocks on
  demand; by iteration, or by repeated squaring when :math:`\log_2 n` dense products are cheaper.
  The chain is absorbed geometrically, so iteration stops once the interior mass underflows.
  Work beyond :data:`WORK_LIMIT` is refused up front with a :class:`ValueError` naming ``n``.
* **Exact arithmetic** on the integer matrix :math:`A = M^M P` with python-flint.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import scipy.sparse
import scipy.special

#: Binomial mass left out of a banded row.
TAIL = 1e-16
#: Largest M propagated with the dense (untruncated) transition matrix.
DENSE_ITER_MAX = 1500
#: Work refused up front: sparse entry-operations (a dense flop counts 1/20: BLAS).
WORK_LIMIT = 2e9
#: Largest M of exact propagation (the integer matrix M^M P has 28 MB at M = 320).
EXACT_MAX_M = 320
#: Largest exact result size, in bits per entry (``n M log2 M`` after ``n`` steps).
EXACT_MAX_BITS = 400_000
#: Largest M propagated by repeated squaring of the dense matrix (72 MB at 3000).
SQUARE_MAX = 3000
#: Largest M of the float laws of the count (a vector of M + 1 floats).
PROPAGATION_MAX_M = 10 ** 7
#: Largest number of entries of a float result (generations x counts).
OUTPUT_MAX = 5e7
#: Largest number of generations of an absorption-time distribution (its length).
PMF_MAX = 10 ** 7
#: Interior mass below which the chain is absorbed in float arithmetic.
ABSORBED = 1e-300

# ----------------------------------------------------------------------------- Loader's binomial
_S = (1 / 12, 1 / 360, 1 / 1260, 1 / 1680, 1 / 1188)
_LOG_2PI = math.log(2 * math.pi)


@functools.lru_cache(maxsize=None)
def _stirlerr_table():
    with mpmath.workdps(40):
        return np.array([0.0] + [float(mpmath.loggamma(k + 1) - (k + mpmath.mpf(1) / 2) * mpmath.log(k) + k
                                       - mpmath.log(2 * mpmath.pi) / 2) for k in range(1, 16)])


def stirlerr(n):
    r""":math:`\delta(n) = \ln n! - (n + \tfrac12)\ln n + n - \tfrac12\ln 2\pi` for integers ``n >= 1`` (array)."""
    n = np.asarray(n, dtype=float)
    small = n <= 15
    x = np.where(small, 16.0, n)
    nn = x * x
    series = (_S[0] - (_S[1] - (_S[2] - (_S[3] - _S[4] / nn) / nn) / nn) / nn) / x
    return np.where(small, _stirlerr_table()[np.where(small, n, 0).astype(np.int64)], series)


@functools.lru_cache(maxsize=4)
def _stirlerr_upto(M):
    out = stirlerr(np.arange(M + 1, dtype=float))
    out.flags.writeable = False
    return out


def _subset(mask):
    """The indices where ``mask`` holds, or a full slice when it holds everywhere (no gather)."""
    return slice(None) if mask.all() else np.flatnonzero(mask)


def bd0(x, m):
    r"""Deviance :math:`x\ln(x/m) + m - x \ge 0` (``m > 0``); by its series in :math:`v = (x-m)/(x+m)` where
    :math:`|v| < 1/4` (no cancellation), else as :math:`x\,\mathrm{log1p}((x-m)/m)` (``x - m`` exact for counts)."""
    x, m = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(m, dtype=float))
    shape = x.shape
    x, m = x.ravel(), m.ravel()
    d, s = x - m, x + m
    out = np.empty(x.size)
    close = np.abs(d) < 0.25 * s  # beyond, the two terms cancel at most by a factor 1/|v| <= 4
    if not close.all():
        f = _subset(~close)
        xf, mf, df = x[f], m[f], d[f]
        with np.errstate(divide="ignore", invalid="ignore"):
            logratio = np.where(xf < 2 * mf, np.log1p(df / mf), np.log(np.where(xf > 0, xf, 1.0) / mf))
            out[f] = np.where(xf > 0, xf * logratio, 0.0) + mf - xf
    if close.any():
        c = _subset(close)
        v = d[c] / s[c]
        v2 = v * v
        series = np.empty(v.size)
        # sum_k>=1 v^2k/(2k+1) by Horner, with as many terms as |v| needs for 1e-17 (|v| < 1/4: at most 15)
        for low, bound, terms in ((0.0, 0.0025, 8), (0.0025, 0.015625, 10), (0.015625, 0.0625, 15)):
            group = (v2 < bound) & (v2 >= low)
            if group.any():
                g = _subset(group)
                w, acc = v2[g], np.full(v2[g].size, 1.0 / (2 * terms + 1))
                for k in range(terms - 1, 0, -1):
                    acc = acc * w + 1.0 / (2 * k + 1)
                series[g] = acc * w
        out[c] = d[c] * v + 2 * x[c] * v * series
    return out.reshape(shape)


def binomial_pmf(j, M, mean):
    r""":math:`\binom{M}{j}q^j(1-q)^{M-j}` with :math:`Mq` = ``mean`` (arrays broadcast; ``mean`` an integer count
    gives exact means): Loader's form inside, :math:`(1-q)^M = e^{-D(M, M(1-q)) - Mq}` at the endpoints."""
    j, mean = np.broadcast_arrays(np.asarray(j, dtype=float), np.asarray(mean, dtype=float))
    shape = j.shape
    j, mean = j.ravel(), mean.ravel()
    other = M - mean
    Mf = float(M)
    out = np.zeros(j.size)
    inner = (j > 0) & (j < M) & (mean > 0) & (other > 0)
    if inner.any():
        k = _subset(inner)
        jj = j[k]
        if M <= 10 ** 6:  # a table of delta(0..M)
            S, ji = _stirlerr_upto(M), jj.astype(np.int64)
            lc = S[M] - S[ji] - S[M - ji]
        else:
            lc = stirlerr(Mf) - stirlerr(jj) - stirlerr(Mf - jj)
        lc = lc - bd0(jj, mean[k]) - bd0(Mf - jj, other[k])
        lf = _LOG_2PI + np.log(jj) + np.log(Mf - jj) - math.log(Mf)
        out[k] = np.exp(lc - 0.5 * lf)
    for edge, mine, rest in ((0, mean, other), (M, other, mean)):  # (1 - q)^M at j = 0, q^M at j = M
        e = np.flatnonzero(j == edge)
        if e.size:
            mn, ot = mine[e], rest[e]
            val = np.exp(-bd0(Mf, np.where(ot > 0, ot, 1.0)) - mn)
            out[e] = np.where(mn <= 0, 1.0, np.where(ot <= 0, 0.0, val))
    return out.reshape(shape)


# ----------------------------------------------------------------------------- windows and rows
def windows(M, centre, tail=TAIL):
    """Bernstein windows ``[lo, hi]`` holding all but ~``tail`` of the binomial rows with means ``centre``."""
    c = np.asarray(centre, dtype=float)
    p = c / M
    L = math.log(1.0 / tail)
    w = L / 3 + np.sqrt(L * L / 9 + 2 * M * p * (1 - p) * L)
    return (np.clip(np.floor(c - w), 0, M).astype(np.int64), np.clip(np.ceil(c + w), 0, M).astype(np.int64))


def tails(M, p, lo, hi):
    """Exact binomial masses below ``lo`` and above ``hi`` (``scipy.special.bdtr``/``bdtrc``)."""
    below = np.where(lo > 0, scipy.special.bdtr(np.maximum(lo - 1, 0), M, p), 0.0)
    above = np.where(hi < M, scipy.special.bdtrc(np.minimum(hi, M - 1), M, p), 0.0)
    return below, above


def build_dense(M):
    """The full float transition matrix, every row renormalised to sum to 1 (rows ``i > M/2`` by the symmetry
    :math:`P(i, j) = P(M-i, M-j)`)."""
    half = M // 2 + 1
    P = np.empty((M + 1, M + 1))
    step = max(1, 2 ** 22 // (M + 1))  # rows per chunk: bounded temporaries
    cols = np.arange(M + 1)[None, :]
    for a in range(0, half, step):
        b = min(half, a + step)
        P[a:b] = binomial_pmf(cols, M, np.arange(a, b)[:, None])
    P[:half] /= P[:half].sum(axis=1, keepdims=True)
    P[half:] = P[M - half::-1, ::-1]
    return P


@functools.lru_cache(maxsize=2)
def dense_matrix(M):
    """:func:`build_dense`, cached read-only (for propagation, ``M <=`` :data:`SQUARE_MAX`)."""
    P = build_dense(M)
    P.flags.writeable = False
    return P


def _rows_per_block(M):
    lo, hi = windows(M, M / 2)
    return max(1, int(2 ** 20 // int(hi - lo + 1)))


@functools.lru_cache(maxsize=32)
def banded_block(M, k, tail=TAIL):
    """CSR block of rows ``k*B .. (k+1)*B - 1`` of the banded matrix, and its largest dropped row mass."""
    B = _rows_per_block(M)
    rows = np.arange(k * B, min((k + 1) * B, M + 1))
    lo, hi = windows(M, rows, tail)
    lens = hi - lo + 1
    indptr = np.concatenate([[0], np.cumsum(lens)])
    r = np.repeat(rows, lens)
    cols = np.arange(indptr[-1]) - np.repeat(indptr[:-1], lens) + np.repeat(lo, lens)
    vals = binomial_pmf(cols, M, r)
    below, above = tails(M, rows / M, lo, hi)
    sums = np.add.reduceat(vals, indptr[:-1])
    vals *= np.repeat((1.0 - below - above) / sums, lens)
    block = scipy.sparse.csr_matrix((vals, cols, indptr), shape=(rows.size, M + 1))
    return block, float(np.max(below + above))


def banded_nnz(M):
    """Entries of the banded matrix (a cheap estimate from the windows)."""
    lo, hi = windows(M, np.linspace(0, M, 257))
    return int(np.mean(hi - lo + 1) * (M + 1))


# ----------------------------------------------------------------------------- cost and plan
def _dense_cost(M, steps):
    return (M + 1) ** 3 * max(1, math.ceil(math.log2(steps + 1))) / 20


def _iteration_cost(M, steps):
    per_step = (M + 1) ** 2 / 5 if M <= DENSE_ITER_MAX else banded_nnz(M)
    return per_step * steps


def check_propagation_size(M):
    """ValueError naming ``M`` beyond :data:`PROPAGATION_MAX_M`, before any vector of ``M + 1`` entries is built."""
    if M > PROPAGATION_MAX_M:
        raise ValueError(f"M = {M}: the law of the count is a vector of M + 1 floats; M <= {PROPAGATION_MAX_M}")


def plan(M, n_max, *, forward, start=None, squaring=True, name="n", rows=1):
    """``"iterate"`` or ``"square"`` for ``n_max`` steps at this ``M``, or ValueError when out of reach.

    Iteration stops early once the chain is absorbed (interior mass below 1e-300, after at most
    ~``800 M`` steps).  A banded forward iteration from one start touches only the rows in its
    support, which spreads like the square root of the number of steps: its cost is estimated from
    the window ``w`` of the start as ``w^2 (1 + sqrt(k))`` per step (and checked as it goes).
    """
    check_propagation_size(M)
    if rows * (M + 1) > OUTPUT_MAX:
        raise ValueError(f"{name} holds {rows} generations with M = {M}: the result would have {rows * (M + 1)} "
                         f"entries; at most {OUTPUT_MAX:.0e}")
    steps = min(n_max, 800 * M + 100)
    it = _iteration_cost(M, steps)
    if forward and M > DENSE_ITER_MAX:
        lo, hi = windows(M, start)
        w = float(hi - lo + 1)
        it = steps * min(float(banded_nnz(M)), w * w * (1 + math.sqrt(steps)))
    sq = _dense_cost(M, n_max) if M <= SQUARE_MAX and squaring else math.inf
    if min(it, sq) > WORK_LIMIT:
        raise ValueError(f"{name} = {n_max} with M = {M} needs ~{min(it, sq):.1e} operations, beyond the limit "
                         f"{WORK_LIMIT:.0e}; use a smaller {name} or M")
    return "iterate" if it <= sq else "square"


# ----------------------------------------------------------------------------- float propagation
def _interior_mass(v, M):
    return float(v[1:M].sum()) if M > 1 else 0.0


def backward(M, F, ns):
    """``P^n F`` for every ``n`` in ``ns`` (sorted, unique): array ``(len(ns), M+1, k)``; ``F`` is ``(M+1, k)``."""
    ns = [int(n) for n in ns]
    method = plan(M, ns[-1], forward=False, rows=len(ns) * F.shape[1])
    out = np.empty((len(ns), M + 1, F.shape[1]))
    if method == "square":
        return _backward_squaring(M, F, ns, out)
    if M <= DENSE_ITER_MAX:
        P = dense_matrix(M)
        step = P.__matmul__
    else:
        blocks = [banded_block(M, k)[0] for k in range(math.ceil((M + 1) / _rows_per_block(M)))]
        step = lambda V: np.concatenate([b @ V for b in blocks], axis=0)  # noqa: E731
    V = np.array(F, dtype=float)
    # the interior mass from each start, P^n 1_interior, tells when the chain is absorbed in float arithmetic;
    # it is >= 2 E[H_n] >= 2 (1 - 1/M)^n / M > 1e-300 for n <= 600 M, so it is tracked only beyond
    G = np.zeros((M + 1, 1 if ns[-1] > 600 * M else 0))
    G[1:M] = 1.0
    k = 0
    for idx, n in enumerate(ns):
        while k < n and (G.size == 0 or G.max() > ABSORBED):
            VG = step(np.concatenate([V, G], axis=1))
            V, G = VG[:, :F.shape[1]], VG[:, F.shape[1]:]
            k += 1
        out[idx] = V
    return out


def _backward_squaring(M, F, ns, out):
    P = dense_matrix(M)
    V = np.array(F, dtype=float)
    done = 0
    for idx, n in enumerate(ns):
        V = _apply_power(P, n - done, V)
        done = n
        out[idx] = V
    return out


def _apply_power(P, n, V, left=False):
    """``P^n V`` (or ``V P^n``) by binary powering; ``P`` is float64 dense."""
    base = P
    while n:
        if n & 1:
            V = V @ base if left else base @ V
        n >>= 1
        if n:
            base = base @ base
    return V


def forward(M, i, ns, *, absorbed_steps=False, name="n"):
    """Distributions of ``X_n`` from ``X_0 = i`` for ``n`` in ``ns`` (sorted): array ``(len(ns), M+1)``.

    With ``absorbed_steps``, also ``P(T = n)`` for ``n = 0..max(ns)``: the mass absorbed at each step,
    summed directly (no differences of survival probabilities).
    """
    ns = [int(n) for n in ns]
    n_max = ns[-1]
    if absorbed_steps and n_max >= PMF_MAX:
        raise ValueError(f"generations = {n_max}: the distribution has generations + 1 entries; "
                         f"generations < {PMF_MAX}")
    method = plan(M, n_max, forward=True, start=i, squaring=not absorbed_steps, name=name, rows=len(ns))
    out = np.empty((len(ns), M + 1))
    pi = np.zeros(M + 1)
    pi[i] = 1.0
    pmf = np.zeros(n_max + 1 if absorbed_steps else 1)
    pmf[0] = 1.0 if i in (0, M) else 0.0
    if method == "square":
        P, done = dense_matrix(M), 0
        for idx, n in enumerate(ns):
            pi = _apply_power(P, n - done, pi, left=True)
            out[idx], done = pi, n
        return out
    step = _forward_step(M)
    k, work = 0, 0.0
    for idx, n in enumerate(ns):
        while k < n and _interior_mass(pi, M) > ABSORBED:
            pi, absorbed, cost = step(pi)
            if absorbed_steps:
                pmf[k + 1] = absorbed
            k += 1
            work += cost
            if work > WORK_LIMIT:
                raise ValueError(f"{name} = {n_max} with M = {M} from count {i} needs more than {WORK_LIMIT:.0e} "
                                 f"operations; use a smaller {name} or M")
        out[idx] = pi
    return (out, pmf) if absorbed_steps else out


def _forward_step(M):
    """One step ``pi -> pi P`` through the rows in the support of ``pi`` only; also the mass absorbed by it."""
    if M <= DENSE_ITER_MAX:
        P = dense_matrix(M)

        def rows(a, b):
            return [(a, P[a:b])]
    else:
        B = _rows_per_block(M)

        def rows(a, b):
            return [(k * B, banded_block(M, k)[0]) for k in range(a // B, (b - 1) // B + 1)]

    def step(pi):
        nz = np.flatnonzero(pi[1:M]) + 1
        new = np.zeros(M + 1)
        cost = 0.0
        if nz.size:
            a, b = int(nz[0]), int(nz[-1]) + 1
            for r0, block in rows(a, b):
                lo, hi = max(a, r0), min(b, r0 + block.shape[0])
                new += block[lo - r0:hi - r0].T @ pi[lo:hi]
                cost += (hi - lo) * (M + 1) if M <= DENSE_ITER_MAX else block.nnz
        absorbed = float(new[0] + new[M])
        new[0] += pi[0]
        new[M] += pi[M]
        return new, absorbed, cost
    return step


# ----------------------------------------------------------------------------- exact arithmetic
@functools.lru_cache(maxsize=4)
def int_rows(M):
    """Integer rows ``A[i][j] = C(M, j) i^j (M-i)^(M-j)`` (``= M^M P(i -> j)``), as a tuple of tuples."""
    pw = [[k ** e for e in range(M + 1)] for k in range(M + 1)]
    comb = [math.comb(M, j) for j in range(M + 1)]
    return tuple(tuple(comb[j] * pw[i][j] * pw[M - i][M - j] for j in range(M + 1)) for i in range(M + 1))


@functools.lru_cache(maxsize=4)
def flint_matrix(M):
    import flint

    return flint.fmpz_mat([list(r) for r in int_rows(M)])


def check_exact_steps(M, n, what, name="n"):
    """Refuse exact iteration on more than :data:`EXACT_MAX_M` states, or whose values would have more than
    :data:`EXACT_MAX_BITS` bits."""
    if M > EXACT_MAX_M:
        raise ValueError(f"M = {M}: exact {what} iterate the integer matrix M^M P ((M+1)^2 entries of ~M log2 M bits); "
                         f"exact mode is limited to M <= {EXACT_MAX_M}; use exact=False (float64)")
    bits = n * M * max(math.log2(M), 1.0)
    if bits > EXACT_MAX_BITS:
        limit = int(EXACT_MAX_BITS / (M * max(math.log2(M), 1.0)))
        raise ValueError(f"{name} = {n} with M = {M}: exact {what} would have ~{int(bits)}-bit denominators "
                         f"({name} * M * log2 M); exact mode is limited to {name} <= {limit} at this M; "
                         "use exact=False (float64)")


def exact_forward(M, i, ns):
    """Exact ``e_i P^n`` for ``n`` in ``ns``: a list of (numerators, denominator ``M^(M n)``)."""
    import flint

    A = flint_matrix(M)
    r = flint.fmpz_mat(1, M + 1, [1 if k == i else 0 for k in range(M + 1)])
    out, k = [], 0
    for n in ns:
        while k < n:
            r = r * A
            k += 1
        out.append(([int(r[0, c]) for c in range(M + 1)], M ** (M * n)))
    return out


def exact_backward(M, f, ns):
    """Exact ``P^n f`` for ``n`` in ``ns`` (``f`` a sequence of Fractions/ints): list of (numerators, denominator)."""
    import flint
    from fractions import Fraction

    fr = [Fraction(v) for v in f]
    D = math.lcm(*[v.denominator for v in fr])
    A = flint_matrix(M)
    v = flint.fmpz_mat(M + 1, 1, [int(x * D) for x in fr])
    out, k = [], 0
    for n in ns:
        while k < n:
            v = A * v
            k += 1
        out.append(([int(v[c, 0]) for c in range(M + 1)], D * M ** (M * n)))
    return out
