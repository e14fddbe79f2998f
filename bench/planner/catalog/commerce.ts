/** Catalog workflows of commerce and contracts: warehouse, shipping, orders, legal, e-signature. */
import type { CatalogWorkflowEntry } from '@baton/dsl';
import { email, flag, list, money, object, oneOf, result, text, workflow } from './schema-helpers.js';

const item = object({ sku: text(), quantity: { type: 'integer', minimum: 1 } });

export const COMMERCE_WORKFLOWS: readonly CatalogWorkflowEntry[] = [
  workflow(
    'warehouse.reserve-items',
    "Reserves an order's items in the warehouse; items out of stock are listed as backordered.",
    object({ orderId: text(), items: list(item) }),
    result({ reserved: flag, backordered: list(text()), expectedRestock: text() }),
  ),
  workflow(
    'warehouse.notify-backorder',
    'Emails a customer which items of their order are backordered and when they are expected.',
    object({ orderId: text(), customerEmail: email }),
    result({ messageId: text() }),
  ),
  workflow(
    'shipping.create-label',
    'Buys a shipping label from the carrier, insured or not.',
    object({ orderId: text(), insured: flag }),
    result({ labelId: text(), trackingNumber: text(), carrier: text() }),
  ),
  workflow('shipping.hand-over-to-carrier', 'Books the carrier pickup of a labelled parcel.', object({ labelId: text() }), result({ pickupAt: text() })),
  workflow(
    'shipping.update-address',
    "Changes a shipment's delivery address with the carrier.",
    object({ shipmentId: text(), address: object({ line1: text(), city: text(), postcode: text(), country: text() }, [], false) }),
    result({ updated: flag }),
  ),
  workflow(
    'shipping.file-carrier-claim',
    'Files a damage or loss claim with the carrier.',
    object({ shipmentId: text(), reason: oneOf('damage', 'loss') }),
    result({ claimId: text() }),
  ),
  workflow('orders.send-replacement', 'Ships a free replacement of an order.', object({ orderId: text() }), result({ newShipmentId: text() })),
  workflow(
    'legal.extract-contract-terms',
    "Reads a contract document and extracts its key terms: total value (EUR), term, liability cap and the clauses that differ from the company's standard.",
    object({ documentUrl: text() }),
    result({ value: money, termMonths: { type: 'integer' }, liabilityCap: money, nonStandardClauses: list(text()) }),
  ),
  workflow(
    'esign.send-for-signature',
    'Sends a contract for electronic signature to the customer and the company signatory.',
    object({ contractId: text(), documentUrl: text(), signerEmail: email }),
    result({ envelopeId: text() }),
  ),
];
