"""The stack's layer around a Django project it did not write (constructs/project-image/Dockerfile).

- ``environment``: the stack's variables and secret files, turned into the process environment the
  project expects (``DATABASE_URL``, ``DJANGO_SECRET_KEY``, the project's own secret variables);
- ``settings``: the settings overlay (``DJANGO_SETTINGS_MODULE``): imports the project's settings,
  then applies the stack's, which always win, and says which committed values it overrode;
- ``health``: liveness and readiness answered before the project's URLs and allowed hosts;
- ``gunicorn_conf``: serves ``WSGI_APPLICATION``, on top of the project's ``gunicorn.conf.py``;
- ``deps`` and ``build``: what the image build runs (dependencies, collectstatic).

Standard library only, except where Django is needed (``settings``, ``health``).
"""
