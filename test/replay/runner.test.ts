// The runner end to end against a trivial "resolver": it forwards the client question to the
// scenario's root stub through the replay transport and returns the reply as an Outcome. This checks
// the wiring (step ranges, clock, reply building, comparison) without the real resolver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode } from '../../src/wire/constants.ts';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import type { Outcome, Resolve, Security } from '../../src/wire/outcome.ts';
import { groupRRsets } from '../../src/wire/rrset.ts';
import { Name } from '../../src/wire/name.ts';
import type { Message } from '../../src/wire/types.ts';
import { HARNESS_DIR } from './corpus.ts';
import { parseRpl, type Scenario } from './rpl-parser.ts';
import { parseRrText } from './rr-text.ts';
import { parseInfraRtt, parseOverrideDate, runScenario, scenarioStartMs, withoutNonMinimalExtras, type ResolverFactory } from './runner.ts';
import { scenarioResolverConfig } from './scenario-config.ts';
import { skipReasons } from './skip-rules.ts';

function mini(): Scenario {
  const r = parseRpl(readFileSync(join(HARNESS_DIR, 'fixtures', 'mini.rpl'), 'utf8'), 'mini.rpl');
  assert.ok(r.ok);
  return r.scenario;
}

/** The mini scenario without its Unbound-internal steps and its check of an upstream query the forwarding resolve never sends. */
function runnable(): Scenario {
  const s = mini();
  return { ...s, steps: s.steps.filter((st) => st.kind !== 'unsupported' && st.kind !== 'CHECK_OUT_QUERY') };
}

function forwardingFactory(seen: number[], security: Security = 'insecure'): ResolverFactory {
  return (scenario, env) => {
    const c = scenarioResolverConfig(scenario, parseRrText);
    if (!c.ok) return { ok: false, reason: c.reason };
    const root = c.config.stubZones[0].addresses[0];
    const resolve: Resolve = async (q) => {
      seen.push(env.clock.now());
      const r = await env.transport.query(root, q.question, { rd: false, cd: q.cd, dnssecOk: true, tcp: false, timeoutMs: 1000 });
      if (!r.ok) {
        return { rcode: Rcode.SERVFAIL, answer: [], authority: [], additional: [], security: 'indeterminate', reasons: [reason(EdeCode.NO_REACHABLE_AUTHORITY, r.detail)] };
      }
      const m = r.message;
      const outcome: Outcome = {
        rcode: m.rcode,
        answer: groupRRsets(m.answer),
        authority: groupRRsets(m.authority),
        additional: groupRRsets(m.additional),
        security,
        reasons: m.rcode === Rcode.NXDOMAIN ? [reason(EdeCode.OTHER, 'name does not exist upstream')] : [],
      };
      return outcome;
    };
    return { ok: true, resolve };
  };
}

test('mini scenario passes with a forwarding resolve; the clock is pinned and advanced', async () => {
  const seen: number[] = [];
  const r = await runScenario(runnable(), forwardingFactory(seen), { parseRr: parseRrText });
  assert.deepEqual(r, { status: 'pass' });
  const t0 = Date.UTC(2007, 8, 16, 13, 42, 26);
  assert.deepEqual(seen, [t0, t0, t0 + (3600 + 86400) * 1000]);
});

test('a wrong AD bit fails with the step and the first difference', async () => {
  const r = await runScenario(runnable(), forwardingFactory([], 'secure'), { parseRr: parseRrText });
  assert.equal(r.status, 'fail');
  assert.ok(r.status === 'fail');
  assert.match(r.reason, /^STEP 2 CHECK_ANSWER: flags: expected QR RD RA DO, got QR RD RA AD DO/);
});

test('without the minimal-responses relaxation the NS and glue extras are a difference', async () => {
  const r = await runScenario(runnable(), forwardingFactory([]), { parseRr: parseRrText, ignoreNonMinimalExtras: false });
  assert.ok(r.status === 'fail');
  assert.match(r.reason, /STEP 2 CHECK_ANSWER: authority section .*unexpected example\.com\..*NS/);
});

