import { readFile } from 'node:fs/promises';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Command } from 'commander';
import { putEntries } from '../../functions/lib/publisher.ts';
import { signedFetch } from '../../functions/lib/signed-fetch.ts';
import { latestDefinition } from '../../schemas/catalog.ts';
import { exampleEntry } from '../../schemas/entries.ts';
import type { CloudCredentials } from '../local/credentials.ts';
import { TOPOLOGY, type Ministry } from '../topology.ts';
import { connect, sdkConfig, withConnectionOptions, type Connection } from './connection.ts';
import { CliError, printJson } from './output.ts';

/** One event per agency, and the ministry view that must show its person. */
const CHECKS: readonly { agency: Ministry; detailType: string; view: Ministry }[] = [
  { agency: 'foreign-affairs', detailType: 'VisaIssued', view: 'foreign-affairs' },
  { agency: 'border-service', detailType: 'EntryDenied', view: 'border-service' },
  { agency: 'interior', detailType: 'AdministrativeOffenceRecorded', view: 'interior' },
  { agency: 'labour', detailType: 'WorkPermitIssued', view: 'labour' },
];

async function viewHas(connection: Connection, api: string, check: (typeof CHECKS)[number], person: { citizenship?: string; documentNumber?: string }, eventId: string): Promise<boolean> {
  const query = new URLSearchParams({ citizenship: person.citizenship!, document: person.documentNumber!, purpose: 'mx smoke: deployment check' });
  const response = await signedFetch(`${api}/api/views/${check.view}/lineage?${query}`, { keys: connection.credentials.operators[check.view], region: connection.credentials.region });
  if (response.status === 404) return false;
  if (!response.ok) throw new CliError(`${check.view} view answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { events: { eventId: string }[] };
  return body.events.some((e) => e.eventId === eventId);
}

export function registerSmokeCommand(program: Command): void {
  withConnectionOptions(
    program
      .command('smoke')
      .description('publish one event per agency and wait until each ministry\u2019s view shows it (AWS, LocalStack or the local cloud)')
      .option('--api <url>', 'query API base URL (default: the endpoint; on AWS the ApiUrl stack output without the stage path)')
      .option('--credentials <file>', 'credentials JSON in the shape of `mx credentials --json` (default: the local cloud\u2019s)')
      .option('--bus <name>', 'event bus name', TOPOLOGY.busName)
      .option('--timeout <seconds>', 'how long to wait for the views', '60')
      .option('--json', 'print JSON'),
  ).action(async (opts: { api?: string; credentials?: string; bus: string; timeout: string; json?: boolean; endpoint?: string; dataDir?: string }) => {
    let connection: Connection;
    if (opts.credentials) {
      const credentials = JSON.parse(await readFile(opts.credentials, 'utf8')) as CloudCredentials & { endpoint?: string };
      connection = { endpoint: (opts.endpoint ?? credentials.endpoint ?? '').replace(/\/$/, ''), dataDir: '', credentials };
    } else connection = await connect(opts);
    const api = (opts.api ?? connection.endpoint).replace(/\/$/, '');
    const deadline = Date.now() + Number(opts.timeout) * 1000;
    const results = [];
    for (const check of CHECKS) {
      const entry = exampleEntry(latestDefinition(check.detailType)!, opts.bus);
      const client = new EventBridgeClient(sdkConfig(connection, connection.credentials.agencies[check.agency]));
      const started = Date.now();
      const [result] = await putEntries(client, [entry]).finally(() => client.destroy());
      if (!result?.eventId) throw new CliError(`${check.agency} could not publish ${check.detailType}: ${result?.errorCode} ${result?.errorMessage ?? ''}`);
      const detail = JSON.parse(entry.Detail) as { meta: { eventId: string }; data: { person: { citizenship?: string; documentNumber?: string } } };
      while (!(await viewHas(connection, api, check, detail.data.person, detail.meta.eventId))) {
        if (Date.now() > deadline) throw new CliError(`${check.detailType} from ${check.agency} did not reach the ${check.view} view within ${opts.timeout} s`);
        await new Promise((r) => setTimeout(r, 250));
      }
      results.push({ agency: check.agency, detailType: check.detailType, view: check.view, eventId: detail.meta.eventId, millis: Date.now() - started });
    }
    if (opts.json) return printJson({ ok: true, checks: results });
    for (const r of results) process.stdout.write(`ok  ${r.agency.padEnd(16)} ${r.detailType.padEnd(30)} → ${r.view} view in ${r.millis} ms\n`);
  });
}
