#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""python3-aiohttp as a WebSocket peer of tests/websocket/interop_test.cpp.

  aiohttp_peer.py client URL COMPRESS  - runs the exchange of peer_common against an ahttp echo
                                         server, closes with 4001; prints what it saw, then "ok"
  aiohttp_peer.py linger URL           - echoes one message, prints "ready", then waits for
                                         the server to close: "closed CODE"
  aiohttp_peer.py server COMPRESS [HEARTBEAT] - an echo server on 127.0.0.1:0 (first line of
                                         stdout: "port N"), commands in peer_common's protocol
COMPRESS is 1 or 0; HEARTBEAT is in seconds (aiohttp's heartbeat: ping, close if no pong).
"""
import asyncio
import sys

import peer_common as common

try:
    import aiohttp
    from aiohttp import web
except ImportError as error:
    common.missing("python3-aiohttp", error)


async def run_client(url, compress):
    # autoping off: the pong to our ping must reach receive() to be checked.
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, compress=15 if compress else 0, autoping=False,
                                      max_msg_size=common.MAX_SIZE) as ws:
            common.say("compressed", int(bool(ws.compress)))
            await ws.ping(common.CLIENT_PING)
            pong = await ws.receive(timeout=common.RECEIVE_TIMEOUT)
            if pong.type != aiohttp.WSMsgType.PONG or pong.data != common.CLIENT_PING:
                raise AssertionError(f"expected the pong to our ping, got {pong}")
            common.say("pong", pong.data.decode())

            async def send(is_text, payload):
                await (ws.send_str(payload) if is_text else ws.send_bytes(payload))

            async def receive():
                msg = await ws.receive(timeout=common.RECEIVE_TIMEOUT)
                if msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
                    return msg.type == aiohttp.WSMsgType.TEXT, msg.data
                raise AssertionError(f"expected a data message, got {msg}")

            await common.client_exchange(send, receive)
            await ws.close(code=common.CLIENT_CLOSE_CODE,
                           message=common.CLIENT_CLOSE_REASON.encode())
            common.say("close", ws.close_code)  # the code the server echoed
    common.say("ok")


async def run_linger(url):
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            await ws.send_str("linger")
            echo = await ws.receive(timeout=common.RECEIVE_TIMEOUT)
            if echo.data != "linger":
                raise AssertionError(f"expected the echo of 'linger', got {echo}")
            common.say("ready")
            msg = await ws.receive(timeout=30)
            common.say("closed", msg.data if msg.type == aiohttp.WSMsgType.CLOSE else msg.type)


class CountingResponse(web.WebSocketResponse):
    """Counts the heartbeat's pings and the pongs that did not come (aiohttp 3.8 internals)."""

    pings = 0
    missed = 0

    def _send_heartbeat(self):
        if not self.closed:
            self.pings += 1
        super()._send_heartbeat()

    def _pong_not_received(self):
        self.missed += 1
        common.say("pong-missed")
        super()._pong_not_received()


async def run_server(compress, heartbeat):
    async def handler(request):
        ws = CountingResponse(protocols=common.SERVER_PROTOCOLS, compress=compress,
                              heartbeat=heartbeat, max_msg_size=common.MAX_SIZE)
        await ws.prepare(request)
        stats = common.Stats()
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT and msg.data.startswith("cmd:"):
                if msg.data == "cmd:info":
                    await ws.send_str(stats.info(protocol=ws.ws_protocol or "",
                                                 compressed=bool(ws.compress),
                                                 pings=ws.pings, missed=ws.missed))
                elif msg.data == "cmd:close":
                    await ws.close(code=common.SERVER_CLOSE_CODE,
                                   message=common.SERVER_CLOSE_REASON.encode())
                    break
                else:
                    await ws.send_str("unknown command " + msg.data)
            elif msg.type == aiohttp.WSMsgType.TEXT:
                stats.add(msg.data)
                await ws.send_str(msg.data)
            elif msg.type == aiohttp.WSMsgType.BINARY:
                stats.add(msg.data)
                await ws.send_bytes(msg.data)
        # After our close this is the code the client echoed; after the client's, its code.
        common.say("peer-closed", ws.close_code)
        return ws

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    common.say("port", site._server.sockets[0].getsockname()[1])
    await asyncio.sleep(120)  # the test kills us long before; this bounds an orphan's life


def main():
    role = sys.argv[1]
    if role == "client":
        asyncio.run(asyncio.wait_for(run_client(sys.argv[2], sys.argv[3] == "1"), 60))
    elif role == "linger":
        asyncio.run(run_linger(sys.argv[2]))
    else:
        heartbeat = float(sys.argv[3]) if len(sys.argv) > 3 else None
        asyncio.run(run_server(sys.argv[2] == "1", heartbeat))


if __name__ == "__main__":
    main()
