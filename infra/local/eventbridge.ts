/**
 * The local EventBridge: the stack's bus and the rules the template routes to queues, PutEvents
 * (who may publish which source is the template's IAM, decided before a call gets here: ./iam),
 * TestEventPattern and the read-only
 * describe/list calls. Matching events become messages on the rules' queues,
 * persisted before PutEvents answers.
 */
import type { BusEvent } from '../../schemas/envelope.ts';
import type { RefusedEntry } from './authorize.ts';
import { AwsError, validationError } from './aws-protocol.ts';
import type { Principal } from './credentials.ts';
import { type CompiledPattern, compilePattern, InvalidEventPatternError } from './event-pattern.ts';
import { depthProblem, MAX_JSON_DEPTH, parseBoundedJson } from './json-limits.ts';
import { checkRequest, type EntryOutcome, toBusEvent } from './put-events.ts';
import type { Queues } from './queues.ts';

export const ACCOUNT = '000000000000';

export interface LocalRule {
  readonly name: string;
  readonly busName: string;
  readonly pattern: string;
  readonly compiled: CompiledPattern;
  readonly description: string;
  readonly queue: string;
}

type Body = Record<string, unknown>;

export class LocalEventBridge {
  readonly buses: ReadonlySet<string>;
  readonly rules: readonly LocalRule[];

