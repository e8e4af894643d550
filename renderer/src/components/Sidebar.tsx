import { useTranslation } from 'react-i18next';

import { overallHealth } from '../../../common/state';
import { useClawbar } from '../context';
import { pages } from '../store';
import { HealthDot } from './StatusDot';

export function Sidebar() {
  const { t } = useTranslation();
  const page = useClawbar(state => state.page);
  const navigate = useClawbar(state => state.navigate);
  const appState = useClawbar(state => state.appState);
  const health = appState ? overallHealth(appState) : undefined;

  return (
    <aside className="sidebar">
      <div className="sidebar-header">
        <span className="app-name">{t('app.name')}</span>
        {appState?.app.mode === 'demo' && (
          <span className="badge" title={t('app.demoHint')}>
            {t('app.demoBadge')}
          </span>
        )}
      </div>
      <nav aria-label={t('nav.label')}>
        <ul className="nav-list">
          {pages.map(name => (
            <li key={name}>
              <button
                type="button"
                className="nav-item"
                aria-current={page === name ? 'page' : undefined}
                onClick={() => navigate(name)}
              >
                <span className={`nav-icon nav-icon-${name}`} aria-hidden="true" />
                {t(`nav.${name}`)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {health && (
        <div className="sidebar-footer" role="status">
          <HealthDot health={health} />
          <span>{t(`health.${health}`)}</span>
        </div>
      )}
    </aside>
  );
}
