/**
 * A project the stack did not write, deployed with no edit to it: the gallery
 * (test/fixtures/projects/gallery), laid out unlike django-app (its settings module is
 * gallery_site.settings, its dependencies in pyproject.toml, no health view, uploads) and pointed
 * at by one setting, DJANGO_PROJECT_DIR. On the real engine, through the real CLI:
 *
 * - the stack's Dockerfile builds it; its committed DEBUG, key and hosts lose to the stack's, and the
 *   deploy says so; the admin answers with its static files; its own variables reach it, its secret
 *   only as a file and in the process;
 * - an upload through the proxy is served from the media volume, survives a redeploy, and a destroy;
 * - its own Dockerfile (DJANGO_DOCKERFILE=project): a release that never becomes healthy is reported
 *   with the probe's last output and the app's logs while the previous one keeps serving; then it
 *   runs as it is.
 *
 * Skipped, with the reason printed, where the toolchain is missing.
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { execDocker, execDockerOk, removeDockerObjects, standInImages } from "../../scripts/lib/docker";
import { httpStatus } from "../../scripts/lib/http";
import { Project, REPO, Toolchain, detectToolchain, freePort } from "../../scripts/lib/sandbox";
import { expectSuccess, psql } from "../support/e2e";

jest.setTimeout(20 * 60_000);

const STACK = "own";
const FIXTURE = path.join(REPO, "test", "fixtures", "projects", "gallery");
const toolchain: Toolchain = detectToolchain();
if (!toolchain.ok) console.warn(`e2e own project SKIPPED: ${toolchain.reason}`);
const step = toolchain.ok ? it : it.skip;

let project: Project;
let prefix: string;
let url: string;
let baseEnv: Record<string, string>;
let projectDigest: string;
const token = randomBytes(24).toString("hex");
const figures: string[] = [];

/** Names and contents of every file of a tree: proof that a deploy wrote nothing into the project. */
function treeDigest(dir: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    for (const entry of fs
      .readdirSync(path.join(dir, rel), { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else
        hash
          .update(`${child}\0`)
          .update(fs.readFileSync(path.join(dir, child)))
          .update("\0");
    }
  };
  walk("");
  return hash.digest("hex");
}

beforeAll(async () => {
  if (!toolchain.ok) return;
  const images = await standInImages();
  const port = await freePort();
  prefix = `own${process.pid}`;
  url = `http://127.0.0.1:${port}`;
  baseEnv = {
    ENVIRONMENTS: STACK,
    PROJECT_NAME: prefix,
    APP_PORT: String(port),
    PYTHON_IMAGE: images.python,
    POSTGRES_IMAGE: images.postgres,
    PROXY_IMAGE: images.caddy ?? "caddy:2.10",
    // the one setting that names the project
    DJANGO_PROJECT_DIR: "gallery",
    // the project's own variables: one plain, one secret
    APP_ENV_GALLERY_TITLE: "Holidays",
    APP_SECRET_GALLERY_TOKEN: token,
  };
  project = new Project({ toolchain, stack: STACK, dotenv: baseEnv });
  fs.cpSync(FIXTURE, project.path("gallery"), { recursive: true });
  projectDigest = treeDigest(project.path("gallery"));
});

afterAll(async () => {
  if (!toolchain.ok) return;
  if (figures.length)
    console.log(`e2e own project figures (${toolchain.summary}):\n  ${figures.join("\n  ")}`);
  await project.cli("destroy", ["--auto-approve"], { DELETE_DATA_ON_DESTROY: "true" });
  removeDockerObjects(`${prefix}-`);
  project.remove();
});

/** Uploads a file through the proxy with the page's CSRF token, as a browser does; returns its URL. */
async function upload(name: string, text: string): Promise<string> {
  const page = await fetch(`${url}/`);
  const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0];
  const csrf = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(csrf).toBeDefined();
  const form = new FormData();
  form.set("csrfmiddlewaretoken", csrf!);
  form.set("title", name);
  form.set("image", new Blob([text], { type: "text/plain" }), `${name}.txt`);
  const posted = await fetch(`${url}/upload/`, {
    method: "POST",
    body: form,
    headers: { cookie },
    redirect: "manual",
  });
  expect(posted.status).toBe(302);
  const listed = await (await fetch(`${url}/`)).text();
  const link = new RegExp(`href="(/media/photos/${name}[^"]*)">${name}<`).exec(listed)?.[1];
  expect(link).toBeDefined();
  return link!;
}

