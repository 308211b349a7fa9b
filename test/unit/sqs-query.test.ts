import { describe, expect, it } from 'vitest';
import {
  decodeForm,
  MAX_QUERY_PARAMETERS,
  toJsonRequest,
  toQueryError,
  toXmlError,
  toXmlResponse,
  xmlText,
} from '../../infra/local/sqs-query.ts';
import { isSqsQueryRequest } from '../../infra/local/sqs-query-server.ts';

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
const PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n';
const META = '<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>';
const QUEUE = 'http://127.0.0.1:4566/000000000000/mx-berkut-dlq';

/** What botocore sends: `Action=…&Version=2012-11-05&…`, form-encoded. */
const form = (params: Record<string, string>) => new URLSearchParams({ Version: '2012-11-05', ...params }).toString();
const request = (params: Record<string, string>, queuePath?: string) =>
  toJsonRequest(decodeForm(Buffer.from(form(params)), 'request body'), queuePath);

/** Runs `act` and returns the refusal's code, status and message (it must refuse). */
function refusal(act: () => unknown): { code: string; status: number; message: string } {
  try {
    act();
  } catch (error) {
    const { code, status, message } = error as { code: string; status: number; message: string };
    return { code, status, message };
  }
  throw new Error('expected a refusal');
}

describe('decodeForm', () => {
  it('decodes percent escapes, + as space and UTF-8, keeping order and empty values', () => {
    const body = Buffer.from(
      'Action=ReceiveMessage&QueueUrl=http%3A%2F%2Fh%2F0%2Fq&Note=a+b%20c' +
        '&City=%D0%90%D1%81%D1%82%D0%B0%D0%BD%D0%B0&Empty=&Bare',
    );
    expect(decodeForm(body, 'request body')).toEqual([
      ['Action', 'ReceiveMessage'],
      ['QueueUrl', 'http://h/0/q'],
      ['Note', 'a b c'],
      ['City', 'Астана'],
      ['Empty', ''],
      ['Bare', ''],
    ]);
  });

  it('skips empty pairs (a&&b, a trailing &)', () => {
    expect(decodeForm('a=1&&b=2&', 'query string')).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
  });

  it.each([
    [
      'a % not followed by two hex digits',
      Buffer.from('Action=ListQueues&QueueNamePrefix=%E0%A4%A'),
      /parameter "QueueNamePrefix" is not valid percent-encoded UTF-8/,
    ],
    [
      'a percent-encoded byte sequence that is not UTF-8',
      Buffer.from('Action=List%C3%28Queues'),
      /parameter "Action" is not valid percent-encoded UTF-8/,
    ],
    [
      'raw bytes that are not UTF-8',
      Buffer.from([0x41, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe]),
      /the request body is not UTF-8/,
    ],
    ['a parameter without a name', Buffer.from('Action=ListQueues&=x'), /a parameter without a name/],
  ])('refuses %s as MalformedQueryString (404, as AWS documents it)', (_what, body, message) => {
    expect(refusal(() => decodeForm(body, 'request body'))).toEqual({
      code: 'MalformedQueryString',
      status: 404,
      message: expect.stringMatching(message),
    });
  });

  it(`refuses more than ${MAX_QUERY_PARAMETERS} parameters before decoding them`, () => {
    const body = Array.from({ length: MAX_QUERY_PARAMETERS + 1 }, (_, n) => `p${n}=1`).join('&');
    expect(refusal(() => decodeForm(body, 'request body'))).toMatchObject({
      code: 'MalformedQueryString',
      message: `the request body has more than ${MAX_QUERY_PARAMETERS} parameters`,
    });
    expect(decodeForm(body.slice(0, body.lastIndexOf('&')), 'request body')).toHaveLength(MAX_QUERY_PARAMETERS);
  });
});

