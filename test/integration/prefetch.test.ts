// Prefetch end to end over loopback: the daemon (prefetch on) in front of the embedded lab. A
// validated answer served in the last tenth of its TTL is answered from cache, refreshed from the
// lab in the background (the lab sees the query), and afterwards served with a fresh TTL and AD.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../../src/app/start.ts';
import type { LabHandle } from '../../src/lab/server.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import type { Message } from '../../src/wire/types.ts';
import { ask } from './client.ts';
import { type LabDaemon, pinnedClock, startLabDaemon } from './ede-support.ts';

const NAME = 'www.secure.lab.';
let daemon: LabDaemon | undefined;
let lab: LabHandle;
let app: App;
let port: number;
let offsetMs = 0;

before(async () => {
  const pinned = pinnedClock();
  const clock = { now: () => pinned.now() + offsetMs };
  daemon = await startLabDaemon({ prefetch: true }, clock);
  ({ lab, app, port } = daemon);
});

after(async () => {
  await daemon?.close();
});

function ttlOf(m: Message): number {
  const rr = m.answer.find((r) => r.type === RRType.A);
  assert.ok(rr !== undefined, 'an A record in the answer');
  return rr.ttl;
}

const labAsked = (): number => lab.queryLog.filter((e) => e.qname.toLowerCase() === NAME && e.qtype === RRType.A).length;

test('an almost-expired answer is served from cache and refreshed behind it', async () => {
  const spec = { name: NAME, type: RRType.A, edns: { dnssecOk: true } };
  const first = await ask(spec, { port, timeoutMs: 12_000 });
  assert.equal(first.rcode, Rcode.NOERROR);
  assert.ok(first.flags.ad);
  const ttl = ttlOf(first);
  assert.ok(ttl >= 100, `a TTL long enough to see the tenth (${ttl})`);

  // 95 % of the life gone: inside the last tenth whatever the monotonic clock adds meanwhile.
  offsetMs += Math.floor(ttl * 0.95) * 1000;
  lab.clearQueryLog();
  const served = await ask(spec, { port, timeoutMs: 12_000 });
  assert.equal(served.rcode, Rcode.NOERROR);
  assert.ok(served.flags.ad);
  assert.ok(ttlOf(served) <= Math.floor(ttl / 10), `served from cache (${ttlOf(served)} of ${ttl})`);

  await app.assembly.resolver.prefetchIdle();
  assert.equal(labAsked(), 1, 'one refresh reached the lab');
  const refreshed = await ask(spec, { port, timeoutMs: 12_000 });
  assert.equal(refreshed.rcode, Rcode.NOERROR);
  assert.ok(refreshed.flags.ad, 'the refreshed answer was validated');
  assert.ok(ttlOf(refreshed) > Math.floor(ttl / 2), `a fresh TTL (${ttlOf(refreshed)} of ${ttl})`);
  assert.equal(labAsked(), 1, 'and then served from cache again');
});
