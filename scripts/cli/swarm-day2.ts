/**
 * Day-2 commands for an environment with DEPLOY_TARGET=swarm: the same commands and options as on
 * the engine (day2.ts), over services and tasks. `backup` and `restore` run in the database's task,
 * so they need the engine of the node it runs on (DOCKER_HOST pointing at that node, when it is not
 * this one); `manage` runs a one-shot beside Terraform on the attachable backend network.
 */
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildConfig } from "../../config/build-config";
import { readConfigInput } from "../../config/load-config";
import { StackConfig } from "../../config/types";
import { execDocker, execDockerOk } from "../lib/docker";
import { Context } from "./commands";
import { containersOf } from "./diagnose";
import { CommandFailed } from "./errors";
import { acquire } from "./lock";
import { SwarmNames, swarmConfig, swarmNames } from "./swarm";
import { bold, dim, green, interactive, line, yellow } from "./ui";

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

/** Runs docker with the terminal attached; resolves with its exit code. */
function attached(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("docker", args, { stdio: "inherit" });
    child.on("close", (code) => resolve(code ?? 1));
  });
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
  const inspect = JSON.parse(execDocker(["inspect", migrate]))[0];
  const env = (inspect.Config.Env as string[]).filter((e) => !/^(PATH|HOME|HOSTNAME)=/.test(e));
  const args = [
    "run",
    "--rm",
    "-i",
    ...(interactive() ? ["-t"] : []),
    "--name",
    `${names.prefix}-manage-${Date.now()}`,
    "--network",
    names.backend,
    "--user",
    inspect.Config.User,
    "--read-only",
    "--tmpfs",
    "/tmp:rw,nosuid,nodev,noexec,size=64m",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges:true",
    ...(inspect.Mounts as { Type: string; Name?: string; Destination: string; RW: boolean }[])
      .filter((m) => m.Type === "volume" && m.Name)
      .flatMap((m) => ["-v", `${m.Name}:${m.Destination}${m.RW ? "" : ":ro"}`]),
    ...env.flatMap((e) => ["-e", e]),
    inspect.Config.Image,
    "manage",
    ...ctx.rest,
  ];
  const code = await attached(args);
  if (code !== 0) throw new CommandFailed(`manage.py ${ctx.rest.join(" ")} exited ${code}`, 1);
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

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

export async function backupSwarm(ctx: Context, environment: string): Promise<string> {
  const { config, names } = configOf(ctx, environment);
  const container = databaseContainer(environment, names);
  const backups = backupSettings(ctx);
  const dir = path.resolve(ctx.root, backups.dir, environment);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  const file = path.join(dir, `${environment}-${stamp}.dump`);
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, "w", 0o600);
  const dump = spawnSync(
    "docker",
    [
      "exec",
      container,
      "pg_dump",
      "--format=custom",
      "-U",
      config.database.username,
      "-d",
      config.database.name,
    ],
    { stdio: ["ignore", fd, "pipe"], maxBuffer: 64 * 1024 * 1024 },
  );
  fs.closeSync(fd);
  if (dump.status !== 0) {
    fs.rmSync(partial, { force: true });
    throw new CommandFailed(`pg_dump failed: ${dump.stderr.toString().trim()}`, 1);
  }
  fs.renameSync(partial, file);
  const sum = sha256(file);
  fs.writeFileSync(`${file}.sha256`, `${sum}  ${path.basename(file)}\n`, { mode: 0o600 });
  line(
    green(
      `${environment}: backed up to ${path.relative(ctx.root, file)} (${fs.statSync(file).size} bytes, sha256 ${sum.slice(0, 12)}…)`,
    ),
  );
  const copyTo = ctx.options.to ?? backups.copyTo;
  if (copyTo) {
    const target = path.resolve(ctx.root, copyTo, environment);
    fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    for (const f of [file, `${file}.sha256`]) fs.copyFileSync(f, path.join(target, path.basename(f)));
    if (sha256(path.join(target, path.basename(file))) !== sum)
      throw new CommandFailed(`the copy in ${target} does not match its checksum`, 1);
    line(dim(`  copied to ${target}`));
  }
  const dumps = fs
    .readdirSync(dir)
    .filter((n) => /\.dump$/.test(n))
    .sort()
    .reverse();
  for (const old of dumps.slice(backups.kept)) {
    fs.rmSync(path.join(dir, old), { force: true });
    fs.rmSync(path.join(dir, `${old}.sha256`), { force: true });
  }
  return file;
}

export async function restoreSwarm(ctx: Context, environment: string): Promise<void> {
  const { config, names } = configOf(ctx, environment);
  const file = path.resolve(process.cwd(), ctx.rest[0]);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    throw new CommandFailed(`no dump file at ${file}`, 2);
  const sumFile = `${file}.sha256`;
  if (fs.existsSync(sumFile)) {
    if (sha256(file) !== fs.readFileSync(sumFile, "utf8").split(/\s+/)[0])
      throw new CommandFailed(
        `${file} does not match its checksum in ${path.basename(sumFile)}; it is damaged or not the file that was backed up`,
        1,
      );
  } else {
    line(yellow(`  no ${path.basename(sumFile)} beside the dump: its integrity cannot be checked`));
  }
  if (!ctx.options.autoApprove)
    throw new CommandFailed(
      `restore replaces the data of ${environment} with ${path.basename(file)}; add --yes to do it`,
      2,
    );
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
    const fd = fs.openSync(file, "r");
    const run = spawnSync(
      "docker",
      [
        "exec",
        "-i",
        container,
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "-U",
        config.database.username,
        "-d",
        config.database.name,
      ],
      { stdio: [fd, "pipe", "pipe"] },
    );
    fs.closeSync(fd);
    if (run.status !== 0) throw new CommandFailed(`pg_restore failed: ${run.stderr.toString().trim()}`, 1);
  } finally {
    // back to the deployed count: the same spec, so the next plan stays empty
    execDocker(["service", "scale", `${names.web}=${replicas}`]);
    line(dim(`  started the app again (${replicas} task(s))`));
    release();
  }
  line(green(`${environment}: restored; ${config.app.url}`));
}
