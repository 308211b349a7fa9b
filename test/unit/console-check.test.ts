import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConsole, consolePageUrl } from '../../infra/cli/console-check.ts';
import { serveConsole } from '../../infra/local/console.ts';

/** The local cloud's console, served by its own code; and consoles that answer wrongly, one server each. */
let server: Server;
let base: string;

const variants: Record<string, (res: ServerResponse) => void> = {
  '/no-csp/': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html>'),
  '/json/': (res) =>
    res
      .writeHead(200, { 'content-type': 'application/json', 'content-security-policy': "default-src 'none'" })
      .end('{}'),
  '/denied/': (res) =>
    res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>'),
  '/empty-csp/': (res) =>
    res
      .writeHead(200, { 'content-type': 'text/html', 'content-security-policy': 'upgrade-insecure-requests' })
      .end('<!doctype html>'),
};

beforeAll(async () => {
  server = createServer(
    (req: IncomingMessage, res: ServerResponse) =>
      void serveConsole(req.url ?? '/', res).then((served) => served || res.writeHead(404).end()),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('mx smoke console check', () => {
  it('passes the local cloud\u2019s console: 200, text/html, a CSP naming its sources', async () => {
    const answer = await checkConsole(base);
    expect(answer).toMatchObject({
      url: `${base}/`,
      status: 200,
      contentType: 'text/html; charset=utf-8',
      contentSecurityPolicy: expect.stringContaining("script-src 'self'"),
    });
  });

  it('checks the page at the root of whatever URL it is given (the ConsoleUrl output has no path)', () => {
    expect(consolePageUrl('https://d111111abcdef8.cloudfront.net')).toBe('https://d111111abcdef8.cloudfront.net/');
    expect(consolePageUrl('http://127.0.0.1:4566/')).toBe('http://127.0.0.1:4566/');
  });

  it.each([
    ['a page without a CSP', '/no-csp/', /answered without a Content-Security-Policy$/],
    [
      'a CSP that names no sources',
      '/empty-csp/',
      /answered without a Content-Security-Policy naming its sources \(got "upgrade-insecure-requests"\)/,
    ],
    ['JSON instead of the page', '/json/', /answered application\/json, not text\/html/],
    ['a refusal', '/denied/', /answered 403 Forbidden, not 200 with its page/],
  ])('fails on %s, in one sentence naming the URL', async (_what, variant, message) => {
    const variantServer = createServer((_req, res) => variants[variant]!(res));
    await new Promise<void>((resolve) => variantServer.listen(0, '127.0.0.1', resolve));
    const variantBase = `http://127.0.0.1:${(variantServer.address() as AddressInfo).port}`;
    try {
      await expect(checkConsole(variantBase)).rejects.toMatchObject({
        name: 'CliError',
        message: expect.stringMatching(new RegExp(`^the console at ${variantBase}/ ${message.source}`)),
      });
    } finally {
      await new Promise<void>((resolve) => variantServer.close(() => resolve()));
    }
  });

  it('says the console is not reachable when nothing listens, and refuses what is not a URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(checkConsole(`http://127.0.0.1:${port}`)).rejects.toMatchObject({
      name: 'CliError',
      message: `the console at http://127.0.0.1:${port}/ is not reachable: ECONNREFUSED`,
    });
    expect(() => consolePageUrl('d111.cloudfront.net')).toThrow(
      /--console must be the console's URL \(the ConsoleUrl stack output\)/,
    );
    expect(() => consolePageUrl('ftp://example.kz')).toThrow('--console must be an http(s) URL, got ftp:');
  });
});
