import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { aggregatePk, type BucketRange, balanceRanges, periodRanges, sumBuckets } from '../domain/aggregates.ts';
import type { Ministry } from '../domain/ministries.ts';
import { type Period, STATS_FAMILIES, type StatsInput } from '../domain/stats.ts';
import { allPages } from '../lib/paginate.ts';

async function bucketsIn(
  client: DynamoDBDocumentClient,
  table: string,
  family: string,
  ranges: readonly BucketRange[],
): Promise<Record<string, unknown>[]> {
  const pages = await Promise.all(
    ranges.map((range) =>
      allPages<Record<string, unknown>>((ExclusiveStartKey) =>
        client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': aggregatePk(family), ':from': range.from, ':to': range.to },
            ExclusiveStartKey,
          }),
        ),
      ),
    ),
  );
  return pages.flat();
}

/**
 * Reads the counter buckets a ministry's figures need: a bounded number of
 * small items per family (at most a year of months and a month of days per
 * shard), whatever the size of the view. No scan.
 */
export async function readStatsInput(
  client: DynamoDBDocumentClient,
  table: string,
  ministry: Ministry,
  period: Period,
): Promise<StatsInput> {
  const families = STATS_FAMILIES[ministry];
  const [periods, balances] = await Promise.all([
    Promise.all(
      families.period.map(
        async (f) => [f, sumBuckets(await bucketsIn(client, table, f, periodRanges(period.from, period.to)))] as const,
      ),
    ),
    Promise.all(
      families.balance.map(
        async (f) => [f, sumBuckets(await bucketsIn(client, table, f, balanceRanges(period.asOf))).total] as const,
      ),
    ),
  ]);
  return { period: Object.fromEntries(periods), balance: Object.fromEntries(balances) };
}