test('a resolver that throws or an unchecked answer is a failure, not a crash', async () => {
  const throwing: ResolverFactory = () => ({ ok: true, resolve: async () => { throw new Error('boom'); } });
  const r = await runScenario(runnable(), throwing, { parseRr: parseRrText });
  assert.ok(r.status === 'fail' && /STEP 1: resolve\(\) threw: boom/.test(r.reason));
  const s = runnable();
  const noChecks = { ...s, steps: s.steps.filter((st) => st.kind !== 'CHECK_ANSWER') };
  const r2 = await runScenario(noChecks, forwardingFactory([]), { parseRr: parseRrText });
  assert.ok(r2.status === 'fail' && /never checked/.test(r2.reason));
});

test('an unsupported step makes the run a skip; skip rules name it', async () => {
  const r = await runScenario(mini(), forwardingFactory([]), { parseRr: parseRrText });
  assert.deepEqual(r, { status: 'skip', reason: 'uses step kind CHECK_AUTOTRUST' });
  const reasons = skipReasons(mini());
  assert.match(reasons[0], /CHECK_AUTOTRUST/);
  assert.ok(!reasons.some((x) => /CHECK_OUT_QUERY/.test(x)), 'CHECK_OUT_QUERY is played, not skipped');
  assert.deepEqual(skipReasons(runnable()), []);
});

const STUB_CONFIG = 'stub-zone:\n\tname: "."\n\tstub-addr: 193.0.14.129\nCONFIG_END\nSCENARIO_BEGIN upstream script\n';
const clientQuery = (n: number, name: string) => `STEP ${n} QUERY\nENTRY_BEGIN\nREPLY RD\nSECTION QUESTION\n${name} IN A\nENTRY_END\n`;
const outQuery = (n: number, name: string) => `STEP ${n} CHECK_OUT_QUERY\nENTRY_BEGIN\nMATCH qname qtype opcode\nSECTION QUESTION\n${name} IN A\nENTRY_END\n`;
const replyStep = (n: number, name: string) => `STEP ${n} REPLY\nENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\nREPLY QR AA NOERROR\nSECTION QUESTION\n${name} IN A\nSECTION ANSWER\n${name} IN A 192.0.2.1\nENTRY_END\n`;
const checkRcode = (n: number, name: string, rcode: string) => `STEP ${n} CHECK_ANSWER\nENTRY_BEGIN\nMATCH opcode qname rcode\nREPLY QR RD RA ${rcode}\nSECTION QUESTION\n${name} IN A\nENTRY_END\n`;

function scenario(body: string): Scenario {
  const r = parseRpl(STUB_CONFIG + body + 'SCENARIO_END\n', 'upstream.rpl');
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.scenario;
}

test('upstream script: CHECK_OUT_QUERY sees the query, REPLY answers it, TIMEOUT times the next one out', async () => {
  const s = scenario(clientQuery(1, 'a.') + outQuery(2, 'a.') + replyStep(3, 'a.') + checkRcode(4, 'a.', 'NOERROR') + clientQuery(5, 'b.') + 'STEP 6 TIMEOUT\n' + checkRcode(7, 'b.', 'SERVFAIL'));
  assert.deepEqual(skipReasons(s), []);
  assert.deepEqual(await runScenario(s, forwardingFactory([]), { parseRr: parseRrText }), { status: 'pass' });
});

test('upstream script: the REPLY entry is what the resolver gets (wrong data fails the check)', async () => {
  const s = scenario(clientQuery(1, 'a.') + replyStep(3, 'a.') + `STEP 4 CHECK_ANSWER\nENTRY_BEGIN\nMATCH opcode qname answer\nREPLY QR RD RA\nSECTION QUESTION\na. IN A\nSECTION ANSWER\na. IN A 192.0.2.99\nENTRY_END\n`);
  const r = await runScenario(s, forwardingFactory([]), { parseRr: parseRrText });
  assert.ok(r.status === 'fail' && /STEP 4 CHECK_ANSWER: answer section/.test(r.reason), JSON.stringify(r));
});

