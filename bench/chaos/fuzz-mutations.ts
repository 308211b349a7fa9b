/**
 * R5's mutation fuzzer: request i of a seed is a real request (fuzz-seeds.ts)
 * changed in a few seeded ways, either before it is signed (so the
 * signature is valid and the change reaches the parsers, validators and
 * handlers behind it) or after (so it must be refused at the signature),
 * or sent unsigned. Deterministic for (seed, i): a finding names its
 * index and what was done, and `--only R5 --seed S` replays it (the
 * signature's date aside).
 *
 * Hand-rolled rather than built on fast-check: fast-check generates values
 * from arbitraries and shrinks them, while this needs to mutate given,
 * already valid requests (and the JSON strings nested in them) and to send
 * a hundred thousand of them against a server, where shrinking does not
 * apply.
 */

import { jsonDepth } from '../../infra/local/json-limits.ts';
import { Random } from '../../infra/simulator/random.ts';
import { MINISTRIES } from '../../infra/topology.ts';
import { streamSeed } from './events.ts';
import { type FuzzTarget, type SeedContext, seedRequest } from './fuzz-seeds.ts';
import { sign, type WireRequest } from './wire.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

export interface FuzzCase {
  readonly index: number;
  readonly target: FuzzTarget;
  /** What was done to the seed, e.g. `PutEvents signed after: body.inner.replace(detail.data.visaNumber)`. */
  readonly label: string;
  readonly request: WireRequest;
}

/**
 * Values JSON.stringify cannot write (1e309, duplicate keys, a `__proto__`
 * key, huge arrays) go in as placeholders and are spliced into the text.
 */
const RAW: readonly string[] = [
  '1e309',
  '-1e309',
  '123456789012345678901234567890123456789',
  '-0',
  '1E-400',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  `[${'0,'.repeat(20_000)}0]`,
];
const rawToken = (n: number) => `@@chaos-raw-${n}@@`;

function longString(random: Random): string {
  const length = random.pick([300, 5_000, 70_000, 70_000, 300_000, random.chance(0.1) ? 1_100_000 : 1_000]);
  return random.pick(['A', 'a', '\u00e9', '\u{1F980}', '0', ' ']).repeat(length);
}

const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\u200b\u200b\u200b',
  '../../etc/passwd',
  '%E0%A4%A',
  '%00',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the Log4Shell lookup, sent as a literal string on purpose.
  '${jndi:ldap://x/a}',
  '2021-02-30',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
  'NaN',
  'Infinity',
  '1e309',
  '__proto__',
  'constructor',
  'kz.interior.berkut',
  'VisaIssued',
  'arn:aws:events:us-east-1:000000000000:event-bus/default',
];

/**
 * JSON nested `depth` levels around `inner`, as text (JSON.stringify itself overflows its stack near 10,000 levels).
 */
const nested = (depth: number, inner: string, random: Random) =>
  random.chance(0.5)
    ? `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}`;

/** A raw JSON text to splice in; returns its placeholder. */
function raw(text: string, raws: string[]): Json {
  raws.push(text);
  return rawToken(raws.length - 1);
}

function nastyValue(random: Random, raws: string[]): Json {
  switch (random.int(0, 9)) {
    case 0:
      return random.pick([null, true, false]);
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 63), 0.1 + 0.2]);
    case 2:
    case 3:
      return random.pick(NASTY_STRINGS);
    case 4:
      return longString(random);
    case 5:
      return random.pick<Json>([
        [],
        {},
        [null],
        { '': '' },
        [1, 'a', null, {}],
        Array.from({ length: 10_000 }, () => 0),
      ]);
    case 6:
      return raw(nested(random.pick([10, 100, 999, 1001, 5000, 100_000]), '1', random), raws);
    case 7:
      return raw(random.pick(RAW), raws);
    default:
      return random.pick(NASTY_STRINGS) + longString(random).slice(0, random.int(1, 50));
  }
}

/**
 * Every node of a JSON value with its path (bounded: a 10,000-element array is one node and its first few elements).
 */
