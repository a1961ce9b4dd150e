export * from './dispatch';
export * from './rabbitmq';
export * from './routing';
export * from './types';
export * from './sqs';
export * from './wire';
export * from './dead-letters';
export * from './instance-queues';
