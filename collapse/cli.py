"""``collapse``: the command-line face of the toolkit.

This module only parses arguments and calls the layers (:mod:`numerics`,
:mod:`figures`, :mod:`proofs`); it holds no mathematics.

Sub-commands
------------
``collapse verify``   every closed form against Monte Carlo / exact arithmetic
``collapse figures``  the paper-ready figure set (PDF, PNG, CSV)
``collapse proofs``   the machine-checked derivations
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time

#: Processes, in the order their rows and figures appear.  Each name is a module
#: in numerics/ (``verification_checks``) and figures/ (``FIGURES``).
PROCESSES = ("gaussian", "discrete", "mitigation", "multivariate", "approximation", "gmm")


def _modules(layer, only=None):
    names = PROCESSES if not only else [only]
    return [(name, importlib.import_module(f"{layer}.{name}")) for name in names]


def _cmd_verify(args):
    from numerics import checks

    t0 = time.perf_counter()
    rows = []
    for name, mod in _modules("numerics", args.process):
        if not args.quiet:
            print(f"[verify] {name} ...", file=sys.stderr, flush=True)
        rows += mod.verification_checks(chains=args.chains, seed=args.seed, progress=not args.quiet)
    elapsed = time.perf_counter() - t0
    counts = checks.summarize(rows)
    print(checks.format_table(rows))
    print(f"\n{len(rows)} checks in {elapsed:.1f} s: {counts[checks.AGREE]} agree, "
          f"{counts[checks.DISAGREE]} disagree, {counts[checks.UNDERPOWERED]} underpowered "
          f"(|z| < {checks.Z_MAX}; underpowered rows neither pass nor fail, see `collapse verify --help`)")
    if args.json:
        with open(args.json, "w") as fh:
            fh.write(checks.to_json(rows))
        print(f"wrote {args.json}")
    return 1 if counts[checks.DISAGREE] else 0


def _figure_registry(only_process=None):
    reg = {}
    for _, mod in _modules("figures", only_process):
        reg.update(mod.FIGURES)
    return reg


def _cmd_figures(args):
    reg = _figure_registry()
    if args.list:
        for name, fn in reg.items():
            doc = (fn.__doc__ or "").strip().splitlines()
            print(f"{name:28s} {doc[0] if doc else ''}")
        return 0
    names = list(reg)
    if args.only:
        unknown = [n for n in args.only if n not in reg]
        if unknown:
            print(f"error: unknown figure(s) {unknown}; `collapse figures --list` lists them", file=sys.stderr)
            return 2
        names = args.only
    for i, name in enumerate(names, 1):
        t0 = time.perf_counter()
        paths = reg[name](args.out, seed=args.seed)
        print(f"[{i}/{len(names)}] {name}: {', '.join(paths)} ({time.perf_counter() - t0:.1f} s)", flush=True)
    return 0


def _cmd_proofs(args):
    from proofs import report

    return report.main(fmt=args.format, out=args.out)


def build_parser():
    p = argparse.ArgumentParser(prog="collapse", description="Reference toolkit for the mathematics of model collapse.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="compare every closed form with Monte Carlo and exact arithmetic",
                       description="Compare every closed form with Monte Carlo (z-test, |z| < 4.5) and exact "
                                   "arithmetic. A row is 'underpowered' when the estimated quantity is so heavy-"
                                   "tailed that the chains cannot estimate its standard error (N < 100 (kurtosis-1)); "
                                   "such rows neither pass nor fail. Exit status 1 when any row disagrees.")
    v.add_argument("--chains", type=int, default=None, help="Monte Carlo chains per check (default: per process)")
    v.add_argument("--seed", type=int, default=20240724, help="master seed (default %(default)s)")
    v.add_argument("--process", choices=PROCESSES, default=None, help="verify one process only")
    v.add_argument("--json", metavar="FILE", help="also write the rows as JSON to FILE")
    v.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    v.set_defaults(func=_cmd_verify)

    f = sub.add_parser("figures", help="write the paper-ready figures (PDF, PNG and CSV data)")
    f.add_argument("--out", default="figures-out", help="output directory (default %(default)s)")
    f.add_argument("--only", nargs="+", metavar="NAME", help="only these figures")
    f.add_argument("--list", action="store_true", help="list the figures and exit")
    f.add_argument("--seed", type=int, default=20240724, help="master seed (default %(default)s)")
    f.set_defaults(func=_cmd_figures)

    pr = sub.add_parser("proofs", help="check the derivations; optionally write them as LaTeX or Markdown")
    pr.add_argument("--format", choices=("latex", "markdown"), default=None)
    pr.add_argument("--out", default=None, help="directory for the documents (with --format)")
    pr.set_defaults(func=_cmd_proofs)

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
    sw.add_argument("--workers", type=int, default=None, help="worker processes of the local cluster "
                                                               "(default: one per core)")
    sw.add_argument("--scheduler", metavar="ADDRESS", help="use the Dask cluster of this scheduler (tcp://host:8786, "
                                                           "or its scheduler file) instead of a local one")
    sw.add_argument("--max-blocks", type=int, default=None, metavar="N",
                    help="stop after N blocks (the rest on the next run)")
    sw.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    sw.set_defaults(func=lambda args: importlib.import_module("numerics.sweep").main(
        args.spec, args.out, json_path=args.json, workers=args.workers, scheduler=args.scheduler,
        max_blocks=args.max_blocks, quiet=args.quiet, processes=PROCESSES))
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    if getattr(args, "chains", None) is not None and args.chains < 2:
        print("error: --chains must be >= 2", file=sys.stderr)
        return 2
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
