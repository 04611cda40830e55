// `anchord control flush [NAME] | stats | reload`: talks to a running daemon's control endpoint.
// Exit 0 when the daemon did what was asked, 1 otherwise (with one line on stderr saying why and
// what to try); usage errors stay yargs' exit 2 like every other command.
import type { Argv } from 'yargs';
import { parseHostPort } from '../config/address.ts';
import { defaultConfig } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { callControl, type ControlRequest } from '../control/client.ts';
import { controlSettings } from '../control/settings.ts';
import { readTokenFile } from '../control/token.ts';

export const ControlExit = { OK: 0, FAILED: 1 } as const;

const DEFAULT_TIMEOUT_SECONDS = 30;
const MS_PER_SECOND = 1000;

export interface ControlArgs {
  readonly request: ControlRequest;
  /** ADDR:PORT of the endpoint; overrides the config. */
  readonly control?: string;
  /** Overrides the config and the default locations. */
  readonly tokenFile?: string;
  /** The daemon's config file, to read control.listen and control.tokenFile from. */
  readonly config?: string;
  readonly timeoutSeconds?: number;
}

export interface ControlIo {
  out(line: string): void;
  err(line: string): void;
  readonly env?: NodeJS.ProcessEnv;
}

const stdio: ControlIo = {
  out: (line) => void process.stdout.write(line + '\n'),
  err: (line) => void process.stderr.write(`anchord: ${line}\n`),
};

function tokenHint(code: string, file: string): string {
  if (code === 'ENOENT') return `no control token at ${file}: is anchord running? (it writes a fresh token there at start; pass --token-file or --config to look elsewhere)`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied reading ${file}: only the daemon's user can read the token (try sudo)`;
  return `cannot use the control token file ${file} (${code})`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function printFlush(body: unknown, io: ControlIo): number {
  if (!isRecord(body) || typeof body.removed !== 'number') {
    io.err('the daemon answered /flush with an unexpected body');
    return ControlExit.FAILED;
  }
  const entries = body.removed === 1 ? 'entry' : 'entries';
  const where = typeof body.name === 'string' ? ` at and below ${body.name}` : ' (whole cache)';
  io.out(`flushed ${body.removed} cache ${entries}${where}`);
  return ControlExit.OK;
}

function printReload(body: unknown, io: ControlIo): number {
  if (!isRecord(body) || !Array.isArray(body.parts)) {
    io.err('the daemon answered /reload with an unexpected body');
    return ControlExit.FAILED;
  }
  for (const part of body.parts as unknown[]) {
    if (!isRecord(part)) continue;
    const name = String(part.name);
    if (part.ok === true) io.out(`${name}: reloaded`);
    else io.out(`${name}: FAILED, kept the previous version: ${String(part.error)}`);
  }
  if (body.parts.length === 0) io.out('nothing to reload');
  return body.ok === true ? ControlExit.OK : ControlExit.FAILED;
}

/** The command's whole behaviour, minus yargs and process.exit, so tests can call it. Returns the exit code. */
export async function runControl(args: ControlArgs, io: ControlIo = stdio): Promise<number> {
  const env = io.env ?? process.env;
  let config = defaultConfig();
  if (args.config !== undefined) {
    const loaded = await loadConfig(args.config);
    if (!loaded.ok) {
      for (const e of loaded.errors) io.err(e);
      return ControlExit.FAILED;
    }
    config = loaded.config;
  }
  const settings = controlSettings(config, 'client', env);
  if (!settings.ok) {
    io.err(settings.error);
    return ControlExit.FAILED;
  }
  let address = settings.settings.address;
  if (args.control !== undefined) {
    const parsed = parseHostPort(args.control);
    if (!parsed.ok) {
      io.err(`--control: expected "host:port", got ${JSON.stringify(args.control)} (${parsed.error})`);
      return ControlExit.FAILED;
    }
    address = parsed.value;
  }
  const tokenFile = args.tokenFile ?? settings.settings.tokenFile;
  const token = await readTokenFile(tokenFile);
  if (!token.ok) {
    io.err(tokenHint(token.code, tokenFile));
    return ControlExit.FAILED;
  }

  const timeoutMs = (args.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * MS_PER_SECOND;
  const res = await callControl(address, token.token, args.request, { timeoutMs });
  if (!res.ok) {
    io.err(res.message);
    return ControlExit.FAILED;
  }
  switch (args.request.command) {
    case 'flush':
      return printFlush(res.body, io);
    case 'stats':
      io.out(JSON.stringify(res.body, null, 2));
      return ControlExit.OK;
    case 'reload':
      return printReload(res.body, io);
  }
}

interface CommonArgv {
  control?: string;
  'token-file'?: string;
  config?: string;
  timeout?: number;
}

function common(argv: CommonArgv): Omit<ControlArgs, 'request'> {
  return {
    ...(argv.control !== undefined ? { control: argv.control } : {}),
    ...(argv['token-file'] !== undefined ? { tokenFile: argv['token-file'] } : {}),
    ...(argv.config !== undefined ? { config: argv.config } : {}),
    ...(argv.timeout !== undefined ? { timeoutSeconds: argv.timeout } : {}),
  };
}

async function run(argv: CommonArgv, request: ControlRequest): Promise<void> {
  process.exitCode = await runControl({ ...common(argv), request });
}

export function registerControl(y: Argv): Argv {
  return y.command('control', 'Talk to a running daemon: flush the cache, show stats, reload', (b) =>
    b
      .option('control', { type: 'string', describe: 'ADDR:PORT of the control endpoint (default: control.listen of --config, else 127.0.0.1:8953)' })
      .option('token-file', { type: 'string', describe: 'The token file the daemon wrote (default: control.tokenFile of --config, else /run/anchord/control.token or the temp dir)' })
      .option('config', { type: 'string', describe: "The daemon's JSON config file, to read control.listen and control.tokenFile from" })
      .option('timeout', { type: 'number', describe: 'Seconds to wait for the daemon', default: DEFAULT_TIMEOUT_SECONDS })
      .command(
        'flush [name]',
        'Drop NAME and everything below it from the cache (no NAME: the whole cache)',
        (c) => c.positional('name', { type: 'string', describe: 'A domain name, e.g. example.com' }),
        (argv) => run(argv, argv.name === undefined ? { command: 'flush' } : { command: 'flush', name: argv.name }),
      )
      .command('stats', 'Print counters and cache size as JSON', (c) => c, (argv) => run(argv, { command: 'stats' }))
      .command('reload', 'Reload config, trust anchors and policy zones (like SIGHUP); exit 1 if any part failed', (c) => c, (argv) => run(argv, { command: 'reload' }))
      .demandCommand(1, 'Name a control command: flush, stats or reload.'),
  );
}