test('upstream script: CHECK_OUT_QUERY fails when the resolver never sends that query', async () => {
  const s = scenario(clientQuery(1, 'a.') + outQuery(2, 'c.') + replyStep(3, 'c.') + checkRcode(4, 'a.', 'NOERROR'));
  const r = await runScenario(s, forwardingFactory([]), { parseRr: parseRrText });
  assert.ok(r.status === 'fail' && r.step === 2 && /no upstream query for c\. type 1 was sent/.test(r.reason), JSON.stringify(r));
});

test('upstream script: a REPLY or TIMEOUT with no query waiting fails', async () => {
  for (const step of [replyStep(2, 'a.'), 'STEP 2 TIMEOUT\n']) {
    const s = scenario(step + clientQuery(3, 'a.') + checkRcode(4, 'a.', 'SERVFAIL'));
    const r = await runScenario(s, forwardingFactory([]), { parseRr: parseRrText });
    assert.ok(r.status === 'fail' && r.step === 2 && /no upstream query is waiting/.test(r.reason), JSON.stringify(r));
  }
});

test('non-minimal extras: NS and glue of a NODATA without SOA are ignored, a denial with SOA is kept whole', () => {
  const ns = parseRrText('example.net. 3600 IN NS ns.example.net.', Name.root, 3600);
  const glue = parseRrText('ns.example.net. 3600 IN A 192.0.2.55', Name.root, 3600);
  const soa = parseRrText('example.net. 3600 IN SOA ns.example.net. h.example.net. 1 2 3 4 5', Name.root, 3600);
  assert.ok(ns.ok && glue.ok && soa.ok);
  const base: Message = {
    id: 0, opcode: 0, flags: { qr: true, aa: false, tc: false, rd: true, ra: true, z: false, ad: false, cd: false }, rcode: Rcode.NOERROR,
    question: [], answer: [], authority: [ns.rr], additional: [glue.rr],
  };
  const stripped = withoutNonMinimalExtras(base);
  assert.deepEqual([stripped.authority.length, stripped.additional.length], [0, 0]);
  const denial = { ...base, authority: [soa.rr, ns.rr] };
  assert.equal(withoutNonMinimalExtras(denial).authority.length, 2);
  const nx = { ...base, rcode: Rcode.NXDOMAIN };
  assert.equal(withoutNonMinimalExtras(nx).authority.length, 1);
});

test('scenario config maps stubs, forwarders with ports, anchors, NTAs and qname-minimisation', () => {
  const c = scenarioResolverConfig(mini(), parseRrText);
  assert.ok(c.ok);
  assert.equal(c.config.stubZones[0].zone.toString(), '.');
  assert.deepEqual(c.config.stubZones[0].addresses, [{ address: '193.0.14.129', port: 53 }]);
  assert.deepEqual(c.config.forwardZones[0].addresses, [{ address: '10.0.0.1', port: 5353 }]);
  assert.equal(c.config.trustAnchors.length, 1);
  assert.equal(c.config.trustAnchors[0].name.toString(), 'example.com.');
  assert.deepEqual(c.config.insecureDomains.map((n) => n.toString()), ['insecure.example.']);
  assert.equal(c.config.qnameMinimisation, false);
});

test('val-override-date forms', () => {
  assert.equal(parseOverrideDate('20070916134226'), Date.UTC(2007, 8, 16, 13, 42, 26));
  assert.equal(parseOverrideDate('1200000000'), 1200000000 * 1000);
  assert.equal(parseOverrideDate('-1'), undefined);
  assert.equal(parseOverrideDate(undefined), undefined);
});

test('without a usable val-override-date the clock starts inside the scripted RRSIG windows', () => {
  const text = (date: string) => `server:\n\tval-override-date: ${date}\nCONFIG_END\nSCENARIO_BEGIN t\nRANGE_BEGIN 0 10\nENTRY_BEGIN\nMATCH qname\nADJUST copy_id\nREPLY QR\nSECTION QUESTION\na. IN A\nSECTION ANSWER\na. 3600 IN RRSIG A 8 1 3600 20121126131853 20121029131853 64050 . AAAA\na. 3600 IN RRSIG A 8 1 3600 20121120000000 20121101000000 64050 . AAAA\nENTRY_END\nRANGE_END\nSCENARIO_END\n`;
  const parse = (d: string) => {
    const r = parseRpl(text(d));
    assert.ok(r.ok);
    return r.scenario;
  };
  assert.equal(scenarioStartMs(parse('"-1"')), (Date.UTC(2012, 10, 1) + Date.UTC(2012, 10, 20)) / 2);
  assert.equal(scenarioStartMs(parse("'20091018111500'")), Date.UTC(2009, 9, 18, 11, 15, 0));
});

