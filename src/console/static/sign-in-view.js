import { signIn } from './api.js';
import { h } from './dom.js';

// Shown when the server runs with --auth sigv4 and this browser has no session: the same access key and
// secret an SDK would use. The secret is sent once, to POST /console/login, and never stored by the page.
export function renderSignIn(onSignedIn) {
  const key = h('input', { type: 'text', id: 'access-key-id', name: 'accessKeyId', autocomplete: 'username', required: true });
  const secret = h('input', { type: 'password', id: 'secret-access-key', name: 'secretAccessKey', autocomplete: 'current-password', required: true });
  const problem = h('p', { role: 'alert', className: 'error-text' });
  const form = h(
    'form',
    {
      className: 'card sign-in',
      onSubmit: async (event) => {
        event.preventDefault();
        problem.textContent = '';
        if (await signIn(key.value, secret.value)) onSignedIn();
        else problem.textContent = 'Sign-in failed: unknown access key or wrong secret.';
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { className: 'muted' }, 'This Wharf requires signed requests. Use an access key and secret from its credentials.'),
    h('label', { for: 'access-key-id' }, 'Access key ID'),
    key,
    h('label', { for: 'secret-access-key' }, 'Secret access key'),
    secret,
    problem,
    h('button', { type: 'submit', className: 'primary' }, 'Sign in'),
  );
  return { element: form, focus: () => key.focus() };
}
