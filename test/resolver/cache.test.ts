import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { RRset } from '../../src/wire/types.ts';
import { RRsetCache, Trust } from '../../src/resolver/cache.ts';
import { DEFAULT_CACHE } from '../../src/resolver/options.ts';
import { TestClock } from './fake-hierarchy.ts';

const lab = Name.of('lab');
function aSet(name: string, ttl: number, last: number): RRset {
  return { name: Name.of(name), type: RRType.A, class: 1, ttl, rdata: [Uint8Array.of(192, 0, 2, last)], sigs: [Uint8Array.of(0, 1, 2)] };
}

test('glue never overwrites an authoritative answer; an answer replaces glue', () => {
  const c = new RRsetCache(DEFAULT_CACHE, new TestClock());
  assert.equal(c.putRRset(aSet('ns.lab', 3600, 1), lab, Trust.AUTH_ANSWER), true);
  assert.equal(c.putRRset(aSet('ns.lab', 3600, 66), lab, Trust.ADDITIONAL), false);
  assert.equal(c.getRRset(Name.of('ns.lab'), RRType.A, 1)?.rrset.rdata[0][3], 1);
  assert.equal(c.stats.rankRejections, 1);
  c.putRRset(aSet('g.lab', 3600, 2), lab, Trust.ADDITIONAL);
  assert.equal(c.getRRset(Name.of('g.lab'), RRType.A, 1, Trust.ANSWER), undefined, 'glue is not answer data');
  c.putRRset(aSet('g.lab', 3600, 3), lab, Trust.AUTH_ANSWER);
  assert.equal(c.getRRset(Name.of('g.lab'), RRType.A, 1, Trust.ANSWER)?.rrset.rdata[0][3], 3);
});

test('TTL floor and ceiling; RRSIGs kept; TTL counts down; expiry', () => {
  const clock = new TestClock();
  const c = new RRsetCache({ ...DEFAULT_CACHE, minTtl: 10, maxTtl: 100 }, clock);
  c.putRRset(aSet('big.lab', 5000, 1), lab, Trust.AUTH_ANSWER);
  c.putRRset(aSet('small.lab', 1, 1), lab, Trust.AUTH_ANSWER);
  assert.equal(c.getRRset(Name.of('big.lab'), RRType.A, 1)?.rrset.ttl, 100);
  assert.equal(c.getRRset(Name.of('small.lab'), RRType.A, 1)?.rrset.ttl, 10);
  assert.equal(c.getRRset(Name.of('big.lab'), RRType.A, 1)?.rrset.sigs.length, 1);
  clock.advance(40);
  assert.equal(c.getRRset(Name.of('big.lab'), RRType.A, 1)?.rrset.ttl, 60);
  clock.advance(60);
  assert.equal(c.getRRset(Name.of('big.lab'), RRType.A, 1), undefined);
});

test('TTL with the top bit set counts as zero (RFC 2181 §8) and is not cached', () => {
  const c = new RRsetCache(DEFAULT_CACHE, new TestClock());
  assert.equal(c.putRRset(aSet('x.lab', 0x80000000, 1), lab, Trust.AUTH_ANSWER), false);
});

test('negative TTL is min(SOA TTL, MINIMUM) capped by maxNegativeTtl', () => {
  const c = new RRsetCache({ ...DEFAULT_CACHE, maxNegativeTtl: 900 }, new TestClock());
  assert.equal(c.negativeTtl(3600, 300), 300);
  assert.equal(c.negativeTtl(60, 300), 60);
  assert.equal(c.negativeTtl(86400, 86400), 900);
});

