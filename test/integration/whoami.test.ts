/**
 * GET /api/whoami on the local cloud: signed with SigV4 like any API call, it
 * answers who the keys belong to — so the console lets the keys decide the
 * ministry. Wrong keys are refused as API Gateway refuses them, and the
 * console turns each refusal into one plain sentence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, keysProblem } from '../../functions/console/sign-in.ts';
import { fetchSigned } from '../../infra/cli/signed-request.ts';
import { MINISTRIES } from '../../infra/topology.ts';
import { type Keys, startTarget, type TestTarget } from './target.ts';

let env: TestTarget;
beforeAll(async () => {
  env = await startTarget();
});
afterAll(async () => {
  await env?.stop();
});

/** What /api/whoami answers: who the keys belong to, or API Gateway's refusal. */
type WhoamiAnswer = Partial<Caller> & { error?: { message?: string } };

async function whoami(keys: TestTarget['credentials']['platform'], method = 'GET') {
  const response = await fetchSigned(`${env.api}/api/whoami`, {
    credentials: keys,
    region: env.credentials.region,
    method,
  });
  return {
    status: response.status,
    errorType: response.headers.get('x-amzn-errortype') ?? undefined,
    body: (await response.json()) as WhoamiAnswer,
  };
}

describe('GET /api/whoami', () => {
  it('names each operator’s ministry from its keys alone', async () => {
    for (const ministry of MINISTRIES) {
      const answer = await whoami(env.credentials.operators[ministry]);
      expect(answer.status, ministry).toBe(200);
      expect(answer.body).toMatchObject({ kind: 'operator', ministry });
      expect(answer.body.arn).toMatch(new RegExp(`assumed-role/mx-operator-${ministry}/`));
    }
  });

  it('tells an agency’s keys from an operator’s, and knows the platform as neither', async () => {
    expect((await whoami(env.credentials.agencies.labour)).body).toMatchObject({ kind: 'agency', ministry: 'labour' });
    expect((await whoami(env.credentials.agencies['border-service'])).body).toMatchObject({
      kind: 'agency',
      ministry: 'border-service',
    });
    expect((await whoami(env.credentials.platform)).body).toMatchObject({ kind: 'unknown' });
  });

  it('refuses wrong keys as API Gateway does, and the console says why in one sentence', async () => {
    const operator: Keys = env.credentials.operators.interior;
    const wrongSecret = await whoami({
      accessKeyId: operator.accessKeyId,
      secretAccessKey: `${operator.secretAccessKey}x`,
    });
    expect(wrongSecret.status).toBe(403);
    expect(wrongSecret.errorType).toBe('InvalidSignatureException');
    expect(
      keysProblem({
        status: wrongSecret.status,
        code: wrongSecret.errorType,
        message: wrongSecret.body.error?.message,
      }),
    ).toBe('The secret access key does not belong to this access key ID; copy both again.');

    const unknownKey = await whoami({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever' });
    expect(unknownKey.status).toBe(403);
    expect(unknownKey.errorType).toBe('UnrecognizedClientException');
    expect(
      keysProblem({ status: unknownKey.status, code: unknownKey.errorType, message: unknownKey.body.error?.message }),
    ).toBe('This access key ID is not known here; copy it again from your ministry’s operator keys.');

    const unsigned = await fetch(`${env.api}/api/whoami`);
    expect(unsigned.status).toBe(401);
  });

  it('takes GET only', async () => {
    const answer = await whoami(env.credentials.operators.labour, 'POST');
    expect(answer.status).toBe(405);
    expect(answer.body.error!.message).toMatch(/GET/);
  });
});
