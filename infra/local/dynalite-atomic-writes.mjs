// dynalite writes an item's index entries and then the item itself as
// separate LevelDB writes (db/index.js updateIndexes, then itemDb.put/del).
// A kill -9 between the two leaves index entries for an item the table never
// stored: found by the signed log's kill -9 test, a leaf in the byLeaf index
// whose row the exchange log does not hold. Here PutItem, UpdateItem and
// DeleteItem (and BatchWriteItem, which runs them) write the index entries and
// the item as ONE LevelDB batch, applied atomically also across a crash, still
// inside dynalite's per-item lock. Transactions stage their own writes
// (dynalite-transactions.mjs) and are left to it.
//
// It relies on dynalite 4's layout: sub-databases are the main database with
// `item-<table>~` and `index-<type>~<table>~<index>~` key prefixes, and the
// actions call db.updateIndexes through the module's exports. The kill -9 and
// conformance tests read items and indexes back, so a change fails them.

/** Makes `store`'s single-item writes atomic with their index entries; `db` is dynalite's db module. */
export function atomicSingleItemWrites(store, db) {
  const updateIndexes = db.updateIndexes;
  /** Index operations computed for an item whose own write has not happened yet, by table and item key. */
  const pending = new Map();
  const slot = (tableName, key) => `${tableName}\u0000${key}`;

  db.updateIndexes = function deferredIndexes(target, table, existingItem, item, cb) {
    // A transaction's staging store records its own writes.
    if (target !== store) return updateIndexes(target, table, existingItem, item, cb);
    if (!existingItem && !item) return cb();
    const ops = [];
    for (const type of ['Local', 'Global']) {
      const actions = db.getIndexActions(table[`${type}SecondaryIndexes`] || [], existingItem, item, table);
      const prefix = (index) => `index-${type.toLowerCase()}~${table.TableName}~${index}~`;
      // Deletes first, as dynalite does: an entry whose index key is unchanged is deleted and put again.
      for (const action of actions.deletes) ops.push({ type: 'del', key: prefix(action.index) + action.key });
      for (const action of actions.puts)
        ops.push({ type: 'put', key: prefix(action.index) + action.key, value: action.item });
    }
    pending.set(slot(table.TableName, db.createKey(item ?? existingItem, table)), ops);
    cb();
  };

  const getItemDb = store.getItemDb;
  const wrapped = new Map();
  store.getItemDb = function atomicItemDb(name) {
    const itemDb = getItemDb(name);
    let wrapper = wrapped.get(itemDb);
    if (!wrapper) {
      const write = (key, op, fallback, cb) => {
        const id = slot(name, key);
        const ops = pending.get(id);
        if (!ops) return fallback();
        pending.delete(id);
        store.db.batch([...ops, { ...op, key: `item-${name}~${key}` }], cb);
      };
      wrapper = new Proxy(itemDb, {
        get(target, prop) {
          if (prop === 'put')
            return (key, value, cb) => write(key, { type: 'put', value }, () => target.put(key, value, cb), cb);
          if (prop === 'del') return (key, cb) => write(key, { type: 'del' }, () => target.del(key, cb), cb);
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      wrapped.set(itemDb, wrapper);
    }
    return wrapper;
  };
}
