#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""python3-websockets (10.x) as a WebSocket peer of tests/websocket/interop_test.cpp.

  websockets_peer.py client URL COMPRESS  - as aiohttp_peer.py client
  websockets_peer.py linger URL           - as aiohttp_peer.py linger
  websockets_peer.py server COMPRESS [PING_INTERVAL] - as aiohttp_peer.py server, plus the
                      "cmd:ping" command; PING_INTERVAL turns on websockets' keepalive pings
COMPRESS 1 is websockets' default (permessage-deflate offered/accepted), 0 is compression=None,
"strict" permessage-deflate with small windows and no context takeover either way (RFC 7692
section 7.1): a peer that kept its context across messages would break the other's inflater.
"""
import asyncio
import sys

import peer_common as common

try:
    import websockets
    from websockets.extensions import permessage_deflate
    from websockets.legacy.server import WebSocketServerProtocol
except ImportError as error:
    common.missing("python3-websockets", error)

# Our side's parameters in "strict" mode, as the extension's fields name them.
STRICT = dict(server_max_window_bits=10, client_max_window_bits=9,
              server_no_context_takeover=True, client_no_context_takeover=True)


def deflate_options(mode, factory):
    """websockets' arguments for COMPRESS `mode`: compression, and extensions for "strict"."""
    if mode == "strict":
        return dict(compression=None, extensions=[factory(**STRICT)])
    return dict(compression="deflate" if mode == "1" else None)


def describe_extensions(ws):
    """The negotiated permessage-deflate as a line the test can check ("none" without it)."""
    if not ws.extensions:
        return "none"
    e = ws.extensions[0]
    return (f"remote_no_context_takeover={int(e.remote_no_context_takeover)} "
            f"local_no_context_takeover={int(e.local_no_context_takeover)} "
            f"remote_max_window_bits={e.remote_max_window_bits} "
            f"local_max_window_bits={e.local_max_window_bits}")


async def run_client(url, mode):
    options = deflate_options(mode, permessage_deflate.ClientPerMessageDeflateFactory)
    async with websockets.connect(url, max_size=common.MAX_SIZE, ping_interval=None,
                                  **options) as ws:
        common.say("compressed", int(bool(ws.extensions)))
        common.say("deflate", describe_extensions(ws))
        # The waiter resolves only for a pong carrying our payload.
        pong = await ws.ping(common.CLIENT_PING)
        await asyncio.wait_for(pong, common.RECEIVE_TIMEOUT)
        common.say("pong", common.CLIENT_PING.decode())

        async def send(is_text, payload):
            await ws.send(payload)  # str goes as text, bytes as binary

        async def receive():
            data = await asyncio.wait_for(ws.recv(), common.RECEIVE_TIMEOUT)
            return isinstance(data, str), data

        await common.client_exchange(send, receive)
        await ws.close(code=common.CLIENT_CLOSE_CODE, reason=common.CLIENT_CLOSE_REASON)
        common.say("close", ws.close_code)  # the code the server echoed
    common.say("ok")


async def run_linger(url):
    async with websockets.connect(url, ping_interval=None) as ws:
        await ws.send("linger")
        echo = await asyncio.wait_for(ws.recv(), common.RECEIVE_TIMEOUT)
        if echo != "linger":
            raise AssertionError(f"expected the echo of 'linger', got {echo!r}")
        common.say("ready")
        try:
            data = await asyncio.wait_for(ws.recv(), 30)
            common.say("unexpected message", repr(data))
        except websockets.ConnectionClosed as closed:
            common.say("closed", closed.rcvd.code if closed.rcvd else "none")


class CountingProtocol(WebSocketServerProtocol):
    """Counts pings sent (keepalive and cmd:ping) and the pongs that answered them."""

    # Not "pings": websockets' protocol keeps its outstanding pings in that attribute.
    ping_count = 0
    pong_count = 0

    async def ping(self, data=None):
        waiter = await super().ping(data)
        self.ping_count += 1

        def answered(future):
            if not future.cancelled() and future.exception() is None:
                self.pong_count += 1

        waiter.add_done_callback(answered)
        return waiter


async def run_server(mode, ping_interval):
    async def handler(ws, path=None):
        stats = common.Stats()
        try:
            async for data in ws:
                if isinstance(data, str) and data.startswith("cmd:"):
                    if data == "cmd:info":
                        await ws.send(stats.info(protocol=ws.subprotocol or "",
                                                 compressed=bool(ws.extensions),
                                                 deflate=describe_extensions(ws),
                                                 pings=ws.ping_count, pongs=ws.pong_count))
                    elif data == "cmd:ping":
                        pong = await ws.ping(common.PEER_PING)
                        await asyncio.wait_for(pong, common.RECEIVE_TIMEOUT)
                        await ws.send("pong-ok")
                    elif data == "cmd:close":
                        await ws.close(code=common.SERVER_CLOSE_CODE,
                                       reason=common.SERVER_CLOSE_REASON)
                        break
                    else:
                        await ws.send("unknown command " + data)
                else:
                    stats.add(data)
                    await ws.send(data)
        except websockets.ConnectionClosed:
            pass
        common.say("peer-closed", ws.close_code)

    server = await websockets.serve(
        handler, "127.0.0.1", 0,
        **deflate_options(mode, permessage_deflate.ServerPerMessageDeflateFactory),
        subprotocols=common.SERVER_PROTOCOLS, max_size=common.MAX_SIZE,
        ping_interval=ping_interval, ping_timeout=1.0 if ping_interval else None,
        create_protocol=CountingProtocol)
    common.say("port", server.sockets[0].getsockname()[1])
    await asyncio.sleep(120)  # the test kills us long before; this bounds an orphan's life


def main():
    role = sys.argv[1]
    if role == "client":
        asyncio.run(asyncio.wait_for(run_client(sys.argv[2], sys.argv[3]), 60))
    elif role == "linger":
        asyncio.run(run_linger(sys.argv[2]))
    else:
        interval = float(sys.argv[3]) if len(sys.argv) > 3 else None
        asyncio.run(run_server(sys.argv[2], interval))


if __name__ == "__main__":
    main()
