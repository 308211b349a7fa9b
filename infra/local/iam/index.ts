/** IAM from the template, enforced on the local cloud: one call builds the authorizer the dispatch path asks. */
import { StackAuthorizer } from './authorize.ts';
import { templateResolver, LOCAL_PLACE, type IamTemplate, type Place, type Resolve } from './resolve.ts';
import { partitionKeys, stackPolicies } from './template-policies.ts';

export {
  StackAuthorizer,
  secureTransport,
  type Caller,
  type ServiceCall,
  type Verdict,
  type Refusal,
} from './authorize.ts';
export { templateResolver, LOCAL_PLACE, type IamTemplate, type Place, type Resolve } from './resolve.ts';

/**
 * An authorizer for one template. `resolve` defaults to this module's small resolver; pass the local cloud's
 * general one (infra/local/template/) so names and ARNs agree with the resources it materialised.
 */
export function authorizerFor(template: IamTemplate, place: Place = LOCAL_PLACE, resolve?: Resolve): StackAuthorizer {
  const r = resolve ?? templateResolver(template, place);
  return new StackAuthorizer(stackPolicies(template, r), place, partitionKeys(template, r));
}
