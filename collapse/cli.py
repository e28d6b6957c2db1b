"""``collapse``: the command-line face of the toolkit.

This module only parses arguments and calls the layers (:mod:`numerics`,
:mod:`figures`, :mod:`proofs`); it holds no mathematics.

Sub-commands
------------
``collapse verify``   every closed form against Monte Carlo / exact arithmetic
``collapse figures``  the paper-ready figure set (PDF, PNG, CSV)
``collapse proofs``   the machine-checked derivations
``collapse sweep``    the checks of a process over a parameter grid, on Dask (:mod:`numerics.sweep`)

User errors
-----------
Every path, seed, count and format is checked before any work starts.  A bad
one is reported as one line ``error: ...`` on stderr with exit status 2, never
a traceback.  Outputs are written to a temporary file next to their target and
renamed into place, so an interrupted run leaves no half-written file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time

from numerics.engine import DEFAULT_SEED

#: Processes, in the order their rows and figures appear.  Each name is a module
#: in numerics/ (``verification_checks``, ``MIN_CHAINS``, ``MAX_CHAINS``) and figures/ (``FIGURES``).
PROCESSES = ("gaussian", "discrete", "mitigation", "multivariate", "approximation", "gmm", "regression", "tails")


class UsageError(Exception):
    """A user error found before any work: reported as ``error: <message>``, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with its errors raised as :class:`UsageError` (one line, no usage block)."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


# ----------------------------------------------------------------------------- argument types
def _non_negative_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def _positive_int(text):
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be a positive integer, got 0")
    return value


# ----------------------------------------------------------------------------- output paths
def _nearest_existing(path):
    """``path`` or its nearest existing ancestor."""
    path = os.path.abspath(path)
    while not os.path.exists(path):
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    return path


def _probe_writable(directory, what):
    """Create and remove a file in ``directory``; UsageError naming ``what`` when that fails."""
    try:
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".collapse-probe-"):
            pass
    except OSError as exc:
        raise UsageError(f"{what}: cannot create files in {directory!r} ({exc.strerror or exc})") from None


def check_output_file(path, flag):
    """A file ``path`` can be written: not a directory, in an existing writable directory."""
    if not path:
        raise UsageError(f"{flag}: empty path")
    if os.path.isdir(path):
        raise UsageError(f"{flag} {path!r} is a directory, not a file")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise UsageError(f"{flag} {path!r}: directory {parent!r} does not exist")
    _probe_writable(parent, f"{flag} {path!r}")
    return path


def check_output_dir(path, flag):
    """A directory ``path`` exists and is writable, or can be created (nothing is created here)."""
    if not path:
        raise UsageError(f"{flag}: empty path")
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"{flag} {path!r} exists and is not a directory")
    base = _nearest_existing(path)
    if not os.path.isdir(base):
        raise UsageError(f"{flag} {path!r}: {base!r} is not a directory")
    _probe_writable(base, f"{flag} {path!r}")
    return path


def write_text_atomically(path, text):
    """Write ``text`` to a temporary file beside ``path``, then rename it to ``path``."""
    directory, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------------- verify
def _numerics(names):
    return [(name, importlib.import_module(f"numerics.{name}")) for name in names]


def _check_verify(args):
    args.process = list(dict.fromkeys(args.process or PROCESSES))  # several, in the order given, once each
    mods = _numerics(args.process)
    if args.chains is not None:
        lo_name, lo = max(((n, m.MIN_CHAINS) for n, m in mods), key=lambda t: t[1])
        hi_name, hi = min(((n, m.MAX_CHAINS) for n, m in mods), key=lambda t: t[1])
        if args.chains < lo:
            raise UsageError(f"--chains must be >= {lo} for the selected processes ({lo_name} needs {lo}), "
                             f"got {args.chains}")
        if args.chains > hi:
            raise UsageError(f"--chains must be <= {hi} for the selected processes ({hi_name} keeps every chain "
                             f"in memory; see numerics.{hi_name}.MAX_CHAINS), got {args.chains}")
    if args.json:
        check_output_file(args.json, "--json")
    args.modules = mods


