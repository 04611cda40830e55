import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { isPrefetchDue, PREFETCH_RETRY_HOLDOFF_MS, PrefetchScheduler, type PrefetchResult } from '../../src/resolver/prefetch.ts';
import { LAB, labZone, query, setup } from './hierarchy.ts';

const S = 1000;

test('due in the last tenth of the life, in whole seconds as Unbound computes it', () => {
  assert.equal(isPrefetchDue({ remainingMs: 360 * S, lifetimeMs: 3600 * S }), true);
  assert.equal(isPrefetchDue({ remainingMs: 361 * S, lifetimeMs: 3600 * S }), false);
  assert.equal(isPrefetchDue({ remainingMs: 1, lifetimeMs: 3600 * S }), true);
  // ⌊305/10⌋ = 30 s: the fraction of a second is not rounded up.
  assert.equal(isPrefetchDue({ remainingMs: 30 * S, lifetimeMs: 305 * S }), true);
  assert.equal(isPrefetchDue({ remainingMs: 30 * S + 1, lifetimeMs: 305 * S }), false);
  // Under ten seconds of life, never: ⌊9/10⌋ is 0.
  assert.equal(isPrefetchDue({ remainingMs: 1, lifetimeMs: 9 * S }), false);
  assert.equal(isPrefetchDue({ remainingMs: 0, lifetimeMs: 3600 * S }), false);
});

/** A refresh the test finishes by hand. */
function gate(): { promise: Promise<'refreshed' | 'failed'>; finish: (r: 'refreshed' | 'failed') => void } {
  let finish: (r: 'refreshed' | 'failed') => void = () => {};
  const promise = new Promise<'refreshed' | 'failed'>((resolve) => { finish = resolve; });
  return { promise, finish };
}

test('scheduler: one refresh per key at a time, a bounded number at once', async () => {
  const results: PrefetchResult[] = [];
  const s = new PrefetchScheduler({ maxConcurrent: 2, now: () => 0, onResult: (r) => results.push(r) });
  const a = gate();
  const b = gate();
  let started = 0;
  assert.equal(s.start('a', () => { started++; return a.promise; }), true);
  assert.equal(s.start('a', () => { started++; return a.promise; }), false, 'same key coalesced');
  assert.equal(s.start('b', () => { started++; return b.promise; }), true);
  assert.equal(s.start('c', () => { started++; return b.promise; }), false, 'over the cap');
  assert.equal(started, 2);
  assert.equal(s.running, 2);
  assert.deepEqual(results, ['skipped']);
  a.finish('refreshed');
  b.finish('refreshed');
  await s.idle();
  assert.equal(s.running, 0);
  assert.deepEqual(results, ['skipped', 'refreshed', 'refreshed']);
  assert.equal(s.start('a', () => Promise.resolve('refreshed' as const)), true, 'a finished key may start again');
  await s.idle();
});

test('scheduler: a refresh that throws counts as failed; a failed key is held off for a while', async () => {
  let now = 0;
  const results: PrefetchResult[] = [];
  const s = new PrefetchScheduler({ maxConcurrent: 4, now: () => now, onResult: (r) => results.push(r) });
  assert.equal(s.start('k', () => Promise.reject(new Error('boom'))), true);
  await s.idle();
  assert.deepEqual(results, ['failed']);
  now += PREFETCH_RETRY_HOLDOFF_MS - 1;
  assert.equal(s.start('k', () => Promise.resolve('refreshed' as const)), false, 'held off');
  assert.equal(s.start('other', () => Promise.resolve('refreshed' as const)), true, 'other keys are not held');
  now += 1;
  assert.equal(s.start('k', () => Promise.resolve('refreshed' as const)), true, 'hold-off over');
  await s.idle();
  assert.deepEqual(results, ['failed', 'refreshed', 'refreshed']);
});

function count(asked: readonly string[], entry: string): number {
  return asked.filter((a) => a === entry).length;
}

const WWW_A = `www.lab. ${RRType.A}@${LAB}`;

