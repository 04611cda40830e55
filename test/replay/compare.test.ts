import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EdeCode, reason } from '../../src/wire/ede.ts';
import { makeEdeOption } from '../../src/wire/edns.ts';
import type { Message } from '../../src/wire/types.ts';
import { matchMessage } from './compare.ts';
import { buildPacket } from './packet.ts';
import { parseRpl, type MatchSpec } from './rpl-parser.ts';
import { parseRrText } from './rr-text.ts';

/** Builds (match, message) from one entry written in rpl syntax. */
function entry(body: string): { match: MatchSpec; message: Message } {
  const r = parseRpl(`CONFIG_END\nSCENARIO_BEGIN t\nSTEP 1 CHECK_ANSWER\nENTRY_BEGIN\n${body}\nENTRY_END\nSCENARIO_END\n`);
  assert.ok(r.ok, r.ok ? '' : r.error);
  const st = r.scenario.steps[0];
  assert.ok(st.kind === 'CHECK_ANSWER');
  const b = buildPacket(st.entry.packets[0], parseRrText);
  assert.ok(b.ok, b.ok ? '' : b.error);
  return { match: st.entry.match, message: b.message };
}

const EXPECTED = `MATCH all
REPLY QR RD RA AD DO NOERROR
SECTION QUESTION
www.example.com. IN A
SECTION ANSWER
www.example.com. 3600 IN A 10.0.0.1
www.example.com. 3600 IN A 10.0.0.2
SECTION AUTHORITY
example.com. 3600 IN NS ns.example.com.`;

test('all: identical packets match; record order inside a section does not matter', () => {
  const e = entry(EXPECTED);
  const reordered = entry(EXPECTED.replace('10.0.0.1\nwww.example.com. 3600 IN A 10.0.0.2', '10.0.0.2\nwww.example.com. 3600 IN A 10.0.0.1'));
  assert.deepEqual(matchMessage(e.match, e.message, e.message), { ok: true });
  assert.deepEqual(matchMessage(e.match, e.message, reordered.message), { ok: true });
});

test('all: flags, rcode, EDNS presence and records are compared', () => {
  const e = entry(EXPECTED);
  const noAd = entry(EXPECTED.replace('RA AD DO', 'RA DO'));
  const r1 = matchMessage(e.match, e.message, noAd.message);
  assert.ok(!r1.ok && /flags: expected QR RD RA AD DO, got QR RD RA DO/.test(r1.difference), JSON.stringify(r1));
  const noEdns = entry(EXPECTED.replace('AD DO', 'AD'));
  const r2 = matchMessage(e.match, e.message, noEdns.message);
  assert.ok(!r2.ok && /flags|EDNS/.test(r2.difference));
  const nx = entry(EXPECTED.replace('DO NOERROR', 'DO NXDOMAIN'));
  const r3 = matchMessage(e.match, e.message, nx.message);
  assert.ok(!r3.ok && /rcode: expected NOERROR, got NXDOMAIN/.test(r3.difference));
  const other = entry(EXPECTED.replace('10.0.0.2', '10.0.0.3'));
  const r4 = matchMessage(e.match, e.message, other.message);
  assert.ok(!r4.ok && /answer section .*missing .*10\.0\.0\.2.*unexpected .*10\.0\.0\.3/.test(r4.difference), JSON.stringify(r4));
  const noAuth = entry(EXPECTED.replace(/SECTION AUTHORITY\n.*$/, ''));
  const r5 = matchMessage(e.match, e.message, noAuth.message);
  assert.ok(!r5.ok && /authority section \(1 expected, 0 got\)/.test(r5.difference), JSON.stringify(r5));
});

test('TTLs are ignored unless MATCH ttl; names compare case-insensitively', () => {
  const e = entry(EXPECTED);
  const ttl = entry(EXPECTED.replace('www.example.com. 3600 IN A 10.0.0.1', 'WWW.Example.com. 42 IN A 10.0.0.1'));
  assert.deepEqual(matchMessage(e.match, e.message, ttl.message), { ok: true });
  const strict = entry(EXPECTED.replace('MATCH all', 'MATCH all ttl'));
  const r = matchMessage(strict.match, strict.message, ttl.message);
  assert.ok(!r.ok && /answer section/.test(r.difference));
  const nsCase = entry(EXPECTED.replace('IN NS ns.example.com.', 'IN NS NS.EXAMPLE.COM.'));
  assert.deepEqual(matchMessage(e.match, e.message, nsCase.message), { ok: true });
});

test('ede=N checks the first EDE and then ignores EDE options', () => {
  const e = entry(EXPECTED.replace('MATCH all', 'MATCH all ede=6'));
  const withEde = (codes: number[]): Message => {
    const m = e.message;
    assert.ok(m.edns);
    return { ...m, edns: { ...m.edns, options: codes.map((c) => makeEdeOption(reason(c, 'why'))) } };
  };
  assert.deepEqual(matchMessage(e.match, e.message, withEde([EdeCode.DNSSEC_BOGUS])), { ok: true });
  const wrong = matchMessage(e.match, e.message, withEde([EdeCode.SIGNATURE_EXPIRED]));
  assert.ok(!wrong.ok && /EDE: expected 6, got 7/.test(wrong.difference));
  const none = matchMessage(e.match, e.message, e.message);
  assert.ok(!none.ok && /got none/.test(none.difference));
  const any = entry(EXPECTED.replace('MATCH all', 'MATCH all ede=any'));
  assert.deepEqual(matchMessage(any.match, any.message, withEde([EdeCode.NETWORK_ERROR])), { ok: true });
});

test('partial matches: qname/qtype/opcode/rcode/answer only look at their part', () => {
  const e = entry(EXPECTED.replace('MATCH all', 'MATCH opcode qname qtype'));
  const differentFlags = entry(EXPECTED.replace('RA AD DO', '').replace('10.0.0.2', '10.9.9.9'));
  assert.deepEqual(matchMessage(e.match, e.message, differentFlags.message), { ok: true });
  const otherType = entry(EXPECTED.replace('www.example.com. IN A', 'www.example.com. IN AAAA'));
  const r = matchMessage(e.match, e.message, otherType.message);
  assert.ok(!r.ok && /qtype: expected A, got AAAA/.test(r.difference));
  const answerOnly = entry(EXPECTED.replace('MATCH all', 'MATCH answer'));
  const r2 = matchMessage(answerOnly.match, answerOnly.message, differentFlags.message);
  assert.ok(!r2.ok && /answer section/.test(r2.difference));
  const sub = entry(EXPECTED.replace('MATCH all', 'MATCH subdomain').replace('www.example.com. IN A', 'example.com. IN A'));
  assert.deepEqual(matchMessage(sub.match, sub.message, e.message), { ok: true });
  assert.equal(matchMessage(e.match, e.message, sub.message).ok, false);
});
