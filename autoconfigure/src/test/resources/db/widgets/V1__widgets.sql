create table widgets (id bigint primary key);
