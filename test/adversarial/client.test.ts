// Hostile clients against the serving side (src/server/): random and mutated datagrams, broken TCP
// framing, slow and never-reading clients, connection floods. A fake resolve stands in for the
// resolver so every test is about the listeners and the frontend. The property throughout: the
// daemon never throws, answers what it can with an error RCODE, and keeps serving everyone else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { once } from 'node:events';
import { defaultConfig } from '../../src/config/config.ts';
import { startDaemon, type Daemon, type DaemonConfig } from '../../src/server/daemon.ts';
import { createFrontend } from '../../src/server/frontend.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { decodeMessage } from '../../src/wire/message.ts';
import type { Outcome, Resolve } from '../../src/wire/outcome.ts';
import { TcpClient, UdpClient, decode, query } from '../server/dns-client.ts';
import { aRdata, rrset, txtRdata } from '../server/fake-zone.ts';
import { mulberry32 } from './random.ts';

const HEADER = 12;
const FUZZ_COUNT = 20_000;
const FUZZ_SEED = 0x5eed;
const UDP_BATCH = 200;
/** Every RCODE a response to garbage may carry; anything else (or no header) is a defect. */
const ALLOWED_RCODES: ReadonlySet<number> = new Set([Rcode.NOERROR, Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NXDOMAIN, Rcode.NOTIMP, Rcode.REFUSED, Rcode.BADVERS]);

/** A resolve that answers A for any name and a ~50 KB TXT for big.example., counting calls and concurrency. */
class CountingResolve {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Each answer waits this many turns of the event loop, so pipelined queries really overlap. */
  delayTurns = 0;
  readonly resolve: Resolve = async (q): Promise<Outcome> => {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      for (let i = 0; i < this.delayTurns; i++) await new Promise((r) => setImmediate(r));
      const name = q.question.name.toString();
      const answer = name === 'big.example.' ? [rrset(name, RRType.TXT, [txtRdata(200, 250)])] : [rrset(name, RRType.A, [aRdata('192.0.2.1')])];
      return { rcode: Rcode.NOERROR, answer, authority: [], additional: [], security: 'insecure', reasons: [] };
    } finally {
      this.inFlight--;
    }
  };
}

function config(tcp: Partial<DaemonConfig['tcp']> = {}): DaemonConfig {
  const d = defaultConfig();
  return { listen: ['127.0.0.1:0'], maxUdpSize: d.maxUdpSize, queryLog: false, tcp: { ...d.tcp, ...tcp } };
}

async function start(r: CountingResolve, c: DaemonConfig = config()): Promise<{ daemon: Daemon; port: number }> {
  const s = await startDaemon(c, r.resolve, { closeGraceMs: 500 });
  assert.ok(s.ok, s.ok ? '' : s.error.message);
  return { daemon: s.daemon, port: s.daemon.addresses[0].port };
}

/** A valid query, then mutated: octets flipped, cut short, extended, header counts rewritten. */
function fuzzCase(rand: () => number, i: number): Uint8Array {
  const kind = i % 4;
  if (kind === 0) {
    const n = Math.floor(rand() * 600);
    return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
  }
  const base = query({ id: i & 0xffff, name: `n${i}.example.`, type: RRType.A, edns: i % 3 === 0 ? { dnssecOk: true } : undefined });
  const b = new Uint8Array(base);
  if (kind === 1) {
    const flips = 1 + Math.floor(rand() * 6);
    for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
    return b;
  }
  if (kind === 2) return b.subarray(0, Math.floor(rand() * b.length));
  // Header counts and a compression pointer aimed at itself or past the end.
  b[5] = Math.floor(rand() * 4);
  b[7] = Math.floor(rand() * 4);
  b[11] = Math.floor(rand() * 4);
  const p = HEADER + Math.floor(rand() * (b.length - HEADER));
  b[p] = 0xc0;
  b[p + 1] = Math.floor(rand() * 256);
  const extra = Uint8Array.from({ length: Math.floor(rand() * 40) }, () => Math.floor(rand() * 256));
  const out = new Uint8Array(b.length + extra.length);
  out.set(b);
  out.set(extra, b.length);
  return out;
}

