// The Extended DNS Errors invariant of issue 6: no SERVFAIL leaves the daemon without at least one
// EDE when the client sent EDNS, and every such EDE has an EXTRA-TEXT. Every failure path the suite
// knows is driven over real UDP/TCP against the assembled daemon (src/app/) and the embedded lab,
// each response goes through `check`, and the last test asserts the paths were really all taken.
//
// What the other error rcodes carry (asserted below, documented in docs/ede.md):
// - REFUSED: EDE 18 (not in the allow list), 21 (class other than IN), 30 (AXFR/IXFR/OPT/TKEY/TSIG),
//   20 (RD=0 and not in the cache).
// - NOTIMP: EDE 21 (opcode other than QUERY; meta qtypes MAILA/MAILB reach the resolver, which says the same).
// - FORMERR: no EDE. For a body that does not decode the response has no OPT at all by design (the
//   frontend cannot know the query had one, RFC 6891 §7); for QDCOUNT ≠ 1 the OPT is echoed, empty.
// - BADVERS (EDNS version 1): our OPT at version 0, no EDE (RFC 6891 §6.1.3 says what to do; there is
//   nothing to explain).
// - Policy DROP sends nothing at all (the invariant holds vacuously: there is no response).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type App } from '../../src/app/start.ts';
import type { Config } from '../../src/config/config.ts';
import { startLab, type LabHandle } from '../../src/lab/server.ts';
import { nullLogger } from '../../src/log/logger.ts';
import { startDaemon, type Daemon } from '../../src/server/daemon.ts';
import type { UpstreamTransport } from '../../src/resolver/transport.ts';
import { Opcode, Rcode, rcodeToString, RRClass, RRType, rrTypeFromString } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import { decodeMessage } from '../../src/wire/message.ts';
import type { Reason } from '../../src/wire/ede.ts';
import type { Message } from '../../src/wire/types.ts';
import { query, type QuerySpec } from '../server/dns-client.ts';
import { FakeNet, zone } from '../resolver/fake-hierarchy.ts';
import { CLIENT, labJson, pinnedClock, sendRaw, testLabConfig } from './ede-support.ts';

/** Long enough for the lab's dead server and the query deadline; how long a DROP is waited for. */
const ANSWER_WAIT_MS = 12_000;
const DROP_WAIT_MS = 1500;
const REFUSED_CLIENT = '127.0.0.1';
/** In the main daemon's allowSnoop: its RD=0 queries are answered from cache. */
const SNOOP_CLIENT = '127.0.0.4';
const LAB_ROOT_SERVERS = ['127.53.0.1', '127.53.0.2'];

interface Seen {
  readonly path: string;
  readonly what: string;
  readonly edns: boolean;
  /** null: no response (policy DROP, QR=1). */
  readonly rcode: number | null;
  readonly edes: readonly Reason[];
}

const seen: Seen[] = [];

/**
 * The invariant, applied to one response: a SERVFAIL to a client that sent EDNS carries ≥ 1 EDE,
 * each with EXTRA-TEXT; a client without EDNS gets no OPT (so no EDE) at all.
 */
function check(path: string, what: string, edns: boolean, bytes: Uint8Array | null): Message | null {
  if (bytes === null) {
    seen.push({ path, what, edns, rcode: null, edes: [] });
    return null;
  }
  const d = decodeMessage(bytes);
  assert.ok(d.ok, `${what}: the response does not decode: ${d.ok ? '' : d.error}`);
  const m = d.message;
  const edes = readEdes(m.edns);
  seen.push({ path, what, edns, rcode: m.rcode, edes });
  const shown = `${what} → ${rcodeToString(m.rcode)} ${JSON.stringify(edes)}`;
  if (!edns) assert.equal(m.edns, undefined, `${shown}: an OPT record to a client that sent none`);
  if (m.rcode === Rcode.SERVFAIL && edns) {
    assert.ok(edes.length >= 1, `${shown}: SERVFAIL without an EDE`);
    for (const e of edes) assert.ok(e.text.trim().length > 0, `${shown}: EDE ${e.ede} without EXTRA-TEXT`);
  }
  return m;
}

interface AskOptions {
  readonly port: number;
  readonly tcp?: boolean;
  readonly from?: string;
  readonly waitMs?: number;
}

