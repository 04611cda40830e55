// Denial rules added for the Unbound replay corpus, on the lab zones' real chains: an NSEC that
// reaches outside its zone, NSEC3 records of several parameter sets, and the opt-out NODATA of
// RFC 5155 erratum 3441.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { nsecCodec, nsec3Codec } from '../../src/wire/rdata/dnssec.ts';
import type { RRset } from '../../src/wire/types.ts';
import { ValidationBudget } from '../../src/dnssec/budget.ts';
import { DEFAULT_NSEC3_MAX_ITERATIONS, proveNodata, proveNxdomain, type DenialOptions } from '../../src/dnssec/denial-verdict.ts';
import { Nsec3Hasher } from '../../src/dnssec/nsec3hash.ts';
import { labSets } from './lab-zones.ts';

const N = (s: string) => Name.of(s);

function opts(): DenialOptions {
  return { nsec3MaxIterations: DEFAULT_NSEC3_MAX_ITERATIONS, hasher: new Nsec3Hasher(64), budget: new ValidationBudget() };
}

/** The same NSEC set with its next name replaced. */
function withNext(set: RRset, next: string): RRset {
  const d = nsecCodec.decode(set.rdata[0]);
  assert.ok(d.ok);
  return { ...set, rdata: [nsecCodec.encode({ ...d.value, next: N(next) })] };
}

/** The same NSEC3 set with another iteration count: a record of another hash chain. */
function withIterations(set: RRset, iterations: number): RRset {
  const d = nsec3Codec.decode(set.rdata[0]);
  assert.ok(d.ok);
  return { ...set, rdata: [nsec3Codec.encode({ ...d.value, iterations })] };
}

test('denial: an NSEC whose next name lies outside the zone makes the denial bogus (EDE 6)', () => {
  const nsecs = labSets('secure.lab', RRType.NSEC);
  assert.deepEqual(proveNxdomain(N('secure.lab'), N('nx.secure.lab'), nsecs, opts()), { security: 'secure' });
  const overreaching = nsecs.map((s, i) => (i === 0 ? withNext(s, 'zzz.other.lab') : s));
  const v = proveNxdomain(N('secure.lab'), N('nx.secure.lab'), overreaching, opts());
  assert.equal(v.security, 'bogus');
  assert.ok(v.security === 'bogus');
  assert.equal(v.reason.ede, EdeCode.DNSSEC_BOGUS);
  assert.match(v.reason.text, /reaches outside secure\.lab\./);
});

test('denial: an NSEC3 proof must come from one parameter set (hash chain)', () => {
  const chain = labSets('test', RRType.NSEC3);
  assert.deepEqual(proveNxdomain(N('test'), N('nx.test'), chain, opts()), { security: 'secure' });
  // A second, unrelated chain beside the real one does not spoil the proof.
  const other = chain.map((s) => withIterations(s, 3));
  assert.deepEqual(proveNxdomain(N('test'), N('nx.test'), [...other, ...chain], opts()), { security: 'secure' });
  // Half of the records moved to another chain: together they would cover everything, but the
  // real chain's half alone does not prove the name error, so neither does the mixture.
  const evens = chain.filter((_, i) => i % 2 === 0);
  assert.equal(proveNxdomain(N('test'), N('nx.test'), evens, opts()).security, 'bogus');
  const mixed = chain.map((s, i) => (i % 2 === 0 ? s : withIterations(s, 3)));
  assert.equal(proveNxdomain(N('test'), N('nx.test'), mixed, opts()).security, 'bogus');
});

test('denial: NODATA for a name in an opt-out span is proven insecure (RFC 5155 erratum 3441)', () => {
  const v = proveNodata(N('optout.test'), N('nx.optout.test'), RRType.A, labSets('optout.test', RRType.NSEC3), opts());
  assert.deepEqual(v, { security: 'insecure' });
});

test('denial: NODATA with no matching NSEC3 and a covering NSEC3 without opt-out is bogus (EDE 6)', () => {
  const v = proveNodata(N('test'), N('nx.test'), RRType.A, labSets('test', RRType.NSEC3), opts());
  assert.equal(v.security, 'bogus');
  assert.ok(v.security === 'bogus');
  assert.equal(v.reason.ede, EdeCode.DNSSEC_BOGUS);
});
