/**
 * The stack's own IAM, read from its synthesized template and evaluated as AWS would: who may touch what.
 * Every expectation names a caller, a request and the outcome; the grants come from the template, never from here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudAuthorize } from '../../infra/local/iam/cloud-hook.ts';
import { LocalIam } from '../../infra/local/iam/hook.ts';
import {
  authorizerFor,
  firstOf,
  restApiStage,
  type StackAuthorizer,
  type Verdict,
} from '../../infra/local/iam/index.ts';
import { type IamTemplate, LOCAL_PLACE, templateResolver } from '../../infra/local/iam/resolve.ts';
import { stackPolicies } from '../../infra/local/iam/template-policies.ts';
import { AGENCIES, SUBSCRIPTIONS } from '../../infra/topology.ts';
import { templateOf } from '../infra/synth.ts';

let template: IamTemplate;
let iam: StackAuthorizer;
const ARN = (suffix: string) => `arn:aws:${suffix}`;

/** The one function whose environment has `name = value`. */
function functionWhere(name: string, value: string): string {
  const found = Object.entries(template.Resources).filter(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.[name] === value,
  );
  expect(found, `functions with ${name}=${value}`).toHaveLength(1);
  return found[0]![0];
}
/** The table a function's TABLE_NAME refers to, by its resolved name. */
function tableOf(fn: string): string {
  const ref = (template.Resources[fn]!.Properties!.Environment as { Variables: Record<string, { Ref: string }> })
    .Variables.TABLE_NAME!;
  return ref.Ref;
}
const tableNamed = (id: string) =>
  Object.keys(template.Resources).find(
    (k) => k.startsWith(id) && template.Resources[k]!.Type === 'AWS::DynamoDB::Table',
  )!;
const roleOf = (fn: string) => ({ kind: 'role' as const, role: iam.functionRole(fn)!, session: fn });
const refused = (verdict: Verdict) => (verdict.allowed ? undefined : verdict.refusal);

beforeAll(() => {
  template = templateOf().json;
  iam = authorizerFor(template);
}, 120_000);

