// The Validator without sockets: `fetch` answers DNSKEY and DS questions from the committed signed
// lab zones, so the chain walk, the key cache, negative trust anchors, DNAME synthesis, wildcard
// proofs and the cache's security slot are checked on real signatures at the pinned time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RRset } from '../../src/wire/types.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import { RRsetCache, Trust } from '../../src/resolver/cache.ts';
import { DEFAULT_CACHE } from '../../src/resolver/options.ts';
import type { AnswerStep, Resolution, ValidationContext, ValidationVerdict } from '../../src/resolver/resolution.ts';
import { combineParts, createValidatorFromRecords, type DnssecValidator, type ValidatorConfig } from '../../src/resolver/validation.ts';
import { LAB_NOW_MS, labSet, labSets, labZone } from '../dnssec/lab-zones.ts';
import { REAL_SIGNATURE_CHECK } from '../../src/dnssec/signature-check.ts';

const LAB_ZONES = (JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { zones: { name: string; file?: string }[] }).zones
  .filter((z) => z.file !== undefined).map((z) => z.name.replace(/\.$/, '') || '.');
const N = (s: string) => Name.of(s);

function resolution(question: Question, rcode: number, steps: AnswerStep[]): Resolution {
  const last = steps[steps.length - 1];
  return {
    question, rcode, answer: steps.flatMap((s) => [...s.answer, ...s.synthesized]), authority: last?.kind === 'nxdomain' || last?.kind === 'nodata' ? last.authority : [],
    steps, reasons: [], fromCache: false, upstreamQueries: 0,
  };
}

function step(kind: AnswerStep['kind'], zone: string, question: Question, answer: RRset[], authority: RRset[] = [], synthesized: RRset[] = []): AnswerStep {
  return { kind, zone: N(zone), question, answer, authority, synthesized, fromCache: false };
}

/** The deepest lab zone strictly above `name` (where its DS lives). */
function parentZone(name: Name): string {
  let best = '.';
  for (const z of LAB_ZONES) if (name.isSubdomainOf(N(z)) && !name.equals(N(z)) && N(z).labelCount > N(best).labelCount) best = z;
  return best;
}

class LabFetch {
  readonly asked: string[] = [];
  async fetch(q: Question): Promise<Resolution> {
    this.asked.push(`${q.name.toString()} ${q.type}`);
    const zoneName = q.name.isRoot ? '.' : q.name.toString().replace(/\.$/, '');
    if (q.type === RRType.DNSKEY) {
      const set = labZone(zoneName).rrsets.find((s) => s.type === RRType.DNSKEY && s.name.equals(q.name));
      if (set === undefined) return resolution(q, Rcode.NOERROR, [step('nodata', zoneName, q, [], [labSet(zoneName, zoneName, RRType.SOA)])]);
      return resolution(q, Rcode.NOERROR, [step('answer', zoneName, q, [set])]);
    }
    const parent = parentZone(q.name);
    const ds = labZone(parent).rrsets.find((s) => s.type === RRType.DS && s.name.equals(q.name));
    if (ds !== undefined) return resolution(q, Rcode.NOERROR, [step('answer', parent, q, [ds])]);
    const proofs = [...labSets(parent, RRType.NSEC), ...labSets(parent, RRType.NSEC3)];
    return resolution(q, Rcode.NOERROR, [step('nodata', parent, q, [], [labSet(parent, parent, RRType.SOA), ...proofs])]);
  }
}

interface Harness {
  readonly validator: DnssecValidator;
  readonly lab: LabFetch;
  readonly clock: { t: number };
  context(): ValidationContext;
}

function harness(config: Omit<ValidatorConfig, 'trustAnchors'> = {}, anchorText?: string): Harness {
  const ta = parseZone(anchorText ?? readFileSync(join(DEFAULT_ZONES_DIR, 'trust-anchor'), 'utf8'));
  assert.ok(ta.ok);
  const v = createValidatorFromRecords(ta.records, config);
  assert.ok(v.ok);
  const lab = new LabFetch();
  const clock = { t: LAB_NOW_MS };
  return {
    validator: v.validator, lab, clock,
    context: () => ({
      query: { question: { name: Name.root, type: RRType.A, class: RRClass.IN }, rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 1 } },
      fetch: (q) => lab.fetch(q),
      now: () => clock.t,
    }),
  };
}

