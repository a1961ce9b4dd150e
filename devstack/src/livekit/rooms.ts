// In-memory rooms and participants, the RoomService Twirp methods over them, and the room and
// participant webhooks the real server emits along the way. No media: a "participant" here is
// only the signalling-level fact that someone holding a valid join token is in the room.
import {
  Codec,
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  DisconnectReason,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  ParticipantInfo,
  ParticipantInfo_Kind,
  ParticipantInfo_State,
  ParticipantPermission,
  RemoveParticipantResponse,
  Room,
  RoomEndReason,
  RoomParticipantIdentity,
  UpdateRoomMetadataRequest,
} from '@livekit/protocol';
import { type Claims, requireAdmin, requireCreate, requireList } from './auth';
import { type TwirpServices, TwirpError, rpc } from './twirp';
import { type WebhookSender, newGuid } from './webhooks';

// livekit-server's config defaults for rooms nobody configured (pkg/config: room.empty_timeout etc.).
const DEFAULT_EMPTY_TIMEOUT_S = 300;
const DEFAULT_DEPARTURE_TIMEOUT_S = 20;
const DEFAULT_CODECS = ['audio/opus', 'audio/red', 'video/VP8', 'video/H264', 'video/VP9', 'video/AV1'];

interface RoomEntry {
  room: Room;
  participants: Map<string, ParticipantInfo>;
  activeRecording: boolean;
}

const roomNotFound = () => new TwirpError('not_found', 'requested room does not exist');
const participantNotFound = () => new TwirpError('not_found', 'participant does not exist');

const PARTICIPANT_KINDS: Record<string, ParticipantInfo_Kind> = {
  standard: ParticipantInfo_Kind.STANDARD,
  ingress: ParticipantInfo_Kind.INGRESS,
  egress: ParticipantInfo_Kind.EGRESS,
  sip: ParticipantInfo_Kind.SIP,
  agent: ParticipantInfo_Kind.AGENT,
};

export class RoomStore {
  private readonly rooms = new Map<string, RoomEntry>();

  constructor(
    private readonly webhooks: WebhookSender,
    /** Called after a room is closed (egress of that room stops with it). */
    private readonly onRoomClosed: (roomName: string) => void,
  ) {}

  /** Returns the existing room unchanged if the name is taken, as livekit-server does. */
  create(req: CreateRoomRequest): Room {
    if (!req.name) throw new TwirpError('invalid_argument', 'room name cannot be empty');
    const existing = this.rooms.get(req.name);
    if (existing) return this.snapshot(existing);
    const nowMs = Date.now();
    const entry: RoomEntry = {
      room: new Room({
        sid: newGuid('RM_'),
        name: req.name,
        emptyTimeout: req.emptyTimeout || DEFAULT_EMPTY_TIMEOUT_S,
        departureTimeout: req.departureTimeout || DEFAULT_DEPARTURE_TIMEOUT_S,
        maxParticipants: req.maxParticipants,
        metadata: req.metadata,
        creationTime: BigInt(Math.floor(nowMs / 1000)),
        creationTimeMs: BigInt(nowMs),
        turnPassword: newGuid(''),
        enabledCodecs: DEFAULT_CODECS.map((mime) => new Codec({ mime })),
      }),
      participants: new Map(),
      activeRecording: false,
    };
    this.rooms.set(req.name, entry);
    this.webhooks.emit({ event: 'room_started', room: this.snapshot(entry) });
    return this.snapshot(entry);
  }

  /** The room as clients see it, with live counters. */
  get(name: string): Room | undefined {
    const entry = this.rooms.get(name);
    return entry && this.snapshot(entry);
  }

  list(names: string[]): Room[] {
    return [...this.rooms.values()]
      .filter((e) => names.length === 0 || names.includes(e.room.name))
      .map((e) => this.snapshot(e));
  }

  delete(name: string): void {
    const entry = this.rooms.get(name);
    if (!entry) throw roomNotFound();
    for (const identity of [...entry.participants.keys()]) {
      this.disconnect(entry, identity, DisconnectReason.ROOM_DELETED);
    }
    this.rooms.delete(name);
    this.webhooks.emit({
      event: 'room_finished',
      room: this.snapshot(entry),
      roomEndReason: RoomEndReason.ROOM_END_API_DELETE,
    });
    this.onRoomClosed(name);
  }

  updateMetadata(name: string, metadata: string): Room {
    const entry = this.rooms.get(name);
    if (!entry) throw roomNotFound();
    entry.room.metadata = metadata;
    return this.snapshot(entry);
  }

  participants(name: string): ParticipantInfo[] {
    // livekit's stores answer an empty list (not an error) for an unknown room.
    return [...(this.rooms.get(name)?.participants.values() ?? [])].map((p) => p.clone());
  }

  participant(name: string, identity: string): ParticipantInfo {
    const p = this.rooms.get(name)?.participants.get(identity);
    if (!p) throw participantNotFound();
    return p.clone();
  }

  remove(name: string, identity: string, reason = DisconnectReason.PARTICIPANT_REMOVED): void {
    const entry = this.rooms.get(name);
    if (!entry?.participants.has(identity)) throw participantNotFound();
    this.disconnect(entry, identity, reason);
  }

