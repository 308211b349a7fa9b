/**
 * Metadata the constructs add to the template for the local cloud, which runs
 * the synthesized template (infra/local/template). No CDK imports: the local
 * cloud reads these names without loading the CDK.
 */

/** On every `AWS::Lambda::Function`: its source module, relative to the repository root (run locally, not bundled). */
export const HANDLER_MODULE_METADATA = 'mx:handler-module';

/** A resource's physical name on the local cloud, where the template leaves it to CloudFormation to generate. */
export const LOCAL_NAME_METADATA = 'mx:local-name';

/** The construct path CDK records on each resource (`aws:cdk:enable-path-metadata`). */
export const PATH_METADATA = 'aws:cdk:path';
