/**
 * Renders environments' plans as the pull-request comment, top to bottom: a one-line verdict per
 * environment; per environment the risks first (data destroyed, database restarts, downtime,
 * secret changes, a rebuild and its trigger), the drift, every resource by construct path with its
 * action, and the next steps; then the full plans, folded and cut to GitHub's limit. Pure: no I/O.
 *
 * Every value from a plan is escaped (escape.ts) and appears only inside `<code>` or `<pre>`;
 * secrets are redacted after escaping and before any cut.
 */
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, Region, assembleComment, fitComment, region } from "./comment";
import { code, escapeBlock, escapeInline, redact, truncateLines } from "./escape";
import {
  ConstructPaths,
  Drift,
  ResourceRow,
  Risk,
  StackSummary,
  Verdict,
  Why,
  summarizeStack,
  verdictOf,
} from "./plan";

export { COMMENT_MARKER, GITHUB_COMMENT_LIMIT };

export interface StackInput {
  readonly stack: string;
  /** `terraform show -json` of the saved plan; absent when the plan failed. */
  readonly plan?: unknown;
  /** `terraform show -no-color` of it, folded into the comment. */
  readonly text?: string;
  /** Construct path by address, from the stack's cdk.tf.json. */
  readonly paths?: ConstructPaths;
  /** Why the stack could not be planned (the tail of Terraform's output). */
  readonly error?: string;
}

export interface EnvironmentInput {
  readonly environment: string;
  readonly kind: "production" | "development";
  readonly stacks: readonly StackInput[];
  /** Why the environment could not be synthesized. */
  readonly error?: string;
}

/** What the next steps say: where the plan was made and what happens to it. */
export type Mode = "pull-request" | "local" | "drift-watch" | "re-plan";

export interface CommentOptions {
  readonly mode?: Mode;
  /** The commit the plans were made for. */
  readonly commit?: string;
  /** The workflow run (https://...), where the job log is. */
  readonly runUrl?: string;
  /** Secret values to replace wherever they appear (defence in depth over sensitive marks). */
  readonly secrets?: readonly string[];
  /** Where the saved plans are, for the local next step. @default "cdktf.out/plans" */
  readonly savedPlansDir?: string;
  /** @default GITHUB_COMMENT_LIMIT */
  readonly maxChars?: number;
}

export interface EnvironmentReport {
  readonly environment: string;
  readonly kind: "production" | "development";
  readonly verdict: Verdict;
  readonly summaries: readonly StackSummary[];
  readonly failures: readonly { readonly stack: string; readonly error: string }[];
}

const VERDICT_MARK: Record<Verdict, string> = {
  "no changes": "⚪",
  "safe changes": "🟢",
  "needs care": "🟠",
  "destroys data": "🔴",
  "plan failed": "❌",
};

/** Room kept per folded plan for its frame and note. */
const FRAME_RESERVE = 400;

export function reportOf(input: EnvironmentInput): EnvironmentReport {
  const summaries: StackSummary[] = [];
  const failures: { stack: string; error: string }[] = [];
  if (input.error !== undefined) failures.push({ stack: input.environment, error: input.error });
  for (const s of input.stacks) {
    if (s.plan === undefined || s.error !== undefined) {
      failures.push({ stack: s.stack, error: s.error ?? "no plan" });
      continue;
    }
    summaries.push(summarizeStack(s.stack, s.plan, s.paths ?? {}));
  }
  return {
    environment: input.environment,
    kind: input.kind,
    verdict: verdictOf(summaries, failures.length > 0),
    summaries,
    failures,
  };
}

/** The whole comment for these environments (merge it into an existing one with mergeComment). */
export function renderComment(inputs: readonly EnvironmentInput[], options: CommentOptions = {}): string {
  const limit = options.maxChars ?? GITHUB_COMMENT_LIMIT;
  const secrets = options.secrets ?? [];
  const reports = inputs.map(reportOf);
  const safe = (text: string) => redact(text, secrets);
  const regions: Region[] = [];
  for (const r of reports) {
    regions.push(region("verdict", r.environment, safe(verdictLine(r))));
    regions.push(region("summary", r.environment, safe(summary(r, options))));
  }
  // The folded plans: escaped, then redacted, then shared out and cut to what is left.
  const plans = inputs.map((input) =>
    input.stacks
      .filter((s) => s.text !== undefined)
      .map((s) => ({
        stack: s.stack,
        text: safe(
          escapeBlock(s.text!)
            .replace(/^\s*\n/, "")
            .replace(/\s+$/, ""),
        ),
      })),
  );
  const skeleton = assembleComment([
    ...regions,
    ...inputs.map((input, i) =>
      region(
        "plan",
        input.environment,
        foldAll(plans[i], () => 0),
      ),
    ),
  ]);
  const count = plans.flat().length;
  const allowances = share(
    limit - skeleton.length - FRAME_RESERVE * count,
    plans.flat().map((p) => p.text.length),
  );
  let k = 0;
  const planRegions = inputs.map((input, i) =>
    region(
      "plan",
      input.environment,
      foldAll(plans[i], () => allowances[k++]),
    ),
  );
  return fitComment(assembleComment([...regions, ...planRegions]), limit);
}

