/**
 * How a command's failure reaches the operator: one line on stderr, never a
 * Node stack trace. A cloud that does not answer gets the same sentence in
 * every command; anything else the command did not foresee gets its name and
 * message (MX_DEBUG=1 adds the stack, for whoever debugs the CLI itself).
 */
import { CliError } from './output.ts';

/** Error codes of a connection that never got an answer: refused, unknown host, unroutable, cut or timed out. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** The one sentence every command prints when the cloud does not answer. */
export function notReachableMessage(endpoint: string): string {
  return `the cloud at ${endpoint} is not reachable: start it with \`npm start\` (or pass --endpoint)`;
}

export function cloudNotReachable(endpoint: string): CliError {
  return new CliError(notReachableMessage(endpoint));
}

/**
 * True when an error (or what caused it) says the connection failed before
 * any answer: fetch wraps the socket error as its `cause` ("fetch failed"),
 * the AWS SDK throws the socket error itself (`code` ECONNREFUSED), Node's
 * happy-eyeballs connect an AggregateError of one error per address, and a
 * timeout is a TimeoutError.
 */
export function isUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, name, cause, errors } = error as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (name === 'TimeoutError') return true;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isUnreachable(e, depth + 1))) return true;
  return isUnreachable(cause, depth + 1);
}

/** A failure as the operator should read it, talking to the cloud at `endpoint`. */
export function asCliError(error: unknown, endpoint: string): CliError {
  if (error instanceof CliError) return error;
  if (isUnreachable(error)) return cloudNotReachable(endpoint);
  if (error instanceof Error) return new CliError(`${error.name}: ${error.message}`);
  return new CliError(String(error));
}

/** Runs a command's work against the cloud at `endpoint`, its failures turned into one-line CLI errors. */
export async function againstCloud<T>(endpoint: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asCliError(error, endpoint);
  }
}

/** A file the operator named that cannot be read, in words (the errno codes Node reports). */
export function unreadableFile(file: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : ((error as Error | undefined)?.message ?? String(error));
  return new CliError(`cannot read ${file}: ${why}`);
}

/** The last line of defence in main: whatever escaped a command, as one line (its stack only under MX_DEBUG=1). */
export function describeUnexpected(error: unknown, debug = process.env.MX_DEBUG === '1'): string {
  if (error instanceof CliError) return error.message;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  if (debug && error instanceof Error && error.stack) return `unexpected error: ${error.stack}`;
  return `unexpected error: ${text} (MX_DEBUG=1 shows where)`;
}
