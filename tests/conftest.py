"""Hypothesis profiles: CI replays the same examples on every run, so a failure reproduces.
And in CI, a skipped test against PyTorch is a failure."""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# CI installs PyTorch and sets MICROGRAD_REQUIRE_TORCH=1: there, a test marked `torch` that
# was skipped (torch missing or broken) fails instead, so the checks against PyTorch cannot
# quietly stop running.
REQUIRE_TORCH = os.environ.get("MICROGRAD_REQUIRE_TORCH") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    if REQUIRE_TORCH and report.skipped and item.get_closest_marker("torch") is not None:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"MICROGRAD_REQUIRE_TORCH=1, but this test against PyTorch was skipped: {reason}. "
            "Install PyTorch with pip install -e '.[torch]'."
        )
    return report
