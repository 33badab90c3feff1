/**
 * What a plan means for an environment: every resource by construct path with its action, the
 * risks (data destroyed, database restarts, downtime, secret changes, rebuilds and their trigger),
 * the drift (what changed outside Terraform) and a verdict. Pure: no I/O, no process state.
 *
 * Roles and statefulness come from the labels the constructs put on what they create
 * (constructs/labels.ts), so the rules follow the stack rather than resource names.
 */
import { isDeepStrictEqual } from "util";
import { LabelKeys } from "../../constructs";
import { PathStep, PlanChange, PlanResourceChange, isRecord, markedAt, parsePlan, valueAt } from "./parse";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget" | "read" | "no-op" | "unknown";

export type Verdict = "no changes" | "safe changes" | "needs care" | "destroys data" | "plan failed";

/** Construct path (`Database/Container`) by Terraform address, from the cdk.tf.json metadata. */
export type ConstructPaths = Readonly<Record<string, string>>;

/** One managed resource of the plan, named by construct path. */
export interface ResourceRow {
  readonly stack: string;
  readonly address: string;
  readonly path: string;
  readonly type: string;
  readonly kind: ChangeKind;
  readonly actions: readonly string[];
  /** A replacement that creates the new object before destroying the old one. */
  readonly newFirst: boolean;
  /** Attributes whose change forces the replacement, or that an update changes. */
  readonly attributes: readonly string[];
  /** Why, when the plan says so (tainted, no longer configured, ...), in words. */
  readonly because?: string;
  /** A stopped container that the apply starts again (and nothing else changes). */
  readonly restarts: boolean;
  readonly role?: string;
  readonly stateful: boolean;
  readonly moved?: string;
}

export type Risk =
  | {
      readonly kind: "data";
      readonly stack: string;
      readonly path: string;
      readonly action: "deleted" | "replaced";
      readonly name?: string;
      readonly why: Why;
    }
  | {
      readonly kind: "database";
      readonly stack: string;
      readonly path: string;
      readonly action: "replaced" | "deleted";
      readonly why: Why;
      readonly image?: { readonly from: string; readonly to: string };
      readonly volume?: string;
    }
  | {
      readonly kind: "downtime";
      readonly stack: string;
      readonly path: string;
      readonly what: "proxy" | "network";
      readonly action: "replaced" | "deleted";
      readonly why: Why;
      readonly port?: string;
    }
  | {
      readonly kind: "secret";
      readonly stack: string;
      readonly paths: readonly string[];
      readonly files: readonly string[];
    }
  | {
      readonly kind: "rebuild";
      readonly stack: string;
      readonly path: string;
      readonly why: Why;
      readonly replaces: readonly string[];
      readonly noDowntime: boolean;
    }
  | { readonly kind: "forget"; readonly stack: string; readonly path: string; readonly name?: string }
  | {
      readonly kind: "database-down";
      readonly stack: string;
      readonly path: string;
      readonly what: "stopped" | "removed";
      readonly exitCode?: number;
    };

/** The attributes that changed and the plan's own reason, kept apart so each is rendered safely. */
export interface Why {
  readonly attributes: readonly string[];
  readonly because?: string;
}

export interface Drift {
  readonly stack: string;
  readonly path: string;
  readonly type: string;
  readonly what: "stopped" | "removed" | "changed";
  readonly exitCode?: number;
  readonly attributes: readonly string[];
  readonly role?: string;
}

export interface StackCounts {
  readonly create: number;
  readonly update: number;
  readonly replace: number;
  readonly delete: number;
  readonly forget: number;
  readonly outputs: number;
}

export interface StackSummary {
  readonly stack: string;
  readonly tool?: string;
  readonly errored: boolean;
  readonly counts: StackCounts;
  /** Every managed resource the plan knows, changed or not, in plan order. */
  readonly rows: readonly ResourceRow[];
  readonly risks: readonly Risk[];
  readonly drift: readonly Drift[];
}

/** Maps a documented action list to one kind; replace is either order of delete and create. */
export function classifyActions(actions: readonly string[]): ChangeKind {
  const key = actions.join(",");
  switch (key) {
    case "no-op":
    case "create":
    case "read":
    case "update":
    case "delete":
    case "forget":
      return key;
    case "delete,create":
    case "create,delete":
      return "replace";
    default:
      // The format promises that every action list that deletes contains "delete".
      if (actions.includes("delete")) return actions.includes("create") ? "replace" : "delete";
      return "unknown";
  }
}

/**
 * The construct path of an address: from the configuration's metadata, else (a resource no longer
 * in the configuration) from the logical id, without cdktf's 8-digit hash suffix.
 */
