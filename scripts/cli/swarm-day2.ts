/**
 * Day-2 commands for an environment with DEPLOY_TARGET=swarm: the same commands and options as on
 * the engine (day2.ts), over services and tasks. `backup` and `restore` run in the database's task,
 * so they need the engine of the node it runs on (DOCKER_HOST pointing at that node, when it is not
 * this one); `manage` runs a one-shot beside Terraform on the attachable backend network.
 */
import * as path from "path";
import { buildConfig } from "../../config/build-config";
import { readConfigInput } from "../../config/load-config";
import { StackConfig } from "../../config/types";
import { execDocker, execDockerOk } from "../lib/docker";
import { Context } from "./commands";
import { attached, dumpDatabase, dumpToRestore, manageLike, pgRestore } from "./day2";
import { containersOf } from "./diagnose";
import { CommandFailed } from "./errors";
import { acquire } from "./lock";
import { SwarmNames, swarmConfig, swarmNames } from "./swarm";
import { bold, dim, green, line, yellow } from "./ui";

function configOf(ctx: Context, environment: string): { config: StackConfig; names: SwarmNames } {
  const config = swarmConfig(ctx, environment);
  if (!config)
    throw new CommandFailed(
      `${environment}: its settings do not validate; run npm run synth -- ${environment}`,
      2,
    );
  return { config, names: swarmNames(config) };
}

interface ServiceRow {
  readonly replicas: string;
  readonly mode: string;
  readonly image: string;
}

function service(name: string): ServiceRow | undefined {
  try {
    const row = execDocker([
      "service",
      "ls",
      "--filter",
      `name=${name}`,
      "--format",
      "{{.Name}}\t{{.Mode}}\t{{.Replicas}}\t{{.Image}}",
    ])
      .split("\n")
      .map((r) => r.split("\t"))
      .find((r) => r[0] === name);
    return row ? { mode: row[1], replicas: row[2], image: row[3] } : undefined;
  } catch {
    return undefined;
  }
}

function runningTasks(name: string): string[] {
  try {
    return execDocker([
      "service",
      "ps",
      name,
      "--filter",
      "desired-state=running",
      "--format",
      "{{.Name}} on {{.Node}}: {{.CurrentState}}{{if .Error}} ({{.Error}}){{end}}",
    ])
      .split("\n")
      .filter((r) => r !== "");
  } catch {
    return [];
  }
}

function describe(role: string, name: string): string[] {
  const s = service(name);
  if (!s) return [`  ${role.padEnd(9)} ${yellow("not deployed")} (${name})`];
  const m = /^(\d+)\/(\d+)/.exec(s.replicas);
  const healthy = m !== null && m[1] === m[2] && m[2] !== "0";
  const state = healthy ? green(`${s.replicas} running`) : yellow(`${s.replicas} running`);
  return [
    `  ${role.padEnd(9)} ${name}  ${state}  ${dim(s.mode)}`,
    ...runningTasks(name).map((t) => dim(`            ${t}`)),
  ];
}

export async function statusSwarm(ctx: Context, environment: string): Promise<void> {
  const { config, names } = configOf(ctx, environment);
  line(bold(`${environment}  ${config.app.url}  ${dim("(Docker Swarm)")}`));
  try {
    const labels = JSON.parse(
      execDocker(["service", "inspect", "--format", "{{json .Spec.Labels}}", names.web]),
    );
    const image = execDocker([
      "service",
      "inspect",
      "--format",
      "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
      names.web,
    ]);
    line(`  release   ${labels["django-cdktf.release"] ?? "?"}  image ${image}`);
    const update = execDocker([
      "service",
      "inspect",
      "--format",
      "{{if .UpdateStatus}}{{.UpdateStatus.State}}: {{.UpdateStatus.Message}}{{end}}",
      names.web,
    ]);
    if (update) line(`  last update  ${/rollback/.test(update) ? yellow(update) : update}`);
  } catch {
    // not deployed: the lines below say so
  }
  for (const l of describe("web", names.web)) line(l);
  for (const l of describe("database", names.db)) line(l);
  if (config.proxy.enabled) for (const l of describe("proxy", names.proxy)) line(l);
  const roles = execDockerOk(["service", "inspect", names.roles])
    ? execDocker([
        "service",
        "ps",
        names.roles,
        "--format",
        "{{.CurrentState}}{{if .Error}} ({{.Error}}){{end}}",
      ]).split("\n")[0]
    : "not deployed";
  line(`  roles     ${names.roles}  ${dim(`last run: ${roles}`)}`);
  line(`  data      volume ${names.dataVolume} on the node labelled ${config.swarm!.databaseLabel}=true`);
}

