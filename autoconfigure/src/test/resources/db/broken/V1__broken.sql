create tabel broken (id bigint primary key);
