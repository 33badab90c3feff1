import { Testing } from "cdktf";
import { Network } from "@cdktf/provider-docker/lib/network";
import { AppNetwork } from "../../constructs";
import { bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

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

describe("AppNetwork on a swarm (driver overlay)", () => {
  it("makes two attachable overlay networks, the database's internal", () => {
    const stack = bareStack();
    const network = new AppNetwork(stack, "Network", { namePrefix: "t", driver: "overlay" });
    const json = synthJson(stack);
    expect(resource(json, "docker_network", "Network/Backend")).toMatchObject({
      name: "t-backend",
      driver: "overlay",
      attachable: true,
      internal: true,
    });
    const frontend = resource(json, "docker_network", "Network/Frontend");
    expect(frontend).toMatchObject({ name: "t-frontend", driver: "overlay", attachable: true });
    expect(frontend.internal).toBeUndefined();
    expect(network.names).toEqual({ backend: "t-backend", frontend: "t-frontend" });
  });

  it("refuses a prefix Docker cannot name networks after", () => {
    const stack = bareStack();
    new AppNetwork(stack, "Network", { namePrefix: "Bad Name", driver: "overlay" });
    expect(validationErrors(stack).join("\n")).toMatch(/t\/Network: namePrefix must be a Docker object name/);
  });
});

describe("AppNetwork's driver", () => {
  it("refuses a driver other than bridge or overlay, naming it", () => {
    const stack = bareStack();
    new AppNetwork(stack, "Network", { namePrefix: "t", driver: "macvlan" as "bridge" });
    expect(validationErrors(stack).join("\n")).toMatch(
      /Network: driver must be bridge or overlay.*got "macvlan"|Network: driver.*macvlan.*must be bridge or overlay/,
    );
  });
});
