/**
 * R4 authorisation matrix: every key the cloud issues (four agencies, four
 * ministries' operators, the platform) against every door: PutEvents with
 * every source, every command of every system, every route of every
 * ministry's query API, the exchange API (health, dead letters, each
 * queue's redrive), DynamoDB, SQS and the bus's routing; plus forged
 * signatures on each kind of call. The expected answer of each cell is
 * the policy written out here, independently of the code that enforces it.
 * Every person read that was let through must be in the access ledger;
 * none that was refused may be.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeRuleCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { deterministicUuid } from '../../functions/lib/ids.ts';
import { SYSTEM_COMMANDS } from '../../functions/systems/catalog.ts';
import { LocalCloud } from '../../infra/local/cloud.ts';
import type { KeyPair } from '../../infra/local/credentials.ts';
import { planYear } from '../../infra/simulator/plan.ts';
import { AGENCIES, MINISTRIES, type Ministry, TOPOLOGY } from '../../infra/topology.ts';
import { CATALOG } from '../../schemas/catalog.ts';
import { SOURCES } from '../../schemas/define.ts';
import {
  apiCall,
  type CloudAccess,
  eventsClient,
  platformDynamo,
  publishAll,
  scanTable,
  settle,
} from './cloud-access.ts';
import { type ChaosEvent, keyOf, personEvents, validEvent } from './events.ts';
import { auditLog } from './log-audit.ts';
import { all, exactly, type Figure, info, type ScenarioReport, scenario } from './report.ts';
import { keepAliveAgent, send, sign, type WireRequest } from './wire.ts';

export interface AuthorisationOptions {
  readonly seed: number;
  /** People the query API is asked about (some known to a view, one unknown to all). */
  readonly people: number;
  readonly settleTimeoutMs: number;
  readonly log: (line: string) => void;
}

type Caller = { readonly label: string; readonly keys: KeyPair } & (
  | { readonly kind: 'agency'; readonly agency: Ministry }
  | { readonly kind: 'operator'; readonly ministry: Ministry }
  | { readonly kind: 'platform' }
);

interface Cell {
  readonly category: string;
  readonly what: string;
  readonly expected: 'allow' | 'refuse';
  readonly outcome: 'allowed' | 'refused';
  /** What the cloud answered, for a finding. */
  readonly answer: string;
}

/**
 * The policy, as the issue and the README state it, written out here on
 * purpose rather than derived from the code under test.
 */
const POLICY = {
  /** An agency publishes only under its own sources. */
  sources: {
    'foreign-affairs': [SOURCES.foreignAffairs],
    'border-service': [SOURCES.borderService],
    interior: [SOURCES.interior],
    labour: [SOURCES.foreignLabour, SOURCES.qandas],
  } as Record<Ministry, readonly string[]>,
  /** A ministry's operator may redrive its view's queue and the queues of the systems its agency runs. */
  queues: {
    interior: ['berkut', 'view-interior'],
    'foreign-affairs': ['berkut', 'view-foreign-affairs'],
    'border-service': ['berkut', 'view-border-service'],
    labour: ['foreign-labour', 'qandas', 'view-labour'],
  } as Record<Ministry, readonly string[]>,
};

const refusedStatus = (status: number) => status === 401 || status === 403;
/** AWS's JSON protocols refuse a bad signature with 400 and the error's name (InvalidSignatureException, …). */
const AUTH_ERRORS = new RegExp(
  [
    'InvalidSignature',
    'UnrecognizedClient',
    'IncompleteSignature',
    'MissingAuthenticationToken',
    'SignatureDoesNotMatch',
    'AccessDenied',
    'NotAuthorized',
  ].join('|'),
);
const refusedAnswer = (status: number, body: string) =>
  refusedStatus(status) || (status === 400 && AUTH_ERRORS.test(body.slice(0, 300)));
