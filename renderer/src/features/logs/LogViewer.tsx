import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { LogTarget } from '../../../../common/logs';
import type { PodView, SandboxPodRole } from '../../../../common/sandbox';
import { useApi, useClawbar } from '../../context';
import { formatNumber } from '../../format';
import { copyText } from './clipboard';
import { downloadBlob, exportBlob, exportFileName } from './export-file';
import { linesAsText } from './line-text';
import { LogList, type LineSelection } from './LogList';
import { LogNotices } from './LogNotices';
import { LogSession } from './log-session';
import { SearchBar } from './SearchBar';
import { SourceBar } from './SourceBar';
import { StreamStatusBar } from './StreamStatusBar';
import {
  defaultContainer,
  defaultSelection,
  pickerPods,
  replacementFor,
  requestedSelection,
  rolePriority,
} from './targets';
import { useLogPreferences } from './use-log-preferences';
import { useStatusValue, useViewValue } from './use-session';
import { ViewToolbar } from './ViewToolbar';

export interface LogViewerProps {
  /** The sandbox's pods as AppState has them (live). */
  pods: readonly PodView[];
  /** Lines kept; older ones are dropped. */
  cap?: number;
}

/**
 * The log view: pick a pod and container, read its live log (following, or paused on a frozen
 * copy), search it, select and copy lines, export the whole buffer. The stream closes when the view
 * goes away or another log is picked.
 */
