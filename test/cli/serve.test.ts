// `anchord serve` as systemd runs it: exit 2 for configuration errors (naming the key), and a
// daemon assembled from a config file (here pointed at the embedded lab) that answers, reloads on
// SIGHUP and exits 0 on SIGTERM.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlExit, runControl } from '../../src/cli/control.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../../src/lab/server.ts';
import { Rcode, RRType } from '../../src/wire/constants.ts';
import { ask } from '../integration/client.ts';

const dir = mkdtempSync(join(tmpdir(), 'anchord-serve-'));
const WAIT_MS = 20_000;

function writeJson(name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

interface Child {
  readonly lines: () => string[];
  readonly stderr: () => string;
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  signal(s: NodeJS.Signals): void;
  readonly exit: Promise<[number | null, string | null]>;
}

function serve(args: string[]): Child {
  const child = spawn(process.execPath, ['bin/anchord.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exit = once(child, 'exit') as Promise<[number | null, string | null]>;
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return {
    lines: () => out.split('\n').filter((l) => l !== ''),
    stderr: () => err,
    exit,
    signal: (s) => void child.kill(s),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${out}${err}`)), WAIT_MS);
        const check = () => {
          const m = pattern.exec(out);
          if (m === null) return;
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve(m);
        };
        child.stdout.on('data', check);
        check();
        void exit.then(() => reject(new Error(`exited before ${pattern}: ${out}${err}`)));
      }),
  };
}

let lab: LabHandle;
before(async () => {
  lab = await startLab({ port: 0 });
});
after(async () => {
  await lab.close();
});

test('serve --config with a bad key exits 2 and names the key', async () => {
  const bad = writeJson('bad.json', { limits: { upstreamTimeoutMs: 'fast' } });
  const c = serve(['--config', bad]);
  const [code] = await c.exit;
  assert.equal(code, 2);
  assert.match(c.stderr(), /limits\.upstreamTimeoutMs/);
});

test('serve with a root hints file that cannot be read exits 2 and names rootHints', async () => {
  const missing = writeJson('missing-hints.json', { rootHints: join(dir, 'nope.hints'), listen: ['127.0.0.1:0'], metrics: { enabled: false } });
  const c = serve(['--config', missing]);
  const [code] = await c.exit;
  assert.equal(code, 2);
  assert.match(c.stderr(), /rootHints: cannot read .*nope\.hints \(ENOENT\)/);
});

test('serve: answers from the lab, reloads on SIGHUP, exits 0 on SIGTERM', async () => {
  const tokenFile = join(dir, 'control.token');
  const config = writeJson('lab.json', {
    listen: ['127.0.0.1:0'],
    rootHints: join(DEFAULT_ZONES_DIR, 'root.hints'),
    trustAnchors: [join(DEFAULT_ZONES_DIR, 'trust-anchor')],
    upstreamPort: lab.port,
    allowLoopbackUpstreams: true,
    doIp6: false,
    metrics: { listen: '127.0.0.1:0', enabled: true },
    control: { listen: '127.0.0.1:0', tokenFile },
    logLevel: 'info',
  });
  const c = serve(['--config', config]);
  try {
    // The control endpoint starts last: once it says so, everything is up.
    const control = await c.waitFor(/control endpoint on (127\.0\.0\.1:\d+)/);
    const m = await c.waitFor(/serving DNS on 127\.0\.0\.1:(\d+)/);
    assert.ok(existsSync(tokenFile), 'the control endpoint wrote its token');
    // CD=1 keeps the answer independent of the wall clock (the lab's signatures run 2025-2045).
    const r = await ask({ name: 'www.secure.lab.', type: RRType.A, cd: true, edns: {} }, { port: Number(m[1]), from: '127.0.0.1' });
    assert.equal(r.rcode, Rcode.NOERROR);
    assert.equal(r.flags.ra, true);

    // `anchord control` against it: flushing the name just asked removes its cache entries.
    const out: string[] = [];
    const io = { out: (l: string) => void out.push(l), err: (l: string) => void out.push(`err: ${l}`) };
    const flushed = await runControl({ request: { command: 'flush', name: 'www.secure.lab' }, control: control[1], tokenFile }, io);
    assert.equal(flushed, ControlExit.OK, out.join('\n'));
    assert.match(out[0], /^flushed [1-9]\d* cache entr(y|ies) at and below www\.secure\.lab\.$/);
    out.length = 0;
    assert.equal(await runControl({ request: { command: 'stats' }, control: control[1], tokenFile }, io), ControlExit.OK, out.join('\n'));
    assert.match(out.join('\n'), /"rootKeyTags"/);

    c.signal('SIGHUP');
    await c.waitFor(/"msg":"reload policy: ok"/);
    const parts = c.lines().map((l) => (JSON.parse(l) as { msg: string }).msg).filter((msg) => msg.startsWith('reload '));
    assert.deepEqual(parts.slice(0, 3), ['reload config: ok', 'reload trustAnchors: ok', 'reload policy: ok']);
  } finally {
    c.signal('SIGTERM');
  }
  const [code, signal] = await c.exit;
  assert.equal(signal, null);
  assert.equal(code, 0, c.stderr());
  assert.ok(!existsSync(tokenFile), 'the token file is removed on exit');
});
