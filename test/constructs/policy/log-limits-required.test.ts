import { LogLimitsRequired } from "../../../constructs/policy/log-limits-required";
import { findings } from "../../support/policy";

describe("[log-limits-required]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    expect(findings(new LogLimitsRequired(), {})).toEqual([]);
    expect(findings(new LogLimitsRequired(), { logDriver: "syslog", logOpts: undefined })).toEqual([]);
    expect(findings(new LogLimitsRequired(), { logDriver: undefined, logOpts: undefined })[0]).toMatch(
      /\[log-limits-required\] t\/C has no log rotation/,
    );
  });
});
