"""The operators' surface: pages (and any future state-changing endpoint) behind a token.

Feed health, last errors and schedules are for whoever runs the engine, not for
readers.  With no ``NEWSPULSE_ADMIN_TOKEN`` they are neither served nor exported;
with one, a request must present it as a bearer token or as the password of HTTP
Basic authentication (so a browser can ask for it).  Every route that is not a
plain read must depend on ``OperatorGuard`` (tests/publish/test_operator.py checks).
"""

from __future__ import annotations

import base64
import binascii
import hmac

from fastapi import Request
from starlette.exceptions import HTTPException

REALM = 'Basic realm="NewsPulse operators", charset="UTF-8"'
PRIVATE = {"Cache-Control": "private, no-store"}
READ_METHODS = frozenset({"GET", "HEAD"})


class OperatorGuard:
    """A FastAPI dependency: 404 when operator pages are off, 401 without the token."""

    def __init__(self, token: str | None) -> None:
        self.token = token or None

    @property
    def enabled(self) -> bool:
        return self.token is not None

    def __call__(self, request: Request) -> None:
        if self.token is None:
            raise HTTPException(404, "not found")
        if not token_matches(presented_token(request.headers.get("authorization")), self.token):
            raise HTTPException(
                401, "operator token required", headers={"WWW-Authenticate": REALM, **PRIVATE}
            )


def presented_token(header: str | None) -> str | None:
    """The token of ``Authorization: Bearer T`` or the password of ``Basic``; else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def token_matches(presented: str | None, expected: str) -> bool:
    """Constant-time comparison, so response times do not reveal the token."""
    if presented is None:
        return False
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))
