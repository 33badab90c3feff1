/**
 * After an interrupted apply, the containers of the stack that Terraform never recorded are
 * removed, on the real engine: only those created since the apply began, only this stack's and
 * prefix's, never a recorded one, never a Swarm task's.
 */
import { randomBytes } from "crypto";
import {
  execDocker,
  execDockerOk,
  mustDocker,
  prepareEngine,
  removeDockerObjects,
} from "../../scripts/lib/docker";
import { removeUnrecordedContainers } from "../../scripts/cli/strays";

jest.setTimeout(5 * 60_000);

const run = `strays${randomBytes(3).toString("hex")}`;
const stack = `${run}-app`;
let image = "";

beforeAll(async () => {
  image = (await prepareEngine()).python;
});

afterAll(() => removeDockerObjects(`${run}-`));

/** Creates (does not start) a container; returns its full id. */
async function create(name: string, labels: Record<string, string>): Promise<string> {
  const args = Object.entries(labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
  return (await mustDocker("create", "--name", name, ...args, image, "true")).trim();
}

const exists = (name: string) => execDockerOk(["inspect", name]);

describe("removing what an interrupted apply created but never recorded", () => {
  it("removes only the unrecorded containers of this stack created since the apply began", async () => {
    const own = { "django-cdktf.stack": stack };
    await create(`${run}-old-stray`, own);
    await new Promise((r) => setTimeout(r, 2500));
    const since = Date.now();
    const recorded = await create(`${run}-web-recorded`, own);
    await create(`${run}-web-new`, own);
    await create(`${run}-migrate-new`, own);
    await create(`${run}-task`, { ...own, "com.docker.swarm.task.id": "t1" });
    await create(`${run}-other-stack`, { "django-cdktf.stack": `${run}-else` });
    await create(`${run}x-other-prefix`, own);

    const removed = removeUnrecordedContainers(stack, run, new Set([recorded]), since);

    expect(removed.sort()).toEqual([`${run}-migrate-new`, `${run}-web-new`]);
    for (const gone of removed) expect(exists(gone)).toBe(false);
    for (const kept of [
      `${run}-old-stray`,
      `${run}-web-recorded`,
      `${run}-task`,
      `${run}-other-stack`,
      `${run}x-other-prefix`,
    ])
      expect(exists(kept)).toBe(true);
    execDocker(["rm", "-f", `${run}x-other-prefix`]);
  });
});
