"""Greedy decoding under a grammar that checks one token, not the whole vocabulary.

Loaded by ``llama_launcher.py`` inside the local model server (by module name, so the child does
not import this package), and by tests from the package.

llama-cpp-python samples with the chain penalties -> grammar -> greedy. The grammar step tests
every token of the vocabulary (49,152 for SmolLM2) against the grammar's stacks on every
generated token: with a JSON schema that costs tens of milliseconds per token, more than the
model itself. llama.cpp's own server avoids it (``common_sampler_sample``): it picks the token
without the grammar, asks the grammar about that one token, and filters the whole vocabulary
only when the grammar rejects it. For greedy decoding that is the same token, always: the grammar
only removes candidates (sets their logit to -inf), so when the best candidate survives it is
still the best; when it does not, the full filter runs and the best survivor is picked as before.

``install()`` makes ``Llama`` use that order for greedy requests (temperature 0) with a grammar
and no logits processor; every other request keeps llama-cpp-python's own chain.
"""

from __future__ import annotations

import ctypes
from typing import Any, Optional

import numpy as np

import llama_cpp
from llama_cpp import llama as llama_module

TOKEN_DATA = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)], align=True)


class GrammarCheckedGreedy:
    """A sampler for ``Llama``: penalties, then greedy, then the grammar asked about one token."""

    def __init__(self, model: Any, grammar: Any, n_vocab: int, penalties: tuple) -> None:
        self.penalties = self.grammar = None  # what close() frees, whatever fails below
        self.n_vocab = n_vocab
        # The same call as llama-cpp-python's ``LlamaSampler.add_penalties`` (arguments included),
        # so the penalties are exactly the ones its own chain applies.
        self.penalties = llama_cpp.llama_sampler_init_penalties(n_vocab, *penalties)
        self.grammar = llama_cpp.llama_sampler_init_grammar(  # as ``LlamaSampler.add_grammar`` does
            model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8"))
        if not self.grammar:
            self.grammar = None
            self.close()
            raise ValueError("llama.cpp refused the grammar")
        self.candidates = np.zeros(n_vocab, dtype=TOKEN_DATA)
        self.candidates["id"] = np.arange(n_vocab, dtype=np.int32)
        self.one = llama_cpp.llama_token_data()

    def sample(self, ctx: Any, idx: int = -1) -> int:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx.ctx, idx), shape=(self.n_vocab,))
        self.candidates["logit"] = logits
        self.candidates["p"] = 0.0
        everything = self.token_array(self.candidates.ctypes.data, self.n_vocab)
        llama_cpp.llama_sampler_apply(self.penalties, ctypes.byref(everything))
        token = int(np.argmax(self.candidates["logit"]))
        if not self.grammar_allows(token):
            llama_cpp.llama_sampler_apply(self.grammar, ctypes.byref(everything))
            token = int(np.argmax(self.candidates["logit"]))
        self.accept(token)
        return token

    def grammar_allows(self, token: int) -> bool:
        self.one.id, self.one.logit, self.one.p = token, float(self.candidates["logit"][token]), 0.0
        single = self.token_array(ctypes.addressof(self.one), 1)
        llama_cpp.llama_sampler_apply(self.grammar, ctypes.byref(single))
        return bool(np.isfinite(self.one.logit))

    @staticmethod
    def token_array(address: int, size: int) -> Any:
        data = ctypes.cast(address, ctypes.POINTER(llama_cpp.llama_token_data))
        return llama_cpp.llama_token_data_array(data=data, size=size, selected=-1, sorted=False)

    def accept(self, token: int) -> None:
        llama_cpp.llama_sampler_accept(self.penalties, token)
        llama_cpp.llama_sampler_accept(self.grammar, token)

    def reset(self) -> None:
        llama_cpp.llama_sampler_reset(self.penalties)
        llama_cpp.llama_sampler_reset(self.grammar)

    def close(self) -> None:
        for sampler in (self.penalties, self.grammar):
            if sampler:
                llama_cpp.llama_sampler_free(sampler)
        self.penalties = self.grammar = None

    def __del__(self) -> None:
        self.close()


def grammar_checked(original: Any) -> Any:
    """Wrap ``Llama._init_sampler`` so greedy requests with a grammar get ``GrammarCheckedGreedy``."""

    def init_sampler(self: Any, *args: Any, temp: float = 0.80, repeat_penalty: float = 1.0,
                     frequency_penalty: float = 0.0, presence_penalty: float = 0.0,
                     logits_processor: Optional[Any] = None, grammar: Optional[Any] = None,
                     **kwargs: Any) -> Any:
        if grammar is not None and temp == 0.0 and logits_processor is None and not args:
            penalties = (self.last_n_tokens_size, repeat_penalty, frequency_penalty, presence_penalty)
            return GrammarCheckedGreedy(self._model, grammar, self._n_vocab, penalties)
        return original(self, *args, temp=temp, repeat_penalty=repeat_penalty,
                        frequency_penalty=frequency_penalty, presence_penalty=presence_penalty,
                        logits_processor=logits_processor, grammar=grammar, **kwargs)

    return init_sampler


def install() -> None:
    """Route greedy, grammar-constrained sampling of every ``Llama`` through the fast order."""
    llama_module.Llama._init_sampler = grammar_checked(llama_module.Llama._init_sampler)
