// The replay-only legacy signature check: SHA-1 family signatures are verified for real, without
// the production key-size floor; everything else goes through the production check unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { DnssecAlgorithm } from '../../src/wire/constants.ts';
import { REAL_SIGNATURE_CHECK } from '../../src/dnssec/signature-check.ts';
import { FAKE_SHA1_SIGNATURE_CHECK } from './fake-sha1.ts';

const ZONE_KEY_FLAGS = 256;
const PROTOCOL = 3;

/** DNSKEY RDATA for an RSA public key (RFC 3110 §2) from its JWK. */
function rsaDnskey(algorithm: number, e: string, n: string): Uint8Array {
  const exp = Buffer.from(e, 'base64url');
  const mod = Buffer.from(n, 'base64url');
  return Uint8Array.from([ZONE_KEY_FLAGS >> 8, ZONE_KEY_FLAGS & 0xff, PROTOCOL, algorithm, exp.length, ...exp, ...mod]);
}

test('fake-sha1: a 512-bit RSASHA1 signature is verified for real; production refuses the key size', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 512 });
  const jwk = publicKey.export({ format: 'jwk' });
  const dnskey = rsaDnskey(DnssecAlgorithm.RSASHA1, jwk.e ?? '', jwk.n ?? '');
  const data = Buffer.from('signed data');
  const sig = sign('sha1', data, privateKey);
  assert.deepEqual(FAKE_SHA1_SIGNATURE_CHECK.verify(DnssecAlgorithm.RSASHA1, dnskey, data, sig), { ok: true });
  const tampered = FAKE_SHA1_SIGNATURE_CHECK.verify(DnssecAlgorithm.RSASHA1, dnskey, Buffer.from('other data'), sig);
  assert.equal(tampered.ok, false);
  assert.equal(!tampered.ok && tampered.kind, 'bad-signature');
  const prod = REAL_SIGNATURE_CHECK.verify(DnssecAlgorithm.RSASHA1, dnskey, data, sig);
  assert.equal(!prod.ok && prod.kind, 'unsupported-key-size');
});

test('fake-sha1: DSA counts as supported only in the replay check; a malformed DSA key is a bad key', () => {
  assert.equal(REAL_SIGNATURE_CHECK.supports(DnssecAlgorithm.DSA), false);
  assert.equal(FAKE_SHA1_SIGNATURE_CHECK.supports(DnssecAlgorithm.DSA), true);
  assert.equal(FAKE_SHA1_SIGNATURE_CHECK.supports(DnssecAlgorithm.DSA_NSEC3_SHA1), true);
  assert.equal(FAKE_SHA1_SIGNATURE_CHECK.supports(DnssecAlgorithm.ECDSAP256SHA256), true);
  const short = Uint8Array.from([1, 0, PROTOCOL, DnssecAlgorithm.DSA, 0, 1, 2, 3]);
  const r = FAKE_SHA1_SIGNATURE_CHECK.verify(DnssecAlgorithm.DSA, short, Buffer.from('x'), new Uint8Array(41));
  assert.equal(!r.ok && r.kind, 'bad-key');
});

test('fake-sha1: other algorithms go through the production check', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 512 });
  const jwk = publicKey.export({ format: 'jwk' });
  const dnskey = rsaDnskey(DnssecAlgorithm.RSASHA256, jwk.e ?? '', jwk.n ?? '');
  const data = Buffer.from('signed data');
  const r = FAKE_SHA1_SIGNATURE_CHECK.verify(DnssecAlgorithm.RSASHA256, dnskey, data, sign('sha256', data, privateKey));
  assert.equal(!r.ok && r.kind, 'unsupported-key-size', 'RSASHA256 keeps the production key-size floor');
});
