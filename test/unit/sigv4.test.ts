import { createHash, createHmac } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { AuthError, type SignedRequest, verifySignature } from '../../infra/local/sigv4.ts';

const NOW = new Date('2021-12-01T10:00:00Z');
const KEYS = { accessKeyId: 'AKIALOCALTESTKEY0001', secretAccessKey: 'a-secret-of-forty-characters-0123456789' };
const secretFor = (id: string) => (id === KEYS.accessKeyId ? KEYS.secretAccessKey : undefined);

interface Signing {
  readonly method?: string;
  /** As the signer takes it: already percent-encoded once. */
  readonly path?: string;
  /** Decoded values, as the signer takes them. */
  readonly query?: Record<string, string | string[]>;
  /** The query exactly as it goes on the wire (any order, `+` or `%20`); defaults to none. */
  readonly wireQuery?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly service?: string;
  /** false: botocore and curl, which do not sign x-amz-content-sha256; true: the JS SDK, which does. */
  readonly signsPayloadHeader?: boolean;
  readonly signableHeaders?: string[];
  readonly signingDate?: Date;
}

async function signed(options: Signing = {}): Promise<SignedRequest> {
  const body = options.body ?? '{"Entries":[]}';
  const request = new HttpRequest({
    method: options.method ?? 'POST',
    protocol: 'http:',
    hostname: '127.0.0.1',
    port: 4566,
    path: options.path ?? '/',
    query: options.query ?? {},
    headers: {
      host: '127.0.0.1:4566',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSEvents.PutEvents',
      ...options.headers,
    },
    body,
  });
  const signer = new SignatureV4({
    credentials: KEYS,
    region: 'us-east-1',
    service: options.service ?? 'events',
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: options.signsPayloadHeader ?? true,
  });
  const out = await signer.sign(request, {
    signingDate: options.signingDate ?? NOW,
    ...(options.signableHeaders ? { signableHeaders: new Set(options.signableHeaders) } : {}),
  });
  const headers = Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: out.method,
    url: `${out.path}${options.wireQuery ? `?${options.wireQuery}` : ''}`,
    headers,
    body: Buffer.from(body),
  };
}

const verify = (request: SignedRequest, now = NOW) => verifySignature(request, secretFor, now);

/** Swaps a substring for another of the same length: a replay with a forged body that keeps Content-Length. */
function forgeBody(request: SignedRequest, from: string, to: string): SignedRequest {
  const body = request.body.toString('utf8');
  expect(body).toContain(from);
  expect(to).toHaveLength(from.length);
  return { ...request, body: Buffer.from(body.replace(from, to)) };
}

const withHeaders = (request: SignedRequest, headers: Record<string, string | undefined>): SignedRequest => {
  const merged: Record<string, string | string[] | undefined> = { ...request.headers, ...headers };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return { ...request, headers: merged };
};

const authParts = (request: SignedRequest) => {
  const m = /^AWS4-HMAC-SHA256 Credential=(.+?), SignedHeaders=(.+?), Signature=([0-9a-f]{64})$/.exec(
    String(request.headers.authorization),
  )!;
  return { credential: m[1]!, signedHeaders: m[2]!, signature: m[3]! };
};

const VISA = '{"Entries":[{"Detail":"{\\"person\\":\\"EA1234567\\"}"}]}';

