import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/config/config.ts';
import { startDaemon, type Daemon, type DaemonConfig } from '../../src/server/daemon.ts';
import { createFrontend } from '../../src/server/frontend.ts';
import { frame } from '../../src/server/framing.ts';
import { startTcpListener } from '../../src/server/tcp.ts';
import type { Timers } from '../../src/server/timers.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import { TcpClient, UdpClient, decode, query } from './dns-client.ts';
import { FakeZone, aRdata, rrset, txtRdata } from './fake-zone.ts';

function zone(): FakeZone {
  return new FakeZone([
    rrset('fast.example.', RRType.A, [aRdata('192.0.2.1')]),
    rrset('slow.example.', RRType.A, [aRdata('192.0.2.2')]),
    rrset('c.example.', RRType.A, [aRdata('192.0.2.3')]),
    rrset('big.example.', RRType.TXT, [txtRdata(10, 200)]),
  ]);
}

function config(over: Partial<DaemonConfig['tcp']> = {}): DaemonConfig {
  const d = defaultConfig();
  return { listen: ['127.0.0.1:0'], maxUdpSize: d.maxUdpSize, queryLog: false, tcp: { ...d.tcp, ...over } };
}

async function start(z: FakeZone, c: DaemonConfig = config()): Promise<{ daemon: Daemon; port: number }> {
  const r = await startDaemon(c, z.resolve, { closeGraceMs: 1000 });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return { daemon: r.daemon, port: r.daemon.addresses[0].port };
}

/** Timers the test fires by hand. */
class ManualTimers implements Timers {
  readonly pending = new Set<() => void>();
  start(_ms: number, fn: () => void): () => void {
    this.pending.add(fn);
    return () => this.pending.delete(fn);
  }
  fireAll(): void {
    const fns = [...this.pending];
    this.pending.clear();
    for (const fn of fns) fn();
  }
  async untilPending(n: number): Promise<void> {
    while (this.pending.size < n) await new Promise((r) => setImmediate(r));
  }
}

test('UDP: answers, survives garbage, drops QR=1', async () => {
  const z = zone();
  const { daemon, port } = await start(z);
  const c = await UdpClient.open();
  try {
    c.send(query({ id: 1, name: 'fast.example.', type: RRType.A }), port);
    const first = decode(await c.next());
    assert.equal(first.id, 1);
    assert.deepEqual(first.answer[0].rdata, aRdata('192.0.2.1'));
    c.send(Uint8Array.from([0xde, 0xad]), port); // not even a header: no answer
    c.send(query({ id: 2, name: 'fast.example.', type: RRType.A, qr: true }), port); // a response: no answer
    c.send(query({ id: 3, name: 'fast.example.', type: RRType.A }), port);
    const next = decode(await c.next());
    assert.equal(next.id, 3, 'the first datagram back answers the valid query');
    assert.equal(next.rcode, Rcode.NOERROR);
  } finally {
    c.close();
    await daemon.close();
  }
});

test('UDP truncates a big answer (question + OPT + EDE kept); TCP carries it whole', async () => {
  const z = zone();
  z.behaviour = { reasons: [reason(EdeCode.OTHER, 'still here')] };
  const { daemon, port } = await start(z);
  const u = await UdpClient.open();
  const t = await TcpClient.open(port);
  try {
    u.send(query({ id: 9, name: 'big.example.', type: RRType.TXT, edns: { udpSize: 4096 } }), port);
    const cut = decode(await u.next());
    assert.equal(cut.flags.tc, true);
    assert.equal(cut.answer.length, 0);
    assert.equal(cut.question[0].name.toString(), 'big.example.');
    assert.deepEqual(readEdes(cut.edns), [{ ede: EdeCode.OTHER, text: 'still here' }]);
    await t.send(query({ id: 10, name: 'big.example.', type: RRType.TXT, edns: { udpSize: 4096 } }));
    const whole = decode(await t.next());
    assert.equal(whole.flags.tc, false);
    assert.equal(whole.answer.length, 1);
  } finally {
    u.close();
    t.close();
    await daemon.close();
  }
});

test('TCP: pipelined queries in one write are answered as they complete', async () => {
  const z = zone();
  const releaseSlow = z.hold('slow.example.');
  const { daemon, port } = await start(z);
  const t = await TcpClient.open(port);
  try {
    const both = Uint8Array.from([
      ...frame(query({ id: 100, name: 'slow.example.', type: RRType.A })),
      ...frame(query({ id: 200, name: 'fast.example.', type: RRType.A })),
    ]);
    await t.write(both);
    const first = decode(await t.next());
    assert.equal(first.id, 200, 'the fast answer overtakes the held one');
    releaseSlow();
    const second = decode(await t.next());
    assert.equal(second.id, 100);
    assert.deepEqual(second.answer[0].rdata, aRdata('192.0.2.2'));
  } finally {
    t.close();
    await daemon.close();
  }
});

test('TCP: a query split byte by byte is reassembled', async () => {
  const { daemon, port } = await start(zone());
  const t = await TcpClient.open(port);
  try {
    const bytes = frame(query({ id: 55, name: 'fast.example.', type: RRType.A, edns: {} }));
    for (const b of bytes) await t.write(Uint8Array.of(b));
    const r = decode(await t.next());
    assert.equal(r.id, 55);
    assert.equal(r.answer.length, 1);
  } finally {
    t.close();
    await daemon.close();
  }
});

