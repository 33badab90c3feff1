/**
 * The lifecycle commands over Terraform. Each environment is two stacks: `<env>` (networks, secrets,
 * database, proxy) and `<env>-app` (the releases), deployed in that order and destroyed in reverse.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildConfig } from "../../config/build-config";
import { readConfigInput } from "../../config/load-config";
import { execDocker, execDockerOk } from "../lib/docker";
import { Options } from "./args";
import { Failure, containersOf, diagnose, inspectContainer, stepName } from "./diagnose";
import { diffEntryFor, syncEntry } from "./entry";
import { disconnectOthers } from "./networks";
import { CommandFailed } from "./errors";
import { acquire } from "./lock";
import { overridesLine, releaseOverrides } from "./overrides";
import { StateJson, recordedContainerIds, recoverState } from "./recover";
import { removeUnrecordedContainers } from "./strays";
import {
  EXIT_SAVED_PLAN_STALE,
  SAVED_PLAN_FILES,
  configSha256,
  decideSavedPlans,
  readSavedPlanMeta,
  stateIdentity,
} from "../lib/saved-plan";
import { namePrefixIn, stackDir, synth, synthIfChanged, synthesizedOutput } from "./synth";
import { Runner, constructPaths, forwardSignal, initIfNeeded, prebuiltImages, terraform } from "./terraform";
import { bold, dim, green, line, red, seconds, tail, yellow } from "./ui";
import { checkDataCompatibility, databaseSpec } from "./preflight";

export interface Context {
  readonly root: string;
  readonly runner: Runner;
  /** The process environment for synth (the user's settings) and Terraform. */
  readonly env: NodeJS.ProcessEnv;
  readonly options: Options;
  /** Set by the signal handler: stop at the next step and report exit code 130. */
  readonly interrupted: () => boolean;
  /** manage: the manage.py arguments; restore: the dump file. */
  readonly rest: readonly string[];
}

const timings: { what: string; ms: number }[] = [];

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    timings.push({ what, ms: Date.now() - started });
  }
}

export function printTimings(): void {
  if (timings.length === 0) return;
  line(bold("timings"));
  for (const t of timings) line(`  ${seconds(t.ms).padStart(8)}  ${t.what}`);
}

const appStack = (environment: string) => `${environment}-app`;

/** Synthesizes one environment and prints what the configuration said. */
/** SECRETS_DIR as configured (synth checks it; here only to know what synth reads). */
function secretsDirOf(ctx: Context): string {
  const { input } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, {});
  return built.ok ? built.config.secretsDir : ".secrets";
}

/** The Django project's directory (DJANGO_PROJECT_DIR), whose files decide the image. */
function projectDirOf(ctx: Context): string {
  const { input } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, {});
  return built.ok ? built.config.project.absDir : path.join(ctx.root, "django-app");
}

async function synthesize(ctx: Context, environment: string, reuse = false): Promise<void> {
  const result = await timed(`${environment}: synth`, () =>
    reuse
      ? synthIfChanged(ctx.root, environment, ctx.env, secretsDirOf(ctx), [projectDirOf(ctx)])
      : synth(ctx.root, environment, ctx.env),
  );
  if ("skipped" in result && result.skipped)
    line(dim(`  ${environment}: settings and sources unchanged since the last synth`));
  const text = result.output.trim();
  if (!result.ok) {
    throw new CommandFailed(
      text || `synth of ${environment} failed`,
      /configuration error/.test(text) ? 2 : 1,
    );
  }
  for (const l of text.split("\n").filter((x) => /^(config warning|note):/.test(x))) {
    line(l.startsWith("config warning") ? yellow(l) : dim(l));
  }
}

export async function init(ctx: Context, environment: string, stack: string): Promise<string> {
  const dir = stackDir(ctx.root, environment, stack);
  const run = await timed(`${stack}: terraform init`, () =>
    initIfNeeded(ctx.runner, dir, ctx.options.migrateState),
  );
  if (run && run.code !== 0) {
    const output = run.stdout + run.stderr;
    const moved = /Backend configuration changed|backend.*(changed|initialization required)/i.test(output);
    throw new CommandFailed(
      moved
        ? `the state backend of ${stack} changed (TF_BACKEND or its settings). To copy the state to the new backend, run the same command again with --migrate-state (Terraform's init -migrate-state); the old state stays where it was.`
        : `terraform init failed for ${stack}:\n${tail(output, 30)}`,
    );
  }
  return dir;
}

export interface Plan {
  readonly stack: string;
  readonly dir: string;
  readonly changes: boolean;
  readonly summary: string;
  readonly text: string;
  /** Plan and apply in one run, without a saved plan (an approved deploy: one refresh, not two). */
  readonly direct?: boolean;
}

