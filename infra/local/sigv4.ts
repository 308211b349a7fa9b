/**
 * Verifies AWS Signature Version 4 on incoming requests the way AWS does:
 * over the body the server actually received and exactly the headers the
 * client lists in `SignedHeaders`, so the JS SDK, the AWS CLI (botocore) and
 * curl `--aws-sigv4` all verify.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 *
 * Every failure, however malformed the request, is an AuthError (a 4xx for
 * the caller); nothing else escapes `verifySignature`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import {
  AMZ_DATE_HEADER,
  createScope,
  DATE_HEADER,
  getCanonicalHeaders,
  getPayloadHash,
  getSigningKey,
  HOST_HEADER,
  SHA256_HEADER,
  SignatureV4Base,
  UNSIGNED_PAYLOAD,
} from '@smithy/signature-v4';

export interface SignedRequest {
  readonly method: string;
  /** Path and query as received (`/api/x?y=1`), still percent-encoded. */
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
    readonly code:
      | 'MissingAuthenticationTokenException'
      | 'UnrecognizedClientException'
      | 'InvalidSignatureException'
      | 'IncompleteSignatureException',
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

/** Header name to value, as @smithy/signature-v4 canonicalises them. */
type HeaderBag = Record<string, string>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
/** Bounds that keep a hostile header from costing more than a real one: botocore's Authorization is ~250 characters. */
const MAX_AUTHORIZATION_LENGTH = 4096;
const MAX_SIGNED_HEADERS = 64;
const MAX_SIGNED_HEADER_BYTES = 64 * 1024;
const MAX_URL_LENGTH = 16 * 1024;
/** RFC 7230 token characters, lower case as SigV4 requires. */
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access ' +
  'Key and signing method.';

interface Authorization {
  readonly accessKeyId: string;
  readonly scopeDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const incomplete = (message: string) => new AuthError('IncompleteSignatureException', message);

/**
 * Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` by
 * splitting rather than with one large regular expression, so its cost is
 * linear in the (bounded) header length whatever the input.
 */
export function parseAuthorization(header: string): Authorization {
  if (header.length > MAX_AUTHORIZATION_LENGTH)
    throw incomplete(`Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters`);
  const trimmed = header.trim();
  if (!trimmed.startsWith(`${ALGORITHM} `))
    throw incomplete(`Authorization header must start with ${ALGORITHM} (the only algorithm this endpoint accepts)`);
  const parts = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length).split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw incomplete(`Authorization header component ${JSON.stringify(item.slice(0, 40))} is not name=value`);
    const name = item.slice(0, eq);
    if (parts.has(name)) throw incomplete(`Authorization header repeats ${name}`);
    parts.set(name, item.slice(eq + 1));
  }
  for (const required of ['Credential', 'SignedHeaders', 'Signature']) {
    if (!parts.has(required)) throw incomplete(`Authorization header requires a ${required} component`);
  }
  if (parts.size !== 3) throw incomplete('Authorization header takes exactly Credential, SignedHeaders and Signature');
  const credential = parts.get('Credential')!.split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = credential;
  if (credential.length !== 5 || terminator !== 'aws4_request')
    throw incomplete('Credential must be <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request');
  if (!/^[A-Za-z0-9]{1,128}$/.test(accessKeyId!))
    throw incomplete('Credential: the access key id must be letters and digits');
  if (!/^\d{8}$/.test(scopeDate!)) throw incomplete('Credential: the scope date must be YYYYMMDD');
  if (!/^[a-z0-9-]{1,64}$/.test(region!))
    throw incomplete('Credential: the region must be lower-case letters, digits and dashes');
  if (!/^[a-z0-9-]{1,64}$/.test(service!))
    throw incomplete('Credential: the service must be lower-case letters, digits and dashes');
  const signedHeaders = parts.get('SignedHeaders')!.split(';');
  if (signedHeaders.length > MAX_SIGNED_HEADERS)
    throw incomplete(`SignedHeaders lists more than ${MAX_SIGNED_HEADERS} headers`);
  for (const name of signedHeaders) {
    if (!HEADER_NAME.test(name))
      throw incomplete(`SignedHeaders: ${JSON.stringify(name.slice(0, 40))} is not a lower-case header name`);
  }
  if (new Set(signedHeaders).size !== signedHeaders.length) throw incomplete('SignedHeaders lists a header twice');
  const signature = parts.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(signature)) throw incomplete('Signature must be 64 lower-case hex digits');
  return {
    accessKeyId: accessKeyId!,
    scopeDate: scopeDate!,
    region: region!,
    service: service!,
    signedHeaders,
    signature,
  };
}

