import { type ContractDef, type Envelope, envelopeOf } from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './auth';

/**
 * How the gateway builds the commands it sends on a caller's behalf, in one place: the actor
 * always comes from the token (`actorOf`), ids from the path, and the data is typed by the
 * command's contract, so a contract change fails to compile here.
 */
export const actorOf = (p: Principal) => ({ userId: p.userId, roles: [...p.roles] });

/** A command of `def` caused by `req` (its request id is the correlation id), about `subject`. */
export function command<S extends TSchema>(
  req: FastifyRequest,
  def: ContractDef<S>,
  subject: string | undefined,
  data: Static<S>,
): Envelope<Static<S>> {
  return envelopeOf(def, {
    source: 'gateway',
    correlationid: req.id,
    ...(subject === undefined ? {} : { subject }),
    data,
  });
}
