/**
 * Day-2 commands: what runs, its logs, manage.py, backups and restores, a PostgreSQL major-version
 * upgrade. They work on what the environment's stacks declared (the synthesized configuration) and
 * what the Docker host runs, through the docker CLI.
 */
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { buildConfig } from "../../config/build-config";
import { readConfigInput } from "../../config/load-config";
import { AppConfig, BackupSettings } from "../../config/types";
import { execDocker, execDockerOk } from "../lib/docker";
import { folderProblem } from "../lib/folders";
import { Context, deploy } from "./commands";
import { containersOf, inspectContainer } from "./diagnose";
import { entryStatusLine } from "./entry";
import { CommandFailed } from "./errors";
import { acquire } from "./lock";
import { databaseSpec } from "./preflight";
import { namePrefixIn, stackDir, synth } from "./synth";
import { bold, dim, green, interactive, line, red, yellow } from "./ui";

/** What the day-2 commands need to know of an environment. */
interface Facts {
  readonly environment: string;
  readonly url: string;
  readonly db: NonNullable<ReturnType<typeof databaseSpec>>;
  readonly proxy?: string;
  readonly backendNetwork: string;
  readonly web?: string;
}

async function facts(ctx: Context, environment: string): Promise<Facts> {
  const result = await synth(ctx.root, environment, ctx.env);
  if (!result.ok)
    throw new CommandFailed(result.output.trim(), /configuration error/.test(result.output) ? 2 : 1);
  const infra = JSON.parse(
    fs.readFileSync(path.join(stackDir(ctx.root, environment, environment), "cdk.tf.json"), "utf8"),
  );
  const app = JSON.parse(
    fs.readFileSync(path.join(stackDir(ctx.root, environment, `${environment}-app`), "cdk.tf.json"), "utf8"),
  );
  const db = databaseSpec(stackDir(ctx.root, environment, environment));
  if (!db) throw new CommandFailed(`${environment}: no database in its stack`, 1);
  const containers = Object.values(infra.resource?.docker_container ?? {}) as {
    name: string;
    labels?: { label: string; value: string }[];
  }[];
  const roleOf = (c: { labels?: { label: string; value: string }[] }) =>
    c.labels?.find((l) => l.label === "django-cdktf.role")?.value;
  const networks = Object.values(infra.resource?.docker_network ?? {}) as {
    name: string;
    internal?: boolean;
  }[];
  return {
    environment,
    url: String(app.output?.app_url?.value ?? ""),
    db,
    proxy: containers.find((c) => roleOf(c) === "proxy")?.name,
    backendNetwork: networks.find((n) => n.internal)?.name ?? `${db.container.replace(/-db$/, "")}-backend`,
    web: containersOf(
      `${environment}-app`,
      "web",
      namePrefixIn(stackDir(ctx.root, environment, environment)),
    ).find((n) => inspectContainer(n)?.status === "running"),
  };
}

function settings(ctx: Context, environment: string): AppConfig {
  const { input, fileErrors } = readConfigInput(ctx.root, ctx.env);
  const built = buildConfig(input, { only: [environment] });
  if (!built.ok || fileErrors.length > 0) {
    throw new CommandFailed([...fileErrors, ...(built.ok ? [] : built.errors)].join("\n"), 2);
  }
  return built.config;
}

function describe(name: string | undefined, role: string): string {
  if (!name) return `  ${role.padEnd(9)} ${yellow("not running")}`;
  const s = inspectContainer(name);
  if (!s) return `  ${role.padEnd(9)} ${name}  ${yellow("missing")}`;
  const health = s.health
    ? `, ${s.health.status === "healthy" ? green("healthy") : yellow(s.health.status)}`
    : "";
  const state = s.status === "running" ? green("running") : yellow(s.status);
  return `  ${role.padEnd(9)} ${name}  ${state}${health}`;
}

export async function status(ctx: Context, environment: string): Promise<void> {
  const f = await facts(ctx, environment);
  line(bold(`${environment}  ${f.url}`));
  if (f.web) {
    const labels = JSON.parse(execDocker(["inspect", "-f", "{{json .Config.Labels}}", f.web]));
    const image = execDocker(["inspect", "-f", "{{.Config.Image}}", f.web]);
    const tags = execDocker(["image", "inspect", "-f", '{{join .RepoTags " "}}', image]);
    line(`  release   ${labels["django-cdktf.release"] ?? "?"}  image ${tags || image}`);
  }
  line(describe(f.web, "web"));
  line(describe(f.db.container, "database"));
  if (f.proxy) line(describe(f.proxy, "proxy"));
  const entry = entryStatusLine(ctx, environment);
  if (entry) line(entry);
  const volume = execDockerOk(["volume", "inspect", f.db.volume])
    ? f.db.volume
    : `${f.db.volume} (not created yet)`;
  line(`  data      volume ${volume}`);
}

