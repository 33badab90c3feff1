/**
 * Classifies each resource change of a parsed plan and summarizes a stack: counts, stateful
 * resources at risk, image rebuilds and what they replace. Pure: no I/O, no process state.
 */
import { isDeepStrictEqual } from "util";
import { LabelKeys } from "../../constructs";
import { PathStep, PlanChange, PlanResourceChange, isRecord, markedAt, parsePlan, valueAt } from "./parse";

export type ChangeKind = "create" | "update" | "replace" | "delete" | "forget" | "read" | "no-op" | "unknown";

/** One managed resource that the plan would touch, described without its values. */
export interface ChangeInfo {
  readonly address: string;
  readonly type: string;
  readonly kind: ChangeKind;
  /** The raw action list, kept for kinds this module does not recognise. */
  readonly actions: readonly string[];
  /** Why, in words: the attributes that force a replacement, the attributes that change, etc. */
  readonly reason?: string;
  /** Set when the resource holds data or is the database: what makes it stateful. */
  readonly stateful?: string;
  readonly importing: boolean;
  readonly moved: boolean;
}

export interface ImageBuild {
  readonly address: string;
  /** "rebuilt" replaces an existing image; "built" creates the first one. */
  readonly verb: "built" | "rebuilt";
  readonly reason?: string;
  /** Containers the plan replaces because they run this image. */
  readonly replacesContainers: readonly string[];
}

export interface StackCounts {
  readonly add: number;
  readonly change: number;
  readonly replace: number;
  readonly destroy: number;
  readonly forget: number;
  readonly import: number;
  readonly move: number;
  readonly read: number;
}

export interface StackSummary {
  readonly stack: string;
  readonly tool?: string;
  readonly errored: boolean;
  readonly counts: StackCounts;
  /** Managed resources with an action other than no-op, in plan order. */
  readonly changes: readonly ChangeInfo[];
  /** Stateful resources the plan replaces or destroys. */
  readonly atRisk: readonly ChangeInfo[];
  readonly images: readonly ImageBuild[];
  /** Plan JSON that keeps every value (used only to render a plan when no text was given). */
  readonly resourceChanges: readonly PlanResourceChange[];
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

export function summarizeStack(stack: string, planInput: unknown): StackSummary {
  const plan = parsePlan(planInput, stack);
  const all = plan.resource_changes ?? [];
  const managed = all.filter((rc) => rc.mode !== "data");
  const changes = managed
    .filter(
      (rc) => classifyActions(rc.change.actions) !== "no-op" || rc.change.importing || rc.previous_address,
    )
    .map(describeChange);

  const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  const counts: StackCounts = {
    add: count("create"),
    change: count("update"),
    replace: count("replace"),
    destroy: count("delete"),
    forget: count("forget"),
    import: changes.filter((c) => c.importing).length,
    move: changes.filter((c) => c.moved).length,
    read: all.filter((rc) => rc.mode === "data" && classifyActions(rc.change.actions) === "read").length,
  };

  return {
    stack,
    tool: plan.terraform_version,
    errored: plan.errored === true,
    counts,
    changes,
    atRisk: changes.filter((c) => c.stateful && (c.kind === "replace" || c.kind === "delete")),
    images: imageBuilds(managed),
    resourceChanges: all,
  };
}

function describeChange(rc: PlanResourceChange): ChangeInfo {
  const kind = classifyActions(rc.change.actions);
  return {
    address: rc.deposed ? `${rc.address} (deposed object ${rc.deposed})` : rc.address,
    type: rc.type,
    kind,
    actions: rc.change.actions,
    reason: reasonFor(rc, kind),
    stateful: statefulBecause(rc),
    importing: rc.change.importing !== undefined && rc.change.importing !== null,
    moved: typeof rc.previous_address === "string",
  };
}

const ACTION_REASONS: Record<string, string> = {
  replace_because_tainted: "it is tainted",
  replace_by_request: "a replacement was requested",
  replace_by_triggers: "replace_triggered_by fired",
  delete_because_no_resource_config: "it is no longer in the configuration",
  delete_because_no_module: "its module is no longer in the configuration",
  delete_because_wrong_repetition: "its instance key no longer matches count/for_each",
  delete_because_count_index: "its index is beyond count",
  delete_because_each_key: "its key is no longer in for_each",
  delete_because_no_move_target: "its moved target does not exist",
};

function reasonFor(rc: PlanResourceChange, kind: ChangeKind): string | undefined {
  const { change } = rc;
  const moved = rc.previous_address ? `moved from \`${rc.previous_address}\`` : undefined;
  let reason: string | undefined;
  if (kind === "replace" && change.replace_paths && change.replace_paths.length > 0) {
    reason = `${codeList(refinePaths(change, change.replace_paths).map(formatPath))} changed`;
  } else if (kind === "update") {
    const changed = changedPaths(change);
    if (changed.length > 0) reason = `${codeList(changed.map(formatPath))} changed`;
  }
  reason ??= rc.action_reason ? (ACTION_REASONS[rc.action_reason] ?? rc.action_reason) : undefined;
  if (kind === "forget")
    reason = `${reason ? `${reason}; ` : ""}removed from state, left in place on the host`;
  return [reason, moved].filter(Boolean).join("; ") || undefined;
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

/** Why a resource counts as stateful, or undefined. Reads labels before and after the change. */
export function statefulBecause(rc: PlanResourceChange): string | undefined {
  if (rc.type === "docker_volume") return "data volume";
  for (const value of [rc.change.before, rc.change.after]) {
    const labels = labelsOf(value);
    if (labels.get(LabelKeys.role) === "database") return "database";
    if (labels.get(LabelKeys.stateful) === "true") return `labelled ${LabelKeys.stateful}=true`;
  }
  return undefined;
}

/**
 * Docker labels of a resource value. Provider 3.x stores them as a set of `{label, value}`
 * blocks; a plain map (provider 2.x, other resources) is accepted too.
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

function imageBuilds(managed: readonly PlanResourceChange[]): ImageBuild[] {
  const builds: ImageBuild[] = [];
  for (const rc of managed) {
    if (rc.type !== "docker_image") continue;
    const kind = classifyActions(rc.change.actions);
    if (kind !== "create" && kind !== "replace") continue;
    if (!hasBuildBlock(rc.change.after) && !hasBuildBlock(rc.change.before)) continue;
    // A container that ran the old image ID and is replaced because of `image` is the fallout.
    const oldId = isRecord(rc.change.before) ? rc.change.before.image_id : undefined;
    const replacesContainers = managed
      .filter(
        (c) =>
          c.type === "docker_container" &&
          classifyActions(c.change.actions) === "replace" &&
          typeof oldId === "string" &&
          isRecord(c.change.before) &&
          c.change.before.image === oldId,
      )
      .map((c) => c.address);
    builds.push({
      address: rc.address,
      verb: kind === "replace" ? "rebuilt" : "built",
      reason: kind === "replace" ? reasonFor(rc, kind) : undefined,
      replacesContainers,
    });
  }
  return builds;
}

function hasBuildBlock(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const build = value.build;
  return Array.isArray(build) ? build.length > 0 : isRecord(build);
}

function codeList(names: readonly string[]): string {
  return names.map((n) => `\`${n}\``).join(", ");
}
