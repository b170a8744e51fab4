"""The embedded server: one per machine at a time, because two on the same cores crawl."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

HOLD = """
import time
from filelock import FileLock
from pipeline.llm.models import cache_dir
lock = FileLock(str(cache_dir() / "embedded-llm.lock"))
lock.acquire()
print("held", flush=True)
time.sleep(3)
"""


def test_a_second_embedded_server_waits_for_the_first(capfd):
    from pipeline.llm.embedded import EmbeddedServer

    holder = subprocess.Popen([sys.executable, "-c", HOLD], stdout=subprocess.PIPE, text=True)  # another run
    assert holder.stdout.readline().strip() == "held"
    server = EmbeddedServer("qwen2.5-coder-0.5b", threads=2, n_ctx=2048)
    started = time.monotonic()
    try:
        url = server.start()
        waited = time.monotonic() - started
        with urllib.request.urlopen(f"{url}/models", timeout=5) as answer:
            assert b"qwen2.5-coder-0.5b" in answer.read()
    finally:
        server.stop()
        holder.wait()
    assert waited >= 2.0  # it started only once the other run let go of the cores
    assert "another devrel run is using the embedded model" in capfd.readouterr().err
    assert not server.machine_lock.is_locked  # and let go in turn
