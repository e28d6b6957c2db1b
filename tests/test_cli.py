"""The console script: thin argument parsing over the layers."""

import json
import subprocess
import sys


from collapse import cli


def test_verify_json_and_exit_code(tmp_path, capsys):
    out = tmp_path / "rows.json"
    code = cli.main(["verify", "--process", "gaussian", "--chains", "5000", "--quiet", "--json", str(out)])
    text = capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert code == (1 if doc["summary"]["DISAGREE"] else 0)
    assert code == 0
    assert "E[W2^2]" in text and "agree?" in text
    assert {c["process"] for c in doc["checks"]} == {"gaussian"}


def test_verify_fails_when_a_row_disagrees(monkeypatch, capsys):
    from numerics import checks, gaussian

    bad = checks.z_check("gaussian", "E[sigma_n^2]", {"M": 5}, 1.0, 2.0, 0.01)
    monkeypatch.setattr(gaussian, "verification_checks", lambda **kw: [bad])
    assert cli.main(["verify", "--process", "gaussian", "--quiet"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


def test_figures_list_and_only(tmp_path, capsys):
    assert cli.main(["figures", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "gaussian_collapse" in listing
    assert cli.main(["figures", "--out", str(tmp_path), "--only", "gaussian_w2_schedules"]) == 0
    assert "[1/1] gaussian_w2_schedules" in capsys.readouterr().out
    assert (tmp_path / "gaussian_w2_schedules.pdf").exists()
    assert cli.main(["figures", "--out", str(tmp_path), "--only", "no_such_figure"]) == 2


def test_bad_chains_rejected(capsys):
    assert cli.main(["verify", "--chains", "1"]) == 2


def test_python_dash_m_entry_point():
    res = subprocess.run([sys.executable, "-m", "collapse", "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "verify" in res.stdout
