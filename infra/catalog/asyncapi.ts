/**
 * The exchange as one AsyncAPI 3.1 document
 * (https://www.asyncapi.com/docs/reference/specification/v3.1.0): a channel
 * per (source, detail-type) on the bus, a send operation per publishing
 * system, a receive operation per subscription and channel, payloads from
 * the zod contract as JSON Schema draft-07, and what AsyncAPI has no words
 * for (the bus, its rules and queues, legal bases, what each table keeps) as
 * `x-` extensions. Built from the catalog, so it says what the catalog says.
 */
import { findDefinition } from '../../schemas/catalog.ts';
import type { EventDefinition } from '../../schemas/define.ts';
import { exampleBusEvent } from './event-catalog.ts';
import { eventEnvelopeSchema, registrySchemaName } from './json-schemas.ts';
import type { Catalog, CatalogEvent, Reception } from './model.ts';

export interface AsyncApiOptions {
  /** Document version: the contract's own version (package.json's by default). */
  readonly version: string;
  /** SPDX id of the document's licence. */
  readonly license: string;
  readonly contact: { readonly name: string; readonly url: string; readonly email: string };
}

/**
 * Placeholders on the reserved `.example` domain (RFC 2606): every deployment
 * names its own platform team (`mx schemas export --contact-*`).
 */
export const DEFAULT_CONTACT: AsyncApiOptions['contact'] = {
  name: 'migration-exchange platform team',
  url: 'https://migration-exchange.example/catalog',
  email: 'platform@migration-exchange.example',
};

type Json = Record<string, unknown>;

const messageKey = (detailType: string, version: number) => `${detailType}V${version}`;
const ref = (path: string) => ({ $ref: path });
/** Component and operation keys may hold only letters, digits, `_` and `-`. */
const key = (...parts: string[]) => parts.join('-').replace(/[^A-Za-z0-9_-]/g, '_');

function definitionsOf(event: CatalogEvent): EventDefinition[] {
  return event.versions.map((v) => findDefinition(event.source, event.detailType, v.schemaVersion)!);
}

function message(definition: EventDefinition): Json {
  const example = exampleBusEvent(definition).bus;
  return {
    name: definition.detailType,
    title: `${definition.detailType} v${definition.schemaVersion}`,
    summary: definition.description,
    contentType: 'application/json',
    payload: {
      schemaFormat: 'application/schema+json;version=draft-07',
      schema: eventEnvelopeSchema(definition, 'draft-07'),
    },
    examples: [
      {
        name: 'example',
        summary: `A valid ${definition.detailType}`,
        payload: { source: example.source, 'detail-type': example['detail-type'], detail: example.detail },
      },
    ],
    'x-schema-version': definition.schemaVersion,
    'x-eventbridge-schema': registrySchemaName(definition),
  };
}

function receiveOperation(event: CatalogEvent, reception: Reception): Json {
  return {
    action: 'receive',
    channel: ref(`#/channels/${key(event.detailType)}`),
    title: `${reception.subscription} receives ${event.detailType}`,
    summary: reception.description,
    description: `${reception.purpose}\n\nLegal basis: ${reception.legalBasis.act}, ${reception.legalBasis.article}.`,
    messages: event.versions.map((v) =>
      ref(`#/channels/${key(event.detailType)}/messages/${messageKey(event.detailType, v.schemaVersion)}`),
    ),
    tags: [{ name: reception.role }, ...(reception.owner ? [{ name: reception.owner }] : [])],
    'x-legal-basis': reception.legalBasis,
    'x-purpose': reception.purpose,
    'x-eventbridge-rule': { eventPattern: reception.pattern },
    'x-sqs-queue': { ...reception.queue, deadLetterQueue: true },
    'x-table': {
      id: reception.table,
      role: reception.role,
      records: reception.records,
      kindsNotKept: reception.kindsNotKept,
      counters: reception.counters,
    },
    ...(reception.reactions.length ? { 'x-reactions': reception.reactions } : {}),
  };
}