let nextId = 1;

async function askSpec(path: string, spec: QuerySpec, o: AskOptions): Promise<Message | null> {
  const bytes = query({ id: nextId++ & 0xffff, ...spec });
  const what = `[${path}] ${spec.name ?? 'example.'} ${spec.type}${o.tcp === true ? ' tcp' : ''}${spec.edns === undefined ? ' no-EDNS' : ''}`;
  const got = await sendRaw(bytes, { port: o.port, tcp: o.tcp, from: o.from ?? CLIENT, timeoutMs: o.waitMs ?? ANSWER_WAIT_MS });
  return check(path, what, spec.edns !== undefined, got);
}

function must(m: Message | null, what: string): Message {
  assert.ok(m !== null, `${what}: no response`);
  return m;
}

function codes(m: Message): number[] {
  return readEdes(m.edns).map((r) => r.ede);
}

const dir = mkdtempSync(join(tmpdir(), 'anchord-ede-'));
const rpzFile = join(dir, 'policy.rpz');
writeFileSync(
  rpzFile,
  `$ORIGIN rpz.ede.
$TTL 300
@ SOA ns.rpz.ede. admin.rpz.ede. 1 3600 600 86400 60
  NS ns.rpz.ede.
blocked.secure.lab CNAME .
nodata.secure.lab CNAME *.
dropped.secure.lab CNAME rpz-drop.
tcponly.secure.lab CNAME rpz-tcp-only.
`,
);

let lab: LabHandle;
const apps: App[] = [];
const daemons: Daemon[] = [];

async function app(more: Partial<Config> = {}, transport?: UpstreamTransport): Promise<{ app: App; port: number }> {
  const started = await startApp(testLabConfig(lab.port, more), {
    logger: nullLogger,
    clock: pinnedClock(),
    defaultMetrics: false,
    ...(transport !== undefined ? { transport } : {}),
  });
  assert.ok(started.ok, started.ok ? '' : started.error);
  apps.push(started.app);
  return { app: started.app, port: started.app.daemon.addresses[0].port };
}

let main: { app: App; port: number };

before(async () => {
  lab = await startLab({ port: 0 });
  main = await app({ policy: [{ file: rpzFile, ede: 'blocked', text: 'blocked by the EDE invariant test' }], allowSnoop: [`${SNOOP_CLIENT}/32`] });
});

after(async () => {
  for (const d of daemons) await d.close();
  for (const a of apps) await a.close();
  await lab?.close();
});

const dnssec = (name: string, type: number, more: Partial<QuerySpec> = {}): QuerySpec => ({ name, type, edns: { dnssecOk: true }, ...more });

test('every lab.json case, with EDNS+DO, with EDNS without DO, and without EDNS', { concurrency: true }, async (t) => {
  await Promise.all(
    labJson.cases.map((c) =>
      t.test(`${c.qname} ${c.qtype}`, async () => {
        const type = rrTypeFromString(c.qtype);
        assert.ok(type !== undefined, c.qtype);
        const tcp = c.tcp === true;
        const withDo = must(await askSpec('lab case', dnssec(c.qname, type), { port: main.port, tcp }), c.qname);
        assert.equal(rcodeToString(withDo.rcode), c.rcode, `${c.qname} ${c.qtype} ${JSON.stringify(readEdes(withDo.edns))}`);
        if (c.ede !== null) assert.equal(codes(withDo)[0], c.ede, c.qname);
        await askSpec('lab case', { name: c.qname, type, edns: {} }, { port: main.port, tcp });
        await askSpec('lab case', { name: c.qname, type }, { port: main.port, tcp });
      }),
    ),
  );
});

test('lame and dead delegations, then the same questions again (failure cache: 22, then 13)', async () => {
  for (const name of ['x9.lame.lab.', 'x9.dead.lab.']) {
    const first = must(await askSpec('unreachable', dnssec(name, RRType.A), { port: main.port }), name);
    assert.equal(first.rcode, Rcode.SERVFAIL);
    assert.equal(codes(first)[0], EdeCode.NO_REACHABLE_AUTHORITY, name);
    const again = must(await askSpec('unreachable cached', dnssec(name, RRType.A), { port: main.port, tcp: true }), name);
    assert.equal(again.rcode, Rcode.SERVFAIL);
    assert.deepEqual(codes(again), [...codes(first), EdeCode.CACHED_ERROR], name);
  }
});

