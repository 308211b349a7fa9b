/** `AWS::IAM::Role`: each gets a name (and, on the cloud, a local key pair); its policies stay data for IAM. */
import { physicalName } from '../names.ts';
import type { CfnTemplate } from '../template-types.ts';
import { ofType } from './common.ts';

export interface LocalRole {
  readonly logicalId: string;
  readonly name: string;
}

export function rolesOf(template: CfnTemplate): LocalRole[] {
  return ofType(template, 'AWS::IAM::Role').map((entry) => ({ logicalId: entry[0], name: physicalName(...entry) }));
}
