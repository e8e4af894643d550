import { useTranslation } from 'react-i18next';

import type { AppState } from '../../../common/state';
import { Loading, PageHeader } from '../components/PageHeader';
import { useClawbar } from '../context';
import { AllowlistEditor } from '../features/network/AllowlistEditor';
import { BlockedRequests } from '../features/network/BlockedRequests';
import '../features/network/network.css';
import { NetworkEmptyState } from '../features/network/NetworkEmptyState';
import { NotEnforcedBanner } from '../features/network/NotEnforcedBanner';
import { PolicyToggles } from '../features/network/PolicyToggles';
import { SelfTestPanel } from '../features/network/SelfTestPanel';
import { useAllowlist } from '../features/network/use-allowlist';
import { useBlockedRequests } from '../features/network/use-blocked-requests';
import { useClusterOperation } from '../features/network/use-cluster-operation';

/**
 * What OpenClaw may reach and the proof that it holds: the policy switches, the self-test, the
 * proxy's allowlist and what the proxy refused. Until the sandbox answers, why not and where to go.
 */
export function NetworkPage() {
  const { t } = useTranslation();
  const appState = useClawbar(state => state.appState);
  const ready = appState !== null && appState.cluster.connected && appState.cluster.installed;
  const operation = useClusterOperation();
  const editor = useAllowlist(ready);
  const blocked = useBlockedRequests(ready);

  let body: React.JSX.Element;
  if (!appState) body = <Loading />;
  else if (!ready) body = <NetworkEmptyState kind={emptyKind(appState)} />;
  else {
    const internetOn = appState.cluster.policies.find(toggle => toggle.id === 'internet')?.desired ?? false;
    const effective = editor.saved?.effective ?? [];
    body = (
      <div className="network-sections">
        <NotEnforcedBanner policies={appState.cluster.policies} />
        <PolicyToggles state={appState} operation={operation} effective={effective} />
        <SelfTestPanel selfTest={appState.selfTest} canRun={operation?.status !== 'running'} />
        <AllowlistEditor editor={editor} operation={operation} internetOn={internetOn} />
        <BlockedRequests
          list={blocked.list}
          error={blocked.error}
          effective={effective}
          busy={editor.applying || operation?.status === 'running'}
          internetOn={internetOn}
          onAllow={editor.allow}
        />
      </div>
    );
  }

  return (
    <div className="network-page">
      <PageHeader title={t('networkView.title')} subtitle={t('networkView.subtitle')} />
      {body}
    </div>
  );
}

/** Never installed (the VM is part of the install) → the setup; installed but not answering → the VM. */
function emptyKind(state: AppState): 'not-connected' | 'not-installed' {
  if (state.cluster.connected) return 'not-installed';
  return state.install.completedAt === null ? 'not-installed' : 'not-connected';
}
