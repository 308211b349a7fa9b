import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Keys (with a session token when they are temporary) or a provider of them, as the SDK's own signer takes them. */
export type SigningCredentials = ConstructorParameters<typeof SignatureV4>[0]['credentials'];

export interface SignedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface SignOptions {
  readonly method?: string;
  readonly body?: string;
  readonly credentials: SigningCredentials;
  readonly region: string;
  /** Default `execute-api`: API Gateway's IAM authorisation. */
  readonly service?: string;
  readonly signingDate?: Date;
}

/**
 * Signs a request with SigV4 for the CLI: like functions/lib/signed-fetch.ts,
 * but it takes any credentials the SDK can resolve, so temporary ones (an
 * assumed role's, with a session token, which the signer then sends and signs
 * as `x-amz-security-token`) and the default provider chain work too. Kept
 * apart from the fetch so its headers can be checked.
 */
export async function signRequest(url: string, options: SignOptions): Promise<SignedRequest> {
  const target = new URL(url);
  const query: Record<string, string | string[]> = {};
  target.searchParams.forEach((value, key) => {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  });
  const method = options.method ?? 'GET';
  const request = new HttpRequest({
    method,
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    query,
    headers: { host: target.host, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service ?? 'execute-api',
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign(request, options.signingDate ? { signingDate: options.signingDate } : {});
  return {
    url,
    method,
    headers: signed.headers as Record<string, string>,
    ...(options.body !== undefined ? { body: options.body } : {}),
  };
}

export async function fetchSigned(url: string, options: SignOptions): Promise<Response> {
  const signed = await signRequest(url, options);
  return fetch(signed.url, {
    method: signed.method,
    headers: signed.headers,
    ...(signed.body !== undefined ? { body: signed.body } : {}),
  });
}
