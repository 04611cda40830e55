import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cachedReferral, MAX_REFERRAL_TARGETS } from '../../src/resolver/referral.ts';
import { RRsetCache, Trust } from '../../src/resolver/cache.ts';
import { DEFAULT_CACHE } from '../../src/resolver/options.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RRset } from '../../src/wire/types.ts';
import { createResolver } from '../../src/resolver/index.ts';
import type { Validator } from '../../src/resolver/resolution.ts';
import { TestClock } from './fake-hierarchy.ts';
import { HINTS, hierarchy, NO_EXPLORATION, query, setup } from './hierarchy.ts';

const TTL = 3600;

function set(name: string, type: number, rdata: Uint8Array[]): RRset {
  return { name: Name.of(name), type, class: RRClass.IN, ttl: TTL, rdata, sigs: [] };
}
function ns(zone: string, ...targets: string[]): RRset {
  return set(zone, RRType.NS, targets.map((t) => Name.of(t).toWire()));
}
function a(name: string, last: number): RRset {
  return set(name, RRType.A, [Uint8Array.of(192, 0, 2, last)]);
}
function q(name: string, type: number = RRType.A): Question {
  return { name: Name.of(name), type, class: RRClass.IN };
}
function names(sets: readonly RRset[]): string[] {
  return sets.map((s) => `${s.name.toString()} ${s.type}`);
}

/** A cache holding the root's and example.'s delegations, with glue for both of example.'s servers. */
function cacheWithDelegations(): RRsetCache {
  const cache = new RRsetCache(DEFAULT_CACHE, new TestClock());
  cache.putRRset(ns('.', 'a.root-servers.test.'), Name.root, Trust.AUTH_ANSWER);
  cache.putRRset(a('a.root-servers.test.', 1), Name.root, Trust.ADDITIONAL);
  cache.putRRset(ns('example.', 'ns1.example.', 'ns.elsewhere.test.'), Name.root, Trust.AUTHORITY);
  cache.putRRset(a('ns1.example.', 2), Name.root, Trust.ADDITIONAL);
  cache.putRRset(a('ns.elsewhere.test.', 3), Name.root, Trust.ANSWER);
  // Cached, but no server of example.: never part of its referral.
  cache.putRRset(a('www.example.', 4), Name.of('example.'), Trust.AUTH_ANSWER);
  return cache;
}

test('referral: the closest cached delegation, its NS in authority and every cached server address in additional', () => {
  const r = cachedReferral(cacheWithDelegations(), q('deep.below.example.'), false);
  assert.ok(r !== undefined);
  assert.equal(r.rcode, Rcode.NOERROR);
  assert.deepEqual(r.answer, []);
  assert.deepEqual(names(r.authority), ['example. 2']);
  assert.deepEqual(names(r.additional), ['ns1.example. 1', 'ns.elsewhere.test. 1']);
  // Nothing here was validated: no AD.
  assert.equal(r.security, 'insecure');
  assert.deepEqual(r.reasons, []);
});

test('referral: a name outside every cached zone is referred to the root; nothing cached at all gives none', () => {
  const r = cachedReferral(cacheWithDelegations(), q('www.unknown.'), false);
  assert.deepEqual(names(r?.authority ?? []), ['. 2']);
  assert.deepEqual(names(r?.additional ?? []), ['a.root-servers.test. 1']);
  assert.equal(cachedReferral(new RRsetCache(DEFAULT_CACHE, new TestClock()), q('www.unknown.'), false), undefined);
});

test('referral: DS is asked of the parent side, so a DS question for a zone apex is referred above it', () => {
  const apexDs = cachedReferral(cacheWithDelegations(), q('example.', RRType.DS), false);
  assert.deepEqual(names(apexDs?.authority ?? []), ['. 2']);
  const apexA = cachedReferral(cacheWithDelegations(), q('example.', RRType.A), false);
  assert.deepEqual(names(apexA?.authority ?? []), ['example. 2']);
});

test('referral: a cached DS of the delegation goes with its NS set', () => {
  const cache = cacheWithDelegations();
  cache.putRRset(set('example.', RRType.DS, [Uint8Array.of(0, 1, 8, 2, 0xaa)]), Name.root, Trust.AUTH_AUTHORITY);
  assert.deepEqual(names(cachedReferral(cache, q('www2.example.'), false)?.authority ?? []), ['example. 2', 'example. 43']);
});

test('referral: secure NS and DS sets give a secure referral that keeps only validated addresses', () => {
  const cache = cacheWithDelegations();
  cache.putRRset(set('example.', RRType.DS, [Uint8Array.of(0, 1, 8, 2, 0xaa)]), Name.root, Trust.AUTH_AUTHORITY);
  cache.setSecurity(Name.of('example.'), RRType.NS, RRClass.IN, 'secure');
  assert.equal(cachedReferral(cache, q('www2.example.'), false)?.security, 'insecure', 'the DS is not validated yet');
  cache.setSecurity(Name.of('example.'), RRType.DS, RRClass.IN, 'secure');
  cache.setSecurity(Name.of('ns1.example.'), RRType.A, RRClass.IN, 'secure');
  const r = cachedReferral(cache, q('www2.example.'), false);
  assert.equal(r?.security, 'secure');
  assert.deepEqual(names(r?.additional ?? []), ['ns1.example. 1']);
});

