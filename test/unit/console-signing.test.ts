import { describe, expect, it } from 'vitest';
import {
  LOCAL_REGION,
  queryString,
  type SigningTarget,
  signatureHeaders,
  signingTarget,
} from '../../functions/console/signing.ts';
import { type SignedRequest, verifySignature } from '../../infra/local/sigv4.ts';

const temporary = {
  accessKeyId: 'ASIAEXAMPLEOPERATOR1',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//token+with/slashes==',
};
const onAws: SigningTarget = {
  host: 'a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com',
  pathPrefix: '/v1',
  region: 'eu-central-1',
};
const now = new Date('2026-11-29T10:00:00Z');
const secretFor = (id: string) => (id === temporary.accessKeyId ? temporary.secretAccessKey : undefined);

/**
 * The request as API Gateway receives it from CloudFront: its own Host, the stage in front
 * of the path, the query as sent.
 */
function asReceived(
  target: SigningTarget,
  path: string,
  query: Record<string, string>,
  headers: Record<string, string>,
): SignedRequest {
  const search = queryString(query);
  return {
    method: 'GET',
    url: `${target.pathPrefix}${path}${search ? `?${search}` : ''}`,
    headers: { ...headers, host: target.host },
    body: Buffer.alloc(0),
  };
}

describe('console signing target', () => {
  it('signs for the API\u2019s host, stage and region that console/config.json names', () => {
    expect(signingTarget({ signing: onAws }, 'd111.cloudfront.net')).toEqual(onAws);
  });

  it('signs for the page\u2019s own host on the local cloud (no config) and ignores a config it cannot trust', () => {
    const local = { host: '127.0.0.1:4566', pathPrefix: '', region: LOCAL_REGION };
    for (const config of [
      undefined,
      null,
      {},
      'text',
      { signing: { ...onAws, host: 'evil.example/x' } },
      { signing: { ...onAws, pathPrefix: 'v1' } },
      { signing: { ...onAws, region: 'mars' } },
    ]) {
      expect(signingTarget(config, '127.0.0.1:4566')).toEqual(local);
    }
  });
});

describe('console signatures', () => {
  it(
    'verify where API Gateway checks them (its host, /v1 in the path) with a session token signed, and a purpose ' +
      'with spaces and slashes',
    async () => {
      const query = { citizenship: 'UZB', document: 'FA1234567', purpose: "case 2021/17 (review) it's *urgent*+" };
      const headers = await signatureHeaders(onAws, temporary, 'GET', '/api/views/labour/person', query, now);
      expect(headers['x-amz-security-token']).toBe(temporary.sessionToken);
      expect(headers.authorization).toMatch(
        new RegExp(
          'Credential=ASIAEXAMPLEOPERATOR1/20261129/eu-central-1/execute-api/aws4_request, ' +
            'SignedHeaders=host;(x-amz-content-sha256;)?x-amz-date;x-amz-security-token,',
        ),
      );
      await expect(
        verifySignature(asReceived(onAws, '/api/views/labour/person', query, headers), secretFor, now),
      ).resolves.toMatchObject({ region: 'eu-central-1', service: 'execute-api' });
    },
  );

  it('would not verify at the console’s own host or without the stage (why the console reads its config)', async () => {
    const headers = await signatureHeaders(onAws, temporary, 'GET', '/api/exchange/health', {}, now);
    await expect(
      verifySignature(
        asReceived({ ...onAws, host: 'd111.cloudfront.net' }, '/api/exchange/health', {}, headers),
        secretFor,
        now,
      ),
    ).rejects.toMatchObject({ code: 'InvalidSignatureException' });
    await expect(
      verifySignature(asReceived({ ...onAws, pathPrefix: '' }, '/api/exchange/health', {}, headers), secretFor, now),
    ).rejects.toMatchObject({ code: 'InvalidSignatureException' });
  });

  it('sends the query exactly as SigV4 canonicalises it (a space is %20, never +)', () => {
    expect(queryString({ purpose: "a b/c+d (e) f's*!", limit: '20' })).toBe(
      'purpose=a%20b%2Fc%2Bd%20%28e%29%20f%27s%2A%21&limit=20',
    );
    expect(queryString({})).toBe('');
  });

  it('signs long-term keys without a token, for the local cloud', async () => {
    const local = signingTarget(undefined, '127.0.0.1:4566');
    const { sessionToken: _token, ...keys } = temporary;
    const headers = await signatureHeaders(
      local,
      keys,
      'POST',
      '/api/exchange/dead-letters/redrive',
      { queue: 'mx-view-labour-dlq' },
      now,
    );
    expect(headers['x-amz-security-token']).toBeUndefined();
    const received = {
      ...asReceived(local, '/api/exchange/dead-letters/redrive', { queue: 'mx-view-labour-dlq' }, headers),
      method: 'POST',
    };
    await expect(verifySignature(received, secretFor, now)).resolves.toMatchObject({ region: 'us-east-1' });
  });
});
