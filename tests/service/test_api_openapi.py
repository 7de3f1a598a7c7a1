"""The OpenAPI spec and /docs of a real server: contract models with true examples, the bearer
scheme, per-route errors, and Swagger UI served from the server itself (no other origin)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from summarizer.contract.result import SummaryResult
from summarizer.service.openapi_docs import ROUTE_ERRORS
from summarizer.service.openapi_examples import REQUEST, RESULT

DOCS_ASSETS = {"favicon-32x32.png": "image/png", "swagger-ui.css": "text/css",
               "swagger-ui-bundle.js": "text/javascript", "init.js": "text/javascript"}


def _operations(spec: dict):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield (method, path), op


def test_spec_describes_the_contract_and_the_bearer_scheme(make_server):
    srv = make_server(SUMMARIZER_API_KEYS="k1").start()
    with srv.client() as c:
        spec = c.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert set(schemas["SummaryResult"]["properties"]) == set(SummaryResult.model_fields)
    for key in (("post", "/v1/summaries"), ("get", "/v1/jobs/{job_id}/result")):
        ok = dict(_operations(spec))[key]["responses"]["200"]["content"]
        assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/SummaryResult"}
        assert ok["application/json"]["example"] == RESULT
        assert ok["text/markdown"]["schema"] == ok["text/plain"]["schema"] == {"type": "string"}
        assert "[1]" in ok["text/plain"]["example"]
    citations = dict(_operations(spec))[("post", "/v1/citations")]["responses"]["200"]["content"]
    assert citations["application/json"]["schema"] == {"$ref": "#/components/schemas/CitationReport"}
    listing = dict(_operations(spec))[("get", "/v1/jobs")]["responses"]["200"]["content"]["application/json"]
    assert listing["schema"] == {"$ref": "#/components/schemas/JobList"} and listing["example"]["data"]
    assert "HTTPValidationError" not in schemas
    for key, op in _operations(spec):
        assert key in ROUTE_ERRORS, f"{key} must declare its errors in openapi_docs.ROUTE_ERRORS"
        errors = sorted(int(s) for s in op["responses"] if s[0] in "45")
        assert errors == sorted(ROUTE_ERRORS[key]), key
        for status in errors:
            assert op["responses"][str(status)]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorBody"}, (key, status)
        assert (op.get("security") == [{"bearerAuth": []}]) == key[1].startswith("/v1/"), key


def test_without_keys_there_is_no_401_and_no_scheme(server):
    with server.client() as c:
        spec = c.get("/openapi.json").json()
    assert "securitySchemes" not in spec["components"]
    for key, op in _operations(spec):
        assert "401" not in op["responses"] and "security" not in op, key


def test_the_example_is_what_the_server_answers(server):
    with server.client() as c:
        got = c.post("/v1/summaries", json=REQUEST).json()
    texts = {d["id"]: d["text"] for d in REQUEST["documents"]}
    for field in ("sources", "per_source", "consolidated", "conflicts"):
        assert got[field] == RESULT[field], field
    for sentence in RESULT["consolidated"]:
        for cit in sentence["citations"]:
            assert texts[cit["source_id"]][cit["start"]:cit["end"]] == cit["text"]


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.inline_scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.refs += [attrs[a] for a in ("src", "href") if attrs.get(a)]
        self._in_script = tag == "script"

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        self._in_script = False


def test_docs_load_only_same_origin_assets(server):
    with server.client() as c:
        page = c.get("/docs")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        parser = _Refs()
        parser.feed(page.text)
        assert parser.inline_scripts == 0  # a strict Content-Security-Policy would allow the page
        assert sorted(ref.rsplit("/", 1)[-1] for ref in parser.refs) == sorted(DOCS_ASSETS)
        for ref in parser.refs:
            assert not re.match(r"^([a-z]+:)?//", ref), ref  # no scheme, no other host
            asset = c.get(str(page.url.join(ref)))
            assert asset.status_code == 200, ref
            assert asset.headers["content-type"].startswith(DOCS_ASSETS[ref.rsplit("/", 1)[-1]]), ref
        init = c.get("/docs-assets/init.js").text
        assert 'url: "openapi.json"' in init and "validatorUrl: null" in init
        assert c.get("/redoc").status_code == 404  # FastAPI's CDN-based pages are off
