/**
 * DEPLOY_TARGET=swarm on the real engine: a single-node swarm (made here when the engine is in
 * none, and left again afterwards), the app replicated behind the proxy, scaled, redeployed under a
 * client polling `/` about 20 times a second, a release that cannot start rolled back by the swarm
 * while the old one serves, a failing migration stopping the rollout, the day-2 commands, no
 * secret in the configuration, the state or the services, and destroy keeping the data.
 *
 * Host-mode ports: the routing mesh needs IPVS, which this kernel lacks. Skipped, with the reason
 * printed, where the toolchain is missing or the engine cannot run a swarm.
 */
import * as fs from "fs";
import { execDocker, execDockerOk, removeDockerObjects } from "../../scripts/lib/docker";
import { httpStatus } from "../../scripts/lib/http";
import { Project, Toolchain, detectToolchain } from "../../scripts/lib/sandbox";
import {
  SwarmUse,
  releaseSwarm,
  removeSwarmObjects,
  replicasOf,
  runningImages,
  useSwarm,
} from "../../scripts/lib/swarm";
import {
  expectNoDrops,
  expectSuccess,
  psql,
  standInProject,
  editFile,
  underLoad as underLoadOf,
} from "../support/e2e";

jest.setTimeout(30 * 60_000);

const STACK = "swarm14";
const toolchain: Toolchain = detectToolchain();
const swarm: SwarmUse = toolchain.ok ? useSwarm() : { ok: false, reason: "no toolchain" };
if (!toolchain.ok) console.warn(`e2e swarm SKIPPED: ${toolchain.reason}`);
else if (!swarm.ok) console.warn(`e2e swarm SKIPPED: ${swarm.reason}`);
const step = toolchain.ok && swarm.ok ? it : it.skip;
let project: Project;
let prefix: string;
let url: string;
let baseEnv: Record<string, string>;
const figures: string[] = [];
const names = () => ({
  web: `${prefix}-${STACK}-web`,
  db: `${prefix}-${STACK}-db`,
  proxy: `${prefix}-${STACK}-proxy`,
  data: `${prefix}-${STACK}-pgdata`,
});

beforeAll(async () => {
  if (!toolchain.ok || !swarm.ok) return;
  ({
    prefix,
    url,
    env: baseEnv,
  } = await standInProject(STACK, { DEPLOY_TARGET: "swarm", APP_REPLICAS: "2" }));
  url = `${url}/`;
  project = new Project({ toolchain, stack: STACK, dotenv: baseEnv });
});

afterAll(async () => {
  if (!toolchain.ok || !swarm.ok) return;
  if (figures.length) console.log(`e2e swarm figures (${toolchain.summary}):\n  ${figures.join("\n  ")}`);
  try {
    await project.cli("destroy", ["--auto-approve"]);
    removeSwarmObjects(`${prefix}-`);
    // the tasks' containers go a moment after their services
    for (let i = 0; i < 30 && execDocker(["ps", "-aq", "--filter", `name=${prefix}-`]) !== ""; i++)
      await new Promise((r) => setTimeout(r, 1000));
    removeDockerObjects(`${prefix}-`);
    project.remove();
  } finally {
    releaseSwarm(swarm);
  }
});

const underLoad = (command: string, args?: string[], extraEnv?: Record<string, string>) =>
  underLoadOf(project, url, command, args, extraEnv);
const edit = (file: string, text: string) => editFile(project, file, text);

