/**
 * Requests as bytes on the wire, for the scenarios that must send what no
 * SDK would: signed with the SDK's own SigV4 signer (@smithy/signature-v4),
 * then possibly changed after signing, and sent with node:http over a
 * keep-alive agent with a hard timeout (a request that never gets an
 * answer is a finding, not a hung bench).
 */
import { Agent, request as httpRequest } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalQuery, SignatureV4 } from '@smithy/signature-v4';
import type { KeyPair } from '../../infra/local/credentials.ts';

export interface WireRequest {
  readonly method: string;
  /** The path as sent (already percent-encoded), without the query. */
  readonly path: string;
  /** The query as sent, in order; repeated keys allowed. */
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Sent instead of path and query when set: a target changed after signing, byte for byte. */
  readonly rawTarget?: string;
}

export interface SigningOptions {
  readonly keys: KeyPair;
  readonly region: string;
  /** `events`, `dynamodb`, `sqs` or `execute-api`. */
  readonly service: string;
  /** Default now; an old date makes an expired signature. */
  readonly date?: Date;
}

const signers = new Map<string, SignatureV4>();

function signerFor(options: SigningOptions): SignatureV4 {
  const key =
    `${options.keys.accessKeyId}\u0000${options.keys.secretAccessKey}\u0000${options.region}\u0000` +
    `${options.service}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = new SignatureV4({
      credentials: { ...options.keys },
      region: options.region,
      service: options.service,
      sha256: Hash.bind(null, 'sha256'),
    });
    signers.set(key, signer);
  }
  return signer;
}

/**
 * Signs a request as the AWS SDK would for this service. The query goes
 * out in the canonical order the signature covers (as functions/lib/signed-fetch.ts does).
 */
export async function sign(request: WireRequest, endpoint: string, options: SigningOptions): Promise<WireRequest> {
  const url = new URL(endpoint);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of request.query) {
    const existing = query[k];
    query[k] = existing === undefined ? v : [...[existing].flat(), v];
  }
  const unsigned = new HttpRequest({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: request.path,
    query,
    headers: { ...request.headers, host: url.host },
    body: request.body,
  });
  const signed = await signerFor(options).sign(unsigned, options.date ? { signingDate: options.date } : {});
  const canonical = getCanonicalQuery(signed);
  return {
    method: request.method,
    path: request.path,
    query: canonical
      ? canonical.split('&').map((pair) => {
          const at = pair.indexOf('=');
          return [decodeURIComponent(pair.slice(0, at)), decodeURIComponent(pair.slice(at + 1))] as const;
        })
      : [],
    headers: signed.headers as Record<string, string>,
    body: request.body,
  };
}

/** RFC 3986 encoding, as SigV4 canonicalises a query. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function target(request: WireRequest): string {
  if (request.rawTarget !== undefined) return request.rawTarget;
  const query = request.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  return query ? `${request.path}?${query}` : request.path;
}

export interface WireResponse {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/** How a request ended without an answer. */
export class NoAnswer extends Error {
  constructor(
    readonly kind: 'timeout' | 'connection' | 'client',
    message: string,
    readonly ms: number,
  ) {
    super(message);
  }
}

export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/**
 * Sends a request and reads the whole answer. Rejects with NoAnswer on a
 * timeout (the server stalled), a dropped connection, or a request Node
 * itself refuses to send ('client': a generator bug, not a server finding).
 */
export function send(endpoint: string, request: WireRequest, agent: Agent, timeoutMs: number): Promise<WireResponse> {
  const url = new URL(endpoint);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const elapsed = () => performance.now() - started;
    let settled = false;
    const fail = (kind: NoAnswer['kind'], message: string) => {
      if (settled) return;
      settled = true;
      reject(new NoAnswer(kind, message, elapsed()));
    };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = httpRequest({
        host: url.hostname,
        port: Number(url.port),
        method: request.method,
        path: target(request),
        headers: { ...request.headers, 'content-length': String(request.body.length) },
        agent,
      });
    } catch (error) {
      fail('client', (error as Error).message);
      return;
    }
    const timer = setTimeout(() => {
      fail('timeout', `no answer within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: elapsed() });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        fail('connection', error.message);
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(error.code?.startsWith('ERR_') ? 'client' : 'connection', `${error.code ?? ''} ${error.message}`.trim());
    });
    req.end(request.body);
  });
}