/** Hex of a header (ID 0, RD) and one question `a. IN A`, as a HEX_ANSWER block writes it. */
const HEX_QUERY_A = '0000 0100 0001 0000 0000 0000 0161 00 0001 0001';

test('HEX_ANSWER: a raw client query goes out byte for byte, a raw expected reply is compared', async () => {
  const hexQuery = `STEP 1 QUERY\nENTRY_BEGIN\nHEX_ANSWER_BEGIN\n${HEX_QUERY_A}\nHEX_ANSWER_END\nENTRY_END\n`;
  // The reply the forwarding resolve gives: QR RD RA, NOERROR, `a. IN A`, the scripted 192.0.2.1.
  const answerHex = (address: string) => `0000 8180 0001 0001 0000 0000 0161 00 0001 0001 c00c 0001 0001 00000e10 0004 ${address}`;
  const hexCheck = (address: string) => `STEP 4 CHECK_ANSWER\nENTRY_BEGIN\nMATCH all\nHEX_ANSWER_BEGIN\n${answerHex(address)}\nHEX_ANSWER_END\nENTRY_END\n`;
  const good = scenario(hexQuery + replyStep(3, 'a.') + hexCheck('c0000201'));
  assert.deepEqual(skipReasons(good), []);
  assert.deepEqual(await runScenario(good, forwardingFactory([]), { parseRr: parseRrText }), { status: 'pass' });
  const wrong = scenario(hexQuery + replyStep(3, 'a.') + hexCheck('c0000263'));
  const r = await runScenario(wrong, forwardingFactory([]), { parseRr: parseRrText });
  assert.ok(r.status === 'fail' && /STEP 4 CHECK_ANSWER: answer section/.test(r.reason), JSON.stringify(r));
});

test('HEX_ANSWER: a query that does not decode reaches the frontend, which answers FORMERR', async () => {
  // QDCOUNT 1 and a label that runs past the end of the packet.
  const s = scenario(`STEP 1 QUERY\nENTRY_BEGIN\nHEX_ANSWER_BEGIN\n0000 0100 0001 0000 0000 0000 3f61\nHEX_ANSWER_END\nENTRY_END\n` +
    `STEP 2 CHECK_ANSWER\nENTRY_BEGIN\nMATCH opcode rcode question\nREPLY QR RD FORMERR\nENTRY_END\n`);
  const seen: number[] = [];
  assert.deepEqual(await runScenario(s, forwardingFactory(seen), { parseRr: parseRrText }), { status: 'pass' });
  assert.deepEqual(seen, [], 'the resolver is never asked');
});

test('client queries advertise 1232 octets as testpkts does: a larger UDP reply is truncated (TC, sections emptied)', async () => {
  // 80 A records: about 1300 octets, more than 1232 but far less than the 4096 older testpkts wrote.
  const many = Array.from({ length: 80 }, (_, i) => `big. IN A 192.0.2.${i + 1}`).join('\n');
  const reply = `STEP 3 REPLY\nENTRY_BEGIN\nMATCH opcode qtype qname\nADJUST copy_id\nREPLY QR AA NOERROR\nSECTION QUESTION\nbig. IN A\nSECTION ANSWER\n${many}\nENTRY_END\n`;
  const query = `STEP 1 QUERY\nENTRY_BEGIN\nREPLY RD DO\nSECTION QUESTION\nbig. IN A\nENTRY_END\n`;
  const check = `STEP 4 CHECK_ANSWER\nENTRY_BEGIN\nMATCH all\nREPLY QR TC RD RA DO NOERROR\nSECTION QUESTION\nbig. IN A\nENTRY_END\n`;
  assert.deepEqual(await runScenario(scenario(query + reply + check), forwardingFactory([]), { parseRr: parseRrText }), { status: 'pass' });
});

