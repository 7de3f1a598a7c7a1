"""LangChain's map_reduce summarize chain as the peer of benchmarks/llm_pipeline.py (run by hand).

Used when ``langchain-classic`` and ``langchain-openai`` are installed (they are not dependencies
of the project): ``pip install langchain-classic langchain-openai``. The chain runs in async mode
with ``max_concurrency`` set to the same limit as ours, against its own fake endpoint with the same
latency; its replies are plain text (two sentences copied from the prompt), as a chat model's are.
Prompt tokens are counted on the server side for both pipelines, with the same tokenizer.
"""

from __future__ import annotations

import re
import time
from typing import Optional

from summarizer.chat.budget import prompt_tokens
from summarizer.contract.documents import Document
from summarizer.prepare.tokens import load_encoding
from endpoint_process import EndpointProcess

_SENTENCE = re.compile(r"[A-Z][^.!?\n]{20,200}[.!?]")


def available() -> bool:
    try:
        import langchain_classic  # noqa: F401  (only whether it imports)
        import langchain_openai  # noqa: F401
    except ImportError:
        return False
    return True


def plain_reply(body: dict) -> str:
    """Two sentences of the prompt's text: a summary-sized reply."""
    return " ".join(_SENTENCE.findall(body["messages"][-1]["content"])[:2]) or "Nothing to summarize."


def served_prompt_tokens(server: EndpointProcess, with_schema: bool) -> int:
    """Prompt tokens of every chat request the server received (the response schema included
    when ``with_schema``: an endpoint that pastes it into the prompt bills it)."""
    total = 0
    for body in server.requests:
        schema = (body.get("response_format") or {}).get("json_schema", {}).get("schema") if with_schema else None
        total += prompt_tokens(body["messages"], schema)
    return total


async def run(docs: list[Document], latency: float, concurrency: int) -> Optional[dict]:
    """Calls, prompt tokens, wall time and peak requests in flight of LangChain's map_reduce."""
    if not available():
        return None
    from langchain_classic.chains.summarize import load_summarize_chain
    from langchain_core.documents import Document as LCDocument
    from langchain_openai import ChatOpenAI

    with EndpointProcess(plain_reply, latency) as server:
        # Its own token counting would download cl100k_base; the bundled copy is the same encoding.
        llm = ChatOpenAI(base_url=server.base_url, api_key="unused", model="fake", max_retries=0,
                         custom_get_token_ids=load_encoding("cl100k_base").encode)
        chain = load_summarize_chain(llm, chain_type="map_reduce")
        t0 = time.perf_counter()
        await chain.ainvoke({"input_documents": [LCDocument(page_content=d.text) for d in docs]},
                            config={"max_concurrency": concurrency})
        wall = time.perf_counter() - t0
    return {"calls": server.calls, "prompt_tokens": served_prompt_tokens(server, False),
            "wall_s": wall, "max_in_flight": server.max_in_flight}
