// `npm run replay [files…] [--update-skip] [--update-pass] [--quiet]`: replays Unbound's scenario
// corpus against anchord's resolver. One line per scenario (PASS / FAIL with the first difference /
// SKIP with the reason), counts per file-name prefix, the most common failure reasons, and a final
// line `N passed, N failed, N skipped`. Exit status 1 when a scenario listed in pass.json fails.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { rrToText } from '../../src/wire/print.ts';
import { corpusDir, HARNESS_DIR, listScenarios, loadPassList, loadSkipList, VENDORED_DIR } from './corpus.ts';
import { naiveResolverFactory } from './naive-resolver.ts';
import { loadResolverFactory, type FactoryLoad } from './resolver-adapter.ts';
import { parseRpl } from './rpl-parser.ts';
import { parseRrText } from './rr-text.ts';
import { runScenario, type ScenarioResult } from './runner.ts';
import { skipReasons } from './skip-rules.ts';

const QUERY_GUARD_MS = 10_000;

/** The file-name prefix used for the per-family summary: `val_nsec3_b1.rpl` → `val`. */
export function prefixOf(file: string): string {
  const b = basename(file, '.rpl');
  const i = b.indexOf('_');
  return i > 0 ? b.slice(0, i) : b;
}

/** EDE text without the names and addresses that differ per scenario, repeated parts once. */
function genericText(text: string): string {
  const parts = text
    .replace(/^[^:]*: /, '')
    .split(/, /)
    .map((p) => p.replace(/\b[0-9]{1,3}(\.[0-9]{1,3}){3}\b/g, 'ADDR').replace(/\b[0-9a-f]*:[0-9a-f:]+\b/gi, 'ADDR').replace(/(^|\s)\S*\.(?=\s|$)/g, '$1NAME'));
  return [...new Set(parts)].join(', ');
}

/** Collapses a failure reason into a group: step numbers, names and record data removed. */
export function failureGroup(reason: string): string {
  return reason
    .replace(/^STEP \d+ CHECK_ANSWER: /, '')
    .replace(/^STEP \d+: /, '')
    .replace(/ \[unscripted upstream:.*\]$/, ' [+unscripted upstream]')
    .replace(/ \[EDE (\d+): ([^\]]*)\]/, (_m, code: string, text: string) => ` [EDE ${code}: ${genericText(text)}]`)
    .replace(/(missing|unexpected) .*?(; unexpected .*)?$/, (_m, a: string, b: string | undefined) => (b ? `${a} …; unexpected …` : `${a} …`))
    .replace(/\(\d+ expected, \d+ got\)/, '')
    .replace(/line \d+/g, 'line N')
    .slice(0, 140);
}

interface Row {
  readonly file: string;
  readonly result: ScenarioResult;
}

