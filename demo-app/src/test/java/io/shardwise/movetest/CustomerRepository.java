package io.shardwise.movetest;

import java.util.Optional;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;

public interface CustomerRepository extends JpaRepository<Customer, Long> {

	Optional<Customer> findByKey(@ShardKey(strategy = "accounts") String key);

}
