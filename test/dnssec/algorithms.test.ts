// Key import and signature checks per algorithm: RFC 8080 published vectors, a second opinion from
// @noble/curves on every ECDSA/EdDSA signature in the signed fixtures, and the RSA size limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed448 } from '@noble/curves/ed448.js';
import { Name } from '../../src/wire/name.ts';
import { RRType, DnssecAlgorithm } from '../../src/wire/constants.ts';
import { rrsigCodec, type RrsigRdata } from '../../src/wire/rdata/dnssec.ts';
import { groupRRsets } from '../../src/wire/rrset.ts';
import { importPublicKey, keyFromDnskey, isSupportedAlgorithm, verifySignature, MAX_RSA_BITS } from '../../src/dnssec/algorithms.ts';
import { verifyRrsig, rrsigSignedPayload, signedOwner } from '../../src/dnssec/rrsig.ts';
import { keyTag } from '../../src/dnssec/keytag.ts';
import { dnskeyFields } from '../../src/dnssec/dnskey.ts';
import { loadZone, parseRecords, readFixture } from './fixtures.ts';

test('supported algorithms are exactly 5, 7, 8, 10, 13, 14, 15, 16', () => {
  const supported = Array.from({ length: 256 }, (_, i) => i).filter(isSupportedAlgorithm);
  assert.deepEqual(supported, [5, 7, 8, 10, 13, 14, 15, 16]);
});

test('RFC 8080 §6.1 Ed25519 signatures (Errata 4935) verify inside their 2015 window', () => {
  const sets = groupRRsets(parseRecords(readFixture('rfc-vectors.zone')));
  const mx = sets.find((s) => s.type === RRType.MX)!;
  const keys = sets.find((s) => s.type === RRType.DNSKEY && s.name.equals(Name.of('example.com')))!.rdata;
  const inWindow = Date.UTC(2015, 7, 1) / 1000;
  assert.equal(mx.sigs.length, 2);
  for (const sig of mx.sigs) {
    const tag = (sig[16] << 8) | sig[17];
    const key = keys.find((k) => keyTag(k) === tag)!;
    assert.deepEqual(verifyRrsig(mx, sig, key, inWindow), { ok: true });
    const late = verifyRrsig(mx, sig, key, Date.UTC(2026, 0, 1) / 1000);
    assert.equal(!late.ok && late.kind, 'expired');
  }
});

/** Raw verification with @noble/curves: same signed data, independent curve arithmetic. */
function nobleVerify(algorithm: number, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const sec1 = () => Uint8Array.from([0x04, ...publicKey]);
  switch (algorithm) {
    // DNSSEC does not require low-S (RFC 6605 says nothing of it), so noble's default must be off.
    case DnssecAlgorithm.ECDSAP256SHA256: return p256.verify(signature, data, sec1(), { lowS: false });
    case DnssecAlgorithm.ECDSAP384SHA384: return p384.verify(signature, data, sec1(), { lowS: false });
    case DnssecAlgorithm.ED25519: return ed25519.verify(signature, data, publicKey);
    case DnssecAlgorithm.ED448: return ed448.verify(signature, data, publicKey);
    default: throw new Error(`no noble check for ${algorithm}`);
  }
}

for (const zoneName of ['alg13.test', 'alg14.test', 'alg15.test', 'alg16.test', 'nsec3.test']) {
  test(`${zoneName}: node:crypto and @noble/curves agree on every signature`, () => {
    const zone = loadZone(zoneName);
    let checked = 0;
    for (const set of zone.rrsets) {
      for (const sigBytes of set.sigs) {
        const d = rrsigCodec.decode(sigBytes);
        assert.ok(d.ok);
        const sig: RrsigRdata = d.value;
        const dnskey = zone.dnskeys.find((k) => keyTag(k) === sig.keyTag)!;
        const fields = dnskeyFields(dnskey)!;
        const data = rrsigSignedPayload(set, sig, signedOwner(set.name, sig.labels)!);
        const key = keyFromDnskey(dnskey);
        assert.ok(key.ok);
        assert.deepEqual(verifySignature(sig.algorithm, key.key, data, sig.signature), { ok: true });
        assert.equal(nobleVerify(sig.algorithm, fields.publicKey, data, sig.signature), true);
        const tampered = data.slice();
        tampered[tampered.length - 1] ^= 1;
        assert.equal(verifySignature(sig.algorithm, key.key, tampered, sig.signature).ok, false);
        assert.equal(nobleVerify(sig.algorithm, fields.publicKey, tampered, sig.signature), false);
        checked++;
      }
    }
    assert.ok(checked >= 20);
  });
}

