// RFC 8198 synthesis rules of the aggressive NSEC store (src/resolver/aggressive-nsec.ts), on
// hand-made NSEC chains: what may be denied (NXDOMAIN with wildcard denial, NODATA, empty
// non-terminals, wildcard NODATA, DS at an insecure delegation) and what must not (a type that
// exists, a CNAME, a delegation's parent-side NSEC for other types, names below a cut, an existing
// wildcard, gaps, a missing SOA, expired data, NTAs, NSEC3, overreaching or unsigned NSECs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { soaCodec } from '../../src/wire/rdata/basic.ts';
import type { RRset } from '../../src/wire/types.ts';
import { AggressiveNsecCache, type SynthesisedDenial } from '../../src/resolver/aggressive-nsec.ts';
import { FAKE_NOW_MS, FakeZone, N, q } from './signed-fakes.ts';

const zone = new FakeZone('example.com', 1);
const APEX_TYPES = [RRType.NS, RRType.SOA, RRType.RRSIG, RRType.NSEC, RRType.DNSKEY];
const TTL = 3600;
const NOW = FAKE_NOW_MS;

/** A store holding the SOA of example.com and the given NSEC sets, all with TTL 3600. */
function storeWith(nsecs: RRset[], opts: { soa?: boolean; insecure?: string[]; maxEntries?: number; maxTtl?: number } = {}): AggressiveNsecCache {
  const c = new AggressiveNsecCache({
    ...(opts.insecure !== undefined ? { insecureDomains: opts.insecure.map(N) } : {}),
    ...(opts.maxEntries !== undefined ? { maxEntries: opts.maxEntries } : {}),
    ...(opts.maxTtl !== undefined ? { maxTtl: opts.maxTtl } : {}),
  });
  if (opts.soa !== false) assert.ok(c.addSoa(zone.name, zone.soa(), TTL, NOW));
  for (const s of nsecs) assert.ok(c.addNsec(zone.name, s, TTL, NOW), `addNsec ${s.name.toString()}`);
  return c;
}

function owners(d: SynthesisedDenial | undefined): string[] {
  return (d?.authority ?? []).map((s) => `${s.name.toString()} ${s.type === RRType.SOA ? 'SOA' : 'NSEC'}`).sort();
}

const apexNsec = zone.nsec('example.com', 'alpha.example.com', APEX_TYPES);
const alpha = zone.nsec('alpha.example.com', 'mail.example.com', [RRType.A, RRType.RRSIG, RRType.NSEC]);
const mail = zone.nsec('mail.example.com', 'example.com', [RRType.A, RRType.MX, RRType.RRSIG, RRType.NSEC]);

test('aggressive nsec: a covered name and a denied wildcard give NXDOMAIN with both NSECs and the SOA (§5.1, §5.2)', () => {
  const c = storeWith([apexNsec, alpha]);
  const d = c.lookup(q('beta.example.com', RRType.A), NOW);
  assert.equal(d?.kind, 'nxdomain');
  assert.ok(d.zone.equals(zone.name));
  assert.deepEqual(owners(d), ['alpha.example.com. NSEC', 'example.com. NSEC', 'example.com. SOA']);
  assert.ok(d.authority.every((s) => s.sigs.length > 0), 'RRSIGs go with the records');
  assert.equal(c.stats.nxdomain, 1);
  // Below a name that does not exist, nothing exists either; the same two NSECs prove it.
  assert.equal(c.lookup(q('x.y.beta.example.com', RRType.AAAA), NOW)?.kind, 'nxdomain');
});

test('aggressive nsec: without the NSEC that denies the wildcard, or with a gap, nothing is synthesised', () => {
  const noWildcard = storeWith([alpha]);
  assert.equal(noWildcard.lookup(q('beta.example.com', RRType.A), NOW), undefined);
  const gap = storeWith([apexNsec]); // nothing covers beta.example.com
  assert.equal(gap.lookup(q('beta.example.com', RRType.A), NOW), undefined);
  assert.equal(gap.lookup(q('example.net', RRType.A), NOW), undefined, 'another zone');
});

test('aggressive nsec: the NSEC of the name without the type gives NODATA; with the type, or a CNAME, nothing', () => {
  const cname = zone.nsec('alpha.example.com', 'mail.example.com', [RRType.CNAME, RRType.RRSIG, RRType.NSEC]);
  const c = storeWith([apexNsec, alpha]);
  const d = c.lookup(q('alpha.example.com', RRType.AAAA), NOW);
  assert.equal(d?.kind, 'nodata');
  assert.deepEqual(owners(d), ['alpha.example.com. NSEC', 'example.com. SOA']);
  assert.equal(c.lookup(q('alpha.example.com', RRType.A), NOW), undefined, 'the type exists');
  assert.equal(storeWith([cname]).lookup(q('alpha.example.com', RRType.AAAA), NOW), undefined, 'a CNAME must be followed');
  assert.equal(c.stats.nodata, 1);
});

