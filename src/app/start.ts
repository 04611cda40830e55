// A running daemon: the assembly, its DNS listeners (access control from the policy layer, the
// metrics as the frontend's observer), the metrics endpoint and, when asked, the control endpoint.
// Failures say which stage failed: a file the config names is a configuration problem (systemd
// should not restart), a socket that cannot be opened is a start-up problem.
import { formatHostPort, parseHostPort } from '../config/address.ts';
import type { Config } from '../config/config.ts';
import type { ControlServer, ControlTarget } from '../control/server.ts';
import { startControlFromConfig } from '../control/start.ts';
import type { Logger } from '../log/logger.ts';
import { startMetricsServer, type Health, type MetricsServer } from '../metrics/http.ts';
import { startDaemon, type Daemon } from '../server/daemon.ts';
import { assembleDaemon, type AssembleOptions, type Assembly } from './assemble.ts';

const MS_PER_SECOND = 1000;

export interface StartAppOptions extends AssembleOptions {
  /** What to do when the metrics endpoint cannot listen: 'fail' (default) or 'warn' and run without it. */
  readonly metricsUnavailable?: 'fail' | 'warn';
  /** Start the control endpoint (`anchord control`); off by default (tests, the lab). */
  readonly control?: boolean;
}

export interface App {
  readonly assembly: Assembly;
  readonly daemon: Daemon;
  readonly metricsServer?: MetricsServer;
  readonly controlServer?: ControlServer;
  /** Why the metrics endpoint is not running, when it is not (disabled, or busy with 'warn'). */
  readonly metricsNote?: string;
  readonly logger: Logger;
  close(): Promise<void>;
}

export type StartAppResult = { ok: true; app: App } | { ok: false; stage: 'config' | 'listen'; error: string };

/** /healthz: serving, and validating when trust anchors are configured. */
export function healthOf(state: { listening: boolean; closing: boolean }, config: Pick<Config, 'trustAnchors'>, assembly: Pick<Assembly, 'anchors'>): Health {
  if (state.closing) return { ok: false, detail: 'shutting down' };
  if (!state.listening) return { ok: false, detail: 'DNS listeners are not up' };
  if (config.trustAnchors.length > 0 && !assembly.anchors.enabled) return { ok: false, detail: 'trust anchors are not loaded' };
  return { ok: true, detail: 'ok' };
}

function controlTarget(a: Assembly, startedAt: number): ControlTarget {
  return {
    flush(name) {
      // The zone-side store (a zone's own NS set and server addresses, used for RD=0 referrals)
      // goes too: a flushed name must not live on there.
      const cache = a.resolver.cache;
      if (name !== undefined) return { removed: cache.removeBelow(name) + a.resolver.zoneSide.removeBelow(name) };
      const removed = cache.size;
      cache.clear();
      a.resolver.zoneSide.clear();
      return { removed };
    },
    stats() {
      const c = a.resolver.cache;
      return {
        uptimeSeconds: Math.floor((Date.now() - startedAt) / MS_PER_SECOND),
        cache: { entries: c.size, bytes: c.bytes, hits: c.stats.hits, misses: c.stats.misses },
        ...(a.transportStats !== undefined ? { upstream: { ...a.transportStats } } : {}),
        policy: a.policy.describe(),
        trustAnchors: { enabled: a.anchors.enabled, rootKeyTags: a.anchors.rootKeyTags() },
      };
    },
    reload: () => a.reload(),
  };
}

export async function startApp(config: Config, o: StartAppOptions): Promise<StartAppResult> {
  const logger = o.logger;
  const assembled = await assembleDaemon(config, o);
  if (!assembled.ok) return { ok: false, stage: 'config', error: assembled.error };
  const assembly: Assembly = assembled;
  const state = { listening: false, closing: false };

  const started = await startDaemon(config, assembly.resolve, { logger, ...(config.metrics.enabled ? { observer: assembly.metrics } : {}), isAllowed: (a) => assembly.policy.isAllowed(a) });
  if (!started.ok) {
    assembly.close();
    return { ok: false, stage: 'listen', error: started.error.message };
  }
  const daemon = started.daemon;
  state.listening = true;

  const opened: { close(): Promise<void> }[] = [];
  const fail = async (error: string): Promise<StartAppResult> => {
    await Promise.all(opened.map((s) => s.close()));
    await daemon.close();
    assembly.close();
    return { ok: false, stage: 'listen', error };
  };

  let metricsServer: MetricsServer | undefined;
  let metricsNote: string | undefined;
  if (config.metrics.enabled) {
    const where = parseHostPort(config.metrics.listen);
    if (!where.ok) return fail(`metrics.listen: ${where.error}`);
    const m = await startMetricsServer({
      host: where.value.host,
      port: where.value.port,
      metrics: assembly.metrics,
      health: () => healthOf(state, assembly.config(), assembly),
      logger,
    });
    if (m.ok) {
      metricsServer = m.server;
      opened.push(m.server);
      logger.info(`metrics on http://${formatHostPort(m.server)}/metrics`);
    } else if (o.metricsUnavailable === 'warn') {
      metricsNote = `metrics endpoint disabled: ${m.error.message}`;
      logger.warn(metricsNote);
    } else {
      return fail(m.error.message);
    }
  } else {
    metricsNote = 'metrics endpoint disabled (metrics.enabled is false)';
  }

  let controlServer: ControlServer | undefined;
  if (o.control === true) {
    const c = await startControlFromConfig(config, controlTarget(assembly, Date.now()), logger);
    if (!c.ok) return fail(c.error.message);
    controlServer = c.server;
    opened.push(c.server);
    logger.info(`control endpoint on ${formatHostPort(c.server)} (token in ${c.server.tokenFile})`);
  }

  let closing: Promise<void> | undefined;
  const app: App = {
    assembly,
    daemon,
    ...(metricsServer !== undefined ? { metricsServer } : {}),
    ...(controlServer !== undefined ? { controlServer } : {}),
    ...(metricsNote !== undefined ? { metricsNote } : {}),
    logger,
    close: () =>
      (closing ??= (async () => {
        state.closing = true;
        await daemon.close();
        await Promise.all(opened.map((s) => s.close()));
        assembly.close();
      })()),
  };
  return { ok: true, app };
}
