import { errorsOf } from "../../support/policy";
import { makeRelease, makeStack } from "../../support/stack";

describe("the whole stack", () => {
  it("passes every rule as built", () => {
    expect(errorsOf(makeStack())).toEqual([]);
    expect(errorsOf(makeRelease())).toEqual([]);
  });

  it("reports a rule broken through an escape hatch, at synth, with the rule id", () => {
    const stack = makeRelease();
    stack.service.web.restart = "no";
    stack.service.web.user = "0";
    expect(errorsOf(stack)).toEqual([
      '[restart-policy-required] dev-app/App/Web has restart policy "no"; set restart = "unless-stopped"',
      '[app-not-root] dev-app/App/Web runs as root (user "0"); run it as a non-root uid:gid',
    ]);
  });
});
