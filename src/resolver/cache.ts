// The answer cache: RRsets with their RRSIGs, and RFC 2308 negative answers, keyed by
// (name key, type, class). TTLs are counted down with the injected clock, so an answer served
// from cache carries the remaining TTL. lru-cache bounds memory by an estimate of bytes; expiry
// is ours (lru-cache's own TTL reads performance.now, which tests cannot pin).
import { LRUCache } from 'lru-cache';
import type { Reason } from '../wire/ede.ts';
import type { Name } from '../wire/name.ts';
import type { Security } from '../wire/outcome.ts';
import type { RRset } from '../wire/types.ts';
import type { Clock } from './clock.ts';
import type { CacheOptions } from './options.ts';

/**
 * Credibility of cached data (RFC 2181 §5.4.1), lowest first. Data of a lower rank never replaces
 * live data of a higher one, so glue cannot overwrite an authoritative answer.
 */
export const Trust = {
  /** Glue and other additional-section data. */
  ADDITIONAL: 1,
  /** Authority-section data of a non-authoritative answer: the parent's NS set in a referral. */
  AUTHORITY: 2,
  /** Answer-section data without AA: what a forwarder tells us. */
  ANSWER: 3,
  /** Authority-section data of an authoritative answer (SOA/NSEC of a negative answer, DS in a referral). */
  AUTH_AUTHORITY: 4,
  /** Answer-section data with AA. */
  AUTH_ANSWER: 5,
} as const;
export type TrustRank = (typeof Trust)[keyof typeof Trust];

/** The lowest rank that may be handed to a client as answer data (RFC 2181 §5.4.1). */
export const MIN_ANSWER_RANK: TrustRank = Trust.ANSWER;

/** The validator's verdict slot: undefined until a validator has looked at the data. */
export interface SecuritySlot {
  security: Security | undefined;
  reason: Reason | undefined;
}

interface PositiveEntry extends SecuritySlot {
  readonly kind: 'positive';
  readonly rrset: RRset;
  readonly zone: Name;
  readonly rank: TrustRank;
  /** When it was stored: with expiresAt, the entry's whole life (prefetch's 10% rule). */
  readonly storedAt: number;
  /** Not readonly: the validator may shorten it (setSecurity's ttlCap). */
  expiresAt: number;
}

export type NegativeKind = 'nxdomain' | 'nodata';

interface NegativeEntry extends SecuritySlot {
  readonly kind: NegativeKind;
  readonly name: Name;
  readonly type: number;
  /** SOA and NSEC/NSEC3 (with their RRSIGs) that prove the denial, for later validation. */
  readonly authority: readonly RRset[];
  readonly zone: Name;
  readonly rank: TrustRank;
  readonly storedAt: number;
  /** Not readonly: the validator may shorten it (setSecurity's ttlCap). */
  expiresAt: number;
}

type Entry = PositiveEntry | NegativeEntry;

/** How long an entry has left and how long it was given when stored (validator caps included). */
export interface EntryLifetime {
  readonly remainingMs: number;
  readonly lifetimeMs: number;
}

/**
 * Entries saved before a refresh, to be put back if what replaced them turns out worse
 * (a prefetch answer that fails validation must not displace the good answer).
 */
export interface CacheSnapshot {
  readonly saved: ReadonlyMap<string, Readonly<Entry>>;
}

export interface CachedRRset {
  /** TTL is the remaining time, in whole seconds. */
  readonly rrset: RRset;
  readonly zone: Name;
  readonly rank: TrustRank;
  readonly security: Security | undefined;
  readonly reason: Reason | undefined;
}

export interface CachedNegative {
  readonly kind: NegativeKind;
  /** The name the denial is about (for NXDOMAIN possibly an ancestor of the name asked, RFC 8020). */
  readonly name: Name;
  readonly authority: readonly RRset[];
  readonly zone: Name;
  readonly security: Security | undefined;
  readonly reason: Reason | undefined;
}

