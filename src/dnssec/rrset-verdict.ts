// One RRset judged with a validated key set (RFC 4035 §5.3): secure when any RRSIG made by the
// zone's keys verifies, otherwise bogus with the Reason that names what was wrong — missing
// signatures (EDE 10), only expired ones (7), only not-yet-valid ones (8), or anything else (6).
// The EXTRA-TEXT names the RRset, the signer, the key tag, the algorithm and the validity window,
// so an operator can find the broken signature without a packet capture.
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import { rrTypeToString } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import { rrsigCodec, type RrsigRdata } from '../wire/rdata/dnssec.ts';
import type { RRset } from '../wire/types.ts';
import type { ValidationBudget } from './budget.ts';
import { SIGNATURE_DOES_NOT_VERIFY } from './algorithms.ts';
import { dnskeyFields } from './dnskey.ts';
import { keyTag } from './keytag.ts';
import { verifyRrsig, type RrsigFailureKind } from './rrsig.ts';
import type { SignatureCheck } from './signature-check.ts';

/** The DNSKEYs of `zone` that a validated chain vouches for (already filtered: zone keys, not revoked). */
export interface ZoneKeys {
  readonly zone: Name;
  readonly keys: readonly Uint8Array[];
  /**
   * Algorithm-downgrade protection (opt-in, see keyset.ts): every one of these algorithms must
   * have a verifying RRSIG, not just one. Absent or empty: any single valid signature suffices
   * (RFC 6840 §5.11).
   */
  readonly requiredAlgorithms?: readonly number[];
}

export type RRsetVerdict =
  | {
    readonly security: 'secure';
    /** Seconds the verdict may be kept: min(set TTL, RRSIG original TTL, expiration − now). */
    readonly ttl: number;
    /** The wildcard the set was expanded from (RRSIG labels < owner labels): needs a denial proof. */
    readonly wildcard?: Name;
    readonly keyTag: number;
    readonly algorithm: number;
  }
  | { readonly security: 'bogus'; readonly reason: Reason };

const MS_PER_SECOND = 1000;

/** RRSIG time fields as ISO 8601 UTC (the era before 2106; serial arithmetic is rrsig.ts's job). */
function isoTime(seconds: number): string {
  return new Date(seconds * MS_PER_SECOND).toISOString().replace('.000Z', 'Z');
}

/** "RRSIG for www.expired.test. A by key 12345 alg 13": the start of every EXTRA-TEXT here. */
export function describeRrsig(set: Pick<RRset, 'name' | 'type'>, sig: RrsigRdata): string {
  return `RRSIG for ${set.name.toString()} ${rrTypeToString(set.type)} by ${sig.signerName.toString()} key ${sig.keyTag} alg ${sig.algorithm}`;
}

interface Failure {
  readonly kind: RrsigFailureKind;
  readonly sig: RrsigRdata;
  readonly detail: string;
}

/**
 * The reason for a set none of whose signatures verified. All-expired and all-not-yet-valid get
 * their own codes (RFC 8914 §4.8, §4.9); a mixture, or anything else, is plain DNSSEC Bogus.
 */
function failureReason(set: RRset, failures: readonly Failure[]): Reason {
  const first = failures[0];
  const window = `valid ${isoTime(first.sig.inception)} to ${isoTime(first.sig.expiration)}`;
  if (failures.every((f) => f.kind === 'expired')) {
    return reason(EdeCode.SIGNATURE_EXPIRED, `${describeRrsig(set, first.sig)} expired ${isoTime(first.sig.expiration)} (${window})`);
  }
  if (failures.every((f) => f.kind === 'not-yet-valid')) {
    return reason(EdeCode.SIGNATURE_NOT_YET_VALID, `${describeRrsig(set, first.sig)} not valid before ${isoTime(first.sig.inception)} (${window})`);
  }
  if (failures.every((f) => f.kind === 'key-mismatch')) {
    // Signatures exist, but by keys the validated DNSKEY set does not hold (RFC 4035 §5.3.1).
    return reason(EdeCode.DNSKEY_MISSING, `${describeRrsig(set, first.sig)}: ${first.detail}`);
  }
  const f = failures.find((x) => x.kind === 'bad-signature') ?? failures.find((x) => x.kind !== 'key-mismatch') ?? first;
  return reason(EdeCode.DNSSEC_BOGUS, `${describeRrsig(set, f.sig)}${failureText(f)}`);
}

/**
 * What went wrong with one RRSIG, to follow describeRrsig: short, each fact once. A signature that
 * is simply wrong "does not verify"; a specific cause (a malformed signature, a key that does not
 * import) is kept after it.
 */
function failureText(f: Failure): string {
  if (f.kind !== 'bad-signature') return `: ${f.detail}`;
  return f.detail.endsWith(SIGNATURE_DOES_NOT_VERIFY) ? ' does not verify' : ` does not verify (${f.detail})`;
}

