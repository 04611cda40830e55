// Signature algorithms (RFC 8624 §3.1 "MUST/RECOMMENDED to validate" set) on node:crypto: public keys
// are turned from their DNSKEY encodings into KeyObjects through JWK, which node imports for RSA, EC
// and OKP keys alike without hand-built DER.
//
// Supported: RSASHA1 (5), RSASHA1-NSEC3-SHA1 (7), RSASHA256 (8), RSASHA512 (10), ECDSAP256SHA256 (13),
// ECDSAP384SHA384 (14), ED25519 (15), ED448 (16). RSA moduli below 1024 or above 4096 bits are
// reported as 'unsupported-key-size': below 1024 offers no security (RFC 8624 discourages them)
// and above 4096 is outside RFC 3110's range and makes verification a CPU lever for an attacker.
// The validator should treat such keys like an unsupported algorithm (insecure, EDE 1).
import { createPublicKey, verify as cryptoVerify, type KeyObject, type JsonWebKey } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DnssecAlgorithm } from '../wire/constants.ts';
import { dnskeyFields } from './dnskey.ts';

export const MIN_RSA_BITS = 1024;
export const MAX_RSA_BITS = 4096;
/** Imported keys kept; a resolver sees few distinct DNSKEYs per second, and each import is costly. */
export const KEY_CACHE_SIZE = 2048;

type Family = 'rsa' | 'ecdsa' | 'eddsa';
interface AlgorithmSpec {
  readonly family: Family;
  /** node:crypto digest name; null for EdDSA, which hashes internally. */
  readonly hash: string | null;
  /** EC curve (JWK crv) and coordinate length, or the OKP curve and key length. */
  readonly curve?: string;
  readonly keyLength?: number;
}

const ALGORITHMS: ReadonlyMap<number, AlgorithmSpec> = new Map<number, AlgorithmSpec>([
  [DnssecAlgorithm.RSASHA1, { family: 'rsa', hash: 'sha1' }],
  [DnssecAlgorithm.RSASHA1_NSEC3_SHA1, { family: 'rsa', hash: 'sha1' }],
  [DnssecAlgorithm.RSASHA256, { family: 'rsa', hash: 'sha256' }],
  [DnssecAlgorithm.RSASHA512, { family: 'rsa', hash: 'sha512' }],
  [DnssecAlgorithm.ECDSAP256SHA256, { family: 'ecdsa', hash: 'sha256', curve: 'P-256', keyLength: 32 }],
  [DnssecAlgorithm.ECDSAP384SHA384, { family: 'ecdsa', hash: 'sha384', curve: 'P-384', keyLength: 48 }],
  [DnssecAlgorithm.ED25519, { family: 'eddsa', hash: null, curve: 'Ed25519', keyLength: 32 }],
  [DnssecAlgorithm.ED448, { family: 'eddsa', hash: null, curve: 'Ed448', keyLength: 57 }],
]);

export function isSupportedAlgorithm(algorithm: number): boolean {
  return ALGORITHMS.has(algorithm);
}

export type KeyFailureKind = 'unsupported-algorithm' | 'unsupported-key-size' | 'bad-key';
export type KeyResult =
  | { ok: true; key: KeyObject; algorithm: number; bits: number }
  | { ok: false; kind: KeyFailureKind; detail: string };

function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64url');
}

function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function bitLength(b: Uint8Array): number {
  const s = stripLeadingZeros(b);
  if (s.length === 0 || (s.length === 1 && s[0] === 0)) return 0;
  return (s.length - 1) * 8 + (32 - Math.clz32(s[0]));
}

function importJwk(jwk: JsonWebKey): KeyObject | string {
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch (e) {
    // node throws on points off the curve and malformed keys: data from the wire, not a bug.
    return e instanceof Error ? e.message : String(e);
  }
}

/** RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus. */
function importRsa(algorithm: number, key: Uint8Array): KeyResult {
  if (key.length < 1) return { ok: false, kind: 'bad-key', detail: 'empty RSA key' };
  let p = 1;
  let expLen = key[0];
  if (expLen === 0) {
    if (key.length < 3) return { ok: false, kind: 'bad-key', detail: 'RSA key too short for its exponent length' };
    expLen = (key[1] << 8) | key[2];
    p = 3;
  }
  if (expLen === 0 || key.length <= p + expLen) return { ok: false, kind: 'bad-key', detail: 'RSA key has no modulus' };
  const exponent = stripLeadingZeros(key.subarray(p, p + expLen));
  const modulus = stripLeadingZeros(key.subarray(p + expLen));
  const bits = bitLength(modulus);
  if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
    return { ok: false, kind: 'unsupported-key-size', detail: `RSA modulus of ${bits} bits is outside ${MIN_RSA_BITS}-${MAX_RSA_BITS}` };
  }
  const k = importJwk({ kty: 'RSA', n: b64url(modulus), e: b64url(exponent) });
  if (typeof k === 'string') return { ok: false, kind: 'bad-key', detail: `RSA key rejected: ${k}` };
  return { ok: true, key: k, algorithm, bits };
}

