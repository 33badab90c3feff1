import { NoPrivileged } from "../../../constructs/policy/no-privileged";
import { findings } from "../../support/policy";

describe("[no-privileged]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    expect(findings(new NoPrivileged(), { capabilities: { drop: ["ALL"], add: ["CAP_CHOWN"] } })).toEqual([]);
    expect(findings(new NoPrivileged(), { privileged: true })[0]).toMatch(
      /\[no-privileged\] t\/C is privileged/,
    );
    expect(findings(new NoPrivileged(), { capabilities: { add: ["SYS_ADMIN"] } })[0]).toMatch(
      /adds capability SYS_ADMIN/,
    );
    expect(findings(new NoPrivileged(), { networkMode: "host" })[0]).toMatch(/network_mode = "host"/);
  });
});
