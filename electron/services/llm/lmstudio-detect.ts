import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import type { ComponentStatus, LlmState } from '../../../common/state';
import type { ExecRunner } from '../platform/exec';
import { isExecutable, type MacLocations } from './ollama-detect';
import { networkReason, type FetchLike } from './ollama-client';

/**
 * LM Studio (runtime-facts §3.4): its OpenAI-compatible server (`GET /v1/models`, port 1234 by
 * default) and its `lms` CLI (`lms server status --json --quiet` → `{"running":true,"port":1234}`),
 * found on PATH or in ~/.lmstudio/bin. Clawbar never starts or stops LM Studio; it only looks.
 */
export interface LmStudioDetection {
  component: Omit<ComponentStatus, 'since'>;
  detail: LlmState['lmstudio'];
}

const statusWire = z.object({ running: z.boolean(), port: z.number().int().positive().optional() });
const modelsWire = z.object({ data: z.array(z.object({ id: z.string() })) });

export async function findLms(exec: ExecRunner, { userHome }: MacLocations): Promise<string | null> {
  const onPath = await exec.which('lms');
  if (onPath) return onPath;
  for (const candidate of [
    join(userHome, '.lmstudio', 'bin', 'lms'),
    join(userHome, '.cache', 'lm-studio', 'bin', 'lms'),
  ]) {
    if (await isExecutable(candidate)) return candidate;
  }
  return null;
}

async function appInstalled({ root, userHome }: MacLocations): Promise<boolean> {
  for (const app of [
    join(root, 'Applications', 'LM Studio.app'),
    join(userHome, 'Applications', 'LM Studio.app'),
  ]) {
    if (
      await access(app).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}

export async function lmsServerStatus(
  exec: ExecRunner,
  lms: string,
): Promise<{ running: boolean; port: number | null } | null> {
  try {
    const result = await exec.run(lms, ['server', 'status', '--json', '--quiet'], { timeoutMs: 10_000 });
    const line = result.stdout.split('\n').find(text => text.trim().startsWith('{'));
    const parsed = statusWire.safeParse(line ? JSON.parse(line) : undefined);
    return parsed.success ? { running: parsed.data.running, port: parsed.data.port ?? null } : null;
  } catch {
    return null;
  }
}

export async function detectLmStudio({
  exec,
  locations,
  baseUrl,
  fetch: fetchImpl = fetch,
}: {
  exec: ExecRunner;
  locations: MacLocations;
  baseUrl: URL;
  fetch?: FetchLike;
}): Promise<LmStudioDetection> {
  const cliPath = await findLms(exec, locations);
  const status = cliPath ? await lmsServerStatus(exec, cliPath) : null;
  const url = new URL(baseUrl);
  if (status?.running && status.port) url.port = String(status.port);
  const address = url.host;
  let models: string[] | null = null;
  let problem = '';
  try {
    const response = await fetchImpl(new URL('/v1/models', url).toString(), {
      signal: AbortSignal.timeout(2000),
    });
    const parsed = modelsWire.safeParse(await response.json());
    if (response.ok && parsed.success) models = parsed.data.data.map(model => model.id);
    else problem = response.ok ? 'answer is not a model list' : `HTTP ${response.status}`;
  } catch (error) {
    problem = networkReason(error).detail;
  }
  const detail: LlmState['lmstudio'] = {
    address,
    cliPath,
    serverRunning: status?.running ?? null,
    port: status?.port ?? (models ? Number(url.port) : null),
    models: models ?? [],
  };
  if (models) {
    return {
      detail,
      component: {
        state: 'running',
        reason: {
          code: 'lmstudio-answering',
          message: `LM Studio server on ${address} (${models.length} models)`,
          params: { address },
        },
      },
    };
  }
  if (cliPath || (await appInstalled(locations))) {
    return {
      detail,
      component: {
        state: 'stopped',
        reason: {
          code: 'lmstudio-not-answering',
          message: `LM Studio server not answering on ${address}: ${problem}`,
          params: { address },
        },
      },
    };
  }
  return {
    detail,
    component: {
      state: 'not-installed',
      reason: {
        code: 'lmstudio-not-installed',
        message: `No lms command, no LM Studio.app, nothing on ${address}.`,
        params: { address },
      },
    },
  };
}