function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (Array.isArray(value)) throw incomplete(`the ${name} header appears more than once`);
  return value;
}

/**
 * The request time the client signed: X-Amz-Date (ISO 8601 basic) or, failing that, Date (HTTP-date),
 * whichever it lists in SignedHeaders.
 */
function signingDateOf(headers: IncomingHttpHeaders, signed: ReadonlySet<string>): Date {
  const amzDate = singleHeader(headers, AMZ_DATE_HEADER);
  if (amzDate !== undefined) {
    if (!signed.has(AMZ_DATE_HEADER)) throw incomplete('X-Amz-Date must be listed in SignedHeaders');
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
    const date = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
    if (!date || Number.isNaN(date.getTime()))
      throw incomplete('X-Amz-Date must be an ISO 8601 basic date-time such as 20210101T120000Z');
    return date;
  }
  const httpDate = singleHeader(headers, DATE_HEADER);
  if (httpDate === undefined)
    throw incomplete('Authorization header requires existence of either a X-Amz-Date or a Date header');
  if (!signed.has(DATE_HEADER)) throw incomplete('Date must be listed in SignedHeaders');
  const date = httpDate.length <= 64 ? new Date(httpDate) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw incomplete('Date must be an HTTP-date such as Fri, 01 Jan 2021 12:00:00 GMT');
  return date;
}

/** The path and query exactly as they came over the wire (absolute-form targets included). */
function splitTarget(url: string): { path: string; rawQuery: string } {
  if (url.length > MAX_URL_LENGTH) throw incomplete(`the request target is longer than ${MAX_URL_LENGTH} characters`);
  let target = url;
  if (!target.startsWith('/')) {
    try {
      const parsed = new URL(target);
      target = `${parsed.pathname}${parsed.search}`;
    } catch {
      throw incomplete('the request target is neither a path nor an absolute URL');
    }
  }
  const q = target.indexOf('?');
  const hash = target.indexOf('#');
  const end = hash < 0 ? target.length : hash;
  const path = target.slice(0, q < 0 ? end : Math.min(q, end));
  if (BAD_PERCENT.test(path)) throw incomplete('the request path has a % that does not start a two-digit hex escape');
  return { path: path || '/', rawQuery: q < 0 || q > end ? '' : target.slice(q + 1, end) };
}

/**
 * Query parameters decoded as the API handlers read them (URLSearchParams
 * semantics, `+` is a space), so the signature covers the values the server
 * acts on; getCanonicalQuery then re-encodes and sorts them as AWS documents.
 */
function queryOf(rawQuery: string): Record<string, string | string[]> {
  // No prototype: a parameter named __proto__ must be an ordinary key.
  const query = Object.create(null) as Record<string, string | string[]>;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [rawKey, rawValue] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw incomplete(`the query parameter ${JSON.stringify(rawKey.slice(0, 40))} is not valid percent-encoded UTF-8`);
    }
    const existing = query[key];
    query[key] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return query;
}

/** The headers the client signed, each present exactly as AWS requires. */
function signedHeaderBag(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): HeaderBag {
  const bag: HeaderBag = {};
  let bytes = 0;
  for (const name of signedHeaders) {
    const value = headers[name];
    if (value === undefined) throw incomplete(`SignedHeaders lists ${name}, but the request has no ${name} header`);
    // Node has already joined a repeated header's values with ", " where AWS joins them with ","; no SDK, CLI
    // or curl repeats a signed header.
    const text = Array.isArray(value) ? value.join(',') : value;
    bytes += name.length + text.length;
    if (bytes > MAX_SIGNED_HEADER_BYTES)
      throw incomplete(`the signed headers are longer than ${MAX_SIGNED_HEADER_BYTES} bytes`);
    bag[name] = text;
  }
  return bag;
}

/**
 * Builds the canonical request from @smithy/signature-v4's own pieces:
 * SignatureV4Base gives the canonical URI (dot segments removed, then encoded
 * a second time as every non-S3 service expects) and the layout;
 * getCanonicalQuery (called inside) sorts and encodes the query;
 * getCanonicalHeaders trims and collapses header values. SignatureV4.sign()
 * itself cannot verify: it re-signs with headers of its own choosing
 * (x-amz-content-sha256, x-amz-date) rather than exactly the client's
 * SignedHeaders, and trusts a client-supplied payload hash.
 */
