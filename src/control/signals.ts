// Process signals for the daemon: SIGHUP reloads (systemd's ExecReload sends it), SIGTERM/SIGINT
// stop gracefully. A second SIGTERM/SIGINT while stopping means "now": the operator (or systemd's
// stop timeout) has decided the graceful path is taking too long.

export type StopSignal = 'SIGTERM' | 'SIGINT';

/** The part of `process` this needs; tests pass an EventEmitter. */
export interface SignalSource {
  on(event: 'SIGHUP' | StopSignal, listener: () => void): unknown;
  off(event: 'SIGHUP' | StopSignal, listener: () => void): unknown;
}

export interface SignalHandlers {
  /** SIGHUP. May run while a previous reload is still going; the reload coordinator queues it. */
  onHup(): void | Promise<unknown>;
  /** The first SIGTERM or SIGINT. */
  onTerm(signal: StopSignal): void | Promise<unknown>;
  /** A later SIGTERM/SIGINT. Default: exit with status 1 at once. */
  onForce?(signal: StopSignal): void;
  /** Where a rejected onHup/onTerm goes (a signal handler has no caller to return an error to). */
  onError?(error: unknown): void;
  /** Default: `process`. */
  source?: SignalSource;
}

const FORCED_EXIT = 1;

/**
 * Installs the handlers and returns a function that removes them. Installing a SIGHUP listener
 * also stops Node's default of exiting on SIGHUP.
 */
export function installSignalHandlers(handlers: SignalHandlers): () => void {
  const source: SignalSource = handlers.source ?? process;
  const report = handlers.onError ?? ((e: unknown) => process.stderr.write(`anchord: signal handler failed: ${e instanceof Error ? e.message : String(e)}\n`));
  const force = handlers.onForce ?? (() => process.exit(FORCED_EXIT));
  let stopping = false;

  const settle = (result: void | Promise<unknown>): void => {
    if (result instanceof Promise) result.catch(report);
  };
  const hup = () => {
    // Reloading while shutting down would race with closing the parts being reloaded.
    if (stopping) return;
    try {
      settle(handlers.onHup());
    } catch (e) {
      report(e);
    }
  };
  const stop = (signal: StopSignal) => () => {
    if (stopping) return force(signal);
    stopping = true;
    try {
      settle(handlers.onTerm(signal));
    } catch (e) {
      report(e);
    }
  };
  const term = stop('SIGTERM');
  const int = stop('SIGINT');
  source.on('SIGHUP', hup);
  source.on('SIGTERM', term);
  source.on('SIGINT', int);
  return () => {
    source.off('SIGHUP', hup);
    source.off('SIGTERM', term);
    source.off('SIGINT', int);
  };
}
