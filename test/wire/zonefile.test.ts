import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseZone, parseRecordEntry, tokenizeLine, tokenizeZone } from '../../src/wire/zonefile.ts';
import type { RecordParseState, ZoneParseResult } from '../../src/wire/zonefile.ts';
import { Name } from '../../src/wire/name.ts';
import { RRType, RRClass } from '../../src/wire/constants.ts';
import { rrToText } from '../../src/wire/print.ts';

function records(r: ZoneParseResult) {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.records;
}

test('$ORIGIN, $TTL, @, inherited owner, TTL and class in either order, TTL units', () => {
  const rrs = records(parseZone(`$ORIGIN example.com.
$TTL 1h30m
@ IN SOA ns hostmaster 1 2h 1h 1w 5m
  IN NS ns
www 300 IN A 192.0.2.1
    IN 600 A 192.0.2.2
    CH TXT "chaos"
$ORIGIN sub
x A 192.0.2.3
y.example.org. 1D A 192.0.2.4
`));
  assert.deepEqual(rrs.map(rrToText), [
    'example.com.\t5400\tIN\tSOA\tns.example.com. hostmaster.example.com. 1 7200 3600 604800 300',
    'example.com.\t5400\tIN\tNS\tns.example.com.',
    'www.example.com.\t300\tIN\tA\t192.0.2.1',
    'www.example.com.\t600\tIN\tA\t192.0.2.2',
    'www.example.com.\t5400\tCH\tTXT\t"chaos"',
    'x.sub.example.com.\t5400\tCH\tA\t192.0.2.3',
    'y.example.org.\t86400\tCH\tA\t192.0.2.4',
  ]);
});

test('options: origin, default TTL and class; result carries the final origin', () => {
  const r = parseZone('a A 192.0.2.1\n$ORIGIN b.test.\n', { origin: Name.of('test.'), defaultTtl: 60, defaultClass: RRClass.HS });
  const rrs = records(r);
  assert.equal(rrs[0].name.toString(), 'a.test.');
  assert.equal(rrs[0].ttl, 60);
  assert.equal(rrs[0].class, RRClass.HS);
  assert.ok(r.ok && r.origin.equals(Name.of('b.test.')));
});

test('without $TTL a record reuses the previous TTL; SOA minimum is the fallback for the first', () => {
  const rrs = records(parseZone('t. SOA a. b. 1 2 3 4 77\nt. NS a.\nu. 5 A 1.2.3.4\nv. A 1.2.3.5\n'));
  assert.deepEqual(rrs.map((r) => r.ttl), [77, 77, 5, 5]);
  const r = parseZone('v. A 1.2.3.5\n');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error, /no TTL/);
});

test('parentheses, comments and quoted strings', () => {
  const rrs = records(parseZone(`$TTL 60
t. TXT ( "one ; not a comment" ; a comment
         "two (not a paren)"   ; another
         three )
t. SOA ( a. b.
         1 ; serial
         2 3 4 5 )
`));
  assert.equal(rrToText(rrs[0]), 't.\t60\tIN\tTXT\t"one ; not a comment" "two (not a paren)" "three"');
  assert.equal(rrs[1].type, RRType.SOA);
});

test('escapes in owner names and character-strings', () => {
  const rrs = records(parseZone('$TTL 60\na\\.b.example. TXT "x\\"y" \\065\\;z\n\\@x.example. A 1.2.3.4\n'));
  assert.equal(rrs[0].name.labels.length, 2);
  assert.equal(rrs[0].name.toString(), 'a\\.b.example.');
  assert.equal(rrToText(rrs[0]), 'a\\.b.example.\t60\tIN\tTXT\t"x\\"y" "A;z"');
  assert.equal(rrs[1].name.toString(), '\\@x.example.');
});

test('base64 and hex split over several tokens; \\# generic RDATA for known and unknown types', () => {
  const rrs = records(parseZone(`$TTL 60
k. DNSKEY 257 3 13 ( mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+
                     KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== )
d. DS 1 13 2 ( E06D44B80B8F1D39A95C0B0D7C65D084
               58E880409BBC683457104237C7F8EC8D )
g. A \\# 4 C0000201
u. TYPE4321 \\# 3 01 0203
z. TYPE4322 \\# 0
`));
  assert.equal(rrs[0].rdata.length, 4 + 64);
  assert.equal(rrs[1].rdata.length, 4 + 32);
  assert.equal(rrToText(rrs[2]), 'g.\t60\tIN\tA\t192.0.2.1');
  assert.equal(rrToText(rrs[3]), 'u.\t60\tIN\tTYPE4321\t\\# 3 010203');
  assert.equal(rrToText(rrs[4]), 'z.\t60\tIN\tTYPE4322\t\\# 0');
});

