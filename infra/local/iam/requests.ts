/**
 * What a request asks IAM for: each (action, resource, condition keys) that AWS authorizes before serving it.
 * A request may need several: a batch per table, a transaction per item, PutEvents per entry.
 *
 * Sources, per service:
 * - DynamoDB actions and resources:
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html
 *   (an index is `table/<t>/index/<i>`); `dynamodb:LeadingKeys` is the set of partition key values the request
 *   touches (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
 *   Transactions are authorized as their parts: each Put, Update, Delete and Get by the permission of the
 *   single-item operation underneath, each ConditionCheck by `dynamodb:ConditionCheckItem`, with
 *   `dynamodb:EnclosingOperation` naming the transaction
 *   (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis-iam.html).
 * - EventBridge PutEvents: the bus named by each entry (default bus when absent), with `events:source` and
 *   `events:detail-type` of that entry; an entry refused fails alone with `NotAuthorizedForSourceException`
 *   (PutEventsResultEntry, https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsResultEntry.html).
 * - SQS: the queue's ARN for every queue operation, `*` for ListQueues.
 * - API Gateway: `execute-api:Invoke` on `arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>`
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/
 *   api-gateway-control-access-using-iam-policies-to-invoke-api.html).
 */

import type { ConditionContext } from './conditions.ts';
import type { AuthorizationRequest } from './evaluate.ts';

export interface Where {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Partition key attribute of a table, or of one of its indexes; undefined when the table is unknown. */
export type PartitionKeyOf = (table: string, index?: string) => string | undefined;

/** A request element that must be authorized; `entry` marks the PutEvents entry it stands for. */
export interface RequiredPermission extends AuthorizationRequest {
  readonly entry?: number;
}

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The scalar inside a DynamoDB attribute value (`{ "S": "x" }` → `x`). */
function scalar(attribute: unknown): string | undefined {
  const value = asObject(attribute);
  for (const type of ['S', 'N', 'B'] as const) if (typeof value[type] === 'string') return value[type] as string;
  return undefined;
}

export function tableArn(where: Where, table: string, index?: string): string {
  if (table.startsWith('arn:')) return index ? `${table}/index/${index}` : table;
  const base = `arn:${where.partition}:dynamodb:${where.region}:${where.account}:table/${table}`;
  return index ? `${base}/index/${index}` : base;
}

/** The table name inside a table ARN (the SDKs accept either). */
function tableName(table: string): string {
  const at = table.indexOf(':table/');
  return at < 0 ? table : table.slice(at + ':table/'.length).split('/')[0]!;
}

function leadingKeys(keys: readonly unknown[], table: string, partitionKeyOf: PartitionKeyOf): ConditionContext {
  const attribute = partitionKeyOf(tableName(table));
  if (!attribute) return {};
  const values = keys.map((k) => scalar(asObject(k)[attribute])).filter((v): v is string => v !== undefined);
  return { 'dynamodb:leadingkeys': [...new Set(values)] };
}

/**
 * The partition key values a Query's key condition fixes: `<pk> = :v` in `KeyConditionExpression` (names and
 * values substituted), or the legacy `KeyConditions`. Only the equality on the partition key matters; the
 * expression grammar allows nothing else for it.
 */
function queryLeadingKeys(body: Json, partitionKeyOf: PartitionKeyOf): ConditionContext {
  const table = String(body.TableName ?? '');
  const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
  const attribute = partitionKeyOf(tableName(table), index);
  if (!attribute) return {};
  const legacy = asObject(asObject(body.KeyConditions)[attribute]);
  if (legacy.ComparisonOperator === 'EQ') {
    const value = scalar(asList(legacy.AttributeValueList)[0]);
    return value === undefined ? {} : { 'dynamodb:leadingkeys': [value] };
  }
  const expression = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  const names = asObject(body.ExpressionAttributeNames);
  const values = asObject(body.ExpressionAttributeValues);
  const tokens = expressionTokens(expression);
  for (let i = 1; i + 1 < tokens.length; i++) {
    if (tokens[i] !== '=') continue;
    const [left, right] = [tokens[i - 1]!, tokens[i + 1]!];
    const [nameToken, valueToken] = right.startsWith(':') ? [left, right] : [right, left];
    const name = nameToken.startsWith('#') ? String(names[nameToken] ?? '') : nameToken;
    if (name !== attribute || !valueToken.startsWith(':')) continue;
    const value = scalar(values[valueToken]);
    if (value !== undefined) return { 'dynamodb:leadingkeys': [value] };
  }
  return {};
}

/** Words, `=` and other operator characters of a key condition, in one linear pass (no RegExp on request text). */
function expressionTokens(expression: string): string[] {
  const tokens: string[] = [];
  let word = '';
  const flush = () => {
    if (word) tokens.push(word);
    word = '';
  };
  for (const char of expression) {
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '(' || char === ')' || char === ',')
      flush();
    else if (char === '=' || char === '<' || char === '>') {
      flush();
      tokens.push(char);
    } else word += char;
  }
  flush();
  return tokens;
}

