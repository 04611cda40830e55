// The assembled daemon (src/app/) end to end: the embedded lab on a random port, the daemon on
// 127.0.0.1:0, real UDP and TCP queries from 127.0.0.2 (the allow list leaves out 127.0.0.1 only,
// so a client there is the one refused), a scraped metrics endpoint. The clock starts at lab.json's
// pinnedTime (inside the signatures' 2025-2045 window, whatever the wall clock says), runs at the
// monotonic clock's pace, and the TTL test moves it forward.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { assembleDaemon } from '../../src/app/assemble.ts';
import { startApp, type App } from '../../src/app/start.ts';
import { labConfig } from '../../src/cli/lab.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { createLogger, nullLogger } from '../../src/log/logger.ts';
import { Name } from '../../src/wire/name.ts';
import type { ClientQuery } from '../../src/wire/outcome.ts';
import { Rcode, rcodeToString, RRClass, RRType, rrTypeFromString } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import type { Message, RR } from '../../src/wire/types.ts';
import type { QuerySpec } from '../server/dns-client.ts';
import { get, sample } from '../metrics/scrape.ts';
import { ask, type AskOptions } from './client.ts';

interface LabCase {
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: string;
  readonly ad: boolean;
  readonly ede: number | null;
  readonly answer?: readonly string[];
  readonly tcp?: boolean;
}

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { cases: LabCase[]; rootKskTag: number; pinnedTime: string };
const UPSTREAM_TIMEOUT_MS = 1000;
const QUERY_DEADLINE_MS = 5000;
const ALLOWED_CLIENT = '127.0.0.2';
const REFUSED_CLIENT = '127.0.0.1';
const SECONDS_ADVANCED = 7;
const MS_PER_SECOND = 1000;
const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;

const dir = mkdtempSync(join(tmpdir(), 'anchord-it-'));
const rpzFile = join(dir, 'block.rpz');
const RPZ = `$ORIGIN rpz.it.
$TTL 300
@ SOA ns.rpz.it. admin.rpz.it. 1 3600 600 86400 60
  NS ns.rpz.it.
blocked.secure.lab CNAME .
`;
writeFileSync(rpzFile, RPZ);

const PINNED = Date.parse(labJson.pinnedTime);
const startedAt = performance.now();
let offsetMs = 0;
const clock = { now: () => PINNED + (performance.now() - startedAt) + offsetMs };
const logLines: string[] = [];
let lab: LabHandle;
let app: App;
let port: number;
let metricsPort: number;

before(async () => {
  lab = await startLab({ port: 0 });
  const base = labConfig(lab.port, '127.0.0.1:0', '127.0.0.1:0', 'warn');
  const config = {
    ...base,
    allow: [`${ALLOWED_CLIENT}/32`, '127.0.0.3/32', '::1/128'],
    policy: [{ file: rpzFile, ede: 'blocked' as const, text: '' }],
    limits: { ...base.limits, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, queryDeadlineMs: QUERY_DEADLINE_MS },
  };
  const started = await startApp(config, { logger: createLogger({ level: 'warn', sink: (l) => logLines.push(l) }), clock, defaultMetrics: false });
  assert.ok(started.ok, started.ok ? '' : started.error);
  app = started.app;
  port = app.daemon.addresses[0].port;
  assert.ok(app.metricsServer !== undefined);
  metricsPort = app.metricsServer.port;
});

after(async () => {
  await app?.close();
  await lab?.close();
});

function q(name: string, type: number, more: Partial<QuerySpec> = {}): QuerySpec {
  return { name, type, edns: { dnssecOk: true }, ...more };
}

function at(more: Partial<AskOptions> = {}): AskOptions {
  return { port, ...more };
}

function clientQuery(name: string, type: number): ClientQuery {
  return { question: { name: Name.of(name), type, class: RRClass.IN }, rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: ALLOWED_CLIENT, port: 1 } };
}

function edeCodes(m: Message): number[] {
  return readEdes(m.edns).map((r) => r.ede);
}

