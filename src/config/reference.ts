// Renders the configuration reference (the table in docs/configuration.md) from the schema, so the
// documentation cannot drift from the code: a test compares the two.
import { configSchema } from './config.ts';
import type { Schema } from './schema.ts';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function defaultText(s: Schema<unknown>): string {
  if (s.default === undefined) return '(required)';
  if (s.fields !== undefined) return '';
  return `\`${JSON.stringify(s.default)}\``;
}

function rows(s: Schema<unknown>, path: string, out: string[]): void {
  if (s.fields === undefined) return;
  for (const [key, field] of Object.entries(s.fields)) {
    const p = path === '' ? key : `${path}.${key}`;
    out.push(`| \`${p}\` | ${cell(field.expected)} | ${defaultText(field)} | ${cell(field.doc)} |`);
    rows(field, p, out);
    if (field.items?.fields !== undefined) rows(field.items, `${p}[]`, out);
  }
}

/** The Markdown table of every key: path, type, default, meaning. */
export function renderConfigReference(): string {
  const out = ['| key | type | default | meaning |', '|---|---|---|---|'];
  rows(configSchema as Schema<unknown>, '', out);
  return out.join('\n') + '\n';
}
