import { Kind, type TObject, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ALL_CONTRACTS, contracts, deriveId, follow, followWith, makeEnvelope, RoomDeleted } from '../src';
import { samples } from './samples';

/** A copy of `data` that breaks the schema: a required field removed, or a wrong type. */
function breakData(schema: TSchema, data: unknown): unknown {
  if (schema[Kind] === 'Object') {
    const required = (schema as TObject).required ?? [];
    if (required.length > 0) {
      const copy = { ...(data as Record<string, unknown>) };
      delete copy[required[0]];
      return copy;
    }
  }
  return 42;
}

describe('contracts', () => {
  it('has a sample for every contract and no sample without a contract', () => {
    expect(ALL_CONTRACTS.map((c) => c.type).sort()).toEqual(Object.keys(samples).sort());
  });

  it('names every type domain.entity.verb.vN and gives every command an owner', () => {
    for (const c of ALL_CONTRACTS) {
      expect(c.type).toMatch(/^onair\.[a-z-]+(\.[a-z-]+)+\.v\d+$/);
      if (c.kind === 'command') expect(c.owner).toBeDefined();
    }
  });

  describe.each(ALL_CONTRACTS.map((c) => [c.type, c] as const))('%s', (type, def) => {
    it('compiles', () => {
      expect(() => TypeCompiler.Compile(def.schema)).not.toThrow();
    });
    it('accepts a valid sample; tolerates unknown fields unless the contract is closed', () => {
      const env = makeEnvelope({ type, source: 'test', data: samples[type] });
      expect(contracts.validate(env)).toEqual({ ok: true });
      const grown = makeEnvelope({
        type,
        source: 'test',
        data: { ...(samples[type] as object), addedLater: 1 },
      });
      const r = contracts.validate(grown);
      if (def.schema.additionalProperties === false) {
        // Client input (chat commands): an unknown key is refused, by name.
        expect(r.ok).toBe(false);
        expect(r.reason).toContain('/addedLater');
      } else {
        expect(r.ok).toBe(true);
      }
    });
    it('rejects an invalid sample with a reason that names the type', () => {
      const env = makeEnvelope({ type, source: 'test', data: breakData(def.schema, samples[type]) });
      const r = contracts.validate(env);
      expect(r.ok).toBe(false);
      expect(r.reason).toContain(type);
    });
  });

  it('closes the chat commands and chat settings (client input), nested objects included', () => {
    const closed = ALL_CONTRACTS.filter((c) => c.schema.additionalProperties === false).map((c) => c.type);
    expect(closed.sort()).toEqual(
      ALL_CONTRACTS.filter((c) => c.kind === 'command' && c.type.startsWith('onair.chat.'))
        .map((c) => c.type)
        .sort(),
    );
    const update = (settings: unknown) =>
      contracts.validate(
        makeEnvelope({
          type: 'onair.chat.room.update.v1',
          source: 'test',
          data: { roomId: 'cr_1', actor: { userId: 'a', roles: [] }, settings },
        }),
      );
    expect(update({ slowModeSeconds: 5, colour: 'red' }).reason).toContain('/settings/colour');
    expect(update({ moderation: { wordFilter: [], fallbackResult: 'ALLOW', extra: true } }).reason).toContain(
      '/settings/moderation/extra',
    );
    expect(
      update({
        moderation: { wordFilter: [], fallbackResult: 'ALLOW', reviewWebhookUrl: 'file:///etc/passwd' },
      }).ok,
    ).toBe(false);
    const created = contracts.validate(
      makeEnvelope({
        type: 'onair.chat.room.created.v1',
        source: 'chat-svc',
        data: { ...(samples['onair.chat.room.created.v1'] as object), addedLater: 1 },
      }),
    );
    expect(created.ok).toBe(true); // events still grow within a version
  });

  it('rejects unknown types and broken envelopes', () => {
    expect(
      contracts.validate(makeEnvelope({ type: 'onair.nope.thing.v1', source: 't', data: {} })).reason,
    ).toMatch(/unknown message type/);
    expect(contracts.validate({ hello: 'world' }).ok).toBe(false);
    expect(contracts.validate('not json at all').ok).toBe(false);
  });

  it('derives the same id from the same cause, and different ids otherwise', () => {
    expect(deriveId('cmd-1', 'a')).toBe(deriveId('cmd-1', 'a'));
    expect(deriveId('cmd-1', 'a')).not.toBe(deriveId('cmd-1', 'b'));
    expect(deriveId('cmd-1', 'a')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const cause = makeEnvelope({ type: 'onair.stream.create.v1', source: 'gw', data: {} });
    const e = follow(cause, { type: 'onair.stream.created.v1', source: 'stream-svc', data: {} });
    expect(e.correlationid).toBe(cause.correlationid);
    expect(e.causationid).toBe(cause.id);
    expect(e.id).toBe(follow(cause, { type: 'onair.stream.created.v1', source: 'stream-svc', data: {} }).id);
  });

  it('followWith builds the message of a contract caused by another, as follow does', () => {
    const cause = makeEnvelope({ type: 'onair.room.delete.v1', source: 'gw', data: {} });
    const e = followWith(RoomDeleted, cause, {
      source: 'stream-svc',
      data: { roomId: 'r1' },
      idParts: ['r1'],
    });
    expect(e.type).toBe(RoomDeleted.type);
    expect(e.correlationid).toBe(cause.correlationid);
    expect(e.causationid).toBe(cause.id);
    expect(e.id).toBe(
      follow(cause, { type: RoomDeleted.type, source: 'stream-svc', data: {}, idParts: ['r1'] }).id,
    );
    expect(contracts.validate(e).ok).toBe(true);
  });
});
