#!/bin/sh
# Runs once, on the first start of an empty PostgreSQL volume (docker-entrypoint-initdb.d):
# a database and an owning role for sohoa's records, and the same for Prefect's server.
# Passwords come from the container's environment (docker/.env); psql quotes them.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
     -v sohoa_password="$PG_SOHOA_PASSWORD" -v prefect_password="$PG_PREFECT_PASSWORD" <<'SQL'
CREATE ROLE sohoa LOGIN PASSWORD :'sohoa_password';
CREATE DATABASE sohoa OWNER sohoa;
CREATE ROLE prefect LOGIN PASSWORD :'prefect_password';
CREATE DATABASE prefect OWNER prefect;
SQL
