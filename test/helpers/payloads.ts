// The origin story's payload: a business-to-business stock update of 10,000 records, ~1.7 MB of JSON.
export function stockUpdate(records = 10_000): string {
  const rows = Array.from({ length: records }, (_, i) => ({
    sku: `SKU-${String(i).padStart(6, '0')}`,
    warehouse: `WH-${String(i % 17).padStart(2, '0')}`,
    bin: `A${i % 40}-R${i % 9}`,
    quantity: (i * 7919) % 5000,
    price: (((i * 31) % 10_000) / 100).toFixed(2),
    currency: 'EUR',
    updatedAt: '2026-11-22T04:00:00.000Z',
    supplier: 'ACME Trading GmbH',
  }));
  return JSON.stringify({ type: 'stock-update', records: rows });
}

/**
 * What Celery/kombu put on the wire for that payload: kombu base64-encodes the Celery message, which
 * itself carries the base64 of the task body (~3.2 MB in all).
 */
export function celeryEnvelope(body: string): string {
  const inner = JSON.stringify({ body: Buffer.from(body).toString('base64'), 'content-type': 'application/json', headers: { task: 'stock.update' } });
  return Buffer.from(inner).toString('base64');
}
