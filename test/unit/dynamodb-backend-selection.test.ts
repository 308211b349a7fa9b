import { describe, expect, it } from 'vitest';
import { PREFERRED_BACKEND, type SelectionInput, selectBackend } from '../../infra/local/dynamodb-backends.ts';

const fresh = { dynalite: false, dynoxide: false };
const found = { ok: true, version: '1.2.1' } as const;
const absent = { ok: false, reason: '@dynoxide/linux-arm64 is not installed' } as const;
const input = (overrides: Partial<SelectionInput>): SelectionInput => ({
  forced: undefined,
  preferred: PREFERRED_BACKEND,
  dynoxide: found,
  stored: fresh,
  ...overrides,
});

describe('selectBackend', () => {
  it('gives a fresh data dir the preferred backend, and names the other', () => {
    expect(selectBackend(input({ preferred: 'dynalite' }))).toEqual({
      backend: 'dynalite',
      reason: 'the faster backend here (npm run bench); MX_DYNAMODB=dynoxide selects dynoxide 1.2.1',
    });
    expect(selectBackend(input({ preferred: 'dynalite', dynoxide: absent }))).toEqual({
      backend: 'dynalite',
      reason:
        'the faster backend here (npm run bench); dynoxide is not available: @dynoxide/linux-arm64 is not installed',
    });
    expect(selectBackend(input({ preferred: 'dynoxide' }))).toEqual({
      backend: 'dynoxide',
      reason: 'the faster backend here (npm run bench)',
      fallback: true,
    });
  });

  it('falls back to dynalite, saying why, where a preferred dynoxide is not installed', () => {
    expect(selectBackend(input({ preferred: 'dynoxide', dynoxide: absent }))).toEqual({
      backend: 'dynalite',
      reason: 'dynoxide is not available: @dynoxide/linux-arm64 is not installed',
    });
  });

  it('keeps a data dir on the backend whose files hold its tables, whatever is preferred', () => {
    for (const preferred of ['dynalite', 'dynoxide'] as const) {
      expect(selectBackend(input({ preferred, stored: { dynalite: true, dynoxide: false } }))).toMatchObject({
        backend: 'dynalite',
        reason: expect.stringMatching(/tables are in dynalite's LevelDB/),
      });
      // dynoxide's data is never silently swapped for dynalite's empty tables: no fallback, and a
      // refusal when dynoxide is gone.
      expect(selectBackend(input({ preferred, stored: { dynalite: false, dynoxide: true } }))).toEqual({
        backend: 'dynoxide',
        reason: "this data dir's tables are in dynoxide's SQLite file",
      });
      expect(
        selectBackend(input({ preferred, dynoxide: absent, stored: { dynalite: false, dynoxide: true } })),
      ).toMatchObject({
        refuse: expect.stringMatching(/tables are in dynoxide's SQLite file.*MX_DYNAMODB=dynalite/),
      });
    }
  });

  it('obeys MX_DYNAMODB, refusing dynoxide where it cannot run and names it does not know', () => {
    expect(selectBackend(input({ forced: 'dynalite', stored: { dynalite: false, dynoxide: true } }))).toEqual({
      backend: 'dynalite',
      reason: 'MX_DYNAMODB=dynalite',
    });
    expect(selectBackend(input({ forced: 'dynoxide', stored: { dynalite: true, dynoxide: false } }))).toEqual({
      backend: 'dynoxide',
      reason: 'MX_DYNAMODB=dynoxide',
    });
    expect(selectBackend(input({ forced: 'dynoxide', dynoxide: absent }))).toEqual({
      refuse: 'MX_DYNAMODB=dynoxide, but dynoxide cannot run here: @dynoxide/linux-arm64 is not installed',
    });
    expect(selectBackend(input({ forced: 'localstack' }))).toEqual({
      refuse: 'MX_DYNAMODB must be one of dynoxide, dynalite, got "localstack"',
    });
  });
});
