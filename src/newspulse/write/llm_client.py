"""The HTTP side of the LLM writer: chat-completions calls with our retry and format policy.

Plain httpx rather than the openai SDK: one POST endpoint, and the retry, 429 and
structured-output policy must be ours anyway (the SDK's own retries would have to be
switched off); httpx is already pinned in the lock, so no new dependency tree.

1. Structured output negotiates.  Servers accept different ``response_format``s
   (llama.cpp's server answers 500 to ``json_schema`` but takes ``json_object`` with a
   ``schema``; Ollama, vLLM and hosted APIs each take their own subset), so the modes are
   tried in order: ``json_schema``, then ``json_object`` with the schema (also in the
   prompt), then plain text with the schema in the prompt and the JSON taken from the
   answer.  A refusal is a 400, 422 or 500 whose body names the format; it is never
   silent: each one is logged, counted and returned to the caller, who records it with
   the version.  What an endpoint accepted is remembered per base URL and model
   (``accepted_mode``), so the probe is paid once per process.
2. Timeouts, other 5xx, 429 (Retry-After honoured) and connection failures are retried
   with exponential backoff, then raise ``LLMError`` with a reason the writer records.
3. An answer the caller cannot parse is asked for once more in the next mode.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.utils
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

log = logging.getLogger(__name__)

T = TypeVar("T")
MALFORMED = "malformed output"
MODES = ("json_schema", "json_object", "text")
# Statuses with which servers refuse a response_format they do not support.
FORMAT_REFUSAL_STATUSES = frozenset({400, 422, 500})
FORMAT_WORDS = ("response_format", "json_schema", "json_object", "grammar")
REFUSAL_PREVIEW = 160


@dataclass(frozen=True, slots=True)
class LLMConfig:
    """Where and how to call the model (mirrors the ``llm`` settings section)."""

    base_url: str
    model: str
    api_key_env: str = "OPENAI_API_KEY"
    timeout: float = 60.0
    max_retries: int = 2
    backoff: float = 1.0
    max_backoff: float = 30.0
    temperature: float = 0.0
    concurrency: int = 2
    context_tokens: int = 4096
    max_tokens: int = 512
    system_role: bool = True


class LLMError(Exception):
    """The server gave no usable answer; ``reason`` is recorded as the fallback reason."""

    def __init__(self, reason: str, refusals: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.refusals = refusals


class RequestRejected(LLMError):
    """HTTP 4xx that no retry can fix (a bad request, a missing key)."""


class FormatRefused(LLMError):
    """The server refused the ``response_format`` sent (400, 422 or 500 naming it)."""


@dataclass(slots=True)
class Usage:
    """Requests and tokens spent (the server's ``usage``), safe to share between threads."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, body: Any) -> None:
        usage = body.get("usage") if isinstance(body, dict) else None
        usage = usage if isinstance(usage, dict) else {}
        prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
        with self.lock:
            self.requests += 1
            self.prompt_tokens += prompt if isinstance(prompt, int) else 0
            self.completion_tokens += completion if isinstance(completion, int) else 0

    def count_request(self) -> None:
        with self.lock:
            self.requests += 1


@dataclass(frozen=True, slots=True)
class Answer(Generic[T]):
    value: T
    mode: str
    refusals: tuple[str, ...] = ()


# (base URL, model) → the first mode the endpoint accepted; shared by every writer thread.
_ACCEPTED: dict[tuple[str, str], str] = {}
_ACCEPTED_LOCK = threading.Lock()


def endpoint(llm: LLMConfig) -> tuple[str, str]:
    return (llm.base_url.rstrip("/"), llm.model)


def accepted_mode(llm: LLMConfig) -> str | None:
    """The structured-output mode this endpoint accepted before, if any."""
    with _ACCEPTED_LOCK:
        return _ACCEPTED.get(endpoint(llm))


def remember_mode(llm: LLMConfig, mode: str) -> None:
    with _ACCEPTED_LOCK:
        _ACCEPTED[endpoint(llm)] = mode


def forget_modes() -> None:
    """Forget every endpoint's mode (tests; a server that was upgraded)."""
    with _ACCEPTED_LOCK:
        _ACCEPTED.clear()


def response_format(mode: str, name: str, schema: dict[str, Any]) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        }
    if mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def request_json(
    llm: LLMConfig,
    messages: list[dict[str, str]],
    *,
    name: str,
    schema: dict[str, Any],
    reminder: str,
    parse: Callable[[str], T],
    usage: Usage | None = None,
    client: httpx.Client | None = None,
) -> Answer[T]:
    """The parsed answer in the first mode the endpoint accepts (module docstring).

    ``reminder`` (the schema in words) is appended to the messages in the modes that do
    not constrain the answer by themselves.  ``parse`` raises ``LLMError(MALFORMED)`` for
    content it cannot use; then the next mode is tried once.  Raises ``LLMError`` (with
    the refusals met) when no mode gives a usable answer.
    """
    usage = usage if usage is not None else Usage()
    start = accepted_mode(llm) or MODES[0]
    modes = MODES[MODES.index(start) :]
    refusals: list[str] = []
    malformed = False
    own = client is None
    http = http_client(llm) if client is None else client
    try:
        for mode in modes:
            prompt = messages if mode == "json_schema" else [*messages, user(reminder)]
            body = payload(llm, prompt, response_format(mode, name, schema))
            try:
                content = post_chat(http, llm, body, usage)
                if not malformed:  # a mode reached past a bad answer is no refusal
                    remember_mode(llm, mode)
                return Answer(parse(extract_json(content)), mode, tuple(refusals))
            except FormatRefused as exc:
                refusal = f"{mode}: {exc.reason}"
                log.warning("%s refused by %s (%s)", mode, llm.base_url, exc.reason)
                refusals.append(refusal)
                following = MODES.index(mode) + 1
                if following < len(MODES):
                    # Later requests start below a refused mode (the probe is paid once).
                    remember_mode(llm, MODES[following])
            except LLMError as exc:
                if exc.reason != MALFORMED or malformed:
                    raise LLMError(exc.reason, tuple(refusals)) from exc
                malformed = True  # once more, in the next mode
        reason = MALFORMED if malformed else "structured output refused"
        raise LLMError(reason, tuple(refusals))
    finally:
        if own:
            http.close()


