"""The config tests' ``write`` fixture, for the menu configuration tests."""

from tests.config.conftest import write

__all__ = ["write"]