export function constructPathOf(address: string, paths: ConstructPaths): string {
  const base = address.replace(/\[[^\]]*\]$/, "");
  if (paths[base]) return paths[base];
  const name = base.slice(base.indexOf(".") + 1);
  const hashed = /^(.+)_[0-9A-F]{8}$/.exec(name);
  return hashed ? hashed[1].split("_").join("/") : name;
}

export function summarizeStack(stack: string, planInput: unknown, paths: ConstructPaths = {}): StackSummary {
  const plan = parsePlan(planInput, stack);
  const managed = (plan.resource_changes ?? []).filter((rc) => rc.mode !== "data");
  const rows = managed.map((rc) => describe(stack, rc, paths));
  const count = (kind: ChangeKind) => rows.filter((r) => r.kind === kind).length;
  const outputs = Object.values(plan.output_changes ?? {}).filter(
    (o) => isRecord(o) && Array.isArray(o.actions) && classifyActions(o.actions as string[]) !== "no-op",
  ).length;
  const drift = (plan.resource_drift ?? [])
    .filter((rc) => rc.mode !== "data")
    .flatMap((rc) => driftOf(stack, rc, paths));
  const down: Risk[] = drift
    .filter((d) => d.role === "database" && d.what !== "changed")
    .map((d) => ({
      kind: "database-down",
      stack,
      path: d.path,
      what: d.what as "stopped" | "removed",
      exitCode: d.exitCode,
    }));
  return {
    stack,
    tool: plan.terraform_version,
    errored: plan.errored === true,
    counts: {
      create: count("create"),
      update: count("update"),
      replace: count("replace"),
      delete: count("delete"),
      forget: count("forget"),
      outputs,
    },
    rows,
    risks: [...down, ...risksOf(stack, managed, rows)],
    drift,
  };
}

function describe(stack: string, rc: PlanResourceChange, paths: ConstructPaths): ResourceRow {
  const kind = classifyActions(rc.change.actions);
  const attributes =
    kind === "replace"
      ? refinePaths(rc.change, rc.change.replace_paths ?? []).map(formatPath)
      : kind === "update"
        ? changedPaths(rc.change).map(formatPath)
        : [];
  const labels = new Map([...labelsOf(rc.change.before), ...labelsOf(rc.change.after)]);
  const before = isRecord(rc.change.before) ? rc.change.before : {};
  const after = isRecord(rc.change.after) ? rc.change.after : {};
  return {
    stack,
    address: rc.deposed ? `${rc.address} (deposed ${rc.deposed})` : rc.address,
    path: constructPathOf(rc.address, paths),
    type: rc.type,
    kind,
    actions: rc.change.actions,
    newFirst: rc.change.actions.join(",") === "create,delete",
    attributes,
    // replace_because_cannot_update only repeats what the attributes say
    because:
      rc.action_reason && rc.action_reason !== "replace_because_cannot_update"
        ? (ACTION_REASONS[rc.action_reason] ?? rc.action_reason)
        : undefined,
    restarts:
      kind === "update" &&
      attributes.length === 1 &&
      attributes[0] === "must_run" &&
      before.must_run === false &&
      after.must_run === true,
    role: labels.get(LabelKeys.role),
    stateful: labels.get(LabelKeys.stateful) === "true",
    moved: rc.previous_address ? constructPathOf(rc.previous_address, paths) : undefined,
  };
}

const ACTION_REASONS: Record<string, string> = {
  replace_because_tainted: "it is tainted (a failed create)",
  replace_by_request: "a replacement was requested",
  replace_by_triggers: "replace_triggered_by fired",
  delete_because_no_resource_config: "it is no longer in the configuration",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "its instance key no longer matches count/for_each",
  delete_because_count_index: "its index is beyond count",
  delete_because_each_key: "its key is no longer in for_each",
  delete_because_no_move_target: "its moved target does not exist",
  read_because_config_unknown: "its configuration is known only at apply",
  read_because_dependency_pending: "it depends on a pending change",
};

