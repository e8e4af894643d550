import { z } from 'zod';

/**
 * What the egress proxy refused, as the app shows it ("Blocked requests"): one row per destination
 * (host and port), with how often and when it was last tried, and by which pod. Pure: the contract
 * and AppState carry it; services/cluster/proxy-access-log.ts fills it from Squid's access log.
 */
export const blockedRequestSchema = z.object({
  host: z.string().min(1),
  port: z.int().min(0).max(65535),
  /** The method of the latest attempt (`CONNECT` for HTTPS, `GET`/`POST`… for plain HTTP). */
  method: z.string().min(1),
  count: z.int().positive(),
  /** ISO time of the latest attempt. */
  lastSeen: z.iso.datetime(),
  /** The pod that made the latest attempt, when its IP is known; null otherwise. */
  pod: z.string().nullable(),
});
export type BlockedRequest = z.infer<typeof blockedRequestSchema>;

/** How many destinations the view keeps: the most recently blocked ones. */
export const blockedRequestsCapacity = 200;
