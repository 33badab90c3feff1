/**
 * Saved plans and exact apply: what `npm run plan:pr` records beside each saved plan, and the
 * decision `npm run deploy -- <env> --saved-plans <dir>` takes before applying it.
 *
 * A merge commit never equals the pull request's head, so a saved plan is matched by content, not
 * by commit: the SHA-256 of the stack's synthesized `cdk.tf.json` (the whole configuration: every
 * setting, image tag, source hash and secret revision is in it) and the identity of the state it
 * was planned against (lineage: which state; serial: which version of it). When both still match,
 * applying the saved plan does exactly what was reviewed. Terraform refuses a saved plan whose
 * state moved as well ("Saved plan is stale"); checking first lets the deploy stop before touching
 * any stack, say why, and exit with its own code.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Layout of a saved-plans directory: one folder per stack. */
export const SAVED_PLAN_FILES = {
  /** The binary plan, applied as is. */
  plan: "plan.tfplan",
  /** `terraform show -json` of it (what the comment was rendered from). */
  json: "plan.json",
  /** `terraform show -no-color` of it. */
  text: "plan.txt",
  /** SavedPlanMeta. */
  meta: "meta.json",
  /** Construct path by Terraform address, from the synthesized configuration. */
  paths: "paths.json",
} as const;

/** Exit code of a deploy that found a saved plan stale: nothing was applied. */
export const EXIT_SAVED_PLAN_STALE = 3;

export interface StateIdentity {
  /** null when the stack has no state yet (a first deploy). */
  readonly serial: number | null;
  readonly lineage: string | null;
}

export interface SavedPlanMeta {
  readonly version: 1;
  readonly environment: string;
  readonly stack: string;
  /** SHA-256 (hex) of the stack's cdk.tf.json when it was planned. */
  readonly configSha256: string;
  /** The state the plan was made against. */
  readonly state: StateIdentity;
  /** Whether the plan changes anything (terraform plan -detailed-exitcode 2). */
  readonly changes: boolean;
  /** Informational: when and by what. */
  readonly createdAt: string;
  readonly terraformVersion?: string;
  readonly commit?: string;
}

export interface CurrentStack {
  readonly configSha256: string;
  readonly state: StateIdentity;
}

export type StaleReason = "missing" | "config changed" | "state moved";

export type Decision =
  | { readonly apply: true; readonly stack: string }
  | { readonly apply: false; readonly stack: string; readonly reason: StaleReason; readonly message: string };

const short = (sha: string) => sha.slice(0, 12);
const describeState = (s: StateIdentity) =>
  s.lineage === null ? "no state" : `serial ${s.serial} of lineage ${s.lineage.slice(0, 8)}`;

/**
 * Whether the saved plan of one stack may be applied: the configuration synthesized now and the
 * state as it is now must be the ones it was planned against. Pure.
 */
export function decideSavedPlan(
  stack: string,
  saved: SavedPlanMeta | undefined,
  current: CurrentStack,
): Decision {
  if (!saved) {
    return {
      apply: false,
      stack,
      reason: "missing",
      message: `${stack}: no saved plan for this stack; plan it with \`npm run plan:pr\` first`,
    };
  }
  if (saved.configSha256 !== current.configSha256) {
    return {
      apply: false,
      stack,
      reason: "config changed",
      message: `${stack}: config changed: the synthesized configuration is ${short(current.configSha256)} now, ${short(saved.configSha256)} when planned (the code or a setting changed after the review)`,
    };
  }
  if (saved.state.lineage !== current.state.lineage || saved.state.serial !== current.state.serial) {
    return {
      apply: false,
      stack,
      reason: "state moved",
      message: `${stack}: state moved: it is at ${describeState(current.state)} now, ${describeState(saved.state)} when planned (something was applied in between)`,
    };
  }
  return { apply: true, stack };
}

/** The decisions for every stack of an environment: apply only when all of them may. */
export function decideSavedPlans(
  stacks: readonly { stack: string; saved?: SavedPlanMeta; current: CurrentStack }[],
): { readonly apply: boolean; readonly decisions: readonly Decision[] } {
  const decisions = stacks.map((s) => decideSavedPlan(s.stack, s.saved, s.current));
  return { apply: decisions.every((d) => d.apply), decisions };
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The configuration digest of a synthesized stack directory. */
export function configSha256(stackDir: string): string {
  return sha256(fs.readFileSync(path.join(stackDir, "cdk.tf.json")));
}

/** Serial and lineage of `terraform state pull` output (empty output: no state yet). */
export function stateIdentity(statePull: string): StateIdentity {
  if (statePull.trim() === "") return { serial: null, lineage: null };
  const state = JSON.parse(statePull) as { serial?: unknown; lineage?: unknown };
  if (typeof state.serial !== "number" || typeof state.lineage !== "string") {
    throw new Error("the state has no serial or lineage; is it a Terraform state (format version 4)?");
  }
  return { serial: state.serial, lineage: state.lineage };
}

/** Reads and checks a saved plan's meta file; the error names the file and what is wrong. */
export function readSavedPlanMeta(dir: string, stack: string): SavedPlanMeta | undefined {
  const file = path.join(dir, stack, SAVED_PLAN_FILES.meta);
  if (!fs.existsSync(file)) return undefined;
  let meta: Partial<SavedPlanMeta>;
  try {
    meta = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message}); plan again with \`npm run plan:pr\``, {
      cause: e,
    });
  }
  const ok =
    meta.version === 1 &&
    meta.stack === stack &&
    typeof meta.configSha256 === "string" &&
    /^[0-9a-f]{64}$/.test(meta.configSha256) &&
    typeof meta.state === "object" &&
    meta.state !== null &&
    (meta.state.serial === null || Number.isInteger(meta.state.serial)) &&
    (meta.state.lineage === null || typeof meta.state.lineage === "string") &&
    typeof meta.changes === "boolean";
  if (!ok) {
    throw new Error(
      `${file} is not a saved plan's meta file for stack ${JSON.stringify(stack)} (version 1, configSha256, state, changes); plan again with \`npm run plan:pr\``,
    );
  }
  if (!fs.existsSync(path.join(dir, stack, SAVED_PLAN_FILES.plan))) {
    throw new Error(`${path.join(dir, stack, SAVED_PLAN_FILES.plan)} is missing beside its meta file`);
  }
  return meta as SavedPlanMeta;
}
