from __future__ import annotations

import pytest

from steward.demo.generator import DemoData, generate


@pytest.fixture(scope="session")
def demo_data() -> DemoData:
    """The demo data set, generated once per test run (it is immutable)."""
    return generate()
