import { describe, expect, it } from 'vitest';
import { apiUrl, regionOfApiUrl } from '../../infra/cli/api-url.ts';
import { signRequest } from '../../infra/cli/signed-request.ts';
import { eventBridgeConfig, identitiesFromFile } from '../../infra/cli/smoke-identities.ts';

const STAGE_URL = 'https://abc123defg.execute-api.eu-central-1.amazonaws.com/prod';
const temporary = {
  accessKeyId: 'ASIAEXAMPLETEMPORARY',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//session+token=',
};

describe('apiUrl', () => {
  it.each([
    [`${STAGE_URL}/`, `${STAGE_URL}/api/views/labour/stats`],
    [STAGE_URL, `${STAGE_URL}/api/views/labour/stats`],
    [`${STAGE_URL}//`, `${STAGE_URL}/api/views/labour/stats`],
    ['http://127.0.0.1:4566', 'http://127.0.0.1:4566/api/views/labour/stats'],
    ['http://127.0.0.1:4566/', 'http://127.0.0.1:4566/api/views/labour/stats'],
  ])('joins the path after the stage of %s', (base, expected) => {
    expect(apiUrl(base, 'api/views/labour/stats')).toBe(expected);
    expect(apiUrl(base, '/api/views/labour/stats')).toBe(expected);
  });

  it('encodes the query as SigV4 does (a space is %20, reserved characters escaped) and omits absent values', () => {
    expect(
      apiUrl(STAGE_URL, 'api/views/interior/person', {
        citizenship: 'UZB',
        document: 'FA 12/34',
        purpose: "mx smoke: it's a check (1)",
        iin: undefined,
      }),
    ).toBe(
      `${STAGE_URL}/api/views/interior/person?citizenship=UZB&document=FA%2012%2F34` +
        '&purpose=mx%20smoke%3A%20it%27s%20a%20check%20%281%29',
    );
  });

  it('refuses what is not a base URL, naming --api', () => {
    expect(() => apiUrl('abc.execute-api.eu-central-1.amazonaws.com/prod', 'x')).toThrow(
      /--api must be an http\(s\) URL/,
    );
    expect(() => apiUrl('ftp://example.kz/prod', 'x')).toThrow(/--api must be an http\(s\) URL, got ftp:/);
    expect(() => apiUrl(`${STAGE_URL}?stage=prod`, 'x')).toThrow(/--api must be a base URL without a query/);
  });

  it('reads the region of an execute-api URL, and none of any other', () => {
    expect(regionOfApiUrl(`${STAGE_URL}/`)).toBe('eu-central-1');
    expect(regionOfApiUrl('https://abc.execute-api.cn-north-1.amazonaws.com.cn/v1')).toBe('cn-north-1');
    expect(regionOfApiUrl('http://127.0.0.1:4566')).toBeUndefined();
    expect(regionOfApiUrl('not a url')).toBeUndefined();
  });
});

describe('signRequest', () => {
  const url = apiUrl(STAGE_URL, 'api/views/labour/lineage', {
    citizenship: 'CHN',
    document: 'E12345678',
    purpose: 'mx smoke: deployment check',
  });
  const signingDate = new Date('2026-03-01T10:00:00Z');

  it('sends and signs the session token of temporary credentials (x-amz-security-token)', async () => {
    const signed = await signRequest(url, { credentials: temporary, region: 'eu-central-1', signingDate });
    expect(signed.headers['x-amz-security-token']).toBe(temporary.sessionToken);
    const authorization = signed.headers.authorization!;
    expect(authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${temporary.accessKeyId}/20260301/eu-central-1/execute-api/aws4_request, `,
      ),
    );
    expect(/SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';')).toEqual(
      expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']),
    );
    expect(signed.url).toBe(url);
  });

  it('resolves a credentials provider (as the default chain is) and sends no token for long-term keys', async () => {
    const longTerm = { accessKeyId: 'AKIAEXAMPLELONGTERM1', secretAccessKey: temporary.secretAccessKey };
    const signed = await signRequest(url, { credentials: async () => longTerm, region: 'eu-central-1', signingDate });
    expect(signed.headers['x-amz-security-token']).toBeUndefined();
    expect(signed.headers.authorization).toContain(`Credential=${longTerm.accessKeyId}/`);
    expect(signed.headers.authorization).not.toContain('x-amz-security-token');
  });

  it('signs a body with its hash and content type', async () => {
    const body = JSON.stringify({ command: 'issue-visa', input: {} });
    const signed = await signRequest(`${STAGE_URL}/commands/berkut`, {
      method: 'POST',
      body,
      credentials: temporary,
      region: 'eu-central-1',
      signingDate,
    });
    expect(signed).toMatchObject({ method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(/SignedHeaders=([^,]+)/.exec(signed.headers.authorization!)?.[1]).toContain('content-type');
  });
});

describe('smoke identities from a credentials file', () => {
  const file = {
    endpoint: 'http://127.0.0.1:4566/',
    region: 'us-east-1',
    agencies: Object.fromEntries(
      ['foreign-affairs', 'border-service', 'interior', 'labour'].map((m) => [
        m,
        { ...temporary, sources: [`kz.${m}`] },
      ]),
    ),
    operators: Object.fromEntries(
      ['interior', 'labour', 'foreign-affairs', 'border-service'].map((m) => [m, temporary]),
    ),
  };

  it('keeps each session token through to the EventBridge client configuration', () => {
    const identities = identitiesFromFile(file, 'creds.json', {});
    expect(eventBridgeConfig(identities, 'labour')).toEqual({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:4566',
      credentials: { ...temporary },
    });
    expect(identities.operators.interior).toEqual(temporary);
  });

  it('lets --region and --endpoint override the file', () => {
    expect(
      eventBridgeConfig(
        identitiesFromFile(file, 'creds.json', {
          region: 'eu-central-1',
          endpoint: 'https://events.eu-central-1.amazonaws.com',
        }),
        'interior',
      ),
    ).toMatchObject({
      region: 'eu-central-1',
      endpoint: 'https://events.eu-central-1.amazonaws.com',
    });
  });

  it('names every field that is missing or wrong', () => {
    const broken = structuredClone(file) as {
      region?: string;
      agencies: Record<string, Record<string, unknown>>;
      operators: Record<string, unknown>;
    };
    delete broken.agencies.labour!.secretAccessKey;
    broken.agencies.interior!.sessionToken = '';
    delete broken.operators['border-service'];
    expect(() => identitiesFromFile(broken, 'creds.json', {})).toThrow(
      new RegExp(
        String.raw`creds\.json is not a credentials file.*agencies\.interior\.sessionToken: ` +
          String.raw`.*agencies\.labour\.secretAccessKey: .*operators\.border-service: `,
      ),
    );
    expect(() => identitiesFromFile({ ...file, region: undefined }, 'creds.json', {})).toThrow(
      /creds\.json names no region: add "region" to it or pass --region/,
    );
  });
});
