import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runControl, type ControlArgs, type ControlIo } from '../../src/cli/control.ts';
import { startControlServer, type ControlServer } from '../../src/control/server.ts';
import type { ReloadReport } from '../../src/control/reload.ts';
import { fakeTarget, type FakeTarget } from './fake-target.ts';

interface Captured extends ControlIo {
  readonly stdout: string[];
  readonly stderr: string[];
}

function capture(): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  // No RUNTIME_DIRECTORY and no /run/anchord lookups leaking in from the host: every test names its files.
  return { stdout, stderr, out: (l) => void stdout.push(l), err: (l) => void stderr.push(l), env: {} };
}

async function running(target: FakeTarget): Promise<{ server: ControlServer; dir: string; tokenFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'anchord-cli-control-'));
  const tokenFile = join(dir, 'control.token');
  const r = await startControlServer({ host: '127.0.0.1', port: 0, tokenFile, target });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return { server: r.server, dir, tokenFile };
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function run(args: ControlArgs): Promise<{ code: number; out: Captured }> {
  const out = capture();
  const code = await runControl(args, out);
  return { code, out };
}

test('control stats prints the JSON and exits 0', async (t) => {
  const { server, tokenFile } = await running(fakeTarget());
  t.after(() => server.close());
  const { code, out } = await run({ request: { command: 'stats' }, control: `127.0.0.1:${server.port}`, tokenFile });
  assert.equal(code, 0, out.stderr.join('\n'));
  assert.deepEqual(JSON.parse(out.stdout.join('\n')), { uptimeSeconds: 12, queries: '345', cache: { entries: 6, bytes: 789 } });
});

test('control flush with and without a name', async (t) => {
  const target = fakeTarget(undefined, 1);
  const { server, tokenFile } = await running(target);
  t.after(() => server.close());
  const base = { control: `127.0.0.1:${server.port}`, tokenFile };
  const all = await run({ ...base, request: { command: 'flush' } });
  assert.equal(all.code, 0);
  assert.deepEqual(all.out.stdout, ['flushed 1 cache entry (whole cache)']);
  const one = await run({ ...base, request: { command: 'flush', name: 'example.com' } });
  assert.equal(one.code, 0);
  assert.deepEqual(one.out.stdout, ['flushed 1 cache entry at and below example.com.']);
  assert.equal(target.flushed[0], undefined);
  assert.equal(target.flushed[1]?.toString(), 'example.com.');
  const bad = await run({ ...base, request: { command: 'flush', name: 'a..b' } });
  assert.equal(bad.code, 1);
  assert.match(bad.out.stderr.join('\n'), /HTTP 400/);
});

test('control reload: one line per part; exit 1 when a part failed', async (t) => {
  const report: ReloadReport = { ok: false, parts: [{ name: 'config', ok: true }, { name: 'policy', ok: false, error: 'x.rpz: line 3: bad owner' }] };
  const { server, tokenFile } = await running(fakeTarget(report));
  t.after(() => server.close());
  const { code, out } = await run({ request: { command: 'reload' }, control: `127.0.0.1:${server.port}`, tokenFile });
  assert.equal(code, 1);
  assert.deepEqual(out.stdout, ['config: reloaded', 'policy: FAILED, kept the previous version: x.rpz: line 3: bad owner']);

  const fine = await running(fakeTarget({ ok: true, parts: [{ name: 'policy', ok: true }] }));
  t.after(() => fine.server.close());
  const ok = await run({ request: { command: 'reload' }, control: `127.0.0.1:${fine.server.port}`, tokenFile: fine.tokenFile });
  assert.equal(ok.code, 0);
});

test('a wrong token says "token mismatch" and exits 1', async (t) => {
  const { server, dir } = await running(fakeTarget());
  t.after(() => server.close());
  const wrong = join(dir, 'wrong.token');
  writeFileSync(wrong, 'f'.repeat(64));
  const { code, out } = await run({ request: { command: 'stats' }, control: `127.0.0.1:${server.port}`, tokenFile: wrong });
  assert.equal(code, 1);
  assert.match(out.stderr.join('\n'), /token mismatch/);
  assert.deepEqual(out.stdout, []);
});

test('nothing listening: "is anchord running?" and exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchord-cli-control-'));
  const tokenFile = join(dir, 'control.token');
  writeFileSync(tokenFile, 'abc');
  const { code, out } = await run({ request: { command: 'stats' }, control: `127.0.0.1:${await closedPort()}`, tokenFile });
  assert.equal(code, 1);
  assert.match(out.stderr.join('\n'), /connection refused .*is anchord running\?/);
});

test('a missing token file says so and exits 1', async () => {
  const { code, out } = await run({ request: { command: 'stats' }, control: '127.0.0.1:1', tokenFile: join(tmpdir(), 'anchord-no-such-token') });
  assert.equal(code, 1);
  assert.match(out.stderr.join('\n'), /no control token at .*is anchord running\?/);
});

test('--config supplies control.listen and control.tokenFile', async (t) => {
  const { server, dir, tokenFile } = await running(fakeTarget());
  t.after(() => server.close());
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ control: { listen: `127.0.0.1:${server.port}`, tokenFile } }));
  const { code, out } = await run({ request: { command: 'stats' }, config });
  assert.equal(code, 0, out.stderr.join('\n'));

  const badConfig = join(dir, 'bad.json');
  writeFileSync(badConfig, JSON.stringify({ control: { listen: 'nowhere' } }));
  const bad = await run({ request: { command: 'stats' }, config: badConfig });
  assert.equal(bad.code, 1);
  assert.match(bad.out.stderr.join('\n'), /control\.listen/);
});

test('bad --control is exit 1 with the reason', async () => {
  const { code, out } = await run({ request: { command: 'stats' }, control: 'localhost:8953', tokenFile: '/dev/null' });
  assert.equal(code, 1);
  assert.match(out.stderr.join('\n'), /--control/);
});

test('the real command line: anchord control stats (registered in src/cli.ts)', async (t) => {
  const { server, tokenFile } = await running(fakeTarget());
  t.after(() => server.close());
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['bin/anchord.js', 'control', 'stats', '--control', `127.0.0.1:${server.port}`, '--token-file', tokenFile],
      { timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal((JSON.parse(result.stdout) as { uptimeSeconds: number }).uptimeSeconds, 12);
});