/** A deploy that needs no approval applies at once: Terraform plans and applies in one run. */
export async function directPlan(ctx: Context, environment: string, stack: string): Promise<Plan> {
  const dir = await init(ctx, environment, stack);
  return { stack, dir, changes: true, summary: "planned and applied in one run", text: "", direct: true };
}

export async function plan(ctx: Context, environment: string, stack: string, destroy = false): Promise<Plan> {
  const dir = await init(ctx, environment, stack);
  const args = ["plan", "-input=false", "-out=plan", "-detailed-exitcode", "-lock-timeout=10s"];
  if (destroy) args.push("-destroy");
  if (!process.stderr.isTTY || process.env.NO_COLOR) args.push("-no-color");
  const run = await timed(`${stack}: terraform plan`, () => terraform(ctx.runner, dir, args));
  if (run.code === 1 || (run.code !== 0 && run.code !== 2)) {
    if (ctx.interrupted()) throw new CommandFailed("interrupted", 130);
    throw new CommandFailed(`plan of ${stack} failed:\n${tail(run.stdout + run.stderr, 40)}`);
  }
  const summary = /Plan: [^\n]*/.exec(run.stdout)?.[0] ?? (run.code === 0 ? "no changes" : "changes");
  return { stack, dir, changes: run.code === 2, summary, text: run.stdout };
}

export async function confirm(question: string): Promise<boolean> {
  line(question);
  process.stderr.write("Type yes to go on: ");
  const answer = await new Promise<string>((resolve) => {
    process.stdin.setEncoding("utf8");
    process.stdin.once("data", (d) => resolve(String(d).trim()));
    process.stdin.resume();
  });
  process.stdin.pause();
  return answer === "yes";
}

interface ApplyOutcome {
  readonly ok: boolean;
  /** When Terraform's apply began (ms since the epoch). */
  readonly startedAt: number;
  readonly failures: readonly Failure[];
  /** What the apply did, from Terraform's summary. */
  readonly counts?: { readonly add: number; readonly change: number; readonly remove: number };
}

