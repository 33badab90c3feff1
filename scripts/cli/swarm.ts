/**
 * The lifecycle commands for an environment with DEPLOY_TARGET=swarm: the same commands, stacks
 * (`<env>`, `<env>-app`) and Terraform runs as on the engine (commands.ts), plus what a swarm needs
 * around them:
 *
 *   - the engine must be a swarm manager, and exactly one node must carry the database's label (a
 *     single-node swarm gets it);
 *   - the Swarm secrets are created here, from the secret files, under content-addressed names (the
 *     values go to the swarm on stdin: never into the configuration, a plan or the state); their ids
 *     are written where Terraform reads them when it plans;
 *   - while Terraform applies, the tasks of the services are watched: a failing task's error and
 *     output are kept at once (provider 4.5.0 prints neither, and deletes a service whose first
 *     convergence fails, its tasks' logs with it), and a service being created whose tasks keep
 *     failing stops the apply instead of waiting out the convergence timeout;
 *   - the database's roles one-shot (a service that runs once) must complete before the releases;
 *   - secrets no service uses any more are removed after a deploy.
 */
import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildConfig } from "../../config/build-config";
import { readConfigInput } from "../../config/load-config";
import { StackConfig } from "../../config/types";
import { execDocker, execDockerOk } from "../lib/docker";
import {
  Context,
  Plan,
  apply,
  confirm,
  destroyPlans,
  directPlan,
  forgetApplied,
  markApplied,
  outputs,
  plan,
  recordAndPrune,
  recover,
  releaseHistoryOf,
  removeReleaseImages,
  releaseHistory,
} from "./commands";
import { Failure, diagnose } from "./diagnose";
import { CommandFailed } from "./errors";
import { acquire } from "./lock";
import { stackDir, synth, synthIfChanged } from "./synth";
import { forwardSignal, terraform } from "./terraform";
import { bold, dim, green, line, red, tail, yellow } from "./ui";

const appStack = (environment: string) => `${environment}-app`;

