// Runs one parsed scenario against a fresh resolver: each QUERY entry is encoded and handed to the
// real frontend (src/server/frontend.ts) in front of `resolve`, so flags, AD, EDE options and
// truncation are the daemon's own; the reply bytes are decoded and checked at CHECK_ANSWER per the
// entry's MATCH keys (./compare.ts); TIME_PASSES advances the injected clock. Upstream queries wait
// in ReplayTransport until the scenario answers them: from its ranges at the current step (the
// moment after the QUERY, as in testbound), from a REPLY step, or with a TIMEOUT step; a
// CHECK_OUT_QUERY step checks that the resolver sent the query it names. Queries the resolver sends
// on its own after answering (a prefetch) wait the same way and are answered by the ranges of the
// moment they wait in; TRAFFIC only moves on, as testbound's does.
import { createFrontend, type Frontend } from '../../src/server/frontend.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import type { Reason } from '../../src/wire/ede.ts';
import { decodeMessage, encodeMessage } from '../../src/wire/message.ts';
import type { Resolve } from '../../src/wire/outcome.ts';
import type { Message, RR } from '../../src/wire/types.ts';
import { matchMessage, type RrPrinter } from './compare.ts';
import { buildPacket, type RrTextParser } from './packet.ts';
import { describeQuery, entryMatchesQuery, parseRplAddress, ReplayTransport, type ScriptedEntry, type ScriptedRange, type ServerAddress } from './replay-transport.ts';
import { serverOption, type Entry, type Scenario, type Step } from './rpl-parser.ts';

export interface ReplayClock {
  now(): number;
}

export interface ReplayEnv {
  readonly transport: ReplayTransport;
  readonly clock: ReplayClock;
}

export type ResolverFactoryResult =
  | {
    ok: true;
    resolve: Resolve;
    close?: () => void;
    /** INFRA_RTT: the resolver measured this RTT to the server (anchord keeps RTTs per address, not per zone). */
    recordRtt?: (server: ServerAddress, rttMs: number) => void;
  }
  | { ok: false; reason: string };
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
 * The frontend's UDP payload limit in the replay: testpkts' client queries advertise 1232
 * (RPL_EDNS_UDP_SIZE) and Unbound's own max-udp-size default is 1232, so whether a reply needs TC
 * is decided against the same size as in testbound.
 */
export const REPLAY_MAX_UDP_SIZE = 1232;

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

/**
 * Drops the NS set from authority and A/AAAA glue from additional in a positive answer, and in a
 * NOERROR reply without answer records whose authority holds no SOA (an upstream NODATA without
 * SOA: Unbound passes the upstream's NS set on there, a negative answer proper has only its SOA
 * and proofs).
 */
