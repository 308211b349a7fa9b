import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  Aws,
  type CfnResource,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  type ResponseCustomHeader,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { RestApiOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { CONSOLE_HEADERS, contentSecurityPolicy } from '../local/console.ts';
import { REPO_ROOT } from '../paths.ts';

export interface ConsoleHostingProps {
  /** The REST API the console calls, served under /api/* and /commands/* of the console's own origin. */
  readonly api: RestApi;
}

const CONSOLE_DIR = path.join(REPO_ROOT, 'functions', 'console');
/** The context key that gives the bootstrap stack's qualifier (its asset bucket is cdk-<qualifier>-assets-…). */
const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';
/** Where the page loads its script from (index.html's `<script src>`), and where it finds how to sign on AWS. */
export const CONSOLE_SCRIPT_KEY = 'console/app.js';
export const CONSOLE_CONFIG_KEY = 'console/config.json';

/**
 * The console's files as the local cloud serves them (infra/local/console.ts):
 * the page as written and its script bundled for the browser by esbuild, here
 * at synth like the Lambda bundles, with the same options.
 */
export function bundleConsole(outputDir: string): void {
  mkdirSync(path.join(outputDir, path.dirname(CONSOLE_SCRIPT_KEY)), { recursive: true });
  copyFileSync(path.join(CONSOLE_DIR, 'index.html'), path.join(outputDir, 'index.html'));
  buildSync({
    entryPoints: [path.join(CONSOLE_DIR, 'app.ts')],
    outfile: path.join(outputDir, CONSOLE_SCRIPT_KEY),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'silent',
  });
}

const FRAME_OPTIONS: Readonly<Record<string, HeadersFrameOption>> = {
  deny: HeadersFrameOption.DENY,
  sameorigin: HeadersFrameOption.SAMEORIGIN,
};

/**
 * The console's response headers as CloudFront adds them: exactly the ones
 * the local cloud sends with the page (CONSOLE_HEADERS and the page's CSP,
 * which allows only its own inline style blocks by hash), plus HSTS, which
 * only an HTTPS origin can send. Derived, not restated, so the two cannot drift.
 */
export function consoleResponseHeaders(html: string): {
  security: ResponseSecurityHeadersBehavior;
  custom: ResponseCustomHeader[];
} {
  const security: {
    -readonly [K in keyof ResponseSecurityHeadersBehavior]: ResponseSecurityHeadersBehavior[K];
  } = {
    contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(html), override: true },
    strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
  };
  const custom: ResponseCustomHeader[] = [];
  for (const [header, value] of Object.entries(CONSOLE_HEADERS)) {
    const name = header.toLowerCase();
    if (name === 'x-content-type-options' && value === 'nosniff') security.contentTypeOptions = { override: true };
    else if (name === 'x-frame-options' && FRAME_OPTIONS[value.toLowerCase()])
      security.frameOptions = { frameOption: FRAME_OPTIONS[value.toLowerCase()]!, override: true };
    else if (name === 'referrer-policy' && (Object.values(HeadersReferrerPolicy) as string[]).includes(value)) {
      security.referrerPolicy = { referrerPolicy: value as HeadersReferrerPolicy, override: true };
    } else custom.push({ header, value, override: true });
  }
  return { security, custom };
}

