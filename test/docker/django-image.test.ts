/**
 * The Django image in a real Docker engine. Built from django-app/ with the classic builder on the
 * python stand-in, run the way the stack runs it: beside the postgres stand-in on a private network,
 * read-only root filesystem with a tmpfs on /tmp, no capabilities, no-new-privileges, the image's
 * own user, secrets as files on a read-only volume, the port published on 127.0.0.1 only.
 *
 *   npx jest --selectProjects docker
 */
import { randomBytes } from "crypto";
import {
  DjangoEnv,
  DjangoImageContract,
  PostgresImageContract,
  SecretsMount,
  fileVariant,
} from "../../constructs/contracts";
import { docker, mustDocker, prepareEngine } from "../../scripts/lib/docker";
import { get, statusOf, waitFor } from "../../scripts/lib/http";
import { RunResult as Result, mustRun } from "../../scripts/lib/process";
import { idleConnectionKept } from "../support/keepalive";
import { DJANGO_APP } from "../support/paths";

const MINUTE = 60_000;
jest.setTimeout(3 * MINUTE);

const run = `djt-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const names = {
  image: `django-app-test:${run}`,
  network: `${run}-net`,
  secrets: `${run}-secrets`,
  db: `${run}-db`,
  web: `${run}-web`,
};
// Random per run, so that finding one in image metadata can only mean it leaked there.
const secret = {
  key: randomBytes(40).toString("base64url"),
  dbPassword: randomBytes(24).toString("base64url"),
};
const SECRET_KEY_FILE = `${SecretsMount.appDir}/django_secret_key`;
const DB_PASSWORD_FILE = `${SecretsMount.appDir}/database_password`;
const DB_NAME = "app";
const DB_USER = "app";

let migrate: Result;
let port = 0;

/** The flags the stack gives every app container (constructs/django-service.ts). */
function hardenedAppArgs(env: Record<string, string>): string[] {
  return [
    "--read-only",
    "--tmpfs",
    `${DjangoImageContract.writablePaths[0]}:rw,nosuid,nodev,noexec,size=64m`,
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--network",
    names.network,
    "--volume",
    `${names.secrets}:${SecretsMount.containerPath}:ro`,
    ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
  ];
}

const appEnv: Record<string, string> = {
  [DjangoEnv.DEBUG]: "False", // the seed's spelling, which its bool() read as true
  [DjangoEnv.ALLOWED_HOSTS]: "localhost,127.0.0.1",
  [DjangoEnv.DATABASE_ENGINE]: "postgresql_psycopg2", // the seed's value, mapped to postgresql
  [DjangoEnv.DATABASE_HOST]: "db",
  [DjangoEnv.DATABASE_PORT]: String(PostgresImageContract.port),
  [DjangoEnv.DATABASE_NAME]: DB_NAME,
  [DjangoEnv.DATABASE_USERNAME]: DB_USER,
  [fileVariant(DjangoEnv.DATABASE_PASSWORD)]: DB_PASSWORD_FILE,
  [fileVariant(DjangoEnv.SECRET_KEY)]: SECRET_KEY_FILE,
};

/** Fills the secrets volume as the stack's writer does: values on stdin, never in argv or env. */
async function fillSecretsVolume(helperImage: string): Promise<void> {
  const { uid, gid } = DjangoImageContract;
  const pg = PostgresImageContract;
  const script = [
    "set -eu",
    "umask 077",
    "IFS= read -r key; IFS= read -r password",
    `mkdir -p ${SecretsMount.appDir} ${SecretsMount.dbDir}`,
    `printf '%s\\n' "$key" > ${SECRET_KEY_FILE}`,
    `printf '%s\\n' "$password" > ${DB_PASSWORD_FILE}`,
    `printf '%s\\n' "$password" > ${SecretsMount.dbDir}/database_password`,
    `chown -R ${uid}:${gid} ${SecretsMount.appDir}`,
    `chown -R ${pg.uid}:${pg.gid} ${SecretsMount.dbDir}`,
    `chmod 0500 ${SecretsMount.appDir} ${SecretsMount.dbDir}`,
    `chmod 0400 ${SecretsMount.appDir}/* ${SecretsMount.dbDir}/*`,
  ].join("\n");
  await mustRun(
    "docker",
    [
      "run",
      "--rm",
      "-i",
      "--network",
      "none",
      "--volume",
      `${names.secrets}:${SecretsMount.containerPath}`,
      "--entrypoint",
      "sh",
      helperImage,
      "-c",
      script,
    ],
    { input: `${secret.key}\n${secret.dbPassword}\n` },
  );
}

beforeAll(async () => {
  const base = await prepareEngine();
  await mustRun(
    "docker",
    [
      "build",
      "--force-rm", // a failed step leaves no container behind
      "--build-arg",
      `${DjangoImageContract.baseImageBuildArg}=${base.python}`,
      "--tag",
      names.image,
      DJANGO_APP,
    ],
    { env: { ...process.env, DOCKER_BUILDKIT: "0" } },
  );
  await mustDocker("network", "create", names.network);
  await mustDocker("volume", "create", names.secrets);
  await fillSecretsVolume(base.python);

  await mustDocker(
    "run",
    "--detach",
    "--name",
    names.db,
    "--network",
    names.network,
    "--network-alias",
    "db",
    "--volume",
    `${names.secrets}:${SecretsMount.containerPath}:ro`,
    "--env",
    `${PostgresImageContract.env.user}=${DB_USER}`,
    "--env",
    `${PostgresImageContract.env.db}=${DB_NAME}`,
    "--env",
    `${PostgresImageContract.env.passwordFile}=${SecretsMount.dbDir}/database_password`,
    base.postgres,
  );
  await waitForDatabase();

  migrate = await docker(
    "run",
    "--rm",
    ...hardenedAppArgs(appEnv),
    names.image,
    ...DjangoImageContract.commands.migrate,
  );

  await mustDocker(
    "run",
    "--detach",
    "--name",
    names.web,
    ...hardenedAppArgs(appEnv),
    "--publish",
    `127.0.0.1::${DjangoImageContract.port}`,
    names.image,
  );
  // "127.0.0.1:49153": Docker picked a free host port
  const published = await mustDocker("port", names.web, `${DjangoImageContract.port}/tcp`);
  port = Number(/127\.0\.0\.1:(\d+)/.exec(published)?.[1]);
  await waitFor("the app to listen", MINUTE, async () =>
    (await statusOf(port, DjangoImageContract.livenessPath)) === 200 ? true : undefined,
  );
}, 20 * MINUTE);

afterAll(async () => {
  await docker("rm", "--force", "--volumes", names.web, names.db);
  await docker("network", "rm", names.network);
  await docker("volume", "rm", names.secrets);
  // --no-prune keeps the parent layers: the next run builds from cache.
  await docker("rmi", "--no-prune", names.image);
}, 5 * MINUTE);

/** The postgres stand-in first runs a socket-only server to initialise: wait for TCP. */
async function waitForDatabase(): Promise<void> {
  await waitFor("PostgreSQL to accept TCP connections", 2 * MINUTE, async () => {
    const ready = await docker("exec", names.db, "pg_isready", "--host", "127.0.0.1", "--username", DB_USER);
    return ready.code === 0 ? true : undefined;
  });
}

