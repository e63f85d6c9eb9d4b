"""Network helpers of the operators' tools, the benchmarks and the tests."""

from __future__ import annotations

import socket


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nobody listens on now, on loopback (``socket.SOCK_DGRAM`` for a UDP one)."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
