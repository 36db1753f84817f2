import { read } from './api.js';
import { formatTime, h, prettyBody, replace } from './dom.js';
import { attempt } from './ui.js';

const STATE_TEXT = { visible: 'Visible', inFlight: 'In flight', delayed: 'Delayed' };

// Peek: a read of stored messages through /console/api/ (not ReceiveMessage), so it changes no
// visibility, receive count or receipt handle. Refreshed on demand, so a message being read stays put.
export function renderMessages(queue) {
  const list = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', hidden: true, onClick: () => load(true) }, 'Load more');
  const element = h('section', { className: 'card', 'aria-labelledby': 'peek-h' },
    h('h2', { id: 'peek-h' }, 'Messages (peek)'),
    h('p', { className: 'muted' }, 'Peeking reads messages without receiving them: nothing about them changes. ',
      'To delete a message, receive it below, as an SQS client would.'),
    h('div', { className: 'row' }, h('button', { type: 'button', onClick: () => load(false) }, 'Refresh messages')),
    list, more);
  let next = null;
  let loaded = false;

  async function load(append) {
    const path = `queues/${encodeURIComponent(queue.name)}/messages?limit=20${append && next ? `&after=${next}` : ''}`;
    const page = await attempt(() => read(path));
    if (!page) return;
    loaded = true;
    next = page.next;
    more.hidden = next === null;
    const articles = page.messages.map((m) => messageArticle(queue, m));
    if (append) list.append(...articles);
    else replace(list, articles.length ? articles : h('p', { className: 'muted' }, 'The queue is empty.'));
  }

  return {
    element,
    async refresh() {
      if (!loaded) await load(false);
    },
    reload: () => load(false),
  };
}

function messageArticle(queue, m) {
  const pre = h('pre', { className: 'body', tabindex: 0, 'aria-label': `Body of message ${m.messageId}` }, prettyBody(m.body));
  const showAll = m.bodyTruncated
    ? h('button', {
        type: 'button',
        onClick: async () => {
          const full = await attempt(() => read(`queues/${encodeURIComponent(queue.name)}/messages/${m.seq}`));
          if (full) {
            pre.textContent = prettyBody(full.message.body);
            showAll.remove();
          }
        },
      }, `Show all (${m.bodyChars.toLocaleString()} characters)`)
    : null;
  const attributes = Object.entries(m.attributes);
  return h('article', { className: 'message', 'data-message-id': m.messageId },
    h('header', {},
      h('strong', {}, m.messageId),
      h('span', { className: `badge ${m.state}` }, STATE_TEXT[m.state]),
      h('span', { 'data-field': 'receive-count' }, `Receive count ${m.receiveCount}`),
      h('span', {}, `Sent ${formatTime(m.sentAt)}`),
      m.state !== 'visible' ? h('span', { className: 'muted' }, `visible at ${formatTime(m.visibleAt)}`) : null),
    pre, showAll,
    h('details', {},
      h('summary', {}, `Attributes (${attributes.length}) and system attributes`),
      attributes.length ? h('dl', { className: 'kv', 'aria-label': 'Message attributes' },
        attributes.flatMap(([name, value]) => [h('dt', {}, `${name} (${value.DataType})`), h('dd', {}, value.StringValue ?? value.BinaryValue ?? '')])) : null,
      h('dl', { className: 'kv', 'aria-label': 'System attributes' },
        Object.entries({ ...m.systemAttributes, MD5OfBody: m.md5OfBody }).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)]))));
}