function aTexts(rrs: readonly RR[]): string[] {
  return rrs.filter((rr) => rr.type === RRType.A).map((rr) => rr.rdata.join('.')).sort();
}

function show(m: Message): string {
  return JSON.stringify({ rcode: rcodeToString(m.rcode), ad: m.flags.ad, tc: m.flags.tc, ede: readEdes(m.edns), answer: m.answer.length });
}

async function scrape(): Promise<string> {
  const r = await get(metricsPort, '/metrics');
  assert.equal(r.status, 200);
  return r.body;
}

test('every lab.json case over real sockets: rcode, AD (with DO), first EDE, A data; RA always set', { concurrency: true }, async (t) => {
  // Concurrent subtests: the slow ones (dead servers) overlap instead of adding up.
  await Promise.all(
    labJson.cases.map((c) => {
      return t.test(`${c.qname} ${c.qtype} → ${c.rcode}`, async () => {
        const type = rrTypeFromString(c.qtype);
        assert.ok(type !== undefined, c.qtype);
        const m = await ask(q(c.qname, type), at({ tcp: c.tcp === true }));
        const what = `${c.qname} ${c.qtype}: ${show(m)}`;
        assert.equal(rcodeToString(m.rcode), c.rcode, what);
        assert.equal(m.flags.ra, true, what);
        assert.equal(m.flags.ad, c.ad, what);
        if (c.ede !== null) assert.equal(edeCodes(m)[0], c.ede, what);
        // lab.json lists the answer's RDATA in order (CNAME/DNAME targets, then addresses).
        if (c.qtype === 'A' && c.answer !== undefined && c.rcode === 'NOERROR') assert.deepEqual(aTexts(m.answer), c.answer.filter((x) => IPV4.test(x)).sort(), what);
      });
    }),
  );
});

test('a name in each serving zone answers (UDP and TCP agree)', async () => {
  const names = ['www.lab.', 'www.test.', 'www.example.', 'www.secure.lab.', 'www.insecure.lab.', 'www.oob.lab.'];
  for (const name of names) {
    const u = await ask(q(name, RRType.A), at());
    const t = await ask(q(name, RRType.A), at({ tcp: true }));
    assert.equal(u.rcode, Rcode.NOERROR, `${name} ${show(u)}`);
    assert.ok(aTexts(u.answer).length > 0, name);
    assert.deepEqual(aTexts(t.answer), aTexts(u.answer), name);
  }
});

test('AD only for a client that asks with DO or AD; RRSIGs only with DO', async () => {
  const plain = await ask({ name: 'www.secure.lab.', type: RRType.A, edns: {} }, at());
  assert.equal(plain.flags.ad, false);
  assert.ok(!plain.answer.some((rr) => rr.type === RRType.RRSIG));
  const withAd = await ask({ name: 'www.secure.lab.', type: RRType.A, ad: true }, at());
  assert.equal(withAd.flags.ad, true);
  const withDo = await ask(q('www.secure.lab.', RRType.A), at());
  assert.equal(withDo.flags.ad, true);
  assert.ok(withDo.answer.some((rr) => rr.type === RRType.RRSIG));
});

test('NXDOMAIN carries the SOA (and with DO the NSEC proof)', async () => {
  const m = await ask(q('nx.secure.lab.', RRType.A), at());
  assert.equal(m.rcode, Rcode.NXDOMAIN);
  assert.ok(m.authority.some((rr) => rr.type === RRType.SOA && rr.name.toString() === 'secure.lab.'), show(m));
  assert.ok(m.authority.some((rr) => rr.type === RRType.NSEC));
});

test('big.secure.lab. TXT: TC=1 over UDP at 1232, the full answer over TCP', async () => {
  const u = await ask(q('big.secure.lab.', RRType.TXT, { edns: { udpSize: 1232 } }), at());
  assert.equal(u.flags.tc, true, show(u));
  const t = await ask(q('big.secure.lab.', RRType.TXT), at({ tcp: true }));
  assert.equal(t.flags.tc, false);
  assert.equal(t.rcode, Rcode.NOERROR);
  assert.ok(t.answer.some((rr) => rr.type === RRType.TXT));
  assert.equal(t.flags.ad, true);
});

