import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

import { Banners } from './components/Banners';
import { Sidebar } from './components/Sidebar';
import { useClawbar } from './context';
import { Onboarding } from './features/onboarding/Onboarding';
import { SetupBanner } from './features/onboarding/SetupBanner';
import { useOnboardingRoute } from './features/onboarding/use-onboarding-route';
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
  // A first run (no install ever completed) starts with the onboarding; the user may leave it.
  const onboarding = useOnboardingRoute();

  // The address bar (devhost) and history follow the page, so reload and back work.
  useEffect(() => {
    const onHashChange = (): void => navigate(pageFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [navigate]);
  useEffect(() => {
    if (onboarding.show) return;
    if (pageFromHash(window.location.hash) !== page) window.location.hash = `/${page}`;
    document.title = `${t(`nav.${page}`)} — ${t('app.name')}`;
  }, [page, t, onboarding.show]);

  if (onboarding.show) return <Onboarding onLeave={onboarding.leave} />;
  const PageComponent = pageComponents[page];
  return (
    <div className="app">
      <Sidebar />
      <main className="content" aria-labelledby="page-title">
        <SetupBanner onOpen={onboarding.open} />
        <Banners />
        <PageComponent />
      </main>
    </div>
  );
}
