// `anchord serve`: load the config, build the resolver, open the listeners, run until SIGTERM/SIGINT.
// Exit codes are for systemd: 2 for a configuration error (restarting will not help), 1 when the
// daemon cannot start (port in use, permission, no resolver).
import { existsSync } from 'node:fs';
import type { Argv } from 'yargs';
import { parseHostPort } from '../config/address.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { startDaemon, type Daemon } from '../server/daemon.ts';
import { createLogger, type Logger } from '../server/log.ts';
import type { Resolve } from '../wire/outcome.ts';

export const ExitCode = { OK: 0, CANNOT_START: 1, BAD_CONFIG: 2 } as const;

/** Builds the `Resolve` port for a config (the resolver room provides the real one). */
export type ResolverFactory = (config: Config, logger: Logger) => Promise<Resolve>;

export interface ServeArgs {
  readonly config?: string;
  readonly listen?: readonly string[];
}

export type ServeStart =
  | { ok: true; daemon: Daemon; config: Config; logger: Logger }
  | { ok: false; exitCode: number; message: string };

/**
 * The resolver factory from src/resolver/index.ts, when that module exports
 * `createResolveFromConfig(config, logger): Promise<Resolve>` (a ResolverFactory). Its
 * `createResolver(options, deps)` needs a transport, clock and validator wired from the config,
 * which is glue outside this room. Imported by path at run time because the resolver room is
 * written in parallel with this one.
 * COORDINATOR: replace this with a static import of the real factory (building the transport,
 * validator, policy and metrics from `config`) and drop the run-time lookup.
 */
async function importResolverFactory(): Promise<ResolverFactory | undefined> {
  const url = new URL('../resolver/index.ts', import.meta.url);
  if (!existsSync(url)) return undefined;
  const mod = (await import(url.href)) as Record<string, unknown>;
  const create = mod.createResolveFromConfig;
  if (typeof create !== 'function') return undefined;
  return async (config, logger) => {
    const made: unknown = await (create as (c: Config, l: Logger) => unknown)(config, logger);
    if (typeof made !== 'function') throw new Error('createResolveFromConfig did not return a resolve function');
    return made as Resolve;
  };
}

/** Everything up to "listening"; no process-wide effects, so tests can call it. */
export async function startServe(args: ServeArgs, options: { makeResolve?: ResolverFactory; logger?: Logger } = {}): Promise<ServeStart> {
  const loaded = await loadConfig(args.config);
  if (!loaded.ok) return { ok: false, exitCode: ExitCode.BAD_CONFIG, message: loaded.errors.join('\n') };
  let config = loaded.config;
  if (args.listen !== undefined && args.listen.length > 0) {
    const bad = args.listen.flatMap((text) => {
      const r = parseHostPort(text);
      return r.ok ? [] : [`--listen: expected "host:port", got ${JSON.stringify(text)} (${r.error})`];
    });
    if (bad.length > 0) return { ok: false, exitCode: ExitCode.BAD_CONFIG, message: bad.join('\n') };
    config = { ...config, listen: [...args.listen] };
  }
  const logger = options.logger ?? createLogger(config.logLevel);
  const makeResolve = options.makeResolve ?? (await importResolverFactory());
  if (makeResolve === undefined) {
    return { ok: false, exitCode: ExitCode.CANNOT_START, message: 'the resolver is not wired to the CLI yet (src/resolver/index.ts exports no createResolveFromConfig)' };
  }
  let resolve: Resolve;
  try {
    resolve = await makeResolve(config, logger);
  } catch (e) {
    return { ok: false, exitCode: ExitCode.CANNOT_START, message: `cannot start the resolver: ${e instanceof Error ? e.message : String(e)}` };
  }
  const started = await startDaemon(config, resolve, { logger });
  if (!started.ok) return { ok: false, exitCode: ExitCode.CANNOT_START, message: started.error.message };
  return { ok: true, daemon: started.daemon, config, logger };
}

export function registerServe(y: Argv): Argv {
  return y.command(
    'serve',
    'Run the resolver daemon',
    (b) =>
      b
        .option('config', { type: 'string', describe: 'JSON configuration file (see config.example.json)' })
        .option('listen', { type: 'string', array: true, describe: 'ADDR:PORT to serve on, repeatable; replaces the listen key' }),
    async (argv) => {
      const started = await startServe({ ...(argv.config !== undefined ? { config: argv.config } : {}), ...(argv.listen !== undefined ? { listen: argv.listen } : {}) });
      if (!started.ok) {
        process.stderr.write(`anchord: ${started.message.replace(/\n/g, '\nanchord: ')}\n`);
        process.exitCode = started.exitCode;
        return;
      }
      const { daemon, logger } = started;
      const stop = (signal: string) => {
        logger.info(`${signal}: shutting down`);
        void daemon.close().then(() => process.exit(ExitCode.OK));
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    },
  );
}
