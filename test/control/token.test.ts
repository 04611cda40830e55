import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientTokenFile, defaultTokenFile, readTokenFile, SYSTEMD_TOKEN_FILE, tokensEqual, writeTokenFile } from '../../src/control/token.ts';
import { controlSettings } from '../../src/control/settings.ts';
import { defaultConfig } from '../../src/config/config.ts';

const PERMISSION_BITS = 0o777;

test('defaultTokenFile: $RUNTIME_DIRECTORY (first of a list) or the temp dir', () => {
  assert.equal(defaultTokenFile({ RUNTIME_DIRECTORY: '/run/anchord' }), '/run/anchord/control.token');
  assert.equal(defaultTokenFile({ RUNTIME_DIRECTORY: '/run/anchord:/run/other' }), '/run/anchord/control.token');
  assert.equal(defaultTokenFile({}), join(tmpdir(), 'anchord-control.token'));
});

test('clientTokenFile prefers /run/anchord/control.token when it exists and no runtime dir is set', () => {
  assert.equal(clientTokenFile({}, (p) => p === SYSTEMD_TOKEN_FILE), SYSTEMD_TOKEN_FILE);
  assert.equal(clientTokenFile({}, () => false), join(tmpdir(), 'anchord-control.token'));
  assert.equal(clientTokenFile({ RUNTIME_DIRECTORY: '/x' }, () => true), '/x/control.token');
});

test('controlSettings: config keys win, defaults otherwise', () => {
  const base = defaultConfig();
  const r = controlSettings(base, 'daemon', { RUNTIME_DIRECTORY: '/run/a' });
  assert.ok(r.ok);
  if (r.ok) {
    assert.deepEqual(r.settings.address, { host: '127.0.0.1', port: 8953, family: 4 });
    assert.equal(r.settings.tokenFile, '/run/a/control.token');
  }
  const own = controlSettings({ control: { listen: '[::1]:9000', tokenFile: '/etc/x.token' } });
  assert.ok(own.ok);
  if (own.ok) assert.deepEqual(own.settings, { address: { host: '::1', port: 9000, family: 6 }, tokenFile: '/etc/x.token' });
});

test('writeTokenFile replaces an existing file (mode 0600) and never writes through a planted symlink', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchord-token-'));
  const path = join(dir, 'control.token');
  writeFileSync(path, 'old', { mode: 0o644 });
  assert.deepEqual(await writeTokenFile(path, 'abc'), { ok: true });
  assert.equal(readFileSync(path, 'utf8'), 'abc\n');
  assert.equal(statSync(path).mode & PERMISSION_BITS, 0o600);

  const victim = join(dir, 'victim');
  writeFileSync(victim, 'precious');
  const link = join(dir, 'link.token');
  symlinkSync(victim, link);
  assert.deepEqual(await writeTokenFile(link, 'def'), { ok: true });
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.equal(readFileSync(link, 'utf8'), 'def\n');
});

test('readTokenFile trims, and reports the errno code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'anchord-token-'));
  writeFileSync(join(dir, 't'), 'cafe\n');
  assert.deepEqual(await readTokenFile(join(dir, 't')), { ok: true, token: 'cafe' });
  const missing = await readTokenFile(join(dir, 'missing'));
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.equal(missing.code, 'ENOENT');
  writeFileSync(join(dir, 'empty'), '\n');
  const empty = await readTokenFile(join(dir, 'empty'));
  assert.equal(empty.ok, false);
});

test('tokensEqual', () => {
  assert.equal(tokensEqual('abc', 'abc'), true);
  assert.equal(tokensEqual('abd', 'abc'), false);
  assert.equal(tokensEqual('ab', 'abc'), false);
  assert.equal(tokensEqual('', 'abc'), false);
});
