/**
 * DynamoDB for the local cloud: dynalite (a real implementation of the
 * DynamoDB API on LevelDB), running in a worker thread and handed the
 * requests the local cloud has already read and verified — no second HTTP
 * hop, and its CPU work off the main event loop.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Worker } from 'node:worker_threads';

interface Reply {
  id: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class LocalDynamo {
  private readonly worker: Worker;
  private readonly pending = new Map<number, ServerResponse>();
  private nextId = 0;
  private readonly ready: Promise<void>;
  private closed?: Promise<void>;

  /** `path` undefined keeps the data in memory. */
  constructor(path: string | undefined) {
    this.worker = new Worker(new URL('./dynamodb-worker.mjs', import.meta.url), { workerData: { path } });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      const onReady = (message: { type?: string }) => {
        if (message.type === 'ready') {
          this.worker.off('message', onReady);
          resolve();
        }
      };
      this.worker.on('message', onReady);
    });
    this.worker.on('message', (message: Reply & { type?: string }) => {
      if (message.type) return;
      const res = this.pending.get(message.id);
      if (!res) return;
      this.pending.delete(message.id);
      res.statusCode = message.status;
      for (const [name, value] of Object.entries(message.headers)) res.setHeader(name, value);
      res.end(message.body);
    });
  }

  start(): Promise<void> {
    return this.ready;
  }

  handle(request: { headers: IncomingHttpHeaders; method: string; url: string; body: Buffer }, res: ServerResponse): void {
    const id = this.nextId++;
    this.pending.set(id, res);
    this.worker.postMessage({ id, headers: request.headers, method: request.method, url: request.url, body: request.body });
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const done = (message: { type?: string }) => {
        if (message.type === 'closed') {
          this.worker.off('message', done);
          void this.worker.terminate().then(() => resolve());
        }
      };
      this.worker.on('message', done);
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }
}
