// Denial verdicts over the committed lab zones' NSEC and NSEC3 chains (all of a zone's records are
// handed in, as a superset of what a server would send: the proofs pick what they need).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { ValidationBudget } from '../../src/dnssec/budget.ts';
import { DEFAULT_NSEC3_MAX_ITERATIONS, proveNoDs, proveNodata, proveNxdomain, proveWildcardAnswer, type DenialOptions } from '../../src/dnssec/denial-verdict.ts';
import { Nsec3Hasher } from '../../src/dnssec/nsec3hash.ts';
import { labSets } from './lab-zones.ts';

function opts(hashes = 32): DenialOptions {
  return { nsec3MaxIterations: DEFAULT_NSEC3_MAX_ITERATIONS, hasher: new Nsec3Hasher(hashes), budget: new ValidationBudget() };
}

function proofs(zone: string) {
  return [...labSets(zone, RRType.NSEC), ...labSets(zone, RRType.NSEC3)];
}

const N = (s: string) => Name.of(s);

test('denial: NSEC NXDOMAIN, NODATA and empty non-terminal in secure.lab.', () => {
  assert.deepEqual(proveNxdomain(N('secure.lab'), N('nx.secure.lab'), proofs('secure.lab'), opts()), { security: 'secure' });
  assert.deepEqual(proveNodata(N('secure.lab'), N('www.secure.lab'), RRType.TXT, proofs('secure.lab'), opts()), { security: 'secure' });
  assert.deepEqual(proveNodata(N('secure.lab'), N('ent.secure.lab'), RRType.A, proofs('secure.lab'), opts()), { security: 'secure' });
  assert.deepEqual(proveNodata(N('secure.lab'), N('foo.wild.secure.lab'), RRType.AAAA, proofs('secure.lab'), opts()), { security: 'secure' });
  assert.deepEqual(proveNxdomain(N('.'), N('nosuchtld'), proofs('.'), opts()), { security: 'secure' });
});

test('denial: a NODATA claim for a type the NSEC lists is bogus (EDE 6)', () => {
  const v = proveNodata(N('secure.lab'), N('www.secure.lab'), RRType.A, proofs('secure.lab'), opts());
  assert.equal(v.security, 'bogus');
  assert.equal(v.security === 'bogus' && v.reason.ede, EdeCode.DNSSEC_BOGUS);
});

test('denial: NXDOMAIN for a name that exists is bogus', () => {
  assert.equal(proveNxdomain(N('secure.lab'), N('www.secure.lab'), proofs('secure.lab'), opts()).security, 'bogus');
});

test('denial: NSEC3 NXDOMAIN, NODATA and ENT in test.', () => {
  assert.deepEqual(proveNxdomain(N('test'), N('nx.test'), proofs('test'), opts()), { security: 'secure' });
  assert.deepEqual(proveNodata(N('test'), N('www.test'), RRType.TXT, proofs('test'), opts()), { security: 'secure' });
  assert.deepEqual(proveNodata(N('test'), N('ent.test'), RRType.A, proofs('test'), opts()), { security: 'secure' });
});

