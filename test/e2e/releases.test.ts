/**
 * Releases under load, on the real engine: a client polls the app about 20 times a second through
 * every deploy here, and no request may fail. A code change, a settings change and a rollback
 * switch traffic without a gap; a release whose app cannot start, whose migration fails or whose
 * build fails, and a deploy interrupted by SIGINT, each leave the previous release serving, say
 * why, and leave no stray container. Read-only commands change nothing. HTTPS with Caddy's
 * internal CA answers and redirects.
 *
 * Skipped, with the reason printed, where the toolchain is missing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execDocker, execDockerOk, removeDockerObjects } from "../../scripts/lib/docker";
import { httpStatus, startPolling } from "../../scripts/lib/http";
import { run } from "../../scripts/lib/process";
import { Project, Toolchain, detectToolchain, freePort } from "../../scripts/lib/sandbox";
import {
  expectNoDrops,
  expectSuccess,
  standInProject,
  editFile,
  underLoad as underLoadOf,
} from "../support/e2e";

jest.setTimeout(20 * 60_000);

const STACK = "rel";
const toolchain: Toolchain = detectToolchain();
if (!toolchain.ok) console.warn(`e2e releases SKIPPED: ${toolchain.reason}`);
const step = toolchain.ok ? it : it.skip;
let project: Project;
let prefix: string;
let url: string;
let baseEnv: Record<string, string>;
const figures: string[] = [];

beforeAll(async () => {
  if (!toolchain.ok) return;
  ({ prefix, url, env: baseEnv } = await standInProject(STACK, { DELETE_DATA_ON_DESTROY: "true" }));
  url = `${url}/`;
  project = new Project({ toolchain, stack: STACK, dotenv: baseEnv });
  expectSuccess(await project.cli("deploy", ["--auto-approve"]));
});

afterAll(async () => {
  if (!toolchain.ok) return;
  if (figures.length) console.log(`e2e release figures (${toolchain.summary}):\n  ${figures.join("\n  ")}`);
  await project.cli("destroy", ["--auto-approve"]);
  removeDockerObjects(`${prefix}-`);
  project.remove();
});

/** Every container of this environment, by role. */
function containers(): Record<string, string[]> {
  const rows = execDocker([
    "ps",
    "-a",
    "--filter",
    `name=${prefix}-`,
    "--format",
    '{{.Names}}\t{{.Label "django-cdktf.role"}}',
  ])
    .split("\n")
    .filter((r) => r.includes("\t"));
  const byRole: Record<string, string[]> = {};
  for (const [name, role] of rows.map((r) => r.split("\t"))) (byRole[role] ??= []).push(name);
  return byRole;
}

/**
 * One container per role of the release: nothing left over by a failed or interrupted one. On a
 * failure, the command's output says what the deploy saw.
 */
function expectNoStrays(output: string): void {
  const c = containers();
  const counts = { web: c.web?.length, migrate: c.migrate?.length, route: c.route?.length };
  if (counts.web !== 1 || counts.migrate !== 1 || counts.route !== 1)
    throw new Error(`stray containers ${JSON.stringify(c)} after:\n${output.slice(-5000)}`);
  expect(counts).toEqual({ web: 1, migrate: 1, route: 1 });
}

const underLoad = (command: string, args?: string[], extraEnv?: Record<string, string>) =>
  underLoadOf(project, url, command, args, extraEnv);
const edit = (file: string, text: string) => editFile(project, file, text);

