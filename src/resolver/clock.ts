// Time and chance are injected so resolution is reproducible: tests pin the clock, the replay
// harness drives it, and server-selection exploration can be given a seeded source.

export interface Clock {
  /** Milliseconds; only differences matter, so any epoch will do. */
  now(): number;
}

/** Uniform in [0, 1), like Math.random. */
export type RandomSource = () => number;

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A small deterministic generator (mulberry32) for callers that want reproducible choices
 * without caring about quality beyond "spread out".
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
