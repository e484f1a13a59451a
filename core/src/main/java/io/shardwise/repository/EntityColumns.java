package io.shardwise.repository;

import java.util.HashMap;
import java.util.Map;

import jakarta.persistence.EntityManagerFactory;
import org.hibernate.HibernateException;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.AbstractEntityPersister;
import org.hibernate.persister.entity.EntityPersister;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;

/**
 * Reads from Hibernate's mapping which column holds which property of an entity, so that
 * the merge of a native query sorted by columns can compare the properties. Loaded only
 * when Hibernate is on the classpath.
 */
final class EntityColumns {

	private EntityColumns() {
	}

	/**
	 * Return the column mapping of an entity, or {@code null} if the transaction manager
	 * is not Hibernate's JPA, the type is not one of its entities, or it has no
	 * single-column id.
	 * @param transactionManager the transaction manager of the repositories
	 * @param domainType the entity type
	 * @return the mapping, or {@code null}
	 */
	static ResultProperties.NativeColumns of(PlatformTransactionManager transactionManager, Class<?> domainType) {
		Object factory = (transactionManager instanceof ResourceTransactionManager resource)
				? resource.getResourceFactory() : null;
		if (!(factory instanceof EntityManagerFactory entityManagerFactory)) {
			return null;
		}
		EntityPersister persister;
		try {
			persister = entityManagerFactory.unwrap(SessionFactoryImplementor.class)
				.getMappingMetamodel()
				.getEntityDescriptor(domainType);
		}
		catch (HibernateException | IllegalArgumentException ex) {
			// Not a JPA entity (a Spring Data JDBC aggregate next to JPA repositories).
			return null;
		}
		if (!(persister instanceof AbstractEntityPersister mapped) || mapped.getIdentifierColumnNames().length != 1) {
			return null;
		}
		Map<String, String> byColumn = new HashMap<>();
		for (String property : mapped.getPropertyNames()) {
			String[] columns = mapped.getPropertyColumnNames(property);
			if (columns != null && columns.length == 1 && columns[0] != null) {
				byColumn.putIfAbsent(ResultProperties.NativeColumns.normalize(columns[0]), property);
			}
		}
		String idColumn = mapped.getIdentifierColumnNames()[0];
		// The id wins over a read-only property mapped to the same column.
		byColumn.put(ResultProperties.NativeColumns.normalize(idColumn), mapped.getIdentifierPropertyName());
		return new ResultProperties.NativeColumns(Map.copyOf(byColumn), idColumn);
	}

}
