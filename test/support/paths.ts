import * as path from "path";

/** The repository root and the sample Django project in it. */
export const REPO = path.resolve(__dirname, "..", "..");
export const DJANGO_APP = path.join(REPO, "django-app");
