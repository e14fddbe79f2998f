/** Invoices: reading the text document into fields, money arithmetic, and the purchase-order match. */
import { TerminalError } from '@baton/core';
import type { PurchaseOrder } from './services.js';

export interface InvoiceLine {
  description: string;
  quantity: number;
  unitPrice: number;
  total: number;
}

export interface Invoice {
  invoiceId: string;
  vendor: string;
  poNumber: string;
  currency: string;
  lines: InvoiceLine[];
  /** The invoice total, in currency units (two decimals). */
  amount: number;
}

/**
 * Reads an invoice document of `Key: value` lines:
 *
 *     Invoice: INV-2030-0042
 *     Vendor: Northwind Logistics
 *     PO: PO-2002
 *     Currency: EUR
 *     Line: Freight Hamburg to Rotterdam | 2 | 1850.00
 *     Total: 3700.00
 *
 * A document that cannot be read, or whose lines do not add up to its total, is a TerminalError:
 * reading it again gives the same answer.
 */
export function parseInvoice(document: string): Invoice {
  const fields = new Map<string, string>();
  const lines: InvoiceLine[] = [];
  const problems: string[] = [];
  for (const [index, raw] of document.split(/\r?\n/).entries()) {
    const text = raw.trim();
    if (text.length === 0 || text.startsWith('#')) continue;
    const colon = text.indexOf(':');
    if (colon <= 0) {
      problems.push(`line ${index + 1} is not 'Key: value'`);
      continue;
    }
    const key = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (key !== 'line') {
      fields.set(key, value);
      continue;
    }
    const [description, quantity, unitPrice] = value.split('|').map((part) => part.trim());
    const qty = Number(quantity);
    const price = parseAmount(unitPrice);
    if (!description || !Number.isFinite(qty) || qty <= 0 || price === undefined) {
      problems.push(`line ${index + 1} should read 'Line: description | quantity | unit price'`);
      continue;
    }
    lines.push({ description, quantity: qty, unitPrice: price, total: fromCents(Math.round(qty * toCents(price))) });
  }

  const field = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined || value.length === 0) problems.push(`missing '${name[0]!.toUpperCase()}${name.slice(1)}:'`);
    return value ?? '';
  };
  const invoiceId = field('invoice');
  const vendor = field('vendor');
  const poNumber = field('po');
  const currency = field('currency').toUpperCase();
  const totalText = field('total');
  const amount = parseAmount(totalText);
  if (totalText.length > 0 && amount === undefined) problems.push(`the total '${totalText}' is not an amount`);
  if (lines.length === 0) problems.push('no invoice lines');
  if (amount !== undefined && lines.length > 0) {
    const sum = lines.reduce((cents, line) => cents + toCents(line.total), 0);
    if (sum !== toCents(amount)) problems.push(`the lines add up to ${fromCents(sum).toFixed(2)} but the total says ${amount.toFixed(2)}`);
  }
  if (problems.length > 0 || amount === undefined) {
    throw new TerminalError(`The invoice document cannot be read: ${problems.join('; ')}. Fix the document and submit it again.`, {
      code: 'INVOICE_UNREADABLE',
      details: { problems },
    });
  }
  return { invoiceId, vendor, poNumber, currency, lines, amount };
}

/** What does not match between the invoice and its purchase order (empty when it matches). */
export function purchaseOrderMismatches(invoice: Invoice, po: PurchaseOrder): string[] {
  const problems: string[] = [];
  if (po.status !== 'open') problems.push(`the purchase order is ${po.status}`);
  if (po.vendor !== invoice.vendor) problems.push(`the vendor is '${invoice.vendor}' but the purchase order is with '${po.vendor}'`);
  if (po.currency !== invoice.currency) problems.push(`the currency is ${invoice.currency} but the purchase order is in ${po.currency}`);
  const remaining = fromCents(toCents(po.amount) - toCents(po.invoiced));
  if (toCents(invoice.amount) > toCents(remaining)) {
    problems.push(
      `the amount ${formatMoney(invoice.amount, invoice.currency)} is more than the ${formatMoney(remaining, po.currency)} left on the purchase order`,
    );
  }
  return problems;
}

export function formatMoney(amount: number, currency: string): string {
  return `${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
}

function parseAmount(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(,\d{3})*(\.\d{1,2})?$/.test(text)) return undefined;
  return Number(text.replaceAll(',', ''));
}

function toCents(amount: number): number {
  return Math.round(amount * 100);
}

function fromCents(cents: number): number {
  return cents / 100;
}
