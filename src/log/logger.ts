// A tiny structured logger: one JSON object per line, so journald/Loki/jq can filter on fields
// instead of parsing prose. Every room accepts a `Logger`; only the CLI decides where lines go.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Extra key/values on a line. Values are serialised with JSON.stringify (bigint becomes a string). */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
}

/** Where finished lines go (without the trailing newline). */
export type LogSink = (line: string) => void;

export interface LoggerOptions {
  /** Lines less severe than this are dropped. Default 'info'. */
  readonly level?: LogLevel;
  /** Default: stdout, one line each. */
  readonly sink?: LogSink;
  /** Milliseconds since the Unix epoch; injected so tests get stable timestamps. */
  readonly clock?: { now(): number };
}

export const logLevels: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

const rank: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** Parses a level name from config or a flag; undefined when it is not one. */
export function parseLogLevel(text: string): LogLevel | undefined {
  const lower = text.toLowerCase();
  return (logLevels as readonly string[]).includes(lower) ? (lower as LogLevel) : undefined;
}

// These keys belong to the line itself; a field with the same name must not hide them.
const reserved = new Set(['ts', 'level', 'msg']);

/** Turns values JSON cannot represent into something readable rather than throwing mid-log. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return value;
}

/** Formats one line; exported so other sinks (tests, a future file sink) agree on the shape. */
export function formatLine(ts: number, level: LogLevel, msg: string, fields?: LogFields): string {
  const line: Record<string, unknown> = { ts: new Date(ts).toISOString(), level, msg };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      if (reserved.has(k)) line[`field_${k}`] = v;
      else if (v !== undefined) line[k] = v;
    }
  }
  try {
    return JSON.stringify(line, replacer);
  } catch {
    // A cyclic field: keep the message rather than lose the line.
    return JSON.stringify({ ts: line.ts, level, msg, fields_error: 'unserialisable fields' });
  }
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = rank[options.level ?? 'info'];
  const sink: LogSink = options.sink ?? ((line) => void process.stdout.write(line + '\n'));
  const clock = options.clock ?? Date;
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: LogFields): void => {
      if (rank[level] <= threshold) sink(formatLine(clock.now(), level, msg, fields));
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

/** A logger that adds `fields` to every line (e.g. `{ room: 'resolver' }`); call-site fields win. */
export function withFields(logger: Logger, fields: LogFields): Logger {
  const at =
    (level: LogLevel) =>
    (msg: string, more?: LogFields): void =>
      logger[level](msg, more ? { ...fields, ...more } : fields);
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

export const nullLogger: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