/** A scenario whose server changes its answer at step 40; the client's later answers come from a cache refreshed in the background. */
const BACKGROUND_RPL = `server:
	minimal-responses: yes
stub-zone:
	name: "."
	stub-addr: 193.0.14.129
CONFIG_END
SCENARIO_BEGIN background traffic
RANGE_BEGIN 0 30
	ADDRESS 193.0.14.129
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR AA NOERROR
SECTION QUESTION
www.example.com. IN A
SECTION ANSWER
www.example.com. 300 IN A 10.0.0.1
ENTRY_END
RANGE_END
RANGE_BEGIN 40 100
	ADDRESS 193.0.14.129
ENTRY_BEGIN
MATCH opcode qtype qname
ADJUST copy_id
REPLY QR AA NOERROR
SECTION QUESTION
www.example.com. IN A
SECTION ANSWER
www.example.com. 300 IN A 10.0.0.2
ENTRY_END
RANGE_END
${[1, 40, 60].map((n, i) => `STEP ${n} QUERY
ENTRY_BEGIN
REPLY RD
SECTION QUESTION
www.example.com. IN A
ENTRY_END
STEP ${n + 1} CHECK_ANSWER
ENTRY_BEGIN
MATCH all
REPLY QR RD RA NOERROR
SECTION QUESTION
www.example.com. IN A
SECTION ANSWER
www.example.com. 300 IN A 10.0.0.${i === 2 ? 2 : 1}
ENTRY_END
${n === 40 ? 'STEP 50 TRAFFIC\n' : ''}`).join('')}SCENARIO_END
`;

test('background upstream queries (a prefetch) are answered by the ranges of the moment they wait in', async () => {
  const parsed = parseRpl(BACKGROUND_RPL, 'background.rpl');
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  // Answers from its cache at once once it has something, refreshing it behind the answer.
  const factory: ResolverFactory = (scenario, env) => {
    const c = scenarioResolverConfig(scenario, parseRrText);
    if (!c.ok) return { ok: false, reason: c.reason };
    const root = c.config.stubZones[0].addresses[0];
    let cached: Outcome | undefined;
    const fetch = async (q: Parameters<Resolve>[0]): Promise<Outcome> => {
      const r = await env.transport.query(root, q.question, { rd: false, cd: false, dnssecOk: false, tcp: false, timeoutMs: 1000 });
      assert.ok(r.ok);
      cached = { rcode: r.message.rcode, answer: groupRRsets(r.message.answer), authority: [], additional: [], security: 'insecure', reasons: [] };
      return cached;
    };
    const resolve: Resolve = async (q) => {
      if (cached === undefined) return fetch(q);
      const answer = cached;
      void fetch(q);
      return answer;
    };
    return { ok: true, resolve };
  };
  assert.deepEqual(await runScenario(parsed.scenario, factory, { parseRr: parseRrText }), { status: 'pass' });
});

test('INFRA_RTT hands the RTT to the resolver before the steps after it; without the hook it is a skip', async () => {
  assert.deepEqual(parseInfraRtt('1.2.3.44 example.net. 900'), { server: { address: '1.2.3.44', port: 53 }, rttMs: 900 });
  assert.equal(parseInfraRtt('1.2.3.44 900'), undefined);
  const s = scenario('STEP 1 INFRA_RTT 1.2.3.44 example.net. 900\n' + clientQuery(2, 'a.') + replyStep(3, 'a.') + checkRcode(4, 'a.', 'NOERROR'));
  assert.deepEqual(skipReasons(s), []);
  const rtts: string[] = [];
  const base = forwardingFactory([]);
  const withRtt: ResolverFactory = (sc, env) => {
    const made = base(sc, env);
    return made.ok ? { ...made, recordRtt: (server, ms) => rtts.push(`${server.address}@${server.port} ${ms}`) } : made;
  };
  assert.deepEqual(await runScenario(s, withRtt, { parseRr: parseRrText }), { status: 'pass' });
  assert.deepEqual(rtts, ['1.2.3.44@53 900']);
  assert.deepEqual(await runScenario(s, base, { parseRr: parseRrText }), { status: 'skip', reason: 'INFRA_RTT: this resolver takes no RTT' });
});
