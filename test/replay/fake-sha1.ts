// REPLAY ONLY — the harness's stand-in for Unbound's `fake-sha1: yes` test build option. Unbound's
// scenarios from 2007 were signed with DSA and 512-bit RSA/SHA-1 keys. Unbound's usual build
// verifies those for real (fake-sha1 only short-cuts builds without SHA-1), so the deliberately
// broken signatures in the corpus stay broken. This check does the same, for scenarios that say
// `fake-sha1: yes` only: the SHA-1 family (RSASHA1, RSASHA1-NSEC3-SHA1, DSA, DSA-NSEC3-SHA1) is
// verified with node:crypto without the production key-size floor and with DSA keys accepted
// (RFC 2536), and every other algorithm goes through the production check. The daemon never sees
// it: the validator's `signatureCheck` option is set only by this harness (RFC 8624 §3.1: DSA MUST
// NOT be validated; RSA keys below 1024 bits are refused in production).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { DnssecAlgorithm } from '../../src/wire/constants.ts';
import { dnskeyFields } from '../../src/dnssec/dnskey.ts';
import { REAL_SIGNATURE_CHECK, type SignatureCheck, type SignatureCheckResult } from '../../src/dnssec/signature-check.ts';

/** The algorithms Unbound's fake-sha1 covers. */
export const FAKE_SHA1_ALGORITHMS: ReadonlySet<number> = new Set([
  DnssecAlgorithm.DSA, DnssecAlgorithm.DSA_NSEC3_SHA1, DnssecAlgorithm.RSASHA1, DnssecAlgorithm.RSASHA1_NSEC3_SHA1,
]);
const DSA_ALGORITHMS: ReadonlySet<number> = new Set([DnssecAlgorithm.DSA, DnssecAlgorithm.DSA_NSEC3_SHA1]);
/** RFC 2536 §2/§3: Q and the signature's R and S are 20 octets; P, G, Y are 64 + T·8. */
const DSA_Q_OCTETS = 20;
const DSA_BASE_OCTETS = 64;
const DSA_T_STEP = 8;
const DSA_SIG_OCTETS = 1 + 2 * DSA_Q_OCTETS;
/** DER tags and the id-dsa OID (1.2.840.10040.4.1) for a SubjectPublicKeyInfo. */
const DER_INTEGER = 0x02;
const DER_BIT_STRING = 0x03;
const DER_SEQUENCE = 0x30;
const ID_DSA = Uint8Array.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]);

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const b: number[] = [];
  for (let x = n; x > 0; x >>= 8) b.unshift(x & 0xff);
  return [0x80 | b.length, ...b];
}
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Uint8Array.from([tag, ...derLength(body.length), ...body]);
}
function derInteger(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const x = b.subarray(i);
  return tlv(DER_INTEGER, (x[0] & 0x80) !== 0 ? Uint8Array.from([0, ...x]) : x);
}

function tryKey(make: () => KeyObject): KeyObject | string {
  try {
    return make();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** RFC 2536 §2: T, Q, P, G, Y → a DER SubjectPublicKeyInfo node:crypto imports. */
function dsaKey(pub: Uint8Array): KeyObject | string {
  const t = pub[0] ?? 0;
  const l = DSA_BASE_OCTETS + t * DSA_T_STEP;
  if (pub.length !== 1 + DSA_Q_OCTETS + 3 * l) return `DSA key is ${pub.length} octets, expected ${1 + DSA_Q_OCTETS + 3 * l}`;
  const q = pub.subarray(1, 1 + DSA_Q_OCTETS);
  const p = pub.subarray(1 + DSA_Q_OCTETS, 1 + DSA_Q_OCTETS + l);
  const g = pub.subarray(1 + DSA_Q_OCTETS + l, 1 + DSA_Q_OCTETS + 2 * l);
  const y = pub.subarray(1 + DSA_Q_OCTETS + 2 * l);
  const spki = tlv(DER_SEQUENCE, tlv(DER_SEQUENCE, ID_DSA, tlv(DER_SEQUENCE, derInteger(p), derInteger(q), derInteger(g))), tlv(DER_BIT_STRING, Uint8Array.from([0]), derInteger(y)));
  return tryKey(() => createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }));
}

/** RFC 3110 §2 without the production floor of 1024 bits. */
function rsaKey(pub: Uint8Array): KeyObject | string {
  const long = pub[0] === 0;
  const expLen = long ? ((pub[1] << 8) | pub[2]) : pub[0];
  const off = long ? 3 : 1;
  if (pub.length <= off + expLen) return 'RSA key has no modulus';
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return tryKey(() => createPublicKey({ key: { kty: 'RSA', e: b64(pub.subarray(off, off + expLen)), n: b64(pub.subarray(off + expLen)) }, format: 'jwk' }));
}

function verifyLegacy(algorithm: number, dnskey: Uint8Array, data: Uint8Array, signature: Uint8Array): SignatureCheckResult {
  const f = dnskeyFields(dnskey);
  if (f === undefined) return { ok: false, kind: 'bad-key', detail: 'DNSKEY RDATA shorter than its fixed fields' };
  const dsa = DSA_ALGORITHMS.has(algorithm);
  const key = dsa ? dsaKey(f.publicKey) : rsaKey(f.publicKey);
  if (typeof key === 'string') return { ok: false, kind: 'bad-key', detail: key };
  let valid: boolean;
  try {
    if (!dsa) valid = verify('sha1', data, key, signature);
    // RFC 2536 §3 is T | R | S; the 2007 corpus also carries DER signatures, which Unbound accepts.
    else if (signature.length === DSA_SIG_OCTETS) valid = verify('sha1', data, { key, dsaEncoding: 'ieee-p1363' }, signature.subarray(1));
    else valid = verify('sha1', data, { key, dsaEncoding: 'der' }, signature);
  } catch (e) {
    return { ok: false, kind: 'bad-signature', detail: `signature check failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return valid ? { ok: true } : { ok: false, kind: 'bad-signature', detail: 'signature does not verify' };
}

export const FAKE_SHA1_SIGNATURE_CHECK: SignatureCheck = {
  supports: (algorithm) => FAKE_SHA1_ALGORITHMS.has(algorithm) || REAL_SIGNATURE_CHECK.supports(algorithm),
  verify: (algorithm, dnskey, data, signature) =>
    FAKE_SHA1_ALGORITHMS.has(algorithm) ? verifyLegacy(algorithm, dnskey, data, signature) : REAL_SIGNATURE_CHECK.verify(algorithm, dnskey, data, signature),
};
