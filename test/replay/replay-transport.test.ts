import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RRClass, RRType } from '../../src/wire/constants.ts';
import { Name } from '../../src/wire/name.ts';
import type { Question } from '../../src/wire/types.ts';
import { HARNESS_DIR } from './corpus.ts';
import { buildPacket } from './packet.ts';
import { parseRplAddress, ReplayTransport, type ScriptedRange } from './replay-transport.ts';
import { parseRpl } from './rpl-parser.ts';
import { parseRrText } from './rr-text.ts';

function ranges(): ScriptedRange[] {
  const r = parseRpl(readFileSync(join(HARNESS_DIR, 'fixtures', 'mini.rpl'), 'utf8'));
  assert.ok(r.ok);
  return r.scenario.ranges.map((range) => ({
    line: range.line,
    start: range.start,
    end: range.end,
    addresses: range.addresses.map(parseRplAddress),
    entries: range.entries.map((entry) => ({
      entry,
      packets: entry.packets.map((p) => {
        const b = buildPacket(p, parseRrText);
        assert.ok(b.ok, b.ok ? '' : b.error);
        return b.message;
      }),
    })),
  }));
}

const ROOT = { address: '193.0.14.129', port: 53 };
const OPTS = { rd: false, cd: false, dnssecOk: true, tcp: false, timeoutMs: 1000 };
const q = (name: string, type: number = RRType.A): Question => ({ name: Name.of(name), type, class: RRClass.IN });

function aRecordText(t: ReplayTransport, question: Question): string {
  const r = t.answer(ROOT, question, OPTS);
  assert.ok(r.ok, r.ok ? '' : r.detail);
  const a = r.message.answer[0];
  return [...a.rdata].join('.');
}

test('the range valid at the current step answers; a later range takes over after its start', () => {
  const t = new ReplayTransport(ranges());
  t.step = 10;
  assert.equal(aRecordText(t, q('www.example.com')), '10.20.30.40');
  t.step = 11;
  assert.equal(aRecordText(t, q('www.example.com')), '10.20.30.99');
});

test('qname matching ignores case; the reply keeps the entry question unless copy_query', () => {
  const t = new ReplayTransport(ranges());
  t.step = 1;
  const r = t.answer(ROOT, q('WWW.Example.COM'), OPTS);
  assert.ok(r.ok);
  assert.equal(r.message.question[0].name.toString(), 'www.example.com.');
  assert.equal(r.rttMs > 0, true);
});

test('subdomain + copy_query: the reply carries the query question', () => {
  const t = new ReplayTransport(ranges());
  t.step = 1;
  const r = t.answer(ROOT, q('Deep.Nothere.example.com', RRType.AAAA), OPTS);
  assert.ok(r.ok);
  assert.equal(r.message.rcode, 3);
  assert.equal(r.message.question[0].name.toString(), 'Deep.Nothere.example.com.');
  assert.equal(r.message.question[0].type, RRType.AAAA);
  assert.equal(r.message.authority[0].type, RRType.SOA);
});

test('unscripted queries time out and are logged; other addresses are not answered', () => {
  const t = new ReplayTransport(ranges());
  t.step = 1;
  const other = t.answer({ address: '192.0.2.1', port: 53 }, q('www.example.com'), OPTS);
  assert.equal(other.ok, false);
  const wrongPort = t.answer({ address: '193.0.14.129', port: 5353 }, q('www.example.com'), OPTS);
  assert.equal(wrongPort.ok, false);
  const outside = t.answer(ROOT, q('www.example.net'), OPTS);
  assert.ok(!outside.ok && outside.kind === 'timeout');
  assert.equal(t.unscripted().length, 3);
  assert.equal(t.log.length, 3);
  // step 11: the later range only knows www.example.com A
  t.step = 11;
  assert.equal(t.answer(ROOT, q('x.example.com'), OPTS).ok, false);
});

