"""Shared fixtures for the test suite."""

from __future__ import annotations

import importlib
import os

import pytest


def _optional_module(name: str):
    """Import an optional test reference; skip without it, except on CI, where it must exist."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(
                f"{name} is required on CI (`make test` installs it) but is not importable."
            )
        pytest.skip(f"{name} is not installed (install the [frameworks] extra to run this test).")


@pytest.fixture(scope="session")
def torch():
    """PyTorch, as an independent reference implementation (CPU, float64)."""
    module = _optional_module("torch")
    module.set_default_dtype(module.float64)
    return module
