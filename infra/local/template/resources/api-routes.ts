/**
 * The REST API's `AWS::ApiGateway::Resource` tree and `AWS::ApiGateway::Method`s
 * with Lambda proxy integrations: which function serves which path and method.
 */
import { IntrinsicError } from '../intrinsics.ts';
import type { CfnTemplate } from '../template-types.ts';
import { ofType, props, targetOf } from './common.ts';

export interface LocalRoute {
  readonly logicalId: string;
  readonly method: string;
  /** The resource path as API Gateway names it (`/api/views/interior/{resource}`). */
  readonly resource: string;
  readonly functionLogicalId: string;
  readonly authorizationType: string;
}

/** The logical ids a value names through `Fn::GetAtt [X, 'Arn']` (so a proxy integration's URI names its function). */
function arnTargets(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) arnTargets(v, found);
  else if (typeof value === 'object' && value !== null) {
    const att = (value as Record<string, unknown>)['Fn::GetAtt'];
    if (Array.isArray(att) && att[1] === 'Arn' && typeof att[0] === 'string') found.push(att[0]);
    else for (const v of Object.values(value)) arnTargets(v, found);
  }
  return found;
}

export function routesOf(template: CfnTemplate): LocalRoute[] {
  const resources = new Map(ofType(template, 'AWS::ApiGateway::Resource').map((entry) => [entry[0], props(entry)]));
  const pathOf = (logicalId: string, where: string, depth = 0): string => {
    const resource = resources.get(logicalId);
    // The root resource is an attribute of the RestApi (`Fn::GetAtt [Api, RootResourceId]`).
    if (!resource) return '';
    if (depth > 32) throw new IntrinsicError(where, 'the API resource tree has a cycle');
    const parent = resource.ParentId as { Ref?: string } | undefined;
    const parentPath = parent?.Ref ? pathOf(parent.Ref, where, depth + 1) : '';
    return `${parentPath}/${String(resource.PathPart)}`;
  };
  return ofType(template, 'AWS::ApiGateway::Method').flatMap((entry) => {
    const p = props(entry);
    const where = `${entry[0]}.Properties`;
    const integration = p.Integration as { Type?: string; Uri?: unknown } | undefined;
    if (p.HttpMethod === 'OPTIONS' && integration?.Type === 'MOCK') return [];
    if (integration?.Type !== 'AWS_PROXY')
      throw new IntrinsicError(
        `${where}.Integration`,
        `the local API runs Lambda proxy integrations only, got ${integration?.Type}`,
      );
    const functions = arnTargets(integration.Uri).filter(
      (id) => template.Resources[id]?.Type === 'AWS::Lambda::Function',
    );
    if (functions.length !== 1) throw new IntrinsicError(`${where}.Integration.Uri`, 'names no single Lambda function');
    const resourceId = targetOf(p.ResourceId, `${where}.ResourceId`);
    return [
      {
        logicalId: entry[0],
        method: String(p.HttpMethod),
        resource: pathOf(resourceId, where) || '/',
        functionLogicalId: functions[0]!,
        authorizationType: String(p.AuthorizationType ?? 'NONE'),
      },
    ];
  });
}