function risksOf(
  stack: string,
  managed: readonly PlanResourceChange[],
  rows: readonly ResourceRow[],
): Risk[] {
  const risks: Risk[] = [];
  const secretPaths: string[] = [];
  const secretFiles = new Set<string>();
  rows.forEach((row, i) => {
    const rc = managed[i];
    const destructive = row.kind === "replace" || row.kind === "delete";
    const action = row.kind === "replace" ? "replaced" : "deleted";
    const why: Why = { attributes: row.attributes, because: row.because };
    const before = isRecord(rc.change.before) ? rc.change.before : {};
    const after = isRecord(rc.change.after) ? rc.change.after : {};
    if (row.kind === "forget") {
      risks.push({ kind: "forget", stack, path: row.path, name: stringAt(before, "name") });
    } else if (row.type === "docker_volume" && row.stateful && destructive) {
      risks.push({ kind: "data", stack, path: row.path, action, name: stringAt(before, "name"), why });
    } else if (row.type === "docker_container" && row.role === "database" && destructive) {
      const volumes = Array.isArray(before.volumes) ? before.volumes : [];
      const data = volumes.find((v) => isRecord(v) && v.container_path === "/var/lib/postgresql/data");
      const scope = row.path.split("/")[0];
      const image = rows.find(
        (r) => r.type === "docker_image" && r.kind === "replace" && r.path.split("/")[0] === scope,
      );
      const imageChange = image ? managed[rows.indexOf(image)].change : undefined;
      const from = imageChange && isRecord(imageChange.before) ? stringAt(imageChange.before, "name") : "";
      const to = imageChange && isRecord(imageChange.after) ? stringAt(imageChange.after, "name") : "";
      risks.push({
        kind: "database",
        stack,
        path: row.path,
        action,
        why,
        image: from && to && from !== to ? { from, to } : undefined,
        volume: isRecord(data) && typeof data.volume_name === "string" ? data.volume_name : undefined,
      });
    } else if (row.type === "docker_container" && row.role === "proxy" && destructive) {
      const ports = (Array.isArray(before.ports) ? before.ports : []).filter(isRecord);
      risks.push({
        kind: "downtime",
        stack,
        path: row.path,
        what: "proxy",
        action,
        why,
        port: ports.map((p) => `${String(p.ip ?? "")}:${String(p.external ?? "")}`).join(", ") || undefined,
      });
    } else if (row.type === "docker_network" && destructive) {
      risks.push({ kind: "downtime", stack, path: row.path, what: "network", action, why });
    } else if (row.type === "docker_container" && row.role === "secrets" && row.kind === "replace") {
      // a one-shot that only runs again (a new tool image) changes no secret
      const files = changedUploads(rc.change);
      const revision = (v: unknown) => labelsOf(v).get(LabelKeys.passwordRevision);
      if (files.length > 0 || revision(rc.change.before) !== revision(rc.change.after)) {
        secretPaths.push(row.path);
        for (const f of files) secretFiles.add(f);
      }
    } else if (row.type === "docker_image" && row.kind === "replace" && hasBuild(before, after)) {
      const oldId = stringAt(before, "image_id");
      const replaced = rows.filter(
        (r, j) =>
          r.type === "docker_container" &&
          r.kind === "replace" &&
          oldId !== "" &&
          isRecord(managed[j].change.before) &&
          (managed[j].change.before as Record<string, unknown>).image === oldId,
      );
      risks.push({
        kind: "rebuild",
        stack,
        path: row.path,
        why,
        replaces: replaced.map((r) => r.path),
        noDowntime: replaced.every((r) => r.newFirst),
      });
    }
  });
  if (secretPaths.length > 0)
    risks.push({ kind: "secret", stack, paths: secretPaths, files: [...secretFiles] });
  return risks;
}

/** Base names of the uploaded files whose content hash differs between before and after. */
function changedUploads(change: PlanChange): string[] {
  const hashes = (value: unknown, sensitive: unknown) => {
    const out = new Map<string, unknown>();
    const uploads = isRecord(value) && Array.isArray(value.upload) ? value.upload : [];
    uploads.forEach((u, i) => {
      if (!isRecord(u) || typeof u.file !== "string") return;
      if (markedAt(sensitive, ["upload", i, "file"])) return;
      out.set(u.file, u.source_hash);
    });
    return out;
  };
  const before = hashes(change.before, change.before_sensitive);
  const after = hashes(change.after, change.after_sensitive);
  const files = [...new Set([...before.keys(), ...after.keys()])].filter(
    (f) => !isDeepStrictEqual(before.get(f), after.get(f)),
  );
  return [...new Set(files.map((f) => f.slice(f.lastIndexOf("/") + 1)))].sort();
}

function hasBuild(...values: Record<string, unknown>[]): boolean {
  return values.some((v) => (Array.isArray(v.build) ? v.build.length > 0 : isRecord(v.build)));
}

function stringAt(value: Record<string, unknown>, key: string): string {
  return typeof value[key] === "string" ? (value[key] as string) : "";
}

/** Attributes a running object changes by itself: never drift. */
const RUNTIME_ATTRIBUTES = new Set(["network_data", "exit_code", "container_logs", "id"]);

/**
 * One drift record (a resource changed outside Terraform) in words, or nothing when the provider
 * only filled in defaults (null read back as 0, false, "" or an empty list or map).
 */
