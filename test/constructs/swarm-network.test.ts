import { SwarmNetwork } from "../../constructs";
import { bareStack } from "../support/constructs";
import { resource, synthJson, validationErrors } from "../support/stack";

describe("SwarmNetwork", () => {
  it("makes two attachable overlay networks, the database's internal", () => {
    const stack = bareStack();
    const network = new SwarmNetwork(stack, "Network", { namePrefix: "t" });
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
    new SwarmNetwork(stack, "Network", { namePrefix: "Bad Name" });
    expect(validationErrors(stack).join("\n")).toMatch(/t\/Network: namePrefix must be a Docker object name/);
  });
});
