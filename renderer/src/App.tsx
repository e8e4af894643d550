import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { Banners } from './components/Banners';
import { Sidebar } from './components/Sidebar';
import { useClawbar } from './context';
import { DashboardPage } from './pages/DashboardPage';
import { LogsPage } from './pages/LogsPage';
import { ModelsPage } from './pages/ModelsPage';
import { NetworkPage } from './pages/NetworkPage';
import { SettingsPage } from './pages/SettingsPage';
import { pageFromHash, type Page } from './store';
import { usePreferences } from './use-preferences';

const pageComponents: Record<Page, () => React.JSX.Element> = {
  dashboard: DashboardPage,
  network: NetworkPage,
  logs: LogsPage,
  models: ModelsPage,
  settings: SettingsPage,
};

/** The control room: a source-list sidebar and the selected page, like a native Mac app. */
export function App() {
  usePreferences();
  const { t } = useTranslation();
  const page = useClawbar(state => state.page);
  const navigate = useClawbar(state => state.navigate);

  // The address bar (devhost) and history follow the page, so reload and back work.
  useEffect(() => {
    const onHashChange = (): void => navigate(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [navigate]);
  useEffect(() => {
    if (pageFromHash(window.location.hash) !== page) window.location.hash = `/${page}`;
    document.title = `${t(`nav.${page}`)} — ${t('app.name')}`;
  }, [page, t]);

  const PageComponent = pageComponents[page];
  return (
    <div className="app">
      <Sidebar />
      <main className="content" aria-labelledby="page-title">
        <Banners />
        <PageComponent />
      </main>
    </div>
  );
}
