// Small DOM helpers: elements from tag + attributes + children, a polite status line for screen
// readers, errors a person can act on, copy buttons.
import { OnairApiError } from '@onair/client';

type Child = Node | string | number | false | null | undefined;
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

/** `h('button', { type: 'button', onclick: f }, 'Save')`; `on…` keys are listeners, booleans toggle. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children)
    if (c !== false && c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** Says something in the page's status line (aria-live polite); '' clears it. */
export function announce(text: string): void {
  const s = document.getElementById('status');
  if (s) s.textContent = text;
}

/** A person-readable message for any failure (the API's problem detail when there is one). */
export function messageOf(e: unknown): string {
  if (e instanceof OnairApiError) return e.message.replace(/^HTTP (\d+): /, '$1 — ');
  if (e instanceof Error) return e.message;
  return String(e);
}

/** An alert region that shows the latest error of a section, or nothing. */
export function errorSlot(): { el: HTMLElement; show(e: unknown): void; clear(): void } {
  const el = h('p', { class: 'error', role: 'alert', hidden: true });
  return {
    el,
    show(e) {
      el.textContent = messageOf(e);
      el.hidden = false;
    },
    clear() {
      el.textContent = '';
      el.hidden = true;
    },
  };
}

/** Runs an action from a button: disabled while it runs, errors into `errors`. */
export function action(
  button: HTMLButtonElement,
  errors: { show(e: unknown): void; clear(): void },
  run: () => Promise<void>,
): void {
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    errors.clear();
    announce('');
    try {
      await run();
    } catch (e) {
      errors.show(e);
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
}

/**
 * A button that copies `value()` and says so. A failure to get the value (an API refusal) is
 * shown in `errors` with its reason; only a clipboard refusal is called one.
 */
export function copyButton(
  label: string,
  value: () => string | Promise<string>,
  errors?: { show(e: unknown): void; clear(): void },
): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'small' }, label);
  const reset = () =>
    setTimeout(() => {
      b.textContent = label;
    }, 2000);
  b.addEventListener('click', async () => {
    errors?.clear();
    let text: string;
    try {
      text = await value();
    } catch (e) {
      b.textContent = 'Not copied';
      errors?.show(e);
      announce(`${label}: ${messageOf(e)}`);
      reset();
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
      announce(`${label}: copied to the clipboard`);
    } catch {
      b.textContent = 'Copy failed';
      announce(`${label}: the browser refused the clipboard; select the text instead`);
    }
    reset();
  });
  return b;
}

export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : undefined;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint && h('small', { id: hintId }, hint),
  );
}

export function badge(text: string): HTMLElement {
  return h('span', { class: `badge badge-${text}` }, text);
}

export const time = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '');

export function bytes(n: number | undefined): string {
  if (n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A silent logger for amazon-ivs-chat-messaging (its default logs every frame to the console). */
export const quietChatLogger = { debug() {}, info() {}, error() {} };