function verdictLine(r: EnvironmentReport): string {
  const risks = r.summaries.flatMap((s) => s.risks);
  const drift = r.summaries.flatMap((s) => s.drift);
  const notes: string[] = [];
  const data = risks.filter((x) => x.kind === "data");
  if (data.length > 0)
    notes.push(`deletes ${data.map((x) => code((x as { path: string }).path)).join(", ")}`);
  if (risks.some((x) => x.kind === "database-down")) notes.push("database down");
  if (risks.some((x) => x.kind === "database")) notes.push("database restart");
  const down = risks.filter((x) => x.kind === "downtime");
  if (down.length > 0)
    notes.push(`downtime (${down.map((x) => code((x as { path: string }).path)).join(", ")})`);
  if (risks.some((x) => x.kind === "secret")) notes.push("secret change");
  if (risks.some((x) => x.kind === "forget")) notes.push("resources forgotten");
  if (risks.some((x) => x.kind === "rebuild")) notes.push("app image rebuilt");
  if (drift.length > 0) notes.push(`drift: ${drift.length} resource${drift.length === 1 ? "" : "s"}`);
  if (r.failures.length > 0) notes.push(`failed: ${r.failures.map((f) => code(f.stack)).join(", ")}`);
  const counts = countsText(r.summaries);
  if (counts) notes.push(counts);
  return `${VERDICT_MARK[r.verdict]} **${code(r.environment)}: ${r.verdict}**${notes.length > 0 ? ` · ${notes.join(" · ")}` : ""}`;
}

