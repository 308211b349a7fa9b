/// <reference lib="dom" />
/**
 * How the console signs its API calls (SigV4, service execute-api) with the
 * keys an operator pastes, temporary ones with their session token included.
 *
 * The console calls its API on its own origin. Locally that origin is the API.
 * On AWS, CloudFront forwards /api/* and /commands/* to API Gateway, which
 * checks the signature against its own host and the stage in the path
 * (`/v1/api/...`), in the deployment's region: so the console signs for that
 * target, read from console/config.json (written by the CDK app), and sends
 * the request to its own origin. Without that file (the local cloud) it signs
 * for the page's own host.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface ConsoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials (an assumed operator role); signed as x-amz-security-token. */
  readonly sessionToken?: string;
}

export interface SigningTarget {
  /** The host API Gateway sees (its execute-api name), or the page's host locally. */
  readonly host: string;
  /** Prepended to the path (`/v1`, the stage), empty locally. */
  readonly pathPrefix: string;
  readonly region: string;
}

/** The local cloud's region. */
export const LOCAL_REGION = 'us-east-1';
export const CONFIG_PATH = '/console/config.json';

/** The signing target console/config.json describes, or the page's own host when it describes none (or nonsense). */
export function signingTarget(config: unknown, pageHost: string): SigningTarget {
  const signing = (config as { signing?: Record<string, unknown> } | null | undefined)?.signing;
  const { host, pathPrefix, region } = signing ?? {};
  if (
    typeof host === 'string' &&
    /^[a-z0-9.-]{1,253}$/.test(host) &&
    typeof pathPrefix === 'string' &&
    /^(\/[A-Za-z0-9._-]+)*$/.test(pathPrefix) &&
    typeof region === 'string' &&
    /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)
  ) {
    return { host, pathPrefix, region };
  }
  return { host: pageHost, pathPrefix: '', region: LOCAL_REGION };
}

/**
 * The query string exactly as SigV4 canonicalises it (RFC 3986: a space is
 * %20, and !'()* are escaped). URLSearchParams writes a space as `+`, which a
 * server that reads `+` literally would not match against the signature.
 * Hand-rolled: the SDK's own builder is not a dependency of this package.
 */
export function queryString(query: Readonly<Record<string, string>>): string {
  const encode = (text: string) =>
    encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.entries(query)
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join('&');
}

/** The headers that sign a request to `path` (on the console's origin) for the target. */
export async function signatureHeaders(
  target: SigningTarget,
  credentials: ConsoleCredentials,
  method: string,
  path: string,
  query: Readonly<Record<string, string>>,
  signingDate?: Date,
): Promise<Record<string, string>> {
  const request = new HttpRequest({
    method,
    protocol: 'https:',
    hostname: target.host,
    path: `${target.pathPrefix}${path}`,
    query: { ...query },
    headers: { host: target.host },
  });
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    region: target.region,
    service: 'execute-api',
    sha256: Sha256,
  });
  const signed = await signer.sign(request, signingDate ? { signingDate } : {});
  // The browser sets Host itself (CloudFront then sets the API's).
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

let target: Promise<SigningTarget> | undefined;

function loadSigningTarget(): Promise<SigningTarget> {
  target ??= fetch(CONFIG_PATH, { cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : undefined))
    .catch(() => undefined)
    .then((config: unknown) => signingTarget(config, location.host));
  return target;
}

/** Sends a signed request to the console's own origin. */
export async function signedFetch(
  path: string,
  query: Readonly<Record<string, string>>,
  method: string,
  credentials: ConsoleCredentials,
): Promise<Response> {
  const headers = await signatureHeaders(await loadSigningTarget(), credentials, method, path, query);
  const search = queryString(query);
  return fetch(`${path}${search ? `?${search}` : ''}`, { method, headers });
}
