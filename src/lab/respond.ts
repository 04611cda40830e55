// Turns one query into one response for a lab server address: picks the zone, answers from it,
// echoes EDNS and fits the result to the transport (TC=1 over UDP when it does not fit).
import { Opcode, Rcode, RRClass, RRType } from '../wire/constants.ts';
import { decodeMessage, encodeMessage, encodeWithLimit } from '../wire/message.ts';
import type { Name } from '../wire/name.ts';
import { rrsetToRRs } from '../wire/rrset.ts';
import type { Edns, Message, Question, RR, RRset } from '../wire/types.ts';
import { answerFromZone } from './answer.ts';
import type { AuthZone } from './zone.ts';

/** What the lab server at one address does. */
export type ServerRole = { readonly mode: 'serve'; readonly zones: readonly AuthZone[] } | { readonly mode: 'lame' };

export type Transport = 'udp' | 'tcp';

/** RFC 1035 §4.2.1: the UDP limit without EDNS. */
const CLASSIC_UDP_SIZE = 512;
/** The EDNS buffer size the lab advertises (DNS Flag Day 2020). */
const LAB_EDNS_SIZE = 1232;
const TCP_MAX = 0xffff;

export interface QueryInfo {
  readonly qname: Name;
  readonly qtype: number;
  readonly dnssecOk: boolean;
}

export interface Response {
  readonly bytes: Uint8Array;
  /** The question, when the query could be decoded far enough to have one. */
  readonly query?: QueryInfo;
}

/** The zone with the longest origin that contains `qname`; a DS query goes to the parent side of a cut. */
function pickZone(zones: readonly AuthZone[], q: Question): AuthZone | undefined {
  let best: AuthZone | undefined;
  for (const z of zones) {
    if (!q.name.isSubdomainOf(z.origin)) continue;
    if (best === undefined || z.origin.labelCount > best.origin.labelCount) best = z;
  }
  // RFC 4035 §3.1.4.1: a DS RRset lives in the parent; when both sides are served here, answer from the parent.
  if (best !== undefined && q.type === RRType.DS && q.name.equals(best.origin) && !best.origin.isRoot) {
    const parent = pickZone(zones.filter((z) => z !== best), q);
    if (parent !== undefined) return parent;
  }
  return best;
}

function toRRs(sets: readonly RRset[], dnssec: boolean): RR[] {
  return sets.flatMap((s) => rrsetToRRs(s, dnssec));
}

function replyEdns(query: Edns | undefined): Edns | undefined {
  if (query === undefined) return undefined;
  return { udpSize: LAB_EDNS_SIZE, version: 0, dnssecOk: query.dnssecOk, zFlags: 0, options: [] };
}

function base(query: Message, rcode: number): Message {
  return {
    id: query.id,
    opcode: query.opcode,
    flags: { qr: true, aa: false, tc: false, rd: query.flags.rd, ra: false, z: false, ad: false, cd: query.flags.cd },
    rcode,
    question: query.question,
    answer: [],
    authority: [],
    additional: [],
    edns: replyEdns(query.edns),
  };
}

function fit(msg: Message, transport: Transport, query: Message): Uint8Array {
  if (transport === 'tcp') return encodeWithLimit(msg, TCP_MAX).bytes;
  const limit = query.edns === undefined ? CLASSIC_UDP_SIZE : Math.max(CLASSIC_UDP_SIZE, query.edns.udpSize);
  return encodeWithLimit(msg, limit).bytes;
}

/** Builds the response to `bytes`; undefined when the datagram is not worth answering (not even a header). */
export function respond(bytes: Uint8Array, role: ServerRole, transport: Transport): Response | undefined {
  const decoded = decodeMessage(bytes);
  if (!decoded.ok) {
    if (decoded.header === undefined || decoded.header.flags.qr) return undefined;
    const h = decoded.header;
    const formerr: Message = {
      id: h.id, opcode: h.opcode, flags: { ...h.flags, qr: true, aa: false, tc: false, ra: false, ad: false },
      rcode: Rcode.FORMERR, question: [], answer: [], authority: [], additional: [],
    };
    return { bytes: encodeMessage(formerr) };
  }
  const query = decoded.message;
  if (query.flags.qr) return undefined; // never answer a response
  const q = query.question[0];
  const dnssecOk = query.edns?.dnssecOk ?? false;
  const info: QueryInfo | undefined = q === undefined ? undefined : { qname: q.name, qtype: q.type, dnssecOk };
  const reply = (m: Message): Response => ({ bytes: fit(m, transport, query), query: info });

  if (query.opcode !== Opcode.QUERY) return reply(base(query, Rcode.NOTIMP));
  if (query.question.length !== 1 || q === undefined) return reply(base(query, Rcode.FORMERR));
  // RFC 6891 §6.1.3: an unknown EDNS version gets BADVERS, answered with version 0.
  if (query.edns !== undefined && query.edns.version > 0) return reply(base(query, Rcode.BADVERS));
  if (role.mode === 'lame' || q.class !== RRClass.IN) return reply(base(query, Rcode.REFUSED));
  const zone = pickZone(role.zones, q);
  if (zone === undefined) return reply(base(query, Rcode.REFUSED));

  const a = answerFromZone(zone, q.name, q.type, dnssecOk);
  const msg: Message = {
    ...base(query, a.rcode),
    flags: { ...base(query, a.rcode).flags, aa: a.aa },
    answer: toRRs(a.answer, dnssecOk),
    authority: toRRs(a.authority, dnssecOk),
    additional: toRRs(a.additional, dnssecOk),
  };
  return reply(msg);
}
