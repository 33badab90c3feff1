/**
 * The pull-request comment as a set of regions, one per environment and part, so that jobs that
 * plan different environments (the pull request's own job plans development; the approved
 * production job plans production) can each add or replace their part of the same comment.
 * Pure: no I/O.
 *
 *   <!-- django-cdktf-plan -->                     (first line: how the workflows find the comment)
 *   ## Infrastructure plan
 *   <!-- django-cdktf-plan:begin verdict dev -->   one line per environment
 *   <!-- django-cdktf-plan:begin summary dev -->   risks, drift, resource table, next steps
 *   <!-- django-cdktf-plan:begin plan dev -->      the full plans, folded
 *   <sub>footer</sub>
 *
 * Every region kind comes before the next, so all verdicts are on top and all folded plans last.
 */
import { truncateLines } from "./escape";

export const COMMENT_MARKER = "<!-- django-cdktf-plan -->";

/** GitHub rejects issue and pull-request comment bodies longer than this (in characters). */
export const GITHUB_COMMENT_LIMIT = 65536;

export const REGION_KINDS = ["verdict", "summary", "plan"] as const;
export type RegionKind = (typeof REGION_KINDS)[number];

export interface Region {
  readonly kind: RegionKind;
  readonly environment: string;
  /** Markdown between the markers, without leading or trailing blank lines. */
  readonly body: string;
}

const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const HEADER = `${COMMENT_MARKER}\n## Infrastructure plan`;
const FOOTER =
  "<sub>One comment per pull request. Each environment's part is replaced when that environment is planned again.</sub>";
const BEGIN = /^<!-- django-cdktf-plan:begin (verdict|summary|plan) ([A-Za-z0-9_-]+) -->$/;
const MARKERISH = /<!--\s*\/?\s*django-cdktf-plan/;

export const begin = (kind: RegionKind, environment: string) =>
  `<!-- django-cdktf-plan:begin ${kind} ${environment} -->`;
export const end = (kind: RegionKind, environment: string) =>
  `<!-- django-cdktf-plan:end ${kind} ${environment} -->`;

export class CommentFormatError extends Error {}

/** Checks a region before it goes into a comment: a body may never forge a marker. */
export function region(kind: RegionKind, environment: string, body: string): Region {
  if (!ENVIRONMENT.test(environment)) {
    throw new CommentFormatError(
      `environment name ${JSON.stringify(environment)} may only contain letters, digits, "-" and "_"`,
    );
  }
  if (MARKERISH.test(body) || body.includes(COMMENT_MARKER)) {
    throw new CommentFormatError(
      `the ${kind} part of ${environment} contains a comment marker; values must be escaped before they are rendered`,
    );
  }
  return { kind, environment, body: body.replace(/^\s*\n/, "").replace(/\s+$/, "") };
}

/** The regions of a comment, in order. Text outside regions (header, footer) is dropped. */
export function parseComment(body: string): Region[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const regions: Region[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN.exec(lines[i]);
    if (!m) continue;
    const kind = m[1] as RegionKind;
    const closing = end(kind, m[2]);
    const stop = lines.indexOf(closing, i + 1);
    if (stop < 0) continue; // a region cut off (by hand): dropped, the next plan writes it again
    const text = lines.slice(i + 1, stop).join("\n");
    // A region of an existing comment that holds a marker was not written by us: dropped.
    if (!MARKERISH.test(text)) regions.push({ kind, environment: m[2], body: text.trim() });
    i = stop;
  }
  return regions;
}

/** Header, regions grouped by kind (each in the order given), footer. */
export function assembleComment(regions: readonly Region[]): string {
  const parts = [HEADER];
  for (const kind of REGION_KINDS) {
    for (const r of regions.filter((x) => x.kind === kind)) {
      parts.push(`${begin(r.kind, r.environment)}\n${r.body}\n${end(r.kind, r.environment)}`);
    }
  }
  parts.push(FOOTER);
  return `${parts.join("\n\n")}\n`;
}

/**
 * Adds or replaces the incoming comment's environments in the existing comment (undefined: there
 * is none yet). An environment in the incoming comment replaces all of its parts; the others stay,
 * in their order, and new environments come after them. The result fits in `limit` characters:
 * the longest folded plans are cut (at line ends: never inside an escape or a redaction) until
 * it does.
 */
export function mergeComment(
  existing: string | undefined,
  incoming: string,
  limit = GITHUB_COMMENT_LIMIT,
): string {
  const fresh = parseComment(incoming);
  if (fresh.length === 0) {
    throw new CommentFormatError("the incoming comment has no environment part; render it with plan:pr");
  }
  const replaced = new Set(fresh.map((r) => r.environment));
  const old = existing ? parseComment(existing) : [];
  const kept = old.filter((r) => !replaced.has(r.environment));
  const order = [...new Set([...old, ...fresh].map((r) => r.environment))];
  const all = [...kept, ...fresh].sort((a, b) => order.indexOf(a.environment) - order.indexOf(b.environment));
  return fitComment(assembleComment(all), limit);
}

const PRE = /<pre>\n([\s\S]*?)\n<\/pre>/g;
export const CUT_NOTE = "(cut here to fit GitHub's comment size limit: the whole plan is in the job log)";

/**
 * Cuts the longest `<pre>` blocks (the folded plans) at line ends until the body fits in `limit`.
 * Their text is escaped and redacted already, so a cut can expose nothing. The last resort (a
 * limit smaller than the summaries) cuts the body itself at a line end.
 */
export function fitComment(body: string, limit = GITHUB_COMMENT_LIMIT): string {
  let text = body;
  for (let round = 0; text.length > limit && round < 50; round++) {
    const blocks = [...text.matchAll(PRE)].map((m) => ({ start: m.index!, full: m[0], inner: m[1] }));
    const largest = blocks.sort((a, b) => b.inner.length - a.inner.length)[0];
    if (!largest || largest.inner.length <= CUT_NOTE.length + 1) break;
    const excess = text.length - limit;
    const base = largest.inner.endsWith(CUT_NOTE)
      ? largest.inner.slice(0, -CUT_NOTE.length).replace(/\n$/, "")
      : largest.inner;
    const keep = Math.max(0, base.length - excess - CUT_NOTE.length - 2);
    const cut = truncateLines(base, keep).text;
    const inner = cut === "" ? CUT_NOTE : `${cut}\n${CUT_NOTE}`;
    text = `${text.slice(0, largest.start)}<pre>\n${inner}\n</pre>${text.slice(largest.start + largest.full.length)}`;
  }
  if (text.length > limit) {
    const note = "\n\n_(comment cut to fit GitHub's size limit)_\n";
    text = `${truncateLines(text, limit - note.length).text}${note}`;
  }
  return text;
}
