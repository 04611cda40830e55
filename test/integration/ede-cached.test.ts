// EDE 13 "Cached Error" end to end: a SERVFAIL answered again from the validator's bogus cache or
// from the resolver's failure cache carries the original reason and then EDE 13, and costs no
// upstream query (neither the daemon's transport nor the lab saw one).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../../src/app/start.ts';
import type { LabHandle } from '../../src/lab/server.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { EdeCode } from '../../src/wire/ede.ts';
import { readEdes } from '../../src/wire/edns.ts';
import type { Message } from '../../src/wire/types.ts';
import { ask } from './client.ts';
import { type LabDaemon, startLabDaemon } from './ede-support.ts';

let daemon: LabDaemon | undefined;
let lab: LabHandle;
let app: App;
let port: number;

before(async () => {
  daemon = await startLabDaemon();
  ({ lab, app, port } = daemon);
});

after(async () => {
  await daemon?.close();
});

function codes(m: Message): number[] {
  return readEdes(m.edns).map((r) => r.ede);
}

/** Asks twice; returns both answers and how many upstream queries the second one caused. */
async function twice(name: string, tcp: boolean): Promise<{ first: Message; again: Message; upstream: number; labSaw: number }> {
  const spec = { name, type: RRType.A, edns: { dnssecOk: true } };
  const first = await ask(spec, { port, timeoutMs: 12_000 });
  lab.clearQueryLog();
  const before = app.assembly.transportStats?.queries;
  assert.ok(before !== undefined, 'the real transport keeps counters');
  const again = await ask(spec, { port, tcp, timeoutMs: 12_000 });
  return { first, again, upstream: (app.assembly.transportStats?.queries ?? 0) - before, labSaw: lab.queryLog.length };
}

test('bogus, then the same question: the original EDE, then 13, and no upstream query', async () => {
  const cases: [string, number][] = [
    ['www.expired.test.', EdeCode.SIGNATURE_EXPIRED],
    ['www.notyet.test.', EdeCode.SIGNATURE_NOT_YET_VALID],
    ['www.nokey.test.', EdeCode.DNSKEY_MISSING],
    ['www.changed.test.', EdeCode.DNSSEC_BOGUS],
  ];
  for (const [name, ede] of cases) {
    const r = await twice(name, name.includes('nokey'));
    assert.equal(r.first.rcode, Rcode.SERVFAIL, name);
    assert.equal(codes(r.first)[0], ede, name);
    assert.ok(!codes(r.first).includes(EdeCode.CACHED_ERROR), `${name}: a fresh failure called cached`);
    assert.equal(r.again.rcode, Rcode.SERVFAIL, name);
    assert.deepEqual(codes(r.again), [...codes(r.first), EdeCode.CACHED_ERROR], name);
    assert.deepEqual(readEdes(r.again.edns)[0], readEdes(r.first.edns)[0], `${name}: the original reason is repeated as it was`);
    assert.match(readEdes(r.again.edns).at(-1)?.text ?? '', new RegExp(`${name.replaceAll('.', '\\.')} A answered from cache`));
    assert.equal(r.upstream, 0, `${name}: the cached error cost upstream queries`);
    assert.equal(r.labSaw, 0, `${name}: the lab saw queries`);
  }
});

test('unreachable authority, then the same question: EDE 22, then 22 + 13 from the failure cache, no upstream query', async () => {
  for (const [name, tcp] of [['www.lame.lab.', false], ['www.dead.lab.', true]] as const) {
    const r = await twice(name, tcp);
    assert.equal(r.first.rcode, Rcode.SERVFAIL, name);
    assert.equal(codes(r.first)[0], EdeCode.NO_REACHABLE_AUTHORITY, name);
    assert.deepEqual(codes(r.again), [...codes(r.first), EdeCode.CACHED_ERROR], name);
    assert.match(readEdes(r.again.edns).at(-1)?.text ?? '', /remembered from [0-9]+ s ago/);
    assert.equal(r.upstream, 0, name);
    assert.equal(r.labSaw, 0, name);
  }
});

test('a cached error never reaches a client without EDNS as an option', async () => {
  const m = await ask({ name: 'www.expired.test.', type: RRType.A }, { port });
  assert.equal(m.rcode, Rcode.SERVFAIL);
  assert.equal(m.edns, undefined);
});
