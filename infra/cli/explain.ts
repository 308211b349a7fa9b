/**
 * `mx explain <name>`: where a subscription, command API, query API, table or role is declared (the topology),
 * what the synthesized template makes of it (resources and their local names), and what its role may touch (the
 * template's IAM policies, read by the iam module's own reader). Pure: the template, the topology and the
 * topology's source text come from the caller (explain-command.ts), so a test runs it on the real template offline.
 */

import { iamResolver, LOCAL_PLACE } from '../local/iam/index.ts';
import { actionMatches, arnMatches } from '../local/iam/matching.ts';
import type { Statement } from '../local/iam/policy.ts';
import { type StackPolicies, stackPolicies } from '../local/iam/template-policies.ts';
import { resolveString } from '../local/template/intrinsics.ts';
import { type CloudPlan, planOf, resolveContext } from '../local/template/plan.ts';
import type { LocalFunction } from '../local/template/resources/functions.ts';
import type { CfnTemplate } from '../local/template/template-types.ts';
import type { Topology } from '../topology.ts';

export type ExplainedKind = 'subscription' | 'command-api' | 'query-api' | 'table' | 'role';

export interface Declared {
  /** `infra/topology.ts:<line>` where the entry (or the list it is built in) starts. */
  readonly where: string;
  /** The topology's list the entry sits in: SUBSCRIPTIONS, COMMAND_APIS, QUERY_APIS, TABLES, AGENCIES. */
  readonly section: string;
  /** The entry's facts as the topology declares them (never a secret: the topology holds none). */
  readonly facts: Readonly<Record<string, unknown>>;
}

