/**
 * Who the page acts as. It asks `GET /auth/whoami` (with the token it holds, if any); when the
 * service has tokens and none or a wrong one was given (401), it asks the operator for one.
 * The token is kept for this tab only (sessionStorage), never in a URL the page shows.
 */
import { type Api, ApiError } from './api.js';
import type { Whoami } from './types.js';
import { h } from './dom.js';

const KEY = 'modloader.token';

function askToken(dialog: HTMLDialogElement, message: string, reason: 'needed' | 'rejected'): Promise<string> {
  return new Promise((resolve) => {
    const input = h('input', {
      id: 'token-input',
      type: 'password',
      name: 'token',
      required: true,
      autocomplete: 'current-password',
      'aria-label': 'bearer token',
    });
    const form = h(
      'form',
      { method: 'dialog' },
      h('h2', null, 'Sign in'),
      h('p', { class: 'token-message', 'data-reason': reason }, message),
      h('label', null, 'Bearer token (a secret of tokens.conf) ', input),
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'confirm' }, 'Sign in')),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      dialog.close();
      resolve(token);
    });
    // Without a token there is nothing to show: the dialog stays until one is given.
    dialog.oncancel = (e) => e.preventDefault();
    dialog.replaceChildren(form);
    dialog.showModal();
    input.focus();
  });
}

/** Resolves once the service accepts the page's token (or needs none). */
export async function signIn(api: Api, dialog: HTMLDialogElement): Promise<Whoami> {
  api.token = sessionStorage.getItem(KEY);
  for (;;) {
    try {
      const me = await api.get<Whoami>('/auth/whoami');
      if (api.token) sessionStorage.setItem(KEY, api.token);
      return me;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      const message = api.token
        ? 'That token was not accepted. Give one of the secrets of the service’s tokens.conf.'
        : 'This service needs a bearer token: give one of the secrets of its tokens.conf.';
      sessionStorage.removeItem(KEY);
      api.token = await askToken(dialog, message, api.token ? 'rejected' : 'needed');
    }
  }
}

/** Forgets the token; the page asks again when reloaded. */
export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
