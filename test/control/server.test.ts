import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer, type ControlServer, type ControlTarget } from '../../src/control/server.ts';
import { isLoopbackAddress } from '../../src/control/loopback.ts';
import { startControlFromConfig } from '../../src/control/start.ts';
import { Name } from '../../src/wire/name.ts';
import { fakeTarget } from './fake-target.ts';

const OWNER_ONLY = 0o600;
const PERMISSION_BITS = 0o777;

function tempTokenFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'anchord-control-')), 'control.token');
}

async function start(target: ControlTarget, tokenFile = tempTokenFile()): Promise<{ server: ControlServer; token: string }> {
  const r = await startControlServer({ host: '127.0.0.1', port: 0, tokenFile, target });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return { server: r.server, token: readFileSync(tokenFile, 'utf8').trim() };
}

async function call(server: ControlServer, method: string, path: string, token?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: JSON.parse(await res.text()), headers: res.headers };
}

test('token file: 64 hex digits, mode 0600, removed on close', async () => {
  const file = tempTokenFile();
  const { server, token } = await start(fakeTarget(), file);
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.equal(statSync(file).mode & PERMISSION_BITS, OWNER_ONLY);
  await server.close();
  assert.equal(existsSync(file), false);
});

test('each start writes a different token, and the old one is refused', async (t) => {
  const file = tempTokenFile();
  const first = await start(fakeTarget(), file);
  await first.server.close();
  const second = await start(fakeTarget(), file);
  t.after(() => second.server.close());
  assert.notEqual(first.token, second.token);
  assert.equal((await call(second.server, 'GET', '/stats', first.token)).status, 401);
});

test('401 without a token, with a wrong token, with a token of another length; nothing reaches the target', async (t) => {
  const target = fakeTarget();
  const { server, token } = await start(target);
  t.after(() => server.close());
  const wrongSameLength = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  for (const presented of [undefined, wrongSameLength, 'short', `${token}00`]) {
    const r = await call(server, 'POST', '/flush', presented);
    assert.equal(r.status, 401, `token ${String(presented)}`);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
  }
  const basic = await fetch(`http://127.0.0.1:${server.port}/stats`, { headers: { authorization: `Basic ${token}` } });
  assert.equal(basic.status, 401);
  await basic.text();
  assert.equal(target.flushed.length, 0);
  // Unknown paths are 401 too before authentication: routes are not revealed.
  assert.equal((await call(server, 'GET', '/nope')).status, 401);
});

test('POST /flush without a name flushes everything; with a name, that name', async (t) => {
  const target = fakeTarget(undefined, 3);
  const { server, token } = await start(target);
  t.after(() => server.close());

  const all = await call(server, 'POST', '/flush', token);
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, { removed: 3, name: null });

  const one = await call(server, 'POST', '/flush?name=Example.COM', token);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, { removed: 3, name: 'Example.COM.' });

  const rooted = await call(server, 'POST', '/flush?name=example.org.', token);
  assert.equal(rooted.status, 200);

  assert.equal(target.flushed.length, 3);
  assert.equal(target.flushed[0], undefined);
  assert.ok(target.flushed[1]?.equals(Name.of('example.com')));
  assert.ok(target.flushed[2]?.equals(Name.of('example.org')));
});

test('POST /flush with an invalid name is 400 and flushes nothing', async (t) => {
  const target = fakeTarget();
  const { server, token } = await start(target);
  t.after(() => server.close());
  const r = await call(server, 'POST', `/flush?name=${'a'.repeat(64)}.com`, token);
  assert.equal(r.status, 400);
  assert.match(String((r.body as { error: string }).error), /label longer/);
  assert.equal(target.flushed.length, 0);
});

test('GET /stats returns the target stats as JSON (bigint as string)', async (t) => {
  const { server, token } = await start(fakeTarget());
  t.after(() => server.close());
  const r = await call(server, 'GET', '/stats', token);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(r.body, { uptimeSeconds: 12, queries: '345', cache: { entries: 6, bytes: 789 } });
});

test('POST /reload returns the report, including failed parts', async (t) => {
  const report = { ok: false, parts: [{ name: 'config', ok: true }, { name: 'policy', ok: false, error: 'zones/policy/x.rpz: line 3: bad owner' }] } as const;
  const target = fakeTarget(report);
  const { server, token } = await start(target);
  t.after(() => server.close());
  const r = await call(server, 'POST', '/reload', token);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, report);
  assert.equal(target.reloads, 1);
});

test('wrong method is 405 with Allow; unknown path is 404', async (t) => {
  const target = fakeTarget();
  const { server, token } = await start(target);
  t.after(() => server.close());
  const get = await call(server, 'GET', '/flush', token);
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  assert.equal((await call(server, 'POST', '/stats', token)).status, 405);
  assert.equal((await call(server, 'GET', '/reload', token)).status, 405);
  assert.equal((await call(server, 'GET', '/metrics', token)).status, 404);
  assert.equal(target.flushed.length, 0);
  assert.equal(target.reloads, 0);
});

test('a target that throws gives 500, and the endpoint keeps serving', async (t) => {
  const target = fakeTarget();
  const broken: ControlTarget = { ...target, reload: () => Promise.reject(new Error('boom')) };
  const { server, token } = await start(broken);
  t.after(() => server.close());
  const r = await call(server, 'POST', '/reload', token);
  assert.equal(r.status, 500);
  assert.deepEqual(r.body, { error: 'boom' });
  assert.equal((await call(server, 'GET', '/stats', token)).status, 200);
});

test('refuses to bind a non-loopback address, without writing a token', async () => {
  for (const host of ['0.0.0.0', '192.0.2.1', '::', '2001:db8::1', 'localhost']) {
    const file = tempTokenFile();
    const r = await startControlServer({ host, port: 0, tokenFile: file, target: fakeTarget() });
    assert.equal(r.ok, false, host);
    if (!r.ok) {
      assert.equal(r.error.kind, 'not-loopback');
      assert.match(r.error.message, /non-loopback/);
    }
    assert.equal(existsSync(file), false);
  }
});

test('an unwritable token file is a typed error, not a throw', async () => {
  const r = await startControlServer({ host: '127.0.0.1', port: 0, tokenFile: join(tmpdir(), 'no-such-dir-anchord', 'sub', 'control.token'), target: fakeTarget() });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, 'token-file');
});

test('a port in use is a typed error', async (t) => {
  const { server } = await start(fakeTarget());
  t.after(() => server.close());
  const r = await startControlServer({ host: '127.0.0.1', port: server.port, tokenFile: tempTokenFile(), target: fakeTarget() });
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, 'address-in-use');
});

test('isLoopbackAddress: 127/8, ::1 and mapped 127/8 only', () => {
  for (const a of ['127.0.0.1', '127.53.1.2', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(a), true, a);
  for (const a of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', 'localhost', '']) assert.equal(isLoopbackAddress(a), false, a);
});

test('startControlFromConfig: control.listen and control.tokenFile from the config', async (t) => {
  const tokenFile = tempTokenFile();
  const r = await startControlFromConfig({ control: { listen: '127.0.0.1:0', tokenFile } }, fakeTarget(), undefined, {});
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  t.after(() => r.server.close());
  assert.equal(r.server.tokenFile, tokenFile);
  const token = readFileSync(tokenFile, 'utf8').trim();
  assert.equal((await call(r.server, 'GET', '/stats', token)).status, 200);

  const refused = await startControlFromConfig({ control: { listen: '0.0.0.0:0', tokenFile: tempTokenFile() } }, fakeTarget(), undefined, {});
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.equal(refused.error.kind, 'not-loopback');
});
