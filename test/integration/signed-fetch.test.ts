/**
 * signedFetch sends exactly what it signed: a bare HTTP server records what
 * arrives on the wire and the local cloud's verifier checks it, for URLs
 * whose query or path a careless signer would sign differently from how it
 * sends them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { type SignedRequest, verifySignature } from '../../infra/local/sigv4.ts';

const KEYS = { accessKeyId: 'AKIALOCALTESTKEY0002', secretAccessKey: 'another-secret-of-forty-characters-0123' };
let server: Server;
let base: string;
const received: SignedRequest[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function sendAndVerify(url: string, body?: string) {
  received.length = 0;
  expect(
    (
      await signedFetch(url, {
        keys: KEYS,
        region: 'eu-central-1',
        ...(body !== undefined ? { method: 'POST', body } : {}),
      })
    ).status,
  ).toBe(200);
  const [request] = received;
  return {
    request: request!,
    verified: await verifySignature(request!, (id) => (id === KEYS.accessKeyId ? KEYS.secretAccessKey : undefined)),
  };
}

describe('signedFetch', () => {
  const urls: [string, string][] = [
    ['a plain query', '/api/views/labour/stats?year=2021'],
    [
      'a repeated key, kept and signed twice',
      '/api/views/labour/person?iin=900101300017&tag=b&tag=a&purpose=case%2017',
    ],
    [
      '`+` for a space and reserved characters',
      '/api/views/labour/person?purpose=case+2021/17+%26+more&iin=900101300017',
    ],
    ['an API Gateway stage and an encoded path segment', '/prod/api/views/labour/a%20b?year=2021'],
  ];
  it.each(urls)('sends what it signs: %s', async (_, target) => {
    const { request, verified } = await sendAndVerify(`${base}${target}`);
    expect(verified).toEqual({ accessKeyId: KEYS.accessKeyId, region: 'eu-central-1', service: 'execute-api' });
    // The values the server reads are the values the caller meant.
    const sent = new URL(target, base).searchParams;
    const arrived = new URL(request.url, base).searchParams;
    expect([...arrived].sort()).toEqual([...sent].sort());
  });

  it('signs the body it sends, byte for byte, UTF-8 included', async () => {
    const body = JSON.stringify({ command: 'issue-visa', input: { holder: { surname: 'ҚАЙРАТ' } } });
    const { request, verified } = await sendAndVerify(`${base}/commands/berkut`, body);
    expect(verified.service).toBe('execute-api');
    expect(request.body.toString('utf8')).toBe(body);
    expect(request.headers['content-type']).toBe('application/json');
  });
});
