/**
 * SQS's query protocol on the wire, with no SDK in between: signed form POSTs
 * and GETs as older clients send them, and hostile ones. Every answer is XML;
 * every refusal a 4xx that names the problem, never a 5xx, and the cloud
 * serves on afterwards. (aws-cli.test.ts drives a real query-protocol CLI.)
 */
import { request as httpRequest } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterQueueName } from '../../infra/local/cloud.ts';
import type { KeyPair } from '../../infra/local/credentials.ts';
import { MAX_QUERY_PARAMETERS } from '../../infra/local/sqs-query.ts';
import { MAX_QUERY_BODY_BYTES } from '../../infra/local/sqs-query-server.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { startTestCloud, type TestCloud } from './cloud-harness.ts';
import { remote } from './target.ts';

let env: TestCloud;
const logged: string[] = [];
beforeAll(async () => {
  env = await startTestCloud({ log: (line) => logged.push(line) });
});
afterAll(() => env.stop());

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const DLQ = deadLetterQueueName(TOPOLOGY.subscriptions[0]!.name);

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

interface Call {
  readonly method?: 'GET' | 'POST';
  readonly path?: string;
  /** The query string as sent (and signed). */
  readonly query?: string;
  readonly body?: string | Buffer;
  /** null: unsigned. Default: the platform's keys. */
  readonly keys?: KeyPair | null;
  readonly service?: string;
}

/** Sends one request, signed with SigV4 as botocore would sign it (service `sqs`). */
async function call({ method = 'POST', path = '/', query = '', body, keys, service = 'sqs' }: Call): Promise<Answer> {
  const url = new URL(`${env.endpoint}${path}${query ? `?${query}` : ''}`);
  const bytes = body === undefined ? undefined : Buffer.from(body);
  const headers: Record<string, string> = { host: url.host, ...(method === 'POST' ? { 'content-type': FORM } : {}) };
  const signing = keys === undefined ? env.cloud.credentials.platform : keys;
  let sent = headers;
  if (signing) {
    const signer = new SignatureV4({
      credentials: { ...signing },
      region: 'us-east-1',
      service,
      sha256: Hash.bind(null, 'sha256'),
    });
    const unsigned = new HttpRequest({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      ...(bytes ? { body: bytes } : {}),
    });
    sent = (await signer.sign(unsigned)).headers;
  }
  const response = await fetch(url, { method, headers: sent, ...(bytes ? { body: bytes } : {}) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text: await response.text(),
  };
}

/** A body sent in chunks with no Content-Length, so only counting the bytes can stop it. */
function chunked(bytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(env.endpoint);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/',
        headers: { 'content-type': FORM, 'transfer-encoding': 'chunked' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }),
        );
      },
    );
    // The server answers and closes before all of it is sent; that is the point.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    );
    const piece = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += piece.length;
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const form = (params: Record<string, string>) => new URLSearchParams({ Version: '2012-11-05', ...params }).toString();

