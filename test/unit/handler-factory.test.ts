/**
 * Every Lambda entry module is built by its factory (functions/lib/lambda-entry.ts):
 * it exports `createHandler(deps)` and `handler`, and reads its configuration
 * from `deps.env`, never from the process around it, so the local cloud can
 * build many functions from one module in one process.
 */
import { describe, expect, it } from 'vitest';
import { COMMAND_APIS, QUERY_APIS, SUBSCRIPTIONS } from '../../infra/topology.ts';

const ENTRY_MODULES = [
  ...new Set([...SUBSCRIPTIONS, ...COMMAND_APIS, ...QUERY_APIS].map((s) => s.handler)),
  'functions/exchange-api/handler.ts',
  'functions/query-api/whoami-handler.ts',
  'functions/merkle/handler.ts',
];

type Entry = { createHandler?: (deps: { env: Record<string, string>; aws: object }) => unknown; handler?: unknown };
const load = (module: string) => import(`../../${module}`) as Promise<Entry>;

describe('Lambda entry modules', () => {
  it.each(ENTRY_MODULES)('%s exports createHandler(deps) and handler', async (module) => {
    const entry = await load(module);
    expect(typeof entry.createHandler).toBe('function');
    expect(typeof entry.handler).toBe('function');
  });

  it('build from deps.env alone, and name what it lacks', async () => {
    const { createHandler } = await load('functions/projector/handler.ts');
    expect(process.env.TABLE_NAME).toBeUndefined();
    const env = {
      TABLE_NAME: 'LabourView',
      PERSON_KEY_SECRET: 's',
      TABLE_VIEW: 'labour',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
    expect(typeof createHandler!({ env, aws: { region: 'us-east-1' } })).toBe('function');
    expect(() => createHandler!({ env: { ...env, TABLE_NAME: '' }, aws: {} })).toThrow(
      'missing required environment variable TABLE_NAME',
    );
    expect(() => createHandler!({ env: { ...env, TABLE_VIEW: 'nobody' }, aws: {} })).toThrow(
      'TABLE_VIEW nobody is not a declared view or registry',
    );
  });

  it('give each built function its own configuration (the command API of each system from one module)', async () => {
    const { commandApiConfig } = (await load('functions/command-api/handler.ts')) as Entry & {
      commandApiConfig: (env: Record<string, string>) => { system: string; table: string };
    };
    const base = {
      EVENT_BUS_NAME: 'b',
      PERSON_KEY_SECRET: 's',
      AGENCY_ROLES: '{}',
      IDEMPOTENCY_TABLE: 'CommandIdempotency',
    };
    expect(commandApiConfig({ ...base, SYSTEM: 'berkut', TABLE_NAME: 'BerkutRegistry' })).toMatchObject({
      system: 'berkut',
      table: 'BerkutRegistry',
    });
    expect(commandApiConfig({ ...base, SYSTEM: 'qandas', TABLE_NAME: 'QandasRegistry' })).toMatchObject({
      system: 'qandas',
      table: 'QandasRegistry',
    });
    expect(() =>
      commandApiConfig({ ...base, SYSTEM: 'qandas', TABLE_NAME: 'QandasRegistry', IDEMPOTENCY_TABLE: '' }),
    ).toThrow('IDEMPOTENCY_TABLE');
  });
});
