import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from './corpus.ts';
import { parseRpl } from './rpl-parser.ts';
import { skipReasons } from './skip-rules.ts';

function reasonsFor(text: string): string[] {
  const r = parseRpl(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return skipReasons(r.scenario);
}

const BODY = 'CONFIG_END\nSCENARIO_BEGIN t\nSCENARIO_END\n';

test('config blocks and options for out-of-scope features are named', () => {
  assert.deepEqual(reasonsFor(BODY), []);
  assert.match(reasonsFor(`auth-zone:\n\tname: "example.com."\n${BODY}`)[0], /auth-zone/);
  assert.match(reasonsFor(`server:\n\tserve-expired: yes\n${BODY}`)[0], /serve-expired/);
  assert.deepEqual(reasonsFor(`server:\n\tserve-expired: no\n${BODY}`), []);
  assert.match(reasonsFor(`server:\n\tmodule-config: "respip validator iterator"\n${BODY}`)[0], /respip/);
  assert.deepEqual(reasonsFor(`server:\n\tmodule-config: "validator iterator"\n${BODY}`), []);
  assert.deepEqual(reasonsFor(`server:\n\taccess-control: 127.0.0.0/8 allow_snoop\n${BODY}`), []);
  assert.match(reasonsFor(`server:\n\taccess-control: 127.0.0.0/8 refuse\n${BODY}`)[0], /refuse/);
  assert.match(reasonsFor(`stub-zone:\n\tname: "."\n\tstub-host: "k.root-servers.net."\n${BODY}`)[0], /host name/);
});

test('local-zone: only nodefault is a no-op here (anchord has no built-in local zones); real local data is skipped', () => {
  assert.deepEqual(reasonsFor(`server:\n\tlocal-zone: test. nodefault\n${BODY}`), []);
  assert.deepEqual(reasonsFor(`server:\n\tlocal-zone: "10.in-addr.arpa" "nodefault"\n${BODY}`), []);
  assert.match(reasonsFor(`server:\n\tlocal-zone: "example.com." transparent\n${BODY}`)[0], /local-zone data/);
  assert.match(reasonsFor(`server:\n\tlocal-zone: test. nodefault\n\tlocal-zone: a. static\n${BODY}`)[0], /local-zone data/);
});

test('DSA trust anchors or keys mark the scenario as fake-sha1 data', () => {
  assert.match(reasonsFor(`server:\n\ttrust-anchor: "example.com. 3600 IN DS 2854 3 1 46e4ffc6e9a4793b488954bd3f0cc6af0dfb201b"\n${BODY}`).join(), /DSA/);
  assert.deepEqual(reasonsFor(`server:\n\ttrust-anchor: "example.com. 3600 IN DS 2854 8 2 46e4ffc6e9a4793b488954bd3f0cc6af0dfb201b46e4ffc6e9a4793b488954bd"\n${BODY}`), []);
  // fake-sha1 scenarios run with the replay-only legacy signature check instead of being skipped.
  assert.deepEqual(reasonsFor(`server:\n\tfake-sha1: yes\n\ttrust-anchor: "example.com. 3600 IN DS 2854 3 1 46e4ffc6e9a4793b488954bd3f0cc6af0dfb201b"\n${BODY}`), []);
});

const dir = corpusDir();
const known: [string, RegExp | null][] = [
  ['val_secds.rpl', null],
  ['autotrust_init.rpl', /autotrust|AUTOTRUST/],
  ['iter_resolve.rpl', null],
  ['serve_expired.rpl', /serve-expired/],
  ['val_wcnsec_nods.rpl', null], // `local-zone: test. nodefault` only
  ['local_transparent_sametype.rpl', /local-zone data/],
  ['iter_svcb_malformed.rpl', null], // HEX_ANSWER is replayed
];
test('known corpus scenarios get the expected verdict', { skip: existsSync(join(dir, 'val_secds.rpl')) ? false : 'full corpus not present' }, () => {
  for (const [file, re] of known) {
    const r = parseRpl(readFileSync(join(dir, file), 'utf8'), file);
    assert.ok(r.ok);
    const reasons = skipReasons(r.scenario);
    if (re === null) assert.deepEqual(reasons, [], file);
    else assert.match(reasons.join(' | '), re, file);
  }
});
