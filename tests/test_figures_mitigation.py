"""figures.mitigation: the workflows figure at its quick scale (tests/test_figures.py runs the paper scale)."""

import csv

import pytest

from figures import mitigation as fm
from theory import mitigation as tm


def test_workflows_figure_quick_scale(tmp_path):
    paths = fm.workflows_figure(tmp_path, seed=3, quick=True)
    assert sorted(p.rsplit(".", 1)[1] for p in paths) == ["csv", "pdf", "png"]
    with open(next(p for p in paths if p.endswith(".csv"))) as fh:
        rows = list(csv.DictReader(fh))
    plateau = tm.accumulate_subsample_limit(10).variance
    assert float(rows[0]["plateau_accumulate_subsample_mle"]) == pytest.approx(plateau)
    assert sum(1 for r in rows if r["mc_t"]) == len(fm.WF_MARKS[True])
    # the exact lines are the theory: E sigma_t^2 + E (mu_t - mu)^2 = 1 for the MLE in every workflow
    for wf in ("replace", "accumulate", "accumulate-subsample"):
        total = float(rows[-1][f"variance_mle_{wf}"]) + float(rows[-1][f"mean_error_mle_{wf}"])
        assert total == pytest.approx(1.0, abs=1e-12)
    assert "mitigation_workflows" in fm.FIGURES
