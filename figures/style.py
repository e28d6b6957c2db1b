"""Shared figure style and the one place figures are written to disk.

Every figure of the toolkit is drawn under :data:`STYLE` (``collapse.mplstyle``:
Okabe-Ito colour-blind-safe palette, mathtext labels, TrueType fonts embedded
in the PDF) at one of two widths, and saved by :func:`save` as vector PDF,
300-dpi PNG and the CSV of the plotted data.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import matplotlib.pyplot as plt

STYLE = str(Path(__file__).with_name("collapse.mplstyle"))
#: Single-column and full-width figure widths, inches.
SINGLE = 3.25
FULL = 6.75
#: Okabe-Ito palette (the style's colour cycle), by name.
COLORS = {"blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
          "orange": "#E69F00", "sky": "#56B4E9", "yellow": "#F0E442", "black": "#000000"}

# Fixed metadata so that the same data give the same bytes.
_PDF_META = {"Creator": "model-collapse-toolkit", "Producer": "matplotlib", "CreationDate": None}
_PNG_META = {"Software": "model-collapse-toolkit"}


def new_figure(width=SINGLE, height=None, nrows=1, ncols=1, **kwargs):
    """Create a figure of the given width (inches) under the shared style.

    The style is applied to the global rcParams (this module is the figures'
    only entry to matplotlib), because text, legends and ticks read rcParams
    when they are created, after ``subplots`` returns.  No backend is forced:
    headless runs get matplotlib's Agg fallback, notebooks their inline backend.
    """
    plt.style.use(STYLE)
    if height is None:
        height = 2.4 * nrows if width == SINGLE else 2.5 * nrows
    fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
    return fig, axes


def write_csv(path, columns: dict):
    """Write equal-length (or ragged, padded with blanks) columns as CSV."""
    names = list(columns)
    cols = [list(columns[n]) for n in names]
    length = max(len(c) for c in cols) if cols else 0
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(length):
            w.writerow([repr(float(c[i])) if i < len(c) and _is_num(c[i]) else (c[i] if i < len(c) else "")
                        for c in cols])


def _is_num(x):
    try:
        float(x)
    except (TypeError, ValueError):
        return False
    return not isinstance(x, str)


def _write_atomically(path, write):
    """Call ``write(tmp)`` for a temporary file beside ``path``, then rename it to ``path``.

    An interrupted or failed write leaves no half-written ``path`` (and no temporary file).
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save(fig, out_dir, name, data: dict):
    """Save ``fig`` as ``NAME.pdf`` and ``NAME.png`` and ``data`` as ``NAME.csv`` in ``out_dir``.

    Returns the list of written paths.  The style is re-applied at save time so
    that rcParams acting on saving (font type 42, dpi) hold whatever the caller did.
    Each file is written under a temporary name and renamed into place.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.pdf", out / f"{name}.png", out / f"{name}.csv"]
    plt.style.use(STYLE)
    try:
        _write_atomically(paths[0], lambda tmp: fig.savefig(tmp, format="pdf", metadata=_PDF_META))
        _write_atomically(paths[1], lambda tmp: fig.savefig(tmp, format="png", metadata=_PNG_META, dpi=300))
    finally:
        plt.close(fig)
    _write_atomically(paths[2], lambda tmp: write_csv(tmp, data))
    return [str(p) for p in paths]


os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
