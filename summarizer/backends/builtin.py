"""Registers the backends that ship with the package."""

from __future__ import annotations

from .base import register
from .extractive import ExtractiveBackend

register("extractive", lambda settings, options: ExtractiveBackend())


def _llm_factory(name: str):
    def factory(settings, options):
        from .llm.backend import LLMBackend  # imported lazily: the extractive path needs none of it

        return LLMBackend(backend_name=name, settings=settings, options=options)

    return factory


register("openai", _llm_factory("openai"))
register("local", _llm_factory("local"))
