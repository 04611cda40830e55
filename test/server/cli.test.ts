import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, startServe } from '../../src/cli/serve.ts';
import { nullLogger as silentLogger } from '../../src/log/logger.ts';
import { RRType } from '../../src/wire/constants.ts';
import { UdpClient, decode, query } from './dns-client.ts';
import { FakeZone, aRdata, rrset } from './fake-zone.ts';

const dir = mkdtempSync(join(tmpdir(), 'anchord-cli-'));
const badConfig = join(dir, 'bad.json');
writeFileSync(badConfig, JSON.stringify({ metrics: { listen: 9153 } }));

function zone(): FakeZone {
  return new FakeZone([rrset('www.example.', RRType.A, [aRdata('192.0.2.1')])]);
}
const makeResolve = async () => zone().resolve;

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, ['bin/anchord.js', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      done({ code, stdout, stderr });
    });
  });
}

test('startServe: a bad config file is exit 2 with the key path', async () => {
  const r = await startServe({ config: badConfig }, { makeResolve, logger: silentLogger });
  assert.ok(!r.ok);
  assert.equal(r.exitCode, ExitCode.BAD_CONFIG);
  assert.equal(r.message, `${badConfig}: metrics.listen: expected "host:port", got 9153`);
});

test('startServe: a bad --listen is exit 2', async () => {
  const r = await startServe({ listen: ['localhost:53'] }, { makeResolve, logger: silentLogger });
  assert.ok(!r.ok);
  assert.equal(r.exitCode, ExitCode.BAD_CONFIG);
  assert.match(r.message, /^--listen: expected "host:port", got "localhost:53"/);
});

test('startServe: serves on --listen; the same port again is exit 1 with the reason', async () => {
  const first = await startServe({ listen: ['127.0.0.1:0'] }, { makeResolve, logger: silentLogger });
  assert.ok(first.ok);
  const port = first.daemon.addresses[0].port;
  const c = await UdpClient.open();
  try {
    c.send(query({ id: 5, name: 'www.example.', type: RRType.A }), port);
    assert.equal(decode(await c.next()).answer.length, 1);
    const second = await startServe({ listen: [`127.0.0.1:${port}`] }, { makeResolve, logger: silentLogger });
    assert.ok(!second.ok);
    assert.equal(second.exitCode, ExitCode.CANNOT_START);
    assert.match(second.message, /udp 127\.0\.0\.1:\d+: another process is listening there/);
  } finally {
    c.close();
    await first.daemon.close();
  }
});

test('startServe: a resolver that cannot start is exit 1', async () => {
  const r = await startServe({ listen: ['127.0.0.1:0'] }, {
    makeResolve: async () => {
      throw new Error('no root hints');
    },
    logger: silentLogger,
  });
  assert.deepEqual(r, { ok: false, exitCode: ExitCode.CANNOT_START, message: 'cannot start the resolver: no root hints' });
});

test('bin/anchord.js --version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  const r = await run(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('bin/anchord.js serve with a bad config exits 2 and says why on stderr', async () => {
  const r = await run(['serve', '--config', badConfig]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /metrics\.listen: expected "host:port", got 9153/);
});

test('bin/anchord.js without a command exits 2 with usage help', async () => {
  const r = await run([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /anchord --help/);
});