/** The verdict without its TTL caps (validation-proofs.test.ts checks those). */
function plain(v: ValidationVerdict): Pick<ValidationVerdict, 'security' | 'reasons'> {
  return { security: v.security, reasons: v.reasons };
}

function q(name: string, type: number): Question {
  return { name: N(name), type, class: RRClass.IN };
}

function answerOf(zone: string, name: string, type: number): Resolution {
  return resolution(q(name, type), Rcode.NOERROR, [step('answer', zone, q(name, type), [labSet(zone, name, type)])]);
}

test('validation: a secure answer walks root → lab. → secure.lab., then uses the key cache', async () => {
  const h = harness();
  const v = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), h.context());
  assert.deepEqual(plain(v), { security: 'secure', reasons: [] });
  assert.deepEqual(h.lab.asked, [`. ${RRType.DNSKEY}`, `lab. ${RRType.DS}`, `lab. ${RRType.DNSKEY}`, `secure.lab. ${RRType.DS}`, `secure.lab. ${RRType.DNSKEY}`]);
  h.lab.asked.length = 0;
  const again = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.AAAA), h.context());
  assert.equal(again.security, 'secure');
  assert.deepEqual(h.lab.asked, []);
});

test('validation: the IANA root anchors do not validate the lab: bogus, EDE 9', async () => {
  const h = harness({}, readFileSync(join(DEFAULT_ZONES_DIR, '..', 'root-anchors'), 'utf8'));
  const v = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), h.context());
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSKEY_MISSING);
});

test('validation: an insecure delegation makes the answer insecure, with no EDE', async () => {
  const h = harness();
  const v = await h.validator.validateResolution(answerOf('insecure.lab', 'www.insecure.lab', RRType.A), h.context());
  assert.deepEqual(plain(v), { security: 'insecure', reasons: [] });
});

test('validation: below a negative trust anchor nothing is validated (EDE 33)', async () => {
  const h = harness({ insecureDomains: [N('expired.test')] });
  const v = await h.validator.validateResolution(answerOf('expired.test', 'www.expired.test', RRType.A), h.context());
  assert.equal(v.security, 'insecure');
  assert.equal(v.reasons[0]?.ede, EdeCode.NEGATIVE_TRUST_ANCHOR);
  assert.deepEqual(h.lab.asked, []);
});

test('validation: a name under no trust anchor is insecure', async () => {
  const h = harness({}, '; only secure.lab. is anchored\n' + `secure.lab. 3600 IN DS ${readFileSync(join(DEFAULT_ZONES_DIR, 'signed', 'lab.zone'), 'utf8').split('\n').find((l) => /^secure\.lab\.\s.*\sDS\s/.test(l))?.split(/\sDS\s/)[1] ?? ''}`);
  const inside = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), h.context());
  assert.equal(inside.security, 'secure');
  const outside = await h.validator.validateResolution(answerOf('test', 'www.test', RRType.A), h.context());
  assert.deepEqual(plain(outside), { security: 'insecure', reasons: [] });
});

test('validation: a bogus zone is remembered for bogusTtl, then fetched again', async () => {
  const h = harness({ bogusTtl: 60 });
  const first = await h.validator.validateResolution(answerOf('expired.test', 'www.expired.test', RRType.A), h.context());
  assert.equal(first.security, 'bogus');
  assert.equal(first.reasons[0]?.ede, EdeCode.SIGNATURE_EXPIRED);
  assert.match(first.reasons[0]?.text ?? '', /expired 2024-01-01T00:00:00Z/);
  h.lab.asked.length = 0;
  await h.validator.validateResolution(answerOf('expired.test', 'www.expired.test', RRType.A), h.context());
  assert.deepEqual(h.lab.asked, []);
  h.clock.t += 61_000;
  await h.validator.validateResolution(answerOf('expired.test', 'www.expired.test', RRType.A), h.context());
  assert.deepEqual(h.lab.asked, [`expired.test. ${RRType.DS}`, `expired.test. ${RRType.DNSKEY}`]);
});

