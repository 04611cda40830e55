// The zone-side store (the zone's own NS set and in-zone server addresses), the validator's
// verdicts on it, and the RD=0 referral's choice between it and the parent's delegation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Opcode, Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import type { Message, RR, RRset } from '../../src/wire/types.ts';
import { RRsetCache, Trust } from '../../src/resolver/cache.ts';
import { DEFAULT_CACHE } from '../../src/resolver/options.ts';
import { cachedReferral, MAX_REFERRAL_TARGETS } from '../../src/resolver/referral.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { MAX_ZONE_SIDE_TARGETS, zoneSideSets, ZoneSideStore } from '../../src/resolver/zone-side.ts';
import type { AnswerStep } from '../../src/resolver/resolution.ts';
import { TestClock } from './fake-hierarchy.ts';
import { query } from './hierarchy.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, q, resolution, step, TableFetch, unsigned, rrsetRecords } from './signed-fakes.ts';

const ZONE = new FakeZone('example.', 31);
const PARENT = new FakeZone('.', 32);

function msg(answer: RR[], authority: RR[], additional: RR[]): Message {
  return {
    id: 0, opcode: Opcode.QUERY, rcode: Rcode.NOERROR, question: [q('www.example.', RRType.A)], answer, authority, additional,
    flags: { qr: true, aa: true, tc: false, rd: false, ra: false, z: false, ad: false, cd: false },
  };
}

const a = (name: string, last: number): RRset => unsigned(name, RRType.A, [Uint8Array.of(192, 0, 2, last)]);
const nsOf = (zone: string, ...targets: string[]) => ({ name: N(zone), type: RRType.NS, rdata: targets.map((t) => N(t).toWire()) });
const key = (s: RRset): string => `${s.name} ${s.type}`;

test('zoneSideSets: the zone\'s own NS set and the in-zone addresses of its targets, nothing else', () => {
  const ns = ZONE.sign(nsOf('example.', 'ns1.example.', 'ns.elsewhere.test.'));
  const m = msg([], [
    ...rrsetRecords(ns),
    ...rrsetRecords(ZONE.sign(nsOf('sub.example.', 'ns1.example.'))), // another owner: not the zone's own set
  ], [
    ...rrsetRecords(ZONE.sign(a('ns1.example.', 1))),
    ...rrsetRecords(ZONE.sign(a('ns.elsewhere.test.', 2))), // out of the zone
    ...rrsetRecords(ZONE.sign(a('unnamed.example.', 3))), // no target of the NS set
  ]);
  const sets = zoneSideSets(m, N('example.'));
  assert.deepEqual(sets.map(key), ['example. 2', 'ns1.example. 1']);
  assert.equal(sets[1].sigs.length, 1, 'RRSIGs are kept with their sets');
  assert.deepEqual(zoneSideSets(m, N('other.')), [], 'no NS set of the zone asked: nothing');
});

test('zoneSideSets: addresses for at most MAX_ZONE_SIDE_TARGETS NS targets', () => {
  const targets = Array.from({ length: MAX_ZONE_SIDE_TARGETS + 4 }, (_, i) => `ns${i}.example.`);
  const m = msg([], rrsetRecords(ZONE.sign(nsOf('example.', ...targets))), targets.flatMap((t, i) => rrsetRecords(a(t, i))));
  assert.equal(zoneSideSets(m, N('example.')).length, 1 + MAX_ZONE_SIDE_TARGETS);
});

test('ZoneSideStore: a verdict lands only on the very data judged; a secure set survives its repeats', () => {
  const store = new ZoneSideStore(DEFAULT_CACHE, new TestClock());
  const ns = ZONE.sign(nsOf('example.', 'ns1.example.'));
  store.put([ns], N('example.'), Trust.AUTH_AUTHORITY);
  const other = ZONE.sign(nsOf('example.', 'ns9.example.'));
  store.record([{ set: other, security: 'secure', ttl: 60 }]);
  assert.equal(store.secure(N('example.'), RRType.NS), undefined, 'a verdict on other records is not this set\'s');
  store.record([{ set: ns, security: 'secure', ttl: 60 }]);
  assert.equal(store.secure(N('example.'), RRType.NS)?.rrset.rdata.length, 1);
  assert.deepEqual(store.put([ns], N('example.'), Trust.AUTH_AUTHORITY), [], 'nothing new to judge');
  assert.ok(store.secure(N('example.'), RRType.NS) !== undefined, 'the same data again keeps its verdict');
  store.put([unsigned('example.', RRType.NS, [N('evil.test.').toWire()])], N('example.'), Trust.AUTHORITY);
  assert.ok(store.secure(N('example.'), RRType.NS) !== undefined, 'a lower-ranked copy never replaces it');
  assert.deepEqual(store.put([other], N('example.'), Trust.AUTH_AUTHORITY), [other]);
  assert.equal(store.secure(N('example.'), RRType.NS), undefined, 'changed data waits for its own verdict');
  assert.equal(store.ns(N('example.'), Trust.AUTH_AUTHORITY)?.rrset.rdata.length, 1);
});

