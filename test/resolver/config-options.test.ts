import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../src/config/config.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import { optionsFromConfig } from '../../src/resolver/config-options.ts';
import { RRType } from '../../src/wire/constants.ts';

const dir = mkdtempSync(join(tmpdir(), 'anchord-opts-'));
const hints = join(DEFAULT_ZONES_DIR, 'root.hints');
const anchor = join(DEFAULT_ZONES_DIR, 'trust-anchor');

function config(more: Partial<Config>): Config {
  return { ...defaultConfig(), rootHints: hints, trustAnchors: [anchor], ...more };
}

test('maps every key: hints and anchors read, forwarders parsed from "ip" and "ip@port", names parsed', () => {
  const r = optionsFromConfig(config({
    forward: [{ zone: 'corp.example', addresses: ['192.0.2.53', '192.0.2.54@5353', '2001:db8::1@853'] }],
    insecureDomains: ['broken.example.', 'other.example'],
    upstreamPort: 5354,
    allowLoopbackUpstreams: true,
  }));
  assert.ok(r.ok, r.ok ? '' : r.error);
  const o = r.options;
  assert.ok(o.rootHints.some((rr) => rr.type === RRType.NS && rr.name.isRoot));
  assert.deepEqual(o.trustAnchors.map((rr) => rr.type), [RRType.DS]);
  assert.equal(o.forwardZones[0].zone.toString(), 'corp.example.');
  assert.deepEqual(o.forwardZones[0].addresses, [
    { address: '192.0.2.53', port: 53 },
    { address: '192.0.2.54', port: 5353 },
    { address: '2001:db8::1', port: 853 },
  ]);
  assert.deepEqual(o.insecureDomains.map((n) => n.toString()), ['broken.example.', 'other.example.']);
  assert.equal(o.upstreamPort, 5354);
  assert.equal(o.allowLoopbackUpstreams, true);
  assert.equal(o.limits.upstreamTimeoutMs, defaultConfig().limits.upstreamTimeoutMs);
  assert.equal(o.cache.bogusTtl, defaultConfig().cache.bogusTtl);
  assert.deepEqual(o.stubZones, []);
});

test('errors name the key and the file', () => {
  const missing = optionsFromConfig(config({ rootHints: join(dir, 'nope') }));
  assert.ok(!missing.ok);
  assert.match(missing.error, /^rootHints: cannot read .*nope \(ENOENT\)$/);

  const noNs = join(dir, 'no-ns.hints');
  writeFileSync(noNs, 'a.root.lab. 3600 A 127.53.0.1\n');
  const badHints = optionsFromConfig(config({ rootHints: noNs }));
  assert.ok(!badHints.ok);
  assert.match(badHints.error, /^rootHints: .*no-ns\.hints: root hints hold no NS record/);

  const noDs = join(dir, 'empty.anchor');
  writeFileSync(noDs, '; nothing here\n');
  const badAnchor = optionsFromConfig(config({ trustAnchors: [anchor, noDs] }));
  assert.ok(!badAnchor.ok);
  assert.match(badAnchor.error, /^trustAnchors\[1\]: .*empty\.anchor holds no DS or DNSKEY record$/);
});

test('no trust anchor files: no anchors (validation off)', () => {
  const r = optionsFromConfig(config({ trustAnchors: [] }));
  assert.ok(r.ok);
  assert.deepEqual(r.options.trustAnchors, []);
});

test('privateAddresses and privateDomains become prefixes and names', () => {
  const r = optionsFromConfig(config({ privateAddresses: ['10.0.0.0/8', 'fd00::/8', '192.0.2.7'], privateDomains: ['home.arpa', 'corp.example.'] }));
  assert.ok(r.ok, r.ok ? '' : r.error);
  assert.deepEqual(r.options.privateAddresses, [
    { network: '10.0.0.0', prefix: 8, family: 4 },
    { network: 'fd00::', prefix: 8, family: 6 },
    { network: '192.0.2.7', prefix: 32, family: 4 },
  ]);
  assert.deepEqual(r.options.privateDomains.map((n) => n.toString()), ['home.arpa.', 'corp.example.']);
  const bad = optionsFromConfig(config({ privateAddresses: ['10.0.0.0/33'] }));
  assert.ok(!bad.ok && bad.error.startsWith('privateAddresses[0]:'), bad.ok ? '' : bad.error);
});
