r"""``collapse proofs``: check every derivation, print a summary, write documents.

:func:`main` checks all theorems of :data:`THEOREM_MODULES`, prints one row per
theorem (number of checked items that are *proved*, *checked numerically* or
*FAILED*; an item is a step, an induction base case or a chain conclusion) and
returns exit status 1 when anything failed.  With ``fmt="latex"`` or
``fmt="markdown"`` it also writes one document per theorem into ``out``:

* LaTeX: a self-contained ``article`` with ``amsmath``/``amssymb`` only, each
  chain in an ``align*`` environment; it compiles with a plain ``pdflatex``.
* Markdown: GitHub-flavoured, mathematics in ``$$ ... $$`` blocks.

Each document lists the hypotheses, the model, the notation, every step with
its justification and its check status (numerical checks are labelled as such),
the source, and the ``collapse verify`` rows that corroborate the theorem
numerically.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys

import sympy as sp

from .core import FAILED, NUMERIC, PROVED, _LATEX_REL

#: Modules holding ``THEOREMS``, in document order.
THEOREM_MODULES = ("proofs.gaussian", "proofs.discrete", "proofs.mitigation", "proofs.multivariate",
                   "proofs.regression", "proofs.tails")

_MARK = {PROVED: "proved", NUMERIC: "checked numerically", FAILED: "FAILED"}


def all_theorems():
    """All theorems of :data:`THEOREM_MODULES`, in order."""
    out = []
    for name in THEOREM_MODULES:
        out.extend(importlib.import_module(name).THEOREMS)
    return out


def check_all(theorems=None):
    """Check theorems; return the list of :class:`proofs.core.TheoremResult`.

    Without ``theorems`` the built-in theorems are checked once per process and
    the results reused (a check is deterministic and takes about ten seconds).
    """
    if theorems is None:
        return list(_check_builtin())
    return [t.check() for t in theorems]


@functools.lru_cache(maxsize=1)
def _check_builtin():
    return tuple(t.check() for t in all_theorems())


def summary_table(results) -> str:
    """Plain-text summary: theorem, claims, proved / numeric / failed item counts, status."""
    head = f"{'theorem':22s} {'claims':>6s} {'proved':>7s} {'numeric':>8s} {'failed':>7s}  status"
    lines = [head, "-" * len(head)]
    for r in results:
        c = r.counts()
        lines.append(f"{r.theorem.name:22s} {len(r.claims):6d} {c[PROVED]:7d} {c[NUMERIC]:8d} {c[FAILED]:7d}  "
                     f"{r.status}")
        for cr in r.claims:
            for item in ([cr.base] if cr.base else []) + cr.steps + [cr.conclusion]:
                if item.status != PROVED:
                    lines.append(f"    ({cr.claim.label}) {item.status}: {item.method}")
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------

def _items(cr):
    """(relation, expression, justification, result) rows of a claim's display chain."""
    return [(s.rel, s.expr, s.why, res) for s, res in zip(cr.claim.steps, cr.steps)]


def _tex_text(s):
    """Prose with inline $...$ math; escape the characters LaTeX would reject outside math."""
    out, math = [], False
    for ch in s:
        if ch == "$":
            math = not math
            out.append(ch)
        elif not math and ch in "&%#_":
            out.append("\\" + ch)
        elif not math and ch == "~":
            out.append(r"\textasciitilde{}")
        else:
            out.append(ch)
    return "".join(out)


def _status_tex(res):
    if res.status == PROVED:
        return r"\text{[proved]}"
    if res.status == NUMERIC:
        return r"\text{[checked numerically]}"
    return r"\text{[FAILED]}"


def _just_tex(why):
    # justification inside \text{}: inline math stays math
    return r"\text{" + _tex_text(why) + "}"


def _latex_chain(cr):
    claim = cr.claim
    start, _ = claim.chain_ends()
    rows = []
    for i, (rel, expr, why, res) in enumerate(_items(cr)):
        left = sp.latex(start) if i == 0 else ""
        rows.append(r"%s &%s %s && %s\ %s" % (left, _LATEX_REL[rel], sp.latex(expr), _just_tex(why), _status_tex(res)))
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


