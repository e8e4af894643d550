import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { SelfTestReport } from '../../../../common/selftest';
import { NetworkPage } from '../../pages/NetworkPage';
import { renderWithBridge } from '../../test-support/render';
import { networkWorld, selfTestReport } from './test-network';

function panel(): HTMLElement {
  return screen.getByRole('region', { name: 'Sandbox self-test' });
}

function probe(name: string): HTMLElement {
  return within(panel()).getByRole('listitem', { name });
}

describe('the self-test panel', () => {
  it('shows each probe’s expected and actual outcome, its verdict, and its evidence on demand', async () => {
    const world = networkWorld();
    world.state = { ...world.state, selfTest: { status: 'passed', report: selfTestReport(), error: null } };
    renderWithBridge(<NetworkPage />, world.bridge);
    await screen.findByRole('region', { name: 'Sandbox self-test' });
    expect(within(panel()).getByText('Every limit holds.')).toBeTruthy();
    expect(within(panel()).getByText('Last run 3 minutes ago')).toBeTruthy();

    const direct = probe('Direct internet from the sandbox');
    expect(within(direct).getByText('Passed')).toBeTruthy();
    expect(direct.querySelector('.probe-outcome')?.textContent).toBe('ExpectedBlockedGotBlocked');
    const evidence = within(direct).getByText('Evidence').closest('details');
    expect(evidence?.open).toBe(false);
    expect(evidence?.textContent).toContain('nc -z -w 3 1.1.1.1 443');
    expect(evidence?.textContent).toContain('Exit code1');
    expect(evidence?.textContent).toContain('Connection timed out');

    const allowed = probe('A domain on your allowlist, through the proxy');
    expect(within(allowed).getByText('Not testable (offline)')).toBeTruthy();
    expect(within(allowed).getByText(/this Mac seems offline/)).toBeTruthy();
    expect(within(allowed).getByText('Passed')).toBeTruthy();

    const health = probe('The gateway, through 127.0.0.1');
    expect(health.textContent).toContain('none (checked from this Mac)');
    expect(health.textContent).toContain('HTTP 200 {"ok":true}');
  });

  it('marks a failed probe and the failed run', async () => {
    const report: SelfTestReport = selfTestReport({ passed: false });
    report.probes = report.probes.map(item =>
      item.id === 'direct-internet'
        ? {
            ...item,
            actual: 'allowed',
            passed: false,
            evidence: { ...item.evidence, exitCode: 0, output: '' },
          }
        : item,
    );
    const world = networkWorld();
    world.state = { ...world.state, selfTest: { status: 'failed', report, error: null } };
    renderWithBridge(<NetworkPage />, world.bridge);
    await screen.findByRole('region', { name: 'Sandbox self-test' });
    expect(within(panel()).getByText('A limit does not hold.')).toBeTruthy();
    const direct = probe('Direct internet from the sandbox');
    expect(direct.dataset.passed).toBe('false');
    expect(within(direct).getByText('Failed')).toBeTruthy();
    expect(within(direct).getByText('Allowed')).toBeTruthy();
  });

  it('runs the self-test, shows it running from AppState (so a reload keeps it), then the report', async () => {
    let finish: (report: SelfTestReport) => void = () => undefined;
    const world = networkWorld({
      handlers: {
        'selftest:run': () =>
          new Promise(resolve => {
            finish = report => resolve({ ok: true, value: report });
          }),
      },
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    await screen.findByRole('region', { name: 'Sandbox self-test' });
    expect(
      within(panel()).getByText('No self-test has run yet. Run one to prove the sandbox holds.'),
    ).toBeTruthy();
    fireEvent.click(within(panel()).getByRole('button', { name: 'Run self-test' }));
    expect(world.bridge.calls.filter(call => call.channel === 'selftest:run')).toHaveLength(1);
    act(() => world.push(state => ({ ...state, selfTest: { ...state.selfTest, status: 'running' } })));
    expect(within(panel()).getByRole('button', { name: 'Running…' })).toHaveProperty('disabled', true);
    expect(panel().getAttribute('aria-busy')).toBe('true');
    expect(within(panel()).getByRole('status').textContent).toContain('Running the self-test');

    const report = selfTestReport({ finishedAt: new Date().toISOString() });
    await act(async () => {
      world.push(state => ({ ...state, selfTest: { status: 'passed', report, error: null } }));
      finish(report);
      await Promise.resolve();
    });
    expect(within(panel()).getByText('Every limit holds.')).toBeTruthy();
    expect(within(panel()).getByText('Last run now')).toBeTruthy();
    expect(within(panel()).getAllByRole('listitem')).toHaveLength(6);
  });

  it('says why a run could not finish', async () => {
    const world = networkWorld({
      handlers: {
        'selftest:run': () => ({
          ok: false,
          error: { code: 'selftest-failed', message: 'The self-test probe cannot start: ErrImagePull.' },
        }),
      },
    });
    renderWithBridge(<NetworkPage />, world.bridge);
    await screen.findByRole('region', { name: 'Sandbox self-test' });
    fireEvent.click(within(panel()).getByRole('button', { name: 'Run self-test' }));
    const alert = await within(panel()).findByRole('alert');
    expect(alert.textContent).toBe(
      'The sandbox self-test could not run. The self-test probe cannot start: ErrImagePull.',
    );
  });
});
