// `anchord explain` as a script runs it: a child process that starts the lab in-process on a free
// port, prints the chain and exits 1 for a bogus name. --at pins validation time to lab.json's
// pinnedTime so the result does not depend on the wall clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuestion, runExplain } from '../../src/cli/explain.ts';
import { DEFAULT_ZONES_DIR } from '../../src/lab/server.ts';
import { RRType } from '../../src/wire/constants.ts';

const labJson = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { pinnedTime: string };

test('anchord explain www.changed.test. A --lab: exit 1, the A RRset marked as the failing step', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'explain', 'www.changed.test.', 'A', '--lab', '--lab-port', '0', '--at', labJson.pinnedTime], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 1, `${stdout}\n${stderr}`);
  const lines = stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'www.changed.test. A → SERVFAIL (bogus)');
  const failed = lines.filter((l) => l.startsWith('✗'));
  assert.equal(failed.length, 1, stdout);
  assert.match(failed[0], /^✗ \d+\. www\.changed\.test\. A \(zone changed\.test\.\) — bogus: .* → EDE 6 DNSSEC Bogus$/);
  assert.match(lines.at(-1) ?? '', /^verdict: SERVFAIL, bogus: EDE 6 DNSSEC Bogus: /);
});

test('explain usage errors are exit 2 before anything starts', async () => {
  const badType = await runExplain({ name: 'www.secure.lab.', type: 'NOSUCHTYPE', lab: true });
  assert.ok(!badType.ok);
  assert.equal(badType.exitCode, 2);
  assert.match(badType.message, /unknown record type/);
  const badAt = await runExplain({ name: 'www.secure.lab.', lab: true, at: 'yesterday-ish' });
  assert.ok(!badAt.ok);
  assert.equal(badAt.exitCode, 2);
  assert.match(badAt.message, /--at/);
});

test('NAME without the final dot and TYPE by mnemonic; A by default', () => {
  const q = parseQuestion('www.secure.lab', 'aaaa');
  assert.ok(q.ok);
  assert.equal(q.question.name.toString(), 'www.secure.lab.');
  assert.equal(q.question.type, RRType.AAAA);
  const d = parseQuestion('www.secure.lab.', undefined);
  assert.ok(d.ok);
  assert.equal(d.question.type, RRType.A);
});