/** Applies a saved plan, printing progress; watches a starting release for a crash loop. */
export async function apply(ctx: Context, p: Plan, destroying = false): Promise<ApplyOutcome> {
  const paths = constructPaths(p.dir);
  const prebuilt = prebuiltImages(p.dir);
  const started = new Map<string, number>();
  const errors = new Map<string, string[]>();
  const failures: Failure[] = [];
  let crash: { container: string; reason: string } | undefined;
  let failedMigration: string | undefined;
  let counts: ApplyOutcome["counts"];
  let buildLogOffset = 0;
  let buildTimer: NodeJS.Timeout | undefined;
  let crashTimer: NodeJS.Timeout | undefined;
  const buildLog = `${p.dir}/build.log`;
  const applyStarted = Date.now();
  const where = (addr: string) => paths.get(addr) ?? addr;
  const name = (addr: string, action: string) =>
    prebuilt.has(addr) && /^AppImage/.test(where(addr)) && action !== "delete"
      ? "use the release's image (no build)"
      : stepName(where(addr), action);

  const followBuild = () => {
    if (!fs.existsSync(buildLog)) return;
    const text = fs.readFileSync(buildLog, "utf8");
    const fresh = text.slice(buildLogOffset);
    buildLogOffset = text.length;
    for (const l of fresh.split("\n")) {
      // BuildKit's step headers: "#7 [builder 3/5] RUN pip install ..."
      const m = /^#\d+ \[([^\]]+)\] (.*)$/.exec(l);
      if (m) line(dim(`    ${m[1]}: ${m[2].slice(0, 100)}`));
    }
  };
  const watchRelease = () => {
    for (const name of containersOf(p.stack, "web", namePrefixIn(p.dir))) {
      const state = inspectContainer(name);
      if (!state) continue;
      const created = Date.parse(execDocker(["inspect", "-f", "{{.Created}}", name]));
      if (created < applyStarted - 1000) continue;
      if (state.restartCount >= 1 || state.status === "exited" || state.status === "dead") {
        crash = {
          container: name,
          reason: `the new release crashed at start (exit code ${state.exitCode}${state.oomKilled ? ", out of memory" : ""}, restarted ${state.restartCount} time(s))`,
        };
        line(red(`    ${crash.reason}: stopping the deploy`));
        forwardSignal("SIGINT");
        if (crashTimer) clearInterval(crashTimer);
      }
    }
  };

  const onLine = (raw: string) => {
    let event: {
      type?: string;
      hook?: { resource?: { addr?: string }; action?: string; elapsed_seconds?: number };
      diagnostic?: { severity?: string; summary?: string; detail?: string; address?: string };
      "@message"?: string;
    };
    try {
      event = JSON.parse(raw);
    } catch {
      return;
    }
    const addr = event.hook?.resource?.addr ?? event.diagnostic?.address ?? "";
    const action = event.hook?.action ?? "";
    const key = `${addr} ${action}`;
    switch (event.type) {
      case "apply_start": {
        started.set(key, Date.now());
        const step = name(addr, action);
        if (
          /build the app image|start the new release|start PostgreSQL|stop the previous release|run the migrations/.test(
            step,
          )
        ) {
          line(`  ${dim("…")} ${step} ${dim(`(${where(addr)})`)}`);
        }
        if (/^AppImage/.test(where(addr)) && action !== "delete") {
          buildLogOffset = fs.existsSync(buildLog) ? fs.statSync(buildLog).size : 0;
          buildTimer = setInterval(followBuild, 500);
        }
        if (/^App\/Web$/.test(where(addr)) && action !== "delete")
          crashTimer = setInterval(watchRelease, 1000);
        break;
      }
      case "apply_complete":
      case "apply_errored": {
        const ms = Date.now() - (started.get(key) ?? Date.now());
        timings.push({ what: `${p.stack}: ${name(addr, action)} (${where(addr)})`, ms });
        if (/^AppImage/.test(where(addr)) && buildTimer) {
          clearInterval(buildTimer);
          followBuild();
        }
        if (/^App\/Web$/.test(where(addr)) && crashTimer) clearInterval(crashTimer);
        let ok = event.type === "apply_complete";
        // a one-shot that exited non-zero is "complete" to Terraform; a failed migration means the
        // new release can never be ready, so stop now instead of waiting for its health timeout
        const id = (event.hook as { id_value?: string } | undefined)?.id_value;
        if (ok && /^App\/Migrate$/.test(where(addr)) && action === "create" && id) {
          const state = inspectContainer(id);
          if (state && state.exitCode !== 0) {
            ok = false;
            failedMigration = state.name;
            forwardSignal("SIGINT");
          }
        }
        line(
          `  ${ok ? green("✓") : red("✗")} ${name(addr, action)} ${dim(`(${where(addr)}) ${seconds(ms)}`)}`,
        );
        break;
      }
      case "change_summary": {
        counts = (event as { changes?: ApplyOutcome["counts"] }).changes;
        break;
      }
      case "diagnostic": {
        // "execution halted": Terraform's word for the interrupt the CLI sent; the cause is reported
        if (event.diagnostic?.severity !== "error" || event.diagnostic.summary === "execution halted") break;
        const text = `${event.diagnostic.summary ?? ""}\n${event.diagnostic.detail ?? ""}`.trim();
        errors.set(addr, [...(errors.get(addr) ?? []), text]);
        break;
      }
      default:
        break;
    }
  };

  const run = await timed(`${p.stack}: terraform apply`, () =>
    terraform(
      ctx.runner,
      p.dir,
      ["apply", "-input=false", "-json", "-lock-timeout=10s", ...(p.direct ? ["-auto-approve"] : ["plan"])],
      { onLine },
    ),
  );
  if (buildTimer) clearInterval(buildTimer);
  if (crashTimer) clearInterval(crashTimer);
  if (failedMigration) {
    const migrate = [...paths.entries()].find(([, p2]) => p2 === "App/Migrate")?.[0] ?? "App/Migrate";
    errors.delete(migrate);
    failures.push({
      stack: p.stack,
      namePrefix: namePrefixIn(p.dir),
      constructPath: "App/Migrate",
      action: "create",
      messages: [],
      container: failedMigration,
    });
    // the interrupted start of the new release is a consequence, not a second failure
    for (const addr of [...errors.keys()]) if (/^App\/Web$/.test(where(addr))) errors.delete(addr);
  }
  if (run.code === 0 && !failedMigration) return { ok: true, startedAt: applyStarted, failures, counts };
  for (const [addr, messages] of errors) {
    const path = where(addr);
    failures.push({
      stack: p.stack,
      namePrefix: namePrefixIn(p.dir),
      constructPath: path,
      action: destroying ? "delete" : "create",
      messages,
      reason: crash && /^App\/Web$/.test(path) ? crash.reason : undefined,
      container: crash && /^App\/Web$/.test(path) ? crash.container : undefined,
    });
  }
  if (failures.length === 0 && run.code !== 0) {
    failures.push({
      stack: p.stack,
      constructPath: p.stack,
      action: "apply",
      messages: [tail(run.stderr + run.stdout, 30, "")],
    });
  }
  return { ok: false, startedAt: applyStarted, failures };
}