def _method_list_tex(cr):
    items = ([cr.base] if cr.base else []) + cr.steps + [cr.conclusion]
    return ("\\begin{itemize}\\small\n" + "\n".join(r"\item \verb|" + _verb(r.status + ": " + r.method) + "|"
                                                     for r in items) + "\n\\end{itemize}\n")


def _verb(s):
    return s.replace("|", "/").replace("\n", " ")


def to_latex(result) -> str:
    """One theorem (checked) as a standalone LaTeX document."""
    t = result.theorem
    c = result.counts()
    out = [r"\documentclass[11pt]{article}", r"\usepackage{amsmath,amssymb}",
           r"\allowdisplaybreaks", r"\begin{document}",
           r"\section*{%s}" % _tex_text(t.title),
           r"\paragraph{Theorem.} " + _tex_text(t.statement),
           r"\paragraph{Check summary.} %d items proved by sympy, %d checked numerically, %d failed."
           % (c[PROVED], c[NUMERIC], c[FAILED]),
           r"\paragraph{Hypotheses.}", r"\begin{itemize}"]
    out += [r"\item " + _tex_text(a.text) for a in t.assumptions]
    out.append(r"\end{itemize}")
    if t.model is not None:
        out += [r"\paragraph{Model.}", r"\begin{itemize}"] + [r"\item " + _tex_text(x) for x in t.model.text]
        out.append(r"\end{itemize}")
    if t.notation:
        out += [r"\paragraph{Notation.}", r"\begin{itemize}"] + [r"\item " + _tex_text(nt.text) for nt in t.notation]
        out.append(r"\end{itemize}")
    out.append(r"\subsection*{Proof}")
    for cr in result.claims:
        cl = cr.claim
        head = r"\paragraph{(%s)} %s" % (cl.label, _tex_text(cl.text))
        stmt = r"\[ %s %s %s \]" % (sp.latex(cl.lhs), _LATEX_REL[cl.rel], sp.latex(cl.rhs))
        out += [head, stmt]
        if cl.induction is not None:
            out.append(r"By induction on $%s$; the base case $%s = 0$ is %s. Inductive step:"
                       % (sp.latex(cl.induction), sp.latex(cl.induction), _MARK[cr.base.status]))
        out.append(_latex_chain(cr))
        bounds = [b for s in cl.steps for b in s.bounds]
        if bounds:
            out.append("Premises used: " + "; ".join(r"$%s$ (%s)" % (b.latex(), _tex_text(b.by)) for b in bounds)
                       + ".")
        out.append(r"\noindent Checks:")
        out.append(_method_list_tex(cr))
    if t.remarks:
        out += [r"\paragraph{Remarks.}"] + [_tex_text(x) + "\n" for x in t.remarks]
    out.append(r"\paragraph{Source.} " + _tex_text(t.source) + r" (see \texttt{references.md}).")
    out.append(r"\paragraph{Corroborated numerically} by \texttt{collapse verify --process %s}: rows "
               % _tex_text(t.process) + ", ".join(r"\verb|%s|" % _verb(q) for q in t.corroborated_by) + ".")
    out.append(r"\end{document}")
    return "\n".join(x for x in out if x) + "\n"


def _md_status(res):
    return {PROVED: "proved", NUMERIC: "**checked numerically**", FAILED: "**FAILED**"}[res.status]


