export * from './batcher';
/** Throttling, server faults and lost connections of any AWS SDK call: worth another try. */
export { isTransient as isTransientAwsError } from './bus/sqs/aws-errors';
export * from './bus';
export * from './config';
export * from './cursor';
export * from './dynamo';
export * from './errors';
export * from './http';
export * from './logger';
export * from './metrics';
export * from './periodic-job';
export * from './router';
export * from './service';
export * from './chat-token';
export * from './sqs-event-queue';
export * from './provider-errors';
export * from './contract-data';
export * from './scripted-fake';