/**
 * Puts the state back to the release still serving, removing what the failed one created. With
 * `since` (when the apply began), also removes this stack's containers created since then that
 * Terraform never recorded: an interrupt can cancel the provider while Docker is still creating
 * one, and such a container would be left stray and block its name for the next deploy.
 */
export async function recover(ctx: Context, dir: string, stack: string, since?: number): Promise<void> {
  // a state read can fail for a moment after an interrupted apply (the run's lock, a busy machine):
  // without it nothing can be cleaned up safely, so try again before giving up, and say so
  let pulled = await terraform(ctx.runner, dir, ["state", "pull"]);
  for (let attempt = 1; pulled.code !== 0 && attempt < 4; attempt++) {
    await new Promise((r) => setTimeout(r, 1000 * attempt));
    pulled = await terraform(ctx.runner, dir, ["state", "pull"]);
  }
  if (pulled.code !== 0) {
    line(
      yellow(
        `  ${stack}: could not read the state to clean up after the failed release (${tail(pulled.stderr || pulled.stdout, 3).trim() || `exit ${pulled.code}`}); containers of the failed release may be left: docker ps -a --filter label=django-cdktf.stack=${stack}`,
      ),
    );
    return;
  }
  const before: StateJson | undefined = pulled.stdout.trim() === "" ? undefined : JSON.parse(pulled.stdout);
  const recovery = before && recoverState(before);
  let removed = recovery?.removeContainers.map((c) => c.name) ?? [];
  if (recovery?.state) {
    const pushed = await terraform(ctx.runner, dir, ["state", "push", "-"], {
      input: JSON.stringify(recovery.state),
    });
    if (pushed.code !== 0) {
      line(red(`  could not restore the state of ${stack}: ${pushed.stderr.trim()}`));
      return;
    }
    for (const c of recovery.removeContainers) execDockerOk(["rm", "-f", c.id]);
  }
  const prefix = namePrefixIn(dir);
  if (since !== undefined && prefix !== undefined) {
    const recorded = recordedContainerIds(recovery?.state ?? before);
    removed = [...removed, ...removeUnrecordedContainers(stack, prefix, recorded, since)];
  }
  if (recovery?.state || removed.length > 0)
    line(dim(`  ${stack}: cleaned up after the failed release (${removed.join(", ") || "state only"})`));
}

function report(failure: Failure, dir: string, appUrl: string): void {
  const r = diagnose(failure, `${dir}/build.log`, appUrl);
  line();
  line(red(bold(`✗ ${failure.stack}: ${r.step} failed`)));
  line(`  ${r.cause}`);
  for (const d of r.details) line(`  ${d.replace(/\n/g, "\n  ")}`);
  line();
  line(`  ${r.next}`);
}

function appUrlOf(ctx: Context, environment: string): string {
  try {
    const config = JSON.parse(
      fs.readFileSync(`${stackDir(ctx.root, environment, appStack(environment))}/cdk.tf.json`, "utf8"),
    );
    return String(config.output?.app_url?.value ?? "the app's URL");
  } catch {
    return "the app's URL";
  }
}

/**
 * The first layout kept the app in the environment's stack and published its port from the app
 * container. Its app container now stops (the proxy takes over the port: a one-time interruption
 * until the new release is routed) and leaves that stack's state; its image stays for the pruning.
 */
async function retireFirstLayout(ctx: Context, environment: string): Promise<void> {
  const dir = await init(ctx, environment, environment);
  const pulled = await terraform(ctx.runner, dir, ["state", "pull"]);
  if (pulled.code !== 0 || pulled.stdout.trim() === "") return;
  const legacy = (
    (JSON.parse(pulled.stdout).resources ?? []) as {
      mode: string;
      type: string;
      name: string;
      instances: { attributes?: { id?: string } }[];
    }[]
  ).filter(
    (r) =>
      r.mode === "managed" &&
      /^(docker_container\.App_(Web|Migrate)_[0-9A-F]{8}|docker_image\.AppImage_[0-9A-F]{8})$/.test(
        `${r.type}.${r.name}`,
      ),
  );
  if (legacy.length === 0) return;
  line(
    yellow(
      `${environment}: upgrading from the first layout: the app moves behind the proxy (a one-time interruption until the new release is routed)`,
    ),
  );
  for (const r of legacy.filter((x) => x.type === "docker_container")) {
    for (const i of r.instances) if (i.attributes?.id) execDockerOk(["rm", "-f", i.attributes.id]);
  }
  const run = await terraform(ctx.runner, dir, ["state", "rm", ...legacy.map((r) => `${r.type}.${r.name}`)]);
  if (run.code !== 0)
    throw new CommandFailed(
      `could not retire the first layout's app in ${environment}:\n${tail(run.stdout + run.stderr, 30)}`,
    );
}

