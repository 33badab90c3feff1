// Three suites: `unit` (fast, no Docker, run by `npm test`), `docker` (builds and runs the real
// images in a real engine) and `e2e` (drives the real CLI against the engine). TypeScript is
// transpiled by sucrase, the same transpiler the app and the scripts run with; `tsc --noEmit`
// type-checks everything in the test command.
const base = {
  testEnvironment: "node",
  transform: { "\\.ts$": "@sucrase/jest-plugin" },
  setupFilesAfterEnv: ["<rootDir>/test/setup.ts"],
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: "unit",
      testMatch: ["<rootDir>/test/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/docker/", "<rootDir>/test/e2e/"],
    },
    { ...base, displayName: "docker", testMatch: ["<rootDir>/test/docker/**/*.test.ts"] },
    { ...base, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
  ],
};