/** A flat estimate of the memory an entry holds: JS object overhead plus the bytes it carries. */
const ENTRY_OVERHEAD_BYTES = 200;
const PER_RDATA_OVERHEAD_BYTES = 40;
/** RFC 2181 §8: a TTL with the top bit set is treated as zero. */
const MAX_SANE_TTL = 0x7fffffff;
const MS_PER_SECOND = 1000;
const NXDOMAIN_TYPE_KEY = 'NX';

function setBytes(set: RRset): number {
  let n = set.name.wireLength;
  for (const r of set.rdata) n += r.length + PER_RDATA_OVERHEAD_BYTES;
  for (const r of set.sigs) n += r.length + PER_RDATA_OVERHEAD_BYTES;
  return n;
}

function entryBytes(e: Entry): number {
  if (e.kind === 'positive') return ENTRY_OVERHEAD_BYTES + setBytes(e.rrset);
  let n = ENTRY_OVERHEAD_BYTES + e.name.wireLength;
  for (const s of e.authority) n += setBytes(s);
  return n;
}

function key(name: Name, type: number | typeof NXDOMAIN_TYPE_KEY, cls: number): string {
  return `${name.key}|${type}|${cls}`;
}

/** A stored denial as the peek methods show it: TTLs as stored. */
function negativeView(e: NegativeEntry): CachedNegative {
  return { kind: e.kind, name: e.name, authority: e.authority, zone: e.zone, security: e.security, reason: e.reason };
}

export interface CacheStats {
  hits: number;
  misses: number;
  /** Stores refused because live data of a higher trust rank was present. */
  rankRejections: number;
}

