import { allowlistPresets, type AllowlistPresetId } from './allowlist-presets';
import type { AllowlistView } from './sandbox';

/**
 * The egress proxy's allowlist (SANDBOX.md "Proxy allowlist"): what an entry may be, what Squid
 * would misread, and the effective list from presets plus the user's own domains. An entry is a
 * hostname (`api.github.com`: that host only) or a `.domain` suffix (`.slack.com`: the domain and
 * every subdomain), exactly Squid's `dstdomain` semantics. Pure: the renderer validates as you type.
 */

/** Why one entry is refused. Every code has a sentence in `allowlist.problems.<code>`. */
export const allowlistProblemCodes = [
  'empty',
  'has-scheme',
  'wildcard',
  'cidr',
  'ip-address',
  'has-path',
  'has-port',
  'non-ascii',
  // The "not a hostname" family.
  'hostname-bad-character',
  'hostname-empty-label',
  'hostname-label-too-long',
  'hostname-too-long',
  'hostname-hyphen',
  'hostname-numeric-tld',
  // Valid for Squid, but almost surely a mistake.
  'single-label',
  'suffix-too-broad',
] as const;
export type AllowlistProblemCode = (typeof allowlistProblemCodes)[number];

/**
 * Why an otherwise valid entry cannot sit in the same list as another: Squid refuses (or, in some
 * orders, only warns about) `.a.com` beside `a.com` or `b.a.com`; the same entry twice is noise.
 */
export const allowlistCollisionCodes = ['duplicate', 'covered-by-suffix'] as const;
export type AllowlistCollisionCode = (typeof allowlistCollisionCodes)[number];

export type AllowlistIssueCode = AllowlistProblemCode | AllowlistCollisionCode;

/** Values for the sentence's `{{placeholders}}`; `entry` is always the entry as typed (trimmed). */
export type AllowlistParams = Record<string, string>;

export type AllowlistEntryResult =
  { ok: true; entry: string } | { ok: false; code: AllowlistProblemCode; params: AllowlistParams };

export interface AllowlistIssue {
  /** Position of the entry in the list that was checked. */
  index: number;
  entry: string;
  code: AllowlistIssueCode;
  params: AllowlistParams;
  /** For collisions: the entry that stays (it already allows this one). */
  collidesWith?: { index: number; entry: string };
}

export interface AllowlistValidation {
  ok: boolean;
  /** The valid, normalised entries that collide with nothing before them, in input order. */
  entries: string[];
  issues: AllowlistIssue[];
}

export const maxHostnameLength = 253;
export const maxLabelLength = 63;

const schemePrefix = /^[a-z][a-z0-9+.-]*:\/\//i;
const labelBadCharacter = /[^a-z0-9_-]/;

/**
 * Checks and normalises one entry: trimmed, lower-case, one trailing dot removed (`A.com.` is
 * `a.com`). Underscores are accepted, as Squid does (some real hosts have them). Non-ASCII names
 * are refused with their punycode form as the suggestion: Squid compares bytes, and requests
 * carry the punycode name.
 */
export function validateAllowlistEntry(raw: string): AllowlistEntryResult {
  const entry = raw.trim();
  if (entry === '') return problem('empty', entry);
  if (schemePrefix.test(entry)) {
    return problem('has-scheme', entry, suggestion(authorityHost(entry.replace(schemePrefix, ''))));
  }
  if (entry.includes('*')) {
    const rest = /^\*\.(.+)$/.exec(entry)?.[1];
    return problem('wildcard', entry, rest === undefined ? {} : suggestion(`.${rest}`));
  }
  const slash = entry.lastIndexOf('/');
  if (slash > 0 && /^\d{1,3}$/.test(entry.slice(slash + 1)) && isIpLiteral(entry.slice(0, slash))) {
    return problem('cidr', entry);
  }
  const { host, port, path } = splitAuthority(entry);
  if (isIpLiteral(host)) return problem('ip-address', entry);
  if (path) return problem('has-path', entry, suggestion(host));
  if (port !== null) return problem('has-port', entry, { ...suggestion(host), port });
  if (/[\u0080-\uffff]/.test(entry)) return problem('non-ascii', entry, punycodeSuggestion(entry));

  const normalised = entry.toLowerCase().replace(/\.$/, '');
  const suffix = normalised.startsWith('.');
  const name = suffix ? normalised.slice(1) : normalised;
  if (name.length > maxHostnameLength) {
    return problem('hostname-too-long', entry, {
      length: String(name.length),
      max: String(maxHostnameLength),
    });
  }
  const labels = name.split('.');
  for (const label of labels) {
    if (label === '') return problem('hostname-empty-label', entry);
    const bad = labelBadCharacter.exec(label)?.[0];
    if (bad !== undefined) return problem('hostname-bad-character', entry, { character: bad });
    if (label.length > maxLabelLength) {
      return problem('hostname-label-too-long', entry, {
        label,
        length: String(label.length),
        max: String(maxLabelLength),
      });
    }
    // A leading hyphen is also how Squid spells an ACL flag (`-n`): it would misread the entry.
    if (label.startsWith('-') || label.endsWith('-')) return problem('hostname-hyphen', entry, { label });
  }
  const last = labels[labels.length - 1] ?? '';
  if (/^\d+$/.test(last)) return problem('hostname-numeric-tld', entry, { label: last });
  if (labels.length === 1) {
    return suffix ? problem('suffix-too-broad', entry, { name }) : problem('single-label', entry);
  }
  return { ok: true, entry: normalised };
}