test('lame and dead delegations: SERVFAIL with EDE 22, logged once each with the reason', async () => {
  logLines.length = 0;
  for (const name of ['x1.lame.lab.', 'x1.dead.lab.']) {
    const m = await ask(q(name, RRType.A), at());
    assert.equal(m.rcode, Rcode.SERVFAIL, show(m));
    assert.deepEqual(edeCodes(m), [EdeCode.NO_REACHABLE_AUTHORITY], name);
  }
  const servfails = logLines.map((l) => JSON.parse(l) as { msg: string; qname?: string; reasons?: { code: number }[] }).filter((l) => l.msg === 'servfail');
  assert.deepEqual(servfails.map((l) => l.qname), ['x1.lame.lab.', 'x1.dead.lab.']);
  assert.deepEqual(servfails.map((l) => l.reasons?.map((r) => r.code)), [[EdeCode.NO_REACHABLE_AUTHORITY], [EdeCode.NO_REACHABLE_AUTHORITY]]);
});

test('bogus names: SERVFAIL + EDE 6/7 without CD; the data, without AD, with CD', async () => {
  const changed = await ask(q('www.changed.test.', RRType.A), at());
  assert.equal(changed.rcode, Rcode.SERVFAIL);
  assert.deepEqual(edeCodes(changed).slice(0, 1), [EdeCode.DNSSEC_BOGUS]);
  const expired = await ask(q('www.expired.test.', RRType.A), at());
  assert.equal(expired.rcode, Rcode.SERVFAIL);
  assert.deepEqual(edeCodes(expired).slice(0, 1), [EdeCode.SIGNATURE_EXPIRED]);
  const cd = await ask(q('www.changed.test.', RRType.A, { cd: true }), at());
  assert.equal(cd.rcode, Rcode.NOERROR, show(cd));
  assert.equal(cd.flags.ad, false);
  assert.ok(aTexts(cd.answer).length > 0);
  // CD asks us not to withhold bogus data; data we proved is still authentic (RFC 4035 §3.2.3).
  const secureCd = await ask(q('www.alg13.lab.', RRType.A, { cd: true }), at());
  assert.equal(secureCd.rcode, Rcode.NOERROR, show(secureCd));
  assert.equal(secureCd.flags.ad, true, show(secureCd));
});

test('RFC 8509 sentinel: the lab anchor key tag is-ta answers, not-ta fails; another tag the reverse', async () => {
  const tag = String(labJson.rootKskTag).padStart(5, '0');
  const expect: [string, number][] = [
    [`root-key-sentinel-is-ta-${tag}.secure.lab.`, Rcode.NOERROR],
    [`root-key-sentinel-not-ta-${tag}.secure.lab.`, Rcode.SERVFAIL],
    ['root-key-sentinel-is-ta-20326.secure.lab.', Rcode.SERVFAIL],
    ['root-key-sentinel-not-ta-20326.secure.lab.', Rcode.NOERROR],
  ];
  for (const [name, rcode] of expect) {
    const m = await ask(q(name, RRType.A), at());
    assert.equal(m.rcode, rcode, `${name}: ${show(m)}`);
  }
});

test('a second identical query is answered from the cache: no lab query, no new upstream query', async () => {
  const first = await ask(q('www.alg15.lab.', RRType.A), at());
  assert.equal(first.rcode, Rcode.NOERROR);
  lab.clearQueryLog();
  const upstreamBefore = app.assembly.transportStats?.queries;
  const again = await ask(q('www.alg15.lab.', RRType.A), at());
  assert.equal(again.rcode, Rcode.NOERROR);
  assert.deepEqual(aTexts(again.answer), aTexts(first.answer));
  assert.equal(lab.queryLog.length, 0, JSON.stringify(lab.queryLog));
  assert.equal(app.assembly.transportStats?.queries, upstreamBefore);
});

