"""The fault server for the command's tests (the same fixture as tests/faults)."""

from tests.faults.conftest import fault_server, scenario

__all__ = ["fault_server", "scenario"]