/** The validator's verdicts on a step's zone data, judged with keys from the answer's own walk. */
async function judge(zoneData: RRset[]) {
  const fetch = new TableFetch();
  fetch.set('example.', RRType.DNSKEY, resolution(q('example.', RRType.DNSKEY), Rcode.NOERROR, [step('answer', 'example.', q('example.', RRType.DNSKEY), [ZONE.dnskeySet()])]));
  const validator = createValidator({ trustAnchors: [ZONE.anchor()], signatureCheck: ACCEPT_SIGNATURES });
  const s: AnswerStep = { ...step('answer', 'example.', q('www.example.', RRType.A), [ZONE.sign(a('www.example.', 1))]), zoneData };
  const verdict = await validator.validateResolution(resolution(q('www.example.', RRType.A), Rcode.NOERROR, [s]), {
    query: query('www.example.', RRType.A), fetch: (x) => fetch.fetch(x), now: () => FAKE_NOW_MS,
  });
  return { verdict, asked: fetch.asked };
}

test('validator: the zone data beside an answer is judged with the zone\'s keys, without a fetch of its own', async () => {
  const good = ZONE.sign(nsOf('example.', 'ns1.example.'));
  const addr = ZONE.sign(a('ns1.example.', 1), { originalTtl: 120 });
  const forged = ZONE.sign(a('ns2.example.', 2), { broken: true });
  const bare = a('ns3.example.', 3);
  const byParent = PARENT.sign(a('ns4.example.', 4));
  const { verdict, asked } = await judge([good, addr, forged, bare, byParent]);
  assert.equal(verdict.security, 'secure', 'a forged zone-data set never changes the answer\'s verdict');
  assert.deepEqual(asked, ['example. 48'], 'only the keys the answer itself needed');
  const got = (verdict.zoneData ?? []).map((v) => `${key(v.set)} ${v.security}`);
  // Unsigned data, and data another zone signed, get no verdict at all.
  assert.deepEqual(got, ['example. 2 secure', 'ns1.example. 1 secure', 'ns2.example. 1 bogus']);
  assert.equal(verdict.zoneData?.[1].ttl, 120, 'a secure verdict lives no longer than the RRSIG allows');
});

test('validator: without proven keys for the zone, its data gets no verdict', async () => {
  const validator = createValidator({ trustAnchors: [new FakeZone('other.', 33).anchor()], signatureCheck: ACCEPT_SIGNATURES });
  const s: AnswerStep = { ...step('answer', 'example.', q('www.example.', RRType.A), [ZONE.sign(a('www.example.', 1))]), zoneData: [ZONE.sign(nsOf('example.', 'ns1.example.'))] };
  const fetch = new TableFetch();
  const v = await validator.validateResolution(resolution(q('www.example.', RRType.A), Rcode.NOERROR, [s]), {
    query: query('www.example.', RRType.A), fetch: (x) => fetch.fetch(x), now: () => FAKE_NOW_MS,
  });
  assert.equal(v.security, 'insecure');
  assert.equal(v.zoneData, undefined);
  assert.deepEqual(fetch.asked, []);
});

/** A cache with the parent's delegation for example. (rank AUTHORITY) and glue for ns1.example. */
function delegated(): { cache: RRsetCache; store: ZoneSideStore } {
  const clock = new TestClock();
  const cache = new RRsetCache(DEFAULT_CACHE, clock);
  cache.putRRset(unsigned('example.', RRType.NS, [N('ns1.example.').toWire()]), N('.'), Trust.AUTHORITY);
  cache.putRRset(a('ns1.example.', 1), N('.'), Trust.ADDITIONAL);
  return { cache, store: new ZoneSideStore(DEFAULT_CACHE, clock) };
}

function proven(store: ZoneSideStore, sets: RRset[]): void {
  store.put(sets, N('example.'), Trust.AUTH_AUTHORITY);
  store.record(sets.map((set) => ({ set, security: 'secure' as const, ttl: 3600 })));
}

test('referral: the zone\'s own secure NS set replaces the parent\'s delegation, with AD and only proven addresses', () => {
  const { cache, store } = delegated();
  const own = ZONE.sign(nsOf('example.', 'ns1.example.', 'ns2.example.'));
  const ownA = ZONE.sign(a('ns1.example.', 9));
  store.put([own, ownA], N('example.'), Trust.AUTH_AUTHORITY);
  const before = cachedReferral(cache, q('x.example.', RRType.A), false, store);
  assert.equal(before?.authority[0]?.rdata.length, 1, 'not judged yet: the parent\'s delegation');
  assert.equal(before?.security, 'insecure');
  proven(store, [own, ownA]);
  const r = cachedReferral(cache, q('x.example.', RRType.A), false, store);
  assert.equal(r?.security, 'secure');
  assert.equal(r?.authority[0]?.rdata.length, 2);
  assert.deepEqual(r?.additional.map((s) => s.rdata[0][3]), [9], 'the proven address, not the glue');
});

