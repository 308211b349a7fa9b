/**
 * Amazon SQS's query protocol, translated to and from the JSON operations
 * LocalSqs implements: form-encoded parameters (`Action=ListQueues&
 * Version=2012-11-05&AttributeName.1=All`) in, XML out. Clients whose
 * botocore predates SQS's JSON protocol (Debian bookworm's awscli 2.9.19,
 * boto3 before 1.28.82) speak only this, and AWS still answers it.
 *
 * Pure: no I/O, no server; sqs-query-server.ts does the HTTP.
 *
 * The parameter names, list layout and XML element names are those of
 * botocore's `sqs/2012-11-05` query model (flattened lists and maps, member
 * location names, `<Action>Result` wrappers, error codes such as
 * `AWS.SimpleQueueService.NonExistentQueue`); the envelopes are AWS's:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-responses.html
 *
 * The XML is written by hand rather than with an XML library: the answers use
 * five constructs (element, text, flattened list, flattened map, structure),
 * and the one subtle part, characters XML 1.0 cannot carry, no builder on npm
 * handles for us either (see `xmlText`).
 */
import { AwsError } from './aws-protocol.ts';

export const SQS_API_VERSION = '2012-11-05';
export const SQS_XML_NAMESPACE = `http://queue.amazonaws.com/doc/${SQS_API_VERSION}/`;

/** More parameters than any SQS call takes (a batch of 10 entries is 31); more is refused before it is looked at. */
export const MAX_QUERY_PARAMETERS = 1000;
/** List members are numbered from 1; SQS's longest lists (attribute names, batch entries) have a few dozen. */
const MAX_LIST_INDEX = 100;

/** An error in the query protocol's shape: `<Error><Type/><Code/><Message/></Error>`, with its HTTP status. */
export interface QueryError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
}

const queryError = (code: string, message: string, status = 400) => new AwsError(code, message, status);
/** AWS documents MalformedQueryString with status 404 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html). */
const malformed = (message: string) => queryError('MalformedQueryString', message, 404);
const invalidQueryParameter = (message: string) => queryError('InvalidQueryParameter', message);
const invalidValue = (name: string, value: string, reason: string) =>
  queryError(
    'InvalidParameterValue',
    `Value ${JSON.stringify(value.slice(0, 100))} for parameter ${name} is invalid. Reason: ${reason}`,
  );

// ---------------------------------------------------------------- requests

type Scalar = 'string' | 'integer';
type InputMember =
  | { readonly json: string; readonly kind: 'scalar'; readonly type: Scalar }
  /** A flattened list of strings: `AttributeName.1=All&AttributeName.2=…`. */
  | { readonly json: string; readonly kind: 'strings' }
  /** A flattened list of structures: `ChangeMessageVisibilityBatchRequestEntry.1.Id=…`. */
  | { readonly json: string; readonly kind: 'structures'; readonly fields: Readonly<Record<string, Scalar>> };

interface Operation {
  /** Query parameter (a list's member location name) to the JSON operation's member. */
  readonly input: Readonly<Record<string, InputMember>>;
  /** Query parameters the call cannot do without (AWS answers MissingParameter). */
  readonly required: readonly string[];
  /** The `<Action>Result` element's content, or none (ChangeMessageVisibility answers only ResponseMetadata). */
  readonly output?: StructureShape;
}

const s = (json: string): InputMember => ({ json, kind: 'scalar', type: 'string' });
const i = (json: string): InputMember => ({ json, kind: 'scalar', type: 'integer' });

// ---------------------------------------------------------------- responses

type XmlShape = { readonly kind: 'text' } | { readonly kind: 'boolean' } | ListShape | MapShape | StructureShape;
/** Flattened: one element per member, named after the member. */
interface ListShape {
  readonly kind: 'list';
  readonly member: string;
  readonly of: XmlShape;
}
/** Flattened: one `<entry><key/><value/></entry>` per pair. */
interface MapShape {
  readonly kind: 'map';
  readonly entry: string;
  readonly key: string;
  readonly value: string;
  readonly of: XmlShape;
}
interface StructureShape {
  readonly kind: 'structure';
  /** JSON member name to its element name and shape, in the order AWS writes them. */
  readonly members: readonly (readonly [json: string, element: string, shape: XmlShape])[];
}

