/**
 * Renders plan summaries as the markdown body of the pull-request comment. Pure: no I/O.
 */
import { PathStep, PlanResourceChange, isRecord, markedAt, valueAt } from "./parse";
import {
  ChangeInfo,
  ChangeKind,
  StackSummary,
  changedPaths,
  classifyActions,
  formatPath,
  summarizeStack,
} from "./plan";

/** The workflow finds its own comment by this marker, so it can edit it instead of adding one. */
export const COMMENT_MARKER = "<!-- django-cdktf-plan -->";

/** GitHub rejects issue/PR comment bodies longer than this (in characters). */
export const GITHUB_COMMENT_LIMIT = 65536;

export const REDACTED = "(redacted)";

export type StackInput =
  | { readonly stack: string; readonly plan: unknown; readonly planText?: string }
  | { readonly stack: string; readonly failed: true };

export interface CommentOptions {
  /** The commit the plan was made for, shown so readers can tell a stale comment. */
  readonly commit?: string;
  /** Link to the workflow run, where the full log is. */
  readonly runUrl?: string;
  /** Secret values to replace wherever they appear (defence in depth over sensitive marks). */
  readonly secrets?: readonly string[];
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxChars?: number;
}

type Report =
  | { readonly stack: string; readonly failed: true }
  | {
      readonly stack: string;
      readonly failed: false;
      readonly summary: StackSummary;
      readonly text: string;
    };

/** Room kept per folded plan for the truncation note. */
const NOTE_RESERVE = 240;
const MAX_LISTED = 50;

export function renderComment(inputs: readonly StackInput[], options: CommentOptions = {}): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const secrets = usableSecrets(options.secrets ?? []);
  const reports: Report[] = inputs.map((input) => {
    if ("failed" in input) return { stack: input.stack, failed: true };
    const summary = summarizeStack(input.stack, input.plan);
    const text = redact(input.planText ?? renderResourceChanges(summary), secrets);
    return {
      stack: input.stack,
      failed: false,
      summary,
      text: text.replace(/^\s*\n/, "").replace(/\s+$/, ""),
    };
  });

  const head = renderHead(reports, options);
  const foot = renderFoot(reports, options);
  const sections = reports.map((r) => (r.failed ? undefined : r));

  // Lay the comment out once with empty plans to learn how much room the plans can share.
  const skeleton = join([head, ...sections.map((r) => (r ? renderSection(r, 0) : "")), foot]);
  const allowances = share(
    limit - skeleton.length - NOTE_RESERVE * sections.filter(Boolean).length,
    sections.map((r) => (r ? r.text.length : 0)),
  );
  let body = join([head, ...sections.map((r, i) => (r ? renderSection(r, allowances[i]) : "")), foot]);
  body = redact(body, secrets);
  // Only reachable with absurd inputs (a limit smaller than the summary itself).
  if (body.length > limit) body = `${body.slice(0, limit - 40)}\n\n_(comment cut at ${limit} characters)_\n`;
  return body;
}

function renderHead(reports: readonly Report[], options: CommentOptions): string {
  const lines = [COMMENT_MARKER, "## Infrastructure plan", ""];
  const tools = [...new Set(reports.flatMap((r) => (!r.failed && r.summary.tool ? [r.summary.tool] : [])))];
  const about = [
    `${reports.length} stack${reports.length === 1 ? "" : "s"}`,
    options.commit ? `commit ${code(options.commit.slice(0, 12))}` : undefined,
    tools.length > 0 ? `CLI ${tools.map((t) => `v${t}`).join(", ")}` : undefined,
  ];
  lines.push(`<sub>${about.filter(Boolean).join(" · ")}</sub>`, "");

  const atRisk = reports.flatMap((r) =>
    r.failed ? [] : r.summary.atRisk.map((c) => ({ stack: r.stack, c })),
  );
  if (atRisk.length > 0) {
    lines.push(
      "> [!CAUTION]",
      "> **Stateful resources would be replaced or destroyed.** Their data or the database's availability is at risk:",
      ...capped(atRisk).map((x) =>
        typeof x === "string"
          ? `> - ${x}`
          : `> - ${code(x.stack)}: ${code(x.c.address)} (${x.c.stateful}) **${pastTense(x.c.kind)}**${x.c.reason ? ` because ${x.c.reason}` : ""}`,
      ),
      ">",
      "> Make sure this is intended and that a backup exists before merging.",
      "",
    );
  }

  const broken = reports.filter((r) => r.failed || r.summary.errored);
  if (broken.length > 0) {
    const where = options.runUrl ? `[the workflow run](${options.runUrl})` : "the workflow log";
    lines.push(
      "> [!WARNING]",
      `> The plan failed for ${broken.map((r) => code(r.stack)).join(", ")}, so what merging would change there is unknown. The error is in ${where}.`,
      "",
    );
  }

  lines.push(
    "| Stack | Add | Change | Replace | Destroy | Notes |",
    "| --- | ---: | ---: | ---: | ---: | --- |",
  );
  for (const r of reports) {
    if (r.failed) {
      lines.push(`| ${cell(code(r.stack))} | – | – | – | – | plan failed |`);
      continue;
    }
    const { counts } = r.summary;
    lines.push(
      `| ${cell(code(r.stack))} | ${counts.add} | ${counts.change} | ${counts.replace} | ${counts.destroy} | ${cell(notes(r.summary))} |`,
    );
  }
  return lines.join("\n");
}

