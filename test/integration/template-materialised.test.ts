/**
 * The local cloud runs what the stack's synthesized template declares: its
 * queues (with their redrive), its rules and patterns, its tables and
 * indexes, its API methods, its subscriptions' functions and its schedules —
 * read back through the cloud's own AWS APIs and routes, compared with the
 * template itself. Every call a function makes carries its own role's ARN
 * through the authorize hook.
 */

import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListRulesCommand, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import type { AuthorizationRequest, Caller } from '../../infra/local/authorize.ts';
import { loadTemplate } from '../../infra/local/template/source.ts';
import type { CfnResourceDefinition, CfnTemplate } from '../../infra/local/template/template-types.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import { settled, startTestCloud, type TestCloud } from './cloud-harness.ts';

let env: TestCloud;
let template: CfnTemplate;
const seen: { caller: Caller; request: AuthorizationRequest }[] = [];
/** What the authorize hook refuses in this test: one agency's PutEvents, to see a refusal reach the caller. */
const refused = (caller: Caller, request: AuthorizationRequest) =>
  caller.kind === 'agency' && caller.id === 'labour' && request.service === 'events';

beforeAll(async () => {
  template = await loadTemplate();
  env = await startTestCloud({
    authorize: (caller, request) => {
      seen.push({ caller, request });
      return refused(caller, request) ? { allowed: false, refusal: 'refused by this test' } : { allowed: true };
    },
  });
});
afterAll(() => env.stop());

const resources = (type: string): [string, CfnResourceDefinition][] =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === type);
const props = (r: CfnResourceDefinition) => r.Properties ?? {};
const localName = (r: CfnResourceDefinition) => r.Metadata?.['mx:local-name'] as string | undefined;