/**
 * The operator console on AWS: its files in a private, encrypted, TLS-only
 * S3 bucket that only this CloudFront distribution may read (origin access
 * control), and the REST API as a second origin under /api/* and /commands/*,
 * so the page and its API share one origin. Same-origin rather than CORS: the
 * page's CSP keeps `connect-src 'self'`, no preflight precedes every signed
 * call, and the API needs no OPTIONS methods open to anyone; the console
 * signs for the API's own host and stage (console/config.json), which is
 * what API Gateway checks once CloudFront has forwarded the request.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly logs: Bucket;
  readonly distribution: Distribution;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html).
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      // Access logs are an audit trail: never deleted with the stack (a non-empty bucket could not be anyway).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      // The deployment below removes the files it put there when the stack is deleted, so the bucket is empty by then.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const html = readFileSync(path.join(CONSOLE_DIR, 'index.html'), 'utf8');
    const headers = consoleResponseHeaders(html);
    const consoleHeaders = new ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment:
        'migration-exchange console: the headers the local console sends (CSP with its inline style hashes) and HSTS',
      securityHeadersBehavior: headers.security,
      customHeadersBehavior: { customHeaders: headers.custom },
    });
    // API answers carry personal data: no browser keeps a copy, none is sniffed into something else.
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'migration-exchange API through the console origin: no-store, nosniff, HSTS',
      securityHeadersBehavior: {
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
      },
      customHeadersBehavior: { customHeaders: [{ header: 'cache-control', value: 'no-store', override: true }] },
    });

    const apiBehavior: BehaviorOptions = {
      // The stage is the origin path: /api/views/x reaches API Gateway as /v1/api/views/x on its own host.
      origin: new RestApiOrigin(props.api),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Every viewer header (Authorization, X-Amz-Date, X-Amz-Security-Token) and query string, but API Gateway's own
      // Host, which it routes and checks the signature by.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: apiHeaders,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'migration-exchange operator console and its API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // Two small files for a few hundred operators: a deploy shows at once, with no
        // invalidation to grant or wait for.
        cachePolicy: CachePolicy.CACHING_DISABLED,
        responseHeadersPolicy: consoleHeaders,
      },
      additionalBehaviors: { '/api/*': apiBehavior, '/commands/*': apiBehavior },
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
    });
    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: the ministries\u2019 operators sign in from wherever their duties take them, and ' +
          'every byte of data behind the distribution needs an operator\u2019s SigV4 signature; the page itself ' +
          'holds none.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CLOUDFRONT-scope web ACL can only be created in us-east-1, and this stack deploys to the ' +
          'ministries\u2019 region; the API behind /api/* and /commands/* keeps its regional web ACL on the ' +
          'stage and IAM authorisation, and the default behaviour serves two static files.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The distribution uses its *.cloudfront.net name and CloudFront\u2019s default certificate, whose ' +
          'minimum protocol CloudFront fixes; a deployment under its own domain adds an ACM certificate and ' +
          'TLSv1.2_2021.',
      },
    ]);

    // The deployment's function gets a role of its own, writing only its own log group (no AWS managed policy).
    const deployLogs = new LogGroup(this, 'DeployLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const deployRole = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the console files into their bucket',
    });
    deployLogs.grantWrite(deployRole);
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(CONSOLE_DIR, {
          bundling: {
            // Never used: bundling is local (esbuild, as for the Lambdas); a failure there fails the synth.
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-alpine'),
            local: {
              tryBundle(outputDir) {
                bundleConsole(outputDir);
                return true;
              },
            },
          },
        }),
        // How the console signs its calls on AWS: for the API's own host, stage and region
        // (functions/console/signing.ts).
        Source.jsonData(CONSOLE_CONFIG_KEY, {
          signing: {
            host: `${props.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`,
            pathPrefix: `/${props.api.deploymentStage.stageName}`,
            region: Aws.REGION,
          },
        }),
      ],
      prune: true,
      // Deleting the stack removes the files, then the (empty) bucket.
      retainOnDelete: false,
      role: deployRole,
      logGroup: deployLogs,
      memoryLimit: 256,
    });
    this.suppressDeploymentFindings(deployRole, stack);
    this.url = `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * BucketDeployment is CDK's own custom resource: its role gets CDK's grants (read the staged asset in the bootstrap
   * bucket, write and prune the console bucket), and its function runs the Python runtime CDK pins.
   */
  private suppressDeploymentFindings(role: Role, stack: Stack): void {
    const qualifier = String(
      stack.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER,
    );
    const files = stack.resolve((this.bucket.node.defaultChild as CfnResource).logicalId) as string;
    const grant = (finding: string, why: string) => ({
      id: 'AwsSolutions-IAM5',
      reason:
        `CDK's BucketDeployment grant, ${why}: the deployment function runs only while CloudFormation deploys ` +
        `the stack.`,
      appliesTo: [finding],
    });
    NagSuppressions.addResourceSuppressions(
      role,
      [
        grant(
          'Action::s3:GetObject*',
          'reading the console files CDK staged in the bootstrap asset bucket (GetObject and its variants)',
        ),
        grant(
          'Action::s3:GetBucket*',
          'reading the bootstrap asset bucket\u2019s and the console bucket\u2019s location and settings',
        ),
        grant('Action::s3:List*', 'listing the console bucket to prune files a new version no longer has'),
        grant(
          `Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*`,
          'on the objects of the bootstrap asset bucket, whose staged file names are content hashes known only ' +
            'at deploy',
        ),
        grant(
          'Action::s3:DeleteObject*',
          'deleting console files a new version no longer has (prune) and all of them when the stack is deleted',
        ),
        grant('Action::s3:Abort*', 'aborting its own multipart uploads into the console bucket'),
        grant(`Resource::<${files}.Arn>/*`, 'on the objects of the console bucket only'),
      ],
      true,
    );
    const handler = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!handler) throw new Error('ConsoleHosting: the BucketDeployment handler was not found in the stack');
    NagSuppressions.addResourceSuppressions(handler, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'CDK\u2019s BucketDeployment handler (Python, with the AWS CLI layer), whose runtime aws-cdk-lib pins ' +
          'and moves with its releases; it runs only during deploys, never on a request.',
      },
    ]);
  }
}
