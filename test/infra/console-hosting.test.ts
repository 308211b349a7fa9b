import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { bundleConsole, CONSOLE_CONFIG_KEY, CONSOLE_SCRIPT_KEY } from '../../infra/constructs/console-hosting.ts';
import { API_STAGE } from '../../infra/constructs/exchange-api.ts';
import { contentSecurityPolicy, serveConsole } from '../../infra/local/console.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import { logicalIdOf, renderIntrinsic, templateOf } from './synth.ts';

// A synthesized CloudFormation template is untyped JSON; the assertions below are what pin its shape.
// biome-ignore lint/suspicious/noExplicitAny: see above.
type Untyped = Record<string, any>;

const { template, resources, ofType, json } = templateOf();
const html = readFileSync(path.join(REPO_ROOT, 'functions/console/index.html'), 'utf8');
const [distributionId, distribution] = ofType('AWS::CloudFront::Distribution')[0]!;
const config = distribution.Properties.DistributionConfig as Untyped;
const [apiId] = ofType('AWS::ApiGateway::RestApi')[0]!;
const [stageId] = ofType('AWS::ApiGateway::Stage')[0]!;
const bucketId = Object.keys(resources).find(
  (id) => id.startsWith('ConsoleFiles') && resources[id]!.Type === 'AWS::S3::Bucket',
)!;
const logBucketId = Object.keys(resources).find(
  (id) => id.startsWith('ConsoleAccessLogs') && resources[id]!.Type === 'AWS::S3::Bucket',
)!;

