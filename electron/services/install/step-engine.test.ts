import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ClawbarError } from '../../../common/errors';
import {
  installStepIds,
  type InstallChoices,
  type InstallStepId,
  type InstallView,
} from '../../../common/install';
import { createLogger } from '../platform/log';
import { InstallStateFile } from './install-state-file';
import { StepEngine, type PlanStep, type StepContext } from './step-engine';

const log = createLogger({ sinks: [] });
const choices: InstallChoices = { model: 'qwen3:4b', installOllama: false, providerKeys: [] };
const title = (id: InstallStepId): string => `Title of ${id}`;

/** A world the fake steps act on: a step is "done" when its id is in `done`. */
interface World {
  done: Set<InstallStepId>;
  checks: InstallStepId[];
  runs: InstallStepId[];
}

type Behaviour = (context: StepContext, world: World) => Promise<void>;

function fakeSteps(world: World, behaviours: Partial<Record<InstallStepId, Behaviour>> = {}): PlanStep[] {
  return installStepIds.map(id => ({
    id,
    check: () => {
      world.checks.push(id);
      return Promise.resolve({ done: world.done.has(id), detail: `${id}: looked` });
    },
    run: async context => {
      world.runs.push(id);
      const behaviour = behaviours[id];
      if (behaviour) await behaviour(context, world);
      world.done.add(id);
    },
  }));
}

/** Runs until aborted, like a step waiting on a slow download. */
const hangs: Behaviour = context =>
  new Promise((_resolve, reject) => {
    context.progress({ step: 'waiting', done: 1, total: 4, detail: 'a quarter' });
    context.signal.addEventListener('abort', () => reject(new ClawbarError('cancelled', 'aborted')), {
      once: true,
    });
  });

function until(predicate: () => boolean): Promise<void> {
  return new Promise(resolve => {
    const poll = (): void => {
      if (predicate()) resolve();
      else setTimeout(poll, 1);
    };
    poll();
  });
}

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'clawbar-engine-'));
  file = join(dir, 'state', 'install.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function engineFor(
  world: World,
  behaviours: Partial<Record<InstallStepId, Behaviour>> = {},
  options: { now?: () => Date; persistDelayMs?: number } = {},
) {
  return new StepEngine({
    steps: fakeSteps(world, behaviours),
    store: new InstallStateFile(file, log),
    log,
    title,
    ...options,
  });
}

function newWorld(done: InstallStepId[] = []): World {
  return { done: new Set(done), checks: [], runs: [] };
}

async function saved(): Promise<InstallView> {
  return (JSON.parse(await readFile(file, 'utf8')) as { install: InstallView }).install;
}

const statuses = (view: InstallView) => Object.fromEntries(view.steps.map(step => [step.id, step.status]));

