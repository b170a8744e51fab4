"""The embedded server: one per machine at a time, because two on the same cores crawl."""

from __future__ import annotations

import os
import signal
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


ASK_AND_WAIT = """
import threading, time, urllib.request, json
from pipeline.llm.embedded import EmbeddedServer
server = EmbeddedServer("qwen2.5-coder-0.5b", threads=2, n_ctx=2048)
url = server.start()
body = json.dumps({"model": "qwen2.5-coder-0.5b", "max_tokens": 4000, "temperature": 1.0,
                   "messages": [{"role": "user", "content": "Count from one to ten thousand in words."}]}).encode()
request = urllib.request.Request(url + "/chat/completions", body, {"Content-Type": "application/json"})
threading.Thread(target=lambda: urllib.request.urlopen(request, timeout=600), daemon=True).start()
time.sleep(2)
print(server.process.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead, only not yet reaped
        return stat.read().split(") ")[1][:1] != "Z"


def test_the_server_dies_with_the_run_that_started_it_even_mid_answer():
    run = subprocess.Popen([sys.executable, "-c", ASK_AND_WAIT], stdout=subprocess.PIPE, text=True)
    server_pid = int(run.stdout.readline())
    assert _alive(server_pid)  # answering a long request
    run.send_signal(signal.SIGKILL)  # the run is killed: no finally, no atexit
    run.wait()
    deadline = time.monotonic() + 5
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(server_pid)  # not finishing an answer nobody will read
