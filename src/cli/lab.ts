// `anchord lab`: the embedded lab (signed zones served on 127.53.x.y, src/lab/) and a validating
// resolver daemon pointed at it, so every answer, AD bit and EDE can be tried with dig, offline.
// The lab servers listen on port 53 when run as root, else on LAB_PORT_UNPRIVILEGED (any user may
// bind a high port on loopback); a busy default port falls back to a free one. The resolver asks
// them on that port (`upstreamPort`), with the lab's root hints and trust anchor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { startApp, type App } from '../app/start.ts';
import { formatHostPort, parseHostPort } from '../config/address.ts';
import { defaultConfig, type Config } from '../config/config.ts';
import { startLab, DEFAULT_ZONES_DIR, type LabHandle } from '../lab/server.ts';
import { createLogger, type Logger, type LogLevel } from '../log/logger.ts';
import { ExitCode, runUntilSignalled } from './serve.ts';

export const DEFAULT_LAB_LISTEN = '127.0.0.1:5300';
export const DEFAULT_LAB_METRICS = '127.0.0.1:9153';
/** Port 53 needs root (or CAP_NET_BIND_SERVICE); this one does not, and is not mDNS's 5353. */
export const LAB_PORT_UNPRIVILEGED = 5354;
const PRIVILEGED_DNS_PORT = 53;
const MAX_PORT = 65535;
/** The lame and dead lab servers should fail fast in an interactive session. */
const LAB_UPSTREAM_TIMEOUT_MS = 400;
const LAB_QUERY_DEADLINE_MS = 4000;

export interface LabArgs {
  readonly listen?: string;
  /** Port of the lab servers; default 53 as root, else LAB_PORT_UNPRIVILEGED. */
  readonly labPort?: number;
  /** "host:port" of the metrics endpoint, or "off". */
  readonly metrics?: string;
  readonly logLevel?: LogLevel;
}

interface LabCase {
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: string;
  readonly ad: boolean;
  readonly ede: number | null;
  readonly why: string;
  readonly tcp?: boolean;
}

export interface RunningLab {
  readonly app: App;
  readonly lab: LabHandle;
  /** The resolver's DNS address, e.g. 127.0.0.1:5300. */
  readonly listen: string;
  /** Lines telling the user what runs where and which dig commands to try. */
  readonly instructions: readonly string[];
  close(): Promise<void>;
}

export type LabStart = { ok: true; running: RunningLab } | { ok: false; exitCode: number; message: string };

function defaultLabPort(): number {
  return typeof process.getuid === 'function' && process.getuid() === 0 ? PRIVILEGED_DNS_PORT : LAB_PORT_UNPRIVILEGED;
}

async function startLabServers(wanted: number | undefined, logger: Logger): Promise<{ ok: true; lab: LabHandle } | { ok: false; message: string }> {
  const port = wanted ?? defaultLabPort();
  try {
    return { ok: true, lab: await startLab({ port }) };
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    // An explicit --lab-port is a promise to the user; the default may move.
    if (wanted !== undefined) return { ok: false, message: `cannot start the lab servers on port ${port}: ${text}` };
    logger.warn(`lab servers: port ${port} unavailable (${text}); using a free port`);
    try {
      return { ok: true, lab: await startLab({ port: 0 }) };
    } catch (e2) {
      return { ok: false, message: `cannot start the lab servers: ${e2 instanceof Error ? e2.message : String(e2)}` };
    }
  }
}

/** The daemon's config for the lab: every default, pointed at the lab. */
export function labConfig(labPort: number, listen: string, metrics: string | undefined, logLevel: LogLevel): Config {
  const base = defaultConfig();
  return {
    ...base,
    listen: [listen],
    rootHints: join(DEFAULT_ZONES_DIR, 'root.hints'),
    trustAnchors: [join(DEFAULT_ZONES_DIR, 'trust-anchor')],
    upstreamPort: labPort,
    allowLoopbackUpstreams: true,
    // The lab servers have IPv4 loopback addresses only.
    doIp6: false,
    metrics: metrics === undefined ? { ...base.metrics, enabled: false } : { listen: metrics, enabled: true },
    limits: { ...base.limits, upstreamTimeoutMs: LAB_UPSTREAM_TIMEOUT_MS, queryDeadlineMs: LAB_QUERY_DEADLINE_MS },
    logLevel,
  };
}

function readCases(): LabCase[] {
  const json = JSON.parse(readFileSync(join(DEFAULT_ZONES_DIR, 'lab.json'), 'utf8')) as { cases?: LabCase[] };
  return json.cases ?? [];
}

