"""A response's headers leave in the same write as its body (orientation.utils.gunicorn_response):
a host that dies between the two can no longer leave a visitor with headers and no page. Read on
a real socket that keeps each write as one record (SOCK_SEQPACKET), as gunicorn's workers build
responses with config/gunicorn.py."""

from __future__ import annotations

import runpy
import socket
from collections.abc import Callable
from typing import Any

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from orientation.utils.gunicorn_response import OneWriteResponse
from tests.conftest import REPOSITORY

GET = b"GET /metiers/G1602/ HTTP/1.1\r\nHost: orientation.example\r\n\r\n"
PAGE = b"<!doctype html><title>Cuisinier</title>" + "<p>Le cuisinier prépare les plats.</p>".encode().ljust(100) * 160


@pytest.fixture
def installed(monkeypatch) -> None:
    """What gunicorn's master does when it reads config/gunicorn.py (undone after the test)."""
    monkeypatch.setattr(wsgi, "Response", wsgi.Response)
    runpy.run_path(str(REPOSITORY / "config" / "gunicorn.py"))


def writes(request: bytes, respond: Callable[[Any], None]) -> list[bytes]:
    """The writes a worker makes to answer ``request`` with ``respond``, one record each."""
    client, server = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    sent, received = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with client, server, received:
        client.sendall(request)
        config = Config()
        parsed = next(iter(RequestParser(config, server, ("127.0.0.1", 40000))))
        response, _environ = wsgi.create(parsed, sent, ("127.0.0.1", 40000), ("127.0.0.1", 8000), config)
        respond(response)
        sent.close()
        records = []
        while record := received.recv(1 << 20):
            records.append(record)
        return records


def page(response: Any) -> None:
    response.start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(PAGE)))])
    response.write(PAGE)
    response.close()


def test_the_configuration_installs_it_for_every_worker(installed):
    assert wsgi.Response is OneWriteResponse


def test_a_page_leaves_in_one_write_headers_and_body(installed):
    [record] = writes(GET, page)
    headers, body = record.split(b"\r\n\r\n", 1)
    assert headers.startswith(b"HTTP/1.1 200 OK\r\n")
    assert f"Content-Length: {len(PAGE)}".encode() in headers
    assert body == PAGE


def test_gunicorn_alone_writes_them_apart(monkeypatch):
    """What the module mends: without it, the headers are a write of their own."""
    monkeypatch.setattr(wsgi, "Response", wsgi.Response)
    headers, body = writes(GET, page)
    assert headers.endswith(b"\r\n\r\n")
    assert body == PAGE


def test_a_response_without_body_still_sends_its_headers(installed):
    def redirect(response: Any) -> None:
        response.start_response("302 Found", [("Location", "/mon-espace/"), ("Content-Length", "0")])
        response.write(b"")
        response.close()

    [record] = writes(GET, redirect)
    assert record.startswith(b"HTTP/1.1 302 Found\r\n")
    assert record.endswith(b"Content-Length: 0\r\n\r\n")
    head = writes(GET.replace(b"GET", b"HEAD", 1), page)
    assert len(head) == 1
    assert head[0].endswith(f"Content-Length: {len(PAGE)}\r\n\r\n".encode())  # and no body


def test_a_streamed_body_goes_in_chunks_the_first_with_the_headers(installed):
    def export(response: Any) -> None:
        response.start_response("200 OK", [("Content-Type", "text/csv")])
        response.write(b"code;libelle\n")
        response.write(b"G1602;Personnel de cuisine\n")
        response.close()

    first, second, end = writes(GET, export)
    assert b"Transfer-Encoding: chunked" in first
    assert first.endswith(b"\r\n\r\nD\r\ncode;libelle\n\r\n")
    assert second == b"1B\r\nG1602;Personnel de cuisine\n\r\n"
    assert end == b"0\r\n\r\n"