test('denial: wildcard answers need qname (NSEC) or the next closer name (NSEC3) denied', () => {
  assert.deepEqual(proveWildcardAnswer(N('secure.lab'), N('foo.wild.secure.lab'), N('*.wild.secure.lab'), proofs('secure.lab'), opts()), { security: 'secure' });
  assert.deepEqual(proveWildcardAnswer(N('secure.lab'), N('a.b.wild.secure.lab'), N('*.wild.secure.lab'), proofs('secure.lab'), opts()), { security: 'secure' });
  assert.deepEqual(proveWildcardAnswer(N('test'), N('foo.wild.test'), N('*.wild.test'), proofs('test'), opts()), { security: 'secure' });
  // Without any proof the positive answer is bogus with 6, not 12: the data is not missing (RFC 8914 §4.13).
  const none = proveWildcardAnswer(N('secure.lab'), N('foo.wild.secure.lab'), N('*.wild.secure.lab'), [], opts());
  assert.ok(none.security === 'bogus');
  assert.equal(none.reason.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(none.reason.text, /no NSEC or NSEC3 records from secure\.lab\. deny foo\.wild\.secure\.lab\./);
});

test('denial: NXDOMAIN under an opt-out span is proven but insecure (RFC 5155 §9.2)', () => {
  assert.deepEqual(proveNxdomain(N('optout.test'), N('nx.optout.test'), proofs('optout.test'), opts()), { security: 'insecure' });
});

test('denial: 200 NSEC3 iterations make the denial insecure with EDE 27', () => {
  const v = proveNxdomain(N('iter200.test'), N('nx.iter200.test'), proofs('iter200.test'), opts());
  assert.equal(v.security, 'insecure');
  assert.equal(v.security === 'insecure' && v.reason?.ede, EdeCode.UNSUPPORTED_NSEC3_ITERATIONS_VALUE);
});

test('denial: no NSEC at all from a signed zone is EDE 12', () => {
  const nx = proveNxdomain(N('nonsec.test'), N('nx.nonsec.test'), proofs('nonsec.test'), opts());
  assert.equal(nx.security === 'bogus' && nx.reason.ede, EdeCode.NSEC_MISSING);
  const nodata = proveNodata(N('nonsec.test'), N('www.nonsec.test'), RRType.AAAA, [], opts());
  assert.equal(nodata.security === 'bogus' && nodata.reason.ede, EdeCode.NSEC_MISSING);
});

test('denial: NSEC or NSEC3 records that do not prove the claim are EDE 6, and the text says which proof is missing', () => {
  // One record of the chain at a time: the ones that prove nothing for nx.secure.lab. alone.
  const nsecSets = labSets('secure.lab', RRType.NSEC);
  const unhelpful = nsecSets.filter((set) => proveNxdomain(N('secure.lab'), N('nx.secure.lab'), [set], opts()).security === 'bogus');
  assert.ok(unhelpful.length > 0);
  for (const set of unhelpful) {
    const v = proveNxdomain(N('secure.lab'), N('nx.secure.lab'), [set], opts());
    assert.ok(v.security === 'bogus');
    assert.equal(v.reason.ede, EdeCode.DNSSEC_BOGUS, v.reason.text);
    assert.match(v.reason.text, /^NXDOMAIN for nx\.secure\.lab\. in secure\.lab\.: .*(no NSEC|wildcard)/);
  }
  const wc = proveWildcardAnswer(N('secure.lab'), N('foo.wild.secure.lab'), N('*.wild.secure.lab'), [unhelpful[0]], opts());
  assert.ok(wc.security === 'bogus' && wc.reason.ede === EdeCode.DNSSEC_BOGUS, JSON.stringify(wc));
  // NSEC3: a lone record of test.'s chain proves no closest encloser for a deep name.
  const nsec3Sets = labSets('test', RRType.NSEC3);
  const lone = nsec3Sets.map((set) => proveNxdomain(N('test'), N('a.b.nx.test'), [set], opts())).find((v) => v.security === 'bogus');
  assert.ok(lone !== undefined && lone.security === 'bogus');
  assert.equal(lone.reason.ede, EdeCode.DNSSEC_BOGUS, lone.reason.text);
  assert.match(lone.reason.text, /no NSEC3 matches any ancestor of a\.b\.nx\.test\./);
  // A DS denial whose NSEC does not reach the name: bogus, 6.
  const ds = proveNoDs(N('secure.lab'), N('nx.secure.lab'), [unhelpful[0]], opts());
  assert.ok(ds.result === 'bogus' && ds.reason.ede === EdeCode.DNSSEC_BOGUS, JSON.stringify(ds));
  // With no denial record at all it stays 12 (RFC 8914 §4.13).
  const none = proveNoDs(N('secure.lab'), N('nx.secure.lab'), [], opts());
  assert.ok(none.result === 'bogus' && none.reason.ede === EdeCode.NSEC_MISSING);
});

test('denial: the NSEC3 hash budget ends a proof with EDE 0', () => {
  const v = proveNxdomain(N('test'), N('a.b.c.d.nx.test'), proofs('test'), opts(1));
  assert.equal(v.security, 'bogus');
  assert.equal(v.security === 'bogus' && v.reason.ede, EdeCode.OTHER);
});

test('denial: DS absence proves an insecure delegation, or no zone cut at all', () => {
  assert.deepEqual(proveNoDs(N('lab'), N('insecure.lab'), proofs('lab'), opts()), { result: 'insecure-delegation' });
  assert.deepEqual(proveNoDs(N('optout.test'), N('unsigned.optout.test'), proofs('optout.test'), opts()), { result: 'insecure-delegation' });
  // www.secure.lab. exists but is no delegation: its NSEC has no NS bit.
  assert.deepEqual(proveNoDs(N('secure.lab'), N('www.secure.lab'), proofs('secure.lab'), opts()), { result: 'no-cut' });
  // secure.lab. has a DS in lab.: the NSEC there lists DS, so its absence cannot be proven.
  assert.equal(proveNoDs(N('lab'), N('secure.lab'), proofs('lab'), opts()).result, 'bogus');
  assert.equal(proveNoDs(N('lab'), N('insecure.lab'), [], opts()).result, 'bogus');
});
