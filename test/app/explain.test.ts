// `anchord explain` over the embedded lab: each explanation resolves on a fresh assembly (empty
// caches, so the whole chain is walked) with the clock pinned to lab.json's pinnedTime, inside
// the signatures' 2025-2045 window whatever the wall clock says. Each broken lab zone must be
// named at the step that breaks it, with the EDE the daemon sends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explain, type Explanation } from '../../src/app/explain.ts';
import { formatExplanation, formatExplanationJson, formatSigTime } from '../../src/app/explain-text.ts';
import { labConfig } from '../../src/cli/lab.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { nullLogger } from '../../src/log/logger.ts';
import type { TraceEvent } from '../../src/resolver/trace.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { pinnedTime: string; rootKskTag: number };
const PINNED = Date.parse(labJson.pinnedTime);
const clock = { now: () => PINNED };
let lab: LabHandle;

before(async () => {
  lab = await startLab({ port: 0 });
});

after(async () => {
  await lab?.close();
});

async function run(name: string, type: number = RRType.A): Promise<Explanation> {
  const r = await explain(labConfig(lab.port, '127.0.0.1:0', undefined, 'error'), { name: Name.of(name), type, class: RRClass.IN }, { logger: nullLogger, clock });
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.explanation;
}

function ofKind<K extends TraceEvent['kind']>(x: Explanation, kind: K): Extract<TraceEvent, { kind: K }>[] {
  return x.events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

function failing(x: Explanation): TraceEvent {
  assert.ok(x.failingStep !== undefined, 'a failing step is named');
  return x.events[x.failingStep];
}

/** The one human line marked as the failing step. */
function failLine(x: Explanation): string {
  const marked = formatExplanation(x).filter((l) => l.startsWith('✗'));
  assert.equal(marked.length, 1, formatExplanation(x).join('\n'));
  return marked[0];
}

test('www.expired.test. A: the expired.test. DNSKEY step fails with EDE 7', async () => {
  const x = await run('www.expired.test.');
  assert.equal(x.outcome.rcode, Rcode.SERVFAIL);
  assert.equal(x.failed, true);
  const f = failing(x);
  assert.ok(f.kind === 'dnskey', JSON.stringify(f));
  assert.equal(f.zone, 'expired.test.');
  assert.equal(f.verdict, 'bogus');
  assert.equal(f.reason?.ede, EdeCode.SIGNATURE_EXPIRED);
  // The expired signature's window is in the event, in the past of the pinned clock.
  assert.ok(f.sigs.length > 0 && f.sigs.every((s) => s.expiration * 1000 < PINNED), JSON.stringify(f.sigs));
  const line = failLine(x);
  assert.match(line, /expired\.test\. DNSKEY/);
  assert.match(line, /EDE 7 Signature Expired/);
  assert.equal(formatExplanation(x)[0], 'www.expired.test. A → SERVFAIL (bogus)');
  // Everything above it was secure: the chain up to test. is fine.
  for (const e of ofKind(x, 'dnskey').filter((d) => d.zone !== 'expired.test.')) assert.equal(e.verdict, 'secure', e.zone);
});

test('www.changed.test. A: the A RRset fails with EDE 6 after a secure chain', async () => {
  const x = await run('www.changed.test.');
  assert.equal(x.outcome.rcode, Rcode.SERVFAIL);
  const f = failing(x);
  assert.ok(f.kind === 'rrset', JSON.stringify(f));
  assert.equal(f.owner, 'www.changed.test.');
  assert.equal(f.type, 'A');
  assert.equal(f.checked, true);
  assert.equal(f.reason?.ede, EdeCode.DNSSEC_BOGUS);
  assert.deepEqual(ofKind(x, 'dnskey').map((e) => [e.zone, e.verdict]), [['.', 'secure'], ['test.', 'secure'], ['changed.test.', 'secure']]);
  const line = failLine(x);
  assert.match(line, /www\.changed\.test\. A/);
  assert.match(line, /EDE 6 DNSSEC Bogus/);
});

test('www.nokey.test. A: no DNSKEY matches the DS tag the parent publishes', async () => {
  const x = await run('www.nokey.test.');
  const ds = ofKind(x, 'ds').find((e) => e.zone === 'nokey.test.');
  assert.ok(ds !== undefined && ds.records.length > 0);
  const tag = ds.records[0].keyTag;
  const f = failing(x);
  assert.ok(f.kind === 'dnskey', JSON.stringify(f));
  assert.equal(f.zone, 'nokey.test.');
  assert.equal(f.reason?.ede, EdeCode.DNSKEY_MISSING);
  assert.ok(f.keys.length > 0 && f.keys.every((k) => k.matchedDs === undefined && k.keyTag !== tag), JSON.stringify(f.keys));
  assert.match(failLine(x), new RegExp(`no DNSKEY of nokey\\.test\\. matches DS key tag ${tag}`));
});

test('www.secure.lab. A: secure, along . → lab. → secure.lab. from the lab anchor', async () => {
  const x = await run('www.secure.lab.');
  assert.equal(x.outcome.rcode, Rcode.NOERROR);
  assert.equal(x.outcome.security, 'secure');
  assert.equal(x.failed, false);
  assert.equal(x.failingStep, undefined);
  assert.deepEqual(ofKind(x, 'referral').filter((e) => !e.forValidation).map((e) => [e.from, e.to]), [['.', 'lab.'], ['lab.', 'secure.lab.']]);
  const anchor = ofKind(x, 'anchor');
  assert.equal(anchor.length, 1);
  assert.deepEqual(anchor[0].ds.map((d) => d.keyTag), [labJson.rootKskTag]);
  const keys = ofKind(x, 'dnskey');
  assert.deepEqual(keys.map((e) => [e.zone, e.verdict]), [['.', 'secure'], ['lab.', 'secure'], ['secure.lab.', 'secure']]);
  // Every DS names a key that matched it, and the root's KSK matched the anchor.
  assert.ok(keys[0].keys.some((k) => k.keyTag === labJson.rootKskTag && k.matchedDs === labJson.rootKskTag));
  for (const d of ofKind(x, 'ds')) {
    const k = keys.find((e) => e.zone === d.zone);
    assert.ok(k?.keys.some((key) => key.matchedDs === d.records[0].keyTag), d.zone);
  }
  const answer = ofKind(x, 'rrset').find((e) => e.owner === 'www.secure.lab.' && e.type === 'A');
  assert.ok(answer !== undefined);
  assert.equal(answer.verdict, 'secure');
  assert.ok(keys[2].keys.some((k) => k.keyTag === answer.keyTag), 'the answer was signed by a key of secure.lab.');
  const text = formatExplanation(x);
  assert.equal(text[0], 'www.secure.lab. A → NOERROR (secure)');
  assert.ok(!text.some((l) => l.startsWith('✗')), text.join('\n'));
  assert.match(text.join('\n'), /trust anchor \. DS \d+\/8\/SHA-256/);
  assert.match(text.join('\n'), /secure\.lab\. DNSKEY: 2 keys .* — secure: DS \d+ matches key \d+, RRSIG by \d+ alg 13 valid 2025-01-01\.\.2045-12-31/);
});

test('www.insecure.lab. A: the NSEC at insecure.lab. in lab. proves there is no DS', async () => {
  const x = await run('www.insecure.lab.');
  assert.equal(x.outcome.rcode, Rcode.NOERROR);
  assert.equal(x.outcome.security, 'insecure');
  assert.equal(x.failed, false);
  const d = ofKind(x, 'denial').find((e) => e.what === 'no-ds');
  assert.ok(d !== undefined, JSON.stringify(x.events));
  assert.equal(d.zone, 'lab.');
  assert.equal(d.name, 'insecure.lab.');
  assert.equal(d.result, 'insecure-delegation');
  const nsec = d.records.find((r) => r.type === 'NSEC' && r.owner === 'insecure.lab.');
  assert.ok(nsec !== undefined, JSON.stringify(d.records));
  assert.ok(nsec.types.includes('NS') && !nsec.types.includes('DS'), nsec.types.join(' '));
  assert.deepEqual(nsec.relations, [{ relation: 'matches', name: 'insecure.lab.' }]);
  // The NSEC itself was verified with lab.'s keys before it was believed.
  const sig = ofKind(x, 'rrset').find((e) => e.owner === 'insecure.lab.' && e.type === 'NSEC');
  assert.equal(sig?.verdict, 'secure');
  assert.match(formatExplanation(x).join('\n'), /lab\. proves no DS for insecure\.lab\. — insecure delegation\n\s+NSEC insecure\.lab\. → \S+ \[NS RRSIG NSEC\]: matches insecure\.lab\./);
});

test('nx.test. A: the NSEC3 closest-encloser proof names what each record matches or covers', async () => {
  const x = await run('nx.test.');
  assert.equal(x.outcome.rcode, Rcode.NXDOMAIN);
  const d = ofKind(x, 'denial').find((e) => e.what === 'nxdomain');
  assert.ok(d !== undefined);
  assert.equal(d.verdict, 'secure');
  const relations = d.records.flatMap((r) => r.relations.map((rel) => `${rel.relation} ${rel.name}`)).sort();
  assert.deepEqual(relations, ['covers *.test.', 'covers nx.test.', 'matches test.']);
});

test('--json: a header line, then one parseable event per line ending with the verdict', async () => {
  const x = await run('www.changed.test.');
  const lines = formatExplanationJson(x);
  const parsed = lines.map((l) => JSON.parse(l) as { kind: string; failed?: boolean; rcode?: string });
  assert.equal(parsed[0].kind, 'explain');
  assert.equal(parsed[0].failed, true);
  assert.equal(parsed.length, x.events.length + 1);
  assert.equal(parsed.at(-1)?.kind, 'verdict');
  assert.equal(parsed.at(-1)?.rcode, 'SERVFAIL');
  assert.ok(parsed.some((p) => p.kind === 'query'), 'upstream exchanges are in the JSON form');
});

test('RRSIG times print as dates at midnight UTC, else in full', () => {
  assert.equal(formatSigTime(Date.UTC(2025, 0, 1) / 1000), '2025-01-01');
  assert.equal(formatSigTime(Date.UTC(2024, 0, 1, 12, 30) / 1000), '2024-01-01T12:30:00Z');
});