describe("DEPLOY_TARGET=swarm on a single-node swarm", () => {
  step("deploy: 2 running app tasks behind the proxy, and / answers 200", async () => {
    const result = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(result);
    figures.push(`first deploy (build included): ${result.seconds.toFixed(1)} s`);
    const { web, db, proxy } = names();
    expect(replicasOf(web)).toBe("2/2");
    expect(runningImages(web)).toHaveLength(2);
    expect(replicasOf(db)).toBe("1/1");
    expect(replicasOf(proxy)).toBe("1/1");
    expect(execDocker(["service", "inspect", "--format", "{{json .Endpoint.Ports}}", proxy])).toContain(
      '"PublishMode":"host"',
    );
    const answer = await httpStatus(url);
    expect(answer.status).toBe(200);
  });

  step("a plan right after the deploy is empty, for both stacks", async () => {
    const diff = await project.cli("diff");
    expectSuccess(diff);
    expect(diff.output.match(/No changes\. Your infrastructure matches the configuration\./g)).toHaveLength(
      2,
    );
  });

  step("no secret value in the configuration, the state, the services or their containers", async () => {
    const values = project.secretValues().map((v) => v.trim());
    expect(values.length).toBeGreaterThanOrEqual(3);
    const { web, db } = names();
    const texts = [
      ...project.stacks.map((s) =>
        fs.readFileSync(project.path(`cdktf.out/${STACK}/stacks/${s}/cdk.tf.json`), "utf8"),
      ),
      ...project.stacks.map((s) => fs.readFileSync(project.path(`terraform.${s}.tfstate`), "utf8")),
      execDocker(["service", "inspect", web, db]),
      ...execDocker(["ps", "-q", "--filter", `name=${prefix}-`])
        .split("\n")
        .filter((id) => id !== "")
        .map((id) => execDocker(["inspect", id])),
    ].join("\n");
    for (const v of values) {
      for (const form of [v, Buffer.from(v).toString("base64")]) expect(texts).not.toContain(form);
    }
    // the secrets are the swarm's: named after their revision, mounted as files
    expect(execDocker(["secret", "ls", "--format", "{{.Name}}"])).toContain(
      `${prefix}-${STACK}-django_secret_key-`,
    );
  });

  step("APP_REPLICAS=3 then gives 3 tasks, without a new release", async () => {
    project.writeEnv({ ...baseEnv, APP_REPLICAS: "3" });
    const before = runningImages(names().web)[0];
    const { result, polled } = await underLoad("deploy");
    expectSuccess(result);
    figures.push(
      `scale 2 -> 3: ${result.seconds.toFixed(1)} s, ${polled.failed} failed of ${polled.ok + polled.failed}`,
    );
    expect(replicasOf(names().web)).toBe("3/3");
    expect(runningImages(names().web)).toEqual([before, before, before]);
    expect(result.output).not.toContain("run the migrations");
    expectNoDrops(polled, prefix);
  });

  step(
    "a code redeploy rolls every task to the new release and drops none of ~20 requests a second",
    async () => {
      const before = runningImages(names().web)[0];
      // kept: the next release is the broken one, which must leave this one serving
      edit("django-app/core/views.py", "\nRELEASE_MARK = 2\n");
      const { result, polled } = await underLoad("deploy");
      expectSuccess(result);
      figures.push(
        `code redeploy (3 tasks): ${result.seconds.toFixed(1)} s, ${polled.ok} requests answered, ${polled.failed} failed`,
      );
      expectNoDrops(polled, prefix);
      expect(polled.ok).toBeGreaterThan(100);
      const after = runningImages(names().web);
      expect(after).toHaveLength(3);
      expect(new Set(after).size).toBe(1);
      expect(after[0]).not.toBe(before);
    },
  );

  step(
    "a release whose app cannot start rolls back by itself, says why, and / keeps answering 200",
    async () => {
      const serving = runningImages(names().web)[0];
      const restore = edit(
        "django-app/config/wsgi.py",
        '\nraise RuntimeError("e2e swarm: the app refuses to start")\n',
      );
      const { result, polled } = await underLoad("deploy");
      restore();
      expect(result.code).toBe(1);
      expect(result.output).toContain("the swarm rolled the service back to the previous release by itself");
      expect(result.output).toContain("e2e swarm: the app refuses to start");
      expect(result.output).toContain("The previous release keeps serving");
      figures.push(
        `broken release: rolled back after ${result.seconds.toFixed(1)} s, ${polled.failed} requests failed`,
      );
      expectNoDrops(polled, prefix);
      expect(runningImages(names().web)).toEqual([serving, serving, serving]);
      expect((await httpStatus(url)).status).toBe(200);
      // the next deploy of the good code has nothing to do
      const next = await project.cli("deploy", ["--auto-approve"]);
      expectSuccess(next);
      expect(next.output).toContain("nothing to do");
    },
  );

  step("a failing migration stops the rollout with its error; the old release keeps serving", async () => {
    const serving = runningImages(names().web)[0];
    fs.mkdirSync(project.path("django-app/core/migrations"), { recursive: true });
    fs.writeFileSync(project.path("django-app/core/migrations/__init__.py"), "");
    fs.writeFileSync(
      project.path("django-app/core/migrations/0001_e2e_broken.py"),
      "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = [migrations.RunSQL('SELECT * FROM e2e_swarm_missing')]\n",
    );
    const { result, polled } = await underLoad("deploy");
    fs.rmSync(project.path("django-app/core/migrations"), { recursive: true });
    expect(result.code).toBe(1);
    expect(result.output).toContain("run the migrations failed");
    expect(result.output).toContain('relation "e2e_swarm_missing" does not exist');
    expectNoDrops(polled, prefix);
    expect(runningImages(names().web)).toEqual([serving, serving, serving]);
  });

  step("rollback rolls the previous release's kept image out, dropping no request", async () => {
    const current = runningImages(names().web)[0];
    const { result, polled } = await underLoad("rollback");
    expectSuccess(result);
    figures.push(
      `rollback: ${result.seconds.toFixed(1)} s, ${polled.failed} failed of ${polled.ok + polled.failed}`,
    );
    expect(result.output).toMatch(/rolling back to \S+:served-\d{8}-\d{6}/);
    expect(result.output).toContain("use the release's image (no build)");
    expectNoDrops(polled, prefix);
    const after = runningImages(names().web);
    expect(after).toHaveLength(3);
    expect(after[0]).not.toBe(current);
    expect(after[0]).toMatch(/:served-/);
  });

  step("the day-2 commands work on the services: status, logs, manage, backup, restore", async () => {
    const status = await project.cli("status");
    expectSuccess(status);
    expect(status.output).toMatch(new RegExp(`${names().web}\\s+3/3 running`));
    const logs = await project.cli("logs", ["--tail", "5"]);
    expectSuccess(logs);
    expect(logs.output).toContain(`${names().web}.`);
    const manage = await project.cli("manage", ["showmigrations", "contenttypes"]);
    expectSuccess(manage);
    expect(manage.output).toContain("[X] 0001_initial");
    const backup = await project.cli("backup");
    expectSuccess(backup);
    const file = /backed up to (\S+\.dump)/.exec(backup.output)?.[1];
    expect(file).toBeDefined();
    const restore = await project.cli("restore", [project.path(file!), "--yes"]);
    expectSuccess(restore);
    expect(replicasOf(names().web)).toBe("3/3");
    expect((await httpStatus(url)).status).toBe(200);
  });

  step("destroy keeps the data volume; the next deploy serves the same data", async () => {
    const db = () =>
      execDocker([
        "ps",
        "--filter",
        `label=com.docker.swarm.service.name=${names().db}`,
        "--format",
        "{{.Names}}",
      ]);
    psql(
      db(),
      "CREATE TABLE e2e_kept (v text); INSERT INTO e2e_kept VALUES ('survives')",
      "django_cdktf_admin",
    );
    const destroyed = await project.cli("destroy", ["--auto-approve"]);
    expectSuccess(destroyed);
    expect(destroyed.output).toContain(`kept the data volume ${names().data}`);
    expect(replicasOf(names().web)).toBe("");
    expect(execDockerOk(["volume", "inspect", names().data])).toBe(true);
    expect(execDocker(["secret", "ls", "--format", "{{.Name}}"])).not.toContain(`${prefix}-`);
    const again = await project.cli("deploy", ["--auto-approve"]);
    expectSuccess(again);
    expect(psql(db(), "SELECT v FROM e2e_kept", "django_cdktf_admin")).toBe("survives");
  });
});
