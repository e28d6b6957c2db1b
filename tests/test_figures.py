"""Every registered figure is produced as PDF (TrueType fonts), 300-dpi PNG at a stated width, and CSV of what is plotted.

The figures are built at their quick scale (fewer Monte Carlo chains); one test
builds the cheapest Monte Carlo figure at paper scale too and checks that both
scales draw the same figure: axes, labels, scales, legend entries, size and CSV columns.
"""

import csv
import hashlib
import math
from pathlib import Path

import matplotlib.lines
from matplotlib.container import ErrorbarContainer
import numpy as np
import pytest
from PIL import Image

from collapse import cli
from figures import style

REGISTRY = cli._figure_registry()
WIDTHS_IN = (style.SINGLE, style.FULL)


def _structure(fig):
    """What a reader sees of a figure besides the numbers: size, and per axes labels, title, scales, legend."""
    axes = []
    for ax in fig.axes:
        legend = ax.get_legend()
        axes.append({"xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(), "title": ax.get_title(),
                     "xscale": ax.get_xscale(), "yscale": ax.get_yscale(),
                     "legend": [t.get_text() for t in legend.get_texts()] if legend else []})
    return {"size": tuple(fig.get_size_inches()), "axes": axes}


def _build(builds, out, quick):
    """Run the figure functions ``builds`` ({name: fn}), capturing the figure and data passed to style.save."""
    captured = {}
    real_save = style.save

    def spy(fig, out_dir, name, data):
        # error-bar caps are decoration derived from the plotted mean and s.e. columns: not data lines
        caps = {id(c) for ax in fig.axes for cont in ax.containers if isinstance(cont, ErrorbarContainer)
                for c in cont.lines[1]}
        lines = [np.asarray(line.get_ydata(), dtype=float) for ax in fig.axes for line in ax.get_lines()
                 if isinstance(line, matplotlib.lines.Line2D) and len(line.get_ydata()) > 1 and id(line) not in caps]
        captured[name] = {"lines": lines, "size": tuple(fig.get_size_inches()), "structure": _structure(fig),
                          "columns": list(data)}
        return real_save(fig, out_dir, name, data)

    style.save = spy
    try:
        paths = {name: fn(out, seed=20240724, quick=quick) for name, fn in builds.items()}
    finally:
        style.save = real_save
    return paths, captured


@pytest.fixture(scope="module")
def produced(tmp_path_factory):
    """Run every figure once at its quick scale, capturing the figure object and data passed to style.save."""
    out = tmp_path_factory.mktemp("figs")
    paths, captured = _build(REGISTRY, out, quick=True)
    return out, paths, captured


def _csv_columns(path):
    with open(path) as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    cols = {}
    for j, h in enumerate(header):
        vals = []
        for r in body:
            cell = r[j] if j < len(r) else ""
            try:
                vals.append(float(cell))
            except ValueError:
                vals.append(math.nan)
        cols[h] = np.array(vals)
    return cols


def _matches(y, cols):
    """True when every plotted value is a value of one CSV column (a plot may show every k-th point)."""
    y = np.unique(y[np.isfinite(y)])  # a horizontal line is one value drawn twice
    for c in cols.values():
        c = np.sort(c[np.isfinite(c)])
        if c.size < y.size or c.size == 0:
            continue
        idx = np.clip(np.searchsorted(c, y), 1, c.size - 1)
        nearest = np.minimum(np.abs(c[idx] - y), np.abs(c[idx - 1] - y))
        if np.all(nearest <= 1e-9 * np.maximum(np.abs(y), 1e-300)):
            return True
    return False


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_figure_files(produced, name):
    out, paths, captured = produced
    files = {Path(p).suffix: Path(p) for p in paths[name]}
    assert set(files) == {".pdf", ".png", ".csv"}
    for f in files.values():
        assert f.stat().st_size > 500, f
    pdf = files[".pdf"].read_bytes()
    assert b"/FontFile2" in pdf, "TrueType fonts must be embedded"
    assert b"/Type3" not in pdf, "no Type 3 fonts in a paper-ready PDF"
    width, height = captured[name]["size"]
    assert any(abs(width - w) < 1e-6 for w in WIDTHS_IN), f"width {width} in is neither single-column nor full"
    img = Image.open(files[".png"])
    assert img.size[0] == pytest.approx(width * 300, abs=2)
    assert img.size[1] == pytest.approx(height * 300, abs=2)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_csv_holds_what_is_plotted(produced, name):
    out, paths, captured = produced
    cols = _csv_columns(next(p for p in paths[name] if p.endswith(".csv")))
    missing = [i for i, y in enumerate(captured[name]["lines"]) if not _matches(y, cols)]
    assert not missing, f"plotted lines {missing} of {name} are not columns of its CSV"


