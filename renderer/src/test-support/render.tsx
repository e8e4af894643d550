import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { I18nextProvider } from 'react-i18next';

import type { Language } from '../../../common/i18n';
import { ClawbarProvider } from '../context';
import { createI18n } from '../i18n';
import { startIpcSync } from '../ipc-sync';
import { createClawbarStore, type Page } from '../store';
import type { FakeBridge } from './fake-bridge';

/** Renders a piece of the UI the way main.tsx does, against a fake bridge. */
export function renderWithBridge(
  element: ReactElement,
  bridge: FakeBridge,
  options: { language?: Language; page?: Page } = {},
) {
  const store = createClawbarStore(options.page);
  const stopSync = startIpcSync(bridge, store);
  const i18n = createI18n(options.language ?? 'en');
  const result = render(
    <I18nextProvider i18n={i18n}>
      <ClawbarProvider bridge={bridge} store={store}>
        {element}
      </ClawbarProvider>
    </I18nextProvider>,
  );
  return { ...result, store, i18n, stopSync };
}