const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

export function dynamodbPermissions(
  operation: string,
  body: Json,
  where: Where,
  partitionKeyOf: PartitionKeyOf,
): RequiredPermission[] {
  const action = `dynamodb:${operation}`;
  switch (operation) {
    case 'GetItem':
    case 'UpdateItem':
    case 'DeleteItem': {
      const table = String(body.TableName ?? '');
      return [{ action, resource: tableArn(where, table), context: leadingKeys([body.Key], table, partitionKeyOf) }];
    }
    case 'PutItem': {
      const table = String(body.TableName ?? '');
      return [{ action, resource: tableArn(where, table), context: leadingKeys([body.Item], table, partitionKeyOf) }];
    }
    case 'Query': {
      const table = String(body.TableName ?? '');
      const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
      return [{ action, resource: tableArn(where, table, index), context: queryLeadingKeys(body, partitionKeyOf) }];
    }
    case 'Scan': {
      const table = String(body.TableName ?? '');
      const index = typeof body.IndexName === 'string' ? body.IndexName : undefined;
      return [{ action, resource: tableArn(where, table, index), context: {} }];
    }
    case 'BatchGetItem':
      return Object.entries(asObject(body.RequestItems)).map(([table, request]) => ({
        action,
        resource: tableArn(where, table),
        context: leadingKeys(asList(asObject(request).Keys), table, partitionKeyOf),
      }));
    case 'BatchWriteItem':
      return Object.entries(asObject(body.RequestItems)).map(([table, requests]) => ({
        action,
        resource: tableArn(where, table),
        context: leadingKeys(
          asList(requests).map((r) =>
            asObject(r).PutRequest ? asObject(asObject(r).PutRequest).Item : asObject(asObject(r).DeleteRequest).Key,
          ),
          table,
          partitionKeyOf,
        ),
      }));
    case 'TransactWriteItems':
      return asList(body.TransactItems).flatMap((item) => {
        const [kind, part] = Object.entries(asObject(item))[0] ?? [];
        const perItem = kind === undefined ? undefined : TRANSACT_WRITE_ACTIONS[kind];
        if (!perItem) return [];
        const table = String(asObject(part).TableName ?? '');
        const key = kind === 'Put' ? asObject(part).Item : asObject(part).Key;
        const context = { ...leadingKeys([key], table, partitionKeyOf), 'dynamodb:enclosingoperation': operation };
        return [{ action: perItem, resource: tableArn(where, table), context }];
      });
    case 'TransactGetItems':
      return asList(body.TransactItems).map((item) => {
        const get = asObject(asObject(item).Get);
        const table = String(get.TableName ?? '');
        const context = { ...leadingKeys([get.Key], table, partitionKeyOf), 'dynamodb:enclosingoperation': operation };
        return { action: 'dynamodb:GetItem', resource: tableArn(where, table), context };
      });
    case 'ListTables':
      return [{ action, resource: '*', context: {} }];
    default: {
      // DescribeTable, CreateTable, DeleteTable, UpdateTable, DescribeTimeToLive, …: the table named.
      const table = typeof body.TableName === 'string' ? body.TableName : undefined;
      return [{ action, resource: table === undefined ? '*' : tableArn(where, table), context: {} }];
    }
  }
}

