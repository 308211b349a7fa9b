/**
 * Counts what the platform asks of DynamoDB, as AWS would bill it on demand:
 * requests by operation and table, and read and write request units from the
 * sizes of the items read and written (DynamoDB's own sizing rules:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
 * The local cloud feeds it every DynamoDB request it serves when metering is
 * on (`npm run bench`); nothing here does I/O.
 */

type AttributeValue = {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Item;
  SS?: string[];
  NS?: string[];
  BS?: string[];
};
type Item = Record<string, AttributeValue>;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** DynamoDB stores a number in about one byte per two significant digits, plus one. */
function numberSize(text: string): number {
  const digits = text
    .replace(/^-/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L) return 3 + value.L.reduce((n, v) => n + 1 + valueSize(v), 0);
  if (value.M) return 3 + Object.entries(value.M).reduce((n, [k, v]) => n + 1 + utf8(k) + valueSize(v), 0);
  if (value.SS) return value.SS.reduce((n, s) => n + utf8(s), 0);
  if (value.NS) return value.NS.reduce((n, s) => n + numberSize(s), 0);
  if (value.BS) return value.BS.reduce((n, b) => n + Buffer.from(b, 'base64').length, 0);
  return 0;
}

/** An item's size in bytes as DynamoDB counts it: attribute names and values. */
export function itemSize(item: Item): number {
  return Object.entries(item).reduce((n, [name, value]) => n + utf8(name) + valueSize(value), 0);
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

export interface MeterReading {
  readonly requests: Record<string, number>;
  readonly readUnits: number;
  readonly writeUnits: number;
}

/**
 * Sizes the meter cannot read off a request: an update's resulting item
 * (billed at the larger of before and after). The cloud looks them up.
 */
export type ItemLookup = (table: string, key: Item) => Promise<Item | undefined>;

/**
 * The key attributes of each global secondary index of a table (by the name
 * requests use). Every index projects ALL attributes, as the CDK stack
 * declares them, so a write that puts an item in an index writes its whole
 * size there once more, billed as a standard write even inside a transaction.
 */
export type IndexKeys = (table: string) => readonly (readonly string[])[];

type Body = Record<string, unknown>;

export class DynamoMeter {
  private requests: Record<string, number> = {};
  private read = 0;
  private written = 0;

  constructor(
    private readonly lookup: ItemLookup,
    private readonly indexKeys: IndexKeys = () => [],
  ) {}

  reset(): void {
    this.requests = {};
    this.read = 0;
    this.written = 0;
  }

  reading(): MeterReading {
    return { requests: { ...this.requests }, readUnits: this.read, writeUnits: this.written };
  }

  /** Records one answered request (`response` is its parsed body; failed requests are counted, not billed). */
  async record(operation: string, request: Body, response: Body | undefined, ok: boolean): Promise<void> {
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    if (!ok) return;
    const consistent = request.ConsistentRead === true;
    switch (operation) {
      case 'PutItem':
        this.written += this.put(String(request.TableName), request.Item as Item, 1);
        break;
      case 'DeleteItem':
        this.written += 1;
        break;
      case 'UpdateItem': {
        // Awaited before the sum: `this.written += await …` would add to the total read before the await and lose
        // the writes recorded meanwhile.
        const after = await this.itemAfter(String(request.TableName), request.Key as Item);
        this.written += this.put(String(request.TableName), after, 1);
        break;
      }
      case 'BatchWriteItem':
        for (const [table, requests] of Object.entries(
          request.RequestItems as Record<string, { PutRequest?: { Item: Item } }[]>,
        )) {
          for (const r of requests) this.written += r.PutRequest ? this.put(table, r.PutRequest.Item, 1) : 1;
        }
        break;
      case 'TransactWriteItems':
        // Transactions are billed twice: a prepare and a commit per item (their index writes once).
        for (const action of request.TransactItems as Record<string, Body>[]) {
          if (action.Put)
            this.written += this.put(String((action.Put as Body).TableName), (action.Put as Body).Item as Item, 2);
          else if (action.Update) {
            const table = String((action.Update as Body).TableName);
            const after = await this.itemAfter(table, (action.Update as Body).Key as Item);
            this.written += this.put(table, after, 2);
          } else if (action.Delete || action.ConditionCheck) this.written += 2;
        }
        break;
      case 'GetItem':
        this.read += readUnits(response?.Item ? itemSize(response.Item as Item) : 0, consistent);
        break;
      case 'BatchGetItem': {
        const tables = request.RequestItems as Record<string, { ConsistentRead?: boolean }>;
        for (const [table, items] of Object.entries((response?.Responses ?? {}) as Record<string, Item[]>)) {
          for (const item of items) this.read += readUnits(itemSize(item), tables[table]?.ConsistentRead === true);
        }
        break;
      }
      case 'Query':
      case 'Scan': {
        const bytes = ((response?.Items ?? []) as Item[]).reduce((n, item) => n + itemSize(item), 0);
        this.read += readUnits(bytes, consistent);
        break;
      }
      default:
        break;
    }
  }

  /** Units for writing `item` to its table (`times` over) and once to each index it has every key attribute of. */
  private put(table: string, item: Item, times: number): number {
    const units = writeUnits(itemSize(item));
    const indexes = this.indexKeys(table).filter((keys) => keys.every((name) => item[name] !== undefined)).length;
    return units * (times + indexes);
  }

  private async itemAfter(table: string, key: Item): Promise<Item> {
    return (await this.lookup(table, key)) ?? key;
  }
}
