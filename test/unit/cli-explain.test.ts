/**
 * `mx explain` on the real synthesized template (the cached one the local cloud boots from): each expectation
 * compares what it prints with the topology or with the IAM evaluator, never with a restated copy of its output.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Explanation, explain, localIamResolver, type UnknownNameError } from '../../infra/cli/explain.ts';
import { renderExplanation } from '../../infra/cli/explain-view.ts';
import { authorizerFor, LOCAL_PLACE, type StackAuthorizer } from '../../infra/local/iam/index.ts';
import { actionMatches, arnMatches } from '../../infra/local/iam/matching.ts';
import { loadTemplate } from '../../infra/local/template/source.ts';
import type { CfnTemplate } from '../../infra/local/template/template-types.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import { TOPOLOGY, visibilityTimeoutSeconds } from '../../infra/topology.ts';

let template: CfnTemplate;
const source = readFileSync(`${REPO_ROOT}/infra/topology.ts`, 'utf8');
const run = (name: string) => explain(name, template, TOPOLOGY, source);
const tableArn = (id: string) => `arn:aws:dynamodb:${LOCAL_PLACE.region}:${LOCAL_PLACE.account}:table/${id}`;

/** Whether an Allow grant of the explanation names `action` on `arn` (a Deny would be listed beside it). */
const allows = (e: Explanation, action: string, arn: string) =>
  e.mayTouch.grants.some(
    (g) =>
      g.effect === 'Allow' &&
      !g.notActions &&
      g.actions.some((a) => actionMatches(a, action)) &&
      g.resources.some((r) => arnMatches(r, arn)),
  );

beforeAll(async () => {
  template = await loadTemplate();
}, 120_000);

describe('mx explain: may touch', () => {
  it('the exchange-log function may PutItem on ExchangeLog and not on InteriorView, as the evaluator decides', () => {
    const e = run('exchange-log');
    expect(allows(e, 'dynamodb:PutItem', tableArn('ExchangeLog'))).toBe(true);
    expect(allows(e, 'dynamodb:PutItem', tableArn('InteriorView'))).toBe(false);
    // The same role, asked of the evaluator the local cloud enforces with: explain names the role it runs as.
    const iam: StackAuthorizer = authorizerFor(template, LOCAL_PLACE, localIamResolver(template));
    const role = { kind: 'role' as const, role: e.mayTouch.role!.logicalId, session: 'explain-test' };
    const put = (TableName: string) =>
      iam.authorize(role, { service: 'dynamodb', operation: 'PutItem', body: { TableName, Item: {} } }, true).allowed;
    expect(put(tableLogicalName('ExchangeLog'))).toBe(true);
    expect(put(tableLogicalName('InteriorView'))).toBe(false);
  });

  it('a table lists the roles that may write it: ExchangeLog the exchange-log role, InteriorView not it', () => {
    const role = run('exchange-log').mayTouch.role!.name;
    expect(run('ExchangeLog').mayTouch.writers!.map((w) => w.role)).toContain(role);
    expect(run('InteriorView').mayTouch.writers!.map((w) => w.role)).not.toContain(role);
    const owner = run('view-interior').mayTouch.role!.name;
    expect(run('InteriorView').mayTouch.writers!.map((w) => w.role)).toContain(owner);
  });

  it('an agency role may publish only under its own sources (the events:source condition)', () => {
    const e = run('mx-agency-labour');
    const put = e.mayTouch.grants.find((g) => g.actions.includes('events:PutEvents'))!;
    const labour = TOPOLOGY.agencies.find((a) => a.id === 'labour')!;
    expect(put.conditions).toEqual([`StringEquals events:source ${labour.sources.join(' | ')}`]);
    expect(e.declared?.section).toBe('AGENCIES');
  });

  it('a function\u2019s role points back to what runs as it', () => {
    const role = run('commands-berkut').mayTouch.role!.name;
    expect(run(role).seeAlso).toEqual(['commands-berkut']);
  });
});

/** A table's name as the explanation's resolver gives it (its topology id locally). */
function tableLogicalName(id: string): string {
  return run(id).runsAs.resources[0]!.localName;
}

describe('mx explain: runs as', () => {
  it('the berkut subscription\u2019s rule, queue, DLQ and batch size match its topology entry', () => {
    const spec = TOPOLOGY.subscriptions.find((s) => s.name === 'berkut')!;
    const e = run('berkut');
    const of = (type: string) => e.runsAs.resources.filter((r) => r.type === type);
    const [queue, dlq] = of('AWS::SQS::Queue');
    expect(queue!.details.deadLetterQueue).toBe(dlq!.localName);
    expect(dlq!.details.deadLetterOf).toBe(queue!.localName);
    expect(queue!.details.maxReceiveCount).toBe(spec.delivery.maxReceiveCount);
    expect(queue!.details.visibilityTimeoutSeconds).toBe(visibilityTimeoutSeconds(spec.delivery));
    const [mapping] = of('AWS::Lambda::EventSourceMapping');
    expect(mapping!.details).toMatchObject({
      queue: queue!.localName,
      batchSize: spec.delivery.batchSize,
      maxBatchingWindowSeconds: spec.delivery.maxBatchingWindowSeconds,
    });
    expect(of('AWS::Events::Rule')[0]!.details.pattern).toEqual(spec.pattern);
    expect(of('AWS::Lambda::Function')[0]!.details.module).toBe(spec.handler);
    expect(e.declared?.facts.ownsTable).toBe(spec.table);
    expect(e.seeAlso).toContain('commands-berkut');
  });

  it('a command API lists its routes and an environment by names only, never a secret\u2019s value', () => {
    const e = run('commands-qandas');
    expect(e.runsAs.routes).toEqual([{ method: 'POST', path: '/commands/qandas', authorization: 'AWS_IAM' }]);
    const env = e.runsAs.resources.find((r) => r.type === 'AWS::Lambda::Function')!.details.environment as string[];
    expect(env).toContain('PERSON_KEY_SECRET');
    expect(JSON.stringify(e)).not.toMatch(/resolve:secretsmanager/);
  });

  it('the text has the three blocks a newcomer reads', () => {
    const text = renderExplanation(run('view-interior'));
    const at = ['Declared', 'Runs as', 'May touch'].map((h) => text.indexOf(`\n${h}`));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(text).toContain('mx-view-interior-dlq');
  });
});

describe('mx explain: unknown names', () => {
  it('refuses an unknown name, naming the closest known ones', () => {
    expect(() => run('berkt')).toThrow(/closest known names: berkut$/);
    try {
      run('view-interor');
    } catch (error) {
      expect((error as UnknownNameError).closest[0]).toBe('view-interior');
      expect((error as Error).message).toContain('view-interior');
    }
    expect.assertions(3);
  });
});
