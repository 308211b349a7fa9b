/**
 * `mx publish`: PutEvents entries from a file or stdin, checked against the contract first, sent with an agency's keys.
 */
import { readFile } from 'node:fs/promises';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { putEntries } from '../../functions/lib/publisher.ts';
import type { PutEventsEntry } from '../../schemas/entries.ts';
import { validateDetail } from '../../schemas/validate.ts';
import { type Ministry, TOPOLOGY } from '../topology.ts';
import { type ConnectionOptions, connect, sdkConfig } from './connection.ts';
import { cloudNotReachable, isUnreachable, unreadableFile } from './failures.ts';
import { CliError, printJson } from './output.ts';

export interface PublishOptions extends ConnectionOptions {
  as: string;
  validate: boolean;
  json?: boolean;
}

interface EntryResult {
  index: number;
  source?: string;
  detailType?: string;
  eventId?: string;
  errorCode?: string;
  errorMessage?: string;
}

async function readInput(file: string): Promise<string> {
  if (file !== '-')
    return readFile(file, 'utf8').catch((error: unknown) => Promise.reject(unreadableFile(file, error)));
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * One entry (a JSON object, pretty-printed or not: what `mx schemas example`
 * prints), a JSON array of entries, or one entry per line (NDJSON); errors
 * name the line.
 */
export function parseEntries(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new CliError('no entries: the input is empty');
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as unknown[];
    } catch (error) {
      throw new CliError(`input is not a valid JSON array: ${(error as Error).message}`);
    }
  }
  // A whole document that parses as one object is one entry; otherwise it is NDJSON, line by line.
  try {
    const whole = JSON.parse(trimmed) as unknown;
    if (typeof whole === 'object' && whole !== null) return [whole];
  } catch {
    // not one document: read it as NDJSON below, which names the bad line
  }
  return trimmed.split('\n').flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line)];
    } catch (error) {
      throw new CliError(`line ${i + 1} is not valid JSON: ${(error as Error).message}`);
    }
  });
}

function normalise(raw: unknown, index: number): PutEventsEntry | EntryResult {
  if (typeof raw !== 'object' || raw === null)
    return {
      index,
      errorCode: 'InvalidEntry',
      errorMessage: 'an entry must be an object with Source, DetailType and Detail',
    };
  const entry = raw as Record<string, unknown>;
  return {
    Source: entry.Source as string,
    DetailType: entry.DetailType as string,
    // Accept Detail as an object for convenience; PutEvents wants a string.
    Detail:
      typeof entry.Detail === 'string' || entry.Detail === undefined
        ? (entry.Detail as string)
        : JSON.stringify(entry.Detail),
    EventBusName: (entry.EventBusName as string | undefined) ?? TOPOLOGY.busName,
  };
}

export async function publish(file: string, opts: PublishOptions): Promise<void> {
  const agency = TOPOLOGY.agencies.find((a) => a.id === opts.as);
  if (!agency)
    throw new CliError(
      `unknown agency ${JSON.stringify(opts.as)}; agencies: ${TOPOLOGY.agencies.map((a) => a.id).join(', ')}`,
    );
  // The file first: a missing or malformed file is the operator's first problem, whether or not the cloud runs.
  const raw = parseEntries(await readInput(file));
  const connection = await connect(opts);
  const keys = connection.credentials.agencies[agency.id as Ministry];
  const results: EntryResult[] = [];
  const toSend: { index: number; entry: PutEventsEntry }[] = [];
  raw.forEach((item, index) => {
    const entry = normalise(item, index);
    if ('index' in entry) {
      results.push(entry);
      return;
    }
    if (opts.validate && typeof entry.Detail === 'string') {
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        detail = undefined;
      }
      const check =
        detail === undefined ? undefined : validateDetail(String(entry.Source), String(entry.DetailType), detail);
      if (check && !check.ok) {
        results.push({
          index,
          source: entry.Source,
          detailType: entry.DetailType,
          errorCode: 'ContractViolation',
          errorMessage: check.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        });
        return;
      }
    }
    toSend.push({ index, entry });
  });
  const client = new EventBridgeClient(sdkConfig(connection, keys));
  try {
    const sent = toSend.length
      ? await putEntries(
          client,
          toSend.map((s) => s.entry),
        )
      : [];
    sent.forEach((result, i) => {
      const { index, entry } = toSend[i]!;
      results.push({
        index,
        source: entry.Source,
        detailType: entry.DetailType,
        ...(result.eventId
          ? { eventId: result.eventId }
          : { errorCode: result.errorCode, errorMessage: result.errorMessage }),
      });
    });
  } catch (error) {
    if (isUnreachable(error)) throw cloudNotReachable(connection.endpoint);
    throw new CliError(`PutEvents failed: ${(error as Error).name}: ${(error as Error).message}`);
  } finally {
    client.destroy();
  }
  results.sort((a, b) => a.index - b.index);
  const failed = results.filter((r) => r.errorCode).length;
  if (opts.json) printJson({ failedEntryCount: failed, entries: results });
  else {
    for (const r of results) {
      process.stdout.write(
        r.eventId
          ? `#${r.index} ${r.detailType} ok ${r.eventId}\n`
          : `#${r.index} ${r.detailType ?? '?'} FAILED ${r.errorCode}: ${r.errorMessage ?? ''}\n`,
      );
    }
    process.stdout.write(`${results.length - failed} published, ${failed} failed\n`);
  }
  if (failed > 0) process.exitCode = 1;
}
