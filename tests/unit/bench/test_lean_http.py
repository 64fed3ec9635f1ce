"""bench/lean_http.py: the lean load-generator client against a small asyncio HTTP server on loopback."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import httpx
import pytest

from bench.lean_http import LeanClient

Handler = Callable[[bytes, asyncio.StreamWriter], Awaitable[bool]]  # (request head + body, writer) -> keep open


async def serve(handler: Handler) -> tuple[asyncio.Server, str, list[int]]:
    """A server that reads each request (head, then Content-Length bytes) and lets `handler` answer it; the list
    counts the connections it accepted."""
    accepted: list[int] = []

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                body = await reader.readexactly(length)
                if not await handler(head + body, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    server = await asyncio.start_server(on_connection, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}", accepted


def answer(status: str, body: bytes, *, extra: bytes = b"") -> bytes:
    return (f"HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n".encode()
            + extra + b"\r\n" + body)


def test_a_json_post_goes_out_as_sent_and_the_connection_is_kept_for_the_next_request() -> None:
    """Input tried: two POSTs with a JSON body and an Authorization header on one client."""
    seen: list[bytes] = []

    async def echo(request: bytes, writer: asyncio.StreamWriter) -> bool:
        seen.append(request)
        writer.write(answer("200 OK", request.split(b"\r\n\r\n", 1)[1]))
        return True

    async def scenario() -> None:
        server, url, accepted = await serve(echo)
        async with server, LeanClient() as http:
            for n in (1, 2):
                response = await http.post(f"{url}/graphql", json={"query": "{ x }", "n": n},
                                           headers={"Authorization": "Bearer k"})
                assert response.status_code == 200 and response.json() == {"query": "{ x }", "n": n}
                assert response.headers["content-type"] == "application/json"
            assert len(accepted) == 1
        head = seen[0].split(b"\r\n\r\n")[0].decode()
        assert head.startswith("POST /graphql HTTP/1.1\r\n")
        assert "Authorization: Bearer k" in head and "Content-Type: application/json" in head
        assert json.loads(seen[0].split(b"\r\n\r\n", 1)[1]) == {"query": "{ x }", "n": 1}

    asyncio.run(scenario())


def test_a_get_carries_its_params_and_a_chunked_answer_is_joined() -> None:
    """Input tried: GET /orders?first=50 answered with two chunks and a trailer-less end."""
    async def chunked(request: bytes, writer: asyncio.StreamWriter) -> bool:
        assert request.startswith(b"GET /orders?first=50 HTTP/1.1\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                     b"6\r\n{\"a\": \r\n2\r\n1}\r\n0\r\n\r\n")
        return True

    async def scenario() -> None:
        server, url, _ = await serve(chunked)
        async with server, LeanClient() as http:
            response = await http.get(f"{url}/orders", params={"first": 50})
            assert response.json() == {"a": 1} and response.text == '{"a": 1}'

    asyncio.run(scenario())


def test_an_idle_connection_the_server_closed_is_replaced_and_the_request_sent_once() -> None:
    """Input tried: the server closes each connection after its first answer (as uvicorn after its keep-alive
    timeout), without saying so; the second request must reach it once, on a new connection."""
    requests: list[bytes] = []

    async def one_then_close(request: bytes, writer: asyncio.StreamWriter) -> bool:
        requests.append(request)
        writer.write(answer("200 OK", b"{}"))
        await writer.drain()
        return False

    async def scenario() -> None:
        server, url, accepted = await serve(one_then_close)
        async with server, LeanClient() as http:
            assert (await http.post(url, json={})).status_code == 200
            await asyncio.sleep(0.05)  # the close reaches the client's idle connection
            assert (await http.post(url, json={})).status_code == 200
        assert len(requests) == 2 and len(accepted) == 2

    asyncio.run(scenario())


def test_no_answer_in_time_is_httpx_read_timeout_and_a_cut_answer_a_protocol_error() -> None:
    """Input tried: a server that never answers (timeout 0.2 s), one that sends half a body and closes."""
    async def silent(request: bytes, writer: asyncio.StreamWriter) -> bool:
        await asyncio.sleep(5)
        return False

    async def cut(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer("200 OK", b'{"a": 1}')[:-3])
        await writer.drain()
        return False

    async def scenario() -> None:
        server, url, _ = await serve(silent)
        async with server, LeanClient(timeout=0.2) as http:
            with pytest.raises(httpx.TimeoutException):
                await http.post(url, json={})
        server, url, _ = await serve(cut)
        async with server, LeanClient() as http:
            with pytest.raises(httpx.HTTPError):
                await http.post(url, json={})

    asyncio.run(scenario())


def test_a_5xx_is_an_answer_with_its_status_and_text() -> None:
    """Input tried: 503 with a plain-text body: the caller counts it as a failure by its status and text."""
    async def unavailable(request: bytes, writer: asyncio.StreamWriter) -> bool:
        writer.write(answer("503 Service Unavailable", b"busy"))
        return True

    async def scenario() -> None:
        server, url, _ = await serve(unavailable)
        async with server, LeanClient() as http:
            response = await http.post(url, json={})
            assert (response.status_code, response.text) == (503, "busy")

    asyncio.run(scenario())