describe('StepEngine', () => {
  it('runs every step in order, skips what is already done, and records elapsed time', async () => {
    let ms = Date.parse('2026-12-04T10:00:00.000Z');
    const clock = () => new Date((ms += 250));
    const world = newWorld(['preflight', 'vm']);
    const engine = engineFor(world, {}, { now: clock });
    const view = await engine.begin({ kind: 'start', choices });

    expect(view.status).toBe('succeeded');
    expect(world.runs).toEqual(installStepIds.filter(id => id !== 'preflight' && id !== 'vm'));
    expect(world.checks).toEqual([...installStepIds]);
    expect(statuses(view)).toMatchObject({ preflight: 'skipped', vm: 'skipped', secrets: 'done' });
    const secrets = view.steps.find(step => step.id === 'secrets');
    expect(secrets).toMatchObject({ attempts: 1, error: null, progress: null, logTail: ['secrets: looked'] });
    expect(secrets?.elapsedMs).toBeGreaterThan(0);
    expect(view.steps.find(step => step.id === 'vm')?.attempts).toBe(0);
    expect(view.completedAt).toBe(view.finishedAt);
    expect(view.completedAt).not.toBeNull();
    expect(await saved()).toEqual(view);
  });

  it('stops at a failed step with an error that names the step and keeps the cause’s code', async () => {
    const world = newWorld();
    const engine = engineFor(world, {
      'local-models': context => {
        context.log('pulling manifest');
        return Promise.reject(new ClawbarError('pull-failed', 'Pulling qwen3:4b failed: disk full'));
      },
    });
    const view = await engine.begin({ kind: 'start', choices });

    expect(view.status).toBe('failed');
    expect(world.runs).toEqual(['preflight', 'local-models']);
    const failed = view.steps.find(step => step.id === 'local-models');
    const error = {
      code: 'pull-failed',
      message: 'Title of local-models: Pulling qwen3:4b failed: disk full',
    };
    expect(failed).toMatchObject({ status: 'failed', error });
    expect(failed?.logTail.slice(-2)).toEqual(['pulling manifest', error.message]);
    expect(view.error).toEqual(error);
    expect(statuses(view).secrets).toBe('pending');
    expect(view.completedAt).toBeNull();
    expect((await saved()).status).toBe('failed');
  });

  it('retries a failed step on its own, then carries on with the steps after it', async () => {
    const world = newWorld();
    let failures = 1;
    const engine = engineFor(world, {
      secrets: () =>
        failures-- > 0
          ? Promise.reject(new ClawbarError('secrets-write-failed', 'locked'))
          : Promise.resolve(),
    });
    await engine.begin({ kind: 'start', choices });
    world.checks.length = 0;
    world.runs.length = 0;

    const view = await engine.begin({ kind: 'retry', step: 'secrets' });
    expect(view.status).toBe('succeeded');
    // The steps before it are trusted as they are: neither checked nor run again.
    expect(world.checks[0]).toBe('secrets');
    expect(world.runs).toEqual(installStepIds.slice(installStepIds.indexOf('secrets')));
    expect(view.steps.find(step => step.id === 'secrets')).toMatchObject({
      status: 'done',
      attempts: 2,
      error: null,
    });
    expect(view.error).toBeNull();
  });

  it('refuses to retry a step that has not failed, and to resume when there is nothing to resume', async () => {
    const engine = engineFor(newWorld());
    expect(() => engine.begin({ kind: 'resume' })).toThrow(
      expect.objectContaining({ code: 'install-not-resumable' }),
    );
    await engine.begin({ kind: 'start', choices });
    expect(() => engine.begin({ kind: 'retry', step: 'vm' })).toThrow(
      expect.objectContaining({
        code: 'install-not-resumable',
        message: expect.stringContaining('Title of vm'),
      }),
    );
    expect(() => engine.begin({ kind: 'resume' })).toThrow(
      expect.objectContaining({ code: 'install-not-resumable' }),
    );
  });

  it('runs one install at a time', async () => {
    const engine = engineFor(newWorld(), { vm: hangs });
    const done = engine.begin({ kind: 'start', choices });
    await until(() => engine.view.steps.some(step => step.id === 'vm' && step.progress?.step === 'waiting'));
    expect(() => engine.begin({ kind: 'start', choices })).toThrow(
      expect.objectContaining({ code: 'install-busy', message: expect.stringContaining('Title of vm') }),
    );
    expect(engine.cancel()).toBe(true);
    await done;
    expect(engine.busy).toBe(false);
  });

  it('cancel aborts the running step, which stays not done; resume checks again and finishes', async () => {
    const world = newWorld();
    let hang = true;
    const engine = engineFor(world, { vm: (context, w) => (hang ? hangs(context, w) : Promise.resolve()) });
    const done = engine.begin({ kind: 'start', choices });
    await until(() => engine.view.steps.some(step => step.id === 'vm' && step.progress?.step === 'waiting'));
    const running = engine.view.steps.find(step => step.id === 'vm');
    expect(running?.progress).toEqual({ step: 'waiting', done: 1, total: 4, detail: 'a quarter' });
    engine.cancel();
    const cancelled = await done;

    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.steps.find(step => step.id === 'vm')).toMatchObject({
      status: 'pending',
      progress: null,
      elapsedMs: null,
      error: null,
    });
    expect(cancelled.steps.find(step => step.id === 'vm')?.logTail.at(-1)).toBe('Cancelled.');
    expect(cancelled.error).toBeNull();
    expect((await saved()).status).toBe('cancelled');

    hang = false;
    world.checks.length = 0;
    world.runs.length = 0;
    world.done.delete('preflight'); // changed behind our back since: checked, found undone, redone
    const resumed = await engine.begin({ kind: 'resume' });
    expect(resumed.status).toBe('succeeded');
    expect(world.checks).toEqual([...installStepIds]);
    expect(world.runs).toEqual(['preflight', ...installStepIds.slice(installStepIds.indexOf('vm'))]);
    expect(statuses(resumed)).toMatchObject({ preflight: 'done', 'local-models': 'done', vm: 'done' });
    expect(resumed.steps.find(step => step.id === 'preflight')?.attempts).toBe(2);
    expect(resumed.steps.find(step => step.id === 'secrets')?.attempts).toBe(1);
  });

  it('after a crash mid-step, a new engine sees the run interrupted and resumes where it stopped', async () => {
    const world = newWorld();
    // Progress is saved lazily; this first process never gets to save it before it "dies".
    const first = engineFor(world, { manifests: hangs }, { persistDelayMs: 600_000 });
    void first.begin({ kind: 'start', choices });
    // The step saved its start before running; the process dies here and writes nothing more.
    await until(() =>
      first.view.steps.some(step => step.id === 'manifests' && step.progress?.step === 'waiting'),
    );
    expect((await saved()).steps.find(step => step.id === 'manifests')?.status).toBe('running');

    const world2 = { ...world, checks: [], runs: [] };
    const second = engineFor(world2);
    const loaded = await second.load();
    expect(loaded.status).toBe('interrupted');
    const manifests = loaded.steps.find(step => step.id === 'manifests');
    expect(manifests?.status).toBe('pending');
    expect(manifests?.logTail.at(-1)).toBe('Interrupted: Clawbar stopped while this step ran.');
    expect((await saved()).status).toBe('interrupted');

    const resumed = await second.begin({ kind: 'resume' });
    expect(resumed.status).toBe('succeeded');
    expect(world2.runs).toEqual(installStepIds.slice(installStepIds.indexOf('manifests')));
    expect(statuses(resumed).secrets).toBe('done');
    expect(resumed.runId).toBe(loaded.runId);
  });

  it('shutdown stops the running step and leaves a resumable, interrupted run on disk', async () => {
    const engine = engineFor(newWorld(), { k3s: hangs });
    const done = engine.begin({ kind: 'start', choices });
    await until(() => engine.view.steps.some(step => step.id === 'k3s' && step.progress?.step === 'waiting'));
    await engine.shutdown(5000);
    expect((await done).status).toBe('interrupted');
    const disk = await saved();
    expect(disk.status).toBe('interrupted');
    expect(disk.steps.find(step => step.id === 'k3s')?.status).toBe('pending');
  });

  it('keeps the last 50 log lines of a step, redacted', async () => {
    const secret = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
    const engine = engineFor(newWorld(), {
      secrets: context => {
        for (let line = 1; line <= 60; line += 1) context.log(`line ${line}`);
        context.log(`saved ANTHROPIC_API_KEY=${secret}`);
        return Promise.resolve();
      },
    });
    const view = await engine.begin({ kind: 'start', choices });
    const logTail = view.steps.find(step => step.id === 'secrets')?.logTail ?? [];
    expect(logTail).toHaveLength(50);
    expect(logTail[0]).toBe('line 12');
    expect(logTail.at(-1)).toBe('saved ANTHROPIC_API_KEY=[REDACTED]');
    expect(await readFile(file, 'utf8')).not.toContain(secret);
  });

  it('a start afresh forgets the last run’s steps but keeps the first-run facts', async () => {
    const world = newWorld();
    const engine = engineFor(world);
    const first = await engine.begin({ kind: 'start', choices });
    await engine.dismissOnboarding();
    const second = await engine.begin({ kind: 'start', choices: { ...choices, model: null } });
    expect(second.runId).not.toBe(first.runId);
    expect(second.choices?.model).toBeNull();
    expect(second.onboardingDismissed).toBe(true);
    expect(statuses(second)).toEqual(Object.fromEntries(installStepIds.map(id => [id, 'skipped'])));
    expect(second.steps.every(step => step.attempts === 0)).toBe(true);
  });

  it('sets an unreadable progress file aside and starts from scratch', async () => {
    await engineFor(newWorld()).begin({ kind: 'start', choices });
    await writeFile(file, '{"version": 1, "install": {"status": "exploded"}}');
    const engine = engineFor(newWorld());
    const view = await engine.load();
    expect(view.status).toBe('never');
    const names = await readdir(join(dir, 'state'));
    expect(names.some(name => name.startsWith('install.json.unreadable-'))).toBe(true);
  });
});
