import {
  mergeAllowlist,
  validateAllowlist,
  validateAllowlistEntry,
  type AllowlistIssueCode,
  type AllowlistParams,
  type AllowlistSource,
} from '../../../../common/allowlist';
import { allowlistPresetIds, type AllowlistPresetId } from '../../../../common/allowlist-presets';
import type { IpcError } from '../../../../common/errors';

/**
 * The allowlist editor's logic, pure: what the user is editing (switched-on presets and their own
 * domains), what a new domain would do to that list as they type it, and what the server said
 * when it refused one. Validation is common/allowlist.ts, the same code the services run.
 */
export interface AllowlistDraft {
  presets: AllowlistPresetId[];
  domains: string[];
}

/** The saved list as the editor holds it: AllowlistView carries preset ids as plain strings. */
export function draftOf(view: { presets: readonly string[]; domains: readonly string[] }): AllowlistDraft {
  return {
    presets: allowlistPresetIds.filter(id => view.presets.includes(id)),
    domains: [...view.domains],
  };
}

export function sameDraft(a: AllowlistDraft, b: AllowlistDraft): boolean {
  const presets = (draft: AllowlistDraft) => [...new Set(draft.presets)].sort().join(' ');
  return presets(a) === presets(b) && a.domains.join(' ') === b.domains.join(' ');
}

/** Presets in their declared order, so the list sent (and saved) does not depend on click order. */
export function togglePreset(draft: AllowlistDraft, id: AllowlistPresetId, on: boolean): AllowlistDraft {
  const chosen = new Set(draft.presets);
  if (on) chosen.add(id);
  else chosen.delete(id);
  return { ...draft, presets: allowlistPresetIds.filter(preset => chosen.has(preset)) };
}

/** A sentence to show: a key in `allowlist.problems` (or `allowlist.notes`) with its values. */
export interface EntryMessage {
  code: AllowlistIssueCode;
  params: AllowlistParams;
}

/** Something to know about an entry that is fine to add. */
export type EntryNote =
  /** A switched-on preset (or a broader entry of the user's) already allows it. */
  | { kind: 'covered'; by: string; preset: AllowlistPresetId | null }
  /** It allows entries that will leave the list: the user's own (removed on add) or a preset's. */
  | { kind: 'replaces'; entries: string[]; preset: AllowlistPresetId | null };

export type NewDomainCheck =
  | { status: 'empty' }
  | { status: 'invalid'; message: EntryMessage; suggestion: string | null }
  | { status: 'ok'; entry: string; notes: EntryNote[] };

/**
 * What adding `raw` to the draft would do, as the user types: refused (not a host name, an IP
 * or a range, a wildcard, already in the list or inside one of their own `.domain` entries), or
 * accepted with notes (a preset covers it; it covers entries that then leave the list).
 */
export function checkNewDomain(raw: string, draft: AllowlistDraft): NewDomainCheck {
  if (raw.trim() === '') return { status: 'empty' };
  const single = validateAllowlistEntry(raw);
  if (!single.ok) {
    return {
      status: 'invalid',
      message: { code: single.code, params: single.params },
      suggestion: single.params.suggestion ?? null,
    };
  }
  const index = draft.domains.length;
  const own = validateAllowlist([...draft.domains, single.entry]);
  const mine = own.issues.find(issue => issue.index === index);
  if (mine) return { status: 'invalid', message: { code: mine.code, params: mine.params }, suggestion: null };

  const notes: EntryNote[] = [];
  const replacedOwn = own.issues
    .filter(issue => issue.collidesWith?.index === index && issue.code === 'covered-by-suffix')
    .map(issue => issue.entry);
  if (replacedOwn.length > 0) notes.push({ kind: 'replaces', entries: replacedOwn, preset: null });

  const kept = withoutCovered(draft.domains, single.entry);
  const merged = mergeAllowlist(draft.presets, [...kept, single.entry]);
  const isNew = (source: AllowlistSource) => source.kind === 'user' && source.index === kept.length;
  for (const note of merged.notes) {
    if (isNew(note.source))
      notes.push({ kind: 'covered', by: note.coveredBy, preset: presetOf(note.coveredBySource) });
  }
  const replacedByPreset = new Map<AllowlistPresetId, string[]>();
  for (const note of merged.notes) {
    if (!isNew(note.coveredBySource) || note.source.kind !== 'preset') continue;
    replacedByPreset.set(note.source.preset, [
      ...(replacedByPreset.get(note.source.preset) ?? []),
      note.entry,
    ]);
  }
  for (const [preset, entries] of replacedByPreset) notes.push({ kind: 'replaces', entries, preset });
  return { status: 'ok', entry: single.entry, notes };
}

/** Adds a checked entry; the user's entries it covers leave (Squid refuses a list with both). */
export function addDomain(draft: AllowlistDraft, entry: string): AllowlistDraft {
  if (draft.domains.includes(entry)) return draft;
  return { ...draft, domains: [...withoutCovered(draft.domains, entry), entry] };
}

export function removeDomain(draft: AllowlistDraft, index: number): AllowlistDraft {
  return { ...draft, domains: draft.domains.filter((_, position) => position !== index) };
}

/** The domains without those `entry` (a `.domain` suffix) already allows. */
function withoutCovered(domains: readonly string[], entry: string): string[] {
  if (!entry.startsWith('.')) return [...domains];
  const checked = validateAllowlist([...domains, entry]);
  const covered = new Set(
    checked.issues
      .filter(issue => issue.collidesWith?.index === domains.length && issue.code === 'covered-by-suffix')
      .map(issue => issue.index),
  );
  return domains.filter((_, index) => !covered.has(index));
}

function presetOf(source: AllowlistSource): AllowlistPresetId | null {
  return source.kind === 'preset' ? source.preset : null;
}

/** One of the user's domains the server refused, with the sentence to show beside it. */
export interface RefusedEntry {
  index: number;
  entry: string;
  /** The translated sentence's key and values when the code is known here; otherwise the server's text. */
  message: EntryMessage | null;
  serverMessage: string;
}

const domainIssuePath = /^sandbox\.allowlist\.domains\.(\d+)$/;

/**
 * The per-entry issues of a refused `proxy:set-allowlist` (the settings store's validator names
 * each bad domain by its index). The sentence comes from the same validation, run here on what
 * was sent, so it reads in the user's language; the server's own text is kept as the detail.
 */
export function refusedEntries(error: IpcError, sent: readonly string[]): RefusedEntry[] {
  const local = validateAllowlist(sent);
  const refused: RefusedEntry[] = [];
  for (const issue of error.issues ?? []) {
    const match = domainIssuePath.exec(issue.path);
    if (!match) continue;
    const index = Number(match[1]);
    const found = local.issues.find(candidate => candidate.index === index);
    refused.push({
      index,
      entry: sent[index]?.trim() ?? '',
      message: found ? { code: found.code, params: found.params } : null,
      serverMessage: issue.message,
    });
  }
  return refused;
}

/** Whether the proxy runs the saved list: the same entries, or which ones differ. */
export type AppliedStatus =
  { status: 'unknown' } | { status: 'applied' } | { status: 'pending'; missing: string[]; extra: string[] };

export function appliedStatus(
  effective: readonly string[],
  applied: readonly string[] | null,
): AppliedStatus {
  if (applied === null) return { status: 'unknown' };
  const server = new Set(applied);
  const wanted = new Set(effective);
  const missing = effective.filter(entry => !server.has(entry));
  const extra = applied.filter(entry => !wanted.has(entry));
  return missing.length === 0 && extra.length === 0
    ? { status: 'applied' }
    : { status: 'pending', missing, extra };
}
