/**
 * Resource types in the template that the local cloud does not run, each with
 * why. Anything neither here nor materialised fails the start, naming it, so a
 * new resource type in the stack is a decision, not a silent gap.
 */
export const NOT_RUN: Readonly<Record<string, string>> = {
  'AWS::ApiGateway::Account': "the account's CloudWatch logging role: the local cloud logs to its own output",
  'AWS::ApiGateway::Deployment': 'the local REST API serves the methods as soon as they are in the template',
  'AWS::ApiGateway::Stage': 'one stage locally; the path is served without the stage prefix',
  'AWS::ApiGateway::GatewayResponse': "the local API's refusals carry the same { error: { code, message } } shape",
  'AWS::ApiGateway::Model': 'request bodies are validated by the command handler, which checks the same fields',
  'AWS::ApiGateway::RequestValidator': 'as the model: the handlers validate',
  'AWS::ApiGateway::RestApi': 'its resources and methods are what runs (./api-routes.ts)',
  'AWS::CloudFront::Distribution': 'the console is served by the local cloud itself (infra/local/console.ts)',
  'AWS::CloudFront::OriginAccessControl': 'as the distribution',
  'AWS::CloudFront::ResponseHeadersPolicy': 'as the distribution',
  'AWS::CloudWatch::Alarm': 'no CloudWatch locally: dead letters and breaches show on the console and in mx',
  'AWS::EventSchemas::Registry': 'the contract is checked from schemas/ directly',
  'AWS::EventSchemas::Schema': 'as the registry',
  'AWS::Events::Archive': 'the exchange log is the archive that works everywhere',
  'AWS::Events::EventBusPolicy': 'kept as data for IAM; the bus checks publishing sources per principal',
  'AWS::IAM::Policy': 'kept as data for the IAM evaluator (infra/local/iam, another change); allowed for now',
  'AWS::KMS::Key': 'the transparency log signs with the data dir key (infra/local/transparency.ts)',
  'AWS::Lambda::EventInvokeConfig': 'a failed scheduled run is logged and retried at the next schedule',
  'AWS::Lambda::LayerVersion': 'layers carry bundled code the local cloud does not run',
  'AWS::Lambda::Permission': 'in-process invocations need no resource policy',
  'AWS::Logs::LogGroup': 'function output goes to the local cloud log',
  'AWS::S3::Bucket': 'checkpoints are kept in the data dir (infra/local/transparency.ts)',
  'AWS::S3::BucketPolicy': 'as the bucket',
  'AWS::SNS::Topic': 'alarm notifications: no alarms locally',
  'AWS::SNS::TopicPolicy': 'as the topic',
  'AWS::SQS::QueuePolicy': 'in-process senders need no queue policy',
  'AWS::WAFv2::WebACL': 'the local cloud guards its port itself (infra/local/http-guard.ts)',
  'AWS::WAFv2::WebACLAssociation': 'as the web ACL',
  'Custom::CDKBucketDeployment': 'deploys the console bundle to S3; served locally instead',
  'AWS::CDK::Metadata': 'CDK version reporting',
};

/** Functions the template declares that the local cloud replaces, by handler module, with why. */
export const FUNCTIONS_NOT_RUN: Readonly<Record<string, string>> = {
  'functions/merkle/handler.ts':
    'the local cloud checkpoints in-process, into the data dir (infra/local/transparency.ts)',
};