test('cached TTLs count down with the (injected) clock', async () => {
  const first = await ask(q('www.alg16.lab.', RRType.A), at());
  const ttl1 = first.answer.find((rr) => rr.type === RRType.A)?.ttl;
  assert.ok(ttl1 !== undefined && ttl1 > SECONDS_ADVANCED, show(first));
  offsetMs += SECONDS_ADVANCED * MS_PER_SECOND;
  const second = await ask(q('www.alg16.lab.', RRType.A), at());
  const ttl2 = second.answer.find((rr) => rr.type === RRType.A)?.ttl;
  // Whole seconds of remaining life: the real time passing between the queries may take one more.
  assert.ok(ttl2 !== undefined && ttl2 <= ttl1 - SECONDS_ADVANCED && ttl2 >= ttl1 - SECONDS_ADVANCED - 1, `${ttl1} then ${ttl2}`);
});

test('a client outside the allow list gets REFUSED + EDE 18 over UDP and TCP', async () => {
  for (const tcp of [false, true]) {
    const m = await ask(q('www.secure.lab.', RRType.A), at({ from: REFUSED_CLIENT, tcp }));
    assert.equal(m.rcode, Rcode.REFUSED);
    assert.deepEqual(edeCodes(m), [EdeCode.PROHIBITED]);
    assert.equal(m.answer.length, 0);
  }
});