function nodes(value: Json, path: Path = [], out: { path: Path; value: Json }[] = []): { path: Path; value: Json }[] {
  if (out.length > 500) return out;
  out.push({ path, value });
  if (Array.isArray(value)) for (const [i, v] of value.slice(0, 20).entries()) nodes(v, [...path, i], out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) nodes(v, [...path, k], out);
  return out;
}

function replaceAt(root: Json, path: Path, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    if (rest.length === 0 && replacement === undefined) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number] ?? null, rest, replacement);
    return copy;
  }
  if (root && typeof root === 'object') {
    const copy: { [key: string]: Json } = { ...root };
    if (rest.length === 0 && replacement === undefined) delete copy[head as string];
    else copy[head as string] = replaceAt(copy[head as string] ?? null, rest, replacement);
    return copy;
  }
  return root;
}

const describe = (path: Path) => (path.length ? path.join('.') : '(root)');
const INSERTED_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '$or',
  '',
  'x'.repeat(1000),
  'detail',
  'Entries',
  'extra',
  'meta',
];

/** One structural change to a JSON value; returns the new value and what was done. */
function mutateJson(value: Json, random: Random, raws: string[], allowInner: boolean): { value: Json; what: string } {
  const all = nodes(value);
  // Nested JSON (a PutEvents Detail, a pattern, a test event) is where most of the validation lives.
  // Not one a previous step nested deeply: re-serialising it would overflow JSON.stringify's stack.
  const inner = all.filter(
    (n) =>
      typeof n.value === 'string' &&
      /^[[{]/.test(n.value) &&
      n.value.length < 200_000 &&
      jsonDepth(n.value, 500) <= 500,
  );
  if (allowInner && inner.length && random.chance(0.5)) {
    const target = random.pick(inner);
    let parsed: Json;
    try {
      parsed = JSON.parse(target.value as string) as Json;
    } catch {
      parsed = null;
    }
    const innerRaws: string[] = [];
    const changed = mutateJson(parsed, random, innerRaws, false);
    return {
      value: replaceAt(value, target.path, spliceRaw(JSON.stringify(changed.value), innerRaws)),
      what: `inner(${describe(target.path)}).${changed.what}`,
    };
  }
  const node = random.pick(all);
  switch (random.int(0, 5)) {
    case 0:
    case 1:
      return { value: replaceAt(value, node.path, nastyValue(random, raws)), what: `replace(${describe(node.path)})` };
    case 2:
      return node.path.length
        ? { value: replaceAt(value, node.path, undefined), what: `delete(${describe(node.path)})` }
        : { value: nastyValue(random, raws), what: 'replace(root)' };
    case 3: {
      const objects = all.filter((n) => n.value !== null && typeof n.value === 'object' && !Array.isArray(n.value));
      if (!objects.length) return { value: nastyValue(random, raws), what: 'replace(root)' };
      const into = random.pick(objects);
      const key = random.pick(INSERTED_KEYS);
      return {
        value: replaceAt(value, [...into.path, key], nastyValue(random, raws)),
        what: `insert(${describe([...into.path, key])})`,
      };
    }
    case 4: {
      const depth = random.pick([50, 999, 1001, 10_000]);
      return {
        value: replaceAt(value, node.path, raw(nested(depth, JSON.stringify(node.value), random), raws)),
        what: `deepen(${describe(node.path)}, ${depth})`,
      };
    }
    default: {
      const v = node.value;
      const retyped: Json =
        typeof v === 'string'
          ? Number(v.slice(0, 20)) || v.length
          : typeof v === 'number'
            ? String(v)
            : Array.isArray(v)
              ? { ...v }
              : v && typeof v === 'object'
                ? Object.values(v)
                : String(v);
      return { value: replaceAt(value, node.path, retyped), what: `retype(${describe(node.path)})` };
    }
  }
}

/** Splices raw texts in, the latest first: a later one (a deepened node) may hold an earlier one's placeholder. */
function spliceRaw(text: string, raws: readonly string[]): string {
  let out = text;
  for (let i = raws.length - 1; i >= 0; i--) out = out.replace(JSON.stringify(rawToken(i)), () => raws[i]!);
  return out;
}

function mutateBytes(body: Buffer, random: Random): { body: Buffer; what: string } {
  if (body.length === 0)
    return { body: Buffer.from(random.pick(['{', '{}', '\u0000', 'null', '[]'])), what: 'bytes.fill' };
  const at = random.int(0, body.length - 1);
  switch (random.int(0, 4)) {
    case 0: {
      const copy = Buffer.from(body);
      copy[at] = copy[at]! ^ random.int(1, 255);
      return { body: copy, what: `bytes.flip(${at})` };
    }
    case 1:
      return { body: body.subarray(0, at), what: `bytes.truncate(${at})` };
    case 2:
      return {
        body: Buffer.concat([
          body.subarray(0, at),
          Buffer.from(Array.from({ length: random.int(1, 16) }, () => random.int(0, 255))),
          body.subarray(at),
        ]),
        what: `bytes.insert(${at})`,
      };
    case 3:
      return {
        body: Buffer.concat([body.subarray(0, at), body.subarray(random.int(at, body.length))]),
        what: `bytes.cut(${at})`,
      };
    default: {
      const slice = body.subarray(at, Math.min(body.length, at + random.int(1, 64)));
      return {
        body: Buffer.concat([
          body.subarray(0, at),
          ...Array.from({ length: random.int(2, 200) }, () => slice),
          body.subarray(at),
        ]),
        what: `bytes.repeat(${at})`,
      };
    }
  }
}

const CONTENT_TYPES = [
  'application/json',
  'application/x-amz-json-1.1',
  'application/x-amz-json-1.0',
  'text/plain',
  '',
  'application/json; charset=utf-16',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
];
const TARGETS = [
  'AWSEvents.PutEvents',
  'AWSEvents.TestEventPattern',
  'AWSEvents.ListRules',
  'AWSEvents.PutRule',
  'AWSEvents.DeleteRule',
  'AWSEvents.',
  'AWSEvents.Nope',
  'DynamoDB_20120810.Scan',
  'DynamoDB_20120810.DeleteTable',
  'AmazonSQS.ListQueues',
  'AmazonSQS.PurgeQueue',
  '',
  'x'.repeat(500),
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

function mutatePath(path: string, random: Random): string {
  switch (random.int(0, 5)) {
    case 0: {
      const ministry = random.pick([
        ...MINISTRIES,
        '',
        'INTERIOR',
        '..',
        'x'.repeat(300),
        '%2e%2e',
        'interior%00',
        'labour;interior',
      ]);
      return path.replace(/\/api\/views\/[^/]+/, `/api/views/${ministry}`);
    }
    case 1:
      return random.pick([
        `${path}/extra`,
        `${path}/`,
        `/${path}`,
        `${path}//`,
        path.split('/').slice(0, -1).join('/') || '/',
      ]);
    case 2:
      return random.pick([
        '/commands/',
        '/commands/nope',
        '/commands/berkut/../qandas',
        '/api/exchange/dead-letters/redrive',
        '/api/exchange/health',
        '/_mx/admin/tables',
        '/_mx/health',
        '/console/../../etc/passwd',
        '/api/views/interior/nope',
        '/api/',
      ]);
    case 3:
      return `/${'a/'.repeat(random.int(100, 3000))}`;
    case 4:
      return `${path}${random.pick(['%20', '%C3%A9', '%F0%9F%A6%80', '%2F', '%25', '+', ';x=1'])}`;
    default:
      return path.toUpperCase();
  }
}

/** A query is text: lone surrogates cannot be percent-encoded (they are tried in JSON bodies instead). */
const wellFormed = (text: string) =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const nastyQueryValue = (random: Random) => wellFormed(random.pick(NASTY_STRINGS));

const NASTY_PARAM_KEYS = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'year',
  'asOf',
  'iin',
  'purpose',
  'citizenship',
  'document',
  'queue',
  '',
];

function mutateQuery(
  query: readonly (readonly [string, string])[],
  random: Random,
): { query: (readonly [string, string])[]; what: string } {
  const list = [...query];
  const at = list.length ? random.int(0, list.length - 1) : 0;
  switch (random.int(0, 4)) {
    case 0:
      if (list.length)
        return {
          query: list.map(
            ([k, v], i) =>
              [
                k,
                i === at
                  ? wellFormed(
                      random.pick([...NASTY_STRINGS, 'x'.repeat(10_000), '-1', '0', '99999', '2021.5', '900101300018']),
                    )
                  : v,
              ] as const,
          ),
          what: `query.value(${list[at]![0]})`,
        };
      return { query: [['year', '0']], what: 'query.add(year)' };
    case 1:
      return { query: list.filter((_, i) => i !== at), what: `query.drop(${list[at]?.[0] ?? ''})` };
    case 2:
      return { query: [...list, [random.pick(NASTY_PARAM_KEYS), nastyQueryValue(random)] as const], what: 'query.add' };
    case 3:
      return {
        query: [...list, ...(list[at] ? [list[at]!] : []), ...(list[at] ? [[list[at]![0], 'other'] as const] : [])],
        what: `query.repeat(${list[at]?.[0] ?? ''})`,
      };
    default:
      // Bounded by what signing costs here (the SDK's signer copies a query in quadratic
      // time), not by what the server takes.
      return {
        query: Array.from({ length: random.int(100, 500) }, (_, i) => [`k${i}`, 'v'] as const),
        what: 'query.many',
      };
  }
}

/**
 * One change to a request before it is signed: the signature will cover it.
 * `raws` collects the raw JSON texts the (possibly changed) `json` refers to.
 */
function mutateBeforeSigning(
  request: WireRequest,
  json: Json | undefined,
  random: Random,
  raws: string[],
): { request: WireRequest; json: Json | undefined; what: string } {
  const choice = random.int(0, 99);
  if (json !== undefined && choice < 55) {
    const changed = mutateJson(json, random, raws, true);
    return { request, json: changed.value, what: `body.${changed.what}` };
  }
  if (choice < 65) {
    const bytes = mutateBytes(
      json !== undefined ? Buffer.from(spliceRaw(JSON.stringify(json), raws)) : request.body,
      random,
    );
    // The raw texts are in the bytes now.
    raws.length = 0;
    return { request: { ...request, body: bytes.body }, json: undefined, what: bytes.what };
  }
  if (choice < 80) {
    const q = mutateQuery(request.query, random);
    return { request: { ...request, query: q.query }, json, what: q.what };
  }
  if (choice < 87) return { request: { ...request, path: mutatePath(request.path, random) }, json, what: 'path' };
  if (choice < 91) return { request: { ...request, method: random.pick(METHODS) }, json, what: 'method' };
  const header = random.pick([
    'content-type',
    'x-amz-target',
    'x-amz-security-token',
    'x-amz-content-sha256',
    'x-chaos',
  ]);
  const value =
    header === 'content-type'
      ? random.pick(CONTENT_TYPES)
      : header === 'x-amz-target'
        ? random.pick(TARGETS)
        : header === 'x-amz-content-sha256'
          ? random.pick(['UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', '0'.repeat(64)])
          : 'x'.repeat(random.int(1, 4000));
  return { request: { ...request, headers: { ...request.headers, [header]: value } }, json, what: `header(${header})` };
}

/** One change to a signed request: it must now be refused at the signature (or as a bad request). */
function mutateAfterSigning(request: WireRequest, random: Random): { request: WireRequest; what: string } {
  const headers = { ...request.headers };
  switch (random.int(0, 8)) {
    case 0: {
      const bytes = mutateBytes(request.body, random);
      return { request: { ...request, body: bytes.body }, what: bytes.what };
    }
    case 1: {
      const auth = headers.authorization ?? '';
      headers.authorization = random.pick([
        auth.slice(0, random.int(0, auth.length)),
        'AWS4-HMAC-SHA256',
        'AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=, Signature=',
        `AWS4-HMAC-SHA256 ${'A'.repeat(8000)}`,
        'Bearer eyJhbGciOiJub25lIn0.e30.',
        auth.replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`),
        auth.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=host'),
        `${auth}, ${auth}`,
        auth.replace(/Credential=[A-Z0-9]+/, 'Credential=AKIAFORGEDFORGED0000'),
      ]);
      return { request: { ...request, headers }, what: 'auth' };
    }
    case 2:
      if (random.chance(0.3)) delete headers['x-amz-date'];
      else
        headers['x-amz-date'] = random.pick([
          '20000101T000000Z',
          '29991231T235959Z',
          'yesterday',
          new Date(Date.now() - 3_600_000).toISOString().replace(/[-:]|\.\d+/g, ''),
        ]);
      return { request: { ...request, headers }, what: 'date' };
    case 3:
      headers['x-amz-target'] = random.pick(TARGETS);
      return { request: { ...request, headers }, what: 'header(x-amz-target)' };
    case 4:
      return {
        request: {
          ...request,
          rawTarget: random.pick([
            '/%E0%A4%A',
            `${request.path}/%ff`,
            `${request.path}?%zz=1`,
            '/api/views/interior/stats?year=2021&year=2022',
            `${request.path}#frag`,
          ]),
        },
        what: 'target',
      };
    case 5:
      return {
        request: { ...request, query: [...request.query, ['chaos', nastyQueryValue(random)] as const] },
        what: 'query.add',
      };
    case 6:
      headers.host = random.pick(['evil.example', '127.0.0.1:1', '']);
      return { request: { ...request, headers }, what: 'header(host)' };
    case 7:
      headers['x-amz-content-sha256'] = random.pick([
        'UNSIGNED-PAYLOAD',
        '0'.repeat(64),
        'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      ]);
      return { request: { ...request, headers }, what: 'header(x-amz-content-sha256)' };
    default:
      return { request: { ...request, method: random.pick(METHODS) }, what: 'method' };
  }
}

/** Request `index` of a fuzzing run. */
export async function fuzzCase(index: number, seed: number, context: SeedContext, endpoint: string): Promise<FuzzCase> {
  const random = new Random(streamSeed('fuzz', seed, index));
  const seedReq = seedRequest(random, context);
  const phase = random.int(0, 99);
  const host = new URL(endpoint).host;
  const signing = { keys: seedReq.keys, region: context.credentials.region, service: seedReq.service };
  const finish = (request: WireRequest, json: Json | undefined, raws: readonly string[]) =>
    json === undefined ? request : { ...request, body: Buffer.from(spliceRaw(JSON.stringify(json), raws)) };

  if (phase < 60) {
    let request = seedReq.request;
    let json = seedReq.json as Json | undefined;
    const raws: string[] = [];
    const done: string[] = [];
    for (let n = random.chance(0.7) ? 1 : random.int(2, 3); n > 0; n--) {
      const step = mutateBeforeSigning(request, json, random, raws);
      request = step.request;
      json = step.json;
      done.push(step.what);
    }
    const signed = await sign(finish(request, json, raws), endpoint, signing);
    return {
      index,
      target: seedReq.target,
      label: `${seedReq.target} changed, then signed: ${done.join(', ')}`,
      request: signed,
    };
  }
  if (phase < 90) {
    const signed = await sign(seedReq.request, endpoint, signing);
    const step = mutateAfterSigning(signed, random);
    return {
      index,
      target: seedReq.target,
      label: `${seedReq.target} signed, then changed: ${step.what}`,
      request: step.request,
    };
  }
  let request = seedReq.request;
  let what = 'as is';
  if (random.chance(0.5)) {
    const raws: string[] = [];
    const step = mutateBeforeSigning(request, seedReq.json as Json | undefined, random, raws);
    request = finish(step.request, step.json, raws);
    what = step.what;
  }
  const headers: Record<string, string> = { ...request.headers, host };
  if (random.chance(0.5))
    headers.authorization = random.pick(['AWS4-HMAC-SHA256 Credential=x', 'junk', 'Basic YWRtaW46YWRtaW4=']);
  return {
    index,
    target: seedReq.target,
    label: `${seedReq.target} unsigned: ${what}`,
    request: { ...request, headers },
  };
}
