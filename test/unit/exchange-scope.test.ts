import { describe, expect, it } from 'vitest';
import {
  CONFIG_ENV,
  callerKeyOf,
  callerOfKey,
  type ExchangeApiConfig,
  parseConfig,
  roleNameOf,
  scopesFor,
} from '../../functions/exchange-api/config.ts';
import { resolveCaller } from '../../functions/exchange-api/routes.ts';
import {
  breachPartitionsFor,
  breachRequest,
  type Caller,
  ExchangeRefusal,
  queueScope,
  redriveTarget,
} from '../../functions/exchange-api/scope.ts';
import { BREACH_PARTITIONS } from '../../functions/exchange-log/breaches.ts';
import { queueScope as localQueueScope } from '../../infra/local/queue-scope.ts';
import { breachPartitionsFor as localBreachPartitions } from '../../infra/local/rest-api.ts';
import { MINISTRIES, TOPOLOGY } from '../../infra/topology.ts';

const labour: Caller = { kind: 'operator', ministry: 'labour' };
const platform: Caller = { kind: 'platform' };
const interiorAgency: Caller = { kind: 'agency', id: 'interior', sources: ['kz.interior.berkut'] };

/** Every caller the CDK app configures: the platform, each ministry's operator, each agency. */
const CALLERS: Caller[] = [
  platform,
  ...MINISTRIES.map((ministry): Caller => ({ kind: 'operator', ministry })),
  ...TOPOLOGY.agencies.map((a): Caller => ({ kind: 'agency', id: a.id, sources: a.sources })),
];