/**
 * Checks a whole list: every entry on its own, then the collisions between the valid ones. The
 * entry reported is the one to remove: the later of two duplicates, the covered one of an overlap
 * (whatever the order, since Squid refuses some orders and only warns about others).
 */
export function validateAllowlist(entries: readonly string[]): AllowlistValidation {
  const issues: AllowlistIssue[] = [];
  const valid: Candidate<number>[] = [];
  entries.forEach((raw, index) => {
    const result = validateAllowlistEntry(raw);
    if (result.ok) valid.push({ source: index, raw: raw.trim(), entry: result.entry });
    else issues.push({ index, entry: raw.trim(), code: result.code, params: result.params });
  });
  const { kept, collisions } = resolveCollisions(valid);
  for (const { dropped, by, code } of collisions) {
    issues.push({
      index: dropped.source,
      entry: dropped.raw,
      code,
      params: { entry: dropped.raw, other: by.entry },
      collidesWith: { index: by.source, entry: by.entry },
    });
  }
  issues.sort((a, b) => a.index - b.index);
  return {
    ok: issues.length === 0,
    entries: kept.map(candidate => candidate.entry),
    issues,
  };
}

/** Where an entry of the effective list came from. */
export type AllowlistSource = { kind: 'preset'; preset: AllowlistPresetId } | { kind: 'user'; index: number };

/** An entry left out of the effective list because another one already allows it: not an error. */
export interface AllowlistNote {
  entry: string;
  source: AllowlistSource;
  code: AllowlistCollisionCode;
  coveredBy: string;
  coveredBySource: AllowlistSource;
}

export interface AllowlistMerge {
  /** The effective list: valid, without overlaps, sorted. What the proxy's config is rendered from. */
  entries: string[];
  notes: AllowlistNote[];
  /** Problems in the user's own domains (left out of `entries`); presets never have any. */
  issues: AllowlistIssue[];
}

/**
 * The effective allowlist: the switched-on presets plus the user's domains. A user domain (or a
 * preset's) that another entry already allows is dropped with a note; the user's invalid entries
 * and collisions among their own entries are issues, as validateAllowlist reports them.
 */
export function mergeAllowlist(
  presetIds: readonly AllowlistPresetId[],
  domains: readonly string[],
): AllowlistMerge {
  const user = validateAllowlist(domains);
  const candidates: Candidate<AllowlistSource>[] = [];
  for (const preset of new Set(presetIds)) {
    for (const domain of allowlistPresets[preset].domains) {
      candidates.push({ source: { kind: 'preset', preset }, raw: domain, entry: domain });
    }
  }
  const flagged = new Set(user.issues.map(issue => issue.index));
  domains.forEach((raw, index) => {
    const result = validateAllowlistEntry(raw);
    if (result.ok && !flagged.has(index)) {
      candidates.push({ source: { kind: 'user', index }, raw: raw.trim(), entry: result.entry });
    }
  });
  const { kept, collisions } = resolveCollisions(candidates);
  return {
    entries: kept.map(candidate => candidate.entry).sort(compareEntries),
    notes: collisions.map(({ dropped, by, code }) => ({
      entry: dropped.entry,
      source: dropped.source,
      code,
      coveredBy: by.entry,
      coveredBySource: by.source,
    })),
    issues: user.issues,
  };
}

/**
 * What the Network page shows of the allowlist: the saved choices, the effective list, the user's
 * domains another entry already covers, and what the proxy runs (`applied`, null when unknown).
 */
export function allowlistView(
  presets: readonly AllowlistPresetId[],
  domains: readonly string[],
  applied: string[] | null,
): AllowlistView {
  const merged = mergeAllowlist(presets, domains);
  return {
    presets: [...presets],
    domains: [...domains],
    effective: merged.entries,
    covered: merged.notes
      .filter(note => note.source.kind === 'user')
      .map(note => ({ domain: note.entry, by: note.coveredBy })),
    applied,
  };
}

/** Whether a request for `host` (a plain hostname) passes the entry, as Squid's dstdomain decides. */
export function allowlistEntryMatches(entry: string, host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry;
}

/** A valid entry on its way into a list; `source` says where it came from, in input order. */
interface Candidate<S> {
  source: S;
  raw: string;
  entry: string;
}

