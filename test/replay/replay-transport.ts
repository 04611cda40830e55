// An in-process upstream transport that answers from a scenario's scripted servers (RANGE blocks).
// It never opens a socket: the addresses in the scenarios are only keys into the range table.
// Matching follows testbound's pending_find_match: the first range (file order) whose step interval
// holds the current step, whose ADDRESS matches (or that has none) and that has an entry matching
// the query wins; within a range, the first matching entry wins. Unscripted queries are recorded
// and answered as a timeout.
import { Opcode } from '../../src/wire/constants.ts';
import type { Message, Question } from '../../src/wire/types.ts';
import { matchMessage } from './compare.ts';
import type { Entry } from './rpl-parser.ts';
import type { ServerAddress, UpstreamQueryOptions, UpstreamResult, UpstreamTransport } from '../../src/resolver/transport.ts';

export type { ServerAddress, UpstreamQueryOptions, UpstreamResult };

/** An entry with its packets already built into messages. */
export interface ScriptedEntry {
  readonly entry: Entry;
  readonly packets: readonly Message[];
}

export interface ScriptedRange {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly addresses: readonly ServerAddress[];
  readonly entries: readonly ScriptedEntry[];
}

export interface QueryLogItem {
  readonly step: number;
  readonly server: ServerAddress;
  readonly question: Question;
  readonly tcp: boolean;
  readonly dnssecOk: boolean;
  /** `range@line/entry@line` when answered; undefined when unscripted (answered as a timeout). */
  readonly answeredBy: string | undefined;
  readonly note?: string;
}

/** The RTT reported for scripted answers: fixed, so server selection is deterministic. */
export const REPLAY_RTT_MS = 10;
const DNS_PORT = 53;

/** `1.2.3.4`, `1.2.3.4@5353`, `2001:db8::1`, `2001:db8::1@5353`. */
export function parseRplAddress(text: string): ServerAddress {
  const at = text.lastIndexOf('@');
  if (at > 0) {
    const port = Number(text.slice(at + 1));
    if (Number.isInteger(port) && port > 0 && port < 65536) return { address: text.slice(0, at), port };
  }
  return { address: text, port: DNS_PORT };
}

function normaliseAddress(a: string): string {
  return a.trim().toLowerCase();
}

function sameServer(a: ServerAddress, b: ServerAddress): boolean {
  return a.port === b.port && normaliseAddress(a.address) === normaliseAddress(b.address);
}

/** The query as testbound would see it on the wire: we assume EDNS is always sent (RFC 6891). */
function queryMessage(question: Question, opts: UpstreamQueryOptions): Message {
  return {
    id: 0,
    opcode: Opcode.QUERY,
    flags: { qr: false, aa: false, tc: false, rd: opts.rd, ra: false, z: false, ad: false, cd: opts.cd },
    rcode: 0,
    question: [question],
    answer: [],
    authority: [],
    additional: [],
    edns: { udpSize: 1232, version: 0, dnssecOk: opts.dnssecOk, zFlags: 0, options: [] },
  };
}

/** Does this range entry answer this query? (testpkts find_match with the entry's MATCH keys.) */
export function entryMatchesQuery(e: ScriptedEntry, query: Message, tcp: boolean): boolean {
  const m = e.entry.match;
  if (m.transport !== undefined && m.transport !== (tcp ? 'tcp' : 'udp')) return false;
  // serial= needs an IXFR query's SOA; a recursive resolver never sends one.
  if (m.serial !== undefined) return false;
  const first = e.packets[0];
  if (first === undefined) return false;
  return matchMessage(m, first, query).ok;
}

/** ADJUST copy_query: the reply carries the query's question (name case included). */
function adjust(e: ScriptedEntry, reply: Message, query: Message): Message {
  if (e.entry.adjust.has('copy_query')) return { ...reply, question: query.question };
  return reply;
}

export class ReplayTransport implements UpstreamTransport {
  readonly #ranges: readonly ScriptedRange[];
  /** The step whose ranges are live; testbound uses the moment after the QUERY step. */
  step = 0;
  readonly log: QueryLogItem[] = [];

  constructor(ranges: readonly ScriptedRange[]) {
    this.#ranges = ranges;
  }

  /** Synchronous core of `query`, for tests. */
  answer(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): UpstreamResult {
    const query = queryMessage(question, opts);
    for (const range of this.#ranges) {
      if (this.step < range.start || this.step > range.end) continue;
      if (range.addresses.length > 0 && !range.addresses.some((a) => sameServer(a, server))) continue;
      for (const e of range.entries) {
        if (!entryMatchesQuery(e, query, opts.tcp)) continue;
        const answeredBy = `range@${range.line}/entry@${e.entry.line}`;
        if (!e.entry.adjust.has('copy_id')) {
          // Without copy_id the reply keeps ID 0, which a resolver with random IDs discards: a drop.
          this.log.push({ step: this.step, server, question, tcp: opts.tcp, dnssecOk: opts.dnssecOk, answeredBy, note: 'no copy_id: reply dropped' });
          return { ok: false, kind: 'timeout', detail: `scripted reply at line ${e.entry.line} lacks copy_id (ID mismatch)` };
        }
        this.log.push({ step: this.step, server, question, tcp: opts.tcp, dnssecOk: opts.dnssecOk, answeredBy });
        return { ok: true, message: adjust(e, e.packets[0], query), rttMs: REPLAY_RTT_MS, tcp: opts.tcp };
      }
    }
    this.log.push({ step: this.step, server, question, tcp: opts.tcp, dnssecOk: opts.dnssecOk, answeredBy: undefined });
    return { ok: false, kind: 'timeout', detail: `no scripted answer at ${server.address}@${server.port} for ${question.name.toString()} type ${question.type} (step ${this.step})` };
  }

  async query(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
    return this.answer(server, question, opts);
  }

  /** Queries that no range answered, for failure reports. */
  unscripted(): QueryLogItem[] {
    return this.log.filter((l) => l.answeredBy === undefined);
  }
}

/** Short text for a log item. */
export function describeQuery(l: QueryLogItem): string {
  return `${l.question.name.toString()}/${l.question.type} @${l.server.address}${l.tcp ? ' tcp' : ''}`;
}

