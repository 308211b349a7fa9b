/**
 * What the local cloud runs, read from the synthesized template: one list per
 * resource type (./resources), the names every resource gets locally, and the
 * values of `Ref` and `Fn::GetAtt` for the intrinsic resolver.
 */
import { IntrinsicError, type PseudoParameters, type ResolveContext, resolveValue } from './intrinsics.ts';
import { physicalName } from './names.ts';
import { type LocalRoute, routesOf } from './resources/api-routes.ts';
import { eventSourceMappingsOf, type LocalEventSourceMapping } from './resources/event-source-mappings.ts';
import { functionsOf, type LocalFunction } from './resources/functions.ts';
import { NOT_RUN } from './resources/not-run.ts';
import { type LocalQueue, queuesOf } from './resources/queues.ts';
import { type LocalRole, rolesOf } from './resources/roles.ts';
import { type LocalPatternRule, type LocalSchedule, rulesOf } from './resources/rules.ts';
import { type LocalTable, tablesOf } from './resources/tables.ts';
import type { CfnTemplate } from './template-types.ts';

/** The resource types the local cloud materialises (everything else is in NOT_RUN, or the start fails). */
const RUN = new Set([
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::SQS::Queue',
  'AWS::Lambda::Function',
  'AWS::Lambda::EventSourceMapping',
  'AWS::DynamoDB::Table',
  'AWS::ApiGateway::Resource',
  'AWS::ApiGateway::Method',
  'AWS::IAM::Role',
  'AWS::SecretsManager::Secret',
]);

export interface LocalBus {
  readonly logicalId: string;
  readonly name: string;
}

export interface CloudPlan {
  readonly template: CfnTemplate;
  readonly bus: LocalBus;
  readonly tables: readonly LocalTable[];
  readonly queues: readonly LocalQueue[];
  readonly rules: readonly LocalPatternRule[];
  readonly schedules: readonly LocalSchedule[];
  readonly functions: readonly LocalFunction[];
  readonly eventSourceMappings: readonly LocalEventSourceMapping[];
  readonly routes: readonly LocalRoute[];
  readonly roles: readonly LocalRole[];
  /** Logical ids of the template's secrets. */
  readonly secrets: readonly string[];
}

export function planOf(template: CfnTemplate): CloudPlan {
  const unknown = Object.entries(template.Resources).filter(
    ([, r]) => !RUN.has(r.Type) && !Object.hasOwn(NOT_RUN, r.Type),
  );
  if (unknown.length) {
    const [logicalId, resource] = unknown[0]!;
    throw new IntrinsicError(
      logicalId,
      `${resource.Type} is a resource type the local cloud neither runs nor lists as not run ` +
        '(infra/local/template/resources/not-run.ts)',
    );
  }
  const buses = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::EventBus');
  if (buses.length !== 1)
    throw new IntrinsicError('Resources', `the local cloud runs one event bus, the template declares ${buses.length}`);
  const { patterns, schedules } = rulesOf(template);
  return {
    template,
    bus: { logicalId: buses[0]![0], name: physicalName(...buses[0]!) },
    tables: tablesOf(template),
    queues: queuesOf(template),
    rules: patterns,
    schedules,
    functions: functionsOf(template),
    eventSourceMappings: eventSourceMappingsOf(template),
    routes: routesOf(template),
    roles: rolesOf(template),
    secrets: Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret')
      .map(([id]) => id),
  };
}

export interface PlanValues {
  readonly pseudo: PseudoParameters;
  /** The physical name a table's id is served by now (mx replay may have switched it). */
  readonly tableName: (id: string) => string;
  /** A secret's value, by its logical id. */
  readonly secretValue: (logicalId: string) => string | undefined;
}

/** How `Ref` and `Fn::GetAtt` resolve on the local cloud, per resource type. */
export function resolveContext(plan: CloudPlan, values: PlanValues): ResolveContext {
  const { region, accountId: account, partition, urlSuffix } = values.pseudo;
  const arn = (service: string, resource: string, withRegion = true) =>
    `arn:${partition}:${service}:${withRegion ? region : ''}:${account}:${resource}`;
  const named = new Map<string, { ref: string; attributes: Record<string, string> }>();
  named.set(plan.bus.logicalId, {
    ref: plan.bus.name,
    attributes: { Name: plan.bus.name, Arn: arn('events', `event-bus/${plan.bus.name}`) },
  });
  for (const table of plan.tables) {
    const name = values.tableName(table.id);
    named.set(table.logicalId, { ref: name, attributes: { Arn: arn('dynamodb', `table/${name}`) } });
  }
  for (const queue of plan.queues) {
    const url = `https://sqs.${region}.${urlSuffix}/${account}/${queue.name}`;
    named.set(queue.logicalId, {
      ref: url,
      attributes: { Arn: arn('sqs', queue.name), QueueName: queue.name, QueueUrl: url },
    });
  }
  for (const fn of plan.functions)
    named.set(fn.logicalId, { ref: fn.name, attributes: { Arn: arn('lambda', `function:${fn.name}`) } });
  for (const role of plan.roles)
    named.set(role.logicalId, {
      ref: role.name,
      attributes: { Arn: arn('iam', `role/${role.name}`, false), RoleId: role.name },
    });
  for (const rule of [...plan.rules, ...plan.schedules])
    named.set(rule.logicalId, { ref: rule.name, attributes: { Arn: arn('events', `rule/${rule.name}`) } });
  const secretArns = new Map(
    plan.secrets.map((id) => [arn('secretsmanager', `secret:${physicalName(id, plan.template.Resources[id]!)}`), id]),
  );
  for (const [secretArn, id] of secretArns) named.set(id, { ref: secretArn, attributes: {} });
  return {
    pseudo: values.pseudo,
    ref: (id) => named.get(id)?.ref,
    getAtt: (id, attribute) => named.get(id)?.attributes[attribute],
    parameter: (name) => {
      const parameter = plan.template.Parameters?.[name];
      return parameter && typeof parameter.Default === 'string' ? parameter.Default : undefined;
    },
    // `{{resolve:secretsmanager:<arn>:SecretString:::}}`: the whole secret string, the only form the stack uses.
    dynamicReference: (service, reference) => {
      if (service !== 'secretsmanager') return undefined;
      const match = /^(arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+)(?::SecretString:(?::(?::)?)?)?$/.exec(
        reference,
      );
      const id = match ? secretArns.get(match[1]!) : undefined;
      return id ? values.secretValue(id) : undefined;
    },
    ...(plan.template.Conditions ? { conditions: plan.template.Conditions } : {}),
  };
}

/** A function's environment with every intrinsic resolved, as Lambda would set it. */
export function functionEnvironment(fn: LocalFunction, context: ResolveContext): Record<string, string> {
  const resolved = resolveValue(fn.environment, context, `${fn.logicalId}.Properties.Environment.Variables`) as Record<
    string,
    unknown
  >;
  return Object.fromEntries(Object.entries(resolved).map(([k, v]) => [k, String(v)]));
}
