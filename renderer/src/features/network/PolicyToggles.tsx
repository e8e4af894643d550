import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { IpcError } from '../../../../common/errors';
import type { ClusterOperation, PolicyToggle, PolicyToggleId } from '../../../../common/sandbox';
import type { SelfTestProbeId } from '../../../../common/selftest';
import type { AppState } from '../../../../common/state';
import { useApi, useClawbar } from '../../context';
import { useNow } from '../../use-now';
import { ConfirmDialog } from './ConfirmDialog';
import { formatPast } from '../../format';
import { OperationStatus } from './OperationStatus';
import { Switch } from './Switch';

/** The probes whose getting through contradicts each toggle (as services/install decides). */
const contradictingProbes: Record<PolicyToggleId, readonly SelfTestProbeId[]> = {
  internet: ['direct-internet', 'host-other-ports', 'proxy-allowed'],
  'local-models': ['local-models'],
};

const labelKeys: Record<PolicyToggleId, 'internet' | 'localModels'> = {
  internet: 'internet',
  'local-models': 'localModels',
};

const alwaysOn = ['defaultDeny', 'dns', 'noIngress', 'podSecurity'] as const;

interface Pending {
  id: PolicyToggleId;
  enabled: boolean;
}

/**
 * The user's two network switches, each with what it allows and what stays blocked in plain
 * words, what the cluster really has (on, off, drifted with what drifted and a Repair, unknown),
 * and what the last self-test proved (NOT ENFORCED, loudly). Every change is confirmed first.
 */
export function PolicyToggles({
  state,
  operation,
  effective,
}: {
  state: AppState;
  operation: ClusterOperation | null;
  /** The allowlist the proxy would let through: what turning the internet on opens. */
  effective: readonly string[];
}) {
  const { t } = useTranslation();
  const api = useApi();
  const [pending, setPending] = useState<Pending | null>(null);
  const [calling, setCalling] = useState(false);
  const [callError, setCallError] = useState<IpcError | null>(null);
  const servers = useLocalServers();
  const busy = calling || operation?.status === 'running';

  const call = async (request: () => ReturnType<typeof api.policies.repair>): Promise<void> => {
    setCalling(true);
    setCallError(null);
    const result = await request();
    setCalling(false);
    if (!result.ok) setCallError(result.error);
  };
  const confirm = (): void => {
    if (!pending) return;
    const { id, enabled } = pending;
    setPending(null);
    void call(() => api.policies.set({ id, enabled }));
  };

  return (
    <section className="card network-section" aria-labelledby="policies-title">
      <h2 id="policies-title">{t('networkView.policies.title')}</h2>
      <p className="muted">{t('networkView.policies.lead')}</p>
      <ul className="policy-list">
        {state.cluster.policies.map(toggle => (
          <PolicyRow
            key={toggle.id}
            toggle={toggle}
            state={state}
            servers={servers}
            disabled={busy}
            onChange={enabled => setPending({ id: toggle.id, enabled })}
            onRepair={() => void call(() => api.policies.repair())}
          />
        ))}
      </ul>
      <OperationStatus operation={operation} kinds={['policies', 'repair']} callError={callError} />
      <div className="always-on">
        <h3>{t('networkView.policies.alwaysOn.title')}</h3>
        <ul>
          {alwaysOn.map(item => (
            <li key={item}>{t(`networkView.policies.alwaysOn.${item}`)}</li>
          ))}
        </ul>
      </div>
      {pending && (
        <ConfirmToggle
          pending={pending}
          servers={servers}
          effective={effective}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        />
      )}
    </section>
  );
}

/** "Ollama (port 11434) and LM Studio (port 1234)": the servers the local-models toggle opens. */
function useLocalServers(): string {
  const { t, i18n } = useTranslation();
  const settings = useClawbar(state => state.settings?.settings ?? null);
  const servers = [
    t('networkView.policies.server', { name: 'Ollama', port: settings?.ollama.port ?? 11434 }),
  ];
  if (settings?.lmStudio.enabled) {
    servers.push(t('networkView.policies.server', { name: 'LM Studio', port: settings.lmStudio.port }));
  }
  return new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(servers);
}

