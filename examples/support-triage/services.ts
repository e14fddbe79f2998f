/**
 * The outside systems of the support-triage example, simulated in-process: the knowledge base, the
 * order system (which also issues refunds), the helpdesk queue where people pick up tickets, and the
 * mailer. Each is deterministic, idempotent by the key it is given, and records what was asked of
 * it, so a test can see exactly which side effects happened.
 */

export interface Article {
  id: string;
  title: string;
  body: string;
  tags: string[];
}

/** What a knowledge-base search returns for one article. */
export interface ArticleHit {
  id: string;
  title: string;
  excerpt: string;
}

export class KnowledgeBase {
  readonly #articles: Article[];
  /** Every query asked, in order. */
  readonly searches: string[] = [];

  constructor(articles: readonly Article[]) {
    this.#articles = articles.map((a) => ({ ...a, tags: [...a.tags] }));
  }

  /** The (at most 3) articles sharing the most words with the query, best first. */
  search(query: string): ArticleHit[] {
    this.searches.push(query);
    const wanted = new Set(words(query));
    return this.#articles
      .map((article) => ({ article, score: words(`${article.title} ${article.body} ${article.tags.join(' ')}`).filter((w) => wanted.has(w)).length }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id))
      .slice(0, 3)
      .map(({ article }) => ({ id: article.id, title: article.title, excerpt: article.body.slice(0, 240) }));
  }
}

export interface OrderLine {
  description: string;
  quantity: number;
  unitPrice: number;
}

export interface Order {
  orderId: string;
  customerEmail: string;
  lines: OrderLine[];
  /** The order total, in currency units (two decimals). */
  total: number;
  currency: string;
  status: 'processing' | 'shipped' | 'delivered';
  placedOn: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  orderId: string;
  amount: number;
  currency: string;
  reason: string;
}

export interface Refund extends RefundRequest {
  refundId: string;
}

export class OrderSystem {
  readonly #orders = new Map<string, Order>();
  /** Money actually refunded: one entry per distinct idempotency key. */
  readonly refunds: Refund[] = [];
  /** Every refund request, repeats answered from the idempotency record included. */
  refundRequests = 0;

  constructor(orders: readonly Order[]) {
    for (const order of orders) this.#orders.set(order.orderId, structuredClone(order));
  }

  /** The order, only when it belongs to this customer (so one customer never sees another's). */
  lookup(orderId: string, customerEmail: string): Order | undefined {
    const order = this.#orders.get(orderId.trim().toUpperCase());
    return order !== undefined && order.customerEmail === customerEmail.toLowerCase() ? structuredClone(order) : undefined;
  }

  /** Refunds once per idempotency key: a repeated request returns the first refund. */
  refund(request: RefundRequest): Refund {
    this.refundRequests++;
    let refund = this.refunds.find((r) => r.idempotencyKey === request.idempotencyKey);
    if (refund === undefined) {
      refund = { ...request, refundId: `RF-${String(this.refunds.length + 1).padStart(4, '0')}` };
      this.refunds.push(refund);
    }
    return { ...refund };
  }
}

export interface Assignment {
  idempotencyKey: string;
  ticketId: string;
  /** The person or team asked to act. */
  to: string;
  /** What they are asked to do, with the model's suggested reply when there is one. */
  request: string;
  suggestion?: string;
  escalation: boolean;
}

/** The helpdesk queue where people pick up tickets and approve refunds. */
export class Helpdesk {
  readonly assignments: Assignment[] = [];

  assign(assignment: Assignment): void {
    if (this.assignments.some((a) => a.idempotencyKey === assignment.idempotencyKey)) return;
    this.assignments.push({ ...assignment });
  }

  for(assignee: string): Assignment[] {
    return this.assignments.filter((a) => a.to === assignee);
  }
}

export interface OutgoingEmail {
  idempotencyKey: string;
  to: string;
  subject: string;
  body: string;
  ticketId: string;
}

export interface SentEmail extends OutgoingEmail {
  messageId: string;
}

/** Sends once per idempotency key: a retried or replayed send never reaches the customer twice. */
export class Mailer {
  readonly sent: SentEmail[] = [];

  send(email: OutgoingEmail): { messageId: string } {
    let sent = this.sent.find((m) => m.idempotencyKey === email.idempotencyKey);
    if (sent === undefined) {
      sent = { ...email, messageId: `<${email.ticketId.toLowerCase()}.${this.sent.length + 1}@support.example.com>` };
      this.sent.push(sent);
    }
    return { messageId: sent.messageId };
  }
}

export interface SupportServices {
  knowledgeBase: KnowledgeBase;
  orders: OrderSystem;
  helpdesk: Helpdesk;
  mailer: Mailer;
}

export const SAMPLE_ARTICLES: readonly Article[] = [
  {
    id: 'KB-101',
    title: 'Thermostat shows "offline" after changing the Wi-Fi router',
    body: 'Hold the dial for 10 seconds until the display blinks, then choose Settings > Network > Reconnect and pick the new network. The thermostat keeps its schedule while offline.',
    tags: ['thermostat', 'wifi', 'offline', 'network'],
  },
  {
    id: 'KB-102',
    title: 'Espresso machine pumps no water',
    body: 'Check that the tank sits firmly on its valve, then run the descaling program (Menu > Care > Descale) with one sachet of descaler. If the pump still hums without water, the pump needs service.',
    tags: ['espresso', 'pump', 'water', 'descale'],
  },
  {
    id: 'KB-103',
    title: 'Resetting your account password',
    body: 'Choose "Forgot password" on the sign-in page; the reset link in the email is valid for one hour.',
    tags: ['account', 'password', 'login'],
  },
  {
    id: 'KB-104',
    title: 'Refund policy',
    body: 'Goods can be returned within 30 days of delivery for a full refund; faulty goods are refunded or replaced within two years.',
    tags: ['refund', 'return', 'policy'],
  },
];

export const SAMPLE_ORDERS: readonly Order[] = [
  {
    orderId: 'ORD-7001',
    customerEmail: 'grace@example.com',
    lines: [{ description: 'Pour-over coffee maker', quantity: 1, unitPrice: 39.9 }],
    total: 39.9,
    currency: 'EUR',
    status: 'delivered',
    placedOn: '2030-03-02',
  },
  {
    orderId: 'ORD-7002',
    customerEmail: 'grace@example.com',
    lines: [{ description: 'Espresso machine Model S', quantity: 1, unitPrice: 249 }],
    total: 249,
    currency: 'EUR',
    status: 'delivered',
    placedOn: '2030-03-14',
  },
  {
    orderId: 'ORD-7003',
    customerEmail: 'linus@example.com',
    lines: [{ description: 'Smart thermostat T2', quantity: 1, unitPrice: 129 }],
    total: 129,
    currency: 'EUR',
    status: 'delivered',
    placedOn: '2030-02-20',
  },
];

export interface SupportServicesOptions {
  articles?: readonly Article[];
  orders?: readonly Order[];
}

export function createSupportServices(options: SupportServicesOptions = {}): SupportServices {
  return {
    knowledgeBase: new KnowledgeBase(options.articles ?? SAMPLE_ARTICLES),
    orders: new OrderSystem(options.orders ?? SAMPLE_ORDERS),
    helpdesk: new Helpdesk(),
    mailer: new Mailer(),
  };
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3);
}