export function withoutNonMinimalExtras(m: Message): Message {
  if (m.answer.length === 0 && (m.rcode !== Rcode.NOERROR || m.authority.some((rr) => rr.type === RRType.SOA))) return m;
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

const INFRA_RTT = 'INFRA_RTT';

/**
 * `STEP n INFRA_RTT 1.2.3.44 example.net. 900`: testbound sets Unbound's RTT estimate for the server
 * (per zone there; the zone is not needed here, anchord's estimate is per address).
 */
export function parseInfraRtt(args: string): { server: ServerAddress; rttMs: number } | undefined {
  const w = args.trim().split(/\s+/);
  if (w.length !== 3 || !/^[0-9]+$/.test(w[2])) return undefined;
  return { server: parseRplAddress(w[0]), rttMs: Number(w[2]) };
}

/** testbound gives up after this many event rounds ("it loops"); ours counts the same way. */
const MAX_ROUNDS = 20_000;

/**
 * Lets the resolver run until it waits on the replay transport: it uses no timers, so once the
 * macrotask queue comes round every promise chain that can move has moved.
 */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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

type StepEntries = Map<Step, ScriptedEntry>;

/** Builds the entries of CHECK_OUT_QUERY / REPLY steps up front, so a bad one fails before any query. */
function buildStepEntries(steps: readonly Step[], parseRr: RrTextParser): { ok: true; entries: StepEntries } | { ok: false; reason: string; step: number } {
  const entries: StepEntries = new Map();
  for (const st of steps) {
    if (st.kind !== 'CHECK_OUT_QUERY' && st.kind !== 'REPLY') continue;
    const b = buildEntry(st.entry, parseRr);
    if (!b.ok) return { ok: false, reason: b.reason, step: st.n };
    entries.set(st, { entry: st.entry, packets: b.packets });
  }
  return { ok: true, entries };
}

/**
 * The event loop of testbound's run_scenario (testcode/fake_event.c), one round at a time after
 * the resolver has settled:
 *   1. the current moment is CHECK_OUT_QUERY and a pending upstream query matches it: the moment
 *      is done (with copy_id its entry also answers the query);
 *   2. the current moment is CHECK_ANSWER and a reply is there: check it;
 *   3. a pending upstream query is answered by a RANGE at the current step: answer it;
 *   4. otherwise do the moment (QUERY, REPLY, TIMEOUT, ERROR, TIME_PASSES, …).
 * Where testbound stops with "not matched" while upstream queries wait that nothing in the script
 * answers (an extra query Unbound would not have sent), those queries time out instead and the
 * moment is tried again: only when nothing is left waiting is the step a failure.
 */
async function runSteps(scenario: Scenario, factory: ResolverFactory, options: RunOptions, closers: (() => void)[]): Promise<ScenarioResult> {
  const built = buildRanges(scenario, options.parseRr);
  if (!built.ok) return { status: 'fail', reason: `harness: ${built.reason}` };
  const steps = scenario.steps;
  const unsupported = steps.find((st) => st.kind === 'unsupported' && st.name !== INFRA_RTT);
  if (unsupported !== undefined && unsupported.kind === 'unsupported') return { status: 'skip', reason: `uses step kind ${unsupported.name}` };
  if (steps.some((st) => st.kind === 'TIME_PASSES' && st.seconds === undefined)) return { status: 'skip', reason: 'TIME_PASSES with testbound macro variables' };
  const stepEntries = buildStepEntries(steps, options.parseRr);
  if (!stepEntries.ok) return { status: 'fail', reason: `harness: ${stepEntries.reason}`, step: stepEntries.step };
  const transport = new ReplayTransport(built.ranges);
  transport.hold = true;
  let nowMs = scenarioStartMs(scenario);
  const clock: ReplayClock = { now: () => nowMs };
  const made = factory(scenario, { transport, clock });
  if (!made.ok) return { status: 'skip', reason: made.reason };
  if (made.close !== undefined) closers.push(made.close);
  const rttSteps = steps.filter((st) => st.kind === 'unsupported' && st.name === INFRA_RTT);
  if (rttSteps.length > 0 && made.recordRtt === undefined) return { status: 'skip', reason: 'INFRA_RTT: this resolver takes no RTT' };
  for (const st of rttSteps) {
    if (st.kind === 'unsupported' && parseInfraRtt(st.args) === undefined) return { status: 'fail', reason: `harness: STEP ${st.n} INFRA_RTT "${st.args}" is not "address zone rtt"`, step: st.n };
  }
  // Unbound's default for minimal-responses changed over the years (the corpus spans them), so only
  // an explicit `yes` makes the NS set and glue of a positive answer count.
  const ignoreExtras = (options.ignoreNonMinimalExtras ?? true) && serverOption(scenario.config, 'minimal-responses') !== 'yes';
  const answers: PendingAnswer[] = [];
  /** A client query that went wrong in a way the harness reports at once (throw, no reply). */
  let broken: { reason: string; step: number } | undefined;

  let now = 0;
  const lastStep = steps.length > 0 ? steps[steps.length - 1].n : 0;
  const advance = (): void => {
    now++;
    transport.step = steps[now]?.n ?? lastStep;
  };
  transport.step = steps[0]?.n ?? 0;
  // testbound's pending_udp_query: a query matching the current CHECK_OUT_QUERY when it is sent
  // completes that moment at once (the query itself still waits for an answer).
  transport.onSend = (p) => {
    const m = steps[now];
    if (m?.kind !== 'CHECK_OUT_QUERY') return;
    const e = stepEntries.entries.get(m);
    if (e !== undefined && entryMatchesQuery(e, p.message, p.opts.tcp)) advance();
  };

  /** `query` is the client's packet as bytes: a HEX_ANSWER query goes out exactly as written. */
  const sendClientQuery = (step: Extract<Step, { kind: 'QUERY' }>, query: Uint8Array): void => {
    let thrown: string | undefined;
    let reasons: readonly Reason[] = [];
    const resolve: Resolve = async (q) => {
      try {
        const outcome = await made.resolve(q);
        reasons = outcome.reasons;
        return outcome;
      } catch (e) {
        // The frontend turns a throw into SERVFAIL; the harness wants to name it instead.
        thrown = e instanceof Error ? e.message : String(e);
        throw e;
      }
    };
    const frontend: Frontend = createFrontend({ resolve, maxUdpSize: REPLAY_MAX_UDP_SIZE });
    const ctx = {
      transport: step.entry.match.transport === 'tcp' ? ('tcp' as const) : ('udp' as const),
      client: step.address !== undefined ? { address: step.address, port: REPLAY_CLIENT.port } : REPLAY_CLIENT,
    };
    frontend(query, ctx).then(
      (r) => {
        if (thrown !== undefined) broken ??= { reason: `STEP ${step.n}: resolve() threw: ${thrown}`, step: step.n };
        else if (r === null) broken ??= { reason: `STEP ${step.n}: the frontend sent no reply`, step: step.n };
        else {
          const reply = decodeMessage(r);
          if (!reply.ok) broken ??= { reason: `STEP ${step.n}: the reply does not decode: ${reply.error}`, step: step.n };
          else answers.push({ queryLine: step.line, message: reply.message, reasons });
        }
      },
      (e: unknown) => {
        broken ??= { reason: `STEP ${step.n}: the frontend threw: ${e instanceof Error ? e.message : String(e)}`, step: step.n };
      },
    );
  };

  /** Times out every waiting query: none of them is answered by anything in the script. */
  const timeOutUnscripted = (): boolean => {
    const waiting = transport.pending;
    for (const p of waiting) transport.timeOut(p, undefined);
    return waiting.length > 0;
  };

  const unscriptedHint = (): string => {
    const unscripted = transport.unscripted();
    return unscripted.length > 0 ? ` [unscripted upstream: ${unscripted.slice(0, 3).map(describeQuery).join(', ')}${unscripted.length > 3 ? ', …' : ''}]` : '';
  };

  const started = Date.now();
  for (let rounds = 0; ; rounds++) {
    await settle();
    if (broken !== undefined) return { status: 'fail', reason: broken.reason, step: broken.step };
    if (rounds > MAX_ROUNDS) return { status: 'fail', reason: `harness: more than ${MAX_ROUNDS} rounds at STEP ${steps[now]?.n ?? lastStep}, it loops` };
    if (options.queryGuardMs !== undefined && Date.now() - started > options.queryGuardMs * Math.max(1, steps.length)) {
      return { status: 'fail', reason: `STEP ${steps[now]?.n ?? lastStep}: resolve() did not settle` };
    }
    const m: Step | undefined = steps[now];
    const waiting = transport.pending;

    if (m?.kind === 'CHECK_OUT_QUERY') {
      const e = stepEntries.entries.get(m);
      const p = e === undefined ? undefined : waiting.find((q) => entryMatchesQuery(e, q.message, q.opts.tcp));
      if (e !== undefined && p !== undefined) {
        advance();
        if (e.entry.adjust.has('copy_id')) transport.answerWith(p, e, `STEP ${m.n} CHECK_OUT_QUERY`);
        continue;
      }
    }
    if (m?.kind === 'CHECK_ANSWER' && answers.length > 0) {
      const r = checkAnswer(m, answers, options, ignoreExtras);
      if (!r.ok) return { status: 'fail', reason: r.reason + unscriptedHint(), step: m.n };
      advance();
      continue;
    }
    if (waiting.some((p) => transport.answerFromRanges(p))) continue;

    if (m === undefined) {
      if (timeOutUnscripted()) continue;
      break;
    }
    switch (m.kind) {
      case 'QUERY': {
        // testbound sends a HEX_ANSWER query byte for byte, malformed or not (a name over 255
        // octets, say): the frontend, not the harness, must cope with it.
        const raw = m.entry.packets[0]?.hexAnswer;
        if (raw !== undefined) {
          advance();
          sendClientQuery(m, raw);
          break;
        }
        const b = buildEntry(m.entry, options.parseRr);
        if (!b.ok) return { status: 'fail', reason: `harness: ${b.reason}`, step: m.n };
        const queryMessage = b.packets[0];
        if (queryMessage.question.length === 0) return { status: 'fail', reason: `harness: STEP ${m.n} QUERY has no question`, step: m.n };
        // As testbound: the moment moves on first, so the ranges of the next step answer.
        advance();
        sendClientQuery(m, encodeMessage(queryMessage));
        break;
      }
      case 'CHECK_ANSWER':
        if (timeOutUnscripted()) break;
        return { status: 'fail', reason: `STEP ${m.n} CHECK_ANSWER: no answer pending${unscriptedHint()}`, step: m.n };
      case 'CHECK_OUT_QUERY': {
        if (timeOutUnscripted()) break;
        const q = stepEntries.entries.get(m)?.packets[0]?.question[0];
        const what = q !== undefined ? `${q.name.toString()} type ${q.type}` : 'the scripted query';
        return { status: 'fail', reason: `STEP ${m.n} CHECK_OUT_QUERY: no upstream query for ${what} was sent${unscriptedHint()}`, step: m.n };
      }
      case 'REPLY': {
        const e = stepEntries.entries.get(m);
        // testbound answers the newest pending query whatever it is; one the entry matches is
        // preferred here, so an extra query of ours does not take the scripted reply.
        const p = e === undefined ? undefined : waiting.find((q) => entryMatchesQuery(e, q.message, q.opts.tcp)) ?? waiting[0];
        if (e === undefined || p === undefined) return { status: 'fail', reason: `STEP ${m.n} REPLY: no upstream query is waiting for it`, step: m.n };
        advance();
        transport.answerWith(p, e, `STEP ${m.n} REPLY`);
        break;
      }
      case 'TIMEOUT':
      case 'ERROR': {
        const p = waiting[0];
        if (p === undefined) return { status: 'fail', reason: `STEP ${m.n} ${m.kind}: no upstream query is waiting for it`, step: m.n };
        advance();
        if (m.kind === 'TIMEOUT') transport.timeOut(p, `STEP ${m.n} TIMEOUT`);
        else transport.fail(p, `STEP ${m.n} ERROR`);
        break;
      }
      case 'TIME_PASSES':
        nowMs += (m.seconds ?? 0) * MS_PER_SECOND;
        advance();
        break;
      case 'NOTHING':
      case 'TRAFFIC':
        advance();
        break;
      case 'unsupported': {
        const rtt = m.name === INFRA_RTT ? parseInfraRtt(m.args) : undefined;
        if (rtt === undefined || made.recordRtt === undefined) return { status: 'skip', reason: `uses step kind ${m.name}` };
        made.recordRtt(rtt.server, rtt.rttMs);
        advance();
        break;
      }
    }
  }
  if (answers.length > 0) return { status: 'fail', reason: `${answers.length} answer(s) never checked (first from the QUERY at line ${answers[0].queryLine})` };
  return { status: 'pass' };
}

/** CHECK_ANSWER: the first waiting reply that matches the entry is taken (testbound's answer_check_it). */
function checkAnswer(step: Extract<Step, { kind: 'CHECK_ANSWER' }>, answers: PendingAnswer[], options: RunOptions, ignoreExtras: boolean): { ok: true } | { ok: false; reason: string } {
  const b = buildEntry(step.entry, options.parseRr);
  if (!b.ok) return { ok: false, reason: `harness: ${b.reason}` };
  const expected = ignoreExtras ? withoutNonMinimalExtras(b.packets[0]) : b.packets[0];
  const compareOpts = options.print !== undefined ? { print: options.print } : {};
  let firstDifference: string | undefined;
  for (let k = 0; k < answers.length; k++) {
    const actual = ignoreExtras ? withoutNonMinimalExtras(answers[k].message) : answers[k].message;
    const r = matchMessage(step.entry.match, expected, actual, compareOpts);
    if (r.ok) {
      answers.splice(k, 1);
      return { ok: true };
    }
    firstDifference ??= r.difference;
  }
  const edes = answers[0].reasons;
  const edeText = edes.length > 0 ? ` [EDE ${edes.map((e) => `${e.ede}: ${e.text}`).join('; ')}]` : '';
  return { ok: false, reason: `STEP ${step.n} CHECK_ANSWER: ${firstDifference ?? 'no match'}${edeText}` };
}
