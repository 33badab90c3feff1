import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Context, recover } from "../../../scripts/cli/commands";
import { StateJson, recordedContainerIds, recoverState } from "../../../scripts/cli/recover";

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  schema_version: 2,
  attributes: { id: `id-${name}`, name, must_run: true, exit_code: null, ...extra },
});

function state(resources: StateJson["resources"]): StateJson {
  return { version: 4, serial: 7, lineage: "l", resources };
}

describe("recovering the state after a failed release", () => {
  it("makes the serving (deposed) app container current again and removes the new one", () => {
    const recovery = recoverState(
      state([
        {
          mode: "managed",
          type: "docker_container",
          name: "App_Web_1",
          instances: [
            { ...container("web-new"), status: "tainted" },
            { ...container("web-old"), deposed: "abcd1234" },
          ],
        },
      ]),
    );
    expect(recovery.state?.serial).toBe(8);
    expect(recovery.state?.resources?.[0].instances).toEqual([container("web-old")]);
    expect(recovery.removeContainers).toEqual([
      { id: "id-web-new", name: "web-new", address: "docker_container.App_Web_1" },
    ]);
  });

  it("un-deposes the previous object when the new one was never created (a failed precondition)", () => {
    const recovery = recoverState(
      state([
        {
          mode: "managed",
          type: "docker_container",
          name: "App_Web_1",
          instances: [{ ...container("web-old"), deposed: "x" }],
        },
      ]),
    );
    expect(recovery.state?.resources?.[0].instances).toEqual([container("web-old")]);
    expect(recovery.removeContainers).toEqual([]);
  });

  it("forgets a one-shot that failed, so the next deploy runs it again", () => {
    const recovery = recoverState(
      state([
        {
          mode: "managed",
          type: "docker_container",
          name: "App_Migrate_1",
          instances: [container("migrate-1", { must_run: false, exit_code: 1 })],
        },
        {
          mode: "managed",
          type: "docker_container",
          name: "Ok",
          instances: [container("ok", { must_run: false, exit_code: 0 })],
        },
      ]),
    );
    expect(recovery.state?.resources?.map((r) => r.name)).toEqual(["Ok"]);
    expect(recovery.removeContainers.map((c) => c.name)).toEqual(["migrate-1"]);
  });

  it("keeps images on the host: a restored image only changes the state", () => {
    const recovery = recoverState(
      state([
        {
          mode: "managed",
          type: "docker_image",
          name: "AppImage_1",
          instances: [{ attributes: { id: "new" } }, { attributes: { id: "old" }, deposed: "d" }],
        },
      ]),
    );
    expect(recovery.state?.resources?.[0].instances).toEqual([{ attributes: { id: "old" } }]);
    expect(recovery.removeContainers).toEqual([]);
  });

  it("changes nothing when nothing failed", () => {
    const clean = state([
      { mode: "managed", type: "docker_container", name: "Db", instances: [container("db")] },
    ]);
    expect(recoverState(clean)).toEqual({ removeContainers: [], notes: [] });
  });

  it("refuses a state format it does not know", () => {
    expect(() => recoverState({ version: 3, serial: 1 })).toThrow(/format version 3/);
  });
});

describe("the containers a state records", () => {
  it("are every docker_container's current and deposed objects, and nothing else", () => {
    const recorded = recordedContainerIds(
      state([
        {
          mode: "managed",
          type: "docker_container",
          name: "App_Web_1",
          instances: [
            { ...container("web-new"), status: "tainted" },
            { ...container("web-old"), deposed: "d" },
          ],
        },
        {
          mode: "managed",
          type: "docker_image",
          name: "AppImage_1",
          instances: [{ attributes: { id: "img" } }],
        },
        { mode: "data", type: "docker_container", name: "Read", instances: [container("read")] },
      ]),
    );
    expect([...recorded].sort()).toEqual(["id-web-new", "id-web-old"]);
  });

  it("are none without a state (an interrupted first deploy)", () => {
    expect(recordedContainerIds(undefined).size).toBe(0);
  });
});

describe("recover after a failed apply, with a state that cannot be read at first", () => {
  let dir: string;
  let errors: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "recover-"));
    errors = [];
    spy = jest.spyOn(process.stderr, "write").mockImplementation((text) => {
      errors.push(String(text));
      return true;
    });
  });
  afterEach(() => {
    spy.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A stand-in Terraform whose `state pull` fails `failures` times, then prints an empty state. */
  function fakeTerraform(failures: number): Context {
    const binary = path.join(dir, "terraform");
    fs.writeFileSync(
      binary,
      [
        "#!/bin/sh",
        `n=$(cat "${dir}/count" 2>/dev/null || echo 0); echo $((n + 1)) > "${dir}/count"`,
        `if [ "$n" -lt ${failures} ]; then echo "Error: state busy" >&2; exit 1; fi`,
        "exit 0",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    return { runner: { binary, env: process.env } } as unknown as Context;
  }
  const calls = () => Number(fs.readFileSync(path.join(dir, "count"), "utf8"));

  it("reads it again until it can", async () => {
    await recover(fakeTerraform(2), dir, "dev-app");
    expect(calls()).toBe(3);
    expect(errors.join("")).not.toMatch(/could not read the state/);
  });

  it("says so, with Terraform's reason and where to look, when it never can", async () => {
    await recover(fakeTerraform(99), dir, "dev-app");
    expect(calls()).toBe(4);
    expect(errors.join("")).toMatch(
      /dev-app: could not read the state to clean up after the failed release \(Error: state busy\); containers of the failed release may be left: docker ps -a --filter label=django-cdktf.stack=dev-app/,
    );
  }, 20_000);
});
