/**
 * R3 poison: bursts of events, 1 % of them pathological, every agency
 * publishing at once. Two kinds of poison:
 * - events that break the contract (a fine of 1e300 MCI, a 450 kB visa
 *   number, a 13th month…): the exchange log records each as a breach naming
 *   the field; no projection applies it, nothing is dead-lettered;
 * - schema-valid events that a handler cannot apply (the probe subscription
 *   is told which): each must be parked on its own, with a reason naming
 *   it, and, once the fault is fixed, redriven and applied.
 * No good event may be parked or go missing from the log, the probe or the
 * views (checked against one clean delivery of the log).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { LogEntry } from '../../functions/exchange-log/log-entry.ts';
import { deterministicUuid } from '../../functions/lib/ids.ts';
import { LocalCloud } from '../../infra/local/cloud.ts';
import { Random } from '../../infra/simulator/random.ts';
import { MINISTRIES } from '../../infra/topology.ts';
import { type CloudAccess, deadLetters, platformDynamo, publishAll, redrive, settle } from './cloud-access.ts';
import { type ChaosEvent, keyOf, personEvents, rawEvent } from './events.ts';
import { auditLog } from './log-audit.ts';
import { all, exactly, info, type ScenarioReport, scenario } from './report.ts';
import { PROBE_SUBSCRIPTION, PROBE_TABLE, WITH_PROBE } from './topologies.ts';
import { compareSnapshots, expectedSnapshot, periodsFor, readSnapshot } from './views.ts';

export interface PoisonOptions {
  readonly seed: number;
  readonly bursts: number;
  readonly burstSize: number;
  /** Share of each burst that is poison (the issue: 1 %); at least one of each kind per burst. */
  readonly poisonShare: number;
  readonly publishers: number;
  readonly settleTimeoutMs: number;
  readonly log: (line: string) => void;
}

/** A contract breach and the field its refusal must name. */
interface SchemaPoison {
  readonly event: ChaosEvent;
  readonly field: string;
}

type Mutation = {
  readonly detailType: string;
  readonly field: string;
  readonly apply: (data: Record<string, unknown>) => void;
};

/** Pathological values, each in the field the domain bounds (issue 9, defect 6, and its kin). */
const BREACHES: readonly Mutation[] = [
  {
    detailType: 'AdministrativeOffenceRecorded',
    field: 'detail.data.penalty.fineMci',
    apply: (d) => ((d.penalty as Record<string, unknown>).fineMci = 1e300),
  },
  { detailType: 'VisaIssued', field: 'detail.data.visaNumber', apply: (d) => (d.visaNumber = 'A'.repeat(450_000)) },
  { detailType: 'StayRegistered', field: 'detail.data.validUntil', apply: (d) => (d.validUntil = '2021-13-45') },
  {
    detailType: 'BorderCrossingRecorded',
    field: 'detail.data.person.citizenship',
    apply: (d) => ((d.person as Record<string, unknown>).citizenship = 'ZZZ'),
  },
  { detailType: 'WorkPermitIssued', field: 'detail.data.employerBin', apply: (d) => (d.employerBin = '990909400013') },
  {
    detailType: 'AdministrativeOffenceRecorded',
    field: 'detail.data.penalty.fineMci',
    apply: (d) => ((d.penalty as Record<string, unknown>).fineMci = -5),
  },
  {
    detailType: 'VisaIssued',
    field: 'detail.data.holder.surname',
    apply: (d) => ((d.holder as Record<string, unknown>).surname = 'W'.repeat(200_000)),
  },
  {
    detailType: 'StayRegistered',
    field: 'detail.data.registrationNumber',
    apply: (d) => (d.registrationNumber = 'R-75\u0000-2021'),
  },
];

/** Person numbers: good events from 0, the probe's poison from here, breaches from the next block. */
const HANDLER_POISON_PEOPLE = 400_000;
const BREACH_PEOPLE = 700_000;

/** A person's event of a detail-type (people without an offence or permit are skipped). */
function eventOfType(seed: number, from: number, detailType: string): { event: ChaosEvent; next: number } {
  for (let n = from; ; n++) {
    const event = personEvents(seed, n).find((e) => e.entry.DetailType === detailType);
    if (event) return { event, next: n + 1 };
  }
}

/**
 * A burst's order: each agency's events shuffled and cut into PutEvents
 * batches of ten, the batches of all agencies shuffled together (so poison
 * shares calls, queue batches and Lambda batches with good events).
 */
