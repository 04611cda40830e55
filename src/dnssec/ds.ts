// DS digests (RFC 4034 §5.1.4, RFC 4509 SHA-256, RFC 6605 SHA-384) and which DS records of a set a
// validator should use. GOST (digest type 3) is not supported: node:crypto has no GOST R 34.11-94.
import { createHash } from 'node:crypto';
import type { Name } from '../wire/name.ts';
import { DigestType } from '../wire/constants.ts';
import type { DsRdata } from '../wire/rdata/dnssec.ts';
import { keyTag } from './keytag.ts';
import { isSupportedAlgorithm } from './algorithms.ts';
import { dnskeyFields, isZoneKey, DNSKEY_PROTOCOL } from './dnskey.ts';
import { sameBytes } from '../wire/rrset.ts';

const HASH_BY_DIGEST: ReadonlyMap<number, string> = new Map([
  [DigestType.SHA1, 'sha1'],
  [DigestType.SHA256, 'sha256'],
  [DigestType.SHA384, 'sha384'],
]);

export function isSupportedDigest(digestType: number): boolean {
  return HASH_BY_DIGEST.has(digestType);
}

export type DsDigestResult =
  | { ok: true; digest: Uint8Array }
  | { ok: false; kind: 'unsupported-digest'; detail: string };

/** digest = HASH(canonical owner name | DNSKEY RDATA) (RFC 4034 §5.1.4). */
export function computeDsDigest(owner: Name, dnskeyRdata: Uint8Array, digestType: number): DsDigestResult {
  const hash = HASH_BY_DIGEST.get(digestType);
  if (hash === undefined) return { ok: false, kind: 'unsupported-digest', detail: `DS digest type ${digestType} is not supported` };
  const digest = createHash(hash).update(owner.toWire(true)).update(dnskeyRdata).digest();
  return { ok: true, digest: new Uint8Array(digest) };
}

export type DsMatchFailure = 'unsupported-digest' | 'key-tag' | 'algorithm' | 'not-zone-key' | 'bad-protocol' | 'digest-mismatch' | 'malformed';
export type DsMatchResult = { ok: true } | { ok: false; kind: DsMatchFailure; detail: string };

/**
 * Whether `ds` authenticates the DNSKEY (owner + RDATA). Cheap checks first (tag, algorithm), so a
 * DS set can be matched against a DNSKEY set without hashing every pair. The key must be a zone key
 * with protocol 3 (RFC 4034 §5.2): a DS pointing at anything else authenticates nothing.
 */
export function dsMatchesKey(ds: DsRdata, owner: Name, dnskeyRdata: Uint8Array): DsMatchResult {
  const key = dnskeyFields(dnskeyRdata);
  if (key === undefined) return { ok: false, kind: 'malformed', detail: 'DNSKEY RDATA shorter than its fixed fields' };
  const tag = keyTag(dnskeyRdata);
  if (tag !== ds.keyTag) return { ok: false, kind: 'key-tag', detail: `DS key tag ${ds.keyTag} does not match DNSKEY tag ${tag}` };
  if (key.algorithm !== ds.algorithm) {
    return { ok: false, kind: 'algorithm', detail: `DS algorithm ${ds.algorithm} does not match DNSKEY algorithm ${key.algorithm}` };
  }
  if (key.protocol !== DNSKEY_PROTOCOL) return { ok: false, kind: 'bad-protocol', detail: `DNSKEY ${tag} has protocol ${key.protocol}, not 3` };
  if (!isZoneKey(key.flags)) return { ok: false, kind: 'not-zone-key', detail: `DNSKEY ${tag} does not have the ZONE flag set` };
  const computed = computeDsDigest(owner, dnskeyRdata, ds.digestType);
  if (!computed.ok) return computed;
  if (!sameBytes(computed.digest, ds.digest)) {
    return { ok: false, kind: 'digest-mismatch', detail: `DS ${ds.keyTag}/${ds.algorithm}/${ds.digestType} digest does not match DNSKEY ${tag}` };
  }
  return { ok: true };
}

export interface DsSelection {
  /** DS records to match against the DNSKEY set. */
  readonly usable: DsRdata[];
  /** SHA-1 DS records set aside because a stronger digest is present (RFC 4509 §3). */
  readonly ignoredSha1: DsRdata[];
  /** Records with a digest type or algorithm we cannot use. */
  readonly unsupported: DsRdata[];
}

/**
 * Splits a DS RRset into the records worth trying. When no record is usable the caller treats the
 * zone as insecure (RFC 4035 §5.2: unsupported algorithms/digests) and reports EDE 1 or 2.
 * SHA-1 records are dropped whenever a SHA-256 or SHA-384 record for a supported algorithm is
 * present (RFC 4509 §3), so an attacker cannot downgrade the chain to the weaker digest.
 */
export function selectUsableDs(dsSet: readonly DsRdata[], supportsAlgorithm: (algorithm: number) => boolean = isSupportedAlgorithm): DsSelection {
  const supported: DsRdata[] = [];
  const unsupported: DsRdata[] = [];
  for (const ds of dsSet) {
    if (isSupportedDigest(ds.digestType) && supportsAlgorithm(ds.algorithm)) supported.push(ds);
    else unsupported.push(ds);
  }
  const hasStrong = supported.some((ds) => ds.digestType !== DigestType.SHA1);
  if (!hasStrong) return { usable: supported, ignoredSha1: [], unsupported };
  return {
    usable: supported.filter((ds) => ds.digestType !== DigestType.SHA1),
    ignoredSha1: supported.filter((ds) => ds.digestType === DigestType.SHA1),
    unsupported,
  };
}
