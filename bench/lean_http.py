"""Bench part: a lean HTTP/1.1 keep-alive client over asyncio streams, so the load generator costs the server's cores
little (httpx.AsyncClient with 50 connections spent 2.5-8 ms of CPU per request here, on the server's cores).

Speaks only what the benches send to a server on loopback: GET and POST with a JSON body, answers with a
Content-Length or chunked body. Same interface as the part of httpx the benches use (`post(url, json=, headers=)`,
`get(url, params=, headers=)`, a response with `status_code`, `headers`, `text`, `json()`), and the same errors
(httpx's exception classes), so requests, checks and failure counts stay as they were. httpx's Accept-Encoding,
Connection and User-Agent headers are not sent: the API compresses nothing, and HTTP/1.1 keeps connections open.
One connection per request in flight, kept open and reused as httpx's pool does; a reused connection the server
closed while idle (uvicorn's keep-alive timeout) is replaced and the request sent again only when none of its
answer had arrived.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

HEAD_END = b"\r\n\r\n"


class LeanResponse:
    __slots__ = ("content", "headers", "status_code")

    def __init__(self, status_code: int, headers: dict[str, str], content: bytes) -> None:
        self.status_code, self.headers, self.content = status_code, headers, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return jsonlib.loads(self.content)


class _Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    def usable(self) -> bool:
        return not self.reader.at_eof() and not self.writer.is_closing()

    def close(self) -> None:
        self.writer.close()


class _Stale(Exception):
    """A reused connection was closed before any of the answer arrived: the request was not taken."""


class LeanClient:
    """Keep-alive connections per (host, port); `timeout` seconds for a whole request, as httpx's timeout=60."""

    def __init__(self, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._idle: dict[tuple[str, int], list[_Connection]] = {}
        self._targets: dict[str, tuple[str, int, str, bytes]] = {}

    async def __aenter__(self) -> LeanClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def post(self, url: str, *, json: Any, headers: dict[str, str] | None = None) -> LeanResponse:
        body = jsonlib.dumps(json, separators=(",", ":")).encode()
        return await self._send(b"POST", url, headers, body)

    async def get(self, url: str, *, params: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> LeanResponse:
        return await self._send(b"GET", f"{url}?{urlencode(params)}" if params else url, headers, None)

    def _target(self, url: str) -> tuple[str, int, str, bytes]:
        known = self._targets.get(url)
        if known is None:
            parts = urlsplit(url)
            if parts.scheme != "http" or not parts.hostname:
                raise httpx.UnsupportedProtocol(f"LeanClient speaks plain http only: {url}")
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
            known = self._targets[url] = (parts.hostname, parts.port or 80, path, host.encode())
        return known

    async def _send(self, method: bytes, url: str, headers: dict[str, str] | None, body: bytes | None
                    ) -> LeanResponse:
        hostname, port, path, host = self._target(url)
        head = [method, b" ", path.encode(), b" HTTP/1.1\r\nHost: ", host, b"\r\nAccept: */*\r\n"]
        for name, value in (headers or {}).items():
            head += [name.encode(), b": ", value.encode(), b"\r\n"]
        if body is not None:
            head += [b"Content-Type: application/json\r\nContent-Length: ", str(len(body)).encode(), b"\r\n"]
        head.append(b"\r\n")
        request = b"".join(head) + (body or b"")
        try:
            async with asyncio.timeout(self.timeout):
                idle = self._idle.setdefault((hostname, port), [])
                while idle:
                    connection = idle.pop()
                    if not connection.usable():
                        connection.close()
                        continue
                    try:
                        return await self._exchange(connection, request, idle, reused=True)
                    except _Stale:
                        continue
                reader, writer = await asyncio.open_connection(hostname, port)
                return await self._exchange(_Connection(reader, writer), request, idle, reused=False)
        except TimeoutError:
            raise httpx.ReadTimeout(f"no answer from {url} within {self.timeout:g} s") from None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            raise httpx.RemoteProtocolError(f"{type(error).__name__}: {error}") from None

    async def _exchange(self, connection: _Connection, request: bytes, idle: list[_Connection], *, reused: bool
                        ) -> LeanResponse:
        try:
            connection.writer.write(request)
            try:
                head = await connection.reader.readuntil(HEAD_END)
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                partial = getattr(error, "partial", b"")
                if reused and not partial:
                    raise _Stale() from None
                raise
            response, keep = await _read_response(connection.reader, head)
        except BaseException:
            connection.close()
            raise
        if keep:
            idle.append(connection)
        else:
            connection.close()
        return response


async def _read_response(reader: asyncio.StreamReader, head: bytes) -> tuple[LeanResponse, bool]:
    """The answer whose head (status line and headers, up to the blank line) was read; whether to keep the
    connection."""
    lines = head[:-4].decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        content = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n"))[:-2].split(b";", 1)[0], 16):
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, then the blank line
            pass
        content = b"".join(chunks)
    elif status in ("204", "304") or status.startswith("1"):
        content = b""
    else:  # the body runs to the end of the connection
        content = await reader.read()
        return LeanResponse(int(status), headers, content), False
    keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
    return LeanResponse(int(status), headers, content), keep
