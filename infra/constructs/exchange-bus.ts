import { Duration, Stack } from 'aws-cdk-lib';
import { Archive, EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import {
  AccountRootPrincipal,
  ArnPrincipal,
  Effect,
  type IPrincipal,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { Agency } from '../topology.ts';

export interface ExchangeBusProps {
  readonly agencies: readonly Agency[];
  /** Principal allowed to assume each agency's publisher role (default: this account). */
  readonly agencyTrust?: IPrincipal;
  /** Days the bus archive keeps events (0 = forever). */
  readonly archiveRetentionDays: number;
}

/**
 * The custom event bus, one publisher role per agency, and a bus resource
 * policy that lets each agency put events only under its own sources
 * (the `events:source` condition key:
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html).
 */
export class ExchangeBus extends Construct {
  readonly bus: IEventBus;
  readonly publisherRoles: ReadonlyMap<string, Role>;

  constructor(scope: Construct, id: string, props: ExchangeBusProps) {
    super(scope, id);
    const bus = new EventBus(this, 'Bus', { description: 'Inter-agency migration data exchange' });
    this.bus = bus;

    const roles = new Map<string, Role>();
    for (const agency of props.agencies) {
      const role = new Role(this, `Publisher-${agency.id}`, {
        assumedBy: props.agencyTrust ?? new AccountRootPrincipal(),
        description: `${agency.name}: publishes ${agency.sources.join(', ')} to the exchange bus`,
      });
      const onlyOwnSources = { StringEquals: { 'events:source': [...agency.sources] } };
      role.addToPolicy(
        new PolicyStatement({
          actions: ['events:PutEvents'],
          resources: [bus.eventBusArn],
          conditions: onlyOwnSources,
        }),
      );
      bus.addToResourcePolicy(
        new PolicyStatement({
          sid: `PublishAs-${agency.id}`,
          effect: Effect.ALLOW,
          principals: [new ArnPrincipal(role.roleArn)],
          actions: ['events:PutEvents'],
          resources: [bus.eventBusArn],
          conditions: onlyOwnSources,
        }),
      );
      roles.set(agency.id, role);
    }
    this.publisherRoles = roles;

    // LocalStack skips AWS::Events::Archive; the exchange log is the archive that works everywhere.
    new Archive(this, 'Archive', {
      sourceEventBus: bus,
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.archiveRetentionDays > 0 ? Duration.days(props.archiveRetentionDays) : undefined,
      description: 'Every event on the exchange bus, for EventBridge replay',
    });
  }
}