const APPLIED = ".django-cdktf-applied";

function configDigest(dir: string): string {
  return createHash("sha256")
    .update(fs.readFileSync(path.join(dir, "cdk.tf.json")))
    .digest("hex");
}

/** Records that the stack's current configuration is what this machine applied last. */
export function markApplied(dir: string): void {
  fs.writeFileSync(path.join(dir, APPLIED), configDigest(dir));
}

export function forgetApplied(dir: string): void {
  fs.rmSync(path.join(dir, APPLIED), { force: true });
}

/**
 * Whether a deploy may leave the environment's long-lived stack alone: its configuration is the one
 * this machine applied last, and its database and proxy run and are healthy. (`npm run diff`
 * always compares everything; this spares every deploy a refresh of networks and volumes.)
 */
export function infraUnchanged(dir: string, environment: string): boolean {
  const marker = path.join(dir, APPLIED);
  if (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== configDigest(dir)) return false;
  const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  const longRunning = Object.values(
    (config.resource?.docker_container ?? {}) as Record<string, { name: string; must_run?: boolean }>,
  )
    .filter((c) => c.must_run !== false)
    .map((c) => c.name);
  const running = execDocker([
    "ps",
    "--filter",
    `label=django-cdktf.stack=${environment}`,
    "--format",
    "{{.Names}} {{.Status}}",
  ]);
  return longRunning.every((n) => new RegExp(`^${n} Up .*\\(healthy\\)`, "m").test(running));
}

/**
 * Volumes an earlier layout used and the stack now forgets rather than destroys (a running release
 * still mounted them): removed once nothing uses them. Today: the single secrets volume.
 */
function removeRetiredVolumes(ctx: Context, environment: string): void {
  const spec = databaseSpec(stackDir(ctx.root, environment, environment));
  if (!spec) return;
  const retired = `${spec.container.replace(/-db$/, "")}-secrets`;
  if (execDockerOk(["volume", "inspect", retired]) && execDockerOk(["volume", "rm", retired])) {
    line(dim(`  removed the volume ${retired}, which held every secret before each reader got its own`));
  }
}

/** What is wrong with the folder `--saved-plans` names, if anything (checked before any synth). */
export function savedPlansProblem(dir: string): string | undefined {
  const folder = path.resolve(dir);
  return fs.existsSync(folder) && fs.statSync(folder).isDirectory()
    ? undefined
    : `--saved-plans ${dir} is not a folder; give the folder \`npm run plan:pr\` wrote (PLAN_OUT_DIR, default cdktf.out/plans)`;
}

/**
 * `deploy --saved-plans <dir>`: the plans `npm run plan:pr` saved for both stacks, to be applied
 * as they are. Every stack is checked before anything is applied: the configuration synthesized
 * now and the state now must be the ones its plan was made against (scripts/lib/saved-plan.ts).
 * Otherwise nothing is applied, and the deploy exits 3 naming the stack and why.
 */
async function savedPlans(ctx: Context, environment: string, dir: string): Promise<Plan[]> {
  const problem = savedPlansProblem(dir);
  if (problem) throw new CommandFailed(problem, 2);
  const folder = path.resolve(dir);
  const checked = [];
  for (const stack of [environment, appStack(environment)]) {
    let saved;
    try {
      saved = readSavedPlanMeta(folder, stack);
    } catch (e) {
      throw new CommandFailed(`--saved-plans: ${(e as Error).message}`, 2);
    }
    const dirOfStack = await init(ctx, environment, stack);
    const pulled = await terraform(ctx.runner, dirOfStack, ["state", "pull"]);
    if (pulled.code !== 0)
      throw new CommandFailed(
        `could not read the state of ${stack}:\n${tail(pulled.stdout + pulled.stderr, 20)}`,
      );
    checked.push({
      stack,
      dir: dirOfStack,
      saved,
      current: { configSha256: configSha256(dirOfStack), state: stateIdentity(pulled.stdout) },
    });
  }
  if (checked.every((c) => !c.saved)) {
    throw new CommandFailed(
      `--saved-plans ${dir} holds no plan for ${environment} (expected ${path.join(dir, environment, SAVED_PLAN_FILES.meta)}); plan it with \`npm run plan:pr -- ${environment}\``,
      2,
    );
  }
  const { apply: ok, decisions } = decideSavedPlans(checked);
  if (!ok) {
    for (const d of decisions) if (!d.apply) line(red(`  ${d.message}`));
    throw new CommandFailed(
      `${environment}: the saved plans are stale, so nothing was applied; plan again (\`npm run plan:pr -- ${environment}\`) and review the new plan`,
      EXIT_SAVED_PLAN_STALE,
    );
  }
  line(
    dim(`  ${environment}: the saved plans match the configuration and the state; applying them as reviewed`),
  );
  return checked.map((c) => {
    const from = path.join(folder, c.stack);
    // apply() applies the file `plan` in the stack's folder
    if (c.saved!.changes) fs.copyFileSync(path.join(from, SAVED_PLAN_FILES.plan), path.join(c.dir, "plan"));
    const text = fs.existsSync(path.join(from, SAVED_PLAN_FILES.text))
      ? fs.readFileSync(path.join(from, SAVED_PLAN_FILES.text), "utf8")
      : "";
    return {
      stack: c.stack,
      dir: c.dir,
      changes: c.saved!.changes,
      summary: /Plan: [^\n]*/.exec(text)?.[0] ?? (c.saved!.changes ? "changes" : "no changes"),
      text,
    };
  });
}

