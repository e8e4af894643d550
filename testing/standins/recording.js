import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the stand-ins find the recording they replay: CLAWBAR_TELEMETRY_DIR, else the demo world's
 * moving recording under CLAWBAR_HOME, else the M3 Ultra set kept in testing/recordings.
 */
export function recordingDir(env = process.env) {
  if (env.CLAWBAR_TELEMETRY_DIR) return env.CLAWBAR_TELEMETRY_DIR;
  if (env.CLAWBAR_HOME && existsSync(join(env.CLAWBAR_HOME, 'demo', 'telemetry')))
    return join(env.CLAWBAR_HOME, 'demo', 'telemetry');
  return resolve(import.meta.dirname, '../recordings/m3ultra-256gb');
}

/** Exits quietly on the signals a supervisor uses to stop a stream. */
export function stopOnSignals(cleanup = () => undefined) {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
    process.on(signal, () => {
      cleanup();
      process.exit(0);
    });
  }
}
