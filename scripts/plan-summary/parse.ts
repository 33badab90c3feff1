/**
 * Reads the JSON of `terraform show -json PLANFILE` (or `tofu show -json`): the types this tool
 * relies on, the check that the input has that shape, and path helpers over its value trees. Pure.
 *
 * Format reference: the "JSON Output Format" page of Terraform/OpenTofu (plan representation,
 * change representation). Only the fields used here are typed; unknown fields are ignored, as
 * the format's compatibility promise asks of consumers.
 */

export type PathStep = string | number;

export interface PlanChange {
  readonly actions: readonly string[];
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  readonly before_sensitive?: unknown;
  readonly after_sensitive?: unknown;
  readonly replace_paths?: readonly (readonly PathStep[])[];
  readonly importing?: unknown;
}

export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: string;
  readonly type: string;
  readonly deposed?: string;
  readonly previous_address?: string;
  readonly action_reason?: string;
  readonly change: PlanChange;
}

/** The part of a plan representation this module reads. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly errored?: boolean;
  readonly resource_changes?: readonly PlanResourceChange[];
  /** Changes made outside Terraform, found by the refresh (same shape as resource_changes). */
  readonly resource_drift?: readonly PlanResourceChange[];
  readonly output_changes?: Readonly<Record<string, unknown>>;
}

export class PlanFormatError extends Error {}

const SUPPORTED_MAJOR = "1";

/** Checks the shape this module relies on; the message says what is wrong and what to pass. */
export function parsePlan(input: unknown, stack: string): PlanJson {
  const fail = (what: string): never => {
    throw new PlanFormatError(
      `stack "${stack}": ${what}; pass the output of "terraform show -json PLANFILE" (or "tofu show -json PLANFILE")`,
    );
  };
  if (!isRecord(input)) return fail("the plan is not a JSON object");
  const version = input.format_version;
  if (typeof version !== "string") return fail("the plan has no format_version, so it is not plan JSON");
  if (version.split(".")[0] !== SUPPORTED_MAJOR) {
    return fail(`plan format_version ${version} is not supported (expected ${SUPPORTED_MAJOR}.x)`);
  }
  if (!("planned_values" in input) && !("resource_changes" in input) && "values" in input) {
    return fail("this is state JSON, not plan JSON");
  }
  for (const field of ["resource_changes", "resource_drift"]) {
    const changes = input[field] ?? [];
    if (!Array.isArray(changes)) return fail(`${field} is not a list`);
    changes.forEach((rc, i) => {
      if (!isRecord(rc) || typeof rc.address !== "string" || typeof rc.type !== "string") {
        fail(`${field}[${i}] has no address or type`);
      } else if (!isRecord(rc.change) || !Array.isArray(rc.change.actions)) {
        fail(`${field}[${i}] (${rc.address}) has no change.actions`);
      }
    });
  }
  if (input.output_changes !== undefined && !isRecord(input.output_changes)) {
    return fail("output_changes is not an object");
  }
  return input as unknown as PlanJson;
}

/**
 * True when `path` is marked in a `*_sensitive` or `after_unknown` tree: the tree is `true` at the
 * path, at a prefix of it (a whole object or set is marked at once, e.g. `"env": true`) or
 * somewhere below it.
 */
export function markedAt(tree: unknown, path: readonly PathStep[]): boolean {
  let node = tree;
  for (const step of path) {
    if (node === true) return true;
    if (Array.isArray(node) && typeof step === "number") node = node[step];
    else if (isRecord(node) && typeof step === "string") node = node[step];
    else return false;
  }
  return containsTrue(node);
}

export function valueAt(value: unknown, path: readonly PathStep[]): unknown {
  let node = value;
  for (const step of path) {
    if (Array.isArray(node) && typeof step === "number") node = node[step];
    else if (isRecord(node) && typeof step === "string") node = node[step];
    else return undefined;
  }
  return node;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function containsTrue(node: unknown): boolean {
  if (node === true) return true;
  if (Array.isArray(node)) return node.some(containsTrue);
  if (isRecord(node)) return Object.values(node).some(containsTrue);
  return false;
}