function burstOrder(events: readonly ChaosEvent[], random: Random): ChaosEvent[] {
  const batches: ChaosEvent[][] = [];
  for (const agency of MINISTRIES) {
    const own = events.filter((e) => e.agency === agency);
    for (let i = own.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [own[i], own[j]] = [own[j]!, own[i]!];
    }
    for (let i = 0; i < own.length; i += 10) batches.push(own.slice(i, i + 10));
  }
  for (let i = batches.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [batches[i], batches[j]] = [batches[j]!, batches[i]!];
  }
  return batches.flat();
}

async function storedInProbe(access: CloudAccess, keys: readonly string[]): Promise<Set<string>> {
  const { doc, destroy } = platformDynamo(access);
  const found = new Set<string>();
  try {
    for (let i = 0; i < keys.length; i += 100) {
      let pending: Record<string, unknown>[] = keys.slice(i, i + 100).map((id) => ({ id }));
      while (pending.length > 0) {
        const out = await doc.send(
          new BatchGetCommand({ RequestItems: { [PROBE_TABLE]: { Keys: pending, ProjectionExpression: 'id' } } }),
        );
        for (const item of out.Responses?.[PROBE_TABLE] ?? []) found.add(String(item.id));
        pending = (out.UnprocessedKeys?.[PROBE_TABLE]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
  } finally {
    destroy();
  }
  return found;
}

const namesField = (row: LogEntry | undefined, field: string) =>
  row !== undefined && !row.valid && (row.issues ?? []).some((i) => i.path === field);

export async function runPoison(options: PoisonOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const random = new Random(options.seed);
  const poisonPerBurst = Math.max(2, Math.round(options.burstSize * options.poisonShare));
  const good: ChaosEvent[] = [];
  const handlerPoison: ChaosEvent[] = [];
  const breaches: SchemaPoison[] = [];
  const bursts: ChaosEvent[][] = [];
  let nextGood = 0;
  let nextHandlerPoison = HANDLER_POISON_PEOPLE;
  let nextBreach = BREACH_PEOPLE;
  for (let b = 0; b < options.bursts; b++) {
    const burst: ChaosEvent[] = [];
    for (let p = 0; p < poisonPerBurst; p++) {
      if (p % 2 === 0) {
        const mutation = BREACHES[breaches.length % BREACHES.length]!;
        const picked = eventOfType(options.seed, nextBreach, mutation.detailType);
        nextBreach = picked.next;
        const data = JSON.parse(picked.event.entry.Detail).data as Record<string, unknown>;
        mutation.apply(data);
        const poison = {
          event: rawEvent(
            mutation.detailType,
            data,
            deterministicUuid(`chaos:${options.seed}:breach:${breaches.length}`),
          ),
          field: mutation.field,
        };
        breaches.push(poison);
        burst.push(poison.event);
      } else {
        const picked = eventOfType(
          options.seed,
          nextHandlerPoison,
          random.pick(['VisaIssued', 'StayRegistered', 'BorderCrossingRecorded', 'AdministrativeOffenceRecorded']),
        );
        nextHandlerPoison = picked.next;
        handlerPoison.push(picked.event);
        burst.push(picked.event);
      }
    }
    while (burst.length < options.burstSize) {
      for (const event of personEvents(options.seed, nextGood++)) {
        if (burst.length < options.burstSize) {
          good.push(event);
          burst.push(event);
        }
      }
    }
    bursts.push(burstOrder(burst, random));
  }

  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-chaos-r3-'));
  const poison = globalThis as { mxChaosPoison?: ReadonlyMap<string, string> };
  poison.mxChaosPoison = new Map(
    handlerPoison.map((e, i) => [e.eventId, `the probe's store refuses this record (chaos fault ${i + 1})`]),
  );
  const cloud = await LocalCloud.start({
    port: 0,
    dataDir,
    topology: WITH_PROBE,
    retryDelayMs: 50,
    schedules: 'on-trigger',
  });
  try {
    const access: CloudAccess = { endpoint: cloud.endpoint, credentials: cloud.credentials };
    const busIds = new Map<ChaosEvent, string>();
    let refused = 0;
    for (const [i, burst] of bursts.entries()) {
      const published = await publishAll(access, burst, options.publishers);
      for (const { event, busId } of published.acknowledged) busIds.set(event, busId);
      refused += published.refused.length;
      options.log(`R3 burst ${i + 1}/${bursts.length}: ${burst.length} events, ${poisonPerBurst} of them poison`);
    }
    const settledFirst = await settle(access, options.settleTimeoutMs);

    // Where the poison went, and whether anything good went with it.
    const parked = await deadLetters(access);
    const goodIds = new Set(good.map((e) => e.eventId));
    const handlerPoisonIds = new Set(handlerPoison.map((e) => e.eventId));
    const breachIds = new Set(breaches.map((b) => b.event.eventId));
    const probeQueue = `mx-${PROBE_SUBSCRIPTION}-dlq`;
    const goodParked = parked.filter(
      (d) =>
        d.eventId === undefined ||
        goodIds.has(d.eventId) ||
        (handlerPoisonIds.has(d.eventId) && d.queue !== probeQueue),
    );
    const breachesParked = parked.filter((d) => d.eventId !== undefined && breachIds.has(d.eventId));
    const ownReason = handlerPoison.filter((e) =>
      parked.some((d) => d.queue === probeQueue && d.eventId === e.eventId && (d.error ?? '').includes(e.eventId)),
    );
    const audit = await auditLog(access);
    const goodLogged = good.filter((e) => audit.rows.get(keyOf(e))?.valid === true);
    const breachesNamed = breaches.filter(
      (b) =>
        busIds.has(b.event) &&
        namesField(audit.rows.get(`${b.event.entry.Source}#bus:${busIds.get(b.event)}`), b.field),
    );
    const appliedFirst = await storedInProbe(access, [...good, ...breaches.map((b) => b.event)].map(keyOf));
    const goodApplied = good.filter((e) => appliedFirst.has(keyOf(e)));
    const breachesApplied = breaches.filter((b) => appliedFirst.has(keyOf(b.event)));

    // The fault is fixed; the parked messages are redriven.
    poison.mxChaosPoison = new Map();
    const redriven = (
      await Promise.all([...new Set(parked.map((d) => d.queue))].map((queue) => redrive(access, queue)))
    ).reduce((a, b) => a + b, 0);
    const settledAfter = await settle(access, options.settleTimeoutMs);
    const appliedAfter = await storedInProbe(access, handlerPoison.map(keyOf));
    const stillParked = await deadLetters(access);
    const periods = periodsFor(audit.events);
    const finalAudit = await auditLog(access);
    const views = compareSnapshots(
      await readSnapshot(access, periods),
      expectedSnapshot(finalAudit.events, cloud.credentials.personKeySecret, periods),
    );

    const findings = [
      ...goodParked
        .slice(0, 5)
        .map((d) => `good event parked on ${d.queue}: ${d.eventId ?? d.messageId}: ${d.error ?? ''}`),
      ...handlerPoison
        .filter((e) => !ownReason.includes(e))
        .slice(0, 5)
        .map(
          (e) =>
            `poison ${e.eventId} not parked with its own reason: ` +
            `${JSON.stringify(parked.filter((d) => d.eventId === e.eventId))}`,
        ),
      ...breaches
        .filter((b) => !breachesNamed.includes(b))
        .slice(0, 5)
        .map((b) => {
          const row = audit.rows.get(`${b.event.entry.Source}#bus:${busIds.get(b.event)}`);
          return (
            `breach ${b.event.entry.DetailType} (${b.field}) not logged with its field named: ` +
            `${JSON.stringify(row?.issues ?? 'no row')}`
          );
        }),
      ...views.samples,
    ];
    return scenario(
      'R3',
      'poison',
      started,
      [
        info('bursts × events', `${options.bursts} × ${options.burstSize.toLocaleString('en-US')}`),
        info('poison per burst', `${poisonPerBurst} (${((100 * poisonPerBurst) / options.burstSize).toFixed(1)} %)`),
        exactly('entries PutEvents refused', refused, 0),
        exactly('good events parked', goodParked.length, 0),
        all('good events in the exchange log', goodLogged.length, good.length),
        all('good events applied by the probe, first delivery', goodApplied.length, good.length),
        all('contract breaches logged, their field named', breachesNamed.length, breaches.length),
        exactly('contract breaches parked', breachesParked.length, 0),
        exactly('contract breaches applied', breachesApplied.length, 0),
        all('handler poison parked with its own reason', ownReason.length, handlerPoison.length),
        info('dead letters before the fix', parked.length),
        info('redriven after the fix', redriven),
        all(
          'fixed poison applied after redrive',
          handlerPoison.filter((e) => appliedAfter.has(keyOf(e))).length,
          handlerPoison.length,
        ),
        exactly('dead letters after redrive', stillParked.length, 0),
        exactly('views: records unlike one clean delivery of the log', views.records, 0),
        exactly('views: counts above / below one clean delivery', views.excess + views.missing, 0),
        exactly('views: stats unlike a recount', views.stats, 0),
        exactly('deliveries not settled in time', (settledFirst ? 0 : 1) + (settledAfter ? 0 : 1), 0),
      ],
      findings,
    );
  } finally {
    poison.mxChaosPoison = undefined;
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
