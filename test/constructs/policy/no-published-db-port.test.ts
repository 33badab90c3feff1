import { NoPublishedDbPort } from "../../../constructs/policy/no-published-db-port";
import { findings, labels } from "../../support/policy";

describe("[no-published-db-port]", () => {
  it("accepts compliant containers and reports non-compliant ones with the rule id", () => {
    const db = { labels: labels("database", true) };
    expect(findings(new NoPublishedDbPort(), db)).toEqual([]);
    expect(findings(new NoPublishedDbPort(), { ports: [{ internal: 8000, external: 8000 }] })).toEqual([]);
    expect(
      findings(new NoPublishedDbPort(), { ...db, ports: [{ internal: 5432, external: 5432 }] })[0],
    ).toMatch(/\[no-published-db-port\] t\/C publishes the database on the host/);
  });
});
