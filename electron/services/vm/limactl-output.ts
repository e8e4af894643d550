import { z } from 'zod';

import { limaStatuses, type LimaStatus, type VmInstance, type VmStage } from '../../../common/vm-model';

/**
 * Parsers for what limactl prints (reference/runtime-facts.md §1.2, §1.5): `list --json` is JSON
 * Lines (one instance per line, nothing at all when there are none), `--log-format json` logs are
 * logrus objects on stderr, and the host agent writes JSON events to ha.stdout.log. Garbage is
 * skipped, never thrown: a tool that prints something odd must not take the app down.
 */
const portForwardSchema = z.looseObject({
  guestIP: z.string().optional(),
  guestPort: z.number().optional(),
  guestPortRange: z.array(z.number()).optional(),
  hostIP: z.string().optional(),
  hostPort: z.number().optional(),
  ignore: z.boolean().optional(),
});

export const limaInstanceRecordSchema = z.looseObject({
  name: z.string(),
  status: z.string().catch(''),
  dir: z.string().optional(),
  vmType: z.string().optional(),
  arch: z.string().optional(),
  cpus: z.number().optional(),
  memory: z.number().optional(),
  disk: z.number().optional(),
  hostAgentPID: z.number().optional(),
  driverPID: z.number().optional(),
  errors: z.array(z.string()).optional(),
  limaVersion: z.string().optional(),
  config: z
    .looseObject({
      vmType: z.string().optional(),
      portForwards: z.array(portForwardSchema).optional().catch(undefined),
      mounts: z
        .array(z.looseObject({ location: z.string().optional(), writable: z.boolean().optional() }))
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
});
export type LimaInstanceRecord = z.infer<typeof limaInstanceRecordSchema>;

/** `limactl list --json`: one object per line. Lines that are not instance objects are skipped. */
export function parseInstanceList(stdout: string): LimaInstanceRecord[] {
  const records: LimaInstanceRecord[] = [];
  for (const line of stdout.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      continue;
    }
    const parsed = limaInstanceRecordSchema.safeParse(json);
    if (parsed.success) records.push(parsed.data);
  }
  return records;
}

export function limaStatusOf(record: Pick<LimaInstanceRecord, 'status'>): LimaStatus {
  return (limaStatuses as readonly string[]).includes(record.status)
    ? (record.status as LimaStatus)
    : 'Unknown';
}

/** The host port that the rule forwarding the guest's 6443 (the k3s API) binds on 127.0.0.1. */
export function apiPortOf(record: Pick<LimaInstanceRecord, 'config'>): number | undefined {
  for (const rule of record.config?.portForwards ?? []) {
    if (rule.ignore) continue;
    if (rule.guestPort === 6443 && rule.hostPort !== undefined) return rule.hostPort;
  }
  return undefined;
}

const gib = 2 ** 30;

export function toVmInstance(record: LimaInstanceRecord): VmInstance {
  const apiPort = apiPortOf(record);
  return {
    status: limaStatusOf(record),
    ...(record.cpus ? { cpus: record.cpus } : {}),
    ...(record.memory ? { memoryGiB: round(record.memory / gib) } : {}),
    ...(record.disk ? { diskGiB: round(record.disk / gib) } : {}),
    ...(apiPort ? { apiPort } : {}),
    ...(record.vmType ? { vmType: record.vmType } : {}),
    ...(record.arch ? { arch: record.arch } : {}),
    ...(record.limaVersion ? { limaVersion: record.limaVersion } : {}),
    ...(record.errors && record.errors.length > 0 ? { errors: record.errors } : {}),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export interface LogRecord {
  level: string;
  msg: string;
  fields: Record<string, unknown>;
}

/** One `--log-format json` line; a line that is not one (e.g. the instance message) is plain text. */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as Record<string, unknown>;
      if (typeof json.msg === 'string') {
        const { level, msg, time: _time, ...fields } = json;
        return { level: typeof level === 'string' ? level : 'info', msg, fields };
      }
    } catch {
      // fall through: not JSON after all
    }
  }
  return { level: 'info', msg: trimmed, fields: {} };
}

