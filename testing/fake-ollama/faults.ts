/**
 * Ways the fake Ollama misbehaves on purpose, chosen by environment so the stand-in executable,
 * the demo and the tests can all ask for them:
 * - FAKE_OLLAMA_CRASH_AFTER=<seconds>: `serve` panics and exits 2 that long after it listens;
 *   FAKE_OLLAMA_CRASH_COUNT=<n> limits that to the first n launches (counted in the state dir).
 * - FAKE_OLLAMA_PORT_BUSY=1: `serve` fails to bind, as when another server holds the port (exit 1).
 * - FAKE_OLLAMA_HANG_AFTER=<seconds>: the server keeps its port but stops answering.
 * - FAKE_OLLAMA_PULL_SPEED=<bytes per second>: download speed of pulls (slow pull when small).
 * - FAKE_OLLAMA_PULL_ERROR_AT=<0..1>: a pull fails with an error line (HTTP 200) at that fraction.
 */
export interface FakeOllamaFaults {
  crashAfterMs?: number;
  crashCount?: number;
  portBusy?: boolean;
  hangAfterMs?: number;
  pullBytesPerSecond?: number;
  pullErrorAt?: number;
}

export const defaultPullErrorMessage =
  'max retries exceeded: read tcp 192.168.1.20:52144->104.18.5.1:443: read: connection reset by peer';

function number(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

export function faultsFromEnv(env: NodeJS.ProcessEnv): FakeOllamaFaults {
  const faults: FakeOllamaFaults = {};
  const crashAfter = number(env.FAKE_OLLAMA_CRASH_AFTER);
  if (crashAfter !== undefined) faults.crashAfterMs = crashAfter * 1000;
  const crashCount = number(env.FAKE_OLLAMA_CRASH_COUNT);
  if (crashCount !== undefined) faults.crashCount = Math.floor(crashCount);
  if (env.FAKE_OLLAMA_PORT_BUSY === '1') faults.portBusy = true;
  const hangAfter = number(env.FAKE_OLLAMA_HANG_AFTER);
  if (hangAfter !== undefined) faults.hangAfterMs = hangAfter * 1000;
  const speed = number(env.FAKE_OLLAMA_PULL_SPEED);
  if (speed !== undefined && speed > 0) faults.pullBytesPerSecond = speed;
  const errorAt = number(env.FAKE_OLLAMA_PULL_ERROR_AT);
  if (errorAt !== undefined && errorAt <= 1) faults.pullErrorAt = errorAt;
  return faults;
}
