"""The README's two set-up commands are what CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands():
    text = (ROOT / "README.md").read_text()
    block = text.split("```bash", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def test_readme_opens_with_two_commands_that_ci_runs():
    cmds = _readme_commands()
    assert len(cmds) == 2
    assert "collapse verify" in cmds[0] and "pip install ." in cmds[0]
    assert "pytest" in cmds[1] and ".[test]" in cmds[1]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    for cmd in cmds:
        assert cmd in ci
