// Where the .rpl files live and how to load the lists kept next to this harness.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HARNESS_DIR = dirname(fileURLToPath(import.meta.url));

/** Scenarios vendored into the repository: the pass-listed ones (and Unbound's LICENSE), for CI. */
export const VENDORED_DIR = join(HARNESS_DIR, 'corpus');
/** The full corpus: the shared folder that sits beside the repository (for developers and for CI). */
export const SHARED_CORPUS_DIR = join(HARNESS_DIR, '..', '..', '..', 'shared', 'rpl', 'unbound');

/** The corpus directory: $ANCHORD_RPL_DIR, else the full shared corpus, else the vendored subset. */
export function corpusDir(): string {
  const candidates = [process.env.ANCHORD_RPL_DIR, SHARED_CORPUS_DIR, VENDORED_DIR];
  for (const c of candidates) if (c !== undefined && c !== '' && existsSync(c)) return c;
  return VENDORED_DIR;
}

/** Every .rpl file name in `dir`, sorted. */
export function listScenarios(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.rpl')).sort();
}

/** skip.json: scenario file name → one-line reason. */
export function loadSkipList(): Map<string, string> {
  const p = join(HARNESS_DIR, 'skip.json');
  if (!existsSync(p)) return new Map();
  const data: unknown = JSON.parse(readFileSync(p, 'utf8'));
  const out = new Map<string, string>();
  if (data !== null && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out.set(k, v);
  }
  return out;
}

/** pass.json: scenario file names known to pass. */
export function loadPassList(): string[] {
  const p = join(HARNESS_DIR, 'pass.json');
  if (!existsSync(p)) return [];
  const data: unknown = JSON.parse(readFileSync(p, 'utf8'));
  return Array.isArray(data) ? data.filter((x): x is string => typeof x === 'string') : [];
}