  /**
   * A participant with a verified join token enters its room. The room is created on first join
   * (room_started), and an identity already present is replaced (DUPLICATE_IDENTITY), both as
   * livekit-server does.
   */
  join(claims: Claims & { sub: string }): { room: Room; participant: ParticipantInfo } {
    const roomName = claims.video?.room ?? '';
    if (!this.rooms.has(roomName)) this.create(new CreateRoomRequest({ name: roomName }));
    const entry = this.rooms.get(roomName)!;
    if (entry.participants.has(claims.sub)) {
      this.disconnect(entry, claims.sub, DisconnectReason.DUPLICATE_IDENTITY);
    } else if (entry.room.maxParticipants > 0 && entry.participants.size >= entry.room.maxParticipants) {
      throw new TwirpError('resource_exhausted', 'room has exceeded its max participants');
    }
    const grant = claims.video ?? {};
    // Token semantics: if neither canPublish nor canSubscribe is given both are on; data defaults on.
    const neither = grant.canPublish === undefined && grant.canSubscribe === undefined;
    const nowMs = Date.now();
    const participant = new ParticipantInfo({
      sid: newGuid('PA_'),
      identity: claims.sub,
      name: claims.name ?? '',
      metadata: claims.metadata ?? '',
      attributes: claims.attributes ?? {},
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(nowMs / 1000)),
      joinedAtMs: BigInt(nowMs),
      kind: PARTICIPANT_KINDS[claims.kind ?? 'standard'] ?? ParticipantInfo_Kind.STANDARD,
      permission: new ParticipantPermission({
        canPublish: neither || !!grant.canPublish,
        canSubscribe: neither || !!grant.canSubscribe,
        canPublishData: grant.canPublishData ?? true,
        canUpdateMetadata: !!grant.canUpdateOwnMetadata,
        hidden: !!grant.hidden,
        recorder: !!grant.recorder,
        agent: !!grant.agent,
      }),
    });
    entry.participants.set(claims.sub, participant);
    this.webhooks.emit({ event: 'participant_joined', room: this.snapshot(entry), participant });
    return { room: this.snapshot(entry), participant: participant.clone() };
  }

  leave(name: string, identity: string): void {
    this.remove(name, identity, DisconnectReason.CLIENT_INITIATED);
  }

  setActiveRecording(name: string, active: boolean): void {
    const entry = this.rooms.get(name);
    if (entry) entry.activeRecording = active;
  }

  private disconnect(entry: RoomEntry, identity: string, reason: DisconnectReason): void {
    const p = entry.participants.get(identity);
    if (!p) return;
    entry.participants.delete(identity);
    p.state = ParticipantInfo_State.DISCONNECTED;
    p.disconnectReason = reason;
    this.webhooks.emit({ event: 'participant_left', room: this.snapshot(entry), participant: p });
  }

  private snapshot(entry: RoomEntry): Room {
    const room = entry.room.clone();
    room.numParticipants = entry.participants.size;
    room.activeRecording = entry.activeRecording;
    return room;
  }
}

/** `livekit.RoomService` with the grant each method needs (livekit pkg/service/roomservice.go). */
export function roomService(rooms: RoomStore): TwirpServices<Claims> {
  return {
    'livekit.RoomService': {
      CreateRoom: rpc(CreateRoomRequest, async (req, claims: Claims) => {
        requireCreate(claims);
        return rooms.create(req);
      }),
      ListRooms: rpc(ListRoomsRequest, async (req, claims: Claims) => {
        requireList(claims);
        return new ListRoomsResponse({ rooms: rooms.list(req.names) });
      }),
      DeleteRoom: rpc(DeleteRoomRequest, async (req, claims: Claims) => {
        requireCreate(claims);
        rooms.delete(req.room);
        return new DeleteRoomResponse();
      }),
      ListParticipants: rpc(ListParticipantsRequest, async (req, claims: Claims) => {
        requireAdmin(claims, req.room);
        return new ListParticipantsResponse({ participants: rooms.participants(req.room) });
      }),
      GetParticipant: rpc(RoomParticipantIdentity, async (req, claims: Claims) => {
        requireAdmin(claims, req.room);
        return rooms.participant(req.room, req.identity);
      }),
      RemoveParticipant: rpc(RoomParticipantIdentity, async (req, claims: Claims) => {
        requireAdmin(claims, req.room);
        rooms.remove(req.room, req.identity);
        return new RemoveParticipantResponse();
      }),
      UpdateRoomMetadata: rpc(UpdateRoomMetadataRequest, async (req, claims: Claims) => {
        requireAdmin(claims, req.room);
        return rooms.updateMetadata(req.room, req.metadata);
      }),
      // Real methods the stand-in does not model: answered `unimplemented` rather than `bad_route`.
      MutePublishedTrack: null,
      UpdateParticipant: null,
      UpdateSubscriptions: null,
      SendData: null,
      ForwardParticipant: null,
      MoveParticipant: null,
      PerformRpc: null,
    },
  };
}
