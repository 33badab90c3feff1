/**
 * Day-2 commands on a real engine, in the order an operator meets them, all without a terminal
 * (stdin closed, output piped, as in CI): status, logs, manage, backup, then a disaster (destroy
 * with the data volume deleted), a fresh deploy and a restore that brings the rows back.
 *
 * Skipped, with the reason printed, where the toolchain (Terraform or OpenTofu, the provider
 * mirror, a Docker engine) is missing.
 */
import * as fs from "fs";
import * as path from "path";
import { execDockerOk, removeDockerObjects } from "../../scripts/lib/docker";
import { httpStatus } from "../../scripts/lib/http";
import { expectSuccess, psql, standInProject } from "../support/e2e";
import { detectToolchain, Project, Toolchain } from "../../scripts/lib/sandbox";

jest.setTimeout(20 * 60_000);

const STACK = "ops";
const toolchain: Toolchain = detectToolchain();
if (!toolchain.ok) console.warn(`e2e day-2 SKIPPED: ${toolchain.reason}`);
const step = toolchain.ok ? it : it.skip;

let project: Project;
let prefix: string;
let url: string;
let baseEnv: Record<string, string>;

beforeAll(async () => {
  if (!toolchain.ok) return;
  ({ prefix, url, env: baseEnv } = await standInProject(STACK));
  project = new Project({ toolchain, stack: STACK, dotenv: baseEnv });
});

afterAll(async () => {
  if (!toolchain.ok) return;
  project.writeEnv({ ...baseEnv, DELETE_DATA_ON_DESTROY: "true" });
  await project.cli("destroy", ["--auto-approve"]);
  removeDockerObjects(`${prefix}-`);
  project.remove();
});

const db = () => `${prefix}-${STACK}-db`;
const volume = () => `${prefix}-${STACK}-pgdata`;
const usernames = () => psql(db(), "SELECT username FROM auth_user ORDER BY 1");
const noStackTrace = (output: string) => expect(output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

describe("day-2 commands on a real engine, without a terminal", () => {
  step("deploy without --auto-approve and without a terminal refuses, and says why", async () => {
    const refused = await project.cli("deploy");
    expect(refused.code).toBe(2);
    expect(refused.output).toMatch(/--auto-approve/);
    noStackTrace(refused.output);
  });

  step("deploy with --auto-approve prints plain progress lines and the URL", async () => {
    const deploy = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(deploy);
    // no spinner frames, no cursor movement: line-by-line progress a CI log can show
    expect(deploy.output).not.toContain("\u001b[");
    expect(deploy.output).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(deploy.output).toMatch(/✓ start PostgreSQL \(Database\/Container\)/);
    expect(deploy.output).toContain(`${STACK}: deployed; ${url}/`);
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
  });

  step("status shows each container with its health, the release, the image and the URL", async () => {
    const status = await project.cli("status");
    expectSuccess(status);
    expect(status.output).toContain(`${url}/`);
    expect(status.output).toMatch(/web\s+\S+-web-[0-9a-f]{12}\s+running, healthy/);
    expect(status.output).toMatch(new RegExp(`database\\s+${db()}\\s+running, healthy`));
    expect(status.output).toMatch(/proxy\s+\S+-proxy\s+running, healthy/);
    expect(status.output).toMatch(/release\s+[0-9a-f]{12}\s+image\s+\S+-web:/);
    expect(status.output).toContain(`volume ${volume()}`);
  });

  step("manage runs a management command with the release's settings and secrets", async () => {
    const created = await project.cli(
      "manage",
      [
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create_user('kept_by_backup')",
      ],
      {},
    );
    expectSuccess(created);
    expect(usernames()).toContain("kept_by_backup");
    const check = await project.cli("manage", ["check", "--deploy", "--fail-level", "ERROR"]);
    expectSuccess(check);
    // a failing command fails the CLI, with manage.py's own message
    const failing = await project.cli("manage", ["no_such_command"]);
    expect(failing.code).toBe(1);
    expect(failing.output).toMatch(/Unknown command: 'no_such_command'/);
    noStackTrace(failing.output.replace(/Traceback[\s\S]*/, ""));
  });

  step("logs shows the app's recent lines, and the database's on request", async () => {
    await httpStatus(`${url}/`);
    const logs = await project.cli("logs", ["--tail", "50"]);
    expectSuccess(logs);
    expect(logs.output).toMatch(/gunicorn|Booting worker|Listening at/i);
    const dbLogs = await project.cli("logs", ["--service", "db", "--since", "10m"]);
    expectSuccess(dbLogs);
    expect(dbLogs.output).toMatch(/database system is ready to accept connections/);
    const bad = await project.cli("logs", ["--since", "yesterday-ish"]);
    expect(bad.code).toBe(2);
    expect(bad.output).toContain("--since");
    noStackTrace(bad.output);
  });

  let dump = "";
  step("backup writes a custom-format dump with its checksum", async () => {
    const backup = await project.cli("backup");
    expectSuccess(backup);
    const dir = project.path(`backups/${STACK}`);
    const dumps = fs.readdirSync(dir).filter((f) => f.endsWith(".dump"));
    expect(dumps).toHaveLength(1);
    dump = path.join(dir, dumps[0]);
    expect(fs.readFileSync(dump).subarray(0, 5).toString()).toBe("PGDMP"); // pg_dump's custom format
    expect(fs.statSync(dump).mode & 0o077).toBe(0);
    const sum = fs.readFileSync(`${dump}.sha256`, "utf8");
    expect(sum).toMatch(new RegExp(`^[0-9a-f]{64}  ${path.basename(dump)}\\n$`));
  });

  step("the data is lost: destroy with the data volume deleted, then a fresh deploy", async () => {
    project.writeEnv({ ...baseEnv, DELETE_DATA_ON_DESTROY: "true" });
    expectSuccess(await project.cli("deploy", ["--auto-approve"])); // adopts the volume
    expectSuccess(await project.cli("destroy", ["--auto-approve"]));
    expect(execDockerOk(["volume", "inspect", volume()])).toBe(false);
    project.writeEnv(baseEnv);
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
    expect(usernames()).not.toContain("kept_by_backup");
  });

  step("restore refuses without --yes, and a damaged dump, before touching anything", async () => {
    const refused = await project.cli("restore", [dump]);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain("--yes");
    const damaged = project.path("damaged.dump");
    fs.copyFileSync(dump, damaged);
    fs.copyFileSync(`${dump}.sha256`, `${damaged}.sha256`);
    fs.appendFileSync(damaged, "x");
    const bad = await project.cli("restore", [damaged, "--yes"]);
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/does not match its checksum/);
    noStackTrace(bad.output);
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
  });

  step("restore --yes brings the rows back and the app serves again", async () => {
    const restored = await project.cli("restore", [dump, "--yes"]);
    expectSuccess(restored);
    expect(usernames()).toContain("kept_by_backup");
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
    // the app's role still reads and writes what the restore created
    const again = await project.cli("manage", [
      "shell",
      "-c",
      "from django.contrib.auth.models import User; User.objects.create_user('after_restore')",
    ]);
    expectSuccess(again);
    expect(usernames()).toContain("after_restore");
  });
});
