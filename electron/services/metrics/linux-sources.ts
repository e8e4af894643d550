import { readFile } from 'node:fs/promises';

import type { ExecRunner } from '../platform/exec';
import { commandSource } from './command-source';
import { singleSource, type MetricsSource } from './collector';
import { parseNvidiaSmi, nvidiaSmiArgs } from './parse-nvidia-smi';
import { parseOutcome } from './parse-outcome';
import { parseProcMeminfo } from './parse-proc-meminfo';
import { correctSiGraphicsController, type SiGraphicsController } from './parse-system-profiler';
import { failure, reasons, type Readings } from './readings';

/**
 * The Linux development fallback: memory from /proc/meminfo, an NVIDIA GPU through nvidia-smi when
 * one is installed, the GPU's name from systeminformation. Everything macOS-only (wired memory,
 * the pressure level, Metal) stays absent with its reason.
 */
export type GraphicsProbe = () => Promise<{ controllers: SiGraphicsController[] }>;

export function linuxSources(
  exec: ExecRunner,
  options: { meminfoPath?: string; graphics?: GraphicsProbe } = {},
): MetricsSource[] {
  const meminfoPath = options.meminfoPath ?? '/proc/meminfo';
  const sources: MetricsSource[] = [
    singleSource('procMeminfo', 'meminfo', async () => {
      try {
        const text = await readFile(meminfoPath, 'utf8');
        return parseOutcome('meminfo', () => parseProcMeminfo(text));
      } catch (error) {
        return failure(reasons.failed(meminfoPath, (error as Error).message));
      }
    }),
    nvidiaSource(exec),
  ];
  if (options.graphics) sources.push(graphicsSource(options.graphics));
  return sources;
}

/** nvidia-smi only where it is installed: looked up once, absent (no key at all) elsewhere. */
function nvidiaSource(exec: ExecRunner): MetricsSource {
  let lookup: Promise<string | undefined> | undefined;
  let command: MetricsSource | undefined;
  return {
    name: 'nvidia-smi',
    keys: ['nvidia'],
    async read(signal): Promise<Readings> {
      lookup ??= exec.which('nvidia-smi');
      const path = await lookup;
      if (!path) return {};
      command ??= commandSource('nvidia', {
        exec,
        command: path,
        args: nvidiaSmiArgs,
        parse: parseNvidiaSmi,
      });
      return command.read(signal);
    },
  };
}

/** systeminformation's graphics() once, in the background, corrected (see parse-system-profiler.ts). */
function graphicsSource(graphics: GraphicsProbe): MetricsSource {
  return singleSource(
    'gpuStatic',
    'systeminformation',
    async () => {
      const { controllers } = await graphics();
      const [controller] = controllers;
      if (!controller) return failure(reasons.noSource('a GPU (systeminformation found none)'));
      return {
        ok: true,
        value: { ...correctSiGraphicsController(controller), source: 'systeminformation' as const },
      };
    },
    { periodMs: Number.POSITIVE_INFINITY, retryMs: 5 * 60_000, timeoutMs: 10_000, background: true },
  );
}
