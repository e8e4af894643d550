/** Screen rectangles in Electron's coordinates (DIP, origin at the top left of the main display). */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Room kept between the window and the menu bar or the edges of the screen. */
export const windowMargin = 8;

/**
 * Where the control room opens when the tray icon is clicked: just below the icon, centred on it,
 * kept inside the display's work area (which excludes the menu bar and the Dock). A tray at the
 * bottom of the screen (Windows, some Linux panels) gets the window above it. Linux often reports
 * empty tray bounds: the window is then centred in the work area. A window larger than the work
 * area shrinks to fit.
 */
export function positionNearTray(tray: Rect, workArea: Rect, window: Size): Rect {
  const width = Math.min(window.width, workArea.width - 2 * windowMargin);
  const height = Math.min(window.height, workArea.height - 2 * windowMargin);
  const clampX = (x: number): number =>
    clamp(x, workArea.x + windowMargin, workArea.x + workArea.width - windowMargin - width);
  const clampY = (y: number): number =>
    clamp(y, workArea.y + windowMargin, workArea.y + workArea.height - windowMargin - height);
  if (tray.width === 0 && tray.height === 0) {
    return {
      x: Math.round(workArea.x + (workArea.width - width) / 2),
      y: Math.round(workArea.y + (workArea.height - height) / 2),
      width,
      height,
    };
  }
  const x = clampX(Math.round(tray.x + tray.width / 2 - width / 2));
  const trayCentreY = tray.y + tray.height / 2;
  const trayAtBottom = trayCentreY > workArea.y + workArea.height / 2;
  const y = trayAtBottom
    ? clampY(tray.y - windowMargin - height)
    : clampY(Math.max(tray.y + tray.height, workArea.y) + windowMargin);
  return { x, y, width, height };
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(value, Math.max(low, high)));
}
