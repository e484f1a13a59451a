-- The demo's weather schema, plus an index for the keyed point read by city.
create table weather_locations (
    id        bigint primary key,
    continent varchar(30) not null,
    city      varchar(50) not null
);

create index weather_locations_city on weather_locations (city);

create table weather_reports (
    id          bigint primary key,
    location_id bigint not null references weather_locations (id),
    temperature double precision,
    report_time timestamp
);

create index weather_reports_location on weather_reports (location_id);
