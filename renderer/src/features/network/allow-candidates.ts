import { allowlistEntryMatches, validateAllowlistEntry } from '../../../../common/allowlist';
import type { EntryMessage } from './allowlist-draft';

/** The ports the proxy lets through at all (SANDBOX.md: deny non-80/443, CONNECT only to 443). */
export const proxyPorts: readonly number[] = [80, 443];

export interface AllowChoice {
  entry: string;
  /** `host`: that name only; `domain`: a `.domain` suffix, the domain and every name under it. */
  scope: 'host' | 'domain';
}

export type AllowPlan =
  /** A host name the allowlist can take: the choices, the narrowest (the host itself) first. */
  | { status: 'choices'; choices: AllowChoice[] }
  /** Already let through by an entry of the effective list (the proxy may not run it yet). */
  | { status: 'allowed'; by: string }
  /** Not something the allowlist can take (an IP address, say): why. */
  | { status: 'refused'; message: EntryMessage }
  /** The self-test's made-up name, refused on purpose (and unresolvable: `.invalid` is reserved). */
  | { status: 'selftest' };

/** The name the self-test's proxy-denied probe asks for (services/install/self-test-probes.ts). */
const selfTestHost = /^clawbar-selftest-[0-9a-f]+\.(denied\.)?invalid$/;

/**
 * What "Allow this domain" can add for a blocked host: the host itself, or its parent `.domain`
 * (for `api.example.com`, `.example.com`; for `example.com`, `.example.com` itself). Offered only
 * when valid: `.com` alone is too broad, and the validation says so.
 */
export function allowPlan(host: string, effective: readonly string[]): AllowPlan {
  if (selfTestHost.test(host.toLowerCase())) return { status: 'selftest' };
  const checked = validateAllowlistEntry(host);
  if (!checked.ok) return { status: 'refused', message: { code: checked.code, params: checked.params } };
  const by = effective.find(entry => allowlistEntryMatches(entry, checked.entry));
  if (by) return { status: 'allowed', by };
  const labels = checked.entry.split('.');
  const parent = labels.length > 2 ? `.${labels.slice(1).join('.')}` : `.${checked.entry}`;
  const choices: AllowChoice[] = [{ entry: checked.entry, scope: 'host' }];
  const parentChecked = validateAllowlistEntry(parent);
  if (parentChecked.ok) choices.push({ entry: parentChecked.entry, scope: 'domain' });
  return { status: 'choices', choices };
}