export function LogViewer({ pods, cap }: LogViewerProps) {
  const { t, i18n } = useTranslation();
  const api = useApi();
  const connection = useClawbar(state => state.connection);
  const [session] = useState(() => new LogSession({ api, ...(cap ? { cap } : {}) }));
  useEffect(() => session.attach(), [session]);
  useEffect(() => session.setConnection(connection), [session, connection]);
  // Only what this level shows: the list and the status bar follow the stream themselves.
  const epoch = useViewValue(session, view => view.epoch);
  const following = useViewValue(session, view => view.following);
  const search = useViewValue(session, view => view.search);
  const phase = useStatusValue(session, status => status.phase);
  const hasLines = useStatusValue(session, status => status.held > 0);

  const [targets, setTargets] = useState<LogTarget[] | null>(null);
  const [targetsFailed, setTargetsFailed] = useState(false);
  const podNames = pods.map(pod => pod.name).join('\n');
  useEffect(() => {
    let current = true;
    void api.logs.targets().then(result => {
      if (!current) return;
      setTargetsFailed(!result.ok);
      if (result.ok) setTargets(result.value);
    });
    return () => {
      current = false;
    };
  }, [api, podNames]);
  const picker = useMemo(() => pickerPods(targets, pods), [targets, pods]);

  /** What is shown; `auto` until the user (or another page) picks. */
  const [choice, setChoice] = useState<{
    pod: string;
    container: string;
    role: SandboxPodRole;
    auto: boolean;
  } | null>(null);
  const [previous, setPrevious] = useState(false);
  const [preferences, setPreferences] = useLogPreferences();
  const [held, setHeld] = useState<(LineSelection & { epoch: number }) | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const searchInput = useRef<HTMLInputElement>(null);

  // Another page asked for a pod ("Open logs" on the dashboard): show it, then forget the request.
  const logsTarget = useClawbar(state => state.logsTarget);
  const setLogsTarget = useClawbar(state => state.setLogsTarget);
  const asked = logsTarget ? requestedSelection(logsTarget, picker) : null;
  if (asked && (choice?.pod !== asked.pod || choice.container !== asked.container)) {
    setChoice({ ...asked, auto: false });
    setPrevious(false);
  }
  useEffect(() => {
    if (logsTarget && choice?.pod === logsTarget.pod) setLogsTarget(null);
  }, [logsTarget, choice, setLogsTarget]);
  // The first pick is the gateway, as soon as there is one; then the pick stays, even when its pod goes.
  // A first pick made before the gateway existed (the proxy often starts first) moves to it when it comes.
  const preferred = asked ? null : defaultSelection(picker);
  const fallback =
    preferred && (!choice || (choice.auto && rolePriority(preferred.role) < rolePriority(choice.role)))
      ? { ...preferred, auto: true }
      : null;
  if (fallback) setChoice(fallback);
  const selected = asked ?? fallback ?? choice;
  const selectedPod = picker.find(pod => pod.name === selected?.pod) ?? null;
  const selectedContainer =
    selectedPod?.containers.find(container => container.name === selected?.container) ?? null;
  const containerState = selectedContainer?.view?.state ?? 'unknown';
  const podGone = selected !== null && selectedPod === null;
  // Lines selected in another stream's buffer mean nothing in this one.
  const selection = held?.epoch === epoch ? held : null;
  const changeSelection = useCallback(
    (change: (current: LineSelection | null) => LineSelection | null) => {
      setHeld(current => {
        const next = change(current?.epoch === epoch ? current : null);
        return next ? { ...next, epoch } : null;
      });
    },
    [epoch],
  );

  const podName = selected?.pod ?? null;
  const containerName = selected?.container ?? null;
  const tailLines = preferences.tailLines;
  useEffect(() => {
    if (!podName || !containerName) return;
    void session.open({ pod: podName, container: containerName, previous, tailLines });
    return () => session.close();
  }, [session, podName, containerName, previous, tailLines]);

  // A container that was waiting (or whose stream failed) started: read it now.
  const lastState = useRef(containerState);
  useEffect(() => {
    const before = lastState.current;
    lastState.current = containerState;
    if (before !== 'running' && containerState === 'running' && (phase === 'failed' || phase === 'ended')) {
      void session.retry();
    }
  }, [containerState, phase, session]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if ((event.metaKey || event.ctrlKey) && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        searchInput.current?.focus();
        searchInput.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 4000);
    return () => clearTimeout(timer);
  }, [notice]);

  const number = (value: number): string => formatNumber(value, i18n.language);
  const selectedCount = selection ? Math.abs(selection.focus - selection.anchor) + 1 : 0;

  const copySelection = useCallback(() => {
    if (!selection) return;
    const from = Math.min(selection.anchor, selection.focus);
    const to = Math.max(selection.anchor, selection.focus);
    const text = linesAsText(session.getView().source, from, to + 1, preferences.showTime)
      .join('')
      .replace(/\n$/, '');
    const count = formatNumber(to - from + 1, i18n.language);
    void copyText(text).then(copied =>
      setNotice(copied ? t('logsView.copied', { count }) : t('logsView.copyFailed')),
    );
  }, [session, selection, preferences.showTime, t, i18n.language]);

  const exportAll = (): void => {
    if (!selected) return;
    const lines = session.allLines();
    const file = exportFileName(selected.pod, selected.container, new Date());
    downloadBlob(exportBlob(lines, preferences.showTime), file);
    setNotice(t('logsView.exported', { count: number(lines.endOrdinal - lines.firstOrdinal), file }));
  };

  const pick = (pod: string, container: string | null): void => {
    const next = picker.find(candidate => candidate.name === pod);
    const name = container ?? (next ? defaultContainer(next) : null);
    if (!next || !name) return;
    setPrevious(false);
    setChoice({ pod, container: name, role: next.role, auto: false });
  };

  if (!selected) return null;
  const replacement = podGone ? replacementFor({ pod: selected.pod, role: selected.role }, picker) : null;

  return (
    <div className="logs-viewer">
      <SourceBar
        pods={picker}
        pod={selected.pod}
        container={selected.container}
        onPick={pick}
        previous={previous}
        onPreviousChange={setPrevious}
        tailLines={tailLines}
        onTailChange={tail => setPreferences({ tailLines: tail })}
      />
      <div className="logs-controls">
        <SearchBar
          ref={searchInput}
          search={search}
          onChange={(query, options) => session.setSearch(query, options)}
          onNext={() => session.nextMatch()}
          onPrevious={() => session.previousMatch()}
        />
        <ViewToolbar
          following={following}
          onFollowChange={follow => (follow ? session.follow() : session.pause())}
          wrap={preferences.wrap}
          onWrapChange={wrap => setPreferences({ wrap })}
          showTime={preferences.showTime}
          onShowTimeChange={showTime => setPreferences({ showTime })}
          selectedCount={selectedCount}
          onCopy={copySelection}
          hasLines={hasLines}
          onExport={exportAll}
          onClear={() => {
            setHeld(null);
            session.clear();
          }}
        />
      </div>
      {targetsFailed && (
        <p className="field-error" role="alert">
          {t('logsView.targetsFailed')}
        </p>
      )}
      <LogNotices
        session={session}
        podGone={podGone}
        replacement={replacement}
        container={selectedContainer}
        onShowPod={pod => pick(pod, null)}
        onShowPrevious={() => setPrevious(true)}
        onRetry={() => void session.retry()}
      />
      <div className="logs-body">
        <LogList
          session={session}
          wrap={preferences.wrap}
          showTime={preferences.showTime}
          selection={selection}
          onSelectionChange={changeSelection}
          onCopy={copySelection}
          label={t('logsView.logLabel', { pod: selected.pod, container: selected.container })}
          empty={<EmptyLog phase={phase} container={selected.container} />}
        />
        {!following && <NewLines session={session} />}
      </div>
      <StreamStatusBar session={session} selectedCount={selectedCount} />
      <p className="visually-hidden" role="status">
        {notice ?? ''}
      </p>
      {notice && (
        <p className="logs-toast" aria-hidden="true">
          {notice}
        </p>
      )}
    </div>
  );
}

/** "N new lines" while paused: back to the newest, following. */
function NewLines({ session }: { session: LogSession }) {
  const { t, i18n } = useTranslation();
  const count = useStatusValue(session, status => status.newLines);
  if (count === 0) return null;
  return (
    <button type="button" className="logs-new-lines" onClick={() => session.follow()}>
      <span aria-hidden="true">↓ </span>
      {t('logsView.newLines', { count: formatNumber(count, i18n.language) })}
    </button>
  );
}

function EmptyLog({ phase, container }: { phase: string; container: string }) {
  const { t } = useTranslation();
  if (phase === 'opening' || phase === 'idle') return <p>{t('logsView.empty.opening')}</p>;
  if (phase === 'ended') return <p>{t('logsView.empty.ended')}</p>;
  if (phase === 'failed') return <p>{t('logsView.empty.failed')}</p>;
  return <p>{t('logsView.empty.waitingLines', { container })}</p>;
}
