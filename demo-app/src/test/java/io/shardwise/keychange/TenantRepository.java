package io.shardwise.keychange;

import java.util.List;

import io.shardwise.annotation.ShardKey;

import org.springframework.data.jpa.repository.JpaRepository;

public interface TenantRepository extends JpaRepository<Tenant, Long> {

	List<Tenant> findByRegion(@ShardKey String region);

}