export async function deploy(ctx: Context, environment: string): Promise<void> {
  const release = acquire(`${ctx.root}/cdktf.out`, environment, "deploy");
  try {
    line(bold(`${environment}: deploy`));
    await synthesize(ctx, environment, true);
    // a shared environment's proxy joins the entry point's network: the entry point goes first
    await syncEntry(ctx, environment, { add: environment });
    const infraDir = stackDir(ctx.root, environment, environment);
    // a saved plan says itself whether the environment's stack changes
    const unchanged = !ctx.options.savedPlans && infraUnchanged(infraDir, environment);
    if (unchanged) {
      line(
        dim(`  ${environment}: unchanged since this machine last applied it, and its database and proxy run`),
      );
    } else {
      await timed(`${environment}: data compatibility check`, async () => checkDataCompatibility(infraDir));
      // changes the state: a saved plan made before would be stale (upgrade with a plain deploy)
      if (!ctx.options.savedPlans) await retireFirstLayout(ctx, environment);
    }
    const planFor = ctx.options.autoApprove ? directPlan : plan;
    const plans = ctx.options.savedPlans
      ? await savedPlans(ctx, environment, ctx.options.savedPlans)
      : await Promise.all([
          ...(unchanged ? [] : [planFor(ctx, environment, environment)]),
          planFor(ctx, environment, appStack(environment)),
        ]);
    if (!ctx.options.autoApprove) {
      for (const p of plans) line(`  ${p.stack}: ${p.changes ? p.summary : dim("no changes")}`);
      if (!unchanged && !plans[0].changes) markApplied(infraDir);
      if (!plans.some((p) => p.changes)) {
        line(green(`${environment}: nothing to do; ${appUrlOf(ctx, environment)}`));
        return;
      }
    }
    let changed = false;
    if (!ctx.options.autoApprove) {
      for (const p of plans.filter((x) => x.changes)) line(p.text);
      if (!(await confirm(`Apply these changes to ${environment}?`)))
        throw new CommandFailed("not applied", 1);
    }
    for (const p of plans) {
      if (!p.changes) continue;
      if (ctx.interrupted()) throw new CommandFailed("interrupted before applying", 130);
      if (p.stack === environment) forgetApplied(infraDir);
      const outcome = await apply(ctx, p);
      if (outcome.ok && p.stack === environment) markApplied(infraDir);
      const c = outcome.counts;
      if (outcome.ok && c) {
        changed ||= c.add + c.change + c.remove > 0;
        line(
          `  ${p.stack}: ${c.add + c.change + c.remove === 0 ? dim("no changes") : `${c.add} added, ${c.change} changed, ${c.remove} destroyed`}`,
        );
      }
      if (!outcome.ok) {
        // the report reads the failed containers' output: before recovery removes them
        if (!ctx.interrupted())
          for (const f of outcome.failures) report(f, p.dir, appUrlOf(ctx, environment));
        await recover(ctx, p.dir, p.stack, outcome.startedAt);
        if (ctx.interrupted()) {
          line(
            yellow(
              `${environment}: interrupted; the previous release keeps serving ${appUrlOf(ctx, environment)}`,
            ),
          );
          throw new CommandFailed("interrupted", 130);
        }
        throw new CommandFailed(`${environment}: deploy failed`, 1);
      }
    }
    if (!changed && ctx.options.autoApprove) {
      line(green(`${environment}: nothing to do; ${appUrlOf(ctx, environment)}`));
      return;
    }
    const released = await recordAndPrune(ctx, environment);
    removeRetiredVolumes(ctx, environment);
    const overridden = overridesLine(releaseOverrides(released.web_container));
    if (overridden) line(yellow(`  ${overridden}`));
    line(green(bold(`${environment}: deployed; ${appUrlOf(ctx, environment)}`)));
  } finally {
    release();
  }
}