async function logsOf(container: string): Promise<string> {
  const logs = await docker("logs", container);
  return logs.stdout + logs.stderr;
}

describe("the Django image", () => {
  it("applies migrations with the migrate command", () => {
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toMatch(/Applying auth\.0001_initial\.\.\. OK/);
  });

  it("answers readiness with 200 once the database is migrated", async () => {
    const answer = await get(port, DjangoImageContract.readinessPath);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ status: "ok" });
  });

  it("serves the home page, and refuses hosts not in DJANGO_ALLOWED_HOSTS", async () => {
    const home = await get(port, "/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Django on Docker");
    expect((await get(port, "/", "unlisted.example")).status).toBe(400);
  });

  it("keeps an idle connection open longer than the proxy does, so the proxy closes it first", async () => {
    expect(DjangoImageContract.keepaliveSeconds).toBeGreaterThan(DjangoImageContract.proxyKeepaliveSeconds);
    expect(await idleConnectionKept(port, DjangoImageContract.livenessPath)).toEqual({
      statuses: [200, 200],
      reused: true,
    });
  });

  it("answers the probes whatever the Host header", async () => {
    expect((await get(port, DjangoImageContract.livenessPath, "unlisted.example")).status).toBe(200);
    expect((await get(port, DjangoImageContract.readinessPath, "10.1.2.3:8000")).status).toBe(200);
  });

  it("serves the admin's static files with DEBUG off (whitenoise, hashed names)", async () => {
    const login = await get(port, "/admin/login/");
    expect(login.status).toBe(200);
    const css = /href="(\/static\/admin\/css\/base\.[0-9a-f]{12}\.css)"/.exec(login.body);
    expect(css).not.toBeNull();
    const file = await get(port, css![1]);
    expect(file.status).toBe(200);
    expect(file.headers["content-type"]).toMatch(/^text\/css/);
    expect(file.headers["cache-control"]).toMatch(/immutable/);
  });

  it("holds the app and its collected static files, but not its tests or dev requirements", async () => {
    const probe = (...args: string[]) =>
      docker("run", "--rm", "--read-only", "--network", "none", names.image, ...args);
    expect((await probe("test", "-f", "/app/staticfiles/staticfiles.json")).code).toBe(0);
    expect((await probe("test", "-e", "/app/core/tests")).code).not.toBe(0);
    expect((await probe("test", "-e", "/app/requirements-dev.txt")).code).not.toBe(0);
    expect((await probe("test", "-e", "/opt/venv/bin/pip")).code).not.toBe(0);
  });

  it(`runs every process as uid ${DjangoImageContract.uid}, never root`, async () => {
    const status = await mustDocker("exec", names.web, "cat", "/proc/1/status");
    expect(status).toMatch(
      new RegExp(`^Uid:\\s+${DjangoImageContract.uid}\\s+${DjangoImageContract.uid}\\s`, "m"),
    );
    const top = await mustDocker("top", names.web, "-eo", "pid,uid,args");
    const uids = top
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[1]);
    expect(uids.length).toBeGreaterThanOrEqual(2); // gunicorn's master and its workers
    expect(new Set(uids)).toEqual(new Set([String(DjangoImageContract.uid)]));
    const pid1 = await mustDocker("exec", names.web, "cat", "/proc/1/cmdline");
    expect(pid1).toContain("gunicorn"); // exec'd by the entrypoint: it receives docker stop's SIGTERM
  });

  it("runs on a read-only root filesystem, writing only to /tmp", async () => {
    for (const target of ["/probe", "/app/probe", "/opt/venv/probe"]) {
      const write = await docker("exec", names.web, "touch", target);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toMatch(/Read-only file system/);
    }
    expect((await docker("exec", names.web, "touch", "/tmp/probe")).code).toBe(0);
    expect((await get(port, DjangoImageContract.readinessPath)).status).toBe(200);
    expect((await get(port, "/admin/login/")).status).toBe(200);
  });

  it("reports healthy through the image's HEALTHCHECK (healthcheck live)", async () => {
    const config = JSON.parse(
      await mustDocker("image", "inspect", "--format", "{{json .Config.Healthcheck}}", names.image),
    );
    expect(config.Test).toEqual([
      "CMD",
      "docker-entrypoint",
      ...DjangoImageContract.commands.healthcheckLive,
    ]);
    await waitFor("docker to report the container healthy", 2 * MINUTE, async () => {
      const state = (await mustDocker("inspect", "--format", "{{.State.Health.Status}}", names.web)).trim();
      if (state === "unhealthy") throw new Error(`unhealthy:\n${await logsOf(names.web)}`);
      return state === "healthy" ? true : undefined;
    });
  });

  it("keeps secrets out of the image's layers and metadata and the container's config", async () => {
    const history = await mustDocker("history", "--no-trunc", "--format", "{{.CreatedBy}}", names.image);
    const image = await mustDocker("image", "inspect", names.image);
    const container = await mustDocker("inspect", names.web);
    for (const text of [history, image, container]) {
      expect(text).not.toContain(secret.key);
      expect(text).not.toContain(secret.dbPassword);
    }
    for (const text of [history, image]) {
      expect(text).not.toMatch(/SECRET_KEY\s*=/);
      expect(text).not.toMatch(/PASSWORD\s*=/);
    }
    const env: string[] = JSON.parse(image)[0].Config.Env;
    expect(env.filter((e) => /SECRET|PASSWORD|TOKEN/i.test(e))).toEqual([]);
  });

  it("refuses to serve without a secret key, naming DJANGO_SECRET_KEY and its _FILE variant", async () => {
    const env = { ...appEnv };
    delete env[fileVariant(DjangoEnv.SECRET_KEY)];
    const result = await docker("run", "--rm", ...hardenedAppArgs(env), names.image);
    expect(result.code).not.toBe(0);
    const output = result.stdout + result.stderr;
    expect(output).toContain("DJANGO_SECRET_KEY is not set");
    expect(output).toContain("DJANGO_SECRET_KEY_FILE");
  });

  it("rejects a nonsense setting at start, naming the variable", async () => {
    const result = await docker(
      "run",
      "--rm",
      ...hardenedAppArgs({ ...appEnv, [DjangoEnv.GUNICORN_WORKERS]: "many" }),
      names.image,
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'GUNICORN_WORKERS must be a whole number >= 1, got "many"',
    );
  });

  it("stops migrations that outlive MIGRATE_TIMEOUT_SECONDS, saying so, with exit code 124", async () => {
    // another session holds the migrations table: migrate waits on its lock
    await mustDocker(
      "exec",
      "--detach",
      names.db,
      "psql",
      "-U",
      DB_USER,
      "-d",
      DB_NAME,
      "-c",
      "BEGIN; LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT;",
    );
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    const result = await docker(
      "run",
      "--rm",
      ...hardenedAppArgs({ ...appEnv, MIGRATE_TIMEOUT_SECONDS: "2" }),
      names.image,
      ...DjangoImageContract.commands.migrate,
    );
    expect(result.code).toBe(124);
    expect(result.stderr).toContain(
      "docker-entrypoint: migrations still running after 2 s (APP_MIGRATE_TIMEOUT)",
    );
    expect(Date.now() - started).toBeLessThan(25_000);
  });

  it("is alive but not ready while the database is down, and ready again once it is back", async () => {
    await mustDocker("stop", names.db);
    await waitFor("readiness to answer 503", MINUTE, async () =>
      (await statusOf(port, DjangoImageContract.readinessPath)) === 503 ? true : undefined,
    );
    // outside clients get no reason (through the published port, the request is not from loopback)
    const answer = await get(port, DjangoImageContract.readinessPath);
    expect(JSON.parse(answer.body)).toEqual({ status: "unavailable" });
    expect((await get(port, DjangoImageContract.livenessPath)).status).toBe(200);
    // the container's own probe does, for `docker inspect` and the deploy's failure report
    const probe = await docker(
      "exec",
      names.web,
      "docker-entrypoint",
      ...DjangoImageContract.commands.healthcheckReady,
    );
    expect(probe.code).toBe(1);
    expect(probe.stdout + probe.stderr).toContain("database unreachable");

    await mustDocker("start", names.db);
    await waitForDatabase();
    await waitFor("readiness to answer 200 again", MINUTE, async () =>
      (await statusOf(port, DjangoImageContract.readinessPath)) === 200 ? true : undefined,
    );
  });

  it("stops gracefully on SIGTERM, well within its grace period", async () => {
    const grace = DjangoImageContract.gracefulTimeoutSeconds;
    const started = Date.now();
    await mustDocker("stop", "--time", "30", names.web);
    const seconds = (Date.now() - started) / 1000;
    const exitCode = (await mustDocker("inspect", "--format", "{{.State.ExitCode}}", names.web)).trim();
    expect(exitCode).toBe("0"); // not 137: nobody had to SIGKILL it
    expect(seconds).toBeLessThan(grace / 2);
    expect(await logsOf(names.web)).toMatch(/Handling signal: term[\s\S]*Shutting down: Master/);
  });
});
