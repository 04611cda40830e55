// RFC 8198 aggressive use of the DNSSEC-validated cache: NSEC records that the validator proved
// secure, kept per signed zone in canonical order, answer later questions without asking anyone —
// NXDOMAIN when one NSEC covers the name and another denies the wildcard at its closest encloser
// (§5.1/§5.2), NODATA when the name's own NSEC (or the empty-non-terminal NSEC, or the wildcard's
// NSEC) lacks the type (§5.3). The zone's validated SOA goes with the answer (§5.4).
//
// What goes in is decided by the validator alone (only secure NSEC and SOA sets of the zone that
// signed them); what comes out is judged by the proof functions of src/dnssec/nsec.ts again, and the
// validator verifies the synthesised denial like any other, so a mistake here can make an answer
// missing, never a forged one secure. NSEC3 is not used: its opt-out spans can never prove
// NXDOMAIN, and an NSEC3 denial needs hashing per question (a price RFC 8198 lets us decline).
import { RRClass, RRType } from '../wire/constants.ts';
import { compareNamesCanonical, type Name } from '../wire/name.ts';
import { nsecCodec } from '../wire/rdata/dnssec.ts';
import type { Question, RRset } from '../wire/types.ts';
import { negativeAnchorFor } from '../dnssec/anchors.ts';
import { isAncestorCut, nsecClosestEncloser, nsecCovers, nsecProvesNoData, nsecProvesNxdomain, type NsecRecord } from '../dnssec/nsec.ts';
import { soaRdata } from './rdata-views.ts';

/** A denial assembled from validated NSEC records, in the shape of a negative answer. */
export interface SynthesisedDenial {
  readonly kind: 'nxdomain' | 'nodata';
  /** The signed zone whose NSEC chain proves it. */
  readonly zone: Name;
  /** The NSEC RRsets (with their RRSIGs) and the zone's SOA, TTLs counted down. */
  readonly authority: readonly RRset[];
}

export interface AggressiveNsecOptions {
  /** Negative trust anchors (RFC 7646): nothing at or below them is synthesised. */
  readonly insecureDomains?: readonly Name[];
  /** NSEC and SOA sets held at once, over all zones; the oldest stored are dropped first. */
  readonly maxEntries?: number;
  /** Seconds an entry may live at most, whatever its TTL says. */
  readonly maxTtl?: number;
}

export interface AggressiveNsecStats {
  nxdomain: number;
  nodata: number;
}

/** About 10k signed NSEC sets of a few hundred bytes: a few MB, kept apart from the answer cache. */
const DEFAULT_AGGRESSIVE_NSEC_ENTRIES = 10_000;
/** The answer cache's default cache.maxNegativeTtl: a denial is not trusted longer than one. */
const DEFAULT_AGGRESSIVE_NSEC_MAX_TTL = 3600;
const MS_PER_SECOND = 1000;
const SOA_SLOT = '\u0000SOA';

interface StoredNsec {
  readonly set: RRset;
  readonly rec: NsecRecord;
  readonly expiresAt: number;
}

interface StoredSoa {
  readonly set: RRset;
  readonly minimum: number;
  readonly expiresAt: number;
}

interface ZoneStore {
  readonly apex: Name;
  /** Sorted by owner in canonical order (RFC 4034 §6.1), one entry per owner. */
  readonly nsecs: StoredNsec[];
  soa?: StoredSoa;
}

