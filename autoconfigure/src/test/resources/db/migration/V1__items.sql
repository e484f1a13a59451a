create table items (
	id bigint primary key,
	k varchar(50)
);
