#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { POWERTOOLS_LAYER_CONTEXT, powertoolsSourceOf } from '../constructs/lambda-bundling.ts';
import { DEFAULT_API_RATE_LIMIT, ExchangeStack } from '../stacks/exchange-stack.ts';
import { TOPOLOGY } from '../topology.ts';

// Context and environment are read once here and passed down as typed props.
const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const retainData = stage === 'prod';
const archiveRetentionDays = Number(app.node.tryGetContext('archiveRetentionDays') ?? 365);
if (!Number.isInteger(archiveRetentionDays) || archiveRetentionDays < 0) {
  throw new Error(
    `context archiveRetentionDays must be a whole number of days >= 0 (0 = keep forever), got ${archiveRetentionDays}`,
  );
}
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(String(alarmEmail))) {
  throw new Error(
    `context alarmEmail must be an e-mail address for the alarm topic, got ${JSON.stringify(alarmEmail)}`,
  );
}
// -c waf=false for LocalStack, whose free tier has no WAFv2.
const waf = String(app.node.tryGetContext('waf') ?? 'true');
if (waf !== 'true' && waf !== 'false') throw new Error(`context waf must be true or false, got ${JSON.stringify(waf)}`);
// -c console=false for LocalStack, whose free tier has neither CloudFront nor Lambda layers.
const consoleContext = String(app.node.tryGetContext('console') ?? 'true');
if (consoleContext !== 'true' && consoleContext !== 'false')
  throw new Error(`context console must be true or false, got ${JSON.stringify(consoleContext)}`);
// -c powertoolsLayer=false for LocalStack, whose free tier has no Lambda layers: Powertools is bundled in instead.
// Checked here so a wrong value fails before synthesis; every ExchangeFunction reads it from the context (the stack
// has no one place that creates them all).
powertoolsSourceOf(app.node.tryGetContext(POWERTOOLS_LAYER_CONTEXT));
const rateLimitPerFiveMinutes = Number(app.node.tryGetContext('apiRateLimit') ?? DEFAULT_API_RATE_LIMIT);
if (!Number.isInteger(rateLimitPerFiveMinutes) || rateLimitPerFiveMinutes < 10) {
  throw new Error(
    `context apiRateLimit must be a whole number of requests per client IP per 5 minutes, at least 10 (WAF's ` +
      `minimum), got ${rateLimitPerFiveMinutes}`,
  );
}

new ExchangeStack(app, `MigrationExchange-${stage}`, {
  topology: TOPOLOGY,
  retainData,
  archiveRetentionDays,
  ...(alarmEmail ? { alarmEmail } : {}),
  firewall: waf === 'true' ? { rateLimitPerFiveMinutes } : false,
  console: consoleContext === 'true',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description:
    'migration-exchange: inter-agency migration data exchange (EventBridge, SQS, Lambda, DynamoDB, CloudFront console)',
});
