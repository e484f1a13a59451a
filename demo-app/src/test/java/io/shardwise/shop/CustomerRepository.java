package io.shardwise.shop;

import java.util.Optional;

import io.shardwise.annotation.ShardKey;
import org.springframework.data.jpa.repository.JpaRepository;

public interface CustomerRepository extends JpaRepository<Customer, Long> {

	Optional<Customer> findByNumber(@ShardKey String number);

}