test('bogus answers, then the same questions again from the bogus cache (original EDE, then 13)', async () => {
  let freshFirst = 0;
  for (const name of ['mail.expired.test.', 'mail.changed.test.', 'www.nosig.test.', 'nx.nonsec.test.']) {
    const first = must(await askSpec('bogus', dnssec(name, RRType.A), { port: main.port }), name);
    const again = must(await askSpec('bogus cached', dnssec(name, RRType.A), { port: main.port }), name);
    if (first.rcode !== Rcode.SERVFAIL) continue; // a name the lab answers differently: the checker has run anyway
    assert.equal(again.rcode, Rcode.SERVFAIL, name);
    // The lab cases may have asked this name already: then the first answer here is cached too.
    const original = codes(first).filter((c) => c !== EdeCode.CACHED_ERROR);
    if (original.length === codes(first).length) freshFirst++;
    assert.deepEqual(codes(again), [...original, EdeCode.CACHED_ERROR], name);
    // Without EDNS the same cached failure: SERVFAIL, no OPT.
    await askSpec('bogus cached', { name, type: RRType.A }, { port: main.port });
  }
  assert.ok(freshFirst > 0, 'no bogus name was asked fresh first');
});

test('sentinel failures: SERVFAIL + EDE with the rule in EXTRA-TEXT', async () => {
  const tag = String(labJson.rootKskTag).padStart(5, '0');
  for (const name of [`root-key-sentinel-not-ta-${tag}.secure.lab.`, 'root-key-sentinel-is-ta-20326.secure.lab.']) {
    const m = must(await askSpec('sentinel', dnssec(name, RRType.A), { port: main.port }), name);
    assert.equal(m.rcode, Rcode.SERVFAIL, name);
    assert.match(readEdes(m.edns)[0]?.text ?? '', /root-key-sentinel/, name);
  }
});

