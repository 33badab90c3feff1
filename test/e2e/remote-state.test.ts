/**
 * A remote state backend for real: TF_BACKEND=pg against a throwaway PostgreSQL (the stand-in
 * image, on loopback), through the same settings as everything else. The connection string comes
 * from PG_CONN_STR only, so it is in no synthesized file.
 */
import * as fs from "fs";
import { execDocker, removeDockerObjects, standInImages } from "../../scripts/lib/docker";
import { httpStatus } from "../../scripts/lib/http";
import { expectSuccess } from "../support/e2e";
import { detectToolchain, freePort, Project, Toolchain } from "../../scripts/lib/sandbox";

jest.setTimeout(15 * 60_000);

const STACK = "state";
const toolchain: Toolchain = detectToolchain();
if (!toolchain.ok) console.warn(`e2e remote state SKIPPED: ${toolchain.reason}`);
const step = toolchain.ok ? it : it.skip;

let project: Project;
let prefix: string;
let stateDb: string;
let connStr: string;
let url: string;
let localEnv: Record<string, string>;

beforeAll(async () => {
  if (!toolchain.ok) return;
  const images = await standInImages();
  prefix = `rs${process.pid}`;
  stateDb = `${prefix}-statedb`;
  const password = `state-${process.pid}-${Date.now()}`;
  const pgPort = await freePort();
  execDocker([
    "run",
    "-d",
    "--name",
    stateDb,
    "-p",
    `127.0.0.1:${pgPort}:5432`,
    "-e",
    `POSTGRES_PASSWORD=${password}`,
    "-e",
    "POSTGRES_DB=tfstate",
    images.postgres,
  ]);
  // ready when it accepts TCP connections (the first-run server listens on the socket only)
  for (let i = 0; i < 120; i++) {
    try {
      execDocker(["exec", stateDb, "pg_isready", "-h", "127.0.0.1", "-U", "postgres"]);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  connStr = `postgres://postgres:${password}@127.0.0.1:${pgPort}/tfstate?sslmode=disable`;
  const appPort = await freePort();
  url = `http://127.0.0.1:${appPort}`;
  localEnv = {
    ENVIRONMENTS: STACK,
    PROJECT_NAME: prefix,
    APP_PORT: String(appPort),
    PYTHON_IMAGE: images.python,
    POSTGRES_IMAGE: images.postgres,
    PROXY_IMAGE: images.caddy ?? "caddy:2.10",
    DELETE_DATA_ON_DESTROY: "true",
  };
  project = new Project({ toolchain, stack: STACK, dotenv: localEnv });
});

afterAll(async () => {
  if (!toolchain.ok) return;
  await project.cli("destroy", ["--auto-approve"], { PG_CONN_STR: connStr });
  removeDockerObjects(`${prefix}-`);
  project.remove();
});

describe("state in PostgreSQL (TF_BACKEND=pg)", () => {
  step("a stack deployed with local state moves to the database with --migrate-state", async () => {
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
    expect(fs.existsSync(project.path(`terraform.${STACK}.tfstate`))).toBe(true);
    project.writeEnv({ ...localEnv, TF_BACKEND: "pg" });
    // without the flag: refused, with the way out
    const refused = await project.cli("diff", [], { PG_CONN_STR: connStr });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain("--migrate-state");
    const moved = await project.cli("deploy", ["--auto-approve", "--migrate-state"], {
      PG_CONN_STR: connStr,
    });
    expectSuccess(moved);
    expect(moved.output).toContain(`${STACK}: nothing to do`);
  });

  step("deploys with the state in the database, plans no changes after, and destroys", async () => {
    const synth = await project.cli("synth");
    expect(synth.code).toBe(0);
    const config = fs.readFileSync(project.path(`cdktf.out/${STACK}/stacks/${STACK}/cdk.tf.json`), "utf8");
    expect(JSON.parse(config).terraform.backend).toEqual({ pg: { schema_name: `${prefix}_${STACK}` } });
    expect(config).not.toContain(connStr);

    const deploy = await project.cli("deploy", ["--auto-approve"], { PG_CONN_STR: connStr });
    if (deploy.code !== 0) throw new Error(deploy.output.slice(-4000));
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
    const rows = execDocker([
      "exec",
      stateDb,
      "psql",
      "-U",
      "postgres",
      "-d",
      "tfstate",
      "-tAc",
      `SELECT count(*) FROM ${prefix}_${STACK}.states WHERE data LIKE '%docker_container%'`,
    ]);
    expect(rows).toBe("1");

    const diff = await project.cli("diff", [], { PG_CONN_STR: connStr });
    expect(diff.code).toBe(0);
    expect(diff.output).toContain("No changes.");

    const destroy = await project.cli("destroy", ["--auto-approve"], { PG_CONN_STR: connStr });
    expect(destroy.code).toBe(0);
    expect(execDocker(["ps", "-a", "--filter", `name=${prefix}-${STACK}-`, "--format", "{{.Names}}"])).toBe(
      "",
    );
  });
});
