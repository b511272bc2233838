// SPDX-License-Identifier: BSL-1.0
// node's `ws` (npm, from tests/browser/node_modules) as a WebSocket peer of
// tests/websocket/interop_test.cpp; the same roles, messages and commands as peer_common.py.
//
//   node ws_peer.mjs client URL COMPRESS  - the exchange against an ahttp echo server
//   node ws_peer.mjs linger URL           - echoes one message, prints "ready", then waits
//                                           for the server to close: "closed CODE"
//   node ws_peer.mjs server COMPRESS      - an echo server on 127.0.0.1:0 ("port N" first)
// COMPRESS 1 turns perMessageDeflate on (offered by the client, accepted by the server).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
// ws is installed for the browser tests; resolve it from there, whatever the cwd.
const require = createRequire(path.join(here, '..', '..', 'browser', 'package.json'));
let ws;
try {
  ws = require('ws');
} catch (error) {
  console.error(`peer unavailable: ${error.message}; run npm ci in tests/browser ` +
                '(scripts/install-deps.sh)');
  process.exit(3);
}
if (typeof zlib.crc32 !== 'function') {
  console.error(`peer unavailable: node ${process.version} has no zlib.crc32 (needs >= 20.15)`);
  process.exit(3);
}

const TEXT = 'hello: h\u00e9llo w\u00f6rld \u2713';
const CLIENT_CLOSE = [4001, 'client says bye'];
const SERVER_CLOSE = [4002, 'server says bye'];
const SERVER_PROTOCOLS = ['chat.v2', 'chat.v1'];
const PEER_PING = Buffer.from('peer-ping-1');
const CLIENT_PING = Buffer.from('client-ping');
const MAX_SIZE = 8 << 20;
const RECEIVE_TIMEOUT_MS = 10000;

function bigBinary() {
  // As peer_common.big_binary: the product stays below 2^53, so it is exact in a double.
  const data = Buffer.alloc(1 << 20);
  for (let i = 0; i < data.length; ++i) {
    data[i] = Math.floor((i * 2654435761) / 8192) % 256;
  }
  return data;
}

function messages() {
  const result = [
    { text: true, data: Buffer.from(TEXT) },
    { text: false, data: Buffer.from([...Array(256).keys()]) },
    { text: false, data: bigBinary() },
  ];
  for (let i = 0; i < 100; ++i) {
    result.push({ text: true, data: Buffer.from(`message ${i}`) });
  }
  return result;
}

function say(...words) {
  process.stdout.write(words.join(' ') + '\n');
}

// Messages as they arrive, read one at a time with a time limit.
function inbox(socket) {
  const queue = [];
  const waiting = [];
  socket.on('message', (data, isBinary) => {
    const item = { text: !isBinary, data: Buffer.from(data) };
    if (waiting.length > 0) {
      waiting.shift()(item);
    } else {
      queue.push(item);
    }
  });
  return () => {
    if (queue.length > 0) {
      return Promise.resolve(queue.shift());
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 10 s')),
                               RECEIVE_TIMEOUT_MS);
      waiting.push((item) => {
        clearTimeout(timer);
        resolve(item);
      });
    });
  };
}

function checkEcho(index, expected, got) {
  if (expected.text !== got.text || !expected.data.equals(got.data)) {
    throw new Error(`echo ${index}: expected ${expected.text ? 'text' : 'binary'} of ` +
                    `${expected.data.length}, got ${got.text ? 'text' : 'binary'} of ` +
                    `${got.data.length}`);
  }
}

function send(socket, item) {
  socket.send(item.text ? item.data.toString('utf8') : item.data, { binary: !item.text });
}

async function runClient(url, compress) {
  const socket = new ws.WebSocket(url, { perMessageDeflate: compress, maxPayload: MAX_SIZE });
  const receive = inbox(socket);
  const closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  say('compressed', socket.extensions.includes('permessage-deflate') ? 1 : 0);

  const pong = new Promise((resolve) => socket.once('pong', resolve));
  socket.ping(CLIENT_PING);
  const pongData = await pong;
  if (!pongData.equals(CLIENT_PING)) {
    throw new Error(`pong carried ${pongData}, not ${CLIENT_PING}`);
  }
  say('pong', pongData.toString());

  const sequence = messages();
  for (let i = 0; i < 3; ++i) {
    send(socket, sequence[i]);
    checkEcho(i, sequence[i], await receive());
  }
  for (let i = 3; i < sequence.length; ++i) {
    send(socket, sequence[i]);
  }
  for (let i = 3; i < sequence.length; ++i) {
    checkEcho(i, sequence[i], await receive());
  }
  socket.close(...CLIENT_CLOSE);
  say('close', await closed); // the code the server echoed
  say('ok');
}

async function runLinger(url) {
  const socket = new ws.WebSocket(url);
  const receive = inbox(socket);
  const closed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send('linger');
  const echo = await receive();
  if (!echo.text || echo.data.toString() !== 'linger') {
    throw new Error(`expected the echo of 'linger', got ${echo.data}`);
  }
  say('ready');
  say('closed', await closed);
}

function runServer(compress) {
  const server = new ws.WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: compress,
    maxPayload: MAX_SIZE,
    handleProtocols: (offered) => SERVER_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  server.on('listening', () => say('port', server.address().port));
  server.on('connection', (socket) => {
    const stats = { messages: 0, bytes: 0, crc32: 0 };
    socket.on('close', (code) => say('peer-closed', code));
    socket.on('message', (data, isBinary) => {
      const buffer = Buffer.from(data);
      const text = isBinary ? null : buffer.toString('utf8');
      if (text === 'cmd:info') {
        socket.send(JSON.stringify({
          ...stats,
          protocol: socket.protocol,
          compressed: socket.extensions.includes('permessage-deflate'),
        }));
      } else if (text === 'cmd:ping') {
        socket.once('pong', (payload) => {
          socket.send(payload.equals(PEER_PING) ? 'pong-ok' : `pong-bad ${payload}`);
        });
        socket.ping(PEER_PING);
      } else if (text === 'cmd:close') {
        socket.close(...SERVER_CLOSE);
      } else if (text !== null && text.startsWith('cmd:')) {
        socket.send(`unknown command ${text}`);
      } else {
        stats.messages += 1;
        stats.bytes += buffer.length;
        stats.crc32 = zlib.crc32(buffer, stats.crc32);
        socket.send(isBinary ? buffer : text, { binary: isBinary });
      }
    });
  });
  // The test kills us long before; this bounds an orphan's life.
  setTimeout(() => process.exit(0), 120000);
}

const [role, ...args] = process.argv.slice(2);
if (role === 'client' || role === 'linger') {
  const timer = setTimeout(() => {
    console.error(`${role} took over 60 s`);
    process.exit(2);
  }, 60000);
  const run = role === 'client' ? runClient(args[0], args[1] === '1') : runLinger(args[0]);
  run.then(
    () => {
      clearTimeout(timer);
      process.exit(0);
    },
    (error) => {
      console.error(error.stack ?? String(error));
      process.exit(1);
    });
} else {
  runServer(args[0] === '1');
}
