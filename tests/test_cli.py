"""The console script: thin argument parsing over the layers, user errors up front."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from collapse import cli
from numerics import checks

ROOT = Path(__file__).resolve().parents[1]


def test_verify_json_and_exit_code(tmp_path, capsys):
    out = tmp_path / "rows.json"
    code = cli.main(["verify", "--process", "gaussian", "--chains", "5000", "--quiet", "--json", str(out)])
    text = capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert code == (1 if doc["summary"]["DISAGREE"] else 0)
    assert code == 0
    assert "no row disagrees" in text and "gaussian" in text
    assert {c["process"] for c in doc["checks"]} == {"gaussian"}
    assert any(c["quantity"] == "E[W2^2]" for c in doc["checks"])
    assert sorted(os.listdir(tmp_path)) == ["rows.json"]  # written beside a temporary name, renamed


def test_verify_fails_when_a_row_disagrees(monkeypatch, capsys):
    from numerics import gaussian

    bad = checks.z_check("gaussian", "E[sigma_n^2]", {"M": 5}, 1.0, 2.0, 0.01)
    monkeypatch.setattr(gaussian, "verification_checks", lambda **kw: [bad])
    assert cli.main(["verify", "--process", "gaussian", "--quiet"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


# ----------------------------------------------------------------------------- a verify a person can read
def _fake_rows(process):
    """Two agreeing rows, one disagreeing, one underpowered and one exact row of ``process``."""
    return [checks.z_check(process, f"{process} fine", {"M": 3}, 1.0, 1.01, 0.01),
            checks.z_check(process, f"{process} fine too", {"M": 4}, 2.0, 2.0, 0.01),
            checks.z_check(process, f"{process} wrong", {"M": 5}, 1.0, 2.0, 0.01),
            checks.z_check(process, f"{process} heavy-tailed", {"M": 6}, 1.0, 9.0, 0.01, powered=False),
            checks.exact_check(process, f"{process} exact", {"M": 7}, 2, 2.0)]


@pytest.fixture
def fake_processes(monkeypatch):
    """Every process's verification_checks replaced by :func:`_fake_rows` (no Monte Carlo)."""
    import importlib

    calls = []
    for name in cli.PROCESSES:
        mod = importlib.import_module(f"numerics.{name}")

        def fake(chains=None, seed=None, progress=True, _name=name):
            calls.append((_name, chains, seed))
            return _fake_rows(_name)

        monkeypatch.setattr(mod, "verification_checks", fake)
    return calls