#: The cheapest figure with Monte Carlo in it: built at paper scale by the structure test.
PAPER_SCALE_FIGURE = "discrete_diversity"


def test_quick_and_paper_scale_draw_the_same_figure(produced, tmp_path):
    out, paths, quick = produced
    name = PAPER_SCALE_FIGURE
    paper_paths, paper = _build({name: REGISTRY[name]}, tmp_path, quick=False)
    assert quick[name]["structure"] == paper[name]["structure"]
    assert quick[name]["columns"] == paper[name]["columns"]
    quick_csv = next(p for p in paths[name] if p.endswith(".csv"))
    paper_csv = next(p for p in paper_paths[name] if p.endswith(".csv"))
    assert list(_csv_columns(quick_csv)) == list(_csv_columns(paper_csv)) == paper[name]["columns"]
    # the scales differ in their numbers (fewer chains), and the comparison sees a different figure
    assert any(not np.array_equal(a, b) for a, b in zip(quick[name]["lines"], paper[name]["lines"]))
    other = next(n for n in sorted(quick) if n != name)
    assert quick[other]["structure"] != paper[name]["structure"] or quick[other]["columns"] != paper[name]["columns"]


def test_every_figure_has_a_quick_scale():
    import inspect

    for name, fn in REGISTRY.items():
        assert inspect.signature(fn).parameters["quick"].default is False, name


def test_same_seed_same_png_bytes(tmp_path):
    name = "gaussian_w2_schedules"
    a = REGISTRY[name](tmp_path / "a", seed=1, quick=True)
    b = REGISTRY[name](tmp_path / "b", seed=1, quick=True)
    digest = [hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in (a[1], b[1])]
    assert digest[0] == digest[1]


def test_csv_writer_roundtrip(tmp_path):
    p = tmp_path / "x.csv"
    style.write_csv(p, {"a": [1.0, 2.5], "b": [3.0]})
    cols = _csv_columns(p)
    assert cols["a"].tolist() == [1.0, 2.5] and cols["b"][0] == 3.0 and math.isnan(cols["b"][1])


def test_gmm_authors_scatter_points_are_csv_data(tmp_path, monkeypatch):
    """The scatter panels of gmm_authors plot exactly the CSV's samples (scatter points are not Line2D)."""
    captured = {}
    real_save = style.save

    def spy(fig, out_dir, name, data):
        captured["offsets"] = [c.get_offsets() for ax in fig.axes for c in ax.collections]
        return real_save(fig, out_dir, name, data)

    monkeypatch.setattr(style, "save", spy)
    paths = REGISTRY["gmm_authors"](tmp_path, seed=3, quick=True)
    cols = _csv_columns(next(p for p in paths if p.endswith(".csv")))
    shown = [k[: -len("_chain0_x1")] for k in cols if k.endswith("_chain0_x1")]
    assert shown == ["real", "m0", "m50"]
    assert len(captured["offsets"]) == 2 * len(shown)  # one scatter per fitted component and panel
    for i, key in enumerate(shown):
        xy = np.column_stack([cols[f"{key}_chain0_x1"], cols[f"{key}_chain0_x2"]])
        comp = cols[f"{key}_chain0_component"]
        for k in range(2):
            np.testing.assert_array_equal(np.asarray(captured["offsets"][2 * i + k]), xy[comp == k + 1])
