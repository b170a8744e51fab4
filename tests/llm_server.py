"""A scripted OpenAI-compatible server on 127.0.0.1: the one boundary the tests script.

It answers /v1/chat/completions from a script (queued answers per schema, or a default built from the prompt) and
injects faults (HTTP errors with headers, hangs, malformed JSON), so the real openai client, its retries and our
parsing all run. Every request is kept in `.requests` for assertions.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Fault:
    status: int
    headers: dict = field(default_factory=dict)
    body: dict = field(default_factory=lambda: {"error": {"message": "injected fault", "type": "server_error"}})


@dataclass
class Hang:
    seconds: float


@dataclass
class Raw:
    """Content sent as-is (e.g. malformed JSON), with an optional finish_reason."""

    content: str
    finish_reason: str = "stop"


def schema_name(body: dict) -> str:
    fmt = body.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return fmt["json_schema"]["name"]
    return (fmt.get("schema") or {}).get("title", "")


def user_text(body: dict) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "user" and isinstance(m["content"], str))


def default_answer(body: dict) -> dict:
    """A plausible, valid answer for each of our schemas, built from what the prompt contains."""
    name, text = schema_name(body), user_text(body)
    if name in ("OutlineDraft", "Notes"):
        lines = [(int(n), t) for n, t in re.findall(r"^\[(\d+)\] (.+)$", text, flags=re.M)][:3] or [(1, "the talk")]
        sections = [
            {"question": f"What does the speaker say about {t[:40]}?", "persona": "practitioner",
             "key_points": [t[:100]], "lines": [n]}
            for n, t in lines
        ]  # fmt: skip
        if name == "Notes":
            return {"questions": sections}
        return {"title": "Scripted outline", "summary": "A scripted summary of the talk.", "tags": ["scripted"],
                "people": [], "organizations": [], "products": [], "media": [], "sections": sections}  # fmt: skip
    if name == "BlogDraft":
        count = max(1, len(re.findall(r"^Question \d+:", text, flags=re.M)))
        return {"title": "A scripted post", "intro": "Scripted intro.", "answers": [f"Scripted answer {i}." for i in range(1, count + 1)],
                "closing": "Scripted closing."}  # fmt: skip
    if name == "HooksDraft":
        return {"titles": [f"Title {i}" for i in range(1, 6)], "x_posts": [f"X post {i} #devrel" for i in range(1, 4)],
                "linkedin": "A scripted LinkedIn post.", "video_hooks": ["Hook one", "Hook two", "Hook three"]}  # fmt: skip
    if name == "CommunityDraft":
        return {"discord": "Scripted Discord announcement.", "forum_title": "Scripted forum title",
                "forum_body": "Scripted forum body.", "newsletter": "Scripted newsletter blurb."}  # fmt: skip
    if name == "Shortened":
        post = re.search(r"<post>\n(.*)\n</post>", text, flags=re.S).group(1)
        return {"text": post[:100].rsplit(" ", 1)[0] + "."}
    raise AssertionError(f"scripted server: no default answer for schema {name!r}")


class ScriptedLLM:
    def __init__(self):
        self.requests: list[dict] = []
        self.faults: deque = deque()  # served before anything else, one per request
        self.answers: dict[str, deque] = defaultdict(deque)  # per schema name
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, schema: str, *answers) -> None:
        """Queue answers (dicts, Raw or faults) for requests asking for this schema."""
        self.answers[schema].extend(answers)

    def chat_requests(self, schema: str | None = None) -> list[dict]:
        return [r for r in self.requests if schema is None or schema_name(r) == schema]

    def start(self) -> "ScriptedLLM":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, body: dict):
        if self.faults:
            return self.faults.popleft()
        queue = self.answers.get(schema_name(body))
        return queue.popleft() if queue else default_answer(body)

    def _handler(self):
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, payload: dict, headers: dict | None = None):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._send(200, {"object": "list", "data": [{"id": "scripted", "object": "model"}]})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                scripted.requests.append(body)
                action = scripted._next(body)
                if isinstance(action, Hang):
                    time.sleep(action.seconds)
                    action = default_answer(body)
                if isinstance(action, Fault):
                    return self._send(action.status, action.body, action.headers)
                raw = action if isinstance(action, Raw) else Raw(json.dumps(action, ensure_ascii=False))
                prompt_tokens = sum(len(m["content"]) for m in body["messages"]) // 4
                self._send(200, {
                    "id": "chatcmpl-scripted", "object": "chat.completion", "created": 0, "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": raw.content},
                                 "finish_reason": raw.finish_reason}],
                    "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": len(raw.content) // 4,
                              "total_tokens": prompt_tokens + len(raw.content) // 4},
                })  # fmt: skip

        return Handler
