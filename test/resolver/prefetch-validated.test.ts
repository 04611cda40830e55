// Prefetch under validation: a refresh is validated like any resolution, and a refresh whose answer
// turns out bogus (a forged signature) must not displace the good, validated answer in the cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import type { RR, RRset } from '../../src/wire/types.ts';
import { parseRootHints } from '../../src/resolver/hints.ts';
import { createResolver } from '../../src/resolver/index.ts';
import type { PrefetchResult } from '../../src/resolver/prefetch.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { FakeNet, reply } from './fake-hierarchy.ts';
import { NO_EXPLORATION, query } from './hierarchy.ts';
import { ACCEPT_SIGNATURES, FAKE_NOW_MS, FakeZone, N, rrsetRecords } from './signed-fakes.ts';

const ROOT = '127.53.8.1';
const SERVER = '127.53.8.10';
const ZONE = new FakeZone('example.', 11);
const TTL = 3600;

function setupSigned() {
  let forged = false;
  let address = 1;
  const ns = ZONE.sign({ name: ZONE.name, type: RRType.NS, rdata: [N('ns1.example.').toWire()] });
  const glue: RR = { name: N('ns1.example.'), type: RRType.A, class: RRClass.IN, ttl: TTL, rdata: new Uint8Array(SERVER.split('.').map(Number)) };
  const net = new FakeNet();
  net.serve(ROOT, { kind: 'custom', answer: (q) => reply(q, Rcode.NOERROR, false, [], rrsetRecords({ ...ns, sigs: [] }), [glue]) });
  net.serve(SERVER, {
    kind: 'custom',
    answer: (q) => {
      if (q.name.equals(ZONE.name) && q.type === RRType.DNSKEY) return reply(q, Rcode.NOERROR, true, rrsetRecords(ZONE.dnskeySet()), []);
      if (q.name.equals(ZONE.name) && q.type === RRType.NS) return reply(q, Rcode.NOERROR, true, rrsetRecords(ns), [], [glue]);
      const set = ZONE.sign({ name: q.name, type: RRType.A, rdata: [Uint8Array.of(192, 0, 2, address)] }, { broken: forged });
      return reply(q, Rcode.NOERROR, true, rrsetRecords(set), []);
    },
  });
  const hints = parseRootHints(`. 3600000 NS a.root.\na.root. 3600000 A ${ROOT}\n`);
  if (!hints.ok) throw new Error(hints.error);
  const validator = createValidator({ trustAnchors: [ZONE.anchor()], signatureCheck: ACCEPT_SIGNATURES });
  let now = FAKE_NOW_MS;
  const results: PrefetchResult[] = [];
  const resolver = createResolver(
    { rootHints: hints.records, doIp6: false, qnameMinimisation: false, prefetch: true },
    { transport: net, clock: { now: () => now }, random: NO_EXPLORATION, validator, onPrefetch: (r) => results.push(r) },
  );
  validator.attachCache(resolver.cache);
  return {
    net, resolver, results,
    advance: (s: number) => { now += s * 1000; },
    forge: (on: boolean) => { forged = on; },
    renumber: (n: number) => { address = n; },
  };
}

const lastOctet = (o: { answer: readonly RRset[] }): number | undefined => o.answer[0]?.rdata[0]?.[3];

test('a refresh is validated; a secure one replaces the cached answer', async () => {
  const s = setupSigned();
  const first = await s.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(first.security, 'secure');
  s.advance(TTL - 300); // 300 s left of 3600: due
  s.renumber(2);
  const served = await s.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(served.security, 'secure');
  assert.equal(lastOctet(served), 1, 'the client gets the cached answer');
  await s.resolver.prefetchIdle();
  assert.deepEqual(s.results, ['refreshed']);
  const after = await s.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(after.security, 'secure');
  assert.equal(lastOctet(after), 2);
  assert.equal(after.answer[0].ttl, TTL);
  s.resolver.close();
});

test('a refresh that fails validation keeps the good answer in the cache', async () => {
  const s = setupSigned();
  await s.resolver.resolve(query('www.example.', RRType.A));
  s.advance(TTL - 300);
  s.forge(true);
  s.renumber(66);
  const served = await s.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(served.security, 'secure');
  await s.resolver.prefetchIdle();
  assert.deepEqual(s.results, ['failed']);
  const after = await s.resolver.resolve(query('www.example.', RRType.A));
  assert.equal(after.rcode, Rcode.NOERROR);
  assert.equal(after.security, 'secure');
  assert.equal(lastOctet(after), 1, 'the forged address never reaches a client');
  assert.equal(after.answer[0].ttl, 300);
  s.resolver.close();
});
