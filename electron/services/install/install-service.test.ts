import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { EventName } from '../../../common/contract';
import { installStepIds, type InstallView, type InstallVmDefaults } from '../../../common/install';
import { initialAppState } from '../../../common/state';
import { AppStateStore } from '../app-state';
import { ClientHub, localClient } from '../ipc/clients';
import { createLogger } from '../platform/log';
import { InstallService } from './install-service';
import type { PlanStep } from './step-engine';

const key = `sk-ant-api03-${'k'.repeat(48)}`;
const token = 'f'.repeat(64);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clawbar-install-service-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function harness(options: { address?: string } = {}) {
  const state = new AppStateStore(
    initialAppState(
      { version: '0', mode: 'app', startedAt: '2026-12-04T10:00:00.000Z' },
      { ollama: 'http://127.0.0.1:11434', lmStudio: '127.0.0.1:1234' },
    ),
    { throttleMs: 0 },
  );
  const hub = new ClientHub();
  const events: { event: EventName; payload: unknown }[] = [];
  hub.add(localClient('test', (event, payload) => events.push({ event, payload })));
  const saved: { name: string; value: string }[] = [];
  const ran: string[] = [];
  const steps: PlanStep[] = installStepIds.map(id => ({
    id,
    check: () => Promise.resolve({ done: false, detail: '' }),
    run: context => {
      ran.push(id);
      context.log(`${id} ran`);
      return Promise.resolve();
    },
  }));
  const vmDefaults: InstallVmDefaults = {
    suggested: { cpus: 4, memoryGiB: 8, diskGiB: 60 },
    current: { cpus: 4, memoryGiB: 8, diskGiB: 60 },
    host: { cpus: 8, memoryGiB: 16, diskFreeGiB: 100 },
    limits: { maxCpus: 8, maxMemoryGiB: 12 },
  };
  const service = new InstallService({
    steps,
    stateFile: join(dir, 'state', 'install.json'),
    state,
    hub,
    secrets: {
      saveProviderKey: (name, value) => {
        saved.push({ name, value });
        return Promise.resolve();
      },
      ensureGatewayToken: () => Promise.resolve(token),
    },
    gatewayAddress: () => options.address ?? '127.0.0.1:18789',
    vmDefaults: () => Promise.resolve(vmDefaults),
    log: createLogger({ sinks: [] }),
    progressIntervalMs: 0,
  });
  return { service, state, events, saved, ran };
}

/** The run is in the background and may already be over when the test looks: check, then listen. */
function untilStatus(
  service: InstallService,
  wanted: (status: InstallView['status']) => boolean,
): Promise<void> {
  if (wanted(service.view.status)) return Promise.resolve();
  return new Promise<void>(resolve => {
    const listener = service.onDidChange(view => {
      if (!wanted(view.status)) return;
      listener.dispose();
      resolve();
    });
  });
}

describe('InstallService', () => {
  it('puts the keys in the secret store before the run, and nowhere else', async () => {
    const { service, state, events, saved, ran } = harness();
    const started = await service.start({
      choices: { model: 'qwen3:4b', installOllama: true, providerKeys: { ANTHROPIC_API_KEY: key } },
    });
    expect(saved).toEqual([{ name: 'ANTHROPIC_API_KEY', value: key }]);
    expect(started.status).toBe('running');
    expect(started.choices).toEqual({
      model: 'qwen3:4b',
      installOllama: true,
      providerKeys: ['ANTHROPIC_API_KEY'],
    });
    await untilStatus(service, status => status === 'succeeded');
    expect(ran).toEqual([...installStepIds]);
    const file = await readFile(join(dir, 'state', 'install.json'), 'utf8');
    expect(file).toContain('ANTHROPIC_API_KEY');
    expect(file).not.toContain(key);
    state.flush();
    expect(events.some(entry => entry.event === 'install:progress')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(key);
    expect(JSON.stringify(state.snapshot)).not.toContain(key);
    expect(state.snapshot.install).toMatchObject({ status: 'succeeded', percent: 100, step: null });
    expect(state.snapshot.install.completedAt).not.toBeNull();
  });

  it('refuses a second start while one runs, before touching the keys', async () => {
    const { service, saved } = harness();
    await service.start({ choices: { installOllama: false } });
    await expect(
      service.start({ choices: { installOllama: false, providerKeys: { OPENAI_API_KEY: key } } }),
    ).rejects.toMatchObject({ code: 'install-busy' });
    expect(saved).toEqual([]);
    await untilStatus(service, status => status !== 'running');
  });

  it('gives the Control UI address with the token in its fragment, on loopback only', async () => {
    expect(await harness().service.controlUiUrl()).toEqual({ url: `http://127.0.0.1:18789/#token=${token}` });
    await expect(harness({ address: '0.0.0.0:18789' }).service.controlUiUrl()).rejects.toMatchObject({
      code: 'invalid-input',
    });
  });

  it('remembers that the user left the onboarding', async () => {
    const { service, state } = harness();
    await service.dismissOnboarding();
    expect(state.snapshot.install.onboardingDismissed).toBe(true);
    const file = JSON.parse(await readFile(join(dir, 'state', 'install.json'), 'utf8')) as {
      install: { onboardingDismissed: boolean };
    };
    expect(file.install.onboardingDismissed).toBe(true);
  });
});
