// `anchord serve`: load the config, assemble the daemon (src/app/), open the listeners, run until
// SIGTERM/SIGINT; SIGHUP reloads. Exit codes are for systemd: 2 for a configuration error
// (restarting will not help), 1 when the daemon cannot start (port in use, permission).
import type { Argv } from 'yargs';
import { startApp, type App } from '../app/start.ts';
import { parseHostPort } from '../config/address.ts';
import type { Config } from '../config/config.ts';
import { loadConfig } from '../config/load.ts';
import { installSignalHandlers } from '../control/signals.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { startDaemon, type Daemon } from '../server/daemon.ts';
import type { Resolve } from '../wire/outcome.ts';

export const ExitCode = { OK: 0, CANNOT_START: 1, BAD_CONFIG: 2 } as const;

/** Builds a `Resolve` for a config: lets tests serve a fake zone instead of the assembled resolver. */
export type ResolverFactory = (config: Config, logger: Logger) => Promise<Resolve>;

export interface ServeArgs {
  readonly config?: string;
  readonly listen?: readonly string[];
}

export interface ServeOptions {
  /** Serve this instead of the assembled daemon (no policy, metrics or control). */
  readonly makeResolve?: ResolverFactory;
  readonly logger?: Logger;
  /** Start the control endpoint (the CLI does; tests usually do not). */
  readonly control?: boolean;
}

export type ServeStart =
  | { ok: true; daemon: Daemon; config: Config; logger: Logger; app?: App }
  | { ok: false; exitCode: number; message: string };

/** The config file with --listen applied, or the exit-2 message. */
export async function serveConfig(args: ServeArgs): Promise<{ ok: true; config: Config } | { ok: false; message: string }> {
  const loaded = await loadConfig(args.config);
  if (!loaded.ok) return { ok: false, message: loaded.errors.join('\n') };
  if (args.listen === undefined || args.listen.length === 0) return { ok: true, config: loaded.config };
  const bad = args.listen.flatMap((text) => {
    const r = parseHostPort(text);
    return r.ok ? [] : [`--listen: expected "host:port", got ${JSON.stringify(text)} (${r.error})`];
  });
  if (bad.length > 0) return { ok: false, message: bad.join('\n') };
  return { ok: true, config: { ...loaded.config, listen: [...args.listen] } };
}

/** Everything up to "listening"; no process-wide effects (signals, exit), so tests can call it. */
export async function startServe(args: ServeArgs, options: ServeOptions = {}): Promise<ServeStart> {
  const c = await serveConfig(args);
  if (!c.ok) return { ok: false, exitCode: ExitCode.BAD_CONFIG, message: c.message };
  const config = c.config;
  const logger = options.logger ?? createLogger({ level: config.logLevel });

  if (options.makeResolve !== undefined) {
    let resolve: Resolve;
    try {
      resolve = await options.makeResolve(config, logger);
    } catch (e) {
      return { ok: false, exitCode: ExitCode.CANNOT_START, message: `cannot start the resolver: ${e instanceof Error ? e.message : String(e)}` };
    }
    const started = await startDaemon(config, resolve, { logger });
    if (!started.ok) return { ok: false, exitCode: ExitCode.CANNOT_START, message: started.error.message };
    return { ok: true, daemon: started.daemon, config, logger };
  }

  const started = await startApp(config, { logger, ...(args.config !== undefined ? { configFile: args.config } : {}), control: options.control ?? false });
  if (!started.ok) return { ok: false, exitCode: started.stage === 'config' ? ExitCode.BAD_CONFIG : ExitCode.CANNOT_START, message: started.error };
  return { ok: true, daemon: started.app.daemon, config, logger, app: started.app };
}

/** SIGHUP reloads, SIGTERM/SIGINT close gracefully and exit 0 (a second one exits at once). */
export function runUntilSignalled(app: Pick<App, 'close' | 'logger'> & { readonly assembly?: Pick<App['assembly'], 'reload'> }): void {
  const { logger } = app;
  installSignalHandlers({
    onHup: async () => {
      if (app.assembly === undefined) return;
      logger.info('SIGHUP: reloading');
      const report = await app.assembly.reload();
      logger.info(`reload ${report.ok ? 'done' : 'kept some previous versions'}`, { parts: report.parts });
    },
    onTerm: async (signal) => {
      logger.info(`${signal}: shutting down`);
      await app.close();
      process.exit(ExitCode.OK);
    },
  });
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
      const started = await startServe(
        { ...(argv.config !== undefined ? { config: argv.config } : {}), ...(argv.listen !== undefined ? { listen: argv.listen } : {}) },
        { control: true },
      );
      if (!started.ok) {
        process.stderr.write(`anchord: ${started.message.replace(/\n/g, '\nanchord: ')}\n`);
        process.exitCode = started.exitCode;
        return;
      }
      const app = started.app;
      runUntilSignalled(app ?? { close: () => started.daemon.close(), logger: started.logger });
    },
  );
}
