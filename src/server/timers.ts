// Timers behind an interface, so tests can fire an idle timeout on demand instead of waiting for it.

export interface Timers {
  /** Runs `fn` after `ms`; returns a function that cancels it. Timers never keep the process alive. */
  start(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  start(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};
