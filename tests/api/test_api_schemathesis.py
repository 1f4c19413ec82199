"""Property-based run of the OpenAPI document (schemathesis): no request may produce a server error."""

from __future__ import annotations

import warnings
from typing import Any

import schemathesis
from apifixtures import World
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

# Each operation is called as a role that may use it, so the handlers (not only the guards) get fuzzed.
ROLE_FOR = {"/api/users": "admin", "/api/audit": "admin", "/api/registry": "registrar"}


def _fuzz(operation: Any, headers: dict[str, str]) -> None:
    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        if case.path_parameters and "patient_id" in case.path_parameters:
            case.path_parameters["patient_id"] = "p-a1"  # a patient the caller may see: fuzz the handler
        response = case.call(headers={**headers, **(case.headers or {})})
        assert response.status_code < 500, (case.method, case.path, response.status_code, response.text)
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}

    run()


def test_no_server_errors(app: FastAPI, world: World) -> None:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        role = ROLE_FOR.get(operation.path, "clinician_a")
        _fuzz(operation, world.headers[role])
