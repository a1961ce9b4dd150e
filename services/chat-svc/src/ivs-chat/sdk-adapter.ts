import {
  CreateChatTokenCommand,
  CreateRoomCommand,
  DeleteMessageCommand,
  DeleteRoomCommand,
  DisconnectUserCommand,
  IvschatClient,
  type IvschatClientConfig,
  ListRoomsCommand,
  SendEventCommand,
  UpdateRoomCommand,
} from '@aws-sdk/client-ivschat';
import { providerCalls } from '@onair/runtime';
import { fromIvsChatError } from './errors';
import type { IvsChatPort, IvsChatToken, IvsRoom } from './port';

/**
 * IVS Chat through the real @aws-sdk/client-ivschat. The endpoint comes from
 * AWS_ENDPOINT_URL_IVSCHAT when set (the SDK reads it), which is how the stand-in is used locally.
 */
export class SdkIvsChat implements IvsChatPort {
  readonly client: IvschatClient;
  private readonly call = providerCalls(fromIvsChatError);

  constructor(config: IvschatClientConfig = {}) {
    this.client = new IvschatClient(config);
  }

  async createRoom(input: Parameters<IvsChatPort['createRoom']>[0]): Promise<IvsRoom> {
    const out = await this.call('CreateRoom', () => this.client.send(new CreateRoomCommand(input)));
    return { arn: out.arn ?? '', id: out.id ?? '' };
  }

  async findRoomByName(name: string): Promise<IvsRoom | undefined> {
    let nextToken: string | undefined;
    do {
      const out = await this.call('ListRooms', () =>
        this.client.send(new ListRoomsCommand({ name, nextToken, maxResults: 50 })),
      );
      const hit = out.rooms?.find((r) => r.name === name);
      if (hit?.arn && hit.id) return { arn: hit.arn, id: hit.id };
      nextToken = out.nextToken;
    } while (nextToken);
    return undefined;
  }

  async updateRoom(arn: string, input: Parameters<IvsChatPort['updateRoom']>[1]): Promise<void> {
    await this.call('UpdateRoom', () =>
      this.client.send(new UpdateRoomCommand({ identifier: arn, ...input })),
    );
  }

  async deleteRoom(arn: string): Promise<void> {
    try {
      await this.client.send(new DeleteRoomCommand({ identifier: arn }));
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return; // already gone: the goal holds
      throw fromIvsChatError(e, 'DeleteRoom');
    }
  }

  async createChatToken(input: Parameters<IvsChatPort['createChatToken']>[0]): Promise<IvsChatToken> {
    const out = await this.call('CreateChatToken', () =>
      this.client.send(
        new CreateChatTokenCommand({
          roomIdentifier: input.roomArn,
          userId: input.userId,
          capabilities: input.capabilities,
          sessionDurationInMinutes: input.sessionDurationInMinutes,
          attributes: input.attributes,
        }),
      ),
    );
    return {
      token: out.token ?? '',
      tokenExpirationTime: (out.tokenExpirationTime ?? new Date()).toISOString(),
      sessionExpirationTime: (out.sessionExpirationTime ?? new Date()).toISOString(),
    };
  }

  async sendEvent(roomArn: string, eventName: string, attributes?: Record<string, string>): Promise<string> {
    const out = await this.call('SendEvent', () =>
      this.client.send(new SendEventCommand({ roomIdentifier: roomArn, eventName, attributes })),
    );
    return out.id ?? '';
  }

  async deleteMessage(roomArn: string, messageId: string, reason?: string): Promise<string> {
    const out = await this.call('DeleteMessage', () =>
      this.client.send(new DeleteMessageCommand({ roomIdentifier: roomArn, id: messageId, reason })),
    );
    return out.id ?? '';
  }

  async disconnectUser(roomArn: string, userId: string, reason?: string): Promise<void> {
    await this.call('DisconnectUser', () =>
      this.client.send(new DisconnectUserCommand({ roomIdentifier: roomArn, userId, reason })),
    );
  }

  destroy(): void {
    this.client.destroy();
  }
}
