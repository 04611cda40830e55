// The real transport against fake servers on loopback: spoofed answers (wrong ID, wrong question)
// are ignored, TC=1 is retried over TCP, loopback needs allowLoopbackUpstreams, and a hostile
// server's out-of-bailiwick records never reach the answer or the cache.
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
import { query } from './hierarchy.ts';
import { TestClock } from './fake-hierarchy.ts';

const HOST = '127.0.0.1';
const TIMEOUT_MS = 400;

type Handler = (q: Message, send: (m: Message) => void) => void;

function response(q: Message, over: Partial<Message>): Message {
  return {
    id: q.id, opcode: Opcode.QUERY,
    flags: { qr: true, aa: true, tc: false, rd: q.flags.rd, ra: false, z: false, ad: false, cd: false },
    rcode: Rcode.NOERROR, question: q.question, answer: [], authority: [], additional: [], ...over,
  };
}

const a = (name: string, last: number): RR => ({ name: Name.of(name), type: RRType.A, class: RRClass.IN, ttl: 300, rdata: Uint8Array.of(192, 0, 2, last) });

/** A UDP server (and, optionally, a TCP one on the same port) on loopback. */
async function fakeServer(udp: Handler, tcp?: Handler): Promise<{ port: number; received: Message[]; close(): void }> {
  const received: Message[] = [];
  let tcpServer: net.Server | undefined;
  let port = 0;
  if (tcp !== undefined) {
    tcpServer = net.createServer((sock) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (buf.length < 2 || buf.length < 2 + buf.readUInt16BE(0)) return;
        const d = decodeMessage(new Uint8Array(buf.subarray(2, 2 + buf.readUInt16BE(0))));
        if (!d.ok) return;
        received.push(d.message);
        tcp(d.message, (m) => {
          const bytes = encodeMessage(m);
          const out = Buffer.alloc(2 + bytes.length);
          out.writeUInt16BE(bytes.length, 0);
          out.set(bytes, 2);
          sock.write(out);
        });
      });
    });
    await new Promise<void>((r) => tcpServer?.listen(0, HOST, () => r()));
    port = (tcpServer.address() as net.AddressInfo).port;
  }
  const sock = dgram.createSocket('udp4');
  sock.on('message', (buf, rinfo) => {
    const d = decodeMessage(new Uint8Array(buf));
    if (!d.ok) return;
    received.push(d.message);
    udp(d.message, (m) => sock.send(encodeMessage(m), rinfo.port, rinfo.address));
  });
  await new Promise<void>((r) => sock.bind(port, HOST, () => r()));
  port = sock.address().port;
  return { port, received, close: () => { sock.close(); tcpServer?.close(); } };
}

const question: Question = { name: Name.of('www.evil.lab'), type: RRType.A, class: RRClass.IN };
const opts = { rd: false, cd: false, dnssecOk: true, tcp: false, timeoutMs: TIMEOUT_MS };

test('answers with a wrong ID or a wrong question are ignored; the right one is taken', async () => {
  const srv = await fakeServer((q, send) => {
    send(response(q, { id: (q.id + 1) & 0xffff, answer: [a('www.evil.lab', 66)] }));
    send(response(q, { question: [{ ...question, name: Name.of('other.evil.lab') }], answer: [a('other.evil.lab', 66)] }));
    send(response(q, { answer: [a('www.EVIL.lab', 1)], question: [{ ...question, name: Name.of('WWW.evil.LAB') }] }));
  });
  try {
    const t = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const r = await t.query({ address: HOST, port: srv.port }, question, opts);
    assert.equal(r.ok, true);
    if (r.ok) assert.equal(r.message.answer[0].rdata[3], 1);
    assert.equal(t.stats.mismatches, 2);
    // The query itself: EDNS with DO=1 and a 1232-octet buffer.
    assert.equal(srv.received[0].edns?.dnssecOk, true);
    assert.equal(srv.received[0].edns?.udpSize, 1232);
  } finally {
    srv.close();
  }
});

test('only spoofed answers: the query times out', async () => {
  const srv = await fakeServer((q, send) => send(response(q, { id: (q.id + 1) & 0xffff })));
  try {
    const t = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const r = await t.query({ address: HOST, port: srv.port }, question, opts);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.kind, 'timeout');
    assert.equal(t.stats.mismatches, 1);
  } finally {
    srv.close();
  }
});

test('TC=1 is retried over TCP', async () => {
  const srv = await fakeServer(
    (q, send) => send(response(q, { flags: { qr: true, aa: true, tc: true, rd: false, ra: false, z: false, ad: false, cd: false } })),
    (q, send) => send(response(q, { answer: [a('www.evil.lab', 2)] })),
  );
  try {
    const t = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const r = await t.query({ address: HOST, port: srv.port }, question, opts);
    assert.equal(r.ok, true);
    if (r.ok) {
      assert.equal(r.tcp, true);
      assert.equal(r.message.answer.length, 1);
    }
    assert.equal(t.stats.tcpRetries, 1);
  } finally {
    srv.close();
  }
});

test('loopback destinations are refused unless allowed', async () => {
  const srv = await fakeServer((q, send) => send(response(q, {})));
  try {
    const t = createUdpTcpTransport({ allowLoopbackUpstreams: false });
    const r = await t.query({ address: HOST, port: srv.port }, question, opts);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.kind, 'network');
    assert.equal(srv.received.length, 0);
  } finally {
    srv.close();
  }
});

test('a hostile server: out-of-bailiwick records are not answered and never cached', async () => {
  const srv = await fakeServer((q, send) =>
    send(response(q, {
      answer: [a('www.evil.lab', 3), a('victim.lab', 66)],
      authority: [{ name: Name.of('lab'), type: RRType.NS, class: RRClass.IN, ttl: 300, rdata: Name.of('ns.evil.lab').toWire() }],
      additional: [a('ns.evil.lab', 66), a('bank.example', 66)],
    })),
  );
  try {
    const transport = createUdpTcpTransport({ allowLoopbackUpstreams: true });
    const r = createResolver(
      { stubZones: [{ zone: Name.of('evil.lab'), addresses: [{ address: HOST, port: srv.port }] }], limits: { upstreamTimeoutMs: TIMEOUT_MS } },
      { transport, clock: new TestClock() },
    );
    const o = await r.resolve(query('www.evil.lab', RRType.A));
    assert.equal(o.rcode, Rcode.NOERROR);
    assert.deepEqual(o.answer.map((s) => s.name.toString()), ['www.evil.lab.']);
    assert.equal(r.cache.has(Name.of('victim.lab'), RRType.A, RRClass.IN), false);
    assert.equal(r.cache.has(Name.of('lab'), RRType.NS, RRClass.IN), false);
    assert.equal(r.cache.has(Name.of('bank.example'), RRType.A, RRClass.IN), false);
    assert.equal(r.cache.has(Name.of('www.evil.lab'), RRType.A, RRClass.IN), true);
    const cached = await r.resolve(query('victim.lab', RRType.A, { rd: false }));
    assert.equal(cached.rcode, Rcode.REFUSED);
  } finally {
    srv.close();
  }
});