interface Collision<S> {
  dropped: Candidate<S>;
  by: Candidate<S>;
  code: AllowlistCollisionCode;
}

/**
 * Keeps the first of duplicates and the broadest of overlapping entries. An entry is covered by
 * a suffix entry for itself (`.a.com` covers `a.com`) or for any parent domain (`.a.com` covers
 * `b.a.com` and `.b.a.com`); walking up the labels finds the broadest one.
 */
function resolveCollisions<S>(candidates: readonly Candidate<S>[]): {
  kept: Candidate<S>[];
  collisions: Collision<S>[];
} {
  const first = new Map<string, Candidate<S>>();
  const collisions: Collision<S>[] = [];
  const unique: Candidate<S>[] = [];
  for (const candidate of candidates) {
    const earlier = first.get(candidate.entry);
    if (earlier) collisions.push({ dropped: candidate, by: earlier, code: 'duplicate' });
    else {
      first.set(candidate.entry, candidate);
      unique.push(candidate);
    }
  }
  const kept: Candidate<S>[] = [];
  for (const candidate of unique) {
    const coveredBy = broadestCoveringSuffix(candidate.entry, first);
    if (coveredBy) collisions.push({ dropped: candidate, by: coveredBy, code: 'covered-by-suffix' });
    else kept.push(candidate);
  }
  const order = new Map(candidates.map((candidate, position) => [candidate, position]));
  collisions.sort((a, b) => (order.get(a.dropped) ?? 0) - (order.get(b.dropped) ?? 0));
  return { kept, collisions };
}

function broadestCoveringSuffix<S>(
  entry: string,
  entries: ReadonlyMap<string, Candidate<S>>,
): Candidate<S> | undefined {
  const labels = (entry.startsWith('.') ? entry.slice(1) : entry).split('.');
  let broadest: Candidate<S> | undefined;
  // A suffix entry does not cover itself; a plain host is covered by its own suffix form.
  for (let start = entry.startsWith('.') ? 1 : 0; start < labels.length; start++) {
    const cover = entries.get(`.${labels.slice(start).join('.')}`);
    if (cover) broadest = cover;
  }
  return broadest;
}

/** Sorted by name, so `.github.com` sits beside `github.com`-like neighbours. */
function compareEntries(a: string, b: string): number {
  const nameA = a.replace(/^\./, '');
  const nameB = b.replace(/^\./, '');
  if (nameA !== nameB) return nameA < nameB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function problem(
  code: AllowlistProblemCode,
  entry: string,
  params: AllowlistParams = {},
): AllowlistEntryResult {
  return { ok: false, code, params: { entry, ...params } };
}

/** `{ suggestion }` when the candidate is itself a valid entry, so the UI can offer the fix. */
function suggestion(candidate: string): AllowlistParams {
  const result = validateAllowlistEntry(candidate);
  return result.ok ? { suggestion: result.entry } : {};
}

function punycodeSuggestion(entry: string): AllowlistParams {
  const suffix = entry.startsWith('.');
  try {
    const hostname = new URL(`http://${suffix ? entry.slice(1) : entry}/`).hostname;
    return suggestion(suffix ? `.${hostname}` : hostname);
  } catch {
    return {};
  }
}

/** The host of `host[:port][/path]` after a scheme (`https://user@a.com:8443/x` → `a.com`). */
function authorityHost(rest: string): string {
  const { host } = splitAuthority(rest.replace(/^[^/?#]*@/, ''));
  return host;
}

/** Splits `host[:port][/path|?query|#fragment]`; a bracketed IPv6 host keeps its colons. */
function splitAuthority(value: string): { host: string; port: string | null; path: boolean } {
  const end = value.search(/[/?#]/);
  const authority = end === -1 ? value : value.slice(0, end);
  const path = end !== -1;
  const bracketed = /^(\[[^\]]*\])(?::(.*))?$/.exec(authority);
  if (bracketed) return { host: bracketed[1] ?? authority, port: bracketed[2] ?? null, path };
  const colons = authority.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port = ''] = authority.split(':');
    return { host, port, path };
  }
  return { host: authority, port: null, path };
}

/**
 * IPv4 in any form a URL parser accepts (`1.1.1.1`, `1.1.1.1.`, `127.1`, `0x7f.0.0.1`,
 * `2130706433`) and IPv6 (`::1`, `[::1]`, `::ffff:1.2.3.4`). A hostname never has a colon, and
 * one made only of numbers is an address to every URL parser.
 */
function isIpLiteral(value: string): boolean {
  const host = value.replace(/\.$/, '');
  if (host.startsWith('[') && host.endsWith(']')) return true;
  if ((host.match(/:/g) ?? []).length >= 2) return /^[0-9a-f:.]+(%.+)?$/i.test(host);
  const parts = host.split('.');
  return parts.length <= 4 && parts.every(part => /^(0x[0-9a-f]*|\d+)$/i.test(part));
}
