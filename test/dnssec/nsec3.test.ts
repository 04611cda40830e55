// NSEC3 proofs: RFC 5155 Appendix B against the Appendix A chain, then the salted and opt-out
// zones signed by dnssec-signzone (test/fixtures/dnssec/nsec3*.test.signed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Name } from '../../src/wire/name.ts';
import { RRType } from '../../src/wire/constants.ts';
import { Nsec3Hasher, nsec3Hash, labelToHash } from '../../src/dnssec/nsec3hash.ts';
import {
  nsec3ProvesNxdomain, nsec3ProvesNoData, nsec3ProvesWildcardAnswer, nsec3CoversHash, type Nsec3Proof, type Nsec3Record,
} from '../../src/dnssec/nsec3.ts';
import { loadZone, nsec3Records, parseRecords, readFixture } from './fixtures.ts';

const N = (s: string) => Name.of(s);
const outcome = (p: Nsec3Proof) => (p.proven ? p.kind : p.why);
const opts = (budget = 32, maxIterations = 150) => ({ hasher: new Nsec3Hasher(budget), maxIterations });

const example = N('example');
const appendixA = nsec3Records(parseRecords(readFixture('rfc5155-appendix-a.nsec3'), example));
const owned = (label: string): Nsec3Record => {
  const r = appendixA.find((x) => x.owner.firstLabelText === label);
  assert.ok(r, label);
  return r;
};
/** Only the records a server puts in the response, as RFC 5155 Appendix B lists them. */
const pick = (...labels: string[]) => labels.map(owned);

test('Appendix A chain: twelve records, each next hash the owner of another, one closed loop', () => {
  assert.equal(appendixA.length, 12);
  const ownerHashes = appendixA.map((r) => Buffer.from(labelToHash(r.owner.labels[0])!).toString('hex'));
  for (const r of appendixA) assert.ok(ownerHashes.includes(Buffer.from(r.nsec3.nextHashed).toString('hex')));
  // Each owner hash is the Appendix A hash of a zone name: spot-check the apex.
  assert.equal(ownerHashes[0], Buffer.from(nsec3Hash(example, Uint8Array.from([0xaa, 0xbb, 0xcc, 0xdd]), 12)).toString('hex'));
  // The last record wraps: it covers hashes above its owner and below the first owner.
  const last = owned('t644ebqk9bibcna874givr6joj62mlhv');
  const lastHash = labelToHash(last.owner.labels[0])!;
  assert.equal(nsec3CoversHash(lastHash, last.nsec3, new Uint8Array(20).fill(0xff)), true);
  assert.equal(nsec3CoversHash(lastHash, last.nsec3, new Uint8Array(20)), true);
  assert.equal(nsec3CoversHash(lastHash, last.nsec3, lastHash), false);
  const mid = owned('2t7b4g4vsa5smi47k61mv5bv1a22bojr');
  assert.equal(nsec3CoversHash(labelToHash(mid.owner.labels[0])!, mid.nsec3, new Uint8Array(20).fill(0xff)), false);
});

test('B.1 name error: a.c.x.w.example', () => {
  // Closest encloser x.w.example (b4um…), next closer c.x.w.example covered by 0p9m…→2t7b…,
  // wildcard *.x.w.example covered by 35mt…→b4um….
  const records = pick('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', 'b4um86eghhds6nea196smvmlo4ors995', '35mthgpgcu1qg68fab165klnsnk3dpvl');
  const p = nsec3ProvesNxdomain(records, N('a.c.x.w.example'), example, opts());
  assert.equal(outcome(p), 'nxdomain');
  assert.ok(p.proven);
  assert.equal(p.closestEncloser?.toString(), 'x.w.example.');
  assert.equal(p.nextCloser?.toString(), 'c.x.w.example.');
  assert.equal(p.optOut, true, 'Appendix A is signed with opt-out: the answer can only be insecure');
  // Each of the three records is needed.
  for (let i = 0; i < 3; i++) {
    const fewer = records.filter((_, j) => j !== i);
    assert.equal(nsec3ProvesNxdomain(fewer, N('a.c.x.w.example'), example, opts()).proven, false, `without record ${i}`);
  }
  assert.equal(outcome(nsec3ProvesNxdomain(pick('b4um86eghhds6nea196smvmlo4ors995', '35mthgpgcu1qg68fab165klnsnk3dpvl'), N('a.c.x.w.example'), example, opts())), 'next-closer-not-covered');
  assert.equal(outcome(nsec3ProvesNxdomain(pick('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', 'b4um86eghhds6nea196smvmlo4ors995'), N('a.c.x.w.example'), example, opts())), 'wildcard-not-covered');
});

