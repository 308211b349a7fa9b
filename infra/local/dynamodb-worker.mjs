// Runs dynalite in its own thread, so DynamoDB's CPU work (request validation,
// LevelDB reads and writes) uses the second core instead of the event loop
// that serves EventBridge, SQS and the handlers. It also answers the
// transaction API, which dynalite lacks (dynalite-transactions.mjs).

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { atomicSingleItemWrites } from './dynalite-atomic-writes.mjs';
import { dynaliteTransactions } from './dynalite-transactions.mjs';

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

// dynalite keeps its store private to its request listener; the transactions
// need the same store (its locks, tables and LevelDB), so catch it as it is made.
const dynaliteDb = require('dynalite/db');
const createStore = dynaliteDb.create;
let store;
dynaliteDb.create = (options) => (store = createStore(options));
const dynalite = require('dynalite');
const server = dynalite({
  ...(workerData.path ? { path: workerData.path } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
dynaliteDb.create = createStore;
const listener = server.listeners('request')[0];
atomicSingleItemWrites(store, dynaliteDb);
const transactions = dynaliteTransactions(store);
// dynalite's own dependency, resolved from dynalite so it is the copy dynalite uses.
const crc32 = createRequire(require.resolve('dynalite'))('buffer-crc32');

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
    parentPort.postMessage({
      id: this.id,
      status: this.statusCode,
      headers: this.headers,
      body: body === undefined ? '' : String(body),
    });
  }
}

/** The headers dynalite's own sendData sets, so a transaction's answer looks like any other. */
function reply(id, contentType, status, data) {
  const body = JSON.stringify(data);
  const headers = {
    'x-amzn-requestid': randomBytes(39).toString('base64').toUpperCase().replace(/\+|\//g, '0'),
    'x-amz-crc32': String(crc32.unsigned(body)),
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(body)),
  };
  parentPort.postMessage({ id, status, headers, body });
}

async function transact(message, operation) {
  const contentType =
    String(message.headers['content-type'] ?? '')
      .split(';')[0]
      .trim() === 'application/json'
      ? 'application/json'
      : 'application/x-amz-json-1.0';
  let data;
  try {
    data = JSON.parse(Buffer.from(message.body ?? []).toString('utf8'));
  } catch {
    return reply(message.id, contentType, 400, { __type: 'com.amazon.coral.service#SerializationException' });
  }
  try {
    reply(message.id, contentType, 200, await transactions[operation](data));
  } catch (error) {
    if (error?.statusCode && error.body) return reply(message.id, contentType, error.statusCode, error.body);
    // Never leave the caller hanging: anything unexpected is DynamoDB's InternalServerError.
    reply(message.id, contentType, 500, {
      __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: String(error?.message ?? error),
    });
  }
}

const TRANSACTION_TARGET = /^DynamoDB_20120810\.(TransactWriteItems|TransactGetItems)$/;

parentPort.on('message', (message) => {
  if (message.type === 'close') {
    server.close(() => parentPort.postMessage({ type: 'closed' }));
    return;
  }
  const transaction = TRANSACTION_TARGET.exec(String(message.headers['x-amz-target'] ?? ''));
  if (transaction && message.method === 'POST') {
    void transact(message, transaction[1]);
    return;
  }
  const req = Object.assign(new EventEmitter(), { headers: message.headers, method: message.method, url: message.url });
  listener(req, new CapturedResponse(message.id));
  if (message.body && message.body.length > 0) req.emit('data', Buffer.from(message.body));
  req.emit('end');
});

server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'ready' }));