const short = (body: unknown) => (typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 200);
const errorName = (error: unknown) => (error as { name?: string }).name ?? String(error);
/** What an SDK call's failure means here: AWS's refusal of the caller, or some other answer that got past it. */
const sdkOutcome = (error: unknown): Cell['outcome'] =>
  /AccessDenied|NotAuthorized|UnrecognizedClient|InvalidSignature/.test(errorName(error)) ? 'refused' : 'allowed';

const PERSON_ROUTES = ['person', 'lineage', 'accesses'] as const;
const EMPTY_PURPOSES: readonly (readonly [string, string])[] = [
  ['none', ''],
  ['zero-width spaces', '\u200b'.repeat(10)],
  ['Hangul fillers', '\u3164\u115f\u1160\uffa0\u3164\u3164'],
  ['braille blanks', '\u2800'.repeat(8)],
  ['a right-to-left override', '\u202ecase 2021'],
];

export async function runAuthorisation(options: AuthorisationOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-chaos-r4-'));
  const cloud = await LocalCloud.start({ port: 0, dataDir, retryDelayMs: 50, schedules: 'on-trigger' });
  const agent = keepAliveAgent(8);
  try {
    const { credentials } = cloud;
    const access: CloudAccess = { endpoint: cloud.endpoint, credentials };
    const callers: Caller[] = [
      ...AGENCIES.map(
        (a): Caller => ({ label: `agency ${a.id}`, keys: credentials.agencies[a.id], kind: 'agency', agency: a.id }),
      ),
      ...MINISTRIES.map(
        (m): Caller => ({ label: `operator ${m}`, keys: credentials.operators[m], kind: 'operator', ministry: m }),
      ),
      { label: 'platform', keys: credentials.platform, kind: 'platform' },
    ];
    const cells: Cell[] = [];
    const cell = (
      category: string,
      what: string,
      expected: Cell['expected'],
      outcome: Cell['outcome'],
      answer: string,
    ) => cells.push({ category, what, expected, outcome, answer });

    // People to ask about: known to the views (their events published first), and one nobody knows.
    const known = Array.from({ length: Math.max(1, options.people - 1) }, (_, n) => personEvents(options.seed, n));
    await publishAll(access, known.flat(), 4);
    await settle(access, options.settleTimeoutMs);
    const people = [
      ...known.map(
        (events) => JSON.parse(events[0]!.entry.Detail).data.person as { citizenship: string; documentNumber: string },
      ),
      { citizenship: 'UZB', documentNumber: 'NOBODY0001' },
    ];
    options.log(`R4: ${people.length} people, ${callers.length} keys`);

    // PutEvents: every key × every source (one valid event each).
    const publishedEvents: { event: ChaosEvent; allowed: boolean }[] = [];
    for (const caller of callers.filter((c) => c.kind !== 'platform')) {
      const client = eventsClient(access, caller.keys);
      for (const source of Object.values(SOURCES)) {
        const definition = CATALOG.find((d) => d.source === source)!;
        const event = validEvent(definition.detailType, definition.example as Record<string, unknown>, {
          eventId: deterministicUuid(`chaos-r4:${options.seed}:${caller.label}:${source}`),
          occurredAt: '2021-06-01T09:00:00Z',
        });
        const expected =
          caller.kind === 'agency' && POLICY.sources[caller.agency].includes(source) ? 'allow' : 'refuse';
        try {
          const out = await client.send(new PutEventsCommand({ Entries: [event.entry] }));
          const result = out.Entries![0]!;
          cell(
            'PutEvents: key × source',
            `${caller.label} publishes ${source}`,
            expected,
            result.EventId ? 'allowed' : /NotAuthorized/.test(result.ErrorCode ?? '') ? 'refused' : 'allowed',
            result.ErrorCode ?? 'accepted',
          );
          publishedEvents.push({ event, allowed: result.EventId !== undefined });
        } catch (error) {
          cell(
            'PutEvents: key × source',
            `${caller.label} publishes ${source}`,
            expected,
            sdkOutcome(error),
            errorName(error),
          );
        }
      }
      client.destroy();
    }

    // Commands: every key × every command of every system (inputs from a simulated plan where it has one).
    const planned = new Map<string, { input: unknown; occurredAt: string }>();
    const plan = planYear(2021, 0.002, options.seed);
    for (const c of [...plan.setup, ...plan.scripts.flat()])
      if (!planned.has(`${c.system}/${c.command}`))
        planned.set(`${c.system}/${c.command}`, { input: c.input, occurredAt: c.occurredAt });
    for (const caller of callers) {
      for (const spec of TOPOLOGY.commandApis) {
        for (const command of SYSTEM_COMMANDS[spec.system]) {
          const body = JSON.stringify({
            command: command.name,
            ...(planned.get(`${spec.system}/${command.name}`) ?? { input: {} }),
          });
          const answer = await apiCall(access, caller.keys, `/commands/${spec.system}`, 'POST', body);
          cell(
            'commands: key × command',
            `${caller.label} ${spec.system}/${command.name}`,
            caller.kind === 'agency' && command.agency === caller.agency ? 'allow' : 'refuse',
            refusedStatus(answer.status) ? 'refused' : 'allowed',
            `${answer.status} ${short(answer.body)}`,
          );
        }
      }
    }

    // Query API: every key × every ministry × every route × every person; each person read with a purpose of its own.
    const reads: { purpose: string; allowed: boolean }[] = [];
    let readNumber = 0;
    for (const caller of callers) {
      for (const ministry of MINISTRIES) {
        const own = caller.kind === 'operator' && caller.ministry === ministry;
        const stats = await apiCall(access, caller.keys, `/api/views/${ministry}/stats?year=2021`);
        cell(
          'query API: key × ministry × route',
          `${caller.label} ${ministry}/stats`,
          own ? 'allow' : 'refuse',
          refusedStatus(stats.status) ? 'refused' : 'allowed',
          `${stats.status} ${short(stats.body)}`,
        );
        for (const route of PERSON_ROUTES) {
          for (const person of people) {
            const purpose = `chaos R4 read ${String(++readNumber).padStart(4, '0')}`;
            const answer = await apiCall(
              access,
              caller.keys,
              `/api/views/${ministry}/${route}?citizenship=${person.citizenship}&document=` +
                `${person.documentNumber}&purpose=${encodeURIComponent(purpose)}`,
            );
            const outcome = refusedStatus(answer.status) ? 'refused' : 'allowed';
            cell(
              'query API: key × ministry × route',
              `${caller.label} ${ministry}/${route} ${person.documentNumber}`,
              own ? 'allow' : 'refuse',
              outcome,
              `${answer.status} ${short(answer.body)}`,
            );
            // A read that was let through answers 200 (records) or 404 (none): both are reads of the person.
            reads.push({ purpose, allowed: answer.status === 200 || answer.status === 404 });
          }
        }
      }
    }
    // A person read needs a purpose with visible letters: refused with 400 naming it, and not recorded.
    for (const ministry of MINISTRIES) {
      for (const route of PERSON_ROUTES) {
        for (const [label, purpose] of EMPTY_PURPOSES) {
          const person = people[0]!;
          const answer = await apiCall(
            access,
            credentials.operators[ministry],
            `/api/views/${ministry}/${route}?citizenship=${person.citizenship}&document=${person.documentNumber}` +
              `&purpose=${encodeURIComponent(purpose)}`,
          );
          const named =
            answer.status === 400 && (answer.body as { error?: { parameter?: string } }).error?.parameter === 'purpose';
          cell(
            'purpose: operator × route × empty purpose',
            `operator ${ministry} ${route} with ${label}`,
            'refuse',
            named ? 'refused' : 'allowed',
            `${answer.status} ${short(answer.body)}`,
          );
        }
      }
    }

    // The exchange API: health and dead letters for operators and the platform; each queue's redrive in scope only.
    for (const caller of callers) {
      for (const resource of ['/api/exchange/health', '/api/exchange/dead-letters']) {
        const answer = await apiCall(access, caller.keys, resource);
        cell(
          'exchange API: key × route',
          `${caller.label} GET ${resource}`,
          caller.kind === 'agency' ? 'refuse' : 'allow',
          refusedStatus(answer.status) ? 'refused' : 'allowed',
          `${answer.status} ${short(answer.body)}`,
        );
      }
      for (const sub of TOPOLOGY.subscriptions) {
        const answer = await apiCall(
          access,
          caller.keys,
          `/api/exchange/dead-letters/redrive?queue=mx-${sub.name}-dlq`,
          'POST',
        );
        const expected =
          caller.kind === 'platform' ||
          (caller.kind === 'operator' && POLICY.queues[caller.ministry].includes(sub.name))
            ? 'allow'
            : 'refuse';
        cell(
          'exchange API: key × queue redrive',
          `${caller.label} redrives mx-${sub.name}-dlq`,
          expected,
          refusedStatus(answer.status) ? 'refused' : 'allowed',
          `${answer.status} ${short(answer.body)}`,
        );
      }
    }

    // DynamoDB, SQS and the bus's routing: the platform's alone.
    const config = (keys: KeyPair) => ({
      endpoint: access.endpoint,
      region: credentials.region,
      credentials: { ...keys },
      maxAttempts: 1,
    });
    const key = { pk: { S: 'kz.interior.berkut#chaos' } };
    for (const caller of callers) {
      const dynamo = new DynamoDBClient(config(caller.keys));
      const sqs = new SQSClient(config(caller.keys));
      const events = eventsClient(access, caller.keys);
      const platform = caller.kind === 'platform';
      const calls: [string, string, boolean, () => Promise<unknown>][] = [
        ['DynamoDB', 'ListTables', true, () => dynamo.send(new ListTablesCommand({}))],
        ['DynamoDB', 'DescribeTable', true, () => dynamo.send(new DescribeTableCommand({ TableName: 'ExchangeLog' }))],
        ['DynamoDB', 'GetItem', true, () => dynamo.send(new GetItemCommand({ TableName: 'ExchangeLog', Key: key }))],
        [
          'DynamoDB',
          'Query',
          true,
          () =>
            dynamo.send(
              new QueryCommand({
                TableName: 'AccessLedger',
                KeyConditionExpression: 'pk = :p',
                ExpressionAttributeValues: { ':p': { S: 'x' } },
              }),
            ),
        ],
        ['DynamoDB', 'Scan', true, () => dynamo.send(new ScanCommand({ TableName: 'AccessLedger', Limit: 1 }))],
        // Writes are tried with every key but the platform's (which may write, and must not spoil the run).
        [
          'DynamoDB',
          'PutItem',
          false,
          () => dynamo.send(new PutItemCommand({ TableName: 'ExchangeLog', Item: { ...key, forged: { S: 'yes' } } })),
        ],
        [
          'DynamoDB',
          'UpdateItem',
          false,
          () =>
            dynamo.send(
              new UpdateItemCommand({
                TableName: 'LabourView',
                Key: { pk: { S: 'agg#permits' }, sk: { S: 'm#2021-01' } },
                UpdateExpression: 'ADD issued :n',
                ExpressionAttributeValues: { ':n': { N: '1000' } },
              }),
            ),
        ],
        [
          'DynamoDB',
          'DeleteItem',
          false,
          () => dynamo.send(new DeleteItemCommand({ TableName: 'ExchangeLog', Key: key })),
        ],
        [
          'DynamoDB',
          'BatchWriteItem',
          false,
          () =>
            dynamo.send(
              new BatchWriteItemCommand({
                RequestItems: { AccessLedger: [{ DeleteRequest: { Key: { pk: { S: 'x' }, sk: { S: 'y' } } } }] },
              }),
            ),
        ],
        ['DynamoDB', 'DeleteTable', false, () => dynamo.send(new DeleteTableCommand({ TableName: 'AccessLedger' }))],
        ['SQS', 'ListQueues', true, () => sqs.send(new ListQueuesCommand({}))],
        ['SQS', 'GetQueueUrl', true, () => sqs.send(new GetQueueUrlCommand({ QueueName: 'mx-exchange-log' }))],
        [
          'SQS',
          'GetQueueAttributes',
          true,
          () =>
            sqs.send(
              new GetQueueAttributesCommand({
                QueueUrl: `${access.endpoint}/000000000000/mx-view-interior-dlq`,
                AttributeNames: ['All'],
              }),
            ),
        ],
        [
          'SQS',
          'ReceiveMessage',
          false,
          () =>
            sqs.send(
              new ReceiveMessageCommand({
                QueueUrl: `${access.endpoint}/000000000000/mx-view-interior`,
                MaxNumberOfMessages: 1,
                WaitTimeSeconds: 0,
              }),
            ),
        ],
        [
          'SQS',
          'SendMessage',
          false,
          () =>
            sqs.send(
              new SendMessageCommand({
                QueueUrl: `${access.endpoint}/000000000000/mx-view-interior`,
                MessageBody: '{}',
              }),
            ),
        ],
        [
          'SQS',
          'StartMessageMoveTask',
          false,
          () =>
            sqs.send(
              new StartMessageMoveTaskCommand({
                SourceArn: `arn:aws:sqs:${credentials.region}:000000000000:mx-view-interior-dlq`,
              }),
            ),
        ],
        ['EventBridge', 'ListRules', true, () => events.send(new ListRulesCommand({ EventBusName: TOPOLOGY.busName }))],
        [
          'EventBridge',
          'DescribeRule',
          true,
          () => events.send(new DescribeRuleCommand({ EventBusName: TOPOLOGY.busName, Name: 'exchange-log' })),
        ],
        [
          'EventBridge',
          'ListTargetsByRule',
          true,
          () => events.send(new ListTargetsByRuleCommand({ EventBusName: TOPOLOGY.busName, Rule: 'exchange-log' })),
        ],
      ];
      for (const [service, operation, harmless, call] of calls) {
        if (platform && !harmless) continue;
        try {
          await call();
          cell(
            `${service}: key × operation`,
            `${caller.label} ${service} ${operation}`,
            platform ? 'allow' : 'refuse',
            'allowed',
            'answered',
          );
        } catch (error) {
          cell(
            `${service}: key × operation`,
            `${caller.label} ${service} ${operation}`,
            platform ? 'allow' : 'refuse',
            sdkOutcome(error),
            errorName(error),
          );
        }
      }
      dynamo.destroy();
      sqs.destroy();
      events.destroy();
    }

    // Forged signatures on each kind of call, each beside the same call signed properly.
    const forged = await forgeries(access, agent, options.seed);
    for (const f of forged.cells) cells.push(f);
    reads.push(...forged.reads);

    // Afterwards: the ledger holds every read that was let through and none that was refused; the log no refused event.
    await settle(access, options.settleTimeoutMs);
    const { doc, destroy } = platformDynamo(access);
    const purposes = new Set((await scanTable(doc, 'AccessLedger')).map((e) => String(e.purpose)));
    destroy();
    const audit = await auditLog(access);
    const refusedLogged = publishedEvents.filter((p) => !p.allowed && audit.rows.has(keyOf(p.event))).length;
    const allowedLogged = publishedEvents.filter((p) => p.allowed && audit.rows.has(keyOf(p.event))).length;

    const mustRefuse = cells.filter((c) => c.expected === 'refuse');
    const mayAllow = cells.filter((c) => c.expected === 'allow');
    const categories = [...new Set(cells.map((c) => c.category))];
    const figures: Figure[] = [
      info('keys × doors tried', cells.length),
      all('refused where they must be', mustRefuse.filter((c) => c.outcome === 'refused').length, mustRefuse.length),
      all('let through where they may be', mayAllow.filter((c) => c.outcome === 'allowed').length, mayAllow.length),
      ...categories.map((category) => {
        const inCategory = cells.filter((c) => c.category === category);
        return info(
          `  ${category}`,
          `${inCategory.filter((c) => (c.expected === 'allow') === (c.outcome === 'allowed')).length} / ` +
            `${inCategory.length} as the policy says`,
        );
      }),
      all(
        'person reads let through, in the ledger',
        reads.filter((r) => r.allowed && purposes.has(r.purpose)).length,
        reads.filter((r) => r.allowed).length,
      ),
      exactly(
        'person reads refused, in the ledger',
        reads.filter((r) => !r.allowed && purposes.has(r.purpose)).length,
        0,
      ),
      all('events let through, in the exchange log', allowedLogged, publishedEvents.filter((p) => p.allowed).length),
      exactly('events refused, in the exchange log', refusedLogged, 0),
    ];
    const wrong = cells.filter((c) => (c.expected === 'allow') !== (c.outcome === 'allowed'));
    return scenario(
      'R4',
      'authorisation matrix',
      started,
      figures,
      wrong.slice(0, 10).map((c) => `${c.what}: expected ${c.expected}, ${c.outcome}: ${c.answer}`),
    );
  } finally {
    agent.destroy();
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

interface ForgeryResult {
  readonly cells: Cell[];
  readonly reads: { purpose: string; allowed: boolean }[];
}

/**
 * For each kind of signed call: the call signed properly (must pass), then
 * with a wrong secret, an unknown key id, a body or query changed after
 * signing (issue 9, defect 3: the signature must cover what arrived), a
 * signature 20 minutes old, the signature of another service, and none.
 */
async function forgeries(
  access: CloudAccess,
  agent: ReturnType<typeof keepAliveAgent>,
  seed: number,
): Promise<ForgeryResult> {
  const { credentials } = access;
  const region = credentials.region;
  const visa = CATALOG.find((d) => d.detailType === 'VisaIssued')!;
  const entry = validEvent('VisaIssued', visa.example as Record<string, unknown>, {
    eventId: deterministicUuid(`chaos-r4:${seed}:forgery`),
    occurredAt: '2021-06-01T09:00:00Z',
  }).entry;
  const json = (target: string, body: unknown): WireRequest => ({
    method: 'POST',
    path: '/',
    query: [],
    headers: {
      'content-type': target.startsWith('AWSEvents') ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
      'x-amz-target': target,
    },
    body: Buffer.from(JSON.stringify(body)),
  });
  const kinds: {
    name: string;
    request: (purpose: string) => WireRequest;
    keys: KeyPair;
    service: string;
    read?: boolean;
  }[] = [
    {
      name: 'PutEvents',
      request: () => json('AWSEvents.PutEvents', { Entries: [entry] }),
      keys: credentials.agencies['foreign-affairs'],
      service: 'events',
    },
    {
      name: 'TestEventPattern',
      request: () =>
        json('AWSEvents.TestEventPattern', {
          EventPattern: '{"source":["a"]}',
          Event: JSON.stringify({
            id: '1',
            source: 'a',
            'detail-type': 't',
            account: '1',
            region: 'r',
            time: '2021-01-01T00:00:00Z',
            resources: [],
            detail: {},
          }),
        }),
      // The platform's keys: the template grants agencies no events:TestEventPattern.
      keys: credentials.platform,
      service: 'events',
    },
    {
      name: 'command',
      request: () => ({
        method: 'POST',
        path: '/commands/berkut',
        query: [],
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ command: 'issue-visa', input: {} })),
      }),
      keys: credentials.agencies['foreign-affairs'],
      service: 'execute-api',
    },
    {
      name: 'person read',
      request: (purpose) => ({
        method: 'GET',
        path: '/api/views/interior/person',
        query: [
          ['citizenship', 'UZB'],
          ['document', 'NOBODY0001'],
          ['purpose', purpose],
        ],
        headers: {},
        body: Buffer.alloc(0),
      }),
      keys: credentials.operators.interior,
      service: 'execute-api',
      read: true,
    },
    {
      name: 'DynamoDB Scan',
      request: () => json('DynamoDB_20120810.Scan', { TableName: 'AccessLedger', Limit: 1 }),
      keys: credentials.platform,
      service: 'dynamodb',
    },
    {
      name: 'SQS ListQueues',
      request: () => json('AmazonSQS.ListQueues', { QueueNamePrefix: 'mx-' }),
      keys: credentials.platform,
      service: 'sqs',
    },
    {
      name: 'health details',
      request: () => ({ method: 'GET', path: '/_mx/health', query: [], headers: {}, body: Buffer.alloc(0) }),
      keys: credentials.platform,
      service: 'execute-api',
    },
  ];
  const cells: Cell[] = [];
  const reads: { purpose: string; allowed: boolean }[] = [];
  let n = 0;
  for (const kind of kinds) {
    const variants: { label: string; expected: Cell['expected']; make: (purpose: string) => Promise<WireRequest> }[] = [
      {
        label: 'signed properly',
        expected: 'allow',
        make: (p) => sign(kind.request(p), access.endpoint, { keys: kind.keys, region, service: kind.service }),
      },
      {
        label: 'a wrong secret',
        expected: 'refuse',
        make: (p) =>
          sign(kind.request(p), access.endpoint, {
            keys: { ...kind.keys, secretAccessKey: `${kind.keys.secretAccessKey}x` },
            region,
            service: kind.service,
          }),
      },
      {
        label: 'an unknown key id',
        expected: 'refuse',
        make: (p) =>
          sign(kind.request(p), access.endpoint, {
            keys: { ...kind.keys, accessKeyId: 'AKIACHAOSUNKNOWN0000' },
            region,
            service: kind.service,
          }),
      },
      {
        label: kind.request('x').body.length
          ? 'the body changed after signing (same length)'
          : 'the query changed after signing',
        expected: 'refuse',
        make: async (p) => {
          const signed = await sign(kind.request(p), access.endpoint, {
            keys: kind.keys,
            region,
            service: kind.service,
          });
          if (signed.body.length) {
            // The last letter or digit, changed to another: same length, same JSON shape, other meaning.
            const text = signed.body.toString('latin1');
            const at = text.search(/[a-z0-9](?=[^a-z0-9]*$)/i);
            const changed = text[at] === 'x' ? 'y' : 'x';
            return { ...signed, body: Buffer.from(`${text.slice(0, at)}${changed}${text.slice(at + 1)}`, 'latin1') };
          }
          return { ...signed, query: [...signed.query, ['chaos', '1']] };
        },
      },
      {
        label: 'a signature 20 minutes old',
        expected: 'refuse',
        make: (p) =>
          sign(kind.request(p), access.endpoint, {
            keys: kind.keys,
            region,
            service: kind.service,
            date: new Date(Date.now() - 20 * 60_000),
          }),
      },
      {
        label: 'another service\u2019s signature',
        expected: 'refuse',
        make: (p) =>
          sign(kind.request(p), access.endpoint, {
            keys: kind.keys,
            region,
            service: kind.service === 'execute-api' ? 'events' : 'execute-api',
          }),
      },
      { label: 'no signature', expected: 'refuse', make: async (p) => kind.request(p) },
    ];
    for (const variant of variants) {
      // The health endpoint is the local cloud's own (no AWS service to scope a signature to).
      if (kind.name === 'health details' && variant.label === 'another service\u2019s signature') continue;
      const purpose = `chaos R4 forged read ${String(++n).padStart(3, '0')}`;
      const request = await variant.make(purpose);
      const answer = await send(
        access.endpoint,
        { ...request, headers: { ...request.headers, host: new URL(access.endpoint).host } },
        agent,
        15_000,
      ).catch((error: Error) => ({ status: 0, body: error.message, ms: 0 }));
      // Health answers anyone that the cloud is alive: what it must refuse is the details (queues, tables).
      const granted =
        kind.name === 'health details'
          ? answer.status === 200 && answer.body.includes('"queues"')
          : !refusedAnswer(answer.status, answer.body);
      const outcome: Cell['outcome'] = granted ? 'allowed' : 'refused';
      cells.push({
        category: 'signatures: call × forgery',
        what: `${kind.name} with ${variant.label}`,
        expected: variant.expected,
        outcome,
        answer: `${answer.status} ${answer.body.slice(0, 200)}`,
      });
      if (kind.read) reads.push({ purpose, allowed: answer.status === 200 || answer.status === 404 });
    }
  }
  return { cells, reads };
}
