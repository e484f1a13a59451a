package io.shardwise.routing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Field;

import org.hibernate.proxy.HibernateProxy;
import org.hibernate.proxy.LazyInitializer;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What routing needs to know about entities and Hibernate's lazy proxies, without ever
 * initializing one. Works without Hibernate on the classpath (then nothing is a proxy).
 */
final class EntityProxies {

	private static final boolean HIBERNATE = ClassUtils.isPresent("org.hibernate.proxy.HibernateProxy",
			EntityProxies.class.getClassLoader());

	private static final ClassValue<Boolean> ENTITY_CLASSES = new ClassValue<>() {

		@Override
		protected Boolean computeValue(Class<?> type) {
			if (hasAnnotation(type, "jakarta.persistence.Entity")
					|| hasAnnotation(type, "org.springframework.data.relational.core.mapping.Table")) {
				return true;
			}
			return findField(type, "io.shardwise.annotation.ShardKey") != null
					|| findField(type, "jakarta.persistence.Id") != null
					|| findField(type, "org.springframework.data.annotation.Id") != null;
		}

	};

	private EntityProxies() {
	}

	/**
	 * Return whether a value is an entity (or a proxy of one) rather than a key value.
	 */
	static boolean isEntity(Object value) {
		return isProxy(value) || isEntityClass(value.getClass());
	}

	/**
	 * Return whether a class is an entity class: a JPA {@code @Entity}, a Spring Data
	 * relational {@code @Table}, or a class with an id or {@code @ShardKey} field.
	 */
	static boolean isEntityClass(Class<?> type) {
		return ENTITY_CLASSES.get(type);
	}

	static boolean isProxy(Object value) {
		return HIBERNATE && Hibernate.isProxy(value);
	}

	/**
	 * Return whether a value is a lazy proxy that has not been loaded.
	 */
	static boolean isUninitialized(Object value) {
		return HIBERNATE && Hibernate.isUninitialized(value);
	}

	/**
	 * Return the entity class of an entity or proxy.
	 */
	static Class<?> entityClass(Object value) {
		return isProxy(value) ? Hibernate.entityClass(value) : value.getClass();
	}

	/**
	 * Return the identifier of a proxy, read without loading it.
	 */
	static Object identifier(Object value) {
		return isProxy(value) ? Hibernate.identifier(value) : null;
	}

	/**
	 * Return the entity behind a proxy, loading it if needed (in the proxy's session).
	 */
	static Object load(Object value) {
		return isProxy(value) ? Hibernate.load(value) : value;
	}

	static Field findField(Class<?> type, String annotationName) {
		Field[] found = new Field[1];
		ReflectionUtils.doWithFields(type, (field) -> found[0] = field,
				(field) -> found[0] == null && hasAnnotation(field, annotationName));
		return found[0];
	}

	private static boolean hasAnnotation(java.lang.reflect.AnnotatedElement element, String name) {
		for (Annotation annotation : element.getAnnotations()) {
			if (annotation.annotationType().getName().equals(name)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The Hibernate calls, in their own class so that nothing loads Hibernate's types
	 * when it is absent.
	 */
	private static final class Hibernate {

		static boolean isProxy(Object value) {
			return value instanceof HibernateProxy;
		}

		static boolean isUninitialized(Object value) {
			return value instanceof HibernateProxy proxy && proxy.getHibernateLazyInitializer().isUninitialized();
		}

		static Class<?> entityClass(Object value) {
			return ((HibernateProxy) value).getHibernateLazyInitializer().getPersistentClass();
		}

		static Object identifier(Object value) {
			LazyInitializer initializer = ((HibernateProxy) value).getHibernateLazyInitializer();
			return initializer.getInternalIdentifier();
		}

		static Object load(Object value) {
			return ((HibernateProxy) value).getHibernateLazyInitializer().getImplementation();
		}

	}

}
