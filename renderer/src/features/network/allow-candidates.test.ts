import { describe, expect, it } from 'vitest';

import { allowPlan } from './allow-candidates';

describe('allowPlan', () => {
  it('offers the host itself first, then its parent .domain', () => {
    expect(allowPlan('api.example.com', [])).toEqual({
      status: 'choices',
      choices: [
        { entry: 'api.example.com', scope: 'host' },
        { entry: '.example.com', scope: 'domain' },
      ],
    });
    expect(allowPlan('a.b.example.co.uk', [])).toMatchObject({
      choices: [{ entry: 'a.b.example.co.uk' }, { entry: '.b.example.co.uk' }],
    });
  });

  it('offers a two-label name as itself or with its subdomains, never a bare top-level domain', () => {
    expect(allowPlan('Example.COM', [])).toEqual({
      status: 'choices',
      choices: [
        { entry: 'example.com', scope: 'host' },
        { entry: '.example.com', scope: 'domain' },
      ],
    });
  });

  it('says when the effective list already lets the host through', () => {
    expect(allowPlan('x.openclaw.ai', ['.openclaw.ai', 'ghcr.io'])).toEqual({
      status: 'allowed',
      by: '.openclaw.ai',
    });
    expect(allowPlan('ghcr.io', ['ghcr.io'])).toEqual({ status: 'allowed', by: 'ghcr.io' });
  });

  it('recognises the self-test’s own refused probe, which is not worth allowing', () => {
    expect(allowPlan('clawbar-selftest-1a2b3c4d.invalid', [])).toEqual({ status: 'selftest' });
    expect(allowPlan('clawbar-selftest-1a2b3c4d.denied.invalid', [])).toEqual({ status: 'selftest' });
    expect(allowPlan('clawbar-selftest.example.com', [])).toMatchObject({ status: 'choices' });
  });

  it('refuses what the allowlist cannot take, with the reason', () => {
    expect(allowPlan('93.184.216.34', [])).toMatchObject({
      status: 'refused',
      message: { code: 'ip-address' },
    });
    expect(allowPlan('intranet', [])).toMatchObject({ status: 'refused', message: { code: 'single-label' } });
  });
});
