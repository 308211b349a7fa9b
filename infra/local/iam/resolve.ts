/**
 * Turning CloudFormation intrinsics in policy documents into the strings the local cloud compares.
 *
 * The IAM modules only need `resolve(value) → string` (see {@link Resolve}); h/tmpl's general resolver in
 * `infra/local/template/` can stand in for {@link templateResolver} without touching the evaluator. This one knows
 * the intrinsics the exchange stack's policies use (`Ref`, `Fn::GetAtt … Arn|QueueName|QueueUrl`, `Fn::Join`,
 * `Fn::Sub` without a variable map) and the ARN shapes of the resource types those policies name.
 */

/** The parts of a CloudFormation template the IAM modules read (structurally the local cloud's `CfnTemplate`). */
export interface IamTemplate {
  readonly Resources: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
}

/** A resolved intrinsic, or a refusal naming what could not be resolved. */
export type Resolve = (value: unknown) => string;

export interface Place {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly urlSuffix: string;
  /** The queue URL prefix up to the account: `https://sqs.<region>.amazonaws.com` on AWS, the local endpoint here. */
  readonly sqsEndpoint: string;
}

export const LOCAL_PLACE: Place = {
  partition: 'aws',
  region: 'us-east-1',
  account: '000000000000',
  urlSuffix: 'amazonaws.com',
  sqsEndpoint: 'https://sqs.us-east-1.amazonaws.com',
};

export class UnresolvableError extends Error {
  override readonly name = 'UnresolvableError';
}

/**
 * A resolver over one template. `physicalName(logicalId)` gives each resource's name as the cloud running it
 * named it (CloudFormation generates names for the stack's unnamed tables, queues and roles); by default the
 * template's own name property, else the logical id.
 */
export function templateResolver(
  template: IamTemplate,
  place: Place = LOCAL_PLACE,
  physicalName: (logicalId: string) => string | undefined = () => undefined,
): Resolve {
  const nameOf = (logicalId: string): string => {
    const chosen = physicalName(logicalId);
    if (chosen !== undefined) return chosen;
    const resource = template.Resources[logicalId];
    if (!resource) throw new UnresolvableError(`no resource ${logicalId} in the template`);
    const p = resource.Properties ?? {};
    const declared = p.TableName ?? p.QueueName ?? p.RoleName ?? p.Name ?? p.BucketName ?? p.StageName;
    return typeof declared === 'string' ? declared : logicalId;
  };
  const { partition, region, account } = place;
  const arnOf = (logicalId: string): string => {
    const type = template.Resources[logicalId]?.Type;
    const name = nameOf(logicalId);
    switch (type) {
      case 'AWS::DynamoDB::Table':
        return `arn:${partition}:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::SQS::Queue':
        return `arn:${partition}:sqs:${region}:${account}:${name}`;
      case 'AWS::Events::EventBus':
        return `arn:${partition}:events:${region}:${account}:event-bus/${name}`;
      case 'AWS::Events::Rule': {
        const bus = template.Resources[logicalId]?.Properties?.EventBusName;
        const busName = bus === undefined ? undefined : resolve(bus);
        const path = busName === undefined || busName === 'default' ? name : `${busName}/${name}`;
        return `arn:${partition}:events:${region}:${account}:rule/${path}`;
      }
      case 'AWS::IAM::Role':
        return `arn:${partition}:iam::${account}:role/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${partition}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${partition}:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::S3::Bucket':
        return `arn:${partition}:s3:::${name.toLowerCase()}`;
      case 'AWS::KMS::Key':
        return `arn:${partition}:kms:${region}:${account}:key/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:${partition}:sns:${region}:${account}:${name}`;
      case 'AWS::SecretsManager::Secret':
        return `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}`;
      default:
        throw new UnresolvableError(`no ARN shape for ${logicalId} (${type ?? 'absent'})`);
    }
  };
  const pseudo: Record<string, string> = {
    'AWS::Partition': partition,
    'AWS::Region': region,
    'AWS::AccountId': account,
    'AWS::URLSuffix': place.urlSuffix,
    'AWS::StackName': 'MxLocal',
  };
  const resolve: Resolve = (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new UnresolvableError(`cannot resolve ${JSON.stringify(value)}`);
    }
    const entries = Object.entries(value);
    if (entries.length !== 1) throw new UnresolvableError(`not an intrinsic: ${JSON.stringify(value)}`);
    const [fn, arg] = entries[0]!;
    switch (fn) {
      case 'Ref': {
        const id = String(arg);
        if (id in pseudo) return pseudo[id]!;
        if (template.Resources[id]?.Type === 'AWS::SQS::Queue') return `${place.sqsEndpoint}/${account}/${nameOf(id)}`;
        return nameOf(id);
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = (Array.isArray(arg) ? arg : String(arg).split('.')) as [string, string];
        if (attribute === 'Arn') return arnOf(id);
        if (attribute === 'QueueName' || attribute === 'Name') return nameOf(id);
        if (attribute === 'QueueUrl') return `${place.sqsEndpoint}/${account}/${nameOf(id)}`;
        throw new UnresolvableError(`no attribute ${attribute} of ${id} known to the IAM resolver`);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map(resolve).join(separator);
      }
      case 'Fn::Sub': {
        if (typeof arg !== 'string') throw new UnresolvableError('Fn::Sub with a variable map is not supported here');
        return arg.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          const [id, attribute] = name.split('.') as [string, string | undefined];
          return attribute === undefined ? resolve({ Ref: id }) : resolve({ 'Fn::GetAtt': [id, attribute] });
        });
      }
      default:
        throw new UnresolvableError(`intrinsic ${fn} is not supported by the IAM resolver`);
    }
  };
  return resolve;
}

/**
 * `primary` where it resolves, else `fallback`: the local cloud's resolver names what it materialises (tables,
 * queues, roles, the bus); this module's fills in what it does not, such as the REST API and stage the
 * `execute-api` grants name. Both sides of a comparison go through the same composite, so names stay consistent.
 */
export function firstOf(primary: Resolve, fallback: Resolve): Resolve {
  return (value) => {
    try {
      return primary(value);
    } catch {
      return fallback(value);
    }
  };
}