export interface TemplateResource {
  readonly type: string;
  readonly logicalId: string;
  /** Its physical name on the local cloud (infra/local/template/names.ts). */
  readonly localName: string;
  /** What the template says about it that matters here (batch size, DLQ, module…). */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface Route {
  readonly method: string;
  readonly path: string;
  readonly authorization: string;
}

export interface RunsAs {
  readonly resources: readonly TemplateResource[];
  readonly routes: readonly Route[];
}

export interface Grant {
  readonly policy: string;
  readonly effect: 'Allow' | 'Deny';
  /** `NotAction` statements are listed with `not: true`. */
  readonly actions: readonly string[];
  readonly notActions: boolean;
  /** Full ARNs as the template resolves them locally. */
  readonly resources: readonly string[];
  /** The same, by local name (`dynamodb table/ExchangeLog`). */
  readonly resourceNames: readonly string[];
  /** operator → key → values, e.g. `StringEquals events:source [mx.interior]`. */
  readonly conditions: readonly string[];
}

export interface RoleAccess {
  readonly role: string;
  readonly roleLogicalId: string;
  /** Who acts as the role: function logical ids, or `agency <ministry>` / `operator <ministry>`. */
  readonly actsFor: readonly string[];
  readonly actions: readonly string[];
  readonly conditions: readonly string[];
}

export interface MayTouch {
  readonly role?: { readonly logicalId: string; readonly name: string };
  readonly grants: readonly Grant[];
  /** For a table: the roles whose policies allow writing / reading it. */
  readonly writers?: readonly RoleAccess[];
  readonly readers?: readonly RoleAccess[];
}

export interface Explanation {
  readonly name: string;
  readonly kind: ExplainedKind;
  readonly declared: Declared | undefined;
  readonly runsAs: RunsAs;
  readonly mayTouch: MayTouch;
  /** Other things known by the same or a related name (`berkut` is also `commands-berkut`). */
  readonly seeAlso: readonly string[];
}

export class UnknownNameError extends Error {
  override readonly name = 'UnknownNameError';
  constructor(
    readonly asked: string,
    readonly closest: readonly string[],
  ) {
    super(`nothing is called ${JSON.stringify(asked)}; closest known names: ${closest.join(', ')}`);
  }
}

/** DynamoDB actions that change a table, and those that read it. */
const TABLE_WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'].map((a) => `dynamodb:${a}`);
const TABLE_READS = ['GetItem', 'BatchGetItem', 'Query', 'Scan'].map((a) => `dynamodb:${a}`);

interface Context {
  readonly template: CfnTemplate;
  readonly topology: Topology;
  readonly topologySource: string;
  readonly plan: CloudPlan;
  readonly stack: StackPolicies;
  readonly resolve: (value: unknown) => string;
}

/** Every name `mx explain` answers to, by kind (for the refusal's suggestions and `mx explain --list`). */
export function knownNames(template: CfnTemplate, topology: Topology): Record<ExplainedKind, string[]> {
  const plan = planOf(template);
  return {
    subscription: topology.subscriptions.map((s) => s.name),
    'command-api': topology.commandApis.map((a) => `commands-${a.system}`),
    'query-api': topology.queryApis.map((q) => `queries-${q.ministry}`),
    table: topology.tables.map((t) => t.id),
    role: plan.roles.map((r) => r.name),
  };
}

/**
 * How the template's intrinsics resolve on the local cloud, for the IAM reader: the local cloud's resolver first
 * (tables and queues carry the names the local cloud gives them), the iam module's where it has no answer.
 */
export function localIamResolver(template: CfnTemplate, plan: CloudPlan = planOf(template)): (v: unknown) => string {
  const context = resolveContext(plan, {
    pseudo: {
      region: LOCAL_PLACE.region,
      accountId: LOCAL_PLACE.account,
      partition: LOCAL_PLACE.partition,
      urlSuffix: LOCAL_PLACE.urlSuffix,
      stackName: 'MxLocal',
    },
    tableName: (id) => id,
    // Secrets are never read: an environment is shown by variable names only.
    secretValue: () => undefined,
  });
  return iamResolver(template, LOCAL_PLACE, (v) => resolveString(v, context, 'explain'));
}

export function explain(name: string, template: CfnTemplate, topology: Topology, topologySource = ''): Explanation {
  const plan = planOf(template);
  const resolve = localIamResolver(template, plan);
  const ctx: Context = { template, topology, topologySource, plan, stack: stackPolicies(template, resolve), resolve };
  const known = knownNames(template, topology);
  const lower = name.toLowerCase();
  const pick = (kind: ExplainedKind) => known[kind].find((n) => n.toLowerCase() === lower);
  const seeAlso = (self: string) =>
    Object.values(known)
      .flat()
      .filter((n) => n !== self && (n.endsWith(`-${self}`) || self.endsWith(`-${n}`)));
  const subscription = pick('subscription');
  if (subscription) return { ...explainSubscription(ctx, subscription), seeAlso: seeAlso(subscription) };
  const command = pick('command-api');
  if (command) return { ...explainCommandApi(ctx, command.slice('commands-'.length)), seeAlso: seeAlso(command) };
  const query = pick('query-api');
  if (query) return { ...explainQueryApi(ctx, query.slice('queries-'.length)), seeAlso: seeAlso(query) };
  const table = pick('table');
  if (table) return { ...explainTable(ctx, table), seeAlso: [] };
  const role = pick('role');
  if (role) return { ...explainRole(ctx, role), seeAlso: runBy(ctx, role) };
  throw new UnknownNameError(name, closestNames(name, Object.values(known).flat()));
}

type Partial = Omit<Explanation, 'seeAlso'>;

function lineOf(source: string, needle: string): number | undefined {
  const at = source.indexOf(needle);
  return at < 0 ? undefined : source.slice(0, at).split('\n').length;
}

/** The entry's own line when it is written out literally, else the line its list is built on. */
function whereIn(ctx: Context, literal: string, section: string): string {
  const line = lineOf(ctx.topologySource, literal) ?? lineOf(ctx.topologySource, `export const ${section}`);
  return line === undefined ? 'infra/topology.ts' : `infra/topology.ts:${line}`;
}

function explainSubscription(ctx: Context, name: string): Partial {
  const spec = ctx.topology.subscriptions.find((s) => s.name === name)!;
  const fn = ctx.plan.functions.find((f) => envString(f, 'SUBSCRIPTION') === name);
  return {
    name,
    kind: 'subscription',
    declared: {
      where: whereIn(ctx, `name: '${name}'`, 'SUBSCRIPTIONS'),
      section: 'SUBSCRIPTIONS',
      facts: {
        description: spec.description,
        pattern: spec.pattern,
        handler: spec.handler,
        ownsTable: spec.table,
        legalBasis: `${spec.legalBasis.act}, ${spec.legalBasis.article}`,
        purpose: spec.purpose,
        publishes: spec.publishes ?? [],
        delivery: spec.delivery,
      },
    },
    runsAs: { resources: fn ? subscriptionResources(ctx, fn) : [], routes: [] },
    mayTouch: functionGrants(ctx, fn),
  };
}

function explainCommandApi(ctx: Context, system: string): Partial {
  const spec = ctx.topology.commandApis.find((a) => a.system === system)!;
  const fn = ctx.plan.functions.find((f) => f.module === spec.handler && envString(f, 'SYSTEM') === system);
  return {
    name: `commands-${system}`,
    kind: 'command-api',
    declared: {
      where: whereIn(ctx, `system: '${system}'`, 'COMMAND_APIS'),
      section: 'COMMAND_APIS',
      facts: {
        handler: spec.handler,
        decidesAgainst: spec.table,
        registryWrites: spec.registryWrites,
        idempotencyTable: spec.idempotencyTable,
        callableBy: spec.agencies,
        publishes: spec.publishes,
      },
    },
    runsAs: apiRunsAs(ctx, fn),
    mayTouch: functionGrants(ctx, fn),
  };
}

function explainQueryApi(ctx: Context, ministry: string): Partial {
  const spec = ctx.topology.queryApis.find((q) => q.ministry === ministry)!;
  const fn = ctx.plan.functions.find((f) => f.module === spec.handler && envString(f, 'MINISTRY') === ministry);
  return {
    name: `queries-${ministry}`,
    kind: 'query-api',
    declared: {
      where: whereIn(ctx, 'export const QUERY_APIS', 'QUERY_APIS'),
      section: 'QUERY_APIS',
      facts: { ministry, handler: spec.handler, readsView: spec.table, recordsReadsIn: spec.ledger },
    },
    runsAs: apiRunsAs(ctx, fn),
    mayTouch: functionGrants(ctx, fn),
  };
}

function explainTable(ctx: Context, id: string): Partial {
  const { topology } = ctx;
  const spec = topology.tables.find((t) => t.id === id)!;
  const owner = topology.subscriptions.find((s) => s.table === id);
  const writers = [
    ...(owner ? [`subscription ${owner.name} (owner)`] : []),
    ...topology.commandApis
      .filter((a) => a.table === id && a.registryWrites.length)
      .map((a) => `commands-${a.system} (${a.registryWrites.join(', ')})`),
    ...topology.commandApis.filter((a) => a.idempotencyTable === id).map((a) => `commands-${a.system} (answers)`),
    ...topology.queryApis.filter((q) => q.ledger === id).map((q) => `queries-${q.ministry} (reads it records)`),
  ];
  const readers = [
    ...topology.commandApis.filter((a) => a.table === id).map((a) => `commands-${a.system}`),
    ...topology.queryApis.filter((q) => q.table === id).map((q) => `queries-${q.ministry}`),
  ];
  const table = ctx.plan.tables.find((t) => t.id === id);
  const arn = table ? ctx.resolve({ 'Fn::GetAtt': [table.logicalId, 'Arn'] }) : undefined;
  return {
    name: id,
    kind: 'table',
    declared: {
      where: whereIn(ctx, `id: '${id}'`, 'TABLES'),
      section: 'TABLES',
      facts: {
        description: spec.description,
        partitionKey: spec.partitionKey.name,
        ...(spec.sortKey ? { sortKey: spec.sortKey.name } : {}),
        indexes: (spec.indexes ?? []).map((i) => i.name),
        owner: owner ? owner.name : 'none (no subscription owns it)',
        writers,
        readers,
      },
    },
    runsAs: {
      resources: table
        ? [
            {
              type: 'AWS::DynamoDB::Table',
              logicalId: table.logicalId,
              localName: ctx.resolve({ Ref: table.logicalId }),
              details: {
                keys: table.definition.KeySchema?.map((k) => `${k.AttributeName} (${k.KeyType})`),
                indexes: table.definition.GlobalSecondaryIndexes?.map((i) => i.IndexName) ?? [],
              },
            },
          ]
        : [],
      routes: [],
    },
    mayTouch: {
      grants: [],
      ...(arn
        ? {
            writers: rolesAllowed(ctx, TABLE_WRITES, [arn]),
            // Any of its indexes: a grant on `<table>/index/*` reads it too.
            readers: rolesAllowed(ctx, TABLE_READS, [arn, `${arn}/index/any`]),
          }
        : {}),
    },
  };
}

function explainRole(ctx: Context, name: string): Partial {
  const role = [...ctx.stack.roles.values()].find((r) => r.name === name)!;
  const agency = [...ctx.stack.agencyRoles].find(([, id]) => id === role.logicalId)?.[0];
  const operator = [...ctx.stack.operatorRoles].find(([, id]) => id === role.logicalId)?.[0];
  const spec = agency ? ctx.topology.agencies.find((a) => a.id === agency) : undefined;
  const declared: Declared | undefined = spec
    ? {
        where: whereIn(ctx, `id: '${spec.id}'`, 'AGENCIES'),
        section: 'AGENCIES',
        facts: { agency: spec.name, publishesUnder: spec.sources },
      }
    : operator
      ? {
          where: whereIn(ctx, 'export const QUERY_APIS', 'QUERY_APIS'),
          section: 'QUERY_APIS',
          facts: { operatorsOf: operator, readThrough: `queries-${operator}` },
        }
      : undefined;
  const functions = ctx.plan.functions.filter((f) => f.roleLogicalId === role.logicalId);
  return {
    name,
    kind: 'role',
    declared,
    runsAs: {
      resources: [
        {
          type: 'AWS::IAM::Role',
          logicalId: role.logicalId,
          localName: role.name,
          details: {
            actsFor: actsFor(ctx, role.logicalId),
            ...(functions.length ? { functions: functions.map((f) => `${f.logicalId} (${f.module})`) } : {}),
            ...(role.managed.length ? { managedPolicies: role.managed } : {}),
          },
        },
      ],
      routes: [],
    },
    mayTouch: { role: { logicalId: role.logicalId, name: role.name }, grants: grantsOf(ctx, role.logicalId) },
  };
}

/** The subscriptions and APIs whose function runs as the role `roleName`, by the names `mx explain` takes. */
function runBy(ctx: Context, roleName: string): string[] {
  const role = [...ctx.stack.roles.values()].find((r) => r.name === roleName);
  return ctx.plan.functions
    .filter((f) => f.roleLogicalId === role?.logicalId)
    .flatMap((f) => {
      const subscription = envString(f, 'SUBSCRIPTION');
      if (subscription) return [subscription];
      const system = envString(f, 'SYSTEM');
      if (system) return [`commands-${system}`];
      const ministry = envString(f, 'MINISTRY');
      return ministry ? [`queries-${ministry}`] : [];
    });
}

function envString(fn: LocalFunction, variable: string): string | undefined {
  const value = fn.environment[variable];
  return typeof value === 'string' ? value : undefined;
}

function functionResource(ctx: Context, fn: LocalFunction): TemplateResource {
  return {
    type: 'AWS::Lambda::Function',
    logicalId: fn.logicalId,
    localName: fn.name,
    details: {
      module: fn.module,
      timeoutSeconds: fn.timeoutSeconds,
      role: ctx.stack.roles.get(fn.roleLogicalId)?.name ?? fn.roleLogicalId,
      // Names only: values may be secrets (PERSON_KEY_SECRET resolves to the key itself).
      environment: Object.keys(fn.environment).sort(),
    },
  };
}

function subscriptionResources(ctx: Context, fn: LocalFunction): TemplateResource[] {
  const { plan } = ctx;
  const out: TemplateResource[] = [];
  for (const mapping of plan.eventSourceMappings.filter((m) => m.functionLogicalId === fn.logicalId)) {
    const queue = plan.queues.find((q) => q.logicalId === mapping.queueLogicalId);
    for (const rule of plan.rules.filter((r) => r.targets.includes(mapping.queueLogicalId))) {
      out.push({
        type: 'AWS::Events::Rule',
        logicalId: rule.logicalId,
        localName: rule.name,
        details: { bus: plan.bus.name, pattern: rule.pattern },
      });
    }
    if (queue) {
      const dlq = queue.deadLetter && plan.queues.find((q) => q.logicalId === queue.deadLetter!.queueLogicalId);
      out.push({
        type: 'AWS::SQS::Queue',
        logicalId: queue.logicalId,
        localName: queue.name,
        details: {
          visibilityTimeoutSeconds: queue.visibilityTimeoutSeconds,
          ...(queue.deadLetter
            ? {
                deadLetterQueue: dlq?.name ?? queue.deadLetter.queueLogicalId,
                maxReceiveCount: queue.deadLetter.maxReceiveCount,
              }
            : {}),
        },
      });
      if (dlq) {
        const details = { deadLetterOf: queue.name };
        out.push({ type: 'AWS::SQS::Queue', logicalId: dlq.logicalId, localName: dlq.name, details });
      }
    }
    out.push({
      type: 'AWS::Lambda::EventSourceMapping',
      logicalId: mapping.logicalId,
      localName: mapping.logicalId,
      details: {
        queue: queue?.name ?? mapping.queueLogicalId,
        batchSize: mapping.batchSize,
        maxBatchingWindowSeconds: mapping.maxBatchingWindowSeconds,
        reportBatchItemFailures: mapping.reportBatchItemFailures,
      },
    });
  }
  out.push(functionResource(ctx, fn));
  return out;
}

function apiRunsAs(ctx: Context, fn: LocalFunction | undefined): RunsAs {
  if (!fn) return { resources: [], routes: [] };
  const routes = ctx.plan.routes
    .filter((r) => r.functionLogicalId === fn.logicalId)
    .map((r) => ({ method: r.method, path: r.resource, authorization: r.authorizationType }));
  const schedules = ctx.plan.schedules
    .filter((s) => s.targets.includes(fn.logicalId))
    .map((s) => ({
      type: 'AWS::Events::Rule',
      logicalId: s.logicalId,
      localName: s.name,
      details: { schedule: s.expression },
    }));
  return { resources: [functionResource(ctx, fn), ...schedules], routes };
}

function functionGrants(ctx: Context, fn: LocalFunction | undefined): MayTouch {
  const roleId = fn ? ctx.stack.functionRoles.get(fn.logicalId) : undefined;
  const role = roleId ? ctx.stack.roles.get(roleId) : undefined;
  if (!role) return { grants: [] };
  return { role: { logicalId: role.logicalId, name: role.name }, grants: grantsOf(ctx, role.logicalId) };
}

/** `arn:aws:dynamodb:us-east-1:000000000000:table/ExchangeLog` → `dynamodb table/ExchangeLog`. */
export function localResourceName(arn: string): string {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return arn;
  return `${parts[2]} ${parts.slice(5).join(':')}`;
}

function conditionsOf(statement: Statement): string[] {
  return Object.entries(statement.condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, values]) => `${operator} ${key} ${values.join(' | ')}`),
  );
}

