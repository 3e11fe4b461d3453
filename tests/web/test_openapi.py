"""The OpenAPI document tells the truth about the REST API's routes and who may call them."""

from __future__ import annotations

from pathlib import Path

from openapi_spec_validator import validate

from ccctl.web.api import ACCESS, ROUTES
from ccctl.web.auth import Access
from ccctl.web.openapi import OPERATIONS, document
from tests.web.harness import make_api, request


def test_given_the_api_routes_then_each_is_documented_and_nothing_else_is() -> None:
    routes = {(method, path) for method, path, _, _ in ROUTES}
    assert routes == set(OPERATIONS)


def test_given_the_document_then_it_is_valid_openapi_3_1() -> None:
    validate(document(ACCESS))  # raises with the offending path when it is not


def test_given_the_document_then_it_declares_the_bearer_scheme() -> None:
    doc = document(ACCESS)
    assert doc["components"]["securitySchemes"] == {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "Authorization: Bearer TOKEN (an API token)"}}
    assert doc["security"] == [{"bearer": []}]


def test_given_each_route_then_its_security_matches_the_guard() -> None:
    doc = document(ACCESS)
    for (method, path), access in ACCESS.items():
        operation = doc["paths"][path][method.lower()]
        if access is Access.OPEN:
            assert operation["security"] == [], path
            assert "401" not in operation["responses"], path
        else:
            assert operation["security"] == [{"bearer": []}], path
            assert {"401", "403", "429"} <= set(operation["responses"]), path
            assert "token" in operation["description"], path


def test_given_an_operation_missing_from_the_access_table_then_it_is_documented_as_admin(
) -> None:
    operation = document({})["paths"]["/health"]["get"]
    assert operation["security"] == [{"bearer": []}]
    assert operation["description"] == "An admin token."


def test_given_the_served_document_then_it_is_open_and_the_same(tmp_path: Path) -> None:
    status, body, _ = request(make_api(tmp_path), "GET", "/openapi.json")
    assert status == 200
    assert body == document(ACCESS)