test('TCP: a client that half-closes after its query still gets the answer', async () => {
  const { daemon, port } = await start(zone());
  const t = await TcpClient.open(port);
  try {
    await t.send(query({ id: 66, name: 'fast.example.', type: RRType.A }));
    t.socket.end();
    assert.equal(decode(await t.next()).id, 66);
    await t.closed;
  } finally {
    t.close();
    await daemon.close();
  }
});

test('TCP: no more than maxInFlightPerConnection queries are handed on at once', async () => {
  const z = zone();
  const releases = ['slow.example.', 'fast.example.', 'c.example.'].map((n) => z.hold(n));
  const { daemon, port } = await start(z, config({ maxInFlightPerConnection: 2 }));
  const t = await TcpClient.open(port);
  try {
    await t.write(
      Uint8Array.from([
        ...frame(query({ id: 1, name: 'slow.example.', type: RRType.A })),
        ...frame(query({ id: 2, name: 'fast.example.', type: RRType.A })),
        ...frame(query({ id: 3, name: 'c.example.', type: RRType.A })),
      ]),
    );
    await z.waitForCalls(2);
    assert.deepEqual(z.calls, ['slow.example.', 'fast.example.']);
    releases[0]();
    assert.equal(decode(await t.next()).id, 1);
    await z.waitForCalls(3);
    assert.deepEqual(z.events, ['call:slow.example.', 'call:fast.example.', 'release:slow.example.', 'call:c.example.']);
    releases[1]();
    releases[2]();
    const ids = [decode(await t.next()).id, decode(await t.next()).id].sort();
    assert.deepEqual(ids, [2, 3]);
  } finally {
    t.close();
    await daemon.close();
  }
});

test('TCP idle timer: closes an idle connection, never runs while a query is in flight', async () => {
  const z = zone();
  const timers = new ManualTimers();
  const frontend = createFrontend({ resolve: z.resolve, maxUdpSize: 1232 });
  const started = await startTcpListener({
    address: { host: '127.0.0.1', port: 0, family: 4 },
    frontend,
    idleTimeoutMs: 10_000,
    maxConnections: 10,
    maxInFlightPerConnection: 10,
    timers,
  });
  assert.ok(started.ok);
  const listener = started.listener;
  try {
    // An idle connection: the timer is armed on accept; firing it closes the connection.
    const idle = await TcpClient.open(listener.address.port);
    await timers.untilPending(1);
    timers.fireAll();
    await idle.closed;

    // A connection with a query in flight has no timer armed.
    const release = z.hold('slow.example.');
    const busy = await TcpClient.open(listener.address.port);
    await timers.untilPending(1);
    await busy.send(query({ id: 7, name: 'slow.example.', type: RRType.A }));
    await z.waitForCalls(1);
    assert.equal(timers.pending.size, 0, 'no idle timer while a query is in flight');
    release();
    assert.equal(decode(await busy.next()).id, 7);
    await timers.untilPending(1); // re-armed once nothing is in flight
    timers.fireAll();
    await busy.closed;
  } finally {
    await listener.close();
  }
});

test('TCP idle timeout closes a silent connection (real timers)', async () => {
  const { daemon, port } = await start(zone(), config({ idleTimeoutMs: 20 }));
  const t = await TcpClient.open(port);
  try {
    await t.write(Uint8Array.of(0)); // half a length prefix: still idle
    await t.closed;
  } finally {
    t.close();
    await daemon.close();
  }
});

test('TCP connection cap: connections beyond it are closed on accept', async () => {
  const { daemon, port } = await start(zone(), config({ maxConnections: 2 }));
  const c1 = await TcpClient.open(port);
  const c2 = await TcpClient.open(port);
  try {
    // An answer on each proves the server has accepted both.
    for (const c of [c1, c2]) {
      await c.send(query({ id: 1, name: 'fast.example.', type: RRType.A }));
      await c.next();
    }
    const c3 = await TcpClient.open(port);
    await c3.closed;
    await c1.send(query({ id: 2, name: 'fast.example.', type: RRType.A }));
    assert.equal(decode(await c1.next()).id, 2, 'accepted connections keep working');
  } finally {
    c1.close();
    c2.close();
    await daemon.close();
  }
});

test('close() waits for an answer in flight', async () => {
  const z = zone();
  const release = z.hold('slow.example.');
  const { daemon, port } = await start(z);
  const t = await TcpClient.open(port);
  await t.send(query({ id: 31, name: 'slow.example.', type: RRType.A }));
  await z.waitForCalls(1);
  const closing = daemon.close();
  release();
  assert.equal(decode(await t.next()).id, 31);
  await closing;
  await t.closed;
});

test('a port in use is a typed error, and nothing is left listening', async () => {
  const { daemon, port } = await start(zone());
  try {
    const again = await startDaemon({ ...config(), listen: [`127.0.0.1:${port}`] }, zone().resolve);
    assert.ok(!again.ok);
    assert.equal(again.error.kind, 'address-in-use');
    assert.match(again.error.message, /another process is listening/);
  } finally {
    await daemon.close();
  }
});

test('an address no interface has is a typed error', async () => {
  // Binding sends nothing; 192.0.2.1 (TEST-NET-1) is on no interface here.
  const r = await startDaemon({ ...config(), listen: ['127.0.0.1:0', '192.0.2.1:0'] }, zone().resolve);
  assert.ok(!r.ok);
  assert.equal(r.error.kind, 'address-not-available');
});
