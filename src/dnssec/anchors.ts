// Trust anchors (RFC 4035 §4.4) and negative trust anchors (RFC 7646). A trust anchor is a zone
// whose DS or DNSKEY records are configured rather than learnt: the chain of trust starts there.
// Files are zone-file text (DS or DNSKEY lines, as Unbound's root.key or the IANA DS records), read
// with the project's own parser; this module only parses what it is given (the caller reads files).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RRClass, RRType } from '../wire/constants.ts';
import type { Name } from '../wire/name.ts';
import { dsCodec, type DsRdata } from '../wire/rdata/dnssec.ts';
import type { RR } from '../wire/types.ts';
import { parseZone } from '../wire/zonefile.ts';
import { keyTag } from './keytag.ts';

/** The configured trust for one zone: DS records, DNSKEY RDATA, or both. */
export interface TrustAnchor {
  readonly zone: Name;
  readonly ds: readonly DsRdata[];
  /** DNSKEY RDATA configured directly (trusted as is, RFC 4035 §4.4). */
  readonly dnskeys: readonly Uint8Array[];
}

export type AnchorsResult = { ok: true; anchors: TrustAnchor[] } | { ok: false; error: string };

/** zones/root-anchors: the IANA root KSK DS records (KSK-2017 tag 20326, KSK-2024 tag 38696). */
export const BUILTIN_ROOT_ANCHORS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'zones', 'root-anchors');

/**
 * Groups DS and DNSKEY records by owner into anchors. Other types are ignored (a root.key file may
 * carry comments only); malformed DS RDATA is an error, since a silently dropped anchor could turn
 * a zone insecure.
 */
export function anchorsFromRecords(records: readonly RR[]): AnchorsResult {
  const byZone = new Map<string, { zone: Name; ds: DsRdata[]; dnskeys: Uint8Array[] }>();
  for (const rr of records) {
    if (rr.class !== RRClass.IN || (rr.type !== RRType.DS && rr.type !== RRType.DNSKEY)) continue;
    let a = byZone.get(rr.name.key);
    if (a === undefined) {
      a = { zone: rr.name, ds: [], dnskeys: [] };
      byZone.set(rr.name.key, a);
    }
    if (rr.type === RRType.DNSKEY) {
      a.dnskeys.push(rr.rdata);
      continue;
    }
    const d = dsCodec.decode(rr.rdata);
    if (!d.ok) return { ok: false, error: `trust anchor DS for ${rr.name.toString()}: ${d.error}` };
    a.ds.push(d.value);
  }
  return { ok: true, anchors: [...byZone.values()] };
}

/** Parses trust anchors from zone-file text. */
export function parseTrustAnchors(text: string, fileName?: string): AnchorsResult {
  const r = parseZone(text, fileName === undefined ? {} : { fileName });
  if (!r.ok) return { ok: false, error: r.error };
  const a = anchorsFromRecords(r.records);
  if (a.ok && a.anchors.length === 0) return { ok: false, error: `${fileName ?? 'trust anchors'}: no DS or DNSKEY records` };
  return a;
}

/** Reads and parses a trust-anchor file; an unreadable file is an error value, not a throw. */
export function loadTrustAnchorFile(path: string): AnchorsResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, error: `${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
  return parseTrustAnchors(text, path);
}

/** The built-in IANA root anchors. */
export function builtinRootAnchors(): AnchorsResult {
  return loadTrustAnchorFile(BUILTIN_ROOT_ANCHORS_FILE);
}

/** Merges anchors for the same zone (several files may name the root). */
export function mergeAnchors(lists: readonly (readonly TrustAnchor[])[]): TrustAnchor[] {
  const byZone = new Map<string, { zone: Name; ds: DsRdata[]; dnskeys: Uint8Array[] }>();
  for (const list of lists) {
    for (const a of list) {
      const m = byZone.get(a.zone.key) ?? { zone: a.zone, ds: [], dnskeys: [] };
      m.ds.push(...a.ds);
      m.dnskeys.push(...a.dnskeys);
      byZone.set(a.zone.key, m);
    }
  }
  return [...byZone.values()];
}

/** The key tags an anchor vouches for (DS key tags and DNSKEY tags), e.g. for RFC 8509 sentinels. */
export function anchorKeyTags(anchor: TrustAnchor): number[] {
  const tags = new Set<number>();
  for (const ds of anchor.ds) tags.add(ds.keyTag);
  for (const k of anchor.dnskeys) tags.add(keyTag(k));
  return [...tags].sort((a, b) => a - b);
}

/** The deepest anchor at or above `name` (RFC 4035 §4.4: the closest one is used); undefined: none. */
export function closestAnchor(anchors: readonly TrustAnchor[], name: Name): TrustAnchor | undefined {
  let best: TrustAnchor | undefined;
  for (const a of anchors) {
    if (!name.isSubdomainOf(a.zone)) continue;
    if (best === undefined || a.zone.labelCount > best.zone.labelCount) best = a;
  }
  return best;
}

/** The negative trust anchor (RFC 7646) at or above `name`, if any. */
export function negativeAnchorFor(insecureDomains: readonly Name[], name: Name): Name | undefined {
  let best: Name | undefined;
  for (const d of insecureDomains) {
    if (!name.isSubdomainOf(d)) continue;
    if (best === undefined || d.labelCount > best.labelCount) best = d;
  }
  return best;
}
