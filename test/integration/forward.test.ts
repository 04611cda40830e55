// The validating stub (issue 3): daemon B forwards everything to daemon A (which iterates the
// embedded lab) with RD=1, CD=1, DO=1 and validates locally with the lab trust anchor, exactly as
// for iterated data. Both daemons run on real loopback sockets with clocks pinned to lab.json's
// pinnedTime. A is run with validation on (so only CD=1 makes it hand over bogus data) and a second
// A without validation shows B does not depend on A's verdict.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApp, type App } from '../../src/app/start.ts';
import { labConfig } from '../../src/cli/lab.ts';
import type { Config } from '../../src/config/config.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { nullLogger } from '../../src/log/logger.ts';
import { createUdpTcpTransport } from '../../src/resolver/udp-tcp-transport.ts';
import type { UpstreamQueryOptions, UpstreamTransport } from '../../src/resolver/transport.ts';
import { Rcode, rcodeToString, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import type { Message, Question } from '../../src/wire/types.ts';
import type { ClientQuery, Outcome, Resolve } from '../../src/wire/outcome.ts';
import { ask } from './client.ts';

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { pinnedTime: string };
const PINNED = Date.parse(labJson.pinnedTime);
const startedAt = performance.now();
/** lab.json's pinned time, running at the monotonic clock's pace: both daemons share it. */
const clock = { now: () => PINNED + (performance.now() - startedAt) };
const UPSTREAM_TIMEOUT_MS = 400;
const FORWARD_TIMEOUT_MS = 3000;
const QUERY_DEADLINE_MS = 6000;

interface SeenQuery {
  readonly question: Question;
  readonly opts: UpstreamQueryOptions;
}

/** What daemon A saw from its clients (B): the query flags, as its resolve port received them. */
const seenByA: ClientQuery[] = [];
/** What B's transport sent (to A). */
const sentByB: SeenQuery[] = [];

let lab: LabHandle;
let upstreamValidating: App;
let upstreamPlain: App;
let stub: App;
let stubOverPlain: App;

function iteratingConfig(validate: boolean): Config {
  const base = labConfig(lab.port, '127.0.0.1:0', undefined, 'warn');
  return {
    ...base,
    trustAnchors: validate ? base.trustAnchors : [],
    limits: { ...base.limits, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, queryDeadlineMs: QUERY_DEADLINE_MS },
  };
}

function forwardingConfig(upstreamPort: number): Config {
  const base = labConfig(lab.port, '127.0.0.1:0', undefined, 'warn');
  return {
    ...base,
    forward: [{ zone: '.', addresses: [`127.0.0.1@${upstreamPort}`] }],
    allowLoopbackUpstreams: true,
    // A iterates (slow servers included): B waits longer for it than for an authority.
    limits: { ...base.limits, upstreamTimeoutMs: FORWARD_TIMEOUT_MS, queryDeadlineMs: QUERY_DEADLINE_MS },
  };
}

/** A recording wrapper around the real transport: B's upstream queries, flags included. */
function recordingTransport(log: SeenQuery[]): UpstreamTransport {
  const real = createUdpTcpTransport({ allowLoopbackUpstreams: true });
  return {
    query(server, question, opts) {
      log.push({ question, opts });
      return real.query(server, question, opts);
    },
  };
}

async function start(config: Config, more: { transport?: UpstreamTransport } = {}): Promise<App> {
  const r = await startApp(config, { logger: nullLogger, clock, defaultMetrics: false, ...more });
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.app;
}

/** Records what daemon A's resolve port receives (its client is B): wraps A's assembled resolve. */
function spyOn(app: App, log: ClientQuery[]): void {
  // The policy layer reaches the resolver through `resolver.resolve(q)` looked up at call time
  // (src/app/assemble.ts), so replacing that property puts the spy right below the policy layer.
  const r = app.assembly.resolver;
  const original: Resolve = r.resolve;
  (r as { resolve: Resolve }).resolve = async (q: ClientQuery): Promise<Outcome> => {
    log.push(q);
    return original(q);
  };
}

before(async () => {
  lab = await startLab({ port: 0 });
  upstreamValidating = await start(iteratingConfig(true));
  upstreamPlain = await start(iteratingConfig(false));
  spyOn(upstreamValidating, seenByA);
  stub = await start(forwardingConfig(upstreamValidating.daemon.addresses[0].port), { transport: recordingTransport(sentByB) });
  stubOverPlain = await start(forwardingConfig(upstreamPlain.daemon.addresses[0].port));
});

after(async () => {
  await Promise.all([stub, stubOverPlain, upstreamValidating, upstreamPlain].map((a) => a?.close()));
  await lab?.close();
});

const portOf = (app: App) => app.daemon.addresses[0].port;

function askB(name: string, type: number, app: App = stub): Promise<Message> {
  return ask({ name, type, edns: { dnssecOk: true } }, { port: portOf(app), timeoutMs: 15_000 });
}

function show(m: Message): string {
  return JSON.stringify({ rcode: rcodeToString(m.rcode), ad: m.flags.ad, ede: readEdes(m.edns), answer: m.answer.length });
}

const edes = (m: Message) => readEdes(m.edns).map((r) => r.ede);

test('forwarding: B sends RD=1, CD=1, DO=1 to A, and A receives CD=1', async () => {
  const m = await askB('www.secure.lab.', RRType.A);
  assert.equal(m.rcode, Rcode.NOERROR, show(m));
  assert.ok(sentByB.length > 0);
  for (const s of sentByB) {
    assert.equal(s.opts.rd, true, `${s.question.name} sent without RD`);
    assert.equal(s.opts.cd, true, `${s.question.name} sent without CD`);
    assert.equal(s.opts.dnssecOk, true, `${s.question.name} sent without DO`);
  }
  const got = seenByA.filter((q) => q.question.name.toString() === 'www.secure.lab.');
  assert.ok(got.length > 0, 'A never saw the query');
  for (const q of got) {
    assert.equal(q.cd, true);
    assert.equal(q.dnssecOk, true);
    assert.equal(q.rd, true);
  }
});

test('forwarding: secure lab names validate locally (AD) over both a validating and a non-validating A', async () => {
  for (const app of [stub, stubOverPlain]) {
    for (const [name, type] of [['www.secure.lab.', RRType.A], ['www.test.', RRType.A], ['www.example.', RRType.A], ['local.secure.lab.', RRType.A]] as const) {
      const m = await askB(name, type, app);
      assert.equal(m.rcode, Rcode.NOERROR, `${name}: ${show(m)}`);
      assert.equal(m.flags.ad, true, `${name}: ${show(m)}`);
      assert.ok(m.answer.some((rr) => rr.type === RRType.A), `${name}: ${show(m)}`);
    }
  }
});

test('forwarding: bogus names are SERVFAIL with the validator EDE (A handed the data over because of CD=1)', async () => {
  const cases = [
    ['www.changed.test.', EdeCode.DNSSEC_BOGUS],
    ['www.expired.test.', EdeCode.SIGNATURE_EXPIRED],
    ['www.notyet.test.', EdeCode.SIGNATURE_NOT_YET_VALID],
    ['www.nosig.test.', EdeCode.RRSIGS_MISSING],
  ] as const;
  for (const app of [stub, stubOverPlain]) {
    for (const [name, ede] of cases) {
      const m = await askB(name, RRType.A, app);
      assert.equal(m.rcode, Rcode.SERVFAIL, `${name}: ${show(m)}`);
      assert.equal(m.flags.ad, false);
      assert.equal(edes(m)[0], ede, `${name}: ${show(m)}`);
    }
  }
  // A itself, validating, would have refused: the CD=1 path is what handed B the data.
  const direct = await ask({ name: 'www.changed.test.', type: RRType.A, edns: { dnssecOk: true } }, { port: portOf(upstreamValidating) });
  assert.equal(direct.rcode, Rcode.SERVFAIL);
  assert.ok(seenByA.some((q) => q.question.name.toString() === 'www.changed.test.' && q.cd), 'A saw the bogus name with CD=1');
});

test('forwarding: insecure names answer without AD', async () => {
  for (const name of ['www.insecure.lab.', 'www.unsigned.optout.test.']) {
    const m = await askB(name, RRType.A);
    assert.equal(m.rcode, Rcode.NOERROR, `${name}: ${show(m)}`);
    assert.equal(m.flags.ad, false, `${name}: ${show(m)}`);
    assert.ok(m.answer.length > 0, `${name}: ${show(m)}`);
  }
  // Unsigned denials from an insecure zone: the SOA owner, not the forward zone ".", is the zone.
  const nx = await askB('nx.insecure.lab.', RRType.A);
  assert.equal(nx.rcode, Rcode.NXDOMAIN, show(nx));
  assert.equal(nx.flags.ad, false, show(nx));
  const nodata = await askB('www.insecure.lab.', RRType.TXT);
  assert.equal(nodata.rcode, Rcode.NOERROR, show(nodata));
  assert.equal(nodata.flags.ad, false, show(nodata));
});

test('forwarding: NXDOMAIN and NODATA are proven (AD) from the forwarded NSEC/NSEC3', async () => {
  for (const [name, type, rcode] of [
    ['nx.secure.lab.', RRType.A, Rcode.NXDOMAIN],
    ['nx.test.', RRType.A, Rcode.NXDOMAIN],
    ['nosuchtld.', RRType.A, Rcode.NXDOMAIN],
    ['www.secure.lab.', RRType.TXT, Rcode.NOERROR],
  ] as const) {
    const m = await askB(name, type);
    assert.equal(m.rcode, rcode, `${name}: ${show(m)}`);
    assert.equal(m.flags.ad, true, `${name}: ${show(m)}`);
  }
  // A denial without its proof is bogus here too.
  const unproven = await askB('nx.nonsec.test.', RRType.A);
  assert.equal(unproven.rcode, Rcode.SERVFAIL, show(unproven));
  assert.equal(edes(unproven)[0], EdeCode.NSEC_MISSING, show(unproven));
});
