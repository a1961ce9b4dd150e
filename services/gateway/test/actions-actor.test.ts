// The actor of a command is the token's principal, whatever the input it is sent with holds: the
// route schemas are closed and callers pass picked fields, but the order in the action is the
// last defence (an input spread after the actor once could have replaced it).
import type { Bus } from '@onair/runtime';
import type { Envelope } from '@onair/contracts';
import type { FastifyRequest } from 'fastify';
import { stopRecording } from '../src/actions/recordings';
import { createRoom, type RoomInput } from '../src/actions/rooms';

const caller = { userId: 'viewer-1', roles: ['viewer' as const] };
const forged = { userId: 'admin', roles: ['admin'] };

/** A bus that keeps the request it is asked and answers with a refusal (the action's reply parsing is not under test). */
function capturingBus(): { bus: Bus; sent: Envelope[] } {
  const sent: Envelope[] = [];
  const bus = {
    request: async (cmd: Envelope) => {
      sent.push(cmd);
      throw new Error('not answered in this test');
    },
  } as unknown as Bus;
  return { bus, sent };
}

const request = { id: 'req-1', principal: caller } as unknown as FastifyRequest;

describe('actions send the token principal as the actor', () => {
  it('createRoom: an actor or a roomId in the input cannot replace the caller or the new id', async () => {
    const { bus, sent } = capturingBus();
    const input = {
      actor: forged,
      roomId: 'room-chosen-by-caller',
      emptyTimeout: 60,
    } as unknown as RoomInput;
    await expect(createRoom({ bus, timeoutMs: 1000 }, request, input)).rejects.toThrow('not answered');
    const data = sent[0]?.data as { actor: unknown; roomId: string } | undefined;
    expect(data?.actor).toEqual({ userId: 'viewer-1', roles: ['viewer'] });
    expect(data?.roomId).toMatch(/^room-\d+-[a-z0-9]{6}$/);
  });

  it('stopRecording: an actor in the target cannot replace the caller', async () => {
    const { bus, sent } = capturingBus();
    const target = { roomName: 'room-1', actor: forged } as unknown as { roomName: string };
    await expect(stopRecording({ bus, timeoutMs: 1000 }, request, target)).rejects.toThrow('not answered');
    const data = sent[0]?.data as { actor: unknown } | undefined;
    expect(data?.actor).toEqual({ userId: 'viewer-1', roles: ['viewer'] });
  });
});
