import { Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiFirewallProps {
  readonly stage: Stage;
  /** Requests one client IP may make in any 5 minutes before WAF blocks it. */
  readonly rateLimitPerFiveMinutes: number;
}

/**
 * A regional WAF web ACL on the API stage: AWS's IP reputation list, a per-IP
 * rate limit, and the core and known-bad-input managed rule groups. IAM
 * authorisation already refuses unsigned callers; this stops floods and
 * known exploit probes before they cost an authorisation or an invocation.
 */
export class ApiFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    if (!Number.isInteger(props.rateLimitPerFiveMinutes) || props.rateLimitPerFiveMinutes < 10) {
      throw new Error(
        `ApiFirewall rateLimitPerFiveMinutes must be a whole number >= 10 (WAF's minimum), got ` +
          `${props.rateLimitPerFiveMinutes}`,
      );
    }
    const metricPrefix = Stack.of(this).stackName.replace(/[^A-Za-z0-9_-]/g, '');
    const visibility = (name: string): CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${metricPrefix}-${name}`,
    });
    const managed = (priority: number, name: string, countInstead: readonly string[] = []): CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ...(countInstead.length
            ? { ruleActionOverrides: countInstead.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
            : {}),
        },
      },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'migration-exchange API: IP reputation, per-IP rate limit, AWS core and known-bad-input rules',
      visibilityConfig: visibility('api'),
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimitPerFiveMinutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-limit'),
        },
        // SizeRestrictions_BODY blocks bodies over 8 KB, and a batch of up to 100 commands is a legitimate larger body:
        // count it instead (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html).
        managed(2, 'AWSManagedRulesCommonRuleSet', ['SizeRestrictions_BODY']),
        managed(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
    const association = new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
    // The stage ARN is built from the stage's name, not a reference, so CloudFormation must
    // be told to wait for the stage.
    association.node.addDependency(props.stage);
  }
}
