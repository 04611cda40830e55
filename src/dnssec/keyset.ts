// A zone's DNSKEY RRset judged against the trust that points at it (RFC 4035 §5.2): the DS RRset
// from the validated parent, or a configured trust anchor. Secure when a key that the DS (or the
// anchor) names is in the set, is a zone key that is not revoked, and signs the whole set; insecure
// when the DS set uses only algorithms or digests we cannot check (RFC 4035 §5.2, RFC 4509 §3,
// EDE 1 / EDE 2); bogus otherwise, with the reason (EDE 9, 10, 7, 8, 6, 11).
import { EdeCode, reason, type Reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';
import type { DsRdata } from '../wire/rdata/dnssec.ts';
import type { RRset } from '../wire/types.ts';
import { isSupportedAlgorithm } from './algorithms.ts';
import type { ValidationBudget } from './budget.ts';
import { dnskeyFields, isRevoked, isZoneKey } from './dnskey.ts';
import { dsMatchesKey, selectUsableDs } from './ds.ts';
import { keyTag } from './keytag.ts';
import { validateRRset } from './rrset-verdict.ts';
import type { SignatureCheck } from './signature-check.ts';
import { sameBytes } from '../wire/rrset.ts';

/** What vouches for a zone's keys: the parent's DS records and/or configured DNSKEYs. */
export interface KeySetTrust {
  readonly ds: readonly DsRdata[];
  readonly dnskeys?: readonly Uint8Array[];
}

export type KeySetVerdict =
  | {
    readonly security: 'secure';
    readonly zone: Name;
    /** Zone keys of the validated set that may verify data: ZONE bit set, not revoked. */
    readonly keys: readonly Uint8Array[];
    /** Seconds the verdict may be kept (DNSKEY TTL capped by the RRSIG's original TTL and expiry). */
    readonly ttl: number;
    /** With `requireAllAlgorithms`: the algorithms every RRset of the zone must be signed with. */
    readonly requiredAlgorithms?: readonly number[];
  }
  | { readonly security: 'insecure'; readonly zone: Name; readonly reason: Reason }
  | { readonly security: 'bogus'; readonly zone: Name; readonly reason: Reason };

function unique(list: readonly number[]): string {
  return [...new Set(list)].join(', ');
}

/** Keys that may sign data: RFC 4034 §2.1.1 (ZONE bit) and RFC 5011 §2.1 (a revoked key signs nothing else). */
export function usableZoneKeys(dnskeys: readonly Uint8Array[]): Uint8Array[] {
  return dnskeys.filter((k) => {
    const f = dnskeyFields(k);
    return f !== undefined && isZoneKey(f.flags) && !isRevoked(f.flags);
  });
}

export interface KeySetOptions {
  /**
   * Algorithm-downgrade protection (Unbound's harden-algo-downgrade), off by default because RFC
   * 6840 §5.11 says a validator SHOULD accept any single valid path and SHOULD NOT insist that
   * every algorithm the DS signals works (it MAY offer this as an option). On: each algorithm of
   * the usable DS records (and of configured anchor keys) must have a key that matches and signs
   * the DNSKEY RRset, and the verdict asks the same algorithms of every RRset signed by the zone,
   * so breaking the weakest algorithm is not enough to forge data.
   */
  readonly requireAllAlgorithms?: boolean;
}

/**
 * Validates the DNSKEY RRset of `zone` (`dnskeySet`, undefined when the zone returned none) against
 * `trust` at `now` (unix seconds).
 */
export function validateKeySet(
  zone: Name, dnskeySet: RRset | undefined, trust: KeySetTrust, now: number, budget: ValidationBudget, check?: SignatureCheck,
  options: KeySetOptions = {},
): KeySetVerdict {
  const z = zone.toString();
  const supports = check?.supports ?? isSupportedAlgorithm;
  const anchorKeys = (trust.dnskeys ?? []).filter((k) => supports(dnskeyFields(k)?.algorithm ?? -1));
  const selection = selectUsableDs(trust.ds, supports);
  if (selection.usable.length === 0 && anchorKeys.length === 0) {
    // RFC 4035 §5.2: a DS set we cannot use at all means we must treat the zone as unsigned.
    const badAlg = selection.unsupported.filter((ds) => !supports(ds.algorithm));
    if (badAlg.length > 0 || (trust.dnskeys ?? []).length > 0) {
      const algs = [...badAlg.map((d) => d.algorithm), ...(trust.dnskeys ?? []).map((k) => dnskeyFields(k)?.algorithm ?? 0)];
      return { security: 'insecure', zone, reason: reason(EdeCode.UNSUPPORTED_DNSKEY_ALGORITHM, `DS for ${z} uses only unsupported algorithm ${unique(algs)}: zone treated as insecure`) };
    }
    if (selection.unsupported.length > 0) {
      const digests = selection.unsupported.map((d) => d.digestType);
      return { security: 'insecure', zone, reason: reason(EdeCode.UNSUPPORTED_DS_DIGEST_TYPE, `DS for ${z} uses only unsupported digest type ${unique(digests)}: zone treated as insecure`) };
    }
    return { security: 'bogus', zone, reason: reason(EdeCode.DNSKEY_MISSING, `no DS or trust anchor for ${z}`) };
  }
  if (dnskeySet === undefined || dnskeySet.rdata.length === 0) {
    return { security: 'bogus', zone, reason: reason(EdeCode.DNSKEY_MISSING, `no DNSKEY RRset for ${z}, which has DS tags ${unique(selection.usable.map((d) => d.keyTag))}`) };
  }

  // Entry keys: DNSKEYs of the set that a usable DS or a configured key vouches for.
  const entry: Uint8Array[] = [];
  const notZone: number[] = [];
  for (const k of dnskeySet.rdata) {
    const f = dnskeyFields(k);
    if (f === undefined || isRevoked(f.flags)) continue;
    if (anchorKeys.some((a) => sameBytes(a, k))) {
      if (isZoneKey(f.flags)) entry.push(k);
      else notZone.push(keyTag(k));
      continue;
    }
    let tagMatches = 0;
    for (const ds of selection.usable) {
      if (ds.keyTag !== keyTag(k) || ds.algorithm !== f.algorithm) continue;
      // A DS names one key; more keys of the same tag than this is an attack, not a zone (KeyTrap).
      if (++tagMatches > budget.limits.maxKeyTagCollisions) break;
      const m = dsMatchesKey(ds, zone, k);
      if (m.ok) {
        entry.push(k);
        break;
      }
      if (m.kind === 'not-zone-key') notZone.push(ds.keyTag);
    }
  }
  if (entry.length === 0) {
    const tags = unique([...selection.usable.map((d) => d.keyTag), ...anchorKeys.map((k) => keyTag(k))]);
    if (usableZoneKeys(dnskeySet.rdata).length === 0) {
      return { security: 'bogus', zone, reason: reason(EdeCode.NO_ZONE_KEY_BIT_SET, `no DNSKEY of ${z} has the ZONE flag set`) };
    }
    // The DS does point at a key, but one that may not sign the zone: that is the specific failure
    // RFC 8914 §4.12 names (Unbound reports it the same way), not a missing key.
    if (notZone.length > 0) {
      return { security: 'bogus', zone, reason: reason(EdeCode.NO_ZONE_KEY_BIT_SET, `DNSKEY ${unique(notZone)} of ${z} matches the DS but lacks the ZONE flag (RFC 4034 §2.1.1), so it cannot sign the zone`) };
    }
    return { security: 'bogus', zone, reason: reason(EdeCode.DNSKEY_MISSING, `no DNSKEY of ${z} matches DS key tag ${tags}`) };
  }
  if (options.requireAllAlgorithms === true) {
    const required = [...new Set([...selection.usable.map((d) => d.algorithm), ...anchorKeys.map((k) => dnskeyFields(k)?.algorithm ?? 0)])];
    const withKey = new Set(entry.map((k) => dnskeyFields(k)?.algorithm));
    const keyless = required.filter((a) => !withKey.has(a));
    if (keyless.length > 0) {
      const tags = unique(selection.usable.filter((d) => keyless.includes(d.algorithm)).map((d) => d.keyTag));
      return {
        security: 'bogus', zone,
        reason: reason(EdeCode.DNSKEY_MISSING, `DS for ${z} names algorithm ${keyless.join(', ')} (key tag ${tags}), but no DNSKEY of ${z} matches it; algorithm-downgrade protection requires every DS algorithm to sign`),
      };
    }
    const all = validateRRset(dnskeySet, { zone, keys: entry, requiredAlgorithms: required }, now, budget, check);
    if (all.security === 'bogus') return { security: 'bogus', zone, reason: all.reason };
    return { security: 'secure', zone, keys: usableZoneKeys(dnskeySet.rdata), ttl: all.ttl, requiredAlgorithms: required };
  }
  const v = validateRRset(dnskeySet, { zone, keys: entry }, now, budget, check);
  if (v.security === 'bogus') return { security: 'bogus', zone, reason: v.reason };
  return { security: 'secure', zone, keys: usableZoneKeys(dnskeySet.rdata), ttl: v.ttl };
}
