import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { installSignalHandlers, type StopSignal } from '../../src/control/signals.ts';

function setup() {
  const source = new EventEmitter();
  const calls: string[] = [];
  const errors: unknown[] = [];
  const uninstall = installSignalHandlers({
    source,
    onHup: () => void calls.push('hup'),
    onTerm: (s: StopSignal) => void calls.push(`term:${s}`),
    onForce: (s: StopSignal) => void calls.push(`force:${s}`),
    onError: (e) => void errors.push(e),
  });
  return { source, calls, errors, uninstall };
}

test('SIGHUP reloads, every time', () => {
  const { source, calls } = setup();
  source.emit('SIGHUP');
  source.emit('SIGHUP');
  assert.deepEqual(calls, ['hup', 'hup']);
});

test('first SIGTERM stops gracefully; a second stop signal forces; SIGHUP is ignored while stopping', () => {
  const { source, calls } = setup();
  source.emit('SIGTERM');
  source.emit('SIGHUP');
  source.emit('SIGINT');
  assert.deepEqual(calls, ['term:SIGTERM', 'force:SIGINT']);
});

test('SIGINT is a stop signal too', () => {
  const { source, calls } = setup();
  source.emit('SIGINT');
  assert.deepEqual(calls, ['term:SIGINT']);
});

test('a rejected onHup goes to onError instead of becoming an unhandled rejection', async () => {
  const source = new EventEmitter();
  const errors: unknown[] = [];
  installSignalHandlers({ source, onHup: () => Promise.reject(new Error('nope')), onTerm: () => {}, onError: (e) => void errors.push(e) });
  source.emit('SIGHUP');
  await new Promise((r) => setImmediate(r));
  assert.equal(errors.length, 1);
  assert.equal((errors[0] as Error).message, 'nope');
});

test('uninstall removes every listener', () => {
  const { source, calls, uninstall } = setup();
  assert.equal(source.listenerCount('SIGHUP'), 1);
  uninstall();
  for (const s of ['SIGHUP', 'SIGTERM', 'SIGINT']) assert.equal(source.listenerCount(s), 0, s);
  source.emit('SIGHUP');
  assert.deepEqual(calls, []);
});
