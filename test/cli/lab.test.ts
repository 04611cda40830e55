// `anchord lab` as a user runs it (the `npm run lab` command line): a child process with the lab
// servers and the resolver on free ports, asked one question over UDP, stopped with SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { ask } from '../integration/client.ts';
import { digCommands, labConfig, DEFAULT_LAB_LISTEN, LAB_PORT_UNPRIVILEGED } from '../../src/cli/lab.ts';

const START_TIMEOUT_MS = 20_000;

test('anchord lab starts, prints dig commands, answers a query and stops on SIGTERM with exit 0', async () => {
  // Port 0 for both: the kernel picks free ones; the resolver's bound address is printed.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'lab', '--listen', '127.0.0.1:0', '--lab-port', '0', '--metrics', 'off', '--log-level', 'error'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  try {
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lab did not start: ${stdout} ${stderr}`)), START_TIMEOUT_MS);
      child.stdout.on('data', () => {
        if (stdout.includes('Ctrl-C stops.')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => reject(new Error(`lab exited early: ${stderr}`)));
    });
    await ready;
    const m = /resolver on 127\.0\.0\.1:(\d+)/.exec(stdout);
    assert.ok(m !== null, stdout);
    assert.match(stdout, /dig @127\.0\.0\.1 -p \d+ www\.secure\.lab\. A \+dnssec/);
    // CD=1: the answer does not depend on the wall clock being inside the lab's signature window.
    const r = await ask({ name: 'www.secure.lab.', type: RRType.A, cd: true, edns: {} }, { port: Number(m[1]), from: '127.0.0.1' });
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.deepEqual(r.answer.filter((rr) => rr.type === RRType.A).map((rr) => rr.rdata.join('.')), ['192.0.2.1']);
  } finally {
    child.kill('SIGTERM');
  }
  const [code, signal] = await exited;
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
});

test('anchord lab: a bad --lab-port is exit 2', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'lab', '--lab-port', '70000'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2);
  assert.match(stderr, /--lab-port: expected a port number/);
});

test('lab config: lab hints, lab anchor, loopback upstreams on the lab port; dig commands come from lab.json', () => {
  const c = labConfig(LAB_PORT_UNPRIVILEGED, DEFAULT_LAB_LISTEN, undefined, 'info');
  assert.match(c.rootHints, /zones\/lab\/root\.hints$/);
  assert.deepEqual(c.trustAnchors.map((f) => f.replace(/.*zones\//, 'zones/')), ['zones/lab/trust-anchor']);
  assert.equal(c.upstreamPort, LAB_PORT_UNPRIVILEGED);
  assert.equal(c.allowLoopbackUpstreams, true);
  assert.deepEqual(c.listen, [DEFAULT_LAB_LISTEN]);
  assert.equal(c.metrics.enabled, false);
  const lines = digCommands('127.0.0.1:5300');
  assert.ok(lines.some((l) => /www\.expired\.test\. A .*EDE 7/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /big\.secure\.lab\. TXT .*TCP/.test(l)));
  assert.ok(lines.some((l) => /NXDOMAIN AD/.test(l)));
  assert.ok(lines.some((l) => /root-key-sentinel-/.test(l)));
  assert.ok(lines.every((l) => l.includes('dig @127.0.0.1 -p 5300 ')));
});