describe('verifySignature accepts what real signers send', () => {
  const accepted: [string, () => Promise<SignedRequest>][] = [
    ['the JS SDK: x-amz-content-sha256 signed', () => signed({ body: VISA })],
    [
      'botocore and curl: only host, x-amz-date and the content headers signed',
      () => signed({ body: VISA, signsPayloadHeader: false }),
    ],
    [
      'a GET with no body',
      () =>
        signed({
          method: 'GET',
          body: '',
          path: '/api/views/labour/stats',
          service: 'execute-api',
          signsPayloadHeader: false,
        }),
    ],
    [
      'a query sent unsorted, with a repeated key, `+` for a space and UTF-8, signed sorted by encoded key then value',
      () =>
        signed({
          method: 'GET',
          body: '',
          path: '/api/views/labour/person',
          service: 'execute-api',
          query: { purpose: 'case 2021/17 ü', b: '2', a: ['y', 'x'], empty: '' },
          wireQuery: 'purpose=case+2021%2F17%20%C3%BC&b=2&a=y&empty=&a=x',
        }),
    ],
    [
      'a path with percent-encoded segments (signed encoded twice, as for every service but S3)',
      () => signed({ path: '/api/a%20b/%C3%BC/c', service: 'execute-api' }),
    ],
    [
      'a header value with runs of spaces and tabs (trimmed and collapsed)',
      () => signed({ headers: { 'x-amz-meta-note': '  a   b \t c  ' } }),
    ],
    [
      'user-agent signed, which the SDK never signs by default',
      () => signed({ headers: { 'user-agent': 'agency-system/1.0' }, signableHeaders: ['user-agent'] }),
    ],
    ['a request signed 14 minutes ago', () => signed({ signingDate: new Date(NOW.getTime() - 14 * 60_000) })],
  ];
  it.each(accepted)('%s', async (_, make) => {
    await expect(verify(await make())).resolves.toEqual({
      accessKeyId: KEYS.accessKeyId,
      region: 'us-east-1',
      service: expect.any(String),
    });
  });
});