function driftOf(stack: string, rc: PlanResourceChange, paths: ConstructPaths): Drift[] {
  const path = constructPathOf(rc.address, paths);
  const base = { stack, path, type: rc.type, role: labelsOf(rc.change.before).get(LabelKeys.role) };
  const kind = classifyActions(rc.change.actions);
  if (kind === "delete" || rc.change.after === null) return [{ ...base, what: "removed", attributes: [] }];
  const before = isRecord(rc.change.before) ? rc.change.before : {};
  const after = isRecord(rc.change.after) ? rc.change.after : {};
  if (rc.type === "docker_container" && before.must_run === true && after.must_run === false) {
    const exit = after.exit_code;
    return [
      { ...base, what: "stopped", exitCode: typeof exit === "number" ? exit : undefined, attributes: [] },
    ];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => !RUNTIME_ATTRIBUTES.has(k) && !isDeepStrictEqual(normalize(before[k]), normalize(after[k])),
  );
  if (keys.length === 0) return [];
  const shown = keys.filter((k) => !markedAt(rc.change.before_sensitive, [k]));
  return [{ ...base, what: "changed", attributes: shown.length > 0 ? shown.sort() : ["(sensitive)"] }];
}

/** null, 0, false, "" and empty lists and maps are all "not set", as the provider reads them back. */
export function normalize(value: unknown): unknown {
  if (value === null || value === undefined || value === 0 || value === false || value === "")
    return undefined;
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    return items.every((i) => i === undefined) ? undefined : items;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, normalize(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length === 0 ? undefined : Object.fromEntries(entries);
  }
  return value;
}

/** The verdict of an environment from its stacks' summaries (or failures). */
export function verdictOf(summaries: readonly StackSummary[], failed: boolean): Verdict {
  if (failed || summaries.some((s) => s.errored)) return "plan failed";
  const risks = summaries.flatMap((s) => s.risks);
  if (risks.some((r) => r.kind === "data")) return "destroys data";
  if (risks.some((r) => r.kind !== "rebuild")) return "needs care";
  const rows = summaries.flatMap((s) => s.rows);
  if (rows.some((r) => r.kind === "unknown")) return "needs care";
  const changed =
    rows.some((r) => r.kind !== "no-op" && r.kind !== "read") || summaries.some((s) => s.counts.outputs > 0);
  return changed ? "safe changes" : "no changes";
}

/**
 * Paths of the top-level attributes whose value differs (or becomes unknown), narrowed like
 * replace paths. Values are compared, never returned, so sensitive values cannot leak this way.
 */
export function changedPaths(change: PlanChange): PathStep[][] {
  const before = isRecord(change.before) ? change.before : {};
  const after = isRecord(change.after) ? change.after : {};
  // A value that becomes unknown is absent from `after`, so it differs from `before` as well.
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = keys.filter((k) => !isDeepStrictEqual(before[k], after[k]));
  return refinePaths(
    change,
    changed.map((k) => [k]),
  );
}

/**
 * Turns replace paths into readable names. A path that ends at a map (e.g. `triggers`) is
 * narrowed to the keys that differ (`triggers.context_sha`), which says why an image rebuilds.
 */
export function refinePaths(change: PlanChange, paths: readonly (readonly PathStep[])[]): PathStep[][] {
  const out: PathStep[][] = [];
  for (const path of paths) {
    const before = valueAt(change.before, path);
    const after = valueAt(change.after, path);
    const sensitive = markedAt(change.before_sensitive, path) || markedAt(change.after_sensitive, path);
    if (!sensitive && isRecord(before) && isRecord(after)) {
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
      const differing = keys.filter((k) => !isDeepStrictEqual(before[k], after[k]));
      if (differing.length > 0 && differing.length <= 5) {
        out.push(...differing.map((k) => [...path, k]));
        continue;
      }
    }
    out.push([...path]);
  }
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(formatPath(p)) && seen.add(formatPath(p)));
}

/** `["build", 0, "context"]` -> `build[0].context`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PathStep[]): string {
  return path
    .map((step, i) => {
      if (typeof step === "number") return `[${step}]`;
      if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(step)) return i === 0 ? step : `.${step}`;
      return `[${JSON.stringify(step)}]`;
    })
    .join("");
}

/**
 * Docker labels of a resource value. The provider stores them as a set of `{label, value}`
 * blocks; a plain map is accepted too.
 */
export function labelsOf(value: unknown): Map<string, string> {
  const labels = new Map<string, string>();
  if (!isRecord(value)) return labels;
  const raw = value.labels;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      if (isRecord(entry) && typeof entry.label === "string" && typeof entry.value === "string") {
        labels.set(entry.label, entry.value);
      }
    }
  } else if (isRecord(raw)) {
    for (const [k, v] of Object.entries(raw)) if (typeof v === "string") labels.set(k, v);
  }
  return labels;
}
