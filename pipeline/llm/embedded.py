"""The embedded default LLM: llama-cpp-python's OpenAI-compatible server on 127.0.0.1, serving a shipped GGUF.

Started on the first model call of a run and stopped when the run ends, so the rest of the code talks to it exactly
as it talks to OpenAI, Ollama or vLLM. One embedded server runs on a machine at a time: two of them share the cores
so badly (measured: below 1 token/s each on 2 cores) that a second run waits for the first instead.
"""

from __future__ import annotations

import atexit
import ctypes
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from pipeline.errors import SetupError
from pipeline.llm.models import LLM_MODELS, cache_dir, model_path

START_TIMEOUT = 180.0


def _no_wait(what: str) -> AbstractContextManager:
    return nullcontext()


def _die_with_parent() -> None:
    """Linux: the server is killed when the run that started it dies, even by SIGKILL (no orphaned model). SIGKILL,
    not SIGTERM: on SIGTERM the server finishes the generation in flight for a client that is gone, holding both
    cores while the next run's server starts."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class EmbeddedServer:
    def __init__(self, model: str, threads: int, n_ctx: int):
        if model not in LLM_MODELS:
            raise SetupError(
                f"no OpenAI endpoint is configured and {model!r} is not a shipped model ({', '.join(LLM_MODELS)}); "
                "set OPENAI_BASE_URL/OPENAI_API_KEY or pick a shipped model"
            )
        self.model, self.threads, self.n_ctx = model, threads, n_ctx
        self.process: subprocess.Popen | None = None
        self.log_path = cache_dir() / "logs" / "llama-server.log"  # named per port at start: runs may overlap
        self.machine_lock = FileLock(str(cache_dir() / "embedded-llm.lock"))  # released by the OS if we die

    def _take_the_cores(self, waiting: Callable[[str], AbstractContextManager]) -> None:
        try:
            self.machine_lock.acquire(timeout=0)
        except Timeout:
            print(
                "waiting: another devrel run is using the embedded model on this machine (its cores are shared)",
                file=sys.stderr,
                flush=True,
            )
            with waiting("waiting for the other run's embedded model"):
                self.machine_lock.acquire()

    def start(self, waiting: Callable[[str], AbstractContextManager] = _no_wait) -> str:
        """Start the server and wait until it answers; returns its base URL. `waiting` shows each long wait."""
        try:
            import llama_cpp  # noqa: F401
        except ImportError:
            raise SetupError(
                "no endpoint is configured and llama-cpp-python (the embedded model's server) is not installed; "
                "set OPENAI_BASE_URL, or run `make setup`, or pip install 'devrel-pipeline[local]' with the CMAKE_ARGS "
                "in docs/models-and-setup.md"
            ) from None
        gguf = model_path(self.model, waiting)
        cache_dir().mkdir(parents=True, exist_ok=True)
        self._take_the_cores(waiting)
        with waiting(f"starting the embedded model {self.model}"):
            return self._serve(gguf)

    def _serve(self, gguf: Path) -> str:
        port = free_port()
        self.log_path = self.log_path.with_name(f"llama-server-{port}.log")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        server_log = self.log_path.open("wb")
        command = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--model_alias",
            self.model,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            str(self.threads),
            "--n_threads_batch",
            str(self.threads),
        ]
        self.process = subprocess.Popen(
            command, stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        atexit.register(self.stop)
        base_url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                problem = f"the embedded LLM server exited at start ({self._last_log_line()}); see {self.log_path}"
                self.stop()
                raise SetupError(problem)
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                    return base_url
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SetupError(f"the embedded LLM server did not start within {START_TIMEOUT:.0f}s; see {self.log_path}")

    def _last_log_line(self) -> str:
        lines = [line for line in Path(self.log_path).read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1][:200] if lines else "no output"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.returncode in (0, -15):
            self.log_path.unlink(missing_ok=True)  # a clean run's log is noise; a crash's log is kept for diagnosis
        self.process = None
        if self.machine_lock.is_locked:
            self.machine_lock.release()
