/**
 * Physical names on the local cloud. CloudFormation generates most names on
 * AWS; locally they must be deterministic, so a data dir survives restarts,
 * and stay the names existing data dirs hold. A construct may say a name
 * (`mx:local-name` metadata, e.g. a subscription's `mx-<name>` queues);
 * otherwise the name is the resource's construct path without the stack and
 * CDK's `Resource` leaf, joined with `-` (a table `MxLocal/ExchangeLog/Resource`
 * is `ExchangeLog`).
 */
import { LOCAL_NAME_METADATA, PATH_METADATA } from '../../template-metadata.ts';
import type { CfnResourceDefinition } from './template-types.ts';

export function physicalName(logicalId: string, resource: CfnResourceDefinition): string {
  const hinted = resource.Metadata?.[LOCAL_NAME_METADATA];
  if (typeof hinted === 'string' && hinted) return hinted;
  const constructPath = resource.Metadata?.[PATH_METADATA];
  if (typeof constructPath !== 'string') return logicalId;
  const parts = constructPath.split('/').slice(1);
  if (parts.at(-1) === 'Resource') parts.pop();
  return parts.length ? parts.join('-') : logicalId;
}