describe('the local cloud materialises the synthesized template', () => {
  it('has the template\u2019s queues, each with its visibility timeout and redrive policy', async () => {
    const sqs = env.sqs();
    const listed = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    const queues = resources('AWS::SQS::Queue');
    expect(listed).toHaveLength(queues.length);
    for (const [, queue] of queues) {
      const name = localName(queue) ?? (queue.Metadata!['aws:cdk:path'] as string).split('/').slice(1, -1).join('-');
      const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
      const attributes = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] })))
        .Attributes!;
      // SQS's default when the template sets none.
      expect(Number(attributes.VisibilityTimeout)).toBe(props(queue).VisibilityTimeout ?? 30);
      const redrive = props(queue).RedrivePolicy as
        | { deadLetterTargetArn: { 'Fn::GetAtt': [string, string] }; maxReceiveCount: number }
        | undefined;
      if (redrive) {
        const dlq = localName(template.Resources[redrive.deadLetterTargetArn['Fn::GetAtt'][0]]!);
        expect(JSON.parse(attributes.RedrivePolicy!)).toEqual({
          deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${dlq}`,
          maxReceiveCount: redrive.maxReceiveCount,
        });
      }
    }
  });

  it('routes the template\u2019s patterns, not the topology\u2019s, each to its queue', async () => {
    const events = env.platformEvents();
    const rules = (await events.send(new ListRulesCommand({ EventBusName: TOPOLOGY.busName }))).Rules ?? [];
    const declared = resources('AWS::Events::Rule').filter(([, r]) => props(r).EventPattern);
    expect(rules.map((r) => ({ name: r.Name, pattern: JSON.parse(r.EventPattern!) }))).toEqual(
      declared.map(([, r]) => ({ name: localName(r), pattern: props(r).EventPattern })),
    );
    for (const [, rule] of declared) {
      const target = (props(rule).Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[])[0]!.Arn['Fn::GetAtt'][0];
      const targets = (
        await events.send(new ListTargetsByRuleCommand({ Rule: localName(rule)!, EventBusName: TOPOLOGY.busName }))
      ).Targets!;
      expect(targets.map((t) => t.Arn)).toEqual([
        `arn:aws:sqs:us-east-1:000000000000:${localName(template.Resources[target]!)}`,
      ]);
    }
  });

  it('has the template\u2019s tables, keys and global secondary indexes, named as health reports them', async () => {
    const dynamo = env.dynamo();
    const tables = env.cloud.health().tables as Record<string, string>;
    const declared = resources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(declared.length);
    expect((await dynamo.send(new ListTablesCommand({}))).TableNames).toEqual(
      expect.arrayContaining(Object.values(tables)),
    );
    for (const [, table] of declared) {
      const id = (table.Metadata!['aws:cdk:path'] as string).split('/')[1]!;
      const described = (await dynamo.send(new DescribeTableCommand({ TableName: tables[id] }))).Table!;
      expect(described.KeySchema).toEqual(props(table).KeySchema);
      const indexes = (props(table).GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[];
      expect(
        (described.GlobalSecondaryIndexes ?? []).map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema })),
      ).toEqual(expect.arrayContaining(indexes.map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema }))));
      expect(described.GlobalSecondaryIndexes ?? []).toHaveLength(indexes.length);
    }
  });

  it('serves exactly the template\u2019s API resources: each asks for a signature, others are not found', async () => {
    const resourcePaths = new Map(resources('AWS::ApiGateway::Resource').map(([id, r]) => [id, r]));
    const pathOf = (id: string): string => {
      const r = resourcePaths.get(id);
      if (!r) return '';
      const parent = (props(r).ParentId as { Ref?: string }).Ref;
      return `${parent ? pathOf(parent) : ''}/${String(props(r).PathPart)}`;
    };
    const methods = resources('AWS::ApiGateway::Method');
    expect(methods.length).toBeGreaterThan(0);
    for (const [, method] of methods) {
      const path = pathOf((props(method).ResourceId as { Ref: string }).Ref).replace('{resource}', 'stats');
      const response = await fetch(`${env.endpoint}${path}`, {
        method: String(props(method).HttpMethod),
        ...(props(method).HttpMethod === 'POST' ? { body: '{}' } : {}),
      });
      expect([path, response.status]).toEqual([path, 401]);
    }
    expect((await fetch(`${env.endpoint}/api/not-in-the-template`)).status).toBe(404);
  });

  it('delivers each event source mapping\u2019s queue to its function, one delivery per subscription rule', () => {
    const mappings = resources('AWS::Lambda::EventSourceMapping');
    expect(
      env.cloud
        .deliveryStats()
        .map((d) => d.subscription)
        .sort(),
    ).toEqual(
      mappings
        .map(([, m]) => {
          const queue = (props(m).EventSourceArn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
          const rule = resources('AWS::Events::Rule').find(
            ([, r]) =>
              (props(r).Targets as { Arn: { 'Fn::GetAtt'?: [string, string] } }[] | undefined)?.[0]?.Arn[
                'Fn::GetAtt'
              ]?.[0] === queue,
          )!;
          return localName(rule[1]);
        })
        .sort(),
    );
  });

  it('runs the nightly overstay check the template schedules, on demand', async () => {
    const schedules = resources('AWS::Events::Rule').filter(
      ([, r]) => props(r).ScheduleExpression === 'cron(30 1 * * ? *)',
    );
    expect(schedules).toHaveLength(1);
    expect(env.cloud.scheduleNames).toEqual(['Apis-OverstayCheck']);
    const before = seen.length;
    await env.cloud.triggerSchedule('Apis-OverstayCheck', new Date('2026-11-30T01:30:00Z'));
    // The berkut command function ran as its own role and read its registry.
    expect(seen.slice(before).map((s) => s.caller.arn)).toContain(
      'arn:aws:sts::000000000000:assumed-role/Apis-Commands-berkutServiceRole/Apis-Commands-berkut',
    );
  });

  it('lets the platform run a schedule through the admin route, naming what it refuses', async () => {
    const admin = (keys: { accessKeyId: string; secretAccessKey: string }, body: unknown) =>
      signedFetch(`${env.endpoint}/_mx/admin/schedules`, {
        method: 'POST',
        body: JSON.stringify(body),
        keys,
        region: 'us-east-1',
        service: 'mx',
      });
    const ran = await admin(env.cloud.credentials.platform, {
      schedule: 'Apis-OverstayCheck',
      time: '2026-11-30T01:30:00Z',
    });
    expect([ran.status, await ran.json()]).toEqual([
      200,
      { schedule: 'Apis-OverstayCheck', time: '2026-11-30T01:30:00.000Z', ran: true },
    ]);
    const unknown = await admin(env.cloud.credentials.platform, { schedule: 'Nightly' });
    expect([unknown.status, await unknown.text()]).toEqual([
      400,
      expect.stringContaining('give schedule, one of: Apis-OverstayCheck'),
    ]);
    const agency = await admin(env.cloud.credentials.agencies.interior, { schedule: 'Apis-OverstayCheck' });
    expect([agency.status, await agency.text()]).toEqual([
      403,
      expect.stringContaining('only the platform principal may call /_mx/admin/schedules'),
    ]);
  });

  it('makes every call of a function as its own role; the authorize hook\u2019s refusal reaches callers', async () => {
    const definition = latestDefinition('AdministrativeOffenceRecorded')!;
    const before = seen.length;
    const sent = await env
      .events('interior')
      .send(new PutEventsCommand({ Entries: [exampleEntry(definition, TOPOLOGY.busName)] }));
    expect(sent.FailedEntryCount).toBe(0);
    await settled(env);
    const callers = new Set(seen.slice(before).map((s) => s.caller.arn));
    expect(callers).toContain('arn:aws:sts::000000000000:assumed-role/mx-agency-interior/local');
    expect(callers).toContain(
      'arn:aws:sts::000000000000:assumed-role/Sub-exchange-log-HandlerServiceRole/Sub-exchange-log-Handler',
    );
    const labour = latestDefinition('WorkPermitIssued')!;
    await expect(
      env.events('labour').send(new PutEventsCommand({ Entries: [exampleEntry(labour, TOPOLOGY.busName)] })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      // The hook's words reach the caller as they are (the template's IAM words its own refusals).
      message: 'refused by this test',
    });
  });
});
