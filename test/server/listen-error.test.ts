import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toListenError } from '../../src/server/listen-error.ts';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`listen ${code} 127.0.0.1:53`), { code });
}

test('system errors map to listener error kinds with advice', () => {
  assert.equal(toListenError(errno('EADDRINUSE'), 'udp', '127.0.0.1:53').kind, 'address-in-use');
  const perm = toListenError(errno('EACCES'), 'tcp', '127.0.0.1:53');
  assert.equal(perm.kind, 'permission');
  assert.equal(perm.message, 'tcp 127.0.0.1:53: binding a port below 1024 needs root or CAP_NET_BIND_SERVICE (listen EACCES 127.0.0.1:53)');
  assert.equal(toListenError(errno('EPERM'), 'tcp', '127.0.0.1:53').kind, 'permission');
  assert.equal(toListenError(errno('EADDRNOTAVAIL'), 'udp', '192.0.2.1:53').kind, 'address-not-available');
  assert.equal(toListenError(new Error('strange'), 'udp', '127.0.0.1:53').kind, 'other');
});
