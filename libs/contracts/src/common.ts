import { Type } from '@sinclair/typebox';

export const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:/-]+$' });
export const UserId = Type.String({ minLength: 1, maxLength: 128 });
export const IsoTime = Type.String({ format: 'date-time' });
export const Role = Type.Union([
  Type.Literal('viewer'),
  Type.Literal('streamer'),
  Type.Literal('moderator'),
  Type.Literal('admin'),
]);
export const Attributes = Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 1000 }));

/** Who asked: carried by commands so the owning service can check ownership itself. */
export const Actor = Type.Object({ userId: UserId, roles: Type.Array(Role) });
