/**
 * The shared entry point (stack `entry`, output folder `cdktf.out/entry`): one Caddy of the project
 * that routes each shared environment's host name to that environment's proxy.
 *
 * It routes the shared environments that are deployed: deploying one adds it, destroying one (or
 * switching it to ENTRY_POINT=own) removes it, each by reloading the entry point through its admin
 * socket. Which environments it routes now is read back from its state (the `environments`
 * output), so every machine that deploys agrees. `npm run <deploy|diff|destroy|status|output> --
 * entry` works on it alone.
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { buildConfig } from "../../config/build-config";
import { ENTRY_NAME, portsShared } from "../../config/entry-config";
import { readConfigInput } from "../../config/load-config";
import { AppConfig } from "../../config/types";
import { execDocker, execDockerOk } from "../lib/docker";
import { run } from "../lib/process";
import {
  Context,
  Plan,
  apply,
  confirm,
  directPlan,
  forgetApplied,
  infraUnchanged,
  markApplied,
  outputs,
  plan,
  recover,
} from "./commands";
import { inspectContainer } from "./diagnose";
import { CommandFailed } from "./errors";
import { LockHeld, acquire } from "./lock";
import { environmentOutdir, stackDir, synthInputsDigest } from "./synth";
import { bold, dim, green, line, red, yellow } from "./ui";

/** The entry point's stack id, output folder (`cdktf.out/entry`) and lock. */
export const ENTRY = ENTRY_NAME;

const APPLIED = ".django-cdktf-applied";
const SYNTH_MARKER = ".synth-inputs";

/** The settings as synth reads them; a configuration error is synth's to report (exit 2). */
function settings(ctx: Context): AppConfig {
  const { input, fileErrors } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, { only: [], entry: true });
  if (!built.ok || fileErrors.length > 0)
    throw new CommandFailed([...fileErrors, ...(built.ok ? [] : built.errors)].join("\n"), 2);
  return built.config;
}

/** The settings as the environment's own synth judged them (it reported any problem already). */
function quietSettings(ctx: Context, environment: string): AppConfig | undefined {
  const { input } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, { only: [environment] });
  return built.ok ? built.config : undefined;
}

function dir(ctx: Context): string {
  return stackDir(ctx.root, ENTRY, ENTRY);
}

function containerOf(config: AppConfig): string {
  return `${config.entry.projectName}-${ENTRY}`;
}

