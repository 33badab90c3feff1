import { Testing } from "cdktf";
import { Network } from "@cdktf/provider-docker/lib/network";
import { AppNetwork } from "../../constructs";
import { bareStack } from "../support/constructs";
import { synthJson, validationErrors } from "../support/stack";

describe("AppNetwork", () => {
  it("makes an internal backend and a normal frontend bridge, named after the prefix and labelled", () => {
    const stack = bareStack();
    new AppNetwork(stack, "Network", { namePrefix: "shop-dev" });
    const synthesized = Testing.synth(stack);
    expect(synthesized).toHaveResourceWithProperties(Network, {
      name: "shop-dev-backend",
      internal: true,
      driver: "bridge",
    });
    expect(synthesized).toHaveResourceWithProperties(Network, {
      name: "shop-dev-frontend",
      driver: "bridge",
    });
    const frontend = Object.values(synthJson(stack).resource.docker_network).find(
      (n) => (n as { name: string }).name === "shop-dev-frontend",
    ) as { internal?: boolean; labels: unknown[] };
    expect(frontend.internal).toBeUndefined();
    expect(frontend.labels).toContainEqual({ label: "django-cdktf.stack", value: "t" });
    expect(frontend.labels).toContainEqual({ label: "django-cdktf.role", value: "network" });
  });

  it("fails when namePrefix cannot name a Docker network, naming the construct path and the fix", () => {
    const stack = bareStack();
    new AppNetwork(stack, "Network", { namePrefix: "Shop Dev!" });
    expect(validationErrors(stack).join("\n")).toMatch(
      /t\/Network: namePrefix must be a Docker object name .*got "Shop Dev!"; use lower case letters/,
    );
  });
});
