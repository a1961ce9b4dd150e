import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { RabbitBus } from './rabbitmq';
import { SqsBus } from './sqs';
import type { Bus, BusOptions } from './types';

/**
 * RabbitMQ when AMQP_URL is set, else SQS + EventBridge (endpoints from the SDK's usual
 * AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_EVENTBRIDGE variables).
 */
export function createBus(cfg: { AMQP_URL?: string; AWS_REGION: string }, opts: BusOptions): Bus {
  if (cfg.AMQP_URL) return new RabbitBus(cfg.AMQP_URL, opts);
  return new SqsBus(
    {
      // Send to the configured endpoint, not the host inside each queue URL: local SQS servers
      // hand out queue URLs whose host does not resolve (on AWS both are the regional endpoint).
      sqs: new SQSClient({ region: cfg.AWS_REGION, useQueueUrlAsEndpoint: false }),
      eventBridge: new EventBridgeClient({ region: cfg.AWS_REGION }),
    },
    { ...opts, region: cfg.AWS_REGION },
  );
}
