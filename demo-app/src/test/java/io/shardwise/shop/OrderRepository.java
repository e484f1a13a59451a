package io.shardwise.shop;

import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

import io.shardwise.annotation.ShardKey;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.ScrollPosition;
import org.springframework.data.domain.Window;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface OrderRepository extends JpaRepository<Order, Long> {

	List<Order> findByCustomer(@ShardKey Customer customer);

	List<Order> findByCustomerIn(@ShardKey Collection<Customer> customers);

	List<Order> findByStatus(String status);

	Page<Order> findByStatus(String status, Pageable pageable);

	Window<Order> findFirst5ByStatusOrderByIdAsc(String status, ScrollPosition position);

	Stream<Order> streamByStatus(String status);

	@Modifying
	@Query("update Order o set o.status = :status where o.customer = :customer")
	int updateStatus(@ShardKey Customer customer, String status);

}