function countsText(summaries: readonly StackSummary[]): string {
  const sum = (k: keyof StackSummary["counts"]) => summaries.reduce((n, s) => n + s.counts[k], 0);
  const parts = [
    [sum("create"), "to create"],
    [sum("update"), "to update"],
    [sum("replace"), "to replace"],
    [sum("delete"), "to delete"],
    [sum("forget"), "to forget"],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  return parts.join(", ");
}

function summary(r: EnvironmentReport, options: CommentOptions): string {
  const lines = [`### ${code(r.environment)}: ${r.verdict}`, ""];
  for (const f of r.failures) {
    lines.push(
      `**Plan failed** for ${code(f.stack)}:`,
      "",
      "<pre>",
      escapeBlock(tailLines(f.error, 20)),
      "</pre>",
      "",
    );
  }
  const risks = r.summaries.flatMap((s) => s.risks);
  if (r.summaries.length > 0) {
    if (risks.length === 0) {
      lines.push("**Risks:** none: no data deleted, no database restart, no downtime, no secret change.", "");
    } else {
      lines.push("**Risks**", "", ...orderRisks(risks).map((x) => `- ${riskLine(x)}`), "");
    }
    const drift = r.summaries.flatMap((s) => s.drift);
    if (drift.length === 0) lines.push("**Drift:** none: the Docker host matches the state.", "");
    else
      lines.push("**Drift** (changed outside Terraform)", "", ...drift.map((d) => `- ${driftLine(d)}`), "");
    lines.push(...table(r), "");
  }
  lines.push("**Next steps**", "", ...nextSteps(r, options).map((s) => `- ${s}`), "");
  const about = [
    options.commit ? `commit ${code(options.commit.slice(0, 12))}` : undefined,
    [...new Set(r.summaries.map((s) => s.tool).filter(Boolean))].map((t) => `Terraform ${code(t!)}`)[0],
    options.runUrl && /^https:\/\/[^\s()<>"']+$/.test(options.runUrl)
      ? `[workflow run](${options.runUrl})`
      : undefined,
  ].filter(Boolean);
  if (about.length > 0) lines.push(`<sub>Planned for ${about.join(" · ")}</sub>`);
  return lines.join("\n");
}

const RISK_ORDER: Risk["kind"][] = [
  "data",
  "database-down",
  "database",
  "downtime",
  "secret",
  "forget",
  "rebuild",
];

function orderRisks(risks: readonly Risk[]): Risk[] {
  return [...risks].sort((a, b) => RISK_ORDER.indexOf(a.kind) - RISK_ORDER.indexOf(b.kind));
}

function because(why: Why): string {
  const parts: string[] = [];
  if (why.attributes.length > 0) parts.push(`${why.attributes.map(code).join(", ")} changed`);
  if (why.because) parts.push(escapeInline(why.because));
  return parts.length > 0 ? ` because ${parts.join("; ")}` : "";
}

function riskLine(x: Risk): string {
  switch (x.kind) {
    case "data":
      return `**Destroys data**: ${code(x.path)}${x.name ? ` (volume ${code(x.name)})` : ""} is ${x.action}${because(x.why)}; what it holds is lost. Back it up first.`;
    case "database":
      return (
        `**Database restart**: ${code(x.path)} is ${x.action}${because(x.why)}` +
        (x.image ? ` (image ${code(x.image.from)} → ${code(x.image.to)})` : "") +
        `. PostgreSQL stops${x.action === "replaced" ? " and starts again" : ""}: the app's requests fail until it is back.` +
        (x.volume ? ` The data stays in the volume ${code(x.volume)}.` : "")
      );
    case "downtime":
      return x.what === "proxy"
        ? `**Downtime**: the proxy ${code(x.path)}${x.port ? `, the only published port (${code(x.port)}),` : ""} is ${x.action}${because(x.why)}: ${x.action === "replaced" ? "requests fail until the new one answers" : "the port closes"}.`
        : `**Downtime**: the network ${code(x.path)} is ${x.action}${because(x.why)}: the containers on it lose their connections.`;
    case "secret":
      return `**Secret change**: ${x.paths.map(code).join(", ")} ${x.paths.length === 1 ? "writes" : "write"} new ${x.files.length > 0 ? x.files.map(code).join(", ") : "secret files"}; the containers that read them restart (see the table).`;
    case "database-down":
      return `**Database down**: ${code(x.path)} was ${x.what} outside Terraform${x.exitCode !== undefined ? ` (exit code ${x.exitCode})` : ""}, so the app cannot reach its database now. The apply ${x.what === "stopped" ? "starts it again" : "creates it again"}; find out why first: ${code(`npm run logs -- ${x.stack} --service db`)}.`;
    case "forget":
      return `**Forgotten**: ${code(x.path)}${x.name ? ` (${code(x.name)})` : ""} leaves the state and stays on the host, unmanaged.`;
    case "rebuild":
      return (
        `**Rebuild**: ${code(x.path)} is rebuilt${because(x.why)}` +
        (x.why.attributes.some((a) => /^triggers\..*(hash|sha)/.test(a))
          ? " (the files sent to the build changed)"
          : "") +
        (x.replaces.length > 0
          ? `; it replaces ${x.replaces.map(code).join(", ")}${x.noDowntime ? " without downtime (the new release starts before the old one stops)" : ""}.`
          : ".")
      );
  }
}

function driftLine(d: Drift): string {
  switch (d.what) {
    case "stopped":
      return `${code(d.path)} was stopped${d.exitCode !== undefined ? ` (exit code ${d.exitCode})` : ""}; the apply starts it again.`;
    case "removed":
      return `${code(d.path)} was removed; the apply creates it again.`;
    case "changed":
      return `${code(d.path)}: ${d.attributes.map(code).join(", ")} changed; the apply puts the configured value back where it can.`;
  }
}

function severityOf(row: ResourceRow, risks: readonly Risk[]): number {
  const hit = risks.find(
    (x) => ("path" in x ? x.path === row.path : x.paths.includes(row.path)) && x.stack === row.stack,
  );
  if (hit?.kind === "data") return 0;
  if (hit && hit.kind !== "rebuild") return 1;
  if (row.kind === "unknown") return 1;
  return 2;
}

const ACTION: Record<string, string> = {
  create: "create",
  update: "update in place",
  replace: "**replace**",
  delete: "**delete**",
  forget: "forget (stays on the host)",
  read: "read",
};

function table(r: EnvironmentReport): string[] {
  const risks = r.summaries.flatMap((s) => s.risks);
  const rows = r.summaries.flatMap((s) => s.rows);
  const changed = rows
    .filter((row) => row.kind !== "no-op" || row.moved)
    .map((row, i) => ({ row, i, severity: severityOf(row, risks) }))
    .sort((a, b) => a.severity - b.severity || a.i - b.i)
    .map(({ row }) => row);
  const unchanged = rows.filter((row) => row.kind === "no-op" && !row.moved);
  const out = ["| Resource | Action | Why |", "| --- | --- | --- |"];
  for (const row of changed) {
    const action = row.restarts
      ? "start"
      : row.kind === "replace" && row.newFirst
        ? "replace (new one first)"
        : (ACTION[row.kind] ?? escapeInline(row.actions.join(", ")));
    const why = row.restarts
      ? "stopped outside Terraform"
      : [
          row.attributes.length > 0 ? `${row.attributes.map(code).join(", ")} changed` : "",
          row.because ? escapeInline(row.because) : "",
          row.moved ? `moved from ${code(row.moved)}` : "",
          row.kind === "create" ? "new" : "",
        ]
          .filter(Boolean)
          .join("; ");
    out.push(`| ${code(row.path)} | ${action} | ${why} |`);
  }
  if (unchanged.length > 0) {
    out.push(
      `| ${changed.length > 0 ? "the other" : "all"} ${unchanged.length} | no change | ${unchanged.map((row) => code(row.path)).join(", ")} |`,
    );
  }
  return out;
}

function nextSteps(r: EnvironmentReport, options: CommentOptions): string[] {
  const env = r.environment;
  const mode = options.mode ?? "local";
  const risks = r.summaries.flatMap((s) => s.risks);
  const steps: string[] = [];
  if (r.verdict === "plan failed") {
    steps.push(`Fix the error above and plan again (${code(`npm run plan:pr -- ${env}`)}).`);
    return steps;
  }
  const drift = r.summaries.some((s) => s.drift.length > 0);
  if (r.verdict === "no changes") {
    steps.push(
      mode === "drift-watch" ? `Nothing to do for ${code(env)}.` : `Merging changes nothing in ${code(env)}.`,
    );
    return steps;
  }
  if (risks.some((x) => x.kind === "database" || (x.kind === "data" && x.path.startsWith("Database/")))) {
    steps.push(`Before merging, back up the database: ${code(`npm run backup -- ${env}`)}.`);
  }
  switch (mode) {
    case "pull-request":
      steps.push(
        r.kind === "production"
          ? `Merging asks the ${code("production")} reviewers to approve, then applies exactly this plan. If the code or the state moved since, it plans again and asks for a fresh approval.`
          : `Merging deploys ${code(env)} from the default branch.`,
      );
      break;
    case "re-plan":
      steps.push(`Approving the next job applies exactly this plan to ${code(env)}.`);
      break;
    case "drift-watch":
      steps.push(
        `To undo the drift, deploy the default branch again (${code(`npm run deploy -- ${env}`)}); to keep it, change the configuration to match.`,
      );
      break;
    case "local":
      steps.push(
        `Apply exactly this plan: ${code(`npm run deploy -- ${env} --auto-approve --saved-plans ${options.savedPlansDir ?? "cdktf.out/plans"}`)} (exits 3 and applies nothing if the code or the state moved since).`,
      );
      break;
  }
  if (drift && mode !== "drift-watch") steps.push("The apply also undoes the drift above.");
  steps.push(
    `Roll back the app after the deploy: ${code(`npm run rollback -- ${env}`)} (the previous release's image, no build). The database is not rolled back: restore a backup with ${code(`npm run restore -- ${env} <dump> --yes`)}.`,
  );
  return steps;
}

/** The folded plans of one environment, one `<details>` per stack. */
function foldAll(plans: readonly { stack: string; text: string }[], allowance: () => number): string {
  if (plans.length === 0) return "_No plan output._";
  return plans.map((p) => fold(p.stack, p.text, allowance())).join("\n\n");
}

function fold(stack: string, text: string, allowance: number): string {
  const total = text === "" ? 0 : text.split("\n").length;
  const { text: shown, cut } = truncateLines(text, allowance);
  const shownLines = shown === "" ? 0 : shown.split("\n").length;
  const what = stack.endsWith("-app") ? "the app's releases" : "networks, secrets, database, proxy";
  return [
    `<details><summary>Full plan of ${code(stack)} (${what}), ${total} lines</summary>`,
    "",
    "<pre>",
    cut
      ? `${shown}${shown ? "\n" : ""}(cut here: ${shownLines} of ${total} lines shown to fit GitHub's comment size limit; the whole plan is in the job log)`
      : shown,
    "</pre>",
    "",
    "</details>",
  ].join("\n");
}

function tailLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  return lines.slice(-n).join("\n");
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
