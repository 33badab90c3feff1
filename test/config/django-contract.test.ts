import { djangoContract, djangoContractText } from "../../config/django-contract";
import { SETTINGS } from "../../config/settings";

describe("the Django image's contract file", () => {
  it("lists every Django setting of the table with its default as the variable's text", () => {
    const { variables } = djangoContract();
    expect(Object.keys(variables)).toEqual(SETTINGS.filter((s) => s.django).map((s) => s.name));
    expect(variables).toMatchObject({
      DEBUG: "false",
      DJANGO_ALLOWED_HOSTS: "localhost,127.0.0.1",
      DATABASE_HOST: "db",
      DATABASE_PORT: "5432",
    });
  });

  it("gives generated secrets no default: the stack always passes a file", () => {
    const { variables } = djangoContract();
    expect(variables.DJANGO_SECRET_KEY).toBeNull();
    expect(variables.DATABASE_PASSWORD).toBeNull();
    expect(variables.DATABASE_PASSWORD_FILE).toBeNull();
  });

  it("is stable JSON with a final newline", () => {
    expect(djangoContractText()).toBe(djangoContractText());
    expect(djangoContractText().endsWith("}\n")).toBe(true);
    expect(JSON.parse(djangoContractText()).comment).toMatch(/npm run generate/);
  });
});
