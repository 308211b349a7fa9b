/**
 * Verifies AWS Signature Version 4 on incoming requests by signing them again
 * with @smithy/signature-v4 (the SDK's own signer) and comparing signatures.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SignedRequest {
  readonly method: string;
  /** Path and query as received (`/api/x?y=1`). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface VerifiedCaller {
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
}

/** An authentication failure with the AWS error code a JSON-protocol client expects. */
export class AuthError extends Error {
  constructor(
    readonly code: 'MissingAuthenticationTokenException' | 'UnrecognizedClientException' | 'InvalidSignatureException' | 'IncompleteSignatureException',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

const AUTH_PATTERN = /^AWS4-HMAC-SHA256\s+Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60 * 1000;

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return query;
}

export async function verifySignature(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): Promise<VerifiedCaller> {
  const authorization = request.headers.authorization;
  if (!authorization) throw new AuthError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  const match = AUTH_PATTERN.exec(authorization.trim());
  if (!match) throw new AuthError('IncompleteSignatureException', 'Authorization header is not a valid AWS4-HMAC-SHA256 signature');
  const [, accessKeyId, , region, service, signedHeaderList, signature] = match as unknown as string[];
  const secretAccessKey = secretFor(accessKeyId!);
  if (!secretAccessKey) throw new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');

  const amzDate = request.headers['x-amz-date'];
  const signingDate = typeof amzDate === 'string' ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) throw new AuthError('IncompleteSignatureException', 'Authorization header requires existence of an X-Amz-Date header');
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new AuthError('InvalidSignatureException', 'Signature expired: the request time is more than 15 minutes from the server time');
  }

  const signedHeaders = signedHeaderList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw new AuthError('InvalidSignatureException', `Signed header ${name} is missing from the request`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(request.url, 'http://local');
  const resigned = await new SignatureV4({ credentials: { accessKeyId: accessKeyId!, secretAccessKey }, region: region!, service: service!, sha256: Hash.bind(null, 'sha256'), uriEscapePath: service !== 's3' }).sign(
    new HttpRequest({ method: request.method, protocol: 'http:', hostname: 'local', path: decodeURIComponent(url.pathname), query: queryOf(url.searchParams), headers, body: request.body }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers.authorization))?.[1] ?? '';
  if (expected.length !== signature!.length || !timingSafeEqual(Buffer.from(expected), Buffer.from(signature!))) {
    throw new AuthError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { accessKeyId: accessKeyId!, region: region!, service: service! };
}
