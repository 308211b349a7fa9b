/**
 * `AWS::Events::Rule`: rules with an `EventPattern` route the bus's events to
 * SQS targets; rules with a `ScheduleExpression` invoke a function on a schedule.
 */
import { IntrinsicError } from '../intrinsics.ts';
import { physicalName } from '../names.ts';
import type { CfnTemplate } from '../template-types.ts';
import { ofType, props, targetOf } from './common.ts';

export interface LocalPatternRule {
  readonly logicalId: string;
  readonly name: string;
  readonly busLogicalId: string;
  readonly pattern: Record<string, unknown>;
  readonly description: string;
  /** Logical ids of the target queues. */
  readonly targets: readonly string[];
}

export interface LocalSchedule {
  readonly logicalId: string;
  readonly name: string;
  /** `rate(…)` or `cron(…)`, as EventBridge takes it. */
  readonly expression: string;
  /** Logical ids of the target functions. */
  readonly targets: readonly string[];
}

export function rulesOf(template: CfnTemplate): { patterns: LocalPatternRule[]; schedules: LocalSchedule[] } {
  const patterns: LocalPatternRule[] = [];
  const schedules: LocalSchedule[] = [];
  for (const entry of ofType(template, 'AWS::Events::Rule')) {
    const p = props(entry);
    const where = `${entry[0]}.Properties`;
    if (p.State !== undefined && p.State !== 'ENABLED') continue;
    const targets = ((p.Targets ?? []) as { Arn?: unknown }[]).map((t, i) =>
      targetOf(t.Arn, `${where}.Targets[${i}].Arn`),
    );
    if (typeof p.ScheduleExpression === 'string') {
      schedules.push({ logicalId: entry[0], name: physicalName(...entry), expression: p.ScheduleExpression, targets });
    } else if (typeof p.EventPattern === 'object' && p.EventPattern !== null) {
      if (p.EventBusName === undefined)
        throw new IntrinsicError(
          where,
          'a pattern rule on the default bus: the local cloud runs the stack\u2019s own bus only',
        );
      patterns.push({
        logicalId: entry[0],
        name: physicalName(...entry),
        busLogicalId: targetOf(p.EventBusName, `${where}.EventBusName`),
        pattern: p.EventPattern as Record<string, unknown>,
        description: typeof p.Description === 'string' ? p.Description : '',
        targets,
      });
    } else {
      throw new IntrinsicError(where, 'a rule with neither EventPattern nor ScheduleExpression');
    }
  }
  return { patterns, schedules };
}