describe('toJsonRequest: query parameters to the JSON operation', () => {
  it('ListQueues, with and without a prefix', () => {
    expect(request({ Action: 'ListQueues' })).toEqual({ action: 'ListQueues', input: {} });
    expect(request({ Action: 'ListQueues', QueueNamePrefix: 'mx-view', MaxResults: '5' })).toEqual({
      action: 'ListQueues',
      input: { QueueNamePrefix: 'mx-view', MaxResults: 5 },
    });
  });

  it('flattened lists (AttributeName.N) become the JSON lists, in index order', () => {
    const params = {
      Action: 'ReceiveMessage',
      QueueUrl: QUEUE,
      'MessageAttributeName.1': 'mx-error',
      'AttributeName.2': 'SentTimestamp',
      'AttributeName.1': 'ApproximateReceiveCount',
      MaxNumberOfMessages: '10',
      VisibilityTimeout: '0',
      WaitTimeSeconds: '+2',
    };
    expect(request(params)).toEqual({
      action: 'ReceiveMessage',
      input: {
        QueueUrl: QUEUE,
        AttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        MessageAttributeNames: ['mx-error'],
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 2,
      },
    });
  });

  it('lists of structures (ChangeMessageVisibilityBatchRequestEntry.N.Field) become JSON entries', () => {
    const entry = 'ChangeMessageVisibilityBatchRequestEntry';
    const params = {
      Action: 'ChangeMessageVisibilityBatch',
      QueueUrl: QUEUE,
      [`${entry}.2.Id`]: 'b',
      [`${entry}.1.Id`]: 'a',
      [`${entry}.1.ReceiptHandle`]: 'r1',
      [`${entry}.2.ReceiptHandle`]: 'r2',
      [`${entry}.2.VisibilityTimeout`]: '30',
    };
    expect(request(params)).toEqual({
      action: 'ChangeMessageVisibilityBatch',
      input: {
        QueueUrl: QUEUE,
        Entries: [
          { Id: 'a', ReceiptHandle: 'r1' },
          { Id: 'b', ReceiptHandle: 'r2', VisibilityTimeout: 30 },
        ],
      },
    });
  });

  it('covers every operation LocalSqs answers', () => {
    expect(request({ Action: 'GetQueueUrl', QueueName: 'mx-berkut' })).toEqual({
      action: 'GetQueueUrl',
      input: { QueueName: 'mx-berkut' },
    });
    expect(request({ Action: 'GetQueueAttributes', QueueUrl: QUEUE, 'AttributeName.1': 'All' })).toEqual({
      action: 'GetQueueAttributes',
      input: { QueueUrl: QUEUE, AttributeNames: ['All'] },
    });
    expect(
      request({ Action: 'ChangeMessageVisibility', QueueUrl: QUEUE, ReceiptHandle: 'r', VisibilityTimeout: '0' }),
    ).toEqual({
      action: 'ChangeMessageVisibility',
      input: { QueueUrl: QUEUE, ReceiptHandle: 'r', VisibilityTimeout: 0 },
    });
    const arn = 'arn:aws:sqs:us-east-1:000000000000:mx-berkut-dlq';
    expect(request({ Action: 'StartMessageMoveTask', SourceArn: arn })).toEqual({
      action: 'StartMessageMoveTask',
      input: { SourceArn: arn },
    });
  });

  it('a request to a queue URL takes its QueueUrl from the path; a QueueUrl naming another queue is refused', () => {
    expect(request({ Action: 'GetQueueAttributes' }, '/000000000000/mx-berkut-dlq')).toEqual({
      action: 'GetQueueAttributes',
      input: { QueueUrl: '/000000000000/mx-berkut-dlq' },
    });
    expect(request({ Action: 'GetQueueAttributes', QueueUrl: QUEUE }, '/000000000000/mx-berkut-dlq').input).toEqual({
      QueueUrl: QUEUE,
    });
    expect(
      refusal(() => request({ Action: 'GetQueueAttributes', QueueUrl: QUEUE }, '/000000000000/mx-qandas')),
    ).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('queue mx-qandas') });
  });

  it.each([
    ['no Action', { Version: '2012-11-05' }, 'MissingAction', /must contain the parameter Action/],
    ['an empty Action', { Action: '' }, 'MissingAction', /must contain the parameter Action/],
    [
      'an Action SQS has but the local cloud does not answer',
      { Action: 'SendMessage' },
      'InvalidAction',
      /"SendMessage" is not valid.*ListQueues, GetQueueUrl/,
    ],
    ['an Action that is a prototype member', { Action: '__proto__' }, 'InvalidAction', /"__proto__" is not valid/],
    ['an Action that is an Object method', { Action: 'toString' }, 'InvalidAction', /"toString" is not valid/],
    [
      'another API version',
      { Action: 'ListQueues', Version: '2008-01-01' },
      'InvalidParameterValue',
      /parameter Version is invalid.*2012-11-05/,
    ],
    [
      'a parameter the operation does not take',
      { Action: 'ListQueues', QueueName: 'x' },
      'InvalidQueryParameter',
      /parameter QueueName is not one ListQueues takes/,
    ],
    [
      'a parameter named like a prototype member',
      { Action: 'ListQueues', constructor: 'x' },
      'InvalidQueryParameter',
      /parameter constructor is not one ListQueues takes/,
    ],
    [
      'a missing required parameter',
      { Action: 'ChangeMessageVisibility', QueueUrl: QUEUE, ReceiptHandle: 'r' },
      'MissingParameter',
      /must contain the parameter VisibilityTimeout/,
    ],
    [
      'an integer that is not one',
      { Action: 'ReceiveMessage', QueueUrl: QUEUE, MaxNumberOfMessages: '1e1' },
      'InvalidParameterValue',
      /Value "1e1" for parameter MaxNumberOfMessages is invalid/,
    ],
    [
      'an integer beyond 32 bits',
      { Action: 'ReceiveMessage', QueueUrl: QUEUE, WaitTimeSeconds: '4294967296' },
      'InvalidParameterValue',
      /parameter WaitTimeSeconds is invalid/,
    ],
    [
      'a single value given as a list',
      { Action: 'ReceiveMessage', QueueUrl: QUEUE, 'WaitTimeSeconds.1': '1' },
      'InvalidQueryParameter',
      /WaitTimeSeconds is a single value/,
    ],
    [
      'a list member numbered 0',
      { Action: 'GetQueueAttributes', QueueUrl: QUEUE, 'AttributeName.0': 'All' },
      'InvalidQueryParameter',
      /AttributeName.0: list members are numbered 1 to 100/,
    ],
    [
      'a list member numbered with a leading zero',
      { Action: 'GetQueueAttributes', QueueUrl: QUEUE, 'AttributeName.01': 'All' },
      'InvalidQueryParameter',
      /numbered 1 to 100/,
    ],
    [
      'a list member numbered too high to be real',
      { Action: 'GetQueueAttributes', QueueUrl: QUEUE, 'AttributeName.99999999999': 'All' },
      'InvalidQueryParameter',
      /numbered 1 to 100/,
    ],
    [
      'a list without its first member',
      { Action: 'GetQueueAttributes', QueueUrl: QUEUE, 'AttributeName.2': 'All' },
      'InvalidQueryParameter',
      /AttributeName.1 is missing/,
    ],
    [
      'a list without an index',
      { Action: 'GetQueueAttributes', QueueUrl: QUEUE, AttributeName: 'All' },
      'InvalidQueryParameter',
      /numbered 1 to 100/,
    ],
    [
      'a batch entry field the entry does not have',
      {
        Action: 'ChangeMessageVisibilityBatch',
        QueueUrl: QUEUE,
        'ChangeMessageVisibilityBatchRequestEntry.1.Body': 'x',
      },
      'InvalidQueryParameter',
      /has ChangeMessageVisibilityBatchRequestEntry.1.Id, .*ReceiptHandle/,
    ],
    [
      'a batch entry without a field',
      { Action: 'ChangeMessageVisibilityBatch', QueueUrl: QUEUE, 'ChangeMessageVisibilityBatchRequestEntry.1': 'x' },
      'InvalidQueryParameter',
      /ChangeMessageVisibilityBatchRequestEntry.1.Id/,
    ],
  ])('refuses %s, naming it', (_what, params, code, message) => {
    const parameters = Object.entries(params);
    expect(refusal(() => toJsonRequest(parameters))).toEqual({
      code,
      status: 400,
      message: expect.stringMatching(message),
    });
  });

  it('refuses a parameter given twice (in the query string and the body, say) rather than picking one', () => {
    const parameters = [
      ...decodeForm('Action=ListQueues&QueueNamePrefix=mx-', 'query string'),
      ...decodeForm('QueueNamePrefix=mx-view', 'request body'),
    ];
    expect(refusal(() => toJsonRequest(parameters))).toMatchObject({
      code: 'InvalidQueryParameter',
      message: 'parameter QueueNamePrefix is given more than once',
    });
  });
});

