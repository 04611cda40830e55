// RRSIG verification (RFC 4034 §3, RFC 4035 §5.3): the checks a validator makes before trusting a
// signature, the signed data in canonical form (RFC 4034 §3.1.8.1, §6), and the crypto check.
// Pure: the clock is passed in, keys come from the caller (who picked them from the signer's DNSKEY
// set), and every failure is a typed value that the validator turns into an EDE reason.
import type { Name } from '../wire/name.ts';
import { canonicalRdata } from '../wire/canonical.ts';
import { rrsigCodec, rrsigSignedData, type RrsigRdata } from '../wire/rdata/dnssec.ts';
import { RdataWriter } from '../wire/rdata/wire.ts';
import { keyTag } from './keytag.ts';
import { dnskeyFields, isZoneKey, DNSKEY_PROTOCOL } from './dnskey.ts';
import { keyFromDnskey, verifySignature } from './algorithms.ts';
import { serialCompare } from './serial.ts';
import type { SignatureCheck } from './signature-check.ts';

/** What verifyRrsig needs of an RRset: owner, type, class and the RDATA of every record. */
export interface RRsetLike {
  readonly name: Name;
  readonly type: number;
  readonly class: number;
  readonly rdata: readonly Uint8Array[];
}

export type RrsigFailureKind =
  | 'malformed' // RRSIG RDATA does not decode
  | 'type-covered' // RRSIG covers another type than the RRset's
  | 'labels' // labels field exceeds the owner's label count
  | 'signer-name' // signer is not the owner or an ancestor of it
  | 'key-mismatch' // key tag or algorithm differ between RRSIG and DNSKEY
  | 'bad-protocol' // DNSKEY protocol is not 3
  | 'not-zone-key' // DNSKEY lacks the ZONE flag (EDE 11)
  | 'unsupported-algorithm' // (EDE 1)
  | 'unsupported-key-size'
  | 'bad-key' // public key does not import
  | 'expired' // (EDE 7)
  | 'not-yet-valid' // (EDE 8)
  | 'bad-signature'; // (EDE 6)

export type RrsigResult =
  | {
    ok: true;
    /**
     * Set when the RRset was synthesised from a wildcard (RRSIG labels < owner labels, RFC 4035
     * §5.3.4): the wildcard owner it came from. The validator must then also get a proof that the
     * query name itself does not exist (RFC 4035 §5.3.4, RFC 5155 §8.8).
     */
    wildcard?: Name;
  }
  | { ok: false; kind: RrsigFailureKind; detail: string };

/**
 * The owner name the signature was made over: the RRset owner, or for a wildcard expansion `*.`
 * followed by the rightmost `labels` labels of the owner (RFC 4035 §5.3.2). Undefined when `labels`
 * exceeds the owner's own count (not counting a leading `*` label, RFC 4034 §3.1.3).
 */
export function signedOwner(owner: Name, labels: number): Name | undefined {
  const ownerLabels = owner.isWildcard ? owner.labelCount - 1 : owner.labelCount;
  if (labels > ownerLabels) return undefined;
  if (labels === ownerLabels) return owner;
  const w = owner.suffix(labels).child('*');
  return w.ok ? w.name : undefined;
}

/** Compares RDATA as RFC 4034 §6.3 orders it: left-justified unsigned octets, shorter first on a tie. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * The octets an RRSIG signs (RFC 4034 §3.1.8.1): RRSIG RDATA without the signature, then every RR
 * of the set in canonical form (§6.2) with the RRSIG's original TTL, sorted by canonical RDATA
 * (§6.3) with duplicates dropped. Exported for tests and cross-checks against other libraries.
 */
export function rrsigSignedPayload(rrset: RRsetLike, rrsig: RrsigRdata, owner: Name): Uint8Array {
  const rdatas = rrset.rdata.map((r) => canonicalRdata(rrset.type, r)).sort(compareBytes);
  const w = new RdataWriter();
  w.bytes(rrsigSignedData(rrsig));
  const ownerWire = owner.toWire(true);
  let prev: Uint8Array | undefined;
  for (const rd of rdatas) {
    if (prev !== undefined && compareBytes(prev, rd) === 0) continue;
    prev = rd;
    w.bytes(ownerWire).u16(rrset.type).u16(rrset.class).u32(rrsig.originalTtl).u16(rd.length).bytes(rd);
  }
  return w.finish();
}

export type WindowResult = { ok: true } | { ok: false; kind: 'expired' | 'not-yet-valid'; detail: string };

/**
 * inception ≤ now ≤ expiration, compared as RFC 1982 serial numbers (RFC 4034 §3.1.5), so the
 * fields keep working after they wrap in 2106. `now` is unix seconds from the injected clock.
 */
export function checkValidityWindow(rrsig: Pick<RrsigRdata, 'inception' | 'expiration'>, now: number): WindowResult {
  const t = ((Math.floor(now) % 2 ** 32) + 2 ** 32) % 2 ** 32;
  // Both tests are written as "X follows Y" so that a pair exactly 2^31 apart (undefined in
  // RFC 1982) fails closed on either side.
  if (serialCompare(rrsig.inception, t) > 0) {
    return { ok: false, kind: 'not-yet-valid', detail: `not valid before ${isoTime(rrsig.inception, now)} (${rrsigWindowText(rrsig)})` };
  }
  if (serialCompare(t, rrsig.expiration) > 0) {
    return { ok: false, kind: 'expired', detail: `expired ${isoTime(rrsig.expiration, now)} (${rrsigWindowText(rrsig)})` };
  }
  return { ok: true };
}

