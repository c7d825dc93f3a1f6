"""`python tests/llm/serve_llama.py ARGS`: llama-cpp-python's server (`python -m llama_cpp.server
ARGS`), without llama.cpp's extra weight buffer types.

On CPUs with AMX (this machine's, and CI's), llama.cpp repacks weights into AMX buffers and
SmolLM2's first reply then crashes the process (a segmentation fault in libggml-cpu). The Python
wrapper has no option for it, so the default model parameters are changed before the server
loads the model. Used by tests/llm/server.py and bench/language_model.py.
"""

from __future__ import annotations

import runpy
from typing import Any

import llama_cpp
import llama_cpp.llama_cpp as bindings

_default_params = bindings.llama_model_default_params


def _without_extra_buffers() -> Any:
    params = _default_params()
    params.use_extra_bufts = False
    return params


if __name__ == "__main__":
    bindings.llama_model_default_params = _without_extra_buffers
    llama_cpp.llama_model_default_params = _without_extra_buffers
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)
