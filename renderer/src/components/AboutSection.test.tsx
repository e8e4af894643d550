import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { AppState } from '../../../common/state';
import { fakeBridge, sampleAppState, sampleInfo } from '../test-support/fake-bridge';
import { renderWithBridge } from '../test-support/render';
import { AboutSection } from './AboutSection';

/** The definition next to a term of the versions list. */
function versionOf(term: string): string | null {
  const about = within(screen.getByRole('region', { name: 'About' }));
  const dt = about.getByText(term, { selector: 'dt' });
  return dt.nextElementSibling?.textContent ?? null;
}

async function renderAbout(state: AppState, info = sampleInfo, language: 'en' | 'fr' = 'en') {
  renderWithBridge(
    <AboutSection info={info} />,
    fakeBridge({ 'app:get-state': () => ({ ok: true, value: state }) }),
    {
      language,
    },
  );
  await screen.findByRole('region', { name: language === 'en' ? 'About' : 'À propos' });
}

describe('AboutSection', () => {
  it('names every version a bug report needs: the pinned sandbox and what was found on this Mac', async () => {
    const state = sampleAppState();
    state.vm.limactl = { path: '/opt/homebrew/bin/limactl', version: '2.0.3', source: 'path' };
    await renderAbout(state);
    expect(await screen.findByText('2.0.3 (from PATH)')).toBeTruthy();
    expect(versionOf('App runtime')).toBe('Node.js 20.19.0');
    expect(versionOf('k3s')).toBe(sampleInfo.pinned.k3s);
    expect(versionOf('OpenClaw image')).toBe(sampleInfo.pinned.images.openclaw);
    expect(versionOf('Egress proxy image')).toBe(sampleInfo.pinned.images.squid);
    expect(versionOf('Config seeding image')).toBe(sampleInfo.pinned.images.busybox);
    expect(versionOf('Ollama')).toBe('0.12.6');
    expect(versionOf('LM Studio')).toBe('Not detected');
    expect(screen.getByText(sampleInfo.paths.home)).toBeTruthy();
  });

  it('shows the Electron runtime in the app, and says when the VM runs another k3s than the pinned one', async () => {
    const state = sampleAppState();
    state.components.k3s = { state: 'running', version: 'v1.34.2+k3s1' };
    const info = {
      ...sampleInfo,
      versions: { node: '22.20.0', electron: '39.2.0', chrome: '142.0.7444.59' },
    };
    await renderAbout(state, info);
    expect(await screen.findByText(`${sampleInfo.pinned.k3s} (the VM runs v1.34.2+k3s1)`)).toBeTruthy();
    expect(versionOf('App runtime')).toBe('Electron 39.2.0 · Chromium 142.0.7444.59 · Node.js 22.20.0');
    expect(versionOf('limactl')).toBe('Not found');
  });

  it('falls back to the installed Ollama binary when no server answers, in French too', async () => {
    const state = sampleAppState();
    state.components.ollama = { state: 'stopped' };
    state.llm.ollama.binary = { path: '/opt/homebrew/bin/ollama', source: 'homebrew', version: '0.12.5' };
    state.vm.limactl = {
      path: '/Applications/Clawbar.app/Contents/Resources/lima/bin/limactl',
      version: '2.0.3',
      source: 'bundled',
    };
    await renderAbout(state, sampleInfo, 'fr');
    const about = within(screen.getByRole('region', { name: 'À propos' }));
    expect(await about.findByText('2.0.3 (fourni)')).toBeTruthy();
    expect(about.getByText('Ollama', { selector: 'dt' }).nextElementSibling?.textContent).toBe('0.12.5');
    expect(about.getByText('LM Studio', { selector: 'dt' }).nextElementSibling?.textContent).toBe(
      'Non détecté',
    );
  });
});
