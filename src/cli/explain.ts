// `anchord explain NAME [TYPE]`: resolve one question with tracing and print the delegation and
// validation chain (src/app/explain.ts does the work, src/app/explain-text.ts the printing). With
// --lab the embedded lab servers run in this process on a free port. Exit 0 when the answer is
// secure or insecure, 1 when it is bogus or SERVFAIL, 2 for a usage or configuration error, so
// scripts can ask "does this name validate?".
import { performance } from 'node:perf_hooks';
import type { Argv } from 'yargs';
import { explain, type Explanation } from '../app/explain.ts';
import { formatExplanation, formatExplanationJson } from '../app/explain-text.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { startLab, type LabHandle } from '../lab/server.ts';
import { createLogger } from '../log/logger.ts';
import type { Clock } from '../resolver/clock.ts';
import { RRClass, RRType, rrTypeFromString } from '../wire/constants.ts';
import { Name } from '../wire/name.ts';
import type { Question } from '../wire/types.ts';
import { labConfig } from './lab.ts';
import { ExitCode } from './serve.ts';

export const ExplainExit = { ANSWERED: 0, FAILED: 1, USAGE: ExitCode.BAD_CONFIG } as const;
const MAX_PORT = 65535;

export interface ExplainArgs {
  readonly name: string;
  readonly type?: string;
  readonly config?: string;
  readonly lab?: boolean;
  readonly labPort?: number;
  readonly cd?: boolean;
  /** Validate as if the time were this (ISO 8601): "will it still validate next month?" */
  readonly at?: string;
}

export type ExplainRun = { ok: true; explanation: Explanation } | { ok: false; exitCode: number; message: string };

export function parseQuestion(name: string, type: string | undefined): { ok: true; question: Question } | { ok: false; error: string } {
  const n = Name.parse(name.endsWith('.') ? name : `${name}.`);
  if (!n.ok) return { ok: false, error: `NAME: ${n.error}` };
  const t = type === undefined ? RRType.A : rrTypeFromString(type);
  if (t === undefined) return { ok: false, error: `TYPE: unknown record type ${JSON.stringify(type)}` };
  return { ok: true, question: { name: n.name, type: t, class: RRClass.IN } };
}

/** A clock that starts at `at` and runs at the monotonic clock's pace (timeouts still need time to pass). */
function clockAt(at: string | undefined): { ok: true; clock?: Clock } | { ok: false; error: string } {
  if (at === undefined) return { ok: true };
  const t = Date.parse(at);
  if (!Number.isFinite(t)) return { ok: false, error: `--at: expected an ISO 8601 time, got ${JSON.stringify(at)}` };
  const started = performance.now();
  return { ok: true, clock: { now: () => t + (performance.now() - started) } };
}

/** Loads the config (or starts the lab), explains, and cleans up; no process-wide effects. */
export async function runExplain(args: ExplainArgs): Promise<ExplainRun> {
  const q = parseQuestion(args.name, args.type);
  if (!q.ok) return { ok: false, exitCode: ExplainExit.USAGE, message: q.error };
  const c = clockAt(args.at);
  if (!c.ok) return { ok: false, exitCode: ExplainExit.USAGE, message: c.error };
  if (args.labPort !== undefined && !(Number.isInteger(args.labPort) && args.labPort >= 0 && args.labPort <= MAX_PORT)) {
    return { ok: false, exitCode: ExplainExit.USAGE, message: `--lab-port: expected a port number (0 picks a free one), got ${String(args.labPort)}` };
  }
  // Diagnostics of the explain run itself go to stderr; stdout carries only the explanation.
  const logger = createLogger({ level: 'error', sink: (line) => void process.stderr.write(line + '\n') });

  let lab: LabHandle | undefined;
  let config: Config;
  if (args.lab === true) {
    try {
      lab = await startLab({ port: args.labPort ?? 0 });
    } catch (e) {
      return { ok: false, exitCode: ExitCode.CANNOT_START, message: `cannot start the lab servers: ${e instanceof Error ? e.message : String(e)}` };
    }
    // Nothing listens for clients: the loopback listen address is never bound by explain.
    config = labConfig(lab.port, '127.0.0.1:0', undefined, 'warn');
  } else {
    const loaded = await loadConfig(args.config);
    if (!loaded.ok) return { ok: false, exitCode: ExplainExit.USAGE, message: loaded.errors.join('\n') };
    config = loaded.config;
  }
  try {
    const r = await explain(config, q.question, { logger, cd: args.cd ?? false, ...(c.clock !== undefined ? { clock: c.clock } : {}) });
    if (!r.ok) return { ok: false, exitCode: ExplainExit.USAGE, message: r.error };
    return { ok: true, explanation: r.explanation };
  } finally {
    await lab?.close();
  }
}

export function registerExplain(y: Argv): Argv {
  return y.command(
    'explain <name> [type]',
    'Resolve NAME with tracing and show the delegation and DNSSEC chain step by step (exit 1 when bogus or SERVFAIL)',
    (b) =>
      b
        .positional('name', { type: 'string', demandOption: true, describe: 'the name to resolve' })
        .positional('type', { type: 'string', describe: 'record type (default A)' })
        .option('config', { type: 'string', describe: 'JSON configuration file (default: built-in defaults)' })
        .option('lab', { type: 'boolean', describe: 'start the embedded lab in this process and resolve against it' })
        .option('lab-port', { type: 'number', describe: 'port of the lab servers with --lab (default 0: a free port)' })
        .option('cd', { type: 'boolean', describe: 'checking disabled: show the data even when bogus (the verdict is still traced)' })
        .option('at', { type: 'string', describe: 'validate as if the time were this ISO 8601 instant' })
        .option('json', { type: 'boolean', describe: 'print the trace events as JSON lines' }),
    async (argv) => {
      const r = await runExplain({
        name: argv.name,
        ...(argv.type !== undefined ? { type: argv.type } : {}),
        ...(argv.config !== undefined ? { config: argv.config } : {}),
        ...(argv.lab !== undefined ? { lab: argv.lab } : {}),
        ...(argv.labPort !== undefined ? { labPort: argv.labPort } : {}),
        ...(argv.cd !== undefined ? { cd: argv.cd } : {}),
        ...(argv.at !== undefined ? { at: argv.at } : {}),
      });
      if (!r.ok) {
        process.stderr.write(`anchord: ${r.message.replace(/\n/g, '\nanchord: ')}\n`);
        process.exitCode = r.exitCode;
        return;
      }
      const lines = argv.json === true ? formatExplanationJson(r.explanation) : formatExplanation(r.explanation);
      process.stdout.write(lines.join('\n') + '\n');
      process.exitCode = r.explanation.failed ? ExplainExit.FAILED : ExplainExit.ANSWERED;
    },
  );
}