/** The environment's settings, or undefined when they do not validate (synth then says why). */
export function swarmConfig(
  ctx: Pick<Context, "root" | "env">,
  environment: string,
): StackConfig | undefined {
  try {
    const { input } = readConfigInput(ctx.root, ctx.env);
    const built = buildConfig(input, { only: [environment] });
    if (!built.ok) return undefined;
    const stack = built.config.stacks.find((s) => s.environment === environment);
    return stack?.swarm ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** Where an environment runs: DEPLOY_TARGET, as its settings say. */
export function deployTarget(ctx: Pick<Context, "root" | "env">, environment: string): "engine" | "swarm" {
  return swarmConfig(ctx, environment) ? "swarm" : "engine";
}

/** The Docker objects of a swarm environment, by the names its stacks give them. */
export interface SwarmNames {
  readonly prefix: string;
  readonly web: string;
  readonly db: string;
  readonly roles: string;
  readonly proxy: string;
  readonly dataVolume: string;
  readonly socketVolume: string;
  readonly backend: string;
}

export function swarmNames(config: StackConfig): SwarmNames {
  const prefix = config.namePrefix;
  return {
    prefix,
    web: `${prefix}-web`,
    db: `${prefix}-db`,
    roles: `${prefix}-db-roles`,
    proxy: `${prefix}-proxy`,
    dataVolume: `${prefix}-pgdata`,
    socketVolume: `${prefix}-pgsocket`,
    backend: `${prefix}-backend`,
  };
}

function configOrFail(ctx: Context, environment: string): StackConfig {
  const config = swarmConfig(ctx, environment);
  if (!config)
    throw new CommandFailed(
      `${environment}: its settings do not validate; run npm run synth -- ${environment}`,
      2,
    );
  return config;
}

async function synthesize(ctx: Context, environment: string, reuse = false): Promise<void> {
  const { input } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, {});
  const secretsDir = built.ok ? built.config.secretsDir : ".secrets";
  const projectDir = built.ok ? built.config.project.absDir : path.join(ctx.root, "django-app");
  const result = reuse
    ? await synthIfChanged(ctx.root, environment, ctx.env, secretsDir, [projectDir])
    : { ...(await synth(ctx.root, environment, ctx.env)), skipped: false };
  if (result.skipped) line(dim(`  ${environment}: settings and sources unchanged since the last synth`));
  const text = result.output.trim();
  if (!result.ok)
    throw new CommandFailed(
      text || `synth of ${environment} failed`,
      /configuration error/.test(text) ? 2 : 1,
    );
  for (const l of text.split("\n").filter((x) => /^(config warning|note):/.test(x))) {
    line(l.startsWith("config warning") ? yellow(l) : dim(l));
  }
}

// --- the swarm itself ------------------------------------------------------------------------------

/** The engine is an active manager of a swarm, or the command stops saying how to make it one. */
export function checkSwarm(environment: string): void {
  let state: string;
  try {
    state = execDocker(["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"]);
  } catch (e) {
    throw new CommandFailed(`${environment}: cannot ask Docker about its swarm: ${(e as Error).message}`, 1);
  }
  const [local, control] = state.split(" ");
  if (local !== "active" || control !== "true") {
    throw new CommandFailed(
      `${environment}: DEPLOY_TARGET=swarm, but the Docker engine at ${process.env.DOCKER_HOST || "the local socket"} is ${local === "active" ? "a swarm worker, not a manager" : `not in a swarm (state: ${local || "unknown"})`}. Run \`docker swarm init\` on a single host, or point DOCKER_HOST at a manager of your swarm; or set DEPLOY_TARGET=engine`,
      1,
    );
  }
}

/**
 * The environment runs on the engine (a database container outside any service): deploying it as
 * services would start a second server on the same data volume.
 */
function refuseEngineObjects(environment: string): void {
  const rows = execDocker([
    "ps",
    "-a",
    "--filter",
    `label=django-cdktf.stack=${environment}`,
    "--filter",
    "label=django-cdktf.role=database",
    "--format",
    '{{.Names}}\t{{.Label "com.docker.swarm.service.name"}}',
  ])
    .split("\n")
    .filter((r) => r !== "" && r.split("\t")[1] === "");
  if (rows.length > 0) {
    const name = rows[0].split("\t")[0];
    throw new CommandFailed(
      `${environment} runs on the Docker engine (its database is the container ${name}), not on the swarm. Destroy it first with DEPLOY_TARGET=engine (npm run destroy -- ${environment}; the data volume is kept and the swarm's database uses it), then deploy with DEPLOY_TARGET=swarm`,
      2,
    );
  }
}

/** The engine-target deploy of an environment whose services still run on the swarm: refused. */
export function refuseSwarmObjects(environment: string): void {
  let services: string;
  try {
    services = execDocker([
      "service",
      "ls",
      "--filter",
      `label=django-cdktf.stack=${environment}`,
      "--format",
      "{{.Name}}",
    ]);
  } catch {
    return; // not a manager: nothing of the swarm's can run here
  }
  if (services.trim() !== "") {
    throw new CommandFailed(
      `${environment} runs on the swarm (services ${services.split("\n").join(", ")}), not on the Docker engine. Destroy it first with DEPLOY_TARGET=swarm (the data volume is kept), then deploy with DEPLOY_TARGET=engine`,
      2,
    );
  }
}

interface NodeRow {
  readonly id: string;
  readonly hostname: string;
  readonly labelled: boolean;
  readonly ready: boolean;
}

function nodes(label: string): NodeRow[] {
  const ids = execDocker(["node", "ls", "-q"])
    .split("\n")
    .filter((n) => n !== "");
  if (ids.length === 0) return [];
  return execDocker([
    "node",
    "inspect",
    "--format",
    `{{.ID}}\t{{.Description.Hostname}}\t{{index .Spec.Labels ${JSON.stringify(label)}}}\t{{.Status.State}}`,
    ...ids,
  ])
    .split("\n")
    .filter((r) => r !== "")
    .map((r) => {
      const [id, hostname, value, state] = r.split("\t");
      return { id, hostname, labelled: value === "true", ready: state === "ready" };
    });
}

/** Exactly one node carries the database's label; a single-node swarm is given it. */
export function ensureDatabaseNode(environment: string, label: string): string {
  const all = nodes(label);
  const labelled = all.filter((n) => n.labelled);
  if (labelled.length === 1) return labelled[0].hostname;
  if (labelled.length > 1) {
    throw new CommandFailed(
      `${environment}: ${labelled.length} nodes carry ${label}=true (${labelled.map((n) => n.hostname).join(", ")}), but PostgreSQL's data is a volume local to one node. Keep the label on the node that holds the data volume and remove it from the others: docker node update --label-rm ${label} <node>`,
      2,
    );
  }
  if (all.length === 1) {
    execDocker(["node", "update", "--label-add", `${label}=true`, all[0].id]);
    line(
      dim(
        `  ${environment}: labelled the swarm's only node ${all[0].hostname} ${label}=true (PostgreSQL runs there)`,
      ),
    );
    return all[0].hostname;
  }
  throw new CommandFailed(
    `${environment}: no node carries ${label}=true, so PostgreSQL has nowhere to run. Choose the node that keeps its data (a volume local to that node) and label it: docker node update --label-add ${label}=true <node> (nodes: ${all.map((n) => n.hostname).join(", ")})`,
    2,
  );
}

// --- secrets ---------------------------------------------------------------------------------------

interface SecretSpec {
  readonly name: string;
  readonly source: string;
  readonly idFile: string;
}

/** The Swarm secrets a synthesized stack declares (its `swarm_secrets` output), with absolute paths. */
function secretSpecs(dir: string): SecretSpec[] {
  const file = path.join(dir, "cdk.tf.json");
  if (!fs.existsSync(file)) return [];
  const config = JSON.parse(fs.readFileSync(file, "utf8"));
  const value = config.output?.swarm_secrets?.value;
  if (typeof value !== "string") return [];
  return (JSON.parse(value) as SecretSpec[]).map((s) => ({
    name: s.name,
    source: path.resolve(dir, s.source),
    idFile: path.resolve(dir, s.idFile),
  }));
}

/**
 * Creates the secrets the stacks need that the swarm does not hold yet (the value on stdin, never
 * on a command line), and writes every secret's id where Terraform reads it. Returns their names.
 */
export function ensureSecrets(environment: string, dirs: readonly string[]): string[] {
  const names: string[] = [];
  let created = 0;
  for (const spec of dirs.flatMap(secretSpecs)) {
    if (names.includes(spec.name)) continue;
    names.push(spec.name);
    let id: string;
    try {
      id = execDocker(["secret", "inspect", "--format", "{{.ID}}", spec.name]);
    } catch {
      if (!fs.existsSync(spec.source))
        throw new CommandFailed(
          `${environment}: the secret file ${spec.source} is missing; run the deploy again to make it`,
          1,
        );
      const made = spawnSync(
        "docker",
        ["secret", "create", "--label", `django-cdktf.stack=${environment}`, spec.name, "-"],
        { input: fs.readFileSync(spec.source), encoding: "utf8" },
      );
      if (made.status !== 0)
        throw new CommandFailed(
          `${environment}: could not create the Swarm secret ${spec.name}: ${made.stderr.trim()}`,
          1,
        );
      id = made.stdout.trim();
      created++;
    }
    fs.mkdirSync(path.dirname(spec.idFile), { recursive: true, mode: 0o700 });
    fs.writeFileSync(spec.idFile, `${id}\n`);
  }
  if (created > 0) line(dim(`  ${environment}: created ${created} Swarm secret(s) from the secret files`));
  return names;
}

/** Removes the environment's secrets that are not in `keep` and that no service uses (the swarm refuses those). */
function removeSecrets(environment: string, keep: readonly string[]): number {
  let removed = 0;
  let all: string[];
  try {
    all = execDocker([
      "secret",
      "ls",
      "--filter",
      `label=django-cdktf.stack=${environment}`,
      "--format",
      "{{.Name}}",
    ])
      .split("\n")
      .filter((n) => n !== "");
  } catch {
    return 0;
  }
  for (const name of all.filter((n) => !keep.includes(n)))
    if (execDockerOk(["secret", "rm", name])) removed++;
  return removed;
}

// --- watching the tasks ----------------------------------------------------------------------------

/** A task that failed (or cannot be placed), with what it said. */
export interface TaskFailure {
  readonly service: string;
  readonly task: string;
  readonly slot: string;
  readonly state: string;
  readonly error: string;
  readonly exitCode?: number;
  readonly node: string;
  readonly logs: string;
}

interface TaskJson {
  ID: string;
  CreatedAt: string;
  Slot?: number;
  NodeID?: string;
  DesiredState: string;
  Status: {
    State: string;
    Err?: string;
    Message?: string;
    Timestamp?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
  };
}

function tasksOf(service: string): TaskJson[] {
  try {
    const ids = execDocker(["service", "ps", "-q", "--no-trunc", service])
      .split("\n")
      .filter((i) => i !== "");
    if (ids.length === 0) return [];
    return JSON.parse(execDocker(["inspect", "--type", "task", ...ids])) as TaskJson[];
  } catch {
    return [];
  }
}

/** A task's output, through the swarm (whichever node it ran on). */
export function taskLogs(task: string, lines = 40): string {
  try {
    return execFileSync(
      "sh",
      ["-c", 'docker service logs --raw --no-trunc --tail "$1" "$2" 2>&1', "sh", String(lines), task],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 16 * 1024 * 1024,
        timeout: 20_000,
      },
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ""}${err.stderr ?? ""}`;
  }
}

function nodeName(id: string | undefined): string {
  if (!id) return "no node";
  try {
    return execDocker(["node", "inspect", "--format", "{{.Description.Hostname}}", id]);
  } catch {
    return id.slice(0, 12);
  }
}

/**
 * Watches services while Terraform applies: records each task that fails or is rejected (its error,
 * exit code and output, read at once), and stops the apply when a service being created keeps
 * failing (its convergence would otherwise run to the timeout, then the provider deletes it).
 */
export class TaskWatcher {
  readonly failures: TaskFailure[] = [];
  /** Why the watcher stopped the apply, when it did. */
  stopped?: string;
  private readonly seen = new Set<string>();
  private readonly existed: Set<string>;
  private readonly started = Date.now();
  private timer?: NodeJS.Timeout;
  private pendingSince = new Map<string, number>();

  constructor(private readonly services: readonly string[]) {
    this.existed = new Set(services.filter((s) => execDockerOk(["service", "inspect", s])));
  }

  /** The watched services that did not exist when the watch began and exist now. */
  created(): string[] {
    return this.services.filter((s) => !this.existed.has(s) && execDockerOk(["service", "inspect", s]));
  }

  start(): this {
    this.timer = setInterval(() => this.poll(), 1000);
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.poll();
  }

  private poll(): void {
    for (const service of this.services) {
      for (const t of tasksOf(service)) {
        if (Date.parse(t.CreatedAt) < this.started - 2000) continue;
        const state = t.Status.State;
        const err = t.Status.Err ?? "";
        if (state === "pending" && err) {
          // cannot be placed (no node with the label, no image, a port taken on every node)
          const first = this.pendingSince.get(t.ID) ?? Date.now();
          this.pendingSince.set(t.ID, first);
          if (Date.now() - first > 15_000) this.record(service, t, "");
          continue;
        }
        if (state !== "failed" && state !== "rejected") continue;
        this.record(service, t, taskLogs(t.ID));
      }
    }
  }

  private record(service: string, t: TaskJson, logs: string): void {
    if (this.seen.has(t.ID)) return;
    this.seen.add(t.ID);
    const failure: TaskFailure = {
      service,
      task: t.ID,
      slot: t.Slot ? `${service}.${t.Slot}` : service,
      state: t.Status.State,
      error: t.Status.Err || t.Status.Message || "",
      exitCode: t.Status.ContainerStatus?.ExitCode,
      node: nodeName(t.NodeID),
      logs,
    };
    this.failures.push(failure);
    line(red(`    task ${failure.slot} ${failure.state}: ${failure.error}`));
    const created = !this.existed.has(service);
    const count = this.failures.filter((f) => f.service === service).length;
    if (!this.stopped && created && (failure.state === "pending" || count >= 2)) {
      this.stopped = `${service} was being created and its tasks ${failure.state === "pending" ? "cannot be placed" : `failed ${count} times`}`;
      line(red(`    ${this.stopped}: stopping the deploy`));
      forwardSignal("SIGINT");
    }
  }
}

/** Applies a plan while watching the given services. */
async function watchedApply(ctx: Context, p: Plan, services: readonly string[], destroying = false) {
  const watcher = new TaskWatcher(services).start();
  try {
    const outcome = await apply(ctx, p, destroying);
    return { outcome, watcher };
  } finally {
    watcher.stop();
  }
}

/**
 * After a failed apply: services it was creating that Terraform did not record (the provider keeps
 * a service only once it converged; an interrupted create leaves it behind) are removed, so the
 * next deploy can create them.
 */
async function removeUnrecorded(ctx: Context, dir: string, watcher: TaskWatcher): Promise<void> {
  const created = watcher.created();
  if (created.length === 0) return;
  const pulled = await terraform(ctx.runner, dir, ["state", "pull"]);
  const recorded = new Set<string>();
  try {
    for (const r of (JSON.parse(pulled.stdout || "{}").resources ?? []) as {
      type: string;
      instances: { attributes?: { name?: string } }[];
    }[]) {
      if (r.type !== "docker_service") continue;
      for (const i of r.instances) if (i.attributes?.name) recorded.add(i.attributes.name);
    }
  } catch {
    return; // no readable state: leave everything as it is
  }
  for (const service of created.filter((s) => !recorded.has(s))) {
    if (execDockerOk(["service", "rm", service]))
      line(dim(`  removed ${service}, which the failed deploy had started to create`));
  }
}

/** Waits until every task of each service runs (global services included), or fails with their errors. */
async function waitConverged(
  environment: string,
  services: readonly string[],
  timeoutS: number,
): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  const watcher = new TaskWatcher(services).start();
  try {
    for (;;) {
      const pending = services.filter((s) => {
        const replicas = execDocker([
          "service",
          "ls",
          "--filter",
          `name=${s}`,
          "--format",
          "{{.Name}} {{.Replicas}}",
        ])
          .split("\n")
          .find((r) => r.split(" ")[0] === s)
          ?.split(" ")[1];
        const m = /^(\d+)\/(\d+)/.exec(replicas ?? "");
        return !m || m[1] !== m[2] || m[2] === "0";
      });
      if (pending.length === 0) return;
      if (Date.now() > deadline || watcher.failures.length >= 3) {
        throw new CommandFailed(
          `${environment}: ${pending.join(", ")} did not get every task running within ${timeoutS} s${reportTasks(watcher.failures)}`,
          1,
        );
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    watcher.stop();
  }
}

/**
 * Waits for the roles one-shot's task for the current spec: it must complete. A task that failed in
 * an earlier deploy is run again (once).
 */
async function waitRoles(environment: string, service: string, timeoutS = 180): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  let forced = false;
  const started = Date.now();
  for (;;) {
    let updated: number;
    try {
      updated = Date.parse(execDocker(["service", "inspect", "--format", "{{.UpdatedAt}}", service]));
    } catch {
      return; // no roles one-shot (nothing deployed)
    }
    const tasks = tasksOf(service).sort((a, b) => Date.parse(b.CreatedAt) - Date.parse(a.CreatedAt));
    const latest = tasks[0];
    if (latest && Date.parse(latest.CreatedAt) >= updated - 1000) {
      const state = latest.Status.State;
      if (state === "complete") return;
      if (["failed", "rejected"].includes(state)) {
        if (!forced && Date.parse(latest.CreatedAt) < started) {
          forced = true;
          line(dim(`  ${environment}: the database roles one-shot failed before; running it again`));
          execDocker(["service", "update", "--detach", "--force", service]);
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        const logs = taskLogs(latest.ID);
        throw new CommandFailed(
          `${environment}: setting the database roles failed (${service}: ${latest.Status.Err || state}); the app was not changed. Its output:\n${tail(logs || "(no output)")}`,
          1,
        );
      }
    }
    if (Date.now() > deadline)
      throw new CommandFailed(
        `${environment}: the database roles one-shot ${service} did not complete within ${timeoutS} s`,
        1,
      );
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function reportTasks(failures: readonly TaskFailure[]): string {
  if (failures.length === 0) return "";
  // the newest failure of each slot says the most
  const bySlot = new Map<string, TaskFailure>();
  for (const f of failures) bySlot.set(f.slot, f);
  return [...bySlot.values()]
    .slice(-3)
    .map(
      (f) =>
        `\n  task ${f.slot} (${f.task.slice(0, 12)}) on ${f.node}: ${f.state}: ${f.error}${f.exitCode ? ` (exit code ${f.exitCode})` : ""}\n${f.logs.trim() ? `  its output (last 40 lines):\n${tail(f.logs)}` : "  it printed nothing"}`,
    )
    .join("");
}

function appUrlOf(root: string, environment: string): string {
  try {
    const config = JSON.parse(
      fs.readFileSync(path.join(stackDir(root, environment, appStack(environment)), "cdk.tf.json"), "utf8"),
    );
    return String(config.output?.app_url?.value ?? "the app's URL");
  } catch {
    return "the app's URL";
  }
}

/** Says which step failed and why: the tasks' errors and output for a service, else as on the engine. */
function report(
  failures: readonly Failure[],
  tasks: readonly TaskFailure[],
  dir: string,
  url: string,
  stoppedBy: string | undefined,
  /** A release was serving before this deploy (else there is none to keep serving). */
  serving: boolean,
): void {
  const keeps = serving ? `The previous release keeps serving ${url}.` : "No release was serving yet.";
  for (const failure of failures) {
    line();
    if (/\/(Service|Roles)$/.test(failure.constructPath)) {
      const r = diagnose({ ...failure, messages: [] }, undefined, url);
      const said = failure.messages.join("\n").trim();
      line(red(bold(`✗ ${failure.stack}: ${r.step} failed`)));
      const rolledBack = /rollback completed/.test(said);
      line(
        `  ${stoppedBy ?? (rolledBack ? "new tasks failed, and the swarm rolled the service back to the previous release by itself" : said.split("\n")[0] || "the service did not converge")}`,
      );
      if (said && !stoppedBy) line(dim(`  Terraform said: ${said.split("\n").slice(0, 3).join(" ")}`));
      const text = reportTasks(tasks);
      if (text) line(text.replace(/^\n/, ""));
      else
        line(
          "  no task failed; it did not become ready in time (APP_HEALTH_TIMEOUT, or the node's resources)",
        );
      line();
      line(
        `  ${failure.constructPath.startsWith("App/") ? `${keeps} ` : ""}Fix the cause above and deploy again.`,
      );
      continue;
    }
    const r = diagnose(failure, `${dir}/build.log`, url);
    line(red(bold(`✗ ${failure.stack}: ${r.step} failed`)));
    line(`  ${r.cause}`);
    for (const d of r.details) line(`  ${d.replace(/\n/g, "\n  ")}`);
    // the one-shot's output says why it failed; when it did not (it exited 0), Terraform does
    const said = failure.messages.join("\n").trim();
    if (said && !/Django migrations failed/.test(said)) line(`  Terraform said:\n${tail(said, 15)}`);
    line();
    line(`  ${r.next}`);
  }
}

// --- commands --------------------------------------------------------------------------------------

const APPLIED = ".django-cdktf-applied";

/** Whether the app service exists with a running task. */
function serving(service: string): boolean {
  try {
    return /^[1-9]/.test(
      execDocker(["service", "ls", "--filter", `name=${service}`, "--format", "{{.Replicas}}"]),
    );
  } catch {
    return false;
  }
}

/** The environment's stack is what this machine applied last, and its services run every task. */
function infraUnchanged(dir: string, names: SwarmNames, proxied: boolean): boolean {
  const marker = path.join(dir, APPLIED);
  if (!fs.existsSync(marker)) return false;
  const digest = createHash("sha256")
    .update(fs.readFileSync(path.join(dir, "cdk.tf.json")))
    .digest("hex");
  if (fs.readFileSync(marker, "utf8") !== digest) return false;
  const services = [names.db, ...(proxied ? [names.proxy] : [])];
  const rows = execDockerOk(["service", "ls"])
    ? execDocker(["service", "ls", "--format", "{{.Name}} {{.Replicas}}"]).split("\n")
    : [];
  return services.every((s) => {
    const m = /^(\d+)\/(\d+)/.exec(rows.find((r) => r.split(" ")[0] === s)?.split(" ")[1] ?? "");
    return m !== null && m[1] === m[2] && m[2] !== "0";
  });
}

/** Plans (or, approved, plans and applies in one run) one stack, asking first when not approved. */
async function planStack(ctx: Context, environment: string, stack: string): Promise<Plan | undefined> {
  if (ctx.options.autoApprove) return directPlan(ctx, environment, stack);
  const p = await plan(ctx, environment, stack);
  line(`  ${p.stack}: ${p.changes ? p.summary : dim("no changes")}`);
  if (!p.changes) return undefined;
  line(p.text);
  if (!(await confirm(`Apply these changes to ${stack}?`))) throw new CommandFailed("not applied", 1);
  return p;
}

export async function deploySwarm(ctx: Context, environment: string): Promise<void> {
  if (ctx.options.savedPlans)
    throw new CommandFailed(
      `--saved-plans is not supported with DEPLOY_TARGET=swarm yet: the plan reads the Swarm secrets' ids, which the deploy writes; deploy without it`,
      2,
    );
  const release = acquire(`${ctx.root}/cdktf.out`, environment, "deploy");
  try {
    const config = configOrFail(ctx, environment);
    const names = swarmNames(config);
    line(bold(`${environment}: deploy on the swarm (${config.swarm!.replicas} app task(s))`));
    checkSwarm(environment);
    refuseEngineObjects(environment);
    await synthesize(ctx, environment, true);
    const node = ensureDatabaseNode(environment, config.swarm!.databaseLabel);
    const infraDir = stackDir(ctx.root, environment, environment);
    const appDir = stackDir(ctx.root, environment, appStack(environment));
    const keep = ensureSecrets(environment, [infraDir, appDir]);
    const url = appUrlOf(ctx.root, environment);
    let changed = false;

    const infraServices = [names.db, names.roles, ...(config.proxy.enabled ? [names.proxy] : [])];
    if (infraUnchanged(infraDir, names, config.proxy.enabled)) {
      line(dim(`  ${environment}: unchanged since this machine last applied it, and its services run`));
    } else {
      const p = await planStack(ctx, environment, environment);
      if (ctx.interrupted()) throw new CommandFailed("interrupted before applying", 130);
      if (p) {
        forgetApplied(infraDir);
        const { outcome, watcher } = await watchedApply(ctx, p, infraServices);
        if (!outcome.ok) {
          if (!ctx.interrupted())
            report(outcome.failures, watcher.failures, p.dir, url, watcher.stopped, serving(names.web));
          await recover(ctx, p.dir, p.stack, outcome.startedAt);
          await removeUnrecorded(ctx, p.dir, watcher);
          if (ctx.interrupted()) throw new CommandFailed("interrupted", 130);
          throw new CommandFailed(`${environment}: deploy failed`, 1);
        }
        const c = outcome.counts;
        if (c) {
          changed ||= c.add + c.change + c.remove > 0;
          line(
            `  ${environment}: ${c.add + c.change + c.remove === 0 ? dim("no changes") : `${c.add} added, ${c.change} changed, ${c.remove} destroyed`}`,
          );
        }
      }
      await waitConverged(environment, [names.db, ...(config.proxy.enabled ? [names.proxy] : [])], 180);
      await waitRoles(environment, names.roles);
      markApplied(infraDir);
      line(dim(`  ${environment}: PostgreSQL runs on ${node}; the database roles are set`));
    }

    const p = await planStack(ctx, environment, appStack(environment));
    if (ctx.interrupted()) throw new CommandFailed("interrupted before applying", 130);
    if (p) {
      const wasServing = serving(names.web);
      const { outcome, watcher } = await watchedApply(ctx, p, [names.web]);
      if (!outcome.ok) {
        if (!ctx.interrupted())
          report(outcome.failures, watcher.failures, p.dir, url, watcher.stopped, wasServing);
        await recover(ctx, p.dir, p.stack, outcome.startedAt);
        await removeUnrecorded(ctx, p.dir, watcher);
        if (ctx.interrupted()) {
          line(yellow(`${environment}: interrupted; the previous release keeps serving ${url}`));
          throw new CommandFailed("interrupted", 130);
        }
        throw new CommandFailed(`${environment}: deploy failed`, 1);
      }
      const c = outcome.counts;
      if (c) {
        changed ||= c.add + c.change + c.remove > 0;
        line(
          `  ${p.stack}: ${c.add + c.change + c.remove === 0 ? dim("no changes") : `${c.add} added, ${c.change} changed, ${c.remove} destroyed`}`,
        );
      }
    }
    const removed = removeSecrets(environment, keep);
    if (removed > 0) line(dim(`  removed ${removed} Swarm secret(s) no service uses any more`));
    if (!changed) {
      line(green(`${environment}: nothing to do; ${url}`));
      return;
    }
    await recordAndPrune(ctx, environment);
    line(green(bold(`${environment}: deployed on the swarm; ${url}`)));
  } finally {
    release();
  }
}

