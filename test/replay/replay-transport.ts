// An in-process upstream transport that answers from a scenario's scripted servers (RANGE blocks).
// It never opens a socket: the addresses in the scenarios are only keys into the range table.
// Matching follows testbound's pending_find_match: the first range (file order) whose step interval
// holds the current step, whose ADDRESS matches (or that has none) and that has an entry matching
// the query wins; within a range, the first matching entry wins. The reply's ID is never checked:
// testbound hands the resolver whatever the entry holds (copy_id only makes the bytes right), so a
// reply without copy_id is delivered as well.
//
// Two modes. Immediate (the default, for unit tests): a query is answered at once, an unscripted
// one as a timeout. Held (the runner's): every query waits in `pending`, newest first as in
// testbound's pending list, until the runner answers it from a range, a REPLY step, a TIMEOUT
// step, or times it out because nothing in the script will ever answer it.
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
export function queryMessage(question: Question, opts: UpstreamQueryOptions): Message {
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

/** A query the resolver has sent and that waits for the runner (held mode). */
export interface PendingQuery {
  readonly server: ServerAddress;
  readonly question: Question;
  readonly opts: UpstreamQueryOptions;
  /** The query as testbound would see it on the wire, for MATCH keys. */
  readonly message: Message;
  /** The step that was current when it was sent. */
  readonly sentAt: number;
}

interface Waiter {
  readonly query: PendingQuery;
  readonly settle: (r: UpstreamResult) => void;
}

export class ReplayTransport implements UpstreamTransport {
  readonly #ranges: readonly ScriptedRange[];
  /** The step whose ranges are live; testbound uses the moment after the QUERY step. */
  step = 0;
  readonly log: QueryLogItem[] = [];
  /** Held mode: queries wait in `pending` for the runner instead of being answered at once. */
  hold = false;
  /** Called (held mode) the moment a query is sent, before anything answers it. */
  onSend: ((q: PendingQuery) => void) | undefined;
  readonly #waiting: Waiter[] = [];

  constructor(ranges: readonly ScriptedRange[]) {
    this.#ranges = ranges;
  }

  /** The first range entry (testbound's order) that answers this query at the current step. */
  rangeEntry(server: ServerAddress, query: Message, tcp: boolean): { entry: ScriptedEntry; answeredBy: string } | undefined {
    for (const range of this.#ranges) {
      if (this.step < range.start || this.step > range.end) continue;
      if (range.addresses.length > 0 && !range.addresses.some((a) => sameServer(a, server))) continue;
      for (const e of range.entries) {
        if (entryMatchesQuery(e, query, tcp)) return { entry: e, answeredBy: `range@${range.line}/entry@${e.entry.line}` };
      }
    }
    return undefined;
  }

  /** Synchronous core of `query` in immediate mode, for tests. */
  answer(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): UpstreamResult {
    const query = queryMessage(question, opts);
    const found = this.rangeEntry(server, query, opts.tcp);
    this.log.push({ step: this.step, server, question, tcp: opts.tcp, dnssecOk: opts.dnssecOk, answeredBy: found?.answeredBy });
    if (found !== undefined) return replyFrom(found.entry, query, opts.tcp);
    return unscriptedTimeout(server, question, this.step);
  }

  async query(server: ServerAddress, question: Question, opts: UpstreamQueryOptions): Promise<UpstreamResult> {
    if (!this.hold) return this.answer(server, question, opts);
    const pending: PendingQuery = { server, question, opts, message: queryMessage(question, opts), sentAt: this.step };
    return new Promise<UpstreamResult>((settle) => {
      // Newest first: testbound's REPLY and TIMEOUT steps act on the head of its pending list.
      this.#waiting.unshift({ query: pending, settle });
      this.onSend?.(pending);
    });
  }

  /** Queries waiting for an answer (held mode), newest first. */
  get pending(): readonly PendingQuery[] {
    return this.#waiting.map((w) => w.query);
  }

  /** Answers a pending query from a range, if one answers it now; true when it did. */
  answerFromRanges(p: PendingQuery): boolean {
    const found = this.rangeEntry(p.server, p.message, p.opts.tcp);
    if (found === undefined) return false;
    this.#settle(p, replyFrom(found.entry, p.message, p.opts.tcp), found.answeredBy);
    return true;
  }

  /** Answers a pending query with a step's entry (REPLY, or CHECK_OUT_QUERY with copy_id). */
  answerWith(p: PendingQuery, e: ScriptedEntry, by: string): void {
    this.#settle(p, replyFrom(e, p.message, p.opts.tcp), by);
  }

  /** Times a pending query out: a TIMEOUT step, or a query nothing in the script answers. */
  timeOut(p: PendingQuery, by: string | undefined): void {
    const r: UpstreamResult = by === undefined ? unscriptedTimeout(p.server, p.question, this.step) : { ok: false, kind: 'timeout', detail: `${by}: timed out` };
    this.#settle(p, r, by);
  }

  /** An ERROR step: the connection failed. */
  fail(p: PendingQuery, by: string): void {
    this.#settle(p, { ok: false, kind: 'network', detail: `${by}: connection closed` }, by);
  }

  #settle(p: PendingQuery, r: UpstreamResult, answeredBy: string | undefined): void {
    const i = this.#waiting.findIndex((w) => w.query === p);
    if (i < 0) return;
    const [w] = this.#waiting.splice(i, 1);
    this.log.push({ step: this.step, server: p.server, question: p.question, tcp: p.opts.tcp, dnssecOk: p.opts.dnssecOk, answeredBy });
    w.settle(r);
  }

  /** Queries that no range answered, for failure reports. */
  unscripted(): QueryLogItem[] {
    return this.log.filter((l) => l.answeredBy === undefined);
  }
}

function replyFrom(e: ScriptedEntry, query: Message, tcp: boolean): UpstreamResult {
  return { ok: true, message: adjust(e, e.packets[0], query), rttMs: REPLAY_RTT_MS, tcp };
}

function unscriptedTimeout(server: ServerAddress, question: Question, step: number): UpstreamResult {
  return { ok: false, kind: 'timeout', detail: `no scripted answer at ${server.address}@${server.port} for ${question.name.toString()} type ${question.type} (step ${step})` };
}

/** Short text for a log item. */
export function describeQuery(l: QueryLogItem): string {
  return `${l.question.name.toString()}/${l.question.type} @${l.server.address}${l.tcp ? ' tcp' : ''}`;
}

