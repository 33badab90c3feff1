import { HealthcheckRequired } from "../../../constructs/policy/healthcheck-required";
import { findings } from "../../support/policy";

describe("[healthcheck-required]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    expect(findings(new HealthcheckRequired(), {})).toEqual([]);
    expect(findings(new HealthcheckRequired(), { healthcheck: undefined, mustRun: false })).toEqual([]);
    expect(findings(new HealthcheckRequired(), { healthcheck: undefined })[0]).toMatch(
      /\[healthcheck-required\] t\/C has no healthcheck/,
    );
    expect(findings(new HealthcheckRequired(), { wait: false })[0]).toMatch(/apply does not wait for it/);
  });
});
