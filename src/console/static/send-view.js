import { sqs } from './api.js';
import { field, h, prettyBody, replace } from './dom.js';
import { attempt } from './ui.js';

// Send a test message (SendMessage) and receive-then-delete (ReceiveMessage, DeleteMessage,
// ChangeMessageVisibility): the same actions and semantics an SQS client gets, receive count included.
export function renderSendAndReceive(queue) {
  const element = h('div', { className: 'grid2' }, sendCard(queue), receiveCard(queue));
  return { element, refresh: async () => {} };
}

function sendCard(queue) {
  const body = h('textarea', { rows: 5, required: true, name: 'body' });
  const attributes = h('div');
  const group = h('input', { type: 'text', name: 'group', required: queue.fifo });
  const dedup = h('input', { type: 'text', name: 'dedup' });
  const delay = h('input', { type: 'number', name: 'delay', min: 0, max: 900, placeholder: 'queue default' });
  const addAttribute = () => {
    const name = h('input', { type: 'text', 'data-attr': 'name' });
    const type = h('select', { 'data-attr': 'type' }, ['String', 'Number'].map((t) => h('option', { value: t }, t)));
    const value = h('input', { type: 'text', 'data-attr': 'value' });
    const row = h('div', { className: 'row', 'data-attribute-row': true },
      field('Attribute name', name), field('Type', type), field('Value', value),
      h('button', { type: 'button', onClick: () => row.remove() }, 'Remove'));
    attributes.append(row);
  };
  const form = h('form', { 'aria-labelledby': 'send-h' },
    field('Body', body), attributes,
    h('div', { className: 'row' }, h('button', { type: 'button', onClick: addAttribute }, 'Add attribute')),
    queue.fifo ? h('div', { className: 'row' }, field('Message group id', group), field('Deduplication id', dedup)) : field('Delay seconds', delay),
    h('div', { className: 'row' }, h('button', { type: 'submit', className: 'primary' }, 'Send message')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const MessageAttributes = {};
    for (const row of attributes.querySelectorAll('[data-attribute-row]')) {
      const get = (key) => row.querySelector(`[data-attr=${key}]`).value;
      if (get('name')) MessageAttributes[get('name')] = { DataType: get('type'), StringValue: get('value') };
    }
    const params = { QueueUrl: queue.url, MessageBody: body.value, MessageAttributes };
    if (queue.fifo) {
      params.MessageGroupId = group.value;
      if (dedup.value) params.MessageDeduplicationId = dedup.value;
    } else if (delay.value !== '') params.DelaySeconds = Number(delay.value);
    const sent = await attempt(() => sqs('SendMessage', params), (r) => `Sent message ${r.MessageId} (MD5 of body ${r.MD5OfMessageBody})`);
    if (sent) await queue.onChange();
  });
  return h('section', { className: 'card', 'aria-labelledby': 'send-h' }, h('h2', { id: 'send-h' }, 'Send a message'), form);
}

function receiveCard(queue) {
  const visibility = h('input', { type: 'number', min: 0, max: 43200, value: '30', name: 'visibility' });
  const list = h('div');
  const receive = async () => {
    const result = await attempt(() => sqs('ReceiveMessage', {
      QueueUrl: queue.url, MaxNumberOfMessages: 10, VisibilityTimeout: Number(visibility.value),
      MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'],
    }), (r) => `Received ${(r.Messages ?? []).length} message(s)`);
    if (result) replace(list, (result.Messages ?? []).map((m) => receivedArticle(queue, m)));
    await queue.onChange();
  };
  return h('section', { className: 'card', 'aria-labelledby': 'receive-h' },
    h('h2', { id: 'receive-h' }, 'Receive and delete'),
    h('p', { className: 'muted' }, 'A real ReceiveMessage: it counts as a delivery (receive count +1, and a message past its ',
      'maxReceiveCount goes to the dead-letter queue) and hides the messages for the visibility timeout.'),
    h('div', { className: 'row' }, field('Visibility timeout (seconds)', visibility),
      h('button', { type: 'button', onClick: receive }, 'Receive messages')),
    list);
}

function receivedArticle(queue, m) {
  const done = () => {
    article.remove();
    void queue.onChange();
  };
  const article = h('article', { className: 'message', 'data-received-id': m.MessageId },
    h('header', {}, h('strong', {}, m.MessageId), h('span', {}, `Receive count ${m.Attributes?.ApproximateReceiveCount ?? '?'}`)),
    h('pre', { className: 'body', tabindex: 0 }, prettyBody(m.Body)),
    h('div', { className: 'row' },
      h('button', { type: 'button', className: 'danger', onClick: async () => {
        if (await attempt(() => sqs('DeleteMessage', { QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle }), `Deleted ${m.MessageId}`)) done();
      } }, 'Delete message'),
      h('button', { type: 'button', onClick: async () => {
        if (await attempt(() => sqs('ChangeMessageVisibility', { QueueUrl: queue.url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }),
          `Returned ${m.MessageId} to the queue`)) done();
      } }, 'Return to queue')));
  return article;
}
