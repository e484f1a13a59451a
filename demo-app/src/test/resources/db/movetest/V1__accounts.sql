-- The mover test application: customers (placed by the hash strategy "accounts"),
-- their orders and the orders' lines, on every shard.
create table customers (
    id bigint primary key,
    customer_key varchar(64) not null,
    name varchar(200) not null
);

create table orders (
    id bigint primary key,
    customer_id bigint not null references customers (id),
    amount integer not null
);

create index orders_customer on orders (customer_id);

create table order_lines (
    id bigint primary key,
    order_id bigint not null references orders (id),
    sku varchar(64) not null,
    quantity integer not null
);

create index order_lines_order on order_lines (order_id);
