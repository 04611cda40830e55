// NSEC proofs over the chain of test/fixtures/dnssec/nsec.test.signed (dnssec-signzone):
//   nsec.test → a → x.b → cname → mail → MixedCase → ns1 → secure → srv → sub → txt → *.w → z → (apex)
// with b an empty non-terminal, sub an insecure delegation (NS only), secure a signed one (NS DS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import {
  nsecCovers, nsecProvesNoData, nsecProvesNxdomain, nsecProvesWildcardExpansion, isAncestorCut, type NsecProof, type NsecRecord,
} from '../../src/dnssec/nsec.ts';
import { loadZone, nsecRecords } from './fixtures.ts';

const zone = loadZone('nsec.test');
const nsecs = nsecRecords(zone);
const N = (s: string) => Name.of(s);
const at = (owner: string): NsecRecord => {
  const r = nsecs.find((x) => x.owner.equals(N(owner)));
  assert.ok(r, owner);
  return r;
};
const outcome = (p: NsecProof) => (p.proven ? p.kind : p.why);

test('the fixture chain is complete and in canonical order', () => {
  assert.equal(nsecs.length, 13);
  // Every next name is the owner of another NSEC: one closed loop.
  const owners = new Set(nsecs.map((r) => r.owner.key));
  for (const r of nsecs) assert.ok(owners.has(r.nsec.next.key), r.nsec.next.toString());
});

test('nsecCovers: strictly between owner and next, case-insensitive, last NSEC wraps to the apex', () => {
  const mail = at('mail.nsec.test');
  assert.equal(mail.nsec.next.toString(), 'MixedCase.nsec.test.');
  assert.equal(nsecCovers(mail.owner, mail.nsec, N('mb.nsec.test')), true);
  assert.equal(nsecCovers(mail.owner, mail.nsec, N('x.mail.nsec.test')), true);
  assert.equal(nsecCovers(mail.owner, mail.nsec, N('mail.nsec.test')), false);
  assert.equal(nsecCovers(mail.owner, mail.nsec, N('MIXEDCASE.nsec.test')), false);
  assert.equal(nsecCovers(mail.owner, mail.nsec, N('mz.nsec.test')), false);
  const last = at('z.nsec.test');
  assert.equal(nsecCovers(last.owner, last.nsec, N('zz.nsec.test')), true);
  assert.equal(nsecCovers(last.owner, last.nsec, N('a.z.nsec.test')), true);
  assert.equal(nsecCovers(last.owner, last.nsec, N('nsec.test')), false);
  assert.equal(nsecCovers(last.owner, last.nsec, N('a.nsec.test')), false);
  assert.equal(nsecCovers(last.owner, last.nsec, N('zz.other.test')), false);
});

test('NODATA from the matching NSEC', () => {
  assert.equal(outcome(nsecProvesNoData(nsecs, N('a.nsec.test'), RRType.MX)), 'nodata');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('MIXEDCASE.nsec.test'), RRType.TXT)), 'nodata');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('a.nsec.test'), RRType.AAAA)), 'type-exists');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('cname.nsec.test'), RRType.A)), 'cname-exists');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('cname.nsec.test'), RRType.CNAME)), 'type-exists');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('nope.nsec.test'), RRType.A)), 'no-proof');
});

test('DS: the parent-side NSEC at a delegation proves no DS; other types there and the child apex do not', () => {
  const noDs = nsecProvesNoData(nsecs, N('sub.nsec.test'), RRType.DS);
  assert.equal(outcome(noDs), 'nodata');
  assert.ok(noDs.proven && noDs.matched?.nsec.types.includes(RRType.NS), 'caller sees the NS bit: insecure delegation');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('secure.nsec.test'), RRType.DS)), 'type-exists');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('sub.nsec.test'), RRType.A)), 'delegation-nsec');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('nsec.test'), RRType.DS)), 'child-side-nsec');
});

test('empty non-terminal: the covering NSEC\'s next name lies below qname (RFC 4035 §3.1.3.2)', () => {
  assert.equal(outcome(nsecProvesNoData(nsecs, N('b.nsec.test'), RRType.A)), 'empty-non-terminal');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('w.nsec.test'), RRType.TXT)), 'empty-non-terminal');
  assert.equal(outcome(nsecProvesNxdomain(nsecs, N('b.nsec.test'), zone.origin)), 'empty-non-terminal');
});

