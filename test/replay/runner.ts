// Runs one parsed scenario against a fresh resolver: each QUERY entry is encoded and handed to the
// real frontend (src/server/frontend.ts) in front of `resolve`, so flags, AD, EDE options and
// truncation are the daemon's own; the reply bytes are decoded and checked at CHECK_ANSWER per the
// entry's MATCH keys (./compare.ts); TIME_PASSES advances the injected clock. Upstream queries are answered by
// ReplayTransport from the scenario's ranges, valid at the step of the moment after the QUERY (as in
// testbound, where the resolution runs while that next moment is current).
import { createFrontend, type Frontend } from '../../src/server/frontend.ts';
import { RRType } from '../../src/wire/constants.ts';
import type { Reason } from '../../src/wire/ede.ts';
import { decodeMessage, encodeMessage } from '../../src/wire/message.ts';
import type { Resolve } from '../../src/wire/outcome.ts';
import type { Message, RR } from '../../src/wire/types.ts';
import { matchMessage, type RrPrinter } from './compare.ts';
import { buildPacket, type RrTextParser } from './packet.ts';
import { describeQuery, parseRplAddress, ReplayTransport, type ScriptedEntry, type ScriptedRange } from './replay-transport.ts';
import { serverOption, type Entry, type Scenario, type Step } from './rpl-parser.ts';

export interface ReplayClock {
  now(): number;
}

export interface ReplayEnv {
  readonly transport: ReplayTransport;
  readonly clock: ReplayClock;
}

export type ResolverFactoryResult = { ok: true; resolve: Resolve; close?: () => void } | { ok: false; reason: string };
/** Builds a fresh resolver for a scenario; `ok: false` means the scenario's config cannot be expressed. */
export type ResolverFactory = (scenario: Scenario, env: ReplayEnv) => ResolverFactoryResult;

export type ScenarioResult =
  | { readonly status: 'pass' }
  | { readonly status: 'fail'; readonly reason: string; readonly step?: number }
  | { readonly status: 'skip'; readonly reason: string };

export interface RunOptions {
  readonly parseRr: RrTextParser;
  readonly print?: RrPrinter;
  /**
   * Unbound's `minimal-responses: no` adds the zone's NS set to the authority section and glue to
   * the additional section of positive answers. That choice is Unbound's; when set, those records
   * are ignored on both sides of a comparison (default true).
   */
  readonly ignoreNonMinimalExtras?: boolean;
  /** Wall-clock guard against a resolver that never settles (the runner only; tests pin no timer). */
  readonly queryGuardMs?: number;
}

/** The clock when a scenario gives no val-override-date: any fixed instant keeps runs repeatable. */
export const DEFAULT_REPLAY_EPOCH_MS = Date.UTC(2024, 0, 1);
const MS_PER_SECOND = 1000;
const REPLAY_CLIENT = { address: '127.0.0.1', port: 53053 } as const;
/**
 * The frontend's UDP payload limit in the replay: testpkts' queries advertise 4096 and the corpus
 * was written for servers answering up to that size.
 */
export const REPLAY_MAX_UDP_SIZE = 4096;

/** `20070916134226` → ms since the epoch (UTC); a plain integer is seconds since the epoch. */
export function parseOverrideDate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(text.trim());
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (/^[0-9]+$/.test(text.trim())) return Number(text.trim()) * MS_PER_SECOND;
  return undefined;
}

/** RRSIG times in presentation form: YYYYMMDDHHmmSS, or seconds since the epoch (RFC 4034 §3.2). */
function rrsigTimeMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^[0-9]{14}$/.test(text) ? parseOverrideDate(text) : /^[0-9]{1,10}$/.test(text) ? Number(text) * MS_PER_SECOND : undefined;
}

/**
 * The instant the scenario's clock starts at. val-override-date when it is a date; otherwise (absent,
 * or `-1`, which makes Unbound ignore signature times) an instant inside every scripted RRSIG's
 * validity window where one exists, so signature times neither help nor hurt, as in Unbound's run.
 */
