// TransactWriteItems and TransactGetItems for dynalite, which has neither.
//
// Hand-rolled because no maintained package adds transactions to dynalite;
// it reuses dynalite's own request validation, expression parser and
// single-item actions, so conditions, updates (SET/ADD/REMOVE/DELETE) and
// index maintenance behave exactly as in its PutItem/UpdateItem/DeleteItem.
//
// Isolation: one transaction at a time (a promise chain), and while it runs it
// holds dynalite's own per-item locks on every item it names, so a concurrent
// PutItem/UpdateItem/DeleteItem/BatchWriteItem on one of those items waits for
// it. Every action runs against a staging store that records the writes
// instead of making them; only when all conditions hold are the recorded
// writes (items and index entries) committed as ONE LevelDB batch, which
// LevelDB applies atomically — also across a crash, and a GetItem sees
// either none or all of them. What it cannot give: Query and Scan are not
// ordered against a transaction beyond that batch (as on DynamoDB, they are
// read-committed), and ClientRequestToken idempotency is remembered in memory
// only, so a retry after a restart of the cloud is applied (or refused by its
// conditions) anew.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const db = require('dynalite/db');
const validations = require('dynalite/validations');
const ACTIONS = {
  Put: { run: require('dynalite/actions/putItem'), validation: require('dynalite/validations/putItem') },
  Update: { run: require('dynalite/actions/updateItem'), validation: require('dynalite/validations/updateItem') },
  Delete: { run: require('dynalite/actions/deleteItem'), validation: require('dynalite/validations/deleteItem') },
  // A ConditionCheck has DeleteItem's shape (Key + ConditionExpression) and only checks.
  ConditionCheck: { run: undefined, validation: require('dynalite/validations/deleteItem') },
};
const getItem = require('dynalite/actions/getItem');
const getItemValidation = require('dynalite/validations/getItem');

const MAX_ACTIONS = 100;
const TOKEN_TTL_MS = 10 * 60 * 1000; // DynamoDB remembers a ClientRequestToken for 10 minutes
const MAX_TOKENS = 10_000;

class DynamoError extends Error {
  constructor(type, message, extra = {}) {
    super(message);
    this.statusCode = 400;
    this.body = { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra };
  }
}

const validationError = (message) => db.validationError(message);

function toPromise(fn) {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/** Validates one action's parameters with dynalite's own rules for the matching single-item call. */
function validateAction(kind, params, store, index) {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw validationError(
      `transactItems.${index + 1}.member.${kind[0].toLowerCase()}${kind.slice(1)} must be an object`,
    );
  }
  const { ReturnValuesOnConditionCheckFailure, ...single } = params;
  if (
    ReturnValuesOnConditionCheckFailure !== undefined &&
    !['ALL_OLD', 'NONE'].includes(ReturnValuesOnConditionCheckFailure)
  ) {
    throw validationError(
      `1 validation error detected: Value '${ReturnValuesOnConditionCheckFailure}' at ` +
        `'transactItems.${index + 1}.member.${kind[0].toLowerCase()}${kind.slice(1)}` +
        `.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: ` +
        `[ALL_OLD, NONE]`,
    );
  }
  if (kind === 'ConditionCheck' && typeof single.ConditionExpression !== 'string') {
    throw validationError(
      `transactItems.${index + 1}.member.conditionCheck.conditionExpression is required: a ConditionCheck checks ` +
        `a ConditionExpression`,
    );
  }
  if (kind === 'Update' && typeof single.UpdateExpression !== 'string') {
    throw validationError(`transactItems.${index + 1}.member.update.updateExpression is required`);
  }
  const { validation } = ACTIONS[kind];
  const data = validations.checkTypes(single, validation.types);
  validations.checkValidations(data, validation.types, validation.custom, store);
  return { kind, data, returnOld: ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
}

function parseWriteRequest(body, store) {
  const items = body?.TransactItems;
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ACTIONS) {
    throw validationError(
      `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have ` +
        `length greater than or equal to 1 and less than or equal to ${MAX_ACTIONS}`,
    );
  }
  if (
    body.ClientRequestToken !== undefined &&
    (typeof body.ClientRequestToken !== 'string' ||
      body.ClientRequestToken.length < 1 ||
      body.ClientRequestToken.length > 36)
  ) {
    throw validationError(
      "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have " +
        'length between 1 and 36',
    );
  }
  return items.map((item, index) => {
    const kinds = item && typeof item === 'object' ? Object.keys(item).filter((k) => item[k] != null) : [];
    if (kinds.length !== 1 || !(kinds[0] in ACTIONS)) {
      throw validationError(
        `transactItems.${index + 1}: TransactItems can only contain one of Check, Put, Update or Delete`,
      );
    }
    return validateAction(kinds[0], item[kinds[0]], store, index);
  });
}

