/**
 * The stack's IAM as its template declares it: each role's identity policies, each resource's resource policy,
 * which role every function runs as, and which roles agencies and operators act through.
 *
 * Read from the synthesized template, never from the constructs: what is evaluated locally is what deploys.
 *
 * Managed policies (`ManagedPolicyArns`): the exchange stack attaches one, AWS's
 * `service-role/AmazonAPIGatewayPushToCloudWatchLogs`, to API Gateway's account-level CloudWatch role. It grants
 * `logs:*` writes that API Gateway itself makes; the local cloud has no such caller, so a managed policy is listed
 * on its role ({@link RolePolicies.managed}) and grants nothing locally. A function role given a managed policy
 * would therefore be refused what that policy grants, which is the safe direction and names the action.
 */
import { type Policy, readPolicy, readStatement } from './policy.ts';
import type { IamTemplate, Resolve } from './resolve.ts';

export interface RolePolicies {
  readonly logicalId: string;
  readonly arn: string;
  readonly name: string;
  readonly policies: readonly Policy[];
  readonly managed: readonly string[];
}

export interface StackPolicies {
  /** By role logical id. */
  readonly roles: ReadonlyMap<string, RolePolicies>;
  /** By the resource's ARN: event bus policies, queue policies, Lambda permissions. */
  readonly resourcePolicies: ReadonlyMap<string, readonly Policy[]>;
  /** Function logical id → its execution role's logical id. */
  readonly functionRoles: ReadonlyMap<string, string>;
  /** Ministry → the role its agency publishes through / its operators read through (from the functions' env). */
  readonly agencyRoles: ReadonlyMap<string, string>;
  readonly operatorRoles: ReadonlyMap<string, string>;
}

function refId(value: unknown): string | undefined {
  const v = value as { Ref?: unknown; 'Fn::GetAtt'?: unknown } | undefined;
  if (typeof v?.Ref === 'string') return v.Ref;
  const attribute = v?.['Fn::GetAtt'];
  if (Array.isArray(attribute) && typeof attribute[0] === 'string') return attribute[0];
  return undefined;
}

