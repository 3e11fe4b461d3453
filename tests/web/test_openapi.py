"""The OpenAPI document tells the truth about the REST API's routes."""

from __future__ import annotations

from openapi_spec_validator import validate

from ccctl.web.api import ROUTES
from ccctl.web.openapi import OPERATIONS, document


def test_given_the_api_routes_then_each_is_documented_and_nothing_else_is() -> None:
    routes = {(method, path) for method, path, _ in ROUTES}
    assert routes == set(OPERATIONS)


def test_given_the_document_then_it_is_valid_openapi_3_1() -> None:
    validate(document())  # raises with the offending path when it is not
