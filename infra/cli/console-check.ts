/**
 * `mx smoke`'s check that the operator console answers: GET / is 200,
 * text/html, under a Content-Security-Policy, whether the local cloud serves
 * it or CloudFront does on AWS (the ConsoleUrl stack output).
 */
import { CliError } from './output.ts';

/** Nothing answered at the console's URL (as opposed to a page that answered wrongly). */
export class ConsoleUnreachable extends CliError {}

export interface ConsoleAnswer {
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly contentSecurityPolicy: string;
}

/** The console's page URL for a base URL (`https://d111.cloudfront.net`, `http://127.0.0.1:4566/`). */
export function consolePageUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new CliError(
      `--console must be the console's URL (the ConsoleUrl stack output), got ${JSON.stringify(base)}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new CliError(`--console must be an http(s) URL, got ${url.protocol}`);
  if (url.search) throw new CliError('--console must be a base URL without a query');
  return new URL('/', url).toString();
}

/** Fetches the console's page and says, in one sentence, what is wrong with it if anything is. */
export async function checkConsole(base: string, options: { timeoutMs?: number } = {}): Promise<ConsoleAnswer> {
  const url = consolePageUrl(base);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ConsoleUnreachable(
      `the console at ${url} is not reachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    );
  }
  await response.body?.cancel();
  const contentType = response.headers.get('content-type') ?? '';
  const contentSecurityPolicy = response.headers.get('content-security-policy') ?? '';
  if (response.status !== 200)
    throw new CliError(
      `the console at ${url} answered ${response.status} ${response.statusText}, not 200 with its page`,
    );
  if (!/^text\/html\b/i.test(contentType))
    throw new CliError(`the console at ${url} answered ${contentType || 'no content-type'}, not text/html`);
  if (!/\b(default|script)-src\b/.test(contentSecurityPolicy)) {
    const got = contentSecurityPolicy
      ? ` naming its sources (got ${JSON.stringify(contentSecurityPolicy.slice(0, 80))})`
      : '';
    throw new CliError(`the console at ${url} answered without a Content-Security-Policy${got}`);
  }
  return { url, status: response.status, contentType, contentSecurityPolicy };
}