test('referral: a bogus delegation is SERVFAIL with its verdict and EDE 13; CD=1 gets it without AD', () => {
  const cache = cacheWithDelegations();
  cache.setSecurity(Name.of('example.'), RRType.NS, RRClass.IN, 'bogus', reason(EdeCode.SIGNATURE_EXPIRED, 'test: expired'));
  const r = cachedReferral(cache, q('www2.example.'), false);
  assert.equal(r?.rcode, Rcode.SERVFAIL);
  assert.equal(r?.security, 'bogus');
  assert.deepEqual(r?.authority, []);
  assert.deepEqual(r?.reasons.map((x) => x.ede), [EdeCode.SIGNATURE_EXPIRED, EdeCode.CACHED_ERROR]);
  const cd = cachedReferral(cache, q('www2.example.'), true);
  assert.equal(cd?.rcode, Rcode.NOERROR);
  assert.equal(cd?.security, 'insecure');
  assert.deepEqual(names(cd?.authority ?? []), ['example. 2']);
});

test('referral: addresses are looked up for at most MAX_REFERRAL_TARGETS servers', () => {
  const cache = new RRsetCache(DEFAULT_CACHE, new TestClock());
  const targets = Array.from({ length: MAX_REFERRAL_TARGETS + 5 }, (_, i) => `ns${i}.example.`);
  cache.putRRset(ns('example.', ...targets), Name.root, Trust.AUTHORITY);
  targets.forEach((t, i) => cache.putRRset(a(t, i), Name.root, Trust.ADDITIONAL));
  assert.equal(cachedReferral(cache, q('www.example.'), false)?.additional.length, MAX_REFERRAL_TARGETS);
});

test('resolver, RD=0: a cached answer as it is, a miss referred to the closest cached delegation, never an upstream query', async () => {
  const { net, resolver } = setup();
  const first = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(first.rcode, Rcode.NOERROR);
  const sent = net.log.length;
  const hit = await resolver.resolve(query('www.lab', RRType.A, { rd: false }));
  assert.equal(hit.rcode, Rcode.NOERROR);
  assert.deepEqual(names(hit.answer), ['www.lab. 1']);
  const miss = await resolver.resolve(query('never-asked.lab', RRType.A, { rd: false }));
  assert.equal(miss.rcode, Rcode.NOERROR);
  assert.deepEqual(miss.answer, []);
  assert.deepEqual(names(miss.authority), ['lab. 2']);
  assert.ok(names(miss.additional).includes('ns1.lab. 1'), JSON.stringify(names(miss.additional)));
  assert.equal(net.log.length, sent, 'RD=0 sent nothing upstream');
});

test('resolver, RD=0 with nothing cached: REFUSED + EDE 20 and no upstream query (not even priming)', async () => {
  const { net, resolver } = setup();
  const o = await resolver.resolve(query('www.lab', RRType.A, { rd: false }));
  assert.equal(o.rcode, Rcode.REFUSED);
  assert.deepEqual(o.reasons.map((x) => x.ede), [EdeCode.NOT_AUTHORITATIVE]);
  assert.equal(net.log.length, 0);
});

test('resolver, RD=0 with validation: cached data the validator has not judged is REFUSED + EDE 20, never judged with missing keys', async () => {
  let cache: RRsetCache | undefined;
  let judgements = 0;
  let setVerdict = false;
  const validator: Validator = {
    async validateResolution(res) {
      judgements++;
      // Stands in for the real validator's bookkeeping: it records its verdict in the cache.
      if (setVerdict) for (const s of res.answer) cache?.setSecurity(s.name, s.type, s.class, 'secure');
      return { security: 'secure', reasons: [] };
    },
  };
  const net = hierarchy();
  const resolver = createResolver({ rootHints: HINTS, doIp6: false }, { transport: net, clock: new TestClock(), random: NO_EXPLORATION, validator });
  cache = resolver.cache;
  await resolver.resolve(query('www.lab', RRType.A));
  const judged = judgements;
  const unjudged = await resolver.resolve(query('www.lab', RRType.A, { rd: false }));
  assert.equal(unjudged.rcode, Rcode.REFUSED);
  assert.deepEqual(unjudged.reasons.map((x) => x.ede), [EdeCode.NOT_AUTHORITATIVE]);
  assert.deepEqual(unjudged.answer, []);
  assert.equal(judgements, judged, 'RD=0 ran no validation');
  setVerdict = true;
  await resolver.resolve(query('www.other', RRType.A));
  const sent = net.log.length;
  const hit = await resolver.resolve(query('www.other', RRType.A, { rd: false }));
  assert.equal(hit.rcode, Rcode.NOERROR);
  assert.equal(hit.security, 'secure');
  assert.deepEqual(names(hit.answer), ['www.other. 1']);
  assert.equal(net.log.length, sent);
});