/** Decoded RRSIGs of a set that cover its type; undecodable ones are dropped (they verify nothing). */
export function decodeSigs(set: RRset): RrsigRdata[] {
  const out: RrsigRdata[] = [];
  for (const raw of set.sigs) {
    const d = rrsigCodec.decode(raw);
    if (d.ok && d.value.typeCovered === set.type) out.push(d.value);
  }
  return out;
}

/**
 * Validates `set` with the keys of `keys.zone` at `now` (unix seconds). Only RRSIGs whose signer is
 * that zone count (RFC 4035 §5.3.1); for each, the keys of the same tag and algorithm are tried, at
 * most `maxKeyTagCollisions` of them, and every verification is paid for from `budget`. `check`
 * replaces the crypto step (replay harness only; undefined means node:crypto, see signature-check.ts).
 */
export function validateRRset(set: RRset, keys: ZoneKeys, now: number, budget: ValidationBudget, check?: SignatureCheck): RRsetVerdict {
  const what = `${set.name.toString()} ${rrTypeToString(set.type)}`;
  const sigs = decodeSigs(set).filter((s) => s.signerName.equals(keys.zone));
  if (sigs.length === 0) {
    const other = decodeSigs(set)[0];
    const text = other === undefined
      ? `no RRSIG for ${what} (zone ${keys.zone.toString()} is signed)`
      : `no RRSIG by ${keys.zone.toString()} for ${what} (signed by ${other.signerName.toString()} instead)`;
    return { security: 'bogus', reason: reason(other === undefined ? EdeCode.RRSIGS_MISSING : EdeCode.DNSSEC_BOGUS, text) };
  }
  const failures: Failure[] = [];
  const required = new Set(keys.requiredAlgorithms ?? []);
  /** With downgrade protection: the first verifying signature per required algorithm. */
  const proven = new Map<number, Extract<RRsetVerdict, { security: 'secure' }>>();
  let tried = 0;
  for (const sig of sigs) {
    if (required.size > 0 && (!required.has(sig.algorithm) || proven.has(sig.algorithm))) continue;
    const candidates = keys.keys.filter((k) => dnskeyFields(k)?.algorithm === sig.algorithm && keyTag(k) === sig.keyTag);
    if (candidates.length === 0) {
      failures.push({ kind: 'key-mismatch', sig, detail: `no such key among the validated DNSKEYs of ${keys.zone.toString()}` });
      continue;
    }
    if (candidates.length > budget.limits.maxKeyTagCollisions) {
      return { security: 'bogus', reason: budget.collisionReason(what, candidates.length) };
    }
    for (const key of candidates) {
      const refused = budget.spendVerification(what, tried);
      if (refused !== undefined) return { security: 'bogus', reason: refused };
      tried++;
      const r = verifyRrsig(set, sig, key, now, check);
      if (r.ok) {
        const ttl = Math.max(0, Math.min(set.ttl, sig.originalTtl, sig.expiration - Math.floor(now)));
        const verdict: RRsetVerdict = r.wildcard === undefined
          ? { security: 'secure', ttl, keyTag: sig.keyTag, algorithm: sig.algorithm }
          : { security: 'secure', ttl, wildcard: r.wildcard, keyTag: sig.keyTag, algorithm: sig.algorithm };
        if (required.size === 0) return verdict;
        proven.set(sig.algorithm, verdict);
        if (proven.size === required.size) return allAlgorithmsVerdict([...proven.values()]);
        break;
      }
      failures.push({ kind: r.kind, sig, detail: r.detail });
    }
  }
  if (required.size > 0 && proven.size > 0) {
    const missing = [...required].filter((a) => !proven.has(a));
    const own = failures.filter((f) => missing.includes(f.sig.algorithm));
    return { security: 'bogus', reason: own.length > 0 ? failureReason(set, own) : unsignedBy(missing, keys.zone, what) };
  }
  // Downgrade protection on, and no signature of a required algorithm at all.
  if (failures.length === 0) return { security: 'bogus', reason: unsignedBy([...required], keys.zone, what) };
  return { security: 'bogus', reason: failureReason(set, failures) };
}

/** Downgrade protection: no RRSIG at all of these required algorithms. */
function unsignedBy(algorithms: readonly number[], zone: Name, what: string): Reason {
  return reason(EdeCode.RRSIGS_MISSING, `no RRSIG of algorithm ${algorithms.join(', ')} by ${zone.toString()} for ${what}: every algorithm its DS names must sign (algorithm-downgrade protection)`);
}

/** Every required algorithm verified: the shortest TTL of them; a wildcard expansion as any one saw it. */
function allAlgorithmsVerdict(parts: readonly Extract<RRsetVerdict, { security: 'secure' }>[]): RRsetVerdict {
  const first = parts[0];
  const ttl = Math.min(...parts.map((p) => p.ttl));
  const wildcard = parts.find((p) => p.wildcard !== undefined)?.wildcard;
  return wildcard === undefined
    ? { security: 'secure', ttl, keyTag: first.keyTag, algorithm: first.algorithm }
    : { security: 'secure', ttl, wildcard, keyTag: first.keyTag, algorithm: first.algorithm };
}
