// Regression gate: every scenario in pass.json must keep passing. One test per scenario, so a
// failure names the scenario and its first difference. `npm run replay -- --update-pass` refreshes
// the list after a resolver improvement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rrToText } from '../../src/wire/print.ts';
import { corpusDir, loadPassList, loadSkipList } from './corpus.ts';
import { loadResolverFactory } from './resolver-adapter.ts';
import { parseRpl } from './rpl-parser.ts';
import { parseRrText } from './rr-text.ts';
import { runScenario } from './runner.ts';
import { skipReasons } from './skip-rules.ts';

const passList = loadPassList();
const skipList = loadSkipList();
const dir = corpusDir();

test('pass.json and skip.json do not overlap and name corpus files', () => {
  for (const f of passList) {
    assert.equal(skipList.has(f), false, `${f} is both passing and skipped`);
    assert.match(f, /\.rpl$/);
    assert.ok(existsSync(join(dir, f)), `${f} missing from ${dir}`);
  }
});

for (const file of passList) {
  test(`replay ${file}`, async () => {
    const loaded = await loadResolverFactory(parseRrText);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.reason);
    const parsed = parseRpl(readFileSync(join(dir, file), 'utf8'), file);
    assert.ok(parsed.ok, parsed.ok ? '' : `parse error line ${parsed.line}: ${parsed.error}`);
    assert.deepEqual(skipReasons(parsed.scenario), []);
    const r = await runScenario(parsed.scenario, loaded.factory, { parseRr: parseRrText, print: rrToText });
    assert.deepEqual(r, { status: 'pass' });
  });
}
