"""The HTTP side of the LLM writer: one chat-completions call with our retry policy.

Plain httpx rather than the openai SDK: one POST endpoint, and the retry, 429 and
400-fallback policy must be ours anyway (the SDK's own retries would have to be
switched off); httpx is already pinned in the lock, so no new dependency tree.

1. The answer is asked for as JSON (``response_format`` json_schema); on a 400 or
   an answer the caller cannot parse, once more with json_object and the schema in
   the prompt.  Servers differ in schema support (stack.md §5 risk 13).
2. Timeouts, 5xx, 429 (Retry-After honoured) and connection failures are retried
   with exponential backoff, then raise ``LLMError`` with a reason the writer records.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

log = logging.getLogger(__name__)

T = TypeVar("T")
MALFORMED = "malformed output"


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


class LLMError(Exception):
    """The server gave no usable answer; ``reason`` is recorded as the fallback reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RequestRejected(LLMError):
    """HTTP 400: typically a server that does not support the json_schema format."""


def request_json(
    llm: LLMConfig,
    messages: list[dict[str, str]],
    *,
    name: str,
    schema: dict[str, Any],
    reminder: str,
    parse: Callable[[str], T],
) -> T:
    """The parsed answer; json_schema first, then once with json_object and ``reminder``.

    ``parse`` raises ``LLMError(MALFORMED)`` for content it cannot use.
    """
    constrained = {"name": name, "strict": True, "schema": schema}
    strict = {"type": "json_schema", "json_schema": constrained}
    with http_client(llm) as client:
        try:
            return parse(post_chat(client, llm, payload(llm, messages, strict)))
        except RequestRejected as exc:
            log.info("json_schema rejected (%s); retrying with json_object", exc.reason)
        except LLMError as exc:
            if exc.reason != MALFORMED:
                raise
        retry = [*messages, {"role": "user", "content": reminder}]
        return parse(post_chat(client, llm, payload(llm, retry, {"type": "json_object"})))


def http_client(llm: LLMConfig) -> httpx.Client:
    headers = {"Accept": "application/json"}
    key = os.environ.get(llm.api_key_env, "") if llm.api_key_env else ""
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.Client(
        base_url=llm.base_url.rstrip("/") + "/", headers=headers, timeout=llm.timeout
    )


def payload(
    llm: LLMConfig, messages: list[dict[str, str]], response_format: dict[str, Any]
) -> dict[str, Any]:
    return {
        "model": llm.model,
        "messages": messages,
        "temperature": llm.temperature,
        "response_format": response_format,
        "stream": False,
    }


def post_chat(client: httpx.Client, llm: LLMConfig, body: dict[str, Any]) -> str:
    """The answer's message content, retrying transient failures with exponential backoff."""
    reason = "no attempt"
    for attempt in range(llm.max_retries + 1):
        try:
            response = client.post("chat/completions", json=body)
        except httpx.TimeoutException:
            reason, wait = "timeout", backoff(llm, attempt)
        except httpx.TransportError:
            reason, wait = "server unreachable", backoff(llm, attempt)
        else:
            status = response.status_code
            if status == 200:
                return message_content(response)
            if status == 400:
                raise RequestRejected("request rejected (http 400)")
            if status == 429:
                reason, wait = "rate limited", retry_after(response, llm, attempt)
            elif status >= 500:
                reason, wait = f"server error {status}", backoff(llm, attempt)
            else:
                raise LLMError(f"request rejected (http {status})")
        if attempt < llm.max_retries:
            time.sleep(wait)
    raise LLMError(reason)


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


def message_content(response: httpx.Response) -> str:
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, LookupError, TypeError) as exc:
        raise LLMError(MALFORMED) from exc
    if not isinstance(content, str):
        raise LLMError(MALFORMED)
    return content
