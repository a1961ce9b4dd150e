import type { ModerationSettings } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';

type Settings = Static<typeof ModerationSettings>;

export type ModerationVerdict =
  | { result: 'ALLOW'; content: string; attributes?: Record<string, string> }
  | { result: 'DENY'; reason: string };

/** A review handler with IVS's message review contract, reached over HTTP (POST JSON). */
export type ReviewCall = (
  url: string,
  body: unknown,
  timeoutMs: number,
) => Promise<{ ReviewResult: 'ALLOW' | 'DENY'; Content?: string; Attributes?: Record<string, string> }>;

export const httpReview: ReviewCall = async (url, body, timeoutMs) => {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!r.ok) throw new Error(`review handler answered ${r.status}`);
  return (await r.json()) as Awaited<ReturnType<ReviewCall>>;
};

/** IVS gives a message review handler 200 ms; past that the room's fallbackResult decides. */
export const REVIEW_BUDGET_MS = 200;

function wordsOf(text: string): string[] {
  return text
    .toLocaleLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The room's moderation: the built-in word filter (whole words, case-insensitive), then the
 * optional review webhook, which may allow, deny or rewrite the message.
 */
export async function moderate(
  s: Settings,
  m: {
    content: string;
    attributes?: Record<string, string>;
    roomId: string;
    userId: string;
    messageId: string;
  },
  review: ReviewCall = httpReview,
): Promise<ModerationVerdict> {
  if (s.wordFilter.length > 0) {
    const banned = new Set(s.wordFilter.map((w) => w.toLocaleLowerCase()));
    if (wordsOf(m.content).some((w) => banned.has(w))) return { result: 'DENY', reason: 'word filter' };
  }
  if (!s.reviewWebhookUrl) return { result: 'ALLOW', content: m.content, attributes: m.attributes };
  try {
    const out = await review(
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
    if (out.ReviewResult === 'DENY') return { result: 'DENY', reason: 'review handler' };
    return { result: 'ALLOW', content: out.Content ?? m.content, attributes: out.Attributes ?? m.attributes };
  } catch {
    return s.fallbackResult === 'ALLOW'
      ? { result: 'ALLOW', content: m.content, attributes: m.attributes }
      : { result: 'DENY', reason: 'review handler unavailable (fallback DENY)' };
  }
}
