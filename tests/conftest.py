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
