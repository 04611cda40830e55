// Reading the config file: I/O and JSON syntax errors here, key validation in config.ts.
import { readFile } from 'node:fs/promises';
import { checkConfig, defaultConfig, type ConfigResult } from './config.ts';

/** No file: every default. A file: its keys over the defaults. Errors are prefixed with the file name. */
export async function loadConfig(file: string | undefined): Promise<ConfigResult> {
  if (file === undefined) return { ok: true, config: defaultConfig() };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, errors: [`${file}: cannot read (${code ?? (e instanceof Error ? e.message : String(e))})`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`${file}: invalid JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  const r = checkConfig(json);
  return r.ok ? r : { ok: false, errors: r.errors.map((m) => `${file}: ${m}`) };
}