test('aggressive nsec: an empty non-terminal is NODATA for every type', () => {
  const toEnt = zone.nsec('alpha.example.com', 'a.ent.example.com', [RRType.A, RRType.RRSIG, RRType.NSEC]);
  const c = storeWith([toEnt]);
  const d = c.lookup(q('ent.example.com', RRType.TXT), NOW);
  assert.equal(d?.kind, 'nodata');
  assert.deepEqual(owners(d), ['alpha.example.com. NSEC', 'example.com. SOA']);
  assert.equal(c.lookup(q('ent.example.com', RRType.DS), NOW)?.kind, 'nodata');
});

test('aggressive nsec: an existing wildcard blocks NXDOMAIN; its NSEC without the type gives wildcard NODATA', () => {
  const star = zone.nsec('*.example.com', 'alpha.example.com', [RRType.TXT, RRType.RRSIG, RRType.NSEC]);
  const apexToStar = zone.nsec('example.com', '*.example.com', APEX_TYPES);
  const c = storeWith([apexToStar, star, alpha]);
  // beta is covered by alpha's NSEC; the wildcard *.example.com exists and has TXT: the answer would be data.
  assert.equal(c.lookup(q('beta.example.com', RRType.TXT), NOW), undefined);
  const d = c.lookup(q('beta.example.com', RRType.A), NOW);
  assert.equal(d?.kind, 'nodata');
  assert.deepEqual(owners(d), ['*.example.com. NSEC', 'alpha.example.com. NSEC', 'example.com. SOA']);
});

test('aggressive nsec: a parent-side NSEC at a cut denies only DS; names below the cut are never denied', () => {
  const cut = zone.nsec('sub.example.com', 'zzz.example.com', [RRType.NS, RRType.RRSIG, RRType.NSEC]);
  const c = storeWith([apexNsec, cut]);
  const ds = c.lookup(q('sub.example.com', RRType.DS), NOW);
  assert.equal(ds?.kind, 'nodata');
  assert.deepEqual(owners(ds), ['example.com. SOA', 'sub.example.com. NSEC']);
  assert.equal(c.lookup(q('sub.example.com', RRType.A), NOW), undefined, 'the child answers for A');
  assert.equal(c.lookup(q('www.sub.example.com', RRType.A), NOW), undefined, 'the child zone is not the parent\'s to deny');
  assert.equal(c.lookup(q('www.sub.example.com', RRType.DS), NOW), undefined);
  // A DS of the cut with a DS bit is no denial.
  const signedCut = zone.nsec('sub.example.com', 'zzz.example.com', [RRType.NS, RRType.DS, RRType.RRSIG, RRType.NSEC]);
  assert.equal(storeWith([signedCut]).lookup(q('sub.example.com', RRType.DS), NOW), undefined);
});

test('aggressive nsec: a DS at a zone apex is denied from the parent store, never from the child apex NSEC', () => {
  const child = new FakeZone('sub.example.com', 2);
  const c = storeWith([]);
  assert.ok(c.addSoa(child.name, child.soa(), TTL, NOW));
  assert.ok(c.addNsec(child.name, child.nsec('sub.example.com', 'www.sub.example.com', APEX_TYPES), TTL, NOW));
  assert.equal(c.lookup(q('sub.example.com', RRType.DS), NOW), undefined, 'the child apex NSEC cannot deny a DS');
  assert.equal(c.lookup(q('sub.example.com', RRType.TXT), NOW)?.kind, 'nodata', 'but it does deny other types at the apex');
});

test('aggressive nsec: no SOA held for the zone, no synthesis', () => {
  const c = storeWith([apexNsec, alpha], { soa: false });
  assert.equal(c.lookup(q('beta.example.com', RRType.A), NOW), undefined);
  assert.equal(c.lookup(q('alpha.example.com', RRType.AAAA), NOW), undefined);
});