export function busArn(where: Where, bus: string | undefined): string {
  if (bus?.startsWith('arn:')) return bus;
  return `arn:${where.partition}:events:${where.region}:${where.account}:event-bus/${bus ?? 'default'}`;
}

export function eventsPermissions(operation: string, body: Json, where: Where): RequiredPermission[] {
  if (operation === 'PutEvents') {
    return asList(body.Entries).map((raw, entry) => {
      const e = asObject(raw);
      const context: Record<string, string> = {};
      if (typeof e.Source === 'string') context['events:source'] = e.Source;
      if (typeof e.DetailType === 'string') context['events:detail-type'] = e.DetailType;
      const bus = typeof e.EventBusName === 'string' && e.EventBusName !== '' ? e.EventBusName : undefined;
      return { action: 'events:PutEvents', resource: busArn(where, bus), context, entry };
    });
  }
  const name = typeof body.EventBusName === 'string' ? body.EventBusName : undefined;
  if (operation === 'DescribeRule' || operation === 'ListTargetsByRule' || operation === 'PutRule') {
    const bus = name === undefined || name === 'default' ? '' : `${name.split('/').pop()}/`;
    const rule = String(body.Name ?? body.Rule ?? '');
    const resource = `arn:${where.partition}:events:${where.region}:${where.account}:rule/${bus}${rule}`;
    return [{ action: `events:${operation}`, resource, context: {} }];
  }
  if (operation === 'DescribeEventBus')
    return [{ action: `events:${operation}`, resource: busArn(where, name), context: {} }];
  return [{ action: `events:${operation}`, resource: '*', context: {} }];
}

export function queueArn(where: Where, queueUrlOrName: string, owner?: string): string {
  const parts = queueUrlOrName.split('/');
  const name = parts[parts.length - 1] ?? '';
  const account = parts.length >= 2 ? parts[parts.length - 2]! : (owner ?? where.account);
  return `arn:${where.partition}:sqs:${where.region}:${account}:${name}`;
}

/**
 * CloudWatch's metric reads take no resource-level permissions: the resource is `*`
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
 */
export function cloudWatchPermissions(operation: string): RequiredPermission[] {
  return [{ action: `cloudwatch:${operation}`, resource: '*', context: {} }];
}

export function sqsPermissions(operation: string, body: Json, where: Where): RequiredPermission[] {
  const action = `sqs:${operation}`;
  if (operation === 'ListQueues') return [{ action, resource: '*', context: {} }];
  if (operation === 'GetQueueUrl' || operation === 'CreateQueue') {
    const owner = typeof body.QueueOwnerAWSAccountId === 'string' ? body.QueueOwnerAWSAccountId : undefined;
    return [{ action, resource: queueArn(where, String(body.QueueName ?? ''), owner), context: {} }];
  }
  if (
    operation === 'StartMessageMoveTask' ||
    operation === 'ListMessageMoveTasks' ||
    operation === 'CancelMessageMoveTask'
  ) {
    const source = String(body.SourceArn ?? '');
    return [{ action, resource: source, context: {} }];
  }
  // The *Batch operations are authorized as their single forms.
  const single = operation.endsWith('Batch') ? operation.slice(0, -'Batch'.length) : operation;
  return [{ action: `sqs:${single}`, resource: queueArn(where, String(body.QueueUrl ?? '')), context: {} }];
}

/** `execute-api:Invoke` for `METHOD /path` on a REST API stage. */
export function invokePermission(
  where: Where,
  apiId: string,
  stage: string,
  method: string,
  path: string,
): RequiredPermission {
  const route = path.startsWith('/') ? path.slice(1) : path;
  const api = `arn:${where.partition}:execute-api:${where.region}:${where.account}:${apiId}`;
  const resource = `${api}/${stage}/${method.toUpperCase()}/${route}`;
  return { action: 'execute-api:Invoke', resource, context: {} };
}
