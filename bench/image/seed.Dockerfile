# Benchmark fixture: the multi-stage Dockerfile of the seed article, Docker's "How to Dockerize your
# Django project", step 2 (the "improvements" version), kept as written except where marked ADAPTED.
# bench/image/run.sh builds it beside django-app/Dockerfile with the same app, requirements and base.
#
# ADAPTED, forced by the stand-in base (standin/python:3.13-slim: Debian's Python under /usr, whose
# pip installs into /usr/local/lib/python3.13/dist-packages, not the official image's site-packages):
#   1. FROM python:3.13-slim -> FROM ${PYTHON_IMAGE} (default: the article's python:3.13-slim)
#   2. the COPY of /usr/local/lib/python3.13/site-packages/ copies .../dist-packages/ instead
#   3. `pip install --upgrade pip` gets --ignore-installed: Debian's own pip has no RECORD file and
#      cannot be uninstalled, so the new pip goes beside it into /usr/local (as in the official image)
# ADAPTED, forced by "same app": the gunicorn CMD names config.wsgi, not my_docker_django_app.wsgi.
# The article's useradd line continues with a backslash at each line end, as here.
ARG PYTHON_IMAGE=python:3.13-slim

# Stage 1: Base build stage
FROM ${PYTHON_IMAGE} AS builder

# Create the app directory
RUN mkdir /app

# Set the working directory
WORKDIR /app

# Set environment variables to optimize Python
ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1

# Upgrade pip and install dependencies
RUN pip install --upgrade --ignore-installed pip

# Copy the requirements file first (better caching)
COPY requirements.txt /app/

# Install Python dependencies
RUN pip install --no-cache-dir -r requirements.txt

# Stage 2: Production stage
FROM ${PYTHON_IMAGE}

RUN useradd -m -r appuser && \
   mkdir /app && \
   chown -R appuser /app

# Copy the Python dependencies from the builder stage
COPY --from=builder /usr/local/lib/python3.13/dist-packages/ /usr/local/lib/python3.13/dist-packages/
COPY --from=builder /usr/local/bin/ /usr/local/bin/

# Set the working directory
WORKDIR /app

# Copy application code
COPY --chown=appuser:appuser . .

# Set environment variables to optimize Python
ENV PYTHONDONTWRITEBYTECODE=1
ENV PYTHONUNBUFFERED=1

# Switch to non-root user
USER appuser

# Expose the application port
EXPOSE 8000

# Start the application using Gunicorn
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "config.wsgi:application"]
