/**
 * Stats latency of a running cloud (`npx tsx bench/stats-latency.ts --endpoint … --data-dir …`):
 * 40 reads per ministry alternating a year and an "as of" day, one at a time, p50 and p99.
 * The bench's year section measures the same on the cloud it builds; this one
 * measures a cloud someone else filled (the full-scale year in the README).
 */
import { readCredentials } from '../infra/local/credentials.ts';
import { MINISTRIES } from '../infra/topology.ts';
import { statsLatency } from './year.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const endpoint = args.get('endpoint') ?? 'http://127.0.0.1:4566';
const credentials = await readCredentials(args.get('data-dir') ?? '.mx');
if (!credentials) throw new Error('no credentials in the data dir');
const stats = await statsLatency({ endpoint, credentials }, Number(args.get('samples') ?? 40));
console.log(JSON.stringify(Object.fromEntries(MINISTRIES.map((m) => [m, stats[m]])), null, 2));