test('validation: a wildcard answer needs its NSEC proof in the step', async () => {
  const h = harness();
  const wild = labSet('secure.lab', '*.wild.secure.lab', RRType.A);
  const qq = q('foo.wild.secure.lab', RRType.A);
  const expanded: RRset = { ...wild, name: qq.name };
  const proof = labSet('secure.lab', '*.wild.secure.lab', RRType.NSEC);
  const withProof = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('answer', 'secure.lab', qq, [expanded], [proof])]), h.context());
  assert.equal(withProof.security, 'secure');
  const without = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('answer', 'secure.lab', qq, [expanded])]), h.context());
  assert.equal(without.security, 'bogus');
  // 6, not 12: the answer's data is there, its wildcard expansion is what lacks a proof (RFC 8914 §4.13).
  assert.equal(without.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(without.reasons[0]?.text ?? '', /wildcard answer for foo\.wild\.secure\.lab\..*no NSEC or NSEC3 records/);
});

test('validation: a CNAME synthesized from a secure DNAME is secure only when it follows the rule', async () => {
  const h = harness();
  const dname = labSet('secure.lab', 'old.secure.lab', RRType.DNAME);
  const qq = q('www.old.secure.lab', RRType.A);
  const cname = (target: string): RRset => ({ name: qq.name, type: RRType.CNAME, class: RRClass.IN, ttl: 3600, rdata: [N(target).toWire()], sigs: [] });
  const good = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('alias', 'secure.lab', qq, [dname], [], [cname('www.new.example')])]), h.context());
  assert.equal(good.security, 'secure');
  const bad = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('alias', 'secure.lab', qq, [dname], [], [cname('evil.example')])]), h.context());
  assert.equal(bad.security, 'bogus');
  assert.equal(bad.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
});

test('validation: a chain from secure to insecure is insecure; secure to bogus is bogus', async () => {
  const h = harness();
  const qq = q('chain.secure.lab', RRType.A);
  const toInsecure = resolution(qq, Rcode.NOERROR, [
    step('alias', 'secure.lab', qq, [labSet('secure.lab', 'chain.secure.lab', RRType.CNAME)]),
    step('answer', 'insecure.lab', q('www.insecure.lab', RRType.A), [labSet('insecure.lab', 'www.insecure.lab', RRType.A)]),
  ]);
  assert.equal((await h.validator.validateResolution(toInsecure, h.context())).security, 'insecure');
  const toBogus = resolution(qq, Rcode.NOERROR, [
    step('alias', 'secure.lab', qq, [labSet('secure.lab', 'chain.secure.lab', RRType.CNAME)]),
    step('answer', 'changed.test', q('www.changed.test', RRType.A), [labSet('changed.test', 'www.changed.test', RRType.A)]),
  ]);
  const v = await h.validator.validateResolution(toBogus, h.context());
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
});

test('validation: NXDOMAIN and NODATA are judged by their proofs', async () => {
  const h = harness();
  const nx = q('nx.secure.lab', RRType.A);
  const auth = [labSet('secure.lab', 'secure.lab', RRType.SOA), ...labSets('secure.lab', RRType.NSEC)];
  const ok = await h.validator.validateResolution(resolution(nx, Rcode.NXDOMAIN, [step('nxdomain', 'secure.lab', nx, [], auth)]), h.context());
  assert.equal(ok.security, 'secure');
  const noProof = await h.validator.validateResolution(resolution(nx, Rcode.NXDOMAIN, [step('nxdomain', 'secure.lab', nx, [], [auth[0]])]), h.context());
  assert.equal(noProof.reasons[0]?.ede, EdeCode.NSEC_MISSING);
  const iter = q('nx.iter200.test', RRType.A);
  const iterAuth = [labSet('iter200.test', 'iter200.test', RRType.SOA), ...labSets('iter200.test', RRType.NSEC3)];
  const v = await h.validator.validateResolution(resolution(iter, Rcode.NXDOMAIN, [step('nxdomain', 'iter200.test', iter, [], iterAuth)]), h.context());
  assert.equal(v.security, 'insecure');
  assert.equal(v.reasons[0]?.ede, EdeCode.UNSUPPORTED_NSEC3_ITERATIONS_VALUE);
});

