/**
 * The image the stack builds around a project it did not write (constructs/project-image), in a real
 * Docker engine: from exactly the context `DjangoImage` assembles, with the classic builder on the
 * python stand-in, run the way the stack runs it (hardened, beside the postgres stand-in, secrets as
 * files). Two projects: a stock `django-admin startproject` with a requirements.txt listing only
 * Django, and the gallery (test/fixtures/projects/gallery: pyproject.toml, dj-database-url, uploads).
 * Also: dependencies from uv.lock and poetry.lock, and what pip, collectstatic and a hung migration
 * print when they fail.
 *
 *   npx jest --selectProjects docker test/docker/project-image.test.ts
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEFAULT_IGNORE, DjangoImage, PROJECT_IMAGE_KIT } from "../../constructs";
import { stage } from "../../constructs/staged-context";
import { findDependencies } from "../../config/django-project";
import { docker, mustDocker, prepareEngine } from "../../scripts/lib/docker";
import { get, waitFor } from "../../scripts/lib/http";
import { mustRun } from "../../scripts/lib/process";
import { bareStack } from "../support/constructs";
import { idleConnectionKept } from "../support/keepalive";
import { REPO } from "../support/paths";

const MINUTE = 60_000;
jest.setTimeout(5 * MINUTE);

const run = `pit-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const net = `${run}-net`;
const db = `${run}-db`;
const secret = {
  key: randomBytes(40).toString("base64url"),
  password: `p@ss:${randomBytes(12).toString("hex")}/%`,
};
let work = "";
let base = { python: "", postgres: "" };
const images: string[] = [];
const containers: string[] = [db];

const built = new Map<string, Promise<string>>();

/** Stages a project exactly as the stack does (DjangoImage), builds it with the classic builder. */
function buildProject(dir: string, settingsModule: string, tag: string): Promise<string> {
  if (!built.has(tag)) built.set(tag, build(dir, settingsModule, tag));
  return built.get(tag)!;
}

async function build(dir: string, settingsModule: string, tag: string): Promise<string> {
  const deps = findDependencies(dir);
  if ("problem" in deps) throw new Error(deps.problem);
  const image = new DjangoImage(bareStack(), "AppImage", {
    repository: "t-web",
    contextDir: dir,
    wrap: { settingsModule, dependencyFiles: deps.files },
    defaultIgnore: DEFAULT_IGNORE,
  });
  const context = path.join(work, `context-${tag}`);
  stage(context, image.staged!.hash, image.staged!.entries);
  const name = `${run}-${tag}`;
  images.push(name);
  const result = await docker(
    "build",
    "--force-rm",
    "--build-arg",
    `PYTHON_IMAGE=${base.python}`,
    "--build-arg",
    `DJANGO_CDKTF_PROJECT_SETTINGS=${settingsModule}`,
    "--tag",
    name,
    context,
  );
  if (result.code !== 0) throw new Error(`build of ${tag} failed:\n${result.output.slice(-4000)}`);
  return name;
}

/** The flags and variables the stack gives the app's containers (constructs/django-service.ts). */
function appArgs(database: string, extra: Record<string, string> = {}): string[] {
  const env: Record<string, string> = {
    DEBUG: "false",
    DJANGO_ALLOWED_HOSTS: "localhost,127.0.0.1",
    DATABASE_HOST: "db",
    DATABASE_NAME: database,
    DATABASE_USERNAME: "django",
    DATABASE_PASSWORD_FILE: "/run/secrets/app/database_password",
    DJANGO_SECRET_KEY_FILE: "/run/secrets/app/django_secret_key",
    DJANGO_MEDIA_URL: "/media/",
    ...extra,
  };
  return [
    "--read-only",
    "--tmpfs",
    "/tmp:rw,nosuid,nodev,noexec,size=64m",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--user",
    "10001:10001",
    "--network",
    net,
    "--volume",
    `${run}-secrets:/run/secrets/app:ro`,
    ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
  ];
}