/**
 * Unix time of a 32-bit RRSIG time field: the value nearest to `reference` that is congruent to it
 * modulo 2^32 (RFC 4034 §3.1.5 leaves the era implicit). Without a reference, the era before 2106.
 */
function unwrapTime(field: number, reference?: number): number {
  if (reference === undefined) return field;
  const era = Math.floor(reference / 2 ** 32) * 2 ** 32;
  let best = era + field;
  for (const cand of [best - 2 ** 32, best + 2 ** 32]) if (Math.abs(cand - reference) < Math.abs(best - reference)) best = cand;
  return best;
}

function isoTime(field: number, reference?: number): string {
  return new Date(unwrapTime(field, reference) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "valid 2025-01-01T00:00:00Z to 2045-01-01T00:00:00Z": the window as text for EDE EXTRA-TEXT. */
export function rrsigWindowText(rrsig: Pick<RrsigRdata, 'inception' | 'expiration'>): string {
  return `valid ${isoTime(rrsig.inception)} to ${isoTime(rrsig.expiration)}`;
}

/**
 * Verifies one RRSIG over `rrset` with one DNSKEY (wire RDATA) at time `now` (unix seconds).
 * Failure details say only what is wrong: the caller names the RRset and the RRSIG (signer, key
 * tag, algorithm) once, in front of them (rrset-verdict.ts describeRrsig).
 * Order: structure (cheap, and names the real problem), then the key, then the validity window,
 * then the signature itself — the costly step runs only when everything else holds.
 * The caller is responsible for the DNSKEY's owner being the RRSIG's signer name.
 * `check` replaces the key import and crypto step (the replay harness only; see signature-check.ts);
 * it runs after the validity window, so dates are judged the same way either way.
 */
export function verifyRrsig(rrset: RRsetLike, rrsigInput: RrsigRdata | Uint8Array, dnskeyRdata: Uint8Array, now: number, check?: SignatureCheck): RrsigResult {
  let rrsig: RrsigRdata;
  if (rrsigInput instanceof Uint8Array) {
    const d = rrsigCodec.decode(rrsigInput);
    if (!d.ok) return { ok: false, kind: 'malformed', detail: `RRSIG does not decode: ${d.error}` };
    rrsig = d.value;
  } else {
    rrsig = rrsigInput;
  }
  if (rrsig.typeCovered !== rrset.type) {
    return { ok: false, kind: 'type-covered', detail: `covers type ${rrsig.typeCovered}, not ${rrset.type}` };
  }
  const owner = signedOwner(rrset.name, rrsig.labels);
  if (owner === undefined) {
    return { ok: false, kind: 'labels', detail: `has labels ${rrsig.labels}, more than ${rrset.name.toString()} has` };
  }
  if (!rrset.name.isSubdomainOf(rrsig.signerName)) {
    return { ok: false, kind: 'signer-name', detail: `signer is not an ancestor of ${rrset.name.toString()}` };
  }
  const key = dnskeyFields(dnskeyRdata);
  if (key === undefined) return { ok: false, kind: 'bad-key', detail: 'DNSKEY RDATA shorter than its fixed fields' };
  const tag = keyTag(dnskeyRdata);
  if (tag !== rrsig.keyTag || key.algorithm !== rrsig.algorithm) {
    return { ok: false, kind: 'key-mismatch', detail: `does not match DNSKEY ${tag} alg ${key.algorithm}` };
  }
  if (key.protocol !== DNSKEY_PROTOCOL) return { ok: false, kind: 'bad-protocol', detail: `DNSKEY ${tag} has protocol ${key.protocol}, not 3` };
  if (!isZoneKey(key.flags)) return { ok: false, kind: 'not-zone-key', detail: `DNSKEY ${tag} does not have the ZONE flag set` };
  if (check !== undefined) {
    const win = checkValidityWindow(rrsig, now);
    if (!win.ok) return win;
    const c = check.verify(rrsig.algorithm, dnskeyRdata, rrsigSignedPayload(rrset, rrsig, owner), rrsig.signature);
    if (!c.ok) return { ok: false, kind: c.kind, detail: c.kind === 'bad-signature' ? c.detail : `DNSKEY ${tag}: ${c.detail}` };
    return owner === rrset.name ? { ok: true } : { ok: true, wildcard: owner };
  }
  const imported = keyFromDnskey(dnskeyRdata);
  if (!imported.ok) return { ok: false, kind: imported.kind, detail: `DNSKEY ${tag}: ${imported.detail}` };
  const window = checkValidityWindow(rrsig, now);
  if (!window.ok) return window;
  const data = rrsigSignedPayload(rrset, rrsig, owner);
  const v = verifySignature(rrsig.algorithm, imported.key, data, rrsig.signature);
  if (!v.ok) return v;
  return owner === rrset.name ? { ok: true } : { ok: true, wildcard: owner };
}