const TEXT: XmlShape = { kind: 'text' };
const BOOLEAN: XmlShape = { kind: 'boolean' };
const structure = (...members: (readonly [string, string, XmlShape])[]): StructureShape => ({
  kind: 'structure',
  members,
});
const field = (name: string, shape: XmlShape = TEXT) => [name, name, shape] as const;
const list = (member: string, of: XmlShape = TEXT): ListShape => ({ kind: 'list', member, of });
const nameValueMap = (entry: string, of: XmlShape = TEXT): MapShape => ({
  kind: 'map',
  entry,
  key: 'Name',
  value: 'Value',
  of,
});

const MESSAGE_ATTRIBUTE_VALUE = structure(
  field('StringValue'),
  field('BinaryValue'),
  ['StringListValues', 'StringListValue', list('StringListValue')],
  ['BinaryListValues', 'BinaryListValue', list('BinaryListValue')],
  field('DataType'),
);
const MESSAGE = structure(
  field('MessageId'),
  field('ReceiptHandle'),
  field('MD5OfBody'),
  field('Body'),
  ['Attributes', 'Attribute', nameValueMap('Attribute')],
  field('MD5OfMessageAttributes'),
  ['MessageAttributes', 'MessageAttribute', nameValueMap('MessageAttribute', MESSAGE_ATTRIBUTE_VALUE)],
);

/** The operations LocalSqs implements, as the query protocol spells them. */
const OPERATIONS: Readonly<Record<string, Operation>> = {
  ListQueues: {
    input: { QueueNamePrefix: s('QueueNamePrefix'), NextToken: s('NextToken'), MaxResults: i('MaxResults') },
    required: [],
    output: structure(['QueueUrls', 'QueueUrl', list('QueueUrl')], field('NextToken')),
  },
  GetQueueUrl: {
    input: { QueueName: s('QueueName'), QueueOwnerAWSAccountId: s('QueueOwnerAWSAccountId') },
    required: ['QueueName'],
    output: structure(field('QueueUrl')),
  },
  GetQueueAttributes: {
    input: { QueueUrl: s('QueueUrl'), AttributeName: { json: 'AttributeNames', kind: 'strings' } },
    required: ['QueueUrl'],
    output: structure(['Attributes', 'Attribute', nameValueMap('Attribute')]),
  },
  ReceiveMessage: {
    input: {
      QueueUrl: s('QueueUrl'),
      AttributeName: { json: 'AttributeNames', kind: 'strings' },
      MessageAttributeName: { json: 'MessageAttributeNames', kind: 'strings' },
      MaxNumberOfMessages: i('MaxNumberOfMessages'),
      VisibilityTimeout: i('VisibilityTimeout'),
      WaitTimeSeconds: i('WaitTimeSeconds'),
      ReceiveRequestAttemptId: s('ReceiveRequestAttemptId'),
    },
    required: ['QueueUrl'],
    output: structure(['Messages', 'Message', list('Message', MESSAGE)]),
  },
  ChangeMessageVisibility: {
    input: { QueueUrl: s('QueueUrl'), ReceiptHandle: s('ReceiptHandle'), VisibilityTimeout: i('VisibilityTimeout') },
    required: ['QueueUrl', 'ReceiptHandle', 'VisibilityTimeout'],
  },
  ChangeMessageVisibilityBatch: {
    input: {
      QueueUrl: s('QueueUrl'),
      ChangeMessageVisibilityBatchRequestEntry: {
        json: 'Entries',
        kind: 'structures',
        fields: { Id: 'string', ReceiptHandle: 'string', VisibilityTimeout: 'integer' },
      },
    },
    // No entries at all is SQS's own AWS.SimpleQueueService.EmptyBatchRequest, which LocalSqs answers.
    required: ['QueueUrl'],
    output: structure(
      [
        'Successful',
        'ChangeMessageVisibilityBatchResultEntry',
        list('ChangeMessageVisibilityBatchResultEntry', structure(field('Id'))),
      ],
      [
        'Failed',
        'BatchResultErrorEntry',
        list(
          'BatchResultErrorEntry',
          structure(field('Id'), field('SenderFault', BOOLEAN), field('Code'), field('Message')),
        ),
      ],
    ),
  },
  StartMessageMoveTask: {
    input: {
      SourceArn: s('SourceArn'),
      DestinationArn: s('DestinationArn'),
      MaxNumberOfMessagesPerSecond: i('MaxNumberOfMessagesPerSecond'),
    },
    required: ['SourceArn'],
    output: structure(field('TaskHandle')),
  },
};

