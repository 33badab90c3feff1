import { RestartPolicyRequired } from "../../../constructs/policy/restart-policy-required";
import { findings } from "../../support/policy";

describe("[restart-policy-required]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    expect(findings(new RestartPolicyRequired(), {})).toEqual([]);
    expect(findings(new RestartPolicyRequired(), { restart: undefined, mustRun: false })).toEqual([]);
    expect(findings(new RestartPolicyRequired(), { restart: "no" })[0]).toMatch(
      /\[restart-policy-required\] t\/C has restart policy "no"/,
    );
  });
});
