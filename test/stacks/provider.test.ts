import { DOCKER_PROVIDER } from "../../stacks/provider-version";
import { makeStack, synthJson } from "../support/stack";

describe("the docker provider", () => {
  const json = synthJson(makeStack());

  it("is required at the version the stacks are tested with", () => {
    expect(json.terraform.required_providers.docker).toEqual({
      source: "kreuzwerker/docker",
      version: "4.5.0",
    });
    expect(DOCKER_PROVIDER.version).toBe("4.5.0");
  });

  it("writes no host into the configuration (DOCKER_HOST is read at apply time)", () => {
    expect(json.provider.docker).toEqual([{}]);
  });
});