function grantsOf(ctx: Context, roleLogicalId: string): Grant[] {
  const role = ctx.stack.roles.get(roleLogicalId);
  if (!role) return [];
  return role.policies.flatMap((policy) =>
    policy.statements.map((s) => ({
      policy: policy.name,
      effect: s.effect,
      actions: [...(s.action ?? s.notAction ?? [])],
      notActions: s.action === undefined,
      resources: [...(s.resource ?? ['*'])],
      resourceNames: (s.resource ?? ['*']).map(localResourceName),
      conditions: conditionsOf(s),
    })),
  );
}

function actsFor(ctx: Context, roleLogicalId: string): string[] {
  return [
    ...[...ctx.stack.functionRoles].filter(([, r]) => r === roleLogicalId).map(([fn]) => `function ${fn}`),
    ...[...ctx.stack.agencyRoles].filter(([, r]) => r === roleLogicalId).map(([m]) => `agency ${m}`),
    ...[...ctx.stack.operatorRoles].filter(([, r]) => r === roleLogicalId).map(([m]) => `operator ${m}`),
  ];
}

/**
 * The roles an Allow statement of which names one of `actions` on one of `arns`. A Deny elsewhere or a condition
 * may still narrow it; the conditions are listed so the reader sees them (the evaluator decides per request).
 */