/** RFC 6605 §4: the key is x | y, each exactly the curve's coordinate length. */
function importEcdsa(algorithm: number, spec: AlgorithmSpec, key: Uint8Array): KeyResult {
  const n = spec.keyLength ?? 0;
  if (key.length !== 2 * n) return { ok: false, kind: 'bad-key', detail: `${spec.curve} key is ${key.length} octets, expected ${2 * n}` };
  const k = importJwk({ kty: 'EC', crv: spec.curve, x: b64url(key.subarray(0, n)), y: b64url(key.subarray(n)) });
  if (typeof k === 'string') return { ok: false, kind: 'bad-key', detail: `${spec.curve} key rejected: ${k}` };
  return { ok: true, key: k, algorithm, bits: n * 8 };
}

/** RFC 8080 §3: the raw public key of RFC 8032. */
function importEddsa(algorithm: number, spec: AlgorithmSpec, key: Uint8Array): KeyResult {
  const n = spec.keyLength ?? 0;
  if (key.length !== n) return { ok: false, kind: 'bad-key', detail: `${spec.curve} key is ${key.length} octets, expected ${n}` };
  const k = importJwk({ kty: 'OKP', crv: spec.curve, x: b64url(key) });
  if (typeof k === 'string') return { ok: false, kind: 'bad-key', detail: `${spec.curve} key rejected: ${k}` };
  return { ok: true, key: k, algorithm, bits: n * 8 };
}

/** Imports a public key for `algorithm` from its DNSKEY public-key field; never throws. */
export function importPublicKey(algorithm: number, publicKey: Uint8Array): KeyResult {
  const spec = ALGORITHMS.get(algorithm);
  if (spec === undefined) return { ok: false, kind: 'unsupported-algorithm', detail: `DNSSEC algorithm ${algorithm} is not supported` };
  switch (spec.family) {
    case 'rsa': return importRsa(algorithm, publicKey);
    case 'ecdsa': return importEcdsa(algorithm, spec, publicKey);
    case 'eddsa': return importEddsa(algorithm, spec, publicKey);
  }
}

const keyCache = new LRUCache<string, KeyResult>({ max: KEY_CACHE_SIZE });

/**
 * The KeyObject for a DNSKEY (wire RDATA), imported once and then served from a bounded LRU cache
 * keyed by the RDATA bytes. Failures are cached too: a bad key stays bad.
 */
export function keyFromDnskey(dnskeyRdata: Uint8Array): KeyResult {
  const fields = dnskeyFields(dnskeyRdata);
  if (fields === undefined) return { ok: false, kind: 'bad-key', detail: 'DNSKEY RDATA shorter than its fixed fields' };
  const cacheKey = Buffer.from(dnskeyRdata.buffer, dnskeyRdata.byteOffset, dnskeyRdata.byteLength).toString('latin1');
  const cached = keyCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const result = importPublicKey(fields.algorithm, fields.publicKey);
  keyCache.set(cacheKey, result);
  return result;
}

/** Empties the key cache (tests, and a config reload that wants a fresh start). */
export function clearKeyCache(): void {
  keyCache.clear();
}

/** The detail of a signature that is well-formed but wrong: the plain case of 'bad-signature'. */
export const SIGNATURE_DOES_NOT_VERIFY = 'signature does not verify';

export type VerifyResult =
  | { ok: true }
  | { ok: false; kind: 'bad-signature' | 'unsupported-algorithm'; detail: string };

/**
 * Verifies `signature` over `data`. DNSSEC ECDSA signatures are raw r | s (RFC 6605 §4), which node
 * calls 'ieee-p1363'; RSA is PKCS#1 v1.5 (RFC 3110 §3, RFC 5702 §3); EdDSA hashes internally.
 */
export function verifySignature(algorithm: number, key: KeyObject, data: Uint8Array, signature: Uint8Array): VerifyResult {
  const spec = ALGORITHMS.get(algorithm);
  if (spec === undefined) return { ok: false, kind: 'unsupported-algorithm', detail: `DNSSEC algorithm ${algorithm} is not supported` };
  if (spec.family === 'ecdsa' && signature.length !== 2 * (spec.keyLength ?? 0)) {
    return { ok: false, kind: 'bad-signature', detail: `${spec.curve} signature is ${signature.length} octets, expected ${2 * (spec.keyLength ?? 0)}` };
  }
  let valid: boolean;
  try {
    valid = spec.family === 'ecdsa'
      ? cryptoVerify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : cryptoVerify(spec.hash, data, key, signature);
  } catch (e) {
    // A key of another type (algorithm field lying about the key) or a malformed signature.
    return { ok: false, kind: 'bad-signature', detail: `signature check failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return valid ? { ok: true } : { ok: false, kind: 'bad-signature', detail: SIGNATURE_DOES_NOT_VERIFY };
}
