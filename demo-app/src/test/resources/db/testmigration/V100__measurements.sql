-- Test-only table for the fan-out correctness tests: nullable columns, duplicate values
-- and mixed-case text. Applied only by contexts that add classpath:db/testmigration.
create table measurements (
    id      bigint primary key,
    region  varchar(30) not null,
    city    varchar(50) not null,
    label   varchar(30),
    reading double precision,
    seq     integer not null,
    amount  numeric(10, 2) not null,
    measured_at timestamp not null default timestamp '2026-01-01 00:00:00'
);