/** Copies the passing scenarios (and the corpus licence) into test/replay/corpus so CI has them. */
function vendor(from: string, files: readonly string[]): void {
  mkdirSync(VENDORED_DIR, { recursive: true });
  const keep = new Set(files);
  for (const f of readdirSync(VENDORED_DIR)) if (f.endsWith('.rpl') && !keep.has(f)) rmSync(join(VENDORED_DIR, f));
  for (const f of files) copyFileSync(join(from, f), join(VENDORED_DIR, f));
  if (existsSync(join(from, 'LICENSE'))) copyFileSync(join(from, 'LICENSE'), join(VENDORED_DIR, 'LICENSE'));
  console.log(`vendored ${files.length} scenarios into ${VENDORED_DIR}`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const named = args.filter((a) => !a.startsWith('--'));
  const dir = corpusDir();
  const files = named.length > 0 ? named.map((f) => (f.includes('/') ? f : join(dir, f.endsWith('.rpl') ? f : f + '.rpl'))) : listScenarios(dir).map((f) => join(dir, f));
  const skipList = loadSkipList();
  const passList = new Set(loadPassList());
  const print = rrToText;
  // --naive: the harness self-check resolver instead of anchord's (never used for pass.json).
  const loaded: FactoryLoad = flags.has('--naive') ? { ok: true, factory: naiveResolverFactory, validation: 'naive resolver, no validation' } : await loadResolverFactory(parseRrText);
  console.log(loaded.ok ? `note: ${'validation' in loaded ? loaded.validation : ''}` : `note: ${loaded.reason}`);
  const quiet = flags.has('--quiet');
  const autoSkips = new Map<string, string>();
  const rows: Row[] = [];
  for (const path of files) {
    const file = basename(path);
    let result: ScenarioResult;
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      result = { status: 'fail', reason: `cannot read: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (text !== undefined) {
      const parsed = parseRpl(text, file);
      if (!parsed.ok) {
        result = { status: 'fail', reason: `harness: parse error at line ${parsed.line}: ${parsed.error}` };
      } else {
        const auto = skipReasons(parsed.scenario);
        if (auto.length > 0) autoSkips.set(file, auto[0]);
        const listed = skipList.get(file);
        if (listed !== undefined) result = { status: 'skip', reason: listed };
        else if (auto.length > 0) result = { status: 'skip', reason: auto[0] };
        else if (!loaded.ok) result = { status: 'fail', reason: loaded.reason };
        else result = await runScenario(parsed.scenario, loaded.factory, { parseRr: parseRrText, print, queryGuardMs: QUERY_GUARD_MS });
      }
    }
    const r = result!;
    rows.push({ file, result: r });
    if (!quiet || r.status === 'fail') {
      console.log(r.status === 'pass' ? `PASS ${file}` : `${r.status === 'fail' ? 'FAIL' : 'SKIP'} ${file}: ${r.reason}`);
    }
  }

  // Per-prefix counts.
  const byPrefix = new Map<string, [number, number, number]>();
  for (const { file, result } of rows) {
    const c = byPrefix.get(prefixOf(file)) ?? [0, 0, 0];
    c[result.status === 'pass' ? 0 : result.status === 'fail' ? 1 : 2]++;
    byPrefix.set(prefixOf(file), c);
  }
  console.log('\nper prefix (passed/failed/skipped):');
  for (const [p, [a, b, c]] of [...byPrefix].sort((x, y) => y[1][0] + y[1][1] + y[1][2] - (x[1][0] + x[1][1] + x[1][2]))) {
    console.log(`  ${p.padEnd(12)} ${String(a).padStart(4)} ${String(b).padStart(4)} ${String(c).padStart(4)}`);
  }
  // Grouped failure reasons: what to fix next.
  const groups = new Map<string, string[]>();
  for (const { file, result } of rows) {
    if (result.status !== 'fail') continue;
    const g = failureGroup(result.reason);
    groups.set(g, [...(groups.get(g) ?? []), file]);
  }
  if (groups.size > 0) {
    console.log('\ntop failure reasons:');
    for (const [g, fs] of [...groups].sort((a, b) => b[1].length - a[1].length).slice(0, 20)) {
      console.log(`  ${String(fs.length).padStart(4)}  ${g}  (e.g. ${fs.slice(0, 3).join(', ')})`);
    }
  }

  if (flags.has('--update-skip') && named.length === 0) {
    // Rule-derived reasons are recomputed; a listed reason no rule produces is a manual entry and kept.
    const ruleTexts = new Set(autoSkips.values());
    const merged: Record<string, string> = {};
    const manual = [...skipList].filter(([, r]) => !ruleTexts.has(r));
    for (const [f, r] of [...autoSkips, ...manual].sort((a, b) => a[0].localeCompare(b[0]))) merged[f] ??= r;
    writeFileSync(join(HARNESS_DIR, 'skip.json'), JSON.stringify(merged, null, 2) + '\n');
    console.log(`wrote skip.json (${Object.keys(merged).length} entries)`);
  }
  if (flags.has('--update-pass') && named.length === 0 && !flags.has('--naive')) {
    const passing = rows.filter((r) => r.result.status === 'pass').map((r) => r.file).sort();
    writeFileSync(join(HARNESS_DIR, 'pass.json'), JSON.stringify(passing, null, 2) + '\n');
    console.log(`wrote pass.json (${passing.length} entries)`);
    if (dir !== VENDORED_DIR) vendor(dir, passing);
  }

  const regressions = rows.filter((r) => passList.has(r.file) && r.result.status !== 'pass');
  for (const r of regressions) console.log(`REGRESSION ${r.file} is in pass.json but did not pass`);
  const n = (s: ScenarioResult['status']) => rows.filter((r) => r.result.status === s).length;
  console.log(`${n('pass')} passed, ${n('fail')} failed, ${n('skip')} skipped`);
  return regressions.length > 0 ? 1 : 0;
}

process.exitCode = await main();
