/**
 * The real lifecycle, in order: deploy, diff, code change, ignored change, failing migration,
 * destroy and redeploy, state hygiene, and the data-deletion opt-in, through `npm run <command>`
 * against the local Docker engine with the stand-in base images. (Releases under load and their
 * failures: releases.test.ts.)
 *
 * Skipped, with the reason printed, where the toolchain (Terraform or OpenTofu, the provider
 * mirror, a Docker engine) is missing.
 */
import * as fs from "fs";
import * as path from "path";
import { execDocker, execDockerOk, removeDockerObjects } from "../../scripts/lib/docker";
import { httpStatus } from "../../scripts/lib/http";
import { expectSuccess, psql, standInProject } from "../support/e2e";
import { detectToolchain, Project, Toolchain } from "../../scripts/lib/sandbox";

jest.setTimeout(20 * 60_000);

const STACK = "e2e";
const toolchain: Toolchain = detectToolchain();
if (!toolchain.ok) console.warn(`e2e lifecycle SKIPPED: ${toolchain.reason}`);
let project: Project;
let prefix: string;
let url: string;
let baseEnv: Record<string, string>;
const figures: string[] = [];

beforeAll(async () => {
  if (!toolchain.ok) return;
  ({ prefix, url, env: baseEnv } = await standInProject(STACK));
  project = new Project({ toolchain, stack: STACK, dotenv: baseEnv });
  console.log(`e2e lifecycle with ${toolchain.summary}, in ${project.dir}`);
});

afterAll(async () => {
  if (!toolchain.ok) return;
  if (figures.length) console.log(`e2e figures (${toolchain.summary}):\n  ${figures.join("\n  ")}`);
  project.writeEnv({ ...baseEnv, DELETE_DATA_ON_DESTROY: "true" });
  await project.cli("destroy", ["--auto-approve"]);
  removeDockerObjects(`${prefix}-`);
  execDockerOk(["rmi", upgraded()]);
  project.remove();
});

/** Runs where the toolchain is; elsewhere jest reports it as skipped (the reason is printed above). */
const step = toolchain.ok ? it : it.skip;

/** Every file below `dir`, except provider binaries that `terraform init` copied there. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .filter((f) => !f.includes(`${path.sep}.terraform${path.sep}providers${path.sep}`));
}

/** Terraform's diagnostics without their box drawing and line wrapping. */
function flat(output: string): string {
  return output.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
}

const db = () => `${prefix}-${STACK}-db`;
/** A second tag of the postgres stand-in: to Terraform, a new PostgreSQL image. */
const upgraded = () => `${baseEnv.POSTGRES_IMAGE.split(":")[0]}:${prefix}-upgrade`;
const web = () => project.webContainer();
const volume = () => `${prefix}-${STACK}-pgdata`;
const usernames = () => psql(db(), "SELECT username FROM auth_user ORDER BY 1");

