import { type ContractDef, type Envelope, type EnvelopeInit, followWith } from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Bus } from './types';

/** What `followWith` takes besides the contract and the cause: the event, with `idParts` for its derived id. */
export type FollowingInit<T> = Omit<EnvelopeInit<T>, 'type' | 'correlationid' | 'causationid'> & {
  idParts?: string[];
};

/**
 * Publish an event of contract `def` that follows `cause` (same correlation id, causation =
 * cause.id, id derived from the cause, so a redelivered command re-publishes the very same event)
 * and return it once it is published: a handler's reply goes out only after its event. Its data
 * is typed by the contract.
 */
export async function publishFollowing<S extends TSchema>(
  bus: Pick<Bus, 'publish'>,
  def: ContractDef<S>,
  cause: Pick<Envelope, 'id' | 'correlationid'>,
  init: FollowingInit<Static<S>>,
): Promise<Envelope<Static<S>>> {
  const evt = followWith(def, cause, init);
  await bus.publish(evt);
  return evt;
}