describe('toXmlResponse: the JSON output as SQS answers in XML', () => {
  it('ListQueues: a flattened list of QueueUrl, and an empty result element when there are none', () => {
    expect(toXmlResponse('ListQueues', { QueueUrls: [`${QUEUE}?a=1&b=2`, QUEUE] }, 'req-1')).toBe(
      `${PROLOGUE}<ListQueuesResponse xmlns="${XMLNS}"><ListQueuesResult><QueueUrl>` +
        `${QUEUE}?a=1&amp;b=2</QueueUrl><QueueUrl>${QUEUE}</QueueUrl></ListQueuesResult>` +
        `${META}</ListQueuesResponse>`,
    );
    expect(toXmlResponse('ListQueues', { QueueUrls: [] }, 'req-1')).toBe(
      `${PROLOGUE}<ListQueuesResponse xmlns="${XMLNS}"><ListQueuesResult/>${META}</ListQueuesResponse>`,
    );
  });

  it('GetQueueAttributes: a flattened map of Attribute Name/Value', () => {
    const redrive = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:q-dlq' });
    expect(
      toXmlResponse(
        'GetQueueAttributes',
        { Attributes: { ApproximateNumberOfMessages: '3', RedrivePolicy: redrive } },
        'req-1',
      ),
    ).toBe(
      `${PROLOGUE}<GetQueueAttributesResponse xmlns="${XMLNS}"><GetQueueAttributesResult>` +
        '<Attribute><Name>ApproximateNumberOfMessages</Name><Value>3</Value></Attribute>' +
        ('<Attribute><Name>RedrivePolicy</Name>' +
          '<Value>{&quot;deadLetterTargetArn&quot;:&quot;arn:aws:sqs:us-east-1:000000000000:q-dlq&quot;}</Value>' +
          '</Attribute>') +
        `</GetQueueAttributesResult>${META}</GetQueueAttributesResponse>`,
    );
  });

  it('ReceiveMessage: messages with system attributes and typed message attributes, the body escaped exactly', () => {
    const body = '{"note":"a < b && c > d, \'quoted\'"}\r\nҚазақстан 🇰🇿';
    const output = {
      Messages: [
        {
          MessageId: 'm-1',
          ReceiptHandle: 'WyJtLTEiLDFd',
          Body: body,
          MD5OfBody: '0123',
          Attributes: { ApproximateReceiveCount: '1' },
          MessageAttributes: {
            'mx-error': { DataType: 'String', StringValue: 'boom <here>' },
            'mx-source-receive-count': { DataType: 'Number', StringValue: '3' },
          },
        },
      ],
    };
    expect(toXmlResponse('ReceiveMessage', output, 'req-1')).toBe(
      `${PROLOGUE}<ReceiveMessageResponse xmlns="${XMLNS}"><ReceiveMessageResult><Message>` +
        '<MessageId>m-1</MessageId><ReceiptHandle>WyJtLTEiLDFd</ReceiptHandle><MD5OfBody>0123</MD5OfBody>' +
        ('<Body>{&quot;note&quot;:&quot;a &lt; b &amp;&amp; c &gt; d, &apos;quoted&apos;&quot;}&#xD;\nҚазақстан ' +
          '🇰🇿</Body>') +
        '<Attribute><Name>ApproximateReceiveCount</Name><Value>1</Value></Attribute>' +
        ('<MessageAttribute><Name>mx-error</Name><Value><StringValue>boom &lt;here&gt;</StringValue>' +
          '<DataType>String</DataType></Value></MessageAttribute>') +
        ('<MessageAttribute><Name>mx-source-receive-count</Name><Value><StringValue>3</StringValue>' +
          '<DataType>Number</DataType></Value></MessageAttribute>') +
        `</Message></ReceiveMessageResult>${META}</ReceiveMessageResponse>`,
    );
    expect(toXmlResponse('ReceiveMessage', { Messages: [] }, 'req-1')).toContain('<ReceiveMessageResult/>');
  });

  it('ChangeMessageVisibility answers ResponseMetadata alone (the operation has no result)', () => {
    expect(toXmlResponse('ChangeMessageVisibility', {}, 'req-1')).toBe(
      `${PROLOGUE}<ChangeMessageVisibilityResponse xmlns="${XMLNS}">${META}</ChangeMessageVisibilityResponse>`,
    );
  });

  it('ChangeMessageVisibilityBatch: successful and failed entries, SenderFault as a boolean', () => {
    const output = {
      Successful: [{ Id: 'a' }],
      Failed: [{ Id: 'b', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'bad handle' }],
    };
    expect(toXmlResponse('ChangeMessageVisibilityBatch', output, 'req-1')).toBe(
      `${PROLOGUE}<ChangeMessageVisibilityBatchResponse xmlns="${XMLNS}"><ChangeMessageVisibilityBatchResult>` +
        '<ChangeMessageVisibilityBatchResultEntry><Id>a</Id></ChangeMessageVisibilityBatchResultEntry>' +
        ('<BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code>' +
          '<Message>bad handle</Message></BatchResultErrorEntry>') +
        `</ChangeMessageVisibilityBatchResult>${META}</ChangeMessageVisibilityBatchResponse>`,
    );
  });

  it('GetQueueUrl and StartMessageMoveTask: single values', () => {
    expect(toXmlResponse('GetQueueUrl', { QueueUrl: QUEUE }, 'req-1')).toContain(
      `<GetQueueUrlResult><QueueUrl>${QUEUE}</QueueUrl></GetQueueUrlResult>`,
    );
    expect(toXmlResponse('StartMessageMoveTask', { TaskHandle: 'local-redrive-q-2' }, 'req-1')).toContain(
      '<StartMessageMoveTaskResult><TaskHandle>local-redrive-q-2</TaskHandle></StartMessageMoveTaskResult>',
    );
  });
});

