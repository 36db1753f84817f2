// A tiny DOM builder: h('tag', {attrs, on*: handler}, ...children). Text is always set as text, never
// parsed as HTML, so message bodies and names cannot inject markup.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === 'className') el.className = value;
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export const queueHref = (name) => `#/queues/${encodeURIComponent(name)}`;
export const queueLink = (name) => h('a', { href: queueHref(name) }, name);

export function formatAge(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
  return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
}

export const formatTime = (ms) => (ms ? new Date(Number(ms)).toLocaleString() : '–');

/** JSON bodies pretty-printed, anything else as sent. */
export function prettyBody(body) {
  const trimmed = body.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return body;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return body;
  }
}

let fieldCounter = 0;
/** A labelled form control; returns [label, control] for grids or a wrapping div. */
export function field(labelText, control) {
  fieldCounter += 1;
  control.id ||= `f${fieldCounter}`;
  return h('div', {}, h('label', { for: control.id }, labelText), control);
}

/**
 * Replaces the children only when `key` differs from the last one, so a live refresh does not rebuild
 * (and take keyboard focus away from) links and buttons whose content has not changed.
 */
export function replaceIfChanged(el, key, build) {
  if (el.dataset.key === key) return;
  el.dataset.key = key;
  replace(el, build());
}
