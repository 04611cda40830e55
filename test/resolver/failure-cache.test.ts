import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAILURE_TTL_SECONDS, FailureCache, isUnreachableFailure, withCachedError } from '../../src/resolver/failure-cache.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question } from '../../src/wire/types.ts';
import { createResolver, type Resolver } from '../../src/resolver/index.ts';
import type { Validator } from '../../src/resolver/resolution.ts';
import { FakeNet, TestClock } from './fake-hierarchy.ts';
import { HINTS, hierarchy, NO_EXPLORATION, query, setup } from './hierarchy.ts';

function question(name: string, type: number = RRType.A): Question {
  return { name: Name.of(name), type, class: RRClass.IN };
}

const unreachable = reason(EdeCode.NO_REACHABLE_AUTHORITY, 'no reachable authority for dead.example.: 192.0.2.1 timed out');

test('withCachedError: the original reasons first, EDE 13 last, never twice', () => {
  const once = withCachedError([unreachable], 'cached');
  assert.deepEqual(once.map((r) => r.ede), [EdeCode.NO_REACHABLE_AUTHORITY, EdeCode.CACHED_ERROR]);
  assert.deepEqual(withCachedError(once, 'again').map((r) => r.ede), [EdeCode.NO_REACHABLE_AUTHORITY, EdeCode.CACHED_ERROR]);
});

test('only unreachable-authority failures (EDE 22/23) are remembered', () => {
  assert.equal(isUnreachableFailure([unreachable]), true);
  assert.equal(isUnreachableFailure([reason(EdeCode.NETWORK_ERROR, 'ECONNREFUSED')]), true);
  assert.equal(isUnreachableFailure([reason(EdeCode.OTHER, 'upstream query limit of 1 reached')]), false);
  const cache = new FailureCache(new TestClock());
  cache.remember(question('limit.example.'), [reason(EdeCode.OTHER, 'upstream query limit of 1 reached')]);
  cache.remember(question('bogus.example.'), [reason(EdeCode.DNSSEC_BOGUS, 'bad signature')]);
  assert.equal(cache.size, 0);
  assert.equal(cache.lookup(question('limit.example.')), undefined);
});

test('a remembered failure is answered with the original reason and EDE 13 until it expires', () => {
  const clock = new TestClock();
  const cache = new FailureCache(clock);
  const q = question('www.dead.example.');
  cache.remember(q, [unreachable]);
  clock.advance(2);
  const hit = cache.lookup(q);
  assert.ok(hit !== undefined);
  assert.deepEqual(hit.reasons.map((r) => r.ede), [EdeCode.NO_REACHABLE_AUTHORITY, EdeCode.CACHED_ERROR]);
  assert.equal(hit.reasons[0].text, unreachable.text);
  assert.equal(hit.reasons[1].text, `SERVFAIL for www.dead.example. A remembered from 2 s ago; authorities asked again in ${FAILURE_TTL_SECONDS - 2} s`);
  // Per question: another type or name is not covered.
  assert.equal(cache.lookup(question('www.dead.example.', RRType.AAAA)), undefined);
  assert.equal(cache.lookup(question('mail.dead.example.')), undefined);
  clock.advance(FAILURE_TTL_SECONDS - 2);
  assert.equal(cache.lookup(q), undefined);
  assert.equal(cache.size, 0);
});

test('re-remembering a cached answer does not stack EDE 13; the cache is bounded', () => {
  const clock = new TestClock();
  const cache = new FailureCache(clock, FAILURE_TTL_SECONDS, 2);
  const q = question('a.example.');
  cache.remember(q, withCachedError([unreachable], 'cached'));
  assert.deepEqual(cache.lookup(q)?.reasons.map((r) => r.ede), [EdeCode.NO_REACHABLE_AUTHORITY, EdeCode.CACHED_ERROR]);
  cache.remember(question('b.example.'), [unreachable]);
  cache.remember(question('c.example.'), [unreachable]);
  assert.equal(cache.size, 2);
  assert.equal(cache.lookup(q), undefined, 'the least recently used entry is forgotten first');
  const zero = new FailureCache(clock, 0);
  zero.remember(q, [unreachable]);
  assert.equal(zero.size, 0, 'a TTL of 0 turns the cache off');
});

test('resolver: a repeated unreachable question is answered from the failure cache with no upstream query', async () => {
  const { net, clock, resolver } = setup();
  const first = await resolver.resolve(query('www.lame.lab', RRType.A));
  assert.equal(first.rcode, Rcode.SERVFAIL);
  assert.equal(first.reasons[0].ede, EdeCode.NO_REACHABLE_AUTHORITY);
  assert.ok(!first.reasons.some((r) => r.ede === EdeCode.CACHED_ERROR));
  const sent = net.log.length;
  const again = await resolver.resolve(query('www.lame.lab', RRType.A));
  assert.equal(again.rcode, Rcode.SERVFAIL);
  assert.deepEqual(again.reasons.map((r) => r.ede), [...first.reasons.map((r) => r.ede), EdeCode.CACHED_ERROR]);
  assert.equal(net.log.length, sent, 'the cached failure sent a query');
  assert.equal(resolver.failures.size, 1);
  clock.advance(FAILURE_TTL_SECONDS);
  const later = await resolver.resolve(query('www.lame.lab', RRType.A));
  assert.equal(later.rcode, Rcode.SERVFAIL);
  assert.ok(!later.reasons.some((r) => r.ede === EdeCode.CACHED_ERROR), 'an expired failure is resolved again');
});

