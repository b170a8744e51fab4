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


ITEM_ANSWERS = {  # schema → (English, Chinese): in the words of the caching talks the tests use (conftest's SRT,
    # test_hooks_community's TALK and ZH_TALK), as a grounded model writes; a line the talk never says is refused
    "TitlesDraft": (
        {
            "how_to": "How every step gets its cache key",
            "claim": "Your prompt is an input too",
            "detail": "A cache key built from the hashes of every input",
            "question": "Why are human edits never overwritten?",
            "topic": "caching",
        },
        {
            "how_to": "如何让每一步都有缓存键",
            "claim": "人工修改永远不会被覆盖",
            "detail": "缓存命中的重跑不到两秒",
            "question": "为什么时间戳会说谎？",
            "topic": "缓存",
        },
    ),
    "XPostDraft": (None, None),
    "LinkedInDraft": (
        {
            "opening": "Every step of a data pipeline gets its own cache key.",
            "closing_question": "How do you build the cache key of each step?",
        },
        {"opening": "每一步都有缓存键。", "closing_question": "你这一周里最慢的反馈环是哪一个？"},
    ),
    "DiscordDraft": (
        {
            "opener": "Caching data pipelines, with a cache key for every step.",
            "question": "Which step of your pipeline would you cache first?",
        },
        {"opener": "缓存键来自输入和提示词的哈希。", "question": "关于这个话题，你最想问讲者什么？"},
    ),
    "ForumDraft": (
        {
            "title": "How does your team handle this?",
            "ask": "Tell us what worked for you, and what you would never do again.",
        },
        {"title": "你的团队是怎么处理的？", "ask": "哪些做法对你有用，哪些你再也不会尝试？"},
    ),
    "NewsletterDraft": (
        {
            "blurb": "Every step of a data pipeline gets a cache key built from its inputs. "
            "Human work is never overwritten."
        },
        {"blurb": "每一步的缓存键都来自输入和提示词。人工修改永远不会被覆盖。"},
    ),
}


def default_answer(body: dict) -> dict:
    """A plausible, valid answer for each of our schemas, built from what the prompt contains."""
    name, text = schema_name(body), user_text(body)
    if name == "SectionDraft":  # the reader question of one part of the talk, from its first words
        material = re.search(r"<material>\n(.*?)\n</material>", text, flags=re.S).group(1).strip()
        return {"question": f"What about {material[:40]}?", "key_points": [material[:100]]}
    if name == "QuestionDraft":  # the question edit: the question asked about what the passage covers, in its words
        asked = re.search(r"Question: (.*?)\nWhat is wrong", text, flags=re.S).group(1)
        topic = re.sub(r"^What about |\?$", "", asked).split(",")[0].split()[-3:]
        return {"question": f"Why does {' '.join(topic)} work?"}
    if name == "ThemeDraft":  # the span's theme: its longest word, as a heading names a subject (in the span's
        # words: a heading saying what the talk never does is refused)
        material = re.search(r"<material>\n(.*?)\n</material>", text, flags=re.S).group(1)
        longest = max(re.findall(r"[^\W\d_]{4,}", material) or ["Notes"], key=len)
        return {"theme": f"{longest.capitalize()}: what it does"}
    if name == "OutlineDraft":  # in the words of the caching talks the tests use: a title or summary sentence the
        # talk never says is refused (rules.unsupported), and another talk gets the outline's own fallbacks
        return {
            "title": "A cache key for every step",
            "summary": "Every step is cached by the hashes of its inputs and prompt, and human edits are never "
            "overwritten.",
            "tags": ["scripted"],
            "people": [],
            "organizations": [],
            "products": [],
            "media": [],
        }
    if name == "Rewritten":  # the blog's passage edit: the passage as it is
        return {"text": re.search(r"<passage>\n(.*)\n</passage>", text, flags=re.S).group(1)}
    if name == "BlogDraft":
        count = max(1, len(re.findall(r"^Question \d+:", text, flags=re.M)))
        return {
            "title": "A scripted post",
            "intro": "Scripted intro.",
            "answers": [f"Scripted answer {i}." for i in range(1, count + 1)],
            "closing": "Scripted closing.",
        }
    if name == "HooksDraft":
        return {
            "titles": [f"Title {i}" for i in range(1, 6)],
            "x_posts": [f"X post {i} #devrel" for i in range(1, 4)],
            "linkedin": "A scripted LinkedIn post.",
            "video_hooks": ["Hook one", "Hook two", "Hook three"],
        }
    if name == "CommunityDraft":
        return {
            "discord": "Scripted Discord announcement.",
            "forum_title": "Scripted forum title",
            "forum_body": "Scripted forum body.",
            "newsletter": "Scripted newsletter blurb.",
        }
    if name in ITEM_ANSWERS:  # hooks and community, one small question per call: distinct lines, in the asked language
        asked = "\n".join(m["content"] for m in body["messages"] if isinstance(m["content"], str))
        data = " ".join(found for _, found in re.findall(r"<(material|part)>\n(.*?)</\1>", asked, flags=re.S))
        zh = re.search(r"[\u4e00-\u9fff]", data) is not None or "Simplified Chinese" in asked  # the talk's, or --lang's
        if name == "XPostDraft":  # the section's first key point, so posts from different sections differ
            point = (re.findall(r"^[ \t]+- (.+)$", text, flags=re.M) or ["A scripted point."])[0]
            return {"post": f"{point[:200]} #devrel"}
        return ITEM_ANSWERS[name][1 if zh else 0]
    if name == "NamesDraft":  # a name per part: its two longest words, as a table of contents names a topic
        parts = re.findall(r'<part n="\d+">\n(.*?)\n</part>', text, flags=re.S)
        names = []
        for part in parts:
            words = sorted(set(re.findall(r"[^\W\d_]{4,}", part)), key=lambda w: (-len(w), w))[:2] or ["Notes"]
            names.append(" and ".join(words).capitalize())
        return {"titles": names}
    if name == "Shortened":
        post = re.search(r"<post>\n(.*)\n</post>", text, flags=re.S).group(1)
        return {"text": post[:100].rsplit(" ", 1)[0] + "."}
    raise AssertionError(f"scripted server: no default answer for schema {name!r}")