export async function outputs(
  ctx: Context,
  environment: string,
  stack: string,
): Promise<Record<string, string>> {
  const dir = stackDir(ctx.root, environment, stack);
  if (!fs.existsSync(`${dir}/.terraform`)) await init(ctx, environment, stack);
  const run = await terraform(ctx.runner, dir, ["output", "-json"]);
  if (run.code !== 0) return {};
  const parsed = JSON.parse(run.stdout || "{}") as Record<string, { value: unknown }>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v.value)]));
}

/** Whether the stack manages the volume (DELETE_DATA_ON_DESTROY=true) rather than keeping it outside. */
function managedVolume(dir: string, volume: string): boolean {
  const config = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
  return Object.values((config.resource?.docker_volume ?? {}) as Record<string, { name?: string }>).some(
    (v) => v.name === volume,
  );
}

/** Every image tag of the environment's release history (served and built), once it is destroyed. */
/** Removes every tagged image of a release history (`<repo>:*`). */
export function removeReleaseImages(repo: string): void {
  const refs = execDocker(["image", "ls", repo, "--format", "{{.Repository}}:{{.Tag}}"])
    .split("\n")
    .filter((r) => r && !r.endsWith(":<none>"));
  for (const ref of refs) execDockerOk(["rmi", ref]);
  if (refs.length > 0) line(dim(`  removed ${refs.length} image tag(s) of ${repo}`));
}

/** Tags of the release history, newest first: `<repo>:served-<time>` with the image each names. */
export function releaseHistory(repo: string): { tag: string; id: string }[] {
  return execDocker(["image", "ls", repo, "--format", "{{.Tag}}\t{{.ID}}"])
    .split("\n")
    .filter((r) => r.startsWith("served-"))
    .map((r) => {
      const [tag, id] = r.split("\t");
      return { tag, id };
    })
    .sort((a, b) => b.tag.localeCompare(a.tag));
}

/**
 * Records the release that now serves (a `served-<time>` tag in the history repository), then keeps
 * the images of the last RELEASES_KEPT releases that served (the current one among them) and
 * removes every other image of this environment's app: earlier releases and builds that never served.
 */
export async function recordAndPrune(ctx: Context, environment: string): Promise<Record<string, string>> {
  const out = await outputs(ctx, environment, appStack(environment));
  const current = out.image;
  const repo = out.release_history;
  const kept = Number(out.releases_kept ?? "3");
  if (!current || !repo) return out;
  const currentId = execDocker(["image", "inspect", "-f", "{{.Id}}", current]);
  const history = releaseHistory(repo);
  if (!history[0] || !currentId.includes(history[0].id)) {
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
    execDocker(["tag", current, `${repo}:served-${stamp}`]);
  }
  const keepIds: string[] = [];
  for (const h of releaseHistory(repo)) {
    if (keepIds.length >= kept) break;
    if (!keepIds.includes(h.id)) keepIds.push(h.id);
  }
  const tags = execDocker(["image", "ls", repo, "--format", "{{.Repository}}:{{.Tag}}\t{{.ID}}"])
    .split("\n")
    .filter((r) => r.includes("\t") && !r.includes(":<none>"))
    .map((r) => r.split("\t"));
  const removed = tags.filter(([ref, id]) => ref !== current && !keepIds.includes(id));
  for (const [ref] of removed) execDockerOk(["rmi", ref]);
  if (removed.length > 0)
    line(
      dim(
        `  removed ${removed.length} image tag(s) of earlier or failed releases; kept ${keepIds.length} release(s)`,
      ),
    );
  return out;
}

export async function diff(ctx: Context, environment: string): Promise<void> {
  const release = acquire(`${ctx.root}/cdktf.out`, environment, "diff");
  try {
    line(bold(`${environment}: diff`));
    await synthesize(ctx, environment);
    await diffEntryFor(ctx, environment);
    for (const stack of [environment, appStack(environment)]) {
      const p = await plan(ctx, environment, stack);
      process.stdout.write(p.text);
    }
    for (const d of drift(environment, namePrefixIn(stackDir(ctx.root, environment, environment))))
      line(yellow(`drift: ${d}`));
  } finally {
    release();
  }
}

/** Long-running containers of an environment that are not running as they should. */
export function drift(environment: string, namePrefix?: string): string[] {
  const found: string[] = [];
  for (const stack of [environment, appStack(environment)]) {
    for (const role of ["database", "web", "proxy"]) {
      for (const name of containersOf(stack, role, namePrefix)) {
        const s = inspectContainer(name);
        if (!s) continue;
        if (s.status === "paused")
          found.push(`${name} is paused by hand; \`docker unpause ${name}\` (a deploy does not)`);
        else if (s.status !== "running")
          found.push(`${name} is ${s.status} (exit code ${s.exitCode}); the next deploy starts it again`);
      }
    }
  }
  return found;
}

