import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../infra/local/dynamodb-backends.ts';

const fresh = { dynalite: false, dynoxide: false };
const found = { ok: true } as const;
const absent = { ok: false, reason: '@dynoxide/linux-arm64 is not installed' } as const;

describe('selectBackend', () => {
  it('prefers dynoxide on a fresh data dir, with dynalite to fall back on if it does not start', () => {
    expect(selectBackend({ forced: undefined, dynoxide: found, stored: fresh })).toEqual({ backend: 'dynoxide', fallback: { reason: 'dynoxide did not start' } });
  });

  it('falls back to dynalite, saying why, where dynoxide is not installed', () => {
    expect(selectBackend({ forced: undefined, dynoxide: absent, stored: fresh })).toEqual({ backend: 'dynalite', reason: 'dynoxide is not available: @dynoxide/linux-arm64 is not installed' });
  });

  it('keeps a data dir on the backend whose files hold its tables', () => {
    expect(selectBackend({ forced: undefined, dynoxide: found, stored: { dynalite: true, dynoxide: false } })).toMatchObject({ backend: 'dynalite', reason: expect.stringMatching(/tables are in dynalite's LevelDB/) });
    // dynoxide's data is never silently swapped for dynalite's empty tables: neither by a fallback nor when dynoxide is gone.
    expect(selectBackend({ forced: undefined, dynoxide: found, stored: { dynalite: false, dynoxide: true } })).toEqual({ backend: 'dynoxide' });
    expect(selectBackend({ forced: undefined, dynoxide: absent, stored: { dynalite: false, dynoxide: true } })).toMatchObject({ refuse: expect.stringMatching(/tables are in dynoxide's SQLite file.*MX_DYNAMODB=dynalite/) });
  });

  it('obeys MX_DYNAMODB, refusing dynoxide where it cannot run and names it does not know', () => {
    expect(selectBackend({ forced: 'dynalite', dynoxide: found, stored: { dynalite: false, dynoxide: true } })).toEqual({ backend: 'dynalite', reason: 'MX_DYNAMODB=dynalite' });
    expect(selectBackend({ forced: 'dynoxide', dynoxide: found, stored: { dynalite: true, dynoxide: false } })).toEqual({ backend: 'dynoxide' });
    expect(selectBackend({ forced: 'dynoxide', dynoxide: absent, stored: fresh })).toEqual({ refuse: 'MX_DYNAMODB=dynoxide, but dynoxide cannot run here: @dynoxide/linux-arm64 is not installed' });
    expect(selectBackend({ forced: 'localstack', dynoxide: found, stored: fresh })).toEqual({ refuse: 'MX_DYNAMODB must be one of dynoxide, dynalite, got "localstack"' });
  });
});