describe("releases on a real engine, under a polling client", () => {
  step("a code redeploy drops no request", async () => {
    const before = project.webContainer();
    const restore = edit("django-app/core/views.py", "\nRELEASE_MARK = 2\n");
    const { result, polled } = await underLoad("deploy");
    expectSuccess(result);
    figures.push(
      `code redeploy: ${result.seconds.toFixed(1)} s, ${polled.ok} requests answered, ${polled.failed} failed`,
    );
    expectNoDrops(polled, prefix);
    expect(polled.ok).toBeGreaterThan(50);
    expect(project.webContainer()).not.toBe(before);
    expect(execDockerOk(["inspect", before])).toBe(false);
    expectNoStrays(result.output);
    restore();
  });

  step("a redeploy that changes an app setting drops no request", async () => {
    project.writeEnv({ ...baseEnv, DJANGO_LOGLEVEL: "WARNING" });
    const { result, polled } = await underLoad("deploy");
    expectSuccess(result);
    figures.push(
      `settings redeploy: ${result.seconds.toFixed(1)} s, ${polled.failed} failed of ${polled.ok + polled.failed}`,
    );
    expectNoDrops(polled, prefix);
    expect(
      execDocker(["inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", project.webContainer()]),
    ).toContain("DJANGO_LOGLEVEL=WARNING");
    expectNoStrays(result.output);
  });

  step(
    "a release whose app cannot start fails with the exception, and the old one keeps serving",
    async () => {
      const restore = edit(
        "django-app/config/wsgi.py",
        '\nraise RuntimeError("e2e: the app refuses to start")\n',
      );
      const { result, polled } = await underLoad("deploy");
      restore();
      expect(result.code).toBe(1);
      expect(result.output).toContain("start the new release failed");
      expect(result.output).toContain("e2e: the app refuses to start");
      expect(result.output).toContain("The previous release keeps serving");
      figures.push(
        `broken app: failed after ${result.seconds.toFixed(1)} s, ${polled.failed} requests failed`,
      );
      expectNoDrops(polled, prefix);
      expectNoStrays(result.output);
    },
  );

  step("a failing migration fails with its error, and the old release keeps serving", async () => {
    fs.mkdirSync(project.path("django-app/core/migrations"), { recursive: true });
    fs.writeFileSync(project.path("django-app/core/migrations/__init__.py"), "");
    fs.writeFileSync(
      project.path("django-app/core/migrations/0001_e2e_broken.py"),
      "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL('SELECT * FROM e2e_missing_table')]\n",
    );
    const { result, polled } = await underLoad("deploy");
    fs.rmSync(project.path("django-app/core/migrations"), { recursive: true });
    expect(result.code).toBe(1);
    expect(result.output).toContain("run the migrations failed");
    expect(result.output).toContain('relation "e2e_missing_table" does not exist');
    expectNoDrops(polled, prefix);
    expectNoStrays(result.output);
  });

  step("a build that fails shows pip's error, and the old release keeps serving", async () => {
    const restore = edit("django-app/requirements.txt", "\ne2e-no-such-package-anywhere==9.9.9\n");
    const { result, polled } = await underLoad("deploy");
    restore();
    expect(result.code).toBe(1);
    expect(result.output).toContain("build the app image failed");
    expect(result.output).toMatch(/No matching distribution found for e2e-no-such-package-anywhere/);
    expectNoDrops(polled, prefix);
    expectNoStrays(result.output);
  });

  step("SIGINT during a deploy leaves the old release serving; the next deploy completes", async () => {
    const restore = edit(
      "django-app/config/wsgi.py",
      "\nimport time\ntime.sleep(20)  # a slow start, to interrupt\n",
    );
    const poll = startPolling(url);
    const result = await project.cli("deploy", ["--auto-approve"], {}, (child) => {
      // interrupt once the new release is starting
      let seen = "";
      child.stderr?.on("data", (d: Buffer) => {
        seen += d.toString();
        if (/start the new release/.test(seen) && !child.killed) setTimeout(() => child.kill("SIGINT"), 1500);
      });
    });
    restore();
    const polled = await poll.stop();
    expect(result.code).toBe(130);
    expect(result.output).toContain("the previous release keeps serving");
    expectNoDrops(polled, prefix);
    expectNoStrays(result.output);
    const next = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(next);
    expect((await httpStatus(url)).status).toBe(200);
  });

  step(
    "the CLI killed (SIGKILL) mid-deploy: Terraform finishes its apply, the next deploy waits for it and completes",
    async () => {
      const restore = edit(
        "django-app/config/wsgi.py",
        "\nimport time\ntime.sleep(8)  # a slow start, to kill into\n",
      );
      const poll = startPolling(url);
      const killed = await project.cli("deploy", ["--auto-approve"], {}, (child) => {
        let seen = "";
        child.stderr?.on("data", (d: Buffer) => {
          seen += d.toString();
          if (/start the new release/.test(seen) && !child.killed)
            setTimeout(() => child.kill("SIGKILL"), 1000);
        });
      });
      expect(killed.code).not.toBe(0);
      restore();
      const next = await project.cli("deploy", ["--auto-approve"]);
      const polled = await poll.stop();
      expectSuccess(next);
      expect(next.output).toMatch(/waiting for the Terraform run \(pid \d+\) of an interrupted command/);
      expectNoDrops(polled, prefix);
      expectNoStrays(next.output);
      expect((await httpStatus(url)).status).toBe(200);
      const diff = await project.cli("diff");
      expectSuccess(diff);
      expect(diff.output).not.toMatch(/to add|to destroy/);
    },
  );

  step("rollback switches to the previous release's kept image in seconds, dropping no request", async () => {
    const restore = edit("django-app/core/views.py", "\nRELEASE_MARK = 3\n");
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
    restore();
    const current = execDocker(["inspect", "-f", "{{.Config.Image}}", project.webContainer()]);
    const { result, polled } = await underLoad("rollback");
    expectSuccess(result);
    figures.push(
      `rollback: ${result.seconds.toFixed(1)} s, ${polled.failed} failed of ${polled.ok + polled.failed}`,
    );
    expect(result.output).toMatch(/rolling back to \S+:served-\d{8}-\d{6} \(from \S+:src-[0-9a-f]{12}\)/);
    expect(result.output).toContain("use the release's image (no build)");
    expect(result.output).not.toContain("build the app image");
    expectNoDrops(polled, prefix);
    expect(execDocker(["inspect", "-f", "{{.Config.Image}}", project.webContainer()])).not.toBe(current);
    // only the images of the releases kept (RELEASES_KEPT, 3) remain: none of the failed builds
    const repo = `${prefix}-${STACK}-web`;
    const ids = execDocker(["image", "ls", repo, "--format", "{{.ID}}"])
      .split("\n")
      .filter((t) => t !== "");
    expect(new Set(ids).size).toBeLessThanOrEqual(3);
  });

  step(
    "read-only commands change nothing: the database stopped by hand stays, and diff reports it",
    async () => {
      const db = `${prefix}-${STACK}-db`;
      const id = execDocker(["inspect", "-f", "{{.Id}}", db]);
      execDocker(["stop", db]);
      try {
        for (const command of ["diff", "output"]) {
          const r = await project.cli(command);
          expectSuccess(r);
          expect(execDocker(["inspect", "-f", "{{.Id}} {{.State.Status}}", db])).toBe(`${id} exited`);
        }
        const diff = await project.cli("diff");
        expect(diff.output).toContain(`drift: ${db} is exited`);
        expect(diff.output).toMatch(/must_run\s+= false -> true/);
      } finally {
        execDocker(["start", db]);
      }
    },
  );

  step("HTTPS with the internal CA: HTTPS answers 200 with the exported root, HTTP redirects", async () => {
    const httpsPort = await freePort();
    project.writeEnv({
      ...baseEnv,
      DOMAIN: "app.e2e.test",
      TLS_MODE: "internal",
      APP_HTTPS_PORT: String(httpsPort),
    });
    const deploy = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(deploy);
    expect(deploy.output).toContain(`https://app.e2e.test:${httpsPort}/`);
    const out = await project.cli("output");
    const exportCommand = /proxy_root_ca = (docker cp \S+ \.\/root\.crt)/.exec(out.output)?.[1];
    expect(exportCommand).toBeDefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "root-ca-"));
    const ca = path.join(dir, "root.crt");
    execDocker(["cp", `${prefix}-${STACK}-proxy:/data/caddy/pki/authorities/local/root.crt`, ca]);
    const curl = (args: string[]) =>
      run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", ...args]);
    const https = await curl([
      "--cacert",
      ca,
      "--resolve",
      `app.e2e.test:${httpsPort}:127.0.0.1`,
      `https://app.e2e.test:${httpsPort}/`,
    ]);
    expect(https.stdout).toBe("200 ");
    const admin = await curl([
      "--cacert",
      ca,
      "--resolve",
      `app.e2e.test:${httpsPort}:127.0.0.1`,
      `https://app.e2e.test:${httpsPort}/admin/login/`,
    ]);
    expect(admin.stdout).toBe("200 ");
    const http = await curl(["-H", "Host: app.e2e.test", `${url}some/path?q=1`]);
    expect(http.stdout).toBe("308 https://app.e2e.test/some/path?q=1");
    // Django's own deployment check, as the app runs: only the HSTS subdomain and preload choices remain
    const check = (
      await run("docker", [
        "exec",
        project.webContainer(),
        "docker-entrypoint",
        "manage",
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
      ])
    ).output;
    const warnings = [...check.matchAll(/\(security\.(W\d+)\)/g)].map((m) => m[1]).sort();
    expect(warnings).toEqual(["W005", "W021"]);
    fs.rmSync(dir, { recursive: true, force: true });
    project.writeEnv(baseEnv);
  });
});
