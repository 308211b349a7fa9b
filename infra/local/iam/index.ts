/** IAM from the template, enforced on the local cloud: one call builds the authorizer the dispatch path asks. */
import { StackAuthorizer } from './authorize.ts';
import { firstOf, type IamTemplate, LOCAL_PLACE, type Place, type Resolve, templateResolver } from './resolve.ts';
import { partitionKeys, stackPolicies } from './template-policies.ts';

export {
  type Caller,
  type Refusal,
  type ServiceCall,
  StackAuthorizer,
  secureTransport,
  type Verdict,
} from './authorize.ts';
export { cloudAuthorize } from './cloud-hook.ts';
export { firstOf, type IamTemplate, LOCAL_PLACE, type Place, type Resolve, templateResolver } from './resolve.ts';

/**
 * The resolver an authorizer for `template` uses: the local cloud's general one (infra/local/template/) where
 * given, so names and ARNs agree with the resources it materialised, this module's where that one has no answer.
 */
export function iamResolver(template: IamTemplate, place: Place = LOCAL_PLACE, resolve?: Resolve): Resolve {
  const own = templateResolver(template, place);
  return resolve ? firstOf(resolve, own) : own;
}

/** An authorizer for one template; see {@link iamResolver} for `resolve`. */
export function authorizerFor(template: IamTemplate, place: Place = LOCAL_PLACE, resolve?: Resolve): StackAuthorizer {
  const r = iamResolver(template, place, resolve);
  return new StackAuthorizer(stackPolicies(template, r), place, partitionKeys(template, r));
}

/** The stack's REST API id and stage as `execute-api` ARNs name them, through the same resolver. */
export function restApiStage(template: IamTemplate, resolve: Resolve): { apiId: string; stage: string } | undefined {
  const ids = Object.entries(template.Resources);
  const api = ids.find(([, r]) => r.Type === 'AWS::ApiGateway::RestApi')?.[0];
  const stage = ids.find(([, r]) => r.Type === 'AWS::ApiGateway::Stage')?.[0];
  return api && stage ? { apiId: resolve({ Ref: api }), stage: resolve({ Ref: stage }) } : undefined;
}