function sendOperation(event: CatalogEvent): Json {
  const { publishing } = event;
  const how = [
    ...publishing.commands.map((c) => `command API: ${c.route} (${c.description})`),
    ...publishing.reactions.map((r) => `reaction of ${r.system} to ${r.trigger}`),
  ];
  return {
    action: 'send',
    channel: ref(`#/channels/${key(event.detailType)}`),
    title: `${publishing.agency.name} publishes ${event.detailType}`,
    summary: `Published under ${publishing.source}.`,
    description: `${publishing.principal}.\n\n${how.map((h) => `- ${h}`).join('\n')}`,
    messages: event.versions.map((v) =>
      ref(`#/channels/${key(event.detailType)}/messages/${messageKey(event.detailType, v.schemaVersion)}`),
    ),
    tags: [{ name: publishing.agency.id }],
    'x-agency': publishing.agency,
    'x-commands': publishing.commands,
    ...(publishing.reactions.length ? { 'x-reactions': publishing.reactions } : {}),
  };
}

export function asyncApiDocument(catalog: Catalog, options: AsyncApiOptions): Json {
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  for (const event of catalog.events) {
    const definitions = definitionsOf(event);
    for (const definition of definitions)
      messages[messageKey(event.detailType, definition.schemaVersion)] = message(definition);
    channels[key(event.detailType)] = {
      address: `${event.source}/${event.detailType}`,
      title: event.detailType,
      description:
        `${event.description} EventBridge events on the ${catalog.busName} bus with source \`${event.source}\` and ` +
        `detail-type \`${event.detailType}\`.`,
      messages: Object.fromEntries(
        definitions.map((d) => [
          messageKey(event.detailType, d.schemaVersion),
          ref(`#/components/messages/${messageKey(event.detailType, d.schemaVersion)}`),
        ]),
      ),
      'x-eventbridge': { eventBusName: catalog.busName, source: event.source, detailType: event.detailType },
    };
    operations[key('publish', event.detailType)] = sendOperation(event);
    for (const reception of event.receivers)
      operations[key(reception.subscription, 'receives', event.detailType)] = receiveOperation(event, reception);
  }
  return {
    asyncapi: '3.1.0',
    id: 'urn:migration-exchange:contract',
    info: {
      title: 'migration-exchange',
      version: options.version,
      description:
        'Events exchanged by Kazakhstan\u2019s migration agencies over one Amazon EventBridge bus: each agency ' +
        'publishes under its own source; ' +
        ('every subscription (rule \u2192 SQS queue with a dead-letter queue \u2192 Lambda) declares its legal ' +
          'basis and purpose; ') +
        ('registries and ministry views keep only the fields their declarations list. Generated from the ' +
          'platform\u2019s own declarations (`mx schemas export --format asyncapi`).'),
      contact: options.contact,
      license: { name: options.license, url: `https://spdx.org/licenses/${options.license}.html` },
      tags: [
        { name: 'exchange-log', description: 'The platform\u2019s own log of every accepted event' },
        { name: 'registry', description: 'A system of record' },
        { name: 'view', description: 'A ministry\u2019s minimised view' },
      ],
    },
    defaultContentType: 'application/json',
    servers: {
      eventbridge: {
        host: 'events.{region}.amazonaws.com',
        protocol: 'https',
        title: 'Amazon EventBridge',
        description:
          `PutEvents on the ${catalog.busName} bus (the stack\u2019s EventBusName output), signed with SigV4 by an ` +
          `agency\u2019s publisher role.`,
        variables: { region: { default: 'us-east-1', description: 'The region the stack is deployed to' } },
        'x-eventbridge': { eventBusName: catalog.busName },
      },
      local: {
        host: '127.0.0.1:4566',
        protocol: 'http',
        title: 'Embedded local cloud',
        description: 'The same EventBridge API on `npm start` (credentials from `npx mx credentials --json`).',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