describe("cdktf lifecycle against a real Docker engine", () => {
  step("1. deploy brings the stack up; the URL answers and readiness is 200", async () => {
    const result = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(result);
    figures.push(`deploy to ready (cold, image build included): ${result.seconds.toFixed(1)} s`);
    expect(result.output).toMatch(new RegExp(`${STACK}: 16 added, 0 changed, 0 destroyed`));
    expect(result.output).toMatch(new RegExp(`${STACK}-app: 5 added, 0 changed, 0 destroyed`));
    expect(result.output).toMatch(/deployed; http:\/\/127\.0\.0\.1:\d+\//);
    expect(await httpStatus(`${url}/readyz`)).toMatchObject({ status: 200 });
    expect((await httpStatus(`${url}/`)).status).toBe(200);
    expect(execDocker(["inspect", "-f", "{{.State.Health.Status}}", web()])).toBe("healthy");
  });

  step("2. diff right after reports no changes, and a second deploy is a no-op", async () => {
    const diff = await project.cli("diff");
    expectSuccess(diff);
    expect(diff.output).toContain("No changes.");
    expect(project.savedPlan()).toEqual({});
    const again = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(again);
    figures.push(`no-op deploy: ${again.seconds.toFixed(1)} s`);
    expect(again.output).toContain(`${STACK}: nothing to do`);
  });

  step("3. a one-line source change rebuilds the image and replaces the app only; rows survive", async () => {
    execDocker([
      "exec",
      "-e",
      "DJANGO_SUPERUSER_PASSWORD=e2e-password-123",
      web(),
      "docker-entrypoint",
      "manage",
      "createsuperuser",
      "--noinput",
      "--username",
      "before_change",
      "--email",
      "e2e@example.com",
    ]);
    expect(usernames()).toContain("before_change");
    const oldImage = execDocker(["inspect", "-f", "{{.Image}}", web()]);
    const dbId = execDocker(["inspect", "-f", "{{.Id}}", db()]);

    fs.appendFileSync(project.path("django-app/core/views.py"), "\nE2E_RELEASE = 2  # a one-line change\n");
    const diff = await project.cli("diff");
    expectSuccess(diff);
    const changes = project.savedPlan();
    const touched = Object.keys(changes).sort();
    expect(touched).toEqual([
      expect.stringMatching(/^docker_container\.App_Migrate_/),
      expect.stringMatching(/^docker_container\.App_Proxy_Route_/),
      expect.stringMatching(/^docker_container\.App_Web_/),
      expect.stringMatching(/^docker_image\.AppImage_/),
      expect.stringMatching(/^terraform_data\.App_Proxy_Gate_/),
    ]);
    // the new release is created before the old one is destroyed; the gate is only re-checked
    for (const [address, actions] of Object.entries(changes)) {
      expect(actions).toEqual(address.startsWith("terraform_data") ? ["update"] : ["create", "delete"]);
    }

    const deploy = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(deploy);
    figures.push(
      `redeploy after a code change: ${deploy.seconds.toFixed(1)} s, ${touched.length} resources replaced (${touched.join(", ")})`,
    );
    expect(execDocker(["inspect", "-f", "{{.Image}}", web()])).not.toBe(oldImage);
    expect(execDocker(["inspect", "-f", "{{.Id}}", db()])).toBe(dbId);
    expect(usernames()).toContain("before_change");
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
  });

  step("4. a change to a file excluded by .dockerignore changes nothing", async () => {
    fs.mkdirSync(project.path("django-app/core/tests"), { recursive: true });
    fs.appendFileSync(
      project.path("django-app/core/tests/test_e2e_ignored.py"),
      "# ignored by .dockerignore\n",
    );
    fs.writeFileSync(project.path("django-app/.env"), "DJANGO_SECRET_KEY=a-local-file-that-never-ships\n");
    const diff = await project.cli("diff");
    expectSuccess(diff);
    expect(diff.output).toContain("No changes.");
    expect(project.savedPlan()).toEqual({});
  });

  step("5. a failing migration fails the deploy with its own error; the data stays", async () => {
    fs.mkdirSync(project.path("django-app/core/migrations"), { recursive: true });
    fs.writeFileSync(project.path("django-app/core/migrations/__init__.py"), "");
    fs.writeFileSync(
      project.path("django-app/core/migrations/0001_e2e_broken.py"),
      [
        "from django.db import migrations",
        "",
        "",
        "class Migration(migrations.Migration):",
        "    operations = [migrations.RunSQL('SELECT * FROM e2e_table_that_does_not_exist')]",
        "",
      ].join("\n"),
    );
    const deploy = await project.cli("deploy", ["--auto-approve"]);
    expect(deploy.code).toBe(1);
    const message = flat(deploy.output);
    expect(message).toMatch(/run the migrations failed/);
    expect(message).toMatch(/exited with code 1/);
    expect(message).toContain('relation "e2e_table_that_does_not_exist" does not exist');
    expect(message).toContain("The previous release keeps serving");
    expect((await httpStatus(`${url}/`)).status).toBe(200);
    expect(execDocker(["inspect", "-f", "{{.State.Running}}", db()])).toBe("true");
    expect(usernames()).toContain("before_change");

    // the fix is the next commit: remove the migration and deploy again
    fs.rmSync(project.path("django-app/core/migrations"), { recursive: true });
    const fixed = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(fixed);
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
    expect(usernames()).toContain("before_change");
  });

  step(
    "6. destroy removes the containers and keeps the data volume; a new deploy finds the rows",
    async () => {
      const web = project.webContainer();
      const destroy = await project.cli("destroy", ["--auto-approve"]);
      expectSuccess(destroy);
      expect(execDockerOk(["inspect", db()])).toBe(false);
      expect(execDockerOk(["inspect", web])).toBe(false);
      expect(execDockerOk(["inspect", `${prefix}-${STACK}-proxy`])).toBe(false);
      expect(execDockerOk(["volume", "inspect", volume()])).toBe(true);
      expect(destroy.output).toContain(`kept the data volume ${volume()}`);
      // the release history's tags go with the environment
      expect(execDocker(["image", "ls", `${prefix}-${STACK}-web`, "--format", "{{.Tag}}"])).toBe("");

      const deploy = await project.cli("deploy", ["--auto-approve"]);
      expectSuccess(deploy);
      figures.push(
        `deploy to ready onto an existing data volume (build cache warm): ${deploy.seconds.toFixed(1)} s`,
      );
      expect(usernames()).toContain("before_change");
    },
  );

  step("6b. a PostgreSQL image change replaces the database container and keeps the data", async () => {
    execDocker(["tag", baseEnv.POSTGRES_IMAGE, upgraded()]);
    const before = execDocker(["inspect", "-f", "{{.Id}}", db()]);
    project.writeEnv({ ...baseEnv, POSTGRES_IMAGE: upgraded() });
    const deploy = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(deploy);
    expect(execDocker(["inspect", "-f", "{{.Id}}", db()])).not.toBe(before);
    expect(execDocker(["inspect", "-f", "{{.Config.Image}}", db()])).toMatch(/^sha256:/);
    expect(usernames()).toContain("before_change");
    project.writeEnv(baseEnv);
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
  });

  step(
    "7. a new DATABASE_PASSWORD takes effect on the next deploy, in the database and the app",
    async () => {
      const before = project.secretValues();
      project.writeEnv({ ...baseEnv, DATABASE_PASSWORD: "a-rotated-password-for-the-e2e-suite" });
      const deploy = await project.cli("deploy", ["--auto-approve"]);
      expectSuccess(deploy);
      expect(project.secretValues()).not.toEqual(before);
      expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
      expect(usernames()).toContain("before_change");
      project.writeEnv(baseEnv); // the stored value stays: the next deploys keep it
    },
  );

  step("8. no secret value is in the state, cdktf.out, or the containers' configuration", async () => {
    // the secret key, the owner's password and the app role's password derived from it
    const secrets = project.secretValues();
    expect(secrets).toHaveLength(3);
    // and the install's hash key, which would let the state confirm a guessed secret
    secrets.push(fs.readFileSync(project.path(".secrets/.hash-key"), "utf8").trim());
    const everyContainer = execDocker([
      "ps",
      "-a",
      "--filter",
      `name=${prefix}-`,
      "--format",
      "{{.Names}}",
    ]).split("\n");
    expect(everyContainer.length).toBeGreaterThanOrEqual(7);
    const places: Record<string, string> = {
      state: fs.readFileSync(project.path(`terraform.${STACK}.tfstate`), "utf8"),
      "release state": fs.readFileSync(project.path(`terraform.${STACK}-app.tfstate`), "utf8"),
      "docker inspect": execDocker(["inspect", ...everyContainer]),
      // the saved plans are zip archives: read them the way Terraform does
      "saved plan": JSON.stringify(project.savedPlanJson()),
      "saved release plan": JSON.stringify(project.savedPlanJson(`${STACK}-app`)),
    };
    for (const file of filesUnder(project.path("cdktf.out"))) {
      places[path.relative(project.dir, file)] = fs.readFileSync(file, "latin1");
    }
    expect(Object.keys(places).some((p) => p.endsWith("cdk.tf.json"))).toBe(true);
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secrets) {
        if (text.includes(secret)) throw new Error(`a secret value is in ${place}`);
      }
    }
    // and yet the app holds them: Terraform read them from the secret files at apply time. (A
    // boolean, not toContain: a failure must not print the state into the log.)
    expect(/"source":\s*"(\.\.\/)+\.secrets\/e2e\/database_password"/.test(places.state)).toBe(true);
  });

  step("9. the data-deletion opt-in: adopting, forgetting and finally deleting the volume", async () => {
    project.writeEnv({ ...baseEnv, DELETE_DATA_ON_DESTROY: "true" });
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
    expect(usernames()).toContain("before_change"); // adopted, not recreated

    project.writeEnv(baseEnv); // opt-in withdrawn: the volume is forgotten, not destroyed
    const forget = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(forget);
    expect(forget.output).not.toMatch(/volume.*✗|Destroying.*data_volume/);
    expect(execDockerOk(["volume", "inspect", volume()])).toBe(true);
    expect(usernames()).toContain("before_change");

    project.writeEnv({ ...baseEnv, DELETE_DATA_ON_DESTROY: "true" });
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
    const destroy = await project.cli("destroy", ["--auto-approve"]);
    expectSuccess(destroy);
    expect(execDockerOk(["volume", "inspect", volume()])).toBe(false);
    expect(destroy.output).not.toContain("kept the data volume");
  });
});