describe('xmlText', () => {
  it('escapes markup and carriage returns, and keeps every character XML can carry', () => {
    expect(xmlText('<a href="x">&\'\r\n\t</a>')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#xD;\n\t&lt;/a&gt;');
    expect(xmlText('Қ 🇰🇿 \uFFFD \uE000')).toBe('Қ 🇰🇿 \uFFFD \uE000');
  });

  it('replaces what XML 1.0 cannot carry at all (NUL, C0 controls, lone surrogates, U+FFFE) with U+FFFD', () => {
    expect(xmlText('a\u0000b\u001Fc\uD800d\uDFFFe\uFFFEf')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
  });
});

describe('errors', () => {
  it('SQS errors get the query model codes, authentication errors the common query-API codes', () => {
    expect(toQueryError({ code: 'QueueDoesNotExist', message: 'm', status: 400 })).toEqual({
      code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'm',
      status: 400,
    });
    expect(toQueryError({ code: 'MessageNotInflight', message: 'm', status: 400 }).code).toBe(
      'AWS.SimpleQueueService.MessageNotInflight',
    );
    expect(toQueryError({ code: 'AccessDeniedException', message: 'm', status: 400 })).toEqual({
      code: 'AccessDenied',
      message: 'm',
      status: 403,
    });
    expect(toQueryError({ code: 'InvalidSignatureException', message: 'm', status: 400 })).toEqual({
      code: 'SignatureDoesNotMatch',
      message: 'm',
      status: 403,
    });
    expect(toQueryError({ code: 'UnrecognizedClientException', message: 'm', status: 400 })).toEqual({
      code: 'InvalidClientTokenId',
      message: 'm',
      status: 403,
    });
    expect(toQueryError({ code: 'MissingAuthenticationTokenException', message: 'm', status: 400 })).toEqual({
      code: 'MissingAuthenticationToken',
      message: 'm',
      status: 403,
    });
    expect(toQueryError({ code: 'IncompleteSignatureException', message: 'm', status: 400 })).toEqual({
      code: 'IncompleteSignature',
      message: 'm',
      status: 400,
    });
    expect(toQueryError({ code: 'InvalidParameterValue', message: 'm', status: 400 })).toEqual({
      code: 'InvalidParameterValue',
      message: 'm',
      status: 400,
    });
    expect(toQueryError({ code: 'RequestEntityTooLarge', message: 'm', status: 413 })).toEqual({
      code: 'RequestEntityTooLarge',
      message: 'm',
      status: 413,
    });
  });

  it('writes AWS\u2019s ErrorResponse: Sender for the caller\u2019s faults, Receiver for the service\u2019s', () => {
    expect(
      toXmlError(
        {
          code: 'AWS.SimpleQueueService.NonExistentQueue',
          message: 'The specified queue <x> does not exist.',
          status: 400,
        },
        'req-1',
      ),
    ).toBe(
      `${PROLOGUE}<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type>` +
        `<Code>AWS.SimpleQueueService.NonExistentQueue</Code>` +
        ('<Message>The specified queue &lt;x&gt; does not exist.</Message><Detail/></Error>' +
          '<RequestId>req-1</RequestId></ErrorResponse>'),
    );
    expect(toXmlError({ code: 'InternalFailure', message: 'm', status: 500 }, 'req-1')).toContain(
      '<Type>Receiver</Type>',
    );
  });
});

describe('isSqsQueryRequest: which requests take the query protocol', () => {
  const formPost = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  it.each([
    ['a form POST to the endpoint (botocore)', 'POST', '/', formPost, true],
    ['a form POST to a queue URL', 'POST', '/000000000000/mx-berkut-dlq', formPost, true],
    [
      'a form POST with an upper-case media type',
      'POST',
      '/',
      { 'content-type': 'Application/X-WWW-Form-Urlencoded' },
      true,
    ],
    ['a GET naming an Action', 'GET', '/?Action=ListQueues&Version=2012-11-05', {}, true],
    [
      'a GET to a queue URL naming an Action',
      'GET',
      '/000000000000/mx-berkut-dlq/?Version=2012-11-05&Action=ReceiveMessage',
      {},
      true,
    ],
    ['the JSON protocol (X-Amz-Target)', 'POST', '/', { ...formPost, 'x-amz-target': 'AmazonSQS.ListQueues' }, false],
    ['a JSON POST without a target', 'POST', '/', { 'content-type': 'application/json' }, false],
    ['the console', 'GET', '/', {}, false],
    ['a console page with a query', 'GET', '/?Actions=1', {}, false],
    ['a form POST to the command API', 'POST', '/commands/berkut', formPost, false],
    ['a GET to the query API naming an Action', 'GET', '/api/views/labour/stats?Action=ListQueues', {}, false],
    ['a PUT form', 'PUT', '/', formPost, false],
  ])('%s: %s', (_what, method, url, headers, expected) => {
    expect(isSqsQueryRequest(method, url, headers)).toBe(expected);
  });
});