describe('function roles from the template', () => {
  it('every function runs as a role the template gives it', () => {
    for (const [id, r] of Object.entries(template.Resources)) {
      if (r.Type === 'AWS::Lambda::Function') expect(iam.functionRole(id), id).toBeDefined();
    }
  });

  it('the exchange-log function may write the ExchangeLog table and not InteriorView', () => {
    const fn = functionWhere('SUBSCRIPTION', 'exchange-log');
    const log = tableOf(fn);
    const item = { pk: { S: 'kz.interior.berkut#e1' } };
    expect(
      iam.authorize(
        roleOf(fn),
        { service: 'dynamodb', operation: 'PutItem', body: { TableName: log, Item: item } },
        true,
      ),
    ).toEqual({
      allowed: true,
      refusedEntries: [],
    });
    const view = tableOf(functionWhere('SUBSCRIPTION', 'view-interior'));
    const verdict = iam.authorize(
      roleOf(fn),
      { service: 'dynamodb', operation: 'PutItem', body: { TableName: view, Item: item } },
      true,
    );
    expect(refused(verdict)).toEqual({
      code: 'AccessDeniedException',
      status: 400,
      message:
        `User: arn:aws:sts::000000000000:assumed-role/${iam.functionRole(fn)}/${fn} ` +
        'is not authorized to perform: dynamodb:PutItem ' +
        `on resource: ${ARN(`dynamodb:us-east-1:000000000000:table/${view}`)} ` +
        'because no identity-based policy allows the dynamodb:PutItem action',
    });
  });

  it('a transaction is authorized item by item: a projector may not update the exchange log in passing', () => {
    const fn = functionWhere('SUBSCRIPTION', 'view-interior');
    const view = tableOf(fn);
    const log = tableOf(functionWhere('SUBSCRIPTION', 'exchange-log'));
    const put = { Put: { TableName: view, Item: { pk: { S: 'p' }, sk: { S: 's' } } } };
    const update = { Update: { TableName: log, Key: { pk: { S: 'x' } }, UpdateExpression: 'SET a = :a' } };
    const call = (TransactItems: unknown[]) => ({
      service: 'dynamodb' as const,
      operation: 'TransactWriteItems',
      body: { TransactItems },
    });
    expect(iam.authorize(roleOf(fn), call([put]), true).allowed).toBe(true);
    expect(refused(iam.authorize(roleOf(fn), call([put, update]), true))?.message).toContain(
      `perform: dynamodb:UpdateItem on resource: ${ARN(`dynamodb:us-east-1:000000000000:table/${log}`)}`,
    );
  });

  it('a grant on one index is not a grant on the table or on another index', () => {
    const fn = Object.keys(template.Resources).find(
      (k) => k.startsWith('ExchangeRoutesHandler') && template.Resources[k]!.Type === 'AWS::Lambda::Function',
    )!;
    const log = tableNamed('ExchangeLog');
    const query = (IndexName?: string) => ({
      service: 'dynamodb' as const,
      operation: 'Query',
      body: {
        TableName: log,
        ...(IndexName ? { IndexName } : {}),
        KeyConditionExpression: 'breachSource = :s',
        ExpressionAttributeValues: { ':s': { S: 'x' } },
      },
    });
    expect(iam.authorize(roleOf(fn), query('breaches'), true).allowed).toBe(true);
    expect(iam.authorize(roleOf(fn), query('byDay'), true).allowed).toBe(false);
    expect(refused(iam.authorize(roleOf(fn), query(), true))?.message).toContain(`table/${log} because`);
  });

  it('dynamodb:LeadingKeys: the checkpointer may put only #merkle# rows into the exchange log', () => {
    const fn = Object.keys(template.Resources).find(
      (k) => k.startsWith('TransparencyCheckpointer') && template.Resources[k]!.Type === 'AWS::Lambda::Function',
    )!;
    const log = tableNamed('ExchangeLog');
    const put = (pk: string) => ({
      service: 'dynamodb' as const,
      operation: 'PutItem',
      body: { TableName: log, Item: { pk: { S: pk } } },
    });
    expect(iam.authorize(roleOf(fn), put('#merkle#7'), true).allowed).toBe(true);
    expect(iam.authorize(roleOf(fn), put('kz.interior.berkut#e1'), true).allowed).toBe(false);
    expect(
      iam.authorize(
        roleOf(fn),
        { service: 'dynamodb', operation: 'DeleteItem', body: { TableName: log, Key: { pk: { S: '#merkle#7' } } } },
        true,
      ).allowed,
    ).toBe(false);
  });

  it('dynamodb:LeadingKeys: a query API may update only the #merkle row of its access ledger', () => {
    const fn = functionWhere('MINISTRY', 'interior');
    const ledger = tableNamed('AccessLedger');
    const update = (pk: string) => ({
      service: 'dynamodb' as const,
      operation: 'UpdateItem',
      body: { TableName: ledger, Key: { pk: { S: pk }, sk: { S: 'head' } }, UpdateExpression: 'SET n = :n' },
    });
    expect(iam.authorize(roleOf(fn), update('#merkle'), true).allowed).toBe(true);
    expect(iam.authorize(roleOf(fn), update('person#1'), true).allowed).toBe(false);
  });
});

