// An authoritative zone held in memory: the records grouped into RRsets per owner name, plus the
// indexes an authoritative answer needs — which names exist (including empty non-terminals), where
// the delegation cuts are, and the NSEC and NSEC3 chains in their sort orders.
import { RRType } from '../wire/constants.ts';
import { compareNamesCanonical, Name } from '../wire/name.ts';
import { nsec3paramCodec } from '../wire/rdata/dnssec.ts';
import { groupRRsets } from '../wire/rrset.ts';
import type { RR, RRset } from '../wire/types.ts';
// The validator's hash: one implementation of RFC 5155 §5 in the project (dnssec does no I/O, so
// the lab may use it).
import { hashToLabel, nsec3Hash } from '../dnssec/nsec3hash.ts';

function hashedLabel(name: Name, params: Nsec3Params): string {
  return hashToLabel(nsec3Hash(name, params.salt, params.iterations));
}

export interface Nsec3Params {
  readonly iterations: number;
  readonly salt: Uint8Array;
}

interface Nsec3Entry {
  readonly label: string;
  readonly set: RRset;
}

export type ZoneResult = { ok: true; zone: AuthZone } | { ok: false; error: string };

export class AuthZone {
  readonly origin: Name;
  /** Owner name key -> (type -> RRset). NSEC3 records are kept apart: their owners are not names of the zone. */
  readonly #nodes = new Map<string, Map<number, RRset>>();
  /** Every name that exists in the zone's namespace: owners with data and their ancestors (empty non-terminals). */
  readonly #existing = new Set<string>();
  /** Owners of NSEC records, in canonical order. */
  readonly #nsecOwners: Name[];
  readonly #nsec3: Nsec3Entry[];
  readonly nsec3Params: Nsec3Params | undefined;

  private constructor(origin: Name, sets: readonly RRset[]) {
    this.origin = origin;
    const nsec3: Nsec3Entry[] = [];
    for (const set of sets) {
      if (set.type === RRType.NSEC3) {
        nsec3.push({ label: set.name.firstLabelText, set });
        continue;
      }
      let node = this.#nodes.get(set.name.key);
      if (node === undefined) this.#nodes.set(set.name.key, (node = new Map()));
      node.set(set.type, set);
      for (let n = set.name; n.labelCount >= origin.labelCount; n = n.parent()) {
        this.#existing.add(n.key);
        if (n.labelCount === origin.labelCount) break;
      }
    }
    this.#nsecOwners = sets.filter((s) => s.type === RRType.NSEC).map((s) => s.name).sort(compareNamesCanonical);
    this.#nsec3 = nsec3.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    const param = this.rrset(origin, RRType.NSEC3PARAM);
    const decoded = param === undefined ? undefined : nsec3paramCodec.decode(param.rdata[0]);
    this.nsec3Params = decoded?.ok ? { iterations: decoded.value.iterations, salt: decoded.value.salt } : undefined;
  }

  /** Builds a zone from parsed records; every owner must be at or below `origin`, and the apex must have an SOA. */
  static build(origin: Name, records: readonly RR[]): ZoneResult {
    for (const rr of records) {
      if (!rr.name.isSubdomainOf(origin)) return { ok: false, error: `${rr.name} is outside the zone ${origin}` };
    }
    const zone = new AuthZone(origin, groupRRsets(records));
    if (zone.soa === undefined) return { ok: false, error: `zone ${origin} has no SOA at its apex` };
    return { ok: true, zone };
  }

  get soa(): RRset | undefined {
    return this.rrset(this.origin, RRType.SOA);
  }

  /** True when the zone is signed (it has a DNSKEY RRset at the apex). */
  get signed(): boolean {
    return this.rrset(this.origin, RRType.DNSKEY) !== undefined;
  }

  rrset(name: Name, type: number): RRset | undefined {
    return this.#nodes.get(name.key)?.get(type);
  }

  /** Every RRset at `name` (no NSEC3), empty when the name owns no data. */
  rrsets(name: Name): RRset[] {
    const node = this.#nodes.get(name.key);
    return node === undefined ? [] : [...node.values()];
  }

  /** The name exists: it owns data or is an empty non-terminal (RFC 4592 §2.2.2). */
  exists(name: Name): boolean {
    return this.#existing.has(name.key);
  }

  /** The longest existing ancestor of `name` (which may be `name` itself). */
  closestEncloser(name: Name): Name {
    for (let n = name; n.labelCount > this.origin.labelCount; n = n.parent()) if (this.exists(n)) return n;
    return this.origin;
  }

  /** The NSEC RRset whose owner equals `name` or is the nearest before it in canonical order (wrapping to the last). */
  nsecCovering(name: Name): RRset | undefined {
    const owners = this.#nsecOwners;
    if (owners.length === 0) return undefined;
    // Binary search for the last owner <= name; none means the name sorts before the apex: wrap to the last.
    let lo = 0, hi = owners.length - 1, found = owners.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareNamesCanonical(owners[mid], name) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return this.rrset(owners[found], RRType.NSEC);
  }

  /** The NSEC3 RRset whose hashed owner equals the hash of `name`, if any. */
  nsec3Matching(name: Name): RRset | undefined {
    const p = this.nsec3Params;
    if (p === undefined) return undefined;
    const label = hashedLabel(name, p);
    return this.#nsec3.find((e) => e.label === label)?.set;
  }

  /** The NSEC3 RRset whose span covers the hash of `name` (strictly, wrapping around the end of the chain). */
  nsec3Covering(name: Name): RRset | undefined {
    const p = this.nsec3Params;
    if (p === undefined || this.#nsec3.length === 0) return undefined;
    const label = hashedLabel(name, p);
    let best: Nsec3Entry = this.#nsec3[this.#nsec3.length - 1];
    for (const e of this.#nsec3) {
      if (e.label < label) best = e;
      else break;
    }
    return best.set;
  }
}