function refusal(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExchangeRefusal) return { status: error.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('queue scope (one implementation for the local cloud and AWS)', () => {
  it('gives a ministry the subscriptions owning its view and its agency’s registries, from the topology', () => {
    expect(queueScope(TOPOLOGY, labour).subscriptions).toEqual(['foreign-labour', 'qandas', 'view-labour']);
    expect(queueScope(TOPOLOGY, { kind: 'operator', ministry: 'foreign-affairs' }).subscriptions).toEqual([
      'berkut',
      'view-foreign-affairs',
    ]);
    expect(queueScope(TOPOLOGY, platform).subscriptions).toEqual(TOPOLOGY.subscriptions.map((s) => s.name));
    expect(queueScope(TOPOLOGY, interiorAgency).subscriptions).toEqual([]);
    // No ministry sees the platform's own exchange log.
    for (const ministry of MINISTRIES)
      expect(queueScope(TOPOLOGY, { kind: 'operator', ministry }).has('exchange-log')).toBe(false);
  });

  it('is what the local cloud imports: the same function, not a copy', () => {
    expect(localQueueScope).toBe(queueScope);
    for (const caller of CALLERS)
      expect(localBreachPartitions(TOPOLOGY, caller)).toEqual(breachPartitionsFor(TOPOLOGY, caller));
  });

  it('follows the topology: a ministry that gains a command API\u2019s registry sees its queue', () => {
    const changed = {
      ...TOPOLOGY,
      commandApis: TOPOLOGY.commandApis.map((c) =>
        c.system === 'qandas' ? { ...c, agencies: [...c.agencies, 'interior' as const] } : c,
      ),
    };
    expect(queueScope(changed, { kind: 'operator', ministry: 'interior' }).subscriptions).toEqual([
      'berkut',
      'qandas',
      'view-interior',
    ]);
  });
});

describe('breaches scope', () => {
  it('gives an agency its sources, an operator its ministry\u2019s agency\u2019s, the platform every partition', () => {
    expect(breachPartitionsFor(TOPOLOGY, interiorAgency)).toEqual(['kz.interior.berkut']);
    expect(breachPartitionsFor(TOPOLOGY, labour)).toEqual(['kz.labour.foreign-labour', 'kz.labour.qandas']);
    expect(breachPartitionsFor(TOPOLOGY, platform)).toEqual([...BREACH_PARTITIONS]);
    expect(breachPartitionsFor(TOPOLOGY, platform)).toContain('other');
  });

  it('reads ?source= and ?limit=, refusing another\u2019s source and a limit out of bounds by name', () => {
    const allowed = breachPartitionsFor(TOPOLOGY, labour);
    expect(breachRequest(allowed, null)).toEqual({ partitions: allowed, limit: 50 });
    expect(breachRequest(allowed, { source: 'kz.labour.qandas', limit: '1000' })).toEqual({
      partitions: ['kz.labour.qandas'],
      limit: 1000,
    });
    expect(refusal(() => breachRequest(allowed, { source: 'kz.interior.berkut' }))).toEqual({
      status: 403,
      code: 'forbidden',
      message:
        'this caller may read the breaches of kz.labour.foreign-labour, kz.labour.qandas, not "kz.interior.berkut"',
    });
    for (const limit of ['0', '1001', '1e3', '-1', '', '12345678', ' 5']) {
      expect(refusal(() => breachRequest(allowed, { limit }))).toMatchObject({
        status: 400,
        code: 'bad-parameter',
        message: expect.stringMatching(/^limit must be a whole number from 1 to 1000/),
      });
    }
  });
});

describe('redrive target', () => {
  it('names the subscription of an own dead-letter queue', () => {
    expect(redriveTarget(TOPOLOGY, queueScope(TOPOLOGY, labour), labour, 'mx-view-labour-dlq')).toBe('view-labour');
    expect(redriveTarget(TOPOLOGY, queueScope(TOPOLOGY, platform), platform, 'mx-exchange-log-dlq')).toBe(
      'exchange-log',
    );
  });

  it('refuses another ministry\u2019s queue naming the caller\u2019s own, and a queue that is none', () => {
    expect(
      refusal(() => redriveTarget(TOPOLOGY, queueScope(TOPOLOGY, labour), labour, 'mx-view-interior-dlq')),
    ).toEqual({
      status: 403,
      code: 'forbidden',
      message:
        'the labour operator may not redrive mx-view-interior-dlq; its dead-letter queues: ' +
        'mx-foreign-labour-dlq, mx-qandas-dlq, mx-view-labour-dlq',
    });
    for (const queue of [undefined, null, '', 'mx-view-labour', 'mx-nope-dlq', 'view-labour']) {
      expect(refusal(() => redriveTarget(TOPOLOGY, queueScope(TOPOLOGY, platform), platform, queue))).toMatchObject({
        status: 400,
        code: 'bad-parameter',
        message: expect.stringMatching(/^queue must name a dead-letter queue/),
      });
    }
  });
});

describe('exchange API configuration', () => {
  const config = (overrides: Partial<ExchangeApiConfig> = {}): ExchangeApiConfig => ({
    queueUrlPrefix: 'https://sqs.eu-central-1.amazonaws.com/123456789012/',
    queues: Object.fromEntries(
      TOPOLOGY.subscriptions.map((s) => [s.name, [`q-${s.name}`, `d-${s.name}`] as [string, string]]),
    ),
    logSubscription: 'exchange-log',
    breachesTable: 'Stack-ExchangeLog-ABC',
    roles: {
      'Stack-ApisOperatorlabour-XYZ': 'operator:labour',
      'Stack-Platform-1': 'platform',
      'Stack-Publisherinterior-2': 'agency:interior',
    },
    scopes: scopesFor(TOPOLOGY, CALLERS),
    ...overrides,
  });

  it('decides each caller\u2019s scope with the shared rules, once, at synth', () => {
    const scopes = scopesFor(TOPOLOGY, CALLERS);
    expect(Object.keys(scopes).sort()).toEqual(CALLERS.map(callerKeyOf).sort());
    for (const caller of CALLERS) {
      expect(scopes[callerKeyOf(caller)]).toEqual({
        subscriptions: queueScope(TOPOLOGY, caller).subscriptions,
        breaches: breachPartitionsFor(TOPOLOGY, caller),
      });
    }
  });

  it('resolves the account root as the platform, and no inherited property as a role', () => {
    const c = config();
    const platform = resolveCaller(c, 'arn:aws:iam::123456789012:root');
    expect(platform.caller).toEqual({ kind: 'platform' });
    expect([...platform.scope.subscriptions].sort()).toEqual(TOPOLOGY.subscriptions.map((s) => s.name).sort());
    expect(resolveCaller(c, 'arn:aws:sts::123456789012:assumed-role/Stack-ApisOperatorlabour-XYZ/s').caller).toEqual({
      kind: 'operator',
      ministry: 'labour',
    });
    // A user is not the root; a role named like an Object.prototype member names no caller (a 403, never a 500).
    for (const arn of ['arn:aws:iam::123456789012:user/root', 'arn:aws:sts::123456789012:assumed-role/constructor/s']) {
      expect(() => resolveCaller(c, arn)).toThrow(ExchangeRefusal);
    }
  });

  it('reads back the callers it names, an agency with its sources', () => {
    const parsed = parseConfig(JSON.stringify(config()));
    for (const caller of CALLERS) expect(callerOfKey(callerKeyOf(caller), parsed)).toEqual(caller);
  });

  it('fails at cold start, naming the problem, on a missing, malformed or inconsistent configuration', () => {
    expect(() => parseConfig(undefined)).toThrow(`missing required environment variable ${CONFIG_ENV}`);
    expect(() => parseConfig(JSON.stringify({ ...config(), roles: { r: 'operator:nobody' } }))).toThrow(/roles\.r/);
    expect(() => parseConfig(JSON.stringify({ ...config(), queues: { 'exchange-log': ['a'] } }))).toThrow(
      /queues\.exchange-log/,
    );
    expect(() => parseConfig(JSON.stringify(config({ logSubscription: 'nope' })))).toThrow(
      'names subscription nope, which has no queues',
    );
  });

  it('finds the role an API Gateway caller acts as', () => {
    expect(roleNameOf('arn:aws:sts::123456789012:assumed-role/Stack-ApisOperatorlabour-XYZ/alice@kz')).toBe(
      'Stack-ApisOperatorlabour-XYZ',
    );
    expect(roleNameOf('arn:aws-cn:sts::123456789012:assumed-role/R/s')).toBe('R');
    expect(roleNameOf('arn:aws:iam::123456789012:role/path/to/R')).toBe('R');
    for (const arn of [
      'arn:aws:iam::123456789012:user/alice',
      'arn:aws:iam::123456789012:root',
      '',
      null,
      undefined,
      'arn:aws:sts::1:assumed-role/R/s/extra',
    ])
      expect(roleNameOf(arn)).toBeUndefined();
  });
});
