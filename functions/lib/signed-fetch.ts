import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * fetch() with a SigV4 signature for API Gateway's IAM authorisation
 * (service `execute-api`): how agency software and the CLI call the command
 * and query APIs, on AWS and on the local cloud alike.
 */
export async function signedFetch(
  url: string,
  options: { method?: string; body?: string; keys: SigningKeys; region: string; service?: string },
): Promise<Response> {
  const target = new URL(url);
  const query: Record<string, string> = {};
  target.searchParams.forEach((value, key) => (query[key] = value));
  const request = new HttpRequest({
    method: options.method ?? 'GET',
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port ? Number(target.port) : undefined,
    path: target.pathname,
    query,
    headers: { host: target.host, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const signer = new SignatureV4({ credentials: { ...options.keys }, region: options.region, service: options.service ?? 'execute-api', sha256: Hash.bind(null, 'sha256') });
  const signed = await signer.sign(request);
  return fetch(url, { method: request.method, headers: signed.headers as Record<string, string>, ...(options.body !== undefined ? { body: options.body } : {}) });
}
