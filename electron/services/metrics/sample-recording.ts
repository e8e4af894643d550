import type { MetricsSample, ReadoutPath } from '../../../common/metrics';
import type { Reason } from '../../../common/state';
import type { Logger } from '../platform/log';
import { Collector } from './collector';
import { composeSample } from './compose-sample';
import { checkRecordingDir, replaySources } from './replay-sources';

export interface RecordingSample {
  sample: MetricsSample;
  /** Files that exist but could not be read: worth telling the user, unlike missing ones. */
  problems: { path: ReadoutPath; reason: Reason }[];
}

/** One sample computed from a folder of recorded outputs (`clawbar readouts --replay DIR`). */
export async function sampleRecording(
  dir: string,
  { log, at = new Date(), intervalMs = 1000 }: { log: Logger; at?: Date; intervalMs?: number },
): Promise<RecordingSample> {
  await checkRecordingDir(dir);
  const collector = new Collector(replaySources(dir), { log, timeoutMs: 10_000 });
  try {
    const sample = composeSample(await collector.collect(), { at, intervalMs });
    const problems = Object.entries(sample.absent)
      .filter(([, reason]) => reason.code === 'metrics-source-failed')
      .map(([path, reason]) => ({ path: path as ReadoutPath, reason }));
    return { sample, problems };
  } finally {
    collector.dispose();
  }
}