describe('publishing: events:source per entry', () => {
  const declared = (name: string) => SUBSCRIPTIONS.find((s) => s.name === name)!.publishes ?? [];
  const otherSource = AGENCIES.flatMap((a) => a.sources).find((s) => !declared('berkut').includes(s as never))!;
  const putEvents = (bus: string, ...sources: string[]) => ({
    service: 'events' as const,
    operation: 'PutEvents',
    body: { Entries: sources.map((Source) => ({ Source, DetailType: 'T', Detail: '{}', EventBusName: bus })) },
  });
  const bus = () =>
    templateResolver(template)({
      Ref: Object.keys(template.Resources).find((k) => template.Resources[k]!.Type === 'AWS::Events::EventBus')!,
    });

  it('the berkut projector may publish the sources it declares and no other, entry by entry', () => {
    const fn = functionWhere('SUBSCRIPTION', 'berkut');
    expect(declared('berkut').length).toBeGreaterThan(0);
    expect(iam.authorize(roleOf(fn), putEvents(bus(), ...declared('berkut')), true)).toEqual({
      allowed: true,
      refusedEntries: [],
    });
    const mixed = iam.authorize(roleOf(fn), putEvents(bus(), declared('berkut')[0]!, otherSource), true);
    expect(mixed.allowed).toBe(true);
    expect(mixed.allowed && mixed.refusedEntries.map((r) => [r.entry, r.code])).toEqual([
      [1, 'NotAuthorizedForSourceException'],
    ]);
  });

  it('a function with no PutEvents grant at all is refused the whole call', () => {
    const fn = functionWhere('SUBSCRIPTION', 'view-interior');
    expect(refused(iam.authorize(roleOf(fn), putEvents(bus(), otherSource), true))?.message).toMatch(
      new RegExp(
        'is not authorized to perform: events:PutEvents on resource: ' +
          'arn:aws:events:us-east-1:000000000000:event-bus/\\S+ because no identity-based policy allows',
      ),
    );
  });

  it("an agency's keys act as its publisher role: its own sources, not another agency's", () => {
    const interior = AGENCIES.find((a) => a.id === 'interior')!;
    const labour = AGENCIES.find((a) => a.id === 'labour')!;
    const caller = { kind: 'role' as const, role: iam.agencyRole('interior')!, session: 'interior' };
    expect(caller.role).toBeDefined();
    expect(iam.authorize(caller, putEvents(bus(), ...interior.sources), true)).toEqual({
      allowed: true,
      refusedEntries: [],
    });
    const verdict = iam.authorize(caller, putEvents(bus(), labour.sources[0]!), true);
    expect(verdict.allowed && verdict.refusedEntries.length).toBe(1);
  });
});

describe('the REST API: execute-api:Invoke', () => {
  const api = () => {
    const resolve = templateResolver(template);
    const rest = Object.keys(template.Resources).find(
      (k) => template.Resources[k]!.Type === 'AWS::ApiGateway::RestApi',
    )!;
    const stage = Object.keys(template.Resources).find(
      (k) => template.Resources[k]!.Type === 'AWS::ApiGateway::Stage',
    )!;
    return { apiId: resolve({ Ref: rest }), stage: resolve({ Ref: stage }) };
  };
  const invoke = (method: string, path: string) => ({ service: 'execute-api' as const, ...api(), method, path });

  it("an operator role may invoke its ministry's query routes and not another's", () => {
    const caller = { kind: 'role' as const, role: iam.operatorRole('interior')!, session: 'op' };
    expect(iam.authorize(caller, invoke('GET', '/api/views/interior/persons/abc'), true).allowed).toBe(true);
    const verdict = refused(iam.authorize(caller, invoke('GET', '/api/views/labour/persons/abc'), true));
    expect(verdict?.status).toBe(403);
    expect(verdict?.message).toContain(
      'execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:' +
        `${api().apiId}/${api().stage}/GET/api/views/labour/persons/abc`,
    );
  });

  it('an agency may call its command API but not read a ministry view', () => {
    const caller = { kind: 'role' as const, role: iam.agencyRole('interior')!, session: 'a' };
    expect(iam.authorize(caller, invoke('POST', '/commands/berkut'), true).allowed).toBe(true);
    expect(iam.authorize(caller, invoke('GET', '/api/views/interior/persons/abc'), true).allowed).toBe(false);
    expect(iam.authorize(caller, invoke('DELETE', '/commands/berkut'), true).allowed).toBe(false);
  });
});

