/**
 * Existing deployments upgrade in place: a stack deployed by the previous release (the code at
 * PREVIOUS, provider 3.6.2, the app in the environment's stack) is upgraded to this code (provider
 * 4.5.0, the construct library's addresses, the app in a release stack behind the proxy). The plan
 * replaces neither the database container nor its data volume (the volume's address moves), the
 * deploy succeeds, and the rows are still there. (The app moves behind the proxy once, with a short
 * interruption: the proxy takes over the port the first release's app published.)
 *
 * Skipped, with the reason printed, where the toolchain is missing, or where the provider mirror
 * holds no 3.6.2 for the previous release.
 */
import * as fs from "fs";
import * as path from "path";
import { execDocker, execDockerOk, removeDockerObjects, standInImages } from "../../scripts/lib/docker";
import { httpStatus } from "../../scripts/lib/http";
import { expectSuccess, psql } from "../support/e2e";
import { Project, REPO, Toolchain, detectToolchain, freePort, releaseTree } from "../../scripts/lib/sandbox";

jest.setTimeout(20 * 60_000);

/** The last release before the construct library (the layout this test upgrades from). */
const PREVIOUS = "faf97b5";
const STACK = "up";

const toolchain: Toolchain = detectToolchain();
const mirror362 =
  toolchain.ok &&
  toolchain.mirror !== undefined &&
  fs
    .readdirSync(toolchain.mirror)
    .some((host) => fs.existsSync(path.join(toolchain.mirror!, host, "kreuzwerker", "docker", "3.6.2")));
const tree = toolchain.ok && mirror362 ? releaseTree(PREVIOUS) : undefined;
const previous = tree && "dir" in tree ? tree.dir : undefined;
const reason = !toolchain.ok
  ? toolchain.reason
  : !mirror362
    ? "the provider mirror holds no kreuzwerker/docker 3.6.2, which the previous release requires"
    : tree && "reason" in tree
      ? tree.reason
      : undefined;
if (reason) console.warn(`e2e upgrade SKIPPED: ${reason}`);
const step = reason ? it.skip : it;

let project: Project;
let env: Record<string, string> = {};
let proxyImage = "caddy:2.10";
let prefix: string;
let url: string;

const db = () => `${prefix}-${STACK}-db`;
const rows = () => psql(db(), "SELECT note FROM upgrade_probe ORDER BY 1");

beforeAll(async () => {
  if (reason || !toolchain.ok || !previous) return;
  const images = await standInImages();
  const port = await freePort();
  prefix = `up${process.pid}`;
  url = `http://127.0.0.1:${port}`;
  env = {
    ENVIRONMENTS: STACK,
    PROJECT_NAME: prefix,
    APP_PORT: String(port),
    PYTHON_IMAGE: images.python,
    POSTGRES_IMAGE: images.postgres,
    // the opted-in volume is a managed resource whose address moves with the library
    DELETE_DATA_ON_DESTROY: "true",
  };
  proxyImage = images.caddy ?? "caddy:2.10";
  project = new Project({
    toolchain,
    stack: STACK,
    from: previous,
    nodeModules: path.join(previous, "node_modules"),
    dotenv: env,
  });
});

afterAll(async () => {
  if (reason || !project) return;
  await project.cli("destroy", ["--auto-approve"]);
  removeDockerObjects(`${prefix}-`);
  project.remove();
  if (previous) fs.rmSync(previous, { recursive: true, force: true });
});

describe("upgrading a stack deployed by the previous release", () => {
  step("the previous release deploys, and the database gets a row", async () => {
    expectSuccess(await project.cli("deploy", ["--auto-approve"]));
    expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
    psql(db(), "CREATE TABLE upgrade_probe (note text); INSERT INTO upgrade_probe VALUES ('kept')");
    expect(rows()).toBe("kept");
  });

  step("the new code plans no replacement of the database and moves, not replaces, its volume", async () => {
    const dbId = execDocker(["inspect", "-f", "{{.Id}}", db()]);
    project.copyCode(REPO);
    project.writeEnv({ ...env, PROXY_IMAGE: proxyImage });
    const diff = await project.cli("diff");
    expectSuccess(diff);
    const plan = project.savedPlanJson();
    const changes = (plan.resource_changes ?? []).filter((rc) => rc.change.actions.join() !== "no-op");
    console.log(
      `upgrade plan:\n  ${changes.map((rc) => `${rc.change.actions.join("+")} ${rc.address}`).join("\n  ")}`,
    );
    const touched = (pattern: RegExp) => changes.filter((rc) => pattern.test(rc.address));
    // no volume is deleted or replaced (the previous release's secrets volume is forgotten)
    for (const rc of touched(/^docker_volume\./)) {
      expect({ address: rc.address, actions: rc.change.actions }).toEqual({
        address: rc.address,
        actions: expect.not.arrayContaining(["delete"]),
      });
    }
    // The database container is replaced once, and the plan says so: it now runs with the
    // socket-only administrator and mounts only its own secrets (the least-privilege roles). Its
    // data volume stays as it is.
    expect(touched(/^docker_container\.Database_Container_/).map((rc) => rc.change.actions)).toEqual([
      ["delete", "create"],
    ]);
    const volume = (plan.resource_changes ?? []).find(
      (rc) => rc.address === "docker_volume.Database_data_volume",
    ) as { previous_address?: string; change: { actions: string[] } } | undefined;
    expect(volume).toMatchObject({
      previous_address: "docker_volume.data_volume",
      change: { actions: ["no-op"] },
    });
    // a diff changes nothing
    expect(execDocker(["inspect", "-f", "{{.Id}}", db()])).toBe(dbId);
  });

  step(
    "the upgrade deploys, keeps the data volume and the rows, moves the roles, and a second diff is clean",
    async () => {
      expectSuccess(await project.cli("deploy", ["--auto-approve"]));
      // the same data: the rows written by the previous release (the plan moved the volume, see above)
      expect(rows()).toBe("kept");
      // the previous release's app role was the superuser initdb made: it steps aside (no login),
      // the owner and the app role are no superusers, administration is over the socket only
      expect(
        psql(
          db(),
          "SELECT rolname || ':' || rolsuper || ':' || rolcanlogin FROM pg_roles WHERE rolname LIKE 'django%' ORDER BY 1",
        ),
      ).toBe(
        [
          "django:false:true",
          "django_app:false:true",
          "django_cdktf_admin:true:true",
          "django_cdktf_bootstrap:true:false",
        ].join("\n"),
      );
      expect(psql(db(), "SELECT tableowner FROM pg_tables WHERE tablename = 'upgrade_probe'")).toBe("django");
      expect((await httpStatus(`${url}/readyz`)).status).toBe(200);
      const diff = await project.cli("diff");
      expectSuccess(diff);
      expect(diff.output).toContain("No changes.");
      expect(diff.output).not.toMatch(/Plan: \d+ to add/);
      expect(execDockerOk(["volume", "inspect", `${prefix}-${STACK}-pgdata`])).toBe(true);
      // the app now runs behind the proxy, in the release stack
      expect(execDockerOk(["inspect", `${prefix}-${STACK}-proxy`])).toBe(true);
      expect(project.webContainer()).toMatch(new RegExp(`^${prefix}-${STACK}-web-[0-9a-f]{12}$`));
    },
  );
});
