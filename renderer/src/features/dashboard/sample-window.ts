import type { MetricsSample } from '../../../../common/metrics';

/** How many samples the charts keep: five minutes at the sampler's usual one per second. */
export const chartCapacity = 300;

/**
 * The charts' window of samples: what came from the history and the live events, oldest first,
 * each sample once, at most `capacity`. A sample that arrives late lands in its place.
 */
export function mergeSamples(
  current: readonly MetricsSample[],
  incoming: readonly MetricsSample[],
  capacity: number = chartCapacity,
): MetricsSample[] {
  const last = current.at(-1);
  const first = incoming[0];
  // The usual case, once a second: one sample newer than everything held.
  if (incoming.length === 1 && first && (!last || first.at > last.at)) {
    const next = current.length >= capacity ? current.slice(current.length - capacity + 1) : current.slice();
    next.push(first);
    return next;
  }
  const byTime = new Map<string, MetricsSample>();
  for (const sample of current) byTime.set(sample.at, sample);
  for (const sample of incoming) byTime.set(sample.at, sample);
  // ISO times of one clock sort as strings.
  const merged = [...byTime.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return merged.slice(Math.max(0, merged.length - capacity));
}
