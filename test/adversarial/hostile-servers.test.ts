// Hostile authoritative servers on real loopback sockets, through the real UDP/TCP transport: an
// answer from the wrong source port, a compression-pointer loop (ignored over UDP, 'malformed'
// over TCP, and the resolver moves on to the next server), and a 64 KiB TCP answer.
// test/resolver/udp-tcp-transport.test.ts covers wrong ID / wrong question; these extend it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { Opcode, Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { decodeMessage, encodeMessage } from '../../src/wire/message.ts';
import { Name } from '../../src/wire/name.ts';
import type { Message, Question, RR } from '../../src/wire/types.ts';
import { createUdpTcpTransport } from '../../src/resolver/udp-tcp-transport.ts';
import { createResolver } from '../../src/resolver/index.ts';
import { TestClock } from '../resolver/fake-hierarchy.ts';
import { query } from '../resolver/hierarchy.ts';

const HOST = '127.0.0.1';
const TIMEOUT_MS = 300;
const HEADER = 12;
const MAX_TCP_MESSAGE = 0xffff;

type UdpReply = (q: Message, clientPort: number, send: (b: Uint8Array) => void) => void;
type TcpReply = (q: Message) => Uint8Array;

function response(q: Message, answer: RR[], over: Partial<Message> = {}): Message {
  return {
    id: q.id, opcode: Opcode.QUERY, flags: { qr: true, aa: true, tc: false, rd: false, ra: false, z: false, ad: false, cd: false },
    rcode: Rcode.NOERROR, question: q.question, answer, authority: [], additional: [], ...over,
  };
}

function a(name: Name, last: number): RR {
  return { name, type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(10, 0, last >> 8, last & 0xff) };
}

/** A UDP (and optionally TCP) server on 127.0.0.1 that counts the queries it gets. */
async function server(udp: UdpReply, tcp?: TcpReply): Promise<{ port: number; queries: () => number; close(): void }> {
  let count = 0;
  let tcpServer: net.Server | undefined;
  let port = 0;
  if (tcp !== undefined) {
    tcpServer = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('error', () => {});
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        const d = decodeMessage(new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        if (!d.ok) return;
        count++;
        const bytes = tcp(d.message);
        const out = Buffer.alloc(2 + bytes.length);
        out.writeUInt16BE(bytes.length, 0);
        out.set(bytes, 2);
        sock.write(out);
      });
    });
    await new Promise<void>((r) => tcpServer?.listen(0, HOST, () => r()));
    port = (tcpServer.address() as net.AddressInfo).port;
  }
  const sock = dgram.createSocket('udp4');
  sock.on('message', (buf, rinfo) => {
    const d = decodeMessage(new Uint8Array(buf));
    if (!d.ok) return;
    count++;
    udp(d.message, rinfo.port, (b) => sock.send(b, rinfo.port, rinfo.address));
  });
  await new Promise<void>((r) => sock.bind(port, HOST, () => r()));
  return { port: sock.address().port, queries: () => count, close: () => { sock.close(); tcpServer?.close(); } };
}

/** The encoded response with its first answer's owner replaced by a pointer to itself. */
function pointerLoop(q: Message): Uint8Array {
  const good = encodeMessage(response(q, [a(q.question[0].name, 1)]));
  // The question ends at HEADER + name + 4; the answer's owner starts right after it.
  const qnameLen = q.question[0].name.toWire().length;
  const at = HEADER + qnameLen + 4;
  const out = new Uint8Array(at + 2 + (good.length - at - qnameLen));
  out.set(good.subarray(0, at));
  out[at] = 0xc0 | (at >> 8);
  out[at + 1] = at & 0xff;
  out.set(good.subarray(at + qnameLen), at + 2);
  return out;
}

const question: Question = { name: Name.of('www.evil.lab'), type: RRType.A, class: RRClass.IN };
const opts = { rd: false, cd: false, dnssecOk: true, tcp: false, timeoutMs: TIMEOUT_MS };

test('an answer from the right address but the wrong source port is ignored; the right one is taken', async () => {
  const other = dgram.createSocket('udp4');
  await new Promise<void>((r) => other.bind(0, HOST, () => r()));
  // An on-path spoofer knows our port, ID and question; its datagram comes from another port and
  // arrives first. The genuine answer follows.
  const srv = await server((q, clientPort, send) => {
    other.send(encodeMessage(response(q, [a(q.question[0].name, 666)])), clientPort, HOST, () => {
      setTimeout(() => send(encodeMessage(response(q, [a(q.question[0].name, 1)]))), 20);
    });
  });
  try {
    const transport = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const got = await transport.query({ address: HOST, port: srv.port }, question, opts);
    assert.ok(got.ok, got.ok ? '' : got.detail);
    if (got.ok) assert.deepEqual([...got.message.answer[0].rdata], [10, 0, 0, 1]);
    assert.equal(transport.stats.mismatches, 1, 'the wrong-port datagram was counted and ignored');
  } finally {
    other.close();
    srv.close();
  }
});

