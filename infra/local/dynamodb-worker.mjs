// Runs dynalite in its own thread, so DynamoDB's CPU work (request validation,
// LevelDB reads and writes) uses the second core instead of the event loop
// that serves EventBridge, SQS and the handlers.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);

// dynalite 4 turns abstract-level iterators into streams and, when a stream
// ends, calls iterator.return() — which abstract-level 3 iterators do not
// have (they have close()). Unclosed iterators pin LevelDB's old table files,
// so a data dir grew to 19 GB in a long simulation. Give them return().
const { AbstractIterator, AbstractKeyIterator, AbstractValueIterator } = require('abstract-level');
for (const Iterator of [AbstractIterator, AbstractKeyIterator, AbstractValueIterator]) {
  if (typeof Iterator.prototype.return !== 'function') {
    Iterator.prototype.return = function closeOnReturn() {
      return this.close().then(() => ({ done: true, value: undefined }));
    };
  }
}

const dynalite = require('dynalite');
const server = dynalite({ ...(workerData.path ? { path: workerData.path } : {}), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
const listener = server.listeners('request')[0];

class CapturedResponse {
  constructor(id) {
    this.id = id;
    this.statusCode = 200;
    this.headers = {};
  }
  setHeader(name, value) {
    this.headers[name.toLowerCase()] = String(value);
  }
  end(body) {
    parentPort.postMessage({ id: this.id, status: this.statusCode, headers: this.headers, body: body === undefined ? '' : String(body) });
  }
}

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    server.close(() => parentPort.postMessage({ type: 'closed' }));
    return;
  }
  const req = Object.assign(new EventEmitter(), { headers: message.headers, method: message.method, url: message.url });
  listener(req, new CapturedResponse(message.id));
  if (message.body && message.body.length > 0) req.emit('data', Buffer.from(message.body));
  req.emit('end');
});

server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'ready' }));