test('validation: the verdict is written into the cache security slot, bogus with a short life', async () => {
  const h = harness({ bogusTtl: 60 });
  const clock = { now: () => h.clock.t };
  const cache = new RRsetCache(DEFAULT_CACHE, clock);
  h.validator.attachCache(cache);
  const good = labSet('secure.lab', 'www.secure.lab', RRType.A);
  const bad = labSet('changed.test', 'www.changed.test', RRType.A);
  cache.putRRset(good, N('secure.lab'), Trust.AUTH_ANSWER);
  cache.putRRset(bad, N('changed.test'), Trust.AUTH_ANSWER);
  await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), h.context());
  await h.validator.validateResolution(answerOf('changed.test', 'www.changed.test', RRType.A), h.context());
  assert.equal(cache.peekRRset(good.name, RRType.A, RRClass.IN)?.security, 'secure');
  assert.equal(cache.peekRRset(bad.name, RRType.A, RRClass.IN)?.security, 'bogus');
  h.clock.t += 61_000;
  assert.equal(cache.peekRRset(bad.name, RRType.A, RRClass.IN), undefined, 'bogus data expires after bogusTtl');
  assert.equal(cache.peekRRset(good.name, RRType.A, RRClass.IN)?.security, 'secure');
});

test('validation: a cached denial that was judged before is not verified again', async () => {
  let verifications = 0;
  const counting = {
    supports: REAL_SIGNATURE_CHECK.supports,
    verify: (alg: number, key: Uint8Array, data: Uint8Array, sig: Uint8Array) => {
      verifications++;
      return REAL_SIGNATURE_CHECK.verify(alg, key, data, sig);
    },
  };
  const h = harness({ signatureCheck: counting });
  const cache = new RRsetCache(DEFAULT_CACHE, { now: () => h.clock.t });
  h.validator.attachCache(cache);
  const nx = q('nx.secure.lab', RRType.A);
  const auth = [labSet('secure.lab', 'secure.lab', RRType.SOA), ...labSets('secure.lab', RRType.NSEC)];
  cache.putNegative('nxdomain', nx.name, RRType.A, RRClass.IN, auth, N('secure.lab'), Trust.AUTH_ANSWER, 300);
  const res = resolution(nx, Rcode.NXDOMAIN, [step('nxdomain', 'secure.lab', nx, [], auth)]);
  assert.equal((await h.validator.validateResolution(res, h.context())).security, 'secure');
  const first = verifications;
  assert.ok(first > 0);
  assert.equal((await h.validator.validateResolution(res, h.context())).security, 'secure');
  assert.equal(verifications, first, 'the second validation reuses the cached verdict');
  // Different proof records (one NSEC missing) are judged afresh, not taken from the cache.
  const fewer = resolution(nx, Rcode.NXDOMAIN, [step('nxdomain', 'secure.lab', nx, [], [auth[0]])]);
  assert.equal((await h.validator.validateResolution(fewer, h.context())).reasons[0]?.ede, EdeCode.NSEC_MISSING);
});

test('validation: combineParts puts the worst verdict and its reason first', () => {
  const v = combineParts([
    { security: 'insecure', reason: reason(EdeCode.UNSUPPORTED_DS_DIGEST_TYPE, 'x') },
    { security: 'secure' },
    { security: 'bogus', reason: reason(EdeCode.SIGNATURE_EXPIRED, 'y') },
  ]);
  assert.equal(v.security, 'bogus');
  assert.deepEqual(v.reasons.map((r) => r.ede), [EdeCode.SIGNATURE_EXPIRED, EdeCode.UNSUPPORTED_DS_DIGEST_TYPE]);
  assert.deepEqual(combineParts([]), { security: 'insecure', reasons: [] });
});