/** Waits for the entry point's lock: deploys of two environments may both want to reload it. */
async function lockEntry(ctx: Context, command: string): Promise<() => void> {
  const deadline = Date.now() + 15 * 60_000;
  let told = false;
  for (;;) {
    try {
      return acquire(path.join(ctx.root, "cdktf.out"), ENTRY, command);
    } catch (e) {
      if (!(e instanceof LockHeld) || Date.now() > deadline || ctx.interrupted()) throw e;
      if (!told) line(dim(`  waiting for the shared entry point: ${e.message}`));
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Synthesizes the entry point's stack routing `routed`, unless its inputs are those of the last synth. */
async function synthEntry(ctx: Context, config: AppConfig, routed: readonly string[]): Promise<void> {
  const outdir = environmentOutdir(ctx.root, ENTRY);
  const marker = path.join(outdir, SYNTH_MARKER);
  const digest = () =>
    createHash("sha256")
      .update(synthInputsDigest(ctx.root, ctx.env, config.secretsDir, []))
      .update(`\0routed=${routed.join(",")}`)
      .digest("hex");
  if (
    fs.existsSync(marker) &&
    fs.readFileSync(marker, "utf8") === digest() &&
    fs.existsSync(path.join(dir(ctx), "cdk.tf.json"))
  )
    return;
  fs.mkdirSync(outdir, { recursive: true });
  const result = await run(process.execPath, ["--require", "sucrase/register/ts", "main.ts"], {
    cwd: ctx.root,
    env: { ...ctx.env, CHECKPOINT_DISABLE: "1", SYNTH_ENTRY: routed.join(","), CDKTF_OUTDIR: outdir },
  });
  if (result.code !== 0) {
    const text = result.output.trim();
    throw new CommandFailed(
      text || "synth of the shared entry point failed",
      /configuration error/.test(text) ? 2 : 1,
    );
  }
  fs.writeFileSync(marker, digest());
}

/**
 * The environments the deployed entry point routes (undefined: it is not deployed): from the
 * configuration this machine applied last when that is still current, else from its state.
 */
async function routedNow(ctx: Context, config: AppConfig): Promise<string[] | undefined> {
  const file = path.join(dir(ctx), "cdk.tf.json");
  const applied = path.join(dir(ctx), APPLIED);
  if (fs.existsSync(file) && fs.existsSync(applied)) {
    const text = fs.readFileSync(file);
    if (fs.readFileSync(applied, "utf8") === createHash("sha256").update(text).digest("hex")) {
      const value = JSON.parse(text.toString("utf8")).output?.environments?.value;
      if (typeof value === "string") return value.split(",").filter((e) => e !== "");
    }
  }
  if (!fs.existsSync(file)) await synthEntry(ctx, config, []);
  const out = await outputs(ctx, ENTRY, ENTRY);
  if (out.environments === undefined) return undefined;
  return out.environments.split(",").filter((e) => e !== "");
}

interface Change {
  /** An environment being deployed with ENTRY_POINT=shared: routed from now on. */
  readonly add?: string;
  /** An environment being destroyed: no longer routed. */
  readonly remove?: string;
}

/** What the entry point should route after the change: shared environments, in ENVIRONMENTS order. */
export function target(config: AppConfig, now: readonly string[], change: Change): string[] {
  return config.entry.sites
    .map((s) => s.environment)
    .filter((e) => (now.includes(e) || e === change.add) && e !== change.remove);
}

/** Plans and applies the entry point's stack as synthesized; true when it was applied or current. */
async function applyEntry(ctx: Context, why: string): Promise<void> {
  const d = dir(ctx);
  if (infraUnchanged(d, ENTRY)) {
    line(dim(`  ${ENTRY}: the shared entry point is unchanged since this machine last applied it, and runs`));
    return;
  }
  let p: Plan;
  if (ctx.options.autoApprove) p = await directPlan(ctx, ENTRY, ENTRY);
  else {
    p = await plan(ctx, ENTRY, ENTRY);
    line(`  ${ENTRY}: ${p.changes ? p.summary : dim("no changes")} ${dim(`(${why})`)}`);
    if (!p.changes) {
      markApplied(d);
      return;
    }
    line(p.text);
    if (!(await confirm(`Apply these changes to the shared entry point (${why})?`)))
      throw new CommandFailed("not applied", 1);
  }
  if (ctx.interrupted()) throw new CommandFailed("interrupted before applying", 130);
  forgetApplied(d);
  line(dim(`  ${ENTRY}: ${why}`));
  const outcome = await apply(ctx, p);
  if (!outcome.ok) {
    for (const f of outcome.failures) line(red(`✗ ${ENTRY}: ${f.constructPath}: ${f.messages.join("\n")}`));
    await recover(ctx, d, ENTRY, outcome.startedAt);
    if (ctx.interrupted()) throw new CommandFailed("interrupted", 130);
    throw new CommandFailed(
      `the shared entry point could not be updated (${why}); the environments it serves keep their previous routes`,
      1,
    );
  }
  const c = outcome.counts;
  if (c) line(`  ${ENTRY}: ${c.add} added, ${c.change} changed, ${c.remove} destroyed`);
  markApplied(d);
}

/**
 * Brings the entry point in line before an environment's stacks are deployed (`add`) or after they
 * were destroyed (`remove`). Does nothing, fast, where no entry point is used or deployed.
 */
export async function syncEntry(ctx: Context, environment: string, change: Change): Promise<void> {
  const config = quietSettings(ctx, environment);
  if (!config) return;
  const shared = config.entry.sites.some((s) => s.environment === environment);
  const container = containerOf(config);
  // the common case: an environment with its own ports, and no entry point on its Docker host
  if (!shared && !execDockerOk(["inspect", "--type", "container", container])) return;
  const release = await lockEntry(ctx, `sync for ${environment}`);
  try {
    const now = await routedNow(ctx, config);
    const wanted = target(config, now ?? [], shared ? change : { remove: environment });
    if (now === undefined && wanted.length === 0) return;
    const stack = config.stacks.find((s) => s.environment === environment);
    const clash = stack ? portsShared(config.entry, stack) : [];
    if (wanted.length === 0 && clash.length > 0 && !change.remove) {
      // config checks catch this while other environments use the entry point; here none does
      throw new CommandFailed(
        `${environment} would publish ${clash.map((c) => `${c.setting} ${c.port}`).join(" and ")}, which the shared entry point holds (${clash.map((c) => c.entrySetting).join(", ")}), and it would serve no environment any more: remove it first (\`npm run destroy -- ${ENTRY}\`; ${environment} is unreachable until its deploy), then deploy ${environment} again`,
        1,
      );
    }
    if (shared && change.add) releasePorts(config, environment);
    const why =
      change.add && shared && !(now ?? []).includes(environment)
        ? `routes ${environment} from now on`
        : !wanted.includes(environment) && (now ?? []).includes(environment)
          ? `no longer routes ${environment}`
          : `serves ${wanted.join(", ") || "no environment"}`;
    await synthEntry(ctx, config, wanted);
    await applyEntry(ctx, why);
    if (wanted.length === 0)
      line(
        yellow(
          `  the shared entry point ${container} serves no environment now; \`npm run destroy -- ${ENTRY}\` removes it`,
        ),
      );
  } finally {
    release();
  }
}

/** `npm run diff -- <env>` of a shared environment: what its deploy would do to the entry point. */
export async function diffEntryFor(ctx: Context, environment: string): Promise<void> {
  const config = quietSettings(ctx, environment);
  if (!config || !config.entry.sites.some((s) => s.environment === environment)) return;
  await diffEntry(ctx, { add: environment });
}

async function diffEntry(ctx: Context, change: Change = {}): Promise<void> {
  const config = settings(ctx);
  const release = await lockEntry(ctx, "diff");
  try {
    const now = (await routedNow(ctx, config)) ?? [];
    await synthEntry(ctx, config, target(config, now, change));
    const p = await plan(ctx, ENTRY, ENTRY);
    process.stdout.write(p.text);
  } finally {
    release();
  }
}

/**
 * An environment that moves behind the entry point on the ports its own proxy published (80 and
 * 443, typically): its proxy is replaced by its deploy anyway, so it goes first, or the entry
 * point could not take the ports. A one-time interruption of that environment.
 */
function releasePorts(config: AppConfig, environment: string): void {
  const proxy = `${config.entry.projectName}-${environment}-proxy`;
  let bindings: Record<string, { HostIp: string; HostPort: string }[] | null>;
  try {
    bindings = JSON.parse(execDocker(["inspect", "-f", "{{json .NetworkSettings.Ports}}", proxy])) ?? {};
  } catch {
    return;
  }
  const everywhere = ["0.0.0.0", "::", ""];
  const e = config.entry;
  const taken = Object.values(bindings)
    .flatMap((b) => b ?? [])
    .some(
      (b) =>
        [String(e.httpPort), String(e.httpsPort)].includes(b.HostPort) &&
        (b.HostIp === e.bindAddress || everywhere.includes(b.HostIp) || everywhere.includes(e.bindAddress)),
    );
  if (!taken) return;
  line(
    yellow(
      `  ${environment}: its own proxy ${proxy} holds the shared entry point's ports; it is removed now (its deploy replaces it behind the entry point)`,
    ),
  );
  execDockerOk(["rm", "-f", proxy]);
}

/** Containers on the entry point's network besides itself: environments it still serves. */
function attached(config: AppConfig): string[] {
  const container = containerOf(config);
  try {
    const names = execDocker([
      "network",
      "inspect",
      "-f",
      "{{range .Containers}}{{.Name}} {{end}}",
      container,
    ]);
    return names.split(/\s+/).filter((n) => n !== "" && n !== container);
  } catch {
    return [];
  }
}

async function deployEntry(ctx: Context): Promise<void> {
  const config = settings(ctx);
  line(bold(`${ENTRY}: deploy (the shared entry point)`));
  const release = await lockEntry(ctx, "deploy");
  try {
    const now = (await routedNow(ctx, config)) ?? [];
    const wanted = target(config, now, {});
    await synthEntry(ctx, config, wanted);
    await applyEntry(ctx, `serves ${wanted.join(", ") || "no environment"}`);
    line(green(bold(`${ENTRY}: deployed; ${await urls(ctx)}`)));
  } finally {
    release();
  }
}

async function destroyEntry(ctx: Context): Promise<void> {
  const config = settings(ctx);
  line(bold(`${ENTRY}: destroy (the shared entry point)`));
  // `<project>-<environment>-proxy`: the environment's own proxy
  const prefix = `${config.entry.projectName}-`;
  const environmentOf = (name: string) =>
    name.startsWith(prefix) && name.endsWith("-proxy") ? name.slice(prefix.length, -"-proxy".length) : name;
  const shared = config.entry.sites.map((s) => s.environment);
  // proxies of environments no longer shared leave at their next deploy: let them go now
  for (const name of attached(config).filter((n) => !shared.includes(environmentOf(n)))) {
    line(dim(`  ${environmentOf(name)} no longer uses the shared entry point: ${name} leaves its network`));
    execDockerOk(["network", "disconnect", "--force", containerOf(config), name]);
  }
  const users = attached(config).map(environmentOf);
  if (users.length > 0) {
    throw new CommandFailed(
      `the shared entry point still serves ${users.join(", ")} (on its network ${containerOf(config)}); destroy those environments first (\`npm run destroy -- ${users[0]}\`), or set ENTRY_POINT=own for them and deploy them`,
      1,
    );
  }
  const release = await lockEntry(ctx, "destroy");
  try {
    await synthEntry(ctx, config, (await routedNow(ctx, config)) ?? []);
    const p = await plan(ctx, ENTRY, ENTRY, true);
    line(`  ${ENTRY}: ${p.changes ? p.summary : dim("nothing to destroy")}`);
    if (!p.changes) return;
    if (!ctx.options.autoApprove) {
      line(p.text);
      if (!(await confirm("Destroy the shared entry point (its certificates go with it)?")))
        throw new CommandFailed("not destroyed", 1);
    }
    forgetApplied(dir(ctx));
    const outcome = await apply(ctx, p, true);
    if (!outcome.ok) {
      for (const f of outcome.failures) line(red(`✗ ${ENTRY}: ${f.constructPath}: ${f.messages.join("\n")}`));
      throw new CommandFailed(`${ENTRY}: destroy failed`, ctx.interrupted() ? 130 : 1);
    }
    line(green(`${ENTRY}: destroyed`));
  } finally {
    release();
  }
}

async function urls(ctx: Context): Promise<string> {
  const out = await outputs(ctx, ENTRY, ENTRY);
  return out.urls || "no environment routed yet";
}

function describe(name: string): string {
  const s = inspectContainer(name);
  if (!s) return `  ${"entry".padEnd(9)} ${name}  ${yellow("not deployed")}`;
  const health = s.health
    ? `, ${s.health.status === "healthy" ? green("healthy") : yellow(s.health.status)}`
    : "";
  return `  ${"entry".padEnd(9)} ${name}  ${s.status === "running" ? green("running") : yellow(s.status)}${health}`;
}

/** The status line of the entry point, for `npm run status -- <env>` of a shared environment. */
export function entryStatusLine(ctx: Context, environment: string): string | undefined {
  const config = quietSettings(ctx, environment);
  const site = config?.entry.sites.find((s) => s.environment === environment);
  if (!config || !site) return undefined;
  const e = config.entry;
  return `${describe(containerOf(config))}  ${dim(`(shared: ${site.domain} on ${e.bindAddress}:${e.httpPort}/${e.httpsPort})`)}`;
}

async function statusEntry(ctx: Context): Promise<void> {
  const config = settings(ctx);
  const e = config.entry;
  const deployed = execDockerOk(["inspect", "--type", "container", containerOf(config)]);
  const routed = deployed ? ((await routedNow(ctx, config)) ?? []) : [];
  line(bold(`${ENTRY}  ${e.bindAddress}:${e.httpPort} (HTTP), ${e.bindAddress}:${e.httpsPort} (HTTPS)`));
  line(describe(containerOf(config)));
  for (const s of e.sites) {
    const proxy = `${s.namePrefix}-proxy`;
    const state = !routed.includes(s.environment)
      ? yellow("not routed (deploy it)")
      : inspectContainer(proxy)?.status === "running"
        ? green("routed")
        : yellow(`routed, but ${proxy} is not running`);
    line(
      `  ${s.environment.padEnd(9)} https://${s.domain}${e.httpsPort === 443 ? "" : `:${e.httpsPort}`}/  ${state}`,
    );
  }
  if (e.sites.length === 0) line(dim("  no environment has ENTRY_POINT=shared"));
}

async function outputEntry(ctx: Context): Promise<void> {
  settings(ctx);
  const out = await outputs(ctx, ENTRY, ENTRY);
  if (Object.keys(out).length === 0) {
    line(`${ENTRY}: nothing deployed yet (\`npm run deploy -- ${ENTRY}\`)`);
    return;
  }
  line(bold(ENTRY));
  for (const [k, v] of Object.entries(out)) process.stdout.write(`${k} = ${v}\n`);
}

/** The commands that take `entry` in place of an environment. */
export const ENTRY_COMMANDS = {
  deploy: deployEntry,
  diff: (ctx: Context) => diffEntry(ctx),
  destroy: destroyEntry,
  status: statusEntry,
  output: outputEntry,
} as const;
