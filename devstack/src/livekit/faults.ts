// Injected failures, so callers can test the unhappy paths real LiveKit produces now and then:
// an egress that fails, a webhook that never arrives (no delivery guarantee), one that arrives twice.

export type WebhookEventName =
  | 'room_started'
  | 'room_finished'
  | 'participant_joined'
  | 'participant_left'
  | 'egress_started'
  | 'egress_updated'
  | 'egress_ended';

export type Fault =
  /** The next egress started ends EGRESS_FAILED: right after starting (default) or when stopped. */
  | { type: 'egress_fail'; error?: string; at?: 'start' | 'end' }
  /** The next `count` (default 1) webhooks, or of one event only, are not delivered. */
  | { type: 'webhook_drop'; count?: number; event?: WebhookEventName }
  /** The next `count` (default 1) webhooks, or of one event only, are delivered twice (same id). */
  | { type: 'webhook_duplicate'; count?: number; event?: WebhookEventName };

interface Armed {
  fault: Fault;
  remaining: number;
}

export function isFault(value: unknown): value is Fault {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const countOk = v.count === undefined || (Number.isInteger(v.count) && (v.count as number) > 0);
  switch (v.type) {
    case 'egress_fail':
      return (
        (v.error === undefined || typeof v.error === 'string') &&
        [undefined, 'start', 'end'].includes(v.at as string)
      );
    case 'webhook_drop':
    case 'webhook_duplicate':
      return countOk && (v.event === undefined || typeof v.event === 'string');
    default:
      return false;
  }
}

export class FaultBook {
  private armed: Armed[] = [];

  inject(fault: Fault): void {
    const remaining = fault.type === 'egress_fail' ? 1 : (fault.count ?? 1);
    this.armed.push({ fault, remaining });
  }

  clear(): void {
    this.armed = [];
  }

  /** Faults still armed, in injection order. */
  list(): Array<Fault & { remaining: number }> {
    return this.armed.map((a) => ({ ...a.fault, remaining: a.remaining }));
  }

  takeEgressFailure(): { error: string; at: 'start' | 'end' } | undefined {
    const armed = this.take((f) => f.type === 'egress_fail');
    if (armed?.type !== 'egress_fail') return undefined;
    return { error: armed.error ?? 'injected egress failure', at: armed.at ?? 'start' };
  }

  /** What happens to the webhook for `event`: the oldest matching fault wins. */
  takeWebhookFault(event: string): 'drop' | 'duplicate' | undefined {
    const armed = this.take(
      (f) => (f.type === 'webhook_drop' || f.type === 'webhook_duplicate') && (!f.event || f.event === event),
    );
    if (armed?.type === 'webhook_drop') return 'drop';
    if (armed?.type === 'webhook_duplicate') return 'duplicate';
    return undefined;
  }

  private take(match: (f: Fault) => boolean): Fault | undefined {
    const i = this.armed.findIndex((a) => match(a.fault));
    if (i < 0) return undefined;
    const a = this.armed[i];
    if (--a.remaining === 0) this.armed.splice(i, 1);
    return a.fault;
  }
}