def user(content: str) -> dict[str, str]:
    return {"role": "user", "content": content}


def extract_json(content: str) -> str:
    """The JSON object in an answer: as is, or the outermost ``{...}`` of prose around it."""
    text = content.strip()
    if text.startswith("{") and text.endswith("}"):
        return text
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        return text
    return text[start : end + 1]


def http_client(llm: LLMConfig) -> httpx.Client:
    headers = {"Accept": "application/json"}
    key = os.environ.get(llm.api_key_env, "") if llm.api_key_env else ""
    if key:
        headers["Authorization"] = f"Bearer {key}"
    limits = httpx.Limits(max_connections=max(1, llm.concurrency))
    return httpx.Client(
        base_url=llm.base_url.rstrip("/") + "/",
        headers=headers,
        timeout=llm.timeout,
        limits=limits,
    )


def payload(
    llm: LLMConfig, messages: list[dict[str, str]], response_format: dict[str, Any] | None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": llm.model,
        "messages": messages,
        "temperature": llm.temperature,
        "max_tokens": llm.max_tokens,
        "stream": False,
    }
    if response_format is not None:
        body["response_format"] = response_format
    return body


def names_format(response: httpx.Response, body: dict[str, Any]) -> bool:
    """Whether an error answer is about the response_format that was sent."""
    if "response_format" not in body:
        return False
    text = response.text.lower()
    return any(word in text for word in FORMAT_WORDS)


