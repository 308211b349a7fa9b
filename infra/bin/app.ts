#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { ExchangeStack } from '../stacks/exchange-stack.ts';
import { TOPOLOGY } from '../topology.ts';

// Context and environment are read once here and passed down as typed props.
const app = new App();
const stage = String(app.node.tryGetContext('stage') ?? 'dev');
const retainData = stage === 'prod';
const archiveRetentionDays = Number(app.node.tryGetContext('archiveRetentionDays') ?? 365);
if (!Number.isInteger(archiveRetentionDays) || archiveRetentionDays < 0) {
  throw new Error(`context archiveRetentionDays must be a whole number of days >= 0 (0 = keep forever), got ${archiveRetentionDays}`);
}

new ExchangeStack(app, `MigrationExchange-${stage}`, {
  topology: TOPOLOGY,
  retainData,
  archiveRetentionDays,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'migration-exchange: inter-agency migration data exchange (EventBridge, SQS, Lambda, DynamoDB)',
});