test('B.2 no data error: ns1.example MX', () => {
  const p = nsec3ProvesNoData(pick('2t7b4g4vsa5smi47k61mv5bv1a22bojr'), N('ns1.example'), RRType.MX, example, opts());
  assert.equal(outcome(p), 'nodata');
  assert.equal(outcome(nsec3ProvesNoData(pick('2t7b4g4vsa5smi47k61mv5bv1a22bojr'), N('ns1.example'), RRType.A, example, opts())), 'type-exists');
});

test('B.2.1 no data error, empty non-terminal: y.w.example A', () => {
  const p = nsec3ProvesNoData(pick('ji6neoaepv8b5o6k4ev33abha8ht9fgc'), N('y.w.example'), RRType.A, example, opts());
  assert.equal(outcome(p), 'nodata');
});

test('B.3 referral to an opt-out unsigned zone: DS for c.example', () => {
  const records = pick('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', '35mthgpgcu1qg68fab165klnsnk3dpvl');
  const p = nsec3ProvesNoData(records, N('c.example'), RRType.DS, example, opts());
  assert.equal(outcome(p), 'opt-out');
  assert.equal(p.proven && p.closestEncloser?.toString(), 'example.');
  // The same span without the opt-out flag proves nothing about the DS.
  const noOptOut = records.map((r) => ({ ...r, nsec3: { ...r.nsec3, flags: 0 } }));
  assert.equal(outcome(nsec3ProvesNoData(noOptOut, N('c.example'), RRType.DS, example, opts())), 'not-opt-out');
  // a.example is a signed delegation: its NSEC3 lists DS.
  assert.equal(outcome(nsec3ProvesNoData(pick('35mthgpgcu1qg68fab165klnsnk3dpvl'), N('a.example'), RRType.DS, example, opts())), 'type-exists');
  assert.equal(outcome(nsec3ProvesNoData(pick('35mthgpgcu1qg68fab165klnsnk3dpvl'), N('a.example'), RRType.A, example, opts())), 'delegation-nsec3');
  assert.equal(outcome(nsec3ProvesNoData(pick('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'), example, RRType.DS, example, opts())), 'child-side-nsec3');
});

test('B.4 wildcard expansion: a.z.w.example from *.w.example', () => {
  // Next closer z.w.example is covered by q04j…→r53b….
  const p = nsec3ProvesWildcardAnswer(pick('q04jkcevqvmu85r014c7dkba38o0ji5r'), N('a.z.w.example'), N('*.w.example'), example, opts());
  assert.equal(outcome(p), 'wildcard-answer');
  assert.equal(p.proven && p.nextCloser?.toString(), 'z.w.example.');
  assert.equal(outcome(nsec3ProvesWildcardAnswer(pick('k8udemvp1j2f7eg6jebps17vp3n8i58h'), N('a.z.w.example'), N('*.w.example'), example, opts())), 'next-closer-not-covered');
});

