import { RemovedBlocks } from "../../constructs";
import { bareStack } from "../support/constructs";
import { synthJson } from "../support/stack";

describe("RemovedBlocks", () => {
  it("collects every address once, from any construct, into the stack's removed blocks", () => {
    const stack = bareStack();
    RemovedBlocks.of(stack).forget("docker_volume.a");
    RemovedBlocks.of(stack).forget("docker_volume.b");
    RemovedBlocks.of(stack).forget("docker_volume.a");
    expect(synthJson(stack).removed).toEqual([
      { from: "docker_volume.a", lifecycle: { destroy: false } },
      { from: "docker_volume.b", lifecycle: { destroy: false } },
    ]);
  });

  it("renders nothing when nothing was forgotten", () => {
    const stack = bareStack();
    RemovedBlocks.of(stack);
    expect(synthJson(stack).removed).toBeUndefined();
  });
});
