"""One code path to any OpenAI-compatible endpoint (langchain-openai `ChatOpenAI`), with structured output.

Retries for 429/5xx/timeouts are the openai client's own (it honours Retry-After); we add no second layer. A
malformed structured answer is re-asked once with the validation error, then the stage fails with one clear line.
With no endpoint configured, the embedded model is served by llama-cpp-python's OpenAI-compatible server.
"""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Callable, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from pipeline.config import Settings
from pipeline.errors import StageError
from pipeline.llm.embedded import EmbeddedServer
from pipeline.llm.prompts import Prompt

M = TypeVar("M", bound=BaseModel)
EMBEDDED_CONTEXT = 8192
REMOTE_CONTEXT = 16384
MAX_GRAMMAR_STRING = 1000
log = logging.getLogger(__name__)


@dataclass
class CallRecord:
    """What one model call cost; summed per artifact into the manifest and per run into runs.jsonl."""

    prompt: str
    prompt_sha256: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    seconds: float = 0.0
    attempts: int = 0


@dataclass
class Usage:
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def tokens_in(self) -> int:
        return sum(call.tokens_in for call in self.calls)

    @property
    def tokens_out(self) -> int:
        return sum(call.tokens_out for call in self.calls)

    @property
    def llm_calls(self) -> int:
        return sum(call.attempts for call in self.calls)


