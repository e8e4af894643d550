/**
 * The pages of the control room, as the renderer routes them from the URL's hash (`#/network`,
 * renderer/src/store.ts `pages`). Main may not import the renderer, so the names are repeated
 * here; an unknown one would simply open the dashboard.
 */
export const controlRoomPages = ['dashboard', 'network', 'logs', 'models', 'settings'] as const;
export type ControlRoomPage = (typeof controlRoomPages)[number];

/** The renderer's entry URL opened on a page (`clawbar://app/index.html#/network`). */
export function controlRoomUrl(entryUrl: string, page?: ControlRoomPage): string {
  return page ? `${entryUrl.replace(/#.*$/, '')}#/${page}` : entryUrl;
}
