/**
 * The local cloud's front door: an HTTP server that no request can take down.
 * Every request handler's failure is caught and answered (or, when the client
 * is gone, dropped), malformed HTTP is answered by `clientError`, slow clients
 * are cut off by the header and request timeouts, and every refused or
 * dropped request is logged in one line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { AwsError, ClientClosedError, refusalOf, sendAwsError } from './aws-protocol.ts';

export interface ServerLimits {
  /** Time a client has to send its request headers (slowloris). */
  readonly headersTimeoutMs: number;
  /** Time a client has to send its whole request, body included. */
  readonly requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. */
  readonly keepAliveTimeoutMs: number;
}

/**
 * Loopback clients send a 16 MB body in well under a second; a client slower
 * than these is either broken or holding connections open on purpose.
 */
export const DEFAULT_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 60_000,
};

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A log line stays one line, and short. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 300);
const describe = (req: IncomingMessage) =>
  `${req.method ?? '?'} ${(req.url ?? '').slice(0, 200)} from ` +
  `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;

/**
 * Why a request target cannot be served, or undefined when it can. Checked
 * before any route sees the path: a path that does not decode (`/%E0%A4%A`)
 * would otherwise throw a URIError deep inside signature checking or routing.
 */
export function requestTargetProblem(url: string | undefined): string | undefined {
  if (!url?.startsWith('/')) return `the request target ${JSON.stringify(url ?? '')} is not an absolute path`;
  const pathname = url.split('?', 1)[0]!;
  try {
    decodeURIComponent(pathname);
  } catch {
    return `the request path ${JSON.stringify(pathname.slice(0, 200))} is not valid percent-encoded UTF-8 (RFC 3986)`;
  }
  return undefined;
}

/** Answers a failed request if its client can still hear it; never throws. */
function answerFailure(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  log: (message: string) => void,
): void {
  if (error instanceof ClientClosedError) {
    log(`dropped ${describe(req)}: ${oneLine(error.message)}`);
    return;
  }
  if (!(error instanceof AwsError))
    log(`internal error on ${describe(req)}: ${(error as Error)?.stack ?? String(error)}`);
  if (res.headersSent || res.writableEnded || res.destroyed) {
    // Half an answer is already on the wire: ending the connection is the only honest signal left.
    res.destroy();
    return;
  }
  const answer =
    error instanceof AwsError
      ? error
      : new AwsError('InternalFailure', 'The request processing has failed because of an unknown error.', 500);
  sendAwsError(res, answer, 'application/json');
}

/** Malformed HTTP, oversized headers, timeouts: answered with a bare status line when the socket is still writable. */
function onClientError(error: NodeJS.ErrnoException, socket: Socket, log: (message: string) => void): void {
  const code = error.code ?? 'unknown';
  log(
    `dropped connection from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}: ${code}: ` +
      `${oneLine(error.message)}`,
  );
  if (code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroySoon();
}

/**
 * Creates the server. `handle` may throw or reject: the failure is caught
 * here, logged and answered, so no request can end the process.
 */
export function createGuardedServer(
  handle: RequestHandler,
  log: (message: string) => void,
  limits: ServerLimits = DEFAULT_LIMITS,
): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node checks the two timeouts above (default 30 s, which would let a slow
      // client stay four times longer).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (req, res) => {
      // Every response says what it is: a browser must not sniff an API answer into HTML.
      res.setHeader('x-content-type-options', 'nosniff');
      res.once('finish', () => {
        if (res.statusCode < 400) return;
        const refusal = refusalOf(res);
        log(
          `refused ${describe(req)}: ${res.statusCode}` +
            `${refusal ? ` ${refusal.code}: ${oneLine(refusal.message)}` : ''}`,
        );
      });
      const problem = requestTargetProblem(req.url);
      if (problem) {
        answerFailure(req, res, new AwsError('InvalidURI', problem, 400), log);
        return;
      }
      let pending: Promise<void>;
      try {
        pending = handle(req, res);
      } catch (error) {
        answerFailure(req, res, error, log);
        return;
      }
      pending.catch((error: unknown) => answerFailure(req, res, error, log));
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => onClientError(error, socket, log));
  // Once listening, a server error (an accept that failed for lack of file descriptors) is logged, not thrown;
  // before that, the caller's listen() handles it (a port in use).
  server.once('listening', () =>
    server.on('error', (error: NodeJS.ErrnoException) => log(`server error: ${error.code ?? ''} ${error.message}`)),
  );
  return server;
}
