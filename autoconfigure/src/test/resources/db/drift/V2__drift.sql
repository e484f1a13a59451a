alter table items add column note varchar(100);