export function scenarioStartMs(scenario: Scenario): number {
  const pinned = parseOverrideDate(serverOption(scenario.config, 'val-override-date'));
  if (pinned !== undefined) return pinned;
  let latestInception = -Infinity;
  let earliestExpiration = Infinity;
  for (const r of scenario.ranges) for (const e of r.entries) for (const p of e.packets) {
    for (const l of [...p.sections.answer, ...p.sections.authority, ...p.sections.additional]) {
      const w = l.text.split(/\s+/);
      const i = w.findIndex((x) => x.toUpperCase() === 'RRSIG');
      if (i < 0) continue;
      const exp = rrsigTimeMs(w[i + 5]);
      const inc = rrsigTimeMs(w[i + 6]);
      if (exp === undefined || inc === undefined) continue;
      latestInception = Math.max(latestInception, inc);
      earliestExpiration = Math.min(earliestExpiration, exp);
    }
  }
  if (latestInception === -Infinity) return DEFAULT_REPLAY_EPOCH_MS;
  // Non-overlapping windows (deliberately expired signatures mixed in): the latest inception at least
  // makes every not-yet-valid signature valid; the scenario then reports what it reports.
  return latestInception <= earliestExpiration ? Math.floor((latestInception + earliestExpiration) / 2) : latestInception;
}

type Built = { ok: true; packets: Message[] } | { ok: false; reason: string };

function buildEntry(entry: Entry, parseRr: RrTextParser): Built {
  const packets: Message[] = [];
  for (const p of entry.packets) {
    const b = buildPacket(p, parseRr);
    if (!b.ok) return { ok: false, reason: `line ${b.line || entry.line}: ${b.error}` };
    packets.push(b.message);
  }
  return { ok: true, packets };
}

function buildRanges(scenario: Scenario, parseRr: RrTextParser): { ok: true; ranges: ScriptedRange[] } | { ok: false; reason: string } {
  const ranges: ScriptedRange[] = [];
  for (const r of scenario.ranges) {
    const entries: ScriptedEntry[] = [];
    for (const e of r.entries) {
      const b = buildEntry(e, parseRr);
      if (!b.ok) return b;
      entries.push({ entry: e, packets: b.packets });
    }
    ranges.push({ line: r.line, start: r.start, end: r.end, addresses: r.addresses.map(parseRplAddress), entries });
  }
  return { ok: true, ranges };
}

/** Drops the NS set from authority and A/AAAA glue from additional in a positive answer. */
function withoutNonMinimalExtras(m: Message): Message {
  if (m.answer.length === 0) return m;
  const isNs = (rr: RR): boolean => rr.type === RRType.NS || (rr.type === RRType.RRSIG && rr.rdata.length >= 2 && ((rr.rdata[0] << 8) | rr.rdata[1]) === RRType.NS);
  const glueTypes: readonly number[] = [RRType.A, RRType.AAAA];
  const isGlue = (rr: RR): boolean => glueTypes.includes(rr.type) || (rr.type === RRType.RRSIG && rr.rdata.length >= 2 && glueTypes.includes((rr.rdata[0] << 8) | rr.rdata[1]));
  return { ...m, authority: m.authority.filter((rr) => !isNs(rr)), additional: m.additional.filter((rr) => !isGlue(rr)) };
}

async function guarded<T>(p: Promise<T>, ms: number | undefined): Promise<T | 'hung'> {
  if (ms === undefined) return p;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<'hung'>((resolve) => { timer = setTimeout(() => resolve('hung'), ms); });
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(timer);
  }
}

interface PendingAnswer {
  readonly queryLine: number;
  readonly message: Message;
  /** The Outcome's reasons, for the failure report even when the reply could not carry EDE. */
  readonly reasons: readonly Reason[];
}

/** Runs one scenario. Never throws: a resolver exception becomes a failure naming the step. */
export async function runScenario(scenario: Scenario, factory: ResolverFactory, options: RunOptions): Promise<ScenarioResult> {
  const closers: (() => void)[] = [];
  try {
    return await runSteps(scenario, factory, options, closers);
  } finally {
    for (const c of closers) c();
  }
}

