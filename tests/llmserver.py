"""A scripted OpenAI-compatible chat-completions server on loopback, in a background thread.

The LLM writer's tests talk to a real socket through the real client, so timeouts,
retries, 429s and malformed bodies run exactly as they would against Ollama, vLLM or
OpenAI.  Each test queues its answers (``server.script(...)``); every request body is
recorded (``server.requests``).  With nothing queued the server asks its responder
(``server.respond_with(...)``: a function of the request body, as the LLM writer's section
requests run concurrently and in no fixed order), else answers 503.

Speaks ``POST /v1/chat/completions`` (non-streaming), checks ``model``, ``messages``
and ``response_format`` (``text``, ``json_object`` or ``json_schema`` with a schema)
like a real server does, and answers in the OpenAI wire format.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response

FORMATS = {"text", "json_object", "json_schema"}


@dataclass(frozen=True, slots=True)
class Reply:
    """One scripted answer: status, raw body, headers, and a delay before answering."""

    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def completion(content: str, *, model: str = "test-model", prompt_tokens: int = 100) -> Reply:
    """A chat.completion whose message content is ``content``."""
    body = {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_772_150_400,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        # About four characters a token, as in English text.
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(content) // 4,
            "total_tokens": prompt_tokens + len(content) // 4,
        },
    }
    return Reply(body=json.dumps(body))


def answer(document: dict[str, Any]) -> Reply:
    """A completion carrying ``document`` as its JSON content."""
    return completion(json.dumps(document))


def error(status: int, message: str, *, headers: dict[str, str] | None = None) -> Reply:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": status}}
    return Reply(status=status, body=json.dumps(body), headers=headers or {})


def hang(seconds: float) -> Reply:
    """An answer that comes only after ``seconds`` (past the client's timeout)."""
    return Reply(delay=seconds, body=completion("{}").body)


Responder = Callable[[dict[str, Any]], Reply]
FACT = re.compile(r'<fact n="(\d+)">(.*?)</fact>')
# The writer's escaping of article text, undone.
PLAIN = str.maketrans({"\u2039": "<", "\u203a": ">", "\u201d": '"', "\u2018": "`"})


def facts_of(body: dict[str, Any]) -> dict[int, str]:
    """Fact number → text of a section request, as the writer quoted it (unescaped)."""
    text = "\n".join(m["content"] for m in body["messages"] if m["role"] == "user")
    return {int(n): fact.translate(PLAIN) for n, fact in FACT.findall(text)}


def rewording(word: Callable[[int, str], str | None] = lambda n, text: text) -> Responder:
    """A model that words each fact with ``word(number, text)`` (None: leaves it out)."""

    def respond(body: dict[str, Any]) -> Reply:
        sentences = []
        for number, text in facts_of(body).items():
            worded = word(number, text)
            if worded is not None:
                sentences.append({"fact": number, "text": worded})
        chars = sum(len(m["content"]) for m in body["messages"])
        return completion(json.dumps({"sentences": sentences}), prompt_tokens=chars // 4)

    return respond


def refusing(
    formats: set[str], status: int, message: str, then: Responder | None = None
) -> Responder:
    """A server that refuses the ``response_format`` types in ``formats`` with ``status``
    and ``message``, and answers the rest with ``then`` (a faithful rewording)."""
    then = then or rewording()

    def respond(body: dict[str, Any]) -> Reply:
        fmt = body.get("response_format", {"type": "text"})["type"]
        if fmt in formats:
            return error(status, message)
        return then(body)

    return respond


class LLMServer:
    def __init__(self) -> None:
        self.responder: Responder | None = None
        self.replies: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        # Requests being answered now, and the most at once (bounded concurrency).
        self.in_flight = 0
        self.max_in_flight = 0
        self.app = FastAPI()
        self.app.add_api_route("/v1/chat/completions", self.chat, methods=["POST"])
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port: int = self.socket.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            ws="none",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def respond_with(self, responder: Responder | None) -> None:
        self.responder = responder

    def reset(self) -> None:
        self.responder = None
        self.replies.clear()
        self.in_flight = self.max_in_flight = 0
        self.requests.clear()
        self.headers.clear()

    async def chat(self, request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return self.respond(error(400, "body is not JSON"))
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        problem = request_problem(body)
        if problem is not None:
            return self.respond(error(400, problem))
        if self.replies:
            reply = self.replies.popleft()
        elif self.responder is not None:
            reply = self.responder(body)
        else:
            return self.respond(error(503, "no reply scripted"))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if reply.delay:
                await asyncio.sleep(reply.delay)
        finally:
            self.in_flight -= 1
        return self.respond(reply)

    @staticmethod
    def respond(reply: Reply) -> Response:
        return Response(
            reply.body, reply.status, headers=reply.headers, media_type="application/json"
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("LLM test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.socket.close()


def request_problem(body: Any) -> str | None:
    """What a real server would reject with a 400."""
    if not isinstance(body, dict) or not body.get("model"):
        return "model is required"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages must be a non-empty list"
    fmt = body.get("response_format", {"type": "text"})
    if not isinstance(fmt, dict) or fmt.get("type") not in FORMATS:
        return "response_format.type must be text, json_object or json_schema"
    if fmt["type"] == "json_schema" and not isinstance(
        fmt.get("json_schema", {}).get("schema"), dict
    ):
        return "response_format.json_schema.schema is required"
    return None


@contextmanager
def running_llm_server() -> Iterator[LLMServer]:
    server = LLMServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: the server is down."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
