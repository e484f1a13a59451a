-- A migration that succeeds or fails depending on each shard's data: the Europe shard
-- of PostgresMigrationFailureTest holds two locations of the same city.
alter table weather_locations add column country varchar(30);
create unique index weather_locations_city on weather_locations (city);