test('NXDOMAIN covers names below (RFC 8020); NODATA only its type; the security slot is writable', () => {
  const c = new RRsetCache(DEFAULT_CACHE, new TestClock());
  c.putNegative('nxdomain', Name.of('gone.lab'), RRType.A, 1, [], lab, Trust.AUTH_AUTHORITY, 60);
  c.putNegative('nodata', Name.of('www.lab'), RRType.AAAA, 1, [], lab, Trust.AUTH_AUTHORITY, 60);
  assert.equal(c.getNegative(Name.of('a.b.gone.lab'), RRType.MX, 1)?.kind, 'nxdomain');
  assert.equal(c.getNegative(Name.of('www.lab'), RRType.AAAA, 1)?.kind, 'nodata');
  assert.equal(c.getNegative(Name.of('www.lab'), RRType.TXT, 1), undefined);
  assert.equal(c.setSecurity(Name.of('www.lab'), RRType.AAAA, 1, 'secure'), true);
  assert.equal(c.getNegative(Name.of('www.lab'), RRType.AAAA, 1)?.security, 'secure');
  // Data that now exists replaces the NODATA entry.
  c.putRRset({ ...aSet('www.lab', 60, 1), type: RRType.AAAA, rdata: [new Uint8Array(16)] }, lab, Trust.AUTH_ANSWER);
  assert.equal(c.getNegative(Name.of('www.lab'), RRType.AAAA, 1), undefined);
});

test('memory is bounded by bytes', () => {
  const c = new RRsetCache({ ...DEFAULT_CACHE, maxBytes: 5000 }, new TestClock());
  for (let i = 0; i < 100; i++) c.putRRset(aSet(`h${i}.lab`, 60, 1), lab, Trust.AUTH_ANSWER);
  assert.ok(c.bytes <= 5000);
  assert.ok(c.size < 100 && c.size > 0);
  assert.ok(c.has(Name.of('h99.lab'), RRType.A, 1), 'the most recent entry survives');
});

test('lifetime: time left and the life given at store, shortened by a validator cap', () => {
  const clock = new TestClock();
  const c = new RRsetCache(DEFAULT_CACHE, clock);
  c.putRRset(aSet('x.lab', 300, 1), lab, Trust.AUTH_ANSWER);
  clock.advance(100);
  assert.deepEqual(c.lifetime(Name.of('x.lab'), RRType.A, 1), { remainingMs: 200_000, lifetimeMs: 300_000 });
  c.setSecurity(Name.of('x.lab'), RRType.A, 1, 'secure', undefined, 50);
  assert.deepEqual(c.lifetime(Name.of('x.lab'), RRType.A, 1), { remainingMs: 50_000, lifetimeMs: 150_000 });
  assert.equal(c.lifetime(Name.of('y.lab'), RRType.A, 1), undefined);
});

test('denialLifetime finds an NXDOMAIN stored at an ancestor (RFC 8020)', () => {
  const clock = new TestClock();
  const c = new RRsetCache(DEFAULT_CACHE, clock);
  c.putNegative('nxdomain', Name.of('gone.lab'), RRType.A, 1, [], lab, Trust.AUTH_AUTHORITY, 100);
  clock.advance(10);
  assert.deepEqual(c.denialLifetime(Name.of('a.b.gone.lab'), RRType.AAAA, 1), { remainingMs: 90_000, lifetimeMs: 100_000 });
  assert.equal(c.denialLifetime(Name.of('there.lab'), RRType.A, 1), undefined);
});

test('restore puts back what a snapshot saved, with its own clock and verdict', () => {
  const clock = new TestClock();
  const c = new RRsetCache(DEFAULT_CACHE, clock);
  c.putRRset(aSet('x.lab', 300, 1), lab, Trust.AUTH_ANSWER);
  c.setSecurity(Name.of('x.lab'), RRType.A, 1, 'secure');
  const saved = c.snapshot([{ name: Name.of('x.lab'), type: RRType.A, cls: 1 }, { name: Name.of('none.lab'), type: undefined, cls: 1 }]);
  clock.advance(100);
  c.putRRset(aSet('x.lab', 3600, 66), lab, Trust.AUTH_ANSWER);
  c.setSecurity(Name.of('x.lab'), RRType.A, 1, 'bogus');
  assert.equal(c.restore(saved), 1);
  const back = c.getRRset(Name.of('x.lab'), RRType.A, 1);
  assert.equal(back?.rrset.rdata[0][3], 1);
  assert.equal(back?.rrset.ttl, 200);
  assert.equal(back?.security, 'secure');
  clock.advance(200);
  c.putRRset(aSet('x.lab', 3600, 66), lab, Trust.AUTH_ANSWER);
  assert.equal(c.restore(saved), 0, 'an entry whose time is up stays gone');
  assert.equal(c.getRRset(Name.of('x.lab'), RRType.A, 1)?.rrset.rdata[0][3], 66);
});