function rolesAllowed(ctx: Context, actions: readonly string[], arns: readonly string[]): RoleAccess[] {
  const out: RoleAccess[] = [];
  for (const role of ctx.stack.roles.values()) {
    const allowed = new Set<string>();
    const conditions = new Set<string>();
    for (const s of role.policies.flatMap((p) => p.statements)) {
      if (s.effect !== 'Allow' || !s.action || !s.resource) continue;
      if (!s.resource.some((pattern) => arns.some((arn) => arnMatches(pattern, arn)))) continue;
      const matched = actions.filter((a) => s.action!.some((pattern) => actionMatches(pattern, a)));
      for (const a of matched) allowed.add(a);
      if (matched.length) for (const c of conditionsOf(s)) conditions.add(c);
    }
    if (allowed.size) {
      out.push({
        role: role.name,
        roleLogicalId: role.logicalId,
        actsFor: actsFor(ctx, role.logicalId),
        actions: [...allowed],
        conditions: [...conditions],
      });
    }
  }
  return out;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known names nearest to `asked` (a name containing it, or few edits away), best first. */
export function closestNames(asked: string, known: readonly string[], count = 3): string[] {
  const a = asked.toLowerCase();
  const score = (name: string) => {
    const n = name.toLowerCase();
    return n.includes(a) || a.includes(n) ? 0 : distance(a, n);
  };
  const ranked = [...known].sort((x, y) => score(x) - score(y) || x.localeCompare(y));
  // Names a typo away when there are any (`berkt` → berkut only); otherwise the nearest few, to show the shape.
  const near = ranked.filter((n) => score(n) <= Math.max(2, Math.floor(asked.length / 3)));
  return (near.length ? near : ranked).slice(0, count);
}
