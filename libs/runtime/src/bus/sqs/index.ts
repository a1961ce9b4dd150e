export {
  DEFAULT_QUEUE_LEASE_MS,
  QueueLease,
  type QueueLeaseOptions,
  type QueueLeaseTable,
} from './queue-lease';
export { SqsBus, type SqsBusClients, type SqsBusOptions, SqsTransport } from './transport';
export {
  CORRELATION_ID_ATTR,
  DLQ_ATTRS,
  EXPIRES_AT_ATTR,
  eventPattern,
  eventQueuePolicy,
  fitName,
  REPLY_TO_ATTR,
  sqsNames,
  sqsQueueSettings,
} from './names';
