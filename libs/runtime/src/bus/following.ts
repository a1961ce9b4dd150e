import { type Envelope, type EnvelopeInit, follow } from '@onair/contracts';
import type { Bus } from './types';

/** What `follow` takes besides the cause: the event, with `idParts` for its derived id. */
export type FollowingInit<T> = Omit<EnvelopeInit<T>, 'correlationid' | 'causationid'> & {
  idParts?: string[];
};

/**
 * Publish an event that follows `cause` (same correlation id, causation = cause.id, id derived
 * from the cause, so a redelivered command re-publishes the very same event) and return it once
 * it is published: a handler's reply goes out only after its event.
 */
export async function publishFollowing<T>(
  bus: Pick<Bus, 'publish'>,
  cause: Pick<Envelope, 'id' | 'correlationid'>,
  init: FollowingInit<T>,
): Promise<Envelope<T>> {
  const evt = follow(cause, init);
  await bus.publish(evt);
  return evt;
}
