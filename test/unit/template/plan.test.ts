import { beforeAll, describe, expect, it } from 'vitest';
import { type CloudPlan, functionEnvironment, planOf, resolveContext } from '../../../infra/local/template/plan.ts';
import { loadTemplate } from '../../../infra/local/template/source.ts';
import type { CfnTemplate } from '../../../infra/local/template/template-types.ts';
import { TOPOLOGY, visibilityTimeoutSeconds } from '../../../infra/topology.ts';

// The stack's own synthesized template (cached by the run's globalSetup), never a hand-written one.
let plan: CloudPlan;
let template: CfnTemplate;
beforeAll(async () => {
  template = await loadTemplate();
  plan = planOf(template);
}, 120_000);

const PSEUDO = {
  region: 'us-east-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
  stackName: 'MxLocal',
};
const context = () =>
  resolveContext(plan, { pseudo: PSEUDO, tableName: (id) => id, secretValue: () => 'local-secret' });
const byName = <T extends { name: string }>(list: readonly T[], name: string) => list.find((x) => x.name === name);

describe('the local cloud plan read from the synthesized template', () => {
  it('names the bus as the topology does', () => {
    expect(plan.bus.name).toBe(TOPOLOGY.busName);
  });

  it('has each subscription\u2019s queue and dead-letter queue, with its visibility timeout and redrive', () => {
    for (const sub of TOPOLOGY.subscriptions) {
      const queue = byName(plan.queues, `mx-${sub.name}`);
      const dlq = byName(plan.queues, `mx-${sub.name}-dlq`);
      expect(queue?.visibilityTimeoutSeconds, sub.name).toBe(visibilityTimeoutSeconds(sub.delivery));
      expect(queue?.deadLetter).toEqual({
        queueLogicalId: dlq?.logicalId,
        maxReceiveCount: sub.delivery.maxReceiveCount,
      });
    }
  });

  it('routes each subscription\u2019s pattern, as the template states it, to its queue', () => {
    expect(plan.rules.map((r) => r.name).sort()).toEqual(TOPOLOGY.subscriptions.map((s) => s.name).sort());
    for (const sub of TOPOLOGY.subscriptions) {
      const rule = byName(plan.rules, sub.name)!;
      expect(rule.pattern).toEqual(sub.pattern);
      expect(rule.busLogicalId).toBe(plan.bus.logicalId);
      expect(rule.targets).toEqual([byName(plan.queues, `mx-${sub.name}`)!.logicalId]);
    }
  });

  it('declares every topology table by its id, with its keys and global secondary indexes', () => {
    expect(plan.tables.map((t) => t.id).sort()).toEqual(TOPOLOGY.tables.map((t) => t.id).sort());
    for (const spec of TOPOLOGY.tables) {
      const table = plan.tables.find((t) => t.id === spec.id)!;
      expect(table.definition.KeySchema?.[0]).toEqual({ AttributeName: spec.partitionKey.name, KeyType: 'HASH' });
      expect((table.definition.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName)).toEqual(
        (spec.indexes ?? []).map((i) => i.name),
      );
    }
  });

  it('feeds each subscription queue to the function running the subscription\u2019s handler, in its batches', () => {
    expect(plan.eventSourceMappings).toHaveLength(TOPOLOGY.subscriptions.length);
    for (const sub of TOPOLOGY.subscriptions) {
      const queue = byName(plan.queues, `mx-${sub.name}`)!;
      const mapping = plan.eventSourceMappings.find((m) => m.queueLogicalId === queue.logicalId)!;
      const fn = plan.functions.find((f) => f.logicalId === mapping.functionLogicalId)!;
      expect(fn.module).toBe(sub.handler);
      expect(fn.timeoutSeconds).toBe(sub.delivery.handlerTimeoutSeconds);
      expect([mapping.batchSize, mapping.maxBatchingWindowSeconds]).toEqual([
        sub.delivery.batchSize,
        sub.delivery.maxBatchingWindowSeconds,
      ]);
    }
  });

  it('serves every API route with the function the template integrates, IAM-authorised', () => {
    const route = (method: string, resource: string) => {
      const found = plan.routes.find((r) => r.method === method && r.resource === resource);
      return (
        found && {
          module: plan.functions.find((f) => f.logicalId === found.functionLogicalId)?.module,
          auth: found.authorizationType,
        }
      );
    };
    for (const api of TOPOLOGY.commandApis)
      expect(route('POST', `/commands/${api.system}`)).toEqual({ module: api.handler, auth: 'AWS_IAM' });
    for (const api of TOPOLOGY.queryApis)
      expect(route('GET', `/api/views/${api.ministry}/{resource}`)).toEqual({ module: api.handler, auth: 'AWS_IAM' });
    expect(route('GET', '/api/exchange/health')?.module).toBe('functions/exchange-api/handler.ts');
    expect(route('GET', '/api/whoami')?.module).toBe('functions/query-api/whoami-handler.ts');
  });

  it('runs the nightly overstay check on its schedule, with the berkut command function', () => {
    const berkut = TOPOLOGY.commandApis.find((a) => a.system === 'berkut')!;
    const checks = plan.schedules.filter((s) =>
      s.targets.some((t) => plan.functions.find((f) => f.logicalId === t)?.module === berkut.handler),
    );
    expect(checks.map((s) => s.expression)).toEqual(['cron(30 1 * * ? *)']);
  });

  it('gives every function its environment with the intrinsics resolved: tables, bus, secret', () => {
    for (const sub of TOPOLOGY.subscriptions) {
      const queue = byName(plan.queues, `mx-${sub.name}`)!;
      const fn = plan.functions.find(
        (f) =>
          f.logicalId === plan.eventSourceMappings.find((m) => m.queueLogicalId === queue.logicalId)!.functionLogicalId,
      )!;
      const env = functionEnvironment(fn, context());
      expect(env).toMatchObject({
        TABLE_NAME: sub.table,
        PERSON_KEY_SECRET: 'local-secret',
        SUBSCRIPTION: sub.name,
        EVENT_BUS_NAME: TOPOLOGY.busName,
        ...sub.environment,
      });
    }
    const routes = plan.functions.find((f) => f.module === 'functions/exchange-api/handler.ts')!;
    const config = JSON.parse(functionEnvironment(routes, context()).EXCHANGE_API_CONFIG!) as {
      queues: Record<string, string[]>;
      queueUrlPrefix: string;
    };
    expect(config.queues['exchange-log']).toEqual(['mx-exchange-log', 'mx-exchange-log-dlq']);
    expect(config.queueUrlPrefix).toBe('https://sqs.us-east-1.amazonaws.com/000000000000/');
  });

  it('names the agencies\u2019 and operators\u2019 roles as callers\u2019 ARNs carry them locally', () => {
    const names = plan.roles.map((r) => r.name);
    for (const agency of TOPOLOGY.agencies) expect(names).toContain(`mx-agency-${agency.id}`);
    for (const api of TOPOLOGY.queryApis) expect(names).toContain(`mx-operator-${api.ministry}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses a template with a resource type it neither runs nor lists as not run, naming the resource', () => {
    const grown = {
      ...template,
      Resources: { ...template.Resources, Flow: { Type: 'AWS::StepFunctions::StateMachine' } },
    };
    expect(() => planOf(grown)).toThrow(
      /^Flow: AWS::StepFunctions::StateMachine is a resource type the local cloud neither runs/,
    );
  });

  it('refuses a function the template does not say the module of, naming it', () => {
    const [id, fn] = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function')!;
    const unnamed = { ...template, Resources: { ...template.Resources, [id]: { ...fn, Metadata: {} } } };
    expect(() => planOf(unnamed)).toThrow(new RegExp(`^${id}\\.Metadata: a function without mx:handler-module`));
  });
});