test('B.5 wildcard no data error: a.z.w.example AAAA', () => {
  const records = pick('k8udemvp1j2f7eg6jebps17vp3n8i58h', 'q04jkcevqvmu85r014c7dkba38o0ji5r', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en');
  const p = nsec3ProvesNoData(records, N('a.z.w.example'), RRType.AAAA, example, opts());
  assert.equal(outcome(p), 'wildcard-nodata');
  assert.equal(p.proven && p.closestEncloser?.toString(), 'w.example.');
  assert.equal(outcome(nsec3ProvesNoData(records, N('a.z.w.example'), RRType.MX, example, opts())), 'type-exists');
});

test('limits: too many iterations, hash budget, unknown hash algorithm and flags', () => {
  const records = pick('0p9mhaveqvm6t7vbl5lop2u3t2rp3tom', 'b4um86eghhds6nea196smvmlo4ors995', '35mthgpgcu1qg68fab165klnsnk3dpvl');
  assert.equal(outcome(nsec3ProvesNxdomain(records, N('a.c.x.w.example'), example, opts(32, 11))), 'unsupported-iterations');
  assert.equal(outcome(nsec3ProvesNxdomain(records, N('a.c.x.w.example'), example, opts(32, 12))), 'nxdomain');
  // a.c.x.w.example costs 4 hashes: a.c.x.w, c.x.w, x.w (the match), *.x.w; c.x.w is hashed again
  // as the next closer, but that is a memo hit.
  const hasher = new Nsec3Hasher(32);
  nsec3ProvesNxdomain(records, N('a.c.x.w.example'), example, { hasher, maxIterations: 150 });
  assert.equal(hasher.used, 4);
  assert.equal(outcome(nsec3ProvesNxdomain(records, N('a.c.x.w.example'), example, opts(3))), 'hash-budget-exhausted');
  // A long name cannot make the walk to the closest encloser cost more than the budget.
  const long = N(Array.from({ length: 60 }, (_, i) => `l${i}`).join('.') + '.example');
  assert.equal(outcome(nsec3ProvesNxdomain(records, long, example, opts(8))), 'hash-budget-exhausted');
  const unknownAlg = records.map((r) => ({ ...r, nsec3: { ...r.nsec3, hashAlgorithm: 2 } }));
  assert.equal(outcome(nsec3ProvesNxdomain(unknownAlg, N('a.c.x.w.example'), example, opts())), 'unsupported-hash');
  const unknownFlags = records.map((r) => ({ ...r, nsec3: { ...r.nsec3, flags: 0x02 } }));
  assert.equal(outcome(nsec3ProvesNxdomain(unknownFlags, N('a.c.x.w.example'), example, opts())), 'unsupported-hash');
  assert.equal(outcome(nsec3ProvesNxdomain(records, N('a.c.x.w.example'), N('other'), opts())), 'out-of-zone');
  assert.equal(outcome(nsec3ProvesNxdomain(records, N('x.w.example'), example, opts())), 'name-exists');
});

const signed = loadZone('nsec3.test');
const chain = nsec3Records(signed.records);
const optOutZone = loadZone('nsec3-optout.test');
const optOutChain = nsec3Records(optOutZone.records);

test('signed NSEC3 zone (salt aabbccdd, 5 iterations): NODATA, empty non-terminal, delegation', () => {
  const z = signed.origin;
  assert.equal(chain.length, 15); // 13 names with data, plus the empty non-terminals b and w
  assert.equal(outcome(nsec3ProvesNoData(chain, N('a.nsec3.test'), RRType.MX, z, opts())), 'nodata');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('A.NSEC3.TEST'), RRType.AAAA, z, opts())), 'type-exists');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('b.nsec3.test'), RRType.A, z, opts())), 'nodata');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('cname.nsec3.test'), RRType.A, z, opts())), 'cname-exists');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('sub.nsec3.test'), RRType.DS, z, opts())), 'nodata');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('sub.nsec3.test'), RRType.A, z, opts())), 'delegation-nsec3');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('secure.nsec3.test'), RRType.DS, z, opts())), 'type-exists');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('sub.nsec3.test'), RRType.DS, z, opts(32, 4))), 'unsupported-iterations');
});

test('signed NSEC3 zone: NXDOMAIN, wildcard NODATA, wildcard answer, names under a cut', () => {
  const z = signed.origin;
  const nx = nsec3ProvesNxdomain(chain, N('nope.nsec3.test'), z, opts());
  assert.equal(outcome(nx), 'nxdomain');
  assert.equal(nx.proven && nx.optOut, false);
  assert.equal(nx.proven && nx.closestEncloser?.toString(), 'nsec3.test.');
  assert.equal(outcome(nsec3ProvesNxdomain(chain, N('q.x.b.nsec3.test'), z, opts())), 'nxdomain');
  assert.equal(outcome(nsec3ProvesNxdomain(chain, N('b.nsec3.test'), z, opts())), 'name-exists');
  assert.equal(outcome(nsec3ProvesNxdomain(chain, N('foo.w.nsec3.test'), z, opts())), 'wildcard-exists');
  assert.equal(outcome(nsec3ProvesNoData(chain, N('foo.w.nsec3.test'), RRType.MX, z, opts())), 'wildcard-nodata');
  assert.equal(outcome(nsec3ProvesWildcardAnswer(chain, N('foo.w.nsec3.test'), N('*.w.nsec3.test'), z, opts())), 'wildcard-answer');
  assert.equal(outcome(nsec3ProvesWildcardAnswer(chain, N('a.b.c.w.nsec3.test'), N('*.w.nsec3.test'), z, opts())), 'wildcard-answer');
  // Below the insecure delegation sub.: the parent's NSEC3 there is a cut, not a closest encloser.
  assert.equal(outcome(nsec3ProvesNxdomain(chain, N('www.sub.nsec3.test'), z, opts())), 'closest-encloser-is-cut');
});

test('signed opt-out zone: an unsigned delegation\'s DS is denied by an opt-out span', () => {
  const z = optOutZone.origin;
  assert.ok(optOutChain.every((r) => r.nsec3.flags === 1));
  const p = nsec3ProvesNoData(optOutChain, N('sub.nsec3-optout.test'), RRType.DS, z, opts());
  assert.equal(outcome(p), 'opt-out');
  assert.equal(outcome(nsec3ProvesNoData(optOutChain, N('secure.nsec3-optout.test'), RRType.DS, z, opts())), 'type-exists');
  const nx = nsec3ProvesNxdomain(optOutChain, N('nope.nsec3-optout.test'), z, opts());
  assert.equal(outcome(nx), 'nxdomain');
  assert.equal(nx.proven && nx.optOut, true);
});
