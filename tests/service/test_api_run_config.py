"""Per-run options reach the endpoint as asked, through a real server (issue 12, bug 2)."""

from __future__ import annotations

import json

from summarizer.testing.fake_openai import FakeOpenAIServer


def echo_first_passage(body: dict) -> str:
    """A model that copies passage [1]: enough for a valid summary, and it records the request."""
    prompt = body["messages"][-1]["content"]
    first = next((line for line in prompt.splitlines() if line.startswith("[1] ")), "[1] x")[4:]
    if "pair" in json.dumps(body.get("response_format", {})):
        return json.dumps({"conflicts": []})
    return json.dumps({"sentences": [{"text": first, "cites": [1]}]})


def test_rest_request_temperature_is_sent_upstream(make_server, seed_docs):
    seen: list[dict] = []

    def handler(body: dict) -> str:
        seen.append({"temperature": body.get("temperature"), "model": body.get("model")})
        return echo_first_passage(body)

    with FakeOpenAIServer(handler) as upstream:
        srv = make_server(SUMMARIZER_BASE_URL=upstream.base_url, SUMMARIZER_MODEL="served-model",
                          SUMMARIZER_BACKEND="openai", SUMMARIZER_TEMPERATURE="0.0",
                          SUMMARIZER_NO_CACHE="1").start()
        with srv.client() as client:
            for temperature in (0.9, 0.3):
                body = {"documents": seed_docs[:2],
                        "options": {"temperature": temperature, "find_conflicts": False}}
                resp = client.post("/v1/summaries", json=body)
                assert resp.status_code == 200, resp.text
                sent = {s["temperature"] for s in seen}
                assert sent == {temperature}, f"asked for {temperature}, the endpoint got {sent}"
                seen.clear()