def _summary_table(per_process, checks):
    """One line per process (and a total): rows, agree, disagree, underpowered, exact rows, seconds."""
    head = ("process", "rows", "agree", "DISAGREE", "underpowered", "exact rows", "seconds")
    lines, total = [], [0, 0, 0, 0, 0, 0.0]
    for name, rows, seconds in per_process:
        c = checks.summarize(rows)
        vals = [len(rows), c[checks.AGREE], c[checks.DISAGREE], c[checks.UNDERPOWERED],
                sum(r.method == "exact-vs-float" for r in rows), seconds]
        total = [t + v for t, v in zip(total, vals)]
        lines.append([name] + vals)
    if len(per_process) > 1:
        lines.append(["all"] + total)
    cells = [list(head)] + [[f"{v:.1f}" if isinstance(v, float) else str(v) for v in line] for line in lines]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]

    def fmt(row):
        return "  ".join(s.ljust(w) if i == 0 else s.rjust(w) for i, (s, w) in enumerate(zip(row, widths)))

    rule = "  ".join("-" * w for w in widths)
    out = [fmt(cells[0]), rule] + [fmt(r) for r in cells[1:]]
    if len(per_process) > 1:
        out.insert(len(out) - 1, rule)
    return "\n".join(out)


def _cmd_verify(args):
    from numerics import checks

    t0 = time.perf_counter()
    rows, per_process = [], []
    for name, mod in args.modules:
        if not args.quiet:
            print(f"[verify] {name} ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        got = mod.verification_checks(chains=args.chains, seed=args.seed, progress=not args.quiet)
        per_process.append((name, got, time.perf_counter() - t))
        rows += got
    elapsed = time.perf_counter() - t0
    counts = checks.summarize(rows)
    if args.all:
        print(checks.format_table(rows))
        print()
    print(_summary_table(per_process, checks))
    bad = [r for r in rows if r.status == checks.DISAGREE]
    if bad:
        print(f"\n{len(bad)} disagreeing row{'s' if len(bad) > 1 else ''}:")
        print(checks.format_table(bad))
    elif not args.all:
        print("\nno row disagrees (`--all` prints every row)")
    print(f"\n{len(rows)} checks in {elapsed:.1f} s: {counts[checks.AGREE]} agree, "
          f"{counts[checks.DISAGREE]} disagree, {counts[checks.UNDERPOWERED]} underpowered "
          f"(|z| < {checks.Z_MAX}; underpowered rows neither pass nor fail, see `collapse verify --help`)")
    if args.json:
        write_text_atomically(args.json, checks.to_json(rows))
        print(f"wrote {args.json}")
    return 1 if counts[checks.DISAGREE] else 0


# ----------------------------------------------------------------------------- figures
def _figure_registry(only_process=None):
    reg = {}
    for name in ([only_process] if only_process else PROCESSES):
        reg.update(importlib.import_module(f"figures.{name}").FIGURES)
    return reg


def _check_figures(args):
    args.registry = _figure_registry()
    if args.list:
        return
    if args.only:
        unknown = [n for n in args.only if n not in args.registry]
        if unknown:
            raise UsageError(f"unknown figure(s) {', '.join(unknown)}; `collapse figures --list` lists them")
    check_output_dir(args.out, "--out")


def _cmd_figures(args):
    reg = args.registry
    if args.list:
        for name, fn in reg.items():
            doc = (fn.__doc__ or "").strip().splitlines()
            print(f"{name:28s} {doc[0] if doc else ''}")
        return 0
    names = list(dict.fromkeys(args.only)) if args.only else list(reg)
    for i, name in enumerate(names, 1):
        t0 = time.perf_counter()
        paths = reg[name](args.out, seed=args.seed, quick=args.quick)
        print(f"[{i}/{len(names)}] {name}: {', '.join(paths)} ({time.perf_counter() - t0:.1f} s)", flush=True)
    return 0


# ----------------------------------------------------------------------------- proofs
def _check_proofs(args):
    if args.out is not None and args.format is None:
        raise UsageError("--out DIR writes documents, so it needs --format latex or --format markdown")
    if args.format is not None:
        args.out = args.out or "proofs-out"
        check_output_dir(args.out, "--out")


def _cmd_proofs(args):
    from proofs import report

    return report.main(fmt=args.format, out=args.out)


# ----------------------------------------------------------------------------- sweep
def _check_sweep(args):
    check_output_file(args.out, "--out")
    if args.json:
        check_output_file(args.json, "--json")


def _cmd_sweep(args):
    # numerics.sweep validates the spec (one line naming the field, exit status 2) and runs it on Dask
    return importlib.import_module("numerics.sweep").main(
        args.spec, args.out, json_path=args.json, workers=args.workers, scheduler=args.scheduler,
        max_blocks=args.max_blocks, quiet=args.quiet, processes=PROCESSES)


# ----------------------------------------------------------------------------- parser
def build_parser():
    p = _Parser(prog="collapse", description="Reference toolkit for the mathematics of model collapse.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="compare every closed form with Monte Carlo and exact arithmetic",
                       description="Compare every closed form with Monte Carlo (z-test, |z| < 4.5) and exact "
                                   "arithmetic; print a summary per process (rows that agree, disagree, are "
                                   "underpowered, exact rows, seconds) and every disagreeing row. A row is "
                                   "'underpowered' when its chains cannot estimate its standard error: fewer "
                                   "than 100 chains, a heavy tail (N < 100 (kurtosis-1)), or no finite standard "
                                   "error; such rows neither pass nor fail. Exit status 1 when any row disagrees, "
                                   "2 on a usage error.")
    v.add_argument("--chains", type=_positive_int, default=None,
                   help="Monte Carlo chains per check (default: per process; each process has a minimum and a "
                        "maximum, numerics.<process>.MIN_CHAINS and MAX_CHAINS)")
    v.add_argument("--seed", type=_non_negative_int, default=DEFAULT_SEED, help="master seed (default %(default)s)")
    v.add_argument("--process", nargs="+", choices=PROCESSES, default=None, metavar="PROCESS",
                   help=f"verify only these processes ({', '.join(PROCESSES)})")
    v.add_argument("--all", action="store_true", help="print every row, not only the disagreeing ones")
    v.add_argument("--json", metavar="FILE", help="also write every row as JSON to FILE")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.set_defaults(func=_cmd_verify, check=_check_verify)

    f = sub.add_parser("figures", help="write the paper-ready figures (PDF, PNG and CSV data)")
    f.add_argument("--out", default="figures-out", help="output directory (default %(default)s)")
    f.add_argument("--only", nargs="+", metavar="NAME", help="only these figures")
    f.add_argument("--list", action="store_true", help="list the figures and exit")
    f.add_argument("--seed", type=_non_negative_int, default=DEFAULT_SEED, help="master seed (default %(default)s)")
    f.add_argument("--quick", action="store_true",
                   help="a fast preview with fewer Monte Carlo chains and generations (default: paper scale)")
    f.set_defaults(func=_cmd_figures, check=_check_figures)

    pr = sub.add_parser("proofs", help="check the derivations; optionally write them as LaTeX or Markdown")
    pr.add_argument("--format", choices=("latex", "markdown"), default=None,
                    help="also write one document per theorem in this format")
    pr.add_argument("--out", default=None, help="directory for the documents (with --format; default proofs-out)")
    pr.set_defaults(func=_cmd_proofs, check=_check_proofs)

    # collapse sweep: the checks over a parameter grid, on Dask (numerics.sweep does the work)
    sw = sub.add_parser("sweep", help="run the checks of a process over a parameter grid (TOML spec) on Dask",
                        description="Run the rows of `collapse verify` at every point of the parameter grid of a "
                                    "TOML spec (process, grid, quantities, chains, block, seed; see "
                                    "numerics/sweep.py and examples/sweep-small.toml) on a local Dask cluster or "
                                    "an existing one; write a tidy CSV, one row per cell and quantity. Finished "
                                    "blocks are recorded in FILE.state.json: the same command continues an "
                                    "interrupted run, and the output is byte-identical for any number of workers. "
                                    "Exit status 0, 1 when a row disagrees, 2 on a usage error (one line, nothing "
                                    "written), 3 when stopped by --max-blocks.")
    sw.add_argument("spec", help="the sweep spec (TOML)")
    sw.add_argument("--out", required=True, metavar="FILE", help="the CSV of the rows")
    sw.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    sw.add_argument("--workers", type=_positive_int, default=None,
                    help="worker processes of the local cluster (default: one per core)")
    sw.add_argument("--scheduler", metavar="ADDRESS", help="use the Dask cluster of this scheduler (tcp://host:8786, "
                                                           "or its scheduler file) instead of a local one")
    sw.add_argument("--max-blocks", type=_positive_int, default=None, metavar="N",
                    help="stop after N blocks (the rest on the next run)")
    sw.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    sw.set_defaults(func=_cmd_sweep, check=_check_sweep)
    return p


def main(argv=None):
    """Run the CLI; return the exit status (0 success, 1 a check failed, 2 a usage error)."""
    try:
        args = build_parser().parse_args(argv)
        args.check(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