test('validation: a forged RRSIG naming an unanchored ancestor cannot downgrade bogus to insecure', async () => {
  const dsLine = readFileSync(join(DEFAULT_ZONES_DIR, 'signed', 'lab.zone'), 'utf8').split('\n').find((l) => /^secure\.lab\.\s.*\sDS\s/.test(l));
  assert.ok(dsLine !== undefined);
  const h = harness({}, `secure.lab. 3600 IN DS ${dsLine.split(/\sDS\s/)[1]}`);
  const real = labSet('secure.lab', 'www.secure.lab', RRType.A);
  // Signatures stripped, one by lab. (outside the secure.lab. anchor) put in their place.
  const forged: RRset = { ...real, sigs: labSet('lab', 'www.lab', RRType.A).sigs };
  const qq = q('www.secure.lab', RRType.A);
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('answer', 'secure.lab', qq, [forged])]), h.context());
  assert.equal(v.security, 'bogus');
});

test('validation: a stripped denial from a forwarder ("." asked, no SOA) under a closer anchor is bogus, not insecure', async () => {
  const dsLine = readFileSync(join(DEFAULT_ZONES_DIR, 'signed', 'lab.zone'), 'utf8').split('\n').find((l) => /^secure\.lab\.\s.*\sDS\s/.test(l));
  assert.ok(dsLine !== undefined);
  const h = harness({}, `secure.lab. 3600 IN DS ${dsLine.split(/\sDS\s/)[1]}`);
  // The NSECs of secure.lab. with their RRSIGs removed, and no SOA: "." (unanchored here) must not judge it.
  const stripped = labSets('secure.lab', RRType.NSEC).map((s) => ({ ...s, sigs: [] }));
  const qq = q('www.secure.lab', RRType.AAAA);
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('nodata', '.', qq, [], stripped)]), h.context());
  assert.equal(v.security, 'bogus', JSON.stringify(v.reasons));
});

// ---- behaviour added for the Unbound replay corpus (val_*) ----------------------------------

test('validation: the DS in a referral is used; no DS query is sent for that cut', async () => {
  const h = harness();
  const qq = q('www.secure.lab', RRType.A);
  const referral: AnswerStep = {
    ...step('referral', 'lab', qq, [], [labSet('lab', 'secure.lab', RRType.NS), labSet('lab', 'secure.lab', RRType.DS)]), child: N('secure.lab'),
  };
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [referral, step('answer', 'secure.lab', qq, [labSet('secure.lab', 'www.secure.lab', RRType.A)])]), h.context());
  assert.deepEqual(plain(v), { security: 'secure', reasons: [] });
  assert.ok(!h.lab.asked.includes(`secure.lab. ${RRType.DS}`), h.lab.asked.join());
  assert.ok(h.lab.asked.includes(`lab. ${RRType.DS}`), 'cuts without a referral in hand are still asked');
});

test('validation: a referral\'s signed NSEC proving no DS makes the child insecure without a DS query', async () => {
  const h = harness();
  const qq = q('www.insecure.lab', RRType.A);
  const referral: AnswerStep = {
    ...step('referral', 'lab', qq, [], [labSet('lab', 'insecure.lab', RRType.NS), labSet('lab', 'insecure.lab', RRType.NSEC)]), child: N('insecure.lab'),
  };
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [referral, step('answer', 'insecure.lab', qq, [labSet('insecure.lab', 'www.insecure.lab', RRType.A)])]), h.context());
  assert.deepEqual(plain(v), { security: 'insecure', reasons: [] });
  assert.ok(!h.lab.asked.includes(`insecure.lab. ${RRType.DS}`), h.lab.asked.join());
});

test('validation: a signed no-DS proof that came with another answer of the same resolution is used', async () => {
  const h = harness();
  const first = q('lab', RRType.SOA);
  const qq = q('www.insecure.lab', RRType.A);
  const steps = [
    step('answer', 'lab', first, [labSet('lab', 'lab', RRType.SOA)], [labSet('lab', 'insecure.lab', RRType.NSEC)]),
    step('answer', 'insecure.lab', qq, [labSet('insecure.lab', 'www.insecure.lab', RRType.A)]),
  ];
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, steps), h.context());
  assert.equal(v.security, 'insecure');
  assert.ok(!h.lab.asked.includes(`insecure.lab. ${RRType.DS}`), h.lab.asked.join());
});

