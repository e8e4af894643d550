import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { DiagnosticsResult } from '../../../common/support';
import { fakeBridge, sampleAppState } from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { DiagnosticsSection } from './DiagnosticsSection';

describe('DiagnosticsSection', () => {
  it('writes the bundle, shows its steps as they come, then where it went and what is missing', async () => {
    let finish: (result: DiagnosticsResult) => void = () => undefined;
    const fake = fakeBridge({
      'app:get-state': () => ({ ok: true, value: sampleAppState() }),
      'support:diagnose': () =>
        new Promise(resolve => {
          finish = value => resolve({ ok: true, value });
        }),
    });
    renderWithBridge(<DiagnosticsSection />, fake);
    fireEvent.click(screen.getByRole('button', { name: 'Create diagnostics bundle' }));
    expect(await screen.findByRole('button', { name: 'Creating the bundle…' })).toHaveProperty(
      'disabled',
      true,
    );
    fake.emit('support:diagnose-progress', { step: 'k3s', done: 4, total: 10, detail: 'journalctl' });
    expect(await screen.findByText('k3s journal')).toBeTruthy();
    finish({
      path: '/Users/me/Downloads/clawbar-diagnostics-2026-08-21-143005.zip',
      bytes: 48_213,
      missing: [{ part: 'k3s/journal.log', reason: 'The VM is not running (Stopped).' }],
    });
    expect(
      await screen.findByText(
        'Written: /Users/me/Downloads/clawbar-diagnostics-2026-08-21-143005.zip (48.2 kB)',
      ),
    ).toBeTruthy();
    expect(screen.getByText('k3s/journal.log')).toBeTruthy();
    expect(screen.getByText('The VM is not running (Stopped).')).toBeTruthy();
    expect(fake.calls.filter(call => call.channel === 'support:diagnose').map(call => call.input)).toEqual([
      {},
    ]);
  });

  it('can be cancelled, and says a refused bundle was not written', async () => {
    let answer: (code: 'cancelled' | 'diagnostics-secret-found') => void = () => undefined;
    const fake = fakeBridge({
      'support:diagnose': () =>
        new Promise(resolve => {
          answer = code => resolve({ ok: false, error: { code, message: 'detail' } });
        }),
      'support:cancel-diagnose': () => {
        answer('cancelled');
        return { ok: true, value: { cancelled: true } };
      },
    });
    renderWithBridge(<DiagnosticsSection />, fake);
    fireEvent.click(screen.getByRole('button', { name: 'Create diagnostics bundle' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('Cancelled: no bundle was written.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Create diagnostics bundle' }));
    await screen.findByRole('button', { name: 'Cancel' });
    answer('diagnostics-secret-found');
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The bundle was not written: a secret would have been in it. detail',
    );
  });
});
