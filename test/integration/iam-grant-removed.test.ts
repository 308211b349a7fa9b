/**
 * Issue 14's test: synthesize the stack with one grant removed and see the local call denied, end to end.
 *
 * A CDK Aspect strips `dynamodb:PutItem` from the exchange-log function's role policy; a local cloud starts from
 * THAT template. An agency publishes an event; the exchange-log function, running as its own role, tries to write
 * the exchange log and is refused by the template's IAM in AWS's words; the message is retried and dead-lettered
 * with the refusal as its reason, and nothing is written. The other subscriptions, whose grants are intact, take the
 * same event. A cloud from the stack as it deploys writes the entry (the control).
 */

import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type IAspect, Stack } from 'aws-cdk-lib';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logKey } from '../../functions/exchange-log/log-entry.ts';
import type { Queues } from '../../infra/local/queues.ts';
import { loadTemplate, synthesizeTemplate } from '../../infra/local/template/source.ts';
import type { CfnTemplate } from '../../infra/local/template/template-types.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud, waitFor } from './cloud-harness.ts';

/** The dead letters parked on the given queues, as the cloud's queues hold them. */
const listDeadLetters = (queues: Queues, names: string[]) =>
  names.flatMap((queue) =>
    // The receive count is the one from the queue the message was parked from.
    queues.peek(queue).map((m) => ({ queue, receiveCount: m.sourceReceiveCount ?? m.receiveCount, error: m.error })),
  );

/** Removes one action from the statements of the policies attached to one role: a grant taken away. */
class StripGrant implements IAspect {
  constructor(
    private readonly roleLogicalId: string,
    private readonly action: string,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const stack = Stack.of(node);
    const roles = stack.resolve(node.roles) as { Ref?: string }[] | undefined;
    if (!roles?.some((r) => r.Ref === this.roleLogicalId)) return;
    const document = stack.resolve(node.policyDocument) as { Statement: { Action: string | string[] }[] };
    const Statement = document.Statement.flatMap((statement) => {
      const actions = [statement.Action].flat().filter((a) => a !== this.action);
      return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
    });
    node.policyDocument = { ...document, Statement };
  }
}

/** The exchange-log function's logical id and its execution role's, read from the template. */
function exchangeLog(template: CfnTemplate): { fn: string; role: string } {
  const [fn, resource] = Object.entries(template.Resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.SUBSCRIPTION ===
        'exchange-log',
  )!;
  const role = (resource.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  return { fn, role };
}

const EXCHANGE_LOG_DLQ = 'mx-exchange-log-dlq';

async function publish(env: TestCloud) {
  const entry = exampleEntry(latestDefinition('AdministrativeOffenceRecorded')!, TOPOLOGY.busName);
  const sent = await env.events('interior').send(new PutEventsCommand({ Entries: [entry] }));
  expect(sent.FailedEntryCount).toBe(0);
  return { pk: logKey(entry.Source, (JSON.parse(entry.Detail) as { meta: { eventId: string } }).meta.eventId) };
}

const logged = async (env: TestCloud, pk: string) =>
  (await env.doc().send(new GetCommand({ TableName: env.cloud.tableName('ExchangeLog'), Key: { pk } }))).Item;

describe('a grant removed from the stack is a call refused on the local cloud started from that template', () => {
  let env: TestCloud;
  let ids: { fn: string; role: string };

  beforeAll(async () => {
    ids = exchangeLog(await loadTemplate());
    const stripped = await synthesizeTemplate(undefined, [new StripGrant(ids.role, 'dynamodb:PutItem')]);
    env = await startTestCloud({ template: stripped });
  }, 180_000);
  afterAll(() => env?.stop());

  it('the exchange-log function is refused its write in AWS words; dead-lettered with the refusal', async () => {
    const { pk } = await publish(env);
    const [dead] = await waitFor(
      async () => {
        const letters = listDeadLetters(env.cloud.queues, [EXCHANGE_LOG_DLQ]);
        return letters.length ? letters : undefined;
      },
      { timeoutMs: 60_000, what: 'the exchange-log message to be dead-lettered' },
    );
    const role = env.cloud.plan.roles.find((r) => r.logicalId === ids.role)!.name;
    const fn = env.cloud.plan.functions.find((f) => f.logicalId === ids.fn)!.name;
    const table = env.cloud.tableName('ExchangeLog');
    expect(dead!.error).toContain(
      `User: arn:aws:sts::000000000000:assumed-role/${role}/${fn} is not authorized to perform: ` +
        `dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/${table} ` +
        'because no identity-based policy allows the dynamodb:PutItem action',
    );
    expect(dead!.receiveCount).toBeGreaterThan(1);
    expect(await logged(env, pk)).toBeUndefined();
  }, 90_000);

  it('only that grant went: every other subscription took the event, nothing else dead-lettered', async () => {
    await settled(env);
    const others = env.cloud.plan.queues
      .map((q) => q.name)
      .filter((name) => name.endsWith('-dlq') && name !== EXCHANGE_LOG_DLQ);
    expect(others.length).toBeGreaterThan(0);
    expect(listDeadLetters(env.cloud.queues, others)).toEqual([]);
  });
});

describe('the stack as it deploys, on the local cloud', () => {
  let env: TestCloud;
  beforeAll(async () => {
    env = await startTestCloud();
  }, 180_000);
  afterAll(() => env?.stop());

  it('the exchange-log function writes the same event to its table', async () => {
    const { pk } = await publish(env);
    await settled(env);
    expect(await logged(env, pk)).toMatchObject({ pk });
    expect(listDeadLetters(env.cloud.queues, [EXCHANGE_LOG_DLQ])).toEqual([]);
  });
});
