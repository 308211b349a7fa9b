/** How the environment chooses the integration suite's target (pure: no cloud started, nothing read). */
import { describe, expect, it } from 'vitest';
import { TOPOLOGY } from '../../infra/topology.ts';
import { remoteSettings } from './target.ts';

describe('the integration target', () => {
  it('is the embedded cloud when no endpoint is named', () => {
    expect(remoteSettings({})).toBeUndefined();
  });

  it('is a local cloud process by its endpoint and data dir, the APIs on the same endpoint', () => {
    expect(remoteSettings({ MX_TEST_ENDPOINT: 'http://127.0.0.1:4567/', MX_TEST_DATA_DIR: '/tmp/mx' })).toEqual({
      endpoint: 'http://127.0.0.1:4567',
      api: 'http://127.0.0.1:4567',
      busName: TOPOLOGY.busName,
      region: undefined,
      dataDir: '/tmp/mx',
      credentialsFile: undefined,
      tables: {},
    });
  });

  it('is a deployment by its credentials file and the stack\u2019s outputs', () => {
    const env = {
      MX_TEST_ENDPOINT: 'https://localhost.localstack.cloud:4566',
      MX_TEST_CREDENTIALS: 'keys.json',
      MX_TEST_API: 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod/',
      MX_TEST_BUS: 'MxStack-Bus1234',
      MX_TEST_REGION: 'eu-central-1',
      MX_TEST_TABLES: '{"ExchangeLog":"MxStack-ExchangeLog5678"}',
    };
    expect(remoteSettings(env)).toMatchObject({
      api: 'https://abc123.execute-api.eu-central-1.amazonaws.com/prod',
      busName: 'MxStack-Bus1234',
      region: 'eu-central-1',
      credentialsFile: 'keys.json',
      tables: { ExchangeLog: 'MxStack-ExchangeLog5678' },
    });
  });

  it('refuses a half-named target, naming what is missing or wrong', () => {
    const local = { MX_TEST_ENDPOINT: 'http://127.0.0.1:4567', MX_TEST_DATA_DIR: '/tmp/mx' };
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        remoteSettings(env);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal({ MX_TEST_DATA_DIR: '/tmp/mx' })).toMatch(/MX_TEST_DATA_DIR set without MX_TEST_ENDPOINT/);
    const noKeys = refusal({ MX_TEST_ENDPOINT: local.MX_TEST_ENDPOINT });
    expect(noKeys).toMatch(/needs MX_TEST_DATA_DIR .* or MX_TEST_CREDENTIALS/);
    expect(refusal({ ...local, MX_TEST_ENDPOINT: '127.0.0.1:4567' })).toMatch(/must be an http\(s\) URL/);
    expect(refusal({ ...local, MX_TEST_TABLES: 'ExchangeLog=X' })).toMatch(/MX_TEST_TABLES is not a JSON object/);
    expect(refusal({ ...local, MX_TEST_TABLES: '["X"]' })).toMatch(/MX_TEST_TABLES is not a JSON object/);
  });
});