test('response policy: NXDOMAIN/NODATA + EDE 15, DROP sends nothing, TCP-only truncates over UDP', async () => {
  const nx = must(await askSpec('policy', dnssec('blocked.secure.lab.', RRType.A), { port: main.port }), 'blocked');
  assert.equal(nx.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(codes(nx), [EdeCode.BLOCKED]);
  const nodata = must(await askSpec('policy', dnssec('nodata.secure.lab.', RRType.A), { port: main.port }), 'nodata');
  assert.equal(nodata.rcode, Rcode.NOERROR);
  assert.deepEqual(codes(nodata), [EdeCode.BLOCKED]);
  const dropped = await askSpec('policy drop', dnssec('dropped.secure.lab.', RRType.A), { port: main.port, waitMs: DROP_WAIT_MS });
  assert.equal(dropped, null, 'a policy DROP answered');
  const tc = must(await askSpec('policy', dnssec('tcponly.secure.lab.', RRType.A), { port: main.port }), 'tcp-only');
  assert.equal(tc.flags.tc, true);
  await askSpec('policy', dnssec('tcponly.secure.lab.', RRType.A), { port: main.port, tcp: true });
});

test('frontend refusals: NOTIMP/REFUSED carry EDE 21/30/18/20; FORMERR and BADVERS carry none', async () => {
  const p = main.port;
  const notify = must(await askSpec('frontend', dnssec('www.secure.lab.', RRType.SOA, { opcode: Opcode.NOTIFY }), { port: p }), 'NOTIFY');
  assert.equal(notify.rcode, Rcode.NOTIMP);
  assert.deepEqual(codes(notify), [EdeCode.NOT_SUPPORTED]);
  const chaos = must(await askSpec('frontend', dnssec('version.bind.', RRType.TXT, { class: RRClass.CH }), { port: p }), 'CH');
  assert.equal(chaos.rcode, Rcode.REFUSED);
  assert.deepEqual(codes(chaos), [EdeCode.NOT_SUPPORTED]);
  for (const type of [RRType.AXFR, RRType.IXFR, RRType.TSIG]) {
    const m = must(await askSpec('frontend', dnssec('secure.lab.', type), { port: p, tcp: true }), `type ${type}`);
    assert.equal(m.rcode, Rcode.REFUSED);
    assert.deepEqual(codes(m), [EdeCode.INVALID_QUERY_TYPE]);
  }
  for (const type of [RRType.MAILA, RRType.MAILB]) {
    const m = must(await askSpec('frontend', dnssec('secure.lab.', type), { port: p }), `type ${type}`);
    assert.equal(m.rcode, Rcode.NOTIMP);
    assert.deepEqual(codes(m), [EdeCode.NOT_SUPPORTED]);
  }
  const any = must(await askSpec('frontend', dnssec('www.secure.lab.', RRType.ANY), { port: p }), 'ANY');
  assert.equal(any.rcode, Rcode.NOERROR);
  const acl = must(await askSpec('frontend', dnssec('www.secure.lab.', RRType.A), { port: p, from: REFUSED_CLIENT }), 'ACL');
  assert.equal(acl.rcode, Rcode.REFUSED);
  assert.deepEqual(codes(acl), [EdeCode.PROHIBITED]);
  const rd0 = must(await askSpec('frontend', dnssec('never-asked.secure.lab.', RRType.A, { rd: false }), { port: p }), 'RD=0');
  assert.equal(rd0.rcode, Rcode.REFUSED);
  assert.deepEqual(codes(rd0), [EdeCode.NOT_AUTHORITATIVE]);
  const two = must(await askSpec('frontend', dnssec('www.secure.lab.', RRType.A, { questions: 2 }), { port: p }), 'QDCOUNT=2');
  assert.equal(two.rcode, Rcode.FORMERR);
  assert.deepEqual(codes(two), []);
  const badvers = must(await askSpec('frontend', dnssec('www.secure.lab.', RRType.A, { edns: { version: 1 } }), { port: p }), 'EDNS version 1');
  assert.equal(badvers.rcode, Rcode.BADVERS);
  assert.deepEqual(codes(badvers), []);
  // A readable header (QDCOUNT=1, ARCOUNT=1: an OPT was promised) and a body cut short.
  const header = Uint8Array.of(0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1, 3, 0x77, 0x77);
  const formerr = check('frontend', 'undecodable body', true, await sendRaw(header, { port: p, timeoutMs: ANSWER_WAIT_MS }));
  assert.equal(must(formerr, 'FORMERR').rcode, Rcode.FORMERR);
  assert.equal(formerr?.edns, undefined, 'FORMERR for an undecodable body has no OPT (we cannot know the query had one)');
  const response = await askSpec('frontend', dnssec('www.secure.lab.', RRType.A, { qr: true }), { port: p, waitMs: DROP_WAIT_MS });
  assert.equal(response, null, 'a QR=1 message was answered');
});

test('RD=0 for a question whose bogus verdict is cached: SERVFAIL with the original EDE and 13', async () => {
  const name = 'www.notyet.test.';
  await askSpec('rd0', dnssec(name, RRType.A), { port: main.port });
  // From a client that may ask without recursion: the others get REFUSED + EDE 20 for any RD=0.
  const m = must(await askSpec('rd0 cached', dnssec(name, RRType.A, { rd: false }), { port: main.port, from: SNOOP_CLIENT }), name);
  assert.equal(m.rcode, Rcode.SERVFAIL);
  assert.deepEqual(codes(m), [EdeCode.SIGNATURE_NOT_YET_VALID, EdeCode.CACHED_ERROR]);
});

test('limits exceeded: upstream query budget, referral depth, query deadline, CNAME chain', async () => {
  const cases: { path: string; limits: Partial<Config['limits']>; name: string }[] = [
    { path: 'limit upstream queries', limits: { maxUpstreamQueriesPerQuery: 1 }, name: 'www.secure.lab.' },
    { path: 'limit referral depth', limits: { maxReferralDepth: 1 }, name: 'www.unsigned.optout.test.' },
    { path: 'limit query deadline', limits: { queryDeadlineMs: 1, upstreamTimeoutMs: 1 }, name: 'www.secure.lab.' },
    { path: 'limit CNAME chain', limits: { maxCnameChain: 1 }, name: 'chain.secure.lab.' },
  ];
  for (const c of cases) {
    const d = await app({ limits: c.limits as Config['limits'] });
    const m = must(await askSpec(c.path, dnssec(c.name, RRType.A), { port: d.port }), c.path);
    assert.equal(m.rcode, Rcode.SERVFAIL, `${c.path}: ${JSON.stringify(readEdes(m.edns))}`);
    // Again over TCP: the first attempt cached zone cuts, so this one may get further (or even
    // succeed, e.g. fewer referrals from a cached cut); whatever it answers, the checker has run.
    await askSpec(c.path, dnssec(c.name, RRType.A), { port: d.port, tcp: true });
  }
});

test('CNAME loop (scripted upstream): SERVFAIL + EDE naming the loop', async () => {
  const root = zone(
    '.',
    `@ SOA a.root.lab. hostmaster.root.lab. 1 3600 600 86400 300
@ NS a.root.lab.
a.root.lab. A ${LAB_ROOT_SERVERS[0]}
a.loop. CNAME b.loop.
b.loop. CNAME a.loop.
`,
  );
  const net = new FakeNet();
  for (const s of LAB_ROOT_SERVERS) net.serve(s, { kind: 'auth', zones: [root] });
  const d = await app({ trustAnchors: [] }, net);
  const m = must(await askSpec('CNAME loop', dnssec('a.loop.', RRType.A), { port: d.port }), 'a.loop.');
  assert.equal(m.rcode, Rcode.SERVFAIL);
  assert.match(readEdes(m.edns)[0]?.text ?? '', /CNAME (loop|chain)/);
});

test('internal errors: a resolve that throws, and a resolver that is shutting down', async () => {
  const config = testLabConfig(lab.port);
  const thrower = await startDaemon(config, () => {
    throw new Error('test: resolve threw');
  }, { logger: nullLogger, isAllowed: () => true });
  assert.ok(thrower.ok);
  daemons.push(thrower.daemon);
  const rejecter = await startDaemon(config, () => Promise.reject(new Error('test: resolve rejected')), { logger: nullLogger, isAllowed: () => true });
  assert.ok(rejecter.ok);
  daemons.push(rejecter.daemon);
  for (const d of [thrower.daemon, rejecter.daemon]) {
    for (const tcp of [false, true]) {
      const m = must(await askSpec('internal error', dnssec('www.secure.lab.', RRType.A), { port: d.addresses[0].port, tcp }), 'throw');
      assert.equal(m.rcode, Rcode.SERVFAIL);
      assert.deepEqual(codes(m), [EdeCode.OTHER]);
      assert.match(readEdes(m.edns)[0].text, /internal error/);
    }
  }
  const closing = await app();
  closing.app.assembly.resolver.close();
  const m = must(await askSpec('shutting down', dnssec('www.secure.lab.', RRType.A), { port: closing.port }), 'closed');
  assert.equal(m.rcode, Rcode.SERVFAIL);
  assert.deepEqual(codes(m), [EdeCode.NOT_READY]);
});

test('the invariant held for every response, and every failure path was taken', () => {
  const paths = new Set(seen.map((s) => s.path));
  for (const p of [
    'lab case', 'unreachable', 'unreachable cached', 'bogus', 'bogus cached', 'sentinel', 'policy', 'policy drop', 'frontend',
    'rd0 cached', 'limit upstream queries', 'limit referral depth', 'limit query deadline', 'limit CNAME chain', 'CNAME loop',
    'internal error', 'shutting down',
  ]) {
    assert.ok(paths.has(p), `path not driven: ${p}`);
  }
  const servfails = seen.filter((s) => s.rcode === Rcode.SERVFAIL && s.edns);
  // Each was checked as it arrived; this guards against the checks having run on nothing.
  assert.ok(servfails.length >= 40, `only ${servfails.length} SERVFAILs with EDNS were seen`);
  for (const s of servfails) assert.ok(s.edes.length > 0 && s.edes.every((e) => e.text.length > 0), s.what);
  const silent = seen.filter((s) => s.rcode === null).map((s) => s.path);
  assert.deepEqual([...new Set(silent)].sort(), ['frontend', 'policy drop']);
});