function PolicyRow({
  toggle,
  state,
  servers,
  disabled,
  onChange,
  onRepair,
}: {
  toggle: PolicyToggle;
  state: AppState;
  servers: string;
  disabled: boolean;
  onChange: (enabled: boolean) => void;
  onRepair: () => void;
}) {
  const { t } = useTranslation();
  const key = labelKeys[toggle.id];
  const titleId = `policy-${toggle.id}-title`;
  const describedId = `policy-${toggle.id}-what`;
  const mismatch = (toggle.server === 'on' && !toggle.desired) || (toggle.server === 'off' && toggle.desired);
  const canRepair = toggle.server === 'drifted' || mismatch;

  return (
    <li
      className={`policy-row${toggle.enforcement === 'not-enforced' ? ' policy-row-not-enforced' : ''}`}
      data-policy={toggle.id}
      data-server={toggle.server}
      data-enforcement={toggle.enforcement}
    >
      <div className="policy-head">
        <h3 id={titleId}>{t(`networkView.policies.${key}.title`)}</h3>
        <Switch
          checked={toggle.desired}
          labelledBy={titleId}
          describedBy={describedId}
          disabled={disabled}
          onChange={onChange}
        />
      </div>
      <div id={describedId} className="policy-what">
        <p>{t(`networkView.policies.${key}.allows`, { servers })}</p>
        <p className="muted">{t(`networkView.policies.${key}.blocked`)}</p>
      </div>
      <p className={`policy-server policy-server-${toggle.server}`}>
        <span className={`dot dot-${serverTone[toggle.server]}`} aria-hidden="true" />
        {t(`networkView.policies.serverStates.${toggle.server}`)}
        {mismatch && (
          <> — {t(toggle.desired ? 'networkView.policies.mismatchOn' : 'networkView.policies.mismatchOff')}</>
        )}
      </p>
      {toggle.drift.length > 0 && (
        <ul className="policy-drift">
          {toggle.drift.map(item => (
            <li key={item.policy}>
              {t(`networkView.policies.drift.${item.problem}`, { policy: item.policy })}
            </li>
          ))}
        </ul>
      )}
      {canRepair && (
        <button type="button" className="button" disabled={disabled} onClick={onRepair}>
          {t('networkView.policies.repair')}
        </button>
      )}
      <Enforcement toggle={toggle} state={state} />
    </li>
  );
}

const serverTone: Record<PolicyToggle['server'], 'good' | 'neutral' | 'warning'> = {
  on: 'good',
  off: 'neutral',
  drifted: 'warning',
  unknown: 'neutral',
};

/** What the last self-test says of the toggle; a contradiction is impossible to miss. */
function Enforcement({ toggle, state }: { toggle: PolicyToggle; state: AppState }) {
  const { t, i18n } = useTranslation();
  const now = useNow(30_000);
  const report = state.selfTest.report;
  const when = report ? formatPast(report.finishedAt, now, i18n.language) : '';
  if (toggle.enforcement === 'not-enforced') {
    const probes = (report?.probes ?? [])
      .filter(probe => contradictingProbes[toggle.id].includes(probe.id) && !probe.passed)
      .map(probe => t(`networkView.selfTest.probes.${probe.id}.title`));
    return (
      <div className="not-enforced">
        <p className="not-enforced-badge">{t('networkView.policies.notEnforced')}</p>
        <p>
          {t('networkView.policies.notEnforcedBody', {
            time: when,
            probes: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(probes),
          })}
        </p>
      </div>
    );
  }
  return (
    <p className="muted policy-enforcement">
      {toggle.enforcement === 'enforced'
        ? t('networkView.policies.enforced', { time: when })
        : t('networkView.policies.enforcementUnknown')}
    </p>
  );
}

function ConfirmToggle({
  pending,
  servers,
  effective,
  onConfirm,
  onCancel,
}: {
  pending: Pending;
  servers: string;
  effective: readonly string[];
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const key = `${labelKeys[pending.id]}.${pending.enabled ? 'on' : 'off'}` as const;
  const shown = effective.slice(0, 12);
  return (
    <ConfirmDialog
      title={t(`networkView.confirm.${key}.title`)}
      confirmLabel={t(pending.enabled ? 'networkView.confirm.turnOn' : 'networkView.confirm.turnOff')}
      risky={pending.enabled}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>{t(`networkView.confirm.${key}.body`, { servers, entries: effective.length })}</p>
      {pending.id === 'internet' && pending.enabled && (
        <>
          {shown.length > 0 ? (
            <ul className="entry-chips" aria-label={t('networkView.allowlist.effectiveTitle')}>
              {shown.map(entry => (
                <li key={entry}>
                  <code>{entry}</code>
                </li>
              ))}
              {effective.length > shown.length && (
                <li className="muted">
                  {t('networkView.confirm.more', { more: effective.length - shown.length })}
                </li>
              )}
            </ul>
          ) : (
            <p className="muted">{t('networkView.confirm.emptyAllowlist')}</p>
          )}
        </>
      )}
      <p className="muted">{t('networkView.confirm.applyNote')}</p>
    </ConfirmDialog>
  );
}