const qrOf = (b: Uint8Array) => (b[2] & 0x80) !== 0;
const idOf = (b: Uint8Array) => (b[0] << 8) | b[1];

test('frontend: 20k random and mutated messages — every readable query header gets a decodable answer with an allowed RCODE', async () => {
  const r = new CountingResolve();
  const frontend = createFrontend({ resolve: r.resolve, maxUdpSize: 1232 });
  const rand = mulberry32(FUZZ_SEED);
  const rcodes = new Map<number, number>();
  let answered = 0;
  for (let i = 0; i < FUZZ_COUNT; i++) {
    const bytes = fuzzCase(rand, i);
    const response = await frontend(bytes, { transport: i % 2 === 0 ? 'udp' : 'tcp', client: { address: '127.0.0.2', port: 5353 } });
    const readableQuery = bytes.length >= HEADER && !qrOf(bytes);
    if (!readableQuery) {
      assert.equal(response, null, `case ${i}: no header or QR=1 must be dropped`);
      continue;
    }
    assert.ok(response !== null, `case ${i}: a query with a readable header is answered`);
    const d = decodeMessage(response);
    assert.ok(d.ok, `case ${i}: our response does not decode: ${d.ok ? '' : d.error}`);
    const m = d.message;
    assert.equal(m.flags.qr, true);
    assert.equal(m.id, idOf(bytes), `case ${i}: ID echoed`);
    assert.ok(ALLOWED_RCODES.has(m.rcode), `case ${i}: rcode ${m.rcode}`);
    rcodes.set(m.rcode, (rcodes.get(m.rcode) ?? 0) + 1);
    answered++;
  }
  // The corpus must exercise the error paths, not only the happy one.
  assert.ok((rcodes.get(Rcode.FORMERR) ?? 0) > 1000, `FORMERR count: ${JSON.stringify([...rcodes])}`);
  assert.ok((rcodes.get(Rcode.NOERROR) ?? 0) > 100, `NOERROR count: ${JSON.stringify([...rcodes])}`);
  assert.ok(answered > FUZZ_COUNT / 2);
});

test('UDP: 20k random and mutated datagrams, then a valid query still answers; every reply is well formed', async () => {
  const r = new CountingResolve();
  const { daemon, port } = await start(r);
  const c = await UdpClient.open();
  const replies: Uint8Array[] = [];
  try {
    const rand = mulberry32(FUZZ_SEED + 1);
    for (let i = 0; i < FUZZ_COUNT; i++) {
      c.send(fuzzCase(rand, i), port);
      // Batches let the event loop run the daemon: UDP may drop under overload, which is fine, but
      // the point is to exercise the frontend, not the kernel's socket buffer.
      if (i % UDP_BATCH === UDP_BATCH - 1) await new Promise((res) => setTimeout(res, 1));
    }
    // The valid query may itself be dropped by a full socket buffer: re-sent until answered.
    const probe = query({ id: 0xbeef, name: 'still.example.', type: RRType.A });
    c.send(probe, port);
    const resend = setInterval(() => c.send(probe, port), 200);
    for (;;) {
      const b = await c.next();
      if (idOf(b) === 0xbeef && qrOf(b)) {
        const m = decode(b);
        if (m.question[0]?.name.toString() === 'still.example.') {
          assert.equal(m.rcode, Rcode.NOERROR);
          assert.deepEqual(m.answer[0].rdata, aRdata('192.0.2.1'));
          clearInterval(resend);
          break;
        }
      }
      replies.push(b);
    }
    for (const b of replies) {
      const d = decodeMessage(b);
      assert.ok(d.ok, `a reply does not decode: ${d.ok ? '' : d.error}`);
      assert.ok(ALLOWED_RCODES.has(d.message.rcode));
    }
    assert.ok(replies.length > 0);
  } finally {
    c.close();
    await daemon.close();
  }
});

