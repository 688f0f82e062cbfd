#!/bin/sh
# Wait for PostgreSQL, apply migrations and collect static files (web container only), then run the command.
set -e
if [ -n "$SQL_HOST" ]; then
  until pg_isready -h "$SQL_HOST" -p "${SQL_PORT:-5432}" -q; do echo "waiting for PostgreSQL at $SQL_HOST"; sleep 2; done
fi
if [ "$1" = "gunicorn" ]; then
  openrem migrate --noinput
  openrem collectstatic --noinput -v0
fi
exec "$@"
