/**
 * The settings table is the one source of defaults: the library's documented defaults agree with
 * it (a stack built from the default configuration and a bare composition that leaves every
 * optional prop unset synthesize the same values), and the image's environment contract names
 * exactly the table's Django settings.
 */
import { SETTINGS, isSecretName, settingNamed, shownDefault } from "../../config/settings";
import { DjangoEnv } from "../../constructs";
import { bareStack, composeApp } from "../support/constructs";
import { Json, makeStacks, resource, synthJson } from "../support/stack";

function bareComposition(): Json {
  const stack = bareStack();
  composeApp(stack);
  return synthJson(stack);
}

describe("the settings table", () => {
  it("names each setting once, with a description, and a default where the configuration needs one", () => {
    const names = SETTINGS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SETTINGS) {
      expect(s.description.length).toBeGreaterThan(10);
      if (s.range) expect(s.range[0]).toBeLessThanOrEqual(s.range[1]);
      if (typeof s.value === "number") expect(s.range).toBeDefined();
    }
  });

  it("agrees with the construct library's defaults", () => {
    const bare = bareComposition();
    const { environment, release } = makeStacks();
    const stack = {
      resource: {
        docker_container: {
          ...synthJson(environment).resource.docker_container,
          ...synthJson(release).resource.docker_container,
        },
        docker_image: {
          ...synthJson(environment).resource.docker_image,
          ...synthJson(release).resource.docker_image,
        },
      },
    };
    const pick = (json: Json) => {
      const web = resource(json, "docker_container", "App/Web");
      const db = resource(json, "docker_container", "Database/Container");
      const env = (c: Json, prefix: RegExp) => c.env.filter((e: string) => prefix.test(e)).sort();
      return {
        // (the scheme header is trusted behind the proxy, which the bare composition has not)
        webEnv: env(
          web,
          /^(DEBUG|DJANGO_(LOGLEVEL|ALLOWED_HOSTS|CSRF|SECURE_(SSL|COOKIES|HSTS))|GUNICORN|DATABASE_(NAME|PORT))/,
        ),
        webMemory: web.memory,
        webPorts: web.ports,
        dbEnv: env(db, /^POSTGRES_(USER|DB)=/),
        dbMemory: db.memory,
        dbImage: Object.values(json.resource.docker_image as Record<string, Json>).find((i) => !i.build).name,
        baseImage: Object.values(json.resource.docker_image as Record<string, Json>).find((i) => i.build)
          .build.build_args.PYTHON_IMAGE,
      };
    };
    expect(pick(stack)).toEqual(pick(bare));
    // and the values are the table's
    expect(pick(bare)).toMatchObject({
      dbImage: shownDefault(settingNamed("POSTGRES_IMAGE")),
      baseImage: shownDefault(settingNamed("PYTHON_IMAGE")),
      dbMemory: settingNamed("POSTGRES_MEMORY_MB").value,
      webMemory: settingNamed("APP_MEMORY_MB").value,
    });
  });

  it("marks as Django settings exactly the names of the image's environment contract", () => {
    const django = SETTINGS.filter((s) => s.django)
      .map((s) => s.name.replace(/_FILE$/, ""))
      .filter((n, i, all) => all.indexOf(n) === i)
      .sort();
    // GUNICORN_TIMEOUT and GUNICORN_GRACEFUL_TIMEOUT are the image's own (the drain depends on them)
    const contract = Object.values(DjangoEnv)
      .filter((n) => !["GUNICORN_TIMEOUT", "GUNICORN_GRACEFUL_TIMEOUT"].includes(n))
      .sort();
    expect(django).toEqual(contract);
  });

  it("knows the secrets from the table's `secret` marks, families and per-environment forms included", () => {
    for (const s of SETTINGS.filter((x) => x.secret && !x.name.includes("<")))
      expect([s.name, isSecretName(s.name)]).toEqual([s.name, true]);
    for (const name of ["DATABASE_PASSWORD__PROD", "APP_SECRET_STRIPE_KEY", "APP_SECRET_STRIPE_KEY__PROD_EU"])
      expect([name, isSecretName(name)]).toEqual([name, true]);
    // paths of secret files, and settings that are not secret
    for (const name of [
      "DJANGO_SECRET_KEY_FILE",
      "APP_SECRET_STRIPE_KEY_FILE",
      "APP_SECRET_",
      "DATABASE_NAME",
      "X",
    ])
      expect([name, isSecretName(name)]).toEqual([name, false]);
  });
});