/** The destroy plans of an environment's release stack, then its own, shown and confirmed (unless --auto-approve). */
export async function destroyPlans(ctx: Context, environment: string): Promise<Plan[]> {
  const plans = [
    await plan(ctx, environment, appStack(environment), true),
    await plan(ctx, environment, environment, true),
  ];
  for (const p of plans) line(`  ${p.stack}: ${p.changes ? p.summary : dim("nothing to destroy")}`);
  if (!ctx.options.autoApprove && plans.some((p) => p.changes)) {
    for (const p of plans.filter((x) => x.changes)) line(p.text);
    if (
      !(await confirm(`Destroy ${environment}? (the data volume is kept unless DELETE_DATA_ON_DESTROY=true)`))
    ) {
      throw new CommandFailed("not destroyed", 1);
    }
  }
  return plans;
}

/**
 * The release history the environment's configuration records: from the configuration, not the
 * state, so a destroy retried after a failed one still knows it.
 */
export function releaseHistoryOf(ctx: Context, environment: string): string | undefined {
  return synthesizedOutput(stackDir(ctx.root, environment, appStack(environment)), "release_history");
}

export async function destroy(ctx: Context, environment: string): Promise<void> {
  const release = acquire(`${ctx.root}/cdktf.out`, environment, "destroy");
  try {
    line(bold(`${environment}: destroy`));
    await synthesize(ctx, environment);
    const plans = await destroyPlans(ctx, environment);
    const history = releaseHistoryOf(ctx, environment);
    for (const p of plans) {
      if (!p.changes) continue;
      // a proxy of your own on the frontend network would keep it from being removed
      if (p.stack === environment) disconnectOthers(ctx.root, environment);
      const outcome = await apply(ctx, p, true);
      if (!outcome.ok) {
        for (const f of outcome.failures)
          line(red(`✗ ${f.stack}: ${f.constructPath}: ${f.messages.join("\n")}`));
        throw new CommandFailed(`${environment}: destroy failed`, ctx.interrupted() ? 130 : 1);
      }
    }
    if (history) removeReleaseImages(history);
    line(green(`${environment}: destroyed`));
    await syncEntry(ctx, environment, { remove: environment });
    const volume = databaseSpec(stackDir(ctx.root, environment, environment))?.volume;
    if (volume && execDockerOk(["volume", "inspect", volume])) {
      line(
        managedVolume(stackDir(ctx.root, environment, environment), volume)
          ? yellow(
              `  kept the data volume ${volume}: DELETE_DATA_ON_DESTROY=true takes effect once a deploy has adopted the volume. ` +
                `Deploy with it set, then destroy again; or delete it yourself: docker volume rm ${volume}`,
            )
          : dim(
              `  kept the data volume ${volume} (a later deploy uses it again; docker volume rm ${volume} deletes it)`,
            ),
      );
    }
  } finally {
    release();
  }
}

export async function output(ctx: Context, environment: string): Promise<void> {
  await synthesize(ctx, environment);
  const all = {
    ...(await outputs(ctx, environment, environment)),
    ...(await outputs(ctx, environment, appStack(environment))),
  };
  if (Object.keys(all).length === 0) {
    line(`${environment}: nothing deployed yet (\`npm run deploy -- ${environment}\`)`);
    return;
  }
  line(bold(environment));
  for (const [k, v] of Object.entries(all)) process.stdout.write(`${k} = ${v}\n`);
}

/** Deploys the image of the release that served before the current one, kept on the host: no build. */
export async function rollback(ctx: Context, environment: string): Promise<void> {
  await synthesize(ctx, environment);
  const out = await outputs(ctx, environment, appStack(environment));
  const current = out.image;
  const repo = out.release_history;
  if (!current || !repo) throw new CommandFailed(`${environment} has no release yet; deploy it first`, 1);
  const currentId = execDocker(["image", "inspect", "-f", "{{.Id}}", current]);
  const previous = releaseHistory(repo).find((h) => !currentId.includes(h.id));
  if (!previous) {
    throw new CommandFailed(
      `${environment}: no earlier release is kept on the host (${repo}:served-*); deploy an earlier commit instead`,
      1,
    );
  }
  const target = `${repo}:${previous.tag}`;
  line(bold(`${environment}: rolling back to ${target} (from ${current})`));
  const variable = `APP_IMAGE__${environment.toUpperCase().replace(/-/g, "_")}`;
  await deploy({ ...ctx, env: { ...ctx.env, [variable]: target } }, environment);
  line(
    dim(
      `  rolled back. The next \`npm run deploy -- ${environment}\` deploys the current code again; revert it first to stay on ${target}.`,
    ),
  );
}
