/**
 * Issue 14's test: synthesize the stack with one grant removed and see the local call denied.
 *
 * A CDK Aspect strips `dynamodb:PutItem` from the exchange-log function's role policy. The exchange-log role's
 * session then writes the ExchangeLog table of a running local cloud with the real SDK client, through the cloud's
 * own in-process request path, with the IAM check in front of it as the dispatch hook will place it. With the stack
 * as it deploys, the item lands; with the grant removed, the SDK raises AccessDeniedException in AWS's words and
 * nothing is written. (Until the local cloud runs each function with its role's keys, the test names the caller
 * itself; the decision is the template's.)
 */
import { Readable } from 'node:stream';
import type { ServerResponse } from 'node:http';
import { GetItemCommand, PutItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { Aspects, Stack, type CfnElement, type IAspect } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendAwsError } from '../../infra/local/aws-protocol.ts';
import { BufferedResponse } from '../../infra/local/in-process-http.ts';
import { authorizerFor, secureTransport, type Caller, type StackAuthorizer } from '../../infra/local/iam/index.ts';
import { LOCAL_PLACE, templateResolver, type IamTemplate } from '../../infra/local/iam/resolve.ts';
import { refusalError, serviceCallOf } from '../../infra/local/iam/wire.ts';
import { TOPOLOGY } from '../../infra/topology.ts';
import { synthExchangeStack } from '../infra/synth.ts';
import { startTestCloud, type TestCloud } from './cloud-harness.ts';

/** Removes one action from the statements of the policies attached to one role: a grant taken away. */
class StripGrant implements IAspect {
  constructor(
    private readonly roleLogicalId: string,
    private readonly action: string,
  ) {}

  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy)) return;
    const stack = Stack.of(node);
    const roles = stack.resolve(node.roles) as { Ref?: string }[] | undefined;
    if (!roles?.some((r) => r.Ref === this.roleLogicalId)) return;
    const document = stack.resolve(node.policyDocument) as { Statement: { Action: string | string[] }[] };
    const Statement = document.Statement.flatMap((statement) => {
      const actions = [statement.Action].flat().filter((a) => a !== this.action);
      return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
    });
    node.policyDocument = { ...document, Statement };
  }
}

interface Synthesized {
  readonly template: IamTemplate;
  /** Tables under the names the local cloud gives them (their topology ids). */
  readonly iam: StackAuthorizer;
}

function synthesize(aspect?: IAspect): Synthesized {
  const { stack } = synthExchangeStack();
  if (aspect) Aspects.of(stack).add(aspect);
  const template = Template.fromStack(stack).toJSON() as IamTemplate;
  const tableIds = new Map(
    TOPOLOGY.tables.map((spec) => [
      stack.getLogicalId(stack.node.findChild(spec.id).node.defaultChild as CfnElement),
      spec.id,
    ]),
  );
  const resolve = templateResolver(template, LOCAL_PLACE, (logicalId) => tableIds.get(logicalId));
  return { template, iam: authorizerFor(template, LOCAL_PLACE, resolve) };
}

function exchangeLogFunction(template: IamTemplate): string {
  const [id] = Object.entries(template.Resources).find(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' &&
      (r.Properties?.Environment as { Variables?: Record<string, unknown> })?.Variables?.SUBSCRIPTION ===
        'exchange-log',
  )!;
  return id;
}

/**
 * The in-process request path with the IAM hook in front: the call is authorized as `caller` before the cloud
 * sees it, and a refusal is rendered by the cloud's own `sendAwsError`, as the dispatch path will.
 */
function gated(
  inner: { handle(request: HttpRequest): Promise<{ response: HttpResponse }> },
  iam: StackAuthorizer,
  caller: Caller,
) {
  return {
    metadata: { handlerProtocol: 'in-process' },
    async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
      const body: unknown = request.body;
      const bytes =
        body instanceof Uint8Array ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : String(body ?? '');
      const call = serviceCallOf(String(request.headers['x-amz-target'] ?? ''), bytes);
      const verdict = call ? iam.authorize(caller, call, secureTransport({ inProcess: true })) : undefined;
      if (verdict && !verdict.allowed) {
        const res = new BufferedResponse();
        sendAwsError(res as unknown as ServerResponse, refusalError(verdict.refusal), 'application/x-amz-json-1.0');
        return {
          response: new HttpResponse({
            statusCode: res.statusCode,
            headers: res.headers,
            body: Readable.from([await res.done]),
          }),
        };
      }
      return inner.handle(request);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

describe('a grant removed from the stack is a call refused locally', () => {
  let env: TestCloud;
  let deployed: Synthesized;
  let stripped: Synthesized;
  let fn: string;
  const clients: DynamoDBClient[] = [];

  beforeAll(async () => {
    deployed = synthesize();
    fn = exchangeLogFunction(deployed.template);
    stripped = synthesize(new StripGrant(deployed.iam.functionRole(fn)!, 'dynamodb:PutItem'));
    env = await startTestCloud();
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await env?.stop();
  });

  const clientAs = ({ iam }: Synthesized) => {
    const config = env.cloud.inProcessConfig();
    const role: Caller = { kind: 'role', role: iam.functionRole(fn)!, session: fn };
    const client = new DynamoDBClient({
      ...config,
      maxAttempts: 1,
      requestHandler: gated(config.requestHandler, iam, role),
    });
    clients.push(client);
    return client;
  };
  const row = (id: string) => ({ pk: { S: `kz.interior.berkut#${id}` }, note: { S: 'iam test' } });
  const stored = async (id: string) =>
    (
      await env
        .dynamo()
        .send(new GetItemCommand({ TableName: env.cloud.tableName('ExchangeLog'), Key: { pk: row(id).pk } }))
    ).Item;

  it('as deployed, the exchange-log role writes its table', async () => {
    await clientAs(deployed).send(
      new PutItemCommand({ TableName: env.cloud.tableName('ExchangeLog'), Item: row('allowed') }),
    );
    expect(await stored('allowed')).toEqual(row('allowed'));
  });

  it('without its dynamodb:PutItem grant, the same write is refused in AWS words and nothing lands', async () => {
    const table = env.cloud.tableName('ExchangeLog');
    const write = clientAs(stripped).send(new PutItemCommand({ TableName: table, Item: row('refused') }));
    await expect(write).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message:
        `User: arn:aws:sts::000000000000:assumed-role/${stripped.iam.functionRole(fn)}/${fn} ` +
        'is not authorized to perform: ' +
        `dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/${table} ` +
        'because no identity-based policy allows the dynamodb:PutItem action',
    });
    expect(await stored('refused')).toBeUndefined();
  });

  it('only that grant went: the stripped role still reads the same table', async () => {
    const read = await clientAs(stripped).send(
      new GetItemCommand({ TableName: env.cloud.tableName('ExchangeLog'), Key: { pk: row('allowed').pk } }),
    );
    expect(read.Item).toEqual(row('allowed'));
  });
});
