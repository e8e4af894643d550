import { describe, expect, it } from 'vitest';

import { controlRoomUrl } from './control-room-page';

describe('controlRoomUrl', () => {
  it('routes through the hash the renderer reads', () => {
    expect(controlRoomUrl('clawbar://app/index.html', 'network')).toBe('clawbar://app/index.html#/network');
    expect(controlRoomUrl('http://localhost:5173', 'logs')).toBe('http://localhost:5173#/logs');
  });

  it('replaces a page already in the URL, and keeps the entry without one', () => {
    expect(controlRoomUrl('clawbar://app/index.html#/models', 'dashboard')).toBe(
      'clawbar://app/index.html#/dashboard',
    );
    expect(controlRoomUrl('clawbar://app/index.html')).toBe('clawbar://app/index.html');
  });
});
