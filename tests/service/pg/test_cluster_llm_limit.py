"""One LLM concurrency limit per endpoint across all workers (advisory-lock slots in PostgreSQL)."""

from __future__ import annotations

import re

from summarizer.testing.fake_openai import FakeOpenAIServer
from tests.service.api_helpers import wait_status

LINE_RE = re.compile(r"^\[(\d+)\] (?:\((?:S\d+(?:, )?)+\) )?(.*)$", re.M)


def citing_handler(body: dict) -> dict:
    """A valid reply to every pipeline prompt: the first two numbered passages, cited."""
    if "pairs of sentences" in body["messages"][0]["content"]:
        return {"conflicts": []}
    lines = LINE_RE.findall(body["messages"][-1]["content"])
    return {"sentences": [{"text": t, "cites": [int(n)]} for n, t in lines[:2]]}


def test_three_workers_share_one_limit_of_four_at_the_endpoint(cluster, seed_docs):
    with FakeOpenAIServer(citing_handler, latency=0.3) as llm:
        env = {"SUMMARIZER_BASE_URL": llm.base_url, "SUMMARIZER_MODEL": "fake", "SUMMARIZER_BACKEND": "openai",
               "SUMMARIZER_MAX_CONCURRENCY": "4"}
        api = cluster.api(**env)
        for _ in range(3):
            cluster.worker(concurrency=2, **env)
        with api.client() as c:
            ids = [c.post("/v1/jobs", json={"documents": seed_docs}).json()["id"] for _ in range(6)]
            final = [wait_status(c, job_id, {"succeeded", "failed"}, timeout=120) for job_id in ids]
        assert [j["status"] for j in final] == ["succeeded"] * 6, final
        # 3 workers x 2 jobs x 2 map calls (the 5 seeds packed) want 12 calls at once; the
        # endpoint saw at most 4 ...
        assert llm.max_in_flight <= 4, llm.max_in_flight
        # ... and the limit was reached, so it is the shared limit that held them back.
        assert llm.max_in_flight == 4
        assert llm.calls >= 6 * 3  # each job: its map calls, a reduce, a conflicts check
