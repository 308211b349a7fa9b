/**
 * R2 duplicate + shuffle: a slice of a simulated year (the simulator's
 * commands run through in-memory systems, their reactions included) is
 * published to one cloud once, in order, and to another twice over, in a
 * seeded random order, by concurrent publishers. Every registry and view
 * (records, counters) and every ministry's stats must come out identical;
 * the ordered cloud must also agree with the in-memory fold of the events.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalCloud } from '../../infra/local/cloud.ts';
import { CREDENTIALS_FILE } from '../../infra/local/credentials.ts';
import { Random } from '../../infra/simulator/random.ts';
import { agencyForSource, TOPOLOGY } from '../../infra/topology.ts';
import { simulatedEvents } from '../../test/fixtures/simulated-events.ts';
import { type CloudAccess, deadLetters, publishAll, settle } from './cloud-access.ts';
import type { ChaosEvent } from './events.ts';
import { auditLog } from './log-audit.ts';
import { exactly, type Figure, info, type ScenarioReport, scenario } from './report.ts';
import { WITHOUT_REACTIONS } from './topologies.ts';
import {
  compareSnapshots,
  expectedSnapshot,
  periodsFor,
  readSnapshot,
  type Snapshot,
  type SnapshotDifference,
} from './views.ts';

export interface DuplicateOptions {
  readonly seed: number;
  /** Simulator scale and the slice of 2021 whose events are published. */
  readonly scale: number;
  readonly from: string;
  readonly until: string;
  /** Concurrent PutEvents calls for the shuffled delivery. */
  readonly publishers: number;
  readonly settleTimeoutMs: number;
  readonly log: (line: string) => void;
}

function shuffled<T>(items: readonly T[], random: Random): T[] {
  const list = [...items];
  for (let i = list.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

interface Delivery {
  readonly snapshot: Snapshot;
  readonly acknowledged: number;
  readonly refused: number;
  readonly logRows: number;
  readonly conflicts: number;
  readonly parked: number;
  readonly settled: boolean;
}

/**
 * Runs a fresh in-process cloud (credentials copied from `credentialsFrom`, so person keys agree),
 * publishes, settles and reads it.
 */
async function deliver(
  events: readonly ChaosEvent[],
  options: DuplicateOptions,
  cloudOptions: { concurrency: number; publishers: number; credentialsFrom?: string },
  periods: Parameters<typeof readSnapshot>[1],
) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mx-chaos-r2-'));
  if (cloudOptions.credentialsFrom)
    await copyFile(path.join(cloudOptions.credentialsFrom, CREDENTIALS_FILE), path.join(dataDir, CREDENTIALS_FILE));
  const cloud = await LocalCloud.start({
    port: 0,
    dataDir,
    topology: WITHOUT_REACTIONS,
    retryDelayMs: 50,
    concurrency: cloudOptions.concurrency,
    schedules: 'on-trigger',
  });
  try {
    const access: CloudAccess = { endpoint: cloud.endpoint, credentials: cloud.credentials };
    const published = await publishAll(access, events, cloudOptions.publishers);
    const settled = await settle(access, options.settleTimeoutMs);
    const audit = await auditLog(access);
    const delivery: Delivery = {
      snapshot: await readSnapshot(access, periods),
      acknowledged: published.acknowledged.length,
      refused: published.refused.length,
      logRows: audit.rows.size,
      conflicts: audit.conflicts.length,
      parked: (await deadLetters(access)).length,
      settled,
    };
    return { delivery, dataDir, secret: cloud.credentials.personKeySecret };
  } finally {
    await cloud.stop();
  }
}

function differences(label: string, difference: SnapshotDifference): Figure[] {
  return [
    exactly(
      `${label}: records that differ (of ${difference.recordsCompared.toLocaleString('en-US')})`,
      difference.records,
      0,
    ),
    exactly(`${label}: counts above (counted twice)`, difference.excess, 0),
    exactly(`${label}: counts below`, difference.missing, 0),
    exactly(`${label}: stats that differ (of ${difference.statsCompared} ministry × period)`, difference.stats, 0),
  ];
}

export async function runDuplicateShuffle(options: DuplicateOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const simulated = await simulatedEvents({
    scale: options.scale,
    seed: options.seed,
    from: options.from,
    until: options.until,
  });
  const events: ChaosEvent[] = simulated.map(({ bus }) => ({
    agency: agencyForSource(bus.source)!.id,
    eventId: bus.detail.meta.eventId,
    entry: {
      Source: bus.source,
      DetailType: bus['detail-type'],
      Detail: JSON.stringify(bus.detail),
      EventBusName: TOPOLOGY.busName,
    },
  }));
  const periods = periodsFor(simulated);
  const reactions = simulated.filter((e) => e.bus.detail.meta.causationId).length;
  options.log(
    `R2: ${events.length} simulated events (${reactions} of them reactions), ${options.from} to ` +
      `${options.until}; ordered delivery`,
  );

  // One delivery, in order: one publisher, one batch at a time per subscription.
  const ordered = await deliver(events, options, { concurrency: 1, publishers: 1 }, periods);
  try {
    options.log(`R2: every event twice, shuffled, ${options.publishers} publishers`);
    const twice = shuffled([...events, ...events], new Random(options.seed));
    const chaotic = await deliver(
      twice,
      options,
      { concurrency: 2, publishers: options.publishers, credentialsFrom: ordered.dataDir },
      periods,
    );
    await rm(chaotic.dataDir, { recursive: true, force: true });

    const versusOrdered = compareSnapshots(chaotic.delivery.snapshot, ordered.delivery.snapshot);
    const orderedVersusFold = compareSnapshots(
      ordered.delivery.snapshot,
      expectedSnapshot(simulated, ordered.secret, periods),
    );
    return scenario(
      'R2',
      'duplicate + shuffle',
      started,
      [
        info('events (a simulated slice of 2021)', events.length),
        info('of which reactions of one system to another', reactions),
        info('deliveries published twice, shuffled', twice.length),
        exactly('deliveries not acknowledged', ordered.delivery.refused + chaotic.delivery.refused, 0),
        exactly(
          'exchange-log rows unlike one per event',
          Math.abs(chaotic.delivery.logRows - events.length) + chaotic.delivery.conflicts,
          0,
        ),
        ...differences('twice + shuffled vs once in order', versusOrdered),
        ...differences('once in order vs the in-memory fold', orderedVersusFold),
        exactly('dead letters', ordered.delivery.parked + chaotic.delivery.parked, 0),
        exactly(
          'deliveries not settled in time',
          (ordered.delivery.settled ? 0 : 1) + (chaotic.delivery.settled ? 0 : 1),
          0,
        ),
      ],
      [...versusOrdered.samples, ...orderedVersusFold.samples],
    );
  } finally {
    await rm(ordered.dataDir, { recursive: true, force: true });
  }
}