/** CloudFront's managed policies (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

/** What the local cloud sends with the console page, header by header. */
async function localConsoleHeaders(): Promise<Record<string, string>> {
  const server = createServer((req, res) => void serveConsole(req.url ?? '/', res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return headers;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('console files', () => {
  it('sit in a private, encrypted, TLS-only bucket with access logs', () => {
    expect(resources[bucketId]!.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucketId } },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('may be read by this distribution only, through an origin access control', () => {
    const [, policy] = ofType('AWS::S3::BucketPolicy').find(([, p]) => logicalIdOf(p.Properties.Bucket) === bucketId)!;
    const allows = (policy.Properties.PolicyDocument as { Statement: Untyped[] }).Statement.filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
    expect(renderIntrinsic(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toContain(`<Ref:${distributionId}>`);
    const s3Origin = config.Origins.find((o: Untyped) => o.S3OriginConfig);
    expect(s3Origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [expect.any(String), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      },
    });
  });

  it('are the page as written and its script bundled by esbuild, where the page loads it from', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mx-console-'));
    try {
      bundleConsole(dir);
      expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe(html);
      expect(html).toContain(`<script src="/${CONSOLE_SCRIPT_KEY}"></script>`);
      const script = readFileSync(path.join(dir, CONSOLE_SCRIPT_KEY), 'utf8');
      // An IIFE for the browser that signs with session tokens and reads its signing target.
      expect(script.startsWith('(()=>{') || script.startsWith('"use strict";(()=>{')).toBe(true);
      expect(script).toContain(CONSOLE_CONFIG_KEY);
      expect(script.toLowerCase()).toContain('x-amz-security-token');
      expect(existsSync(path.join(dir, 'app.ts'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are deployed with the signing target: the API\u2019s execute-api host, its stage, the region', () => {
    const [, deployment] = ofType('Custom::CDKBucketDeployment')[0]!;
    expect(deployment.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      Prune: true,
      RetainOnDelete: false,
    });
    // Source.jsonData's deploy-time values travel as markers the deployment substitutes.
    const markers = JSON.stringify(deployment.Properties.SourceMarkers);
    expect(markers).toContain(`{"Ref":"${apiId}"}`);
    expect(markers).toContain(`{"Ref":"${stageId}"}`);
    expect(markers).toContain('{"Ref":"AWS::Region"}');
    expect(markers).toContain('{"Ref":"AWS::URLSuffix"}');
  });
});

describe('console distribution', () => {
  it('serves the page at / over HTTPS, uncached, and logs every request', () => {
    expect(config).toMatchObject({
      Enabled: true,
      DefaultRootObject: 'index.html',
      HttpVersion: 'http2and3',
      Logging: { Bucket: { 'Fn::GetAtt': [logBucketId, 'RegionalDomainName'] }, Prefix: 'cloudfront/' },
      DefaultCacheBehavior: {
        ViewerProtocolPolicy: 'redirect-to-https',
        AllowedMethods: ['GET', 'HEAD'],
        CachePolicyId: CACHING_DISABLED,
      },
    });
    template.hasOutput('ConsoleUrl', {
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] },
    });
  });

  it.each(['/api/*', '/commands/*'])(
    'sends %s to the REST API on its own host, the stage prepended, every header but Host forwarded, nothing cached',
    (pathPattern) => {
      const behavior = config.CacheBehaviors.find((b: Record<string, unknown>) => b.PathPattern === pathPattern);
      expect(behavior).toMatchObject({
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      });
      const origin = config.Origins.find((o: Record<string, unknown>) => o.Id === behavior.TargetOriginId);
      expect(origin).toMatchObject({
        CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      });
      // The execute-api host and the stage, both taken from the API's URL.
      expect(JSON.stringify(origin.DomainName)).toContain(apiId);
      expect(JSON.stringify(origin.OriginPath)).toContain(stageId);
      expect(API_STAGE).toBe('v1');
    },
  );

  it('adds the headers the local cloud sends with the page (its CSP included), and HSTS', async () => {
    const policyId = logicalIdOf(config.DefaultCacheBehavior.ResponseHeadersPolicyId)!;
    const policy = resources[policyId]!.Properties.ResponseHeadersPolicyConfig as Untyped;
    const security = policy.SecurityHeadersConfig;
    const sent: Record<string, string> = {
      'content-security-policy': security.ContentSecurityPolicy.ContentSecurityPolicy,
      // CloudFront's ContentTypeOptions sends nosniff, its only value.
      ...(security.ContentTypeOptions ? { 'x-content-type-options': 'nosniff' } : {}),
      'x-frame-options': security.FrameOptions.FrameOption,
      'referrer-policy': security.ReferrerPolicy.ReferrerPolicy,
      ...Object.fromEntries(
        policy.CustomHeadersConfig.Items.map((h: { Header: string; Value: string }) => [h.Header, h.Value]),
      ),
    };
    const local = await localConsoleHeaders();
    for (const name of ['content-type', 'content-length', 'date', 'connection', 'keep-alive']) delete local[name];
    expect(sent).toEqual(local);
    expect(sent['content-security-policy']).toBe(contentSecurityPolicy(html));
    expect(security.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    for (const header of [
      security.ContentSecurityPolicy,
      security.ContentTypeOptions,
      security.FrameOptions,
      security.ReferrerPolicy,
      ...policy.CustomHeadersConfig.Items,
    ])
      expect(header.Override).toBe(true);
  });

  it('keeps API answers out of browser caches', () => {
    const behavior = config.CacheBehaviors.find((b: Record<string, unknown>) => b.PathPattern === '/api/*');
    const policy = resources[logicalIdOf(behavior.ResponseHeadersPolicyId)!]!.Properties
      .ResponseHeadersPolicyConfig as Untyped;
    expect(policy.CustomHeadersConfig.Items).toEqual([{ Header: 'cache-control', Value: 'no-store', Override: true }]);
    expect(policy.SecurityHeadersConfig).toMatchObject({
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer' },
    });
  });

  it('keeps its access logs when the stack is deleted, and its log bucket\u2019s logical id (it holds them)', () => {
    expect(resources[logBucketId]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } },
    });
    expect(logBucketId).toBe('ConsoleAccessLogs1A46EB79');
  });

  it('is left out with console=false (LocalStack), and the API stays', () => {
    const without = templateOf({ console: false });
    expect(without.ofType('AWS::CloudFront::Distribution')).toEqual([]);
    // Only the Merkle checkpoints' bucket stays (test/infra/transparency-log.test.ts).
    expect(without.ofType('AWS::S3::Bucket').map(([id]) => id)).toEqual([
      expect.stringMatching(/^TransparencyCheckpoints/),
    ]);
    expect(without.json.Outputs?.ConsoleUrl).toBeUndefined();
    expect(without.json.Outputs?.ApiUrl).toBeDefined();
    expect(json.Outputs?.ConsoleUrl).toBeDefined();
  });
});
