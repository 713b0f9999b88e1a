"""The read API's OpenAPI document (/api/v1/openapi.json) against what the served API sends:
every route, its parameters, its answers' and refusals' schemas, its ETag."""

from __future__ import annotations

from typing import Any

import requests

from tests import test_api
from tests.test_api import ROUTES

served = test_api.served  # the fixture: demo data, the real app on a free port


def test_the_openapi_document_describes_every_route(served):
    document = served.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"] == "v1"
    for route in ROUTES[:6]:
        operation = document["paths"][route]["get"]
        assert "200" in operation["responses"], route
    parameters = {p["name"] for p in document["paths"]["/api/v1/values"]["get"]["parameters"]}
    assert {"region", "indicator", "from", "to", "as_of", "values", "page", "limit"} <= parameters
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert set(document["paths"]) == {*ROUTES[:6]}


def test_the_openapi_document_describes_the_answers_and_refusals_as_sent(served):
    sent = served.get("/api/v1/openapi.json")
    document = sent.json()
    schemas = document["components"]["schemas"]
    assert "Error" not in schemas and "PaginationMetadata" not in schemas
    error = {"$ref": "#/components/schemas/ApiError"}
    for route in ROUTES[:6]:
        responses = document["paths"][route]["get"]["responses"]
        assert {"400", "401", "404", "405", "default"} <= set(responses), route
        for status, response in responses.items():
            if "$ref" in response:  # a shared response of components/responses
                response = document["components"]["responses"][response["$ref"].split("/")[-1]]
            if status == "default" or int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == error, (route, status)
    # The bodies sent hold to the schemas documented: a refusal, and a page of every route.
    check = validator(document)
    for response in (served.get("/api/v1/nothing"), served.get("/api/v1/values?region=长春"),
                     served.get("/api/v1/values?limit=0"),
                     requests.post(served.url + "/api/v1/values", timeout=60)):
        assert response.status_code >= 400
        check("ApiError", response.json())
    for route, page in (("indicators", "IndicatorPage"), ("targets", "TargetPage"),
                        ("regions", "RegionPage"), ("values", "ValuePage"),
                        ("statuses", "StatusPage"), ("statuses?method=opensdg", "StatusPage")):
        joined = "&" if "?" in route else "?"
        check(page, served.get(f"/api/v1/{route}{joined}limit=1000").json())
    # The document itself has an ETag.
    again = served.get("/api/v1/openapi.json", headers={"If-None-Match": sent.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def validator(document: dict[str, Any]) -> Any:
    """check(name, body): body against components.schemas[name], OpenAPI 3.0's `nullable`
    read as JSON Schema's null type."""
    import jsonschema

    def plain(node: Any) -> Any:
        if isinstance(node, dict):
            node = {key: plain(value) for key, value in node.items()}
            if node.pop("nullable", False) and "type" in node:
                node["type"] = [node["type"], "null"]
            return node
        return [plain(item) for item in node] if isinstance(node, list) else node

    components = plain(document["components"])

    def check(name: str, body: Any) -> None:
        jsonschema.validate(body, {"$ref": f"#/components/schemas/{name}",
                                   "components": components})

    return check