def test_verify_prints_a_summary_per_process_and_only_the_disagreeing_rows(fake_processes, capsys):
    assert cli.main(["verify", "--process", "gaussian", "discrete", "--quiet"]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["process", "rows", "agree", "DISAGREE", "underpowered", "exact", "rows", "seconds"]
    block = lines[:lines.index("")]  # the summary comes first, then a blank line
    summary = {ln.split()[0]: ln.split()[1:6] for ln in block[2:] if not ln.startswith("-")}
    assert summary == {"gaussian": ["5", "3", "1", "1", "1"], "discrete": ["5", "3", "1", "1", "1"],
                       "all": ["10", "6", "2", "2", "2"]}
    assert "gaussian wrong" in out and "discrete wrong" in out  # every disagreeing row
    assert "fine" not in out and "heavy-tailed" not in out and "exact" not in out.split("disagreeing")[1]
    assert [c[0] for c in fake_processes] == ["gaussian", "discrete"]  # several processes, in the order given


def test_verify_all_prints_every_row_and_json_is_unchanged(fake_processes, capsys, tmp_path):
    out_json = tmp_path / "rows.json"
    assert cli.main(["verify", "--all", "--quiet", "--seed", "7", "--json", str(out_json)]) == 1
    out = capsys.readouterr().out
    rows = [r for name in cli.PROCESSES for r in _fake_rows(name)]
    for r in rows:
        assert r.quantity in out
    assert out_json.read_text() == checks.to_json(rows)  # the JSON document holds every row, as before
    assert {(name, seed) for name, _, seed in fake_processes} == {(name, 7) for name in cli.PROCESSES}


def test_verify_with_no_disagreement_says_so(monkeypatch, capsys):
    from numerics import gaussian

    monkeypatch.setattr(gaussian, "verification_checks", lambda **kw: _fake_rows("gaussian")[:2])
    assert cli.main(["verify", "--process", "gaussian", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "no row disagrees" in out and "fine" not in out


# ----------------------------------------------------------------------------- user errors up front
@pytest.fixture
def no_work(monkeypatch):
    """Any run of verification checks, figures or proofs fails the test: errors must come before work."""
    import importlib

    from proofs import report

    def work(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    for name in cli.PROCESSES:
        monkeypatch.setattr(importlib.import_module(f"numerics.{name}"), "verification_checks", work)
    monkeypatch.setattr(cli, "_cmd_figures", work)
    monkeypatch.setattr(report, "check_all", work)


def _usage_error(capsys, argv):
    code = cli.main(argv)
    captured = capsys.readouterr()
    assert code == 2, (argv, captured)
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    return err[0]


def test_bad_seed_chains_and_formats_are_one_line_errors(no_work, capsys):
    assert "--seed" in _usage_error(capsys, ["verify", "--seed", "-1"])
    assert "--seed" in _usage_error(capsys, ["figures", "--seed", "-1"])
    assert "--chains" in _usage_error(capsys, ["verify", "--chains", "1"])
    assert "--chains" in _usage_error(capsys, ["verify", "--chains", "0"])
    assert "--chains" in _usage_error(capsys, ["verify", "--chains", "many"])
    assert "--format" in _usage_error(capsys, ["proofs", "--format", "html"])
    assert "--process" in _usage_error(capsys, ["verify", "--process", "nope"])
    assert "command" in _usage_error(capsys, [])
    assert "no_such_figure" in _usage_error(capsys, ["figures", "--only", "no_such_figure"])


def test_chains_checked_against_every_selected_process(no_work, capsys):
    from numerics import approximation, gaussian, gmm, multivariate

    # the largest minimum of the selection: gmm's when all processes run (this used to fail after four processes)
    msg = _usage_error(capsys, ["verify", "--chains", "50"])
    assert f">= {gmm.MIN_CHAINS}" in msg and "gmm" in msg
    msg = _usage_error(capsys, ["verify", "--process", "gaussian", "approximation", "--chains", "3"])
    assert f">= {approximation.MIN_CHAINS}" in msg and "approximation" in msg
    _usage_error(capsys, ["verify", "--process", "gaussian", "--chains", str(gaussian.MIN_CHAINS - 1)])
    # an upper limit instead of a MemoryError after the run has started
    msg = _usage_error(capsys, ["verify", "--chains", "1000000000"])
    assert f"<= {multivariate.MAX_CHAINS}" in msg and "multivariate" in msg
    _usage_error(capsys, ["verify", "--process", "gaussian", "--chains", str(gaussian.MAX_CHAINS + 1)])


def test_every_process_declares_its_chain_limits():
    import importlib

    for name in cli.PROCESSES:
        mod = importlib.import_module(f"numerics.{name}")
        assert 2 <= mod.MIN_CHAINS < mod.MAX_CHAINS, name
        for bad in (mod.MIN_CHAINS - 1, mod.MAX_CHAINS + 1):  # the module's own check uses the same limits
            with pytest.raises(ValueError, match="chains"):
                mod.verification_checks(chains=bad, seed=1, progress=False)


def test_json_target_checked_before_the_run(no_work, capsys, tmp_path):
    assert "is a directory" in _usage_error(capsys, ["verify", "--json", str(tmp_path)])
    missing = tmp_path / "missing" / "rows.json"
    assert "does not exist" in _usage_error(capsys, ["verify", "--json", str(missing)])
    assert not missing.parent.exists()


def test_figures_out_checked_before_any_figure(no_work, capsys, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("keep me")
    assert "not a directory" in _usage_error(capsys, ["figures", "--out", str(a_file)])
    assert "not a directory" in _usage_error(capsys, ["figures", "--out", str(a_file / "figs")])
    assert a_file.read_text() == "keep me"


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs a directory nobody can write in (/proc)")
def test_unwritable_out_checked_before_the_work(no_work, capsys):
    assert "cannot create files" in _usage_error(capsys, ["figures", "--out", "/proc/collapse-figures"])
    assert "cannot create files" in _usage_error(capsys, ["proofs", "--format", "latex", "--out", "/proc/collapse"])
    assert "cannot create files" in _usage_error(capsys, ["verify", "--json", "/proc/rows.json"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write in a read-only directory")
def test_read_only_out_checked_before_the_work(no_work, capsys, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        assert "cannot create files" in _usage_error(capsys, ["figures", "--out", str(ro / "figs")])
        assert "cannot create files" in _usage_error(capsys, ["verify", "--json", str(ro / "rows.json")])
    finally:
        ro.chmod(0o700)


def test_proofs_out_checked_before_the_proofs(no_work, capsys, tmp_path):
    # --out without --format used to write nothing, silently
    msg = _usage_error(capsys, ["proofs", "--out", str(tmp_path / "docs")])
    assert "--format" in msg
    assert not (tmp_path / "docs").exists()
    a_file = tmp_path / "a_file"
    a_file.write_text("")
    assert "not a directory" in _usage_error(capsys, ["proofs", "--format", "markdown", "--out", str(a_file)])


def test_usage_errors_from_the_console_script_have_no_traceback(tmp_path):
    for argv in (["verify", "--seed", "-1"], ["verify", "--json", str(tmp_path)], ["verify", "--chains", "50"]):
        res = subprocess.run([sys.executable, "-m", "collapse", *argv], capture_output=True, text=True, cwd=ROOT)
        assert res.returncode == 2 and res.stdout == "", res
        assert res.stderr.startswith("error: ") and len(res.stderr.strip().splitlines()) == 1, res.stderr


# ----------------------------------------------------------------------------- nothing half-written
def test_failed_json_write_leaves_nothing(monkeypatch, capsys, tmp_path):
    from numerics import gaussian

    monkeypatch.setattr(gaussian, "verification_checks", lambda **kw: _fake_rows("gaussian")[:2])

    def broken(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(checks, "to_json", broken)
    target = tmp_path / "rows.json"
    with pytest.raises(RuntimeError, match="disk full"):
        cli.main(["verify", "--process", "gaussian", "--quiet", "--json", str(target)])
    assert os.listdir(tmp_path) == []


def test_failed_figure_write_leaves_no_partial_file(monkeypatch, tmp_path):
    from figures import style

    def broken(path, columns):
        Path(path).write_text("half a csv")
        raise OSError("disk full")

    monkeypatch.setattr(style, "write_csv", broken)
    fig, ax = style.new_figure()
    ax.plot([0, 1], [0, 1])
    with pytest.raises(OSError, match="disk full"):
        style.save(fig, tmp_path, "x", {"a": [0, 1]})
    assert sorted(os.listdir(tmp_path)) == ["x.pdf", "x.png"]  # complete files only, no x.csv, no temporary


def test_proof_documents_written_whole(proof_results, tmp_path):
    from proofs import report

    paths = report.write_documents(proof_results[:2], "markdown", str(tmp_path / "docs"))
    names = [f"{r.theorem.name}.md" for r in proof_results[:2]]
    assert [os.path.basename(p) for p in paths] == names
    assert sorted(os.listdir(tmp_path / "docs")) == sorted(names)  # no temporary file left
    assert all(Path(p).read_text().startswith("# ") for p in paths)


# ----------------------------------------------------------------------------- figures and entry point
def test_figures_list_and_only(tmp_path, capsys):
    assert cli.main(["figures", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "gaussian_collapse" in listing
    assert cli.main(["figures", "--out", str(tmp_path), "--only", "gaussian_w2_schedules", "--quick"]) == 0
    assert "[1/1] gaussian_w2_schedules" in capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == [f"gaussian_w2_schedules.{ext}" for ext in ("csv", "pdf", "png")]
    assert cli.main(["figures", "--out", str(tmp_path), "--only", "no_such_figure"]) == 2


def test_bad_chains_rejected(capsys):
    assert cli.main(["verify", "--chains", "1"]) == 2


def test_python_dash_m_entry_point():
    res = subprocess.run([sys.executable, "-m", "collapse", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and "verify" in res.stdout
