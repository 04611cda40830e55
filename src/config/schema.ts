// A small typed schema for the JSON config: each key is declared once with its type, default and
// documentation; the same declaration validates input, fills defaults, and renders the reference
// table in docs/configuration.md. No dependency: the config is small and the errors must name the
// exact key path ("metrics.listen: expected \"host:port\", got 9153"), which generic validators
// phrase poorly.

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

export interface Schema<T> {
  /** How the value is written, for error messages and the reference table: `integer 512..4096`. */
  readonly expected: string;
  readonly doc: string;
  /** Absent: the key is required wherever it appears. */
  readonly default?: T;
  /** For objects: the declared keys, so the reference can walk them. */
  readonly fields?: Readonly<Record<string, Schema<unknown>>>;
  /** For arrays: the element schema, likewise for the reference. */
  readonly items?: Schema<unknown>;
  check(value: unknown, path: string): Checked<T>;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** A short rendering of an offending value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function fail<T>(path: string, message: string): Checked<T> {
  return { ok: false, errors: [`${path}: ${message}`] };
}

function expectedGot<T>(path: string, expected: string, value: unknown): Checked<T> {
  return fail(path, `expected ${expected}, got ${describeValue(value)}`);
}

interface Common<T> {
  readonly doc: string;
  readonly default?: T;
}

export function bool(o: Common<boolean>): Schema<boolean> {
  return {
    expected: 'boolean',
    ...o,
    check: (v, path) => (typeof v === 'boolean' ? { ok: true, value: v } : expectedGot(path, 'a boolean', v)),
  };
}

export function int(o: Common<number> & { readonly min: number; readonly max: number }): Schema<number> {
  const expected = o.max === Number.MAX_SAFE_INTEGER ? `integer >= ${o.min}` : `integer ${o.min}..${o.max}`;
  return {
    expected,
    doc: o.doc,
    ...(o.default !== undefined ? { default: o.default } : {}),
    check: (v, path) =>
      typeof v === 'number' && Number.isInteger(v) && v >= o.min && v <= o.max
        ? { ok: true, value: v }
        : expectedGot(path, `an ${expected}`, v),
  };
}

/**
 * A string, optionally checked by `validate` (which returns an error text, or undefined when fine).
 * `expected` names the form in messages: `"host:port"`.
 */
export function str(
  o: Common<string> & { readonly expected?: string; readonly validate?: (s: string) => string | undefined },
): Schema<string> {
  const expected = o.expected ?? 'a string';
  return {
    expected,
    doc: o.doc,
    ...(o.default !== undefined ? { default: o.default } : {}),
    check: (v, path) => {
      if (typeof v !== 'string') return expectedGot(path, expected, v);
      const problem = o.validate?.(v);
      return problem === undefined ? { ok: true, value: v } : fail(path, `expected ${expected}, got ${describeValue(v)} (${problem})`);
    },
  };
}

export function oneOf<const V extends string>(values: readonly V[], o: Common<V>): Schema<V> {
  const expected = `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
  return {
    expected,
    ...o,
    check: (v, path) =>
      typeof v === 'string' && (values as readonly string[]).includes(v) ? { ok: true, value: v as V } : expectedGot(path, expected, v),
  };
}

/** `null` stands for "not set" (JSON has no undefined, and config.example.json lists every key). */
export function nullable<T>(inner: Schema<T>, o: Common<T | null>): Schema<T | null> {
  return {
    expected: `${inner.expected} or null`,
    ...o,
    check: (v, path) => (v === null ? { ok: true, value: null } : inner.check(v, path)),
  };
}

export function array<T>(items: Schema<T>, o: Common<T[]>): Schema<T[]> {
  return {
    expected: `array of ${items.expected}`,
    items: items as Schema<unknown>,
    ...o,
    check: (v, path) => {
      if (!Array.isArray(v)) return expectedGot(path, 'an array', v);
      const out: T[] = [];
      const errors: string[] = [];
      v.forEach((x: unknown, i) => {
        const r = items.check(x, `${path}[${i}]`);
        if (r.ok) out.push(r.value);
        else errors.push(...r.errors);
      });
      return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out };
    },
  };
}

type Fields = Readonly<Record<string, Schema<unknown>>>;
type ObjectOf<F extends Fields> = { readonly [K in keyof F]: Infer<F[K]> };

/** Edit distance, to suggest the intended key for a misspelt one. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = prev[j];
      prev[j] = next;
    }
  }
  return prev[b.length];
}

function suggestion(key: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= 3 ? ` (did you mean "${best}"?)` : '';
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * An object with exactly the declared keys: unknown keys are errors (a misspelt key silently
 * ignored is a setting silently not applied). Missing keys take their default; a missing key
 * without one is an error. The object's own default is built from its fields' defaults, so a
 * missing section means "all defaults".
 */
export function object<F extends Fields>(fields: F, o: { readonly doc: string }): Schema<ObjectOf<F>> {
  const names = Object.keys(fields);
  const complete = names.every((k) => fields[k].default !== undefined);
  const defaults = complete ? (Object.fromEntries(names.map((k) => [k, fields[k].default])) as ObjectOf<F>) : undefined;
  return {
    expected: 'an object',
    doc: o.doc,
    fields,
    ...(defaults !== undefined ? { default: defaults } : {}),
    check: (v, path) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return expectedGot(path === '' ? '(top level)' : path, 'an object', v);
      const input = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const errors: string[] = [];
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(fields, key)) errors.push(`${join(path, key)}: unknown key${suggestion(key, names)}`);
      }
      for (const key of names) {
        const field = fields[key];
        const p = join(path, key);
        if (!Object.hasOwn(input, key)) {
          if (field.default === undefined) errors.push(`${p}: required key is missing`);
          // A copy, so no caller can alter the shared default through its config.
          else out[key] = structuredClone(field.default);
          continue;
        }
        const r = field.check(input[key], p);
        if (r.ok) out[key] = r.value;
        else errors.push(...r.errors);
      }
      return errors.length > 0 ? { ok: false, errors } : { ok: true, value: out as ObjectOf<F> };
    },
  };
}
