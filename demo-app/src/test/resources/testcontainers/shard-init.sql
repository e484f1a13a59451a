-- Runs once in each shard container, as the container's superuser. The password is
-- EmbeddedPostgresShards.APP_PASSWORD.
create role weather login password 'Pg-Secret-4f9c2e71';
grant all on schema public to weather;
create extension if not exists pg_stat_statements;
