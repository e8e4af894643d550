import { describe, expect, it } from 'vitest';

import { en, fr, messageKeys } from './i18n';
import {
  initialInstallView,
  installPercent,
  installRunStatuses,
  installStepIds,
  installStepStatuses,
  installStepPercent,
  installSummary,
  recommendedModel,
  type InstallStep,
  type InstallView,
} from './install';
import type { FitReport, Recommendation } from './models';
import { probeOutcomes, selfTestProbeIds } from './selftest';

const GB = 1e9;

function entry(name: string, requiredGB: number, verdict: 'gpu' | 'partial' | 'no'): Recommendation {
  return {
    name,
    sizeBytes: requiredGB * 0.8 * GB,
    note: null,
    noteKey: null,
    source: 'built-in',
    installed: false,
    fit: { verdict, requiredBytes: requiredGB * GB, gpuFraction: verdict === 'gpu' ? 1 : 0.5 },
  };
}

function report(budgetGB: number, recommended: Recommendation[]): Pick<FitReport, 'memory' | 'recommended'> {
  return {
    memory: {
      totalBytes: 64 * GB,
      gpuLimitBytes: 48 * GB,
      gpuLimitSource: 'default-share',
      vmReservedBytes: 8 * GB,
      systemReserveBytes: 4 * GB,
      availableBytes: budgetGB * GB,
      gpuBudgetBytes: budgetGB * GB,
    },
    recommended,
  };
}

describe('recommendedModel', () => {
  const list = [
    entry('big', 18, 'gpu'),
    entry('small', 3, 'gpu'),
    entry('mid', 11, 'gpu'),
    entry('huge', 40, 'no'),
  ];

  it('takes the largest model that fits the GPU with room to spare', () => {
    expect(recommendedModel(report(20, list))?.name).toBe('mid');
    expect(recommendedModel(report(40, list))?.name).toBe('big');
  });

  it('falls back to the largest that fits at all, then to the smallest', () => {
    expect(recommendedModel(report(4, [entry('a', 3.5, 'gpu'), entry('b', 9, 'partial')]))?.name).toBe('a');
    expect(recommendedModel(report(2, [entry('b', 9, 'partial'), entry('c', 5, 'no')]))?.name).toBe('c');
    expect(recommendedModel(report(2, []))).toBeNull();
  });
});

function withSteps(change: (step: InstallStep) => InstallStep): InstallView {
  const view = initialInstallView();
  return { ...view, steps: view.steps.map(change) };
}

describe('install progress', () => {
  it('counts finished steps and the known part of the running one', () => {
    const view = withSteps(step =>
      step.id === 'preflight' || step.id === 'local-models'
        ? { ...step, status: step.id === 'preflight' ? 'done' : 'skipped' }
        : step.id === 'secrets'
          ? { ...step, status: 'running', progress: { step: 'x', done: 1, total: 2, detail: '' } }
          : step,
    );
    expect(installPercent(view)).toBe(25);
    expect(installSummary(view)).toEqual({
      status: 'never',
      step: 'secrets',
      percent: 25,
      completedAt: null,
      onboardingDismissed: false,
    });
  });

  it('has no step percent while the step does not know its size', () => {
    const running: Pick<InstallStep, 'status' | 'progress'> = {
      status: 'running',
      progress: { step: 'x', done: 3, detail: '' },
    };
    expect(installStepPercent(running)).toBeNull();
    expect(installStepPercent({ status: 'pending', progress: null })).toBeNull();
    expect(installStepPercent({ status: 'skipped', progress: null })).toBe(100);
  });

  it('names the failed step in the summary', () => {
    const view = withSteps(step => (step.id === 'vm' ? { ...step, status: 'failed' } : step));
    expect(installSummary({ ...view, status: 'failed' }).step).toBe('vm');
  });
});

describe('install strings', () => {
  it('name every step, status and self-test outcome in English and French', () => {
    const keys = [
      ...installStepIds.flatMap(id => [`install.steps.${id}`, `install.stepDescriptions.${id}`]),
      ...installStepStatuses.map(status => `install.stepStatuses.${status}`),
      ...installRunStatuses.map(status => `install.statuses.${status}`),
      ...selfTestProbeIds.map(id => `onboarding.finish.probes.${id}`),
      ...probeOutcomes.map(outcome => `onboarding.finish.outcomes.${outcome}`),
    ];
    const known = { en: new Set(messageKeys(en)), fr: new Set(messageKeys(fr)) };
    for (const key of keys) {
      expect(known.en.has(key), `en:${key}`).toBe(true);
      expect(known.fr.has(key), `fr:${key}`).toBe(true);
    }
  });
});
