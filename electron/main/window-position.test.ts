import { describe, expect, it } from 'vitest';

import { positionNearTray, windowMargin } from './window-position';

// A 1512×982 MacBook display: a 24 pt menu bar on top, the Dock at the bottom.
const macWorkArea = { x: 0, y: 24, width: 1512, height: 890 };
const size = { width: 1120, height: 740 };

describe('positionNearTray', () => {
  it('opens just below a menu-bar icon, centred on it when there is room', () => {
    const tray = { x: 700, y: 0, width: 24, height: 24 };
    expect(positionNearTray(tray, macWorkArea, size)).toEqual({
      x: 700 + 12 - 560,
      y: 24 + windowMargin,
      width: 1120,
      height: 740,
    });
  });

  it('stays on screen for an icon near the right edge', () => {
    const tray = { x: 1400, y: 0, width: 24, height: 24 };
    const bounds = positionNearTray(tray, macWorkArea, size);
    expect(bounds.x + bounds.width).toBe(1512 - windowMargin);
    expect(bounds.y).toBe(24 + windowMargin);
  });

  it('stays on screen for an icon near the left edge of a second display', () => {
    const workArea = { x: -1920, y: 25, width: 1920, height: 1055 };
    const bounds = positionNearTray({ x: -1900, y: 0, width: 22, height: 24 }, workArea, size);
    expect(bounds.x).toBe(-1920 + windowMargin);
    expect(bounds.y).toBe(25 + windowMargin);
  });

  it('opens above a tray at the bottom of the screen (Windows, some Linux panels)', () => {
    const workArea = { x: 0, y: 0, width: 1920, height: 1040 };
    const bounds = positionNearTray({ x: 1800, y: 1045, width: 24, height: 30 }, workArea, size);
    expect(bounds.y + bounds.height).toBe(1040 - windowMargin);
    expect(bounds.x + bounds.width).toBe(1920 - windowMargin);
  });

  it('centres the window when the tray reports no bounds (Linux)', () => {
    const workArea = { x: 0, y: 32, width: 1920, height: 1048 };
    expect(positionNearTray({ x: 0, y: 0, width: 0, height: 0 }, workArea, size)).toEqual({
      x: 400,
      y: 32 + 154,
      width: 1120,
      height: 740,
    });
  });

  it('shrinks a window larger than the work area to fit inside it', () => {
    const small = { x: 0, y: 24, width: 1024, height: 600 };
    const bounds = positionNearTray({ x: 500, y: 0, width: 24, height: 24 }, small, size);
    expect(bounds).toEqual({ x: windowMargin, y: 24 + windowMargin, width: 1024 - 16, height: 600 - 16 });
  });
});
