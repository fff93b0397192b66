"""The OpenAPI schema is valid OpenAPI 3.1, and schemathesis, generating requests from it
against the app in process, finds no server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate

from config.wsgi import application

EXPECTED_PATHS = {
    "/api/v1/levels": {"get"},
    "/api/v1/topics": {"get"},
    "/api/v1/questions": {"get", "post"},
    "/api/v1/questions/{pk}": {"get", "patch"},
    "/api/v1/candidates": {"get", "post"},
    "/api/v1/candidates/{pk}": {"get"},
    "/api/v1/candidates/{pk}/scorecards": {"get"},
    "/api/v1/loops": {"get", "post"},
    "/api/v1/loops/{pk}": {"get"},
    "/api/v1/loops/{pk}/decision": {"post"},
    "/api/v1/interviews": {"get"},
    "/api/v1/interviews/{pk}": {"get"},
    "/api/v1/scorecards": {"get"},
    "/api/v1/scorecards/{pk}": {"get"},
    "/api/v1/measures/agreement": {"get"},
    "/api/v1/measures/calibration": {"get"},
    "/api/v1/measures/questions": {"get"},
}


def test_the_schema_is_valid_openapi_3_1(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)  # raises on any violation of the OpenAPI specification
    assert schema["openapi"].startswith("3.1")
    assert {path: set(ops) for path, ops in schema["paths"].items()} == EXPECTED_PATHS
    assert schema["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}


def test_no_server_error_for_any_generated_request(world, tokens):
    """Every operation, with bounded examples (15 each, derandomized: the same run every
    time), as the manager and as the curator: no 5xx, and every error a problem."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 21
    calls = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            for role in ("manager", "curator"):
                response = case.call(headers={"Authorization": f"Bearer {tokens[role]}"})
                calls.append(response.status_code)
                assert response.status_code < 500, (
                    case.method,
                    case.formatted_path,
                    response.status_code,
                )
                if response.status_code >= 400:
                    assert response.headers.get("content-type") == ["application/problem+json"], (
                        case.method,
                        case.formatted_path,
                        response.status_code,
                        response.headers,
                    )

        run()
    assert len(calls) > 200


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly sends request_started/finished, whose handler closes a
    connection inside a transaction (the test's, on PostgreSQL): held off, as Django's test
    client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