const hostEventSchema = z.object({
  time: z.string().optional(),
  status: z
    .object({
      running: z.boolean().optional(),
      degraded: z.boolean().optional(),
      exiting: z.boolean().optional(),
      errors: z.array(z.string()).optional(),
      sshLocalPort: z.number().optional(),
      cloudInitProgress: z
        .object({
          logLine: z.string().optional(),
          completed: z.boolean().optional(),
          active: z.boolean().optional(),
        })
        .optional(),
      portForward: z
        .object({
          type: z.string(),
          protocol: z.string().optional(),
          guestAddr: z.string().optional(),
          hostAddr: z.string().optional(),
          error: z.string().optional(),
        })
        .optional(),
    })
    .catch({}),
});
export type HostEvent = z.infer<typeof hostEventSchema>;

export function parseHostEvent(line: string): HostEvent | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed = hostEventSchema.safeParse(JSON.parse(trimmed));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What a line tells about where a start is: the stage it belongs to and, when known, how far in. */
export interface StageHint {
  stage: VmStage;
  percent?: number;
}

const hostagentPrefix = /^\[hostagent\]\s*/;

/**
 * Maps Lima's milestone messages (reference §1.5 and Lima's requirements.go) to stages. The
 * requirement counters ("2 of 3") give a percentage within the stage.
 */
export function stageHintFromLog(message: string): StageHint | undefined {
  const msg = message.replace(hostagentPrefix, '');
  if (
    /^(Attempting to download|Downloading|Downloaded) the image\b/.test(msg) ||
    /^Using cache\b/.test(msg)
  ) {
    return { stage: 'downloading-image' };
  }
  if (
    /^Starting (VZ|QEMU)\b/.test(msg) ||
    /^Starting the instance\b/.test(msg) ||
    /^SSH Local Port\b/.test(msg)
  ) {
    return { stage: 'booting' };
  }
  const requirement =
    /^(Waiting for the|The) (essential|optional|final) requirement (\d+) of (\d+)(.*)$/.exec(msg);
  if (requirement) {
    const [, verb, label, index, count, rest] = requirement;
    const done = Number(index) - (verb === 'Waiting for the' ? 1 : 0);
    const percent = Math.round((done / Math.max(1, Number(count))) * 100);
    if (verb === 'The' && !(rest ?? '').includes('is satisfied')) return undefined;
    if (label === 'essential') return { stage: 'waiting-ssh', percent };
    if (label === 'optional') return { stage: 'provisioning-k3s', percent: Math.round(percent / 2) };
    return { stage: 'provisioning-k3s', percent: 50 + Math.round(percent / 2) };
  }
  if (/^(Waiting for the guest agent|Guest agent is running)/.test(msg))
    return { stage: 'provisioning-k3s', percent: 50 };
  if (/^Forwarding TCP from\b/.test(msg) || /^Copying config from\b/.test(msg))
    return { stage: 'forwarding-ports' };
  return undefined;
}

export function stageHintFromEvent(event: HostEvent): StageHint | undefined {
  const status = event.status;
  if (status.portForward?.type === 'forwarding') return { stage: 'forwarding-ports' };
  if (status.cloudInitProgress) return { stage: 'provisioning-k3s' };
  if (status.sshLocalPort !== undefined && !status.running) return { stage: 'booting' };
  return undefined;
}

/** Lima's final line of a successful start. */
export function isReadyLine(message: string): boolean {
  return message.replace(hostagentPrefix, '').startsWith('READY.');
}

/** "limactl version 2.0.3" → "2.0.3". */
export function parseLimactlVersion(stdout: string): string | undefined {
  return /limactl version v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(stdout)?.[1];
}

/** Compares dotted versions numerically (pre-release suffixes ignored). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[-+]/)[0]?.split('.').map(Number) ?? [];
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Renders ha.stderr.log's JSON lines as `level: message` for a failure report. */
export function readableLogTail(text: string, count: number): string {
  const lines = text
    .split('\n')
    .map(line => parseLogLine(line))
    .filter((record): record is LogRecord => record !== undefined)
    .map(record => `${record.level}: ${record.msg}`);
  return lines.slice(-count).join('\n');
}
