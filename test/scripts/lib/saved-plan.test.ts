import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  EXIT_SAVED_PLAN_STALE,
  SAVED_PLAN_FILES,
  SavedPlanMeta,
  decideSavedPlan,
  decideSavedPlans,
  readSavedPlanMeta,
  sha256,
  stateIdentity,
} from "../../../scripts/lib/saved-plan";

const CONFIG = sha256('{"resource":{}}');
const OTHER_CONFIG = sha256('{"resource":{"changed":true}}');
const LINEAGE = "63131c4f-0b6b-2a11-7e0e-3d1a9c4e7b21";

const meta = (overrides: Partial<SavedPlanMeta> = {}): SavedPlanMeta => ({
  version: 1,
  environment: "prod",
  stack: "prod",
  configSha256: CONFIG,
  state: { serial: 15, lineage: LINEAGE },
  changes: true,
  createdAt: "2025-01-01T00:00:00.000Z",
  ...overrides,
});

describe("decideSavedPlan: apply exactly what was reviewed, or nothing", () => {
  it("applies when the configuration and the state are the ones planned against", () => {
    expect(
      decideSavedPlan("prod", meta(), { configSha256: CONFIG, state: { serial: 15, lineage: LINEAGE } }),
    ).toEqual({
      apply: true,
      stack: "prod",
    });
  });

  it("applies a first deploy's plan while there is still no state", () => {
    const first = meta({ state: { serial: null, lineage: null } });
    expect(
      decideSavedPlan("prod", first, { configSha256: CONFIG, state: { serial: null, lineage: null } }).apply,
    ).toBe(true);
  });

  it("refuses when the configuration changed (main moved on after the review)", () => {
    const d = decideSavedPlan("prod", meta(), {
      configSha256: OTHER_CONFIG,
      state: { serial: 15, lineage: LINEAGE },
    });
    expect(d).toMatchObject({ apply: false, reason: "config changed" });
    expect(!d.apply && d.message).toBe(
      `prod: config changed: the synthesized configuration is ${OTHER_CONFIG.slice(0, 12)} now, ${CONFIG.slice(0, 12)} when planned (the code or a setting changed after the review)`,
    );
  });

  it("refuses when the state serial moved (something was applied in between)", () => {
    const d = decideSavedPlan("prod", meta(), {
      configSha256: CONFIG,
      state: { serial: 17, lineage: LINEAGE },
    });
    expect(d).toMatchObject({ apply: false, reason: "state moved" });
    expect(!d.apply && d.message).toBe(
      "prod: state moved: it is at serial 17 of lineage 63131c4f now, serial 15 of lineage 63131c4f when planned (something was applied in between)",
    );
  });

  it("refuses a state of another lineage, and a state created since a first deploy's plan", () => {
    const other = { configSha256: CONFIG, state: { serial: 15, lineage: "ffffffff-0000" } };
    expect(decideSavedPlan("prod", meta(), other)).toMatchObject({ apply: false, reason: "state moved" });
    const first = meta({ state: { serial: null, lineage: null } });
    expect(
      decideSavedPlan("prod", first, { configSha256: CONFIG, state: { serial: 1, lineage: LINEAGE } }),
    ).toMatchObject({
      apply: false,
      reason: "state moved",
    });
  });

  it("checks the configuration before the state", () => {
    const d = decideSavedPlan("prod", meta(), {
      configSha256: OTHER_CONFIG,
      state: { serial: 99, lineage: LINEAGE },
    });
    expect(d).toMatchObject({ reason: "config changed" });
  });

  it("refuses a stack without a saved plan", () => {
    expect(
      decideSavedPlan("prod-app", undefined, {
        configSha256: CONFIG,
        state: { serial: 1, lineage: LINEAGE },
      }),
    ).toMatchObject({ apply: false, reason: "missing" });
  });

  it("applies an environment only when every stack may be applied", () => {
    const current = { configSha256: CONFIG, state: { serial: 15, lineage: LINEAGE } };
    expect(
      decideSavedPlans([
        { stack: "prod", saved: meta(), current },
        { stack: "prod-app", saved: meta({ stack: "prod-app" }), current },
      ]).apply,
    ).toBe(true);
    const mixed = decideSavedPlans([
      { stack: "prod", saved: meta(), current },
      {
        stack: "prod-app",
        saved: meta({ stack: "prod-app" }),
        current: { ...current, configSha256: OTHER_CONFIG },
      },
    ]);
    expect(mixed.apply).toBe(false);
    expect(mixed.decisions.filter((d) => !d.apply).map((d) => d.stack)).toEqual(["prod-app"]);
  });

  it("has its own exit code, distinct from the CLI's 0, 1, 2 and 130", () => {
    expect(EXIT_SAVED_PLAN_STALE).toBe(3);
  });
});

describe("state identity and meta files", () => {
  it("reads serial and lineage from `terraform state pull`, and no state as null", () => {
    expect(stateIdentity(JSON.stringify({ version: 4, serial: 7, lineage: LINEAGE, resources: [] }))).toEqual(
      {
        serial: 7,
        lineage: LINEAGE,
      },
    );
    expect(stateIdentity("\n")).toEqual({ serial: null, lineage: null });
    expect(() => stateIdentity('{"version":4}')).toThrow(/no serial or lineage/);
  });

  it("reads a saved plan's meta file and says what is wrong with a bad one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "saved-plan-"));
    try {
      fs.mkdirSync(path.join(dir, "prod"));
      expect(readSavedPlanMeta(dir, "prod")).toBeUndefined();
      fs.writeFileSync(path.join(dir, "prod", SAVED_PLAN_FILES.meta), JSON.stringify(meta()));
      expect(() => readSavedPlanMeta(dir, "prod")).toThrow(/plan\.tfplan is missing beside its meta file/);
      fs.writeFileSync(path.join(dir, "prod", SAVED_PLAN_FILES.plan), "zip");
      expect(readSavedPlanMeta(dir, "prod")).toEqual(meta());
      fs.writeFileSync(path.join(dir, "prod", SAVED_PLAN_FILES.meta), JSON.stringify(meta({ stack: "dev" })));
      expect(() => readSavedPlanMeta(dir, "prod")).toThrow(
        /is not a saved plan's meta file for stack "prod"/,
      );
      fs.writeFileSync(path.join(dir, "prod", SAVED_PLAN_FILES.meta), "{");
      expect(() => readSavedPlanMeta(dir, "prod")).toThrow(/is not JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
