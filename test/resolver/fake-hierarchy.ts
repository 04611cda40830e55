// A tiny in-process DNS hierarchy for resolver tests: zones written in zone-file syntax, each
// served by fake authoritative "servers" (addresses are only keys: no packet is ever sent), and
// a transport that answers as an authoritative server would (referrals with in-zone glue, CNAME,
// DNAME, NXDOMAIN/NODATA with the SOA) and records every query it gets.
import { Opcode, Rcode, RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import { parseZone } from '../../src/wire/zonefile.ts';
import type { Message, Question, RR } from '../../src/wire/types.ts';
import { rdataName } from '../../src/resolver/rdata-views.ts';
import type { ServerAddress, UpstreamQueryOptions, UpstreamResult, UpstreamTransport } from '../../src/resolver/transport.ts';

export interface Zone {
  readonly apex: Name;
  readonly records: readonly RR[];
}

export function zone(apex: string, text: string): Zone {
  const origin = Name.of(apex);
  const r = parseZone(`$TTL 3600\n${text}`, { origin });
  if (!r.ok) throw new Error(`test zone ${apex}: ${r.error}`);
  return { apex: origin, records: r.records };
}

export type Behaviour =
  | { readonly kind: 'auth'; readonly zones: readonly Zone[] }
  | { readonly kind: 'rcode'; readonly rcode: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'custom'; readonly answer: (q: Question, opts: UpstreamQueryOptions) => Message | undefined };

export interface LoggedQuery {
  readonly server: string;
  readonly name: string;
  readonly type: number;
  readonly opts: UpstreamQueryOptions;
}

export const RTT_MS = 10;

export function reply(q: Question, rcode: number, aa: boolean, answer: RR[], authority: RR[], additional: RR[] = []): Message {
  return {
    id: 0,
    opcode: Opcode.QUERY,
    flags: { qr: true, aa, tc: false, rd: false, ra: false, z: false, ad: false, cd: false },
    rcode,
    question: [q],
    answer,
    authority,
    additional,
  };
}

function at(z: Zone, name: Name, type?: number): RR[] {
  return z.records.filter((r) => r.name.equals(name) && (type === undefined || r.type === type));
}

/** Answers `q` from the deepest zone of `zones` that holds it, like an authoritative server. */
export function authoritativeAnswer(zones: readonly Zone[], q: Question): Message {
  let best: Zone | undefined;
  for (const z of zones) {
    if (!q.name.isSubdomainOf(z.apex)) continue;
    // DS for a zone apex is the parent's data.
    if (q.type === RRType.DS && q.name.equals(z.apex) && !z.apex.isRoot) continue;
    if (best === undefined || z.apex.labelCount > best.apex.labelCount) best = z;
  }
  if (best === undefined) return reply(q, Rcode.REFUSED, false, [], []);
  const z = best;
  const soa = at(z, z.apex, RRType.SOA);
  // A delegation between the apex and the name: refer.
  for (let k = z.apex.labelCount + 1; k <= q.name.labelCount; k++) {
    const cut = q.name.suffix(k);
    const ns = at(z, cut, RRType.NS);
    if (ns.length === 0) continue;
    if (q.type === RRType.DS && cut.equals(q.name)) break;
    const glue: RR[] = [];
    for (const r of ns) {
      const target = rdataName(RRType.NS, r.rdata);
      if (target !== undefined && target.isSubdomainOf(z.apex)) glue.push(...at(z, target, RRType.A), ...at(z, target, RRType.AAAA));
    }
    return reply(q, Rcode.NOERROR, false, [], [...ns, ...at(z, cut, RRType.DS)], glue);
  }
  const answer: RR[] = [];
  let name = q.name;
  for (let hops = 0; hops < 8; hops++) {
    const data = at(z, name, q.type);
    if (data.length > 0) return reply(q, Rcode.NOERROR, true, [...answer, ...data], []);
    const cname = at(z, name, RRType.CNAME);
    if (cname.length > 0) {
      answer.push(...cname);
      const t = rdataName(RRType.CNAME, cname[0].rdata);
      if (t === undefined || !t.isSubdomainOf(z.apex)) return reply(q, Rcode.NOERROR, true, answer, []);
      name = t;
      continue;
    }
    let dnamed = false;
    for (let a = name.parent(); a.labelCount >= z.apex.labelCount; a = a.parent()) {
      const d = at(z, a, RRType.DNAME);
      if (d.length > 0) {
        const target = rdataName(RRType.DNAME, d[0].rdata);
        if (target === undefined) break;
        const r = Name.fromLabels([...name.labels.slice(0, name.labelCount - a.labelCount), ...target.labels]);
        if (!r.ok) break;
        answer.push(...d, { name, type: RRType.CNAME, class: RRClass.IN, ttl: d[0].ttl, rdata: r.name.toWire() });
        name = r.name;
        dnamed = true;
        break;
      }
      if (a.isRoot) break;
    }
    if (!dnamed) break;
    if (!name.isSubdomainOf(z.apex)) return reply(q, Rcode.NOERROR, true, answer, []);
  }
  const exists = z.records.some((r) => r.name.isSubdomainOf(name));
  return reply(q, exists ? Rcode.NOERROR : Rcode.NXDOMAIN, true, answer, soa);
}

/** A fake network of servers keyed by address; unknown addresses time out. */
export class FakeNet implements UpstreamTransport {
  readonly servers = new Map<string, Behaviour>();
  readonly log: LoggedQuery[] = [];
  /** Called before each answer: lets a test move its clock as if the network took time. */
  onQuery: (() => void) | undefined;
  /** Answer on a later turn of the event loop, so concurrent queries really overlap. */
  async = true;

  serve(address: string, b: Behaviour): this {
    this.servers.set(address, b);
    return this;
  }

  async query(server: ServerAddress, q: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
    this.log.push({ server: `${server.address}@${server.port}`, name: q.name.toString(), type: q.type, opts });
    this.onQuery?.();
    if (this.async) await new Promise((r) => setImmediate(r));
    const b = this.servers.get(server.address);
    if (b === undefined || b.kind === 'timeout') return { ok: false, kind: 'timeout', detail: 'no answer' };
    let m: Message | undefined;
    if (b.kind === 'rcode') m = reply(q, b.rcode, false, [], []);
    else if (b.kind === 'auth') m = authoritativeAnswer(b.zones, q);
    else m = b.answer(q, opts);
    if (m === undefined) return { ok: false, kind: 'timeout', detail: 'no answer' };
    return { ok: true, message: m, rttMs: RTT_MS, tcp: opts.tcp };
  }

  /** Queries as "name type@server" strings, for compact assertions. */
  asked(): string[] {
    return this.log.map((l) => `${l.name} ${l.type}@${l.server.replace(/@53$/, '')}`);
  }
}

export class TestClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
  advance(seconds: number): void {
    this.t += seconds * 1000;
  }
}