test('aggressive nsec: TTLs count down, the SOA gets min(SOA TTL, MINIMUM, NSEC TTLs) (§5.4), and expired data is gone', () => {
  const c = new AggressiveNsecCache();
  const soaRdata = soaCodec.encode({ mname: N('ns.invalid'), rname: N('h.invalid'), serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 900 });
  const soa = zone.sign({ name: zone.name, type: RRType.SOA, rdata: [soaRdata], ttl: 7200 });
  assert.ok(c.addSoa(zone.name, soa, 7200, NOW));
  assert.ok(c.addNsec(zone.name, apexNsec, 3600, NOW));
  assert.ok(c.addNsec(zone.name, alpha, 1000, NOW)); // e.g. the RRSIG expires in 1000 s
  const at = (s: number) => c.lookup(q('beta.example.com', RRType.A), NOW + s * 1000);
  const ttls = (d: SynthesisedDenial | undefined) => Object.fromEntries((d?.authority ?? []).map((s) => [`${s.name.toString()}/${s.type}`, s.ttl]));
  assert.deepEqual(ttls(at(0)), { 'alpha.example.com./47': 1000, 'example.com./47': 3600, 'example.com./6': 900 }, 'the SOA MINIMUM');
  assert.deepEqual(ttls(at(950)), { 'alpha.example.com./47': 50, 'example.com./47': 2650, 'example.com./6': 50 }, 'the NSEC TTL');
  assert.equal(at(1000), undefined, 'the NSEC covering the name expired');
  // The apex NSEC alone still denies the wildcard, but not beta: nothing more is synthesised.
  assert.equal(c.size, 2);
});

test('aggressive nsec: entries never live longer than maxTtl, whatever their TTL', () => {
  const c = storeWith([apexNsec, alpha], { maxTtl: 60 });
  assert.equal(c.lookup(q('beta.example.com', RRType.A), NOW + 59_000)?.kind, 'nxdomain');
  assert.equal(c.lookup(q('beta.example.com', RRType.A), NOW + 60_000), undefined);
});

test('aggressive nsec: nothing at or below a negative trust anchor is kept or synthesised', () => {
  const c = new AggressiveNsecCache({ insecureDomains: [N('example.com')] });
  assert.equal(c.addSoa(zone.name, zone.soa(), TTL, NOW), false);
  assert.equal(c.addNsec(zone.name, alpha, TTL, NOW), false);
  const below = storeWith([apexNsec, alpha], { insecure: ['beta.example.com'] });
  assert.equal(below.lookup(q('beta.example.com', RRType.A), NOW), undefined);
  assert.equal(below.lookup(q('gamma.example.com', RRType.A), NOW)?.kind, 'nxdomain', 'outside the NTA as usual');
});

test('aggressive nsec: unsigned, overreaching, multi-record, zero-TTL and NSEC3 sets are refused', () => {
  const c = new AggressiveNsecCache();
  assert.equal(c.addNsec(zone.name, { ...alpha, sigs: [] }, TTL, NOW), false, 'no RRSIG');
  assert.equal(c.addNsec(zone.name, zone.nsec('zzz.example.com', 'a.example.net', [RRType.A]), TTL, NOW), false, 'next outside the zone');
  assert.equal(c.addNsec(N('sub.example.com'), alpha, TTL, NOW), false, 'owner outside the zone');
  assert.equal(c.addNsec(zone.name, { ...alpha, rdata: [...alpha.rdata, ...mail.rdata] }, TTL, NOW), false, 'two NSEC records at one owner');
  assert.equal(c.addNsec(zone.name, alpha, 0, NOW), false, 'expired already');
  // NSEC3 (opt-out or not) is never used: an opt-out span must never deny a name.
  const nsec3: RRset = { name: N('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.com'), type: RRType.NSEC3, class: RRClass.IN, ttl: TTL, rdata: [new Uint8Array([1, 1, 0, 0, 0])], sigs: alpha.sigs };
  assert.equal(c.addNsec(zone.name, nsec3, TTL, NOW), false);
  assert.equal(c.size, 0);
});

test('aggressive nsec: the store is bounded, the oldest sets go first; forgetZone drops a zone', () => {
  const c = storeWith([apexNsec, alpha], { maxEntries: 3 }); // SOA, apex NSEC, alpha
  assert.equal(c.size, 3);
  assert.ok(c.addNsec(zone.name, mail, TTL, NOW)); // evicts the SOA, the oldest
  assert.equal(c.size, 3);
  assert.equal(c.lookup(q('beta.example.com', RRType.A), NOW), undefined, 'no SOA any more');
  assert.ok(c.addSoa(zone.name, zone.soa(), TTL, NOW)); // evicts the apex NSEC
  assert.equal(c.lookup(q('beta.example.com', RRType.A), NOW), undefined, 'the wildcard is no longer denied');
  assert.equal(c.lookup(q('alpha.example.com', RRType.AAAA), NOW)?.kind, 'nodata');
  c.forgetZone(zone.name);
  assert.equal(c.size, 0);
  assert.equal(c.lookup(q('alpha.example.com', RRType.AAAA), NOW), undefined);
});