async function runSteps(scenario: Scenario, factory: ResolverFactory, options: RunOptions, closers: (() => void)[]): Promise<ScenarioResult> {
  const built = buildRanges(scenario, options.parseRr);
  if (!built.ok) return { status: 'fail', reason: `harness: ${built.reason}` };
  const transport = new ReplayTransport(built.ranges);
  let nowMs = scenarioStartMs(scenario);
  const clock: ReplayClock = { now: () => nowMs };
  const made = factory(scenario, { transport, clock });
  if (!made.ok) return { status: 'skip', reason: made.reason };
  if (made.close !== undefined) closers.push(made.close);
  // The frontend turns a throw into SERVFAIL; the harness wants to name it instead.
  let thrown: string | undefined;
  let lastReasons: readonly Reason[] = [];
  const resolve: Resolve = async (q) => {
    try {
      const outcome = await made.resolve(q);
      lastReasons = outcome.reasons;
      return outcome;
    } catch (e) {
      thrown = e instanceof Error ? e.message : String(e);
      throw e;
    }
  };
  const frontend: Frontend = createFrontend({ resolve, maxUdpSize: REPLAY_MAX_UDP_SIZE });
  // Unbound's default for minimal-responses changed over the years (the corpus spans them), so only
  // an explicit `yes` makes the NS set and glue of a positive answer count.
  const ignoreExtras = (options.ignoreNonMinimalExtras ?? true) && serverOption(scenario.config, 'minimal-responses') !== 'yes';
  const pending: PendingAnswer[] = [];
  const steps = scenario.steps;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    switch (step.kind) {
      case 'QUERY': {
        const b = buildEntry(step.entry, options.parseRr);
        if (!b.ok) return { status: 'fail', reason: `harness: ${b.reason}`, step: step.n };
        const queryMessage = b.packets[0];
        if (queryMessage.question.length === 0) return { status: 'fail', reason: `harness: STEP ${step.n} QUERY has no question`, step: step.n };
        transport.step = steps[i + 1]?.n ?? step.n;
        const ctx = {
          transport: step.entry.match.transport === 'tcp' ? ('tcp' as const) : ('udp' as const),
          client: step.address !== undefined ? { address: step.address, port: REPLAY_CLIENT.port } : REPLAY_CLIENT,
        };
        thrown = undefined;
        lastReasons = [];
        const r = await guarded(frontend(encodeMessage(queryMessage), ctx), options.queryGuardMs);
        if (r === 'hung') return { status: 'fail', reason: `STEP ${step.n}: resolve() did not settle`, step: step.n };
        if (thrown !== undefined) return { status: 'fail', reason: `STEP ${step.n}: resolve() threw: ${thrown}`, step: step.n };
        if (r === null) return { status: 'fail', reason: `STEP ${step.n}: the frontend sent no reply`, step: step.n };
        const reply = decodeMessage(r);
        if (!reply.ok) return { status: 'fail', reason: `STEP ${step.n}: the reply does not decode: ${reply.error}`, step: step.n };
        pending.push({ queryLine: step.line, message: reply.message, reasons: lastReasons });
        break;
      }
      case 'CHECK_ANSWER': {
        const b = buildEntry(step.entry, options.parseRr);
        if (!b.ok) return { status: 'fail', reason: `harness: ${b.reason}`, step: step.n };
        const expected = ignoreExtras ? withoutNonMinimalExtras(b.packets[0]) : b.packets[0];
        if (pending.length === 0) return { status: 'fail', reason: `STEP ${step.n} CHECK_ANSWER: no answer pending`, step: step.n };
        const compareOpts = options.print !== undefined ? { print: options.print } : {};
        let firstDifference: string | undefined;
        let matched = -1;
        for (let k = 0; k < pending.length; k++) {
          const actual = ignoreExtras ? withoutNonMinimalExtras(pending[k].message) : pending[k].message;
          const r = matchMessage(step.entry.match, expected, actual, compareOpts);
          if (r.ok) { matched = k; break; }
          firstDifference ??= r.difference;
        }
        if (matched < 0) {
          const unscripted = transport.unscripted();
          const edes = pending[0].reasons;
          const edeText = edes.length > 0 ? ` [EDE ${edes.map((e) => `${e.ede}: ${e.text}`).join('; ')}]` : '';
          const hint = edeText + (unscripted.length > 0 ? ` [unscripted upstream: ${unscripted.slice(0, 3).map(describeQuery).join(', ')}${unscripted.length > 3 ? ', …' : ''}]` : '');
          return { status: 'fail', reason: `STEP ${step.n} CHECK_ANSWER: ${firstDifference ?? 'no match'}${hint}`, step: step.n };
        }
        pending.splice(matched, 1);
        break;
      }
      case 'TIME_PASSES':
        if (step.seconds === undefined) return { status: 'skip', reason: 'TIME_PASSES with testbound macro variables' };
        nowMs += step.seconds * MS_PER_SECOND;
        break;
      case 'NOTHING':
      case 'TRAFFIC':
        break;
      case 'unsupported':
        return { status: 'skip', reason: `uses step kind ${step.name}` };
    }
  }
  if (pending.length > 0) return { status: 'fail', reason: `${pending.length} answer(s) never checked (first from the QUERY at line ${pending[0].queryLine})` };
  return { status: 'pass' };
}
