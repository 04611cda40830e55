import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupRRsets, rrsetToRRs } from '../../src/wire/rrset.ts';
import { decodeMessage } from '../../src/wire/message.ts';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { RR } from '../../src/wire/types.ts';

function rr(name: string, type: number, rdata: number[], ttl = 300, cls: number = RRClass.IN): RR {
  return { name: Name.of(name), type, class: cls, ttl, rdata: Uint8Array.from(rdata) };
}
/** Minimal RRSIG RDATA: only "type covered" matters to grouping; a tag octet tells them apart. */
function sig(covered: number, tag: number): number[] {
  return [covered >> 8, covered & 0xff, 13, 2, tag];
}

test('groups by name (case-insensitively), type and class in order of first appearance', () => {
  const sets = groupRRsets([
    rr('a.example', RRType.A, [1, 1, 1, 1]),
    rr('b.example', RRType.A, [2, 2, 2, 2]),
    rr('A.Example', RRType.A, [1, 1, 1, 2]),
    rr('a.example', RRType.AAAA, new Array(16).fill(1)),
    rr('a.example', RRType.A, [3, 3, 3, 3], 300, RRClass.CH),
  ]);
  assert.deepEqual(sets.map((s) => [s.name.toString(), s.type, s.class, s.rdata.length]), [
    ['a.example.', RRType.A, RRClass.IN, 2],
    ['b.example.', RRType.A, RRClass.IN, 1],
    ['a.example.', RRType.AAAA, RRClass.IN, 1],
    ['a.example.', RRType.A, RRClass.CH, 1],
  ]);
});

test('RRSIGs join the set they cover, even when listed first', () => {
  const sets = groupRRsets([
    rr('a.example', RRType.RRSIG, sig(RRType.A, 1)),
    rr('a.example', RRType.A, [1, 1, 1, 1]),
    rr('a.example', RRType.NS, [0]),
    rr('a.example', RRType.RRSIG, sig(RRType.NS, 2)),
    rr('a.example', RRType.RRSIG, sig(RRType.A, 3)),
  ]);
  assert.equal(sets.length, 2);
  assert.equal(sets[0].type, RRType.A);
  assert.deepEqual(sets[0].sigs.map((s) => s[4]), [1, 3]);
  assert.equal(sets[1].type, RRType.NS);
  assert.deepEqual(sets[1].sigs.map((s) => s[4]), [2]);
});

test('an RRSIG without its covered set becomes an RRSIG set of its own, in its position', () => {
  const sets = groupRRsets([
    rr('a.example', RRType.A, [1, 1, 1, 1]),
    rr('b.example', RRType.RRSIG, sig(RRType.A, 1)),
    rr('a.example', RRType.RRSIG, sig(RRType.MX, 2)),
    rr('c.example', RRType.A, [3, 3, 3, 3]),
    rr('b.example', RRType.RRSIG, sig(RRType.A, 4)),
    rr('b.example', RRType.RRSIG, [1]), // too short to name a type
  ]);
  assert.deepEqual(sets.map((s) => [s.name.toString(), s.type, s.rdata.length, s.sigs.length]), [
    ['a.example.', RRType.A, 1, 0],
    ['b.example.', RRType.RRSIG, 3, 0],
    ['a.example.', RRType.RRSIG, 1, 0],
    ['c.example.', RRType.A, 1, 0],
  ]);
});

test('set TTL is the minimum; identical RDATA kept once', () => {
  const [s] = groupRRsets([rr('a.example', RRType.A, [1, 1, 1, 1], 300), rr('a.example', RRType.A, [1, 1, 1, 1], 100), rr('a.example', RRType.A, [2, 2, 2, 2], 200)]);
  assert.equal(s.ttl, 100);
  assert.equal(s.rdata.length, 2);
});

test('rrsetToRRs emits data then RRSIGs with the set TTL', () => {
  const [s] = groupRRsets([rr('a.example', RRType.A, [1, 1, 1, 1], 50), rr('a.example', RRType.RRSIG, sig(RRType.A, 1), 70)]);
  const withSigs = rrsetToRRs(s, true);
  assert.deepEqual(withSigs.map((r) => [r.type, r.ttl]), [[RRType.A, 50], [RRType.RRSIG, 50]]);
  assert.deepEqual(rrsetToRRs(s, false).map((r) => r.type), [RRType.A]);
});

test('real signed NXDOMAIN response: every RRSIG attaches to its NSEC or SOA set', () => {
  const hex = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'wire', 'nxdomain-nsec.response.hex'), 'utf8').trim();
  const r = decodeMessage(new Uint8Array(Buffer.from(hex, 'hex')));
  assert.ok(r.ok);
  const sets = groupRRsets(r.message.authority);
  assert.ok(sets.length >= 2);
  for (const s of sets) {
    assert.notEqual(s.type, RRType.RRSIG);
    assert.ok(s.sigs.length >= 1, `${s.name} ${s.type} signed`);
  }
  assert.ok(sets.some((s) => s.type === RRType.SOA));
  assert.ok(sets.some((s) => s.type === RRType.NSEC));
  const flat = sets.flatMap((s) => rrsetToRRs(s, true));
  assert.equal(flat.length, r.message.authority.length);
});