function add<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Reads every IAM declaration the local cloud enforces. */
export function stackPolicies(template: IamTemplate, resolve: Resolve): StackPolicies {
  const resources = Object.entries(template.Resources);
  const roleIds = resources.filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id]) => id);
  const identity = new Map<string, Policy[]>();
  const managed = new Map<string, string[]>();
  const roleIdByName = new Map<string, string>();
  for (const id of roleIds) {
    roleIdByName.set(resolve({ Ref: id }), id);
    const p = template.Resources[id]!.Properties ?? {};
    for (const inline of (p.Policies as { PolicyName: unknown; PolicyDocument: unknown }[] | undefined) ?? []) {
      add(identity, id, readPolicy(`${id}/${resolve(inline.PolicyName)}`, inline.PolicyDocument, resolve));
    }
    for (const arn of (p.ManagedPolicyArns as unknown[] | undefined) ?? []) add(managed, id, resolve(arn));
  }
  const resourcePolicies = new Map<string, Policy[]>();
  const functionRoles = new Map<string, string>();
  const agencyRoles = new Map<string, string>();
  const operatorRoles = new Map<string, string>();
  for (const [id, resource] of resources) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy': {
        const policy = readPolicy(id, p.PolicyDocument, resolve);
        for (const role of (p.Roles as unknown[] | undefined) ?? []) {
          const roleId = refId(role) ?? roleIdByName.get(resolve(role));
          if (roleId) add(identity, roleId, policy);
        }
        break;
      }
      case 'AWS::Events::EventBusPolicy': {
        const busName = p.EventBusName === undefined ? 'default' : resolve(p.EventBusName);
        const busArn = busName.startsWith('arn:') ? busName : busArnFrom(resolve, busName);
        // The current form carries a whole statement; the legacy form spells its parts out.
        const statement =
          p.Statement !== undefined
            ? readStatement(id, p.Statement, resolve)
            : readStatement(
                id,
                {
                  Sid: p.StatementId,
                  Effect: 'Allow',
                  Action: p.Action,
                  Principal: p.Principal === '*' ? '*' : { AWS: p.Principal },
                  Resource: busArn,
                  ...(p.Condition ? { Condition: p.Condition } : {}),
                },
                resolve,
              );
        add(resourcePolicies, busArn, { name: id, statements: [statement] });
        break;
      }
      case 'AWS::SQS::QueuePolicy': {
        const policy = readPolicy(id, p.PolicyDocument, resolve);
        for (const queue of (p.Queues as unknown[] | undefined) ?? []) {
          const queueId = refId(queue);
          const arn = queueId ? resolve({ 'Fn::GetAtt': [queueId, 'Arn'] }) : queueArnFromUrl(resolve, resolve(queue));
          add(resourcePolicies, arn, policy);
        }
        break;
      }
      case 'AWS::Lambda::Permission': {
        const fn = resolve(p.FunctionName);
        const arn = fn.startsWith('arn:') ? fn : resolve({ 'Fn::Join': [':', [functionPrefix(resolve), fn]] });
        const principal = resolve(p.Principal);
        const statement = readStatement(
          id,
          {
            Effect: 'Allow',
            Action: p.Action,
            Principal: principal.includes('.amazonaws.com') ? { Service: principal } : { AWS: principal },
            Resource: arn,
            ...(p.SourceArn !== undefined ? { Condition: { ArnLike: { 'aws:SourceArn': p.SourceArn } } } : {}),
          },
          resolve,
        );
        add(resourcePolicies, arn, { name: id, statements: [statement] });
        break;
      }
      case 'AWS::Lambda::Function': {
        const roleId = refId(p.Role);
        if (roleId) functionRoles.set(id, roleId);
        const env = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
        for (const [variable, target] of [
          ['AGENCY_ROLES', agencyRoles],
          ['OPERATOR_ROLES', operatorRoles],
        ] as const) {
          if (env[variable] === undefined) continue;
          const byRoleName = JSON.parse(resolve(env[variable])) as Record<string, string>;
          for (const [roleName, ministry] of Object.entries(byRoleName)) {
            const roleId2 = roleIdByName.get(roleName);
            if (roleId2) target.set(ministry, roleId2);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  const roles = new Map<string, RolePolicies>();
  for (const id of roleIds) {
    roles.set(id, {
      logicalId: id,
      arn: resolve({ 'Fn::GetAtt': [id, 'Arn'] }),
      name: resolve({ Ref: id }),
      policies: identity.get(id) ?? [],
      managed: managed.get(id) ?? [],
    });
  }
  return { roles, resourcePolicies, functionRoles, agencyRoles, operatorRoles };
}

function busArnFrom(resolve: Resolve, name: string): string {
  const [partition, region, account] = ['AWS::Partition', 'AWS::Region', 'AWS::AccountId'].map((Ref) =>
    resolve({ Ref }),
  );
  return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
}

function functionPrefix(resolve: Resolve): string {
  const pseudo = ['AWS::Partition', 'AWS::Region', 'AWS::AccountId'].map((Ref) => resolve({ Ref }));
  const [partition, region, account] = pseudo;
  return `arn:${partition}:lambda:${region}:${account}:function`;
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (or the local endpoint's) → the queue's ARN. */
export function queueArnFromUrl(resolve: Resolve, url: string): string {
  const parts = url.split('/');
  const name = parts[parts.length - 1] ?? '';
  const account = parts[parts.length - 2] ?? '';
  return `arn:${resolve({ Ref: 'AWS::Partition' })}:sqs:${resolve({ Ref: 'AWS::Region' })}:${account}:${name}`;
}

/** Each table's partition key attribute, and each of its indexes', by the table's resolved name. */
export function partitionKeys(
  template: IamTemplate,
  resolve: Resolve,
): (table: string, index?: string) => string | undefined {
  const tables = new Map<string, { hash?: string; indexes: Map<string, string> }>();
  type KeySchema = { AttributeName: string; KeyType: string }[] | undefined;
  const hashOf = (schema: KeySchema) => schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::DynamoDB::Table') continue;
    const p = resource.Properties ?? {};
    const indexes = new Map<string, string>();
    const declared = [
      ...((p.GlobalSecondaryIndexes as unknown[]) ?? []),
      ...((p.LocalSecondaryIndexes as unknown[]) ?? []),
    ];
    for (const index of declared as { IndexName: string; KeySchema: KeySchema }[]) {
      const hash = hashOf(index.KeySchema);
      if (hash) indexes.set(index.IndexName, hash);
    }
    const hash = hashOf(p.KeySchema as KeySchema);
    tables.set(resolve({ Ref: id }), { ...(hash ? { hash } : {}), indexes });
  }
  return (table, index) => {
    const known = tables.get(table);
    return index === undefined ? known?.hash : known?.indexes.get(index);
  };
}