test('resolver: an answer in its last tenth is served from cache and refreshed once in the background', async () => {
  const { net, clock, resolver } = setup({ prefetch: true });
  const first = await resolver.resolve(query('www.lab.', RRType.A));
  assert.equal(first.answer[0].ttl, 300);
  assert.equal(count(net.asked(), WWW_A), 1);

  clock.advance(269); // 31 s left of 300: not yet due
  assert.equal((await resolver.resolve(query('www.lab.', RRType.A))).answer[0].ttl, 31);
  await resolver.prefetchIdle();
  assert.equal(count(net.asked(), WWW_A), 1);

  clock.advance(1); // 30 s left: due
  const [a, b] = await Promise.all([resolver.resolve(query('www.lab.', RRType.A)), resolver.resolve(query('www.lab.', RRType.A))]);
  // Both clients got the cached answer, not the refreshed one: the refresh runs behind them.
  assert.equal(a.answer[0].ttl, 30);
  assert.equal(b.answer[0].ttl, 30);
  await resolver.prefetchIdle();
  assert.equal(count(net.asked(), WWW_A), 2, 'one refresh for two clients');
  const after = await resolver.resolve(query('www.lab.', RRType.A));
  assert.equal(after.answer[0].ttl, 300, 'the cache holds the refreshed answer');
  assert.equal(count(net.asked(), WWW_A), 2);
  resolver.close();
});

test('resolver: prefetch is off by default and never caused by an RD=0 query', async () => {
  for (const [options, more] of [[{}, {}], [{ prefetch: true }, { rd: false }]] as const) {
    const { net, clock, resolver } = setup(options);
    await resolver.resolve(query('www.lab.', RRType.A));
    clock.advance(290);
    const o = await resolver.resolve(query('www.lab.', RRType.A, more));
    assert.equal(o.answer[0].ttl, 10);
    await resolver.prefetchIdle();
    assert.equal(count(net.asked(), WWW_A), 1);
    resolver.close();
  }
});

test('resolver: a failing refresh keeps the cached answer, reaches no client, and is not retried at once', async () => {
  const { net, clock, resolver } = setup({ prefetch: true });
  await resolver.resolve(query('www.lab.', RRType.A));
  net.serve(LAB, { kind: 'rcode', rcode: Rcode.SERVFAIL });
  clock.advance(280);
  const o = await resolver.resolve(query('www.lab.', RRType.A));
  assert.equal(o.rcode, Rcode.NOERROR);
  await resolver.prefetchIdle();
  const asked = count(net.asked(), WWW_A);
  assert.ok(asked > 1, 'the refresh was tried');

  const again = await resolver.resolve(query('www.lab.', RRType.A));
  assert.equal(again.rcode, Rcode.NOERROR);
  assert.equal(again.answer[0].ttl, 20, 'the good answer counts down as before');
  await resolver.prefetchIdle();
  assert.equal(count(net.asked(), WWW_A), asked, 'held off after the failure');

  clock.advance(PREFETCH_RETRY_HOLDOFF_MS / S);
  net.serve(LAB, { kind: 'auth', zones: [labZone] });
  assert.equal((await resolver.resolve(query('www.lab.', RRType.A))).answer[0].ttl, 15);
  await resolver.prefetchIdle();
  assert.equal((await resolver.resolve(query('www.lab.', RRType.A))).answer[0].ttl, 300, 'refreshed once the servers answer again');
  resolver.close();
});

test('resolver: a cached NXDOMAIN in its last tenth is refreshed too', async () => {
  const { net, clock, resolver } = setup({ prefetch: true });
  const nx = `nothere.lab. ${RRType.A}@${LAB}`;
  const first = await resolver.resolve(query('nothere.lab.', RRType.A));
  assert.equal(first.rcode, Rcode.NXDOMAIN);
  clock.advance(275); // negative TTL min(3600, SOA minimum 300) = 300: 25 s left
  assert.equal((await resolver.resolve(query('nothere.lab.', RRType.A))).rcode, Rcode.NXDOMAIN);
  await resolver.prefetchIdle();
  assert.equal(count(net.asked(), nx), 2);
  clock.advance(100); // the old denial would have expired by now; the refreshed one lives
  assert.equal((await resolver.resolve(query('nothere.lab.', RRType.A))).rcode, Rcode.NXDOMAIN);
  assert.equal(count(net.asked(), nx), 2);
  resolver.close();
});