function notes(s: StackSummary): string {
  const n: string[] = [];
  if (s.errored) n.push("plan errored");
  if (s.atRisk.length > 0) n.push("**stateful resources at risk**");
  const rebuilt = s.images.filter((i) => i.verb === "rebuilt").length;
  if (rebuilt > 0) n.push(`${rebuilt} image rebuild${rebuilt === 1 ? "" : "s"}`);
  if (s.counts.forget > 0) n.push(`${s.counts.forget} forgotten`);
  if (s.counts.import > 0) n.push(`${s.counts.import} imported`);
  if (s.counts.move > 0) n.push(`${s.counts.move} moved`);
  if (n.length === 0 && s.changes.length === 0 && !s.errored) n.push("no changes");
  return n.join(", ");
}

function renderSection(r: Extract<Report, { failed: false }>, allowance: number): string {
  const s = r.summary;
  const lines = [`### ${code(r.stack)}`, ""];
  if (s.changes.length === 0) {
    lines.push("No changes.");
    return lines.join("\n");
  }
  for (const image of s.images) {
    const fallout =
      image.replacesContainers.length > 0
        ? `; this replaces ${image.replacesContainers.map(code).join(", ")}`
        : "";
    lines.push(
      `**Image ${image.verb}:** ${code(image.address)}${image.reason ? ` (${image.reason})` : ""}${fallout}.`,
      "",
    );
  }
  // Creations are listed only in the folded plan: on a first deploy they are everything.
  const notable = s.changes.filter((c) => c.kind !== "create");
  for (const line of capped(notable)) {
    lines.push(typeof line === "string" ? `- ${line}` : `- ${describe(line)}`);
  }
  if (notable.length > 0) lines.push("");
  lines.push(fold(r.stack, r.text, allowance));
  return lines.join("\n");
}

function describe(c: ChangeInfo): string {
  const what = c.kind === "unknown" ? `actions ${code(c.actions.join(", "))}` : c.kind;
  const flag = c.stateful && (c.kind === "replace" || c.kind === "delete") ? " **(stateful)**" : "";
  return `${what} ${code(c.address)}${flag}${c.reason ? `: ${c.reason}` : ""}`;
}

/** The plan text in a collapsed block, cut at a line boundary to fit `allowance` characters. */
function fold(stack: string, text: string, allowance: number): string {
  const lines = text.split("\n");
  let shown = text;
  if (text.length > allowance) {
    const cut = text.slice(0, Math.max(0, allowance));
    shown = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  }
  const shownLines = shown === "" ? 0 : shown.split("\n").length;
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  const out = [
    `<details><summary>Full plan for <code>${escapeHtml(stack)}</code> (${lines.length} lines)</summary>`,
    "",
    `${fence}text`,
    shown,
    fence,
  ];
  if (shownLines < lines.length) {
    out.push(
      "",
      `_Truncated: showing ${shownLines} of ${lines.length} lines to stay under GitHub's comment size limit. The full plan is in the job log._`,
    );
  }
  out.push("", "</details>");
  return out.join("\n");
}

function renderFoot(reports: readonly Report[], options: CommentOptions): string {
  const parts = ["Updated on every push to this pull request"];
  if (options.runUrl) parts.push(`[workflow run](${options.runUrl})`);
  if (reports.length === 0) parts.unshift("No stacks were planned");
  return `<sub>${parts.join(" · ")}</sub>`;
}

/**
 * Splits `budget` characters between plans: short plans take what they need, and what they leave
 * goes to the longer ones, so one huge stack does not crowd out the others.
 */
