import { SQSClient } from '@aws-sdk/client-sqs';
import { Type } from '@sinclair/typebox';
import { CommonConfig } from '../../config';
import { RabbitDeadLetters } from './rabbitmq';
import { SqsDeadLetters } from './sqs';
import type { DeadLetters } from './types';

export { rabbitDeadLetterIndex, recordDeadLetterQueue } from './rabbit-index';
export { RabbitDeadLetters, type RabbitDeadLettersOptions } from './rabbitmq';
export { SqsDeadLetters, type SqsDeadLettersOptions } from './sqs';
export {
  DEAD_LETTER_ID_PATTERN,
  type DeadLetterList,
  type DeadLetterQueueSummary,
  type DeadLetters,
  type DeadLetterView,
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  parseDeadLetterId,
  type ReplayAllResult,
} from './types';

/** The settings that choose and name a bus (for tools that talk to it without being a service). */
export const BusConfig = Type.Pick(CommonConfig, ['AMQP_URL', 'BUS_NAMESPACE', 'AWS_REGION']);

/**
 * The dead letters of the bus a service with this config uses: RabbitMQ when AMQP_URL is set,
 * else SQS (endpoint from the SDK's usual AWS_ENDPOINT_URL_SQS), as createBus chooses.
 */
export function createDeadLetters(cfg: {
  AMQP_URL?: string;
  AWS_REGION: string;
  BUS_NAMESPACE: string;
}): DeadLetters {
  if (cfg.AMQP_URL) return new RabbitDeadLetters(cfg.AMQP_URL, { namespace: cfg.BUS_NAMESPACE });
  const sqs = new SQSClient({ region: cfg.AWS_REGION, useQueueUrlAsEndpoint: false });
  const dl = new SqsDeadLetters(sqs, { namespace: cfg.BUS_NAMESPACE });
  return {
    list: (o) => dl.list(o),
    show: (id) => dl.show(id),
    replay: (id) => dl.replay(id),
    replayAll: (q) => dl.replayAll(q),
    purge: (q) => dl.purge(q),
    async close() {
      sqs.destroy();
    },
  };
}