describe('verifySignature agrees with AWS\u2019s published SigV4 test suite', () => {
  // aws-sig-v4-test-suite: credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z, us-east-1, service "service";
  // host and x-amz-date signed, empty body.
  const SUITE_NOW = new Date('2015-08-30T12:36:00Z');
  const suiteSecret = (id: string) => (id === 'AKIDEXAMPLE' ? 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' : undefined);
  const vectors: [string, string, string, Record<string, string>, string][] = [
    ['get-vanilla', 'GET', '/', {}, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['post-vanilla', 'POST', '/', {}, '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
    [
      'get-vanilla-query-order-key-case',
      'GET',
      '/?Param2=value2&Param1=value1',
      {},
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    ],
    [
      'get-vanilla-utf8-query',
      'GET',
      '/?%E1%88%B4=bar',
      {},
      '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
    ],
    [
      'get-unreserved',
      'GET',
      '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
      {},
      '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
    ],
    [
      'post-header-key-sort',
      'POST',
      '/',
      { 'my-header1': 'value1' },
      'c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c',
    ],
  ];
  it.each(vectors)('%s', async (_, method, url, extra, signature) => {
    const signedHeaders = ['host', ...Object.keys(extra), 'x-amz-date'].join(';');
    const request: SignedRequest = {
      method,
      url,
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        ...extra,
        authorization:
          `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=` +
          `${signedHeaders}, Signature=${signature}`,
      },
      body: Buffer.alloc(0),
    };
    await expect(verifySignature(request, suiteSecret, SUITE_NOW)).resolves.toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'us-east-1',
      service: 'service',
    });
  });

  it('accepts a request that signs Date rather than X-Amz-Date, as SigV4 allows', async () => {
    // Signed by hand, step by step as the AWS guide describes, independently of @smithy/signature-v4.
    const date = 'Wed, 01 Dec 2021 10:00:00 GMT';
    const body = '{"Entries":[]}';
    const canonical = [
      'POST',
      '/',
      '',
      'content-type:application/x-amz-json-1.1',
      `date:${date}`,
      'host:127.0.0.1:4566',
      '',
      'content-type;date;host',
      createHash('sha256').update(body).digest('hex'),
    ].join('\n');
    const scope = '20211201/us-east-1/events/aws4_request';
    const toSign = [
      'AWS4-HMAC-SHA256',
      '20211201T100000Z',
      scope,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    const key = ['20211201', 'us-east-1', 'events', 'aws4_request'].reduce<Buffer | string>(
      (k, part) => createHmac('sha256', k).update(part).digest(),
      `AWS4${KEYS.secretAccessKey}`,
    );
    const signature = createHmac('sha256', key).update(toSign).digest('hex');
    const request: SignedRequest = {
      method: 'POST',
      url: '/',
      headers: {
        host: '127.0.0.1:4566',
        date,
        'content-type': 'application/x-amz-json-1.1',
        authorization:
          `AWS4-HMAC-SHA256 Credential=${KEYS.accessKeyId}/${scope}, SignedHeaders=content-type;date;host, ` +
          `Signature=${signature}`,
      },
      body: Buffer.from(body),
    };
    await expect(verify(request)).resolves.toMatchObject({ service: 'events' });
    await expect(verify({ ...request, body: Buffer.from('{"Entries":{}}') })).rejects.toMatchObject({
      code: 'InvalidSignatureException',
    });
  });
});

describe('verifySignature refuses, always with an AuthError naming the problem', () => {
  const refused: [string, () => Promise<SignedRequest>, AuthError['code'], RegExp][] = [
    [
      'an SDK request replayed with another body of the same length',
      async () => forgeBody(await signed({ body: VISA }), 'EA1234567', 'EA7654321'),
      'InvalidSignatureException',
      /x-amz-content-sha256 does not match the SHA-256 of the body/,
    ],
    [
      'a botocore request replayed with another body of the same length',
      async () => forgeBody(await signed({ body: VISA, signsPayloadHeader: false }), 'EA1234567', 'EA7654321'),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'a forged body with a matching but unsigned x-amz-content-sha256 added',
      async () =>
        withHeaders(forgeBody(await signed({ body: VISA, signsPayloadHeader: false }), 'EA1234567', 'EA7654321'), {
          'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        }),
      'InvalidSignatureException',
      /x-amz-content-sha256 does not match/,
    ],
    [
      'UNSIGNED-PAYLOAD, an S3 feature',
      () => signed({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }),
      'InvalidSignatureException',
      /UNSIGNED-PAYLOAD is an S3 feature/,
    ],
    [
      'a streaming payload, an S3 feature',
      () => signed({ headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } }),
      'InvalidSignatureException',
      /S3 feature/,
    ],
    [
      'a signed header changed after signing',
      async () => withHeaders(await signed(), { 'x-amz-target': 'AWSEvents.ListRules' }),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'the query changed after signing',
      async () => ({
        ...(await signed({ method: 'GET', body: '', query: { a: '1' }, wireQuery: 'a=1' })),
        url: '/?a=2',
      }),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'the path changed after signing',
      async () => ({ ...(await signed({ path: '/commands/berkut' })), url: '/commands/qandas' }),
      'InvalidSignatureException',
      /signature we calculated does not match/,
    ],
    [
      'a signed header missing from the request',
      async () => withHeaders(await signed(), { 'x-amz-target': undefined }),
      'IncompleteSignatureException',
      /SignedHeaders lists x-amz-target, but the request has no x-amz-target header/,
    ],
    [
      'SignedHeaders without host',
      async () => {
        const request = await signed();
        const { credential, signedHeaders, signature } = authParts(request);
        return withHeaders(request, {
          authorization:
            `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders.replace('host;', '')}, ` +
            `Signature=${signature}`,
        });
      },
      'IncompleteSignatureException',
      /SignedHeaders must include host/,
    ],
    [
      'no X-Amz-Date and no Date',
      async () => withHeaders(await signed(), { 'x-amz-date': undefined }),
      'IncompleteSignatureException',
      /X-Amz-Date or a Date header/,
    ],
    [
      'a request signed 16 minutes ago',
      () => signed({ signingDate: new Date(NOW.getTime() - 16 * 60_000) }),
      'InvalidSignatureException',
      /Signature expired/,
    ],
    [
      'a credential scoped to another day',
      async () => {
        const request = await signed();
        const { credential, signedHeaders, signature } = authParts(request);
        return withHeaders(request, {
          authorization:
            `AWS4-HMAC-SHA256 Credential=${credential.replace('20211201', '20211130')}, SignedHeaders=` +
            `${signedHeaders}, Signature=${signature}`,
        });
      },
      'InvalidSignatureException',
      /Date in Credential scope does not match/,
    ],
    [
      'a path with a broken percent-encoding',
      async () => ({ ...(await signed()), url: '/%E0%A4%A' }),
      'IncompleteSignatureException',
      /request path has a % that does not start/,
    ],
    [
      'a query with a broken percent-encoding',
      async () => ({ ...(await signed()), url: '/?a=%E0%A4%A' }),
      'IncompleteSignatureException',
      /query parameter "a" is not valid percent-encoded UTF-8/,
    ],
    [
      'a query that is not UTF-8',
      async () => ({ ...(await signed()), url: '/?a=%FF' }),
      'IncompleteSignatureException',
      /not valid percent-encoded UTF-8/,
    ],
    [
      'a huge Authorization header',
      async () => withHeaders(await signed(), { authorization: `AWS4-HMAC-SHA256 Credential=${'A'.repeat(100_000)}` }),
      'IncompleteSignatureException',
      /longer than 4096/,
    ],
    [
      'a huge signed header',
      () => signed({ headers: { 'x-amz-meta-note': 'x'.repeat(70_000) } }),
      'IncompleteSignatureException',
      /signed headers are longer than/,
    ],
    [
      'a huge request target',
      async () => ({ ...(await signed()), url: `/?a=${'x'.repeat(20_000)}` }),
      'IncompleteSignatureException',
      /request target is longer/,
    ],
    [
      'another algorithm',
      async () => withHeaders(await signed(), { authorization: 'AWS4-ECDSA-P256-SHA256 Credential=x' }),
      'IncompleteSignatureException',
      /must start with AWS4-HMAC-SHA256/,
    ],
    [
      'a signature that is not hex',
      async () => {
        const request = await signed();
        const { credential, signedHeaders } = authParts(request);
        return withHeaders(request, {
          authorization:
            `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=` +
            `${'Z'.repeat(64)}`,
        });
      },
      'IncompleteSignatureException',
      /Signature must be 64 lower-case hex digits/,
    ],
    [
      'an unknown access key',
      async () => {
        const request = await signed();
        const { credential, signedHeaders, signature } = authParts(request);
        return withHeaders(request, {
          authorization:
            `AWS4-HMAC-SHA256 Credential=${credential.replace(KEYS.accessKeyId, 'AKIAUNKNOWNUNKNOWN00')}, ` +
            `SignedHeaders=${signedHeaders}, Signature=${signature}`,
        });
      },
      'UnrecognizedClientException',
      /security token included in the request is invalid/,
    ],
    [
      'no Authorization header',
      async () => withHeaders(await signed(), { authorization: undefined }),
      'MissingAuthenticationTokenException',
      /missing Authentication Token/,
    ],
  ];
  it.each(refused)('%s', async (_, make, code, message) => {
    const error = await verify(await make()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it(
    'answers every mutation of a valid request with an AuthError (or acceptance, where it left the request ' +
      'equivalent), never another exception',
    async () => {
      const original = await signed({
        method: 'GET',
        body: '',
        path: '/api/views/labour/person',
        query: { iin: '900101300017', purpose: 'case 17' },
        wireQuery: 'iin=900101300017&purpose=case%2017',
      });
      const authorization = String(original.headers.authorization);
      // A deterministic generator: the same mutations every run.
      let seed = 2021;
      const next = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      const alphabet = [
        '%',
        '/',
        ',',
        '=',
        ';',
        ' ',
        '\t',
        '\u0000',
        '\u00e9',
        '\ud800',
        'A',
        '0',
        '',
        '%zz',
        '..',
        '?',
        '#',
      ];
      const mutate = (text: string) => {
        const at = next(text.length + 1);
        const cut = next(4);
        return `${text.slice(0, at)}${alphabet[next(alphabet.length)]}${text.slice(at + cut)}`;
      };
      const outcomes = new Map<string, number>();
      for (let i = 0; i < 600; i++) {
        const target = next(3);
        const request: SignedRequest =
          target === 0
            ? withHeaders(original, { authorization: mutate(authorization) })
            : target === 1
              ? { ...original, url: mutate(original.url) }
              : withHeaders(original, { 'x-amz-date': mutate(String(original.headers['x-amz-date'])) });
        const outcome = await verify(request).then(
          () => 'accepted',
          (e: unknown) => (e instanceof AuthError ? e.code : `thrown ${String(e)}`),
        );
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      // A mutation may leave the request unchanged in meaning (a trailing space, `+` for
      // nothing); anything else is refused.
      const unexpected = [...outcomes.keys()].filter((o) => o.startsWith('thrown'));
      expect(unexpected).toEqual([]);
      expect(outcomes.get('InvalidSignatureException')).toBeGreaterThan(0);
      expect(outcomes.get('IncompleteSignatureException')).toBeGreaterThan(0);
    },
  );
});
