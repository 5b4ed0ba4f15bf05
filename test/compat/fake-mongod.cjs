// A stand-in for mongod's GSSAPI authentication, for the MongoDB driver's real code path: it speaks
// the wire protocol (OP_QUERY/OP_REPLY for the legacy hello, OP_MSG for the rest, BSON from the
// driver's own `bson`) and hands each connection's saslStart/saslContinue payloads to a Cyrus SASL
// sample server of its own (`sasl-sample-server -s <service> -m GSSAPI`), which does the real
// GSSAPI work with MIT's library: the driver authenticates only if Cyrus says so.
//
//   node fake-mongod.cjs <dir with node_modules/bson> <service>
//   prints `port <n>`, then per authentication `auth <json: the Cyrus transcript's outcome>`
'use strict';
const { createServer } = require('node:net');
const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const { join } = require('node:path');

const BSON = require(join(process.argv[2], 'node_modules', 'bson'));
const service = process.argv[3] ?? 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

function hello() {
  return {
    ismaster: true,
    isWritablePrimary: true,
    helloOk: true,
    maxBsonObjectSize: 16777216,
    maxMessageSizeBytes: 48000000,
    maxWriteBatchSize: 100000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: 1,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

/** One Cyrus sample server per authenticating connection. */
function cyrus() {
  const p = spawn('stdbuf', ['-oL', 'sasl-sample-server', '-s', service, '-d', 'localhost', '-u', process.env.COMPAT_REALM ?? '', '-m', 'GSSAPI'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = [];
  let wake;
  createInterface({ input: p.stdout }).on('line', (l) => {
    lines.push(l);
    wake?.();
  });
  p.on('exit', () => wake?.());
  let seen = 0;
  const next = async () => {
    for (;;) {
      for (; seen < lines.length; seen++) {
        const l = lines[seen];
        if (l.startsWith('S:')) {
          seen++;
          return { data: l.slice(2).trim() };
        }
        if (l === 'Negotiation complete') {
          seen++;
          return { done: true };
        }
        if (/fail|error/i.test(l)) {
          seen++;
          return { error: l };
        }
      }
      if (p.exitCode !== null) return { error: `sasl-sample-server exited: ${lines.join(' | ')}` };
      await new Promise((r) => (wake = r));
    }
  };
  return {
    lines,
    send: (b64) => p.stdin.write(`C: ${b64}\n`),
    next,
    stop: () => p.kill(),
  };
}

async function command(doc, conn) {
  const name = Object.keys(doc)[0];
  if (name === 'hello' || name === 'ismaster' || name === 'isMaster') return hello();
  if (name === 'saslStart') {
    if (doc.mechanism !== 'GSSAPI') return { ok: 0, errmsg: `mechanism ${doc.mechanism}`, code: 2 };
    conn.sasl = cyrus();
    await conn.sasl.next(); // the mechanism list
    const token = Buffer.from(String(doc.payload), 'base64');
    conn.sasl.send(Buffer.concat([Buffer.from('GSSAPI\0'), token]).toString('base64'));
    return answer(conn);
  }
  if (name === 'saslContinue') {
    conn.sasl.send(String(doc.payload));
    return answer(conn);
  }
  if (name === 'ping' || name === 'endSessions') return { ok: 1 };
  if (name === 'whoami') return { user: conn.user ?? null, ok: 1 };
  return { ok: 1 };
}

async function answer(conn) {
  const r = await conn.sasl.next();
  if (r.error) {
    process.stdout.write(`auth ${JSON.stringify({ ok: false, lines: conn.sasl.lines })}\n`);
    conn.sasl.stop();
    return { ok: 0, errmsg: `Authentication failed: ${r.error}`, code: 18, codeName: 'AuthenticationFailed' };
  }
  if (r.done) {
    // wait for the transcript's Username line
    for (let i = 0; i < 50 && !conn.sasl.lines.some((l) => l.startsWith('SSF:')); i++) await new Promise((x) => setTimeout(x, 10));
    const user = (conn.sasl.lines.find((l) => l.startsWith('Username: ')) ?? '').slice('Username: '.length);
    conn.user = user;
    process.stdout.write(`auth ${JSON.stringify({ ok: true, lines: conn.sasl.lines.filter((l) => /^(Username|SSF|Negotiation)/.test(l)) })}\n`);
    conn.sasl.stop();
    return { conversationId: 1, done: true, payload: '', ok: 1 };
  }
  return { conversationId: 1, done: false, payload: r.data, ok: 1 };
}

function reply(socket, requestId, opCode, doc) {
  const body = BSON.serialize(doc);
  if (opCode === OP_QUERY) {
    const head = Buffer.alloc(16 + 20);
    head.writeInt32LE(head.length + body.length, 0);
    head.writeInt32LE(0, 4);
    head.writeInt32LE(requestId, 8);
    head.writeInt32LE(OP_REPLY, 12);
    head.writeInt32LE(0, 16); // responseFlags
    head.writeBigInt64LE(0n, 20); // cursorID
    head.writeInt32LE(0, 28); // startingFrom
    head.writeInt32LE(1, 32); // numberReturned
    socket.write(Buffer.concat([head, body]));
  } else {
    const head = Buffer.alloc(16 + 5);
    head.writeInt32LE(head.length + body.length, 0);
    head.writeInt32LE(0, 4);
    head.writeInt32LE(requestId, 8);
    head.writeInt32LE(OP_MSG, 12);
    head.writeUInt32LE(0, 16); // flagBits
    head.writeUInt8(0, 20); // section kind 0
    socket.write(Buffer.concat([head, body]));
  }
}

const server = createServer((socket) => {
  const conn = {};
  let buf = Buffer.alloc(0);
  let chain = Promise.resolve();
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 4 && buf.length >= buf.readInt32LE(0)) {
      const len = buf.readInt32LE(0);
      const msg = buf.subarray(0, len);
      buf = buf.subarray(len);
      const requestId = msg.readInt32LE(4);
      const opCode = msg.readInt32LE(12);
      let doc;
      if (opCode === OP_QUERY) {
        let o = 20;
        while (msg[o] !== 0) o++;
        o += 1 + 8; // the collection name's NUL, numberToSkip, numberToReturn
        doc = BSON.deserialize(msg.subarray(o, o + msg.readInt32LE(o)));
      } else if (opCode === OP_MSG) {
        const o = 21; // flagBits, section kind 0
        doc = BSON.deserialize(msg.subarray(o, o + msg.readInt32LE(o)));
      } else {
        socket.destroy();
        return;
      }
      chain = chain.then(async () => reply(socket, requestId, opCode, await command(doc, conn)));
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => conn.sasl?.stop());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
