import { Type } from '@sinclair/typebox';

export const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:/-]+$' });
/** A chat message id: native rooms' (base64url) and IVS Chat's (alphanumeric). */
export const MessageId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' });
/** A user id (a token's `sub`): any text but control characters. */
export const UserId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
export const IsoTime = Type.String({ format: 'date-time' });
export const Role = Type.Union([
  Type.Literal('viewer'),
  Type.Literal('streamer'),
  Type.Literal('moderator'),
  Type.Literal('admin'),
]);
/** Attribute names: any text but the names of an object's own machinery (they break stores and maps). */
export const AttributeKey = Type.String({ pattern: '^(?!(__proto__|constructor|prototype)$).{1,128}$' });
export const Attributes = Type.Record(AttributeKey, Type.String({ maxLength: 1000 }), {
  additionalProperties: false,
});

/** Who asked: carried by commands so the owning service can check ownership itself. */
export const Actor = Type.Object({ userId: UserId, roles: Type.Array(Role) });

/** An actor as the ownership rules need it (a command's `actor`, the gateway's principal). */
export interface ActorLike {
  userId: string;
  roles: readonly string[];
}

/** Whether the actor may act on what `ownerId` owns: its owner, or an admin (the `owner` rule). */
export function ownsOrAdmin(actor: ActorLike, ownerId: string | undefined): boolean {
  return (ownerId !== undefined && actor.userId === ownerId) || actor.roles.includes('admin');
}

/** Whether the actor moderates a room `ownerId` owns: its owner, a moderator or an admin. */
export function moderates(actor: ActorLike, ownerId: string | undefined): boolean {
  return ownsOrAdmin(actor, ownerId) || actor.roles.includes('moderator');
}
