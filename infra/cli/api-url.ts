import { CliError } from './output.ts';

/** RFC 3986 percent-encoding, as SigV4's canonical query uses it (a space is %20, never `+`). */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * A URL under an API's base URL. On AWS the base is the stack's ApiUrl output,
 * which carries the stage (`https://abc.execute-api.eu-central-1.amazonaws.com/prod/`):
 * the path joins after the stage, whether the base ends in a slash or not. The
 * query is encoded exactly as the signature encodes it, so what is signed is
 * what is sent whichever way the server reads a `+`.
 */
export function apiUrl(base: string, path: string, query: Readonly<Record<string, string | undefined>> = {}): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CliError(`--api must be an http(s) URL such as the stack's ApiUrl output, got ${JSON.stringify(base)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError(`--api must be an http(s) URL, got ${url.protocol} in ${JSON.stringify(base)}`);
  if (url.search || url.hash)
    throw new CliError(`--api must be a base URL without a query or fragment, got ${JSON.stringify(base)}`);
  const basePath = url.pathname.replace(/\/+$/, '');
  const pairs = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  const search = pairs.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join('&');
  return `${url.origin}${basePath}/${path.replace(/^\/+/, '')}${search ? `?${search}` : ''}`;
}

/** The region in an execute-api hostname (`abc.execute-api.eu-central-1.amazonaws.com`), if it is one. */
export function regionOfApiUrl(base: string): string | undefined {
  try {
    return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(new URL(base).hostname)?.[1];
  } catch {
    return undefined;
  }
}
