package io.shardwise.repository;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.data.repository.core.RepositoryInformation;
import org.springframework.data.repository.core.RepositoryMetadata;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which methods of one repository only read, so that a fan-out of one may run its shard
 * calls in a single read-only transaction
 * ({@link io.shardwise.unitofwork.ReadOnlyUnitOfWork}) instead of each in its own or in
 * none:
 *
 * <ul>
 * <li>query methods (derived or {@code @Query}) and methods of the repository's base
 * class, but never methods of custom fragments, whose code may do anything;
 * <li>not a write ({@link RepositoryMethod#writes()}: {@code save...}, {@code delete...},
 * {@code remove...}, {@code @Modifying}) and not {@code @Lock};
 * <li>whose own transaction, found as the repository's transaction advice finds it
 * (method, interface, base class method, base class), is none or a plain read-only one:
 * Spring Data's base classes are {@code @Transactional(readOnly = true)}, and their
 * writes, and {@code flush}, override that. A method that asks for its own propagation,
 * isolation, timeout or transaction manager, or for {@code jakarta.transaction.Transactional},
 * keeps it.
 * </ul>
 */
final class ReadOnlyMethods {

	private static final String LOCK = "org.springframework.data.jpa.repository.Lock";

	private final RepositoryInformation information;

	private final Map<Method, Boolean> readOnly = new ConcurrentHashMap<>();

	/**
	 * Create the decisions for one repository.
	 * @param metadata the repository's metadata: without its full
	 * {@link RepositoryInformation}, no method counts as read-only
	 */
	ReadOnlyMethods(RepositoryMetadata metadata) {
		this.information = (metadata instanceof RepositoryInformation info) ? info : null;
	}

	/**
	 * Return whether a repository method only reads.
	 * @param plan the method's plan
	 * @return whether its shard calls may share one read-only transaction
	 */
	boolean readsOnly(RepositoryMethod plan) {
		if (plan.writes() || this.information == null) {
			return false;
		}
		Boolean known = this.readOnly.get(plan.method());
		if (known == null) {
			known = decide(plan.method());
			this.readOnly.put(plan.method(), known);
		}
		return known;
	}

	private boolean decide(Method method) {
		if (this.information.isCustomMethod(method) || hasAnnotationNamed(method, LOCK)) {
			return false;
		}
		boolean base = this.information.isBaseClassMethod(method);
		if (!base && !this.information.isQueryMethod(method)) {
			return false;
		}
		Method target = base ? this.information.getTargetClassMethod(method) : method;
		for (AnnotatedElement element : new AnnotatedElement[] { method, method.getDeclaringClass(), target,
				target.getDeclaringClass() }) {
			if (hasAnnotationNamed(element, "jakarta.transaction.Transactional")) {
				return false;
			}
			Transactional transactional = AnnotatedElementUtils.findMergedAnnotation(element, Transactional.class);
			if (transactional != null) {
				return transactional.readOnly()
						&& (transactional.propagation() == Propagation.REQUIRED
								|| transactional.propagation() == Propagation.SUPPORTS)
						&& transactional.isolation() == Isolation.DEFAULT && transactional.timeout() == -1
						&& transactional.timeoutString().isEmpty() && transactional.transactionManager().isEmpty();
			}
		}
		return true;
	}

	private static boolean hasAnnotationNamed(AnnotatedElement element, String name) {
		for (Annotation annotation : element.getAnnotations()) {
			if (annotation.annotationType().getName().equals(name)) {
				return true;
			}
		}
		return false;
	}

}