export const QUERY_ACTIONS: readonly string[] = Object.keys(OPERATIONS);

/**
 * Whether a queue URL and a request path (`/<account>/<queue>`) name the same queue: the last path segment is
 * the name, as LocalSqs reads it.
 */
const queueNameOf = (urlOrPath: string) => urlOrPath.replace(/\/+$/, '').split('/').pop() ?? '';

/**
 * Decodes `application/x-www-form-urlencoded` text (a body or a query
 * string) strictly, unlike URLSearchParams, which keeps a bad `%` escape as
 * it is and turns invalid UTF-8 into U+FFFD: a parameter that does not decode
 * is refused, never guessed at. `+` is a space, as in every HTML form.
 */
export function decodeForm(input: Buffer | string, where: string): [name: string, value: string][] {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw malformed(`the ${where} is not UTF-8`);
    }
  }
  const pairs: [string, string][] = [];
  let count = 0;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    if (++count > MAX_QUERY_PARAMETERS)
      throw malformed(`the ${where} has more than ${MAX_QUERY_PARAMETERS} parameters`);
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    const decode = (raw: string) => {
      try {
        return decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        throw malformed(
          `the ${where} parameter ${JSON.stringify(rawName.slice(0, 60))} is not valid percent-encoded UTF-8 (a ` +
            `% must start two hex digits)`,
        );
      }
    };
    const name = decode(rawName);
    if (name === '') throw malformed(`the ${where} has a parameter without a name`);
    pairs.push([name, decode(rawValue)]);
  }
  return pairs;
}

/** `AttributeName.3` → 3; anything but a plain positive number is refused with the parameter named. */
function listIndex(parameter: string, text: string | undefined): number {
  if (text === undefined || !/^[1-9]\d{0,2}$/.test(text) || Number(text) > MAX_LIST_INDEX) {
    throw invalidQueryParameter(
      `parameter ${parameter}: list members are numbered 1 to ${MAX_LIST_INDEX} (${parameter.split('.')[0]}.1, ` +
        `${parameter.split('.')[0]}.2, …)`,
    );
  }
  return Number(text);
}

function scalar(kind: Scalar, parameter: string, value: string): string | number {
  if (kind === 'string') return value;
  // Integers as AWS's query parsers read them: an optional sign and decimal digits, within a 32-bit integer.
  if (!/^[+-]?\d{1,10}$/.test(value) || Math.abs(Number(value)) > 2 ** 31 - 1)
    throw invalidValue(parameter, value, 'must be a whole number between -2147483648 and 2147483647.');
  return Number(value);
}

/**
 * List members 1..n, with no gaps: `AttributeName.2` without `AttributeName.1` is refused
 * rather than read as a shorter list.
 */
function dense<T>(name: string, members: Map<number, T>): T[] {
  const out: T[] = [];
  for (let n = 1; n <= members.size; n++) {
    if (!members.has(n))
      throw invalidQueryParameter(
        `parameter ${name}.${n} is missing: list members are numbered 1, 2, 3, … without gaps`,
      );
    out.push(members.get(n)!);
  }
  return out;
}

export interface QueryRequest {
  readonly action: string;
  /** The JSON operation's input, as LocalSqs.handle takes it. */
  readonly input: Record<string, unknown>;
}

/**
 * Turns a query request's parameters (query string and form body, decoded)
 * into the JSON operation and its input. `queuePath` is the request path when
 * the request went to a queue's URL (`/<account>/<queue>`), which then stands
 * for QueueUrl.
 */
