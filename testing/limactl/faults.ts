import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the stand-in misbehaves, chosen by tests and the demo: a JSON file at
 * `$LIMA_HOME/_standin/faults.json` (read again at every step, so a test can change it while a VM
 * runs) or the `LIMACTL_STANDIN_FAULTS` environment variable (JSON, merged over the file).
 */
export const standInStages = [
  'downloading-image',
  'booting',
  'waiting-ssh',
  'provisioning-k3s',
  'forwarding-ports',
] as const;
export type StandInStage = (typeof standInStages)[number];

/**
 * What the guest's k3s does: `healthy`; `crash-loop` (the service restarts over and over, the API
 * never answers); `refuse` (the API port is never opened); `api-not-ready` (/readyz answers 500);
 * `node-not-ready` (the node's Ready condition stays False); `wrong-address` (the serving
 * certificate does not cover 127.0.0.1).
 */
export const k3sModes = [
  'healthy',
  'crash-loop',
  'refuse',
  'api-not-ready',
  'node-not-ready',
  'wrong-address',
] as const;
export type K3sMode = (typeof k3sModes)[number];

export interface Faults {
  /** Milliseconds per simulated step (a boot is about twenty steps). */
  paceMs: number;
  /** Stop making progress at this stage (the process stays alive, as a stuck VM does). */
  hangAt?: StandInStage;
  /** Fail at this stage with this message, the way Lima reports a failure there. */
  failAt?: { stage: StandInStage; message: string };
  /** Once running, the host agent stops answering on its socket: `limactl list` says Broken. */
  broken: boolean;
  k3s: K3sMode;
}

export const defaultPaceMs = 200;

/**
 * Checked by hand rather than with zod: every limactl call loads this, and zod alone would add a
 * fifth to the stand-in's start-up time. Anything not understood falls back to the default.
 */
export function parseFaults(value: Record<string, unknown>): Faults {
  const faults: Faults = { paceMs: defaultPaceMs, broken: value.broken === true, k3s: 'healthy' };
  const pace = value.paceMs;
  if (typeof pace === 'number' && Number.isInteger(pace) && pace >= 0 && pace <= 10_000) faults.paceMs = pace;
  if (isStage(value.hangAt)) faults.hangAt = value.hangAt;
  const failAt = asObject(value.failAt);
  if (isStage(failAt.stage) && typeof failAt.message === 'string') {
    faults.failAt = { stage: failAt.stage, message: failAt.message };
  }
  if ((k3sModes as readonly unknown[]).includes(value.k3s)) faults.k3s = value.k3s as K3sMode;
  return faults;
}

function isStage(value: unknown): value is StandInStage {
  return (standInStages as readonly unknown[]).includes(value);
}

export function faultsFile(limaHome: string): string {
  return join(limaHome, '_standin', 'faults.json');
}

export function readFaults(limaHome: string, env: NodeJS.ProcessEnv = process.env): Faults {
  let fromFile: unknown = {};
  try {
    fromFile = JSON.parse(readFileSync(faultsFile(limaHome), 'utf8'));
  } catch {
    // No file (or a half-written one): no faults from it.
  }
  const fromEnv = parseJson(env.LIMACTL_STANDIN_FAULTS);
  return parseFaults({ ...asObject(fromFile), ...asObject(fromEnv) });
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