export class RRsetCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #clock: Clock;
  readonly #opts: CacheOptions;
  readonly stats: CacheStats = { hits: 0, misses: 0, rankRejections: 0 };

  constructor(opts: CacheOptions, clock: Clock) {
    this.#opts = opts;
    this.#clock = clock;
    this.#lru = new LRUCache<string, Entry>({ maxSize: opts.maxBytes, sizeCalculation: entryBytes });
  }

  get size(): number {
    return this.#lru.size;
  }

  /** Bytes used, by our estimate. */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  clear(): void {
    this.#lru.clear();
  }

  /** Clamps a positive TTL into [minTtl, maxTtl] (RFC 2181 §8 for out-of-range values). */
  positiveTtl(ttl: number): number {
    const t = ttl > MAX_SANE_TTL ? 0 : ttl;
    return Math.min(this.#opts.maxTtl, Math.max(this.#opts.minTtl, t));
  }

  /** RFC 2308 §5: min(SOA TTL, SOA MINIMUM), capped by maxNegativeTtl. */
  negativeTtl(soaTtl: number, soaMinimum: number): number {
    const t = Math.min(soaTtl > MAX_SANE_TTL ? 0 : soaTtl, soaMinimum > MAX_SANE_TTL ? 0 : soaMinimum);
    return Math.min(this.#opts.maxNegativeTtl, t);
  }

  #live(k: string): Entry | undefined {
    const e = this.#lru.get(k);
    if (e === undefined) return undefined;
    if (this.#clock.now() >= e.expiresAt) {
      this.#lru.delete(k);
      return undefined;
    }
    return e;
  }

  #remaining(e: Entry): number {
    return Math.max(0, Math.floor((e.expiresAt - this.#clock.now()) / MS_PER_SECOND));
  }

  #withTtl(set: RRset, ttl: number): RRset {
    return { ...set, ttl };
  }

  /** The live RRset of at least `minRank`, its TTL counted down. */
  getRRset(name: Name, type: number, cls: number, minRank: TrustRank = Trust.ADDITIONAL): CachedRRset | undefined {
    const e = this.#live(key(name, type, cls));
    if (e === undefined || e.kind !== 'positive' || e.rank < minRank) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    return { rrset: this.#withTtl(e.rrset, this.#remaining(e)), zone: e.zone, rank: e.rank, security: e.security, reason: e.reason };
  }

  /**
   * A cached denial for (name, type): NODATA for exactly that pair, or NXDOMAIN for the name or
   * any ancestor (RFC 8020: nothing exists below a name that does not exist).
   */
  getNegative(name: Name, type: number, cls: number): CachedNegative | undefined {
    const e = this.#liveDenial(name, type, cls);
    return e === undefined ? undefined : this.#negative(e);
  }

  /** The denial that answers (name, type): its NODATA, or an NXDOMAIN at the name or an ancestor (RFC 8020). */
  #liveDenial(name: Name, type: number, cls: number): NegativeEntry | undefined {
    const nodata = this.#live(key(name, type, cls));
    if (nodata !== undefined && nodata.kind === 'nodata') return nodata;
    // Bounded: each step removes a label.
    for (let n = name; ; n = n.parent()) {
      const nx = this.#live(key(n, NXDOMAIN_TYPE_KEY, cls));
      if (nx !== undefined && nx.kind === 'nxdomain') return nx;
      if (n.isRoot) return undefined;
    }
  }

  #negative(e: NegativeEntry): CachedNegative {
    const ttl = this.#remaining(e);
    this.stats.hits++;
    return {
      kind: e.kind,
      name: e.name,
      authority: e.authority.map((s) => this.#withTtl(s, Math.min(s.ttl, ttl))),
      zone: e.zone,
      security: e.security,
      reason: e.reason,
    };
  }

  #mayReplace(k: string, rank: TrustRank): boolean {
    const old = this.#live(k);
    if (old === undefined || old.rank <= rank) return true;
    this.stats.rankRejections++;
    return false;
  }

  /** Stores an RRset; false when its TTL is zero or live data of a higher rank is present. */
  putRRset(set: RRset, zone: Name, rank: TrustRank): boolean {
    const ttl = this.positiveTtl(set.ttl);
    if (ttl <= 0) return false;
    const k = key(set.name, set.type, set.class);
    if (!this.#mayReplace(k, rank)) return false;
    const now = this.#clock.now();
    const entry: PositiveEntry = {
      kind: 'positive', rrset: set, zone, rank, storedAt: now, expiresAt: now + ttl * MS_PER_SECOND, security: undefined, reason: undefined,
    };
    this.#lru.set(k, entry);
    return true;
  }

  /** Stores an RFC 2308 denial; `ttl` already computed by negativeTtl. */
  putNegative(kind: NegativeKind, name: Name, type: number, cls: number, authority: readonly RRset[], zone: Name, rank: TrustRank, ttl: number): boolean {
    if (ttl <= 0) return false;
    const k = kind === 'nxdomain' ? key(name, NXDOMAIN_TYPE_KEY, cls) : key(name, type, cls);
    if (!this.#mayReplace(k, rank)) return false;
    const now = this.#clock.now();
    const entry: NegativeEntry = {
      kind, name, type, authority, zone, rank, storedAt: now, expiresAt: now + ttl * MS_PER_SECOND, security: undefined, reason: undefined,
    };
    this.#lru.set(k, entry);
    return true;
  }

  /**
   * The validator's hook: records its verdict on a cached RRset or denial (NXDOMAIN: type undefined).
   * `ttlCap` (seconds) shortens the entry's life: a bogus verdict is kept only briefly, and a secure
   * one no longer than its RRSIG allows (original TTL, expiration).
   */
  setSecurity(name: Name, type: number | undefined, cls: number, security: Security, reason?: Reason, ttlCap?: number): boolean {
    const e = this.#live(key(name, type ?? NXDOMAIN_TYPE_KEY, cls));
    if (e === undefined) return false;
    e.security = security;
    e.reason = reason;
    if (ttlCap !== undefined) e.expiresAt = Math.min(e.expiresAt, this.#clock.now() + Math.max(0, ttlCap) * MS_PER_SECOND);
    return true;
  }

  /** The live RRset and its verdict without counting a hit or miss: the validator's look-up. */
  peekRRset(name: Name, type: number, cls: number): CachedRRset | undefined {
    const e = this.#live(key(name, type, cls));
    if (e === undefined || e.kind !== 'positive') return undefined;
    return { rrset: this.#withTtl(e.rrset, this.#remaining(e)), zone: e.zone, rank: e.rank, security: e.security, reason: e.reason };
  }

  /**
   * The denial stored under exactly this key (NXDOMAIN: type undefined) and its verdict, without
   * counting a hit or miss: the validator's look-up, so a cached denial is not re-verified per query.
   */
  peekNegative(name: Name, type: number | undefined, cls: number): CachedNegative | undefined {
    const e = this.#live(key(name, type ?? NXDOMAIN_TYPE_KEY, cls));
    return e === undefined || e.kind === 'positive' ? undefined : negativeView(e);
  }

  /** The denial getNegative would serve for (name, type), TTLs as stored and no statistics counted. */
  peekDenial(name: Name, type: number, cls: number): CachedNegative | undefined {
    const e = this.#liveDenial(name, type, cls);
    return e === undefined ? undefined : negativeView(e);
  }

  /** The life of the live RRset or NODATA stored for (name, type), or of the NXDOMAIN (type undefined) at `name`. */
  lifetime(name: Name, type: number | undefined, cls: number): EntryLifetime | undefined {
    const e = this.#live(key(name, type ?? NXDOMAIN_TYPE_KEY, cls));
    return e === undefined ? undefined : this.#lifetimeOf(e);
  }

  #lifetimeOf(e: Entry): EntryLifetime {
    return { remainingMs: e.expiresAt - this.#clock.now(), lifetimeMs: e.expiresAt - e.storedAt };
  }

  /** The life of the denial getNegative would serve for (name, type): NODATA, or NXDOMAIN at the name or an ancestor. */
  denialLifetime(name: Name, type: number, cls: number): EntryLifetime | undefined {
    const e = this.#liveDenial(name, type, cls);
    return e === undefined ? undefined : this.#lifetimeOf(e);
  }

  /** Copies of the live entries under these keys (NXDOMAIN: type undefined), for restore(). */
  snapshot(keys: readonly { readonly name: Name; readonly type: number | undefined; readonly cls: number }[]): CacheSnapshot {
    const saved = new Map<string, Readonly<Entry>>();
    for (const k of keys) {
      const id = key(k.name, k.type ?? NXDOMAIN_TYPE_KEY, k.cls);
      const e = this.#live(id);
      if (e !== undefined) saved.set(id, { ...e });
    }
    return { saved };
  }

  /** Puts saved entries back where they are still live by their own clock; returns how many. */
  restore(s: CacheSnapshot): number {
    let restored = 0;
    const now = this.#clock.now();
    for (const [id, e] of s.saved) {
      if (now >= e.expiresAt) continue;
      this.#lru.set(id, { ...e });
      restored++;
    }
    return restored;
  }

  /** True when anything live is stored for (name, type, class): for tests and diagnostics. */
  has(name: Name, type: number, cls: number): boolean {
    return this.#live(key(name, type, cls)) !== undefined;
  }

  /** Drops every entry owned by `name` or a name below it (`anchord control flush NAME`); returns how many. */
  removeBelow(name: Name): number {
    let removed = 0;
    // A snapshot of the keys: deleting while iterating the LRU's own list would skip entries.
    for (const [k, e] of [...this.#lru.entries()]) {
      const owner = e.kind === 'positive' ? e.rrset.name : e.name;
      if (owner.isSubdomainOf(name) && this.#lru.delete(k)) removed++;
    }
    return removed;
  }
}