test('wildcard NODATA: qname covered, the wildcard at the closest encloser lacks the type', () => {
  const p = nsecProvesNoData(nsecs, N('foo.w.nsec.test'), RRType.MX);
  assert.equal(outcome(p), 'wildcard-nodata');
  assert.equal(p.proven && p.wildcard?.toString(), '*.w.nsec.test.');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('foo.w.nsec.test'), RRType.TXT)), 'type-exists');
});

test('NXDOMAIN: name covered and the wildcard at the closest encloser covered', () => {
  const p = nsecProvesNxdomain(nsecs, N('nope.nsec.test'), zone.origin);
  assert.equal(outcome(p), 'nxdomain');
  assert.equal(p.proven && p.closestEncloser?.toString(), 'nsec.test.');
  const deep = nsecProvesNxdomain(nsecs, N('q.x.b.nsec.test'), zone.origin);
  assert.equal(outcome(deep), 'nxdomain');
  assert.equal(deep.proven && deep.closestEncloser?.toString(), 'x.b.nsec.test.');
  // Only the NSEC covering the name: the wildcard *.nsec.test is left undenied.
  assert.equal(outcome(nsecProvesNxdomain([at('MixedCase.nsec.test')], N('nope.nsec.test'), zone.origin)), 'wildcard-not-covered');
  assert.equal(outcome(nsecProvesNxdomain(nsecs, N('a.nsec.test'), zone.origin)), 'name-exists');
  assert.equal(outcome(nsecProvesNxdomain(nsecs, N('foo.w.nsec.test'), zone.origin)), 'wildcard-exists');
  assert.equal(outcome(nsecProvesNxdomain(nsecs, N('nope.other.test'), zone.origin)), 'out-of-zone');
});

test('an NSEC at a zone cut cannot deny names below the cut (RFC 6840 §4.1)', () => {
  const sub = at('sub.nsec.test');
  assert.equal(nsecCovers(sub.owner, sub.nsec, N('www.sub.nsec.test')), true, 'covers in canonical order');
  assert.equal(isAncestorCut(sub, N('www.sub.nsec.test')), true);
  assert.equal(isAncestorCut(sub, N('sub.nsec.test')), false);
  assert.equal(isAncestorCut(at('a.nsec.test'), N('www.a.nsec.test')), false);
  assert.equal(outcome(nsecProvesNxdomain(nsecs, N('www.sub.nsec.test'), zone.origin)), 'no-proof');
  assert.equal(outcome(nsecProvesNoData(nsecs, N('www.sub.nsec.test'), RRType.A)), 'no-proof');
  // A DNAME owner likewise: everything below it is redirected, never denied.
  const dname: NsecRecord = { owner: N('d.nsec.test'), nsec: { next: N('e.nsec.test'), types: [RRType.DNAME, RRType.RRSIG, RRType.NSEC] } };
  assert.equal(isAncestorCut(dname, N('x.d.nsec.test')), true);
});

test('wildcard expansion: qname covered and the wildcard\'s parent is the closest encloser', () => {
  const star = N('*.w.nsec.test');
  assert.equal(outcome(nsecProvesWildcardExpansion(nsecs, N('foo.w.nsec.test'), star)), 'wildcard-answer');
  assert.equal(outcome(nsecProvesWildcardExpansion(nsecs, N('a.b.c.w.nsec.test'), star)), 'wildcard-answer');
  // c.b.nsec.test: its closest encloser is b.nsec.test (an empty non-terminal), so *.nsec.test
  // cannot have produced the answer.
  assert.equal(outcome(nsecProvesWildcardExpansion(nsecs, N('c.b.nsec.test'), N('*.nsec.test'))), 'wrong-closest-encloser');
  // Without the covering NSEC nothing shows that qname itself is absent.
  assert.equal(outcome(nsecProvesWildcardExpansion([at('nsec.test')], N('foo.w.nsec.test'), star)), 'no-proof');
});