export async function diffSwarm(ctx: Context, environment: string): Promise<void> {
  const release = acquire(`${ctx.root}/cdktf.out`, environment, "diff");
  try {
    line(bold(`${environment}: diff (swarm)`));
    checkSwarm(environment);
    await synthesize(ctx, environment);
    // Terraform reads the secrets' ids when it plans: a secret of a new value is created now (unused until deployed)
    ensureSecrets(environment, [
      stackDir(ctx.root, environment, environment),
      stackDir(ctx.root, environment, appStack(environment)),
    ]);
    const names = swarmNames(configOrFail(ctx, environment));
    for (const stack of [environment, appStack(environment)]) {
      if (stack !== environment && !execDockerOk(["network", "inspect", names.backend])) {
        line(dim(`  ${stack}: planned once ${environment} is deployed (its networks do not exist yet)`));
        continue;
      }
      const p = await plan(ctx, environment, stack);
      process.stdout.write(p.text);
    }
  } finally {
    release();
  }
}

/** Removes a volume once no container uses it any more (a removed service's tasks go a little later). */
async function removeVolume(volume: string, timeoutS = 30): Promise<boolean> {
  const deadline = Date.now() + timeoutS * 1000;
  while (execDockerOk(["volume", "inspect", volume])) {
    if (execDockerOk(["volume", "rm", volume])) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return false;
}

export async function destroySwarm(ctx: Context, environment: string): Promise<void> {
  const release = acquire(`${ctx.root}/cdktf.out`, environment, "destroy");
  try {
    const config = configOrFail(ctx, environment);
    const names = swarmNames(config);
    line(bold(`${environment}: destroy (swarm)`));
    checkSwarm(environment);
    await synthesize(ctx, environment);
    const infraDir = stackDir(ctx.root, environment, environment);
    const appDir = stackDir(ctx.root, environment, appStack(environment));
    // the plan reads the secrets' ids: they must exist until the services are gone
    ensureSecrets(environment, [infraDir, appDir]);
    const plans = await destroyPlans(ctx, environment);
    const history = releaseHistoryOf(ctx, environment);
    for (const p of plans) {
      if (!p.changes) continue;
      const { outcome } = await watchedApply(ctx, p, [], true);
      if (!outcome.ok) {
        for (const f of outcome.failures)
          line(red(`✗ ${f.stack}: ${f.constructPath}: ${f.messages.join("\n")}`));
        throw new CommandFailed(`${environment}: destroy failed`, ctx.interrupted() ? 130 : 1);
      }
    }
    forgetApplied(infraDir);
    const removed = removeSecrets(environment, []);
    if (removed > 0) line(dim(`  removed ${removed} Swarm secret(s)`));
    fs.rmSync(path.join(path.dirname(path.dirname(infraDir)), "swarm-secrets"), {
      recursive: true,
      force: true,
    });
    if (history) removeReleaseImages(history);
    // volumes the services made on this node, that hold nothing to keep
    for (const v of [names.socketVolume, `${names.proxy}-data`]) await removeVolume(v);
    line(green(`${environment}: destroyed`));
    if (config.database.deleteDataOnDestroy) {
      if (await removeVolume(names.dataVolume, 60))
        line(yellow(`  deleted the data volume ${names.dataVolume} (DELETE_DATA_ON_DESTROY=true)`));
      else
        line(
          yellow(
            `  the data volume ${names.dataVolume} is not on this node; delete it on the database's node: docker volume rm ${names.dataVolume}`,
          ),
        );
    } else if (execDockerOk(["volume", "inspect", names.dataVolume])) {
      line(
        dim(
          `  kept the data volume ${names.dataVolume} (a later deploy uses it again; docker volume rm ${names.dataVolume} deletes it)`,
        ),
      );
    } else {
      line(dim(`  kept the data volume ${names.dataVolume} on the database's node`));
    }
  } finally {
    release();
  }
}

/** Deploys the image of the release that served before the current one, kept on the host: no build. */
export async function rollbackSwarm(ctx: Context, environment: string): Promise<void> {
  await synthesize(ctx, environment);
  const out = await outputs(ctx, environment, appStack(environment));
  // what the service runs: the outputs may name the image of a deploy that failed since
  const names = swarmNames(configOrFail(ctx, environment));
  let running: string | undefined;
  try {
    running = execDocker([
      "service",
      "inspect",
      "--format",
      "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
      names.web,
    ]);
  } catch {
    running = undefined;
  }
  const current = running || out.image;
  const repo = out.release_history;
  if (!current || !repo) throw new CommandFailed(`${environment} has no release yet; deploy it first`, 1);
  const currentId = execDocker(["image", "inspect", "-f", "{{.Id}}", current]);
  const previous = releaseHistory(repo).find((h) => !currentId.includes(h.id));
  if (!previous)
    throw new CommandFailed(
      `${environment}: no earlier release is kept on the host (${repo}:served-*); deploy an earlier commit instead`,
      1,
    );
  const target = `${repo}:${previous.tag}`;
  line(bold(`${environment}: rolling back to ${target} (from ${current})`));
  const variable = `APP_IMAGE__${environment.toUpperCase().replace(/-/g, "_")}`;
  await deploySwarm({ ...ctx, env: { ...ctx.env, [variable]: target } }, environment);
  line(
    dim(
      `  rolled back. The next \`npm run deploy -- ${environment}\` deploys the current code again; revert it first to stay on ${target}.`,
    ),
  );
}

export async function pgUpgradeSwarm(_ctx: Context, environment: string): Promise<void> {
  throw new CommandFailed(
    `pg-upgrade is not available with DEPLOY_TARGET=swarm: back up (npm run backup -- ${environment}), destroy, move the data volume aside on the database's node, deploy with the new POSTGRES_IMAGE, then restore the dump (npm run restore -- ${environment} <file> --yes)`,
    2,
  );
}