def post_chat(
    client: httpx.Client, llm: LLMConfig, body: dict[str, Any], usage: Usage | None = None
) -> str:
    """The answer's message content, retrying transient failures with exponential backoff."""
    reason = "no attempt"
    for attempt in range(llm.max_retries + 1):
        try:
            response = post_once(client, body)
        except httpx.TimeoutException:
            reason, wait = "timeout", backoff(llm, attempt)
        except httpx.TransportError:
            reason, wait = "server unreachable", backoff(llm, attempt)
        else:
            if usage is not None and response.status_code != 200:
                usage.count_request()
            status = response.status_code
            if status == 200:
                return message_content(response, usage)
            if status in FORMAT_REFUSAL_STATUSES and names_format(response, body):
                preview = " ".join(response.text.split())[:REFUSAL_PREVIEW]
                raise FormatRefused(f"http {status}: {preview}")
            if status in (400, 422):
                raise RequestRejected(f"request rejected (http {status})")
            if status == 429:
                reason, wait = "rate limited", retry_after(response, llm, attempt)
            elif status >= 500:
                reason, wait = f"server error {status}", backoff(llm, attempt)
            else:
                raise LLMError(f"request rejected (http {status})")
        if attempt < llm.max_retries:
            time.sleep(wait)
    raise LLMError(reason)


def post_once(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    """One POST; sent again at once when the server had closed the kept-alive connection it
    went out on (llama.cpp's server does after an error answer): that is no failure."""
    try:
        return client.post("chat/completions", json=body)
    except httpx.RemoteProtocolError:
        return client.post("chat/completions", json=body)


def backoff(llm: LLMConfig, attempt: int) -> float:
    return float(min(llm.backoff * 2**attempt, llm.max_backoff))


def retry_after(response: httpx.Response, llm: LLMConfig, attempt: int) -> float:
    """Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), capped; else backoff."""
    value = response.headers.get("retry-after", "").strip()
    seconds: float | None = None
    if value.replace(".", "", 1).isdigit():
        seconds = float(value)
    elif value:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    if seconds is None:
        return backoff(llm, attempt)
    return max(0.0, min(seconds, llm.max_backoff))


def message_content(response: httpx.Response, usage: Usage | None = None) -> str:
    try:
        body = response.json()
    except ValueError as exc:
        if usage is not None:
            usage.count_request()
        raise LLMError(MALFORMED) from exc
    if usage is not None:
        usage.add(body)
    try:
        content = body["choices"][0]["message"]["content"]
    except (LookupError, TypeError) as exc:
        raise LLMError(MALFORMED) from exc
    if not isinstance(content, str):
        raise LLMError(MALFORMED)
    return content


PROBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}},
    "required": ["ok"],
    "additionalProperties": False,
}


def probe_mode(llm: LLMConfig) -> Answer[dict[str, Any]]:
    """Negotiate the structured-output mode with one tiny request (``newspulse doctor``);
    raises ``LLMError`` with the refusals met when no mode works."""

    def parse(content: str) -> dict[str, Any]:
        try:
            value = json.loads(content)
        except ValueError as exc:
            raise LLMError(MALFORMED) from exc
        if not isinstance(value, dict):
            raise LLMError(MALFORMED)
        return value

    quick = dataclasses.replace(llm, max_tokens=32, max_retries=0)
    messages = [
        {"role": "system", "content": "You answer with JSON only."},
        user('Answer with the JSON object {"ok": true}.'),
    ]
    reminder = "Your answer must be one JSON object: " + dumps_schema(PROBE_SCHEMA)
    return request_json(
        quick, messages, name="probe", schema=PROBE_SCHEMA, reminder=reminder, parse=parse
    )


def describe_mode(llm: LLMConfig) -> str:
    """The structured-output mode an endpoint accepts, in words, for operators."""
    try:
        answer = probe_mode(llm)
    except LLMError as exc:
        refused = f"; refused: {'; '.join(exc.refusals)}" if exc.refusals else ""
        return f"structured output unavailable ({exc.reason}{refused}): the writer falls back"
    refused = f" ({len(answer.refusals)} modes refused first)" if answer.refusals else ""
    return f"structured output via {answer.mode}{refused}"


def dumps_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, separators=(",", ":"))