/** One dig command per kind of case worth seeing, picked from lab.json so they stay true. */
export function digCommands(listen: string): string[] {
  const a = parseHostPort(listen);
  const host = a.ok ? a.value.host : '127.0.0.1';
  const port = a.ok ? a.value.port : 53;
  const cases = readCases();
  const picks: { label: string; pick: (c: LabCase) => boolean }[] = [
    { label: 'secure (AD set)', pick: (c) => c.ad && c.rcode === 'NOERROR' && c.ede === null && c.qname.startsWith('www.secure.') },
    { label: 'bogus (SERVFAIL, EDE)', pick: (c) => c.rcode === 'SERVFAIL' && c.ede === 7 },
    { label: 'bogus (SERVFAIL, EDE)', pick: (c) => c.rcode === 'SERVFAIL' && c.ede === 6 && !c.qname.startsWith('invalid') },
    { label: 'NXDOMAIN, proven (AD set)', pick: (c) => c.rcode === 'NXDOMAIN' && c.ad },
    { label: 'too big for UDP: TC=1, dig retries over TCP', pick: (c) => c.tcp === true },
    { label: 'unreachable authority (EDE 22)', pick: (c) => c.ede === 22 },
    { label: 'RFC 8509 sentinel', pick: (c) => c.qname.startsWith('root-key-sentinel-is-ta-') && c.rcode === 'SERVFAIL' && c.qname.endsWith('.secure.lab.') },
  ];
  const lines: string[] = [];
  for (const p of picks) {
    const c = cases.find(p.pick);
    if (c === undefined) continue;
    const expect = `${c.rcode}${c.ad ? ' AD' : ''}${c.ede !== null ? ` EDE ${c.ede}` : ''}`;
    lines.push(`  dig @${host} -p ${port} ${c.qname} ${c.qtype} +dnssec    # ${p.label}: ${expect}`);
  }
  return lines;
}

/** Starts the lab servers and the daemon; no process-wide effects, so tests can call it. */
export async function startLabDaemon(args: LabArgs, logger: Logger): Promise<LabStart> {
  const listen = args.listen ?? DEFAULT_LAB_LISTEN;
  if (!parseHostPort(listen).ok) return { ok: false, exitCode: ExitCode.BAD_CONFIG, message: `--listen: expected "host:port", got ${JSON.stringify(listen)}` };
  const metrics = args.metrics === 'off' ? undefined : (args.metrics ?? DEFAULT_LAB_METRICS);
  if (metrics !== undefined && !parseHostPort(metrics).ok) return { ok: false, exitCode: ExitCode.BAD_CONFIG, message: `--metrics: expected "host:port" or "off", got ${JSON.stringify(metrics)}` };

  if (args.labPort !== undefined && !(Number.isInteger(args.labPort) && args.labPort >= 0 && args.labPort <= MAX_PORT)) {
    return { ok: false, exitCode: ExitCode.BAD_CONFIG, message: `--lab-port: expected a port number (0 picks a free one), got ${String(args.labPort)}` };
  }
  const labStarted = await startLabServers(args.labPort, logger);
  if (!labStarted.ok) return { ok: false, exitCode: ExitCode.CANNOT_START, message: labStarted.message };
  const lab = labStarted.lab;

  const config = labConfig(lab.port, listen, metrics, args.logLevel ?? 'info');
  const started = await startApp(config, { logger, metricsUnavailable: 'warn' });
  if (!started.ok) {
    await lab.close();
    return { ok: false, exitCode: started.stage === 'config' ? ExitCode.BAD_CONFIG : ExitCode.CANNOT_START, message: started.error };
  }
  const app = started.app;
  const bound = formatHostPort(app.daemon.addresses[0]);
  const instructions = [
    `anchord lab: ${lab.addresses.length} lab servers on 127.53.x.y port ${lab.port} (zones/lab/, trust anchor key tag ${app.assembly.anchors.rootKeyTags().join(', ')})`,
    `resolver on ${bound} (udp, tcp)`,
    app.metricsServer !== undefined ? `metrics on http://${formatHostPort(app.metricsServer)}/metrics` : (app.metricsNote ?? 'metrics off'),
    'try:',
    ...digCommands(bound),
    'Ctrl-C stops.',
  ];
  let closing: Promise<void> | undefined;
  return {
    ok: true,
    running: {
      app,
      lab,
      listen: bound,
      instructions,
      close: () => (closing ??= app.close().then(() => lab.close())),
    },
  };
}

export function registerLab(y: Argv): Argv {
  return y.command(
    'lab',
    'Serve the embedded signed lab on 127.53.x.y and a validating resolver over it',
    (b) =>
      b
        .option('listen', { type: 'string', describe: `ADDR:PORT of the resolver (default ${DEFAULT_LAB_LISTEN})` })
        .option('lab-port', { type: 'number', describe: `port of the lab servers (default 53 as root, else ${LAB_PORT_UNPRIVILEGED})` })
        .option('metrics', { type: 'string', describe: `ADDR:PORT of the metrics endpoint, or "off" (default ${DEFAULT_LAB_METRICS}; skipped if busy)` })
        .option('log-level', { choices: ['error', 'warn', 'info', 'debug'] as const, describe: 'least severe log line written to stderr (default info)' }),
    async (argv) => {
      // Logs go to stderr so stdout carries only the instructions.
      const logger = createLogger({ level: argv.logLevel ?? 'info', sink: (line) => void process.stderr.write(line + '\n') });
      const started = await startLabDaemon(
        {
          ...(argv.listen !== undefined ? { listen: argv.listen } : {}),
          ...(argv.labPort !== undefined ? { labPort: argv.labPort } : {}),
          ...(argv.metrics !== undefined ? { metrics: argv.metrics } : {}),
          ...(argv.logLevel !== undefined ? { logLevel: argv.logLevel } : {}),
        },
        logger,
      );
      if (!started.ok) {
        process.stderr.write(`anchord: ${started.message}\n`);
        process.exitCode = started.exitCode;
        return;
      }
      const r = started.running;
      process.stdout.write(r.instructions.join('\n') + '\n');
      runUntilSignalled({ close: r.close, logger, assembly: r.app.assembly });
    },
  );
}
