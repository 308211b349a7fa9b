/**
 * DynamoDB for the local cloud: dynalite (a real implementation of the
 * DynamoDB API on LevelDB), called in-process with the request the local
 * cloud already read and verified, so no second HTTP hop is needed.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;

type RequestListener = (req: EventEmitter & { headers: IncomingHttpHeaders; method: string; url: string }, res: ServerResponse) => void;

export class LocalDynamo {
  private readonly server: Server;
  private readonly listener: RequestListener;

  /** `path` undefined keeps the data in memory. */
  constructor(path: string | undefined) {
    this.server = dynalite({ ...(path ? { path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    this.listener = this.server.listeners('request')[0] as RequestListener;
  }

  handle(request: { headers: IncomingHttpHeaders; method: string; url: string; body: Buffer }, res: ServerResponse): void {
    const req = Object.assign(new EventEmitter(), { headers: request.headers, method: request.method, url: request.url });
    this.listener(req, res);
    if (request.body.length > 0) req.emit('data', request.body);
    req.emit('end');
  }

  /**
   * dynalite only closes its LevelDB store through server.close(), which
   * needs a listening server; it listens on an unused loopback port for that.
   */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error?: Error) => (error ? reject(error) : resolve())));
  }
}
