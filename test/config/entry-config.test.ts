import { buildConfig } from "../../config/build-config";
import { ENTRY_NAME } from "../../config/entry-config";
import { errors, ok } from "../support/config";

/** Two environments, both behind the shared entry point, each with its own host name. */
const sharedInput = (env: Record<string, string> = {}, a: Record<string, string> = {}) => ({
  env: { ENVIRONMENTS: "a,b", ENTRY_POINT: "shared", TLS_MODE: "internal", ...env },
  environmentFiles: {
    a: { name: ".env.a", vars: { DOMAIN: "a.example.com", ...a } },
    b: { name: ".env.b", vars: { DOMAIN: "b.example.com" } },
  },
});

describe("ENTRY_POINT", () => {
  it("is own by default: each environment keeps its own ports, and no environment uses the entry point", () => {
    const { config, warnings } = ok({});
    expect(config.stacks.map((s) => s.proxy.entryPoint)).toEqual(["own", "own"]);
    expect(config.entry).toEqual({
      projectName: "django",
      image: "caddy:2.10",
      bindAddress: "127.0.0.1",
      httpPort: 80,
      httpsPort: 443,
      sites: [],
    });
    expect(warnings).toEqual([]);
  });

  it("shared: the entry point routes each environment's host name; its URL and CSRF origin are the entry's", () => {
    const { config } = ok(sharedInput({ SHARED_HTTP_PORT: "8080", SHARED_HTTPS_PORT: "8443" }));
    expect(config.entry.sites).toEqual([
      { environment: "a", namePrefix: "django-a", domain: "a.example.com", tls: { mode: "internal" } },
      { environment: "b", namePrefix: "django-b", domain: "b.example.com", tls: { mode: "internal" } },
    ]);
    expect(config.entry).toMatchObject({ httpPort: 8080, httpsPort: 8443 });
    const a = config.stacks[0];
    expect(a.proxy).toMatchObject({ entryPoint: "shared", httpsPort: 8443, domain: "a.example.com" });
    expect(a.app.url).toBe("https://a.example.com:8443/");
    expect(a.app.csrfTrustedOrigins).toEqual(["https://a.example.com:8443"]);
    expect(a.app.secureProxySslHeader).toBe(true);
    expect(a.app.allowedHosts).toContain("a.example.com");
  });

  it("shared on 443: the URL has no port", () => {
    expect(ok(sharedInput()).config.stacks[1].app.url).toBe("https://b.example.com/");
  });

  it("runs the PROXY_IMAGE of .env or the process environment", () => {
    const { config } = ok(sharedInput({ PROXY_IMAGE: "mirror.example:5000/caddy:2.10" }));
    expect(config.entry.image).toBe("mirror.example:5000/caddy:2.10");
  });

  it("fails when ENTRY_POINT is neither own nor shared", () => {
    expect(errors({ env: { ENTRY_POINT: "both" } })).toContainEqual(
      'ENTRY_POINT must be own or shared, got "both" (set in environment for environment "dev")',
    );
  });

  it("fails when a shared environment has no DOMAIN, naming the fix", () => {
    const input = sharedInput();
    const errs = errors({ ...input, environmentFiles: { a: input.environmentFiles.a } });
    expect(errs).toContainEqual(
      'ENTRY_POINT=shared for environment "b" needs DOMAIN: the shared entry point routes by host name; set DOMAIN to the environment\'s own host name in .env.b (e.g. DOMAIN=b.example.com)',
    );
  });

  it("fails when two shared environments want the same DOMAIN", () => {
    const errs = errors(sharedInput({}, { DOMAIN: "b.example.com" }));
    expect(errs).toContainEqual(
      'DOMAIN b.example.com is used by environments "a" and "b", which share the entry point (ENTRY_POINT=shared); give each its own host name (DOMAIN in .env.b)',
    );
  });

  it("refuses TLS_MODE=files behind the entry point, and says what to use instead", () => {
    const errs = errors(
      sharedInput({
        TLS_MODE__A: "files",
        TLS_CERT_FILE__A: "/etc/ssl/a.pem",
        TLS_KEY_FILE__A: "/etc/ssl/a.key",
      }),
    );
    expect(errs).toContainEqual(
      expect.stringMatching(
        /^TLS_MODE=files cannot be used with ENTRY_POINT=shared for environment "a": TLS ends at the shared entry point.*use TLS_MODE=acme .* or TLS_MODE=internal, or ENTRY_POINT=own/,
      ),
    );
  });

  it("fails when a shared environment has no proxy", () => {
    expect(errors(sharedInput({}, { PROXY: "false", DOMAIN: "" }))).toContainEqual(
      expect.stringMatching(
        /^ENTRY_POINT=shared for environment "a" needs the environment's proxy, but PROXY=false; set PROXY=true, or ENTRY_POINT=own/,
      ),
    );
  });

  it("fails when the shared ports clash with each other or with an environment's own port", () => {
    expect(errors(sharedInput({ SHARED_HTTP_PORT: "8443", SHARED_HTTPS_PORT: "8443" }))).toContainEqual(
      "SHARED_HTTPS_PORT and SHARED_HTTP_PORT are both 8443; give the shared entry point's HTTPS its own port (443 for a public site, HTTP on 80)",
    );
    const mixed = {
      env: { ENVIRONMENTS: "a,b", SHARED_HTTP_PORT: "8001", TLS_MODE: "internal" },
      environmentFiles: { a: { name: ".env.a", vars: { ENTRY_POINT: "shared", DOMAIN: "a.example.com" } } },
    };
    // b keeps its own port, 8001 by its position: the entry point's HTTP port
    expect(errors(mixed)).toEqual([
      'port 8001 is SHARED_HTTP_PORT of the shared entry point (used by "a") and APP_PORT of environment "b"; give each its own port (SHARED_HTTP_PORT in .env, or APP_PORT in .env.b)',
    ]);
    // on another host address there is no clash
    ok({ ...mixed, env: { ...mixed.env, SHARED_BIND_ADDRESS: "192.0.2.10" } });
  });

  it("leaves the entry point's ports alone where no environment uses it", () => {
    const { config } = ok({ env: { ENVIRONMENTS: "dev", SHARED_HTTP_PORT: "8000" } });
    expect(config.entry.sites).toEqual([]);
  });

  it(`fails when an environment is named "${ENTRY_NAME}" and the entry point is used`, () => {
    const errs = errors({
      env: { ENVIRONMENTS: `a,${ENTRY_NAME}`, TLS_MODE: "internal" },
      environmentFiles: { a: { name: ".env.a", vars: { ENTRY_POINT: "shared", DOMAIN: "a.example.com" } } },
    });
    expect(errs).toContainEqual(
      `ENVIRONMENTS lists "${ENTRY_NAME}", which is the name of the shared entry point's stack (used by "a" with ENTRY_POINT=shared); rename that environment`,
    );
    // with every environment on its own ports, the name is free
    ok({ env: { ENVIRONMENTS: `a,${ENTRY_NAME}` } });
  });

  it("warns that the own ports' settings do nothing behind the entry point", () => {
    const { warnings } = ok(sharedInput({}, { APP_PORT: "9000" }));
    expect(warnings).toContainEqual(
      'APP_PORT (set in .env.a) has no effect with ENTRY_POINT=shared for environment "a": the shared entry point publishes SHARED_HTTP_PORT and SHARED_HTTPS_PORT on SHARED_BIND_ADDRESS; remove it, or set ENTRY_POINT=own',
    );
  });

  it("lets an environment with its own ports deploy while a shared one has a problem", () => {
    const input = {
      env: { ENVIRONMENTS: "dev,prod" },
      environmentFiles: { prod: { name: ".env.prod", vars: { ENTRY_POINT: "shared" } } },
    };
    expect(buildConfig(input, { only: ["dev"] }).ok).toBe(true);
    // ...but not the entry point itself, nor the shared environment
    expect(buildConfig(input, { only: [], entry: true }).ok).toBe(false);
    expect(buildConfig(input, { only: ["prod"] }).ok).toBe(false);
  });

  it("checks the entry point's PROXY_IMAGE when it is built", () => {
    const result = buildConfig({ ...sharedInput({ PROXY_IMAGE: "caddy" }) }, { only: [], entry: true });
    expect(result.ok ? [] : result.errors).toContainEqual(
      'PROXY_IMAGE must carry a tag other than latest, or a digest (e.g. postgres:17), got "caddy" (set in environment; the shared entry point runs it)',
    );
  });
});