test('a compression pointer loop: ignored over UDP (a spoofer cannot end the query with garbage), malformed over TCP', async () => {
  assert.equal(decodeMessage(pointerLoop(decodeOrThrow(encodeQuery()))).ok, false, 'the crafted reply really is undecodable');
  const udpOnly = await server((q, _p, send) => send(pointerLoop(q)));
  const viaTcp = await server(
    (q, _p, send) => send(encodeMessage(response(q, [], { flags: { qr: true, aa: true, tc: true, rd: false, ra: false, z: false, ad: false, cd: false } }))),
    (q) => pointerLoop(q),
  );
  try {
    const transport = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const u = await transport.query({ address: HOST, port: udpOnly.port }, question, opts);
    assert.equal(u.ok, false);
    if (!u.ok) assert.equal(u.kind, 'timeout');
    assert.equal(transport.stats.malformed, 1);
    const t = await transport.query({ address: HOST, port: viaTcp.port }, question, opts);
    assert.equal(t.ok, false);
    if (!t.ok) assert.equal(t.kind, 'malformed');
    assert.equal(transport.stats.malformed, 2);
  } finally {
    udpOnly.close();
    viaTcp.close();
  }
});

test('the resolver moves past a server that sends a pointer loop to the next one', async () => {
  const bad = await server(
    (q, _p, send) => send(encodeMessage(response(q, [], { flags: { qr: true, aa: true, tc: true, rd: false, ra: false, z: false, ad: false, cd: false } }))),
    (q) => pointerLoop(q),
  );
  const good = await server((q, _p, send) => send(encodeMessage(response(q, [a(q.question[0].name, 7)]))));
  try {
    const transport = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const r = createResolver(
      {
        stubZones: [{ zone: Name.of('evil.lab'), addresses: [{ address: HOST, port: bad.port }, { address: HOST, port: good.port }] }],
        allowLoopbackUpstreams: true, limits: { upstreamTimeoutMs: TIMEOUT_MS },
      },
      { transport, clock: new TestClock(), random: () => 0.99 },
    );
    const o = await r.resolve(query('www.evil.lab', RRType.A));
    assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons));
    assert.deepEqual([...o.answer[0].rdata[0]], [10, 0, 0, 7]);
    assert.ok(bad.queries() >= 1, 'the bad server was asked first');
    assert.ok(transport.stats.malformed >= 1);
  } finally {
    bad.close();
    good.close();
  }
});

test('a 64 KiB answer over TCP (thousands of records) is handled and bounded by the 16-bit length', async () => {
  const RECORDS = 4000;
  let size = 0;
  const srv = await server(
    (q, _p, send) => send(encodeMessage(response(q, [], { flags: { qr: true, aa: true, tc: true, rd: false, ra: false, z: false, ad: false, cd: false } }))),
    (q) => {
      const b = encodeMessage(response(q, Array.from({ length: RECORDS }, (_, i) => a(q.question[0].name, i))));
      size = b.length;
      return b;
    },
  );
  try {
    const transport = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const r = createResolver(
      { stubZones: [{ zone: Name.of('evil.lab'), addresses: [{ address: HOST, port: srv.port }] }], allowLoopbackUpstreams: true, limits: { upstreamTimeoutMs: 2000 } },
      { transport, clock: new TestClock() },
    );
    const o = await r.resolve(query('www.evil.lab', RRType.A));
    assert.ok(size > 60_000 && size <= MAX_TCP_MESSAGE, `answer of ${size} octets`);
    assert.equal(o.rcode, Rcode.NOERROR, JSON.stringify(o.reasons));
    assert.equal(o.answer[0].rdata.length, RECORDS);
    assert.equal(transport.stats.tcpRetries, 1);
  } finally {
    srv.close();
  }
});

function encodeQuery(): Uint8Array {
  return encodeMessage({
    id: 1, opcode: Opcode.QUERY, flags: { qr: false, aa: false, tc: false, rd: false, ra: false, z: false, ad: false, cd: false },
    rcode: 0, question: [question], answer: [], authority: [], additional: [],
  });
}

function decodeOrThrow(b: Uint8Array): Message {
  const d = decodeMessage(b);
  if (!d.ok) throw new Error(d.error);
  return d.message;
}
