"""gunicorn's response, with its headers sent in the same write as the first bytes of its body.

gunicorn (27) writes a response's headers, then its body, in two writes. The first write wakes
the balancer, which on a busy host may run before the worker writes the body; a host that dies
then (a crash, an OOM kill, the SIGKILL of ``make test-production``) leaves the visitor with
headers and no page, and the balancer cannot send again a request whose answer it has begun to
forward. With one write the balancer receives either nothing (and retries the request on
another host, ``retry-on`` in ``deploy/haproxy/haproxy.cfg``) or the whole page (Django's pages
are one piece).

``config/gunicorn.py`` installs it for every web process (``install``); the headers are built
as gunicorn builds them, and every other path (no body, a file sent with ``sendfile``, a
streamed body in chunks, the end of the response) sends what is held before anything else.
"""

from __future__ import annotations

from typing import Any

from gunicorn import util  # type: ignore[import-untyped]
from gunicorn.http import wsgi  # type: ignore[import-untyped]


class OneWriteResponse(wsgi.Response):
    _held = b""
    headers_sent: bool

    def send_headers(self) -> None:
        """Build the headers as gunicorn does, and hold them for the first body bytes."""
        if self.headers_sent:
            return
        lines = self.default_headers()
        lines.extend(f"{name}: {value}\r\n" for name, value in self.headers)
        self._held = util.to_bytestring("{}\r\n".format("".join(lines)), "latin-1")
        self.headers_sent = True
        if self.upgrade:  # the connection changes protocol: what follows is not this response's
            self.flush_headers()

    def _emit_body(self, data: bytes) -> None:
        if self.chunked:
            data = b"%X\r\n%s\r\n" % (len(data), data)
        held, self._held = self._held, b""
        self.sock.sendall(held + data)

    def flush_headers(self) -> None:
        self.send_headers()
        if self._held:
            held, self._held = self._held, b""
            self.sock.sendall(held)

    def sendfile(self, respiter: Any) -> bool:
        self.flush_headers()  # the file goes straight from the disk to the socket, after them
        return bool(super().sendfile(respiter))

    def close(self) -> None:
        self.flush_headers()  # no body (a HEAD, a redirect without content): the headers alone
        super().close()


def install() -> None:
    """Every response of this process's gunicorn workers is a ``OneWriteResponse``
    (``wsgi.create`` reads the module's ``Response`` when it builds one)."""
    wsgi.Response = OneWriteResponse