/** Index of the last entry whose owner sorts at or before `name`, or -1. */
function predecessorIndex(nsecs: readonly StoredNsec[], name: Name): number {
  let lo = 0;
  let hi = nsecs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (compareNamesCanonical(nsecs[mid].rec.owner, name) <= 0) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export class AggressiveNsecCache {
  readonly #zones = new Map<string, ZoneStore>();
  /** Every stored set by "zone|owner" in insertion order: the eviction queue. */
  readonly #order = new Map<string, { readonly zone: string; readonly owner: Name | undefined }>();
  readonly #insecure: readonly Name[];
  readonly #maxEntries: number;
  readonly #maxTtl: number;
  readonly stats: AggressiveNsecStats = { nxdomain: 0, nodata: 0 };

  constructor(opts: AggressiveNsecOptions = {}) {
    this.#insecure = opts.insecureDomains ?? [];
    this.#maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_AGGRESSIVE_NSEC_ENTRIES);
    this.#maxTtl = opts.maxTtl ?? DEFAULT_AGGRESSIVE_NSEC_MAX_TTL;
  }

  /** NSEC and SOA sets held. */
  get size(): number {
    return this.#order.size;
  }

  clear(): void {
    this.#zones.clear();
    this.#order.clear();
  }

  /** Drops everything held for `zone` (its data turned out not to be secure after all). */
  forgetZone(zone: Name): void {
    const z = this.#zones.get(zone.key);
    if (z === undefined) return;
    for (const n of z.nsecs) this.#order.delete(`${zone.key}|${n.rec.owner.key}`);
    this.#order.delete(`${zone.key}|${SOA_SLOT}`);
    this.#zones.delete(zone.key);
  }

  #lifetime(ttl: number, nowMs: number): number | undefined {
    const t = Math.min(ttl, this.#maxTtl);
    return t > 0 ? nowMs + t * MS_PER_SECOND : undefined;
  }

  #zone(apex: Name): ZoneStore {
    let z = this.#zones.get(apex.key);
    if (z === undefined) {
      z = { apex, nsecs: [] };
      this.#zones.set(apex.key, z);
    }
    return z;
  }

  #touch(zone: Name, owner: Name | undefined): void {
    const k = `${zone.key}|${owner === undefined ? SOA_SLOT : owner.key}`;
    this.#order.delete(k);
    this.#order.set(k, { zone: zone.key, owner });
    while (this.#order.size > this.#maxEntries) {
      const first = this.#order.entries().next();
      if (first.done === true) break;
      const [oldKey, old] = first.value;
      this.#order.delete(oldKey);
      this.#drop(old.zone, old.owner);
    }
  }

  #drop(zoneKey: string, owner: Name | undefined): void {
    const z = this.#zones.get(zoneKey);
    if (z === undefined) return;
    if (owner === undefined) z.soa = undefined;
    else {
      const i = predecessorIndex(z.nsecs, owner);
      if (i >= 0 && z.nsecs[i].rec.owner.equals(owner)) z.nsecs.splice(i, 1);
    }
    if (z.nsecs.length === 0 && z.soa === undefined) this.#zones.delete(zoneKey);
  }

  /**
   * Keeps an NSEC set of `zone` that the validator proved secure; `ttl` (seconds) already honours
   * the RRSIG (original TTL, expiration). A set that could not belong to the zone's chain (owner or
   * next name outside it, several records, no RRSIG) is refused.
   */
  addNsec(zone: Name, set: RRset, ttl: number, nowMs: number): boolean {
    if (set.type !== RRType.NSEC || set.class !== RRClass.IN || set.rdata.length !== 1 || set.sigs.length === 0) return false;
    if (!set.name.isSubdomainOf(zone) || negativeAnchorFor(this.#insecure, set.name) !== undefined) return false;
    const d = nsecCodec.decode(set.rdata[0]);
    if (!d.ok || !d.value.next.isSubdomainOf(zone)) return false;
    const expiresAt = this.#lifetime(Math.min(ttl, set.ttl), nowMs);
    if (expiresAt === undefined) return false;
    const z = this.#zone(zone);
    const entry: StoredNsec = { set, rec: { owner: set.name, nsec: d.value }, expiresAt };
    const i = predecessorIndex(z.nsecs, set.name);
    if (i >= 0 && z.nsecs[i].rec.owner.equals(set.name)) z.nsecs[i] = entry;
    else z.nsecs.splice(i + 1, 0, entry);
    this.#touch(zone, set.name);
    return true;
  }

  /** Keeps the validated SOA of `zone` (owned by its apex), for the answers synthesised there. */
  addSoa(zone: Name, set: RRset, ttl: number, nowMs: number): boolean {
    if (set.type !== RRType.SOA || set.class !== RRClass.IN || !set.name.equals(zone) || set.rdata.length !== 1) return false;
    if (negativeAnchorFor(this.#insecure, zone) !== undefined) return false;
    const rd = soaRdata(set.rdata[0]);
    const expiresAt = this.#lifetime(Math.min(ttl, set.ttl), nowMs);
    if (rd === undefined || expiresAt === undefined) return false;
    this.#zone(zone).soa = { set, minimum: rd.minimum, expiresAt };
    this.#touch(zone, undefined);
    return true;
  }

  /**
   * The deepest zone held that may speak for `name`. A DS lives on the parent side of a cut (RFC
   * 4035 §2.4): the zone at the name itself has only its apex NSEC, which cannot deny a DS.
   */
  #zoneFor(name: Name, type: number): ZoneStore | undefined {
    if (type === RRType.DS && name.isRoot) return undefined;
    for (let n = type === RRType.DS ? name.parent() : name; ; n = n.parent()) {
      const z = this.#zones.get(n.key);
      if (z !== undefined) return z;
      if (n.isRoot) return undefined;
    }
  }

  /** The live NSEC whose owner sorts last at or before `name`; expired ones are dropped on sight. */
  #before(z: ZoneStore, name: Name, nowMs: number): StoredNsec | undefined {
    const i = predecessorIndex(z.nsecs, name);
    if (i < 0) return undefined;
    const e = z.nsecs[i];
    if (nowMs < e.expiresAt) return e;
    this.#order.delete(`${z.apex.key}|${e.rec.owner.key}`);
    this.#drop(z.apex.key, e.rec.owner);
    return undefined;
  }

  /**
   * A denial for `q` proven by NSEC records held, or undefined when they prove nothing (then the
   * question is asked as usual). Positive wildcard answers are not synthesised.
   */
  lookup(q: Question, nowMs: number): SynthesisedDenial | undefined {
    if (q.class !== RRClass.IN || q.type === RRType.ANY) return undefined;
    if (negativeAnchorFor(this.#insecure, q.name) !== undefined) return undefined;
    const z = this.#zoneFor(q.name, q.type);
    if (z === undefined) return undefined;
    if (z.soa !== undefined && nowMs >= z.soa.expiresAt) {
      this.#order.delete(`${z.apex.key}|${SOA_SLOT}`);
      this.#drop(z.apex.key, undefined);
    }
    if (z.soa === undefined) return undefined;
    const own = this.#before(z, q.name, nowMs);
    if (own === undefined) return undefined;
    let used: StoredNsec[];
    let kind: SynthesisedDenial['kind'];
    if (own.rec.owner.equals(q.name) || own.rec.nsec.next.isSubdomainOf(q.name)) {
      // The name's own NSEC, or the one whose next name lies below it (an empty non-terminal).
      if (!nsecCovers(own.rec.owner, own.rec.nsec, q.name) && !own.rec.owner.equals(q.name)) return undefined;
      const p = nsecProvesNoData([own.rec], q.name, q.type);
      if (!p.proven) return undefined;
      used = [own];
      kind = 'nodata';
    } else {
      if (!nsecCovers(own.rec.owner, own.rec.nsec, q.name) || isAncestorCut(own.rec, q.name)) return undefined;
      const w = nsecClosestEncloser(own.rec, q.name).child('*');
      if (!w.ok) return undefined;
      const wild = this.#before(z, w.name, nowMs);
      if (wild === undefined) return undefined;
      used = wild === own ? [own] : [own, wild];
      const recs = used.map((u) => u.rec);
      if (wild.rec.owner.equals(w.name)) {
        // The wildcard exists: only its lack of the type can be proven here (wildcard NODATA).
        const p = nsecProvesNoData(recs, q.name, q.type);
        if (!p.proven || p.kind !== 'wildcard-nodata') return undefined;
        kind = 'nodata';
      } else {
        if (!nsecProvesNxdomain(recs, q.name, z.apex).proven) return undefined;
        kind = 'nxdomain';
      }
    }
    return this.#answer(z, z.soa, used, kind, nowMs);
  }

  #answer(z: ZoneStore, soa: StoredSoa, used: readonly StoredNsec[], kind: SynthesisedDenial['kind'], nowMs: number): SynthesisedDenial | undefined {
    const left = (expiresAt: number): number => Math.floor((expiresAt - nowMs) / MS_PER_SECOND);
    const nsecTtls = used.map((u) => Math.min(u.set.ttl, left(u.expiresAt)));
    // RFC 8198 §5.4 (as RFC 9077 puts it): the SOA goes out with the least of its TTL, its MINIMUM
    // and the TTLs of the NSEC records that prove the denial.
    const soaTtl = Math.min(soa.set.ttl, left(soa.expiresAt), soa.minimum, ...nsecTtls);
    if (soaTtl <= 0 || nsecTtls.some((t) => t <= 0)) return undefined;
    const authority: RRset[] = used.map((u, i) => ({ ...u.set, ttl: nsecTtls[i] }));
    authority.push({ ...soa.set, ttl: soaTtl });
    this.stats[kind]++;
    return { kind, zone: z.apex, authority };
  }
}
