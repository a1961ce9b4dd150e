import { randomBytes } from 'node:crypto';
import { AppError, notFound, ScriptedFake } from '@onair/runtime';
import type { IvsChatPort, IvsChatToken, IvsRoom } from './port';

interface FakeRoom extends IvsRoom {
  name: string;
  maximumMessageRatePerSecond: number;
  maximumMessageLength: number;
  messageReviewHandler?: { uri: string; fallbackResult: string };
}

/** In-memory IVS Chat for unit tests: same contract as the SDK adapter, failures on demand. */
export class FakeIvsChat extends ScriptedFake implements IvsChatPort {
  readonly rooms = new Map<string, FakeRoom>();
  readonly tokens: Array<Parameters<IvsChatPort['createChatToken']>[0]> = [];

  private room(arn: string): FakeRoom {
    const r = this.rooms.get(arn);
    if (!r) throw notFound(`IVS Chat room ${arn} not found`);
    return r;
  }

  async createRoom(input: Parameters<IvsChatPort['createRoom']>[0]): Promise<IvsRoom> {
    this.step('CreateRoom');
    const id = randomBytes(6).toString('hex');
    const room: FakeRoom = {
      id,
      arn: `arn:aws:ivschat:us-east-1:123456789012:room/${id}`,
      name: input.name,
      maximumMessageRatePerSecond: input.maximumMessageRatePerSecond ?? 10,
      maximumMessageLength: input.maximumMessageLength ?? 500,
      ...(input.messageReviewHandler ? { messageReviewHandler: input.messageReviewHandler } : {}),
    };
    this.rooms.set(room.arn, room);
    return { arn: room.arn, id };
  }

  async findRoomByName(name: string): Promise<IvsRoom | undefined> {
    this.step('ListRooms');
    const r = [...this.rooms.values()].find((x) => x.name === name);
    return r && { arn: r.arn, id: r.id };
  }

  async updateRoom(arn: string, input: Parameters<IvsChatPort['updateRoom']>[1]): Promise<void> {
    this.step('UpdateRoom');
    Object.assign(
      this.room(arn),
      Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    );
  }

  async deleteRoom(arn: string): Promise<void> {
    this.step('DeleteRoom');
    this.rooms.delete(arn);
  }

  async createChatToken(input: Parameters<IvsChatPort['createChatToken']>[0]): Promise<IvsChatToken> {
    this.step('CreateChatToken');
    this.room(input.roomArn);
    this.tokens.push(input);
    const now = Date.now();
    return {
      token: `AQICAH${randomBytes(16).toString('base64url')}`,
      tokenExpirationTime: new Date(now + 3_600_000).toISOString(),
      sessionExpirationTime: new Date(now + (input.sessionDurationInMinutes ?? 60) * 60_000).toISOString(),
    };
  }

  async sendEvent(roomArn: string): Promise<string> {
    this.step('SendEvent');
    this.room(roomArn);
    return randomBytes(6).toString('hex');
  }

  async deleteMessage(roomArn: string): Promise<string> {
    this.step('DeleteMessage');
    this.room(roomArn);
    return randomBytes(6).toString('hex');
  }

  async disconnectUser(roomArn: string): Promise<void> {
    this.step('DisconnectUser');
    this.room(roomArn);
  }
}

export const providerDown = () =>
  new AppError('PROVIDER_UNAVAILABLE', 502, 'IVS Chat CreateRoom failed: down');
