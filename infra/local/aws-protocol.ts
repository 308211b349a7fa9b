import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { depthProblem } from './json-limits.ts';

/** An error in AWS's JSON-protocol shape; `code` becomes the SDK exception's name. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export const validationError = (message: string) => new AwsError('ValidationException', message);

/** The client went away before its request arrived in full: there is nobody left to answer. */
export class ClientClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientClosedError';
  }
}

const tooLarge = (limit: number) => new AwsError('RequestEntityTooLarge', `request body exceeds ${limit} bytes`, 413);

/**
 * Reads a request body up to a limit. A body declared bigger is refused
 * before a byte is read; a chunked one is refused as soon as it passes the
 * limit (and the connection is closed with the answer, see sendAwsError). A
 * client that disconnects mid-body rejects with ClientClosedError.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        settle(tooLarge(limit));
      } else chunks.push(chunk);
    };
    const onEnd = () => settle();
    const gone = () =>
      new ClientClosedError(
        `the client closed the connection after ${size} of ${declared ?? 'an unknown number of'} body bytes`,
      );
    const onClose = () => settle(req.complete ? undefined : gone());
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    // Stays attached: an aborted request may emit 'error' after this promise has settled.
    req.on('error', () => settle(gone()));
  });
}

/** Why the cloud refused a response's request (code and message), kept for the one-line refusal log. */
const refusals = new WeakMap<object, { code: string; message: string }>();
export const noteRefusal = (res: object, code: string, message: string) => void refusals.set(res, { code, message });
export const refusalOf = (res: object) => refusals.get(res);

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/x-amz-json-1.1',
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(text);
}

/** JSON 1.0/1.1 error body: the SDK reads the code from `__type` and the `x-amzn-errortype` header. */
export function sendAwsError(res: ServerResponse, error: AwsError, contentType = 'application/x-amz-json-1.1'): void {
  const text = JSON.stringify({ __type: error.code, message: error.message });
  noteRefusal(res, error.code, error.message);
  res.writeHead(error.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-errortype': `${error.code}:`,
    'x-amzn-requestid': randomUUID(),
    // The rest of an oversized body is not worth reading: answer, then close.
    ...(error.status === 413 ? { connection: 'close' } : {}),
  });
  res.end(text);
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  const text = body.toString('utf8');
  const tooDeep = depthProblem(text);
  if (tooDeep) throw new AwsError('SerializationException', `the request body is ${tooDeep}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsError(
      'SerializationException',
      'Start of structure or map found where not expected, or the request body is not valid JSON.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new AwsError('SerializationException', 'the request body must be a JSON object');
  return parsed as Record<string, unknown>;
}