export function share(budget: number, needs: readonly number[]): number[] {
  const result = needs.map(() => 0);
  let left = Math.max(0, budget);
  const order = needs.map((need, i) => ({ need, i })).sort((a, b) => a.need - b.need);
  order.forEach(({ need, i }, k) => {
    const fair = Math.floor(left / (order.length - k));
    result[i] = Math.min(need, fair);
    left -= result[i];
  });
  return result;
}

/**
 * A plan rendering for when no `show` text was given: one line per change and, for updates and
 * replacements, the changed top-level attributes. Values marked sensitive print as (sensitive);
 * objects and lists print as sizes, never in full.
 */
export function renderResourceChanges(summary: StackSummary): string {
  const lines: string[] = [];
  for (const rc of summary.resourceChanges) {
    const kind = classifyActions(rc.change.actions);
    if (kind === "no-op" && !rc.previous_address && !rc.change.importing) continue;
    const address = rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address;
    lines.push(`# ${address} ${PHRASE[kind]}${rc.action_reason ? ` (${rc.action_reason})` : ""}`);
    if (kind === "update" || kind === "replace") {
      const forcing = new Set((rc.change.replace_paths ?? []).map((p) => String(p[0])));
      for (const path of changedPaths(rc.change)) {
        const forces = forcing.has(String(path[0]));
        // A replacement resets every computed attribute; only the causes and plain edits matter.
        if (kind === "replace" && !forces && !scalarOnBothSides(rc, path)) continue;
        const from = renderValue(rc, "before", path);
        const to = renderValue(rc, "after", path);
        lines.push(`  ~ ${formatPath(path)}: ${from} -> ${to}${forces ? "  # forces replacement" : ""}`);
      }
    }
    lines.push("");
  }
  const c = summary.counts;
  lines.push(
    `Plan: ${c.add + c.replace} to add, ${c.change} to change, ${c.destroy + c.replace} to destroy.`,
  );
  return lines.join("\n");
}

const PHRASE: Record<ChangeKind, string> = {
  create: "will be created",
  update: "will be updated in-place",
  replace: "must be replaced",
  delete: "will be destroyed",
  forget: "will be removed from the state (kept on the host)",
  read: "will be read during apply",
  "no-op": "has no changes",
  unknown: "has an unrecognised action",
};

function scalarOnBothSides(rc: PlanResourceChange, path: readonly PathStep[]): boolean {
  const scalar = (v: unknown) => v !== undefined && v !== null && typeof v !== "object";
  return scalar(valueAt(rc.change.before, path)) && scalar(valueAt(rc.change.after, path));
}

function renderValue(rc: PlanResourceChange, side: "before" | "after", path: readonly PathStep[]): string {
  const change = rc.change;
  if (markedAt(side === "before" ? change.before_sensitive : change.after_sensitive, path))
    return "(sensitive)";
  if (side === "after" && markedAt(change.after_unknown, path)) return "(known after apply)";
  const value = valueAt(side === "before" ? change.before : change.after, path);
  if (value === undefined || value === null) return "null";
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? "" : "s"}]`;
  if (isRecord(value))
    return `{${Object.keys(value).length} key${Object.keys(value).length === 1 ? "" : "s"}}`;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
}

/** Values shorter than this are not treated as secrets: replacing them would mangle the text. */
export const MIN_SECRET_LENGTH = 4;

function usableSecrets(secrets: readonly string[]): string[] {
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
}

export function redact(text: string, secrets: readonly string[]): string {
  return usableSecrets(secrets).reduce((t, s) => t.split(s).join(REDACTED), text);
}

function pastTense(kind: ChangeKind): string {
  return kind === "replace" ? "replaced" : kind === "delete" ? "destroyed" : kind;
}

/** At most MAX_LISTED items, then a line saying how many were left out. */
function capped<T>(items: readonly T[]): (T | string)[] {
  if (items.length <= MAX_LISTED) return [...items];
  return [...items.slice(0, MAX_LISTED), `… and ${items.length - MAX_LISTED} more (see the full plan)`];
}

function code(text: string): string {
  const ticks = "`".repeat(longestRun(text, "`") + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function longestRun(text: string, ch: string): number {
  const runs = text.match(new RegExp(`\\${ch}+`, "g")) ?? [];
  return runs.reduce((best, run) => Math.max(best, run.length), 0);
}

function join(parts: readonly string[]): string {
  return `${parts.filter((p) => p !== "").join("\n\n")}\n`;
}