function containerFor(f: Facts, service: "web" | "db" | "proxy"): string {
  const name = service === "web" ? f.web : service === "db" ? f.db.container : f.proxy;
  if (!name)
    throw new CommandFailed(
      `${f.environment}: no running ${service} container; \`npm run status -- ${f.environment}\``,
      1,
    );
  return name;
}

/** Runs docker with the terminal attached; resolves with its exit code. */
/** Runs docker with the terminal attached; resolves with its exit code. */
export function attached(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("docker", args, { stdio: "inherit" });
    child.on("close", (code) => resolve(code ?? 1));
  });
}

export async function logs(ctx: Context, environment: string): Promise<void> {
  const f = await facts(ctx, environment);
  const o = ctx.options;
  const args = ["logs", "--timestamps"];
  if (o.follow) args.push("--follow");
  if (o.since) args.push("--since", o.since);
  args.push("--tail", String(o.tail ?? (o.since ? "all" : 100)));
  const code = await attached([...args, containerFor(f, o.service)]);
  if (code !== 0 && !ctx.interrupted()) throw new CommandFailed(`docker logs exited ${code}`, 1);
}

export async function manage(ctx: Context, environment: string): Promise<void> {
  const f = await facts(ctx, environment);
  const web = containerFor(f, "web");
  // the running release's image, settings and secrets
  await manageLike(ctx, web, `${web.replace(/-web-[0-9a-f]+$/, "")}-manage-${Date.now()}`, f.backendNetwork);
}

/**
 * Runs `manage.py <ctx.rest>` in a fresh one-shot, removed when it ends, made like `template` (a
 * release's container): its image, user, settings and volumes (secret files, media), hardened as
 * the releases are, on `network`.
 */
