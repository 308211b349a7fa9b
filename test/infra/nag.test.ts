import { Aspects, type Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { ExchangeStackProps } from '../../infra/stacks/exchange-stack.ts';
import { type CfnResource, synthExchangeStack, templateOf } from './synth.ts';

const AWS_SOLUTIONS = Match.stringLikeRegexp('AwsSolutions-.*');
const ruleOf = (message: string) => /AwsSolutions-[A-Z]+\d+/.exec(message)?.[0] ?? message;

/** Runs cdk-nag's AwsSolutions pack over a fresh stack; `extend` may add resources first. */
function nag(props: Partial<ExchangeStackProps> = {}, extend?: (stack: Stack) => void) {
  const { stack } = synthExchangeStack(props);
  extend?.(stack);
  // logIgnores: a suppressed finding becomes an info annotation, so the suppressions themselves can be counted.
  Aspects.of(stack).add(new AwsSolutionsChecks({ logIgnores: true, reports: false }));
  const annotations = Annotations.fromStack(stack);
  const findings = (messages: ReturnType<Annotations['findError']>) =>
    messages.map((m) => `${m.id}: ${String(m.entry.data).trim()}`);
  const suppressed: Record<string, number> = {};
  for (const m of annotations.findInfo('*', AWS_SOLUTIONS)) {
    const rule = ruleOf(String(m.entry.data));
    suppressed[rule] = (suppressed[rule] ?? 0) + 1;
  }
  return {
    stack,
    errors: findings(annotations.findError('*', AWS_SOLUTIONS)),
    warnings: findings(annotations.findWarning('*', AWS_SOLUTIONS)),
    suppressed,
  };
}

interface Suppression {
  readonly id: string;
  readonly reason: string;
  readonly is_reason_encoded?: boolean;
  readonly applies_to?: unknown[];
}

function suppressionsIn(resources: Record<string, CfnResource>): { resource: string; suppression: Suppression }[] {
  return Object.entries(resources).flatMap(([resource, r]) =>
    ((r.Metadata?.cdk_nag as { rules_to_suppress?: Suppression[] } | undefined)?.rules_to_suppress ?? []).map(
      (suppression) => ({ resource, suppression }),
    ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds no unsuppressed error or warning in the stack as deployed to AWS', () => {
    const { errors, warnings } = nag();
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('finds none either without the firewall and the console (LocalStack: -c waf=false -c console=false)', () => {
    const { errors, warnings } = nag({ firewall: false, console: false });
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('suppresses exactly the findings the design accepts, so a new one is a deliberate change to this test', () => {
    // SMG4: the person-key secret must not rotate; IAM5: the operators' {resource} path parameter (4), the index/*
    // of the tables with indexes (the exchange log; Berkut's registry, for its projector and its command function),
    // cloudwatch:GetMetricData, which has no resource but * (the exchange routes), and the Merkle checkpointer's
    // objects of its own checkpoint bucket (named as they are signed); S1: that bucket of locked, signed checkpoints
    // keeps no access log; IAM4: API Gateway's account logging role; COG4: IAM authorisation on all 12 methods; L1: the
    // 18 functions run the nodejs22.x the platform targets. IAM5 again for the 17 functions' own X-Ray traces, whose
    // actions take no resource but *.
    const accepted = {
      'AwsSolutions-SMG4': 1,
      'AwsSolutions-IAM5': 9 + 17,
      'AwsSolutions-IAM4': 1,
      'AwsSolutions-COG4': 12,
      'AwsSolutions-L1': 18,
      'AwsSolutions-S1': 1,
    };
    // The console: CDK's BucketDeployment (its 7 S3 grants, its Python runtime), no geo restriction (CFR1), no
    // CLOUDFRONT-scope web ACL outside us-east-1 (CFR2), the default *.cloudfront.net certificate (CFR4).
    const consoleFindings = {
      'AwsSolutions-IAM5': 7,
      'AwsSolutions-L1': 1,
      'AwsSolutions-CFR1': 1,
      'AwsSolutions-CFR2': 1,
      'AwsSolutions-CFR4': 1,
    };
    const plus = (a: Record<string, number>, b: Record<string, number>) =>
      Object.fromEntries(
        [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, (a[k] ?? 0) + (b[k] ?? 0)]),
      );
    expect(nag().suppressed).toEqual(plus(accepted, consoleFindings));
    expect(nag({ firewall: false, console: false }).suppressed).toEqual({ ...accepted, 'AwsSolutions-APIG3': 1 });
  });

  it(
    'keeps every suppression on its resource, with a written reason, ' + 'and wildcard ones bound to the exact finding',
    () => {
      const { json } = templateOf();
      // Never a blanket suppression for the whole stack.
      expect(json.Metadata?.cdk_nag).toBeUndefined();
      const suppressions = suppressionsIn(json.Resources);
      expect(suppressions.length).toBeGreaterThan(0);
      for (const { resource, suppression } of suppressions) {
        const reason = suppression.is_reason_encoded
          ? Buffer.from(suppression.reason, 'base64').toString()
          : suppression.reason;
        expect(reason.length, `${resource} ${suppression.id}`).toBeGreaterThanOrEqual(60);
        if (suppression.id === 'AwsSolutions-IAM4' || suppression.id === 'AwsSolutions-IAM5') {
          expect(
            suppression.applies_to,
            `${resource} ${suppression.id} must name the policy or resource it accepts`,
          ).toHaveLength(1);
          expect(JSON.stringify(suppression.applies_to)).not.toContain('regex');
        }
      }
    },
  );

  it('would fail on a new finding: a queue with neither a DLQ nor a TLS-only policy', () => {
    const { errors } = nag({}, (stack) => new Queue(stack, 'Careless'));
    expect(
      errors
        .filter((e) => e.startsWith('/MxTest/Careless/'))
        .map(ruleOf)
        .sort(),
    ).toEqual(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']);
  });
});