def to_markdown(result) -> str:
    """One theorem (checked) as GitHub-flavoured Markdown with ``$$`` math blocks."""
    t = result.theorem
    c = result.counts()
    out = [f"# {t.title}", "", f"**Theorem.** {t.statement}", "",
           f"**Check summary:** {c[PROVED]} items proved by sympy, {c[NUMERIC]} checked numerically, "
           f"{c[FAILED]} failed.", "", "## Hypotheses", ""]
    out += [f"- {a.text}" for a in t.assumptions] + [""]
    if t.model is not None:
        out += ["## Model", ""] + [f"- {x}" for x in t.model.text] + [""]
    if t.notation:
        out += ["## Notation", ""] + [f"- {nt.text}" for nt in t.notation] + [""]
    out += ["## Proof", ""]
    for cr in result.claims:
        cl = cr.claim
        out += [f"### ({cl.label}) {cl.text}", "", "$$",
                f"{sp.latex(cl.lhs)} {_LATEX_REL[cl.rel]} {sp.latex(cl.rhs)}", "$$", ""]
        if cl.induction is not None:
            out += [f"By induction on ${sp.latex(cl.induction)}$; base case ${sp.latex(cl.induction)} = 0$: "
                    f"{_md_status(cr.base)} ({cr.base.method}). Inductive step, from "
                    f"${sp.latex(cl.chain_ends()[0])}$:", ""]
        else:
            out += [f"From ${sp.latex(cl.lhs)}$:", ""]
        out += ["| | step | justification | check |", "|---|---|---|---|"]
        for i, (rel, expr, why, res) in enumerate(_items(cr), 1):
            math = f"{_LATEX_REL[rel]} {sp.latex(expr)}".replace("|", r"\vert ")
            out.append(f"| {i} | ${math}$ | {why.replace('|', '/')} | {_md_status(res)}: "
                       f"{res.method.replace('|', '/')} |")
        out.append("")
        bounds = [b for s in cl.steps for b in s.bounds]
        if bounds:
            out += ["Premises used: " + "; ".join(f"${b.latex()}$ ({b.by})" for b in bounds) + ".", ""]
        out += [f"Chain: {_md_status(cr.conclusion)} ({cr.conclusion.method}).", ""]
    if t.remarks:
        out += ["## Remarks", ""] + [f"{x}\n" for x in t.remarks]
    out += ["## Source", "", f"{t.source} (see `references.md`).", "",
            f"Corroborated numerically by `collapse verify --process {t.process}`: rows "
            + ", ".join(f"`{q}`" for q in t.corroborated_by) + ".", ""]
    return "\n".join(out)


def write_documents(results, fmt, out):
    """Write one document per theorem; return the paths.

    Every document is rendered before anything is written, and each is written
    under a temporary name and renamed into place: no half-written file.
    """
    ext = {"latex": "tex", "markdown": "md"}[fmt]
    render = to_latex if fmt == "latex" else to_markdown
    docs = [(os.path.join(out, f"{r.theorem.name}.{ext}"), render(r)) for r in results]
    os.makedirs(out, exist_ok=True)
    for path, text in docs:
        tmp = os.path.join(out, f".{os.path.basename(path)}.{os.getpid()}.tmp")
        try:
            with open(tmp, "w") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    return [path for path, _ in docs]


def main(fmt=None, out=None, theorems=None) -> int:
    """Check all derivations, print the summary, optionally write documents.

    Parameters
    ----------
    fmt : {None, "latex", "markdown"}
        Document format; ``None`` only checks.
    out : str, optional
        Output directory for the documents (default ``proofs-out``).
    theorems : sequence of Theorem, optional
        Check these instead of all (used by the tests).

    Returns
    -------
    int
        Exit status: 0 when nothing failed, 1 otherwise, 2 on a bad ``fmt``.
    """
    if fmt not in (None, "latex", "markdown"):
        print(f"error: unknown format {fmt!r}", file=sys.stderr)
        return 2
    results = check_all(theorems)
    print(summary_table(results))
    total = {PROVED: 0, NUMERIC: 0, FAILED: 0}
    for r in results:
        for key, v in r.counts().items():
            total[key] += v
    print(f"\n{len(results)} theorems: {total[PROVED]} items proved, {total[NUMERIC]} checked numerically, "
          f"{total[FAILED]} failed")
    if fmt is not None:
        for p in write_documents(results, fmt, out or "proofs-out"):
            print(f"wrote {p}")
    return 1 if total[FAILED] else 0