export async function manageLike(
  ctx: Context,
  template: string,
  name: string,
  network: string,
): Promise<void> {
  const inspect = JSON.parse(execDocker(["inspect", template]))[0];
  const env = (inspect.Config.Env as string[]).filter((e) => !/^(PATH|HOME|HOSTNAME)=/.test(e));
  const args = [
    "run",
    "--rm",
    "-i",
    ...(interactive() ? ["-t"] : []),
    "--name",
    name,
    "--network",
    network,
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

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

export async function backup(ctx: Context, environment: string): Promise<string> {
  const f = await facts(ctx, environment);
  const config = settings(ctx, environment);
  if (!execDockerOk(["exec", f.db.container, "true"])) {
    throw new CommandFailed(
      `${environment}: the database container ${f.db.container} is not running; deploy first`,
      1,
    );
  }
  return dumpDatabase(ctx, environment, f.db.container, f.db, config.backups);
}

/**
 * What stops a backup of `environment` from writing its dump into `backups.dir` or copying it to
 * `to` (`--to`) or `backups.copyTo` (BACKUP_COPY_TO): each a local folder (a bucket is reached by
 * syncing one). Checked before Docker is asked and before a dump is written.
 */
export function backupTargetProblems(
  root: string,
  environment: string,
  backups: Pick<BackupSettings, "dir" | "copyTo">,
  to: string | undefined,
): string[] {
  const problems: string[] = [];
  const dir = folderProblem(
    `BACKUP_DIR=${backups.dir}`,
    path.resolve(root, backups.dir),
    environment,
    `give BACKUP_DIR a directory (made if missing; the dumps go into BACKUP_DIR/${environment}/), e.g. backups`,
  );
  if (dir) problems.push(dir);
  const copyTo = to ?? backups.copyTo;
  if (copyTo !== undefined) {
    const [shown, fix] =
      to !== undefined
        ? [`--to ${to}`, "give --to a directory (made if missing), e.g. --to /mnt/backups"]
        : [
            `BACKUP_COPY_TO=${copyTo}`,
            "give BACKUP_COPY_TO a directory (made if missing), e.g. /mnt/backups",
          ];
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(copyTo))
      problems.push(
        `${shown} is a URL, and the copy goes to a local directory (a mounted disk or network share); ${fix}, and sync that directory to the bucket with your tool of choice (aws s3 sync, rclone)`,
      );
    else {
      const copy = folderProblem(shown, path.resolve(root, copyTo), environment, fix);
      if (copy) problems.push(copy);
    }
  }
  return problems;
}

/**
 * backupTargetProblems for the settings as they are (the process environment and `.env`); none
 * when the settings do not build (synth reports those, exit 2).
 */
export function backupSettingsProblems(
  root: string,
  env: NodeJS.ProcessEnv,
  environment: string,
  to: string | undefined,
): string[] {
  const { input } = readConfigInput(root, env);
  const built = buildConfig(input, { only: [environment] });
  return built.ok ? backupTargetProblems(root, environment, built.config.backups, to) : [];
}

/**
 * `pg_dump --format=custom` of `db` in `container` to `<backups.dir>/<env>/<env>-<time>.dump` (via
 * a `.partial` file), its `.sha256` beside it, a checked copy to `--to` or `backups.copyTo`, and
 * the oldest dumps beyond `backups.kept` removed. Returns the dump's path.
 */
export function dumpDatabase(
  ctx: Context,
  environment: string,
  container: string,
  db: { readonly user: string; readonly database: string },
  backups: BackupSettings,
): string {
  // before anything is written: a dump that cannot be kept or copied is not taken
  const problems = backupTargetProblems(ctx.root, environment, backups, ctx.options.to);
  if (problems.length > 0) throw new CommandFailed(problems.join("\nerror: "), 2);
  const dir = path.resolve(ctx.root, backups.dir, environment);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  const file = path.join(dir, `${environment}-${stamp}.dump`);
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, "w", 0o600);
  const dump = spawnSync(
    "docker",
    ["exec", container, "pg_dump", "--format=custom", "-U", db.user, "-d", db.database],
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

export async function restore(ctx: Context, environment: string): Promise<void> {
  const f = await facts(ctx, environment);
  const file = dumpToRestore(ctx, environment);
  if (!execDockerOk(["exec", f.db.container, "true"])) {
    throw new CommandFailed(
      `${environment}: the database container ${f.db.container} is not running; deploy first`,
      1,
    );
  }
  const webs = containersOf(
    `${environment}-app`,
    "web",
    namePrefixIn(stackDir(ctx.root, environment, environment)),
  ).filter((n) => inspectContainer(n)?.status === "running");
  // not while a deploy or another restore of this environment runs
  const release = acquire(path.join(ctx.root, "cdktf.out"), environment, "restore");
  line(bold(`${environment}: restoring ${path.basename(file)}`));
  for (const w of webs) execDocker(["stop", w]);
  line(dim(`  stopped the app (${webs.join(", ") || "none running"})`));
  try {
    pgRestore(f.db.container, f.db, file);
  } finally {
    for (const w of webs) execDocker(["start", w]);
    line(dim(`  started the app again`));
    release();
  }
  line(green(`${environment}: restored; ${f.url}`));
}

/** The dump `restore` names (ctx.rest[0]), checked against its `.sha256`, once `--yes` is given. */
export function dumpToRestore(ctx: Context, environment: string): string {
  const file = path.resolve(process.cwd(), ctx.rest[0]);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile())
    throw new CommandFailed(`no dump file at ${file}`, 2);
  const sumFile = `${file}.sha256`;
  if (fs.existsSync(sumFile)) {
    const expected = fs.readFileSync(sumFile, "utf8").split(/\s+/)[0];
    if (sha256(file) !== expected)
      throw new CommandFailed(
        `${file} does not match its checksum in ${path.basename(sumFile)}; it is damaged or not the file that was backed up`,
        1,
      );
  } else {
    line(yellow(`  no ${path.basename(sumFile)} beside the dump: its integrity cannot be checked`));
  }
  if (!ctx.options.autoApprove) {
    throw new CommandFailed(
      `restore replaces the data of ${environment} with ${path.basename(file)}; add --yes to do it`,
      2,
    );
  }
  return file;
}

/** `pg_restore` of a custom-format dump into `db`, in `container`. */
export function pgRestore(
  container: string,
  db: { readonly user: string; readonly database: string },
  file: string,
): void {
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
      // objects owned by this environment's owner role; the app role's grants come from its
      // default privileges, so a dump from another environment (other role names) restores too
      "--no-owner",
      "--no-privileges",
      "--exit-on-error",
      "-U",
      db.user,
      "-d",
      db.database,
    ],
    { stdio: [fd, "pipe", "pipe"] },
  );
  fs.closeSync(fd);
  if (run.status !== 0) throw new CommandFailed(`pg_restore failed: ${run.stderr.toString().trim()}`, 1);
}

/** A PostgreSQL major version as PG_VERSION and PG_MAJOR write it (`17`, or `9.6` before 10), as a number. */
function majorNumber(major: string): number | undefined {
  return /^\d+(\.\d+)?$/.test(major) ? Number(major) : undefined;
}

/**
 * Whether pg-upgrade may move data of PostgreSQL `oldMajor` (the data directory's PG_VERSION) to
 * `image`, whose PG_MAJOR is `newMajor`: only to a newer major. Pure; `undefined` when it may, else
 * why not with the fix, and the exit code (nothing has been stopped yet).
 */
