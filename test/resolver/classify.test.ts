import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question, RR } from '../../src/wire/types.ts';
import { classifyResponse } from '../../src/resolver/classify.ts';
import { nextMinimisedLabelCount } from '../../src/resolver/minimise.ts';
import { reply } from './fake-hierarchy.ts';

const q: Question = { name: Name.of('www.a.lab'), type: RRType.A, class: 1 };
const a = (name: string, last = 1): RR => ({ name: Name.of(name), type: RRType.A, class: 1, ttl: 60, rdata: Uint8Array.of(192, 0, 2, last) });
const ns = (owner: string, target: string): RR => ({ name: Name.of(owner), type: RRType.NS, class: 1, ttl: 60, rdata: Name.of(target).toWire() });
const opts = (zone: string) => ({ zone: Name.of(zone), question: q, forwarding: false, maxLinks: 16 });

test('out-of-bailiwick records are dropped from every section', () => {
  const m = reply(q, Rcode.NOERROR, true, [a('www.a.lab'), a('victim.example', 66)], [ns('example', 'ns.evil')], [a('ns.evil', 66)]);
  const c = classifyResponse(m, opts('a.lab'));
  assert.equal(c.kind, 'answer');
  if (c.kind !== 'answer') return;
  assert.equal(c.dropped, 3);
  assert.equal(c.answer.end.kind, 'data');
});

test('a referral keeps only in-bailiwick glue for its NS names', () => {
  const m = reply(q, Rcode.NOERROR, false, [], [ns('a.lab', 'ns.a.lab'), ns('a.lab', 'ns.other')], [a('ns.a.lab', 7), a('ns.other', 66), a('unrelated.lab', 9)]);
  const c = classifyResponse(m, opts('lab'));
  assert.equal(c.kind, 'referral');
  if (c.kind !== 'referral') return;
  assert.equal(c.child.toString(), 'a.lab.');
  assert.deepEqual(c.glue.map((g) => g.name.toString()), ['ns.a.lab.']);
});

test('upward and sideways referrals are lame', () => {
  const up = classifyResponse(reply(q, Rcode.NOERROR, false, [], [ns('lab', 'ns.lab')]), opts('a.lab'));
  assert.equal(up.kind, 'lame');
  const side = classifyResponse(reply(q, Rcode.NOERROR, false, [], [ns('b.lab', 'ns.b.lab')]), opts('lab'));
  assert.equal(side.kind, 'lame');
});

test('REFUSED, non-AA answers and a question mismatch are lame', () => {
  assert.deepEqual(classifyResponse(reply(q, Rcode.REFUSED, false, [], []), opts('lab')), { kind: 'lame', why: 'refused', rcode: Rcode.REFUSED });
  // Non-AA data from a server offering recursion (RA=1) is a recursive resolver in the authority's place.
  const ra = reply(q, Rcode.NOERROR, false, [a('www.a.lab')], []);
  assert.equal(classifyResponse({ ...ra, flags: { ...ra.flags, ra: true } }, opts('lab')).kind, 'lame');
  // Without RA the data is taken, but as non-authoritative (a lower cache rank).
  const noAa = classifyResponse(ra, opts('lab'));
  assert.equal(noAa.kind === 'answer' && !noAa.authoritative, true);
  // Non-AA, empty, no SOA, no referral: lame.
  assert.equal(classifyResponse(reply(q, Rcode.NOERROR, false, [], []), opts('lab')).kind, 'lame');
  const other = reply({ ...q, name: Name.of('xxx.a.lab') }, Rcode.NOERROR, true, [], []);
  assert.deepEqual(classifyResponse(other, opts('lab')), { kind: 'lame', why: 'question mismatch' });
});

test('a supplied CNAME that contradicts the DNAME is rejected', () => {
  const dname: RR = { name: Name.of('a.lab'), type: RRType.DNAME, class: 1, ttl: 60, rdata: Name.of('b.lab').toWire() };
  const bad: RR = { name: Name.of('www.a.lab'), type: RRType.CNAME, class: 1, ttl: 60, rdata: Name.of('www.evil.lab').toWire() };
  const c = classifyResponse(reply(q, Rcode.NOERROR, true, [dname, bad], []), opts('lab'));
  assert.equal(c.kind, 'lame');
  const good: RR = { ...bad, rdata: Name.of('www.b.lab').toWire() };
  const ok = classifyResponse(reply(q, Rcode.NOERROR, true, [dname, good], []), opts('lab'));
  assert.equal(ok.kind, 'answer');
  if (ok.kind === 'answer') assert.equal(ok.answer.links[0].to.toString(), 'www.b.lab.');
});

test('RFC 9156 minimisation: one label at a time, then bounded steps', () => {
  assert.equal(nextMinimisedLabelCount(3, 0, 0), 1);
  assert.equal(nextMinimisedLabelCount(3, 2, 1), 3);
  // A 30-label name: after 4 single-label steps, the rest is spread over the 6 steps left.
  assert.equal(nextMinimisedLabelCount(30, 4, 4), 4 + Math.floor(26 / 6));
  assert.equal(nextMinimisedLabelCount(30, 20, 10), 30);
});

test('a recursive server\'s NODATA without AA (the zone\'s own NS set, no SOA) is a last-resort fallback, not plain lameness', () => {
  const empty = reply(q, Rcode.NOERROR, false, [], [ns('lab', 'ns.lab')]);
  const rec = classifyResponse({ ...empty, flags: { ...empty.flags, ra: true } }, opts('lab'));
  assert.equal(rec.kind, 'lame');
  assert.equal(rec.kind === 'lame' && rec.why, 'non-authoritative NODATA');
  assert.equal(rec.kind === 'lame' && rec.fallback?.kind === 'answer' && rec.fallback.answer.end.kind, 'nodata');
  // Without RA (not a recursive server) the same reply is lameness with nothing to fall back on.
  const plain = classifyResponse(empty, opts('lab'));
  assert.equal(plain.kind === 'lame' && plain.fallback, undefined);
  // A recursive server pointing elsewhere (an upward NS set) stays plain lameness.
  const up = reply({ ...q }, Rcode.NOERROR, false, [], [ns('.', 'a.root')]);
  const upRec = classifyResponse({ ...up, flags: { ...up.flags, ra: true } }, opts('lab'));
  assert.equal(upRec.kind === 'lame' && upRec.fallback, undefined);
});
