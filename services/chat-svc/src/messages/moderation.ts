import { Attributes, type ChatRoomSettings } from '@onair/contracts';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

type Settings = Static<typeof ChatRoomSettings>;

export type ModerationVerdict =
  | { result: 'ALLOW'; content: string; attributes?: Record<string, string> }
  | { result: 'DENY'; reason: string };

/**
 * A review handler with IVS's message review contract, reached over HTTP (POST JSON). It answers
 * whatever the webhook sent: `moderate` checks it before acting on it.
 */
export type ReviewCall = (url: string, body: unknown, timeoutMs: number) => Promise<unknown>;

/** IVS gives a message review handler 200 ms; past that the room's fallbackResult decides. */
export const REVIEW_BUDGET_MS = 200;

/** What a review handler may answer (IVS's contract). Fields it may add later are ignored. */
const ReviewReply = Type.Object({
  ReviewResult: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
  Content: Type.Optional(Type.String()),
  Attributes: Type.Optional(Attributes),
});
const reviewReply = TypeCompiler.Compile(ReviewReply);

/** The reply as a verdict, or the reason it cannot be acted on. */
function verdictOf(
  reply: unknown,
  maxLength: number,
  m: { content: string; attributes?: Record<string, string> },
): ModerationVerdict | string {
  if (!reviewReply.Check(reply)) {
    const e = reviewReply.Errors(reply).First();
    return `invalid reply${e ? ` at ${e.path || '/'}: ${e.message}` : ''}`;
  }
  if (reply.ReviewResult === 'DENY') return { result: 'DENY', reason: 'review handler' };
  if (reply.Content !== undefined) {
    const length = [...reply.Content].length;
    if (length === 0) return 'invalid reply: Content is empty';
    if (length > maxLength)
      return `invalid reply: Content has ${length} characters, the room allows ${maxLength}`;
  }
  return {
    result: 'ALLOW',
    content: reply.Content ?? m.content,
    attributes: reply.Attributes ?? m.attributes,
  };
}

function wordsOf(text: string): string[] {
  return text
    .toLocaleLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The room's moderation: the built-in word filter (whole words, case-insensitive), then the
 * optional review webhook, which may allow, deny or rewrite the message. A webhook that fails,
 * is slow, or answers something else than a valid review leaves it to the room's fallbackResult
 * (`onFailure` hears why).
 */
export async function moderate(
  settings: Pick<Settings, 'moderation' | 'maximumMessageLength'>,
  m: {
    content: string;
    attributes?: Record<string, string>;
    roomId: string;
    userId: string;
    messageId: string;
  },
  review: ReviewCall,
  onFailure?: (reason: string) => void,
): Promise<ModerationVerdict> {
  const s = settings.moderation;
  if (s.wordFilter.length > 0) {
    const banned = new Set(s.wordFilter.map((w) => w.toLocaleLowerCase()));
    if (wordsOf(m.content).some((w) => banned.has(w))) return { result: 'DENY', reason: 'word filter' };
  }
  if (!s.reviewWebhookUrl) return { result: 'ALLOW', content: m.content, attributes: m.attributes };
  let failure: string;
  try {
    const reply = await review(
      s.reviewWebhookUrl,
      {
        Content: m.content,
        MessageId: m.messageId,
        RoomArn: m.roomId,
        Attributes: m.attributes ?? {},
        Sender: { UserId: m.userId },
      },
      REVIEW_BUDGET_MS,
    );
    const verdict = verdictOf(reply, settings.maximumMessageLength, m);
    if (typeof verdict !== 'string') return verdict;
    failure = verdict;
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  onFailure?.(failure);
  return s.fallbackResult === 'ALLOW'
    ? { result: 'ALLOW', content: m.content, attributes: m.attributes }
    : { result: 'DENY', reason: 'review handler unavailable (fallback DENY)' };
}