test('referral: a secure NS set the cache holds from the zone itself is kept over the zone-side copy', () => {
  const { cache, store } = delegated();
  const answered = ZONE.sign(nsOf('example.', 'ns1.example.'));
  cache.putRRset(answered, N('example.'), Trust.AUTH_ANSWER);
  cache.setSecurity(N('example.'), RRType.NS, RRClass.IN, 'secure');
  proven(store, [ZONE.sign(nsOf('example.', 'ns1.example.', 'ns2.example.'))]);
  assert.equal(cachedReferral(cache, q('x.example.', RRType.A), false, store)?.authority[0]?.rdata.length, 1);
});

test('referral: with the zone-side NS set a cached bogus DS still fails the referral, and a DS not yet judged withholds AD', () => {
  const { cache, store } = delegated();
  proven(store, [ZONE.sign(nsOf('example.', 'ns1.example.'))]);
  cache.putRRset(PARENT.dsSetFor(ZONE), N('.'), Trust.AUTH_AUTHORITY);
  assert.equal(cachedReferral(cache, q('x.example.', RRType.A), false, store)?.security, 'insecure');
  cache.setSecurity(N('example.'), RRType.DS, RRClass.IN, 'bogus');
  assert.equal(cachedReferral(cache, q('x.example.', RRType.A), false, store)?.rcode, Rcode.SERVFAIL);
});

test('referral: with the zone-side NS set, addresses are still looked up for at most MAX_REFERRAL_TARGETS servers', () => {
  const { cache, store } = delegated();
  const targets = Array.from({ length: MAX_REFERRAL_TARGETS + 3 }, (_, i) => `ns${i}.example.`);
  const own = ZONE.sign(nsOf('example.', ...targets));
  proven(store, [own, ...targets.map((t, i) => ZONE.sign(a(t, i)))]);
  const r = cachedReferral(cache, q('x.example.', RRType.A), false, store);
  assert.equal(r?.security, 'secure');
  assert.equal(r?.additional.length, MAX_REFERRAL_TARGETS);
});

test('validator: a DS proven on the way down records its verdict on the cached copy, never on different records', async () => {
  const clock = { now: () => FAKE_NOW_MS };
  const cache = new RRsetCache(DEFAULT_CACHE, clock);
  const ds = PARENT.dsSetFor(ZONE);
  cache.putRRset(ds, N('.'), Trust.AUTH_AUTHORITY);
  const validator = createValidator({ trustAnchors: [PARENT.anchor()], signatureCheck: ACCEPT_SIGNATURES, cache });
  const fetch = new TableFetch();
  fetch.set('.', RRType.DNSKEY, resolution(q('.', RRType.DNSKEY), Rcode.NOERROR, [step('answer', '.', q('.', RRType.DNSKEY), [PARENT.dnskeySet()])]));
  fetch.set('example.', RRType.DNSKEY, resolution(q('example.', RRType.DNSKEY), Rcode.NOERROR, [step('answer', 'example.', q('example.', RRType.DNSKEY), [ZONE.dnskeySet()])]));
  const referral: AnswerStep = { ...step('referral', '.', q('www.example.', RRType.A), [], [unsigned('example.', RRType.NS, [N('ns1.example.').toWire()]), ds]), child: N('example.') };
  const answer = step('answer', 'example.', q('www.example.', RRType.A), [ZONE.sign(a('www.example.', 1))]);
  const run = () => validator.validateResolution(resolution(q('www.example.', RRType.A), Rcode.NOERROR, [referral, answer]), {
    query: query('www.example.', RRType.A), fetch: (x) => fetch.fetch(x), now: () => FAKE_NOW_MS,
  });
  assert.equal((await run()).security, 'secure');
  assert.equal(cache.peekRRset(N('example.'), RRType.DS, RRClass.IN)?.security, 'secure');

  // Another DS set in the cache than the one proven: left unjudged.
  const other = new RRsetCache(DEFAULT_CACHE, clock);
  other.putRRset(PARENT.dsSetFor(new FakeZone('example.', 99)), N('.'), Trust.AUTH_AUTHORITY);
  validator.attachCache(other);
  validator.clearKeys();
  assert.equal((await run()).security, 'secure');
  assert.equal(other.peekRRset(N('example.'), RRType.DS, RRClass.IN)?.security, undefined);
});

test('ZoneSideStore: removeBelow (control flush NAME) forgets the zone\'s sets at and below the name only', () => {
  const store = new ZoneSideStore(DEFAULT_CACHE, new TestClock());
  store.put([nsOf('example.', 'ns1.example.')].map((s) => ZONE.sign(s)), N('example.'), Trust.AUTH_AUTHORITY);
  store.put([unsigned('other.', RRType.NS, [N('ns.other.').toWire()])], N('other.'), Trust.AUTH_AUTHORITY);
  assert.equal(store.removeBelow(N('example.')), 1);
  assert.equal(store.ns(N('example.'), Trust.AUTHORITY), undefined);
  assert.ok(store.ns(N('other.'), Trust.AUTHORITY) !== undefined);
});