/** Resolves each action's table and item key, refusing two actions on one item as DynamoDB does. */
async function locate(store, actions) {
  const seen = new Set();
  for (const action of actions) {
    const table = await toPromise((cb) => store.getTable(action.data.TableName, cb));
    const keySource = action.kind === 'Put' ? action.data.Item : action.data.Key;
    const invalid = action.kind === 'Put' ? db.validateItem(keySource, table) : db.validateKey(keySource, table);
    if (invalid != null) throw invalid;
    action.table = table;
    action.key = db.createKey(keySource, table);
    const id = `${table.TableName}\u0000${action.key}`;
    if (seen.has(id)) throw validationError('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
}

/**
 * Takes dynalite's per-item locks (the ones its single-item writes take) on
 * every item, table by table in name order. Only one transaction locks at a
 * time and single-item writes hold one lock each, so this cannot deadlock.
 */
async function lockAll(store, targets) {
  const byTable = new Map();
  for (const { tableName, key } of targets) byTable.set(tableName, [...(byTable.get(tableName) ?? []), key]);
  const releases = [];
  for (const tableName of [...byTable.keys()].sort()) {
    const keys = [...new Set(byTable.get(tableName))];
    releases.push(
      await new Promise((resolve) =>
        store.getItemDb(tableName).lock(keys, (release) => resolve(release(() => undefined))),
      ),
    );
  }
  return () => {
    for (const release of releases) release();
  };
}

/**
 * A view of the store whose item and index writes are recorded into `ops`
 * (as keys of dynalite's main LevelDB) instead of written. Reads go to the
 * real store; locks are no-ops because the transaction already holds them.
 * The key prefixes are dynalite 4's layout (db/index.js getItemDb/getIndexDb);
 * the conformance tests read items and GSIs back after a transaction, so a
 * change of layout fails them.
 */
function stagingStore(store, ops) {
  const recorder = (prefix, reads) => ({
    lock: (_key, fn) => fn((cb) => cb),
    get: reads
      ? reads.get.bind(reads)
      : (_key, cb) => cb(Object.assign(new Error('NotFound'), { name: 'NotFoundError' })),
    put: (key, value, cb) => {
      ops.push({ type: 'put', key: prefix + key, value });
      return setImmediate(cb);
    },
    del: (key, cb) => {
      ops.push({ type: 'del', key: prefix + key });
      return setImmediate(cb);
    },
  });
  return {
    ...store,
    options: store.options,
    getTable: store.getTable,
    getItemDb: (name) => recorder(`item-${name}~`, store.getItemDb(name)),
    getIndexDb: (indexType, tableName, indexName) =>
      recorder(`index-${indexType.toLowerCase()}~${tableName}~${indexName}~`, undefined),
  };
}

async function existingItem(store, action) {
  return toPromise((cb) =>
    store
      .getItemDb(action.table.TableName)
      .get(action.key, (err, item) => (err && err.name !== 'NotFoundError' ? cb(err) : cb(null, item))),
  );
}

/** Runs one action against the staging store: undefined when it would succeed, else its cancellation reason. */
async function stage(store, staging, action) {
  const fail = async (err) => {
    const code = /ConditionalCheckFailed/.test(err.body?.__type ?? '')
      ? 'ConditionalCheckFailed'
      : /ValidationException/.test(err.body?.__type ?? '')
        ? 'ValidationError'
        : undefined;
    if (!code) throw err;
    const reason = { Code: code, Message: err.body.message };
    if (code === 'ConditionalCheckFailed' && action.returnOld) {
      const item = await existingItem(store, action);
      if (item) reason.Item = item;
    }
    return reason;
  };
  if (action.kind === 'ConditionCheck') {
    const invalid = db.checkConditional(action.data, await existingItem(store, action));
    return invalid ? fail(invalid) : undefined;
  }
  try {
    await toPromise((cb) => ACTIONS[action.kind].run(staging, action.data, cb));
    return undefined;
  } catch (err) {
    return fail(err);
  }
}

function cancelled(reasons) {
  const message =
    `Transaction cancelled, please refer cancellation reasons for specific reasons ` +
    `[${reasons.map((r) => r.Code).join(', ')}]`;
  const error = new DynamoError('TransactionCanceledException', message, { CancellationReasons: reasons });
  // DynamoDB spells this error's message field "Message".
  delete error.body.message;
  error.body.Message = message;
  return error;
}

function consumedCapacity(actions, mode) {
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return undefined;
  const units = new Map();
  for (const action of actions) units.set(action.table.TableName, (units.get(action.table.TableName) ?? 0) + 2);
  return [...units].map(([TableName, CapacityUnits]) => ({
    TableName,
    CapacityUnits,
    WriteCapacityUnits: CapacityUnits,
    ...(mode === 'INDEXES' ? { Table: { CapacityUnits } } : {}),
  }));
}

/** Transactions over one dynalite store (the worker's). */
export function dynaliteTransactions(store) {
  let tail = Promise.resolve();
  const exclusive = (fn) => {
    const run = tail.then(fn, fn);
    tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  const tokens = new Map();
  const remember = (token, fingerprint, response) => {
    const now = Date.now();
    for (const [t, entry] of tokens) if (entry.at < now - TOKEN_TTL_MS || tokens.size >= MAX_TOKENS) tokens.delete(t);
    tokens.set(token, { at: now, fingerprint, response });
  };

  async function transactWriteItems(body) {
    const actions = parseWriteRequest(body, store);
    const token = body.ClientRequestToken;
    const fingerprint = JSON.stringify([body.TransactItems, body.ReturnConsumedCapacity ?? null]);
    return exclusive(async () => {
      const seen = token === undefined ? undefined : tokens.get(token);
      if (seen && seen.at >= Date.now() - TOKEN_TTL_MS) {
        if (seen.fingerprint !== fingerprint) {
          throw new DynamoError(
            'IdempotentParameterMismatchException',
            'The request uses the same client token as a previous, but non-identical request.',
          );
        }
        return seen.response;
      }
      await locate(store, actions);
      const release = await lockAll(
        store,
        actions.map((a) => ({ tableName: a.table.TableName, key: a.key })),
      );
      try {
        const ops = [];
        const staging = stagingStore(store, ops);
        const reasons = [];
        for (const action of actions) reasons.push((await stage(store, staging, action)) ?? { Code: 'None' });
        if (reasons.some((r) => r.Code !== 'None')) throw cancelled(reasons);
        await toPromise((cb) => store.db.batch(ops, cb));
        const capacity = consumedCapacity(actions, body.ReturnConsumedCapacity);
        const response = capacity ? { ConsumedCapacity: capacity } : {};
        if (token !== undefined) remember(token, fingerprint, response);
        return response;
      } finally {
        release();
      }
    });
  }

  async function transactGetItems(body) {
    const items = body?.TransactItems;
    if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ACTIONS) {
      throw validationError(
        `1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have ` +
          `length greater than or equal to 1 and less than or equal to ${MAX_ACTIONS}`,
      );
    }
    const gets = items.map((item, index) => {
      if (!item || typeof item !== 'object' || !item.Get || Object.keys(item).length !== 1) {
        throw validationError(`transactItems.${index + 1}: TransactGetItems items contain exactly one Get`);
      }
      const data = validations.checkTypes(item.Get, getItemValidation.types);
      validations.checkValidations(data, getItemValidation.types, getItemValidation.custom, store);
      return { kind: 'Get', data };
    });
    // Same locks as a write transaction, so the items are read as of one moment.
    return exclusive(async () => {
      await locate(store, gets);
      const release = await lockAll(
        store,
        gets.map((g) => ({ tableName: g.table.TableName, key: g.key })),
      );
      try {
        const responses = [];
        for (const get of gets) {
          const { Item } = await toPromise((cb) => getItem(store, get.data, cb));
          responses.push(Item ? { Item } : {});
        }
        return { Responses: responses };
      } finally {
        release();
      }
    });
  }

  return {
    TransactWriteItems: transactWriteItems,
    TransactGetItems: transactGetItems,
  };
}