describe('queues: resource policies and aws:SecureTransport', () => {
  const queueOfSubscription = (name: string) => {
    const fn = functionWhere('SUBSCRIPTION', name);
    const mapping = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::Lambda::EventSourceMapping' && (r.Properties?.FunctionName as { Ref?: string })?.Ref === fn,
    )!;
    return { fn, queueArn: templateResolver(template)(mapping.Properties!.EventSourceArn) };
  };
  const url = (arn: string) => `http://127.0.0.1:4566/000000000000/${arn.split(':').pop()}`;

  it('a consumer may receive from its queue over loopback; plain HTTP from elsewhere meets the TLS Deny', () => {
    const { fn, queueArn } = queueOfSubscription('exchange-log');
    const receive = { service: 'sqs' as const, operation: 'ReceiveMessage', body: { QueueUrl: url(queueArn) } };
    expect(iam.authorize(roleOf(fn), receive, true).allowed).toBe(true);
    expect(refused(iam.authorize(roleOf(fn), receive, false))?.message).toContain(
      'with an explicit deny in a resource-based policy',
    );
    const other = queueOfSubscription('view-interior');
    expect(iam.authorize(roleOf(fn), { ...receive, body: { QueueUrl: url(other.queueArn) } }, true).allowed).toBe(
      false,
    );
  });

  it("EventBridge may deliver to a queue only for that queue's own rule (aws:SourceArn)", () => {
    const { queueArn } = queueOfSubscription('berkut');
    const resolve = templateResolver(template);
    const rules = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    const own = rules.find(([, r]) =>
      (r.Properties?.Targets as { Arn: unknown }[] | undefined)?.some((t) => resolve(t.Arn) === queueArn),
    )!;
    const stranger = rules.find(([id]) => id !== own[0])!;
    const send = { service: 'sqs' as const, operation: 'SendMessage', body: { QueueUrl: url(queueArn) } };
    const events = (rule: string) => ({
      kind: 'service' as const,
      service: 'events.amazonaws.com',
      sourceArn: resolve({ 'Fn::GetAtt': [rule, 'Arn'] }),
    });
    expect(iam.authorize(events(own[0]), send, true).allowed).toBe(true);
    expect(iam.authorize(events(stranger[0]), send, true).allowed).toBe(false);
  });
});

describe('the platform admin and managed policies', () => {
  it('the admin key is an account administrator: allowed everything', () => {
    const anything = {
      service: 'dynamodb' as const,
      operation: 'DeleteTable',
      body: { TableName: tableNamed('ExchangeLog') },
    };
    expect(iam.authorize({ kind: 'account-admin' }, anything, false)).toEqual({ allowed: true, refusedEntries: [] });
  });

  it('managed policy ARNs are listed on their roles (and grant nothing locally)', () => {
    const stack = stackPolicies(template, templateResolver(template, LOCAL_PLACE));
    const managed = [...stack.roles.values()].flatMap((r) => r.managed.map((arn) => `${r.logicalId} ${arn}`));
    expect(managed).toEqual([
      expect.stringMatching(
        /^ApisApiCloudWatchRole\w* arn:aws:iam::aws:policy\/service-role\/AmazonAPIGatewayPushToCloudWatchLogs$/,
      ),
    ]);
  });
});

describe("the local cloud's principals through the hook", () => {
  const local = () => new LocalIam(iam);
  const inProcess = { inProcess: true };
  const api = () => {
    const resolve = templateResolver(template);
    const rest = Object.keys(template.Resources).find(
      (k) => template.Resources[k]!.Type === 'AWS::ApiGateway::RestApi',
    )!;
    const stage = Object.keys(template.Resources).find(
      (k) => template.Resources[k]!.Type === 'AWS::ApiGateway::Stage',
    )!;
    return { apiId: resolve({ Ref: rest }), stage: resolve({ Ref: stage }) };
  };

  it('the platform key passes everything; an agency key may not scan a table; the refusal is an AwsError (400)', () => {
    const body = Buffer.from(JSON.stringify({ TableName: tableNamed('ExchangeLog') }));
    expect(local().checkTarget({ kind: 'platform' }, 'DynamoDB_20120810.Scan', body, inProcess)).toEqual([]);
    const agency = { kind: 'agency' as const, id: 'interior' as const, sources: [] };
    expect(() => local().checkTarget(agency, 'DynamoDB_20120810.Scan', body, inProcess)).toThrow(
      expect.objectContaining({
        code: 'AccessDeniedException',
        status: 400,
        message: expect.stringContaining(`assumed-role/${iam.agencyRole('interior')}/interior`),
      }),
    );
  });

  it('a body that is not JSON names no resource: refused for a role, not a crash', () => {
    const agency = { kind: 'agency' as const, id: 'labour' as const, sources: [] };
    expect(() => local().checkTarget(agency, 'AWSEvents.PutEvents', Buffer.from('{not json'), inProcess)).not.toThrow();
    expect(() => local().checkTarget(agency, 'AmazonSQS.ReceiveMessage', Buffer.from('\u0000'), inProcess)).toThrow(
      expect.objectContaining({ code: 'AccessDeniedException' }),
    );
  });

  it('operators invoke their routes (query strings left out of the ARN); others get 403', () => {
    const operator = { kind: 'operator' as const, ministry: 'labour' as const };
    expect(() =>
      local().checkInvoke(operator, api(), 'GET', '/api/views/labour/persons?id=1', inProcess),
    ).not.toThrow();
    expect(() => local().checkInvoke(operator, api(), 'GET', '/api/views/interior/persons?id=1', inProcess)).toThrow(
      expect.objectContaining({ code: 'AccessDeniedException', status: 403 }),
    );
  });
});