/** Element text as an XML parser reads it (the five entities and a CR, all the cloud writes). */
const unescapeXml = (text: string) =>
  text.replace(
    /&(quot|apos|lt|gt|amp|#xD);/g,
    (_, entity: string) => ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&', '#xD': '\r' })[entity]!,
  );

/** An XML ErrorResponse with this status and code, and a message matching `message`. */
function expectXmlError(answer: Answer, status: number, code: string, message: RegExp = /./) {
  expect({ status: answer.status, contentType: answer.contentType }).toEqual({ status, contentType: 'text/xml' });
  const match = new RegExp(
    String.raw`^<\?xml[^>]*>\n<ErrorResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">` +
      String.raw`<Error><Type>Sender<\/Type><Code>([^<]*)<\/Code><Message>([^<]*)<\/Message><Detail\/><\/Error>` +
      String.raw`<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$`,
  ).exec(answer.text);
  expect(match, answer.text).not.toBeNull();
  expect(unescapeXml(match![1]!)).toBe(code);
  expect(unescapeXml(match![2]!)).toMatch(message);
}

// Remote: skipped, it compares with the cloud’s queues in this process and reads its log.
describe.skipIf(remote)('SQS query protocol on the wire', () => {
  it('answers a signed form POST in XML', async () => {
    const answer = await call({ body: form({ Action: 'ListQueues', QueueNamePrefix: 'mx-view-' }) });
    expect({ status: answer.status, contentType: answer.contentType }).toEqual({
      status: 200,
      contentType: 'text/xml',
    });
    const urls = [...answer.text.matchAll(/<QueueUrl>([^<]*)<\/QueueUrl>/g)].map((m) => m[1]);
    expect(urls).toEqual(
      env.cloud.queues
        .names()
        .filter((n) => n.startsWith('mx-view-'))
        .map((n) => `${env.endpoint}/000000000000/${n}`),
    );
    expect(answer.text).toMatch(
      new RegExp(
        String.raw`^<\?xml[^>]*>\n<ListQueuesResponse xmlns="http:\/\/queue\.amazonaws\.com\/doc\/2012-11-05\/">` +
          String.raw`<ListQueuesResult>.*<\/ListQueuesResult><ResponseMetadata>` +
          String.raw`<RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/ListQueuesResponse>$`,
      ),
    );
  });

  it(
    'answers a signed GET with the parameters in the query string, ' + 'sent to the endpoint or to a queue\u2019s URL',
    async () => {
      const listed = await call({ method: 'GET', query: 'Action=ListQueues&Version=2012-11-05' });
      expect(listed.status).toBe(200);
      expect(listed.text).toContain(`<QueueUrl>${env.endpoint}/000000000000/${DLQ}</QueueUrl>`);
      const attributes = await call({
        method: 'GET',
        path: `/000000000000/${DLQ}`,
        query: 'Action=GetQueueAttributes&AttributeName.1=All&Version=2012-11-05',
      });
      expect(attributes.status).toBe(200);
      expect(attributes.text).toContain(
        `<Attribute><Name>QueueArn</Name><Value>arn:aws:sqs:us-east-1:000000000000:${DLQ}</Value></Attribute>`,
      );
    },
  );

  it('starts a redrive with StartMessageMoveTask', async () => {
    const answer = await call({
      body: form({ Action: 'StartMessageMoveTask', SourceArn: `arn:aws:sqs:us-east-1:000000000000:${DLQ}` }),
    });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(
      `<StartMessageMoveTaskResult><TaskHandle>local-redrive-${DLQ}-0</TaskHandle></StartMessageMoveTaskResult>`,
    );
  });

  describe('refuses, in XML, with a 4xx naming the problem', () => {
    it('a body whose form encoding does not decode', async () => {
      expectXmlError(
        await call({ body: 'Action=ListQueues&QueueNamePrefix=%E0%A4%A' }),
        404,
        'MalformedQueryString',
        /QueueNamePrefix.*not valid percent-encoded UTF-8/,
      );
      expectXmlError(
        await call({ body: Buffer.from([...Buffer.from('Action=ListQueues&QueueNamePrefix='), 0xc3, 0x28]) }),
        404,
        'MalformedQueryString',
        /request body is not UTF-8/,
      );
    });

    it('an Action that is missing, unknown, or not one the local cloud answers', async () => {
      expectXmlError(await call({ body: form({ QueueNamePrefix: 'mx' }) }), 400, 'MissingAction', /parameter Action/);
      expectXmlError(
        await call({ body: form({ Action: 'DeleteQueue', QueueUrl: `${env.endpoint}/000000000000/${DLQ}` }) }),
        400,
        'InvalidAction',
        /"DeleteQueue" is not valid/,
      );
      expectXmlError(
        await call({ body: form({ Action: '__proto__' }) }),
        400,
        'InvalidAction',
        /"__proto__" is not valid/,
      );
    });

    it('parameters the operation does not take, lists out of order, too many parameters', async () => {
      expectXmlError(
        await call({ body: form({ Action: 'ListQueues', MessageBody: 'x' }) }),
        400,
        'InvalidQueryParameter',
        /MessageBody is not one ListQueues takes/,
      );
      expectXmlError(
        await call({ body: form({ Action: 'GetQueueAttributes', QueueUrl: DLQ, 'AttributeName.4294967297': 'All' }) }),
        400,
        'InvalidQueryParameter',
        /numbered 1 to 100/,
      );
      const many = Array.from({ length: MAX_QUERY_PARAMETERS + 1 }, (_, n) => `AttributeName.${n + 1}=All`).join('&');
      expectXmlError(
        await call({ body: `Action=GetQueueAttributes&${many}` }),
        404,
        'MalformedQueryString',
        /more than 1000 parameters/,
      );
    });

    it('the errors of the operation itself, with the query protocol\u2019s codes', async () => {
      expectXmlError(
        await call({ body: form({ Action: 'GetQueueUrl', QueueName: 'mx-no-such-queue' }) }),
        400,
        'AWS.SimpleQueueService.NonExistentQueue',
        /mx-no-such-queue does not exist/,
      );
      expectXmlError(
        await call({ body: form({ Action: 'ReceiveMessage', QueueUrl: DLQ, MaxNumberOfMessages: '11' }) }),
        400,
        'InvalidParameterValue',
        /MaxNumberOfMessages.*between 1 and 10/,
      );
      expectXmlError(
        await call({ body: form({ Action: 'ChangeMessageVisibilityBatch', QueueUrl: DLQ }) }),
        400,
        'AWS.SimpleQueueService.EmptyBatchRequest',
        /at least one/,
      );
    });

    it('bodies bigger than SQS takes, declared or streamed', async () => {
      expectXmlError(
        await call({ body: `Action=ListQueues&QueueNamePrefix=${'a'.repeat(MAX_QUERY_BODY_BYTES)}` }),
        413,
        'RequestEntityTooLarge',
        new RegExp(`exceeds ${MAX_QUERY_BODY_BYTES} bytes`),
      );
      expectXmlError(
        await chunked(4 * 1024 * 1024),
        413,
        'RequestEntityTooLarge',
        new RegExp(`exceeds ${MAX_QUERY_BODY_BYTES} bytes`),
      );
    });

    it('requests that are unsigned, signed wrongly, or signed by a principal that may not use SQS', async () => {
      const body = form({ Action: 'ListQueues' });
      expectXmlError(await call({ body, keys: null }), 403, 'MissingAuthenticationToken');
      const forged = { ...env.cloud.credentials.platform, secretAccessKey: 'not-the-secret' };
      expectXmlError(
        await call({ body, keys: forged }),
        403,
        'SignatureDoesNotMatch',
        /signature we calculated does not match/,
      );
      expectXmlError(
        await call({ body, service: 'execute-api' }),
        403,
        'SignatureDoesNotMatch',
        /scoped to correct service: 'sqs'/,
      );
      expectXmlError(
        await call({ body, keys: env.cloud.credentials.agencies.labour }),
        403,
        'AccessDenied',
        /mx-agency-labour\/local is not authorized to perform: sqs:ListQueues.*under "platform"/,
      );
      expectXmlError(
        await call({ body, keys: env.cloud.credentials.operators.interior }),
        403,
        'AccessDenied',
        /mx-operator-interior\/local is not authorized to perform: sqs:ListQueues/,
      );
      const badQuery = await fetch(`${env.endpoint}/?Action=ListQueues&x=%E0%A4%A`, {
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      });
      expectXmlError(
        {
          status: badQuery.status,
          contentType: badQuery.headers.get('content-type') ?? '',
          text: await badQuery.text(),
        },
        400,
        'IncompleteSignature',
      );
    });
  });

  it('answers each of 400 mutated forms in XML, a refusal with a 4xx and never a 5xx, and serves on', async () => {
    // Prepare: a deterministic stream of mutations of real request bodies (bytes flipped, cut, and
    // the form's own syntax inserted).
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const bases = [
      form({ Action: 'ListQueues', QueueNamePrefix: 'mx-' }),
      form({
        Action: 'ReceiveMessage',
        QueueUrl: DLQ,
        'AttributeName.1': 'All',
        MaxNumberOfMessages: '1',
        VisibilityTimeout: '0',
      }),
      form({
        Action: 'ChangeMessageVisibilityBatch',
        QueueUrl: DLQ,
        'ChangeMessageVisibilityBatchRequestEntry.1.Id': 'a',
        'ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle': 'WyJ4IiwxXQ',
      }),
    ];
    const noise = ['%', '&', '=', '.', '+', '%FF', '%00', '.0', '.1', '\u0000', '\uD800', 'Action=', '__proto__'];
    const statuses = new Map<number, number>();
    for (let n = 0; n < 400; n++) {
      const bytes = [...Buffer.from(bases[n % bases.length]!)];
      for (let edits = 1 + random(4); edits > 0; edits--) {
        const at = random(bytes.length + 1);
        const kind = random(3);
        if (kind === 0) bytes[Math.min(at, bytes.length - 1)] = random(256);
        else if (kind === 1) bytes.splice(at, 1 + random(8));
        else bytes.splice(at, 0, ...Buffer.from(noise[random(noise.length)]!));
      }
      // Act
      const answer = await call({ body: Buffer.from(bytes) });
      // Assess: each answer is XML, a refusal is a 4xx.
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect(answer.status, answer.text).toBeLessThan(500);
      expect(answer.contentType).toBe('text/xml');
      if (answer.status >= 400) expect(answer.text).toContain('<Type>Sender</Type>');
    }
    expect([...statuses.keys()].some((s) => s >= 400)).toBe(true);
    expect(logged.filter((line) => /internal error/.test(line))).toEqual([]);
    expect((await call({ body: form({ Action: 'ListQueues' }) })).status).toBe(200);
  });
});
