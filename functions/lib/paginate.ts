/** Follows DynamoDB's LastEvaluatedKey until a Query or Scan has returned every page. */
export async function allPages<T>(
  page: (
    startKey: Record<string, unknown> | undefined,
  ) => Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }>,
): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await page(startKey);
    items.push(...((out.Items ?? []) as T[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
