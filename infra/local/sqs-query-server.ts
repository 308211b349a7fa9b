/**
 * Serves SQS query-protocol requests (sqs-query.ts) on the local cloud's
 * port: which requests are query-protocol, and the HTTP around one —
 * body, SigV4 (service `sqs`), the same authorize hook as the JSON path
 * (the template's IAM), LocalSqs, and every answer or refusal in XML.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Authorize, Caller } from './authorize.ts';
import { AwsError, ClientClosedError, noteRefusal, readBody } from './aws-protocol.ts';
import type { RawRequest } from './in-process-http.ts';
import { withPlatformKeysHint } from './platform-keys.ts';
import { AuthError } from './sigv4.ts';
import type { LocalSqs } from './sqs.ts';
import { decodeForm, type QueryError, toJsonRequest, toQueryError, toXmlError, toXmlResponse } from './sqs-query.ts';

/**
 * SQS's largest request is a 256 KiB message sent in a form (SendMessage,
 * which the local cloud does not implement); the calls it does answer take a
 * few kilobytes at most.
 */
export const MAX_QUERY_BODY_BYTES = 256 * 1024;

/**
 * A queue's URL path, `/<12-digit account>/<queue name>` (names: letters, digits, - and _, up to 80, as SQS allows).
 */
const QUEUE_PATH = /^\/\d{12}\/[A-Za-z0-9_-]{1,80}(?:\.fifo)?\/?$/;

function splitTarget(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) };
}

const mediaType = (contentType: string | string[] | undefined) =>
  String(contentType ?? '')
    .split(';', 1)[0]!
    .trim()
    .toLowerCase();

/**
 * Whether a request is for SQS's query protocol: no X-Amz-Target (that is
 * the JSON protocol), sent to the endpoint or a queue's URL, and either a
 * form POST or a GET whose query string names an Action. A GET without one
 * is the console's.
 */
export function isSqsQueryRequest(method: string, url: string, headers: IncomingHttpHeaders): boolean {
  if (headers['x-amz-target'] !== undefined) return false;
  const { path, query } = splitTarget(url);
  if (path !== '/' && !QUEUE_PATH.test(path)) return false;
  if (method === 'POST') return mediaType(headers['content-type']) === 'application/x-www-form-urlencoded';
  if (method === 'GET') return query.split('&').some((pair) => pair === 'Action' || pair.startsWith('Action='));
  return false;
}

export interface SqsQueryDeps {
  readonly sqs: Pick<LocalSqs, 'handle'>;
  /** The cloud's SigV4 check; throws AuthError. */
  authenticate(request: RawRequest): Promise<Caller & { service: string }>;
  readonly authorize: Authorize;
  readonly log: (message: string) => void;
}

/** Why a request failed, as the query protocol reports it; undefined for a failure that is the cloud's own. */
function refusalOf(error: unknown): QueryError | undefined {
  if (error instanceof AwsError) return toQueryError(error);
  if (error instanceof AuthError) return toQueryError({ code: error.code, message: error.message, status: 400 });
  return undefined;
}

function sendXml(res: ServerResponse, status: number, xml: string, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
    // The rest of an oversized body is not worth reading: answer, then close.
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  res.end(xml);
}

/**
 * Answers one query-protocol request. Every refusal is an XML ErrorResponse
 * with a 4xx; only a failure of the cloud itself is a 500. A client that
 * leaves mid-body is the front door's to log (ClientClosedError).
 */
export async function serveSqsQuery(req: IncomingMessage, res: ServerResponse, deps: SqsQueryDeps): Promise<void> {
  const requestId = randomUUID();
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  try {
    const body = await readBody(req, MAX_QUERY_BODY_BYTES);
    const caller = await deps.authenticate({ method, url, headers: req.headers, body });
    if (caller.service !== 'sqs')
      throw new AwsError(
        'SignatureDoesNotMatch',
        `Credential should be scoped to correct service: 'sqs', not '${caller.service}'.`,
        403,
      );
    const { path, query } = splitTarget(url);
    const parameters = [
      ...decodeForm(query, 'query string'),
      ...(method === 'POST' ? decodeForm(body, 'request body') : []),
    ];
    const { action, input } = toJsonRequest(parameters, path === '/' ? undefined : path.replace(/\/$/, ''));
    // The JSON path's decision (router.ts): the query protocol's request, once translated, is the same call.
    const decision = deps.authorize(caller, { service: 'sqs', action, parameters: () => input });
    if (!decision.allowed) {
      const message = withPlatformKeysHint(caller, 'sqs', decision.refusal);
      throw new AwsError('AccessDeniedException', message, decision.status ?? 400);
    }
    const output = await deps.sqs.handle(action, input);
    sendXml(res, 200, toXmlResponse(action, output, requestId), requestId);
  } catch (error) {
    if (error instanceof ClientClosedError) throw error;
    let refusal = refusalOf(error);
    if (!refusal) {
      deps.log(
        `internal error on SQS query request ${method} ${url.slice(0, 200)}: ` +
          `${(error as Error)?.stack ?? String(error)}`,
      );
      refusal = {
        code: 'InternalFailure',
        message: 'The request processing has failed because of an unknown error.',
        status: 500,
      };
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    noteRefusal(res, refusal.code, refusal.message);
    sendXml(res, refusal.status, toXmlError(refusal, requestId), requestId);
  }
}
