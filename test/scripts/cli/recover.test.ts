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