/** Starts the app of an image on a free loopback port; returns the port once /healthz answers. */
async function serve(image: string, name: string, args: string[]): Promise<number> {
  containers.push(name);
  await mustDocker("run", "--detach", "--name", name, ...args, "--publish", "127.0.0.1::8000", image);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(await mustDocker("port", name, "8000/tcp"))?.[1]);
  await waitFor(`${name} to answer`, MINUTE, async () => {
    const state = (await mustDocker("inspect", "-f", "{{.State.Status}}", name)).trim();
    if (state !== "running") throw new Error(`${name} is ${state}:\n${(await docker("logs", name)).output}`);
    return (await get(port, "/healthz")).status === 200 ? true : undefined;
  });
  return port;
}

async function psql(sql: string): Promise<string> {
  return (await mustDocker("exec", db, "psql", "-U", "django", "-d", "postgres", "-tAc", sql)).trim();
}

beforeAll(async () => {
  base = await prepareEngine();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "project-image-"));
  await mustDocker("network", "create", net);
  await mustDocker("volume", "create", `${run}-secrets`);
  // the secrets as the stack's writer leaves them: files owned by the app's user, values via stdin
  await mustRun(
    "docker",
    [
      "run",
      "--rm",
      "-i",
      "--network",
      "none",
      "--volume",
      `${run}-secrets:/s`,
      "--entrypoint",
      "sh",
      base.python,
      "-c",
      'IFS= read -r k; IFS= read -r p; printf %s "$k" > /s/django_secret_key; printf %s "$p" > /s/database_password; chown 10001:10001 /s /s/*; chmod 0400 /s/*',
    ],
    { input: `${secret.key}\n${secret.password}\n` },
  );
  await mustDocker(
    "run",
    "--detach",
    "--name",
    db,
    "--network",
    net,
    "--network-alias",
    "db",
    "--env",
    "POSTGRES_USER=django",
    "--env",
    "POSTGRES_DB=django",
    "--env",
    `POSTGRES_PASSWORD=${secret.password}`,
    base.postgres,
  );
  await waitFor("PostgreSQL", 2 * MINUTE, async () =>
    (await docker("exec", db, "pg_isready", "-h", "127.0.0.1", "-U", "django")).code === 0 ? true : undefined,
  );
  await psql("CREATE DATABASE startproject");
  await psql("CREATE DATABASE gallery");
}, 20 * MINUTE);

afterAll(async () => {
  await docker("rm", "--force", "--volumes", ...containers);
  await docker("network", "rm", net);
  await docker("volume", "rm", `${run}-secrets`, `${run}-media`);
  if (images.length) await docker("rmi", "--no-prune", ...images);
  if (work) fs.rmSync(work, { recursive: true, force: true });
}, 5 * MINUTE);

