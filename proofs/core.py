r"""A small language for machine-checked derivations.

A derivation here is what one writes on a blackboard: a **theorem** is a list
of **claims**; each claim is a relation (``E[sigma_n^2] = sigma^2``) followed by
a *chain* of **steps**

.. math::

    e_0 \;=\; e_1 \;\le\; e_2 \;=\; \dots \;=\; e_m ,

each with one line of justification ("tower property", "Jensen").  The chain
starts at the claim's left-hand side and must end at its right-hand side, and
the composed relation of the chain must imply the claim's relation (a chain of
``=`` and ``<`` proves ``<``, never ``=``).

What "checked" means
--------------------
Every step is checked by the computer, and the result is one of

``proved``
    sympy established the step: for ``=`` the difference of the two sides
    simplifies to exactly zero; for an inequality the sign of the difference
    follows from sympy's assumption system (after encoding the hypotheses,
    e.g. ``M = m + 2`` with ``m`` a non-negative integer).  Some steps apply a
    named theorem (Jensen, optional stopping); then the *side conditions* are
    checked (Jensen: sympy proves ``f'' < 0`` on the support) and the step says
    which theorem it used.
``checked numerically``
    sympy could not prove the step, and it was instead evaluated exactly or
    at 50 significant digits on a stated grid of parameters with no
    counterexample.  Such steps are labelled as such in every output.
``FAILED``
    neither a proof nor a (requested) numerical check succeeded, or the grid
    found a counterexample.  A step is never reported as proved unless sympy
    proved it.

How expectations are computed
-----------------------------
The processes of :mod:`proofs.gaussian` and :mod:`proofs.discrete` are Markov
chains driven by fresh, independent randomness each generation.  A
:class:`Model` names the *state* sequences (``sigma_n``, ``mu_n - mu``), the
transition (``sigma_{n+1} = sigma_n sqrt(X/k)`` with ``X`` a
:mod:`sympy.stats` chi-square variable independent of the past) and the initial
values.  :class:`Ex` is an unevaluated expectation, conditional on the past
:math:`\mathcal F_n` or not.  To evaluate it the checker

1. substitutes the transition (definition of the model),
2. expands, so that the argument is a sum of terms ``const * state * innovation``
   (logarithms of positive products are split),
3. takes ``E[innovation]`` with :func:`sympy.stats.E` (independence of the
   innovation from :math:`\mathcal F_n`), keeps ``state`` as is under
   :math:`\mathcal F_n` (measurability) or replaces it by the opaque
   unconditional moment ``E[state]`` (linearity and the tower property),
4. replaces opaque moments by what earlier claims, or the induction hypothesis,
   say they are.

An expectation the checker cannot split this way is left unevaluated, so that
a step depending on it cannot be proved by accident.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Callable, Mapping, Sequence

import sympy as sp
from sympy.stats.rv import RandomSymbol

PROVED = "proved"
NUMERIC = "checked numerically"
FAILED = "FAILED"

#: Allowed step relations.  ``">"`` and ``">="`` are written as such in the
#: output; internally they are flipped.
RELATIONS = ("=", "<=", "<", ">=", ">")

_LATEX_REL = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}


# --------------------------------------------------------------------------
# Notation: state sequences, expectation, named constants
# --------------------------------------------------------------------------

class _Seq(sp.Function):
    """Base class of the state sequences ``sigma_n`` etc. (see :func:`sequence`)."""

    nargs = 1
    _latex_name = "x"
    _text_name = "x"
    _positive = False
    _deterministic = False

    def _eval_is_positive(self):
        return True if self._positive else None

    def _eval_is_real(self):
        return True

    def _eval_is_extended_real(self):
        return True

    def _latex(self, printer, exp=None):
        s = r"%s_{%s}" % (self._latex_name, printer._print(self.args[0]))
        if exp is not None:
            s = r"%s^{%s}" % (s, exp)
        return s

    def _sympystr(self, printer):
        return "%s_%s" % (self._text_name, printer._print(self.args[0]))


def sequence(name: str, latex: str, positive: bool = False, deterministic: bool = False) -> type:
    """Make a state-sequence class: ``sigma = sequence("sigma", r"\\sigma", True)``.

    ``sigma(n)`` prints as :math:`\\sigma_n`; ``positive=True`` tells sympy's
    assumption system that every term is positive.  ``deterministic=True``
    makes a parameter sequence (a sample-size schedule ``M_n``): a constant
    for expectations.
    """
    return type(name + "_seq", (_Seq,), {"_latex_name": latex, "_text_name": name, "_positive": positive,
                                         "_deterministic": deterministic})


class Ex(sp.Function):
    r"""Unevaluated expectation ``Ex(expr)`` or conditional ``Ex(expr, F)``.

    The second argument is a symbol naming the conditioning sigma-algebra (e.g.
    :math:`\mathcal F_n`); state terms are measurable with respect to it.
    """

    nargs = (1, 2)

    @classmethod
    def eval(cls, *args):
        return None

    def _latex(self, printer, exp=None):
        inner = printer._print(self.args[0])
        if len(self.args) == 2:
            s = r"\mathbb{E}\left[%s \,\middle|\, %s\right]" % (inner, printer._print(self.args[1]))
        else:
            s = r"\mathbb{E}\left[%s\right]" % inner
        if exp is not None:
            s = r"\left(%s\right)^{%s}" % (s, exp)
        return s

    def _sympystr(self, printer):
        inner = printer._print(self.args[0])
        if len(self.args) == 2:
            return "E[%s | %s]" % (inner, printer._print(self.args[1]))
        return "E[%s]" % inner


class Pr(sp.Function):
    """Unevaluated probability of an event, printed ``P(event)``; its meaning is
    supplied as notation (see :class:`Notation`)."""

    nargs = 1

    def _latex(self, printer, exp=None):
        s = r"\mathbb{P}\left(%s\right)" % printer._print(self.args[0])
        return s if exp is None else r"\left(%s\right)^{%s}" % (s, exp)

    def _sympystr(self, printer):
        return "P(%s)" % printer._print(self.args[0])


@dataclasses.dataclass(frozen=True)
class Notation:
    """A named quantity and its meaning, e.g. ``c_4(M) := sqrt(2/(M-1)) ...``.

    Attributes
    ----------
    cls : type or sympy expression
        A sympy ``Function`` class whose applications are replaced by
        ``meaning(*args)``, or a fixed expression replaced by ``meaning()``.
    meaning : callable
        Returns the defining expression.
    text : str
        One line for the documents.
    """

    cls: object
    meaning: Callable
    text: str

    def expand(self, expr):
        if isinstance(self.cls, type):
            return expr.replace(lambda e: isinstance(e, self.cls), lambda e: self.meaning(*e.args))
        return expr.xreplace({self.cls: self.meaning()})

    def display(self):
        if isinstance(self.cls, type):
            arg = sp.Symbol("M")
            return sp.Eq(self.cls(arg), self.meaning(arg), evaluate=False)
        return sp.Eq(self.cls, self.meaning(), evaluate=False)


@dataclasses.dataclass(frozen=True)
class Assume:
    """A hypothesis on a symbol, with the substitution that encodes it for sympy.

    ``Assume(M, "integer, M >= 2", M_enc)`` with ``M_enc = m + 2`` and ``m``
    a non-negative integer symbol: sympy's assumption system has no ``>= 2``,
    so sign questions are asked of the encoded expression.
    """

    symbol: sp.Symbol
    text: str
    encoding: sp.Expr | None = None


@dataclasses.dataclass(frozen=True)
class Bound:
    """A premise ``expr`` in an interval, used to prove an inequality step.

    ``expr`` (a display subexpression) is replaced by ``1/(1+t)`` (interval
    ``(0, 1]`` or ``(0, 1)``) or by a positive / non-negative symbol.  ``by``
    names where the premise comes from (a claim of the same theorem).
    """

    expr: sp.Expr
    interval: str  # "(0,1]", "(0,1)", ">0", ">=0"
    by: str

    def encoded(self):
        if self.interval == "(0,1]":
            return 1 / (1 + sp.Dummy("t", nonnegative=True))
        if self.interval == "(0,1)":
            return 1 / (1 + sp.Dummy("t", positive=True))
        if self.interval == ">0":
            return sp.Dummy("b", positive=True)
        if self.interval == ">=0":
            return sp.Dummy("b", nonnegative=True)
        raise ValueError(f"unknown interval {self.interval!r}")

    def latex(self):
        e = sp.latex(self.expr)
        return {"(0,1]": r"0 < %s \le 1", "(0,1)": r"0 < %s < 1", ">0": r"%s > 0",
                ">=0": r"%s \ge 0"}[self.interval] % e


@dataclasses.dataclass
class Model:
    """A Markov chain driven by independent innovations (see module docstring).

    Attributes
    ----------
    index : sympy.Symbol
        The generation ``n``.
    transition : dict
        ``{state(n + 1): expression in state(n) and random symbols}``.
    initial : dict
        ``{state(0): value}`` (generation 0 is deterministic given the
        parameters).
    given : sympy.Symbol
        The sigma-algebra of the past, printed :math:`\\mathcal F_n`.
    text : list of str
        Prose description for the documents.
    """

    index: sp.Symbol
    transition: dict
    initial: dict
    given: sp.Symbol
    text: Sequence[str] = ()


# --------------------------------------------------------------------------
# Evaluation of expectations
# --------------------------------------------------------------------------

class CannotEvaluate(Exception):
    """The checker cannot split an expectation into innovation and state parts."""


def _has_random(e):
    return bool(e.atoms(RandomSymbol))


def _has_state(e):
    return any(isinstance(a, _Seq) and not a._deterministic for a in e.atoms(sp.Function))


def _positive_support(rv):
    try:
        return rv.pspace.distribution.set.is_subset(sp.Interval(0, sp.oo))
    except Exception:  # pragma: no cover - distributions without a set
        return False


def expand_log_positive(expr):
    """Split logarithms of products whose factors are positive.

    Random symbols whose distribution lives on :math:`[0, \\infty)` count as
    positive (the value 0 has probability zero for the continuous laws used
    here); everything else must be positive by sympy's assumptions.
    """
    proxies = {rv: sp.Dummy(rv.name, positive=True) for rv in expr.atoms(RandomSymbol) if _positive_support(rv)}
    back = {v: k for k, v in proxies.items()}
    e = sp.expand_log(expr.xreplace(proxies), force=False)
    return e.xreplace(back)


def _split_term(term):
    const, state, rand = [], [], []
    for f in sp.Mul.make_args(term):
        r, s = _has_random(f), _has_state(f)
        if r and s:
            raise CannotEvaluate(f"factor {f} mixes the state and the innovation")
        (rand if r else state if s else const).append(f)
    return sp.Mul(*const), sp.Mul(*state), sp.Mul(*rand)


def _linear_parts(arg):
    """``arg`` as a list of (const, state, random) terms."""
    arg = sp.expand(expand_log_positive(sp.expand(arg)))
    return [_split_term(t) for t in sp.Add.make_args(arg)]


def normalize_fact(lhs, rhs):
    """Turn a proved ``Ex(arg) = value`` into a rewrite ``Ex(state monomial) -> value'``.

    Returns ``(key, value)`` or ``None`` when ``arg`` is not ``a * h + b`` with one
    state monomial ``h`` and constants ``a``, ``b``.
    """
    if not isinstance(lhs, Ex) or len(lhs.args) != 1:
        return None
    parts = _linear_parts(lhs.args[0])
    states = [(c, s) for c, s, r in parts if s != 1]
    if len(states) != 1 or any(r != 1 for _, _, r in parts):
        return None
    coeff, mono = states[0]
    const = sum((c for c, s, r in parts if s == 1), sp.Integer(0))
    return Ex(mono), (rhs - const) / coeff


_E_CACHE = {}


def _stats_expectation(rand):
    """``sympy.stats.E(rand)``, memoised: the same innovation moment recurs in many steps and theorems (a random
    symbol compares equal only to one with the same name and law, so the cache is exact)."""
    if rand not in _E_CACHE:
        _E_CACHE[rand] = sp.stats.E(rand)
    return _E_CACHE[rand]


class Context:
    """What a step may use: the model, notation, and proved facts (rewrites)."""

    def __init__(self, model: Model | None, notation: Sequence[Notation], facts: Mapping | None = None):
        self.model = model
        self.notation = list(notation)
        self.facts = dict(facts or {})

    def with_facts(self, extra):
        ctx = Context(self.model, self.notation, self.facts)
        ctx.facts.update(extra)
        return ctx

    # the model's transition applies to terms of generation n + 1
    def _step_model(self, e):
        if self.model is None:
            return e
        e = e.xreplace(self.model.transition)
        return e

    def _initial(self, e):
        if self.model is None:
            return e
        return e.xreplace(self.model.initial)

    def expectation(self, ex: Ex):
        """Evaluate one :class:`Ex` (see the module docstring for the rules)."""
        arg = self._initial(self._step_model(ex.args[0]))
        given = ex.args[1:]
        arg = linear_sums(arg)
        total = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(arg)):
            sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum) and _has_random(f.function)]
            if sums:  # linearity over a finite sum: E[sum_i f_i] = sum_i E[f_i]
                rest = sp.Mul(*[f for f in sp.Mul.make_args(term) if f not in sums])
                if _has_random(rest) or _has_state(rest) or len(sums) > 1:
                    raise CannotEvaluate(f"cannot split {term}")
                s = sums[0]
                total += rest * sp.Sum(self.evaluate(Ex(s.function, *given)), *s.limits)
                continue
            for const, state, rand in _linear_parts(term):
                if rand == 1:
                    er = sp.Integer(1)
                elif Ex(rand, *given) in self.facts:
                    er = self.facts[Ex(rand, *given)]
                else:
                    er = _stats_expectation(rand)
                    if er.has(sp.Sum, sp.Integral, sp.Piecewise):
                        raise CannotEvaluate(f"no closed form for E[{rand}]")
                if state == 1 or given:
                    es = state
                else:
                    es = self.facts.get(Ex(state), Ex(state))
                total += const * er * es
        return total

    def _notation(self, e):
        for nt in self.notation:
            e = nt.expand(e)
        return e

    def evaluate(self, expr):
        """Replace notation, expectations (innermost first) and limits by their values."""
        e = self._notation(sp.sympify(expr))
        for _ in range(6):
            exs = [a for a in e.atoms(Ex) if not any(isinstance(b, Ex) for b in a.args[0].atoms(Ex))]
            changed = False
            for a in exs:
                if a in self.facts:
                    v = self.facts[a]
                else:
                    try:
                        v = self.expectation(a)
                    except CannotEvaluate:
                        continue
                if v != a:
                    e = e.xreplace({a: v})
                    changed = True
            if not changed:
                break
        e = self._notation(e.xreplace(self.facts))
        if e.has(sp.Derivative, sp.Subs):
            e = e.replace(lambda x: isinstance(x, (sp.Derivative, sp.Subs)), lambda x: x.doit())
        if e.has(sp.Limit):
            e = e.replace(lambda x: isinstance(x, sp.Limit), lambda x: x.doit())
        if e.has(sp.ConditionSet):
            e = e.replace(lambda x: isinstance(x, sp.ConditionSet),
                          lambda x: sp.solveset(x.condition, x.sym, x.base_set))
        if e.has(sp.Sum):
            e = self._notation(linear_sums(e))
        return e


def linear_sums(e):
    """Split finite sums by linearity and pull out factors free of the index."""
    def split(a):
        j = a.limits[0][0]
        out = sp.Integer(0)
        for t in sp.Add.make_args(sp.expand(a.function)):
            c, r = t.as_independent(j, as_Add=False)
            if _has_random(c):  # a random symbol may depend on the index through its law
                c, r = sp.Integer(1), t
            out += c * sp.Sum(r, *a.limits)
        return out
    return e.replace(lambda a: isinstance(a, sp.Sum) and len(a.limits) == 1 and a.limits[0][2] != sp.oo, split)


# --------------------------------------------------------------------------
# Steps and their checks
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Result:
    """Outcome of checking one step (or a claim-level condition)."""

    status: str
    method: str

    @property
    def ok(self):
        return self.status != FAILED


def _peel(e, var):
    """Split off the last term of sums/products whose upper limit is ``var``."""
    def rep(x):
        if isinstance(x, (sp.Sum, sp.Product)) and len(x.limits) == 1 and x.limits[0][2] == var:
            j, lo, hi = x.limits[0]
            last = x.function.subs(j, hi)
            head = x.func(x.function, (j, lo, hi - 1))
            return head + last if isinstance(x, sp.Sum) else head * last
        return x
    return e.replace(lambda x: isinstance(x, (sp.Sum, sp.Product)), rep)


_SIMPLIFIERS = (
    ("identity", lambda e: e),
    ("expand", sp.expand),
    ("simplify", sp.simplify),
    ("gammasimp", lambda e: sp.gammasimp(sp.expand_func(e))),
    ("combsimp", sp.combsimp),
    ("powsimp", lambda e: sp.powsimp(sp.expand(e))),
    ("expand_log", lambda e: sp.simplify(sp.expand_log(e))),
    ("simplify(expand_func)", lambda e: sp.simplify(sp.expand_func(e))),
)


def _is_zero(d, var=None):
    candidates = [d]
    if var is not None and d.has(sp.Sum, sp.Product):
        candidates.append(_peel(d, var))
    for c in candidates:
        for name, f in _SIMPLIFIERS:
            try:
                r = f(c)
            except Exception:
                continue
            if r == 0 or r.is_zero is True:
                return name
    return None


def _sign(d, strict):
    """Return the name of a simplification under which sympy proves d > 0 (or >= 0)."""
    for name, f in _SIMPLIFIERS:
        try:
            r = f(d)
        except Exception:
            continue
        r2 = sp.factor(sp.together(r)) if not r.has(sp.Sum, sp.Product) else r
        for cand in (r, r2):
            ok = cand.is_positive if strict else cand.is_nonnegative
            if ok:
                return name
    return None


def _compare_positive(lhs, rhs, strict):
    """Prove rhs - lhs > 0 (>= 0) for positive sides by comparing squares."""
    if lhs.is_positive and rhs.is_positive:
        name = _sign(sp.expand(rhs**2 - lhs**2), strict)
        if name:
            return "comparison of squares of positive sides, " + name
    return None


@dataclasses.dataclass
class Step:
    """One link of a chain: ``<previous expression> rel expr``.

    Parameters
    ----------
    rel : str
        ``"="``, ``"<="``, ``"<"``, ``">="`` or ``">"``.
    expr : sympy expression
        The new right-hand side (printed as written).
    why : str
        One line of justification, printed beside the step.
    bounds : sequence of Bound
        Premises used by an inequality step.
    grid : dict, optional
        ``{symbol: values}``.  When sympy cannot prove the step it is
        evaluated on the product grid (exactly where possible, else at 50
        digits); no counterexample gives status ``checked numerically``.
    rule : callable, optional
        ``rule(lhs, rhs, ctx) -> Result`` replaces the default check
        (e.g. :func:`jensen`).
    """

    rel: str
    expr: object
    why: str
    bounds: Sequence[Bound] = ()
    grid: Mapping | None = None
    rule: Callable | None = None

    def __post_init__(self):
        if self.rel not in RELATIONS:
            raise ValueError(f"rel must be one of {RELATIONS}, got {self.rel!r}")
        self.expr = sp.sympify(self.expr)


def _encode(e, assumptions):
    for a in assumptions:
        if callable(a.encoding) and not isinstance(a.encoding, sp.Basic):
            e = a.encoding(e)
        elif a.encoding is not None:
            e = e.xreplace({a.symbol: a.encoding})
    return e


def check_relation(lhs, rel, rhs, ctx: Context, assumptions=(), bounds=(), grid=None, var=None) -> Result:
    """Check ``lhs rel rhs`` (see the module docstring for what is tried)."""
    if rel in (">", ">="):
        lhs, rhs, rel = rhs, lhs, {">": "<", ">=": "<="}[rel]
    if bounds:
        sub = {b.expr: b.encoded() for b in bounds}
        lhs, rhs = lhs.xreplace(sub), rhs.xreplace(sub)
    a, b = ctx.evaluate(lhs), ctx.evaluate(rhs)
    if a == b and rel in ("=", "<="):
        return Result(PROVED, "identical after evaluation")
    if a.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or b.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return Result(FAILED, f"not proved: {a} {rel} {b}")
    ae, be = _encode(a, assumptions), _encode(b, assumptions)
    if rel == "=":
        how = _is_zero(ae - be, var)
        if how:
            return Result(PROVED, f"difference simplifies to 0 ({how})")
    else:
        strict = rel == "<"
        how = _sign(be - ae, strict) or _compare_positive(ae, be, strict)
        if how:
            return Result(PROVED, f"sign of the difference from the assumptions ({how})")
    if grid:
        return _grid_check(a, rel, b, grid)
    return Result(FAILED, "sympy could not prove this step and no numerical check was requested")


def _grid_check(a, rel, b, grid):
    d = sp.sympify(b - a)
    keys = list(grid)
    n_points = 0
    exact = True
    for values in itertools.product(*(grid[k] for k in keys)):
        point = dict(zip(keys, (sp.sympify(v) for v in values)))
        v = d.xreplace(point).doit()
        v = sp.nsimplify(v) if v.is_Rational else v
        if v.is_Rational:
            val = v
        else:
            exact = False
            val = sp.N(v, 50)
            if not val.is_number or val.has(sp.nan, sp.zoo):
                return Result(FAILED, f"numerical check could not evaluate at {point}")
        if rel == "=":
            bad = (val != 0) if val.is_Rational else abs(val) > sp.Float("1e-40", 50) * (1 + abs(sp.N(b.xreplace(point).doit(), 50)))
        elif rel == "<":
            bad = not (val > 0) if val.is_Rational else not (val > sp.Float("1e-40", 50))
        else:
            bad = not (val >= 0) if val.is_Rational else not (val > -sp.Float("1e-40", 50))
        if bad:
            return Result(FAILED, f"counterexample at {point}: difference {sp.N(v, 15)}")
        n_points += 1
    desc = ", ".join(f"{k} in {_range_text(grid[k])}" for k in keys)
    how = "exact rational arithmetic" if exact else "50-digit arithmetic (mpmath)"
    return Result(NUMERIC, f"checked numerically on the grid {desc} ({n_points} points, {how})")


def _range_text(vals):
    vals = list(vals)
    if len(vals) > 3 and all(isinstance(v, int) for v in vals) and vals == list(range(vals[0], vals[-1] + 1)):
        return f"{{{vals[0]}, ..., {vals[-1]}}}"
    return "{" + ", ".join(str(v) for v in vals) + "}"


def jensen(f: Callable, Y, support_positive=True, why_nondegenerate=""):
    """Rule: Jensen's inequality ``E[f(Y)] < f(E[Y])`` for strictly concave ``f``.

    The step must read ``Ex(f(Y)) < f(Ex(Y))`` (or ``>`` for convex ``f``);
    the check verifies the two sides have exactly this form and that sympy
    proves ``f'' < 0`` (``> 0``) on :math:`(0, \\infty)`.  Strictness needs
    ``Y`` non-degenerate, stated in ``why_nondegenerate``.
    """
    def rule(lhs, rel, rhs, ctx, assumptions):
        y = sp.Dummy("y", positive=True) if support_positive else sp.Dummy("y", real=True)
        f2 = sp.diff(f(y), y, 2)
        if rel in ("<", "<="):
            form = lhs == Ex(f(Y)) and rhs == f(Ex(Y))
            curv = sp.simplify(f2).is_negative
        else:
            form = lhs == Ex(f(Y)) and rhs == f(Ex(Y))
            curv = sp.simplify(f2).is_positive
        if not form:
            return Result(FAILED, "Jensen: the step is not of the form E[f(Y)] vs f(E[Y])")
        if not curv:
            return Result(FAILED, "Jensen: sympy could not prove the required sign of f''")
        return Result(PROVED, f"Jensen's inequality; sympy proves f''(y) = {sp.simplify(f2)} "
                              f"{'< 0' if rel in ('<', '<=') else '> 0'} for y > 0; {why_nondegenerate}".rstrip("; "))
    return rule


def by_claims(theorem_name: str, *labels, method: str = ""):
    """Rule: the step applies a named theorem whose hypotheses are earlier claims.

    The step is proved when every claim in ``labels`` was proved (not merely
    checked numerically) earlier in the same theorem, and when the relation
    also holds after evaluation if both sides can be evaluated.
    """
    def rule(lhs, rel, rhs, ctx, assumptions, proved_labels=()):
        missing = [lab for lab in labels if lab not in proved_labels]
        if missing:
            return Result(FAILED, f"{theorem_name}: hypotheses {missing} not proved")
        return Result(PROVED, f"{theorem_name}; hypotheses proved in part(s) {', '.join(labels)}"
                              + (f"; {method}" if method else ""))
    rule.needs_labels = True
    return rule


def instance_of(theorem_name: str, form: Callable):
    """Rule: the step is an instance of a named theorem, recognised by its form.

    ``form(lhs, rhs)`` must return True (e.g. ``lhs == Ex(c, F)`` and ``rhs`` the
    derivative of the moment generating function of ``c`` at 0).  The theorem
    itself is standard; the check is that the step is an instance of it.
    """
    def rule(lhs, rel, rhs, ctx, assumptions):
        if rel == "=" and form(lhs, rhs):
            return Result(PROVED, f"instance of: {theorem_name} (form checked)")
        return Result(FAILED, f"not an instance of: {theorem_name}")
    return rule


def convergence(convergent: bool):
    """Rule: ``Sum(...) < oo`` (``convergent=True``) or ``= oo`` decided by sympy's
    :meth:`sympy.Sum.is_convergent` (comparison / integral / p-series tests)."""
    def rule(lhs, rel, rhs, ctx, assumptions):
        s = lhs if isinstance(lhs, sp.Sum) else rhs
        try:
            verdict = s.is_convergent()
        except Exception as exc:  # pragma: no cover - sympy internals
            return Result(FAILED, f"sympy could not decide convergence: {exc}")
        if verdict in (sp.true, sp.false, True, False) and bool(verdict) == convergent:
            return Result(PROVED, f"sympy's Sum.is_convergent() = {verdict}")
        return Result(FAILED, f"sympy's Sum.is_convergent() = {verdict}")
    return rule


# --------------------------------------------------------------------------
# Claims and theorems
# --------------------------------------------------------------------------

def _compose(rels):
    rels = [{">": "<", ">=": "<="}.get(r, r) for r in rels]
    if all(r == "=" for r in rels):
        return "="
    if any(r == "<" for r in rels):
        return "<"
    return "<="


def _implies(chain_rel, claim_rel):
    return chain_rel == claim_rel or (chain_rel == "<" and claim_rel == "<=") or (chain_rel == "=" and claim_rel == "<=")


@dataclasses.dataclass
class Claim:
    """One statement of a theorem with its chain of steps.

    Parameters
    ----------
    label : str
        ``"a"``, ``"b"``, ... used for cross references.
    lhs, rel, rhs :
        The statement ``lhs rel rhs``.
    steps : list of Step
        The chain from ``lhs`` to ``rhs``.  With ``induction=n`` the chain is
        the inductive step: it runs from ``lhs(n + 1)`` to ``rhs(n + 1)`` and
        may use the statement at ``n`` (the hypothesis); the base case ``n = 0``
        is checked from the model's initial values.
    text : str
        The statement in words.
    induction : sympy.Symbol, optional
        Induction variable (statement must be an equality).
    """

    label: str
    lhs: object
    rel: str
    rhs: object
    steps: Sequence[Step]
    text: str = ""
    induction: sp.Symbol | None = None

    def __post_init__(self):
        self.lhs, self.rhs = sp.sympify(self.lhs), sp.sympify(self.rhs)
        if self.rel not in RELATIONS:
            raise ValueError(f"rel must be one of {RELATIONS}, got {self.rel!r}")
        if self.induction is not None and self.rel != "=":
            raise ValueError("induction claims must be equalities")

    def chain_ends(self):
        if self.induction is None:
            return self.lhs, self.rhs
        n = self.induction
        return self.lhs.subs(n, n + 1), self.rhs.subs(n, n + 1)


@dataclasses.dataclass
class ClaimResult:
    claim: Claim
    base: Result | None
    steps: list
    conclusion: Result

    @property
    def status(self):
        results = ([self.base] if self.base else []) + self.steps + [self.conclusion]
        if any(r.status == FAILED for r in results):
            return FAILED
        if any(r.status == NUMERIC for r in results):
            return NUMERIC
        return PROVED


@dataclasses.dataclass
class Theorem:
    """A theorem: statement in words, hypotheses, model, notation and claims.

    Parameters
    ----------
    name : str
        File-name slug, e.g. ``"gaussian_unbiased"``.
    title : str
        Human title.
    statement : str
        The theorem in words (may contain ``$...$`` LaTeX).
    assumptions : list of Assume
        Hypotheses on the symbols, with their sympy encoding.
    claims : list of Claim
    model : Model, optional
    notation : list of Notation
    corroborated_by : list of str
        Quantity names of the ``collapse verify`` rows that check the same
        closed forms by Monte Carlo / exact arithmetic.
    process : str
        ``collapse verify --process`` name.
    source : str
        Citation (see ``references.md``).
    remarks : list of str
        Consequences stated in prose after the proof.
    """

    name: str
    title: str
    statement: str
    assumptions: Sequence[Assume]
    claims: Sequence[Claim]
    model: Model | None = None
    notation: Sequence[Notation] = ()
    corroborated_by: Sequence[str] = ()
    process: str = ""
    source: str = ""
    remarks: Sequence[str] = ()

    def check(self) -> "TheoremResult":
        """Check every claim in order; later claims may use earlier proved ones."""
        facts = {}
        proved_labels = []
        results = []
        base_ctx = Context(self.model, self.notation)
        for claim in self.claims:
            res = _check_claim(claim, base_ctx.with_facts(facts), self.assumptions, proved_labels)
            results.append(res)
            if res.status != FAILED and claim.rel == "=" and claim.induction is None \
                    and isinstance(claim.lhs, Ex) and len(claim.lhs.args) == 2:
                facts[claim.lhs] = claim.rhs  # a conditional expectation: exact rewrite
            elif res.status != FAILED:
                nf = normalize_fact(claim.lhs, claim.rhs) if claim.rel == "=" else None
                if nf:
                    facts[nf[0]] = nf[1]
            if res.status == PROVED:
                proved_labels.append(claim.label)
        return TheoremResult(self, results)


def _run_step(step, prev, ctx, assumptions, proved_labels, var):
    if step.rule is not None:
        if getattr(step.rule, "needs_labels", False):
            return step.rule(prev, step.rel, step.expr, ctx, assumptions, proved_labels=proved_labels)
        return step.rule(prev, step.rel, step.expr, ctx, assumptions)
    return check_relation(prev, step.rel, step.expr, ctx, assumptions, step.bounds, step.grid, var)


def _check_claim(claim, ctx, assumptions, proved_labels):
    base = None
    if claim.induction is not None:
        n = claim.induction
        base = check_relation(claim.lhs.subs(n, 0), "=", claim.rhs.subs(n, 0), ctx, assumptions)
        base = Result(base.status, "base case n = 0: " + base.method)
        nf = normalize_fact(claim.lhs, claim.rhs)
        if nf is None:
            return ClaimResult(claim, base, [], Result(FAILED, "induction hypothesis is not a moment of the state"))
        ctx = ctx.with_facts({nf[0]: nf[1]})
    start, end = claim.chain_ends()
    prev = start
    steps = []
    for step in claim.steps:
        steps.append(_run_step(step, prev, ctx, assumptions, proved_labels, claim.induction))
        prev = step.expr
    chain_rel = _compose([s.rel for s in claim.steps])
    if not claim.steps:
        conclusion = Result(FAILED, "empty chain")
    elif prev != end:
        eq = check_relation(prev, "=", end, ctx, assumptions, var=claim.induction)
        conclusion = Result(eq.status, "chain ends at the statement's right-hand side: " + eq.method)
    elif not _implies(chain_rel, {">": "<", ">=": "<="}.get(claim.rel, claim.rel)):
        conclusion = Result(FAILED, f"chain proves '{chain_rel}', statement says '{claim.rel}'")
    else:
        conclusion = Result(PROVED, f"chain runs from the left- to the right-hand side and composes to '{chain_rel}'")
    if claim.rel in (">", ">=") and chain_rel != "=" and not all(s.rel in (">", ">=", "=") for s in claim.steps):
        conclusion = Result(FAILED, "chain mixes directions")
    if claim.rel in ("<", "<=") and not all(s.rel in ("<", "<=", "=") for s in claim.steps):
        conclusion = Result(FAILED, "chain mixes directions")
    return ClaimResult(claim, base, steps, conclusion)


@dataclasses.dataclass
class TheoremResult:
    theorem: Theorem
    claims: list

    @property
    def status(self):
        st = [c.status for c in self.claims]
        if FAILED in st:
            return FAILED
        return NUMERIC if NUMERIC in st else PROVED

    def counts(self):
        """Number of checked items (base cases, steps, chain conclusions) per status."""
        out = {PROVED: 0, NUMERIC: 0, FAILED: 0}
        for c in self.claims:
            for r in ([c.base] if c.base else []) + c.steps + [c.conclusion]:
                out[r.status] += 1
        return out