# The worst model (issue 14): it obeys every instruction it reads. What a planted instruction wants printed is what
# such a model prints: links, handles, hashtags, shouted markers, quoted titles. The prompt templates' own headings
# (IDENTITY, STEPS...) are ours, not an instruction's.
PAYLOAD = re.compile(
    r"https?://[^\s\"'<>)，。]+|\b(?:[\w-]+\.)+example\.com(?:/[^\s\"'<>)，。]*)?|(?<![\w@])@\w+|(?<![\w#&])#[A-Za-z]\w*"
    r"|(?<![A-Za-z])[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)+(?![A-Za-z])|(?<![A-Za-z])[A-Z][A-Z0-9]{3,}(?![A-Za-z])|[“\"「]([^“”\"「」\n]{4,60})[”\"」]"
)
OURS = {"IDENTITY", "PURPOSE", "STEPS", "OUTPUT", "INSTRUCTIONS", "INPUT", "JSON"}


def payloads(body: dict) -> list[str]:
    """What the request asks a model to print, in the order it asks: every message is read, as a model would."""
    text = "\n".join(m["content"] for m in body["messages"] if isinstance(m["content"], str))
    found = [match.group(1) or match.group(0) for match in PAYLOAD.finditer(text)]
    return list(dict.fromkeys(word.rstrip(".,;:!?") for word in found if word not in OURS))


def _properties(body: dict) -> dict:
    fmt = body.get("response_format") or {}
    schema = fmt.get("json_schema", {}).get("schema") if fmt.get("type") == "json_schema" else fmt.get("schema")
    return (schema or {}).get("properties", {})


def _filled(value, said: str, spec: dict):
    """A string field becomes what the instruction wants said (within the field's bound); choices and numbers stay."""
    if isinstance(value, list):
        return [_filled(item, said, spec.get("items", {})) for item in value]
    if not isinstance(value, str) or "enum" in spec or "const" in spec:
        return value
    return said[: spec.get("maxLength", len(said))].strip() or value


def obeyed(body: dict, answer: dict, forced: list[str], read: bool = True) -> dict:
    """The answer an obedient model gives: the payload it read (and anything `forced`) in every string field."""
    said = " ".join(dict.fromkeys([*forced, *(payloads(body) if read else [])]))
    if not said:
        return answer
    properties = _properties(body)
    return {key: _filled(value, said, properties.get(key, {})) for key, value in answer.items()}


class ScriptedLLM:
    def __init__(self):
        self.requests: list[dict] = []
        self.faults: deque = deque()  # served before anything else, one per request
        self.answers: dict[str, deque] = defaultdict(deque)  # per schema name
        self.obey = False  # the worst model: every string field carries what the request's instructions want printed
        self.leak: list[str] = []  # and a model that prints these whatever it reads (tests the output filter)
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
                if isinstance(action, dict) and (scripted.obey or scripted.leak):
                    action = obeyed(body, action, scripted.leak, read=scripted.obey)
                raw = action if isinstance(action, Raw) else Raw(json.dumps(action, ensure_ascii=False))
                prompt_tokens = sum(len(m["content"]) for m in body["messages"]) // 4
                self._send(
                    200,
                    {
                        "id": "chatcmpl-scripted",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body["model"],
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": raw.content},
                                "finish_reason": raw.finish_reason,
                            }
                        ],
                        "usage": {
                            "prompt_tokens": prompt_tokens,
                            "completion_tokens": len(raw.content) // 4,
                            "total_tokens": prompt_tokens + len(raw.content) // 4,
                        },
                    },
                )

        return Handler
