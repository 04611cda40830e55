import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkConfig, defaultConfig } from '../../src/config/config.ts';
import { loadConfig } from '../../src/config/load.ts';

function errorsOf(json: unknown): string[] {
  const r = checkConfig(json);
  assert.equal(r.ok, false, 'expected the config to be rejected');
  return r.ok ? [] : r.errors;
}

test('an empty object gives every default', () => {
  const r = checkConfig({});
  assert.ok(r.ok);
  const c = r.config;
  assert.deepEqual(c.listen, ['127.0.0.1:53', '[::1]:53']);
  assert.equal(c.maxUdpSize, 1232);
  assert.deepEqual(c.tcp, { idleTimeoutMs: 10000, maxConnections: 1000, maxInFlightPerConnection: 100 });
  assert.equal(c.rootHints, 'zones/root.hints');
  assert.deepEqual(c.trustAnchors, ['zones/root-anchors']);
  assert.equal(c.cache.maxBytes, 64 * 1024 * 1024);
  assert.equal(c.limits.queryDeadlineMs, 10000);
  assert.equal(c.logLevel, 'info');
  assert.equal(c.control.tokenFile, null);
  assert.deepEqual(c.forward, []);
  assert.ok(c.allow.includes('fe80::/10'));
  // Hardened unless the operator opts out (a weakening option, see docs/configuration.md).
  assert.equal(c.hardenDnssecStripped, true);
  assert.equal(c.hardenAlgoDowngrade, false);
});

test('a partial section keeps the defaults of its other keys', () => {
  const r = checkConfig({ tcp: { idleTimeoutMs: 2000 }, listen: ['127.0.0.1:5300'] });
  assert.ok(r.ok);
  assert.deepEqual(r.config.tcp, { idleTimeoutMs: 2000, maxConnections: 1000, maxInFlightPerConnection: 100 });
  assert.deepEqual(r.config.listen, ['127.0.0.1:5300']);
});

test('defaults are copies: changing one config does not change the next', () => {
  const a = defaultConfig();
  (a.listen as string[]).push('127.0.0.2:53');
  assert.deepEqual(defaultConfig().listen, ['127.0.0.1:53', '[::1]:53']);
});

test('config.example.json is valid and holds every key at its default', () => {
  const example: unknown = JSON.parse(readFileSync('config.example.json', 'utf8'));
  assert.deepEqual(example, JSON.parse(JSON.stringify(defaultConfig())));
  assert.ok(checkConfig(example).ok);
});

test('a wrong type names the key path and the value', () => {
  assert.deepEqual(errorsOf({ metrics: { listen: 9153 } }), ['metrics.listen: expected "host:port", got 9153']);
  assert.deepEqual(errorsOf({ priming: 'yes' }), ['priming: expected a boolean, got "yes"']);
  assert.deepEqual(errorsOf({ tcp: [] }), ['tcp: expected an object, got an array']);
  assert.deepEqual(errorsOf({ listen: '127.0.0.1:53' }), ['listen: expected an array, got "127.0.0.1:53"']);
  assert.deepEqual(errorsOf([]), ['(top level): expected an object, got an array']);
});

test('an out-of-range integer names its range', () => {
  assert.deepEqual(errorsOf({ maxUdpSize: 65535 }), ['maxUdpSize: expected an integer 512..4096, got 65535']);
  assert.deepEqual(errorsOf({ maxUdpSize: 1232.5 }), ['maxUdpSize: expected an integer 512..4096, got 1232.5']);
  assert.deepEqual(errorsOf({ tcp: { maxConnections: 0 } }), ['tcp.maxConnections: expected an integer >= 1, got 0']);
});

test('enumerations list their values', () => {
  assert.deepEqual(errorsOf({ logLevel: 'loud' }), ['logLevel: expected one of "error", "warn", "info", "debug", got "loud"']);
  assert.deepEqual(errorsOf({ policy: [{ file: 'x.rpz', ede: 'nope' }] }), [
    'policy[0].ede: expected one of "blocked", "censored", "filtered", got "nope"',
  ]);
});

test('array elements are named by index, nested objects by path', () => {
  assert.deepEqual(errorsOf({ listen: ['127.0.0.1:53', '::1:53'] }), [
    'listen[1]: expected "host:port", got "::1:53" (IPv6 addresses are written [addr]:port)',
  ]);
  assert.deepEqual(errorsOf({ forward: [{ zone: 'example.', addresses: ['192.0.2.1', '192.0.2.2@x'] }] }), [
    'forward[0].addresses[1]: expected "ip" or "ip@port", got "192.0.2.2@x" ("x" is not a port number)',
  ]);
  assert.deepEqual(errorsOf({ allow: ['10.0.0.0/33'] }), ['allow[0]: expected a CIDR prefix, got "10.0.0.0/33" (prefix length must be 0..32)']);
  assert.deepEqual(errorsOf({ insecureDomains: ['a..b'] }), ['insecureDomains[0]: expected a domain name, got "a..b" (empty label in "a..b.")']);
});

test('a required key of an array element is reported missing', () => {
  assert.deepEqual(errorsOf({ forward: [{ zone: 'example.' }] }), ['forward[0].addresses: required key is missing']);
});

test('an unknown key is an error, with a suggestion when it looks misspelt', () => {
  assert.deepEqual(errorsOf({ tcp: { idleTimout: 5 } }), ['tcp.idleTimout: unknown key (did you mean "idleTimeoutMs"?)']);
  assert.deepEqual(errorsOf({ colour: 'blue' }), ['colour: unknown key']);
});

test('every error is reported, not just the first', () => {
  assert.equal(errorsOf({ maxUdpSize: 1, logLevel: 2, nope: 3 }).length, 3);
});

test('null is only accepted where documented', () => {
  assert.ok(checkConfig({ control: { tokenFile: null } }).ok);
  assert.deepEqual(errorsOf({ control: { tokenFile: 5 } }), ['control.tokenFile: expected a file path, got 5']);
  assert.deepEqual(errorsOf({ rootHints: null }), ['rootHints: expected a file path, got null']);
});

test('cross-key rules', () => {
  assert.deepEqual(errorsOf({ doIp4: false, doIp6: false }), [
    'doIp6: doIp4 and doIp6 cannot both be false (no way to reach an authoritative server)',
  ]);
  assert.deepEqual(errorsOf({ cache: { minTtl: 10, maxTtl: 5 } }), ['cache.minTtl: 10 is above cache.maxTtl (5)']);
});

test('loadConfig: no file means defaults; bad JSON and bad keys are prefixed with the file name', async () => {
  const none = await loadConfig(undefined);
  assert.ok(none.ok);
  const dir = mkdtempSync(join(tmpdir(), 'anchord-config-'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ "listen": [ }');
  const r1 = await loadConfig(bad);
  assert.ok(!r1.ok && r1.errors[0].startsWith(`${bad}: invalid JSON`));
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ metrics: { listen: 9153 } }));
  const r2 = await loadConfig(wrong);
  assert.deepEqual(r2, { ok: false, errors: [`${wrong}: metrics.listen: expected "host:port", got 9153`] });
  const missing = await loadConfig(join(dir, 'missing.json'));
  assert.ok(!missing.ok && missing.errors[0].includes('ENOENT'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({ queryLog: true }));
  const r3 = await loadConfig(good);
  assert.ok(r3.ok && r3.config.queryLog === true && r3.config.maxUdpSize === 1232);
});
