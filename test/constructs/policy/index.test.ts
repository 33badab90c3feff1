import { errorsOf } from "../../support/policy";
import { makeStack } from "../../support/stack";

describe("the whole stack", () => {
  it("passes every rule as built", () => {
    expect(errorsOf(makeStack())).toEqual([]);
  });

  it("reports a rule broken through an escape hatch, at synth, with the rule id", () => {
    const stack = makeStack();
    stack.service.web.restart = "no";
    stack.service.web.user = "0";
    expect(errorsOf(stack)).toEqual([
      '[restart-policy-required] dev/App/Web has restart policy "no"; set restart = "unless-stopped"',
      '[app-not-root] dev/App/Web runs as root (user "0"); run it as a non-root uid:gid',
    ]);
  });
});
