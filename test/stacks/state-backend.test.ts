import { makeStack, synthJson } from "../support/stack";

describe("state backends", () => {
  it("writes no credentials into the backend configuration", () => {
    const s3 = synthJson(
      makeStack({ TF_BACKEND: "s3", TF_S3_BUCKET: "tfstate", TF_S3_ENDPOINT: "http://minio:9000" }),
    );
    expect(s3.terraform.backend.s3).toMatchObject({
      bucket: "tfstate",
      key: "django/dev.tfstate",
      endpoints: { s3: "http://minio:9000" },
      use_path_style: true,
      use_lockfile: true,
    });
    const pg = synthJson(makeStack({ TF_BACKEND: "pg" }));
    expect(pg.terraform.backend.pg).toEqual({ schema_name: "django_dev" });
    const http = synthJson(makeStack({ TF_BACKEND: "http", TF_HTTP_BASE_URL: "https://state.example/tf/" }));
    expect(http.terraform.backend.http.address).toBe("https://state.example/tf/django-dev");
  });
});