def inline_refs(schema: dict) -> dict:
    """Replace $ref with the definitions they point to: grammar converters and small servers handle flat schemas
    best."""
    definitions = schema.get("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(copy.deepcopy(definitions[node["$ref"].rsplit("/", 1)[-1]]))
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


def check_bounded(schema: dict, path: str = "") -> None:
    """Every string needs a maxLength the embedded server can compile: llama.cpp refuses a grammar (and its server
    dies) when one repetition exceeds ~1000, and an unbounded string lets a small model run away."""
    if (
        schema.get("type") == "string"
        and "enum" not in schema
        and not 0 < schema.get("maxLength", 0) <= MAX_GRAMMAR_STRING
    ):
        raise ValueError(f"schema field {path or '/'} needs maxLength <= {MAX_GRAMMAR_STRING}")
    for key, value in schema.get("properties", {}).items():
        check_bounded(value, f"{path}/{key}")
    if isinstance(schema.get("items"), dict):
        check_bounded(schema["items"], f"{path}[]")


def _clean(value):
    """Small models leave stray code fences and whitespace in strings; the schema check comes after this."""
    if isinstance(value, str):
        return value.replace("```", "").strip()
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


def parse_structured(text: str, schema: type[M]) -> M:
    """Lenient JSON (raw newlines allowed, fences and chatter around it ignored), strict validation."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the answer")
    data = json.loads(text[start : end + 1], strict=False)
    return schema.model_validate(_clean(data))


def _short(error: Exception) -> str:
    if isinstance(error, ValidationError):
        problem = error.errors()[0]
        return f"{'.'.join(str(p) for p in problem['loc']) or 'answer'}: {problem['msg']}"
    return str(error).splitlines()[0][:200]


def one_message(system: str, user: str) -> str:
    """A prompt's own text as one user message, for a call whose system message (a brief) or first exchange (a
    follow-up) is shared with other calls."""
    return f"{system.rstrip()}\n\n{user}".rstrip()


class _Connection:
    """The chat client and, for the embedded model, its server: started lazily, once, shared by forks."""

    def __init__(self):
        self.lock = threading.Lock()
        self.chat = None
        self.server: EmbeddedServer | None = None


class LLM:
    """A chat model behind the OpenAI protocol; started lazily so a fully cached run never loads a model."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.usage = Usage()
        self._connection = _Connection()
        self.on_call: Callable[[str], None] = lambda prompt: None  # told each call's prompt name as it starts
        self.waiting: Callable[[str], AbstractContextManager] = lambda what: nullcontext()  # the server's start

    def fork(self) -> "LLM":
        """Same client and server, its own usage: concurrent runs in a batch each count their own calls."""
        twin = LLM(self.settings)
        twin._connection = self._connection
        return twin

    @property
    def name(self) -> str:
        return self.settings.llm_name

    @property
    def context_window(self) -> int:
        if self.settings.context_window:
            return self.settings.context_window
        return EMBEDDED_CONTEXT if self.settings.uses_embedded_llm else REMOTE_CONTEXT

    @property
    def structured_mode(self) -> str:
        if self.settings.structured_output != "auto":
            return self.settings.structured_output
        return "json_object" if self.settings.uses_embedded_llm else "json_schema"

    def describe(self) -> str:
        if self.settings.uses_embedded_llm:
            return f"embedded {self.name} (llama-cpp-python server on 127.0.0.1)"
        return f"{self.name} at {self.settings.base_url or 'https://api.openai.com/v1'}"

    def _client(self):
        connection = self._connection
        with connection.lock:
            if connection.chat is None:
                from langchain_openai import ChatOpenAI

                if self.settings.uses_embedded_llm:
                    connection.server = EmbeddedServer(
                        self.name, threads=self.settings.threads, n_ctx=self.context_window
                    )
                    base_url, api_key = connection.server.start(self.waiting), "embedded"
                else:
                    base_url, api_key = self.settings.base_url, self.settings.api_key or "not-needed"
                connection.chat = ChatOpenAI(
                    model=self.name,
                    base_url=base_url,
                    api_key=api_key,
                    timeout=self.settings.timeout,
                    max_retries=self.settings.max_retries,
                    temperature=self.settings.temperature,
                    seed=self.settings.seed,
                )
            return connection.chat

    def close(self) -> None:
        """Stop the embedded server (if this run started one); the next call would start it again."""
        connection = self._connection
        with connection.lock:
            if connection.server is not None:
                connection.server.stop()
            connection.server, connection.chat = None, None

    def _response_format(self, schema: type[BaseModel]) -> dict:
        flat = inline_refs(schema.model_json_schema())
        check_bounded(flat)
        if self.structured_mode == "json_object":
            return {"type": "json_object", "schema": flat}
        return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": flat, "strict": False}}

    def structured(self, prompt: Prompt, schema: type[M], max_tokens: int, brief: str = "", **variables: str) -> M:
        """Ask for one JSON object matching `schema`; re-ask once with the error if it does not validate.

        With a `brief` (what several calls share: a talk's sections, voice examples), the brief is the system message
        and the prompt's own text the user message: calls that begin alike let a local server reuse what it has
        already read (llama.cpp keeps the longest common prefix), so a short item costs its instructions only."""
        from langchain_core.messages import HumanMessage, SystemMessage

        system, user = prompt.render(**variables)
        if brief:
            system, user = brief, one_message(system, user)
        return self._answer(prompt, schema, max_tokens, [SystemMessage(system), HumanMessage(user)])[0]

    def conversation(self) -> Conversation:
        return Conversation(self)

    def _answer(self, prompt: Prompt, schema: type[M], max_tokens: int, messages: list) -> tuple[M, str]:
        """The parsed answer to `messages` and its text, re-asked once with the validation error."""
        from langchain_core.messages import AIMessage, HumanMessage

        record = CallRecord(prompt=prompt.name, prompt_sha256=prompt.sha256, model=self.name)
        self.usage.calls.append(record)
        response_format = self._response_format(schema)
        for attempt in (1, 2):
            self.on_call(prompt.name)
            started = time.monotonic()
            answer = self._invoke(messages, response_format, max_tokens, temperature=None if attempt == 1 else 0.7)
            record.attempts += 1
            record.seconds += time.monotonic() - started
            usage = answer.usage_metadata or {}
            record.tokens_in += usage.get("input_tokens", 0)
            record.tokens_out += usage.get("output_tokens", 0)
            log.debug(
                "%s: %d tokens in, %d out, %.1fs",
                prompt.name,
                usage.get("input_tokens", 0),
                usage.get("output_tokens", 0),
                time.monotonic() - started,
            )
            text = answer.content if isinstance(answer.content, str) else json.dumps(answer.content)
            try:
                if answer.response_metadata.get("finish_reason") == "length":
                    raise ValueError(f"the answer ran past {max_tokens} tokens (runaway output)")
                return parse_structured(text, schema), text
            except (ValueError, ValidationError) as error:
                problem = _short(error)
                if attempt == 2:
                    raise StageError(
                        f"{prompt.name}: the model's answer is not a valid {schema.__name__} "
                        f"after a retry ({problem}); "
                        "try a larger model (--model) or check the endpoint"
                    ) from None
                log.info("%s: the answer is not a valid %s (%s); asking again", prompt.name, schema.__name__, problem)
                messages = messages + [
                    AIMessage(text[:2000]),
                    HumanMessage(
                        f"That answer is invalid: {problem}. Answer again with one JSON object that matches the schema."
                    ),
                ]
        raise AssertionError("unreachable")

    def _invoke(self, messages, response_format: dict, max_tokens: int, temperature: float | None):
        extra_body = {"response_format": response_format}
        if self.settings.uses_embedded_llm or self.settings.base_url:
            # langchain sends OpenAI's max_completion_tokens; llama.cpp, Ollama and older servers read max_tokens
            extra_body["max_tokens"] = max_tokens
        options = {"max_tokens": max_tokens, "extra_body": extra_body}
        if temperature is not None:
            options["temperature"] = temperature
        where = self.describe()
        try:
            return self._client().invoke(messages, **options)
        except openai.APITimeoutError:
            raise StageError(
                f"LLM {where} timed out after {self.settings.timeout:g}s and {self.settings.max_retries} retries; "
                "raise `timeout` in devrel.toml or check the server"
            ) from None
        except openai.APIConnectionError:
            raise StageError(
                f"cannot reach LLM {where}; check OPENAI_BASE_URL and that the server is running"
            ) from None
        except openai.AuthenticationError:
            raise StageError(f"LLM {where} rejected the API key; check OPENAI_API_KEY") from None
        except openai.RateLimitError:
            raise StageError(
                f"LLM {where} is still rate-limiting after {self.settings.max_retries} retries; try again later"
            ) from None
        except openai.APIStatusError as error:
            raise StageError(f"LLM {where} answered HTTP {error.status_code}: {_short(error)}") from None


class Conversation:
    """Several questions about one piece of material, asked in one chat: a follow-up repeats the first call's
    messages and answer word for word, so a local server reads only the new question (llama.cpp keeps the longest
    common prefix), where a call of its own would read the material again and evict the prefix the next part's call
    shares. The first ask is an ordinary call; a follow-up sends its prompt's text as one more user message."""

    def __init__(self, llm: LLM):
        self.llm = llm
        self.messages: list = []

    def ask(self, prompt: Prompt, schema: type[M], max_tokens: int, **variables: str) -> M:
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        system, user = prompt.render(**variables)
        if self.messages:
            asked = [*self.messages, HumanMessage(one_message(system, user))]
        else:
            asked = [SystemMessage(system), HumanMessage(user)]
        answer, text = self.llm._answer(prompt, schema, max_tokens, asked)
        if not self.messages:  # follow-ups all follow the first exchange, not each other
            self.messages = [*asked, AIMessage(text)]
        return answer
