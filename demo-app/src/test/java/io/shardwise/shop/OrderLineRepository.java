package io.shardwise.shop;

import java.util.List;

import io.shardwise.annotation.ShardKey;
import org.springframework.data.jpa.repository.JpaRepository;

public interface OrderLineRepository extends JpaRepository<OrderLine, Long> {

	List<OrderLine> findByOrder(@ShardKey Order order);

}
