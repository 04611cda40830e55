// Algorithm-downgrade protection (opt-in, Unbound's harden-algo-downgrade): with it, every
// algorithm the DS set names must sign the DNSKEY RRset and every RRset of the zone; without it
// (the default, RFC 6840 §5.11) one valid signature path suffices. A zone signed with two
// algorithms (13 and 15) is built by hand; the crypto step accepts every signature except the
// marked-broken ones (the signature math is tested in rrsig.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode } from '../../src/wire/ede.ts';
import { Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { dnskeyCodec, rrsigCodec, type DsRdata } from '../../src/wire/rdata/dnssec.ts';
import type { RRset } from '../../src/wire/types.ts';
import { ValidationBudget } from '../../src/dnssec/budget.ts';
import { computeDsDigest } from '../../src/dnssec/ds.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { validateKeySet } from '../../src/dnssec/keyset.ts';
import { validateRRset } from '../../src/dnssec/rrset-verdict.ts';
import type { SignatureCheck } from '../../src/dnssec/signature-check.ts';
import type { ValidationContext } from '../../src/resolver/resolution.ts';
import { createValidator } from '../../src/resolver/validation.ts';
import { resolution, step, TableFetch } from './signed-fakes.ts';

const ZONE = Name.of('two.example');
const NOW = Date.UTC(2026, 0, 1) / 1000;
const TTL = 3600;
const DIGEST_SHA256 = 2;
const ECDSA = 13;
const ED25519 = 15;
const BROKEN = new Uint8Array(64).fill(0xee);

const CHECK: SignatureCheck = {
  supports: (alg) => alg === ECDSA || alg === ED25519,
  verify: (_alg, _key, _data, sig) => (sig.length === BROKEN.length && sig.every((b) => b === 0xee)
    ? { ok: false, kind: 'bad-signature', detail: 'signature does not verify' }
    : { ok: true }),
};

const KEYS = new Map<number, Uint8Array>([
  [ECDSA, dnskeyCodec.encode({ flags: 257, protocol: 3, algorithm: ECDSA, publicKey: new Uint8Array(64).fill(3) })],
  [ED25519, dnskeyCodec.encode({ flags: 257, protocol: 3, algorithm: ED25519, publicKey: new Uint8Array(32).fill(5) })],
]);

function key(alg: number): Uint8Array {
  const k = KEYS.get(alg);
  assert.ok(k);
  return k;
}

function ds(alg: number): DsRdata {
  const d = computeDsDigest(ZONE, key(alg), DIGEST_SHA256);
  assert.ok(d.ok);
  return { keyTag: keyTag(key(alg)), algorithm: alg, digestType: DIGEST_SHA256, digest: d.digest };
}

/** `rdata` at `name`/`type`, signed by the zone key of each algorithm in `by` (those in `broken` with a bad signature). */
function signed(name: Name, type: number, rdata: Uint8Array[], by: number[], broken: number[] = []): RRset {
  const sigs = by.map((alg) => rrsigCodec.encode({
    typeCovered: type, algorithm: alg, labels: name.labelCount, originalTtl: TTL, expiration: NOW + 86_400, inception: NOW - 86_400,
    keyTag: keyTag(key(alg)), signerName: ZONE, signature: broken.includes(alg) ? BROKEN : new Uint8Array(64).fill(1),
  }));
  return { name, type, class: RRClass.IN, ttl: TTL, rdata, sigs };
}

const BOTH_KEYS = [key(ECDSA), key(ED25519)];
const A = Uint8Array.of(192, 0, 2, 1);

test('algorithm downgrade: a DNSKEY set signed by every DS algorithm is secure, and names them for the data', () => {
  const set = signed(ZONE, RRType.DNSKEY, BOTH_KEYS, [ECDSA, ED25519]);
  const v = validateKeySet(ZONE, set, { ds: [ds(ECDSA), ds(ED25519)] }, NOW, new ValidationBudget(), CHECK, { requireAllAlgorithms: true });
  assert.equal(v.security, 'secure');
  assert.deepEqual(v.security === 'secure' ? [...(v.requiredAlgorithms ?? [])].sort() : [], [ECDSA, ED25519]);
});

test('algorithm downgrade: a DNSKEY set missing one DS algorithm\'s signature is bogus only when protection is on', () => {
  const set = signed(ZONE, RRType.DNSKEY, BOTH_KEYS, [ECDSA]);
  const trust = { ds: [ds(ECDSA), ds(ED25519)] };
  const off = validateKeySet(ZONE, set, trust, NOW, new ValidationBudget(), CHECK);
  assert.equal(off.security, 'secure');
  assert.equal(off.security === 'secure' ? off.requiredAlgorithms : 'x', undefined);
  const on = validateKeySet(ZONE, set, trust, NOW, new ValidationBudget(), CHECK, { requireAllAlgorithms: true });
  assert.equal(on.security, 'bogus');
  assert.equal(on.security === 'bogus' ? on.reason.ede : 0, EdeCode.RRSIGS_MISSING);
  assert.match(on.security === 'bogus' ? on.reason.text : '', /algorithm 15.*algorithm-downgrade protection/);
});

test('algorithm downgrade: a DS algorithm with no matching DNSKEY at all is bogus with EDE 9 when protection is on', () => {
  const set = signed(ZONE, RRType.DNSKEY, [key(ECDSA)], [ECDSA]);
  const trust = { ds: [ds(ECDSA), ds(ED25519)] };
  assert.equal(validateKeySet(ZONE, set, trust, NOW, new ValidationBudget(), CHECK).security, 'secure');
  const on = validateKeySet(ZONE, set, trust, NOW, new ValidationBudget(), CHECK, { requireAllAlgorithms: true });
  assert.equal(on.security, 'bogus');
  assert.equal(on.security === 'bogus' ? on.reason.ede : 0, EdeCode.DNSKEY_MISSING);
  assert.match(on.security === 'bogus' ? on.reason.text : '', /names algorithm 15 \(key tag \d+\)/);
});

test('algorithm downgrade: data must carry a valid signature of every required algorithm', () => {
  const keys = { zone: ZONE, keys: BOTH_KEYS, requiredAlgorithms: [ECDSA, ED25519] };
  const www = Name.of('www.two.example');
  assert.equal(validateRRset(signed(www, RRType.A, [A], [ECDSA, ED25519]), keys, NOW, new ValidationBudget(), CHECK).security, 'secure');
  // The strong algorithm's signature stripped: what a downgrade attack leaves.
  const stripped = validateRRset(signed(www, RRType.A, [A], [ECDSA]), keys, NOW, new ValidationBudget(), CHECK);
  assert.equal(stripped.security === 'bogus' ? stripped.reason.ede : 0, EdeCode.RRSIGS_MISSING);
  // Present but forged.
  const forged = validateRRset(signed(www, RRType.A, [A], [ECDSA, ED25519], [ED25519]), keys, NOW, new ValidationBudget(), CHECK);
  assert.equal(forged.security === 'bogus' ? forged.reason.ede : 0, EdeCode.DNSSEC_BOGUS);
  // Without protection the one valid signature is enough (RFC 6840 §5.11).
  const anyOne = validateRRset(signed(www, RRType.A, [A], [ECDSA]), { zone: ZONE, keys: BOTH_KEYS }, NOW, new ValidationBudget(), CHECK);
  assert.equal(anyOne.security, 'secure');
});

test('algorithm downgrade: the validator carries the required algorithms from the keys to the zone\'s data', async () => {
  const fetch = new TableFetch();
  const dnskeyQ = { name: ZONE, type: RRType.DNSKEY, class: RRClass.IN };
  fetch.set('two.example', RRType.DNSKEY, resolution(dnskeyQ, Rcode.NOERROR, [step('answer', 'two.example', dnskeyQ, [signed(ZONE, RRType.DNSKEY, BOTH_KEYS, [ECDSA, ED25519])])]));
  const www = { name: Name.of('www.two.example'), type: RRType.A, class: RRClass.IN };
  const answer = resolution(www, Rcode.NOERROR, [step('answer', 'two.example', www, [signed(www.name, RRType.A, [A], [ECDSA])])]);
  const context = (): ValidationContext => ({
    query: { question: www, rd: true, cd: false, dnssecOk: true, ad: false, transport: 'udp', client: { address: '127.0.0.1', port: 1 } },
    fetch: (question) => fetch.fetch(question),
    now: () => NOW * 1000,
  });
  const anchor = { zone: ZONE, ds: [ds(ECDSA), ds(ED25519)], dnskeys: [] };
  const lenient = createValidator({ trustAnchors: [anchor], signatureCheck: CHECK });
  assert.equal((await lenient.validateResolution(answer, context())).security, 'secure');
  const strict = createValidator({ trustAnchors: [anchor], signatureCheck: CHECK, hardenAlgoDowngrade: true });
  const v = await strict.validateResolution(answer, context());
  assert.equal(v.security, 'bogus');
  assert.equal(v.reasons[0]?.ede, EdeCode.RRSIGS_MISSING);
});