test('resolver: a work-limit SERVFAIL is not remembered', async () => {
  const { net, resolver } = setup({ limits: { maxUpstreamQueriesPerQuery: 1 } });
  const first = await resolver.resolve(query('host.sub.lab', RRType.A));
  assert.equal(first.rcode, Rcode.SERVFAIL);
  const sent = net.log.length;
  const again = await resolver.resolve(query('host.sub.lab', RRType.A));
  assert.equal(again.rcode, Rcode.SERVFAIL);
  assert.ok(!again.reasons.some((r) => r.ede === EdeCode.CACHED_ERROR));
  assert.ok(net.log.length > sent, 'a limit failure is retried upstream');
  assert.equal(resolver.failures.size, 0);
});

/** A validator that calls every answer bogus; optionally fetches a question first (as a DNSKEY lookup would). */
function bogusValidator(fetchFirst?: Question): Validator {
  return {
    async validateResolution(_res, context) {
      if (fetchFirst !== undefined) await context.fetch(fetchFirst);
      return { security: 'bogus', reasons: [reason(EdeCode.DNSSEC_BOGUS, 'test: bogus')] };
    },
  };
}

function withValidator(validator: Validator): { net: FakeNet; resolver: Resolver; clock: TestClock } {
  const net = hierarchy();
  const clock = new TestClock();
  const resolver = createResolver({ rootHints: HINTS, doIp6: false }, { transport: net, clock, random: NO_EXPLORATION, validator });
  return { net, resolver, clock };
}

test('resolver: a bogus answer judged from cache alone carries EDE 13 after the original reason', async () => {
  const { resolver } = withValidator(bogusValidator());
  const first = await resolver.resolve(query('www.lab', RRType.A));
  assert.deepEqual(first.reasons.map((r) => r.ede), [EdeCode.DNSSEC_BOGUS]);
  const again = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(again.rcode, Rcode.SERVFAIL);
  assert.deepEqual(again.reasons.map((r) => r.ede), [EdeCode.DNSSEC_BOGUS, EdeCode.CACHED_ERROR]);
  assert.match(again.reasons[1].text, /www\.lab\. A answered from cache/);
  // CD=1: the data, no SERVFAIL, so nothing to call a cached error.
  const cd = await resolver.resolve(query('www.lab', RRType.A, { cd: true }));
  assert.equal(cd.rcode, Rcode.NOERROR);
  assert.ok(!cd.reasons.some((r) => r.ede === EdeCode.CACHED_ERROR));
});

test('resolver: no EDE 13 when judging the cached answer needed an upstream query', async () => {
  // Each validation fetches a question never asked before: the verdict is not from cache.
  let n = 0;
  const validator: Validator = {
    async validateResolution(_res, context) {
      await context.fetch({ name: Name.of(`k${n++}.other.`), type: RRType.A, class: RRClass.IN });
      return { security: 'bogus', reasons: [reason(EdeCode.DNSSEC_BOGUS, 'test: bogus')] };
    },
  };
  const { net, resolver, clock } = withValidator(validator);
  await resolver.resolve(query('www.lab', RRType.A));
  const sent = net.log.length;
  // Past the remembered failure (RFC 9520), so the answer is judged again.
  clock.advance(FAILURE_TTL_SECONDS);
  const again = await resolver.resolve(query('www.lab', RRType.A));
  assert.ok(net.log.length > sent);
  assert.deepEqual(again.reasons.map((r) => r.ede), [EdeCode.DNSSEC_BOGUS]);
  // The same fetch again (cached now) makes the next verdict a cached one.
  const { resolver: r2 } = withValidator(bogusValidator(question('www.other.')));
  await r2.resolve(query('www.lab', RRType.A));
  const cached = await r2.resolve(query('www.lab', RRType.A));
  assert.deepEqual(cached.reasons.map((r) => r.ede), [EdeCode.DNSSEC_BOGUS, EdeCode.CACHED_ERROR]);
});

test('resolver: a validation failure is remembered (RFC 9520): the repeat costs no upstream query and no validation, CD=1 is not refused', async () => {
  let validations = 0;
  const validator: Validator = {
    async validateResolution() {
      validations++;
      return { security: 'bogus', reasons: [reason(EdeCode.SIGNATURE_EXPIRED, 'test: expired')] };
    },
  };
  const { net, resolver, clock } = withValidator(validator);
  const first = await resolver.resolve(query('www.lab', RRType.A));
  assert.equal(first.rcode, Rcode.SERVFAIL);
  const sent = net.log.length;
  const judged = validations;
  for (const rd of [true, false]) {
    const again = await resolver.resolve(query('www.lab', RRType.A, { rd }));
    assert.equal(again.rcode, Rcode.SERVFAIL, `RD=${rd ? 1 : 0}`);
    assert.equal(again.security, 'bogus');
    assert.deepEqual(again.reasons.map((r) => r.ede), [EdeCode.SIGNATURE_EXPIRED, EdeCode.CACHED_ERROR], `RD=${rd ? 1 : 0}`);
  }
  assert.equal(net.log.length, sent, 'nothing was asked upstream');
  assert.equal(validations, judged, 'nothing was validated again');
  const cd = await resolver.resolve(query('www.lab', RRType.A, { cd: true }));
  assert.equal(cd.rcode, Rcode.NOERROR);
  // Once forgotten the name is judged again.
  clock.advance(FAILURE_TTL_SECONDS);
  await resolver.resolve(query('www.lab', RRType.A));
  assert.ok(validations > judged + 1);
});