test('a response-policy name is NXDOMAIN + EDE 15 and costs no upstream query', async () => {
  lab.clearQueryLog();
  const m = await ask(q('blocked.secure.lab.', RRType.A), at());
  assert.equal(m.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(edeCodes(m), [EdeCode.BLOCKED]);
  assert.equal(m.flags.ad, false);
  assert.equal(lab.queryLog.length, 0);
});

test('metrics: exact counter deltas for a scripted set of queries', async () => {
  const before = await scrape();
  // Names asked nowhere else in this file, so the cache holds none of them.
  await ask(q('mail.secure.lab.', RRType.A), at()); // secure NOERROR (the lab answer may be NODATA: still NOERROR)
  await ask(q('www.nokey.test.', RRType.A), at()); // bogus: SERVFAIL + EDE 9
  await ask(q('x2.lame.lab.', RRType.A), at()); // SERVFAIL + EDE 22
  await ask(q('www.secure.lab.', RRType.AAAA), at({ tcp: true })); // secure NOERROR over TCP
  await ask(q('www.secure.lab.', RRType.A), at({ from: REFUSED_CLIENT })); // REFUSED + EDE 18
  await ask(q('blocked.secure.lab.', RRType.A), at()); // policy NXDOMAIN + EDE 15
  await ask(q('root-key-sentinel-not-ta-20326.secure.lab.', RRType.A), at()); // sentinel, answered
  const after = await scrape();
  const delta = (name: string, labels: Record<string, string> = {}) => (sample(after, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
  assert.equal(delta('anchord_queries_total', { transport: 'udp', qtype: 'A' }), 6);
  assert.equal(delta('anchord_queries_total', { transport: 'tcp', qtype: 'AAAA' }), 1);
  assert.equal(delta('anchord_responses_total', { rcode: 'NOERROR' }), 3);
  assert.equal(delta('anchord_responses_total', { rcode: 'SERVFAIL' }), 2);
  assert.equal(delta('anchord_responses_total', { rcode: 'REFUSED' }), 1);
  assert.equal(delta('anchord_responses_total', { rcode: 'NXDOMAIN' }), 1);
  assert.equal(delta('anchord_ede_sent_total', { code: '22' }), 1);
  assert.equal(delta('anchord_ede_sent_total', { code: '9' }), 1);
  assert.equal(delta('anchord_ede_sent_total', { code: '18' }), 1);
  assert.equal(delta('anchord_ede_sent_total', { code: '15' }), 1);
  assert.equal(delta('anchord_validation_total', { result: 'secure' }), 3);
  assert.equal(delta('anchord_validation_total', { result: 'bogus' }), 1);
  assert.equal(delta('anchord_policy_hits_total', { zone: 'rpz.it.', action: 'nxdomain' }), 1);
  assert.equal(delta('anchord_sentinel_total', { kind: 'not_ta', result: 'answered' }), 1);
  assert.ok(delta('anchord_upstream_queries_total', { transport: 'udp' }) > 0);
  assert.ok(delta('anchord_upstream_timeouts_total') === 0);
  assert.ok((sample(after, 'anchord_cache_entries') ?? 0) > 0);
  assert.ok((sample(after, 'anchord_cache_bytes') ?? 0) > 0);
  assert.ok(delta('anchord_cache_hits_total') > 0);
  assert.equal(sample(after, 'anchord_resolutions_in_flight'), 0);
});

test('metrics: a dead server counts upstream timeouts; TC answers count TCP fallbacks', async () => {
  // big.secure.lab. TXT was asked before: only an empty cache makes the resolver fetch it again.
  app.assembly.resolver.cache.clear();
  const before = await scrape();
  await ask(q('x3.dead.lab.', RRType.A), at());
  await ask(q('big.secure.lab.', RRType.TXT), at({ tcp: true }));
  const after = await scrape();
  const delta = (name: string) => (sample(after, name) ?? 0) - (sample(before, name) ?? 0);
  assert.ok(delta('anchord_upstream_timeouts_total') >= 1);
  assert.equal(delta('anchord_upstream_tcp_fallbacks_total'), 1);
});

test('/healthz is ok while serving with anchors loaded', async () => {
  const r = await get(metricsPort, '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok\n');
});

test('reload: a changed policy file applies; a broken one keeps the running policy', async () => {
  writeFileSync(rpzFile, `${RPZ}www.alg8.lab CNAME .\n`);
  const ok = await app.assembly.reload();
  assert.ok(ok.ok, JSON.stringify(ok));
  assert.deepEqual(ok.parts.map((p) => p.name), ['trustAnchors', 'policy']);
  const blocked = await ask(q('www.alg8.lab.', RRType.A), at());
  assert.equal(blocked.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(edeCodes(blocked), [EdeCode.BLOCKED]);

  writeFileSync(rpzFile, 'this is not a zone file {\n');
  const bad = await app.assembly.reload();
  assert.equal(bad.ok, false);
  assert.equal(bad.parts.find((p) => p.name === 'policy')?.ok, false);
  const still = await ask(q('www.alg8.lab.', RRType.A), at());
  assert.equal(still.rcode, Rcode.NXDOMAIN);
  writeFileSync(rpzFile, RPZ);
  assert.ok((await app.assembly.reload()).ok);
  const unblocked = await ask(q('www.alg8.lab.', RRType.A), at());
  assert.equal(unblocked.rcode, Rcode.NOERROR);
});

test('insecureDomains (negative trust anchors) answer a bogus zone unvalidated with EDE 33, and reload from the config file', async () => {
  const base = labConfig(lab.port, '127.0.0.1:0', undefined, 'error');
  const settings = { ...base, limits: { ...base.limits, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, queryDeadlineMs: QUERY_DEADLINE_MS } };
  const file = join(dir, 'nta.json');
  writeFileSync(file, JSON.stringify({ ...settings, insecureDomains: ['changed.test'] }));
  const a = await assembleDaemon({ ...settings, insecureDomains: ['changed.test'] }, { logger: nullLogger, clock, configFile: file, defaultMetrics: false });
  assert.ok(a.ok, a.ok ? '' : a.error);
  try {
    const ask1 = () => a.resolve(clientQuery('www.changed.test.', RRType.A));
    const nta = await ask1();
    assert.equal(nta.rcode, Rcode.NOERROR);
    assert.equal(nta.security, 'insecure');
    assert.ok(nta.reasons.some((r) => r.ede === EdeCode.NEGATIVE_TRUST_ANCHOR), JSON.stringify(nta.reasons));

    writeFileSync(file, JSON.stringify(settings));
    const report = await a.reload();
    assert.ok(report.ok, JSON.stringify(report));
    assert.deepEqual(report.parts.map((p) => p.name), ['config', 'trustAnchors', 'policy']);
    const bogus = await ask1();
    assert.equal(bogus.rcode, Rcode.SERVFAIL, JSON.stringify(bogus.reasons));
    assert.equal(bogus.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  } finally {
    a.close();
  }
});