export async function logsSwarm(ctx: Context, environment: string): Promise<void> {
  const { names } = configOf(ctx, environment);
  const o = ctx.options;
  const name = o.service === "web" ? names.web : o.service === "db" ? names.db : names.proxy;
  if (!execDockerOk(["service", "inspect", name]))
    throw new CommandFailed(`${environment}: no service ${name}; \`npm run status -- ${environment}\``, 1);
  const args = ["service", "logs", "--timestamps"];
  if (o.follow) args.push("--follow");
  if (o.since) args.push("--since", o.since);
  args.push("--tail", String(o.tail ?? (o.since ? "all" : 100)));
  const code = await attached([...args, name]);
  if (code !== 0 && !ctx.interrupted()) throw new CommandFailed(`docker service logs exited ${code}`, 1);
}

export async function manageSwarm(ctx: Context, environment: string): Promise<void> {
  const { names } = configOf(ctx, environment);
  // the running release's migration run: its image, settings (the owner's role) and secret files
  const migrate = containersOf(`${environment}-app`, "migrate")[0];
  if (!migrate)
    throw new CommandFailed(
      `${environment}: no release has run here yet (no migration one-shot); deploy first`,
      1,
    );
  await manageLike(ctx, migrate, `${names.prefix}-manage-${Date.now()}`, names.backend);
}

/** The database task's container on this engine, or a failure that names the node it runs on. */
function databaseContainer(environment: string, names: SwarmNames): string {
  const local = execDocker([
    "ps",
    "--filter",
    `label=com.docker.swarm.service.name=${names.db}`,
    "--filter",
    "status=running",
    "--format",
    "{{.Names}}",
  ])
    .split("\n")
    .filter((n) => n !== "")[0];
  if (local) return local;
  let where: string;
  try {
    where = execDocker([
      "service",
      "ps",
      names.db,
      "--filter",
      "desired-state=running",
      "--format",
      "{{.Node}}",
    ]).split("\n")[0];
  } catch {
    where = "";
  }
  throw new CommandFailed(
    where
      ? `${environment}: the database runs on the node ${where}, not on this engine; run the command with DOCKER_HOST pointing at that node (e.g. DOCKER_HOST=ssh://user@${where})`
      : `${environment}: the database is not running (\`npm run status -- ${environment}\`); deploy first`,
    1,
  );
}

function backupSettings(ctx: Context) {
  const { input } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, {});
  if (!built.ok) throw new CommandFailed(built.errors.join("\n"), 2);
  return built.config.backups;
}

export async function backupSwarm(ctx: Context, environment: string): Promise<string> {
  const { config, names } = configOf(ctx, environment);
  const container = databaseContainer(environment, names);
  const backups = backupSettings(ctx);
  return dumpDatabase(
    ctx,
    environment,
    container,
    { user: config.database.username, database: config.database.name },
    backups,
  );
}

export async function restoreSwarm(ctx: Context, environment: string): Promise<void> {
  const { config, names } = configOf(ctx, environment);
  const file = dumpToRestore(ctx, environment);
  const container = databaseContainer(environment, names);
  const replicas = execDocker([
    "service",
    "inspect",
    "--format",
    "{{.Spec.Mode.Replicated.Replicas}}",
    names.web,
  ]);
  const release = acquire(path.join(ctx.root, "cdktf.out"), environment, "restore");
  line(bold(`${environment}: restoring ${path.basename(file)}`));
  execDocker(["service", "scale", "--detach", `${names.web}=0`]);
  line(dim(`  stopped the app (${names.web} scaled to 0 from ${replicas})`));
  try {
    pgRestore(container, { user: config.database.username, database: config.database.name }, file);
  } finally {
    // back to the deployed count: the same spec, so the next plan stays empty
    execDocker(["service", "scale", `${names.web}=${replicas}`]);
    line(dim(`  started the app again (${replicas} task(s))`));
    release();
  }
  line(green(`${environment}: restored; ${config.app.url}`));
}
