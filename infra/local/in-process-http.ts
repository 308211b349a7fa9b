/**
 * An SDK request handler that hands requests to the local cloud inside the
 * same process instead of over a socket. The SDK still builds, signs and
 * parses the real wire format; only TCP and HTTP framing are skipped. The
 * embedded cloud gives it to the handlers it invokes, which keeps HTTP off
 * the hot path of every delivery.
 */

import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';
import type { RequestSigner } from '@smithy/types';

export interface RawRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /**
   * Set only by the in-process handler: the access key of the platform code
   * (a handler, the cloud itself) that sent it without a socket. Nothing that
   * arrives over HTTP can set it; those requests are verified by SigV4.
   */
  readonly inProcessCaller?: string;
}

/** The subset of ServerResponse the cloud's routes (and dynalite) use. */
export class BufferedResponse {
  statusCode = 200;
  contentType?: string;
  shouldKeepAlive = true;
  readonly headers: Record<string, string> = {};
  readonly done: Promise<Buffer>;
  private resolve!: (body: Buffer) => void;

  constructor() {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  setHeader(name: string, value: string | number): void {
    this.headers[name.toLowerCase()] = String(value);
  }

  writeHead(status: number, headers: Record<string, string | number> = {}): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers)) this.setHeader(name, value);
    return this;
  }

  end(body?: string | Buffer): void {
    this.resolve(body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body));
  }
}

export type Dispatch = (request: RawRequest, response: BufferedResponse) => Promise<void>;

function bodyOf(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('in-process requests need a string or byte body');
}

/**
 * What in-process clients sign with: nothing. Their requests never leave the
 * process, and the cloud knows who sent them from the handler they came
 * through; signing and verifying them would only spend CPU (a fifth of the
 * cloud's time under load). Every request that arrives over HTTP is verified.
 */
export const UNSIGNED: RequestSigner = { sign: async (request) => request };

export class InProcessHttpHandler {
  readonly metadata = { handlerProtocol: 'in-process' };

  /** `caller` is the access key the requests come from: they are trusted as that principal, not signed. */
  constructor(
    private readonly dispatch: Dispatch,
    private readonly caller: string,
  ) {}

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      for (const v of [value].flat()) if (v !== null && v !== undefined) query.append(key, v);
    }
    const search = query.toString();
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const response = new BufferedResponse();
    await this.dispatch(
      {
        method: request.method,
        url: `${request.path}${search ? `?${search}` : ''}`,
        headers,
        body: bodyOf(request.body),
        inProcessCaller: this.caller,
      },
      response,
    );
    const body = await response.done;
    return {
      response: new HttpResponse({
        statusCode: response.statusCode,
        headers: response.headers,
        body: Readable.from([body]),
      }),
    };
  }

  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  destroy(): void {}
}
