# SPDX-License-Identifier: BSL-1.0
"""What the python WebSocket peers of tests/websocket/interop_test.cpp share with it.

The message sequence, close codes and subprotocols here must match interop_test.cpp and
ws_peer.mjs: the C++ side rebuilds the same messages to check what a peer sent or echoed.
"""
import json
import sys
import zlib

TEXT = "hello: h\u00e9llo w\u00f6rld \u2713"  # non-ASCII, so UTF-8 handling is exercised
CLIENT_CLOSE_CODE = 4001
CLIENT_CLOSE_REASON = "client says bye"
SERVER_CLOSE_CODE = 4002
SERVER_CLOSE_REASON = "server says bye"
SERVER_PROTOCOLS = ["chat.v2", "chat.v1"]  # a server's preference order
PEER_PING = b"peer-ping-1"
CLIENT_PING = b"client-ping"
MAX_SIZE = 8 << 20
RECEIVE_TIMEOUT = 10  # seconds: no single step of an exchange may take longer


def big_binary():
    """1 MiB of poorly compressible bytes (a multiplicative hash of the index)."""
    return bytes(((i * 2654435761) >> 13) & 0xFF for i in range(1 << 20))


def messages():
    """The exchange: (is_text, payload) in order; payload is str for text, bytes for binary."""
    result = [(True, TEXT), (False, bytes(range(256))), (False, big_binary())]
    result += [(True, f"message {i}") for i in range(100)]
    return result


async def client_exchange(send, receive):
    """Sends the exchange and checks every echo. The first three go one by one, the series of
    100 is sent whole before its echoes are read (so the server queues them)."""
    sequence = messages()
    for index, (is_text, payload) in enumerate(sequence[:3]):
        await send(is_text, payload)
        check_echo(index, (is_text, payload), await receive())
    for is_text, payload in sequence[3:]:
        await send(is_text, payload)
    for index, expected in enumerate(sequence[3:], start=3):
        check_echo(index, expected, await receive())


def check_echo(index, expected, got):
    if got != expected:
        raise AssertionError(
            f"echo {index}: expected {describe(expected)}, got {describe(got)}")


def describe(item):
    is_text, payload = item
    kind = "text" if is_text else "binary"
    head = payload[:40] if isinstance(payload, str) else payload[:16].hex()
    return f"{kind} of {len(payload)} ({head!r}...)"


class Stats:
    """What a peer server received (data messages only, commands excluded): the client checks
    the count, the byte total and a CRC-32 of the payloads in order."""

    def __init__(self):
        self.messages = 0
        self.bytes = 0
        self.crc32 = 0

    def add(self, payload):
        data = payload.encode() if isinstance(payload, str) else payload
        self.messages += 1
        self.bytes += len(data)
        self.crc32 = zlib.crc32(data, self.crc32)

    def info(self, **extra):
        result = {"messages": self.messages, "bytes": self.bytes, "crc32": self.crc32}
        result.update(extra)
        return json.dumps(result)


def say(*words):
    """A line on stdout for the test (flushed: the test reads it while we run)."""
    print(*words, flush=True)


def missing(package, error):
    """Exits with a message the test shows: a missing peer is a failure, not a skip."""
    sys.exit(f"peer unavailable: {error}; install the Debian package {package} "
             "(scripts/install-deps.sh)")
