import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../common/contract';
import type { AppState } from '../../../common/state';
import { useClawbar } from '../context';

interface VersionRow {
  label: string;
  value: string;
  /** Image references and paths read best in the monospace face. */
  code?: boolean;
}

/**
 * Settings' About: this app, the tools it found on this Mac, and the exact versions it pins for the
 * sandbox, so a bug report can say precisely what was running.
 */
export function AboutSection({ info }: { info: AppInfo }) {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);
  const rows = versionRows(info, appState, t);

  return (
    <section className="card settings-section" aria-labelledby="about-title">
      <h2 id="about-title">{t('settings.about')}</h2>
      <p>{t('settings.versionLine', { version: info.version, platform: info.platform, arch: info.arch })}</p>
      <h3>{t('settings.versions')}</h3>
      <dl className="facts">
        {rows.map(row => (
          <Fragment key={row.label}>
            <dt>{row.label}</dt>
            <dd>{row.code ? <code>{row.value}</code> : row.value}</dd>
          </Fragment>
        ))}
      </dl>
      <h3>{t('settings.folders')}</h3>
      <dl className="facts">
        <dt>{t('settings.dataFolder')}</dt>
        <dd>
          <code>{info.paths.home}</code>
        </dd>
        <dt>{t('settings.logFolder')}</dt>
        <dd>
          <code>{info.paths.logs}</code>
        </dd>
      </dl>
    </section>
  );
}

function versionRows(
  info: AppInfo,
  appState: AppState | null,
  t: ReturnType<typeof useTranslation>['t'],
): VersionRow[] {
  const notDetected = t('settings.versionNotDetected');
  const { electron, chrome, node } = info.versions;
  const runtime =
    electron !== null && chrome !== null
      ? t('settings.runtimeElectron', { electron, chrome, node })
      : t('settings.runtimeNode', { node });
  const limactl = appState?.vm.limactl;
  const runningK3s = appState?.components.k3s.version;
  const ollama = appState?.components.ollama.version ?? appState?.llm.ollama.binary?.version ?? null;
  const lmStudio = appState?.components.lmstudio.version ?? null;

  return [
    { label: t('settings.versionRuntime'), value: runtime },
    {
      label: 'limactl',
      value: limactl
        ? t('settings.versionWithSource', {
            version: limactl.version,
            source: t(`vm.limactlSources.${limactl.source}`),
          })
        : t('settings.versionNotFound'),
    },
    {
      label: 'k3s',
      value:
        runningK3s && runningK3s !== info.pinned.k3s
          ? t('settings.k3sRunning', { pinned: info.pinned.k3s, running: runningK3s })
          : info.pinned.k3s,
    },
    { label: t('settings.imageOpenclaw'), value: info.pinned.images.openclaw, code: true },
    { label: t('settings.imageSquid'), value: info.pinned.images.squid, code: true },
    { label: t('settings.imageBusybox'), value: info.pinned.images.busybox, code: true },
    { label: 'Ollama', value: ollama ?? notDetected },
    { label: 'LM Studio', value: lmStudio ?? notDetected },
  ];
}
