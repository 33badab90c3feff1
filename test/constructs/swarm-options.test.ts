import { goDuration, rolling, serviceLimits } from "../../constructs";

describe("swarm options", () => {
  it("writes durations as the provider reads a service's back", () => {
    expect([0, 5, 30, 60, 90, 600, 3600, 3661].map(goDuration)).toEqual([
      "0s",
      "5s",
      "30s",
      "1m",
      "1m30s",
      "10m",
      "1h",
      "1h1m1s",
    ]);
  });

  it("gives limits in the swarm's units: bytes and nano CPUs", () => {
    expect(serviceLimits(512, 1.5)).toEqual({ limits: { memoryBytes: 536870912, nanoCpus: 1_500_000_000 } });
    expect(serviceLimits(64, 0.01).limits?.nanoCpus).toBe(10_000_000);
  });

  it("rolls one task at a time, with the failure ratio as the provider reads it back", () => {
    expect(rolling("start-first", "rollback", 5)).toEqual({
      parallelism: 1,
      delay: "0s",
      order: "start-first",
      failureAction: "rollback",
      monitor: "5s",
      maxFailureRatio: "0.0",
    });
  });
});