describe("a stock `django-admin startproject` with a requirements.txt of Django alone", () => {
  let image = "";
  let port = 0;

  beforeAll(async () => {
    // made by Django itself, in the gallery's image (which has Django): nothing edited afterwards
    const gallery = await buildProject(
      path.join(REPO, "test/fixtures/projects/gallery"),
      "gallery_site.settings",
      "gallery",
    );
    const project = path.join(work, "startproject");
    fs.mkdirSync(project, { mode: 0o777 });
    fs.chmodSync(project, 0o777);
    await mustDocker(
      "run",
      "--rm",
      "--volume",
      `${project}:/out`,
      gallery,
      "django-admin",
      "startproject",
      "mysite",
      "/out",
    );
    fs.writeFileSync(path.join(project, "requirements.txt"), "Django==5.2.19\n");
    image = await buildProject(project, "mysite.settings", "startproject");
    const migrate = await docker("run", "--rm", ...appArgs("startproject"), image, "migrate");
    expect(migrate.code).toBe(0);
    port = await serve(image, `${run}-startproject`, appArgs("startproject"));
  }, 20 * MINUTE);

  it("applies its migrations on PostgreSQL", async () => {
    expect(
      Number(
        await mustDocker(
          "exec",
          db,
          "psql",
          "-U",
          "django",
          "-d",
          "startproject",
          "-tAc",
          "SELECT count(*) FROM django_migrations",
        ),
      ),
    ).toBeGreaterThan(10);
  });

  it("answers the admin's login page, with its static files, DEBUG off", async () => {
    const login = await get(port, "/admin/login/");
    expect(login.status).toBe(200);
    const css = /href="(\/static\/admin\/css\/base\.css)"/.exec(login.body);
    expect(css).not.toBeNull();
    const file = await get(port, css![1]);
    expect(file.status).toBe(200);
    expect(file.headers["content-type"]).toMatch(/^text\/css/);
    const missing = await get(port, "/no-such-page/");
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain("Using the URLconf"); // Django's DEBUG page
  });

  it("says which committed settings the stack overrode, naming no value", async () => {
    const logs = (await docker("logs", `${run}-startproject`)).output;
    expect(logs).toContain(
      "django-cdktf: the stack's settings override the project's SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASES['default']",
    );
    const shown = await mustDocker("exec", `${run}-startproject`, "docker-entrypoint", "overrides");
    expect(shown).toMatch(/^overridden: SECRET_KEY, DEBUG, ALLOWED_HOSTS, DATABASES\['default'\]$/m);
  });

  it("answers readiness and liveness before the project's URLs and allowed hosts", async () => {
    expect((await get(port, "/readyz")).status).toBe(200);
    expect((await get(port, "/healthz", "unlisted.example")).status).toBe(200);
    expect((await get(port, "/", "unlisted.example")).status).toBe(400);
  });

  it("keeps an idle connection open longer than the proxy does, so the proxy closes it first", async () => {
    expect(await idleConnectionKept(port, "/healthz")).toEqual({ statuses: [200, 200], reused: true });
  });

  it("keeps every secret and DATABASE_URL out of the image and the container's configuration", async () => {
    const inspected = await mustDocker("inspect", image, `${run}-startproject`);
    const history = await mustDocker("history", "--no-trunc", image);
    for (const text of [inspected, history]) {
      expect(text).not.toContain(secret.key);
      expect(text).not.toContain(secret.password);
      expect(text).not.toContain("DATABASE_URL=");
    }
  });
});

describe("the gallery (pyproject.toml, dj-database-url, uploads)", () => {
  let port = 0;
  beforeAll(async () => {
    const image = await buildProject(
      path.join(REPO, "test/fixtures/projects/gallery"),
      "gallery_site.settings",
      "gallery",
    );
    const args = [...appArgs("gallery"), "--volume", `${run}-media:/srv/media`];
    expect((await docker("run", "--rm", ...args, image, "migrate")).code).toBe(0);
    port = await serve(image, `${run}-gallery`, args);
  }, 20 * MINUTE);

  it("reads its database from the DATABASE_URL the image builds from the secret files", async () => {
    const url = await mustDocker(
      "exec",
      `${run}-gallery`,
      "docker-entrypoint",
      "manage",
      "shell",
      "-c",
      "from django.conf import settings as s; d = s.DATABASES['default']; print(d['NAME'], d['HOST'], s.DJANGO_CDKTF_OVERRIDDEN)",
    );
    // the project's dj-database-url already points at the stack's database: nothing overridden there
    expect(url).toContain("gallery db ('SECRET_KEY', 'DEBUG', 'ALLOWED_HOSTS', 'MEDIA_ROOT', 'MEDIA_URL')");
  });

  it("writes uploads to the media volume, as the app's user, and lists them under MEDIA_URL", async () => {
    const saved = await mustDocker(
      "exec",
      `${run}-gallery`,
      "docker-entrypoint",
      "manage",
      "shell",
      "-c",
      "from django.core.files.base import ContentFile; from photos.models import Photo; p = Photo(title='t'); p.image.save('hello.txt', ContentFile(b'hi')); print(p.image.path, p.image.url)",
    );
    expect(saved).toMatch(/\/srv\/media\/photos\/hello[^ ]*\.txt \/media\/photos\/hello/);
    expect((await get(port, "/")).body).toMatch(/href="\/media\/photos\/hello[^"]*\.txt"/);
  });
});

