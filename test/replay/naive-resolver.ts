// A deliberately small iterative resolver used only to check the harness itself (`npm run replay --
// --naive`): referrals with glue, glueless NS lookups, CNAME chains, NXDOMAIN/NODATA, no cache and
// no validation. Scenarios it passes show the transport, ranges and comparison behave; it is not a
// reference for anchord's resolver, whose choices may rightly differ.
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { Name } from '../../src/wire/name.ts';
import type { Outcome, Resolve } from '../../src/wire/outcome.ts';
import { groupRRsets } from '../../src/wire/rrset.ts';
import type { Message, Question, RR } from '../../src/wire/types.ts';
import type { ServerAddress } from './replay-transport.ts';
import type { ResolverFactory } from './runner.ts';
import { scenarioResolverConfig, type ZoneServers } from './scenario-config.ts';
import { parseRrText } from './rr-text.ts';

const MAX_HOPS = 24;
const MAX_CNAMES = 8;
const QUERY_TIMEOUT_MS = 1000;

function nameFromRdata(rdata: Uint8Array): Name | undefined {
  const labels: Uint8Array[] = [];
  let p = 0;
  while (p < rdata.length) {
    const len = rdata[p++];
    if (len === 0) return Name.fromLabelsUnchecked(labels);
    labels.push(rdata.slice(p, p + len));
    p += len;
  }
  return undefined;
}

function ipv4(rdata: Uint8Array): string {
  return [...rdata].join('.');
}

function ipv6(rdata: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((rdata[i] << 8) | rdata[i + 1]).toString(16));
  return parts.join(':');
}

type Lookup = { ok: true; message: Message } | { ok: false; why: string };

export const naiveResolverFactory: ResolverFactory = (scenario, env) => {
  const c = scenarioResolverConfig(scenario, parseRrText);
  if (!c.ok) return { ok: false, reason: c.reason };
  const zones: ZoneServers[] = [...c.config.stubZones, ...c.config.forwardZones];
  if (zones.length === 0) return { ok: false, reason: 'no stub-zone or forward-zone' };
  const forwarders = new Set(c.config.forwardZones.map((z) => z.zone.key));

  function closest(name: Name): ZoneServers | undefined {
    let best: ZoneServers | undefined;
    for (const z of zones) if (name.isSubdomainOf(z.zone) && (best === undefined || z.zone.labelCount > best.zone.labelCount)) best = z;
    return best;
  }

  async function ask(servers: readonly ServerAddress[], q: Question, rd: boolean): Promise<Lookup> {
    for (const s of servers) {
      const r = await env.transport.query(s, q, { rd, cd: false, dnssecOk: true, tcp: false, timeoutMs: QUERY_TIMEOUT_MS });
      if (!r.ok) continue;
      if (r.message.flags.tc) {
        const t = await env.transport.query(s, q, { rd, cd: false, dnssecOk: true, tcp: true, timeoutMs: QUERY_TIMEOUT_MS });
        if (t.ok) return { ok: true, message: t.message };
        continue;
      }
      if (r.message.rcode === Rcode.SERVFAIL || r.message.rcode === Rcode.REFUSED) continue;
      return { ok: true, message: r.message };
    }
    return { ok: false, why: `no server answered ${q.name.toString()}/${q.type}` };
  }

  async function addressesOf(ns: Name, glue: readonly RR[], depth: number): Promise<ServerAddress[]> {
    const out: ServerAddress[] = [];
    for (const rr of glue) {
      if (!rr.name.equals(ns)) continue;
      if (rr.type === RRType.A && rr.rdata.length === 4) out.push({ address: ipv4(rr.rdata), port: 53 });
      if (rr.type === RRType.AAAA && rr.rdata.length === 16) out.push({ address: ipv6(rr.rdata), port: 53 });
    }
    if (out.length > 0 || depth > 2) return out;
    const r = await iterate({ name: ns, type: RRType.A, class: 1 }, depth + 1);
    if (r.ok) for (const rr of r.message.answer) if (rr.type === RRType.A && rr.rdata.length === 4) out.push({ address: ipv4(rr.rdata), port: 53 });
    return out;
  }

  async function iterate(q: Question, depth: number): Promise<Lookup> {
    const start = closest(q.name);
    if (start === undefined) return { ok: false, why: 'no stub or forward zone covers the name' };
    let servers = start.addresses;
    const rd = forwarders.has(start.zone.key);
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const r = await ask(servers, q, rd);
      if (!r.ok) return r;
      const m = r.message;
      if (m.answer.length > 0 || m.rcode !== Rcode.NOERROR) return r;
      const ns = m.authority.filter((rr) => rr.type === RRType.NS);
      const soa = m.authority.some((rr) => rr.type === RRType.SOA);
      if (ns.length === 0 || soa || m.flags.aa) return r;
      const next: ServerAddress[] = [];
      for (const rr of ns) {
        const target = nameFromRdata(rr.rdata);
        if (target !== undefined) next.push(...(await addressesOf(target, m.additional, depth)));
      }
      if (next.length === 0) return { ok: false, why: `referral for ${q.name.toString()} without usable servers` };
      servers = next;
    }
    return { ok: false, why: 'too many referrals' };
  }

  const resolve: Resolve = async (cq): Promise<Outcome> => {
    const answer: RR[] = [];
    let q = cq.question;
    for (let i = 0; i <= MAX_CNAMES; i++) {
      const r = await iterate(q, 0);
      if (!r.ok) return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'indeterminate', reasons: [reason(EdeCode.NO_REACHABLE_AUTHORITY, r.why)] };
      const m = r.message;
      answer.push(...m.answer);
      const direct = m.answer.some((rr) => rr.name.equals(q.name) && (rr.type === q.type || q.type === RRType.ANY));
      const cname = m.answer.find((rr) => rr.name.equals(q.name) && rr.type === RRType.CNAME);
      const target = cname !== undefined && !direct && q.type !== RRType.CNAME ? nameFromRdata(cname.rdata) : undefined;
      if (target !== undefined && !m.answer.some((rr) => rr.name.equals(target))) {
        q = { ...q, name: target };
        continue;
      }
      const negative = answer.length === 0 || m.rcode !== Rcode.NOERROR;
      return {
        rcode: m.rcode,
        answer: groupRRsets(answer),
        authority: negative ? groupRRsets(m.authority) : [],
        additional: [],
        security: 'insecure',
        reasons: [],
      };
    }
    return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'indeterminate', reasons: [reason(EdeCode.OTHER, 'CNAME chain too long')] };
  };
  return { ok: true, resolve };
};
