/**
 * The outside systems of the content-pipeline example, simulated in-process: the editors' inbox and
 * the CMS the article is published to. Both are deterministic, idempotent by the key they are given,
 * and record what was asked of them, so a test can see exactly which side effects happened.
 */

export interface ReviewRequest {
  idempotencyKey: string;
  editor: string;
  title: string;
  /** 0 for the first draft, 1 for the revised one. */
  revision: number;
}

/** Where editors are asked to review a draft (an email or chat message in real life). */
export class EditorInbox {
  readonly requests: ReviewRequest[] = [];

  notify(request: ReviewRequest): void {
    if (this.requests.some((r) => r.idempotencyKey === request.idempotencyKey)) return;
    this.requests.push({ ...request });
  }
}

export interface Article {
  idempotencyKey: string;
  title: string;
  /** The URL path, derived from the title. */
  slug: string;
  body: string;
  metaDescription: string;
  keywords: string[];
  imageBrief: { subject: string; style: string; altText: string };
  approvedBy: string;
}

export interface PublishedArticle extends Article {
  postId: string;
  url: string;
}

/** Publishes once per idempotency key: a retried or replayed publish never makes a second post. */
export class Cms {
  readonly published: PublishedArticle[] = [];
  /** Every publish request, repeats answered from the idempotency record included. */
  publishRequests = 0;

  publish(article: Article): { postId: string; url: string } {
    this.publishRequests++;
    let post = this.published.find((p) => p.idempotencyKey === article.idempotencyKey);
    if (post === undefined) {
      const postId = `POST-${String(this.published.length + 1).padStart(4, '0')}`;
      post = { ...article, keywords: [...article.keywords], imageBrief: { ...article.imageBrief }, postId, url: `https://blog.example.com/${article.slug}` };
      this.published.push(post);
    }
    return { postId: post.postId, url: post.url };
  }
}

export interface ContentServices {
  inbox: EditorInbox;
  cms: Cms;
}

export function createContentServices(): ContentServices {
  return { inbox: new EditorInbox(), cms: new Cms() };
}

/** `Durable Workflows, Explained!` → `durable-workflows-explained`. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug.length > 0 ? slug : 'article';
}
