"""The API's reference page (/api/v1/docs/): every operation, its parameters and answers, as plain
HTML read from the OpenAPI description, so it never disagrees with the API and needs no
JavaScript. Swagger UI (/api/v1/explorer/) is there to try requests.

In English only, like the description itself (a developer's page; the JSON carries both languages).
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.utils import translation

from .views import api


@dataclass
class Parameter:
    name: str
    where: str
    kind: str
    values: list
    description: str
    required: bool


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    parameters: list
    responses: list  # [(status, what)]


def _kind(schema):
    """('list of text', [allowed values]) of a parameter's JSON schema, nulls aside."""
    options = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    schema = options[0] if options else schema
    if schema.get("type") == "array":
        kind, values = _kind(schema["items"])
        return f"list of {kind} (repeat the parameter)", values
    values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
    kind = {"string": "text", "integer": "whole number", "boolean": "yes/no (1 or 0)"}.get(
        schema.get("type"), schema.get("type", "text")
    )
    if "minimum" in schema or "maximum" in schema:
        kind += f" from {schema.get('minimum', '…')} to {schema.get('maximum', '…')}"
    return kind, values


def operations(description):
    result = []
    for path, methods in description["paths"].items():
        for method, operation in methods.items():
            parameters = []
            for parameter in operation.get("parameters", []):
                kind, values = _kind(parameter["schema"])
                parameters.append(
                    Parameter(
                        parameter["name"],
                        parameter["in"],
                        kind,
                        values,
                        parameter.get("description", ""),
                        parameter.get("required", False),
                    )
                )
            result.append(
                Operation(
                    operation["operationId"].removeprefix("api_views_"),
                    method.upper(),
                    path,
                    operation.get("summary", ""),
                    operation.get("description", ""),
                    parameters,
                    [(code, answer["description"]) for code, answer in operation["responses"].items()],
                )
            )
    return result


def docs(request):
    with translation.override("en"):
        description = api.get_openapi_schema(path_params={})
        return render(
            request,
            "api/reference.html",
            {"api": api, "operations": operations(description), "throttle": api.throttle[0].rate},
        )