/** RFC 3110 public key: exponent length, exponent, modulus. */
function rfc3110(e: Uint8Array, n: Uint8Array): Uint8Array {
  return e.length < 256 ? Uint8Array.from([e.length, ...e, ...n]) : Uint8Array.from([0, e.length >> 8, e.length & 0xff, ...e, ...n]);
}

test('RSA keys: JWK import from RFC 3110, sizes outside 1024..4096 bits are unsupported', () => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = Buffer.from(jwk.n!, 'base64url'), e = Buffer.from(jwk.e!, 'base64url');
  const ok = importPublicKey(DnssecAlgorithm.RSASHA256, rfc3110(e, n));
  assert.ok(ok.ok);
  assert.equal(ok.bits, 1024);
  // The three-octet exponent-length form (RFC 3110 §2) with a leading zero in the exponent.
  const long = Uint8Array.from([0, 0, e.length + 1, 0, ...e, ...n]);
  assert.equal(importPublicKey(DnssecAlgorithm.RSASHA256, long).ok, true);

  const small = generateKeyPairSync('rsa', { modulusLength: 512 }).publicKey.export({ format: 'jwk' });
  const r512 = importPublicKey(DnssecAlgorithm.RSASHA256, rfc3110(Buffer.from(small.e!, 'base64url'), Buffer.from(small.n!, 'base64url')));
  assert.equal(!r512.ok && r512.kind, 'unsupported-key-size');
  const huge = new Uint8Array((MAX_RSA_BITS + 8) / 8).fill(0xff);
  const rHuge = importPublicKey(DnssecAlgorithm.RSASHA512, rfc3110(Uint8Array.from([1, 0, 1]), huge));
  assert.equal(!rHuge.ok && rHuge.kind, 'unsupported-key-size');
  assert.equal(importPublicKey(DnssecAlgorithm.RSASHA256, Uint8Array.from([3, 1, 0, 1])).ok, false);
  assert.equal(importPublicKey(DnssecAlgorithm.RSASHA256, new Uint8Array(0)).ok, false);
});

test('EC and EdDSA keys of the wrong length or off the curve are bad keys, never exceptions', () => {
  const kind = (alg: number, key: Uint8Array) => {
    const r = importPublicKey(alg, key);
    return r.ok ? 'ok' : r.kind;
  };
  assert.equal(kind(DnssecAlgorithm.ECDSAP256SHA256, new Uint8Array(63)), 'bad-key');
  assert.equal(kind(DnssecAlgorithm.ECDSAP256SHA256, new Uint8Array(64).fill(1)), 'bad-key');
  assert.equal(kind(DnssecAlgorithm.ECDSAP384SHA384, new Uint8Array(64)), 'bad-key');
  assert.equal(kind(DnssecAlgorithm.ED25519, new Uint8Array(31)), 'bad-key');
  assert.equal(kind(DnssecAlgorithm.ED448, new Uint8Array(32)), 'bad-key');
  assert.equal(kind(DnssecAlgorithm.DSA, new Uint8Array(32)), 'unsupported-algorithm');
});

test('verifySignature: wrong-length ECDSA signatures and mismatched key types fail as bad signatures', () => {
  const zone = loadZone('alg13.test');
  const key = keyFromDnskey(zone.dnskeys[0]);
  assert.ok(key.ok);
  const data = new Uint8Array([1, 2, 3]);
  const short = verifySignature(DnssecAlgorithm.ECDSAP256SHA256, key.key, data, new Uint8Array(63));
  assert.equal(!short.ok && short.kind, 'bad-signature');
  const asEd = verifySignature(DnssecAlgorithm.ED25519, key.key, data, new Uint8Array(64));
  assert.equal(!asEd.ok && asEd.kind, 'bad-signature');
  const unknown = verifySignature(253, key.key, data, new Uint8Array(64));
  assert.equal(!unknown.ok && unknown.kind, 'unsupported-algorithm');
  assert.equal(keyFromDnskey(zone.dnskeys[0]), key, 'second import is served from the cache');
});