describe("dependencies from lock files", () => {
  const install = (project: string, script: string) =>
    docker(
      "run",
      "--rm",
      "--volume",
      `${project}:/deps:ro`,
      "--volume",
      `${PROJECT_IMAGE_KIT}:/kit:ro`,
      "--entrypoint",
      "sh",
      base.python,
      "-c",
      `python -m venv --without-pip /tmp/v && python /kit/django_cdktf/deps.py /deps /tmp/v/bin/python && ${script}`,
    );

  it("installs exactly what poetry.lock pins (poetry export), and adds the WSGI server, driver and WhiteNoise", async () => {
    const result = await install(
      path.join(REPO, "test/fixtures/projects/poetry-deps"),
      "/tmp/v/bin/python -c 'import sqlparse, gunicorn, psycopg, whitenoise; print(sqlparse.__version__)'",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("installing the project's dependencies from poetry.lock");
    expect(result.stdout).toContain(
      "lack gunicorn==27.0.1, psycopg[binary]==3.3.9, whitenoise==6.12.0: adding them",
    );
    expect(result.stdout.trim().split("\n").pop()).toBe("0.6.1");
  });

  it("installs exactly what uv.lock pins (uv export)", async () => {
    // the lock is made here, by uv itself: a committed one would name the package index's host
    const project = path.join(work, "uv-project");
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(
      path.join(project, "pyproject.toml"),
      '[project]\nname = "uv-project"\nversion = "1.0.0"\nrequires-python = ">=3.11"\ndependencies = ["sqlparse==0.6.1", "gunicorn==27.0.1"]\n',
    );
    const tools = fs.readFileSync(path.join(PROJECT_IMAGE_KIT, "requirements-tools.txt"), "utf8");
    const uv = /^uv==\S+$/m.exec(tools)![0];
    await mustRun("docker", [
      "run",
      "--rm",
      "--volume",
      `${project}:/p`,
      "--workdir",
      "/p",
      "--entrypoint",
      "sh",
      base.python,
      "-c",
      `python -m venv --without-pip /tmp/u && pip --python /tmp/u/bin/python install -q ${uv} && /tmp/u/bin/uv lock -q && chmod a+r uv.lock`,
    ]);
    const result = await install(
      project,
      "/tmp/v/bin/python -c 'import sqlparse, gunicorn, psycopg, whitenoise'",
    );
    expect(result.output).toContain("installing the project's dependencies from uv.lock");
    expect(result.stdout).toContain("lack psycopg[binary]==3.3.9, whitenoise==6.12.0: adding them");
    expect(result.code).toBe(0);
  });

  it("shows pip's own error when a dependency cannot be installed", async () => {
    const project = path.join(work, "broken-deps");
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, "requirements.txt"), "django-cdktf-no-such-package==9.9.9\n");
    const result = await install(project, "true");
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/No matching distribution found for django-cdktf-no-such-package==9\.9\.9/);
    expect(result.output).toContain(
      "django-cdktf: pip install (dependencies from requirements.txt) failed (exit code 1)",
    );
  });
});

describe("failures that show their output", () => {
  it("a collectstatic that fails at build shows Django's error and what to change", async () => {
    const project = path.join(work, "needs-env");
    fs.cpSync(path.join(REPO, "test/fixtures/projects/gallery"), project, { recursive: true });
    fs.appendFileSync(
      path.join(project, "gallery_site/settings.py"),
      '\nimport os\nREDIS_URL = os.environ["REDIS_URL"]\n',
    );
    await expect(buildProject(project, "gallery_site.settings", "needs-env")).rejects.toThrow(
      /KeyError: 'REDIS_URL'[\s\S]*django-cdktf: collectstatic failed \(exit code 1\)/,
    );
  });

  it("migrations that outlive their timeout are stopped, saying so, with exit code 124", async () => {
    const image = images.find((i) => i.endsWith("-gallery"))!;
    // another session holds the migrations table: migrate waits on its lock
    await mustDocker(
      "exec",
      "--detach",
      db,
      "psql",
      "-U",
      "django",
      "-d",
      "gallery",
      "-c",
      "BEGIN; LOCK TABLE django_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(40); COMMIT;",
    );
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    const result = await docker(
      "run",
      "--rm",
      ...appArgs("gallery", { MIGRATE_TIMEOUT_SECONDS: "3" }),
      image,
      "migrate",
    );
    expect(result.code).toBe(124);
    expect(result.stderr).toContain(
      "docker-entrypoint: migrations still running after 3 s (APP_MIGRATE_TIMEOUT): stopping them",
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