export function pgUpgradeProblem(
  environment: string,
  image: string,
  oldMajor: string,
  newMajor: string | undefined,
): CommandFailed | undefined {
  const from = majorNumber(oldMajor);
  const to = newMajor === undefined ? undefined : majorNumber(newMajor);
  if (to === undefined)
    return new CommandFailed(
      `--image ${image} does not say its PostgreSQL major version (PG_MAJOR); give an official postgres image, e.g. --image postgres:18`,
      2,
    );
  if (from === undefined)
    return new CommandFailed(
      `${environment}: the database's data directory does not say its PostgreSQL major version (PG_VERSION is ${JSON.stringify(oldMajor)}); pg-upgrade needs the database running on its data: \`npm run status -- ${environment}\`, deploy if needed, then run it again`,
      1,
    );
  const newer = `e.g. --image postgres:${Math.floor(from) + 1}`;
  if (to === from)
    return new CommandFailed(
      `--image ${image} is PostgreSQL ${newMajor}, which the data of ${environment} already is; nothing to upgrade (to upgrade, give a newer major, ${newer})`,
      2,
    );
  if (to < from)
    return new CommandFailed(
      `--image ${image} is PostgreSQL ${newMajor}, older than the data of ${environment} (PostgreSQL ${oldMajor}): pg-upgrade only moves to a newer major (a PostgreSQL ${oldMajor} dump does not restore into ${newMajor}); give a newer major than ${oldMajor}, ${newer}`,
      2,
    );
  return undefined;
}

/**
 * A PostgreSQL major-version upgrade: a dump, the old data kept in a copy of the volume, the new
 * server on a fresh data directory with the dump restored, then the app started on it.
 */
export async function pgUpgrade(ctx: Context, environment: string): Promise<void> {
  const f = await facts(ctx, environment);
  const image = ctx.options.image!;
  if (!ctx.options.autoApprove) {
    throw new CommandFailed(
      `pg-upgrade stops ${environment}'s app and database for the time of a dump and a restore; add --yes`,
      2,
    );
  }
  if (!execDockerOk(["exec", f.db.container, "true"])) {
    throw new CommandFailed(
      `${environment}: the database container ${f.db.container} is not running; deploy first`,
      1,
    );
  }
  let oldMajor = "";
  try {
    oldMajor = execDocker(["exec", f.db.container, "cat", "/var/lib/postgresql/data/PG_VERSION"]).trim();
  } catch {
    // no PG_VERSION: pgUpgradeProblem says so
  }
  if (!execDockerOk(["image", "inspect", image]) && !execDockerOk(["pull", image]))
    throw new CommandFailed(
      `--image ${image} cannot be pulled; check its name and tag (e.g. --image postgres:18) and the registry login`,
      1,
    );
  const newMajor = /^PG_MAJOR=(\d+(?:\.\d+)?)$/m.exec(
    execDocker(["image", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", image]),
  )?.[1];
  // decided before anything is stopped, emptied or dumped
  const refused = pgUpgradeProblem(environment, image, oldMajor, newMajor);
  if (refused) throw refused;
  const dump = await backup(ctx, environment);
  const keep = `${f.db.volume}-pg${oldMajor}`;
  line(bold(`${environment}: PostgreSQL ${oldMajor} -> ${newMajor}`));
  const webs = containersOf(
    `${environment}-app`,
    "web",
    namePrefixIn(stackDir(ctx.root, environment, environment)),
  );
  for (const w of webs) execDockerOk(["stop", w]);
  execDocker(["stop", f.db.container]);
  execDocker(["volume", "create", keep]);
  execDocker([
    "run",
    "--rm",
    "--network",
    "none",
    "-v",
    `${f.db.volume}:/from`,
    "-v",
    `${keep}:/to`,
    "--entrypoint",
    "sh",
    f.db.image,
    "-c",
    "cp -a /from/. /to/ && find /from -mindepth 1 -delete",
  ]);
  line(dim(`  the PostgreSQL ${oldMajor} data is kept in the volume ${keep}`));
  // a deploy with the new image initialises the emptied volume (new major), then the dump comes back
  const variable = `POSTGRES_IMAGE__${environment.toUpperCase().replace(/-/g, "_")}`;
  await deploy({ ...ctx, env: { ...ctx.env, [variable]: image } }, environment);
  await restore({ ...ctx, env: { ...ctx.env, [variable]: image }, rest: [dump] }, environment);
  line(green(`${environment}: upgraded to PostgreSQL ${newMajor}.`));
  line(
    `  Set POSTGRES_IMAGE=${image} for ${environment} (in .env.${environment}) so the next deploy keeps it.`,
  );
  line(`  When the app is verified, remove the old data: docker volume rm ${keep}`);
  line(red(`  Until then, to go back: restore ${path.relative(ctx.root, dump)} with the old image.`));
}