class CanonicalRequests extends SignatureV4Base {
  constructor() {
    super({
      service: 'verify',
      region: 'verify',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: true,
      applyChecksum: false,
    });
  }

  stringToSign(
    longDate: string,
    scope: string,
    request: HttpRequest,
    canonicalHeaders: HeaderBag,
    payloadHash: string,
  ): Promise<string> {
    return this.createStringToSign(
      longDate,
      scope,
      this.createCanonicalRequest(request, canonicalHeaders, payloadHash),
      ALGORITHM,
    );
  }

  /** ISO 8601 basic, as the string to sign carries it. */
  longDate(date: Date): string {
    return this.formatDate(date).longDate;
  }
}

const canonical = new CanonicalRequests();
const sha256 = Hash.bind(null, 'sha256');

async function hmacHex(key: Uint8Array, data: string): Promise<string> {
  const hash = new Hash('sha256', key);
  hash.update(data);
  return Buffer.from(await hash.digest()).toString('hex');
}

/**
 * The hash of the bytes received; a client's x-amz-content-sha256 must equal it (UNSIGNED-PAYLOAD
 * and streaming are S3 features).
 */
async function payloadHashOf(request: SignedRequest): Promise<string> {
  // No headers passed on purpose: getPayloadHash would return a client's x-amz-content-sha256 unchecked.
  const actual = await getPayloadHash(new HttpRequest({ headers: {}, body: request.body }), sha256);
  const claimed = singleHeader(request.headers, SHA256_HEADER);
  if (claimed === undefined) return actual;
  if (claimed === UNSIGNED_PAYLOAD || claimed.startsWith('STREAMING-')) {
    throw new AuthError(
      'InvalidSignatureException',
      `x-amz-content-sha256 ${claimed.slice(0, 40)} is an S3 feature; this service needs the SHA-256 of the body ` +
        `signed`,
    );
  }
  if (claimed !== actual)
    throw new AuthError(
      'InvalidSignatureException',
      'x-amz-content-sha256 does not match the SHA-256 of the body received',
    );
  return actual;
}

export async function verifySignature(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date = new Date(),
): Promise<VerifiedCaller> {
  try {
    return await verify(request, secretFor, now);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    // A request no check above foresaw must still be a refusal, never an internal error.
    throw new AuthError(
      'IncompleteSignatureException',
      `the request could not be canonicalised for signature verification: ${(error as Error).message}`,
    );
  }
}

async function verify(
  request: SignedRequest,
  secretFor: (accessKeyId: string) => string | undefined,
  now: Date,
): Promise<VerifiedCaller> {
  const authorization = request.headers.authorization;
  if (!authorization)
    throw new AuthError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  const auth = parseAuthorization(authorization);
  const signed = new Set(auth.signedHeaders);
  if (!signed.has(HOST_HEADER)) throw incomplete('SignedHeaders must include host');
  const secretAccessKey = secretFor(auth.accessKeyId);
  if (!secretAccessKey)
    throw new AuthError('UnrecognizedClientException', 'The security token included in the request is invalid.');

  const signingDate = signingDateOf(request.headers, signed);
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    throw new AuthError(
      'InvalidSignatureException',
      'Signature expired: the request time is more than 15 minutes from the server time',
    );
  }
  const longDate = canonical.longDate(signingDate);
  if (auth.scopeDate !== longDate.slice(0, 8)) {
    throw new AuthError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from the request time (${longDate.slice(0, 8)})`,
    );
  }

  const { path, rawQuery } = splitTarget(request.url);
  const headers = signedHeaderBag(request.headers, auth.signedHeaders);
  const payloadHash = await payloadHashOf(request);
  const httpRequest = new HttpRequest({ method: request.method, path, query: queryOf(rawQuery), headers });
  const canonicalHeaders = getCanonicalHeaders(httpRequest, undefined, signed);
  const scope = createScope(auth.scopeDate, auth.region, auth.service);
  const stringToSign = await canonical.stringToSign(longDate, scope, httpRequest, canonicalHeaders, payloadHash);
  const key = await getSigningKey(
    sha256,
    { accessKeyId: auth.accessKeyId, secretAccessKey },
    auth.scopeDate,
    auth.region,
    auth.service,
  );
  const expected = await hmacHex(key, stringToSign);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature)))
    throw new AuthError('InvalidSignatureException', MISMATCH);
  return { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}