test('validation: a wildcard-expanded NSEC proves nothing: bogus, EDE 6 (CVE-2017-15105)', async () => {
  const h = harness();
  const qq = q('foo.wild.secure.lab', RRType.MX);
  const expandedNsec: RRset = { ...labSet('secure.lab', '*.wild.secure.lab', RRType.NSEC), name: qq.name };
  const v = await h.validator.validateResolution(
    resolution(qq, Rcode.NOERROR, [step('nodata', 'secure.lab', qq, [], [labSet('secure.lab', 'secure.lab', RRType.SOA), expandedNsec])]), h.context(),
  );
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(v.reasons[0]?.text ?? '', /expanded from the wildcard \*\.wild\.secure\.lab\./);
});

test('validation: an answer to QTYPE=RRSIG is not validated (insecure, nothing fetched)', async () => {
  const h = harness();
  const a = labSet('secure.lab', 'www.secure.lab', RRType.A);
  const qq = q('www.secure.lab', RRType.RRSIG);
  const sigs: RRset = { name: a.name, type: RRType.RRSIG, class: a.class, ttl: a.ttl, rdata: [...a.sigs], sigs: [] };
  const v = await h.validator.validateResolution(resolution(qq, Rcode.NOERROR, [step('answer', 'secure.lab', qq, [sigs])]), h.context());
  assert.deepEqual(plain(v), { security: 'insecure', reasons: [] });
  assert.deepEqual(h.lab.asked, []);
});

test('validation: the injected signatureCheck replaces the crypto step (and only that)', async () => {
  const calls: number[] = [];
  const h = harness({
    signatureCheck: {
      supports: () => true,
      verify: (algorithm) => {
        calls.push(algorithm);
        return { ok: false, kind: 'bad-signature', detail: 'rejected by the test check' };
      },
    },
  });
  const v = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), h.context());
  assert.equal(v.security, 'bogus');
  assert.match(v.reasons[0]?.text ?? '', /rejected by the test check/);
  assert.ok(calls.length > 0);
  const real = harness();
  assert.equal((await real.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), real.context())).security, 'secure');
});

/** Answers like LabFetch, except that DNSKEY queries for `failing` get SERVFAIL (an unreachable or broken zone). */
function withFailingDnskey(h: Harness, failing: string): ValidationContext {
  const ctx = h.context();
  return {
    ...ctx,
    fetch: (question) => (question.type === RRType.DNSKEY && question.name.equals(N(failing))
      ? Promise.resolve({ ...resolution(question, Rcode.SERVFAIL, []), reasons: [reason(EdeCode.NO_REACHABLE_AUTHORITY, `no reachable authority for ${failing}`)] })
      : ctx.fetch(question)),
  };
}

test('validation: hardenDnssecStripped (default on): an anchor whose DNSKEY cannot be fetched is bogus', async () => {
  const h = harness();
  const v = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), withFailingDnskey(h, '.'));
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSKEY_MISSING);
});

test('validation: hardenDnssecStripped off: an anchor with no fetchable or matching DNSKEY is insecure, and says why', async () => {
  const h = harness({ hardenDnssecStripped: false });
  const v = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), withFailingDnskey(h, '.'));
  assert.equal(v.security, 'insecure');
  assert.equal(v.reasons[0]?.ede, EdeCode.DNSKEY_MISSING);
  assert.match(v.reasons[0]?.text ?? '', /treated as insecure \(hardenDnssecStripped is off\)/);
  // An anchor the zone's keys do not match (the IANA root anchors against the lab) likewise.
  const iana = harness({ hardenDnssecStripped: false }, readFileSync(join(DEFAULT_ZONES_DIR, '..', 'root-anchors'), 'utf8'));
  const w = await iana.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), iana.context());
  assert.equal(w.security, 'insecure');
});

test('validation: hardenDnssecStripped off weakens only the anchor: a zone below it without DNSKEY stays bogus', async () => {
  const h = harness({ hardenDnssecStripped: false });
  const v = await h.validator.validateResolution(answerOf('secure.lab', 'www.secure.lab', RRType.A), withFailingDnskey(h, 'secure.lab'));
  assert.equal(v.security, 'bogus');
});