export function toJsonRequest(parameters: readonly (readonly [string, string])[], queuePath?: string): QueryRequest {
  const given = new Map<string, string>();
  for (const [name, value] of parameters) {
    if (given.has(name)) throw invalidQueryParameter(`parameter ${name} is given more than once`);
    given.set(name, value);
  }
  const action = given.get('Action');
  if (action === undefined || action === '')
    throw queryError('MissingAction', 'The request must contain the parameter Action.');
  // Own properties only: an Action named `constructor` or `__proto__` is an unknown action, not a prototype's member.
  const operation = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
  if (!operation) {
    throw queryError(
      'InvalidAction',
      `The action ${JSON.stringify(action.slice(0, 100))} is not valid for this endpoint; the local cloud ` +
        `answers SQS ${QUERY_ACTIONS.join(', ')}.`,
    );
  }
  const version = given.get('Version');
  if (version !== undefined && version !== SQS_API_VERSION)
    throw invalidValue('Version', version, `this endpoint speaks SQS API version ${SQS_API_VERSION}.`);

  const input: Record<string, unknown> = {};
  const lists = new Map<string, Map<number, string | Record<string, string | number>>>();
  for (const [parameter, value] of given) {
    if (parameter === 'Action' || parameter === 'Version') continue;
    const [head = '', index, sub, ...rest] = parameter.split('.');
    const member = Object.hasOwn(operation.input, head) ? operation.input[head] : undefined;
    if (!member)
      throw invalidQueryParameter(
        `parameter ${parameter.slice(0, 100)} is not one ${action} takes (${Object.keys(operation.input).join(', ')})`,
      );
    if (member.kind === 'scalar') {
      if (index !== undefined)
        throw invalidQueryParameter(`parameter ${parameter.slice(0, 100)}: ${head} is a single value, not a list`);
      input[member.json] = scalar(member.type, parameter, value);
      continue;
    }
    const n = listIndex(parameter, index);
    const members = lists.get(head) ?? new Map<number, string | Record<string, string | number>>();
    lists.set(head, members);
    if (member.kind === 'strings') {
      if (sub !== undefined)
        throw invalidQueryParameter(
          `parameter ${parameter.slice(0, 100)}: members of ${head} are single values (${head}.${n})`,
        );
      members.set(n, value);
      continue;
    }
    const kind =
      sub !== undefined && rest.length === 0 && Object.hasOwn(member.fields, sub) ? member.fields[sub] : undefined;
    if (!kind)
      throw invalidQueryParameter(
        `parameter ${parameter.slice(0, 100)}: a ${head} has ${Object.keys(member.fields)
          .map((f) => `${head}.${n}.${f}`)
          .join(', ')}`,
      );
    const entry = (members.get(n) as Record<string, string | number> | undefined) ?? {};
    entry[sub!] = scalar(kind, parameter, value);
    members.set(n, entry);
  }
  for (const [head, members] of lists) input[operation.input[head]!.json] = dense(head, members);

  if (queuePath !== undefined && Object.hasOwn(operation.input, 'QueueUrl')) {
    const named = input.QueueUrl;
    if (named === undefined) input.QueueUrl = queuePath;
    else if (queueNameOf(String(named)) !== queueNameOf(queuePath)) {
      throw invalidValue(
        'QueueUrl',
        String(named),
        `the request was sent to the URL of queue ${queueNameOf(queuePath)}, and QueueUrl names another.`,
      );
    }
  }
  for (const required of operation.required) {
    if (input[operation.input[required]!.json] === undefined)
      throw queryError('MissingParameter', `The request must contain the parameter ${required}.`);
  }
  return { action, input };
}

// ---------------------------------------------------------------- XML

/** Characters XML 1.0 can carry at all (https://www.w3.org/TR/xml/#charsets); lone surrogates and most C0 controls it cannot, not even as references. */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

/**
 * Element text. A carriage return is written as a reference because an XML
 * parser turns a literal CR LF into LF (and the MD5OfBody the client checks
 * would no longer match). A character XML cannot carry becomes U+FFFD, as
 * SQS itself refuses such characters in a message at SendMessage; nothing
 * the local cloud stores contains one (bodies are JSON text).
 */