  /** `rules`: the template's pattern rules on the stack's bus, each with the queue it targets. */
  constructor(
    busName: string,
    rules: readonly {
      readonly name: string;
      readonly pattern: Record<string, unknown>;
      readonly description: string;
      readonly queue: string;
    }[],
    private readonly queues: Queues,
    readonly region: string,
  ) {
    this.buses = new Set(['default', busName]);
    this.rules = rules.map((rule) => ({
      name: rule.name,
      busName,
      pattern: JSON.stringify(rule.pattern),
      compiled: compilePattern(rule.pattern),
      description: rule.description,
      queue: rule.queue,
    }));
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${ACCOUNT}:event-bus/${name}`;
  }

  ruleArn(rule: LocalRule): string {
    return `arn:aws:events:${this.region}:${ACCOUNT}:rule/${rule.busName}/${rule.name}`;
  }

  queueArn(queue: string): string {
    return `arn:aws:sqs:${this.region}:${ACCOUNT}:${queue}`;
  }

  /** `refusedEntries`: the PutEvents entries IAM refused on their own (by index); they fail, the others publish. */
  async handle(operation: string, body: Body, _principal: Principal, refusedEntries: readonly RefusedEntry[] = []) {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(body, refusedEntries);
      case 'TestEventPattern':
        return this.testEventPattern(body);
      case 'ListEventBuses':
        return {
          EventBuses: [...this.buses]
            .filter((n) => n.startsWith(String(body.NamePrefix ?? '')))
            .map((Name) => ({ Name, Arn: this.busArn(Name) })),
        };
      case 'DescribeEventBus':
        return this.describeEventBus(body);
      case 'ListRules':
        return this.listRules(body);
      case 'DescribeRule':
        return this.describeRule(body);
      case 'ListTargetsByRule': {
        const rule = this.findRule(body);
        return { Targets: [{ Id: 'Target0', Arn: this.queueArn(rule.queue) }] };
      }
      default:
        throw new AwsError('UnknownOperationException', `The local cloud does not implement EventBridge ${operation}`);
    }
  }

  /**
   * Publishes already-built events (used by PutEvents and by replays): persists every
   * matching queue message in one write.
   */
  async publish(events: readonly { event: BusEvent; busName: string }[]): Promise<void> {
    const messages = [];
    for (const { event, busName } of events) {
      let body: string | undefined;
      for (const rule of this.rules) {
        if (rule.busName !== busName || !rule.compiled.matches(event)) continue;
        body ??= JSON.stringify(event);
        messages.push(...this.queues.prepare(rule.queue, [body]));
      }
    }
    await this.queues.send(messages);
  }

  private async putEvents(body: Body, refusedEntries: readonly RefusedEntry[]) {
    const entries = checkRequest(body);
    const refused = new Map(refusedEntries.map((r) => [r.entry, r]));
    const now = new Date();
    const outcomes = entries.map((entry, index): EntryOutcome => {
      // An entry wrong in itself (its Detail, a bus that does not exist) says so before IAM's refusal of it.
      const outcome = toBusEvent(entry ?? {}, { account: ACCOUNT, region: this.region, now, buses: this.buses });
      const refusal = refused.get(index);
      return outcome.ok && refusal ? { ok: false, ErrorCode: refusal.code, ErrorMessage: refusal.message } : outcome;
    });
    await this.publish(outcomes.filter((o) => o.ok));
    return {
      FailedEntryCount: outcomes.filter((o) => !o.ok).length,
      Entries: outcomes.map((o) =>
        o.ok ? { EventId: o.event.id } : { ErrorCode: o.ErrorCode, ErrorMessage: o.ErrorMessage },
      ),
    };
  }

  private testEventPattern(body: Body) {
    if (typeof body.EventPattern !== 'string')
      throw validationError(
        "1 validation error detected: Value null at 'eventPattern' failed to satisfy constraint: Member must not " +
          'be null',
      );
    if (typeof body.Event !== 'string')
      throw validationError(
        "1 validation error detected: Value null at 'event' failed to satisfy constraint: Member must not be null",
      );
    // Both are bounded before anything recursive (the compiler, the matcher) sees them.
    const patternTooDeep = depthProblem(body.EventPattern);
    if (patternTooDeep)
      throw new AwsError(
        'InvalidEventPatternException',
        `Event pattern is not valid. Reason: the pattern is ${patternTooDeep}`,
      );
    let compiled: CompiledPattern;
    try {
      compiled = compilePattern(body.EventPattern);
    } catch (error) {
      if (error instanceof InvalidEventPatternError) throw new AwsError('InvalidEventPatternException', error.message);
      throw error;
    }
    const parsed = parseBoundedJson(body.Event);
    if (!parsed.ok) {
      throw validationError(
        parsed.reason === 'too-deep'
          ? `Parameter Event is not valid. Reason: the event is ${parsed.problem} (at most ${MAX_JSON_DEPTH})`
          : 'Parameter Event is not valid.',
      );
    }
    const event = parsed.value;
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      throw validationError('Parameter Event is not valid.');
    return { Result: compiled.matches(event) };
  }

  private describeEventBus(body: Body) {
    const name = typeof body.Name === 'string' && body.Name ? body.Name.replace(/^arn:.*:event-bus\//, '') : 'default';
    if (!this.buses.has(name)) throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return { Name: name, Arn: this.busArn(name) };
  }

  private listRules(body: Body) {
    const busName = typeof body.EventBusName === 'string' && body.EventBusName ? body.EventBusName : 'default';
    if (!this.buses.has(busName))
      throw new AwsError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    const prefix = typeof body.NamePrefix === 'string' ? body.NamePrefix : '';
    return {
      Rules: this.rules.filter((r) => r.busName === busName && r.name.startsWith(prefix)).map((r) => this.describe(r)),
    };
  }

  private describeRule(body: Body) {
    return { ...this.describe(this.findRule(body)), CreatedBy: ACCOUNT };
  }

  private describe(rule: LocalRule) {
    return {
      Name: rule.name,
      Arn: this.ruleArn(rule),
      EventPattern: rule.pattern,
      State: 'ENABLED',
      Description: rule.description,
      EventBusName: rule.busName,
    };
  }

  private findRule(body: Body): LocalRule {
    const busName = typeof body.EventBusName === 'string' && body.EventBusName ? body.EventBusName : 'default';
    const name = String(body.Name ?? body.Rule ?? '');
    const rule = this.rules.find((r) => r.name === name && r.busName === busName);
    if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${busName}.`);
    return rule;
  }
}
