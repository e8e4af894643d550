import { formatRelativeTime } from '../../format';

/**
 * "3 minutes ago" for something that already happened: a time a little ahead of this window's
 * clock (the services stamped it after the last tick) reads "now", never "in 10 seconds".
 */
export function formatPast(iso: string, now: Date, language: string): string {
  const at = new Date(iso);
  return formatRelativeTime(iso, at > now ? at : now, language);
}
