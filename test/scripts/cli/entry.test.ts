import { target } from "../../../scripts/cli/entry";
import { appConfigFor } from "../../support/stack";

/** dev and prod behind the entry point, staging on its own ports. */
const config = appConfigFor({
  ENVIRONMENTS: "dev,staging,prod",
  ENTRY_POINT: "shared",
  ENTRY_POINT__STAGING: "own",
  TLS_MODE: "internal",
  DOMAIN__DEV: "dev.example.com",
  DOMAIN__PROD: "shop.example.com",
  DJANGO_ALLOWED_HOSTS: "shop.example.com",
});

describe("what the entry point routes after a deploy or a destroy", () => {
  it("adds a shared environment that is deployed, keeping the ones it routes, in ENVIRONMENTS order", () => {
    expect(target(config, [], { add: "prod" })).toEqual(["prod"]);
    expect(target(config, ["prod"], { add: "dev" })).toEqual(["dev", "prod"]);
    expect(target(config, ["dev", "prod"], { add: "dev" })).toEqual(["dev", "prod"]);
  });

  it("drops an environment that is destroyed, and one no longer shared or no longer in ENVIRONMENTS", () => {
    expect(target(config, ["dev", "prod"], { remove: "dev" })).toEqual(["prod"]);
    expect(target(config, ["dev", "staging", "prod", "gone"], {})).toEqual(["dev", "prod"]);
  });

  it("never adds an environment with its own ports", () => {
    expect(target(config, ["prod"], { add: "staging" })).toEqual(["prod"]);
  });
});