/** Resolves when the server closes the connection (or it errors). */
function rawTcp(port: number): Promise<{ write(b: Uint8Array): Promise<void>; closed: Promise<void>; end(): void; destroy(): void; received: () => number }> {
  const s = connect({ host: '127.0.0.1', port, noDelay: true });
  let bytes = 0;
  s.on('data', (d: Buffer) => {
    bytes += d.length;
  });
  s.on('error', () => {});
  const closed = new Promise<void>((res) => s.once('close', () => res()));
  return once(s, 'connect').then(() => ({
    write: (b: Uint8Array) => new Promise<void>((res) => s.write(b, () => res())),
    closed,
    end: () => s.end(),
    destroy: () => s.destroy(),
    received: () => bytes,
  }));
}

async function stillServes(port: number, id: number): Promise<void> {
  const t = await TcpClient.open(port);
  try {
    await t.send(query({ id, name: 'ok.example.', type: RRType.A }));
    assert.equal(decode(await t.next()).id, id);
  } finally {
    t.close();
  }
  const u = await UdpClient.open();
  try {
    u.send(query({ id: id + 1, name: 'ok.example.', type: RRType.A }), port);
    assert.equal(decode(await u.next()).id, id + 1);
  } finally {
    u.close();
  }
}

test('TCP: a zero length prefix is dropped (no header), the connection goes on and the daemon serves', async () => {
  const r = new CountingResolve();
  const { daemon, port } = await start(r);
  const c = await TcpClient.open(port);
  try {
    await c.write(Uint8Array.of(0, 0));
    await c.write(Uint8Array.of(0, 1, 0xff));
    await c.send(query({ id: 7, name: 'after.example.', type: RRType.A }));
    assert.equal(decode(await c.next()).id, 7, 'the next framed query on the same connection is answered');
    assert.equal(r.calls, 1);
    await stillServes(port, 100);
  } finally {
    c.close();
    await daemon.close();
  }
});

test('TCP: a query trickled one octet at a time is cut off by the idle timeout (slowloris), not by its progress', async () => {
  const r = new CountingResolve();
  const { daemon, port } = await start(r, config({ idleTimeoutMs: 150 }));
  const c = await rawTcp(port);
  try {
    const framed = Uint8Array.of(0, 200, ...new Uint8Array(200));
    let sent = 0;
    let closed = false;
    void c.closed.then(() => (closed = true));
    // One octet every 20 ms would need 4 s; the idle timer (not reset by partial data) ends it.
    while (!closed && sent < framed.length) {
      await c.write(framed.subarray(sent, sent + 1));
      sent++;
      await new Promise((res) => setTimeout(res, 20));
    }
    await c.closed;
    assert.ok(sent < framed.length, `the daemon waited for all ${sent} octets`);
    assert.equal(r.calls, 0);
    await stillServes(port, 200);
  } finally {
    c.destroy();
    await daemon.close();
  }
});

test('TCP: a declared length of 65535 with 10 octets, then close: nothing resolved, the daemon serves', async () => {
  const r = new CountingResolve();
  const { daemon, port } = await start(r);
  const c = await rawTcp(port);
  await c.write(Uint8Array.of(0xff, 0xff, ...new Uint8Array(10).fill(0x41)));
  c.end();
  await c.closed;
  assert.equal(r.calls, 0);
  assert.equal(c.received(), 0);
  await stillServes(port, 300);
  await daemon.close();
});

