/**
 * The real requests R5 starts from, one per call: a PutEvents an agency
 * would send, a TestEventPattern with the platform's own patterns and
 * every operator the matcher knows, a command an official would issue
 * (from the simulator's plan), a query an operator would make. Each is
 * built from a seeded random source, so request i of a seed is always the
 * same request.
 */
import type { CloudCredentials, KeyPair } from '../../infra/local/credentials.ts';
import type { PlannedCommand } from '../../infra/simulator/plan.ts';
import type { Random } from '../../infra/simulator/random.ts';
import { MINISTRIES, TOPOLOGY } from '../../infra/topology.ts';
import { personEvents } from './events.ts';
import type { WireRequest } from './wire.ts';

export type FuzzTarget = 'PutEvents' | 'TestEventPattern' | 'command' | 'query';
export const FUZZ_TARGETS: readonly FuzzTarget[] = ['PutEvents', 'TestEventPattern', 'command', 'query'];

export interface SeedRequest {
  readonly target: FuzzTarget;
  readonly request: WireRequest;
  /** Who signs it, and for which service. */
  readonly keys: KeyPair;
  readonly service: string;
  /** The JSON body as a value (undefined for GET): what structural mutations work on. */
  readonly json?: unknown;
}

export interface SeedContext {
  readonly credentials: CloudCredentials;
  readonly commands: readonly PlannedCommand[];
  /** People the generator's events are about (numbers for personEvents). */
  readonly people: number;
  readonly seed: number;
}

/** Patterns using every operator EventBridge has, beside the topology's own. */
const PATTERNS: readonly unknown[] = [
  ...TOPOLOGY.subscriptions.map((s) => s.pattern),
  { detail: { data: { penalty: { fineMci: [{ numeric: ['>', 10, '<=', 100] }] } } } },
  { source: [{ prefix: 'kz.' }], 'detail-type': [{ suffix: 'Issued' }] },
  { detail: { data: { person: { citizenship: [{ 'anything-but': ['UZB', 'CHN'] }] } } } },
  { detail: { meta: { causationId: [{ exists: false }] } } },
  { detail: { data: { visaNumber: [{ wildcard: 'KZ*5*' }] } } },
  { 'detail-type': [{ 'equals-ignore-case': 'visaissued' }] },
  {
    $or: [
      { source: ['kz.interior.berkut'] },
      { 'detail-type': ['VisaIssued'], detail: { data: { visaType: ['work'] } } },
    ],
  },
  { detail: { data: { checkpoint: [{ 'anything-but': { prefix: 'KZ-ALA' } }] } } },
  { detail: { sourceIp: [{ cidr: '10.0.0.0/24' }] } },
];

const json = (target: string, value: unknown): WireRequest => ({
  method: 'POST',
  path: '/',
  query: [],
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
  body: Buffer.from(JSON.stringify(value)),
});

function putEvents(random: Random, context: SeedContext): SeedRequest {
  const events = personEvents(context.seed, random.int(0, context.people - 1));
  const event = random.pick(events);
  const own = events.filter((e) => e.agency === event.agency);
  const entries = own.slice(0, random.int(1, Math.min(2, own.length))).map((e) => e.entry);
  const body = { Entries: entries };
  return {
    target: 'PutEvents',
    request: json('AWSEvents.PutEvents', body),
    keys: context.credentials.agencies[event.agency],
    service: 'events',
    json: body,
  };
}

function testEventPattern(random: Random, context: SeedContext): SeedRequest {
  const event = random.pick(personEvents(context.seed, random.int(0, context.people - 1)));
  const busEvent = {
    version: '0',
    id: '5a1a2b3c-0000-4000-8000-000000000001',
    'detail-type': event.entry.DetailType,
    source: event.entry.Source,
    account: '000000000000',
    time: '2021-06-01T09:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(event.entry.Detail),
  };
  const body = { EventPattern: JSON.stringify(random.pick(PATTERNS)), Event: JSON.stringify(busEvent) };
  // The platform's keys: the template grants agencies no events:TestEventPattern, and IAM would stop the fuzz first.
  return {
    target: 'TestEventPattern',
    request: json('AWSEvents.TestEventPattern', body),
    keys: context.credentials.platform,
    service: 'events',
    json: body,
  };
}

function command(random: Random, context: SeedContext): SeedRequest {
  const first = random.pick(context.commands);
  const one = (c: PlannedCommand) => ({ command: c.command, input: c.input, occurredAt: c.occurredAt });
  // Sometimes a batch, as the simulator sends them: commands of the same system and agency.
  const batchable = context.commands.filter((c) => c.system === first.system && c.agency === first.agency);
  const body = random.chance(0.2)
    ? {
        commands: Array.from({ length: random.int(2, 5) }, () => one(random.pick(batchable))),
        ordered: random.chance(0.5),
      }
    : one(first);
  return {
    target: 'command',
    request: {
      method: 'POST',
      path: `/commands/${first.system}`,
      query: [],
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    },
    keys: context.credentials.agencies[first.agency],
    service: 'execute-api',
    json: body,
  };
}

function query(random: Random, context: SeedContext): SeedRequest {
  const ministry = random.pick(MINISTRIES);
  const resource = random.pick(['stats', 'person', 'lineage', 'accesses'] as const);
  let params: [string, string][];
  if (resource === 'stats')
    params = random.chance(0.5)
      ? [['year', String(random.int(2020, 2022))]]
      : [['asOf', `2021-${String(random.int(1, 12)).padStart(2, '0')}-01`]];
  else {
    const person = JSON.parse(personEvents(context.seed, random.int(0, context.people - 1))[0]!.entry.Detail).data
      .person as { citizenship: string; documentNumber: string };
    params = [
      ['citizenship', person.citizenship],
      ['document', person.documentNumber],
      ['purpose', `chaos fuzz case ${random.int(1, 9999)}`],
    ];
  }
  return {
    target: 'query',
    request: {
      method: 'GET',
      path: `/api/views/${ministry}/${resource}`,
      query: params,
      headers: {},
      body: Buffer.alloc(0),
    },
    keys: context.credentials.operators[ministry],
    service: 'execute-api',
  };
}

export function seedRequest(random: Random, context: SeedContext): SeedRequest {
  const target = random.pick(FUZZ_TARGETS);
  if (target === 'PutEvents') return putEvents(random, context);
  if (target === 'TestEventPattern') return testEventPattern(random, context);
  if (target === 'command') return command(random, context);
  return query(random, context);
}
