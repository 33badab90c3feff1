import { AppNotRoot } from "../../../constructs/policy/app-not-root";
import { findings, labels } from "../../support/policy";

describe("[app-not-root]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    expect(findings(new AppNotRoot(), {})).toEqual([]);
    expect(findings(new AppNotRoot(), { user: "0:0", labels: labels("secrets") })).toEqual([]);
    expect(findings(new AppNotRoot(), { user: "root" })[0]).toMatch(/\[app-not-root\] t\/C runs as root/);
    expect(findings(new AppNotRoot(), { user: undefined })[0]).toMatch(/sets no user/);
  });
});