test('TCP: 2000 pipelined queries on one connection are all answered, never more than the in-flight cap at once', async () => {
  const CAP = 10;
  const N = 2000;
  const r = new CountingResolve();
  r.delayTurns = 3;
  const { daemon, port } = await start(r, config({ maxInFlightPerConnection: CAP }));
  const c = await TcpClient.open(port);
  try {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < N; i++) {
      const q = query({ id: i, name: `p${i}.example.`, type: RRType.A });
      chunks.push(Uint8Array.of(q.length >> 8, q.length & 0xff), q);
    }
    await c.write(Buffer.concat(chunks));
    const ids = new Set<number>();
    for (let i = 0; i < N; i++) {
      const m = decode(await c.next());
      assert.equal(m.rcode, Rcode.NOERROR);
      assert.equal(m.question[0].name.toString(), `p${m.id}.example.`);
      ids.add(m.id);
    }
    assert.equal(ids.size, N);
    assert.ok(r.maxInFlight <= CAP, `max in flight ${r.maxInFlight} > ${CAP}`);
    assert.ok(r.maxInFlight > 1, 'the queries did overlap');
  } finally {
    c.close();
    await daemon.close();
  }
});

test('TCP: connections beyond maxConnections are closed while UDP and the accepted ones keep working; freed slots are reused', async () => {
  const MAX = 4;
  const r = new CountingResolve();
  const { daemon, port } = await start(r, config({ maxConnections: MAX }));
  const held: TcpClient[] = [];
  try {
    for (let i = 0; i < MAX; i++) {
      const c = await TcpClient.open(port);
      await c.send(query({ id: i, name: 'held.example.', type: RRType.A }));
      await c.next();
      held.push(c);
    }
    const extra = await Promise.all(Array.from({ length: 20 }, () => TcpClient.open(port)));
    await Promise.all(extra.map((c) => c.closed));
    const u = await UdpClient.open();
    u.send(query({ id: 99, name: 'udp.example.', type: RRType.A }), port);
    assert.equal(decode(await u.next()).id, 99, 'UDP is not affected by the TCP cap');
    u.close();
    await held[0].send(query({ id: 50, name: 'held.example.', type: RRType.A }));
    assert.equal(decode(await held[0].next()).id, 50);
    held.pop()?.close();
    // The slot is free once the server has seen the close; retry until a connection is kept.
    for (;;) {
      const c = await TcpClient.open(port);
      const got = await Promise.race([c.send(query({ id: 51, name: 'new.example.', type: RRType.A })).then(() => c.next()), c.closed.then(() => undefined)]);
      if (got !== undefined) {
        assert.equal(decode(got).id, 51);
        c.close();
        break;
      }
    }
  } finally {
    for (const c of held) c.close();
    await daemon.close();
  }
});

test('TCP: a client that pipelines big answers and never reads stalls only itself (bounded work), others are answered', async () => {
  const CAP = 4;
  const N = 2000;
  const r = new CountingResolve();
  const { daemon, port } = await start(r, config({ maxInFlightPerConnection: CAP }));
  const greedy = connect({ host: '127.0.0.1', port });
  greedy.on('error', () => {});
  await once(greedy, 'connect');
  greedy.pause(); // never reads: the daemon's writes back up through both socket buffers
  try {
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < N; i++) {
      const q = query({ id: i, name: 'big.example.', type: RRType.TXT });
      chunks.push(Uint8Array.of(q.length >> 8, q.length & 0xff), q);
    }
    greedy.write(Buffer.concat(chunks));
    // Wait until the daemon stops taking queries from the greedy client (its answers cannot drain).
    let last = -1;
    while (r.calls !== last) {
      last = r.calls;
      await new Promise((res) => setTimeout(res, 50));
    }
    // ~50 KB answers: 2000 of them is ~100 MB; only what the kernel buffers plus the cap was resolved.
    assert.ok(r.calls < N, `resolved ${r.calls} of ${N} for a client that never reads`);
    const before = r.calls;
    await stillServes(port, 400);
    assert.equal(r.calls, before + 2);
  } finally {
    greedy.destroy();
    await daemon.close();
  }
});
