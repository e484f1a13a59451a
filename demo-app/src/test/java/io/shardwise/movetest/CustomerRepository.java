package io.shardwise.movetest;

import java.util.Optional;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

public interface CustomerRepository extends JpaRepository<Customer, Long> {

	Optional<Customer> findByKey(@ShardKey(strategy = "accounts") String key);

	/** A bulk write, which Hibernate's write events (and so a move's capture) do not see. */
	@Transactional
	@Modifying
	@Query("update Customer c set c.name = :name where c.key = :key")
	int renameByKey(@ShardKey(strategy = "accounts") @Param("key") String key, @Param("name") String name);

}
