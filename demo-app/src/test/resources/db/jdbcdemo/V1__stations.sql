-- The Spring Data JDBC test application (io.shardwise.jdbcdemo): an aggregate of a
-- station and its readings, and a JPA entity beside it.
create table stations (
    id        bigint primary key,
    continent varchar(30) not null,
    name      varchar(50) not null
);

create table station_readings (
    station_id  bigint not null references stations (id),
    position    integer not null,
    temperature double precision not null,
    primary key (station_id, position)
);

create table station_notes (
    id        bigint primary key,
    continent varchar(30) not null,
    text      varchar(100) not null
);
