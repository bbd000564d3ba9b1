"""The operator token tests serve the operators' pages with, and the header that presents it."""

from __future__ import annotations

ADMIN_TOKEN = "test-operator-token"
OPERATOR = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
