import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';

import { App } from './App';
import { connectBridge } from './bridge';
import { ClawbarProvider } from './context';
import { createI18n, uiLanguage } from './i18n';
import { startIpcSync } from './ipc-sync';
import { createClawbarStore, pageFromHash } from './store';
import './styles.css';

const bridge = connectBridge();
const store = createClawbarStore(pageFromHash(window.location.hash));
const i18n = createI18n(uiLanguage('system'));
startIpcSync(bridge, store);

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <I18nextProvider i18n={i18n}>
        <ClawbarProvider bridge={bridge} store={store}>
          <App />
        </ClawbarProvider>
      </I18nextProvider>
    </StrictMode>,
  );
}
