"""DNS rebinding: the server refuses requests whose Host or Origin it does not serve.

Unit tests of the ASGI guard, then the real server (``python serve.py``): HTTP and the
WebSocket from a foreign Host or Origin get 403; loopback requests are served.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
from pathlib import Path

import pytest

from pmo_data.hostguard import LOOPBACK, HostGuard, allowed, host_name
from tests.streamlit_server import StreamlitServer


@pytest.mark.parametrize("value, name", [
    ("127.0.0.1:8501", "127.0.0.1"), ("LOCALHOST", "localhost"), ("[::1]:8501", "::1"),
    ("http://127.0.0.1:8501", "127.0.0.1"), ("evil.example.:80", "evil.example"),
    ("user@127.0.0.1", None), ("127.0.0.1:notaport", None), ("127.0.0.1/path", None),
    ("", None), (None, None),
])
def test_host_name(value: str | None, name: str | None) -> None:
    assert host_name(value) == name


def test_allowed_patterns() -> None:
    assert allowed("pmo.example.nhs.uk", ["*.example.nhs.uk"])
    assert not allowed("example.nhs.uk.evil.org", ["*.example.nhs.uk"])
    assert not allowed("rebind.attacker.org", LOOPBACK)
    assert allowed("anything", ["*"]) and not allowed(None, ["*"])


def _call(headers: list[tuple[bytes, bytes]], kind: str = "http") -> list[dict]:
    sent: list[dict] = []

    async def app(scope, receive, send):
        await send({"type": "passed"})

    async def receive():
        return {}

    async def send(message):
        sent.append(message)

    asyncio.run(HostGuard(app)({"type": kind, "headers": headers}, receive, send))
    return sent


@pytest.mark.parametrize("headers, passes", [
    ([(b"host", b"127.0.0.1:8501")], True),
    ([(b"host", b"localhost:8501"), (b"origin", b"http://localhost:8501")], True),
    ([(b"host", b"rebind.attacker.org:8501")], False),
    ([(b"host", b"127.0.0.1:8501"), (b"origin", b"http://rebind.attacker.org")], False),
    ([(b"host", b"127.0.0.1:8501"), (b"origin", b"null")], False),
    ([], False),
])
def test_guard_http_and_websocket(headers: list[tuple[bytes, bytes]], passes: bool) -> None:
    for kind in ("http", "websocket"):
        sent = _call(headers, kind)
        if passes:
            assert sent == [{"type": "passed"}]
        elif kind == "http":
            assert sent[0]["status"] == 403
        else:
            assert sent == [{"type": "websocket.close", "code": 1008}]


# --- the real server -------------------------------------------------------------------------


def _status(port: int, path: str, headers: dict[str, str]) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def _websocket_status(port: int, host: str, origin: str) -> int:
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: streamlit\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request.encode())
        line = sock.recv(1024).split(b"\r\n", 1)[0]
    return int(line.split()[1])


@pytest.mark.browser
def test_the_server_refuses_foreign_hosts_and_origins(tmp_path: Path) -> None:
    from pmo_data.db import build_database

    server = StreamlitServer(build_database(tmp_path / "empty.duckdb", {}))
    try:
        server.wait_healthy()
        port = server.port
        own = f"127.0.0.1:{port}"
        assert _status(port, "/_stcore/health", {"Host": own}) == 200
        assert _status(port, "/", {"Host": f"localhost:{port}"}) == 200
        assert _status(port, "/_stcore/health", {"Host": f"rebind.attacker.org:{port}"}) == 403
        assert _status(port, "/", {"Host": own, "Origin": "http://rebind.attacker.org"}) == 403
        assert _websocket_status(port, own, f"http://{own}") == 101
        assert _websocket_status(port, f"rebind.attacker.org:{port}",
                                 f"http://rebind.attacker.org:{port}") == 403
        assert _websocket_status(port, own, "http://rebind.attacker.org") == 403
    finally:
        server.stop()


@pytest.mark.browser
def test_plain_streamlit_run_still_refuses_a_foreign_websocket(tmp_path: Path) -> None:
    # without serve.py the config's server.allowedHosts still guards the WebSocket (the data
    # path); only serve.py also guards plain HTTP (README: run with serve.py)
    from pmo_data.db import build_database

    server = StreamlitServer(build_database(tmp_path / "empty.duckdb", {}), preload=False)
    try:
        server.wait_healthy()
        port = server.port
        assert _websocket_status(port, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}") == 101
        assert _websocket_status(port, f"rebind.attacker.org:{port}",
                                 f"http://rebind.attacker.org:{port}") == 403
    finally:
        server.stop()
