import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReloadCoordinator, type PartReloadResult, type ReloadablePart, type ReloadPartName } from '../../src/control/reload.ts';
import type { Logger } from '../../src/log/logger.ts';

interface Line {
  level: string;
  msg: string;
}

function recordingLogger(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (msg: string) => void lines.push({ level, msg });
  return { logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') }, lines };
}

function part(name: ReloadPartName, reload: () => Promise<PartReloadResult>): ReloadablePart {
  return { name, reload };
}

/** A promise the test settles by hand, so ordering is explicit rather than timed. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('a bad part is reported and logged, and the parts after it still run', async () => {
  const { logger, lines } = recordingLogger();
  const ran: string[] = [];
  const coordinator = createReloadCoordinator({
    logger,
    parts: [
      part('config', async () => (ran.push('config'), { ok: true })),
      part('trustAnchors', async () => (ran.push('trustAnchors'), { ok: false, error: 'zones/root-anchors: line 2: bad digest' })),
      part('policy', async () => (ran.push('policy'), { ok: true })),
    ],
  });
  const report = await coordinator.reload();
  assert.deepEqual(ran, ['config', 'trustAnchors', 'policy']);
  assert.deepEqual(report, {
    ok: false,
    parts: [
      { name: 'config', ok: true },
      { name: 'trustAnchors', ok: false, error: 'zones/root-anchors: line 2: bad digest' },
      { name: 'policy', ok: true },
    ],
  });
  assert.deepEqual(lines, [
    { level: 'info', msg: 'reload config: ok' },
    { level: 'warn', msg: 'reload trustAnchors: kept the previous version: zones/root-anchors: line 2: bad digest' },
    { level: 'info', msg: 'reload policy: ok' },
  ]);
});

test('a part that throws or rejects is reported as failed; the coordinator never rejects', async () => {
  const { logger, lines } = recordingLogger();
  const coordinator = createReloadCoordinator({
    logger,
    parts: [
      part('config', () => {
        throw new Error('sync boom');
      }),
      part('policy', () => Promise.reject(new Error('async boom'))),
    ],
  });
  const report = await coordinator.reload();
  assert.equal(report.ok, false);
  assert.deepEqual(report.parts, [
    { name: 'config', ok: false, error: 'unexpected error: sync boom' },
    { name: 'policy', ok: false, error: 'unexpected error: async boom' },
  ]);
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.level === 'warn'));
});

test('all parts fine: ok report; no parts: ok and empty', async () => {
  const { logger } = recordingLogger();
  assert.deepEqual(await createReloadCoordinator({ logger, parts: [part('policy', async () => ({ ok: true }))] }).reload(), { ok: true, parts: [{ name: 'policy', ok: true }] });
  assert.deepEqual(await createReloadCoordinator({ logger, parts: [] }).reload(), { ok: true, parts: [] });
});

test('reloads never overlap; calls during a run queue exactly one more run, shared by all of them', async () => {
  const { logger } = recordingLogger();
  const gates: { resolve: (v: PartReloadResult) => void }[] = [];
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const coordinator = createReloadCoordinator({
    logger,
    parts: [
      part('policy', () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        const d = deferred<PartReloadResult>();
        gates.push(d);
        return d.promise.finally(() => active--);
      }),
    ],
  });

  const first = coordinator.reload();
  assert.equal(coordinator.busy, true);
  const second = coordinator.reload();
  const third = coordinator.reload();
  assert.equal(second, third, 'callers during a run share the queued run');
  assert.notEqual(first, second);
  await Promise.resolve();
  assert.equal(runs, 1, 'the queued run waits for the first');

  gates[0].resolve({ ok: false, error: 'first' });
  assert.deepEqual((await first).parts, [{ name: 'policy', ok: false, error: 'first' }]);
  // The queued run starts once the first finishes; wait for it to reach the part.
  while (gates.length < 2) await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2);
  // A call now (the queued run is running) queues another one.
  const fourth = coordinator.reload();
  assert.notEqual(fourth, second);
  gates[1].resolve({ ok: true });
  assert.deepEqual(await second, { ok: true, parts: [{ name: 'policy', ok: true }] });
  while (gates.length < 3) await new Promise((r) => setImmediate(r));
  gates[2].resolve({ ok: true });
  await fourth;
  assert.equal(runs, 3);
  assert.equal(maxActive, 1);
  assert.equal(coordinator.busy, false);
});
