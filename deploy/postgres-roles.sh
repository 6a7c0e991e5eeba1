#!/bin/sh
# The two database roles of a deployment (see README "Database roles"). The postgres image runs
# this once, when its volume is first created (/docker-entrypoint-initdb.d), as its superuser.
#   filiform      owns the database, its tables and their triggers; runs the migrations.
#   filiform_app  the web, worker and beat processes; `manage.py grant_runtime_role` lets it
#                 read and write rows, nothing more, so it cannot turn the guards off.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v database="$POSTGRES_DB" \
    -v owner_password="$FILIFORM_OWNER_PASSWORD" \
    -v app_password="$FILIFORM_APP_PASSWORD" <<'SQL'
CREATE ROLE filiform LOGIN PASSWORD :'owner_password';
CREATE ROLE filiform_app LOGIN PASSWORD :'app_password';
ALTER DATABASE :"database" OWNER TO filiform;
ALTER SCHEMA public OWNER TO filiform;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
