import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalTimeExpression, parseRpl, serverOption, serverOptions, type Step } from './rpl-parser.ts';
import { corpusDir, HARNESS_DIR, listScenarios } from './corpus.ts';

const MINI = readFileSync(join(HARNESS_DIR, 'fixtures', 'mini.rpl'), 'utf8');
const CORPUS_SIZE = 484;

function parsedMini() {
  const r = parseRpl(MINI, 'mini.rpl');
  assert.ok(r.ok, r.ok ? '' : `${r.line}: ${r.error}`);
  return r.scenario;
}

test('config blocks, quoted values and comments', () => {
  const s = parsedMini();
  assert.equal(s.title, 'Mini scenario for the harness tests');
  assert.deepEqual(s.config.blocks.map((b) => b.kind), ['server', 'stub-zone', 'forward-zone']);
  assert.equal(serverOption(s.config, 'val-override-date'), '20070916134226');
  assert.equal(serverOption(s.config, 'qname-minimisation'), 'no');
  assert.equal(serverOptions(s.config, 'trust-anchor').length, 1);
  assert.match(serverOptions(s.config, 'trust-anchor')[0], /^example\.com\. 3600 IN DS 2854 8 2 /);
  // `# K.ROOT-SERVERS.NET.` is a comment, not part of the address
  assert.deepEqual(s.config.blocks[1].options, [['name', '.'], ['stub-addr', '193.0.14.129']]);
  assert.deepEqual(s.config.blocks[2].options, [['name', 'fwd.example.'], ['forward-addr', '10.0.0.1@5353']]);
});

test('a clause and its options on one line, as unbound.conf allows, then more options below it', () => {
  const text = 'server:\n\tminimal-responses: no\nforward-zone: name: "." forward-addr: 192.0.2.1\n\tforward-no-cache: yes\nCONFIG_END\nSCENARIO_BEGIN one line\nSCENARIO_END\n';
  const r = parseRpl(text, 'one-line.rpl');
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.scenario.config.blocks.map((b) => b.kind), ['server', 'forward-zone']);
  assert.deepEqual(r.scenario.config.blocks[1].options, [['name', '.'], ['forward-addr', '192.0.2.1'], ['forward-no-cache', 'yes']]);
});

test('ranges, entries, MATCH/ADJUST/REPLY and $ORIGIN', () => {
  const s = parsedMini();
  assert.equal(s.ranges.length, 2);
  const [r0, r1] = s.ranges;
  assert.deepEqual([r0.start, r0.end, r0.addresses], [0, 10, ['193.0.14.129']]);
  assert.deepEqual([r1.start, r1.end], [11, 100]);
  const e0 = r0.entries[0];
  assert.deepEqual([...e0.match.keys].sort(), ['opcode', 'qname', 'qtype']);
  assert.deepEqual([...e0.adjust], ['copy_id']);
  assert.deepEqual([...e0.packets[0].flags].sort(), ['AA', 'QR']);
  assert.equal(e0.packets[0].rcode, 'NOERROR');
  assert.equal(e0.packets[0].sections.answer[0].text, 'www.example.com. 300 IN A 10.20.30.40');
  assert.equal(e0.packets[0].sections.answer[0].origin, undefined);
  const e1 = r0.entries[1];
  assert.deepEqual([...e1.adjust].sort(), ['copy_id', 'copy_query']);
  assert.equal(e1.packets[0].rcode, 'NXDOMAIN');
  assert.equal(e1.packets[0].sections.authority[0].origin, 'example.com.');
});

test('steps: supported kinds typed (upstream-script kinds too), Unbound-internal kinds kept as unsupported', () => {
  const s = parsedMini();
  const kinds = s.steps.map((st: Step) => (st.kind === 'unsupported' ? `unsupported:${st.name}` : st.kind));
  assert.deepEqual(kinds, ['QUERY', 'CHECK_ANSWER', 'QUERY', 'CHECK_ANSWER', 'TIME_PASSES', 'TIME_PASSES', 'QUERY', 'CHECK_ANSWER', 'CHECK_OUT_QUERY', 'unsupported:CHECK_AUTOTRUST']);
  const tp = s.steps.filter((st) => st.kind === 'TIME_PASSES');
  assert.deepEqual(tp.map((t) => (t.kind === 'TIME_PASSES' ? t.seconds : -1)), [3600, 86400]);
  const check = s.steps[3];
  assert.ok(check.kind === 'CHECK_ANSWER');
  assert.equal(check.entry.match.ede, 'any');
  assert.ok(check.entry.match.keys.has('all'));
  const q = s.steps[0];
  assert.ok(q.kind === 'QUERY');
  assert.deepEqual([...q.entry.packets[0].flags].sort(), ['DO', 'RD']);
  const out = s.steps[8];
  assert.ok(out.kind === 'CHECK_OUT_QUERY' && out.entry.match.keys.has('qname'));
});

test('REPLY carries its entry; TIMEOUT and ERROR take none', () => {
  const text = 'CONFIG_END\nSCENARIO_BEGIN x\nSTEP 1 REPLY\nENTRY_BEGIN\nMATCH qname\nADJUST copy_id\nREPLY QR\nSECTION QUESTION\na. IN A\nENTRY_END\nSTEP 2 TIMEOUT\nSTEP 3 ERROR\nSCENARIO_END\n';
  const r = parseRpl(text);
  assert.ok(r.ok);
  const [reply, timeout, error] = r.scenario.steps;
  assert.ok(reply.kind === 'REPLY' && reply.entry.adjust.has('copy_id'));
  assert.equal(timeout.kind, 'TIMEOUT');
  assert.equal(error.kind, 'ERROR');
});

