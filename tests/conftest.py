"""Fixtures shared by the whole test session."""

import pytest


@pytest.fixture(scope="session")
def proof_results():
    """Every built-in theorem of ``proofs/``, checked once per test session (about 30 s).

    :func:`proofs.report.check_all` caches the same results for the CLI and
    ``report.main``, so ``collapse proofs`` in a test does not check them again.
    """
    from proofs import report

    return report.check_all()


def pytest_collection_modifyitems(config, items):
    """Groups for ``pytest -n auto --dist loadgroup`` (the README's test command): one group per test
    file, so a file's module fixtures (figures, simulated runs) are built on one worker only, except
    that every file using :func:`proof_results` joins one ``proofs`` group, so the theorems are checked
    once per run, not once per worker.  Without pytest-xdist the marks do nothing.
    """
    files_with_proofs = {item.path for item in items if "proof_results" in getattr(item, "fixturenames", ())}
    for item in items:
        group = "proofs" if item.path in files_with_proofs else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(group))