export function xmlText(value: string): string {
  return value.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"'\r]/g, (c) => ESCAPES[c]!);
}

const element = (name: string, content: string) => (content === '' ? `<${name}/>` : `<${name}>${content}</${name}>`);

function serialize(shape: XmlShape, value: unknown, name: string): string {
  if (value === undefined || value === null) return '';
  switch (shape.kind) {
    case 'text':
      return element(name, xmlText(String(value)));
    case 'boolean':
      return element(name, value ? 'true' : 'false');
    case 'list':
      return (Array.isArray(value) ? value : []).map((item) => serialize(shape.of, item, shape.member)).join('');
    case 'map':
      return Object.entries(value as Record<string, unknown>)
        .map(([key, item]) =>
          element(shape.entry, `${element(shape.key, xmlText(key))}${serialize(shape.of, item, shape.value)}`),
        )
        .join('');
    case 'structure':
      return element(name, structureContent(shape, value as Record<string, unknown>));
  }
}

function structureContent(shape: StructureShape, value: Record<string, unknown>): string {
  return shape.members.map(([json, name, member]) => serialize(member, value[json], name)).join('');
}

const responseMetadata = (requestId: string) => element('ResponseMetadata', element('RequestId', xmlText(requestId)));

/**
 * `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>`,
 * from the JSON operation's output.
 */
export function toXmlResponse(action: string, output: unknown, requestId: string): string {
  const operation = OPERATIONS[action];
  if (!operation) throw new Error(`no query-protocol shape for SQS ${action}`);
  const result = operation.output
    ? element(`${action}Result`, structureContent(operation.output, (output ?? {}) as Record<string, unknown>))
    : '';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${SQS_XML_NAMESPACE}">` +
    `${result}${responseMetadata(requestId)}</${action}Response>`
  );
}

/**
 * The query protocol's codes for the errors LocalSqs and the SigV4 check
 * raise under their JSON-protocol names: SQS's own errors carry the
 * `AWS.SimpleQueueService.` codes of the query model (botocore maps them back
 * to QueueDoesNotExist & co.), the authentication errors the common
 * query-API codes (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).
 */
const QUERY_CODES: Readonly<Record<string, { readonly code: string; readonly status?: number }>> = {
  QueueDoesNotExist: { code: 'AWS.SimpleQueueService.NonExistentQueue' },
  MessageNotInflight: { code: 'AWS.SimpleQueueService.MessageNotInflight' },
  EmptyBatchRequest: { code: 'AWS.SimpleQueueService.EmptyBatchRequest' },
  TooManyEntriesInBatchRequest: { code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest' },
  BatchEntryIdsNotDistinct: { code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct' },
  InvalidBatchEntryId: { code: 'AWS.SimpleQueueService.InvalidBatchEntryId' },
  UnsupportedOperation: { code: 'AWS.SimpleQueueService.UnsupportedOperation' },
  AccessDeniedException: { code: 'AccessDenied', status: 403 },
  MissingAuthenticationTokenException: { code: 'MissingAuthenticationToken', status: 403 },
  UnrecognizedClientException: { code: 'InvalidClientTokenId', status: 403 },
  InvalidSignatureException: { code: 'SignatureDoesNotMatch', status: 403 },
  IncompleteSignatureException: { code: 'IncompleteSignature', status: 400 },
};

/** A JSON-protocol error (code and status) as the query protocol reports it. */
export function toQueryError(error: QueryError): QueryError {
  const mapped = Object.hasOwn(QUERY_CODES, error.code) ? QUERY_CODES[error.code]! : undefined;
  return mapped ? { code: mapped.code, message: error.message, status: mapped.status ?? error.status } : error;
}

/**
 * `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>`.
 */
export function toXmlError(error: QueryError, requestId: string): string {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  const inner =
    `${element('Type', type)}${element('Code', xmlText(error.code))}` +
    `${element('Message', xmlText(error.message))}<Detail/>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse ` +
    `xmlns="${SQS_XML_NAMESPACE}">${element('Error', inner)}${element('RequestId', xmlText(requestId))}` +
    `</ErrorResponse>`
  );
}
