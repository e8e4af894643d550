import { useCallback, useEffect, useMemo, useState } from 'react';

import { mergeAllowlist } from '../../../../common/allowlist';
import type { IpcError } from '../../../../common/errors';
import type { Result } from '../../../../common/result';
import type { AllowlistView } from '../../../../common/sandbox';
import { useApi, useClawbar } from '../../context';
import {
  addDomain,
  draftOf,
  refusedEntries,
  sameDraft,
  type AllowlistDraft,
  type RefusedEntry,
} from './allowlist-draft';

export interface AllowlistEditorState {
  /** What is saved (settings), with its effective list; null until the first answer. */
  saved: AllowlistView | null;
  /** What the user edits: the saved list until they change something. */
  draft: AllowlistDraft | null;
  /** The effective list of the draft: what Apply would give the proxy. */
  draftEffective: string[];
  dirty: boolean;
  /** The allowlist in the proxy's ConfigMap, live from AppState; null when unknown. */
  applied: string[] | null;
  applying: boolean;
  error: IpcError | null;
  /** Why the last Apply failed, and the entries the server refused, by position in what was sent. */
  refused: RefusedEntry[];
  edit: (change: (draft: AllowlistDraft) => AllowlistDraft) => void;
  discard: () => void;
  apply: () => Promise<boolean>;
  /** Adds one domain to the saved list and applies it (kept in unsaved edits too); the error, if any. */
  allow: (entry: string) => Promise<IpcError | null>;
}

/**
 * The allowlist as saved (`proxy:get-allowlist`, asked again whenever the saved settings change,
 * from this window or another), the user's edits on top of it, and Apply (`proxy:set-allowlist`),
 * which saves, updates the proxy's ConfigMap and waits for the proxy to roll.
 */
export function useAllowlist(enabled: boolean): AllowlistEditorState {
  const api = useApi();
  const settingsList = useClawbar(state => state.settings?.settings.sandbox.allowlist ?? null);
  const applied = useClawbar(state => state.appState?.cluster.allowlist ?? null);
  const [saved, setSaved] = useState<AllowlistView | null>(null);
  const [edited, setEdited] = useState<AllowlistDraft | null>(null);
  const [applying, setApplying] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [refused, setRefused] = useState<RefusedEntry[]>([]);
  const settingsKey = settingsList ? JSON.stringify(settingsList) : '';

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    void api.proxy.getAllowlist().then(result => {
      if (!current) return;
      if (result.ok) setSaved(result.value);
      else setError(result.error);
    });
    return () => {
      current = false;
    };
  }, [api, enabled, settingsKey]);

  const base = useMemo(() => (saved ? draftOf(saved) : null), [saved]);
  const draft = edited ?? base;
  const dirty = edited !== null && base !== null && !sameDraft(edited, base);
  const draftEffective = useMemo(
    () => (draft ? mergeAllowlist(draft.presets, draft.domains).entries : []),
    [draft],
  );

  const send = useCallback(
    async (next: AllowlistDraft): Promise<Result<AllowlistView>> => {
      setApplying(true);
      const result = await api.proxy.setAllowlist({ presets: next.presets, domains: next.domains });
      setApplying(false);
      if (result.ok) setSaved(result.value);
      return result;
    },
    [api],
  );

  const apply = useCallback(async (): Promise<boolean> => {
    if (!draft) return false;
    setError(null);
    setRefused([]);
    const result = await send(draft);
    if (result.ok) {
      setEdited(null);
      return true;
    }
    setError(result.error);
    setRefused(refusedEntries(result.error, draft.domains));
    return false;
  }, [draft, send]);

  const allow = useCallback(
    async (entry: string): Promise<IpcError | null> => {
      if (!base) return null;
      const result = await send(addDomain(base, entry));
      if (!result.ok) return result.error;
      setEdited(current => (current ? addDomain(current, entry) : null));
      return null;
    },
    [base, send],
  );

  return {
    saved,
    draft,
    draftEffective,
    dirty,
    applied: applied ?? saved?.applied ?? null,
    applying,
    error,
    refused,
    edit: change => {
      if (!draft) return;
      setRefused([]);
      setEdited(change(draft));
    },
    discard: () => {
      setEdited(null);
      setRefused([]);
      setError(null);
    },
    apply,
    allow,
  };
}