describe("a project of the user's, with no edit to it", () => {
  let media = "";
  const content = `an upload of ${Date.now()}\n`;

  step(
    "deploys with the stack's Dockerfile, the stack's settings winning, and says which it overrode",
    async () => {
      const deploy = await project.cli("deploy", ["--auto-approve"]);
      expectSuccess(deploy);
      figures.push(`first deploy (build, database, proxy, release): ${deploy.seconds.toFixed(1)} s`);
      expect(deploy.output).toContain(
        "the stack's settings override the project's committed SECRET_KEY, DEBUG, ALLOWED_HOSTS, MEDIA_ROOT, MEDIA_URL",
      );
      // the admin answers, with its static files, and DEBUG is off
      const login = await fetch(`${url}/admin/login/`);
      expect(login.status).toBe(200);
      const css = /href="(\/static\/admin\/css\/base\.css)"/.exec(await login.text())?.[1];
      expect((await httpStatus(`${url}${css}`)).status).toBe(200);
      const missing = await httpStatus(`${url}/no-such-page/`);
      expect(missing.status).toBe(404);
      expect(missing.body).not.toContain("Using the URLconf");
      // health without a health view: answered before the project's URLs
      expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
      // the migrations ran on PostgreSQL
      expect(
        psql(`${prefix}-${STACK}-db`, "SELECT count(*) FROM django_migrations WHERE app = 'photos'"),
      ).toBe("1");
      // nothing was written into the project
      expect(treeDigest(project.path("gallery"))).toBe(projectDigest);
    },
  );

  step("passes the project's own variables; its secret only as a file, and in the process", async () => {
    const web = project.webContainer();
    const env = execDocker(["inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", web]);
    expect(env).toContain("GALLERY_TITLE=Holidays");
    expect(env).toContain("GALLERY_TOKEN_FILE=/run/secrets/app/env.GALLERY_TOKEN");
    expect(execDocker(["inspect", web])).not.toContain(token);
    const seen = execDocker([
      "exec",
      web,
      "docker-entrypoint",
      "manage",
      "shell",
      "-c",
      "import os; print(os.environ['GALLERY_TOKEN'] == open(os.environ['GALLERY_TOKEN_FILE']).read().strip())",
    ]);
    expect(seen.trim().split("\n").pop()).toBe("True");
    for (const stack of project.stacks) {
      expect(fs.readFileSync(project.path(`terraform.${stack}.tfstate`), "utf8").includes(token)).toBe(false);
    }
  });

  step(
    "serves an upload from the media volume through the proxy, and keeps it across a redeploy",
    async () => {
      media = await upload("sunset", content);
      const served = await fetch(`${url}${media}`);
      expect(served.status).toBe(200);
      expect(await served.text()).toBe(content);
      expect(served.headers.get("x-content-type-options")).toBe("nosniff");
      const before = project.webContainer();
      fs.appendFileSync(project.path("gallery/photos/templates/photos/index.html"), "<!-- release 2 -->\n");
      const redeploy = await project.cli("deploy", ["--auto-approve"]);
      expectSuccess(redeploy);
      figures.push(`redeploy after a code change: ${redeploy.seconds.toFixed(1)} s`);
      expect(project.webContainer()).not.toBe(before);
      expect((await httpStatus(`${url}${media}`)).body).toBe(content);
    },
  );

  step("keeps the uploads and the database on destroy; the next deploy serves them again", async () => {
    expectSuccess(await project.cli("destroy", ["--auto-approve"]));
    expect(execDockerOk(["volume", "inspect", `${prefix}-${STACK}-media`])).toBe(true);
    const again = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(again);
    figures.push(`deploy onto the kept data: ${again.seconds.toFixed(1)} s`);
    expect((await httpStatus(`${url}${media}`)).body).toBe(content);
    expect((await httpStatus(`${url}/`)).body).toContain(">sunset<");
  });
});

describe("the same project with its own Dockerfile (DJANGO_DOCKERFILE=project)", () => {
  const own = () => ({
    ...baseEnv,
    DJANGO_DOCKERFILE: "project",
    DJANGO_MIGRATE_COMMAND: "python manage.py migrate --noinput",
    // kept on: the proxy keeps serving the uploads, and is not replaced
    DJANGO_MEDIA_URL: "/media/",
  });

  step(
    "a release that never becomes healthy is reported with the probe's last output and the app's logs",
    async () => {
      // the app listens on 8000; the stack is told 8001
      project.writeEnv({ ...own(), APP_CONTAINER_PORT: "8001", APP_HEALTH_TIMEOUT: "15" });
      const failed = await project.cli("deploy", ["--auto-approve"]);
      expect(failed.code).toBe(1);
      expect(failed.output).toContain("start the new release failed");
      expect(failed.output).toContain("its readiness check did not pass");
      expect(failed.output).toMatch(
        /last health check:\s+http:\/\/127\.0\.0\.1:8001\/: .*Connection refused/,
      );
      expect(failed.output).toMatch(/Listening at: http:\/\/0\.0\.0\.0:8000/);
      expect(failed.output).toContain("The previous release keeps serving");
      expect((await httpStatus(`${url}/`)).status).toBe(200);
    },
  );

  step("runs as it is with the right port: its command, its entrypoint, the stack's probe", async () => {
    project.writeEnv(own());
    const deploy = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(deploy);
    const web = project.webContainer();
    expect(execDocker(["inspect", "-f", "{{json .Config.Entrypoint}} {{json .Config.Cmd}}", web])).toBe(
      '["/code/docker/entrypoint.sh"] ["gunicorn","--bind","0.0.0.0:8000","gallery_site.wsgi"]',
    );
    const health = JSON.parse(execDocker(["inspect", "-f", "{{json .State.Health.Log}}", web]));
    expect(health[health.length - 1].Output).toContain("http://127.0.0.1:8000/ answered 200");
    // its entrypoint builds DATABASE_URL from the stack's password file: the upload is still listed
    expect((await httpStatus(`${url}/`)).body).toContain(">sunset<");
  });
});
