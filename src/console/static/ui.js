import { h, replace } from './dom.js';

// Feedback shared by every view: one polite live region for outcomes, and a modal confirmation.

export function notify(text, isError = false) {
  replace(document.getElementById('notice'), text ? h('p', { className: isError ? 'error' : '' }, text) : null);
}

/** Runs an operation, reporting its outcome in the live region; returns its result, or undefined on failure. */
export async function attempt(operation, successText) {
  try {
    const result = await operation();
    if (successText) notify(typeof successText === 'function' ? successText(result) : successText);
    return result ?? true;
  } catch (error) {
    notify(`${error.code ? `${error.code}: ` : ''}${error.message}`, true);
    return undefined;
  }
}

export function confirmDialog(text, confirmLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = confirmLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