describe("the cloud's authorize hook, callers known by their ARN", () => {
  const hook = () => cloudAuthorize(iam, restApiStage(template, templateResolver(template))!);
  const sessionOf = (role: string, session: string) => ({
    arn: `arn:aws:sts::000000000000:assumed-role/${role}/${session}`,
  });
  const putItem = (TableName: string) => ({
    service: 'dynamodb',
    action: 'PutItem',
    parameters: () => ({ TableName, Item: { pk: { S: 'kz.interior.berkut#e1' } } }),
  });

  it('a function session is held to its role; the account root is not', () => {
    const fn = functionWhere('SUBSCRIPTION', 'exchange-log');
    const role = iam.functionRole(fn)!;
    expect(hook()(sessionOf(role, fn), putItem(tableNamed('ExchangeLog')))).toEqual({ allowed: true });
    expect(hook()(sessionOf(role, fn), putItem(tableNamed('InteriorView')))).toMatchObject({
      allowed: false,
      status: 400,
    });
    expect(hook()({ arn: 'arn:aws:iam::000000000000:root' }, putItem(tableNamed('InteriorView')))).toEqual({
      allowed: true,
    });
  });

  it('a role the template does not declare, or a caller that is no role session, is refused', () => {
    expect(hook()(sessionOf('NoSuchRole', 'x'), putItem(tableNamed('ExchangeLog')))).toMatchObject({ allowed: false });
    expect(hook()({ arn: 'arn:aws:iam::000000000000:user/someone' }, putItem(tableNamed('ExchangeLog')))).toMatchObject(
      {
        allowed: false,
      },
    );
  });

  it('operators through execute-api: 403 outside their ministry; PutEvents entries refused alone', () => {
    const operator = sessionOf(iam.operatorRole('interior')!, 'local');
    const invoke = (path: string) => ({
      service: 'execute-api',
      action: 'Invoke',
      parameters: () => ({ method: 'GET', path }),
    });
    expect(hook()(operator, invoke('/api/views/interior/persons'))).toEqual({ allowed: true });
    expect(hook()(operator, invoke('/api/views/labour/persons'))).toMatchObject({ allowed: false, status: 403 });
    const agency = sessionOf(iam.agencyRole('interior')!, 'local');
    const bus = templateResolver(template)({
      Ref: Object.keys(template.Resources).find((k) => template.Resources[k]!.Type === 'AWS::Events::EventBus')!,
    });
    const entries = [{ Source: 'kz.interior.berkut' }, { Source: 'kz.labour.qandas' }].map((e) => ({
      ...e,
      EventBusName: bus,
    }));
    const verdict = hook()(agency, {
      service: 'events',
      action: 'PutEvents',
      parameters: () => ({ Entries: entries }),
    });
    expect(verdict.allowed && verdict.refusedEntries?.map((r) => r.entry)).toEqual([1]);
  });
});

describe('resolvers', () => {
  it("the cloud's resolver first, this module's where it has no answer", () => {
    const cloud = (value: unknown) => {
      if ((value as { Ref?: string }).Ref === 'Known') return 'cloud-name';
      throw new Error('unknown');
    };
    const resolve = firstOf(cloud, templateResolver(template));
    const rest = Object.keys(template.Resources).find(
      (k) => template.Resources[k]!.Type === 'AWS::ApiGateway::RestApi',
    )!;
    expect(resolve({ Ref: 'Known' })).toBe('cloud-name');
    expect(resolve({ Ref: rest })).toBe(templateResolver(template)({ Ref: rest }));
    expect(() => resolve({ Ref: 'Nowhere' })).toThrow(/no resource Nowhere/);
  });
});
