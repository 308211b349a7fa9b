/**
 * Which subscriptions' queues (and dead letters) a caller may see and act on:
 * the one implementation in functions/exchange-api/scope.ts, which the CDK
 * app's exchange API function follows on AWS as well.
 */
export { ministrySubscriptions, type QueueScope, queueScope } from '../../functions/exchange-api/scope.ts';
