// Shared plumbing for integration tests: real RabbitMQ (namespaced), in-memory DynamoDB,
// fauxqs (SQS/S3) in a child process, and polling with a deadline instead of sleeps.
export { startFauxqsProcess } from '../../devstack/test/eventbridge-fauxqs';
export { requireRabbit, AMQP_URL } from '../../libs/runtime/test/rabbit-harness';
export { waitFor } from '../../libs/runtime/test/wait-for';
export { testBuses } from './bus';
export { startDynalite } from './dynalite';
export { recordingBus } from './recording-bus';
export { freePort } from './ports';
