import { Notification } from 'electron';

import type { ControlRoomPage } from './control-room-page';
import type { AppNotification } from './notifications';

/**
 * Shows a notification with Electron, its click and its one action opening the control room on
 * the right page. Live notifications are kept referenced: one that is garbage-collected loses its
 * click handler.
 */
export function nativeNotifier(
  openPage: (page: ControlRoomPage) => void,
): (notification: AppNotification) => void {
  const live = new Set<Notification>();
  return notification => {
    if (!Notification.isSupported()) return;
    const native = new Notification({
      title: notification.title,
      body: notification.body,
      actions: [{ type: 'button', text: notification.actionLabel }],
      silent: notification.kind === 'pull-finished',
    });
    const open = (): void => {
      openPage(notification.page);
    };
    native.on('click', open);
    native.on('action', open);
    native.on('close', () => live.delete(native));
    live.add(native);
    native.show();
  };
}
