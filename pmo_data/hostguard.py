"""Refuse HTTP and WebSocket requests whose Host or Origin is not one the app serves.

Why this module exists: a browser on the user's machine can be made to talk to a server on
127.0.0.1 by a web page on another site whose name is re-pointed at 127.0.0.1 (DNS
rebinding). Such requests carry the other site's name in ``Host`` (and in ``Origin``).
Streamlit's ``server.allowedHosts`` setting checks the WebSocket's Host only; this small ASGI
middleware checks every request, HTTP included (downloads, media, health), and the Origin
header too: a request is refused with 403 (an HTTP response, or a closed WebSocket) unless
its Host's name is allowed and its Origin, when present, names an allowed host.

Names are compared case-insensitively without the port; ``*.example.nhs.uk`` allows the
subdomains of ``example.nhs.uk``. ``serve.py`` installs it (``LOOPBACK`` in local mode, or
``server.allowedHosts`` when set). No Streamlit import: it is plain ASGI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

LOOPBACK: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def host_name(value: str | None) -> str | None:
    """The host name of a ``Host`` header or an ``Origin`` URL, lower case, no port; None if
    it is not a plain host (user info, paths or a malformed port are refused)."""
    if not value:
        return None
    text = value if "//" in value else f"//{value}"
    try:
        parts = urlsplit(text)
        _ = parts.port  # raises for a malformed port
    except ValueError:
        return None
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query:
        return None
    return (parts.hostname or "").rstrip(".").lower() or None


def allowed(name: str | None, patterns: Iterable[str]) -> bool:
    """True if ``name`` matches one of ``patterns`` (exact, or ``*.domain`` for subdomains)."""
    if not name:
        return False
    for pattern in patterns:
        pattern = pattern.strip().lower().rstrip(".")
        if pattern == "*" or name == pattern:
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


class HostGuard:
    """ASGI middleware: 403 for a request whose Host or Origin is not allowed."""

    def __init__(self, app: App, hosts: Iterable[str] = LOOPBACK) -> None:
        self.app = app
        self.hosts = tuple(hosts)

    def permits(self, headers: Iterable[tuple[bytes, bytes]]) -> bool:
        """Whether a request with these (lower-case name, value) headers may pass."""
        found = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}
        if not allowed(host_name(found.get("host")), self.hosts):
            return False
        origin = found.get("origin")
        return origin is None or allowed(host_name(origin), self.hosts)  # "null" is refused

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.permits(scope.get("headers", [])):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b"Forbidden: this server answers only to the addresses it serves.\n"
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