test('errors name the file and the line', () => {
  const cases: [string, RegExp, number][] = [
    ['$TTL 60\na. A 1.2.3.4\nb. A 1.2.3\n', /invalid address/, 3],
    ['$TTL 60\n\na. BOGUS x\n', /unknown type "BOGUS"/, 3],
    ['$TTL 60\na. TXT ( "x"\n\n', /never closed/, 2],
    ['$TTL 60\na. TXT "x )\n', /unterminated quoted string/, 2],
    ['$TTL 60\na. A 1.2.3.4 )\n', /unbalanced/, 2],
    ['  A 1.2.3.4\n', /no owner/, 1],
    ['$TTL 60\n$INCLUDE other.zone\n', /\$INCLUDE is not allowed/, 2],
    ['$GENERATE 1-2 a$ A 1.2.3.$\n', /unsupported directive/, 1],
    ['$TTL 60\na. TYPE9999 1 2\n', /RFC 3597/, 2],
    ['$TTL 60\na. A \\# 3 010203\n', /not valid for this type/, 2],
    ['$TTL 60\na. TYPE9999 \\# 3 0102\n', /length 3 but 2/, 2],
    ['$TTL 60\na. MX 10\n', /expected 2 fields/, 2],
    ['a. 4294967295 A 1.2.3.4\n', /2\^31-1/, 1],
    ['$TTL 1x\n', /invalid TTL/, 1],
  ];
  for (const [text, re, line] of cases) {
    const r = parseZone(text, { fileName: 'db.test' });
    assert.equal(r.ok, false, text);
    if (r.ok) continue;
    assert.match(r.error, re, text);
    assert.equal(r.line, line, text);
    assert.equal(r.fileName, 'db.test');
    assert.ok(r.error.startsWith(`db.test:${line}:`), r.error);
  }
});

test('$INCLUDE when allowed: relative path, optional origin, origin restored afterwards', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchord-zone-'));
  try {
    writeFileSync(join(dir, 'inc.zone'), 'www A 192.0.2.9\n$ORIGIN elsewhere.\n');
    writeFileSync(join(dir, 'bad.zone'), 'www A 192.0.2\n');
    const main = join(dir, 'main.zone');
    const rrs = records(parseZone('$TTL 60\n$ORIGIN example.\n$INCLUDE inc.zone sub\nafter A 192.0.2.10\n', { fileName: main, allowInclude: true }));
    assert.deepEqual(rrs.map((r) => r.name.toString()), ['www.sub.example.', 'after.example.']);
    const r = parseZone('$TTL 60\n$INCLUDE bad.zone\n', { fileName: main, allowInclude: true });
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.fileName, join(dir, 'bad.zone'));
      assert.equal(r.line, 1);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('tokenizer: quoted flag, escapes kept, mid-token quotes, owner-blank lines', () => {
  const t = tokenizeLine('svc IN SVCB 1 . alpn="h2,h3" key667="a b" "q\\"x" \\032y');
  assert.ok(t.ok && t.entry);
  assert.deepEqual(t.entry.tokens.slice(5), [
    { text: 'alpn=h2,h3', quoted: false },
    { text: 'key667=a b', quoted: false },
    { text: 'q\\"x', quoted: true },
    { text: '\\032y', quoted: false },
  ]);
  assert.equal(t.entry.ownerBlank, false);
  const z = tokenizeZone('a A 1.2.3.4\n\t; only a comment\n\n  B 1\n');
  assert.ok(z.ok);
  assert.deepEqual(z.entries.map((e) => [e.line, e.ownerBlank, e.tokens.length]), [[1, false, 3], [4, true, 2]]);
  const empty = tokenizeLine('   ; nothing');
  assert.ok(empty.ok && empty.entry === undefined);
});

test('tokenizeLine + parseRecordEntry parse one record with inherited state', () => {
  const t = tokenizeLine('www IN ( A\n 192.0.2.1 )');
  assert.ok(t.ok && t.entry);
  const state: RecordParseState = { origin: Name.of('example.'), defaultTtl: 3600, lastTtl: undefined, lastOwner: undefined, lastClass: RRClass.IN };
  const r = parseRecordEntry(t.entry, state);
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.equal(rrToText(r.rr), 'www.example.\t3600\tIN\tA\t192.0.2.1');
  assert.ok(state.lastOwner?.equals(Name.of('www.example.')));
  assert.equal(tokenizeLine('a A 1.2.3.4\nb A 1.2.3.5').ok, false);
});