function oneEntryTransport(text: string): ReplayTransport {
  const r = parseRpl(text);
  assert.ok(r.ok);
  const range = r.scenario.ranges[0];
  const built = buildPacket(range.entries[0].packets[0], parseRrText);
  assert.ok(built.ok);
  return new ReplayTransport([{ line: range.line, start: 0, end: 10, addresses: [], entries: [{ entry: range.entries[0], packets: [built.message] }] }]);
}

test('an entry without copy_id is delivered all the same (testbound does not check IDs)', () => {
  const t = oneEntryTransport('CONFIG_END\nSCENARIO_BEGIN x\nRANGE_BEGIN 0 10\nENTRY_BEGIN\nMATCH qname\nREPLY QR\nSECTION QUESTION\na. IN A\nSECTION ANSWER\na. IN A 192.0.2.1\nENTRY_END\nRANGE_END\nSCENARIO_END\n');
  const res = t.answer({ address: '203.0.113.9', port: 53 }, q('a'), OPTS);
  assert.ok(res.ok);
  assert.equal(res.message.answer.length, 1);
});

test('held mode: a query waits until the runner answers it from a range, an entry or a timeout', async () => {
  const t = new ReplayTransport(ranges());
  t.hold = true;
  t.step = 1;
  const sent: string[] = [];
  t.onSend = (p) => sent.push(p.question.name.toString());
  let settled = false;
  const first = t.query(ROOT, q('www.example.com'), OPTS).then((r) => { settled = true; return r; });
  const second = t.query(ROOT, q('www.example.net'), OPTS);
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false);
  assert.deepEqual(sent, ['www.example.com.', 'www.example.net.']);
  // Newest first, as testbound's pending list.
  assert.deepEqual(t.pending.map((p) => p.question.name.toString()), ['www.example.net.', 'www.example.com.']);
  assert.equal(t.answerFromRanges(t.pending[0]), false, 'no range answers www.example.net');
  assert.equal(t.answerFromRanges(t.pending[1]), true);
  const r1 = await first;
  assert.ok(r1.ok && r1.message.answer.length === 1);
  t.timeOut(t.pending[0], 'STEP 5 TIMEOUT');
  const r2 = await second;
  assert.ok(!r2.ok && r2.kind === 'timeout' && /STEP 5 TIMEOUT/.test(r2.detail));
  assert.equal(t.pending.length, 0);
});

test('MATCH TCP entries answer only TCP queries', () => {
  const text = 'CONFIG_END\nSCENARIO_BEGIN x\nRANGE_BEGIN 0 10\nENTRY_BEGIN\nMATCH qname TCP\nADJUST copy_id\nREPLY QR\nSECTION QUESTION\na. IN A\nSECTION ANSWER\na. IN A 1.1.1.1\nENTRY_END\nENTRY_BEGIN\nMATCH qname UDP\nADJUST copy_id\nREPLY QR TC\nSECTION QUESTION\na. IN A\nENTRY_END\nRANGE_END\nSCENARIO_END\n';
  const r = parseRpl(text);
  assert.ok(r.ok);
  const range = r.scenario.ranges[0];
  const entries = range.entries.map((entry) => {
    const b = buildPacket(entry.packets[0], parseRrText);
    assert.ok(b.ok);
    return { entry, packets: [b.message] };
  });
  const t = new ReplayTransport([{ line: 1, start: 0, end: 10, addresses: [], entries }]);
  const udp = t.answer(ROOT, q('a'), OPTS);
  assert.ok(udp.ok && udp.message.flags.tc && udp.message.answer.length === 0);
  const tcp = t.answer(ROOT, q('a'), { ...OPTS, tcp: true });
  assert.ok(tcp.ok && !tcp.message.flags.tc && tcp.message.answer.length === 1 && tcp.tcp);
});

test('addresses may carry @port', () => {
  assert.deepEqual(parseRplAddress('10.0.0.1@5353'), { address: '10.0.0.1', port: 5353 });
  assert.deepEqual(parseRplAddress('2001:db8::1'), { address: '2001:db8::1', port: 53 });
  assert.deepEqual(parseRplAddress('2001:db8::1@10053'), { address: '2001:db8::1', port: 10053 });
});
