// The reload coordinator: SIGHUP and `anchord control reload` both land here. Each part (config,
// trust anchors, policy) loads its new version completely and swaps it in atomically, or keeps the
// old one and says why; the coordinator only runs them in order, reports, and logs one line per part.
// One bad file therefore never takes the others (or the running daemon) down with it.
import type { Logger } from '../log/logger.ts';

export type ReloadPartName = 'config' | 'trustAnchors' | 'policy';

export type PartReloadResult = { ok: true } | { ok: false; error: string };

export interface ReloadablePart {
  readonly name: ReloadPartName;
  /** Load and swap in the new version; on failure keep the old one and return the reason. Should not throw. */
  reload(): Promise<PartReloadResult>;
}

export type PartReport = { readonly name: ReloadPartName; readonly ok: true } | { readonly name: ReloadPartName; readonly ok: false; readonly error: string };

export interface ReloadReport {
  /** True when every part reloaded. */
  readonly ok: boolean;
  /** One entry per part, in the order they ran. */
  readonly parts: readonly PartReport[];
}

export interface ReloadCoordinator {
  /**
   * Runs every part once. Called while a reload is running, it queues exactly one more run (the
   * files may have changed again after the running one read them); every caller that arrives
   * meanwhile shares that queued run and its report. Never rejects.
   */
  reload(): Promise<ReloadReport>;
  /** True while a run is in progress (for /stats and tests). */
  readonly busy: boolean;
}

export interface ReloadCoordinatorOptions {
  readonly parts: readonly ReloadablePart[];
  readonly logger: Logger;
}

async function runPart(part: ReloadablePart): Promise<PartReport> {
  try {
    const r = await part.reload();
    return r.ok ? { name: part.name, ok: true } : { name: part.name, ok: false, error: r.error };
  } catch (e) {
    // A part that throws broke its contract; still report it rather than lose the other parts.
    return { name: part.name, ok: false, error: `unexpected error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function createReloadCoordinator(options: ReloadCoordinatorOptions): ReloadCoordinator {
  const { parts, logger } = options;
  let running: Promise<ReloadReport> | undefined;
  let queued: Promise<ReloadReport> | undefined;

  const runAll = async (): Promise<ReloadReport> => {
    const reports: PartReport[] = [];
    // In sequence: later parts may depend on earlier ones (policy files named by the new config).
    for (const part of parts) {
      const report = await runPart(part);
      reports.push(report);
      // The message carries everything too, for loggers that drop fields.
      if (report.ok) logger.info(`reload ${report.name}: ok`, { part: report.name, ok: true });
      else logger.warn(`reload ${report.name}: kept the previous version: ${report.error}`, { part: report.name, ok: false, error: report.error });
    }
    return { ok: reports.every((r) => r.ok), parts: reports };
  };

  const start = (): Promise<ReloadReport> => {
    const run = runAll().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };

  return {
    reload(): Promise<ReloadReport> {
      if (running === undefined) return start();
      if (queued === undefined) {
        const next = () => {
          queued = undefined;
          return start();
        };
        queued = running.then(next, next);
      }
      return queued;
    },
    get busy() {
      return running !== undefined;
    },
  };
}
