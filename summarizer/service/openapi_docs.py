"""The OpenAPI spec as generated clients need it, and ``/docs`` served offline.

FastAPI's generated spec is completed here, in one place, rather than in every route decorator:

* 200 bodies are the contract's models (``SummaryResult``, ``CitationReport``, the analysis view),
  with real examples (``openapi_examples``); text formats are strings with their own examples;
* each operation lists only the errors it can answer (``ROUTE_ERRORS``), all as ``ErrorBody``,
  instead of one blanket 401/404/413/422 list (and FastAPI's own 422 schema, which the API never
  sends); 401 and the ``bearerAuth`` scheme only when the server has API keys;
* ``/docs`` is Swagger UI from files in this package (``swagger_ui/``, pinned), no CDN: the page
  that may hold an API key loads nothing from another origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from ..citing import CitationReport
from ..contract.result import SummaryResult
from ..io.render import to_markdown
from ..io.render_text import to_text
from . import openapi_examples as ex
from .schemas import AnalysisView

SWAGGER_UI_DIR = Path(__file__).resolve().parent / "swagger_ui"
SWAGGER_UI_VERSION = "5.35.0"
ASSETS_PATH = "/docs-assets"

#: Every operation and the error statuses it can answer (nothing else is listed in the spec).
ROUTE_ERRORS: dict[tuple[str, str], tuple[int, ...]] = {
    ("post", "/v1/summaries"): (401, 413, 422, 429, 502, 503, 504),
    ("post", "/v1/jobs"): (401, 409, 413, 422, 429, 503, 507),
    ("get", "/v1/jobs"): (401, 422, 503),
    ("get", "/v1/jobs/{job_id}"): (401, 404, 503),
    ("delete", "/v1/jobs/{job_id}"): (401, 404, 503, 507),
    ("post", "/v1/jobs/{job_id}/cancel"): (401, 404, 429, 503, 507),
    ("post", "/v1/documents/extract"): (401, 413, 415, 422, 429),
    ("get", "/v1/jobs/{job_id}/result"): (401, 404, 409, 422, 503),
    ("get", "/v1/jobs/{job_id}/events"): (401, 404, 503),
    ("get", "/v1/jobs/{job_id}/analysis"): (401, 404, 503),
    ("post", "/v1/analysis"): (401, 413, 422, 429),
    ("post", "/v1/citations"): (401, 413, 422, 429, 502, 503),
    ("get", "/v1/backends"): (401,),
    ("get", "/healthz"): (),
    ("get", "/readyz"): (503,),
    ("get", "/metrics"): (401,),
}
ERROR_DESCRIPTIONS = {
    401: "missing or invalid API key", 404: "no such job (or not the caller's)", 409: "conflict",
    413: "body, document count or document length over the limit", 415: "no text extractor for this file type",
    422: "invalid input; `error.field` names it",
    429: "too many jobs queued, or (with API keys) the key's rate or jobs-at-once limit; see Retry-After",
    502: "the backend failed (LLM error or unusable reply)",
    503: "LLM endpoint or job database unavailable", 504: "the run passed its deadline; the message says how far it got",
    507: "the job database's disk is (nearly) full",
}
#: 200 bodies the routes send as prepared bytes (so FastAPI cannot see their model).
RESPONSE_MODELS: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/v1/summaries"): SummaryResult, ("get", "/v1/jobs/{job_id}/result"): SummaryResult,
    ("post", "/v1/citations"): CitationReport, ("post", "/v1/analysis"): AnalysisView,
    ("get", "/v1/jobs/{job_id}/analysis"): AnalysisView,
}
_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_STATIC_DOCS = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>summarizer API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" type="image/png" href="{ASSETS_PATH[1:]}/favicon-32x32.png">
<link rel="stylesheet" href="{ASSETS_PATH[1:]}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS_PATH[1:]}/swagger-ui-bundle.js"></script>
<script src="{ASSETS_PATH[1:]}/init.js"></script></body></html>
"""


def _add_model(schema: dict, model: type[BaseModel]) -> dict:
    """``model``'s schema (and the models it uses) into components; a reference to it."""
    body = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in {**body.pop("$defs", {}), model.__name__: body}.items():
        components.setdefault(name, definition)  # FastAPI's own copy (same model) wins
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _errors(op: dict, codes: tuple[int, ...], auth: bool) -> None:
    responses = op["responses"]
    keep = {str(c) for c in codes if c != 401 or auth}
    for status in [s for s in responses if s[0] in "45" and s not in keep]:
        del responses[status]
    for status in keep:
        declared = responses.get(status, {})
        responses[status] = {"description": declared.get("description") or ERROR_DESCRIPTIONS[int(status)],
                             "content": {"application/json": {"schema": _ERROR_REF}}}
    if "422" in responses:
        responses["422"]["content"]["application/json"]["example"] = ex.ERROR


def _success(schema: dict, key: tuple[str, str], op: dict) -> None:
    responses = op["responses"]
    if key in RESPONSE_MODELS:
        content = responses["200"].setdefault("content", {})
        content["application/json"] = {"schema": _add_model(schema, RESPONSE_MODELS[key])}
    if RESPONSE_MODELS.get(key) is SummaryResult:
        result = SummaryResult.model_validate(ex.RESULT)
        content = responses["200"]["content"]
        content["application/json"]["example"] = ex.RESULT
        content["text/markdown"] = {"schema": {"type": "string"}, "example": to_markdown(result)}
        content["text/plain"] = {"schema": {"type": "string"}, "example": to_text(result)}
    examples = {("post", "/v1/jobs"): ("202", ex.JOB_CREATED), ("get", "/v1/jobs"): ("200", ex.JOB_LIST),
                ("get", "/v1/jobs/{job_id}"): ("200", ex.JOB)}
    if key in examples:
        status, example = examples[key]
        responses[status]["content"]["application/json"]["example"] = example
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None and key in (("post", "/v1/summaries"), ("post", "/v1/jobs"), ("post", "/v1/analysis")):
        body["example"] = ex.REQUEST


def complete(schema: dict[str, Any], auth: bool) -> dict[str, Any]:
    """FastAPI's spec with models, examples, per-route errors and (with ``auth``) the bearer scheme."""
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            key = (method, path)
            _success(schema, key, op)
            if key in ROUTE_ERRORS:
                _errors(op, ROUTE_ERRORS[key], auth)
            if not auth:
                op.pop("security", None)
    components = schema.get("components", {})
    if not auth:
        components.pop("securitySchemes", None)
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422 body, never sent here
        components.get("schemas", {}).pop(unused, None)
    return schema


def install(app: FastAPI, auth: bool) -> None:
    """The completed spec at /openapi.json and Swagger UI at /docs, from local files."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(get_openapi(title=app.title, version=app.version,
                                                      description=app.description, routes=app.routes), auth)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to customise it
    app.mount(ASSETS_PATH, StaticFiles(directory=SWAGGER_UI_DIR), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_STATIC_DOCS)


__all__ = ["ERROR_DESCRIPTIONS", "RESPONSE_MODELS", "ROUTE_ERRORS", "SWAGGER_UI_VERSION", "complete", "install"]