test('malformed input yields a typed error with a line, never a throw', () => {
  const cases: [string, RegExp][] = [
    ['server:\n', /CONFIG_END/],
    ['CONFIG_END\nSCENARIO_BEGIN x\nSTEP 1 QUERY\nENTRY_BEGIN\nREPLY RD\n', /ENTRY_END/],
    ['CONFIG_END\nSCENARIO_BEGIN x\nRANGE_BEGIN a 10\nRANGE_END\nSCENARIO_END\n', /RANGE_BEGIN start/],
    ['CONFIG_END\nSCENARIO_BEGIN x\nSTEP 1 QUERY\nENTRY_BEGIN\nREPLY BOGUSFLAG\nENTRY_END\nSCENARIO_END\n', /unknown REPLY word BOGUSFLAG/],
    ['CONFIG_END\nSCENARIO_BEGIN x\n', /SCENARIO_END/],
    ['CONFIG_END\nSCENARIO_BEGIN x\nSTEP 1 QUERY\nENTRY_BEGIN\nMATCH ede=abc\nENTRY_END\nSCENARIO_END\n', /ede/],
  ];
  for (const [text, re] of cases) {
    const r = parseRpl(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) {
      assert.match(r.error, re);
      assert.ok(r.line >= 0);
    }
  }
});

test('HEX_ANSWER and HEX_EDNSDATA become bytes', () => {
  const text = 'CONFIG_END\nSCENARIO_BEGIN x\nSTEP 1 QUERY\nENTRY_BEGIN\nHEX_ANSWER_BEGIN\n 00 01 ; comment\n0203\nHEX_ANSWER_END\nHEX_EDNSDATA_BEGIN\n00 0b 00 00 ; keepalive\nHEX_EDNSDATA_END\nENTRY_END\nSCENARIO_END\n';
  const r = parseRpl(text);
  assert.ok(r.ok);
  const st = r.scenario.steps[0];
  assert.ok(st.kind === 'QUERY');
  assert.deepEqual([...(st.entry.packets[0].hexAnswer ?? [])], [0, 1, 2, 3]);
  assert.deepEqual([...(st.entry.packets[0].hexEdnsData ?? [])], [0, 0x0b, 0, 0]);
});

test('TIME_PASSES EVAL arithmetic', () => {
  assert.equal(evalTimeExpression('${1*24*3600}'), 86400);
  assert.equal(evalTimeExpression('${ ${3*3} - 1 }'), undefined);
  assert.equal(evalTimeExpression('${10 + 5 + 3}'), 18);
  assert.equal(evalTimeExpression('${(2+3)*4}'), 20);
  assert.equal(evalTimeExpression('${$probe}'), undefined);
});

// The whole public corpus: every file parses, and the inventory of what it uses is what we expect.
const dir = corpusDir();
const haveCorpus = existsSync(dir) && listScenarios(dir).length === CORPUS_SIZE;
test('every corpus scenario parses; inventory of step kinds and MATCH keys', { skip: haveCorpus ? false : `corpus not found at ${dir}` }, () => {
  const failures: string[] = [];
  const stepKinds = new Map<string, number>();
  const matchKeys = new Map<string, number>();
  let edeChecks = 0;
  for (const f of listScenarios(dir)) {
    const r = parseRpl(readFileSync(join(dir, f), 'utf8'), f);
    if (!r.ok) { failures.push(`${f}:${r.line}: ${r.error}`); continue; }
    for (const st of r.scenario.steps) {
      const k = st.kind === 'unsupported' ? st.name : st.kind;
      stepKinds.set(k, (stepKinds.get(k) ?? 0) + 1);
      if (st.kind === 'CHECK_ANSWER' && st.entry.match.ede !== undefined) edeChecks++;
    }
    for (const e of r.scenario.ranges.flatMap((x) => x.entries)) for (const key of e.match.keys) matchKeys.set(key, (matchKeys.get(key) ?? 0) + 1);
  }
  assert.deepEqual(failures, []);
  // Counts taken from the corpus with grep; a parser that loses steps or keys changes them.
  assert.equal(stepKinds.get('QUERY'), 1267);
  assert.equal(stepKinds.get('CHECK_ANSWER'), 1247);
  assert.equal(stepKinds.get('TIME_PASSES'), 306);
  for (const k of ['ASSIGN', 'TRAFFIC', 'CHECK_AUTOTRUST', 'REPLY', 'CHECK_OUT_QUERY', 'TIMEOUT', 'CHECK_TEMPFILE', 'NOTHING', 'ERROR', 'INFRA_RTT']) {
    assert.ok((stepKinds.get(k) ?? 0) > 0, `step kind ${k} seen`);
  }
  assert.ok(edeChecks >= 45, `ede checks: ${edeChecks}`);
  for (const k of ['opcode', 'qtype', 'qname', 'subdomain']) assert.ok((matchKeys.get(k) ?? 0) > 100, `MATCH ${k}`);
});
