import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { recordingFiles } from '../../electron/services/metrics/replay-sources';
import { ruleFileName, type PowerSetupPaths } from '../../electron/services/metrics/power-setup';

/**
 * The demo Mac's telemetry: a recording folder, derived from the M3 Ultra fixtures, rewritten with
 * moving values each time the sampler reads it (so it costs nothing while nobody watches). The
 * services read it with the same replay sources as `clawbar readouts --replay`. GPU power and
 * frequency appear only once the demo's powermetrics permission is installed — through the real
 * setup flow, run against the stand-in osascript/visudo/sudo with a sudoers folder in the home.
 */
export const recordingsDir = resolve(fileURLToPath(new URL('../recordings/m3ultra-256gb', import.meta.url)));
const standInBin = resolve(fileURLToPath(new URL('../bin', import.meta.url)));

export interface DemoTelemetry {
  dir: string;
  sudoersDir: string;
  powerPaths: PowerSetupPaths;
  refresh(): Promise<void>;
}

interface Templates {
  ioreg: string;
  vmStat: string;
  sysctl: string;
  plist: string;
}

export async function openDemoTelemetry(home: string, now: () => number = Date.now): Promise<DemoTelemetry> {
  const dir = join(home, 'demo', 'telemetry');
  const sudoersDir = join(home, 'demo', 'sudoers.d');
  await mkdir(dir, { recursive: true });
  const read = (name: string) => readFile(join(recordingsDir, name), 'utf8');
  const [ioreg, vmStat, sysctl, plistStream] = await Promise.all([
    read(recordingFiles.ioregText),
    read(recordingFiles.vmStat),
    read(recordingFiles.sysctlBatch),
    read(recordingFiles.powermetricsPlist),
  ]);
  const templates: Templates = { ioreg, vmStat, sysctl, plist: firstDocument(plistStream) };
  // The parts that do not move are copied once.
  for (const name of [recordingFiles.systemProfilerJson, recordingFiles.ollamaPs]) {
    await writeAtomically(join(dir, name), await read(name));
  }
  const telemetry: DemoTelemetry = {
    dir,
    sudoersDir,
    powerPaths: {
      powermetrics: join(standInBin, 'powermetrics'),
      sudo: join(standInBin, 'sudo'),
      osascript: join(standInBin, 'osascript'),
      visudo: join(standInBin, 'visudo'),
      sudoersDir,
      macmonCandidates: [],
    },
    refresh: () => writeFrame(dir, templates, now() / 1000, existsSync(join(sudoersDir, ruleFileName))),
  };
  await telemetry.refresh();
  return telemetry;
}

function firstDocument(stream: string): string {
  const [document] = stream.split('\0');
  return document ?? '';
}

/** A smooth value around `base`: the demo's GPU decodes tokens in bursts. */
function wave(base: number, amplitude: number, seconds: number, periodS: number): number {
  return base + amplitude * Math.sin((2 * Math.PI * seconds) / periodS);
}

async function writeFrame(
  dir: string,
  templates: Templates,
  seconds: number,
  powerAllowed: boolean,
): Promise<void> {
  const utilization = Math.round(Math.min(100, Math.max(0, wave(88, 10, seconds, 23))));
  const inUse = Math.round(wave(51539607552, 1073741824, seconds, 41));
  const anonymous = Math.round(wave(2686976, 65536, seconds, 37));
  const freePct = Math.round(wave(72, 2, seconds, 37));
  const swapUsed = wave(112.25, 12, seconds, 97).toFixed(2);
  const writes = [
    writeAtomically(
      join(dir, recordingFiles.ioregText),
      templates.ioreg
        .replace('"Device Utilization %"=94', `"Device Utilization %"=${utilization}`)
        .replace('"Renderer Utilization %"=93', `"Renderer Utilization %"=${Math.max(0, utilization - 1)}`)
        .replace('"In use system memory"=51539607552', `"In use system memory"=${inUse}`),
    ),
    writeAtomically(
      join(dir, recordingFiles.vmStat),
      templates.vmStat.replace(
        /^(Anonymous pages:\s+)2686976\./m,
        (_whole, label: string) => `${label}${String(anonymous).padStart(7)}.`,
      ),
    ),
    writeAtomically(
      join(dir, recordingFiles.sysctlBatch),
      templates.sysctl
        .replace(/^72$/m, String(freePct))
        .replace('used = 112.25M', `used = ${swapUsed}M`)
        .replace('free = 911.75M', `free = ${(1024 - Number(swapUsed)).toFixed(2)}M`),
    ),
  ];
  const plistFile = join(dir, recordingFiles.powermetricsPlist);
  if (powerAllowed) {
    const idle = (100 - utilization) / 100;
    const milliwatts = wave(80000, 6000, seconds, 23) * (utilization / 94);
    writes.push(
      writeAtomically(
        plistFile,
        templates.plist
          .replace(
            /<key>gpu_power<\/key>\n<real>[\d.]+<\/real>/,
            `<key>gpu_power</key>\n<real>${milliwatts.toFixed(1)}</real>`,
          )
          .replace(
            /(<key>gpu<\/key>\n<dict>\n<key>freq_hz<\/key><real>)[\d.]+/,
            `$1${utilization > 50 ? '1337.89' : '1204.12'}`,
          )
          .replaceAll(
            '<key>idle_ratio</key><real>0.0458</real>',
            `<key>idle_ratio</key><real>${idle.toFixed(4)}</real>`,
          ),
      ),
    );
  } else if (existsSync(plistFile)) {
    // The permission was removed: the demo Mac no longer runs powermetrics.
    writes.push(writeAtomically(plistFile, null));
  }
  await Promise.all(writes);
}

/** Write-then-rename, so a reader never sees half a file; null removes the file. */
async function writeAtomically(file: string, content: string | null): Promise<void> {
  if (content === null) {
    await rm(file, { force: true });
    return;
  }
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, file);
}
