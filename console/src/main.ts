// The console's shell: a hash router (#/streams, #/chat/<roomId>, …), the navigation, who is
// signed in, and one page at a time (each page returns what to undo when it is left).
import './styles.css';
import { chatPage } from './pages/chat';
import { recordingsPage } from './pages/recordings';
import { roomsPage } from './pages/rooms';
import { signInPage } from './pages/signin';
import { streamsPage } from './pages/streams';
import { session, signOut } from './session';
import { announce, h } from './ui';

export type Page = (main: HTMLElement, arg: string | undefined) => (() => void) | undefined;

const PAGES: Record<string, { title: string; page: Page }> = {
  streams: { title: 'Streams', page: streamsPage },
  chat: { title: 'Chat', page: chatPage },
  rooms: { title: 'Rooms', page: roomsPage },
  recordings: { title: 'Recordings', page: recordingsPage },
};

let leave: (() => void) | undefined;
let firstRoute = true;
let lastName: string | undefined;

function route(): void {
  const [, name = '', arg] = /^#\/([^/]*)\/?(.*)$/.exec(location.hash) ?? [];
  const main = document.getElementById('main');
  if (!main) return;
  leave?.();
  leave = undefined;
  // The last page's news is stale on another page (within a page, e.g. a stream just created
  // opening its details, it is still the news).
  if (name !== lastName) announce('');
  lastName = name;
  main.replaceChildren();
  renderChrome(name);
  const signedIn = session();
  const known = PAGES[name];
  if (!signedIn || name === 'sign-in' || !known) {
    document.title = 'Sign in · onair console';
    leave = signInPage(main, undefined);
  } else {
    document.title = `${known.title} · onair console`;
    leave = known.page(main, arg ? decodeURIComponent(arg) : undefined);
  }
  // Move focus to the new page's heading for keyboard and screen-reader users (not on the first
  // load): after a sign-in or a link the old focus is gone (it would be left on <body>).
  if (!firstRoute) {
    const heading = main.querySelector('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else main.focus();
  }
  firstRoute = false;
}

function renderChrome(current: string): void {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const s = session();
  nav?.replaceChildren(
    ...(s
      ? Object.entries(PAGES).map(([name, p]) =>
          h('a', { href: `#/${name}`, 'aria-current': name === current ? 'page' : undefined }, p.title),
        )
      : []),
  );
  if (!who) return;
  if (!s) {
    who.replaceChildren();
    return;
  }
  const out = h('button', { type: 'button', class: 'small' }, 'Sign out');
  out.addEventListener('click', () => {
    signOut();
    location.hash = '#/sign-in';
  });
  who.replaceChildren(h('span', {}, `${s.userId} (${s.roles.join(', ')})`), out);
}

window.addEventListener('hashchange', route);
route();
