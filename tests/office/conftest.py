"""Fixtures of the office tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from office.services import Services
from tests.office.review_builders import make_services


@pytest.fixture
def services(tmp_path: Path) -> Services:
    """Services on a SQLite file and a local object store under the test's folder."""
    return make_services(tmp_path / "data")
