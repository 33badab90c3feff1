/**
 * Puts an environment's part into the pull request's one plan comment. Two jobs (development and
 * production) may do so at the same moment, and GitHub has no conditional update, so each job
 * merges, writes, reads back and tries again until its part is in the comment; and when both
 * created a comment, the older one keeps every part and the newer is deleted.
 * I/O goes through `CommentApi`, so the logic runs in tests against an in-memory pull request.
 */
import { COMMENT_MARKER, mergeComment, parseComment } from "./comment";

export interface IssueComment {
  readonly id: number;
  readonly body: string;
  /** "Bot" for the workflow's token (github-actions[bot]). */
  readonly userType: string;
  readonly createdAt: string;
}

export interface CommentApi {
  list(): Promise<IssueComment[]>;
  get(id: number): Promise<IssueComment | undefined>;
  create(body: string): Promise<IssueComment>;
  update(id: number, body: string): Promise<void>;
  remove(id: number): Promise<void>;
}

const ours = (c: IssueComment) => c.userType === "Bot" && c.body.startsWith(COMMENT_MARKER);

/** Whether every part of `incoming` is in `body`, as it is. */
export function contains(body: string, incoming: string): boolean {
  const have = parseComment(body);
  return parseComment(incoming).every((r) =>
    have.some((h) => h.kind === r.kind && h.environment === r.environment && h.body === r.body),
  );
}

export interface PublishResult {
  readonly id: number;
  readonly attempts: number;
  readonly body: string;
}

export async function publishComment(
  api: CommentApi,
  incoming: string,
  options: { readonly attempts?: number; readonly settle?: () => Promise<void> } = {},
): Promise<PublishResult> {
  const attempts = options.attempts ?? 5;
  const settle =
    options.settle ?? (() => new Promise<void>((r) => setTimeout(r, 1500 + Math.random() * 2500)));
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const mine = (await api.list()).filter(ours).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    let target = mine[0];
    if (!target) {
      target = await api.create(mergeComment(undefined, incoming));
    } else {
      // fold duplicates (two jobs that both created one) into the oldest
      let body = target.body;
      for (const extra of mine.slice(1)) body = mergeComment(body, extra.body);
      await api.update(target.id, mergeComment(body, incoming));
      for (const extra of mine.slice(1)) await api.remove(extra.id);
    }
    await settle();
    const all = (await api.list()).filter(ours).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const now = await api.get(all[0]?.id ?? target.id);
    if (now && all.length === 1 && contains(now.body, incoming))
      return { id: now.id, attempts: attempt, body: now.body };
  }
  throw new Error(
    `the plan comment kept changing under this job; its part is not in it after ${attempts} attempts`,
  );
}
