"""Family rules end to end: both classes leave out what the family rejects, and warn once."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

from akile_core import ParameterDroppedWarning, register_model_profile
from akile_core.profiles import clear_registered_profiles
from tests.faults.server import FaultServer
from tests.faults.test_faults import BLOCKING, Driver, ids


@pytest.mark.parametrize("driver", BLOCKING, ids=ids(BLOCKING))
def test_a_model_without_temperature_is_never_sent_one(
    driver: Driver, fault_server: FaultServer, scenario: Any
) -> None:
    model = scenario("ok")
    # The fault server's model, profiled as one that takes no sampling parameters (as models.dev
    # marks Claude Opus 4.7+): exactly the facts the rule reads.
    register_model_profile(model, temperature=False)
    try:
        llm = driver.model(fault_server, model, temperature=0.5)
        with pytest.warns(ParameterDroppedWarning, match="'temperature'"):
            assert driver.run(llm, "hi", []) == "echo: hi"
        with warnings.catch_warnings():
            warnings.simplefilter("error", ParameterDroppedWarning)
            driver.run(llm, "again", [])  # once per model and parameter
    finally:
        clear_registered_profiles()
    assert all("temperature" not in e.body for e in fault_server.attempts(model))
    assert len(fault_server.attempts(model)) == 2  # left out up front, not after a 400
