import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalQuery, SignatureV4 } from '@smithy/signature-v4';

export interface SigningKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (an assumed role) carry a session token, sent as X-Amz-Security-Token and signed. */
  readonly sessionToken?: string;
}

/** Query parameters as the server will decode them, repeated keys kept. */
function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [key, value] of search) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return query;
}

/**
 * fetch() with a SigV4 signature for API Gateway's IAM authorisation
 * (service `execute-api`): how agency software and the CLI call the command
 * and query APIs, on AWS and on the local cloud alike.
 *
 * What is sent is exactly what was signed: the query goes out in its
 * canonical form (sorted, RFC 3986-encoded) rather than as the caller wrote
 * it, the body is the very bytes whose SHA-256 was signed, and the signature
 * covers host, content-type, x-amz-date and x-amz-content-sha256.
 */
export async function signedFetch(
  url: string,
  options: {
    method?: string;
    body?: string;
    keys: SigningKeys;
    region: string;
    service?: string;
    headers?: Readonly<Record<string, string>>;
  },
): Promise<Response> {
  const target = new URL(url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
  const request = new HttpRequest({
    method: options.method ?? 'GET',
    protocol: target.protocol,
    hostname: target.hostname,
    ...(target.port ? { port: Number(target.port) } : {}),
    // Already percent-encoded once, as API Gateway receives it; the signer encodes it a second time, as SigV4
    // requires for every service but S3.
    path: target.pathname,
    query: queryOf(target.searchParams),
    headers: {
      ...options.headers,
      host: target.host,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  const signer = new SignatureV4({
    credentials: { ...options.keys },
    region: options.region,
    service: options.service ?? 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(request);
  const search = getCanonicalQuery(signed);
  return fetch(`${target.protocol}//${target.host}${target.pathname}${search ? `?${search}` : ''}`, {
    method: signed.method,
    headers: signed.headers,
    ...(body !== undefined ? { body } : {}),
  });
}
